# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Which packages' debs are cached, found out without starting anything."""

from colcon_deb.cache.keys import package_keys
from colcon_deb.dependency_resolution import cached_resolution
from colcon_deb.docker.builder_image import builder_tag
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine_pool import docker_engines
from colcon_deb.platforms import platform_of_machine


def cache_states(plan, settings, options, cache, *, platform=None,
                 base_image=None):
    """
    Tell for each package whether its deb is cached, starting nothing.

    Without Docker, or before the run's dependencies were ever resolved,
    the keys cannot be known: then there is nothing to tell.

    :param options: {name: the package's colcon_deb.task.PackageOptions}
    :param platform: the colcon_deb.platforms.Platform, default the first
      engine's own
    :param base_image: the platform's, default --base-image
    """
    if settings.cache == 'none':
        return {p.name: 'miss: --cache none' for p in plan.packages}
    base_image = base_image or settings.base_image
    # the builder image of the first engine (the one of the platform's
    # engines that makes it, unless a native one comes later)
    engine = docker_engines(settings.docker_hosts)[0]
    try:
        engine.check()
        platform = platform or platform_of_machine(engine.machine())
        if platform is None:
            return None
        image = builder_tag(
            base_image, engine.image_id(base_image), platform.architecture)
    except EngineError:
        return None
    cache = cache.for_architecture(platform.architecture)
    resolution = cached_resolution(
        cache.folder, image, plan, rosdep_command=settings.rosdep_command,
        rosdep_sources=settings.rosdep_sources)
    if resolution is None:
        return {
            p.name: 'miss: dependencies not resolved yet'
            for p in plan.packages}
    keys = package_keys(
        plan, options, image=image, resolution=resolution, cache=cache)
    states = {}
    for name, (key, _) in keys.items():
        if cache.lookup(key):
            states[name] = 'hit'
        else:
            states[name] = 'miss: ' + ', '.join(
                key.changes_from(cache.last_key(name)) or
                ['cached deb missing or corrupt'])
    return states

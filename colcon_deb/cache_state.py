# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Which packages' debs are cached, found out without starting anything."""

from colcon_deb.builder_image import builder_tag
from colcon_deb.dependency_resolution import cached_resolution
from colcon_deb.engine import EngineError
from colcon_deb.engine_pool import docker_engines
from colcon_deb.package_keys import package_keys


def cache_states(plan, args, base_image, cache):
    """
    Tell for each package whether its deb is cached, starting nothing.

    Without Docker, or before the run's dependencies were ever resolved,
    the keys cannot be known: then there is nothing to tell.
    """
    if args.cache == 'none':
        return {p.name: 'miss: --cache none' for p in plan.packages}
    # the first engine makes the builder image every engine uses
    engine = docker_engines(args.docker_host)[0]
    try:
        engine.check()
        image = builder_tag(base_image, engine.image_id(base_image))
    except EngineError:
        return None
    resolution = cached_resolution(
        cache.folder, image, plan, rosdep_command=args.rosdep_command,
        rosdep_sources=args.rosdep_source)
    if resolution is None:
        return {
            p.name: 'miss: dependencies not resolved yet'
            for p in plan.packages}
    keys = package_keys(
        plan, image=image, resolution=resolution, args=args, cache=cache)
    states = {}
    for name, (key, _) in keys.items():
        if cache.lookup(key):
            states[name] = 'hit'
        else:
            states[name] = 'miss: ' + ', '.join(
                key.changes_from(cache.last_key(name)) or
                ['cached deb missing or corrupt'])
    return states

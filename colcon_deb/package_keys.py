# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The cache key of each planned package, in build order."""

from colcon_deb import __version__
from colcon_deb.cache import CacheKey
from colcon_deb.cache import configuration_digest
from colcon_deb.cache import source_digest


def package_keys(plan, *, image, resolution, args, cache):
    """
    Return {name: (CacheKey, newest source mtime)} of the planned packages.

    A dependency outside the plan (not selected) counts with the key of the
    deb it last got, which is the one in the repository.
    """
    keys = {}
    for planned in plan.packages:
        source, newest = source_digest(planned.path)
        dependencies = {}
        for name in planned.all_workspace_dependencies:
            if name in keys:
                dependencies[name] = keys[name][0].full
            else:
                last = cache.last_key(name)
                dependencies[name] = \
                    CacheKey(**last).full if last else 'unknown'
        key = CacheKey(
            package=planned.name, version=planned.package.version,
            source=source,
            configuration=configuration_digest({
                'colcon-deb': __version__, 'image': image,
                'build_type': planned.build_type,
                'ros_distro': plan.ros_distro, 'prefix': plan.prefix,
                'deb_name': planned.deb_name, 'revision': plan.revision,
                'codename': resolution.codename,
                'architecture': resolution.architecture,
                'cmake_args': args.cmake_args or [],
                'run_tests': args.run_tests,
            }),
            resolution=configuration_digest(
                resolved_dependencies(plan, planned, resolution)),
            dependencies=dependencies)
        keys[planned.name] = (key, newest)
    return keys


def resolved_dependencies(plan, planned, resolution):
    """Return the system packages the package's rosdep keys resolved to."""
    resolved = {}
    for dependency in planned.build_depends + planned.run_depends:
        if dependency.name not in plan.workspace_deb_names:
            resolved[dependency.name] = sorted(
                resolution.system_packages.get(dependency.name, []))
    return resolved

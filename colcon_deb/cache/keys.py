# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The cache key of each planned package, in build order."""

import hashlib
import os
from pathlib import Path
import stat

from colcon_deb import __version__
from colcon_deb.cache import CacheKey
from colcon_deb.cache import digest
from colcon_deb.cache import file_sha256
from colcon_deb.task import get_build_type_task

# folders no build reads: version control and byte code
IGNORED_FOLDERS = {'.git', '.hg', '.svn', '__pycache__', '.pytest_cache'}
# folders colcon leaves out of the workspace (build, install, log, deb, ...)
IGNORE_MARKERS = ('COLCON_IGNORE', 'AMENT_IGNORE', 'CATKIN_IGNORE')


def package_keys(plan, options, *, image, resolution, cache):
    """
    Return {name: (CacheKey, newest source mtime)} of the planned packages.

    A dependency outside the plan (not selected) counts with the key of the
    deb it last got, which is the one in the repository.

    :param options: {name: the package's colcon_deb.task.PackageOptions}
    """
    keys = {}
    for planned in plan.packages:
        source, newest = source_digest(planned.path)
        dependencies = {}
        for name in planned.all_workspace_dependencies:
            if name in keys:
                dependencies[name] = keys[name][0].full
            else:
                dependencies[name] = cache.last_full_key(name) or 'unknown'
        task = get_build_type_task(planned.build_type)
        key = CacheKey(
            package=planned.name, version=planned.package.version,
            source=source,
            configuration=digest({
                'colcon-deb': __version__, 'image': image,
                'build_type': planned.build_type,
                'ros_distro': plan.ros_distro, 'prefix': plan.prefix,
                'deb_name': planned.deb_name, 'revision': plan.revision,
                'version_suffix': plan.version_suffix,
                'codename': resolution.codename,
                'architecture': resolution.architecture,
                'run_tests': options[planned.name].run_tests,
                'build_type_options': task.cache_inputs(
                    options[planned.name]),
            }),
            resolution=digest(
                resolved_dependencies(plan, planned, resolution)),
            dependencies=dependencies)
        keys[planned.name] = (key, newest)
    return keys


def resolved_dependencies(plan, planned, resolution):
    """Return the system packages the package's rosdep keys resolved to."""
    resolved = {}
    for dependency in planned.build_depends + planned.run_depends + \
            planned.conflicts + planned.replaces:
        if dependency.name not in plan.workspace_deb_names:
            resolved[dependency.name] = sorted(
                resolution.system_packages.get(dependency.name, []))
    return resolved


def source_digest(path):
    """
    Hash every file of a package's source a build can read.

    Returns the digest and the newest modification time (the timestamp of
    reproducible debs).  Version control folders, byte code and folders
    with an ignore marker (colcon's build, install and log folders) are
    left out.
    """
    path = Path(path)
    hash_ = hashlib.sha256()
    newest = 0
    for root, folders, files in os.walk(path):
        folders[:] = sorted(
            f for f in folders if f not in IGNORED_FOLDERS and not any(
                (Path(root) / f / m).exists() for m in IGNORE_MARKERS))
        for name in sorted(files):
            if name.endswith('.pyc'):
                continue
            file_path = Path(root) / name
            mode = file_path.lstat()
            if stat.S_ISLNK(mode.st_mode):
                content = b'link:' + os.fsencode(os.readlink(file_path))
            elif stat.S_ISREG(mode.st_mode):
                content = file_sha256(file_path).encode()
                if mode.st_mode & 0o111:
                    content += b':x'
            else:
                # a FIFO, socket or device: no build reads it (the build's
                # copy of the source leaves it out), and opening a FIFO
                # would wait for a writer forever
                continue
            newest = max(newest, int(mode.st_mtime))
            # os.fsencode: file names need not be UTF-8
            relative = os.fsencode(file_path.relative_to(path).as_posix())
            hash_.update(relative + b'\0' + content + b'\0')
    return hash_.hexdigest(), newest

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The options of a `deb` run, checked and resolved once."""

from dataclasses import dataclass
import os
from pathlib import Path

from colcon_deb.compiler_cache import is_size
from colcon_deb.docker.engine_pool import docker_engines
from colcon_deb.output_folder import parse_size
from colcon_deb.platforms import parse_platform


# the defaults of the numeric options: argparse gets None, so that colcon
# mixins and defaults files can tell a value given from the default
DEFAULTS = {'deb_revision': 0, 'retries': 0, 'retry_delay': 5.0}
# how deb versions end, the default first (see Plan.version_suffixes)
VERSION_SUFFIXES = ('source-time', 'none')


@dataclass(frozen=True)
class Settings:
    """
    What the options of a run say, with the defaults that follow from them.

    Made from colcon's argument namespace once, before anything else: what
    is wrong with an option is said here, in one line, before a package is
    looked at or Docker is asked.
    """

    ros_distro: str
    prefix: str
    base_image: str
    deb_base: Path
    revision: int
    version_suffix: str
    run_tests: bool
    # whether the debs of debug symbols are published
    dbgsym: bool
    rosdep_command: str
    rosdep_sources: tuple
    cache: str
    cache_dir: Path
    docker_hosts: tuple
    # the colcon_deb.platforms.Platform of each --platform; none: the
    # engine's own
    platforms: tuple
    continue_on_error: bool
    package_timeout: float
    retries: int
    retry_delay: float
    memory: str
    cpus: float
    min_free_space: int
    wait_for_lock: bool
    # the GnuPG key that signs the repository, or None
    sign_key: str = None
    # the compiler cache folder the builds share, or None; its max_size,
    # None for ccache's
    ccache: Path = None
    ccache_max_size: str = None

    @classmethod
    def from_args(cls, args):
        """
        Return the settings of the parsed options.

        :raises RuntimeError: naming the option that is wrong
        """
        if not args.ros_distro:
            raise RuntimeError(
                'the ROS distribution is unknown: pass --ros-distro NAME or '
                'set ROS_DISTRO')
        for source in args.rosdep_source:
            if not Path(source).is_file():
                raise RuntimeError(f"--rosdep-source '{source}' is no file")
        try:
            min_free_space = parse_size(args.min_free_space)
        except ValueError as e:
            raise RuntimeError(f'--min-free-space: {e}') from None
        numbers = {
            name: DEFAULTS[name] if getattr(args, name) is None
            else getattr(args, name) for name in DEFAULTS}
        if numbers['retries'] < 0 or numbers['deb_revision'] < 0:
            raise RuntimeError(
                '--retries and --deb-revision cannot be negative')
        check_limits(args, numbers['retry_delay'])
        try:
            docker_engines(args.docker_host)
        except ValueError as e:
            raise RuntimeError(f'--docker-host {e}') from None
        deb_base = deb_base_of(args)
        check_ccache(args)
        platforms = parse_platforms(getattr(args, 'platform', None) or ())
        return cls(
            ros_distro=args.ros_distro,
            prefix=args.install_prefix or f'/opt/ros/{args.ros_distro}',
            base_image=args.base_image or
            f'ros:{args.ros_distro}-ros-base',
            deb_base=deb_base,
            revision=numbers['deb_revision'],
            version_suffix=args.deb_version_suffix,
            run_tests=args.run_tests,
            dbgsym=not args.no_dbgsym,
            rosdep_command=args.rosdep_command,
            rosdep_sources=tuple(args.rosdep_source),
            cache=args.cache,
            cache_dir=Path(args.cache_dir) if args.cache_dir
            else default_cache_dir(),
            docker_hosts=tuple(args.docker_host),
            platforms=platforms,
            continue_on_error=args.continue_on_error,
            package_timeout=args.package_timeout,
            retries=numbers['retries'],
            retry_delay=numbers['retry_delay'],
            memory=args.memory,
            cpus=args.cpus,
            min_free_space=min_free_space,
            wait_for_lock=args.wait_for_lock,
            sign_key=args.sign_key,
            ccache=Path(args.ccache) if args.ccache else None,
            ccache_max_size=args.ccache_max_size)


def parse_platforms(values):
    """
    Return the platforms of the --platform options, each once.

    :raises RuntimeError: naming the option that is wrong
    """
    platforms = []
    for value in values:
        try:
            platform = parse_platform(value)
        except ValueError as e:
            raise RuntimeError(f'--platform {e}') from None
        if any(p.name == platform.name for p in platforms):
            raise RuntimeError(
                f'--platform {platform.name} is given twice')
        platforms.append(platform)
    return tuple(platforms)


def check_limits(args, retry_delay):
    """
    Check the limits of a build before any is started.

    Docker would refuse them only when the first container is made, and
    a negative time would pass unnoticed.

    :raises RuntimeError: naming the option that is wrong
    """
    if args.package_timeout is not None and args.package_timeout < 0:
        raise RuntimeError('--package-timeout cannot be negative')
    if retry_delay < 0:
        raise RuntimeError('--retry-delay cannot be negative')
    if args.cpus is not None and args.cpus <= 0:
        raise RuntimeError('--cpus must be more than 0')
    if args.memory is not None:
        from docker.errors import DockerException
        from docker.utils import parse_bytes
        try:
            size = parse_bytes(args.memory)
        except DockerException:
            size = 0
        if size <= 0:
            raise RuntimeError(
                f"--memory '{args.memory}' is no size like 512m or 4g")


def check_ccache(args):
    """
    Check the compiler cache's options; the folder is made when a run starts.

    :raises RuntimeError: naming the option that is wrong
    """
    if args.ccache and os.path.exists(args.ccache) and \
            not os.path.isdir(args.ccache):
        raise RuntimeError(f"--ccache '{args.ccache}' is no folder")
    size = args.ccache_max_size
    if size is not None:
        if not args.ccache:
            raise RuntimeError('--ccache-max-size needs --ccache DIR')
        if not is_size(size):
            raise RuntimeError(
                f"--ccache-max-size '{size}' is no size like 500M or 20G "
                "(ccache's)")


def deb_base_of(args):
    """
    Return the output folder the options name, as an absolute path.

    colcon's path resolver leaves the default value as it is: relative to
    the current folder.
    """
    return Path(os.path.abspath(args.deb_base))


def default_cache_dir():
    """
    Return where debs are cached unless --cache-dir says: the user's cache.

    That is `$XDG_CACHE_HOME/colcon-deb`, by default
    `~/.cache/colcon-deb`, as the XDG base directories want it: outside the
    output folder users publish, and shared by their workspaces (keys are
    content hashes, so sharing is safe).
    """
    base = os.environ.get('XDG_CACHE_HOME') or \
        os.path.join(os.path.expanduser('~'), '.cache')
    return Path(base) / 'colcon-deb'

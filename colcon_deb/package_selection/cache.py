# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Select packages by the state of their cached debs."""

from colcon_core.logging import colcon_logger
from colcon_core.package_selection import PackageSelectionExtensionPoint
from colcon_core.plugin_system import satisfies_version

logger = colcon_logger.getChild(__name__)


class DebCachePackageSelection(PackageSelectionExtensionPoint):
    """
    Leave out the packages whose cached deb is current.

    Such a package keeps its deb in the repository, so its dependents still
    build against it.  It only ever unselects: together with colcon's own
    `--packages-*` options, it narrows what they select.
    """

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(
            PackageSelectionExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')

    def add_arguments(self, *, parser):  # noqa: D102
        parser.add_argument(
            '--packages-select-cache-miss', action='store_true',
            help='Only process the packages whose deb must be built again '
                 '(colcon deb; the others keep their current deb)')

    def select_packages(self, *, args, decorators):  # noqa: D102
        if not args.packages_select_cache_miss:
            return
        if getattr(args, 'verb_name', None) != 'deb':
            logger.warning(
                '--packages-select-cache-miss only works with colcon deb; '
                'it is ignored')
            return
        states = _cache_states(args, decorators)
        if states is None:
            logger.warning(
                'the cache state is unknown (Docker cannot be reached): '
                '--packages-select-cache-miss selects every package')
            return
        for decorator in decorators:
            if states.get(decorator.descriptor.name) == 'hit':
                decorator.selected = False


def _cache_states(args, decorators):
    """Return the cache states of every package, as a dry run tells them."""
    from colcon_deb.cache import DebCache
    from colcon_deb.cache.states import cache_states
    from colcon_deb.plan import make_plan
    from colcon_deb.settings import Settings
    from colcon_deb.task import build_type_destinations
    from colcon_deb.task import package_options
    settings = Settings.from_args(args)
    plan = make_plan(
        decorators, ros_distro=settings.ros_distro, prefix=settings.prefix,
        revision=settings.revision, with_tests=settings.run_tests,
        selected_only=False, version_suffix=settings.version_suffix,
        dbgsym=settings.dbgsym)
    options = package_options(
        args, settings, plan, build_type_destinations())
    return cache_states(
        plan, settings, options, DebCache(settings.cache_dir, settings.cache))

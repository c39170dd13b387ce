# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The extension point of build types: how a package of one type builds.

colcon identifies a package's build type; the task registered for it in
the entry point group TASK_GROUP says which commands build and install it
(the build steps, run in the package's container) and which options make
its deb differ (its part of the cache key).  Everything else of a
package's job is the same for every type: see `package_job`.
"""

import argparse
from dataclasses import dataclass
from types import SimpleNamespace

from colcon_core.argument_parser.destination_collector \
    import DestinationCollectorDecorator
from colcon_core.plugin_system import satisfies_version
from colcon_core.task import add_task_arguments
from colcon_core.task import get_task_extension
from colcon_core.task import TaskExtensionPoint
from colcon_core.verb import update_object

TASK_GROUP = 'colcon_deb.task.deb'


class PackageOptions(SimpleNamespace):
    """
    The options of one package that its build type reads.

    `run_tests`, and the options the build types add themselves (for
    example `cmake_args`), by their argparse destination.
    """


@dataclass(frozen=True)
class BuildTarget:
    """What a build type needs to know of the system it builds for."""

    # where the debs install to
    prefix: str
    # where the build installs to, as if it were /
    stage_root: str
    # `X.Y` of the target's python3
    python_version: str
    # how many compile jobs the engine's host takes
    jobs: int
    # the command to run the C and C++ compilers through (the compiler
    # cache of --ccache), or None
    compiler_launcher: str = None


class DebTaskExtensionPoint(TaskExtensionPoint):
    """
    The deb job of the packages of one build type.

    A subclass says how its type builds (`build_steps`) and which of its
    options go into the cache key (`cache_inputs`); options of its own are
    added in `add_arguments`, as for colcon's tasks.  Registering it under
    the build type's name in the group `colcon_deb.task.deb` is all a new
    build type takes.
    """

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(TaskExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')

    def cache_inputs(self, options):
        """
        Return the options of a package that change its deb.

        :param PackageOptions options: the package's options
        :returns: a dict that JSON can hold
        """
        return {}

    def build_steps(self, options, target):
        """
        Return the commands that build the package and install it.

        They run in the package's container, in order, in the environment
        of the prefix; a copy of the source they may write to is at
        `contract.SOURCE_FOLDER`, and `contract.BUILD_FOLDER` is theirs.
        What they install under `target.stage_root` is what the deb holds.

        :param PackageOptions options: the package's options
        :param BuildTarget target: the system they build for
        :returns: a list of `contract.BuildStep`
        """
        raise NotImplementedError()

    async def deb(self, *args, **kwargs):
        """Build the package's deb, or reuse it, and publish it."""
        # the job imports this module's BuildTarget: imported when needed
        from colcon_deb.task.package_job import PackageJob
        return await PackageJob(self).deb()


def get_build_type_task(build_type):
    """Return the task of a build type, or None when there is none."""
    return get_task_extension(TASK_GROUP, build_type)


def add_build_type_arguments(parser):
    """
    Add the options of every build type to the parser.

    :returns: {option name: argparse destination}
    """
    decorated = DestinationCollectorDecorator(parser)
    add_task_arguments(decorated, TASK_GROUP)
    return decorated.get_destinations()


def build_type_destinations():
    """Return {option name: argparse destination} of the build types."""
    return add_build_type_arguments(argparse.ArgumentParser())


def package_options(args, settings, plan, destinations):
    """
    Return the options of each planned package, as `colcon build` does.

    The command line's values, updated with the package's metadata
    (`colcon.meta`, `colcon.pkg`): a list there extends the list of the
    command line, another value replaces it.

    :param destinations: {option name: argparse destination} of the
      build types' options
    :returns: {name: PackageOptions}
    """
    options = {}
    for planned in plan.packages:
        descriptor = planned.descriptor
        package = PackageOptions(run_tests=settings.run_tests)
        for destination in destinations.values():
            update_object(
                package, destination, getattr(args, destination, None),
                descriptor.name, 'deb', 'command line')
            if destination in descriptor.metadata:
                update_object(
                    package, destination, descriptor.metadata[destination],
                    descriptor.name, 'deb', 'package metadata')
        options[planned.name] = package
    return options

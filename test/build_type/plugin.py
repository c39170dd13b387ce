# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A build type from outside colcon-deb: `ros.greeting_cmake`.

A CMake build with a greeting of its own option; the test installs it as
the module `colcon_deb_greeting` with an entry point in the group
`colcon_deb.task.deb`, as a third-party package would.
"""

from colcon_deb.task import DebTaskExtensionPoint
from colcon_deb.task.cmake import CmakeDebTask


class GreetingCmakeDebTask(DebTaskExtensionPoint):
    """Build a CMake package that is told a greeting."""

    def add_arguments(self, *, parser):  # noqa: D102
        parser.add_argument(
            '--greeting', default='hello',
            help='What greeting_cmake packages say')

    def cache_inputs(self, options):  # noqa: D102
        return dict(
            CmakeDebTask().cache_inputs(options), greeting=options.greeting)

    def build_steps(self, options, target):  # noqa: D102
        return CmakeDebTask().build_steps(
            options, target, type_args=[f'-DGREETING={options.greeting}'])

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""ROS 1 packages (build type `ros.catkin`)."""

from colcon_deb.task import DebTaskExtensionPoint
from colcon_deb.task.cmake import CmakeDebTask


class CatkinDebTask(DebTaskExtensionPoint):
    """Build a catkin package: a CMake build, as a binary package."""

    def add_arguments(self, *, parser):  # noqa: D102
        parser.add_argument(
            '--catkin-cmake-args', nargs='*', metavar='*', type=str.lstrip,
            help="Pass arguments to 'catkin' packages. Arguments matching "
                 'other options must be prefixed by a space')

    def cache_inputs(self, options):  # noqa: D102
        return dict(
            CmakeDebTask().cache_inputs(options),
            catkin_cmake_args=options.catkin_cmake_args or [])

    def build_steps(self, options, target):  # noqa: D102
        testing = 'ON' if options.run_tests else 'OFF'
        return CmakeDebTask().build_steps(options, target, type_args=(
            # no setup files of the prefix: they have their own deb
            '-DCATKIN_BUILD_BINARY_PACKAGE=1',
            f'-DCATKIN_ENABLE_TESTING={testing}'),
            type_options=options.catkin_cmake_args or [])

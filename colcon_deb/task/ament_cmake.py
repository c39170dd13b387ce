# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""ROS 2 CMake packages (build type `ros.ament_cmake`)."""

from colcon_deb.task import DebTaskExtensionPoint
from colcon_deb.task.cmake import CmakeDebTask


class AmentCmakeDebTask(DebTaskExtensionPoint):
    """Build an ament_cmake package: a CMake build, with its options."""

    def add_arguments(self, *, parser):  # noqa: D102
        parser.add_argument(
            '--ament-cmake-args', nargs='*', metavar='*', type=str.lstrip,
            help="Pass arguments to 'ament_cmake' packages. Arguments "
                 'matching other options must be prefixed by a space')

    def cache_inputs(self, options):  # noqa: D102
        return dict(
            CmakeDebTask().cache_inputs(options),
            ament_cmake_args=options.ament_cmake_args or [])

    def build_steps(self, options, target):  # noqa: D102
        return CmakeDebTask().build_steps(
            options, target, type_options=options.ament_cmake_args or [])

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""ROS 2 CMake packages (build type `ros.ament_cmake`)."""

from colcon_deb.task import DebTaskExtensionPoint
from colcon_deb.task.cmake import CmakeDebTask


class AmentCmakeDebTask(DebTaskExtensionPoint):
    """Build an ament_cmake package: a CMake build, with its options."""

    def cache_inputs(self, options):  # noqa: D102
        return CmakeDebTask().cache_inputs(options)

    def build_steps(self, options, target):  # noqa: D102
        return CmakeDebTask().build_steps(options, target)

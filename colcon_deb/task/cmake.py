# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Plain CMake packages with a package.xml (build type `ros.cmake`)."""

from colcon_deb.container.contract import BUILD_FOLDER
from colcon_deb.container.contract import BuildStep
from colcon_deb.container.contract import SOURCE_FOLDER
from colcon_deb.task import DebTaskExtensionPoint


class CmakeDebTask(DebTaskExtensionPoint):
    """
    Configure, build and install a CMake project, as bloom does.

    The other CMake-based types (ament_cmake, catkin) delegate to it.
    """

    def add_arguments(self, *, parser):  # noqa: D102
        parser.add_argument(
            '--cmake-args', nargs='*', metavar='*', type=str.lstrip,
            default=[],
            help='Pass arguments to CMake projects. Arguments matching '
                 'other options must be prefixed by a space')

    def cache_inputs(self, options):  # noqa: D102
        return {'cmake_args': options.cmake_args or []}

    def build_steps(self, options, target, *, type_args=(), type_options=()):
        """
        Return the CMake commands, as a build type that delegates wants them.

        Tests are built only when they run; a Release build, as released
        debs are.

        :param type_args: the build type's own arguments, before the user's
        :param type_options: the user's arguments for the build type (e.g.
          --ament-cmake-args), after the other CMake arguments
        """
        testing = 'ON' if options.run_tests else 'OFF'
        configure = [
            'cmake', '-S', SOURCE_FOLDER, '-B', BUILD_FOLDER,
            '--no-warn-unused-cli',
            f'-DCMAKE_INSTALL_PREFIX={target.prefix}',
            f'-DCMAKE_PREFIX_PATH={target.prefix}',
            '-DCMAKE_BUILD_TYPE=Release',
            f'-DBUILD_TESTING={testing}',
            *type_args, *(options.cmake_args or []), *type_options]
        steps = [
            BuildStep(configure),
            BuildStep(
                ['cmake', '--build', BUILD_FOLDER, '--', f'-j{target.jobs}'])]
        if options.run_tests:
            steps.append(BuildStep(
                ['ctest', '--test-dir', BUILD_FOLDER, '--output-on-failure']))
        steps.append(BuildStep(
            ['cmake', '--install', BUILD_FOLDER],
            env={'DESTDIR': target.stage_root}))
        return steps

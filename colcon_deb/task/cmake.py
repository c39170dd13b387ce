# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Plain CMake packages with a package.xml (build type `ros.cmake`)."""

from colcon_deb.container.contract import BUILD_FOLDER
from colcon_deb.container.contract import BuildStep
from colcon_deb.container.contract import SOURCE_FOLDER
from colcon_deb.task import DebTaskExtensionPoint


# what bloom's debian/rules adds to dpkg-buildflags: NDEBUG, as a Release
# build has it (https://github.com/ros-infrastructure/bloom/issues/327)
BLOOM_BUILD_FLAGS = {'DEB_CXXFLAGS_MAINT_APPEND': '-DNDEBUG'}


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

        Tests are built only when they run.  As bloom's debian/rules with
        debhelper's cmake build system build released debs: the build type
        `None`, so that the target's dpkg-buildflags (`-g -O2`, hardening)
        are the compiler flags, with `-DNDEBUG` added to CXXFLAGS as bloom
        does (unlike bloom, LDFLAGS are kept: they hold the hardening of
        the linker).  A CMAKE_BUILD_TYPE or CMAKE_<LANG>_FLAGS in the
        user's arguments wins, as in debhelper.  The compiler launcher of
        the target is given the same way, so that a user's wins too (as a
        -D, which CMake before 3.17 needs: it reads no variable of it).

        :param type_args: the build type's own arguments, before the user's
        :param type_options: the user's arguments for the build type (e.g.
          --ament-cmake-args), after the other CMake arguments
        """
        testing = 'ON' if options.run_tests else 'OFF'
        launcher = target.compiler_launcher
        configure = [
            'cmake', '-S', SOURCE_FOLDER, '-B', BUILD_FOLDER,
            '--no-warn-unused-cli',
            f'-DCMAKE_INSTALL_PREFIX={target.prefix}',
            f'-DCMAKE_PREFIX_PATH={target.prefix}',
            '-DCMAKE_BUILD_TYPE=None',
            f'-DBUILD_TESTING={testing}',
            *([f'-DCMAKE_{lang}_COMPILER_LAUNCHER={launcher}'
               for lang in ('C', 'CXX')] if launcher else []),
            *type_args, *(options.cmake_args or []), *type_options]
        steps = [
            BuildStep(configure, env=BLOOM_BUILD_FLAGS, build_flags=True),
            BuildStep(
                ['cmake', '--build', BUILD_FOLDER, '--', f'-j{target.jobs}'])]
        if options.run_tests:
            steps.append(BuildStep(
                ['ctest', '--test-dir', BUILD_FOLDER, '--output-on-failure']))
        steps.append(BuildStep(
            ['cmake', '--install', BUILD_FOLDER],
            env={'DESTDIR': target.stage_root}))
        return steps

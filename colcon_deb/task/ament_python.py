# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""ROS 2 Python packages (build type `ros.ament_python`)."""

from colcon_deb.container.contract import BUILD_FOLDER
from colcon_deb.container.contract import BuildStep
from colcon_deb.container.contract import SOURCE_FOLDER
from colcon_deb.task import DebTaskExtensionPoint


class AmentPythonDebTask(DebTaskExtensionPoint):
    """
    Build a setup.py package, in its (writable) source folder.

    Modules go to lib/pythonX.Y/site-packages and data files to the prefix
    itself as in ROS 2 debs, whatever the platform's default layout for a
    prefix (Debian adds `local/`).
    """

    def build_steps(self, options, target):  # noqa: D102
        prefix = target.prefix
        site_packages = \
            f'{prefix}/lib/python{target.python_version}/site-packages'
        steps = []
        if options.run_tests:
            steps.append(BuildStep(
                ['python3', '-m', 'pytest', '-q'], cwd=SOURCE_FOLDER))
        steps.append(BuildStep([
            'python3', 'setup.py', '--quiet',
            'build', '--build-base', f'{BUILD_FOLDER}/build',
            'install', '--prefix', prefix, '--root', target.stage_root,
            '--install-lib', site_packages, '--install-data', prefix,
            '--single-version-externally-managed',
            '--record', f'{BUILD_FOLDER}/installed_files.txt',
            '--no-compile',
        ], cwd=SOURCE_FOLDER, env={
            # the deprecation of `setup.py install` is no news to a log
            'PYTHONWARNINGS': 'ignore:setup.py install is deprecated'}))
        return steps

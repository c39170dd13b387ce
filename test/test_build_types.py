# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A build type is one class and one entry point, also from another package.

The class in build_type/plugin.py is installed in a folder of its own, as
the distribution `colcon-deb-greeting` with an entry point in the group
`colcon_deb.task.deb`, and reaches colcon deb only through PYTHONPATH.
"""

from pathlib import Path
import shutil

from docker_helpers import colcon_deb
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest
from test_verb_deb import run_colcon

BUILD_TYPE = Path(__file__).parent / 'build_type'


@pytest.fixture
def workspace(tmp_path):
    workspace = tmp_path / 'ws'
    shutil.copytree(BUILD_TYPE / 'greeter', workspace / 'greeter')
    return workspace


@pytest.fixture
def plugin(tmp_path):
    """Install the plugin as pip would; return the environment to use it."""
    site = tmp_path / 'site'
    site.mkdir()
    shutil.copy(BUILD_TYPE / 'plugin.py', site / 'colcon_deb_greeting.py')
    info = site / 'colcon_deb_greeting-1.0.dist-info'
    info.mkdir()
    (info / 'METADATA').write_text(
        'Metadata-Version: 2.1\nName: colcon-deb-greeting\nVersion: 1.0\n')
    (info / 'entry_points.txt').write_text(
        '[colcon_deb.task.deb]\n'
        'ros.greeting_cmake = colcon_deb_greeting:GreetingCmakeDebTask\n')
    return {'PYTHONPATH': str(site)}


def test_an_unknown_build_type_is_refused(workspace):
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert completed.returncode == 1
    assert "package 'greeter' has the build type 'ros.greeting_cmake'" in \
        completed.stdout


def test_a_registered_build_type_plans_with_its_options(workspace, plugin):
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic',
        '--base-image', 'debian:bookworm', '--greeting', 'hi', env=plugin)
    assert completed.returncode == 0, completed.stdout
    assert 'ros-noetic-greeter 0.1.0-0bookworm' in completed.stdout
    help_text = run_colcon(workspace, 'deb', '--help', env=plugin).stdout
    assert "Arguments for 'ros.greeting_cmake' packages" in help_text
    assert '--greeting' in help_text


@pytest.mark.docker
def test_a_registered_build_type_builds_a_deb_that_works(
        docker_engine, workspace, plugin):
    output = colcon_deb(
        workspace, '--greeting', 'hello from a plugin', env=plugin).stdout
    assert 'Finished <<< greeter' in output
    rc, apt_output = run_in_clean_container(
        docker_engine, workspace / 'deb', INSTALL_FROM_REPOSITORY +
        'apt-get install -y -q ros-noetic-greeter\n'
        '/opt/ros/noetic/bin/greeting\n')
    assert rc == 0, apt_output
    assert '\nhello from a plugin\n' in apt_output
    # the build type's option is part of the cache key
    again = colcon_deb(
        workspace, '--greeting', 'hello from a plugin', env=plugin).stdout
    assert 'Cached, not built again: greeter' in again
    other = colcon_deb(workspace, '--greeting', 'bye', env=plugin).stdout
    assert 'Cached, not built again' not in other
    assert 'Finished <<< greeter' in other

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The deb verb up to the point where it needs Docker: no engine needed."""

import os
import shutil
import subprocess

from docker_helpers import copy_workspace
from docker_helpers import rosdep_sources

# a daemon address that cannot answer: whatever needs Docker fails
NO_DOCKER = {'DOCKER_HOST': 'unix:///nonexistent/docker.sock'}


def run_colcon(workspace, *args, env=None):
    environment = dict(os.environ, **NO_DOCKER)
    environment.pop('ROS_DISTRO', None)
    environment.update(env or {})
    return subprocess.run(
        [shutil.which('colcon') or 'colcon', *args], cwd=workspace,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=environment)


def one_error_line(workspace, *args, env=None):
    """Run colcon; it must fail with exit code 1 and print one line."""
    completed = run_colcon(workspace, *args, env=env)
    assert completed.returncode == 1, completed.stdout
    assert 'Traceback' not in completed.stdout
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout
    return lines[0]


def test_dry_run_prints_the_plan_without_docker(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'humble',
        '--deb-revision', '2', *rosdep_sources())
    assert completed.returncode == 0, completed.stdout
    lines = completed.stdout.splitlines()
    assert lines[0] == \
        '7 packages in 4 levels, ROS distro humble, prefix /opt/ros/humble:'
    order = [line.split()[2] for line in lines[1:]]
    assert order.index('calc_core') < order.index('calc_headers') < \
        order.index('calc_cli') < order.index('calc_py')
    assert order.index('calc_plain') < order.index('calc_cli')
    cli = next(line for line in lines if ' calc_cli ' in line)
    assert cli.split()[:2] == ['level', '2']
    # ros:humble-ros-base is Ubuntu jammy
    assert 'ros-humble-calc-cli 1.0.0-2jammy' in cli
    assert cli.endswith('depends on: calc_core, calc_headers, calc_plain')
    assert not (workspace / 'deb').exists()


def test_dry_run_honours_package_selection(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic',
        '--base-image', 'debian:bookworm',
        '--packages-up-to', 'calc_plain')
    assert completed.returncode == 0, completed.stdout
    assert '2 packages in 2 levels' in completed.stdout
    assert 'ros-noetic-calc-plain 2.0.0-0bookworm' in completed.stdout
    assert 'calc_cli' not in completed.stdout


def test_ros_distro_from_the_environment(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    completed = run_colcon(
        workspace, 'deb', '--dry-run', env={'ROS_DISTRO': 'jazzy'})
    assert completed.returncode == 0, completed.stdout
    assert 'ros-jazzy-calc-core 1.2.0-0noble' in completed.stdout


def test_unknown_ros_distro_is_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    assert '--ros-distro' in one_error_line(workspace, 'deb')


def test_no_docker_daemon_is_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    line = one_error_line(workspace, 'deb', '--ros-distro', 'noetic')
    assert 'cannot reach the Docker engine at unix:///nonexistent' \
        '/docker.sock (No such file or directory)' in line


def test_unsupported_build_type_is_reported(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    odd = workspace / 'odd_pkg'
    odd.mkdir()
    (odd / 'setup.py').write_text(
        'from setuptools import setup\nsetup(name="odd_pkg")\n')
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert completed.returncode == 1
    assert "package 'odd_pkg' has the build type 'python'" in \
        completed.stdout
    assert 'Traceback' not in completed.stdout


def test_malformed_package_xml_names_the_package(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    xml = workspace / 'calc_plain' / 'package.xml'
    xml.write_text(xml.read_text().replace('<version>2.0.0', '<version>x'))
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert completed.returncode == 1
    assert "package 'calc_plain'" in completed.stdout
    assert 'Traceback' not in completed.stdout


def test_invalid_package_name_names_the_cause(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    xml = workspace / 'calc_plain' / 'package.xml'
    xml.write_text(xml.read_text().replace(
        '<name>calc_plain</name>', '<name>calc@plain</name>'))
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert completed.returncode == 1
    errors = [line for line in completed.stdout.splitlines()
              if 'ERROR' in line]
    assert len(errors) == 1, completed.stdout
    assert "package 'calc_plain': cannot read" in errors[0]
    assert 'calc@plain' in errors[0]


def test_duplicate_package_names_are_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    shutil.copytree(workspace / 'calc_core', workspace / 'calc_core_copy')
    line = one_error_line(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert 'Duplicate package names' in line
    assert 'calc_core' in line and 'calc_core_copy' in line


def test_dependency_cycle_is_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    xml = workspace / 'calc_core' / 'package.xml'
    xml.write_text(xml.read_text().replace(
        '<buildtool_depend>', '<depend>calc_cli</depend><buildtool_depend>'))
    line = one_error_line(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert 'Unable to order packages topologically' in line
    assert 'calc_core' in line and 'calc_cli' in line


def test_bad_option_values_are_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    for option in (['--min-free-space', 'lots'], ['--retries', '-1'],
                   ['--docker-host', 'tcp://builder=0'], ['--memory', 'abc'],
                   ['--package-timeout', '-1']):
        line = one_error_line(
            workspace, 'deb', '--ros-distro', 'noetic', *option)
        assert option[0] in line


def test_unwritable_output_folder_is_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    blocker = tmp_path / 'file'
    blocker.write_text('')
    line = one_error_line(
        workspace, 'deb', '--ros-distro', 'noetic',
        '--deb-base', str(blocker / 'deb'), env={'DOCKER_HOST': ''})
    assert 'is not writable' in line or 'Docker engine' in line


def test_packages_that_become_one_deb_are_one_line(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    for name in ('my_pkg', 'my-pkg'):
        shutil.copytree(workspace / 'calc_core', workspace / name)
        xml = workspace / name / 'package.xml'
        xml.write_text(xml.read_text().replace(
            '<name>calc_core</name>', f'<name>{name}</name>'))
    line = one_error_line(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert "packages 'my-pkg' and 'my_pkg' would both become the deb " \
        "'ros-noetic-my-pkg'" in line


def test_a_condition_that_does_not_parse_is_named(tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    xml = workspace / 'calc_core' / 'package.xml'
    xml.write_text(xml.read_text().replace(
        '<buildtool_depend>', '<buildtool_depend condition="$ROS_VERSION ==">',
        1))
    completed = run_colcon(
        workspace, 'deb', '--dry-run', '--ros-distro', 'noetic')
    assert completed.returncode == 1, completed.stdout
    # before it, colcon logs the first line of the failed identification
    last = completed.stdout.strip().splitlines()[-1]
    assert "package 'calc_core': condition '$ROS_VERSION ==' failed to " \
        'parse' in last
    assert 'build type' not in completed.stdout

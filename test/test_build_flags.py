# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
CMake builds get the distribution's compiler flags, as debhelper passes them.

The build type says which step gets them; the container asks the target's
dpkg-buildflags (here the host's, a Debian system too).
"""

import shlex
import shutil
import subprocess

from colcon_deb.task import BuildTarget
from colcon_deb.task import PackageOptions
from colcon_deb.task.ament_cmake import AmentCmakeDebTask
from colcon_deb.task.catkin import CatkinDebTask
from colcon_deb.task.cmake import CmakeDebTask
import pytest
from test_container_scripts import build_package

TARGET = BuildTarget(
    prefix='/opt/ros/noetic', stage_root='/stage', python_version='3.11',
    jobs=2)


def configure_step(task, **options):
    values = {
        'run_tests': False, 'cmake_args': None, 'ament_cmake_args': None,
        'catkin_cmake_args': None}
    values.update(options)
    return task.build_steps(PackageOptions(**values), TARGET)[0]


@pytest.mark.parametrize('task', [
    CmakeDebTask(), AmentCmakeDebTask(), CatkinDebTask()])
def test_cmake_builds_are_configured_as_debhelper_does(task):
    step = configure_step(task)
    assert step.argv[0] == 'cmake'
    assert '-DCMAKE_BUILD_TYPE=None' in step.argv
    assert '-DCMAKE_BUILD_TYPE=Release' not in step.argv
    assert step.build_flags
    # as bloom's debian/rules
    assert step.env == {'DEB_CXXFLAGS_MAINT_APPEND': '-DNDEBUG'}


def test_the_users_cmake_arguments_come_last_and_win():
    step = configure_step(
        AmentCmakeDebTask(),
        cmake_args=['-DCMAKE_BUILD_TYPE=Debug'],
        ament_cmake_args=['-DCMAKE_CXX_FLAGS=-O0'])
    argv = step.argv
    # CMake takes the last -D of a variable
    assert argv.index('-DCMAKE_BUILD_TYPE=Debug') > \
        argv.index('-DCMAKE_BUILD_TYPE=None')
    assert argv[-1] == '-DCMAKE_CXX_FLAGS=-O0'


def test_only_the_configure_step_asks_for_the_flags():
    steps = CmakeDebTask().build_steps(PackageOptions(
        run_tests=True, cmake_args=None), TARGET)
    assert [step.build_flags for step in steps] == [True, False, False, False]


needs_dpkg_buildflags = pytest.mark.skipif(
    not shutil.which('dpkg-buildflags'), reason='needs dpkg-buildflags')


def dpkg_buildflags(name, cwd, **env):
    return subprocess.check_output(
        ['dpkg-buildflags', '--get', name], cwd=cwd, text=True,
        env={'PATH': '/usr/bin:/bin', **env}).strip()


@pytest.fixture
def source_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(
        build_package.contract, 'SOURCE_FOLDER', str(tmp_path))
    return tmp_path


@needs_dpkg_buildflags
def test_a_step_gets_the_flags_of_dpkg_buildflags(source_folder, capsys):
    env = build_package.build_flags(
        {'PATH': '/usr/bin:/bin', 'DEB_CXXFLAGS_MAINT_APPEND': '-DNDEBUG'},
        {})
    cppflags = dpkg_buildflags('CPPFLAGS', source_folder)
    assert '-D_FORTIFY_SOURCE=2' in cppflags
    assert env['CPPFLAGS'] == cppflags
    # CMake does not read CPPFLAGS: debhelper appends them
    assert env['CFLAGS'] == \
        f"{dpkg_buildflags('CFLAGS', source_folder)} {cppflags}"
    assert env['CXXFLAGS'].split() == [
        *dpkg_buildflags('CXXFLAGS', source_folder).split(), '-DNDEBUG',
        *cppflags.split()]
    for flag in ('-g', '-O2', '-fstack-protector-strong'):
        assert flag in env['CXXFLAGS'].split()
    assert env['LDFLAGS'] == dpkg_buildflags('LDFLAGS', source_folder)
    assert '-Wl,-z,relro' in env['LDFLAGS']
    # the source folder is `.` in the debug info
    assert f'-ffile-prefix-map={source_folder}=.' in env['CFLAGS']
    # the log shows them, as a shell would set them
    output = capsys.readouterr().out
    assert f"+ export CXXFLAGS={shlex.quote(env['CXXFLAGS'])}\n" in output


@needs_dpkg_buildflags
def test_flags_the_environment_sets_are_kept(source_folder):
    env = build_package.build_flags(
        {'PATH': '/usr/bin:/bin', 'CXXFLAGS': '-O0', 'LDFLAGS': ''}, {})
    cppflags = dpkg_buildflags('CPPFLAGS', source_folder)
    assert env['CXXFLAGS'] == f'-O0 {cppflags}'
    assert env['LDFLAGS'] == ''
    assert '-O2' in env['CFLAGS']


def test_a_failing_dpkg_buildflags_fails_the_build(source_folder, tmp_path):
    tools = tmp_path / 'bin'
    tools.mkdir()
    (tools / 'dpkg-buildflags').write_text('#!/bin/sh\nexit 2\n')
    (tools / 'dpkg-buildflags').chmod(0o755)
    with pytest.raises(build_package.StepFailed) as raised:
        build_package.build_flags({'PATH': f'{tools}:/usr/bin:/bin'}, {})
    assert raised.value.exit_code == build_package.contract.EXIT_BUILD.code
    assert 'dpkg-buildflags' in str(raised.value)

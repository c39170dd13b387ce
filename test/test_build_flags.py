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


needs_a_compiler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ('gcc', 'ar', 'readelf')),
    reason='needs gcc and binutils')


def sections(path):
    output = subprocess.check_output(
        ['readelf', '--wide', '--section-headers', str(path)], text=True,
        env={'LC_ALL': 'C', 'PATH': '/usr/bin:/bin'})
    return {
        line.split(']')[1].split()[0] for line in output.splitlines()
        if line.strip().startswith('[') and ']' in line and
        line.split(']')[1].split()}


def build_id(path):
    output = subprocess.check_output(
        ['readelf', '--notes', str(path)], text=True,
        env={'LC_ALL': 'C', 'PATH': '/usr/bin:/bin'})
    return output.split('Build ID: ')[1].split()[0]


@pytest.fixture
def binaries(tmp_path):
    """Stage a library, an executable and a static library, with -g."""
    source = tmp_path / 'lib.c'
    source.write_text('int answer(void) { return 42; }\n')
    main = tmp_path / 'main.c'
    main.write_text('int main(void) { return 0; }\n')
    lib = tmp_path / 'stage' / 'opt' / 'ros' / 'noetic' / 'lib'
    lib.mkdir(parents=True)
    subprocess.run(
        ['gcc', '-g', '-O2', '-shared', '-fPIC', '-o',
         str(lib / 'libgood.so'), str(source)], check=True)
    subprocess.run(
        ['gcc', '-g', '-O2', '-o', str(lib / 'tool'), str(main)], check=True)
    subprocess.run(
        ['gcc', '-g', '-c', '-o', str(tmp_path / 'lib.o'), str(source)],
        check=True)
    subprocess.run(
        ['ar', 'rcs', str(lib / 'libgood.a'), str(tmp_path / 'lib.o')],
        check=True)
    (lib / 'libgood.so').chmod(0o644)
    # a text file with an execute bit, and a hard link: stripped once
    (lib / 'script').write_text('#!/bin/sh\n')
    (lib / 'script').chmod(0o755)
    (lib / 'tool-again').hardlink_to(lib / 'tool')
    return tmp_path / 'stage', lib


@needs_a_compiler
def test_binaries_are_stripped_as_dh_strip_does(binaries, tmp_path):
    stage, lib = binaries
    ids = {name: build_id(lib / name) for name in ('libgood.so', 'tool')}
    debug_root = tmp_path / 'dbgsym-root'
    build_ids = build_package.strip_binaries(stage, debug_root)
    assert build_ids == sorted(ids.values())
    for name, id_ in ids.items():
        binary = sections(lib / name)
        assert not {'.debug_info', '.symtab', '.comment'} & binary
        assert '.gnu_debuglink' in binary
        # the build id stays: gdb finds the debug file by it
        assert build_id(lib / name) == id_
        debug_file = debug_root / 'usr/lib/debug/.build-id' / \
            id_[:2] / f'{id_[2:]}.debug'
        assert '.debug_info' in sections(debug_file)
        assert debug_file.stat().st_mode & 0o777 == 0o644
        # the debug link names that file
        link = subprocess.check_output(
            ['readelf', '--string-dump=.gnu_debuglink', str(lib / name)])
        assert f'{id_[2:]}.debug'.encode() in link
    # the static library keeps its symbols, not its debug information
    subprocess.run(
        ['ar', 'x', str(lib / 'libgood.a')], cwd=tmp_path, check=True)
    member = sections(tmp_path / 'lib.o')
    assert '.symtab' in member and '.debug_info' not in member
    # the hard link is the same file
    assert (lib / 'tool-again').stat().st_ino == (lib / 'tool').stat().st_ino
    assert (lib / 'script').read_text() == '#!/bin/sh\n'


@needs_a_compiler
def test_stripped_binaries_have_no_debug_files(binaries, tmp_path):
    stage, lib = binaries
    subprocess.run(['strip', str(lib / 'tool')], check=True)
    build_ids = build_package.strip_binaries(stage, tmp_path / 'root')
    assert build_ids == [build_id(lib / 'libgood.so')]

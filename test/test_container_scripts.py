# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The pure parts of the scripts that run inside containers."""

import importlib.util
import os
from pathlib import Path
import subprocess
import sys

import pytest

CONTAINER = Path(__file__).parents[1] / 'container'


def load_script(name):
    """
    Load a script of the checkout, whether or not it is installed.

    In the builder image the scripts import the modules beside them
    (`contract`, `helpers`): Python puts a script's folder on the path.
    """
    if str(CONTAINER) not in sys.path:
        sys.path.append(str(CONTAINER))
    spec = importlib.util.spec_from_file_location(
        name, CONTAINER / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_package = load_script('build_package')
helpers = load_script('helpers')
prepare_run = load_script('prepare_run')

CONTROL = (
    'Package: ros-noetic-foo\n'
    'Version: 1.0.0-0bookworm\n'
    'Architecture: @ARCHITECTURE@\n'
    'Maintainer: A <a@example.org>\n'
    'Depends: ros-noetic-bar (>= 1.0)\n'
    'Description: foo\n'
    ' the long description.\n')


def test_parse_a_batch_with_an_unresolved_key():
    # what rosdep 0.22 prints for `rosdep resolve a missing b`
    output = (
        '#ROSDEP[ament_cmake]\n#apt\nament-cmake\n'
        '#ROSDEP[missing]\n'
        '#ROSDEP[roscpp]\n#apt\nlibroscpp-dev libroscpp-core-dev\n')
    resolved = prepare_run.parse_resolve_output(
        output, ['ament_cmake', 'missing', 'roscpp'])
    assert resolved == {
        'ament_cmake': {'installer': 'apt', 'packages': ['ament-cmake']},
        'roscpp': {
            'installer': 'apt',
            'packages': ['libroscpp-dev', 'libroscpp-core-dev']},
    }


def test_parse_a_single_key_and_other_installers():
    assert prepare_run.parse_resolve_output('#pip\nfoo\n', ['key']) == {
        'key': {'installer': 'pip', 'packages': ['foo']}}
    # a rule that maps to no package at all resolves to nothing to install
    assert prepare_run.parse_resolve_output('#apt\n\n', ['key']) == {
        'key': {'installer': 'apt', 'packages': []}}
    assert prepare_run.parse_resolve_output('', ['key']) == {}


def test_last_line_is_the_error():
    assert prepare_run.last_line(
        "warning\nERROR: no rosdep rule for 'x'\n\n") == \
        "ERROR: no rosdep rule for 'x'"
    assert prepare_run.last_line('') == ''


def test_shared_library_dependencies_are_appended_to_depends():
    merged = build_package.merge_depends(CONTROL, 'libc6 (>= 2.34)')
    assert build_package.field(merged, 'Depends') == \
        'ros-noetic-bar (>= 1.0), libc6 (>= 2.34)'
    assert build_package.merge_depends(CONTROL, '') == CONTROL


def test_depends_is_added_when_there_is_none():
    control = CONTROL.replace('Depends: ros-noetic-bar (>= 1.0)\n', '')
    merged = build_package.merge_depends(control, 'libc6')
    assert build_package.field(merged, 'Depends') == 'libc6'
    # Description stays the last field, its long part right after it
    assert merged.splitlines()[-2:] == \
        ['Description: foo', ' the long description.']


def test_installed_size_and_md5sums(tmp_path):
    (tmp_path / 'opt').mkdir()
    (tmp_path / 'opt' / 'a').write_bytes(b'x' * 2000)
    (tmp_path / 'opt' / 'b').write_bytes(b'hello\n')
    (tmp_path / 'opt' / 'link').symlink_to('a')
    assert build_package.installed_size_kib(tmp_path) == 2
    lines = build_package.md5sums(tmp_path).splitlines()
    assert [line.split('  ')[1] for line in lines] == ['opt/a', 'opt/b']
    assert lines[1].split()[0] == 'b1946ac92492d2347c6235b4d2611184'


def test_binaries_make_a_deb_architecture_specific(tmp_path):
    (tmp_path / 'script').write_text('#!/bin/sh\n')
    (tmp_path / 'lib.so').write_bytes(b'\x7fELF' + b'\0' * 60)
    assert build_package.find_elf_files(tmp_path) == [tmp_path / 'lib.so']


def test_prefix_setup_files_and_byte_code_are_left_out(tmp_path):
    prefix = tmp_path / 'opt' / 'ros' / 'noetic'
    (prefix / 'lib' / 'python3' / '__pycache__').mkdir(parents=True)
    (prefix / 'lib' / 'python3' / '__pycache__' / 'm.cpython-311.pyc') \
        .write_bytes(b'')
    (prefix / 'lib' / 'python3' / 'm.py').write_text('')
    for name in ('setup.bash', 'local_setup.sh', '_setup_util.py', 'keep'):
        (prefix / name).write_text('')
    build_package.remove_prefix_setup_files(prefix)
    build_package.remove_byte_code(tmp_path)
    left = sorted(
        str(p.relative_to(prefix)) for p in prefix.rglob('*') if p.is_file())
    assert left == ['keep', 'lib/python3/m.py']


def test_byte_code_look_alikes_are_left_alone(tmp_path):
    """A link named __pycache__ is not followed, a folder *.pyc not byte."""
    outside = tmp_path / 'outside'
    (outside / 'kept.pyc').parent.mkdir()
    (outside / 'kept.pyc').write_bytes(b'')
    stage = tmp_path / 'stage'
    (stage / 'folder.pyc').mkdir(parents=True)
    (stage / '__pycache__').symlink_to(outside, target_is_directory=True)
    (stage / 'link.pyc').symlink_to(outside / 'kept.pyc')
    build_package.remove_byte_code(stage)
    assert (outside / 'kept.pyc').exists()
    assert sorted(p.name for p in stage.iterdir()) == [
        '__pycache__', 'folder.pyc', 'link.pyc']


def test_prefix_setup_template_is_filled_in():
    text = helpers.fill_template(
        'p=@PREFIX@ d=@ROS_DISTRO@ v=@ROS_VERSION@',
        prefix='/opt/ros/x', ros_distro='x', ros_version='2')
    assert text == 'p=/opt/ros/x d=x v=2'


def test_prefix_setup_works_with_a_space_in_the_prefix(tmp_path):
    prefix = tmp_path / 'my prefix'
    (prefix / 'bin').mkdir(parents=True)
    script = tmp_path / 'setup.sh'
    script.write_text(helpers.fill_template(
        (CONTAINER / 'workspace' / 'setup.sh').read_text(),
        prefix=str(prefix), ros_distro='x', ros_version='2'))
    completed = subprocess.run(
        ['sh', '-c', f'. "{script}" && echo "$PATH" && echo "$ROS_DISTRO"'],
        capture_output=True, text=True, env={'PATH': '/usr/bin:/bin'})
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        f'{prefix}/bin:/usr/bin:/bin', 'x']


def test_md5sums_leave_out_conffiles(tmp_path):
    (tmp_path / 'etc').mkdir()
    (tmp_path / 'etc' / 'calc.conf').write_text('x\n')
    (tmp_path / 'opt').mkdir()
    (tmp_path / 'opt' / 'calc').write_text('x\n')
    lines = build_package.md5sums(tmp_path, ['/etc/calc.conf']).splitlines()
    assert [line.split('  ')[1] for line in lines] == ['opt/calc']


def stage(root, prefix='opt/ros/noetic'):
    """Stage a few files under the prefix; return the prefix folder."""
    folder = root / prefix
    (folder / 'bin').mkdir(parents=True)
    (folder / 'lib').mkdir()
    return folder


def test_modes_are_those_debhelper_gives(tmp_path):
    prefix = stage(tmp_path)
    tool = prefix / 'bin' / 'tool'
    tool.write_text('#!/bin/sh\n')
    tool.chmod(0o6777)
    private = prefix / 'bin' / 'private'
    private.write_text('#!/bin/sh\n')
    private.chmod(0o700)
    data = prefix / 'data'
    data.write_text('')
    data.chmod(0o666)
    library = prefix / 'lib' / 'libcalc.so.1'
    library.write_bytes(b'\x7fELF')
    library.chmod(0o775)
    (prefix / 'lib' / 'libcalc.so').symlink_to('libcalc.so.1')
    (prefix / 'lib').chmod(0o3777)
    build_package.fix_permissions(tmp_path)

    def mode(path):
        return oct(path.lstat().st_mode & 0o7777)
    assert mode(tool) == oct(0o755)
    assert mode(private) == oct(0o755)
    assert mode(data) == oct(0o644)
    assert mode(library) == oct(0o644)
    assert mode(prefix / 'lib') == oct(0o755)
    assert mode(tmp_path) == oct(0o755)
    # the link is left as it is, and its target has the mode of a library
    assert (prefix / 'lib' / 'libcalc.so').is_symlink()


def test_a_fifo_fails_the_package(tmp_path):
    prefix = stage(tmp_path)
    os.mkfifo(prefix / 'bin' / 'pipe')
    with pytest.raises(build_package.StepFailed) as e:
        build_package.fix_permissions(tmp_path)
    assert str(e.value) == (
        'the package installed FIFOs, sockets or devices: '
        '/opt/ros/noetic/bin/pipe')
    assert e.value.exit_code == build_package.contract.EXIT_PACKAGE.code


def test_files_outside_the_prefix_fail_the_package(tmp_path):
    prefix = stage(tmp_path)
    (prefix / 'bin' / 'tool').write_text('')
    (tmp_path / 'usr' / 'share' / 'calc').mkdir(parents=True)
    (tmp_path / 'usr' / 'share' / 'calc' / 'data').write_text('')
    (tmp_path / 'opt' / 'stray').write_text('')
    (tmp_path / 'etc').mkdir()
    (tmp_path / 'etc' / 'calc.conf').write_text('')
    with pytest.raises(build_package.StepFailed) as e:
        build_package.check_placement(tmp_path, '/opt/ros/noetic')
    # a misplaced folder is named, not all that is in it
    assert str(e.value) == (
        'the package installed files outside /opt/ros/noetic and /etc: '
        '/opt/stray, /usr')
    assert e.value.exit_code == build_package.contract.EXIT_PACKAGE.code


def test_configuration_in_etc_is_listed_as_conffiles(tmp_path):
    prefix = stage(tmp_path)
    (prefix / 'bin' / 'tool').write_text('')
    (tmp_path / 'etc' / 'calc').mkdir(parents=True)
    (tmp_path / 'etc' / 'calc' / 'calc.conf').write_text('')
    (tmp_path / 'etc' / 'calc' / 'default').symlink_to('calc.conf')
    build_package.check_placement(tmp_path, '/opt/ros/noetic')
    # a link cannot be a conffile
    assert build_package.configuration_files(tmp_path) == [
        '/etc/calc/calc.conf']
    assert build_package.configuration_files(prefix) == []

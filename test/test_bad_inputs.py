# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Bad input stops a run before anything is built, in one line, losing nothing.

Each case runs the real command line without a Docker engine: what it
finds wrong it must find before it needs one.  It exits non-zero, says in
one line what is wrong (and which package, where there is one), shows no
traceback, and leaves an existing output folder as it was.
"""

import os
import shutil

from colcon_deb.debian.names import LONGEST_ARCHITECTURE
from colcon_deb.debian.names import NAME_MAX
from colcon_deb.debian.names import time_suffix
from debian.deb822 import Packages
from deep_workspace import write_manifest
from docker_helpers import copy_workspace
from docker_helpers import rosdep_sources
from fake_engine import FakeEngine
import pytest
from test_scenarios import colcon_deb as colcon_deb_on
from test_verb_deb import run_colcon


def longest_name():
    """
    Return the longest package name whose debs' file names fit.

    The deb of its debug symbols has the longer one.
    """
    return 'p' * (NAME_MAX - len(
        f'ros-noetic--dbgsym_1.0.0-0bookworm{time_suffix(0)}_'
        f'{LONGEST_ARCHITECTURE}.deb'))


def add_package(workspace, name):
    write_manifest(workspace / 'added', name, [])
    (workspace / 'added' / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n')


def replace_in(workspace, package, old, new):
    xml = workspace / package / 'package.xml'
    assert old in xml.read_text()
    xml.write_text(xml.read_text().replace(old, new, 1))


def copy_package(workspace, package, name):
    shutil.copytree(workspace / package, workspace / name)
    replace_in(
        workspace, name, f'<name>{package}</name>', f'<name>{name}</name>')


def add_python_package(workspace):
    (workspace / 'odd_pkg').mkdir()
    (workspace / 'odd_pkg' / 'setup.py').write_text(
        'from setuptools import setup\nsetup(name="odd_pkg")\n')


# each case: what it changes in the workspace, its options, what its one
# line says
CASES = {
    'memory': (None, ['--memory', 'abc'], ["--memory 'abc' is no size"]),
    'cpus': (None, ['--cpus', '0'], ['--cpus must be more than 0']),
    'package timeout': (
        None, ['--package-timeout', '-1'],
        ['--package-timeout cannot be negative']),
    'retry delay': (
        None, ['--retry-delay', '-1'], ['--retry-delay cannot be negative']),
    'deb revision': (None, ['--deb-revision', '-1'], ['--deb-revision']),
    'min free space': (
        None, ['--min-free-space', 'lots'], ["'lots' is no size"]),
    'engine without jobs': (
        None, ['--docker-host', 'tcp://builder=0'],
        ["--docker-host 'tcp://builder=0'", 'JOBS must be >= 1']),
    'ccache max size': (
        None, ['--ccache', 'ccache', '--ccache-max-size', '5g'],
        ["--ccache-max-size '5g' is no size like 500M or 20G"]),
    'ccache folder is a file': (
        None, ['--ccache', 'calc_core/package.xml'],
        ['--ccache', "calc_core/package.xml' is no folder"]),
    'rosdep source folder': (
        None, ['--rosdep-source', '.'], ['--rosdep-source', 'is no file']),
    'condition that does not parse': (
        lambda ws: replace_in(
            ws, 'calc_core', '<buildtool_depend>',
            '<buildtool_depend condition="$ROS_VERSION ==">'),
        [], ["package 'calc_core': condition '$ROS_VERSION ==' failed to "
             'parse']),
    'deb file name too long': (
        lambda ws: add_package(ws, longest_name() + 'p'), [],
        [f"package '{longest_name()}p': its deb file name would be up to "
         f'{NAME_MAX + 1} bytes long, more than the {NAME_MAX}']),
    'two packages, one deb': (
        lambda ws: [copy_package(ws, 'calc_core', n)
                    for n in ('my_pkg', 'my-pkg')],
        [], ["packages 'my-pkg' and 'my_pkg' would both become the deb"]),
    'invalid version': (
        lambda ws: replace_in(
            ws, 'calc_plain', '<version>2.0.0', '<version>x'),
        [], ["package 'calc_plain': cannot read", 'version']),
    'unsupported build type': (
        add_python_package, [],
        ["package 'odd_pkg' has the build type 'python'"]),
    'dependency cycle': (
        lambda ws: replace_in(
            ws, 'calc_core', '<buildtool_depend>',
            '<depend>calc_cli</depend><buildtool_depend>'),
        [], ['Unable to order packages topologically', 'calc_core']),
    'duplicate package names': (
        lambda ws: shutil.copytree(
            ws / 'calc_core', ws / 'calc_core_copy'),
        [], ['Duplicate package names', 'calc_core']),
}
# colcon's own one line before the error, of a package it cannot identify
NOTICES = {
    'condition that does not parse':
        "Exception in package identification extension 'ros' in "
        "'calc_core': condition '$ROS_VERSION ==' failed to parse",
}


@pytest.fixture
def workspace(tmp_path):
    """Return the test workspace with an output folder from a past run."""
    workspace = copy_workspace(tmp_path / 'ws')
    deb = workspace / 'deb'
    (deb / '.cache' / 'calc_core').mkdir(parents=True)
    (deb / 'ros-noetic-calc-core_1.2.0-0bookworm_all.deb').write_bytes(
        b'!<arch>\n')
    (deb / 'Packages').write_text('Package: ros-noetic-calc-core\n')
    (deb / '.cache' / 'calc_core' / 'last.json').write_text('{}')
    return workspace


def snapshot(folder):
    """Return every file of a folder with its content and time."""
    return {
        path.relative_to(folder): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.rglob('*') if path.is_file()}


@pytest.mark.parametrize('case, dry_run', [
    *(pytest.param(case, [], id=case) for case in CASES),
    pytest.param(
        'deb file name too long', ['--dry-run'], id='dry run, too long')])
def test_bad_input_is_one_line_and_loses_nothing(workspace, case, dry_run):
    """Each case as a run; a dry run finds the same, shown for one."""
    change, options, fragments = CASES[case]
    if change:
        change(workspace)
    before = snapshot(workspace / 'deb')
    completed = run_colcon(
        workspace, 'deb', '--ros-distro', 'noetic',
        '--base-image', 'debian:bookworm', *rosdep_sources(), *options,
        *dry_run)
    output = completed.stdout
    assert completed.returncode == 1, output
    assert 'Traceback' not in output
    lines = output.strip().splitlines()
    if case in NOTICES:
        assert NOTICES[case] in lines.pop(0)
    assert len(lines) == 1, output
    for fragment in fragments:
        assert fragment in lines[0]
    assert snapshot(workspace / 'deb') == before


def test_the_longest_deb_file_name_is_built_cached_and_published(
        tmp_path, monkeypatch, capsys):
    """
    A name just short enough goes all the way, also from the cache.

    The files colcon-deb writes under a temporary name first must fit too.
    """
    workspace = tmp_path / 'ws'
    add_package(workspace, longest_name())
    monkeypatch.chdir(workspace)
    monkeypatch.setenv('COLCON_LOG_PATH', str(tmp_path / 'log'))
    engine = FakeEngine()
    for _ in range(2):
        assert colcon_deb_on(monkeypatch, engine) == 0, capsys.readouterr()
    # built once, then taken from the cache
    assert engine.builds == [longest_name()]
    debs = [
        path.name for path in (workspace / 'deb').iterdir()
        if path.suffix == '.deb']
    assert len(debs) == 1
    assert len(os.fsencode(debs[0])) <= NAME_MAX
    with (workspace / 'deb' / 'Packages').open() as f:
        packages = list(Packages.iter_paragraphs(f, use_apt_pkg=False))
    assert [p['Filename'] for p in packages] == [f'./{debs[0]}']

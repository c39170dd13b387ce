# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The compiler cache of --ccache, without Docker: its folder, its options.

test_compiler_cache_docker.py builds with it.
"""

import dataclasses
import os
import stat

from colcon_deb.compiler_cache import prepare_folder
from colcon_deb.task import PackageOptions
from colcon_deb.task.ament_cmake import AmentCmakeDebTask
from colcon_deb.task.cmake import CmakeDebTask
import pytest
from test_build_flags import TARGET
from test_container_scripts import build_package


def mode(path):
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_folder_is_made_for_the_group_of_builds(tmp_path):
    folder = tmp_path / 'a' / 'ccache'
    prepare_folder(folder)
    # the group writes, what it creates keeps the group, and nobody else
    # may remove or replace what is at the top
    assert mode(folder) & 0o3070 == 0o3070
    config = folder / 'ccache.conf'
    assert config.read_text() == ''
    assert stat.S_ISREG(config.lstat().st_mode)
    assert mode(config) & 0o022 == 0
    # twice is the same
    prepare_folder(folder)
    assert mode(folder) & 0o3070 == 0o3070


def test_an_existing_folder_keeps_what_it_has(tmp_path):
    folder = tmp_path / 'ccache'
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    (folder / 'ccache.conf').write_text('max_size = 20G\n')
    os.chmod(folder / 'ccache.conf', 0o666)
    prepare_folder(folder)
    assert mode(folder) == 0o3770
    # the configuration stays, writable by its owner only
    assert (folder / 'ccache.conf').read_text() == 'max_size = 20G\n'
    assert mode(folder / 'ccache.conf') == 0o644


def test_a_configuration_that_is_no_file_is_refused(tmp_path):
    folder = tmp_path / 'ccache'
    folder.mkdir()
    (folder / 'ccache.conf').symlink_to(tmp_path / 'elsewhere.conf')
    with pytest.raises(RuntimeError) as e:
        prepare_folder(folder)
    assert str(e.value) == f"--ccache '{folder}': its ccache.conf is no file"
    assert not (tmp_path / 'elsewhere.conf').exists()


def test_a_folder_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / 'file').write_text('')
    with pytest.raises(RuntimeError) as e:
        prepare_folder(tmp_path / 'file' / 'ccache')
    assert str(e.value).startswith(f"--ccache '{tmp_path / 'file'}/ccache': ")
    assert '\n' not in str(e.value)


def configure_args(task, target, **options):
    values = {
        'run_tests': False, 'cmake_args': None, 'ament_cmake_args': None,
        'catkin_cmake_args': None}
    values.update(options)
    return task.build_steps(PackageOptions(**values), target)[0].argv


def test_cmake_compiles_through_the_launcher_unless_the_user_says():
    target = dataclasses.replace(TARGET, compiler_launcher='ccache')
    argv = configure_args(CmakeDebTask(), target)
    assert '-DCMAKE_C_COMPILER_LAUNCHER=ccache' in argv
    assert '-DCMAKE_CXX_COMPILER_LAUNCHER=ccache' in argv
    # CMake takes the last -D of a variable: the user's
    argv = configure_args(
        AmentCmakeDebTask(), target,
        cmake_args=['-DCMAKE_CXX_COMPILER_LAUNCHER=distcc'])
    assert argv.index('-DCMAKE_CXX_COMPILER_LAUNCHER=ccache') < \
        argv.index('-DCMAKE_CXX_COMPILER_LAUNCHER=distcc')
    # no launcher without the compiler cache
    assert not [
        a for a in configure_args(CmakeDebTask(), TARGET) if 'LAUNCHER' in a]


def spec(**fields):
    return build_package.contract.JobSpec(
        name='a', deb_name='ros-noetic-a', prefix='/opt/ros/noetic',
        ros_distro='noetic', ros_version='1', control='', steps=[],
        **fields)


def test_the_build_joins_the_group_of_the_cache_folder(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        build_package.contract.Mount, 'CCACHE', str(tmp_path))
    env, groups = build_package.compiler_cache(
        spec(ccache=True, ccache_max_size='20G'))
    assert env == {
        'CCACHE_DIR': str(tmp_path), 'CCACHE_UMASK': '007',
        'CCACHE_MAXSIZE': '20G'}
    assert groups == [tmp_path.stat().st_gid]
    assert '+ export CCACHE_UMASK=007\n' in capsys.readouterr().out
    # ccache's own size limit when none is given
    env, _ = build_package.compiler_cache(spec(ccache=True))
    assert 'CCACHE_MAXSIZE' not in env
    # no cache, no group
    assert build_package.compiler_cache(spec()) == ({}, [])

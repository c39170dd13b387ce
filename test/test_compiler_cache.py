# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The compiler cache of --ccache, without Docker: its folder, its options.

test_compiler_cache_docker.py builds with it.
"""

import dataclasses
import os
from pathlib import Path
import stat

from colcon_deb.compiler_cache import prepare_folder
from colcon_deb.container import contract
from colcon_deb.task import PackageOptions
from colcon_deb.task.ament_cmake import AmentCmakeDebTask
from colcon_deb.task.cmake import CmakeDebTask
from fake_engine import FakeEngine
import pytest
from test_build_flags import TARGET
from test_container_scripts import build_package
from test_scenarios import colcon_deb
from test_scenarios import diamond  # noqa: F401


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


class RecordingEngine(FakeEngine):
    """A fake engine that keeps the specs of its build containers."""

    def __init__(self, *args, is_local=True, **kwargs):  # noqa: D107
        super().__init__(*args, **kwargs)
        self.is_local = is_local
        self.specs = []

    def run(self, spec, **kwargs):  # noqa: D102
        if spec.command[-1] == contract.BUILD:
            self.specs.append(spec)
        return super().run(spec, **kwargs)


def test_only_the_builds_on_this_hosts_engines_use_it(
        diamond, monkeypatch, tmp_path, capfd):  # noqa: F811
    here = RecordingEngine(url='unix:///here.sock', jobs=1)
    far = RecordingEngine(url='tcp://far:2375', jobs=1, is_local=False)
    folder = tmp_path / 'ccache'
    assert colcon_deb(
        monkeypatch, {e.url: e for e in (here, far)},
        '--docker-host', f'{here.url}=1', '--docker-host', f'{far.url}=1',
        '--ccache', str(folder), '--ccache-max-size', '20G') == 0
    assert here.specs and far.specs
    for engine, uses in ((here, True), (far, False)):
        for spec in engine.specs:
            job = contract.JobSpec.from_json(
                spec.environment[contract.JOB_VARIABLE])
            mounts = [
                f for f in spec.folders
                if f.container_path == contract.Mount.CCACHE]
            launchers = [
                arg for step in job.steps for arg in step.argv
                if arg.startswith('-DCMAKE_CXX_COMPILER_LAUNCHER=')]
            if uses:
                assert job.ccache and job.ccache_max_size == '20G'
                assert [(Path(f.host_path), f.writable) for f in mounts] \
                    == [(folder, True)]
                assert launchers == ['-DCMAKE_CXX_COMPILER_LAUNCHER=ccache']
            else:
                assert not job.ccache and not mounts and not launchers
    assert (folder / 'ccache.conf').is_file()
    assert '--ccache: the builds on tcp://far:2375 do not use' in \
        capfd.readouterr().err

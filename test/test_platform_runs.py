# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Runs for several platforms, quickly, with fake engines of two machines.

Which engine builds which platform, the jobs per package and platform,
what the summary and report.json say; test_platforms_docker.py builds
for real, under QEMU.
"""

import json

from colcon_core.event.job import JobProgress
from colcon_core.event.job import JobStarted
from colcon_deb.event import PackagePlatform
from colcon_deb.event_handler.deb_progress import status_line
from colcon_deb.event_handler.run_record import RunRecord
from debian.deb822 import Packages
from fake_engine import FakeEngine
import pytest
from test_scenarios import colcon_deb
from test_scenarios import diamond  # noqa: F401

PACKAGES = ['base', 'left', 'lone', 'right', 'top']


def index(workspace):
    with (workspace / 'deb' / 'Packages').open() as f:
        return {
            (p['Package'][len('ros-noetic-'):], p['Architecture'])
            for p in Packages.iter_paragraphs(f, use_apt_pkg=False)}


def report(tmp_path):
    return json.loads(
        (tmp_path / 'log' / 'latest_deb' / 'report.json').read_text())


@pytest.fixture
def engines():
    """Return a local amd64 engine and a remote arm64 one, both native."""
    return {
        None: FakeEngine(binary=True),
        'tcp://arm:2375': FakeEngine(
            url='tcp://arm:2375', machine='aarch64', binary=True)}


def test_each_platform_builds_on_its_native_engine(
        diamond, monkeypatch, capsys, tmp_path, engines):  # noqa: F811
    local, arm = engines[None], engines['tcp://arm:2375']
    local.url = 'unix:///fake.sock'
    engines = {'unix:///fake.sock': local, arm.url: arm}
    rc = colcon_deb(
        monkeypatch, engines, '--docker-host', 'unix:///fake.sock',
        '--docker-host', arm.url, '--platform', 'linux/amd64',
        '--platform', 'linux/arm64')
    out = capsys.readouterr().out
    assert rc == 0, out
    # one job per package and platform, each on the engine of its platform
    assert sorted(local.builds) == [f'{p}@amd64' for p in PACKAGES]
    assert sorted(arm.builds) == [f'{p}@arm64' for p in PACKAGES]
    # a job of a platform waits for its dependencies of that platform only
    assert arm.builds.index('base@arm64') < arm.builds.index('top@arm64')
    assert 'Built for linux/amd64 on unix:///fake.sock: 5 package(s) ' \
        '(base@amd64, left@amd64, lone@amd64, right@amd64, top@amd64)' in out
    assert 'Built for linux/arm64 on tcp://arm:2375: 5 package(s)' in out
    jobs = {p['name']: p for p in report(tmp_path)['packages']}
    assert jobs['top@arm64']['platform'] == 'linux/arm64'
    assert jobs['top@arm64']['engine'] == 'tcp://arm:2375'
    assert jobs['top@arm64']['emulated'] is False
    assert jobs['top@amd64']['engine'] == 'unix:///fake.sock'
    # colcon's log keeps each job's output apart
    assert (tmp_path / 'log' / 'latest_deb' / 'top@arm64').is_dir()
    # one repository holds both
    assert index(diamond) == {
        (p, a) for p in PACKAGES for a in ('amd64', 'arm64')}


def registered(tmp_path, monkeypatch, *handlers):
    """Make colcon deb see a binfmt_misc with these QEMU handlers."""
    binfmt = tmp_path / 'binfmt_misc'
    binfmt.mkdir()
    (binfmt / 'status').write_text('enabled\n')
    for name in handlers:
        (binfmt / f'qemu-{name}').write_text('enabled\nflags: PF\n')
    monkeypatch.setattr('colcon_deb.platforms.BINFMT_FOLDER', binfmt)


def test_without_a_native_engine_a_platform_is_emulated(
        diamond, monkeypatch, capsys, tmp_path):  # noqa: F811
    registered(tmp_path, monkeypatch, 'aarch64')
    engine = FakeEngine(architecture='arm64', binary=True)
    rc = colcon_deb(
        monkeypatch, engine, '--platform', 'linux/arm64',
        '--packages-up-to', 'left')
    out = capsys.readouterr().out
    assert rc == 0, out
    # one platform: the jobs are named as the packages
    assert engine.builds == ['base', 'left']
    assert index(diamond) == {('base', 'arm64'), ('left', 'arm64')}
    assert 'Built for linux/arm64 on unix:///fake.sock under QEMU ' \
        'emulation: 2 package(s) (base, left)' in out
    jobs = {p['name']: p for p in report(tmp_path)['packages']}
    assert jobs['left']['emulated'] is True
    assert jobs['left']['platform'] == 'linux/arm64'


def test_a_builder_image_of_another_architecture_is_refused(
        diamond, monkeypatch, capfd, tmp_path):  # noqa: F811
    """The base image's files are amd64: nothing is built for arm64."""
    registered(tmp_path, monkeypatch, 'aarch64')
    engine = FakeEngine()
    rc = colcon_deb(monkeypatch, engine, '--platform', 'linux/arm64')
    captured = capfd.readouterr()
    assert rc == 1
    assert engine.builds == []
    assert "colcon deb: the builder image of 'debian:bookworm' is for " \
        'amd64 (`dpkg --print-architecture` in it), not arm64 as ' \
        'linux/arm64 needs' in captured.err


def test_a_platform_without_emulation_stops_before_anything_is_built(
        diamond, monkeypatch, capfd, tmp_path):  # noqa: F811
    registered(tmp_path, monkeypatch, 'aarch64')
    engine = FakeEngine()
    rc = colcon_deb(
        monkeypatch, engine, '--platform', 'linux/amd64', '--platform',
        'linux/riscv64')
    captured = capfd.readouterr()
    assert rc == 1
    assert engine.builds == []
    assert not (diamond / 'deb').exists()
    assert 'colcon deb: building for linux/riscv64 needs QEMU user ' \
        'emulation of riscv64, which is not registered on this machine: ' \
        '`apt-get install qemu-user-static`' in captured.err


def test_the_progress_shows_an_emulated_package():
    record = RunRecord(clock=lambda: 10.0)
    for event in (
            JobStarted('top@arm64'),
            PackagePlatform('top@arm64', 'linux/arm64', True),
            JobProgress('top@arm64', 'build'),
            JobStarted('top@amd64'),
            PackagePlatform('top@amd64', 'linux/amd64', False),
            JobProgress('top@amd64', 'build')):
        record.fold((event, None))
    assert '(top@arm64: build (emulated), top@amd64: build)' in \
        status_line(record, 10.0)

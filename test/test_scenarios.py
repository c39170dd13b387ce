# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Build order, failures, retries and skips, quickly, with a fake engine.

The real engine is exercised by test_faults.py; here the verb, the task,
colcon's executors and the repository run for real around a FakeEngine.
"""

from pathlib import Path

from colcon_core.command import main as colcon_main
from debian.deb822 import Packages
from docker_helpers import copy_workspace
from fake_engine import FakeEngine
import pytest

DIAMOND = Path(__file__).parent / 'diamond'


@pytest.fixture
def diamond(tmp_path, monkeypatch):
    workspace = copy_workspace(tmp_path / 'ws', DIAMOND)
    monkeypatch.chdir(workspace)
    monkeypatch.setenv('COLCON_LOG_PATH', str(tmp_path / 'log'))
    return workspace


def colcon_deb(monkeypatch, engine, *args):
    monkeypatch.setattr('colcon_deb.verb.deb.DockerEngine', lambda: engine)
    return colcon_main(argv=[
        'deb', '--ros-distro', 'noetic', '--base-image', 'debian:bookworm',
        '--retry-delay', '0', *args])


def published(workspace):
    with (workspace / 'deb' / 'Packages').open() as f:
        return {
            p['Package'][len('ros-noetic-'):]
            for p in Packages.iter_paragraphs(f, use_apt_pkg=False)}


@pytest.mark.parametrize('executor', ['sequential', 'parallel'])
def test_build_order_follows_the_dependencies(
        diamond, monkeypatch, executor):
    engine = FakeEngine()
    assert colcon_deb(monkeypatch, engine, '--executor', executor) == 0
    order = engine.builds
    assert sorted(order) == ['base', 'left', 'lone', 'right', 'top']
    assert order.index('base') < order.index('left') < order.index('top')
    assert order.index('right') < order.index('top')
    assert published(diamond) == {'base', 'left', 'lone', 'right', 'top'}


def test_failure_skips_the_dependents_with_continue_on_error(
        diamond, monkeypatch, capsys):
    engine = FakeEngine({'left': ['compile-error']})
    rc = colcon_deb(
        monkeypatch, engine, '--continue-on-error', '--retries', '3')
    output = capsys.readouterr().out
    assert rc != 0
    # a compile error is not retried
    assert engine.builds.count('left') == 1
    assert 'top' not in engine.builds
    assert published(diamond) == {'base', 'right', 'lone'}
    assert 'Failed left: building failed' in output
    assert 'Skipped top: depends on left, which failed' in output


def test_first_failure_stops_without_continue_on_error(
        diamond, monkeypatch, capsys):
    engine = FakeEngine({'base': ['compile-error']})
    rc = colcon_deb(monkeypatch, engine, '--executor', 'sequential')
    assert rc != 0
    assert engine.builds[0] == 'base'
    assert not {'left', 'right', 'top'} & set(engine.builds)
    assert 'Failed base: building failed' in capsys.readouterr().out


@pytest.mark.parametrize('fault, reason', [
    ('killed', 'its container was killed'),
    ('timeout', 'timed out after 60 s (--package-timeout)'),
    ('oom', 'out of memory (--memory 1g)'),
    ('daemon-error', 'Docker: the daemon went away'),
])
def test_infrastructure_failures_are_retried(
        diamond, monkeypatch, capsys, fault, reason):
    engine = FakeEngine({'right': [fault, fault, 'ok']})
    rc = colcon_deb(
        monkeypatch, engine, '--retries', '2', '--package-timeout', '60',
        '--memory', '1g')
    output = capsys.readouterr().out
    assert rc == 0, output
    assert engine.builds.count('right') == 3
    assert f'Retried right: {reason}; {reason}' in output
    assert published(diamond) == {'base', 'left', 'lone', 'right', 'top'}


def test_retries_run_out(diamond, monkeypatch, capsys):
    engine = FakeEngine({'lone': ['killed']})
    rc = colcon_deb(monkeypatch, engine, '--retries', '1',
                    '--continue-on-error')
    output = capsys.readouterr().out
    assert rc != 0
    assert engine.builds.count('lone') == 2
    assert 'Failed lone: its container was killed' in output
    assert 'lone' not in published(diamond)

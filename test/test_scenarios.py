# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Build order, failures, retries and skips, quickly, with a fake engine.

The real engine is exercised by test_faults.py; here the verb, the task,
colcon's executors and the repository run for real around a FakeEngine.
"""

import json
from pathlib import Path

from colcon_core.command import main as colcon_main
from colcon_parallel_executor.executor.parallel import \
    ParallelExecutorExtension
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
    """Run colcon deb; `engine` is one engine or engines by URL."""
    engines = engine if isinstance(engine, dict) else {None: engine}
    monkeypatch.setattr(
        'colcon_deb.docker.engine_pool.DockerEngine',
        lambda url=None, jobs=None: engines[url])
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


def test_an_unsafe_archive_fails_the_package_in_one_line(
        diamond, monkeypatch, capfd):
    """What a remote engine sent back is the build's, never retried."""
    engine = FakeEngine({'right': ['unsafe-archive', 'ok']})
    rc = colcon_deb(
        monkeypatch, engine, '--retries', '2', '--continue-on-error')
    output = ''.join(capfd.readouterr())
    assert rc != 0
    assert engine.builds.count('right') == 1
    assert "colcon-deb: 'right' failed: the remote engine sent back /out " \
        "with 'out/x.deb', a symbolic link: nothing of it is taken" in output
    assert 'Traceback' not in output
    assert published(diamond) == {'base', 'left', 'lone'}


def test_retries_run_out(diamond, monkeypatch, capsys):
    engine = FakeEngine({'lone': ['killed']})
    rc = colcon_deb(monkeypatch, engine, '--retries', '1',
                    '--continue-on-error')
    output = capsys.readouterr().out
    assert rc != 0
    assert engine.builds.count('lone') == 2
    assert 'Failed lone: its container was killed' in output
    assert 'lone' not in published(diamond)


def test_packages_move_off_a_lost_engine(diamond, monkeypatch, capsys):
    first = FakeEngine(url='tcp://first:2375', jobs=1, gone_after=1)
    second = FakeEngine(url='tcp://second:2375', jobs=1)
    rc = colcon_deb(
        monkeypatch, {e.url: e for e in (first, second)},
        '--executor', 'sequential', '--docker-host', 'tcp://first:2375=1',
        '--docker-host', 'tcp://second:2375=1')
    assert rc == 0
    assert published(diamond) == {'base', 'left', 'lone', 'right', 'top'}
    # the first engine built base and went away building lone; lone and
    # the rest went to the second, without counting as retries
    assert first.builds == ['base', 'lone']
    assert second.builds == ['lone', 'left', 'right', 'top']
    out = capsys.readouterr().out
    assert 'Built on tcp://first:2375: 1 package(s) (base)' in out
    assert 'Built on tcp://second:2375: 4 package(s)' in out
    assert 'Lost Docker engine tcp://first:2375' in out
    assert 'lone moved to another engine' in out
    assert 'Retried' not in out


def test_unreachable_docker_host_is_an_error(diamond, monkeypatch, capfd):
    gone = FakeEngine(url='tcp://gone:2375')
    gone.gone = True
    here = FakeEngine(url='tcp://here:2375')
    rc = colcon_deb(
        monkeypatch, {e.url: e for e in (gone, here)},
        '--docker-host', gone.url, '--docker-host', here.url)
    assert rc == 1
    # the run stops before anything is built, also on the engine that answers
    assert here.builds == []
    assert 'cannot reach the Docker engine at tcp://gone:2375' in \
        capfd.readouterr().err


def test_unreachable_docker_host_is_left_out_with_continue_on_error(
        diamond, monkeypatch, capsys):
    gone = FakeEngine(url='tcp://gone:2375')
    gone.gone = True
    here = FakeEngine(url='tcp://here:2375')
    rc = colcon_deb(
        monkeypatch, {e.url: e for e in (gone, here)}, '--continue-on-error',
        '--docker-host', gone.url, '--docker-host', here.url)
    assert rc == 0
    assert published(diamond) == {'base', 'left', 'lone', 'right', 'top'}
    assert len(here.builds) == 5


def test_a_setuid_file_in_a_built_deb_fails_the_package(
        diamond, monkeypatch, capsys):
    engine = FakeEngine({'lone': ['setuid']})
    rc = colcon_deb(monkeypatch, engine, '--continue-on-error')
    output = capsys.readouterr().out
    assert rc != 0
    failed, = [line for line in output.splitlines() if 'Failed' in line]
    assert failed.startswith("Failed lone: its deb 'ros-noetic-lone_")
    assert failed.endswith(
        "_all.deb' has files not owned by root, set-user-ID or set-group-ID, "
        'or writable by others: /opt/ros/noetic/bin/lone')
    assert 'lone' not in published(diamond)


def test_configuration_files_are_warned_about_and_in_the_summary(
        diamond, monkeypatch, capsys):
    engine = FakeEngine({'lone': ['configuration']})
    assert colcon_deb(monkeypatch, engine) == 0
    captured = capsys.readouterr()
    warning = (
        "'lone' installs configuration files outside the prefix (dpkg keeps "
        'them as conffiles): /etc/lone/lone.conf')
    assert [
        line for line in captured.err.splitlines()
        if line.endswith(warning)] != []
    assert 'Configuration of lone, outside the prefix: /etc/lone/lone.conf' \
        in captured.out.splitlines()
    assert 'lone' in published(diamond)


def test_debug_symbols_are_published_and_cached(
        diamond, monkeypatch, capsys, tmp_path):
    """A package with binaries: its deb and its dbgsym deb, both kept."""
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    engine = FakeEngine({'base': ['binaries']})
    assert colcon_deb(monkeypatch, engine) == 0
    assert published(diamond) == {
        'base', 'base-dbgsym', 'left', 'lone', 'right', 'top'}
    output = capsys.readouterr().out
    assert ', of which debug symbols 0.0 MB' in output
    report = json.loads(
        (tmp_path / 'log' / 'latest_deb' / 'report.json').read_text())
    base = next(p for p in report['packages'] if p['name'] == 'base')
    assert [(deb['file'].split('_')[0], deb['debug_symbols'])
            for deb in base['debs']] == [
        ('ros-noetic-base', False), ('ros-noetic-base-dbgsym', True)]
    assert base['deb'].startswith('ros-noetic-base_')
    assert report['totals']['packages'] == 5
    assert 0 < report['totals']['debug_symbol_bytes'] < \
        report['totals']['deb_bytes']

    # from the cache, both again; --no-dbgsym builds nothing again either
    for name in ('ros-noetic-base', 'ros-noetic-base-dbgsym'):
        deb, = (diamond / 'deb').glob(f'{name}_*.deb')
        deb.unlink()
    assert colcon_deb(monkeypatch, engine, '--no-dbgsym') == 0
    assert engine.builds.count('base') == 1
    assert 'base-dbgsym' not in published(diamond)
    assert colcon_deb(monkeypatch, engine) == 0
    assert engine.builds.count('base') == 1
    assert 'base-dbgsym' in published(diamond)


def test_the_dbgsym_deb_may_install_only_debug_files(
        diamond, monkeypatch, capsys):
    """A dbgsym deb that installs into the prefix is refused."""
    monkeypatch.setattr(
        'fake_engine.DEBUG_FILE', 'opt/ros/noetic/lib/libbase.so')
    engine = FakeEngine({'base': ['binaries']})
    assert colcon_deb(monkeypatch, engine, '--continue-on-error') != 0
    output = capsys.readouterr().out
    assert "Failed base: its deb 'ros-noetic-base-dbgsym_" in output
    assert 'has files outside /usr/lib/debug/.build-id and ' \
        '/usr/share/doc/ros-noetic-base-dbgsym: /opt, ' in output
    assert '/opt/ros/noetic/lib/libbase.so\n' in output
    assert 'base' not in published(diamond)


def test_only_what_is_not_cached_goes_to_colcon_s_executor(
        diamond, monkeypatch):
    """
    The cached debs are published first; the executor gets the rest.

    colcon's parallel executor looks at every pending job whenever one
    ends: a no-op run of a large workspace must not hand it its packages.
    """
    engine = FakeEngine()
    assert colcon_deb(monkeypatch, engine) == 0
    handed = []
    execute = ParallelExecutorExtension.execute

    def recording_execute(self, args, jobs, *, on_error):
        handed.append(list(jobs))
        return execute(self, args, jobs, on_error=on_error)

    monkeypatch.setattr(
        ParallelExecutorExtension, 'execute', recording_execute)
    with (diamond / 'right' / 'CMakeLists.txt').open('a') as f:
        f.write('# changed\n')
    assert colcon_deb(monkeypatch, engine) == 0
    assert handed == [['right', 'top']]
    assert engine.builds[5:] == ['right', 'top']
    assert colcon_deb(monkeypatch, engine) == 0
    assert handed == [['right', 'top']]
    assert len(engine.builds) == 7
    assert published(diamond) == {'base', 'left', 'lone', 'right', 'top'}


def test_a_cached_package_waits_for_a_dependency_built_again(
        diamond, monkeypatch, capsys, tmp_path):
    """
    Cached debs are published before the builds only above cached ones.

    base's cached deb is gone: it is built again, and fails; the packages
    above it, whose debs are cached, are skipped as colcon skips them.
    """
    assert colcon_deb(monkeypatch, FakeEngine()) == 0
    for deb in (tmp_path / 'xdg-cache' / 'colcon-deb' / 'base').glob(
            '*.deb'):
        deb.unlink()
    capsys.readouterr()
    engine = FakeEngine({'base': ['compile-error']})
    assert colcon_deb(monkeypatch, engine, '--continue-on-error') != 0
    output = capsys.readouterr().out.splitlines()
    assert engine.builds == ['base']
    assert 'Cached, not built again: lone' in output
    for name in ('left', 'right', 'top'):
        assert f'Skipped {name}: depends on base, which failed' in output


@pytest.mark.parametrize('continue_on_error', [False, True])
def test_a_cached_deb_that_cannot_be_published_fails_its_package(
        diamond, monkeypatch, capsys, tmp_path, continue_on_error):
    """Publishing from the cache fails as a build would: colcon decides."""
    engine = FakeEngine()
    assert colcon_deb(monkeypatch, engine) == 0
    deb, = (diamond / 'deb').glob('ros-noetic-left_*.deb')
    deb.unlink()
    # the deb's name in the output folder cannot be written
    deb.mkdir()
    capsys.readouterr()
    args = ['--continue-on-error'] if continue_on_error else []
    assert colcon_deb(monkeypatch, engine, *args) != 0
    output = capsys.readouterr().out
    assert len(engine.builds) == 5
    assert 'Failed left: cannot write the output folder ' \
        f"'{diamond / 'deb'}'" in output
    assert 'Skipped top: depends on left, which failed' in output
    report = json.loads(
        (tmp_path / 'log' / 'latest_deb' / 'report.json').read_text())
    status = {p['name']: p['status'] for p in report['packages']}
    assert (status['left'], status['top']) == ('failed', 'skipped')
    if continue_on_error:
        # the others are published all the same
        assert status == {
            'base': 'cached', 'left': 'failed', 'lone': 'cached',
            'right': 'cached', 'top': 'skipped'}

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The metrics, report, trace and JUnit handlers, fed a synthetic run."""

import json
import os
from pathlib import Path
import shutil
from types import SimpleNamespace
import xml.etree.ElementTree as ElementTree

from colcon_core import location
from colcon_core.event.job import JobEnded
from colcon_core.event.job import JobProgress
from colcon_core.event.job import JobQueued
from colcon_core.event.job import JobSkipped
from colcon_core.event.job import JobStarted
from colcon_core.event.output import StderrLine
from colcon_core.event.output import StdoutLine
from colcon_core.event.timer import TimerEvent
from colcon_core.event_reactor import EventReactorShutdown
from colcon_deb.atomic_file import write_atomically
from colcon_deb.event import DebPublished
from colcon_deb.event import PackageCached
from colcon_deb.event import PackageFailure
from colcon_deb.event import PackageRetry
from colcon_deb.event import RUN_PHASES
from colcon_deb.event import RunPhase
from colcon_deb.event_handler.deb_junit import DebJUnitEventHandler
from colcon_deb.event_handler.deb_metrics import DebMetricsEventHandler
from colcon_deb.event_handler.deb_report import DebReportEventHandler
from colcon_deb.event_handler.deb_trace import DebTraceEventHandler
from colcon_deb.event_handler.run_record import RunRecord
from event_helpers import Clock
from event_helpers import FakeJob
import pytest

PACKAGES = ('calc_core', 'calc_plain', 'calc_cli', 'calc_py')
CORE_DEB = 'ros-humble-calc-core_1.0.0-0jammy_amd64.deb'
CORE_DBGSYM = 'ros-humble-calc-core-dbgsym_1.0.0-0jammy_amd64.deb'


def run_events():
    """
    Yield (time, event data, job name) of a run of four packages.

    calc_core is built on worker 1 (101 to 151), with debug symbols;
    calc_plain reuses a cached deb on worker 2 (101 to 103); calc_cli times
    out once, then fails to build on worker 1 (152 to 175); calc_py is
    skipped since it depends on calc_cli.  The run started at 90.
    """
    for name, start in zip(RUN_PHASES, (90.0, 95.0, 97.0, 100.0)):
        yield 100, RunPhase(name, start), None
    yield 100, JobQueued('calc_core', {}), 'calc_core'
    yield 100, JobQueued('calc_plain', {}), 'calc_plain'
    yield 100, JobQueued(
        'calc_cli', {'calc_core': None, 'calc_plain': None}), 'calc_cli'
    yield 100, JobQueued('calc_py', {'calc_cli': None}), 'calc_py'
    yield 101, JobStarted('calc_core'), 'calc_core'
    yield 101, JobStarted('calc_plain'), 'calc_plain'
    yield 102, JobProgress('calc_core', 'dependencies'), 'calc_core'
    yield 102, PackageCached('calc_plain', 'key'), 'calc_plain'
    yield 103, DebPublished(
        'calc_plain', '/ws/deb/ros-humble-calc-plain_2.0.0_all.deb', 1000), \
        'calc_plain'
    yield 103, JobEnded('calc_plain', 0), 'calc_plain'
    yield 105, TimerEvent(), None
    yield 110, JobProgress('calc_core', 'build'), 'calc_core'
    yield 120, StdoutLine(b'[100%] Built target calc_core\n'), 'calc_core'
    yield 140, JobProgress('calc_core', 'package'), 'calc_core'
    yield 150, JobProgress('calc_core', 'publish'), 'calc_core'
    yield 150, DebPublished(
        'calc_core', f'/ws/deb/{CORE_DEB}', 2_500_000), 'calc_core'
    yield 150, DebPublished(
        'calc_core', f'/ws/deb/{CORE_DBGSYM}', 1_000_000,
        debug_symbols=True), 'calc_core'
    yield 151, JobEnded('calc_core', 0), 'calc_core'
    yield 152, JobStarted('calc_cli'), 'calc_cli'
    yield 152, JobProgress('calc_cli', 'dependencies'), 'calc_cli'
    # the retry names the attempt it starts
    yield 160, PackageRetry(
        'calc_cli', 2, 'timed out after 8 s (--package-timeout)'), 'calc_cli'
    yield 165, JobProgress('calc_cli', 'dependencies'), 'calc_cli'
    yield 170, JobProgress('calc_cli', 'build'), 'calc_cli'
    yield 171, StdoutLine(b'Compiling calc.cpp\n'), 'calc_cli'
    red_error = b'\x1b[1;31m' b'error:\x1b[0m'
    yield 172, StderrLine(
        red_error + b' calc.cpp:3: expected \x01;\n'), 'calc_cli'
    yield 175, PackageFailure('calc_cli', 'building failed'), 'calc_cli'
    yield 175, JobEnded('calc_cli', 1), 'calc_cli'
    yield 176, JobSkipped('calc_py'), 'calc_py'
    yield 177, EventReactorShutdown(), None


# where colcon's log folder of the run is in these tests
REPORTS = Path('log') / 'run'


@pytest.fixture(autouse=True)
def log_folder(tmp_path, monkeypatch):
    """Point colcon's log folder of the run at tmp_path / REPORTS."""
    monkeypatch.setattr(location, '_log_base_path', tmp_path / REPORTS.parent)
    monkeypatch.setattr(location, '_log_subdirectory', REPORTS.name)
    monkeypatch.setattr(location, '_create_log_path_called', False)


def deb_args(tmp_path, **extra):
    """Return the arguments of a deb run with every reported option."""
    return SimpleNamespace(
        verb_name='deb', deb_base=str(tmp_path / 'deb'), ros_distro='humble',
        base_image=None, install_prefix=None, deb_revision=2,
        parallel_workers=2, retries=1, package_timeout=8.0, memory='4g',
        cpus=1.5, cmake_args=['-DX=1'], run_tests=False,
        continue_on_error=True, **extra)


def play(handler_class, args, events=None):
    """Feed a handler the events with its record on a hand-moved clock."""
    clock = Clock(100.0)
    handler = handler_class()
    handler.context = SimpleNamespace(args=args)
    handler.record = RunRecord(clock=clock)
    for now, data, name in events or run_events():
        clock.now = now
        handler((data, FakeJob(name) if name else None))
    return handler


@pytest.fixture
def report(tmp_path):
    """Return the report.json of the run."""
    play(DebReportEventHandler, deb_args(tmp_path))
    return json.loads((tmp_path / REPORTS / 'report.json').read_text())


@pytest.fixture
def trace(tmp_path):
    """Return the trace.json of the run."""
    play(DebTraceEventHandler, deb_args(tmp_path))
    return json.loads((tmp_path / REPORTS / 'trace.json').read_text())


@pytest.fixture
def junit(tmp_path):
    """Return the root of the junit.xml of the run."""
    play(DebJUnitEventHandler, deb_args(tmp_path))
    return ElementTree.parse(str(tmp_path / REPORTS / 'junit.xml')).getroot()


def test_metrics_block(tmp_path, capsys):
    """Times, counts, cache hits, sizes, retries and failures, once."""
    play(DebMetricsEventHandler, deb_args(tmp_path))

    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        'Metrics: 1min 27s in total',
        '  packages: 4 (1 built, 1 cached, 1 failed, 1 skipped)',
        '  package time: 25.0s on average, slowest calc_core (50.0s)',
        '  cache hits: 1 of 3 (33%)',
        '  published debs: 3.5 MB, of which debug symbols 1.0 MB',
        '  retries: 1',
        '  failures: 1 (calc_cli)',
    ]


def test_metrics_without_ended_packages(tmp_path, capsys):
    """A run stopped before any job ended has no times to average."""
    events = [
        (100, JobQueued('calc_core', {}), 'calc_core'),
        (101, JobStarted('calc_core'), 'calc_core'),
        (102, EventReactorShutdown(), None)]
    play(DebMetricsEventHandler, deb_args(tmp_path), events)

    out = capsys.readouterr().out
    assert 'packages: 1 (0 built, 0 cached, 0 failed, 0 skipped)' in out
    assert 'average' not in out and 'cache hits' not in out


def test_report_has_every_package(report):
    """Each package with its status; the one that reused a deb is cached."""
    assert [p['name'] for p in report['packages']] == list(PACKAGES)
    statuses = {p['name']: p['status'] for p in report['packages']}
    assert statuses == {
        'calc_core': 'succeeded', 'calc_plain': 'cached',
        'calc_cli': 'failed', 'calc_py': 'skipped'}
    cached = {p['name'] for p in report['packages'] if p['cached']}
    assert cached == {'calc_plain'}


def test_report_phases_add_up_to_no_more_than_the_wall_time(report):
    """A phase lasts from its JobProgress to the next, or to the end."""
    for package in report['packages']:
        assert sum(package['phases'].values()) <= package['duration']
    core = report['packages'][0]
    assert core['start'] == 11.0
    assert core['duration'] == 50.0
    assert core['phases'] == {
        'dependencies': 8.0, 'build': 30.0, 'package': 10.0, 'publish': 1.0}
    # the wait before the retry belongs to no phase
    cli = report['packages'][2]
    assert cli['duration'] == 23.0
    assert cli['phases'] == {'dependencies': 13.0, 'build': 5.0}


def test_report_debs_retries_and_errors(report):
    """What each package published, why it was retried, why it failed."""
    core, plain, cli, py = report['packages']
    assert core['deb'] == CORE_DEB and core['size'] == 3_500_000
    assert core['debs'] == [
        {'file': CORE_DEB, 'size': 2_500_000, 'debug_symbols': False},
        {'file': CORE_DBGSYM, 'size': 1_000_000, 'debug_symbols': True}]
    assert core['worker'] == 1 and plain['worker'] == 2
    assert core['error'] is None
    assert core['retries'] == {'count': 0, 'reasons': []}
    assert cli['retries'] == {
        'count': 1, 'reasons': ['timed out after 8 s (--package-timeout)']}
    assert cli['error'] == 'building failed'
    assert py['error'] == 'depends on calc_cli (failed)'
    assert py['start'] is None and py['duration'] == 0


def test_report_run_totals_and_configuration(report):
    """The run's phases, its counts and the options it ran with."""
    assert report['version'] == 1
    assert report['run']['duration'] == 87.0
    assert report['run']['started'] == '1970-01-01T00:01:30.000Z'
    assert report['run']['phases'] == {
        'discovering': 5.0, 'planning': 2.0, 'resolving dependencies': 3.0,
        'building': 77.0}
    assert report['totals'] == {
        'packages': 4, 'done': 4, 'succeeded': 1, 'cached': 1, 'failed': 1,
        'skipped': 1, 'running': 0, 'queued': 0, 'retries': 1,
        'deb_bytes': 3_501_000, 'debug_symbol_bytes': 1_000_000}
    assert report['configuration'] == {
        'ros_distro': 'humble', 'base_image': None, 'install_prefix': None,
        'deb_revision': 2, 'parallel_workers': 2, 'retries': 1,
        'package_timeout': 8.0, 'memory': '4g', 'cpus': 1.5,
        'cmake_args': ['-DX=<hidden>'], 'run_tests': False,
        'continue_on_error': True}


def test_report_leaves_out_what_json_cannot_hold(tmp_path):
    """Options that are missing or no JSON are left out, not guessed."""
    args = deb_args(tmp_path)
    args.memory = object()
    del args.parallel_workers
    play(DebReportEventHandler, args)

    report = json.loads((tmp_path / REPORTS / 'report.json').read_text())
    assert 'memory' not in report['configuration']
    assert 'parallel_workers' not in report['configuration']
    assert report['configuration']['ros_distro'] == 'humble'


def test_reports_are_in_colcon_s_log_folder_not_the_output_folder(
        tmp_path, monkeypatch):
    """None with logging off; never in the repository users publish."""
    args = deb_args(tmp_path)
    play(DebReportEventHandler, args)
    assert (tmp_path / REPORTS / 'report.json').is_file()
    assert not (tmp_path / 'deb').exists()

    monkeypatch.setattr(location, '_log_base_path', os.devnull)
    monkeypatch.setattr(location, '_create_log_path_called', False)
    shutil.rmtree(tmp_path / 'log')
    play(DebReportEventHandler, args)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_report_is_replaced_atomically(tmp_path):
    """The previous report stays whole until the new one is complete."""
    path = tmp_path / 'report.json'
    path.write_text('old')
    with pytest.raises(TypeError):
        write_atomically(path, None)
    assert path.read_text() == 'old'

    write_atomically(path, 'new')
    assert path.read_text() == 'new'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['report.json']


def test_files_are_written_only_for_deb(tmp_path, capsys):
    """The handlers leave other verbs alone, like colcon build."""
    args = deb_args(tmp_path)
    args.verb_name = 'build'
    for handler_class in (
            DebReportEventHandler, DebTraceEventHandler,
            DebJUnitEventHandler, DebMetricsEventHandler):
        play(handler_class, args)

    assert not (tmp_path / 'log').exists()
    assert capsys.readouterr().out == ''


def test_trace_structure(trace):
    """Every slice is complete, and every track has a name."""
    assert trace['displayTimeUnit'] == 'ms'
    events = trace['traceEvents']
    slices = [e for e in events if e['ph'] == 'X']
    assert slices
    for event in slices:
        assert set(event) >= {'name', 'ph', 'ts', 'dur', 'pid', 'tid'}
        assert event['pid'] == 1
        assert isinstance(event['ts'], int) and event['ts'] >= 0
        assert isinstance(event['dur'], int) and event['dur'] >= 0
    names = {
        e['tid']: e['args']['name'] for e in events
        if e['ph'] == 'M' and e['name'] == 'thread_name'}
    assert names == {0: 'run', 1: 'worker 1', 2: 'worker 2'}
    assert {e['tid'] for e in events} <= set(names)


def test_trace_has_a_track_per_worker(trace):
    """A job takes the lowest free track: tracks are workers."""
    events = trace['traceEvents']
    packages = {
        e['name']: e for e in events
        if e['ph'] == 'X' and e.get('cat') == 'package'}
    assert set(packages) == {'calc_core', 'calc_plain', 'calc_cli'}
    assert packages['calc_core']['tid'] == 1
    assert packages['calc_plain']['tid'] == 2
    assert packages['calc_cli']['tid'] == 1
    # microseconds after the run's start at 90
    assert packages['calc_core']['ts'] == 11_000_000
    assert packages['calc_core']['dur'] == 50_000_000
    assert packages['calc_plain']['args']['cached'] is True
    # the package that never ran is a mark on the run's track
    skipped = [e for e in events if e['name'] == 'calc_py']
    assert len(skipped) == 1
    assert skipped[0]['ph'] == 'i' and skipped[0]['tid'] == 0
    assert skipped[0]['args']['status'] == 'skipped'


def test_trace_phases_lie_within_their_package(trace):
    """Phase slices nest in their package's slice, retries are marks."""
    events = trace['traceEvents']
    packages = {
        e['name']: e for e in events
        if e['ph'] == 'X' and e.get('cat') == 'package'}
    phases = [e for e in events if e['ph'] == 'X' and e.get('cat') == 'phase']
    assert [(e['args']['package'], e['name']) for e in phases] == [
        ('calc_core', 'dependencies'), ('calc_core', 'build'),
        ('calc_core', 'package'), ('calc_core', 'publish'),
        ('calc_cli', 'dependencies'), ('calc_cli', 'dependencies'),
        ('calc_cli', 'build')]
    for phase in phases:
        package = packages[phase['args']['package']]
        assert phase['tid'] == package['tid']
        assert package['ts'] <= phase['ts']
        assert phase['ts'] + phase['dur'] <= package['ts'] + package['dur']
    retries = [e for e in events if e['name'] == 'retry']
    assert len(retries) == 1 and retries[0]['ts'] == 70_000_000
    assert retries[0]['tid'] == 1
    assert retries[0]['args'] == {
        'package': 'calc_cli', 'attempt': 2,
        'reason': 'timed out after 8 s (--package-timeout)'}


def test_trace_run_phases(trace):
    """The phases of the run follow each other on the run's track."""
    run = [
        e for e in trace['traceEvents']
        if e['ph'] == 'X' and e['tid'] == 0]
    assert [e['name'] for e in run] == list(RUN_PHASES)
    assert [(e['ts'], e['dur']) for e in run] == [
        (0, 5_000_000), (5_000_000, 2_000_000), (7_000_000, 3_000_000),
        (10_000_000, 77_000_000)]


def test_junit_counts(junit):
    """One suite, a case per package, counts that CI can show."""
    assert junit.tag == 'testsuites'
    suites = junit.findall('testsuite')
    assert len(suites) == 1
    suite = suites[0]
    assert suite.get('name') == 'colcon-deb'
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors'),
            suite.get('skipped')) == ('4', '1', '0', '1')
    assert float(suite.get('time')) == 87.0
    cases = suite.findall('testcase')
    assert [c.get('name') for c in cases] == list(PACKAGES)
    assert {c.get('classname') for c in cases} == {'colcon-deb'}
    assert [float(c.get('time')) for c in cases] == [50.0, 2.0, 23.0, 0.0]


def test_junit_failure_skip_and_cache(junit):
    """A failure carries the output, a skip its reason, a cache hit a note."""
    cases = {c.get('name'): c for c in junit.iter('testcase')}
    failure = cases['calc_cli'].find('failure')
    assert failure.get('message') == 'building failed'
    # the last output, without the terminal's escapes
    assert failure.text.splitlines()[-2:] == [
        'Compiling calc.cpp', 'error: calc.cpp:3: expected ;']
    properties = {
        p.get('name'): p.get('value')
        for p in cases['calc_cli'].iter('property')}
    assert properties == {
        'retry 1': 'timed out after 8 s (--package-timeout)'}

    skipped = cases['calc_py'].find('skipped')
    assert skipped.get('message') == 'depends on calc_cli (failed)'

    cached = cases['calc_plain']
    assert cached.find('failure') is None and cached.find('skipped') is None
    assert cached.find('system-out').text == 'reused a cached deb'
    properties = {
        p.get('name'): p.get('value') for p in cached.iter('property')}
    assert properties['cached'] == 'true'

    core = cases['calc_core']
    assert list(core.iter('failure')) == [] and core.find('system-out') is None
    properties = {p.get('name'): p.get('value') for p in core.iter('property')}
    assert properties == {'deb': CORE_DEB, 'size': '3500000'}


def test_junit_for_a_run_that_ended_early(tmp_path):
    """A job still running is an error; one still waiting is skipped."""
    events = [
        (100, JobQueued('calc_core', {}), 'calc_core'),
        (100, JobQueued('calc_cli', {'calc_core': None}), 'calc_cli'),
        (101, JobStarted('calc_core'), 'calc_core'),
        (102, JobProgress('calc_core', 'build'), 'calc_core'),
        (110, EventReactorShutdown(), None)]
    play(DebJUnitEventHandler, deb_args(tmp_path), events)
    play(DebReportEventHandler, deb_args(tmp_path), events)

    suite = ElementTree.parse(
        str(tmp_path / REPORTS / 'junit.xml')).getroot().find('testsuite')
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors'),
            suite.get('skipped')) == ('2', '0', '1', '1')
    report = json.loads((tmp_path / REPORTS / 'report.json').read_text())
    core, cli = report['packages']
    assert core['status'] == 'running' and core['duration'] == 9.0
    assert core['phases'] == {'build': 8.0}
    assert cli['status'] == 'queued' and cli['start'] is None

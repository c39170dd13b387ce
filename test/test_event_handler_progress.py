# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The progress handler and the record it shares: no Docker, no terminal."""

import io
import re
import sys
from types import SimpleNamespace

from colcon_core.event.job import JobEnded
from colcon_core.event.job import JobProgress
from colcon_core.event.job import JobQueued
from colcon_core.event.job import JobSkipped
from colcon_core.event.job import JobStarted
from colcon_core.event.output import StderrLine
from colcon_core.event.output import StdoutLine
from colcon_core.event.timer import TimerEvent
from colcon_core.event_reactor import EventReactorShutdown
from colcon_deb.event import PackageCached
from colcon_deb.event import PackageFailure
from colcon_deb.event import PackageRetry
from colcon_deb.event_handler.deb_progress import DebProgressEventHandler
from colcon_deb.event_handler.deb_progress import render_progress
from colcon_deb.event_handler.deb_progress import status_line
from colcon_deb.event_handler.run_record import RunRecord
from event_helpers import Clock
from event_helpers import FakeJob
from rich.console import Console

ESCAPE = re.compile(r'\x1b\[[0-?]*[ -/]*[@-~]')
SHOW_CURSOR = '\x1b[?25h'
HIDE_CURSOR = '\x1b[?25l'
CLEAR_LINE_ABOVE = '\x1b[1A\x1b[2K'


def post(observer, data, name=None):
    """Post an event the way colcon's event reactor does."""
    return observer((data, FakeJob(name) if name else None))


def three_packages(observer, clock):
    """
    Bring a run to: calc_plain cached, calc_core building, calc_cli queued.

    calc_core started at 1001 and is in its build phase since 1005.
    """
    post(observer, JobQueued('calc_plain', {}), 'calc_plain')
    post(observer, JobQueued('calc_core', {}), 'calc_core')
    # colcon passes the dependencies of the task context: a dict
    post(observer, JobQueued('calc_cli', {'calc_core': None}), 'calc_cli')
    post(observer, JobStarted('calc_plain'), 'calc_plain')
    post(observer, PackageCached('calc_plain', 'key'), 'calc_plain')
    clock.now += 1
    post(observer, JobEnded('calc_plain', 0), 'calc_plain')
    post(observer, JobStarted('calc_core'), 'calc_core')
    post(observer, JobProgress('calc_core', 'dependencies'), 'calc_core')
    clock.now += 4
    post(observer, JobProgress('calc_core', 'build'), 'calc_core')
    post(observer, StdoutLine(
        b'\x1b[32m[ 50%] Building CXX object calc.cpp.o\x1b[0m\n'),
        'calc_core')


def handler_for(clock, **args):
    """Make a progress handler of a deb run, on the test's clock."""
    handler = DebProgressEventHandler()
    handler.context = SimpleNamespace(args=SimpleNamespace(
        verb_name='deb', deb_base='deb', **args))
    handler.record = RunRecord(clock=clock)
    return handler


def live_on_a_terminal(clock):
    """Make a handler on a terminal and bring it to three_packages."""
    handler = handler_for(clock)
    handler.interactive = True
    handler.console = fake_terminal()
    three_packages(handler, clock)
    post(handler, TimerEvent())
    return handler


def fake_terminal(width=100):
    """Make a console that writes a terminal's codes into a string."""
    return Console(file=io.StringIO(), width=width, force_terminal=True)


def render(record, now, width=100, workers=None):
    """Render the live area as a terminal of the width would show it."""
    console = fake_terminal(width)
    console.print(render_progress(record, now, workers))
    return console.file.getvalue()


def test_render_shows_the_bar_and_the_running_packages():
    """The live area: counts and times, then a line per running job."""
    clock = Clock()
    record = RunRecord(clock=clock)
    three_packages(record.fold, clock)
    clock.now += 7

    lines = ESCAPE.sub('', render(record, clock.now)).splitlines()

    assert lines[0].startswith('deb ')
    assert '\u2501' in lines[0]  # the bar
    assert lines[0].endswith(
        '1/3 done, 1 cached, 0 failed, 12s elapsed, about 1s left')
    assert len(lines) == 2
    assert lines[1].split()[:4] == ['calc_core', 'build', '11s', '[']
    assert lines[1].rstrip().endswith('Building CXX object calc.cpp.o')


def test_render_cuts_long_output_to_the_width():
    """A long output line is cut with an ellipsis, not wrapped."""
    clock = Clock()
    record = RunRecord(clock=clock)
    three_packages(record.fold, clock)
    record.fold((StderrLine('warning: ' + 'x' * 500 + '\n'),
                 FakeJob('calc_core')))

    lines = ESCAPE.sub('', render(record, clock.now, width=80)).splitlines()

    assert len(lines) == 2
    assert lines[1].startswith('calc_core')
    assert 'warning: xxx' in lines[1]
    assert lines[1].rstrip().endswith('\u2026')
    assert all(len(line) <= 80 for line in lines)


def test_render_shows_the_phase_of_each_job_and_retries():
    """Two running jobs, one between attempts, each on its line."""
    clock = Clock()
    record = RunRecord(clock=clock)
    three_packages(record.fold, clock)
    record.fold((JobStarted('calc_cli'), FakeJob('calc_cli')))
    record.fold((JobProgress('calc_cli', 'dependencies'),
                 FakeJob('calc_cli')))
    record.fold((PackageRetry('calc_cli', 1, 'timed out'), None))

    lines = ESCAPE.sub('', render(record, clock.now)).splitlines()

    assert lines[1].split()[:2] == ['calc_core', 'build']
    assert lines[2].split()[:2] == ['calc_cli', 'retrying']


def test_estimate_spreads_the_mean_time_over_the_workers():
    """Time left: the mean of the ended jobs, shared by the workers."""
    clock = Clock(0.0)
    record = RunRecord(clock=clock)
    for name in ('a', 'b', 'c', 'd', 'e'):
        record.fold((JobQueued(name, {}), FakeJob(name)))
    record.fold((JobStarted('a'), FakeJob('a')))
    clock.now = 10.0
    record.fold((JobEnded('a', 0), FakeJob('a')))
    record.fold((JobStarted('b'), FakeJob('b')))
    clock.now = 14.0

    # b needs about 6 s more, c, d and e 10 s each, over 2 workers
    assert record.time_left(clock.now, workers=2) == (6 + 30) / 2
    # more workers than jobs left: only the jobs left share the work
    assert record.time_left(clock.now, workers=16) == (6 + 30) / 4
    assert RunRecord(clock=clock).time_left(clock.now, workers=2) is None


def test_terminal_draws_live_and_prints_marks():
    """On a terminal: the live area, and a mark for each ended package."""
    clock = Clock()
    handler = live_on_a_terminal(clock)
    assert handler.live is not None and handler.live.is_started

    clock.now += 30
    post(handler, JobProgress('calc_core', 'package'), 'calc_core')
    post(handler, TimerEvent())
    post(handler, PackageFailure('calc_core', 'packaging failed'), None)
    post(handler, JobEnded('calc_core', 1), 'calc_core')
    post(handler, JobSkipped('calc_cli'), 'calc_cli')
    post(handler, EventReactorShutdown())

    out = handler.console.file.getvalue()
    text = ESCAPE.sub('', out)
    assert '1/3 done, 1 cached, 0 failed' in text
    assert 'calc_core build' in ' '.join(text.split())
    assert 'calc_core package' in ' '.join(text.split())
    assert 'Building CXX object calc.cpp.o' in text
    assert '\u2713 calc_plain (cached)' in text
    assert '\u2717 calc_core failed: packaging failed (34s)' in text
    assert '- calc_cli skipped: depends on calc_core (failed)' in text
    # the live area is gone at the end, and so is the hidden cursor
    assert handler.live is None
    assert out.rfind(SHOW_CURSOR) > out.rfind(HIDE_CURSOR) >= 0
    # its two lines were erased before the failure was printed in their place
    erased = out[out.rfind(SHOW_CURSOR):out.index('\u2717')]
    assert erased.count(CLEAR_LINE_ABOVE) == 2


def test_terminal_clears_the_area_before_others_print():
    """The area steps aside when colcon prints a job's start, then returns."""
    clock = Clock()
    handler = live_on_a_terminal(clock)
    assert handler.live is not None

    post(handler, JobStarted('calc_cli'), 'calc_cli')
    assert handler.live is None
    post(handler, TimerEvent())
    assert handler.live is not None and handler.live.is_started


def test_terminal_redirects_nothing():
    """Other handlers keep printing to the real stdout and stderr."""
    stdout, stderr = sys.stdout, sys.stderr
    handler = live_on_a_terminal(Clock())
    try:
        assert handler.live.is_started
        assert sys.stdout is stdout and sys.stderr is stderr
    finally:
        post(handler, EventReactorShutdown())
        sys.stdout, sys.stderr = stdout, stderr


def test_no_terminal_prints_a_status_line_now_and_then(capsys):
    """In a log: one line every interval of timer events, nothing between."""
    clock = Clock()
    handler = handler_for(clock)
    handler.interactive = False
    three_packages(handler, clock)
    post(handler, TimerEvent())
    clock.now += 20
    post(handler, TimerEvent())
    assert capsys.readouterr().out == ''

    clock.now += 5
    post(handler, TimerEvent())
    assert capsys.readouterr().out == (
        '[deb] 1/3 done, 1 cached, 0 failed, 1 running '
        '(calc_core: build), 30s elapsed\n')

    clock.now += 29
    post(handler, TimerEvent())
    assert capsys.readouterr().out == ''
    clock.now += 1
    post(handler, JobEnded('calc_core', 0), 'calc_core')
    post(handler, TimerEvent())
    post(handler, EventReactorShutdown())
    assert capsys.readouterr().out == (
        '[deb] 2/3 done, 1 cached, 0 failed, 0 running, 1m00s elapsed\n')


def test_no_terminal_interval_can_be_changed(capsys):
    """A shorter interval gives earlier lines."""
    clock = Clock()
    handler = handler_for(clock)
    handler.interactive = False
    handler.status_interval = 5
    three_packages(handler, clock)
    clock.now += 5
    post(handler, TimerEvent())
    assert capsys.readouterr().out.startswith('[deb] 1/3 done')


def test_status_line_lists_every_running_job():
    """Each running job with its phase, in the order of the workers."""
    clock = Clock()
    record = RunRecord(clock=clock)
    three_packages(record.fold, clock)
    record.fold((JobStarted('calc_cli'), FakeJob('calc_cli')))

    assert status_line(record, clock.now) == (
        '[deb] 1/3 done, 1 cached, 0 failed, 2 running '
        '(calc_core: build, calc_cli: starting), 5s elapsed')


def test_terminal_is_stdout_unless_console_direct(monkeypatch):
    """Decide live or not from stdout; console_direct's lines rule it out."""
    monkeypatch.setattr(
        sys, 'stdout', SimpleNamespace(isatty=lambda: True))
    handler = handler_for(Clock())
    handler.console = fake_terminal()
    post(handler, JobQueued('calc_core', {}), 'calc_core')
    assert handler.interactive is True

    handler = handler_for(Clock(), event_handlers=['console_direct+'])
    post(handler, JobQueued('calc_core', {}), 'calc_core')
    assert handler.interactive is False

    monkeypatch.setattr(
        sys, 'stdout', SimpleNamespace(isatty=lambda: False))
    handler = handler_for(Clock())
    post(handler, JobQueued('calc_core', {}), 'calc_core')
    assert handler.interactive is False


def test_other_verbs_are_left_alone(capsys):
    """The handler does nothing for other verbs: they have their output."""
    clock = Clock()
    handler = handler_for(clock)
    handler.context.args.verb_name = 'build'
    handler.interactive = False
    handler.status_interval = 0
    three_packages(handler, clock)
    clock.now += 60
    post(handler, TimerEvent())
    post(handler, EventReactorShutdown())

    assert capsys.readouterr().out == ''
    assert handler.record.packages == {}


def test_record_gives_the_lowest_free_slot():
    """Slots are reused, so that each is the track of one worker."""
    clock = Clock()
    record = RunRecord(clock=clock)
    for name in ('a', 'b', 'c', 'd'):
        record.fold((JobQueued(name, {}), FakeJob(name)))
    for name in ('a', 'b', 'c'):
        record.fold((JobStarted(name), FakeJob(name)))
    record.fold((JobEnded('a', 0), FakeJob('a')))
    record.fold((JobStarted('d'), FakeJob('d')))

    slots = {name: p.slot for name, p in record.packages.items()}
    assert slots == {'a': 1, 'b': 2, 'c': 3, 'd': 1}
    assert record.workers_seen == 3


def test_record_copes_with_missing_events():
    """Jobs seen first at their end or their skip still get a record."""
    clock = Clock()
    record = RunRecord(clock=clock)
    record.fold((JobEnded('late', 0), FakeJob('late')))
    record.fold((JobSkipped('never'), FakeJob('never')))
    record.fold((StdoutLine(b'no job\n'), None))
    record.fold((EventReactorShutdown(), None))

    assert record.packages['late'].status == 'succeeded'
    assert record.packages['late'].duration(clock.now) == 0
    assert record.packages['never'].status == 'skipped'
    assert record.packages['never'].reason == \
        'not built: the run ended before it'
    assert set(record.packages) == {'late', 'never'}


def test_record_keeps_clean_output_lines():
    """Colors and carriage returns do not reach the record."""
    clock = Clock()
    record = RunRecord(clock=clock)
    record.fold((StdoutLine(b'\x1b[1;31m' b'error\x1b[0m: x\r\n'),
                 FakeJob('a')))
    record.fold((StderrLine(b'Traceback:\n  File "x"\n\n'), FakeJob('a')))

    assert list(record.packages['a'].tail) == [
        'error: x', 'Traceback:', '  File "x"']
    assert record.packages['a'].last_line == '  File "x"'

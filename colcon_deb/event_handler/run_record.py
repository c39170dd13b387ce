# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A run of the `deb` verb folded from its events, for the event handlers.

The progress display, the metrics and the report files all need the same
picture of a run: which packages ran, how long each of their phases took,
what they published, why they were tried again or failed.  Each handler
folds the events it receives into its own RunRecord instead of deriving
that picture again; the handlers only differ in what they make of it.

Times are seconds since the epoch, like the timestamps of RunPhase, so
that the run's phases and the packages' phases share one clock.
"""

from collections import Counter
from collections import deque
from dataclasses import dataclass
import os
import re
import time

from colcon_core.event.job import JobEnded
from colcon_core.event.job import JobProgress
from colcon_core.event.job import JobQueued
from colcon_core.event.job import JobSkipped
from colcon_core.event.job import JobStarted
from colcon_core.event.output import StderrLine
from colcon_core.event.output import StdoutLine
from colcon_core.event_handler import EventHandlerExtensionPoint
from colcon_core.event_reactor import EventReactorShutdown
from colcon_core.location import create_log_path
from colcon_core.location import get_log_path
from colcon_core.plugin_system import satisfies_version
from colcon_core.subprocess import SIGINT_RESULT
from colcon_deb.atomic_file import write_atomically
from colcon_deb.event import DebPublished
from colcon_deb.event import EngineLost
from colcon_deb.event import PackageBuiltOn
from colcon_deb.event import PackageCached
from colcon_deb.event import PackageFailure
from colcon_deb.event import PackagePlatform
from colcon_deb.event import PackageRetry
from colcon_deb.event import RunEngines
from colcon_deb.event import RunPhase

QUEUED = 'queued'
RUNNING = 'running'
SUCCEEDED = 'succeeded'
CACHED = 'cached'
FAILED = 'failed'
SKIPPED = 'skipped'
# a package in one of these states needs no more work in this run
DONE = (SUCCEEDED, CACHED, FAILED, SKIPPED)
# a job of a package in one of these states ran to its end
ENDED = (SUCCEEDED, CACHED, FAILED)

# the output lines kept of each package: enough to show why it failed
TAIL_LINES = 20

# terminal escape sequences (colors, cursor moves, titles) and other
# control characters: they would garble the progress display and are not
# allowed in XML
ESCAPE_SEQUENCE = re.compile(
    r'\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])')
CONTROL_CHARACTER = re.compile(r'[\x00-\x08\x0b-\x1f\x7f]')


def is_deb_run(context):
    """
    Tell whether the events are those of a `deb` run.

    The handlers are registered for every verb; only the `deb` verb's runs
    are theirs.
    """
    args = getattr(context, 'args', None)
    return getattr(args, 'verb_name', None) == 'deb'


def clean_lines(line):
    """
    Split output into printable lines without escape sequences.

    Build tools color their output and draw progress with carriage
    returns; what is kept of it is shown in other places than a terminal.
    """
    if isinstance(line, bytes):
        line = line.decode('utf-8', errors='replace')
    line = ESCAPE_SEQUENCE.sub('', line).replace('\t', '    ')
    lines = (CONTROL_CHARACTER.sub('', part).rstrip()
             for part in line.splitlines())
    return [part for part in lines if part.strip()]


def short_duration(seconds):
    """Format a duration as compactly as a status line needs: 1m12s."""
    seconds = int(max(0, seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f'{hours}h{minutes:02d}m'
    if minutes:
        return f'{minutes}m{seconds:02d}s'
    return f'{seconds}s'


def write_report(context, name, data):
    """
    Write a report file of the run into colcon's log folder of the run.

    Reports are about the run, not part of the repository users publish:
    they sit beside colcon's own logs (`log/latest_deb/`).  With logging
    off (`--log-base /dev/null`) there are none.
    """
    if get_log_path() is None:
        return
    create_log_path(context.args.verb_name)
    write_atomically(get_log_path() / name, data)


@dataclass(frozen=True)
class Retry:
    """A retry of a package: its attempt, why, when the last one ended."""

    attempt: int
    reason: str
    time: float


class PackageRecord:
    """What happened to the job of one package."""

    def __init__(self, name):  # noqa: D107
        self.name = name
        self.status = QUEUED
        self.dependencies = ()
        self.cached = False
        self.started = None
        self.ended = None
        self.rc = None
        # [phase, start, end], end None while the phase lasts
        self.spans = []
        # a Retry each time the job tried again
        self.retries = []
        self.reason = None
        # (file name, size, whether of debug symbols) of each published
        # deb, the package's own first
        self.debs = []
        # the files its deb installs under /etc, when built in the run
        self.configuration = ()
        self.tail = deque((), TAIL_LINES)
        # the worker track the job ran on, 1 for the first
        self.slot = None
        # the Docker engine that built it
        self.engine = None
        # the platform it is built for (linux/arm64), and whether under
        # QEMU emulation
        self.platform = None
        self.emulated = False

    @property
    def phase(self):
        """Return the phase the job is in, None between phases."""
        if self.spans and self.spans[-1][2] is None:
            return self.spans[-1][0]
        return None

    @property
    def last_line(self):
        """Return the latest line of output, '' before the first."""
        return self.tail[-1] if self.tail else ''

    @property
    def size(self):
        """Return the size of the published debs in bytes."""
        return sum(size for _, size, _ in self.debs)

    @property
    def debug_symbol_size(self):
        """Return the size of the published debs of debug symbols."""
        return sum(size for _, size, debug in self.debs if debug)

    @property
    def deb(self):
        """Return the file name of the (first) published deb."""
        return self.debs[0][0] if self.debs else None

    def close_phase(self, now):
        """End the current phase: another began, or the attempt ended."""
        if self.phase is not None:
            self.spans[-1][2] = now

    def duration(self, until):
        """Return the wall time of the job, up to `until` if still running."""
        if self.started is None:
            return 0.0
        end = self.ended if self.ended is not None else until
        return max(0.0, end - self.started)

    def phase_spans(self, until):
        """Return (phase, start, end) of each phase, in order."""
        end = self.ended if self.ended is not None else until
        return [
            (name, start, stop if stop is not None else max(start, end))
            for name, start, stop in self.spans]

    def phase_durations(self, until):
        """
        Return the time spent in each phase, in the order they began.

        A phase that ran in several attempts counts the time of all; the
        waits before retries belong to no phase.
        """
        durations = {}
        for name, start, end in self.phase_spans(until):
            durations[name] = durations.get(name, 0.0) + (end - start)
        return durations


class RunRecord:
    """
    The packages of a run and the run's phases, folded from events.

    Events may be missing (a skipped job never started, a job may end
    without any phase): every fold copes with what came before it.
    """

    def __init__(self, clock=time.time):  # noqa: D107
        self.clock = clock
        self.created = clock()
        self.ended = None
        self.packages = {}
        # (name, start) of each phase of the run
        self.run_phases = []
        # the Docker engines of the run, as given
        self.engines = ()
        # engine -> why it was given up; and the packages that moved off
        self.lost_engines = {}
        self.moved = {}
        self.workers_seen = 0
        self._busy_slots = set()
        self._folds = {
            JobQueued: self._queued,
            JobStarted: self._started,
            JobProgress: self._progress,
            JobEnded: self._ended,
            JobSkipped: self._skipped,
            StdoutLine: self._output,
            StderrLine: self._output,
            RunPhase: self._run_phase,
            DebPublished: self._published,
            PackageFailure: self._failure,
            PackageRetry: self._retry,
            PackageCached: self._cached,
            RunEngines: self._engines,
            PackageBuiltOn: self._built_on,
            PackagePlatform: self._platform,
            EngineLost: self._engine_lost,
            EventReactorShutdown: self._shutdown,
        }

    def fold(self, event):
        """
        Fold one event into the record.

        :param event: the (data, job) tuple of colcon's event reactor
        :returns: the record of the package the event concerns, if any
        """
        data, job = event
        fold = self._folds.get(type(data))
        if fold is None:
            return None
        return fold(data, job, self.clock())

    def package(self, name):
        """Return the record of a package, created on its first event."""
        if name not in self.packages:
            self.packages[name] = PackageRecord(name)
        return self.packages[name]

    @property
    def start(self):
        """
        Return the start of the run: its first phase if it was told.

        Else the record's creation, just before the jobs' execution.
        """
        if self.run_phases:
            return min(start for _, start in self.run_phases)
        return self.created

    def end(self, now=None):
        """Return the end of the run, or `now` while it lasts."""
        if self.ended is not None:
            return self.ended
        return self.clock() if now is None else now

    def elapsed(self, now=None):
        """Return the wall time of the run so far."""
        return max(0.0, self.end(now) - self.start)

    def with_status(self, *statuses):
        """Return the packages in one of the states, in queue order."""
        return [p for p in self.packages.values() if p.status in statuses]

    def running(self):
        """Return the running packages by worker slot."""
        return sorted(
            self.with_status(RUNNING), key=lambda p: (p.slot or 0, p.name))

    def run_phase_spans(self, until=None):
        """Return (name, start, end) of each phase; the last ends the run."""
        starts = sorted(self.run_phases, key=lambda phase: phase[1])
        ends = [start for _, start in starts[1:]] + [self.end(until)]
        return [
            (name, start, max(start, end))
            for (name, start), end in zip(starts, ends)]

    def totals(self, now=None):
        """Return the counts and sums of the run."""
        counts = Counter(p.status for p in self.packages.values())
        return {
            'packages': len(self.packages),
            'done': sum(counts[status] for status in DONE),
            **{status: counts[status] for status in (
                SUCCEEDED, CACHED, FAILED, SKIPPED, RUNNING, QUEUED)},
            'retries': sum(len(p.retries) for p in self.packages.values()),
            'deb_bytes': sum(p.size for p in self.packages.values()),
            'debug_symbol_bytes': sum(
                p.debug_symbol_size for p in self.packages.values()),
            'duration': self.elapsed(now),
        }

    def time_left(self, now, workers=None):
        """
        Estimate the time until the last package ends.

        The packages still to build are assumed to take the mean time of
        those that ended, spread over the workers; without an ended package
        there is nothing to base an estimate on.

        :param workers: the number of jobs run in parallel, by default as
          many as ran at once so far
        :returns: seconds, or None
        """
        durations = [p.duration(now) for p in self.with_status(*ENDED)]
        if not durations:
            return None
        mean = sum(durations) / len(durations)
        waiting = len(self.with_status(QUEUED))
        running = self.running()
        work = mean * waiting + sum(
            max(0.0, mean - p.duration(now)) for p in running)
        lanes = min(workers or max(1, self.workers_seen),
                    waiting + len(running))
        return work / max(1, lanes)

    def _queued(self, data, job, now):
        package = self.package(data.identifier)
        package.dependencies = tuple(data.dependencies or ())
        return package

    def _started(self, data, job, now):
        package = self.package(data.identifier)
        self._start(package, now)
        return package

    def _start(self, package, now):
        package.status = RUNNING
        package.started = now
        package.ended = None
        if package.slot is None or package.slot not in self._busy_slots:
            package.slot = self._take_slot()

    def _take_slot(self):
        """Take the lowest free slot, so that slots are worker tracks."""
        slot = 1
        while slot in self._busy_slots:
            slot += 1
        self._busy_slots.add(slot)
        self.workers_seen = max(self.workers_seen, len(self._busy_slots))
        return slot

    def _progress(self, data, job, now):
        package = self.package(data.identifier)
        if package.status != RUNNING:
            self._start(package, now)
        package.close_phase(now)
        package.spans.append([str(data.progress), now, None])
        return package

    def _retry(self, data, job, now):
        package = self.package(data.identifier)
        # the wait before the next attempt belongs to no phase
        package.close_phase(now)
        package.retries.append(Retry(data.attempt, str(data.reason), now))
        return package

    def _failure(self, data, job, now):
        package = self.package(data.identifier)
        package.reason = str(data.reason)
        return package

    def _published(self, data, job, now):
        package = self.package(data.identifier)
        package.debs.append((
            os.path.basename(str(data.path)), data.size, data.debug_symbols))
        package.configuration += data.configuration
        return package

    def _cached(self, data, job, now):
        package = self.package(data.identifier)
        package.cached = True
        if package.status == QUEUED:
            # told without a job that ran: it took no time
            package.status = CACHED
            package.started = package.ended = now
        return package

    def _output(self, data, job, now):
        name = getattr(job, 'identifier', None)
        if name is None:
            return None
        package = self.package(name)
        package.tail.extend(clean_lines(data.line))
        return package

    def _ended(self, data, job, now):
        package = self.package(data.identifier)
        package.close_phase(now)
        if package.started is None:
            package.started = now
        package.ended = now
        package.rc = data.rc
        self._busy_slots.discard(package.slot)
        if not data.rc:
            package.status = CACHED if package.cached else SUCCEEDED
            return package
        package.status = FAILED
        if package.reason is None:
            package.reason = 'interrupted' if data.rc == SIGINT_RESULT \
                else f'its job ended with {data.rc}'
        return package

    def _skipped(self, data, job, now):
        package = self.package(data.identifier)
        package.status = SKIPPED
        # when it was given up; it never started
        package.ended = now
        if package.reason is None:
            package.reason = self._skip_reason(package)
        return package

    def _skip_reason(self, package):
        """Name the dependencies that kept a package from being built."""
        blocking = [
            f'{name} ({self.packages[name].status})'
            for name in package.dependencies
            if name in self.packages and
            self.packages[name].status in (FAILED, SKIPPED)]
        if blocking:
            return 'depends on ' + ', '.join(blocking)
        return 'not built: the run ended before it'

    def _engines(self, data, job, now):
        self.engines = data.names

    def _built_on(self, data, job, now):
        package = self.package(data.identifier)
        package.engine = data.engine
        return package

    def _platform(self, data, job, now):
        package = self.package(data.identifier)
        package.platform = data.platform
        package.emulated = data.emulated
        return package

    def _engine_lost(self, data, job, now):
        self.lost_engines.setdefault(data.engine, data.reason)
        self.moved.setdefault(data.engine, []).append(data.identifier)
        return self.package(data.identifier)

    def _run_phase(self, data, job, now):
        self.run_phases.append((str(data.name), data.timestamp))

    def _shutdown(self, data, job, now):
        self.ended = now


class RecordingEventHandler(EventHandlerExtensionPoint):
    """
    A handler that folds a deb run's events and acts when the run ends.

    Subclasses implement `at_end()`; `self.record` holds the run.

    The extension handles events of the following types:
    - :py:class:`colcon_core.event_reactor.EventReactorShutdown`
    - the events folded by :py:class:`RunRecord`
    """

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(
            EventHandlerExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')
        self.record = RunRecord()
        self._record_context = None

    def __call__(self, event):  # noqa: D102
        if not is_deb_run(self.context):
            return
        if self._record_context is not self.context:
            # colcon keeps one instance of a handler per process: another
            # run in the same process starts a record of its own
            if self._record_context is not None:
                self.record = RunRecord()
            self._record_context = self.context
        self.record.fold(event)
        if isinstance(event[0], EventReactorShutdown):
            self.at_end()

    def at_end(self):
        """Report the run: print it or write a file."""
        raise NotImplementedError()

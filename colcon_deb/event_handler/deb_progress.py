# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The progress of a `deb` run: how far it is and what each worker does.

On a terminal a live area at the bottom shows a bar of the packages done
and one line per running package; a line for each package that ended is
printed above it.  Anywhere else (a CI log) a status line every
STATUS_INTERVAL seconds tells the same in one line.

colcon's own handlers print when a job starts or ends; the live area is
cleared before they do (this handler comes before them) and drawn again
below their lines with the next timer event, so nothing is redirected.
"""

import sys

from colcon_core.event.job import JobEnded
from colcon_core.event.job import JobSkipped
from colcon_core.event.job import JobStarted
from colcon_core.event.timer import TimerEvent
from colcon_core.event_handler import EventHandlerExtensionPoint
from colcon_core.event_reactor import EventReactorShutdown
from colcon_core.plugin_system import satisfies_version
from colcon_deb.event_handler.run_record import CACHED
from colcon_deb.event_handler.run_record import FAILED
from colcon_deb.event_handler.run_record import is_deb_run
from colcon_deb.event_handler.run_record import QUEUED
from colcon_deb.event_handler.run_record import RUNNING
from colcon_deb.event_handler.run_record import RunRecord
from colcon_deb.event_handler.run_record import short_duration
from colcon_deb.event_handler.run_record import SUCCEEDED
from rich.console import Console
from rich.console import Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

# the widest the bar of the packages done gets
BAR_WIDTH = 30
# the longest piece of an output line worth keeping for a line on screen
LINE_LIMIT = 300
# how a package ended, as a mark and its style; the second mark is for
# terminals that cannot show the first
MARKS = {
    SUCCEEDED: ('\u2713', '+', 'green'),
    CACHED: ('\u2713', '+', 'green'),
    FAILED: ('\u2717', 'x', 'red'),
}
SKIPPED_MARK = ('-', '-', 'yellow')


class DebProgressEventHandler(EventHandlerExtensionPoint):
    """
    Show the progress of a deb run, live on a terminal.

    The extension handles events of the following types:
    - :py:class:`colcon_core.event.timer.TimerEvent`
    - :py:class:`colcon_core.event.job.JobStarted`
    - :py:class:`colcon_core.event.job.JobEnded`
    - :py:class:`colcon_core.event.job.JobSkipped`
    - :py:class:`colcon_core.event_reactor.EventReactorShutdown`
    - the events folded by
      :py:class:`colcon_deb.event_handler.run_record.RunRecord`
    """

    # above every handler that prints when a job starts or ends (the
    # highest, console_cohesion, has 130): the live area is cleared first
    PRIORITY = 140

    # seconds between two status lines when stdout is no terminal
    STATUS_INTERVAL = 30.0
    # seconds between two redraws of the live area
    REFRESH_INTERVAL = 0.25

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(
            EventHandlerExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')
        self.record = RunRecord()
        # a rich Console; one on stdout unless set
        self.console = None
        # whether to draw a live area; decided on the first event unless set
        self.interactive = None
        self.status_interval = self.STATUS_INTERVAL
        # the rich Live drawing the area, None while there is none
        self.live = None
        self._last_output = None

    def __call__(self, event):  # noqa: D102
        if not is_deb_run(self.context):
            return
        data = event[0]
        if self.interactive is None:
            self.interactive = self._on_terminal()
        if self.interactive and others_print_after(data):
            self._stop_live()

        package = self.record.fold(event)
        now = self.record.clock()
        if self._last_output is None:
            self._last_output = now

        if isinstance(data, TimerEvent):
            self._tick(now)
        elif isinstance(data, (JobEnded, JobSkipped)) and self.interactive:
            console = self._console()
            console.print(mark_line(
                package, now, ascii_only=console.options.ascii_only))
        elif isinstance(data, EventReactorShutdown):
            self._stop_live()

    def _on_terminal(self):
        """
        Tell whether a live area can be drawn.

        With console_direct each output line is printed as it comes: a
        live area could not stay in place below them.
        """
        switches = getattr(self.context.args, 'event_handlers', None) or []
        return sys.stdout.isatty() and 'console_direct+' not in switches

    def _console(self):
        if self.console is None:
            self.console = Console(highlight=False)
        return self.console

    def _tick(self, now):
        if self.interactive:
            if self.live is None or \
                    now - self._last_output >= self.REFRESH_INTERVAL:
                self._draw(now)
        elif now - self._last_output >= self.status_interval:
            self._last_output = now
            print(status_line(self.record, now), flush=True)

    def _draw(self, now):
        if not self.record.with_status(QUEUED, RUNNING) or \
                self.record.ended is not None:
            self._stop_live()
            return
        if self.live is None:
            self.live = Live(
                console=self._console(), auto_refresh=False, transient=True,
                redirect_stdout=False, redirect_stderr=False)
            self.live.start()
        self._last_output = now
        self.live.update(
            render_progress(self.record, now, self._workers()), refresh=True)

    def _stop_live(self):
        """Clear the live area, e.g. for the lines other handlers print."""
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _workers(self):
        """Return the number of parallel jobs, None if unlimited."""
        return getattr(self.context.args, 'parallel_workers', None) or None


def others_print_after(data):
    """
    Tell whether other handlers print to the console after the event.

    colcon prints a line when a job starts or ends and the stderr of a job
    when it ends; the parallel executor's status comes by its class name,
    as its package may be missing.
    """
    return isinstance(data, (JobStarted, JobEnded, EventReactorShutdown)) \
        or type(data).__name__ == 'ParallelStatus'


def activity(package):
    """
    Return what a running package does: its phase or its wait.

    Under QEMU emulation, which takes several times as long, it says so.
    """
    if package.phase is not None:
        doing = package.phase
    else:
        doing = 'retrying' if package.retries else 'starting'
    return f'{doing} (emulated)' if package.emulated else doing


def render_progress(record, now, workers=None):
    """
    Render the live area: the bar of the run and its running packages.

    A pure function of the record, so that it can be rendered anywhere.

    :param now: the time to measure the durations up to
    :param workers: the number of parallel jobs, for the estimate
    :returns: what a rich Console can print
    """
    return Group(overall_bar(record, now, workers), running_lines(record, now))


def overall_bar(record, now, workers=None):
    """Render the bar of the packages done, with counts and times."""
    totals = record.totals(now)
    summary = Text(f"{totals['done']}/{totals['packages']} done, ")
    summary.append(f"{totals['cached']} cached, ")
    summary.append(
        f"{totals['failed']} failed",
        style='bold red' if totals['failed'] else None)
    summary.append(f', {short_duration(record.elapsed(now))} elapsed')
    left = record.time_left(now, workers)
    # under a second is noise, or jobs that take longer than the others
    if left is not None and left >= 1:
        summary.append(f', about {short_duration(left)} left')
    # on a narrow terminal the bar shrinks first: its column may wrap
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(min_width=5)
    grid.add_column(no_wrap=True, overflow='ellipsis')
    grid.add_row(
        Text('deb', style='bold'),
        ProgressBar(
            total=max(1, totals['packages']), completed=totals['done'],
            width=BAR_WIDTH),
        summary)
    return grid


def running_lines(record, now):
    """Render one line per running package: phase, time, latest output."""
    # the output takes what the other columns leave, and is cut to it
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, style='bold')
    grid.add_column(no_wrap=True, style='cyan')
    grid.add_column(no_wrap=True, justify='right')
    grid.add_column(no_wrap=True, overflow='ellipsis', style='dim', ratio=1)
    for package in record.running():
        grid.add_row(
            package.name, activity(package),
            short_duration(package.duration(now)),
            Text(package.last_line[:LINE_LIMIT]))
    return grid


def mark_line(package, now, *, ascii_only=False):
    """Render the line telling how a package ended."""
    mark, ascii_mark, style = MARKS.get(package.status, SKIPPED_MARK)
    line = Text()
    line.append(ascii_mark if ascii_only else mark, style=style)
    line.append(f' {package.name}', style='bold')
    details = []
    if package.status == CACHED:
        details.append('cached')
    elif package.status == SUCCEEDED:
        details.append(short_duration(package.duration(now)))
        if package.emulated:
            details.append('emulated')
    elif package.status == FAILED:
        line.append(f' failed: {package.reason}', style=style)
        details.append(short_duration(package.duration(now)))
    else:
        line.append(f' skipped: {package.reason}', style=style)
    if package.retries:
        count = len(package.retries)
        details.append(f"{count} {'retry' if count == 1 else 'retries'}")
    if details:
        line.append(f" ({', '.join(details)})")
    return line


def status_line(record, now):
    """
    Return the status line for logs: counts, running jobs, time.

    For example `[deb] 3/10 done, 1 cached, 0 failed, 2 running
    (calc_core: build, calc_py: package), 1m12s elapsed`.
    """
    totals = record.totals(now)
    line = (
        f"[deb] {totals['done']}/{totals['packages']} done, "
        f"{totals['cached']} cached, {totals['failed']} failed, "
        f"{totals['running']} running")
    running = record.running()
    if running:
        line += ' (' + ', '.join(
            f'{package.name}: {activity(package)}'
            for package in running) + ')'
    return line + f', {short_duration(record.elapsed(now))} elapsed'

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The timeline of a `deb` run: `log/latest_deb/trace.json`.

Written when the run ends, in Chrome's trace event format, to be opened in
https://ui.perfetto.dev or chrome://tracing: it shows which package kept
the workers waiting and which phase took the time.

    {"traceEvents": [...], "displayTimeUnit": "ms"}

All events have `pid` 1; `ts` and `dur` are microseconds after the start
of the run.  The tracks (`tid`):

- 0, named `run`: a complete event (`"ph": "X"`, `"cat": "run"`) for each
  phase of the run (discovering, planning, resolving dependencies,
  building), and an instant event (`"ph": "i"`, `"cat": "package"`) for
  each package whose job never ran (skipped, or left when the run ended);
- 1 to N, named `worker 1` to `worker N`: a job takes the lowest free
  track when it starts, so a track is what one worker did.  Each job is a
  complete event named after its package (`"cat": "package"`, `args`:
  status, cached, deb, retries, error) enclosing a complete event per
  phase named after the phase (`"cat": "phase"`); a retry is an instant
  event named `retry` (`args`: attempt, reason).

Metadata events (`"ph": "M"`) name the process and the tracks
(`thread_name`) and keep the tracks in order (`thread_sort_index`).
"""

import json

from colcon_deb.event_handler.run_record import RecordingEventHandler
from colcon_deb.event_handler.run_record import write_report

TRACE_NAME = 'trace.json'
PID = 1
RUN_TRACK = 0


class DebTraceEventHandler(RecordingEventHandler):
    """Write trace.json, the timeline of the workers, when a deb run ends."""

    def at_end(self):  # noqa: D102
        write_report(
            self.context, TRACE_NAME,
            json.dumps(make_trace(self.record)) + '\n')


def make_trace(record):
    """Return the trace of an ended run as data for JSON."""
    clock = TraceClock(record.start)
    end = record.end()
    events = []
    for name, start, stop in record.run_phase_spans(end):
        events.append(
            complete(name, 'run', RUN_TRACK, clock, start, stop))
    for package in record.packages.values():
        if package.slot is None:
            events.append(without_worker(package, clock, end))
        else:
            events += job_events(package, clock, end)
    workers = max(
        [package.slot or 0 for package in record.packages.values()] + [0])
    return {
        'traceEvents': track_names(workers) + events,
        'displayTimeUnit': 'ms',
    }


class TraceClock:
    """Turn times into the microseconds after the run's start."""

    def __init__(self, start):  # noqa: D107
        self.start = start

    def __call__(self, time):
        """Return the microseconds from the start to a time."""
        return max(0, round((time - self.start) * 1e6))


def complete(name, category, track, clock, start, end, args=None):
    """Return a complete event: a slice of a track."""
    event = {
        'name': name, 'cat': category, 'ph': 'X', 'ts': clock(start),
        'dur': max(0, clock(end) - clock(start)), 'pid': PID, 'tid': track}
    if args:
        event['args'] = args
    return event


def instant(name, category, track, clock, time, args):
    """Return an instant event: a mark on a track."""
    return {
        'name': name, 'cat': category, 'ph': 'i', 's': 't',
        'ts': clock(time), 'pid': PID, 'tid': track, 'args': args}


def job_events(package, clock, end):
    """Return the slice of a job, the slices of its phases, its retries."""
    track = package.slot
    args = {
        'status': package.status, 'cached': package.cached,
        'deb': package.deb, 'retries': len(package.retries),
        'error': package.reason}
    stop = package.started + package.duration(end)
    events = [complete(
        package.name, 'package', track, clock, package.started, stop, args)]
    for name, start, phase_end in package.phase_spans(end):
        events.append(complete(
            name, 'phase', track, clock, start, phase_end,
            {'package': package.name}))
    for retry in package.retries:
        events.append(instant(
            'retry', 'retry', track, clock, retry.time,
            {'package': package.name, 'attempt': retry.attempt,
             'reason': retry.reason}))
    return events


def without_worker(package, clock, end):
    """Return the mark of a package whose job did not run."""
    time = package.ended if package.ended is not None else end
    return instant(
        package.name, 'package', RUN_TRACK, clock, time,
        {'status': package.status, 'error': package.reason})


def track_names(workers):
    """Return the metadata naming the process and the tracks, in order."""
    names = [(RUN_TRACK, 'run')] + [
        (track, f'worker {track}') for track in range(1, workers + 1)]
    events = [{
        'name': 'process_name', 'ph': 'M', 'pid': PID, 'tid': RUN_TRACK,
        'args': {'name': 'colcon deb'}}]
    for track, name in names:
        events.append({
            'name': 'thread_name', 'ph': 'M', 'pid': PID, 'tid': track,
            'args': {'name': name}})
        events.append({
            'name': 'thread_sort_index', 'ph': 'M', 'pid': PID,
            'tid': track, 'args': {'sort_index': track}})
    return events

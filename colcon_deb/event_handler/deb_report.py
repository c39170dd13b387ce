# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The report of a `deb` run: `log/latest_deb/report.json`.

Written when the run ends, for scripts and CI that want more than the
exit code: what each package became, how long each step took, what was
tried again.  The file is replaced as a whole, never half written.

The format (version 1); times are seconds, rounded to milliseconds::

    {
      "version": 1,
      "run": {
        "started": "2026-01-31T12:00:00.000Z",  # UTC, ISO 8601
        "duration": 312.5,                      # wall time of the run
        "phases": {"discovering": 0.4, "planning": 0.1,
                   "resolving dependencies": 20.3, "building": 291.7}
      },
      "configuration": {                        # the options of the run,
        "ros_distro": "jazzy",                  # as given (null: the
        "base_image": null,                     # default); those that
        "retries": 1, ...                       # are missing are left out
      },
      "totals": {
        "packages": 10, "done": 10, "succeeded": 7, "cached": 1,
        "failed": 1, "skipped": 1, "running": 0, "queued": 0,
        "retries": 2, "deb_bytes": 1234567,   # all published debs,
        "debug_symbol_bytes": 234567          # of which debug symbols
      },
      "packages": [                             # in the order queued
        {
          "name": "calc_core",
          "status": "succeeded",    # or cached, failed, skipped; running or
                                    # queued if the run ended before it did
          "cached": false,          # it reused a cached deb
          "start": 21.0,            # after the run's start; null: never ran
          "duration": 95.2,         # wall time of its job
          "phases": {"dependencies": 10.1, "build": 70.3,
                     "package": 12.0, "publish": 0.4},
          "worker": 1,              # the worker slot it ran in
          "platform": "linux/arm64",  # what it was built for
          "engine": "unix:///var/run/docker.sock",  # where; null: cached
          "emulated": true,         # under QEMU: several times slower
          "deb": "ros-jazzy-calc-core_1.0.0-0noble_amd64.deb",
          "size": 123456,           # bytes of all its debs
          "debs": [                 # its own, then its debug symbols'
            {"file": "ros-jazzy-calc-core_...deb", "size": 23456,
             "debug_symbols": false},
            {"file": "ros-jazzy-calc-core-dbgsym_...deb", "size": 100000,
             "debug_symbols": true}],
          "retries": {"count": 1, "reasons": ["timed out after 600 s"]},
          "error": null             # why it failed or was skipped
        }
      ]
    }

A package's phases add up to at most its duration: the start of its job
and the waits before retries belong to no phase.
"""

from datetime import datetime
from datetime import timezone
import json

from colcon_deb.event_handler.run_record import RecordingEventHandler
from colcon_deb.event_handler.run_record import write_report

REPORT_NAME = 'report.json'
FORMAT_VERSION = 1
# the options of the deb verb (and the executor) that shaped the debs
CONFIGURATION_KEYS = (
    'ros_distro', 'base_image', 'install_prefix', 'deb_revision',
    'parallel_workers', 'retries', 'package_timeout', 'memory', 'cpus',
    'cmake_args', 'run_tests', 'continue_on_error', 'platform')


class DebReportEventHandler(RecordingEventHandler):
    """Write report.json into the log folder when a deb run ends."""

    def at_end(self):  # noqa: D102
        report = make_report(self.record, self.context.args)
        write_report(
            self.context, REPORT_NAME,
            json.dumps(report, indent=2) + '\n')


def make_report(record, args):
    """Return the report of an ended run as data for JSON."""
    end = record.end()
    totals = record.totals(end)
    duration = totals.pop('duration')
    started = datetime.fromtimestamp(record.start, tz=timezone.utc)
    return {
        'version': FORMAT_VERSION,
        'run': {
            'started': started.isoformat(timespec='milliseconds')
            .replace('+00:00', 'Z'),
            'duration': seconds(duration),
            'phases': {
                name: seconds(stop - start)
                for name, start, stop in record.run_phase_spans(end)},
        },
        'configuration': configuration(args),
        'totals': totals,
        'packages': [
            package_report(package, record.start, end)
            for package in record.packages.values()],
    }


def package_report(package, run_start, end):
    """Return the report of one package."""
    return {
        'name': package.name,
        'status': package.status,
        'cached': package.cached,
        'start': None if package.started is None
        else seconds(package.started - run_start),
        'duration': seconds(package.duration(end)),
        'phases': {
            name: seconds(duration)
            for name, duration in package.phase_durations(end).items()},
        'worker': package.slot,
        'platform': package.platform,
        'engine': package.engine,
        'emulated': package.emulated,
        'deb': package.deb,
        'size': package.size,
        'debs': [
            {'file': name, 'size': size, 'debug_symbols': debug}
            for name, size, debug in package.debs],
        'retries': {
            'count': len(package.retries),
            'reasons': [retry.reason for retry in package.retries]},
        'error': package.reason,
    }


def configuration(args):
    """
    Return the options of the run that JSON can hold.

    Options another verb or an older colcon-deb lacks are left out rather
    than reported as null, which means "the default".
    """
    options = {}
    for key in CONFIGURATION_KEYS:
        if not hasattr(args, key):
            continue
        value = getattr(args, key)
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        options[key] = value
    if options.get('cmake_args'):
        options['cmake_args'] = [
            hide_value(arg) for arg in options['cmake_args']]
    return options


def hide_value(argument):
    """
    Keep the name of a `NAME=value` argument, not its value.

    The report is published with the debs, and values given to CMake can
    be secrets (tokens, passwords of package mirrors).
    """
    name, sep, _ = argument.partition('=')
    return f'{name}=<hidden>' if sep else argument


def seconds(value):
    """Round a duration to milliseconds: finer is noise."""
    return round(value, 3)

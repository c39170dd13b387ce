# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The figures of a `deb` run, printed when it ends."""

from colcon_core.event_handler import format_duration
from colcon_core.output_style import Style
from colcon_deb.event_handler.run_record import ENDED
from colcon_deb.event_handler.run_record import FAILED
from colcon_deb.event_handler.run_record import RecordingEventHandler


class DebMetricsEventHandler(RecordingEventHandler):
    """Print the times, sizes, cache hits and failures of a deb run."""

    def at_end(self):  # noqa: D102
        print('\n'.join(metrics_lines(self.record)), flush=True)


def metrics_lines(record):
    """
    Return the lines of the metrics block of an ended run.

    Package times count the packages whose job ran to its end; the cache
    hit rate is the share of them that reused a cached deb.
    """
    totals = record.totals()
    ended = record.with_status(*ENDED)
    lines = [
        Style.Strong('Metrics:') +
        f' {format_duration(totals["duration"])} in total',
        f"  packages: {totals['packages']} ({totals['succeeded']} built, "
        f"{totals['cached']} cached, {totals['failed']} failed, "
        f"{totals['skipped']} skipped)",
    ]
    if ended:
        end = record.end()
        durations = {p.name: p.duration(end) for p in ended}
        slowest = max(durations, key=lambda name: (durations[name], name))
        average = sum(durations.values()) / len(durations)
        lines.append(
            f'  package time: {format_duration(average)} on average, '
            f'slowest {slowest} ({format_duration(durations[slowest])})')
        lines.append(
            f"  cache hits: {totals['cached']} of {len(ended)} "
            f"({100 * totals['cached'] / len(ended):.0f}%)")
    debug = totals['debug_symbol_bytes']
    lines.append(
        f"  published debs: {totals['deb_bytes'] / 1e6:.1f} MB" +
        (f', of which debug symbols {debug / 1e6:.1f} MB' if debug else ''))
    lines.append(f"  retries: {totals['retries']}")
    failed = sorted(p.name for p in record.with_status(FAILED))
    names = f" ({', '.join(failed)})" if failed else ''
    lines.append(f'  failures: {len(failed)}{names}')
    return lines

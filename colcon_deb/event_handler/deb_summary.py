# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""What became of each package and engine of a `deb` run, at its end."""

from colcon_deb.event_handler.run_record import FAILED
from colcon_deb.event_handler.run_record import RecordingEventHandler
from colcon_deb.repository import Repository
from colcon_deb.settings import deb_base_of


class DebSummaryEventHandler(RecordingEventHandler):
    """
    Print the summary of a deb run, and the APT line of its repository.

    It comes after colcon's own summary (priority 50), as the last lines
    of the run.
    """

    PRIORITY = 40

    def at_end(self):  # noqa: D102
        args = self.context.args
        repository = Repository(deb_base_of(args))
        # the repository is signed after the jobs, when the run ends
        signed = bool(getattr(args, 'sign_key', None))
        lines = summary_lines(self.record) + [
            f'APT source: {repository.apt_source_line(signed)}']
        print('\n'.join(lines), flush=True)


def summary_lines(record):
    """
    Say where packages were built, what was cached, retried or failed.

    The engines are named when there were several or one was lost.
    """
    lines = engine_lines(record)
    cached = sorted(p.name for p in record.packages.values() if p.cached)
    if cached:
        lines.append(f'Cached, not built again: {", ".join(cached)}')
    for package in sorted(record.packages.values(), key=lambda p: p.name):
        if package.configuration:
            lines.append(
                f'Configuration of {package.name}, outside the prefix: '
                + ', '.join(package.configuration))
        if package.retries:
            lines.append(f'Retried {package.name}: ' + '; '.join(
                retry.reason for retry in package.retries))
    failed = sorted(
        p.name for p in record.packages.values() if p.status == FAILED)
    for name in failed:
        lines.append(f'Failed {name}: {record.packages[name].reason}')
    for package in record.packages.values():
        blocking = sorted(set(package.dependencies) & set(failed))
        if blocking:
            lines.append(
                f"Skipped {package.name}: depends on {', '.join(blocking)}, "
                'which failed')
    return lines


def engine_lines(record):
    """
    Say what each engine did, when there was more than one.

    With several platforms, or one under emulation, for which platform
    each built which packages, and whether under QEMU.
    """
    lines = []
    platforms = {p.platform for p in record.packages.values()} - {None}
    emulated = any(p.emulated for p in record.packages.values())
    if len(platforms) > 1 or emulated:
        built = {}
        for package in record.packages.values():
            if package.engine:
                built.setdefault((
                    package.platform, package.engine, package.emulated),
                    []).append(package.name)
        for (platform, engine, emulated), names in sorted(built.items()):
            lines.append(
                f'Built for {platform} on {engine}'
                + (' under QEMU emulation' if emulated else '')
                + f": {len(names)} package(s) ({', '.join(sorted(names))})")
    elif len(record.engines) > 1:
        for engine in record.engines:
            built = sorted(
                p.name for p in record.packages.values()
                if p.engine == engine)
            lines.append(
                f'Built on {engine}: {len(built)} package(s)' +
                (f" ({', '.join(built)})" if built else ''))
    for engine, reason in record.lost_engines.items():
        moved = sorted(record.moved[engine])
        lines.append(
            f'Lost Docker engine {engine}: it stopped answering '
            f'({reason}) and took no more work, and '
            f"{', '.join(moved)} moved to another engine")
    return lines

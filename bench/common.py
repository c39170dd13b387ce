# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""What the benchmarks share: the colcon deb command and timed commands."""

import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time

# the tests' folder: the benchmarks use its rules and workspaces, whose
# modules (deep_workspace) are importable once this module is imported
TESTS = Path(__file__).resolve().parents[1] / 'test'
sys.path.append(str(TESTS))
# the rules of the system keys the benchmarks use
ROSDEP_RULES = TESTS / 'rosdep'
DISTRO = 'noetic'
BASE_IMAGE = 'debian:bookworm'
# the last run's report, in colcon's log folder of the workspace
REPORT = Path('log') / 'latest_deb' / 'report.json'


def colcon_deb_command(workers, base_image=BASE_IMAGE, cache='cache'):
    """
    Return the colcon deb command of the benchmarks (rosdep offline).

    Its cache is the benchmark's own, in the workspace: cold stays cold.
    """
    command = [
        'colcon', 'deb', '--ros-distro', DISTRO, '--base-image', base_image,
        '--parallel-workers', str(workers), '--event-handlers',
        'deb_progress-', '--cache-dir', cache]
    return command + ['--rosdep-source', str(ROSDEP_RULES / 'system.yaml')]


def run(cmd, cwd):
    """Run a command; stop the benchmark if it fails."""
    completed = subprocess.run(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    if completed.returncode:
        sys.exit(f"'{' '.join(cmd[:2])}' failed:\n{completed.stdout[-3000:]}")
    return completed


def timed(cmd, cwd):
    """Return how many seconds a command took."""
    return timed_with_peak_memory(cmd, cwd)[0]


def timed_with_peak_memory(cmd, cwd):
    """
    Return how many seconds a command took and its peak memory in MiB.

    The peak is the largest resident set of the command's process and of
    the processes it waited for, as the kernel counts it (wait4).
    """
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            cmd, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        if os.waitstatus_to_exitcode(status):
            output.seek(0)
            text = output.read().decode(errors='replace')
            sys.exit(f"'{' '.join(cmd[:2])}' failed:\n{text[-3000:]}")
    return seconds, usage.ru_maxrss / 1024

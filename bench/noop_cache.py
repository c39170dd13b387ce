#!/usr/bin/env python3
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Time a no-op `colcon deb` on a generated workspace next to `colcon list`.

A no-op run (nothing changed since the last run) must cost little more
than colcon's own discovery: the target is within 3 s of `colcon list`.
Both are timed in the same run of this script, on the same workspace, and
compared; the machine's noise is in both.  The peak memory of the no-op
run's process is printed too.

Usage: bench/noop_cache.py [--packages 100] [--repeat 3] [--keep DIR]
Needs: Docker with the base image (default debian:bookworm), colcon-deb,
and `colcon list` (pip install colcon-package-information).
"""

import argparse
import json
from pathlib import Path
import shutil
import statistics
import sys
import tempfile
import time

from common import colcon_deb_command
from common import REPORT
from common import run
from common import timed
from common import timed_with_peak_memory
from deep_workspace import write_manifest

# the run phase of rosdep and the cache keys, from the run's report.json
RESOLVING_DEPENDENCIES = 'resolving dependencies'


def main():
    """Generate, fill the cache once, then time both commands."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument('--packages', type=int, default=100)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--base-image', default='debian:bookworm')
    parser.add_argument('--keep', metavar='DIR', help='keep the workspace')
    args = parser.parse_args()

    workspace = Path(args.keep or tempfile.mkdtemp(prefix='noop-bench-'))
    generate_workspace(workspace, args.packages)
    deb = colcon_deb_command(2, args.base_image)

    started = time.monotonic()
    run(deb, workspace)
    cold = time.monotonic() - started
    report = json.loads((workspace / REPORT).read_text())
    resolving = report['run']['phases'].get(RESOLVING_DEPENDENCIES, 0)
    noop, peaks = zip(*(
        timed_with_peak_memory(deb, workspace) for _ in range(args.repeat)))
    listing = [timed(['colcon', 'list'], workspace)
               for _ in range(args.repeat)]

    deb_time, list_time = statistics.median(noop), statistics.median(listing)
    print(f'{args.packages} packages, median of {args.repeat} runs each')
    print('| measurement | value |')
    print('|---|---|')
    print(f'| cold colcon deb (fills the cache) | {cold:.1f} s |')
    print(f'| its phase "{RESOLVING_DEPENDENCIES}" | {resolving:.2f} s |')
    print(f'| no-op colcon deb | {deb_time:.2f} s |')
    print(f'| its peak memory | {max(peaks):.0f} MiB |')
    print(f'| colcon list | {list_time:.2f} s |')
    print(f'| difference | {deb_time - list_time:.2f} s |')
    print(f'| ratio no-op / list | {deb_time / list_time:.2f} |')
    target = deb_time - list_time <= 3
    print(f'target (within 3 s of colcon list): '
          f"{'met' if target else 'NOT met'}")
    if not args.keep:
        shutil.rmtree(workspace, ignore_errors=True)
    return 0


def generate_workspace(root, count):
    """
    Generate `count` small CMake packages with a package.xml.

    Package i depends on i - 1 and, every 5th, on i // 2 too: chains with
    diamonds, as real workspaces have.
    """
    for index in range(count):
        name = f'bench_{index:03d}'
        depends = []
        if index:
            depends.append(f'bench_{index - 1:03d}')
        if index % 5 == 0 and index > 1:
            depends.append(f'bench_{index // 2:03d}')
        folder = root / name
        write_manifest(folder, name, depends)
        (folder / 'CMakeLists.txt').write_text(
            f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n'
            f'install(FILES package.xml DESTINATION share/{name})\n')


if __name__ == '__main__':
    sys.exit(main())

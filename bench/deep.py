#!/usr/bin/env python3
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Measure colcon deb on a deep workspace, where late packages need most debs.

The workspace of the deep-workspace test (test/deep_workspace.py): package
i depends on i - 1 and on i - 3, so the last package's workspace dependency
closure is the whole workspace; each builds a small C++ library linked to
those of its dependencies and an executable.  In one run of this script,
on this machine:
(a) `colcon build` of the workspace in one builder container (the floor);
(c) `colcon deb` cold; (d) again with nothing changed, next to
    `colcon list`.
From the report of (c) it takes each package's time outside its build
phase (containers, dependencies, packaging, publishing) and compares the
mean of the last 20 packages with that of the first 20: what a package
costs must not grow with its closure.  Targets: last / first <= 2 and
c / a <= 3 at 150 packages; d within 3 s of `colcon list`.

Usage: bench/deep.py [--packages 150] [--workers 2] [--keep DIR]
"""

import argparse
import json
from pathlib import Path
import shutil
import statistics
import sys
import tempfile

from common import colcon_deb_command
from common import REPORT
from common import timed
from compare import builder_image
from compare import floor
from deep_workspace import generate_workspace
import docker

# each package's own phase that is not colcon deb's cost
BUILD_PHASE = 'build'
EDGE = 20


def main():
    """Generate the workspace, measure (a), (c) and (d), print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument('--packages', type=int, default=150)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--keep', metavar='DIR', help='keep the workspace')
    args = parser.parse_args()

    root = Path(args.keep or tempfile.mkdtemp(prefix='deep-bench-'))
    workspace = root / 'ws'
    names = generate_workspace(workspace, args.packages)
    image = builder_image()
    built, _ = floor(docker.from_env(), image, workspace, args.workers)
    deb = colcon_deb_command(args.workers)
    cold = timed(deb, workspace)
    first, last = edge_overheads(
        workspace / REPORT, names, EDGE)
    noop = timed(deb, workspace)
    listing = timed(['colcon', 'list'], workspace)

    rows = [
        ('(a) colcon build in one container (floor)', f'{built:.1f} s'),
        ('(c) colcon deb, cold', f'{cold:.1f} s'),
        ('c/a (target <= 3)', f'{cold / built:.2f}'),
        (f'non-build time, mean of the first {EDGE} packages',
         f'{first:.2f} s'),
        (f'non-build time, mean of the last {EDGE} packages',
         f'{last:.2f} s'),
        ('last / first (target <= 2)', f'{last / first:.2f}'),
        ('(d) colcon deb, nothing changed', f'{noop:.2f} s'),
        ('colcon list', f'{listing:.2f} s'),
        ('d - list (target <= 3 s)', f'{noop - listing:.2f} s'),
    ]
    print(f'{args.packages} packages (deep), --parallel-workers '
          f'{args.workers}\n\n| measurement | value |\n|---|---|')
    for name, value in rows:
        print(f'| {name} | {value} |')
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def edge_overheads(report_path, names, count):
    """
    Return the mean non-build time of the first and the last packages.

    A package's non-build time is its duration less its build phase: what
    colcon deb adds around the package's own build.
    """
    packages = {
        p['name']: p for p in json.loads(report_path.read_text())['packages']}

    def outside_build(name):
        package = packages[name]
        return package['duration'] - package['phases'].get(BUILD_PHASE, 0)

    first = statistics.mean(outside_build(n) for n in names[:count])
    last = statistics.mean(outside_build(n) for n in names[-count:])
    return first, last


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Measure what publishing a deb costs as the output folder fills up.

Generates N small debs (dpkg-deb, each depending on the one before) and
publishes them one by one into a new output folder, as the jobs of a run
do: each publish writes a new generation of the index.  Prints the mean
time of a publish among the first 20 and among the last 20, and their
ratio (the per-deb cost that grows with the folder), then the time to
read the index from a new object and to write it at the end of a run.

Usage: bench/publish.py [--debs 500] [--keep DIR]
"""

import argparse
from pathlib import Path
import shutil
import subprocess
import tempfile
import time

from colcon_deb.repository import Repository

EDGE = 20


def main():
    """Generate the debs, publish them, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument('--debs', type=int, default=500)
    parser.add_argument('--keep', metavar='DIR', help='keep the folders')
    args = parser.parse_args()
    root = Path(args.keep or tempfile.mkdtemp(prefix='deb-publish-'))
    try:
        debs = generate_debs(root / 'debs', args.debs)
        repository = Repository(root / 'deb')
        times = []
        for deb in debs:
            started = time.perf_counter()
            repository.publish(deb)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        Repository(root / 'deb').read_index()
        read = time.perf_counter() - started
        started = time.perf_counter()
        repository.write_index()
        written = time.perf_counter() - started
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    first = sum(times[:EDGE]) / EDGE
    last = sum(times[-EDGE:]) / EDGE
    print(f'| figure ({args.debs} debs) | value |')
    print('|---|---|')
    print(f'| publish, first {EDGE} | {first * 1000:.1f} ms |')
    print(f'| publish, last {EDGE} | {last * 1000:.1f} ms |')
    print(f'| last / first | {last / first:.2f} |')
    print(f'| read the index (new object) | {read * 1000:.1f} ms |')
    print(f'| write the index at the end | {written * 1000:.1f} ms |')


def generate_debs(folder, count):
    """Build `count` small debs, each depending on the one before."""
    debs = []
    for index in range(count):
        root = folder / f'root-{index}'
        (root / 'DEBIAN').mkdir(parents=True)
        (root / 'opt' / 'ws').mkdir(parents=True)
        (root / 'opt' / 'ws' / f'file-{index}').write_text('x' * 100)
        (root / 'DEBIAN' / 'control').write_text(
            f'Package: ros-bench-p{index}\nVersion: 1.0-0\n'
            'Architecture: all\nMaintainer: m <m@example.org>\n'
            f'Depends: ros-bench-p{max(0, index - 1)}, libc6\n'
            'Description: a package\n of the benchmark\n')
        deb = folder / f'p{index}.deb'
        subprocess.run(
            ['dpkg-deb', '-Zgzip', '--root-owner-group', '--build',
             str(root), str(deb)], check=True, capture_output=True)
        shutil.rmtree(root)
        debs.append(deb)
    return debs


if __name__ == '__main__':
    main()

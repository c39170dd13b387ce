#!/usr/bin/env python3
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Measure what QEMU user emulation costs: each package natively and emulated.

Builds the same packages of the test workspace (`--packages-up-to
calc_py`: two C++ libraries, a header-only one, an executable, a Python
package) once for the engine's own platform and once for a foreign one,
each with `--cache none` and one package at a time, and prints each
package's time (its whole job: dependencies, build, packaging,
publishing) from the reports.  The builder images are made before, so
that neither run pays for them.

Usage: bench/emulation.py [--native linux/amd64]
    [--emulated linux/arm64=arm64v8/debian:bookworm]
"""

import argparse
import json
from pathlib import Path
import shutil
import tempfile

from common import colcon_deb_command
from common import REPORT
from common import run
from common import TESTS

PACKAGES = ['--packages-up-to', 'calc_py']


def main():
    """Build for both platforms, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument('--native', default='linux/amd64')
    parser.add_argument(
        '--emulated', default='linux/arm64=arm64v8/debian:bookworm')
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix='emulation-bench-'))
    workspace = root / 'ws'
    shutil.copytree(TESTS / 'workspace', workspace)
    durations = {}
    for platform in (args.native, args.emulated):
        command = colcon_deb_command(1) + ['--platform', platform]
        # the builder image and the resolution, not measured
        run(command + ['--packages-select', 'calc_core'], workspace)
        run(command + PACKAGES + ['--cache', 'none'], workspace)
        report = json.loads((workspace / REPORT).read_text())
        durations[platform] = {
            p['name']: p['duration'] for p in report['packages']}
    native, emulated = (durations[p] for p in (args.native, args.emulated))
    print(f'| package | {args.native} native s | '
          f"{args.emulated.split('=')[0]} emulated s | emulated / native |")
    print('|---|---|---|---|')
    for name in native:
        print(f'| {name} | {native[name]:.1f} | {emulated[name]:.1f} | '
              f'{emulated[name] / native[name]:.1f} |')
    total = sum(native.values()), sum(emulated.values())
    print(f'| all | {total[0]:.1f} | {total[1]:.1f} | '
          f'{total[1] / total[0]:.1f} |')
    shutil.rmtree(root)


if __name__ == '__main__':
    main()

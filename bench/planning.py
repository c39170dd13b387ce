#!/usr/bin/env python3
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Time the planning of a run on a deep generated workspace, without Docker.

Before any container starts, a run discovers the packages (colcon's
discovery, as `colcon list` does), makes the plan and computes every
package's cache key.  Late packages of a deep workspace depend on most of
the others, so this part must stay close to the discovery at any size;
the target is that plan and keys together add at most 3 s at 500 packages.
Each step is timed in this process, on the workspace of noop_cache.py
(chains with diamonds), with the target system as a fixed stand-in: keys
only need the resolved names, not Docker.

Usage: bench/planning.py [--packages 100 200 500]
"""

import argparse
from pathlib import Path
import shutil
import sys
import tempfile
import time

from noop_cache import generate_workspace


def main():
    """Generate a workspace per size, time the steps before the builds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument(
        '--packages', type=int, nargs='+', default=[100, 200, 500])
    args = parser.parse_args()
    print('| packages | discovery s | plan s | keys s | plan + keys s |')
    print('|---|---|---|---|---|')
    met = True
    for count in args.packages:
        workspace = Path(tempfile.mkdtemp(prefix='planning-bench-'))
        try:
            generate_workspace(workspace, count)
            times = time_planning(workspace)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
        added = times['plan'] + times['keys']
        met = met and (count < 500 or added <= 3)
        print(f"| {count} | {times['discovery']:.2f} | {times['plan']:.2f} "
              f"| {times['keys']:.2f} | {added:.2f} |")
    print('target (plan + keys <= 3 s at 500 packages): '
          f"{'met' if met else 'NOT met'}")
    return 0


def time_planning(workspace):
    """Return the seconds of discovery, plan and keys in a workspace."""
    from colcon_core.location import set_default_config_path
    from colcon_deb.cache import DebCache
    from colcon_deb.cache.keys import package_keys
    from colcon_deb.dependency_resolution import Resolution
    from colcon_deb.plan import make_plan
    from colcon_deb.settings import Settings
    from colcon_deb.task import package_options
    from colcon_deb.verb.deb import discover_packages
    from colcon_deb.verb.deb import DebVerb

    set_default_config_path(
        path=workspace / 'colcon_home', env_var='COLCON_HOME')
    verb = DebVerb()
    parser = argparse.ArgumentParser()
    verb.add_arguments(parser=parser)
    args = parser.parse_args(['--ros-distro', 'noetic', '--base-paths',
                              str(workspace)])
    settings = Settings.from_args(args)
    times = {}
    started = time.monotonic()
    decorators = discover_packages(args, verb.task_argument_destinations)
    times['discovery'] = time.monotonic() - started
    started = time.monotonic()
    plan = make_plan(
        decorators, ros_distro=settings.ros_distro, prefix=settings.prefix,
        revision=settings.revision, with_tests=False)
    options = package_options(
        args, settings, plan, verb.task_argument_destinations)
    times['plan'] = time.monotonic() - started
    target = Resolution(
        codename='bookworm', architecture='amd64', python_version='3.11',
        system_packages={})
    started = time.monotonic()
    package_keys(
        plan, options, image='colcon-deb-builder:bench', resolution=target,
        cache=DebCache(workspace / 'cache'))
    times['keys'] = time.monotonic() - started
    return times


if __name__ == '__main__':
    sys.exit(main())

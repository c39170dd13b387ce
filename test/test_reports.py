# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Report, trace, JUnit and the live display of real runs."""

import json
import os
from pathlib import Path
import pty
import re
import select
import subprocess
import time
from xml.etree import ElementTree

from docker_helpers import colcon_deb
from docker_helpers import colcon_deb_command
from docker_helpers import copy_workspace
from docker_helpers import workspace_env
import pyte
import pytest

pytestmark = pytest.mark.docker

CHAIN = Path(__file__).parent / 'chain'
PACKAGES = {'chain_a', 'chain_b', 'chain_c', 'other'}


@pytest.fixture(scope='module')
def two_runs(docker_engine, tmp_path_factory):
    """Build the chain workspace, then change `other` and build again."""
    workspace = copy_workspace(tmp_path_factory.mktemp('reports') / 'ws',
                               CHAIN)
    colcon_deb(workspace, '--parallel-workers', '2')
    first = read_files(workspace / 'log' / 'latest_deb')
    with (workspace / 'other' / 'data.txt').open('a') as f:
        f.write('changed\n')
    colcon_deb(workspace, '--parallel-workers', '2')
    return first, read_files(workspace / 'log' / 'latest_deb')


def read_files(reports):
    return (
        json.loads((reports / 'report.json').read_text()),
        json.loads((reports / 'trace.json').read_text()),
        ElementTree.parse(reports / 'junit.xml').getroot())


def by_name(report):
    return {p['name']: p for p in report['packages']}


def test_report_has_every_package_and_consistent_phases(two_runs):
    (first, _, _), (second, _, _) = two_runs
    for report in (first, second):
        packages = by_name(report)
        assert set(packages) == PACKAGES
        for package in packages.values():
            assert package['status'] in ('succeeded', 'cached')
            # the report rounds to milliseconds
            rounding = 0.0005 * (len(package['phases']) + 1)
            assert sum(package['phases'].values()) <= \
                package['duration'] + rounding
    assert {n for n, p in by_name(first).items() if p['cached']} == set()
    built = by_name(first)['chain_b']
    assert {'build', 'package', 'publish'} <= set(built['phases'])
    # the version ends with the time of the newest source file
    assert re.fullmatch(
        r'ros-noetic-chain-b_1\.0\.0-0bookworm\.\d{8}\.\d{6}_amd64\.deb',
        built['deb']), built['deb']
    assert built['size'] > 0
    # the second run rebuilt only what changed
    assert {n for n, p in by_name(second).items() if p['cached']} == {
        'chain_a', 'chain_b', 'chain_c'}
    assert by_name(second)['other']['cached'] is False


def test_trace_is_valid_trace_event_json(two_runs):
    (_, trace, _), _ = two_runs
    events = trace['traceEvents']
    slices = [e for e in events if e['ph'] == 'X']
    names = {e['args']['name'] for e in events
             if e['ph'] == 'M' and e['name'] == 'thread_name'}
    tracks = {e['tid']: e['args']['name'] for e in events
              if e['ph'] == 'M' and e['name'] == 'thread_name'}
    assert {'worker 1', 'worker 2'} <= names
    for event in slices:
        assert {'name', 'ph', 'ts', 'dur', 'pid', 'tid'} <= set(event)
        assert event['dur'] >= 0 and event['tid'] in tracks
    package_slices = {e['name'] for e in slices
                      if tracks[e['tid']].startswith('worker')}
    assert PACKAGES <= package_slices
    assert 'build' in package_slices


def test_junit_has_one_case_per_package(two_runs):
    _, (_, _, junit) = two_runs
    cases = junit.findall('.//testcase')
    assert {c.get('name') for c in cases} == PACKAGES
    assert not junit.findall('.//failure')


def test_live_progress_under_a_pseudo_terminal(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws', CHAIN)
    screen = pyte.Screen(120, 40)
    stream = pyte.ByteStream(screen)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        colcon_deb_command(
            '--cmake-args', '-DTEST_SLEEP_chain_b=4',
            '--parallel-workers', '2'),
        cwd=workspace, stdin=follower, stdout=follower, stderr=follower,
        env=workspace_env(workspace, COLUMNS='120', LINES='40', TERM='xterm'))
    os.close(follower)
    seen_bar = seen_running = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            stream.feed(data)
            text = '\n'.join(screen.display)
            seen_bar = seen_bar or ' done, ' in text and 'elapsed' in text
            seen_running = seen_running or any(
                line.lstrip().startswith('chain_b') and 'build' in line
                for line in screen.display)
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(leader)
    assert process.returncode == 0
    assert seen_bar, '\n'.join(screen.display)
    assert seen_running, '\n'.join(screen.display)

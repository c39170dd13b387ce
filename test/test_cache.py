# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The content-hash cache against a real engine.

The chain workspace: chain_a <- chain_b <- chain_c, and other on its own;
each compiles a small tool.
"""

import json
from pathlib import Path
import re
import signal
import subprocess
import time

from docker_helpers import CACHE_HOME
from docker_helpers import colcon_deb
from docker_helpers import copy_workspace
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest
from test_faults import start
from test_faults import wait_for_container

pytestmark = pytest.mark.docker

CHAIN = Path(__file__).parent / 'chain'
PACKAGES = {'chain_a', 'chain_b', 'chain_c', 'other'}


@pytest.fixture
def chain(tmp_path):
    return copy_workspace(tmp_path / 'ws', CHAIN)


def cached(output):
    """Return the packages a run took from the cache."""
    line = re.search(r'^Cached, not built again: (.*)$', output, re.M)
    return set(line.group(1).split(', ')) if line else set()


def built(output):
    """Return the packages a run finished without the cache."""
    finished = set(re.findall(r'Finished <<< (\S+)', output))
    return finished - cached(output)


def containers_created(client, since):
    events = client.events(
        since=since, until=int(time.time()) + 1, decode=True,
        filters={'type': 'container', 'event': 'create'})
    return list(events)


def edit(path, text='\n// changed\n'):
    with path.open('a') as f:
        f.write(text)


def test_unchanged_workspace_starts_no_container(docker_engine, chain):
    first = colcon_deb(chain, '--parallel-workers', '2')
    assert built(first.stdout) == PACKAGES
    since = int(time.time())
    second = colcon_deb(chain, '--parallel-workers', '2')
    assert containers_created(docker_engine, since) == []
    assert cached(second.stdout) == PACKAGES
    assert built(second.stdout) == set()


def test_changes_rebuild_what_they_reach(docker_engine, chain):
    colcon_deb(chain)
    # a file in the middle of the chain: it and its dependents
    edit(chain / 'chain_b' / 'tool.cpp')
    assert built(colcon_deb(chain).stdout) == {'chain_b', 'chain_c'}
    # an unrelated package: only that one
    edit(chain / 'other' / 'data.txt', 'more data\n')
    assert built(colcon_deb(chain).stdout) == {'other'}
    # a dependency's version: it and everything downstream
    xml = chain / 'chain_a' / 'package.xml'
    xml.write_text(xml.read_text().replace('1.0.0', '1.0.1'))
    assert built(colcon_deb(chain).stdout) == {
        'chain_a', 'chain_b', 'chain_c'}
    # a build option: everything
    assert built(colcon_deb(chain, '--deb-revision', '1').stdout) == \
        PACKAGES
    # files colcon ignores, e.g. a build folder inside a package, do not
    build = chain / 'chain_c' / 'build'
    build.mkdir()
    (build / 'COLCON_IGNORE').write_text('')
    (build / 'artifact').write_text('x')
    assert built(colcon_deb(chain, '--deb-revision', '1').stdout) == set()


def test_aggressive_reuses_when_only_dependencies_changed(
        docker_engine, chain):
    colcon_deb(chain)
    edit(chain / 'chain_a' / 'tool.cpp')
    output = colcon_deb(chain, '--cache', 'aggressive').stdout
    assert built(output) == {'chain_a'}
    assert cached(output) == {'chain_b', 'chain_c', 'other'}


def test_missing_or_corrupt_cached_deb_is_rebuilt(docker_engine, chain):
    colcon_deb(chain)
    entries = chain / CACHE_HOME / 'colcon-deb'
    next((entries / 'chain_b').glob('*.deb')).unlink()
    corrupt = next((entries / 'other').glob('*.deb'))
    corrupt.write_bytes(corrupt.read_bytes()[:100])
    output = colcon_deb(chain).stdout
    assert built(output) == {'chain_b', 'other'}
    assert cached(output) == {'chain_a', 'chain_c'}
    rc, apt_output = run_in_clean_container(
        docker_engine, chain / 'deb', INSTALL_FROM_REPOSITORY +
        'apt-get install -y -q ros-noetic-chain-c ros-noetic-other\n'
        '/opt/ros/noetic/lib/chain_c/chain_c_tool\n'
        '/opt/ros/noetic/lib/other/other_tool\n')
    assert rc == 0, apt_output
    assert '\nchain_c\n' in apt_output and '\nother\n' in apt_output


def test_debs_are_reproducible(docker_engine, chain):
    for deb_base in ('first', 'second'):
        colcon_deb(
            chain, '--cache', 'none', '--deb-base', deb_base,
            '--parallel-workers', '2')
    first = sorted((chain / 'first').glob('*.deb'))
    # each has binaries: its deb and its debug symbols', and the prefix's
    assert len(first) == 2 * len(PACKAGES) + 1
    assert len([deb for deb in first if '-dbgsym_' in deb.name]) == \
        len(PACKAGES)
    for deb in first:
        subprocess.run(
            ['cmp', str(deb), str(chain / 'second' / deb.name)], check=True)


def test_interrupted_run_resumes_with_what_did_not_finish(
        docker_engine, chain):
    args = ('--cmake-args', '-DTEST_SLEEP_chain_c=5', '--executor',
            'sequential')
    process = start(chain, *args)
    wait_for_container(docker_engine, 'chain_c')
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    assert process.returncode != 0
    finished = set(re.findall(
        r'Finished <<< (\S+)', process.log_path.read_text()))
    assert 'chain_b' in finished and 'chain_c' not in finished
    output = colcon_deb(chain, *args).stdout
    assert built(output) == PACKAGES - finished
    assert cached(output) == finished


def test_selection_by_cache_state(docker_engine, chain):
    colcon_deb(chain)
    edit(chain / 'chain_b' / 'tool.cpp')
    edit(chain / 'other' / 'tool.cpp')
    dry = colcon_deb(chain, '--dry-run').stdout
    assert 'chain_a  ' in dry and 'cache hit' in dry
    assert re.search(r'chain_b .* cache miss: source changed', dry)
    assert re.search(
        r'chain_c .* cache miss: dependency chain_b changed', dry)
    selected = colcon_deb(
        chain, '--dry-run', '--packages-select-cache-miss').stdout
    assert '3 packages' in selected and 'chain_a ' not in selected
    up_to = colcon_deb(
        chain, '--packages-select-cache-miss',
        '--packages-up-to', 'chain_c').stdout
    assert built(up_to) == {'chain_b', 'chain_c'}
    # the unselected package keeps its deb in the repository
    assert list((chain / 'deb').glob('ros-noetic-chain-a_*.deb'))


def test_package_metadata_reaches_one_package(docker_engine, chain):
    colcon_deb(chain)
    # colcon.meta of the workspace, as colcon build reads it
    (chain / 'colcon.meta').write_text(json.dumps({'names': {'other': {
        'cmake-args': ['-DOTHER_NOTE=from colcon.meta']}}}))
    output = colcon_deb(chain).stdout
    assert built(output) == {'other'}
    assert cached(output) == {'chain_a', 'chain_b', 'chain_c'}
    rc, apt_output = run_in_clean_container(
        docker_engine, chain / 'deb', INSTALL_FROM_REPOSITORY +
        'apt-get install -y -q ros-noetic-other ros-noetic-chain-c\n'
        'cat /opt/ros/noetic/share/other/note\n'
        'test ! -e /opt/ros/noetic/share/chain_c/note\n')
    assert rc == 0, apt_output
    assert '\nfrom colcon.meta\n' in apt_output

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A deep workspace: each package's container gets its whole closure, no more.

The late packages of test/deep_workspace.py find, link and run against the
libraries of every earlier package, through their dependencies'
dependencies; a package that uses a workspace package it does not declare
must fail, although that package's deb is in the output folder.
"""

from deep_workspace import expected_value
from deep_workspace import generate_workspace
from deep_workspace import write_cmake_code
from deep_workspace import write_manifest
from docker_helpers import colcon_deb
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest

pytestmark = pytest.mark.docker

COUNT = 10
# uses deep_005 but declares deep_000 only
SNEAKY = 'deep_sneaky'


@pytest.fixture(scope='module')
def deep(docker_engine, tmp_path_factory):
    workspace = tmp_path_factory.mktemp('deep') / 'ws'
    names = generate_workspace(workspace, COUNT)
    write_manifest(workspace / SNEAKY, SNEAKY, ['deep_000'])
    write_cmake_code(workspace / SNEAKY, SNEAKY, ['deep_005'])
    colcon_deb(
        workspace, '--parallel-workers', '2', '--packages-skip', SNEAKY)
    return workspace, names


def test_a_late_package_builds_and_runs_with_its_whole_closure(
        deep, docker_engine):
    workspace, names = deep
    last = names[-1]
    log = (workspace / 'log' / 'latest_deb' / last /
           'stdout_stderr.log').read_text()
    # every earlier package and the prefix setup deb
    assert f'unpacking {COUNT} workspace debs' in log
    script = INSTALL_FROM_REPOSITORY + f"""
apt-get install -y -q --no-install-recommends ros-noetic-{last.replace(
    '_', '-')}
set +u
. /opt/ros/noetic/setup.sh
set -u
{last}_value
dpkg -l | grep -c '^ii  ros-noetic-deep-' > /tmp/count
echo "installed $(cat /tmp/count)"
"""
    rc, output = run_in_clean_container(
        docker_engine, workspace / 'deb', script)
    assert rc == 0, output[-4000:]
    assert f'{last} {expected_value(COUNT - 1)}\n' in output
    # apt pulled in the closure from the debs' Depends
    assert f'installed {COUNT}\n' in output


def test_an_undeclared_workspace_dependency_fails_the_build(deep):
    workspace, _ = deep
    assert list((workspace / 'deb').glob('ros-noetic-deep-005_*.deb'))
    completed = colcon_deb(
        workspace, '--packages-select', SNEAKY, check=False)
    assert completed.returncode != 0
    assert f"'{SNEAKY}' failed: building failed" in completed.stdout
    log = (workspace / 'log' / 'latest_deb' / SNEAKY /
           'stdout_stderr.log').read_text()
    assert 'unpacking 2 workspace debs' in log
    assert 'deep_005' in log
    assert not list((workspace / 'deb').glob('ros-noetic-deep-sneaky_*'))

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Debs for amd64 and arm64 from one run on an amd64 machine, then used.

arm64 runs under QEMU user emulation: .ci/run registers it
(qemu-user-static) and makes the arm64 base image with debootstrap and
`docker import`, which records amd64 as its architecture: colcon deb
looks inside.  A small part of the test workspace keeps the emulated
builds short: a C++ library (calc_core), one linked to it (calc_plain),
a header-only one, an executable using them (calc_cli) and a Python
package (calc_py).
"""

import json
import subprocess
import time

from debian.deb822 import Packages
from docker_helpers import colcon_deb_command
from docker_helpers import copy_workspace
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
from docker_helpers import workspace_env
import pytest

pytestmark = pytest.mark.docker

# made by .ci/make_base_image.sh arm64v8/debian:bookworm arm64
ARM64_IMAGE = 'arm64v8/debian:bookworm'
PLATFORMS = (
    '--platform', 'linux/amd64', '--platform', f'linux/arm64={ARM64_IMAGE}')
SUBSET = ('--packages-up-to', 'calc_py')
BINARY = ('calc_core', 'calc_plain', 'calc_cli')
ALL = ('calc_headers', 'calc_py', 'ros_workspace')


@pytest.fixture(scope='module')
def arm64_image(docker_engine):
    import docker
    try:
        docker_engine.images.get(ARM64_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(
            f"the base image '{ARM64_IMAGE}' is missing; create it with "
            f'.ci/make_base_image.sh {ARM64_IMAGE} arm64')
    return ARM64_IMAGE


def run(workspace, *args):
    """
    Run colcon deb; return its output and the containers its process made.

    Docker's events name the containers created with the process's label.
    """
    import docker
    client = docker.from_env()
    since = time.time() - 1
    process = subprocess.Popen(
        colcon_deb_command(*args), cwd=workspace, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env=workspace_env(workspace))
    output, _ = process.communicate()
    events = client.events(
        since=int(since), until=int(time.time()) + 1, decode=True,
        filters={
            'type': 'container', 'event': 'create',
            'label': f'colcon-deb.pid={process.pid}'})
    return process.returncode, output, list(events)


@pytest.fixture(scope='module')
def built(arm64_image, tmp_path_factory):
    workspace = copy_workspace(tmp_path_factory.mktemp('ws') / 'ws')
    rc, output, _ = run(
        workspace, *SUBSET, *PLATFORMS, '--parallel-workers', '2')
    assert rc == 0, output[-4000:]
    return workspace, output


def index(repository):
    with (repository / 'Packages').open() as f:
        return {
            (p['Package'], p['Architecture']): p
            for p in Packages.iter_paragraphs(f, use_apt_pkg=False)}


def deb_name(package):
    return 'ros-noetic-' + package.replace('_', '-')


def test_one_folder_holds_amd64_arm64_and_all_debs(built):
    workspace, output = built
    published = index(workspace / 'deb')
    # with the debug symbols of each architecture's binaries
    assert set(published) == {
        (deb_name(p) + dbgsym, a) for p in BINARY
        for a in ('amd64', 'arm64') for dbgsym in ('', '-dbgsym')} | {
        (deb_name(p), 'all') for p in ALL}
    for package in BINARY:
        assert published[deb_name(package), 'amd64']['Version'] == \
            published[deb_name(package), 'arm64']['Version']
    for architecture in ('amd64', 'arm64'):
        assert (workspace / 'deb' / (
            f"{deb_name('calc_core')}_"
            f"{published[deb_name('calc_core'), 'amd64']['Version']}_"
            f'{architecture}.deb')).is_file()
    assert 'Built for linux/arm64 on ' in output
    assert 'under QEMU emulation: 5 package(s) (calc_cli@arm64' in output
    report = json.loads(
        (workspace / 'log' / 'latest_deb' / 'report.json').read_text())
    jobs = {p['name']: p for p in report['packages']}
    assert jobs['calc_cli@arm64']['platform'] == 'linux/arm64'
    assert jobs['calc_cli@arm64']['emulated'] is True
    assert jobs['calc_cli@amd64']['emulated'] is False
    assert jobs['calc_cli@amd64']['engine'] == \
        jobs['calc_cli@arm64']['engine']


# calc_py's deb depends on python3, which its script needs
USE_THE_DEBS = INSTALL_FROM_REPOSITORY + """
apt-get install -y -q --no-install-recommends \
  ros-noetic-calc-cli ros-noetic-calc-py
set +u
. /opt/ros/noetic/setup.bash
set -u
echo "architecture $(dpkg --print-architecture) $(uname -m)"
echo "calc_core is $(dpkg-query -W -f '${Architecture}' ros-noetic-calc-core)"
calc_cli
/opt/ros/noetic/lib/calc_py/calc_py
"""


@pytest.mark.parametrize('image, architecture, machine', [
    (ARM64_IMAGE, 'arm64', 'aarch64'),
    ('debian:bookworm', 'amd64', 'x86_64'),
])
def test_a_clean_container_of_each_architecture_uses_its_debs(
        built, docker_engine, image, architecture, machine):
    workspace, _ = built
    rc, output = run_in_clean_container(
        docker_engine, workspace / 'deb', USE_THE_DEBS, image=image)
    assert rc == 0, output[-4000:]
    assert f'architecture {architecture} {machine}' in output
    assert f'calc_core is {architecture}' in output
    assert 'answer=42 squared=1764 doubled=84' in output
    assert 'calc_py says 42' in output


def test_nothing_changed_starts_no_container(built):
    workspace, _ = built
    rc, output, created = run(workspace, *SUBSET, *PLATFORMS)
    assert rc == 0, output[-4000:]
    assert created == []
    assert 'Cached, not built again: calc_cli@amd64, calc_cli@arm64' in \
        output
    assert 'Building the builder image' not in output

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A fix rebuilt and published reaches a robot with `apt-get upgrade`.

The chain workspace: chain_a <- chain_b <- chain_c, and other on its own.
A container stands in for the robot: it installs the debs, the workspace
changes and is built again, and the same container upgrades.
"""

from pathlib import Path
import re

from colcon_deb.signing import KEY_FILE
from docker_helpers import BASE_IMAGE
from docker_helpers import colcon_deb
from docker_helpers import copy_workspace
from docker_helpers import INSTALL_FROM_REPOSITORY
import pytest

pytestmark = pytest.mark.docker

CHAIN = Path(__file__).parent / 'chain'


@pytest.fixture
def chain(tmp_path):
    chain = copy_workspace(tmp_path / 'ws', CHAIN)
    (chain / 'deb').mkdir()
    return chain


@pytest.fixture
def robot(docker_engine, chain):
    """Return a running container that sees the output folder at /repo."""
    deb = chain / 'deb'
    container = docker_engine.containers.run(
        BASE_IMAGE, ['sleep', 'infinity'], detach=True, network_mode='host',
        volumes={str(deb): {'bind': '/repo', 'mode': 'ro'}},
        environment={'DEBIAN_FRONTEND': 'noninteractive'},
        labels={'colcon-deb-test': 'robot'})
    yield container
    container.remove(force=True)


def on(container, script):
    """Run a shell script in the container; return its output."""
    rc, output = container.exec_run(['bash', '-euxc', script])
    output = output.decode()
    assert rc == 0, output[-4000:]
    return output


def test_a_rebuilt_package_is_an_upgrade(robot, chain):
    colcon_deb(chain)
    on(robot, INSTALL_FROM_REPOSITORY +
       'apt-get install -y -q ros-noetic-chain-c ros-noetic-other')
    assert 'chain_b\n' in on(robot, '/opt/ros/noetic/lib/chain_b/chain_b_tool')

    tool = chain / 'chain_b' / 'tool.cpp'
    tool.write_text(tool.read_text().replace('"chain_b"', '"chain_b fixed"'))
    colcon_deb(chain)
    output = on(robot, 'apt-get update -q && apt-get upgrade -y -q')
    upgraded = set(re.findall(r'^Unpacking (\S+) ', output, re.M))
    # the changed package and the one that depends on it, nothing else
    assert upgraded == {'ros-noetic-chain-b', 'ros-noetic-chain-c'}, output
    assert 'chain_b fixed\n' in on(
        robot, '/opt/ros/noetic/lib/chain_b/chain_b_tool')


def test_a_signed_repository_upgrades_without_trusting_it(
        robot, chain, signing_key):
    """The robot verifies with the exported key: no [trusted=yes]."""
    output = colcon_deb(chain, '--sign-key', signing_key).stdout
    key = chain / 'deb' / KEY_FILE
    assert f'APT source: deb [signed-by={key}] file:' in output
    signed = f"""
rm -f /etc/apt/sources.list.d/*
echo 'deb [signed-by=/repo/{KEY_FILE}] file:/repo ./' \\
  > /etc/apt/sources.list.d/ws.list
apt-get update -q 2>&1 | tee /tmp/update
if grep -q '^[WE]:' /tmp/update; then exit 1; fi
"""
    on(robot, 'set -o pipefail\n' + signed +
       'apt-get install -y -q ros-noetic-chain-c')
    tool = chain / 'chain_b' / 'tool.cpp'
    tool.write_text(tool.read_text().replace('"chain_b"', '"chain_b fixed"'))
    colcon_deb(chain, '--sign-key', signing_key)
    output = on(robot, 'set -o pipefail\n' + signed +
                'apt-get upgrade -y -q 2>&1 | tee /tmp/upgrade\n'
                "if grep -q '^[WE]:' /tmp/upgrade; then exit 1; fi")
    assert set(re.findall(r'^Unpacking (\S+) ', output, re.M)) == {
        'ros-noetic-chain-b', 'ros-noetic-chain-c'}, output
    assert 'chain_b fixed\n' in on(
        robot, '/opt/ros/noetic/lib/chain_b/chain_b_tool')
    # without the key, nothing signed is left behind
    colcon_deb(chain)
    assert not {'InRelease', 'Release.gpg', KEY_FILE} & {
        path.name for path in (chain / 'deb').iterdir()}

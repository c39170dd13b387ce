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

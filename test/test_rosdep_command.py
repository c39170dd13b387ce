# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""A compatible fork of rosdep works as a drop-in through --rosdep-command."""

from pathlib import Path
import shutil
import subprocess

from docker_helpers import colcon_deb
import pytest

pytestmark = pytest.mark.docker

HERE = Path(__file__).parent / 'rosdep_fork'
FORK_IMAGE = 'colcon-deb-test-rosdep-fork:bookworm'


def test_agirosdep_resolves_the_rule_files(docker_engine, tmp_path):
    docker_engine.images.build(
        path=str(HERE), tag=FORK_IMAGE, network_mode='host', rm=True)
    workspace = tmp_path / 'ws'
    shutil.copytree(HERE / 'ws', workspace)
    colcon_deb(
        workspace, '--rosdep-command', 'agirosdep',
        '--base-image', FORK_IMAGE,
        '--rosdep-source', str(HERE / 'rules.yaml'))
    deb, = (workspace / 'deb').glob('ros-noetic-greeter_*.deb')
    depends = subprocess.check_output(
        ['dpkg-deb', '--field', str(deb), 'Depends'], text=True)
    assert depends.split(', ')[0] == 'hello'

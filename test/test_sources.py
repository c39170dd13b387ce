# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Builds that write into their source folder, and the source left as it was.

catkin_python/catkin_greeter is the ROS 1 idiom: catkin_python_setup() and
a setup.py that imports distutils, which has setuptools write its egg-info
next to setup.py.
"""

import hashlib
from pathlib import Path

from docker_helpers import colcon_deb
from docker_helpers import copy_workspace
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest

pytestmark = pytest.mark.docker

CATKIN_PYTHON = Path(__file__).parent / 'catkin_python'


def snapshot(folder):
    """Return every path below a folder with its content, mode and time."""
    state = {}
    for path in sorted(folder.rglob('*')):
        stat = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() \
            if path.is_file() else None
        state[str(path.relative_to(folder))] = (
            content, stat.st_mode, stat.st_mtime_ns)
    return state


def test_a_build_that_writes_into_its_source_builds(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws', CATKIN_PYTHON)
    source = workspace / 'catkin_greeter'
    before = snapshot(source)
    colcon_deb(workspace)
    # no egg-info, no build files, no changed times in the user's folder
    assert snapshot(source) == before
    rc, output = run_in_clean_container(
        docker_engine, workspace / 'deb', INSTALL_FROM_REPOSITORY + """
apt-get install -y -q ros-noetic-catkin-greeter
set +u
. /opt/ros/noetic/setup.sh
set -u
python3 -c 'import catkin_greeter; print(catkin_greeter.GREETING)'
""")
    assert rc == 0, output
    assert '\nhello from a catkin Python module\n' in output

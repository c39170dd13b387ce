# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
What `pip install` of the checkout gives, in a fresh virtual environment.

Only what setup.cfg declares is there: colcon's package selection, mixins
and metadata must come with colcon-deb.  The runs need no Docker.
"""

import json
import os
from pathlib import Path
import subprocess
import sys

from docker_helpers import copy_workspace
import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope='module')
def colcon(tmp_path_factory):
    """Install the checkout into a new venv; return its colcon command."""
    venv = tmp_path_factory.mktemp('venv')
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    completed = subprocess.run(
        [str(venv / 'bin' / 'pip'), 'install', '-q', str(ROOT)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert completed.returncode == 0, completed.stdout[-3000:]
    return str(venv / 'bin' / 'colcon')


def dry_run(colcon, workspace, *args, env=None):
    """Run a dry run of the venv's colcon deb; return its output lines."""
    environment = dict(
        os.environ, DOCKER_HOST='unix:///nonexistent/docker.sock',
        **(env or {}))
    environment.pop('ROS_DISTRO', None)
    completed = subprocess.run(
        [colcon, 'deb', '--dry-run', '--ros-distro', 'noetic',
         '--base-image', 'debian:bookworm', *args],
        cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=environment)
    assert completed.returncode == 0, completed.stdout
    return completed.stdout.splitlines()


def planned(lines):
    """Return the packages of a printed plan."""
    return [line.split()[2] for line in lines[1:] if line.startswith(' ')]


def test_package_selection_comes_with_it(colcon, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    lines = dry_run(colcon, workspace, '--packages-select', 'calc_plain')
    assert planned(lines) == ['calc_plain']
    lines = dry_run(colcon, workspace, '--packages-up-to', 'calc_plain')
    assert planned(lines) == ['calc_core', 'calc_plain']


def test_a_mixin_sets_numeric_options(colcon, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    home = tmp_path / 'colcon_home'
    (home / 'mixin').mkdir(parents=True)
    (home / 'mixin' / 'fleet.mixin').write_text(json.dumps({'deb': {
        'fleet': {'deb-revision': 3, 'retries': 2}}}))
    lines = dry_run(
        colcon, workspace, '--packages-select', 'calc_plain', '--mixin',
        'fleet', env={'COLCON_HOME': str(home)})
    assert 'ros-noetic-calc-plain 2.0.0-3bookworm' in lines[1]
    # colcon logs the options it parsed
    log = (workspace / 'log' / 'latest_deb' / 'logger_all.log').read_text()
    assert 'retries=2' in log

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Helpers for the tests that run colcon deb against a real engine."""

import os
from pathlib import Path
import shutil
import subprocess
import sys

BASE_IMAGE = 'debian:bookworm'
# the rules of the system keys the tests use: no online rosdep database
ROSDEP_RULES = Path(__file__).parent / 'rosdep' / 'system.yaml'
WORKSPACE = Path(__file__).parent / 'workspace'
DOWNSTREAM = Path(__file__).parent / 'downstream'
# where a test workspace's runs cache debs: see workspace_env
CACHE_HOME = '.xdg-cache'


def docker_reachable():
    try:
        import docker
        docker.from_env().ping()
    except Exception:  # noqa: B902
        return False
    return True


def rosdep_sources():
    """Return the --rosdep-source options that make a run work offline."""
    return ['--rosdep-source', str(ROSDEP_RULES)]


def colcon_deb_command(*args):
    """Return the `colcon deb` command line for the test base image."""
    return [
        shutil.which('colcon') or 'colcon', 'deb',
        '--base-image', BASE_IMAGE, '--ros-distro', 'noetic',
        *rosdep_sources(), *args]


def workspace_env(workspace, **variables):
    """
    Return the environment of a run in a workspace: a cache of its own.

    The default cache is the user's ($XDG_CACHE_HOME/colcon-deb); each test
    workspace gets its own, so that no test reuses another's debs.
    """
    return dict(
        os.environ, XDG_CACHE_HOME=str(Path(workspace) / CACHE_HOME),
        **variables)


def colcon_deb(workspace, *args, env=None, check=True):
    """Run `colcon deb` in a workspace and return the completed process."""
    completed = subprocess.run(
        colcon_deb_command(*args), cwd=workspace, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        env=workspace_env(workspace, **(env or {})))
    if check and completed.returncode:
        print(completed.stdout, file=sys.stderr)
        raise AssertionError(
            f'colcon deb failed with {completed.returncode}: '
            f'{completed.stdout[-3000:]}')
    return completed


def copy_workspace(destination, source=WORKSPACE):
    """Copy a test workspace so that its log folder lands in a tmp dir."""
    shutil.copytree(source, destination)
    return destination


def run_in_clean_container(client, repository, script, *, folders=None,
                           image=BASE_IMAGE):
    """
    Run a shell script in a container of the plain base image (or another).

    The produced repository is mounted read-only at /repo; the container
    reaches the package mirror for the system dependencies.  Returns the
    exit code and the output.
    """
    volumes = {str(repository): {'bind': '/repo', 'mode': 'ro'}}
    for host_path, container_path in (folders or {}).items():
        volumes[str(host_path)] = {'bind': container_path, 'mode': 'ro'}
    container = client.containers.run(
        image, ['bash', '-euxc', script], volumes=volumes,
        network_mode='host', detach=True,
        environment={'DEBIAN_FRONTEND': 'noninteractive'},
        labels={'colcon-deb-test': 'clean'})
    try:
        rc = container.wait()['StatusCode']
        output = container.logs().decode()
    finally:
        container.remove(force=True)
    return rc, output


INSTALL_FROM_REPOSITORY = """
echo 'deb [trusted=yes] file:/repo ./' > /etc/apt/sources.list.d/ws.list
apt-get update -q
"""


def check_workspace_debs_work(client, repository):
    """
    Install the debs of the test workspace in a clean container, use them.

    Run the executable, the console script and the catkin node, import the
    Python module, list the ament index and build a CMake project against
    the libraries.
    """
    script = INSTALL_FROM_REPOSITORY + """
apt-get install -y -q --no-install-recommends \
  ros-noetic-calc-cli ros-noetic-calc-py ros-noetic-calc-catkin \
  cmake g++ make
dpkg -l | grep -c '^ii  ros-noetic-' > /tmp/count
set +u
. /opt/ros/noetic/setup.bash
set -u
calc_cli
/opt/ros/noetic/lib/calc_py/calc_py
python3 -c 'import calc_py; print("imported", calc_py.ANSWER)'
/opt/ros/noetic/lib/calc_catkin/calc_catkin_node
ls "$AMENT_PREFIX_PATH/share/ament_index/resource_index/packages"
cp -r /downstream /tmp/downstream
cmake -S /tmp/downstream -B /tmp/downstream/build
cmake --build /tmp/downstream/build
/tmp/downstream/build/downstream
echo "installed $(cat /tmp/count)"
"""
    rc, output = run_in_clean_container(
        client, repository, script, folders={DOWNSTREAM: '/downstream'})
    assert rc == 0, output[-4000:]
    # apt pulled in what the three top-level packages need at run time:
    # calc_plain, calc_core and the prefix setup files, not calc_headers
    assert 'installed 6' in output
    assert 'answer=42 squared=1764 doubled=84' in output
    assert 'calc_py says 42' in output
    assert 'imported 42' in output
    assert 'hello from catkin' in output
    for name in ('calc_core', 'calc_cli', 'calc_py'):
        assert f'\n{name}\n' in output
    assert 'downstream 42 84' in output


def fill(disk, leave):
    """Fill a file system but `leave` bytes."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / 'filler').write_bytes(b'\0' * max(0, free - leave))

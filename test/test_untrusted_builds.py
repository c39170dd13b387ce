# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A hostile build cannot publish what the plan does not expect.

Its CMake install step leaves a fake `libc-bin` deb and a symlink to a
root-only host file in its output folder, next to its own deb: the
package fails with one line naming them, and neither they nor its own deb
reach the repository or the cache; the honest package beside it is
published, although its source folder has a FIFO and a socket in it,
which neither the host nor its container may open.
"""

import os
import socket

from colcon_deb.container.contract import Mount
from debian.deb822 import Packages
from deep_workspace import write_manifest
from docker_helpers import colcon_deb
import pytest

pytestmark = pytest.mark.docker

LEAVE = f"""set -e
mkdir -p /tmp/fake/DEBIAN
printf 'Package: libc-bin\\nVersion: 99:1.0\\nArchitecture: all\\n\
Maintainer: x <x@example.org>\\nDescription: fake\\n' \
  > /tmp/fake/DEBIAN/control
dpkg-deb --build /tmp/fake {Mount.OUT}/libc-bin_1.0_all.deb
ln -s /etc/shadow {Mount.OUT}/stolen.deb
"""


def write_package(folder, name, install_code=''):
    write_manifest(folder, name, [])
    (folder / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n'
        f'install(FILES package.xml DESTINATION share/{name})\n'
        f'{install_code}')


def test_a_build_cannot_publish_extra_debs_or_links(docker_engine, tmp_path):
    workspace = tmp_path / 'ws'
    write_package(workspace / 'honest', 'honest')
    write_package(
        workspace / 'hostile', 'hostile',
        'install(CODE "execute_process(COMMAND sh '
        '${CMAKE_CURRENT_SOURCE_DIR}/leave.sh)")\n')
    (workspace / 'hostile' / 'leave.sh').write_text(LEAVE)
    os.mkfifo(workspace / 'honest' / 'pipe')
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(workspace / 'honest' / 'socket'))
    try:
        # opening the FIFO would wait forever: a timeout ends that
        completed = colcon_deb(
            workspace, '--continue-on-error', '--parallel-workers', '2',
            '--package-timeout', '300', '--retries', '0', check=False)
    finally:
        server.close()
    assert completed.returncode != 0
    assert (
        "'hostile' failed: its build left unexpected files in its output "
        "folder: 'libc-bin_1.0_all.deb', 'stolen.deb'") in completed.stdout
    assert 'Traceback' not in completed.stdout
    repository = workspace / 'deb'
    with (repository / 'Packages').open() as f:
        published = {
            p['Package']
            for p in Packages.iter_paragraphs(f, use_apt_pkg=False)}
    assert 'ros-noetic-honest' in published
    assert 'ros-noetic-hostile' not in published
    assert 'libc-bin' not in published
    assert not [
        path for path in repository.rglob('*')
        if 'libc-bin' in path.name or 'stolen' in path.name or
        'hostile' in path.name]

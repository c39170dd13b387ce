# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
A hostile build cannot publish what a deb may not hold.

Its CMake install step tries to make a device node in every folder it can
write to, to leave a fake `libc-bin` deb and a symlink to a root-only host
file in its output folder, and installs a set-user-ID, world-writable
binary and a file under /etc.  It runs as the build user without the
capability to make device nodes: every attempt fails, and its deb holds
the binary as debhelper would (0755) and the /etc file as a conffile; the
deb installs with apt and the binary runs.  A package that installs
outside the prefix fails with one line; the honest package beside them is
published, although its source folder has a FIFO and a socket in it,
which neither the host nor its container may open.
"""

from contextlib import closing
import os
import re
import socket
import stat

from colcon_deb.container.contract import Mount
from debian.deb822 import Packages
from debian.debfile import DebFile
from deep_workspace import write_manifest
from docker_helpers import colcon_deb
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest

pytestmark = pytest.mark.docker

ATTACK = f"""
stat -c 'staged with mode %a' "$DESTDIR/opt/ros/noetic/bin/hostile"
tried=0
for dir in $(find / \\( -path /proc -o -path /sys \\) -prune -o \
    -type d -writable -print 2>/dev/null) "$DESTDIR"; do
  tried=$((tried + 1))
  mknod "$dir/colcon-deb-null" c 1 3 2>/dev/null && \
    echo "made a device node in $dir"
done
echo "tried to make device nodes in $tried folders"
mkdir -p /tmp/fake/DEBIAN
printf 'Package: libc-bin\\nVersion: 99:1.0\\nArchitecture: all\\n\
Maintainer: x <x@example.org>\\nDescription: fake\\n' \
  > /tmp/fake/DEBIAN/control
dpkg-deb --build /tmp/fake {Mount.OUT}/libc-bin_1.0_all.deb && \
  echo 'left a deb in the output folder'
ln -s /etc/shadow {Mount.OUT}/stolen.deb && \
  echo 'left a link in the output folder'
echo "the attack ran as $(id -un)"
"""

HOSTILE_CMAKE = """cmake_minimum_required(VERSION 3.10)
project(hostile C)
add_executable(hostile hostile.c)
install(TARGETS hostile RUNTIME DESTINATION bin PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_WRITE GROUP_EXECUTE
  WORLD_READ WORLD_WRITE WORLD_EXECUTE SETUID SETGID)
install(FILES hostile.conf DESTINATION /etc/hostile)
install(FILES package.xml DESTINATION share/hostile)
install(CODE "execute_process(COMMAND sh
  ${CMAKE_CURRENT_SOURCE_DIR}/attack.sh)")
"""

HOSTILE_C = """#include <stdio.h>
#include <unistd.h>
int main(void) {
  printf("hostile runs with effective user %d\\n", (int)geteuid());
  return 0;
}
"""

BINARY = '/opt/ros/noetic/bin/hostile'


def write_package(folder, name, install_code=''):
    write_manifest(folder, name, [])
    (folder / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n'
        f'install(FILES package.xml DESTINATION share/{name})\n'
        f'{install_code}')


@pytest.fixture(scope='module')
def built(docker_engine, tmp_path_factory):
    workspace = tmp_path_factory.mktemp('untrusted') / 'ws'
    write_package(workspace / 'honest', 'honest')
    write_package(
        workspace / 'stray', 'stray',
        'install(FILES package.xml DESTINATION /usr/share/stray)\n')
    hostile = workspace / 'hostile'
    write_manifest(hostile, 'hostile', [])
    (hostile / 'CMakeLists.txt').write_text(HOSTILE_CMAKE)
    (hostile / 'hostile.c').write_text(HOSTILE_C)
    (hostile / 'hostile.conf').write_text('setting = 1\n')
    (hostile / 'attack.sh').write_text(ATTACK)
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
    return workspace, completed


def published(repository):
    with (repository / 'Packages').open() as f:
        return {
            p['Package']: p['Filename']
            for p in Packages.iter_paragraphs(f, use_apt_pkg=False)}


def test_the_attacks_of_a_build_fail(built):
    workspace, completed = built
    log = (
        workspace / 'log' / 'latest_deb' / 'hostile' / 'stdout_stderr.log'
    ).read_text()
    # it ran, as the build user, in the work folder and others
    assert 'the attack ran as colcon-deb' in log
    tried = int(re.search(r'device nodes in (\d+) folders', log).group(1))
    assert tried > 10
    assert 'made a device node' not in log
    assert 'in the output folder' not in log
    devices = [
        path for path in workspace.rglob('*')
        if stat.S_ISCHR(path.lstat().st_mode) or
        stat.S_ISBLK(path.lstat().st_mode)]
    assert devices == []


def test_only_the_planned_debs_are_published(built):
    workspace, completed = built
    repository = workspace / 'deb'
    assert set(published(repository)) == {
        'ros-noetic-honest', 'ros-noetic-hostile', 'ros-noetic-hostile-dbgsym',
        'ros-noetic-ros-workspace'}
    assert not [
        path for path in repository.rglob('*')
        if 'libc-bin' in path.name or 'stolen' in path.name]


def test_a_file_outside_the_prefix_fails_the_package(built):
    workspace, completed = built
    assert completed.returncode != 0
    # the container names the files, the host the step that failed
    assert (
        'the package installed files outside /opt/ros/noetic and /etc: /usr'
        in completed.stdout)
    assert "'stray' failed: packaging failed" in completed.stdout
    assert 'Traceback' not in completed.stdout


def test_the_hostile_deb_holds_what_debhelper_would(built):
    workspace, completed = built
    deb = workspace / 'deb' / published(workspace / 'deb')[
        'ros-noetic-hostile']
    with closing(DebFile(str(deb))) as package:
        members = package.data.tgz().getmembers()
        conffiles = package.control.get_content('conffiles', encoding='utf-8')
    binary, = [m for m in members if m.name == f'.{BINARY}']
    assert oct(binary.mode) == oct(0o755)
    assert (binary.uid, binary.gid) == (0, 0)
    assert not [m for m in members if m.isdev()]
    assert conffiles.splitlines() == ['/etc/hostile/hostile.conf']
    # as it was installed
    log = (
        workspace / 'log' / 'latest_deb' / 'hostile' / 'stdout_stderr.log'
    ).read_text()
    assert 'staged with mode 6777' in log
    # the host says so, once the package is built
    assert (
        "'hostile' installs configuration files outside the prefix (dpkg "
        'keeps them as conffiles): /etc/hostile/hostile.conf'
        in completed.stdout)
    assert (
        'Configuration of hostile, outside the prefix: '
        '/etc/hostile/hostile.conf' in completed.stdout.splitlines())


def test_the_hostile_deb_installs_and_runs(built, docker_engine):
    workspace, completed = built
    script = INSTALL_FROM_REPOSITORY + f"""
apt-get install -y -q --no-install-recommends ros-noetic-hostile
stat -c 'mode %a owner %U:%G' {BINARY}
test ! -u {BINARY} && test ! -g {BINARY} && echo 'no set-ID bits'
setpriv --reuid=nobody --regid=nogroup --clear-groups {BINARY}
cat /var/lib/dpkg/info/ros-noetic-hostile.conffiles
cat /etc/hostile/hostile.conf
"""
    rc, output = run_in_clean_container(
        docker_engine, workspace / 'deb', script)
    assert rc == 0, output[-4000:]
    assert 'mode 755 owner root:root' in output
    assert 'no set-ID bits' in output
    # run by nobody, it stays nobody
    assert 'hostile runs with effective user 65534' in output
    assert '\n/etc/hostile/hostile.conf\n' in output
    assert 'setting = 1' in output

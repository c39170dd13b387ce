# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Builds spread over two Docker engines.

A second Docker daemon on this machine, with its own socket, data folder
and TCP port, stands in for another build host.  colcon deb reaches it
through tcp://, as a remote engine: sources and debs travel through the
Docker API.  Like a daemon on another host, it cannot see the tests'
folders (they are hidden in its mount namespace), so a bind mount there
would fail.
"""

import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from colcon_deb.docker.engine import DockerEngine
from colcon_deb.docker.engine import PID_LABEL
from docker_helpers import BASE_IMAGE
from docker_helpers import check_workspace_debs_work
from docker_helpers import colcon_deb
from docker_helpers import colcon_deb_command
from docker_helpers import copy_workspace
from docker_helpers import workspace_env
import pytest
from test_untrusted_builds import ATTACK
from test_untrusted_builds import write_package

pytestmark = pytest.mark.docker

LOCAL = 'unix:///var/run/docker.sock'
FAULTS = Path(__file__).parent / 'faults'


class SecondDaemon:
    """A dockerd of its own, started and stopped by the tests."""

    def __init__(self, hidden):  # noqa: D107
        # short: the socket paths under it must fit in 108 characters
        self.root = tempfile.mkdtemp(prefix='cde-')
        # the folder the daemon must not see
        self.hidden = str(hidden)
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            self.port = s.getsockname()[1]
        self.url = f'tcp://127.0.0.1:{self.port}'
        self.process = None

    def start(self):
        log = open(f'{self.root}/dockerd.log', 'a')
        # a mount namespace of its own, where an empty file system covers
        # the hidden folder; its mounts stay in there
        self.process = subprocess.Popen([
            'unshare', '--mount', '--propagation', 'private',
            'sh', '-c', 'mount -t tmpfs hidden "$0" && exec "$@"',
            self.hidden,
            'dockerd', '--data-root', f'{self.root}/data',
            '--exec-root', f'{self.root}/exec',
            '--pidfile', f'{self.root}/docker.pid',
            '-H', f'unix://{self.root}/docker.sock', '-H', self.url,
            '--bridge=none', '--iptables=false'],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.log())
            try:
                self.client().ping()
                return
            except Exception:  # noqa: B902
                time.sleep(0.5)
        raise AssertionError(f'the second dockerd did not start: {self.log()}')

    def client(self):
        import docker
        return docker.DockerClient(base_url=self.url, timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)

    def log(self):
        with open(f'{self.root}/dockerd.log') as f:
            return f.read()[-3000:]

    def remove(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope='module')
def second(docker_engine, tmp_path_factory):
    # every test's workspace and output folder are under the base folder
    daemon = SecondDaemon(hidden=tmp_path_factory.getbasetemp())
    daemon.start()
    yield daemon
    daemon.remove()


def built_on(output):
    """Return the number of packages each engine built, from the summary."""
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(r'^Built on (\S+): (\d+) package', output, re.M)}


def test_a_workspace_builds_across_two_engines(
        docker_engine, second, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    completed = colcon_deb(
        workspace, '--parallel-workers', '2', '--docker-host', f'{LOCAL}=1',
        '--docker-host', f'{second.url}=1')
    counts = built_on(completed.stdout)
    assert counts[LOCAL] >= 1 and counts[second.url] >= 1, completed.stdout
    assert sum(counts.values()) == 7
    # the second engine got the builder image by copy: the same image ID
    builders = {'name': 'colcon-deb-builder'}
    copied = {image.id for image in second.client().images.list(**builders)}
    assert copied and copied <= {
        image.id for image in docker_engine.images.list(**builders)}
    check_workspace_debs_work(docker_engine, workspace / 'deb')


def test_a_docker_context_names_an_engine(docker_engine, second, tmp_path):
    config = {'DOCKER_CONFIG': str(tmp_path / 'docker-config')}
    subprocess.run(
        ['docker', 'context', 'create', 'other', '--docker',
         f'host={second.url}'],
        env=dict(os.environ, **config), check=True, stdout=subprocess.DEVNULL)
    workspace = copy_workspace(tmp_path / 'ws', FAULTS)
    completed = colcon_deb(
        workspace, '--packages-select', 'quick', 'slow',
        '--parallel-workers', '2', '--docker-host', f'{LOCAL}=1',
        '--docker-host', 'other=1', env=config)
    assert built_on(completed.stdout) == {LOCAL: 1, 'other': 1}, \
        completed.stdout


def test_an_unreachable_docker_host_is_one_line(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    completed = colcon_deb(
        workspace, '--docker-host', 'tcp://127.0.0.1:9', check=False)
    assert completed.returncode != 0
    errors = [line for line in completed.stdout.splitlines() if line.strip()]
    assert len(errors) == 1, completed.stdout
    assert 'cannot reach the Docker engine at tcp://127.0.0.1:9' in errors[0]


def sleepy_package(workspace, name):
    """Write a package that takes --cmake-args -DTEST_SLEEP=N seconds."""
    folder = workspace / name
    folder.mkdir(parents=True)
    (folder / 'package.xml').write_text(
        '<?xml version="1.0"?>\n<package format="3">\n'
        f'  <name>{name}</name>\n  <version>1.0.0</version>\n'
        '  <description>Sleeps.</description>\n'
        '  <maintainer email="t@example.org">Test</maintainer>\n'
        '  <license>Apache-2.0</license>\n'
        '  <buildtool_depend>cmake</buildtool_depend>\n'
        '  <export><build_type>cmake</build_type></export>\n</package>\n')
    (folder / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n'
        'execute_process(COMMAND sleep ${TEST_SLEEP})\n'
        f'install(FILES package.xml DESTINATION share/{name})\n')


def test_a_stopped_engine_hands_its_packages_over(
        docker_engine, second, tmp_path):
    workspace = tmp_path / 'ws'
    for name in ('sleepy_a', 'sleepy_b'):
        sleepy_package(workspace, name)
    log = (tmp_path / 'colcon-deb.out').open('w')
    # the local engine takes two packages, so sleepy_b goes to the second
    # engine; stopping dockerd stops its containers after 10 s, so a build
    # of 20 s is cut off
    process = subprocess.Popen(
        colcon_deb_command(
            '--parallel-workers', '2', '--docker-host', f'{LOCAL}=2',
            '--docker-host', f'{second.url}=1',
            '--cmake-args', '-DTEST_SLEEP=20'),
        cwd=workspace, stdout=log, stderr=subprocess.STDOUT,
        env=workspace_env(workspace))
    try:
        wait_for_a_build(second.client())
        second.stop()
        process.wait(timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
        second.start()
    output = (tmp_path / 'colcon-deb.out').read_text()
    assert process.returncode == 0, output
    assert built_on(output) == {LOCAL: 2, second.url: 0}, output
    assert f'Lost Docker engine {second.url}: ' in output
    assert 'sleepy_b moved to another engine' in output
    assert {p.name.split('_')[0] for p in (workspace / 'deb').glob('*.deb')} \
        >= {'ros-noetic-sleepy-a', 'ros-noetic-sleepy-b'}
    # nothing of the run is left on the engine that stayed
    assert not docker_engine.containers.list(
        all=True, filters={'label': f'{PID_LABEL}={process.pid}'})


def test_a_remote_engine_sends_back_only_the_deb(
        docker_engine, second, tmp_path):
    """
    A hostile build on a remote engine leaves nothing beside its deb.

    The local engine is kept busy by a package that sleeps, so the hostile
    one builds on the second engine, as the build user: its attempts to
    leave a deb and a link in its output folder fail, and what comes back
    as an archive is its deb (an archive with anything else is refused, see
    test_engine.py).
    """
    workspace = tmp_path / 'ws'
    sleepy_package(workspace, 'a_sleepy')
    write_package(
        workspace / 'hostile', 'hostile',
        'install(CODE "execute_process(COMMAND sh '
        '${CMAKE_CURRENT_SOURCE_DIR}/attack.sh)")\n')
    (workspace / 'hostile' / 'attack.sh').write_text(ATTACK)
    completed = colcon_deb(
        workspace, '--parallel-workers', '2', '--docker-host', f'{LOCAL}=1',
        '--docker-host', f'{second.url}=1', '--cmake-args',
        '-DTEST_SLEEP=15')
    output = completed.stdout
    assert built_on(output) == {LOCAL: 1, second.url: 1}, output
    log = (
        workspace / 'log' / 'latest_deb' / 'hostile' / 'stdout_stderr.log'
    ).read_text()
    assert 'the attack ran as colcon-deb' in log
    assert 'in the output folder' not in log
    published = {
        path.name.split('_')[0] for path in (workspace / 'deb').glob('*.deb')}
    assert {'ros-noetic-a-sleepy', 'ros-noetic-hostile'} <= published
    assert 'libc-bin' not in published
    assert not list(workspace.rglob('*stolen*'))


def test_an_image_of_several_tags_is_copied_by_the_one_asked(
        docker_engine, second):
    """Builds of the same layers share one image ID, and its tags."""
    image = docker_engine.images.get(BASE_IMAGE)
    for tag in ('first', 'second'):
        image.tag('colcon-deb-test-alias', tag)
    try:
        DockerEngine(LOCAL).copy_image(
            'colcon-deb-test-alias:second', DockerEngine(second.url))
        copied = second.client().images.get('colcon-deb-test-alias:second')
        assert copied.id == image.id
    finally:
        for tag in ('first', 'second'):
            docker_engine.images.remove(f'colcon-deb-test-alias:{tag}')


def wait_for_a_build(client, timeout=180):
    """Wait until the engine runs a package's container."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.containers.list(filters={
                'label': 'colcon-deb.package', 'status': 'running'}):
            return
        time.sleep(0.2)
    raise AssertionError('the second engine built nothing')

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from colcon_deb.docker.engine import _pass_lines
from colcon_deb.docker.engine import _short_reason
from colcon_deb.docker.engine import ContainerSpec
from colcon_deb.docker.engine import DockerEngine
from colcon_deb.docker.engine import EngineError
from docker_helpers import BASE_IMAGE
import pytest


def test_output_chunks_become_lines_per_stream():
    stream = [
        (b'first li', None),
        (b'ne\nsecond line\nthi', b'err'),
        (None, b'or one\n'),
        (b'rd line without newline', None),
    ]
    stdout, stderr = [], []
    _pass_lines(stream, stdout.append, stderr.append)
    assert stdout == [
        b'first line\n', b'second line\n', b'third line without newline\n']
    assert stderr == [b'error one\n']


def test_unreachable_daemon_is_an_engine_error(monkeypatch):
    monkeypatch.setenv('DOCKER_HOST', 'unix:///nonexistent/docker.sock')
    with pytest.raises(EngineError) as info:
        DockerEngine().check()
    message = str(info.value)
    assert 'unix:///nonexistent/docker.sock' in message
    assert '\n' not in message


def test_unknown_docker_context_is_an_engine_error(monkeypatch, tmp_path):
    monkeypatch.setenv('DOCKER_CONFIG', str(tmp_path))
    with pytest.raises(EngineError) as info:
        DockerEngine('no-such-context').check()
    message = str(info.value)
    assert "Docker context 'no-such-context'" in message
    assert '\n' not in message


@pytest.mark.parametrize('error, reason', [
    ("HTTPConnectionPool(host='h', port=1): Max retries exceeded (Caused by "
     'NewConnectionError("...: Failed to establish a new connection: '
     '[Errno 111] Connection refused"))', '[Errno 111] Connection refused'),
    ("('Connection aborted.', FileNotFoundError(2, 'No such file or "
     "directory'))", 'No such file or directory'),
    ('ssh: connect to host b port 22: No route to host\nmore',
     'ssh: connect to host b port 22: No route to host'),
])
def test_short_reason(error, reason):
    assert _short_reason(Exception(error)) == reason


@pytest.mark.docker
def test_scratch_folders_are_volumes_that_go_with_the_container(
        docker_engine):
    before = {volume.id for volume in docker_engine.volumes.list()}
    lines = []
    result = DockerEngine().run(
        ContainerSpec(
            image=BASE_IMAGE, network=False, scratch=['/scratch'],
            command=['sh', '-c', 'grep " /scratch " /proc/mounts && '
                     'touch /scratch/made && ls /scratch']),
        on_stdout=lines.append, on_stderr=lines.append)
    output = b''.join(lines).decode()
    assert result.exit_code == 0, output
    # a mount of its own, not the container's layer, and writable
    assert ' /scratch ' in output
    assert 'made' in output
    assert {volume.id for volume in docker_engine.volumes.list()} == before

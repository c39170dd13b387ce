# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

import io
import tarfile

from colcon_deb.docker.engine import _download
from colcon_deb.docker.engine import _pass_lines
from colcon_deb.docker.engine import _short_reason
from colcon_deb.docker.engine import ContainerSpec
from colcon_deb.docker.engine import DockerEngine
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import Folder
from colcon_deb.docker.engine import ImageBuildFailed
from colcon_deb.docker.engine import UnsafeArchive
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


class BuildingClient:
    """A Docker client whose image builds stream the chunks given."""

    def __init__(self, chunks):
        self.api = self
        self.chunks = chunks

    def build(self, **options):
        yield from self.chunks


def test_an_image_build_passes_its_output_on_by_whole_lines():
    engine = DockerEngine(client=BuildingClient([
        {'stream': 'Step 2/2 : RUN install\n'},
        {'stream': '\x1b[91mE'}, {'stream': ': \x1b[0m'},
        {'stream': '\x1b[91mUnable to locate package x\n\x1b[0m'},
        {'stream': 'last words'},
        {'error': "The command 'install' returned a non-zero code: 3"},
    ]))
    lines = []
    with pytest.raises(ImageBuildFailed) as info:
        engine.build_image_from(
            'FROM a\n', 'b:c', labels={}, on_line=lines.append)
    assert lines == [
        'Step 2/2 : RUN install', 'E: Unable to locate package x',
        'last words']
    assert str(info.value) == (
        "building image 'b:c' failed: The command 'install' returned a "
        'non-zero code: 3')


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


class ArchiveContainer:
    """A container of a remote engine, as far as a download reads it."""

    def __init__(self, *members):  # noqa: D107
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode='w') as tar:
            for name, kind, data in members:
                member = tarfile.TarInfo(name)
                member.type = kind
                if kind == tarfile.SYMTYPE or kind == tarfile.LNKTYPE:
                    member.linkname = data
                    data = b''
                member.size = len(data or b'')
                tar.addfile(member, io.BytesIO(data) if data else None)
        self.archive = archive.getvalue()

    def get_archive(self, path):
        # in chunks, as the Docker SDK streams it
        chunks = [self.archive[i:i + 1000]
                  for i in range(0, len(self.archive), 1000)]
        return iter(chunks), {'name': path.rsplit('/', 1)[-1]}


def folder_of(tmp_path):
    host = tmp_path / 'out'
    host.mkdir()
    return Folder(host, '/out', writable=True)


def test_a_remote_archive_of_files_and_folders_is_taken(tmp_path):
    folder = folder_of(tmp_path)
    _download(ArchiveContainer(
        ('out', tarfile.DIRTYPE, None),
        ('out/pkg_1.0_all.deb', tarfile.REGTYPE, b'a deb'),
        ('out/logs', tarfile.DIRTYPE, None),
        ('out/logs/build.log', tarfile.REGTYPE, b'built')), folder)
    assert (tmp_path / 'out' / 'pkg_1.0_all.deb').read_bytes() == b'a deb'
    assert (tmp_path / 'out' / 'logs' / 'build.log').read_bytes() == b'built'


@pytest.mark.parametrize('member, said', [
    (('out/pkg.deb', tarfile.SYMTYPE, '/etc/shadow'),
     "'out/pkg.deb', a symbolic link"),
    (('out/pkg.deb', tarfile.SYMTYPE, 'other.deb'),
     "'out/pkg.deb', a symbolic link"),
    (('out/pkg.deb', tarfile.LNKTYPE, 'out/a.deb'),
     "'out/pkg.deb', a hard link"),
    (('out/null', tarfile.CHRTYPE, None), "'out/null', a device"),
    (('out/disk', tarfile.BLKTYPE, None), "'out/disk', a device"),
    (('out/pipe', tarfile.FIFOTYPE, None), "'out/pipe', a FIFO"),
    (('out/../evil.deb', tarfile.REGTYPE, b'x'),
     "'out/../evil.deb', outside the folder"),
    (('/etc/evil.deb', tarfile.REGTYPE, b'x'),
     "'/etc/evil.deb', outside the folder"),
    (('etc/evil.deb', tarfile.REGTYPE, b'x'),
     "'etc/evil.deb', outside the folder"),
])
def test_a_remote_archive_with_anything_else_is_refused(
        tmp_path, member, said):
    folder = folder_of(tmp_path)
    container = ArchiveContainer(
        ('out', tarfile.DIRTYPE, None),
        ('out/a.deb', tarfile.REGTYPE, b'a deb'), member)
    with pytest.raises(UnsafeArchive) as e:
        _download(container, folder)
    assert str(e.value) == (
        f'the remote engine sent back /out with {said}: nothing of it is '
        'taken')
    # nothing of it, not even the files before
    assert list((tmp_path / 'out').iterdir()) == []
    assert not (tmp_path / 'evil.deb').exists()


def test_a_remote_archive_that_is_no_archive_is_refused(tmp_path):
    container = ArchiveContainer()
    container.archive = b'no tar archive' * 100
    with pytest.raises(UnsafeArchive, match=(
            '^the archive of /out cannot be read: ')):
        _download(container, folder_of(tmp_path))


@pytest.mark.docker
def test_root_in_a_container_has_few_privileges(docker_engine):
    lines = []
    result = DockerEngine().run(
        ContainerSpec(
            image=BASE_IMAGE, network=False,
            command=['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" '
                     '/proc/self/status; mknod /tmp/null c 1 3 || '
                     'echo no device node']),
        on_stdout=lines.append, on_stderr=lines.append)
    output = b''.join(lines).decode()
    assert result.exit_code == 0, output
    # CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID: bits 0, 1, 3, 6, 7
    assert 'CapEff:\t00000000000000cb' in output
    assert 'NoNewPrivs:\t1' in output
    assert 'no device node' in output

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The one place that talks to Docker.

Everything else describes what to run (image, command, environment, which
host folders go in and come out, limits) and gets exit codes and output
lines back.  Whether the folders are bind-mounted (a local engine) or
travel as tar archives through the API (a remote one) is decided here.
"""

from dataclasses import dataclass
from dataclasses import field
import json
import os
from pathlib import Path
from pathlib import PurePosixPath
import re
import subprocess
import tarfile
import tempfile
import threading
import time

from colcon_core.logging import colcon_logger

logger = colcon_logger.getChild(__name__)

# every container and image of colcon-deb carries this label
LABEL = 'colcon-deb'
# containers and images of one run carry its ID, host and process
RUN_LABEL = 'colcon-deb.run'
HOST_LABEL = 'colcon-deb.host'
PID_LABEL = 'colcon-deb.pid'
# how often a running container is checked for a timeout or a stop request
WATCH_INTERVAL = 0.2
# the only capabilities of root in a container: what apt and dpkg need to
# install packages (own and change files of other users: CHOWN, FOWNER,
# DAC_OVERRIDE; switch to apt's download user: SETUID, SETGID) and what
# the build script needs to run the build as its own user and to hand
# files over; no device nodes (MKNOD), raw sockets or system settings.
# Without the privileges a set-user-ID program would give, a process
# cannot get more than these.
CAPABILITIES = ('CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID')
SECURITY_OPTIONS = ('no-new-privileges',)


# the codes the engine colors a build's stderr with
_COLOR = re.compile('\x1b\\[[0-9;]*m')


class EngineError(RuntimeError):
    """The container engine failed or cannot be reached."""


class ImageBuildFailed(EngineError):
    """A step of an image's build failed: the engine itself is fine."""


class UnsafeArchive(RuntimeError):
    """
    A remote engine sent back what a bind mount could not have held.

    Not an EngineError: trying again would get the same back.
    """


class EngineUnreachable(EngineError):
    """The engine does not answer; `reason` says why in a few words."""

    def __init__(self, message, reason):  # noqa: D107
        super().__init__(message)
        self.reason = reason


@dataclass
class Folder:
    """A host folder made visible in the container."""

    host_path: object
    container_path: str
    writable: bool = False


@dataclass
class ContainerSpec:
    """What to run in one container."""

    image: str
    command: list
    environment: dict = field(default_factory=dict)
    folders: list = field(default_factory=list)
    network: bool = True
    labels: dict = field(default_factory=dict)
    memory: str = None
    cpus: float = None
    # a fixed host name keeps it out of what the build produces
    hostname: str = None
    # paths the container writes much and nobody keeps: each is a volume of
    # its own, which bypasses the image's storage driver (creating a file
    # through overlay2 took twice as long on our machines) and goes with
    # the container; a volume starts with a copy of what the image has at
    # its path
    scratch: list = field(default_factory=list)


@dataclass
class RunResult:
    """How a container ended."""

    exit_code: int
    timed_out: bool = False
    stopped: bool = False
    oom_killed: bool = False


class DockerEngine:
    """
    A Docker engine reached through the Docker SDK for Python.

    The engine may run on another host (ssh:// or tcp:// URL): then it
    cannot see this host's folders, and what goes into and comes out of a
    container travels through the API as tar archives instead of bind
    mounts.
    """

    def __init__(self, url=None, *, jobs=None, client=None):
        """
        Connect lazily: a dry run must not need a daemon.

        :param url: the engine's URL or the name of a Docker context,
          default from the environment (DOCKER_HOST, else the local socket)
        :param jobs: how many packages it builds at once, default one per
          CPU it has
        :param client: a docker.DockerClient, default from the URL
        """
        self.url = url
        self._jobs = jobs
        self._client = client
        self._info = None
        self._context_endpoint = None

    @property
    def name(self):
        """The engine as users name it: its URL or Docker context."""
        return self.url or self.endpoint

    @property
    def is_context(self):
        """Tell whether the engine is named by a Docker context."""
        return bool(self.url) and '://' not in self.url

    @property
    def endpoint(self):
        """The URL the engine is reached at."""
        if self.is_context:
            return self._context()[0]
        return self.url or os.environ.get('DOCKER_HOST') or \
            'unix:///var/run/docker.sock'

    @property
    def is_local(self):
        """Tell whether the engine sees this host's folders."""
        return self.endpoint.startswith(('unix://', 'npipe://'))

    @property
    def client(self):
        """The Docker client, connected on first use."""
        if self._client is None:
            self._client = self._connect(timeout=600)
        return self._client

    def _context(self):
        """
        Return the endpoint and TLS settings of the Docker context.

        The docker CLI made the context and knows where it keeps contexts
        (the SDK looks for them beside a config.json the CLI may not have
        written).
        """
        if self._context_endpoint is None:
            self._context_endpoint = _inspect_context(self.url)
        return self._context_endpoint

    def _connect(self, *, timeout):
        import docker
        # the ssh client, not paramiko: the user's ssh configuration (keys,
        # agents, jump hosts) applies as with `docker -H ssh://`
        options = {
            'timeout': timeout, 'max_pool_size': 32, 'use_ssh_client': True}
        try:
            if self.is_context:
                # a context has its own endpoint and TLS material
                host, tls = self._context()
                return docker.DockerClient(base_url=host, tls=tls, **options)
            environment = dict(os.environ)
            if self.url:
                environment['DOCKER_HOST'] = self.url
            return docker.from_env(environment=environment, **options)
        except docker.errors.DockerException as e:
            raise self._unreachable(e) from None

    def check(self):
        """Fail with one line, within seconds, when there is no daemon."""
        try:
            self._connect(timeout=3).ping()
        except EngineError:
            raise
        except Exception as e:  # noqa: B902
            raise self._unreachable(e) from None

    def _unreachable(self, error):
        reason = _short_reason(error)
        hint = 'check --docker-host' if self.url else \
            'start it (e.g. `systemctl start docker`) or set DOCKER_HOST'
        return EngineUnreachable(
            f'cannot reach the Docker engine at {self.name} ({reason}); '
            + hint, reason)

    def jobs(self):
        """Return how many packages the engine builds at once."""
        return self._jobs or self.cpus()

    def cpus(self):
        """Return the number of CPUs the engine's host has."""
        return self.info().get('NCPU') or 1

    def machine(self):
        """Return the kernel's name of its host's machine: x86_64."""
        return self.info().get('Architecture') or ''

    def info(self):
        """Return what `docker info` says, asked once."""
        if self._info is None:
            self._info = self._call(self.client.info)
        return self._info

    def data_root(self):
        """Return the folder the daemon keeps images and containers in."""
        return self._call(lambda: self.client.info().get('DockerRootDir'))

    def image_id(self, tag):
        """Return the ID of an image, or None when it does not exist."""
        import docker
        try:
            return self._call(lambda: self.client.images.get(tag).id)
        except EngineError as e:
            if isinstance(e.__cause__, docker.errors.ImageNotFound):
                return None
            raise

    def image_platform(self, tag):
        """
        Return the platform an image's config records: linux/arm/v7.

        `docker import` records the engine's own, whatever the files are.
        """
        attrs = self._call(lambda: self.client.images.get(tag).attrs)
        return '/'.join(
            part for part in (
                attrs.get('Os'), attrs.get('Architecture'),
                attrs.get('Variant')) if part)

    def pull(self, image, platform=None):
        """Pull an image; the error says why it cannot be had."""
        repository, _, tag = image.partition(':')
        self._call(lambda: self.client.images.pull(
            repository, tag=tag or 'latest', platform=platform))

    def build_image(self, context_dir, tag, *, build_args, on_line):
        """Build an image and return its ID, streaming the build output."""
        return self._build(
            tag, on_line, path=str(context_dir), buildargs=build_args,
            labels={LABEL: 'builder'})

    def build_image_from(self, dockerfile, tag, *, labels, on_line):
        """
        Build an image from a Dockerfile of no context and return its ID.

        The `RUN` steps get the host's network, as the engine's containers
        do: a bridge network is not made.
        """
        import io
        return self._build(
            tag, on_line, fileobj=io.BytesIO(dockerfile.encode()),
            labels={LABEL: 'image', **labels})

    def _build(self, tag, on_line, **build_options):
        """
        Build an image, passing its output on by whole lines.

        The engine streams a step's output in pieces, not lines, and
        colors what it wrote to stderr: a line is passed on when it ends,
        without the color codes.
        """
        api = self.client.api

        def build():
            image_id = None
            pending = ''
            for chunk in api.build(
                tag=tag, network_mode='host', rm=True, forcerm=True,
                decode=True, **build_options,
            ):
                *lines, pending = (pending + _COLOR.sub(
                    '', chunk.get('stream', ''))).split('\n')
                for line in lines:
                    if line.strip():
                        on_line(line)
                if 'error' in chunk:
                    if pending.strip():
                        on_line(pending)
                    raise ImageBuildFailed(
                        f"building image '{tag}' failed: "
                        f"{chunk['error'].strip()}")
                image_id = chunk.get('aux', {}).get('ID', image_id)
            if pending.strip():
                on_line(pending)
            return image_id
        return self._call(build) or self.image_id(tag)

    def touch_image(self, tag):
        """Tag an image again: the engine records when (LastTagTime)."""
        repository, _, name = tag.rpartition(':')
        self._call(lambda: self.client.images.get(tag).tag(repository, name))

    def last_tagged(self, labels):
        """
        Return {tag: when it was last tagged} of the images with the labels.

        In seconds since the epoch, from the engine's record, to the second.
        """
        from datetime import datetime
        from datetime import timezone
        times = {}
        for tag in self.labelled_images(labels):
            metadata = self._call(
                lambda: self.client.images.get(tag).attrs.get('Metadata'))
            when = (metadata or {}).get('LastTagTime') or ''
            try:
                times[tag] = datetime.strptime(
                    when[:19], '%Y-%m-%dT%H:%M:%S').replace(
                    tzinfo=timezone.utc).timestamp()
            except ValueError:
                continue  # never tagged: not one of colcon-deb's
        return times

    def labelled_images(self, labels):
        """Return {tag: labels} of the tagged images carrying the labels."""
        filters = {'label': [f'{k}={v}' for k, v in labels.items()]}
        return {
            tag: image.labels or {}
            for image in self._call(
                lambda: self.client.images.list(filters=filters))
            for tag in image.tags}

    def run(self, spec, *, on_stdout, on_stderr, timeout=None, stop=None):
        """
        Run a container to its end and say how it ended.

        The output is passed on line by line (as bytes) while it runs. The
        container is killed when `timeout` seconds pass or `stop` (an event)
        is set, and removed in every case.  The writable folders get what
        the container left in them; from a remote engine only when it ended
        well, nobody reads them otherwise.

        :raises UnsafeArchive: when a remote engine sends back anything but
          regular files and folders inside a writable folder
        """
        stop = stop or threading.Event()
        container = None
        try:
            container = self._call(lambda: self._create(spec))
            if not self.is_local:
                for folder in spec.folders:
                    self._call(lambda: _upload(container, folder))
            stream = self._call(lambda: self.client.api.attach(
                container.id, stdout=True, stderr=True, stream=True,
                logs=True, demux=True))
            self._call(container.start)
            watch = _Watch(container, timeout, stop)
            try:
                self._call(lambda: _pass_lines(stream, on_stdout, on_stderr))
                status = self._call(container.wait)['StatusCode']
            finally:
                watch.finish()
            self._call(container.reload)
            if not self.is_local and status == 0:
                for folder in spec.folders:
                    if folder.writable:
                        self._call(lambda: _download(container, folder))
            return RunResult(
                exit_code=status, timed_out=watch.timed_out,
                stopped=watch.stopped,
                oom_killed=bool(container.attrs['State'].get('OOMKilled')))
        finally:
            if container is not None:
                self._remove_container(container)

    def _create(self, spec):
        from docker.types import Mount
        mounts = [
            Mount(
                target=f.container_path, source=str(f.host_path),
                type='bind', read_only=not f.writable)
            for f in spec.folders] if self.is_local else []
        mounts += [Mount(target=path, source=None) for path in spec.scratch]
        limits = {}  # and other settings that are not always given
        if spec.memory:
            # no swap beyond the limit: the limit is what the build gets
            limits.update(mem_limit=spec.memory, memswap_limit=spec.memory)
        if spec.cpus:
            limits['nano_cpus'] = int(spec.cpus * 1e9)
        if spec.hostname:
            limits['hostname'] = spec.hostname
        return self.client.containers.create(
            spec.image, spec.command, environment=spec.environment,
            mounts=mounts, labels={LABEL: 'run', **spec.labels},
            network_mode='host' if spec.network else 'none',
            cap_drop=['ALL'], cap_add=list(CAPABILITIES),
            security_opt=list(SECURITY_OPTIONS), detach=True, **limits)

    def copy_image(self, tag, destination):
        """
        Copy an image to another engine, so both have the same image ID.

        The image travels as the tar archive of `docker save`, streamed
        from one engine's API to the other's.
        """
        image = self._call(lambda: self.client.images.get(tag))
        # by this tag: an image built twice from the same layers has the
        # tags of both builds, and the first one may be the other's
        destination._call(lambda: destination.client.images.load(
            image.save(named=tag)))

    def remove_image(self, tag):
        """Remove an image if it exists."""
        import docker
        try:
            self.client.images.remove(tag, force=True)
        except docker.errors.ImageNotFound:
            pass
        except docker.errors.APIError as e:
            logger.warning(f"could not remove image '{tag}': {e}")

    def remove_labelled(self, labels):
        """
        Remove every container and image carrying all of the labels.

        :returns: the number of containers removed
        """
        filters = {'label': [f'{k}={v}' for k, v in labels.items()]}
        containers = self._call(lambda: self.client.containers.list(
            all=True, filters=filters))
        for container in containers:
            self._remove_container(container)
        for image in self._call(
                lambda: self.client.images.list(filters=filters)):
            self.remove_image(image.id)
        return len(containers)

    def run_labels(self):
        """Return the labels of every run that has containers or images."""
        filters = {'label': [RUN_LABEL]}
        runs = {}
        found = self._call(lambda: self.client.containers.list(
            all=True, filters=filters)) + self._call(
            lambda: self.client.images.list(filters=filters))
        for item in found:
            labels = item.labels or {}
            runs[labels[RUN_LABEL]] = labels
        return runs

    def _remove_container(self, container):
        import docker
        try:
            # with its scratch volumes
            container.remove(force=True, v=True)
        except docker.errors.NotFound:
            pass
        except Exception as e:  # noqa: B902
            logger.warning(
                f"could not remove container '{container.id[:12]}': {e}")

    @staticmethod
    def _call(function):
        """
        Call the Docker SDK; whatever fails there is an EngineError.

        An engine that goes away in the middle of a stream breaks it at the
        socket (OSError) or in urllib3.
        """
        import docker
        import requests
        import urllib3
        try:
            return function()
        except docker.errors.APIError as e:
            raise EngineError(f'Docker: {e.explanation or e}') from e
        except (docker.errors.DockerException,
                requests.exceptions.RequestException,
                urllib3.exceptions.HTTPError, OSError) as e:
            raise EngineError(f'Docker: {e}') from e


class _Watch:
    """Kill a container when it runs too long or is asked to stop."""

    def __init__(self, container, timeout, stop):  # noqa: D107
        self.timed_out = False
        self.stopped = False
        self._container = container
        self._deadline = None if not timeout else time.monotonic() + timeout
        self._stop = stop
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        while not self._finished.wait(WATCH_INTERVAL):
            if self._stop.is_set():
                self.stopped = True
            elif self._deadline and time.monotonic() > self._deadline:
                self.timed_out = True
            else:
                continue
            try:
                self._container.kill()
            except Exception:  # noqa: B902
                pass  # it ended meanwhile
            return

    def finish(self):
        """End the watch when the container ended by itself."""
        self._finished.set()
        self._thread.join()


def _inspect_context(name):
    """Return the Docker host and TLS settings of a Docker context."""
    import docker
    try:
        completed = subprocess.run(
            ['docker', 'context', 'inspect', name], capture_output=True,
            text=True)
    except FileNotFoundError:
        raise EngineError(
            f"cannot look up the Docker context '{name}' without the docker "
            'command') from None
    if completed.returncode:
        reason = (completed.stderr.strip().splitlines() or ['not found'])[0]
        raise EngineError(f"no Docker context '{name}': {reason}")
    context, = json.loads(completed.stdout)
    endpoint = context['Endpoints']['docker']
    material = context.get('TLSMaterial', {}).get('docker') or []
    if not material:
        return endpoint['Host'], False
    folder = Path(context['Storage']['TLSPath']) / 'docker'
    files = {name: str(folder / name) for name in material}
    client_cert = (files['cert.pem'], files['key.pem']) \
        if 'cert.pem' in files and 'key.pem' in files else None
    return endpoint['Host'], docker.tls.TLSConfig(
        client_cert=client_cert, ca_cert=files.get('ca.pem'),
        verify=not endpoint.get('SkipTLSVerify'))


def _short_reason(error):
    """
    Return the cause of a connection error in a few words.

    requests nests the socket's error deep in a long message: the socket's
    is the one that tells what happened.
    """
    text = str(error) or repr(error)
    errno = re.search(r'\[Errno -?\d+\] [^\'")]+', text)
    if errno:
        return errno.group(0).strip()
    os_error = re.search(r"\w+Error\(\d+, '([^']+)'\)", text)
    if os_error:
        return os_error.group(1)
    return text.splitlines()[0]


def _upload(container, folder):
    """Copy a host folder into a created container, as a tar archive."""
    with tempfile.TemporaryFile() as archive:
        with tarfile.open(fileobj=archive, mode='w') as tar:
            tar.add(
                str(folder.host_path),
                arcname=folder.container_path.strip('/'))
        archive.seek(0)
        container.put_archive('/', archive)


def _download(container, folder):
    """
    Copy what a container left in a folder back to the host.

    A bind mount of a local engine holds what the container wrote, and the
    host takes from it only what it expects, following no link.  The
    archive of a remote engine must hold no more than that: regular files
    and folders inside the folder.  Anything else (a link, a device, a
    FIFO, a path outside the folder) refuses the whole archive before any
    of it is written; links are never made on the host.
    """
    stream, _ = container.get_archive(folder.container_path)
    with tempfile.TemporaryFile() as archive:
        for chunk in stream:
            archive.write(chunk)
        archive.seek(0)
        try:
            with tarfile.open(fileobj=archive) as tar:
                members = _folder_members(tar, folder.container_path)
                tar.extractall(
                    str(folder.host_path), members=members, filter='data')
        except tarfile.TarError as e:
            raise UnsafeArchive(
                f'the archive of {folder.container_path} cannot be read: '
                f'{e}') from None


def _folder_members(tar, container_path):
    """
    Return the archive's members, named inside the folder.

    The archive holds the folder itself (its last path component): its
    contents go into the host folder.
    """
    top = PurePosixPath(container_path).name
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        name = '/'.join(parts[1:])
        if member.name.startswith('/') or not parts or parts[0] != top or \
                '..' in parts:
            kind = 'outside the folder'
        elif member.isdir() or member.isreg():
            if name:
                member.name = name
                members.append(member)
            continue
        else:
            kind = _KINDS.get(member.type, 'no regular file')
        raise UnsafeArchive(
            f'the remote engine sent back {container_path} with '
            f'{member.name!r}, {kind}: nothing of it is taken')
    return members


_KINDS = {
    tarfile.SYMTYPE: 'a symbolic link', tarfile.LNKTYPE: 'a hard link',
    tarfile.CHRTYPE: 'a device', tarfile.BLKTYPE: 'a device',
    tarfile.FIFOTYPE: 'a FIFO'}


def _pass_lines(stream, on_stdout, on_stderr):
    """Split the demultiplexed output stream into lines."""
    pending = {on_stdout: b'', on_stderr: b''}
    for stdout, stderr in stream:
        for data, callback in ((stdout, on_stdout), (stderr, on_stderr)):
            if not data:
                continue
            *lines, pending[callback] = (pending[callback] + data).split(
                b'\n')
            for line in lines:
                callback(line + b'\n')
    for callback, rest in pending.items():
        if rest:
            callback(rest + b'\n')

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The one place that talks to Docker.

Everything else describes what to run (image, command, environment, which
host folders go in and come out, limits) and gets exit codes and output
lines back, so that another engine, e.g. a remote one that cannot see the
host's folders, only has to change this module.
"""

from dataclasses import dataclass
from dataclasses import field
import os
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


class EngineError(RuntimeError):
    """The container engine failed or cannot be reached."""


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


@dataclass
class RunResult:
    """How a container ended."""

    exit_code: int
    timed_out: bool = False
    stopped: bool = False
    oom_killed: bool = False


class DockerEngine:
    """A Docker engine reached through the Docker SDK for Python."""

    def __init__(self, client=None):
        """
        Connect lazily: a dry run must not need a daemon.

        :param client: a docker.DockerClient, default from the environment
        """
        self._client = client

    @property
    def client(self):
        """The Docker client, connected on first use."""
        if self._client is None:
            self._client = self._connect(timeout=600)
        return self._client

    def _connect(self, *, timeout):
        import docker
        try:
            return docker.from_env(timeout=timeout)
        except docker.errors.DockerException as e:
            raise EngineError(self._unreachable(e)) from None

    def check(self):
        """Fail with one line, within seconds, when there is no daemon."""
        try:
            self._connect(timeout=3).ping()
        except EngineError:
            raise
        except Exception as e:  # noqa: B902
            raise EngineError(self._unreachable(e)) from None

    @staticmethod
    def _unreachable(error):
        host = os.environ.get('DOCKER_HOST', 'the local Docker socket')
        reason = str(error).splitlines()[0] if str(error) else repr(error)
        return (
            f'cannot reach the Docker daemon at {host} ({reason}); start it '
            '(e.g. `systemctl start docker`) or set DOCKER_HOST')

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

    def pull(self, image):
        """Pull an image; the error says why it cannot be had."""
        repository, _, tag = image.partition(':')
        self._call(lambda: self.client.images.pull(
            repository, tag=tag or 'latest'))

    def build_image(self, context_dir, tag, *, build_args, on_line):
        """Build an image and return its ID, streaming the build output."""
        api = self.client.api

        def build():
            image_id = None
            for chunk in api.build(
                path=str(context_dir), tag=tag, buildargs=build_args,
                network_mode='host', rm=True, forcerm=True, decode=True,
                labels={LABEL: 'builder'},
            ):
                for line in chunk.get('stream', '').splitlines():
                    if line.strip():
                        on_line(line)
                if 'error' in chunk:
                    raise EngineError(
                        f"building image '{tag}' failed: "
                        f"{chunk['error'].strip()}")
                image_id = chunk.get('aux', {}).get('ID', image_id)
            return image_id
        return self._call(build) or self.image_id(tag)

    def run(self, spec, *, on_stdout, on_stderr, timeout=None, stop=None):
        """
        Run a container to its end and say how it ended.

        The output is passed on line by line (as bytes) while it runs. The
        container is killed when `timeout` seconds pass or `stop` (an event)
        is set, and removed in every case.
        """
        stop = stop or threading.Event()
        container = None
        try:
            container = self._call(lambda: self._create(spec))
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
            for f in spec.folders]
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
            detach=True, **limits)

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
            container.remove(force=True)
        except docker.errors.NotFound:
            pass
        except Exception as e:  # noqa: B902
            logger.warning(
                f"could not remove container '{container.id[:12]}': {e}")

    @staticmethod
    def _call(function):
        """Call the Docker SDK; whatever fails there is an EngineError."""
        import docker
        import requests
        try:
            return function()
        except docker.errors.APIError as e:
            raise EngineError(f'Docker: {e.explanation or e}') from e
        except (docker.errors.DockerException,
                requests.exceptions.RequestException) as e:
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

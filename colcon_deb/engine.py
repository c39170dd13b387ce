# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The one place that talks to Docker.

Everything else describes what to run (image, command, environment, which
host folders go in and come out) and gets exit codes and output lines back,
so that another engine, e.g. a remote one that cannot see the host's
folders, only has to change this module.
"""

from dataclasses import dataclass
from dataclasses import field
import os
from pathlib import Path

from colcon_core.logging import colcon_logger

logger = colcon_logger.getChild(__name__)

# every container and image of colcon-deb carries this label
LABEL = 'colcon-deb'


class EngineError(RuntimeError):
    """The container engine failed or cannot be reached."""


@dataclass
class Folder:
    """A host folder made visible in the container."""

    host_path: Path
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
    name: str = None
    labels: dict = field(default_factory=dict)


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
            import docker
            try:
                self._client = docker.from_env(timeout=600)
            except docker.errors.DockerException as e:
                raise EngineError(self._unreachable(e)) from None
        return self._client

    def check(self):
        """Fail with one line when the daemon cannot be reached."""
        import docker
        try:
            self.client.ping()
        except (docker.errors.DockerException, OSError) as e:
            raise EngineError(self._unreachable(e)) from None

    @staticmethod
    def _unreachable(error):
        host = os.environ.get('DOCKER_HOST', 'the local Docker socket')
        return (
            f'cannot reach the Docker daemon at {host} ({error}); start it '
            '(e.g. `systemctl start docker`) or set DOCKER_HOST')

    def image_id(self, tag):
        """Return the ID of an image, or None when it does not exist."""
        import docker
        try:
            return self.client.images.get(tag).id
        except docker.errors.ImageNotFound:
            return None

    def build_image(self, context_dir, tag, *, build_args, on_line):
        """Build an image and return its ID, streaming the build output."""
        import docker
        api = self.client.api
        image_id = None
        try:
            for chunk in api.build(
                path=str(context_dir), tag=tag, buildargs=build_args,
                network_mode='host', rm=True, forcerm=True, decode=True,
                labels={LABEL: 'builder'},
            ):
                if 'stream' in chunk:
                    for line in chunk['stream'].splitlines():
                        if line.strip():
                            on_line(line)
                if 'error' in chunk:
                    raise EngineError(
                        f"building image '{tag}' failed: "
                        f"{chunk['error'].strip()}")
                if 'aux' in chunk and 'ID' in chunk['aux']:
                    image_id = chunk['aux']['ID']
        except docker.errors.APIError as e:
            raise EngineError(
                f"building image '{tag}' failed: {e.explanation}") from None
        return image_id or self.image_id(tag)

    def run(self, spec, *, on_stdout, on_stderr):
        """
        Run a container to its end and return its exit code.

        The output is passed on line by line (as bytes) while it runs. The
        container is removed in every case, also when the caller is
        interrupted.
        """
        import docker
        from docker.types import Mount
        mounts = [
            Mount(
                target=f.container_path, source=str(f.host_path),
                type='bind', read_only=not f.writable)
            for f in spec.folders]
        container = None
        try:
            container = self.client.containers.create(
                spec.image, spec.command, environment=spec.environment,
                mounts=mounts, name=spec.name,
                labels={LABEL: 'run', **spec.labels},
                network_mode='host' if spec.network else 'none',
                detach=True)
            stream = self.client.api.attach(
                container.id, stdout=True, stderr=True, stream=True,
                logs=True, demux=True)
            container.start()
            _pass_lines(stream, on_stdout, on_stderr)
            return container.wait()['StatusCode']
        except docker.errors.APIError as e:
            raise EngineError(
                f"container of image '{spec.image}': {e.explanation}"
            ) from None
        finally:
            if container is not None:
                _remove(container)


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


def _remove(container):
    import docker
    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        pass
    except docker.errors.APIError as e:
        logger.warning(f"could not remove container '{container.id}': {e}")

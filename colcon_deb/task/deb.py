# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The job of one package: build its deb in a container and publish it."""

import asyncio
from functools import partial
import json
import os
from pathlib import Path
import shutil
import tempfile

from colcon_core.event.output import StderrLine
from colcon_core.event.output import StdoutLine
from colcon_core.logging import colcon_logger
from colcon_core.plugin_system import satisfies_version
from colcon_core.task import TaskExtensionPoint
from colcon_deb import repository
from colcon_deb.engine import ContainerSpec
from colcon_deb.engine import Folder

logger = colcon_logger.getChild(__name__)

PHASE_MARKER = b'@colcon-deb phase='

# what the exit codes of build_package.py mean
FAILURES = {3: 'while installing its dependencies', 4: 'while building',
            5: 'while packaging'}


class DebTask(TaskExtensionPoint):
    """
    Build the deb of a package inside a container of the builder image.

    One task serves every supported build type: the container script picks
    the build tool from the type, the rest is the same for all.
    """

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(TaskExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')

    async def deb(self, *args, **kwargs):  # noqa: D102
        package_args = self.context.args
        run = package_args.run
        work = Path(tempfile.mkdtemp(
            prefix=f'{self.context.pkg.name}-', dir=run.work_base))
        try:
            rc = await self._build(package_args, work)
            if rc:
                return rc
            self.progress('publish')
            for deb in sorted(work.glob('*.deb')):
                repository.replace_package(run.deb_base, deb)
            repository.write_index(run.deb_base)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0

    async def _build(self, package_args, work):
        run = package_args.run
        spec = ContainerSpec(
            image=run.image,
            command=['python3', '/opt/colcon-deb/build_package.py'],
            environment={
                'COLCON_DEB_SPEC': json.dumps(package_args.spec),
                'HOST_USER': f'{os.getuid()}:{os.getgid()}',
            },
            folders=[
                Folder(Path(package_args.path), '/src'),
                Folder(run.deb_base, '/repo'),
                Folder(work, '/out', writable=True)],
            labels={**run.labels, 'colcon-deb.package': self.context.pkg.name})
        loop = asyncio.get_running_loop()
        rc = await loop.run_in_executor(None, partial(
            run.engine.run, spec, on_stdout=self._on_stdout,
            on_stderr=self._on_stderr))
        if rc:
            cause = FAILURES.get(rc, f'in its container (exit code {rc})')
            self._on_stderr(
                f"colcon-deb: '{self.context.pkg.name}' failed "
                f'{cause}\n'.encode())
        return rc

    def _on_stdout(self, line):
        if line.startswith(PHASE_MARKER):
            self.progress(line[len(PHASE_MARKER):].decode().strip())
        else:
            self.context.put_event_into_queue(StdoutLine(line))

    def _on_stderr(self, line):
        self.context.put_event_into_queue(StderrLine(line))

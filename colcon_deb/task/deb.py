# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The job of one package: build its deb in containers and publish it."""

import asyncio
from dataclasses import dataclass
from functools import partial
import itertools
import json
import os
from pathlib import Path
import shutil
import tempfile
import threading
import time

from colcon_core.event.output import StderrLine
from colcon_core.event.output import StdoutLine
from colcon_core.logging import colcon_logger
from colcon_core.plugin_system import satisfies_version
from colcon_core.task import TaskExtensionPoint
from colcon_deb import repository
from colcon_deb.engine import ContainerSpec
from colcon_deb.engine import EngineError
from colcon_deb.engine import Folder
from colcon_deb.event import DebPublished
from colcon_deb.event import PackageCached
from colcon_deb.event import PackageFailure
from colcon_deb.event import PackageRetry

logger = colcon_logger.getChild(__name__)

PHASE_MARKER = b'@colcon-deb phase='
SCRIPT = '/opt/colcon-deb/build_package.py'

# what the exit codes of build_package.py mean, and whether trying again
# can help: a failed download can succeed the next time, a compiler error
# cannot
EXIT_CODES = {
    3: ('installing its dependencies failed', True),
    4: ('building failed', False),
    5: ('packaging failed', False),
    # SIGKILL and SIGTERM from outside the container
    137: ('its container was killed', True),
    143: ('its container was terminated', True),
}


@dataclass
class Outcome:
    """How one attempt at building a package ended."""

    deb_folder: Path = None
    reason: str = None
    retryable: bool = False


class DebTask(TaskExtensionPoint):
    """
    Build the deb of a package inside containers of the builder image.

    One task serves every supported build type: the container script picks
    the build tool from the type, the rest is the same for all.
    """

    def __init__(self):  # noqa: D107
        super().__init__()
        satisfies_version(TaskExtensionPoint.EXTENSION_POINT_VERSION, '^1.0')

    async def deb(self, *args, **kwargs):  # noqa: D102
        run = self.context.args.run
        key = self.context.args.cache_key
        self.progress('cache check')
        cached = run.cache.lookup(key)
        if cached:
            return self._reuse(cached)
        name = self.context.pkg.name
        work = Path(tempfile.mkdtemp(prefix=f'{name}-', dir=run.work_dir))
        try:
            outcome = await self._build_with_retries(work)
            if outcome.reason:
                return self._fail(outcome.reason)
            self.progress('publish')
            for deb in sorted(outcome.deb_folder.glob('*.deb')):
                run.cache.store(key, deb)
                size = deb.stat().st_size
                path = repository.replace_package(run.deb_base, deb)
                self.context.put_event_into_queue(
                    DebPublished(name, str(path), size))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0

    def _reuse(self, cached):
        """Publish the cached deb; no container starts."""
        run = self.context.args.run
        name = self.context.pkg.name
        key = self.context.args.cache_key
        self.context.put_event_into_queue(StdoutLine(
            f'colcon-deb: {name} is unchanged, using its cached deb '
            f'(key {key.full[:12]})\n'.encode()))
        self.context.put_event_into_queue(PackageCached(name, key.full))
        run.cached.add(name)
        self.progress('publish')
        path = repository.publish(run.deb_base, cached)
        self.context.put_event_into_queue(
            DebPublished(name, str(path), path.stat().st_size))
        return 0

    async def _build_with_retries(self, work):
        run = self.context.args.run
        attempt = 1
        while True:
            out = work / f'attempt-{attempt}'
            out.mkdir()
            outcome = await self._attempt_on_an_engine(out)
            if not outcome.reason or not outcome.retryable or \
                    attempt > run.retries or run.stop.is_set():
                return outcome
            run.record_retry(self.context.pkg.name, outcome.reason)
            self.context.put_event_into_queue(PackageRetry(
                self.context.pkg.name, attempt + 1, outcome.reason))
            self._stderr(
                f"colcon-deb: '{self.context.pkg.name}': {outcome.reason}; "
                f'trying again in {run.retry_delay:g} s '
                f'(retry {attempt} of {run.retries})')
            await asyncio.sleep(run.retry_delay)
            attempt += 1

    async def _attempt_on_an_engine(self, out):
        """
        Build on an engine with a free place; move when that engine is gone.

        A lost engine is no fault of the package, so moving to another one
        is not one of its retries.
        """
        engines = self.context.args.run.engines
        name = self.context.pkg.name
        for move in itertools.count():
            try:
                engine = await engines.acquire()
            except EngineError as e:
                return Outcome(reason=str(e))
            folder = out / f'engine-{move}'
            folder.mkdir()
            if len(engines.engines) > 1:
                self._on_stdout(
                    f'colcon-deb: building on {engine.name}\n'.encode())
            try:
                outcome = await self._attempt(folder, engine)
            except EngineError as e:
                # in a container or around it: the engine's trouble, which
                # trying again may not have
                outcome = Outcome(reason=str(e), retryable=True)
            finally:
                engines.release(engine)
            if outcome.retryable and await self._in_thread(
                    engines.lose_if_gone, engine, name):
                self._stderr(
                    f"colcon-deb: '{name}': the Docker engine {engine.name} "
                    'is gone; building it on another engine')
                continue
            if not outcome.reason:
                engines.record_built(engine, name)
            return outcome

    async def _attempt(self, out, engine):
        """
        Download the dependencies with network, then build without.

        Only the download may reach the package mirror; the build container
        installs from what was downloaded.  Without anything to download
        (workspace debs, packages the image has), there is no download.
        Only the workspace debs it installs go into the containers.
        """
        package_args = self.context.args
        run = package_args.run
        deadline = None if not run.timeout else time.monotonic() + run.timeout
        self.progress('dependencies')
        # the workspace debs as they are in the output folder now
        workspace_debs, system = repository.dependency_closure(
            run.deb_base, package_args.spec['workspace_dependencies'],
            package_args.spec['install'])
        missing = sorted(system - run.installed)
        self._spec = dict(
            package_args.spec, workspace_debs=workspace_debs, install=missing,
            jobs=await self._in_thread(engine.cpus))
        repo = out / 'repo'
        repository.link_debs(run.deb_base, workspace_debs, repo)
        archives = out / 'archives'
        archives.mkdir()
        folders = [
            Folder(repo, '/repo'),
            Folder(archives, '/archives', writable=True)]
        if missing:
            outcome = await self._run(engine, ContainerSpec(
                image=run.image, command=['python3', SCRIPT, 'download'],
                folders=folders, network=True, **self._common()), deadline)
            if outcome.reason:
                return outcome
        debs = out / 'debs'
        debs.mkdir()
        outcome = await self._run(engine, ContainerSpec(
            image=run.image, command=['python3', SCRIPT, 'build'],
            folders=folders + [
                Folder(Path(package_args.path), '/src'),
                Folder(debs, '/out', writable=True)],
            network=False, hostname='colcon-deb', **self._common()),
            deadline)
        outcome.deb_folder = debs
        return outcome

    def _common(self):
        """Return what both containers of a package share."""
        run = self.context.args.run
        return {
            'environment': {
                'COLCON_DEB_SPEC': json.dumps(self._spec),
                'HOST_USER': f'{os.getuid()}:{os.getgid()}',
            },
            'labels': {
                **run.labels, 'colcon-deb.package': self.context.pkg.name},
            'memory': run.memory,
            'cpus': run.cpus,
        }

    async def _run(self, engine, spec, deadline):
        """Run one container and tell how it went."""
        run = self.context.args.run
        timeout = None if deadline is None else max(
            0.1, deadline - time.monotonic())
        stop = threading.Event()
        try:
            result = await self._in_thread(partial(
                engine.run, spec, on_stdout=self._on_stdout,
                on_stderr=self._on_stderr, timeout=timeout,
                stop=EitherEvent(stop, run.stop)))
        except asyncio.CancelledError:
            # colcon's executor gave up on this job: so does its container
            stop.set()
            raise
        if result.stopped:
            return Outcome(reason='interrupted')
        if result.timed_out:
            return Outcome(
                reason=f'timed out after {run.timeout:g} s '
                       '(--package-timeout)', retryable=True)
        if result.oom_killed:
            return Outcome(
                reason=f'out of memory (--memory {run.memory})'
                if run.memory else 'out of memory', retryable=True)
        if result.exit_code:
            reason, retryable = EXIT_CODES.get(result.exit_code, (
                f'its container exited with code {result.exit_code}', False))
            return Outcome(reason=reason, retryable=retryable)
        return Outcome()

    async def _in_thread(self, function, *args):
        """Run blocking Docker calls without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, function, *args)

    def _fail(self, reason):
        name = self.context.pkg.name
        self.context.args.run.record_failure(name, reason)
        self.context.put_event_into_queue(PackageFailure(name, reason))
        self._stderr(f"colcon-deb: '{name}' failed: {reason}")
        return 1

    def _stderr(self, message):
        self._on_stderr(message.encode() + b'\n')

    def _on_stdout(self, line):
        if line.startswith(PHASE_MARKER):
            self.progress(line[len(PHASE_MARKER):].decode().strip())
        else:
            self.context.put_event_into_queue(StdoutLine(line))

    def _on_stderr(self, line):
        self.context.put_event_into_queue(StderrLine(line))


class EitherEvent:
    """Set when either of two events is: the job's or the run's stop."""

    def __init__(self, *events):  # noqa: D107
        self._events = events

    def is_set(self):
        """Tell whether one of the events is set."""
        return any(event.is_set() for event in self._events)

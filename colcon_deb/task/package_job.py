# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The job of one package: build its deb in containers and publish it."""

import asyncio
from dataclasses import dataclass
from functools import partial
import itertools
import os
from pathlib import Path
import shutil
import tempfile
import threading
import time

from colcon_core.event.job import JobProgress
from colcon_core.event.output import StderrLine
from colcon_core.event.output import StdoutLine
from colcon_core.logging import colcon_logger
from colcon_deb.container import contract
from colcon_deb.container.contract import Mount
from colcon_deb.container.contract import Phase
from colcon_deb.debian.built_deb import check_data
from colcon_deb.debian.built_deb import take_built_debs
from colcon_deb.debian.built_deb import UnexpectedOutput
from colcon_deb.docker.engine import ContainerSpec
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import Folder
from colcon_deb.docker.engine import UnsafeArchive
from colcon_deb.event import DebPublished
from colcon_deb.event import EngineLost
from colcon_deb.event import PackageBuiltOn
from colcon_deb.event import PackageCached
from colcon_deb.event import PackageFailure
from colcon_deb.event import PackagePlatform
from colcon_deb.event import PackageRetry
from colcon_deb.repository import RepositoryError
from colcon_deb.task import BuildTarget
from debian.deb822 import Deb822

logger = colcon_logger.getChild(__name__)


@dataclass
class Outcome:
    """How one attempt at building a package ended."""

    deb_folder: Path = None
    reason: str = None
    retryable: bool = False


class PackageJob:
    """
    The job of one package, the same for every build type.

    The cache check, the containers on an engine with a free place, retries,
    moving off a lost engine and publishing; the build type's task says
    only how the package builds.  What happens is told as events.
    """

    def __init__(self, task):  # noqa: D107
        self.task = task
        self.context = task.context
        self.args = task.context.args
        self.run = self.args.run
        # the job's identifier: with several platforms, not the package's
        # name alone
        self.name = self.args.identifier
        # debian/changelog, made when the deb is built (see deb)
        self.changelog = None

    def progress(self, phase):
        """Tell the package's phase, as colcon's task would for its job."""
        self.post(JobProgress(self.name, phase))

    def post(self, event):
        """Put an event into colcon's event queue."""
        self.context.put_event_into_queue(event)

    async def deb(self):
        """
        Build the debs, or reuse the cached ones, and publish them.

        The cache was looked up when the run made its jobs: whether a job
        only publishes cached debs decides where it runs (see
        colcon_deb.verb.deb.execute_deb_jobs).

        The package's deb and, when it has binaries, the deb of their
        debug symbols: both are cached, whether or not the run publishes
        the latter (--no-dbgsym), so the option changes no cache key.
        """
        run = self.run
        key = self.args.cache_key
        self.post(PackagePlatform(
            self.name, run.platform.name, run.engines.emulated))
        self.progress(Phase.CACHE_CHECK)
        if self.args.cached:
            return self._reuse(self.args.cached)
        try:
            self.changelog = self.args.changelog()
        except ValueError as e:
            return self._fail(str(e))
        work = Path(tempfile.mkdtemp(prefix=f'{self.name}-', dir=run.work_dir))
        try:
            outcome = await self._build_with_retries(work)
            if outcome.reason:
                return self._fail(outcome.reason)
            try:
                debs = self._take_debs(outcome.deb_folder)
                configuration = check_data(
                    debs[0], run.settings.prefix,
                    deb_name=self.args.deb_name)
                for dbgsym in debs[1:]:
                    check_data(
                        dbgsym, run.settings.prefix,
                        dbgsym=self.args.dbgsym_name)
            except UnexpectedOutput as e:
                return self._fail(str(e))
            if configuration:
                logger.warning(
                    f"'{self.name}' installs configuration files outside "
                    'the prefix (dpkg keeps them as conffiles): '
                    f"{', '.join(configuration)}")
            self.progress(Phase.PUBLISH)
            run.cache.store(key, debs)
            return self._publish(debs, configuration)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _take_debs(self, folder):
        """Take the debs the plan expects from what the container left."""
        return take_built_debs(
            folder, package=self.args.deb_name,
            version=Deb822(self.args.control)['Version'],
            architectures=(self.run.target.architecture, 'all'),
            dbgsym=self.args.dbgsym_name)

    def _reuse(self, cached):
        """Publish the cached debs; no container starts."""
        key = self.args.cache_key
        self.post(StdoutLine(
            f'colcon-deb: {self.name} is unchanged, using its cached deb '
            f'(key {key.full[:12]})\n'.encode()))
        self.post(PackageCached(self.name, key.full))
        self.progress(Phase.PUBLISH)
        return self._publish(cached)

    def _publish(self, debs, configuration=()):
        """
        Make the output folder's index name the debs.

        The package's first: the deb of its debug symbols depends on it.
        That one is left out with --no-dbgsym.
        """
        if not self.run.settings.dbgsym:
            debs = debs[:1]
        repository = self.run.repository
        try:
            for deb in debs:
                path = repository.publish(deb)
                debug_symbols = deb is not debs[0]
                self.post(DebPublished(
                    self.name, str(path), path.stat().st_size,
                    () if debug_symbols else configuration,
                    debug_symbols=debug_symbols))
                if len(debs) == 1:
                    # one published before would depend on an older deb
                    repository.withdraw(
                        self.args.dbgsym_name,
                        path.name[:-len('.deb')].rsplit('_', 1)[-1])
        except RepositoryError as e:
            return self._fail(str(e))
        return 0

    async def _build_with_retries(self, work):
        settings = self.run.settings
        attempt = 1
        while True:
            out = work / f'attempt-{attempt}'
            out.mkdir()
            outcome = await self._attempt_on_an_engine(out)
            if not outcome.reason or not outcome.retryable or \
                    attempt > settings.retries or self.run.stop.is_set():
                return outcome
            self.post(PackageRetry(self.name, attempt + 1, outcome.reason))
            self._stderr(
                f"colcon-deb: '{self.name}': {outcome.reason}; "
                f'trying again in {settings.retry_delay:g} s '
                f'(retry {attempt} of {settings.retries})')
            await asyncio.sleep(settings.retry_delay)
            attempt += 1

    async def _attempt_on_an_engine(self, out):
        """
        Build on an engine with a free place; move when that engine is gone.

        A lost engine is no fault of the package, so moving to another one
        is not one of its retries.
        """
        engines = self.run.engines
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
            if outcome.retryable:
                lost = await _in_thread(engines.lose_if_gone, engine)
                if lost:
                    self.post(EngineLost(self.name, engine.name, lost))
                    self._stderr(
                        f"colcon-deb: '{self.name}': the Docker engine "
                        f'{engine.name} is gone; building it on another '
                        'engine')
                    continue
            if not outcome.reason:
                self.post(PackageBuiltOn(self.name, engine.name))
            return outcome

    async def _attempt(self, out, engine):
        """
        Build in a container of the package's dependency image.

        The system packages it needs are in that image (made when missing,
        see colcon_deb.docker.dependency_image); the container gets the
        workspace debs it needs, which it unpacks, and no network.
        """
        run = self.run
        timeout = run.settings.package_timeout
        deadline = None if not timeout else time.monotonic() + timeout
        self.progress(Phase.DEPENDENCIES)
        # the workspace debs as they are in the output folder now
        workspace_debs, system = run.repository.dependency_closure(
            self.args.workspace_dependencies, self.args.install,
            architecture=run.target.architecture)
        try:
            image = await run.dependency_images.image_for(
                engine, sorted(system - run.target.installed),
                on_line=lambda line: self._on_stdout(
                    line.encode() + b'\n'))
        except EngineError as e:
            return Outcome(
                reason=f'{contract.EXIT_DEPENDENCIES.reason}: {e}',
                retryable=True)
        ccache = self._ccache_folders(engine)
        spec = self._job_spec(
            workspace_debs=workspace_debs,
            jobs=await _in_thread(engine.cpus), ccache=bool(ccache))
        repo = out / 'repo'
        run.repository.link_debs(workspace_debs, repo)
        debs = out / 'debs'
        debs.mkdir()
        outcome = await self._run(engine, ContainerSpec(
            image=image,
            command=['python3', contract.BUILD_SCRIPT, contract.BUILD],
            folders=[
                Folder(repo, Mount.REPO),
                Folder(Path(self.args.path), Mount.SOURCE),
                Folder(debs, Mount.OUT, writable=True), *ccache],
            network=False, hostname='colcon-deb',
            scratch=[contract.WORK_FOLDER], **self._common(spec)),
            deadline)
        outcome.deb_folder = debs
        return outcome

    def _ccache_folders(self, engine):
        """
        Return the compiler cache folder for the build container, if any.

        It is a folder of this host, which an engine elsewhere cannot see.
        """
        folder = self.run.settings.ccache
        if not folder or not engine.is_local:
            return []
        return [Folder(folder, Mount.CCACHE, writable=True)]

    def _job_spec(self, *, workspace_debs, jobs, ccache=False):
        """Describe the package's deb and build for its containers."""
        settings = self.run.settings
        target = BuildTarget(
            prefix=settings.prefix,
            stage_root=contract.stage_root(self.args.deb_name),
            python_version=self.run.target.python_version, jobs=jobs,
            compiler_launcher=contract.COMPILER_LAUNCHER if ccache else None)
        return contract.JobSpec(
            name=self.context.pkg.name, deb_name=self.args.deb_name,
            prefix=settings.prefix, ros_distro=settings.ros_distro,
            ros_version=self.args.ros_version, control=self.args.control,
            copyright_text=self.args.copyright_text, changelog=self.changelog,
            steps=self.task.build_steps(self.args.options, target),
            workspace_debs=workspace_debs,
            source_date_epoch=self.args.source_date_epoch,
            dbgsym_name=self.args.dbgsym_name, ccache=ccache,
            ccache_max_size=settings.ccache_max_size or '')

    def _common(self, spec):
        """Return the environment, labels and limits of its container."""
        run = self.run
        return {
            'environment': {
                contract.JOB_VARIABLE: spec.to_json(),
                contract.HOST_USER_VARIABLE: f'{os.getuid()}:{os.getgid()}',
            },
            'labels': {**run.labels, 'colcon-deb.package': self.name},
            'memory': run.settings.memory,
            'cpus': run.settings.cpus,
        }

    async def _run(self, engine, spec, deadline):
        """Run one container and tell how it went."""
        settings = self.run.settings
        timeout = None if deadline is None else max(
            0.1, deadline - time.monotonic())
        stop = threading.Event()
        try:
            result = await _in_thread(partial(
                engine.run, spec, on_stdout=self._on_stdout,
                on_stderr=self._on_stderr, timeout=timeout,
                stop=EitherEvent(stop, self.run.stop)))
        except asyncio.CancelledError:
            # colcon's executor gave up on this job: so does its container
            stop.set()
            raise
        except UnsafeArchive as e:
            # what its build left is refused: trying again gets it again
            return Outcome(reason=str(e))
        if result.stopped:
            return Outcome(reason='interrupted')
        if result.timed_out:
            return Outcome(
                reason=f'timed out after {settings.package_timeout:g} s '
                       '(--package-timeout)', retryable=True)
        if result.oom_killed:
            return Outcome(
                reason=f'out of memory (--memory {settings.memory})'
                if settings.memory else 'out of memory', retryable=True)
        if result.exit_code:
            meaning = contract.exit_code(result.exit_code)
            return Outcome(reason=meaning.reason, retryable=meaning.retryable)
        return Outcome()

    def _fail(self, reason):
        self.post(PackageFailure(self.name, reason))
        self._stderr(f"colcon-deb: '{self.name}' failed: {reason}")
        return 1

    def _stderr(self, message):
        self._on_stderr(message.encode() + b'\n')

    def _on_stdout(self, line):
        phase = contract.announced_phase(line)
        if phase is not None:
            self.progress(phase)
        else:
            self.post(StdoutLine(line))

    def _on_stderr(self, line):
        self.post(StderrLine(line))


async def _in_thread(function, *args):
    """Run blocking Docker calls without blocking the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, function, *args)


class EitherEvent:
    """Set when either of two events is: the job's or the run's stop."""

    def __init__(self, *events):  # noqa: D107
        self._events = events

    def is_set(self):
        """Tell whether one of the events is set."""
        return any(event.is_set() for event in self._events)

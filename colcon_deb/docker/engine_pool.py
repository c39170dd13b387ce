# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The Docker engines of a run, and which one builds the next package.

colcon's executor decides which packages build at once; each of them takes
a place on the engine with the most free places, and gives it back when
its containers are done.  An engine that goes away takes no more work; the
packages it was building are built again on another.
"""

import asyncio
import re
import threading

from colcon_core.logging import colcon_logger
from colcon_deb.docker.engine import DockerEngine
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import EngineUnreachable

logger = colcon_logger.getChild(__name__)

# how often a job waiting for a free place looks again
WAIT_INTERVAL = 0.2


def parse_docker_host(value):
    """
    Split `ENGINE[=JOBS]` into the engine and the number of jobs (or None).

    The engine is a URL or the name of a Docker context.

    :raises ValueError: when it is neither or the number is not positive
    """
    url, sep, jobs = value.rpartition('=')
    if not sep or not jobs.isdigit():
        url, jobs = value, None
    if '://' not in url and not re.fullmatch(r'\w[\w.+-]*', url):
        raise ValueError(
            f"'{value}' is no engine URL (unix://, tcp:// or ssh://) or "
            'Docker context name, optionally followed by =JOBS')
    if jobs is not None and int(jobs) < 1:
        raise ValueError(f"'{value}' gives no engine work: JOBS must be >= 1")
    return url, None if jobs is None else int(jobs)


def docker_engines(docker_hosts):
    """
    Return the engines the --docker-host options name.

    Without any, the one engine of the environment: DOCKER_HOST, else the
    local socket.
    """
    if not docker_hosts:
        return [DockerEngine()]
    engines, urls = [], set()
    for value in docker_hosts:
        url, jobs = parse_docker_host(value)
        if url in urls:
            raise ValueError(f"'{url}' is given twice")
        urls.add(url)
        engines.append(DockerEngine(url, jobs=jobs))
    return engines


def check_engines(engines, *, keep_going):
    """
    Check that every engine answers; return those that do.

    An engine that does not is an error, or with `keep_going` a warning
    while another one answers.
    """
    reachable = []
    for engine in engines:
        try:
            engine.check()
        except EngineError as e:
            if not keep_going:
                raise
            logger.warning(f'{e}: building without it')
        else:
            reachable.append(engine)
    if not reachable:
        raise EngineError(
            'no Docker engine can be reached: ' +
            ', '.join(engine.name for engine in engines))
    return reachable


class EnginePool:
    """The engines of one run and their free places."""

    def __init__(self, engines):  # noqa: D107
        self.engines = list(engines)
        # engine -> why it was given up
        self.lost = {}
        self._busy = dict.fromkeys(self.engines, 0)
        self._lock = threading.Lock()

    @property
    def primary(self):
        """The engine that runs the steps of the run as a whole."""
        return self.usable()[0]

    def usable(self):
        """Return the engines not given up, in the order they were given."""
        with self._lock:
            usable = [e for e in self.engines if e not in self.lost]
        if not usable:
            raise EngineError('no Docker engine is left: ' + '; '.join(
                f'{e.name}: {reason}' for e, reason in self.lost.items()))
        return usable

    def capacity(self):
        """Return how many packages the engines build at once, together."""
        if len(self.engines) == 1 and self.engines[0].url is None:
            # colcon's --parallel-workers alone decides, as for colcon build
            return None
        return sum(engine.jobs() for engine in self.usable())

    def for_platform(self, platform):
        """
        Return the engines that build for a platform.

        Those whose host runs the platform natively; without one, every
        engine, under QEMU user emulation.
        """
        usable = self.usable()
        native = [
            e for e in usable if platform.runs_natively_on(e.machine())]
        return PlatformEngines(
            self, platform, native or usable, emulated=not native)

    async def acquire(self, among=None):
        """
        Wait for a free place, take it, and return its engine.

        :param among: the engines that may take it, default any
        """
        while True:
            engine = self._take(among)
            if engine is not None:
                return engine
            await asyncio.sleep(WAIT_INTERVAL)

    def _take(self, among=None):
        limited = self.capacity() is not None
        candidates = self.usable()
        if among is not None:
            candidates = [e for e in candidates if e in among]
            if not candidates:
                raise EngineError(
                    'no Docker engine for it is left: ' + '; '.join(
                        f'{e.name}: {self.lost.get(e, "?")}' for e in among))
        with self._lock:
            free = [
                e for e in candidates
                if not limited or self._busy[e] < e.jobs()]
            if not free:
                return None
            engine = min(free, key=lambda e: (
                self._busy[e] / e.jobs() if limited else self._busy[e]))
            self._busy[engine] += 1
            return engine

    def release(self, engine):
        """Give the place back."""
        with self._lock:
            self._busy[engine] -= 1

    def lose_if_gone(self, engine):
        """
        Give the engine up when it no longer answers.

        :returns: why it is gone, in a few words, or None while it answers
        """
        try:
            engine.check()
        except EngineUnreachable as e:
            with self._lock:
                self.lost.setdefault(engine, e.reason)
            return e.reason
        return None


class PlatformEngines:
    """
    The engines of a run that build for one platform.

    The jobs of the platform's packages take their places through it,
    as they would from the whole pool.
    """

    def __init__(self, pool, platform, engines, *, emulated):  # noqa: D107
        self.pool = pool
        self.platform = platform
        self.engines = list(engines)
        # whether they run the platform's programs under QEMU
        self.emulated = emulated

    @property
    def primary(self):
        """The engine that makes the platform's builder image, resolves."""
        usable = self.pool.usable()
        for engine in self.engines:
            if engine in usable:
                return engine
        raise EngineError(
            f'no Docker engine for {self.platform.name} is left')

    async def acquire(self):
        """Wait for a free place on one of the engines, take it."""
        return await self.pool.acquire(among=self.engines)

    def release(self, engine):
        """Give the place back."""
        self.pool.release(engine)

    def lose_if_gone(self, engine):
        """Give the engine up when it no longer answers."""
        return self.pool.lose_if_gone(engine)

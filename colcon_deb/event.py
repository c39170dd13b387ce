# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The events of colcon-deb, beside colcon's own job events.

They travel through colcon's event reactor like colcon's events, so that
event handlers (progress, metrics, reports) learn what colcon's job events
cannot tell: the run's phases, which deb a job published, why a job was
tried again or failed.
colcon's own handlers ignore them.  A package's phase is colcon's
`JobProgress` with one of `contract.PACKAGE_PHASES` as its message.

They are the only record of what happened in a run: the summary, the
metrics and the reports are all folded from them.
"""

import time

# the phases of a run before its jobs start; then it is BUILDING until
# the event reactor shuts down (debs are published as their jobs end)
DISCOVERING = 'discovering'
PLANNING = 'planning'
RESOLVING_DEPENDENCIES = 'resolving dependencies'
BUILDING = 'building'
RUN_PHASES = (DISCOVERING, PLANNING, RESOLVING_DEPENDENCIES, BUILDING)


class RunPhase:
    """The run entered a phase at a time; posted without a job."""

    __slots__ = ('name', 'timestamp')

    def __init__(self, name, timestamp=None):  # noqa: D107
        self.name = name
        self.timestamp = time.time() if timestamp is None else timestamp


class DebPublished:
    """
    A job put a deb into the repository.

    With the configuration files the deb installs (under /etc, outside
    the prefix), when it was built in this run: the user should know them.
    A package publishes its own deb, then maybe the deb of its debug
    symbols (`debug_symbols`).
    """

    __slots__ = (
        'identifier', 'path', 'size', 'configuration', 'debug_symbols')

    def __init__(  # noqa: D107
        self, identifier, path, size, configuration=(), *,
        debug_symbols=False,
    ):
        self.identifier = identifier
        self.path = path
        self.size = size
        self.configuration = tuple(configuration)
        self.debug_symbols = debug_symbols


class PackageFailure:
    """Why a job failed, in one line."""

    __slots__ = ('identifier', 'reason')

    def __init__(self, identifier, reason):  # noqa: D107
        self.identifier = identifier
        self.reason = reason


class PackageRetry:
    """A job tries its package again after a failure that may pass."""

    __slots__ = ('identifier', 'attempt', 'reason')

    def __init__(self, identifier, attempt, reason):  # noqa: D107
        self.identifier = identifier
        self.attempt = attempt
        self.reason = reason


class PackageCached:
    """A job reused the package's cached deb instead of building it."""

    __slots__ = ('identifier', 'key')

    def __init__(self, identifier, key):  # noqa: D107
        self.identifier = identifier
        self.key = key


class RunEngines:
    """The Docker engines a run builds on; posted without a job."""

    __slots__ = ('names', )

    def __init__(self, names):  # noqa: D107
        self.names = tuple(names)


class PackagePlatform:
    """
    The platform a job builds its package for.

    With whether its engines run the platform under QEMU, which is
    several times slower than natively.
    """

    __slots__ = ('identifier', 'platform', 'emulated')

    def __init__(self, identifier, platform, emulated):  # noqa: D107
        self.identifier = identifier
        self.platform = platform
        self.emulated = emulated


class PackageBuiltOn:
    """A job built its package on a Docker engine."""

    __slots__ = ('identifier', 'engine')

    def __init__(self, identifier, engine):  # noqa: D107
        self.identifier = identifier
        self.engine = engine


class EngineLost:
    """A Docker engine stopped answering; a job moves off it."""

    __slots__ = ('identifier', 'engine', 'reason')

    def __init__(self, identifier, engine, reason):  # noqa: D107
        self.identifier = identifier
        self.engine = engine
        self.reason = reason

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The events of colcon-deb, beside colcon's own job events.

They travel through colcon's event reactor like colcon's events, so that
event handlers (progress, metrics, reports) learn what colcon's job events
cannot tell: which deb a job published, why it failed.
colcon's own handlers ignore them.  A package's phase is colcon's
`JobProgress` with one of PACKAGE_PHASES as its message.
"""

# the phases of a package job, in order, as JobProgress messages
PACKAGE_PHASES = ('dependencies', 'build', 'package', 'publish')


class DebPublished:
    """A job put its deb into the repository."""

    __slots__ = ('identifier', 'path', 'size')

    def __init__(self, identifier, path, size):  # noqa: D107
        self.identifier = identifier
        self.path = path
        self.size = size


class PackageFailure:
    """Why a job failed, in one line."""

    __slots__ = ('identifier', 'reason')

    def __init__(self, identifier, reason):  # noqa: D107
        self.identifier = identifier
        self.reason = reason

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""What the event handler tests share: a hand-moved clock, a fake job."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now=1000.0):  # noqa: D107
        self.now = now

    def __call__(self):
        """Tell the time the test set."""
        return self.now


class FakeJob:
    """What handlers use of colcon's Job: its identifier."""

    def __init__(self, identifier):  # noqa: D107
        self.identifier = identifier

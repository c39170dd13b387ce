# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The services the package jobs of one run share."""

from dataclasses import dataclass
from pathlib import Path
import threading

from colcon_deb.cache import DebCache
from colcon_deb.dependency_resolution import Resolution
from colcon_deb.docker.engine_pool import EnginePool
from colcon_deb.repository import Repository
from colcon_deb.settings import Settings


@dataclass(frozen=True)
class Run:
    """
    What every package job of a run uses, made before the first starts.

    It holds services and facts, never outcomes: what happened to a
    package travels as events (colcon_deb.event).
    """

    settings: Settings
    engines: EnginePool
    cache: DebCache
    # the output folder
    repository: Repository
    # the tag of the builder image, the same on every engine
    image: str
    # what the prepare container found out of the target system
    target: Resolution
    # set on Ctrl-C or SIGTERM: running containers are killed
    stop: threading.Event
    # the labels of every container of the run
    labels: dict
    # the run's temporary files
    work_dir: Path

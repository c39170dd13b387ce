# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The services the package jobs of one run share."""

from dataclasses import dataclass
from pathlib import Path
import threading

from colcon_deb.cache import DebCache
from colcon_deb.dependency_resolution import Resolution
from colcon_deb.docker.dependency_image import DependencyImages
from colcon_deb.docker.engine_pool import PlatformEngines
from colcon_deb.platforms import Platform
from colcon_deb.repository import Repository
from colcon_deb.settings import Settings


@dataclass(frozen=True)
class Run:
    """
    What the package jobs of a platform use, made before the first starts.

    A run has one per platform it builds for.  It holds services and
    facts, never outcomes: what happened to a package travels as events
    (colcon_deb.event).
    """

    settings: Settings
    platform: Platform
    # the engines that build for the platform
    engines: PlatformEngines
    # the cache as the platform's architecture sees it
    cache: DebCache
    # the output folder
    repository: Repository
    # the tag of the platform's builder image, the same on its engines
    image: str
    # the builder image with the system packages of a set of packages
    dependency_images: DependencyImages
    # what the prepare container found out of the target system
    target: Resolution
    # set on Ctrl-C or SIGTERM: running containers are killed
    stop: threading.Event
    # the labels of every container of the run
    labels: dict
    # the run's temporary files
    work_dir: Path

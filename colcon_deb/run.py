# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""What the jobs of one run share, and what they report back."""

import os
import socket
import threading
import uuid

from colcon_deb.engine import HOST_LABEL
from colcon_deb.engine import PID_LABEL
from colcon_deb.engine import RUN_LABEL


class Run:
    """
    The engines, image, output folder and limits of one run.

    Every container and image of the run is labelled with its ID, host and
    process, so that whatever is left of it can be found and removed: at
    the end of the run, or by a later run when this process is gone.
    """

    def __init__(self, *, engines, deb_base, args, cache):  # noqa: D107
        # an EnginePool
        self.engines = engines
        self.cache = cache
        self.image = None
        self.deb_base = deb_base
        self.id = uuid.uuid4().hex[:12]
        self.work_dir = deb_base / '.work' / self.id
        self.labels = {
            RUN_LABEL: self.id, HOST_LABEL: socket.gethostname(),
            PID_LABEL: str(os.getpid())}
        self.retries = args.retries
        self.retry_delay = args.retry_delay
        self.timeout = args.package_timeout
        self.memory = args.memory
        self.cpus = args.cpus
        # set on Ctrl-C or SIGTERM: running containers are killed
        self.stop = threading.Event()
        self.retried = {}
        self.failed = {}
        self.cached = set()
        # RunPhase events of the run before its jobs start
        self.phases = []
        # the packages the builder image has installed
        self.installed = frozenset()

    @property
    def engine(self):
        """The engine that makes the builder image and resolves keys."""
        return self.engines.primary

    def record_retry(self, package_name, reason):
        """Remember why a package was tried again, for the summary."""
        self.retried.setdefault(package_name, []).append(reason)

    def record_failure(self, package_name, reason):
        """Remember why a package failed, for the summary."""
        self.failed[package_name] = reason


def remove_stale_runs(engine):
    """
    Remove the containers and images of runs whose process is gone.

    Only runs started on this host can be judged; another host's runs are
    left alone.
    """
    host = socket.gethostname()
    for run_id, labels in engine.run_labels().items():
        if labels.get(HOST_LABEL) != host:
            continue
        if not _process_exists(int(labels.get(PID_LABEL, '0') or 0)):
            engine.remove_labelled({RUN_LABEL: run_id})


def _process_exists(pid):
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

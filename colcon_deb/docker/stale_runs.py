# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Find and remove what runs left on an engine."""

import os
import socket

from colcon_deb.docker.engine import HOST_LABEL
from colcon_deb.docker.engine import PID_LABEL
from colcon_deb.docker.engine import RUN_LABEL
from colcon_deb.work_folder import process_exists


def run_labels(run_id):
    """
    Return the labels of every container and image of a run.

    They carry its ID, host and process, so that whatever is left of it can
    be found and removed: at the end of the run, or by a later run when
    this process is gone.
    """
    return {
        RUN_LABEL: run_id, HOST_LABEL: socket.gethostname(),
        PID_LABEL: str(os.getpid())}


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
        if not process_exists(int(labels.get(PID_LABEL, '0') or 0)):
            engine.remove_labelled({RUN_LABEL: run_id})

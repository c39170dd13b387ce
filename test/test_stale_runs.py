# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Removing what runs whose process is gone left on an engine."""

import os
import socket
import subprocess

from colcon_deb.docker.engine import HOST_LABEL
from colcon_deb.docker.engine import PID_LABEL
from colcon_deb.docker.engine import RUN_LABEL
from colcon_deb.docker.stale_runs import remove_stale_runs
from colcon_deb.docker.stale_runs import run_labels


class LabelEngine:
    """An engine with the labels of some runs; removals are recorded."""

    def __init__(self, runs):  # noqa: D107
        self.runs = runs
        self.removed = []

    def run_labels(self):
        return dict(self.runs)

    def remove_labelled(self, labels):
        self.removed.append(labels)
        return 1


def gone_pid():
    """Return the ID of a process that has ended."""
    process = subprocess.Popen(['true'])
    process.wait()
    return process.pid


def labels(run_id, *, host=None, pid=None):
    return {
        RUN_LABEL: run_id, HOST_LABEL: host or socket.gethostname(),
        PID_LABEL: str(os.getpid() if pid is None else pid)}


def test_run_labels():
    assert run_labels('abc123') == {
        RUN_LABEL: 'abc123', HOST_LABEL: socket.gethostname(),
        PID_LABEL: str(os.getpid())}


def test_runs_of_gone_processes_are_removed():
    engine = LabelEngine({
        'live': labels('live'),
        'gone': labels('gone', pid=gone_pid()),
        'elsewhere': labels(
            'elsewhere', host='another-host.example', pid=gone_pid()),
        'init': labels('init', pid=1),
    })
    remove_stale_runs(engine)
    assert engine.removed == [{RUN_LABEL: 'gone'}]


def test_this_run_is_kept():
    engine = LabelEngine({'now': run_labels('now')})
    remove_stale_runs(engine)
    assert engine.removed == []


def test_runs_without_a_process_are_removed():
    no_pid = labels('no-pid')
    del no_pid[PID_LABEL]
    engine = LabelEngine({
        'no-pid': no_pid,
        'empty-pid': labels('empty-pid', pid=''),
        'zero-pid': labels('zero-pid', pid=0),
        'no-host': {RUN_LABEL: 'no-host', PID_LABEL: str(gone_pid())},
    })
    remove_stale_runs(engine)
    # a run without a host cannot be judged
    assert sorted(removed[RUN_LABEL] for removed in engine.removed) == [
        'empty-pid', 'no-pid', 'zero-pid']


def test_no_runs():
    engine = LabelEngine({})
    remove_stale_runs(engine)
    assert engine.removed == []

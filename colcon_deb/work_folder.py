# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The run's work folder: what its containers get besides the sources.

It holds per package the workspace debs its build unpacks and what its
container leaves.  It lives in the
cache folder: outside the output folder users publish, and on the file
system of the user's data, where hard links of the debs cost nothing (a
temporary folder is often in memory).  It is removed when the run ends; a
later run removes the work folders of runs whose process is gone.
"""

from contextlib import contextmanager
import os
from pathlib import Path
import shutil
import socket

RUNS_FOLDER = 'runs'


class WorkFolderError(RuntimeError):
    """The work folder cannot be made."""


@contextmanager
def run_work_folder(cache_dir, run_id):
    """Make the run's work folder in the cache folder; remove it after."""
    runs = Path(cache_dir) / RUNS_FOLDER
    host = socket.gethostname()
    folder = runs / f'{host}-{os.getpid()}-{run_id}'
    try:
        folder.mkdir(parents=True)
    except OSError as e:
        raise WorkFolderError(
            f"the cache folder '{cache_dir}' is not writable: "
            f'{e.strerror}') from None
    remove_stale_work_folders(runs, host)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_work_folders(runs, host):
    """
    Remove the work folders of this host's runs whose process is gone.

    Several runs (of other output folders) may share the cache folder:
    their folders are left alone while their process lives.
    """
    for folder in runs.iterdir():
        name_host, _, rest = folder.name.rpartition('-')[0].rpartition('-')
        pid = rest if rest.isdigit() else '0'
        if name_host == host and not process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def process_exists(pid):
    """Tell if a process of this host is there."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The output folder: one run at a time, and nothing half-written left in it.

A run holds an exclusive lock on the folder for its whole length; so what
it finds of temporary files when it starts was left by a run that crashed,
and is removed.
"""

from contextlib import contextmanager
import errno
import fcntl
import os
from pathlib import Path
import shutil

from colcon_core.package_identification.ignore import IGNORE_MARKER

LOCK_NAME = '.colcon-deb.lock'
WORK_NAME = '.work'
# the default place of the cache
CACHE_FOLDER = '.cache'
SIZE_UNITS = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}


class OutputFolderError(RuntimeError):
    """The output folder cannot be used."""


@contextmanager
def locked_output_folder(deb_base, *, wait=False):
    """
    Create the output folder and hold its lock while the run uses it.

    :param wait: wait for another run to finish instead of failing
    """
    deb_base = Path(deb_base)
    try:
        deb_base.mkdir(parents=True, exist_ok=True)
        lock = open(deb_base / LOCK_NAME, 'a+')
    except OSError as e:
        raise OutputFolderError(
            f"the output folder '{deb_base}' is not writable: "
            f'{e.strerror}') from None
    with lock:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(lock, flags)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            lock.seek(0)
            holder = lock.read().strip() or 'unknown'
            raise OutputFolderError(
                f'another colcon deb run (process {holder}) is using the '
                f"output folder '{deb_base}'; wait for it to end, pass "
                '--wait-for-lock, or use another --deb-base') from None
        lock.seek(0)
        lock.truncate()
        lock.write(f'{os.getpid()}\n')
        lock.flush()
        remove_leftovers(deb_base)
        (deb_base / IGNORE_MARKER).touch()
        try:
            yield deb_base
        finally:
            shutil.rmtree(deb_base / WORK_NAME, ignore_errors=True)
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_leftovers(deb_base):
    """Remove the temporary files of runs that did not end cleanly."""
    shutil.rmtree(deb_base / WORK_NAME, ignore_errors=True)
    for temporary in deb_base.glob('.*.tmp'):
        if temporary.is_dir():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            temporary.unlink()


def parse_size(text):
    """Parse a size like 500M or 2G (powers of 1024) into bytes."""
    value = text.strip().upper().rstrip('B').rstrip('I')
    unit = value[-1:] if value[-1:] in SIZE_UNITS else ''
    number = value[:-1] if unit else value
    try:
        return int(float(number) * SIZE_UNITS[unit])
    except ValueError:
        raise ValueError(f"'{text}' is no size like 500M or 2G") from None


def check_free_space(folders, minimum):
    """Fail when a folder the run writes to has too little space left."""
    for label, folder in folders:
        if folder is None or not Path(folder).exists():
            continue
        free = shutil.disk_usage(folder).free
        if free < minimum:
            raise OutputFolderError(
                f'only {free / (1 << 30):.1f} GiB free in {folder} ({label}),'
                f' less than --min-free-space {minimum / (1 << 30):.1f} GiB')

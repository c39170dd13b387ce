# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The output folder: one run at a time, and nothing but the repository in it.

Users publish the folder as it is, so it holds the debs, the index and
rosdep.yaml only: no lock file, cache, work folder or report.  A run locks
the folder itself (flock on the directory) for its whole length; so the
temporary files of colcon-deb it finds when it starts were left by a run
that crashed, and are removed.  Nothing else in the folder is touched.
"""

from contextlib import contextmanager
import errno
import fcntl
import os
from pathlib import Path
import shutil

from colcon_deb.atomic_file import TEMPORARY_SUFFIX
from colcon_deb.repository import BY_HASH

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
        if not os.access(deb_base, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        folder = os.open(deb_base, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise OutputFolderError(
            f"the output folder '{deb_base}' is not writable: "
            f'{e.strerror}') from None
    try:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(folder, flags)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise OutputFolderError(
                'another colcon deb run (process '
                f'{lock_holder(deb_base) or "unknown"}) is using the output '
                f"folder '{deb_base}'; wait for it to end, pass "
                '--wait-for-lock, or use another --deb-base') from None
        remove_leftovers(deb_base)
        yield deb_base
    finally:
        os.close(folder)


def lock_holder(folder):
    """
    Return the process that holds the flock on a folder, if Linux says.

    /proc/locks lists each lock with its process and the device and inode
    of the file: nothing needs to be written into the folder to name it.
    """
    stat = os.stat(folder)
    inode = (
        f'{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:'
        f'{stat.st_ino}')
    try:
        with open('/proc/locks') as locks:
            for line in locks:
                fields = line.split()
                # a '->' line is a process waiting for the lock
                if 'FLOCK' in fields and inode in fields and \
                        '->' not in fields:
                    return int(fields[fields.index(inode) - 1])
    except (OSError, ValueError):
        pass
    return None


def remove_leftovers(deb_base):
    """
    Remove the temporary files that runs which did not end cleanly left.

    Only colcon-deb's own (see colcon_deb.atomic_file), and never through
    a link; another file of the folder may be the user's.
    """
    for folder in (deb_base, deb_base / BY_HASH):
        for temporary in folder.glob(f'.*{TEMPORARY_SUFFIX}'):
            if temporary.is_file() and not temporary.is_symlink():
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

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The compiler cache of --ccache: a folder of the host that builds share.

The build containers mount it writable (contract.Mount.CCACHE) and their
build user, whose uid is not the host user's, writes there as a member of
the folder's group: see container/build_package.py, compiler_cache.
"""

import os
import re
import stat

# ccache's sizes: a number, G unless it ends in k, M, G or T (powers of
# 1000) or Ki, Mi, Gi or Ti (of 1024); 0 is no limit
SIZE = re.compile(r'\d+(\.\d+)?([kKMGT]i?)?')
# writable by the folder's group; what is created in it gets that group
# (setgid); only the owner of an entry at the top may remove or replace it
# (sticky)
FOLDER_MODE = stat.S_IRWXG | stat.S_ISGID | stat.S_ISVTX
# ccache's configuration in the folder, which ccache reads on the host too
CONFIG_FILE = 'ccache.conf'


def is_size(value):
    """Tell whether ccache takes a value as a max_size."""
    return bool(SIZE.fullmatch(value))


def prepare_folder(folder):
    """
    Make the folder one that the builds can write and the host user keeps.

    It is created if missing and made group-writable, setgid and sticky;
    its ccache.conf is created, empty, if missing, and made writable by
    its owner only.  A build could otherwise write a ccache.conf that
    makes ccache run a command (prefix_command), which the host user's
    own ccache would run with that folder.

    :raises RuntimeError: in one line, when the folder cannot be made so
      (it is someone else's, a file, ...)
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & FOLDER_MODE != FOLDER_MODE:
            os.chmod(folder, mode | FOLDER_MODE)
        config = folder / CONFIG_FILE
        try:
            info = config.lstat()
        except FileNotFoundError:
            os.close(os.open(
                config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            info = config.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise RuntimeError(
                f"--ccache '{folder}': its {CONFIG_FILE} is no file")
        if info.st_mode & 0o022:
            os.chmod(config, stat.S_IMODE(info.st_mode) & ~0o022)
    except OSError as e:
        raise RuntimeError(
            f"--ccache '{folder}': cannot make it a folder the builds "
            f'share ({e.strerror})') from None

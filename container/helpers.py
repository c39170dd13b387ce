# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
What both container scripts do: fill templates, pack debs, hand files over.

Only the Python standard library is used.
"""

import os
from pathlib import Path
import subprocess

import contract

# the prefix setup templates: setup.sh and the others
WORKSPACE_TEMPLATES = Path(__file__).parent / 'workspace'


def fill_template(text, *, prefix, ros_distro, ros_version):
    """Fill a prefix setup template in for the run."""
    return text.replace('@PREFIX@', prefix) \
        .replace('@ROS_DISTRO@', ros_distro) \
        .replace('@ROS_VERSION@', ros_version)


def pack_deb(root, deb, epoch, *, run=subprocess.check_call):
    """
    Pack a folder with DEBIAN/control into a deb, the same bytes each time.

    dpkg-deb sorts the archive members and takes SOURCE_DATE_EPOCH for the
    archive's own times; every file gets the time `epoch` too.

    :param run: runs the dpkg-deb command, given `env` as a keyword
    """
    for path in sorted(Path(root).rglob('*'), reverse=True) + [Path(root)]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    run(['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', str(root),
         str(deb)], env=dict(os.environ, SOURCE_DATE_EPOCH=str(epoch)))


def hand_over(*paths):
    """Leave files to the user who runs colcon deb."""
    owner = os.environ.get(contract.HOST_USER_VARIABLE)
    if owner:
        uid, gid = (int(v) for v in owner.split(':'))
        for path in paths:
            os.chown(path, uid, gid)

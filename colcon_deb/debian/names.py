# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Debian package names and versions of ROS packages, as bloom makes them."""

import calendar
import re
import time

# Debian policy 5.6.1: lowercase letters, digits, '+', '-' and '.'.
_NAME_CHARACTERS = re.compile(r'[a-z0-9+.-]*')
# Debian policy 5.6.12: upstream_version and debian_revision characters;
# a '-' in the upstream part is only allowed with a revision, which the
# split on the last '-' takes care of.
_UPSTREAM_CHARACTERS = re.compile(r'[A-Za-z0-9.+~-]*')
_REVISION_CHARACTERS = re.compile(r'[A-Za-z0-9+.~]*')
_TIME_SUFFIX = re.compile(r'\.(\d{8})\.(\d{6})$')
# the most bytes a file name may have (NAME_MAX of the usual file systems)
NAME_MAX = 255
# the longest architecture name of dpkg's table of processors: a deb file
# name that fits with it fits with any architecture
LONGEST_ARCHITECTURE = 'mips64r6el'


def deb_name(ros_distro: str, package_name: str) -> str:
    """
    Return the deb name of a ROS package, e.g. `ros-humble-my-pkg`.

    ROS users, rosdep and the build farm expect exactly this name, so a
    workspace package can replace a released one.

    :raises ValueError: if the result is no valid Debian package name
    """
    name = 'ros-{ros_distro}-{name}'.format_map({
        'ros_distro': ros_distro, 'name': package_name.replace('_', '-'),
    }).lower()
    check_deb_name(name)
    return name


def dbgsym_name(deb: str) -> str:
    """
    Return the name of the deb of a deb's debug symbols, `<deb>-dbgsym`.

    As debhelper's dh_strip names the debug symbol packages it makes, and
    the build farm names them: gdb users know where to look.
    """
    return f'{deb}-dbgsym'


def deb_version(
    package_version: str, codename: str, revision: int = 0,
    suffix: str = '',
) -> str:
    """
    Return the deb version of a package, e.g. `1.2.3-0bookworm`.

    The upstream part is the package.xml version unchanged, which users
    rely on; the codename keeps debs of different platforms apart; the
    suffix (see :func:`time_suffix`) makes a rebuild an upgrade.

    :raises ValueError: if the result is no valid Debian version
    """
    if revision < 0:
        raise ValueError(
            f'Debian revision must not be negative, got {revision}')
    version = f'{package_version}-{revision}{codename}{suffix}'
    check_deb_version(version)
    return version


def time_suffix(epoch: int) -> str:
    """
    Return the version suffix of a time, `.YYYYMMDD.HHMMSS` in UTC.

    The ROS build farm appends the time of the build the same way; here it
    is the time of the newest source file, so that the same sources give
    the same version.
    """
    return time.strftime('.%Y%m%d.%H%M%S', time.gmtime(epoch))


def suffix_time(version: str):
    """Return the time of a version's :func:`time_suffix`, or None."""
    match = _TIME_SUFFIX.search(version)
    if not match:
        return None
    return calendar.timegm(time.strptime(
        match.group(1) + match.group(2), '%Y%m%d%H%M%S'))


def check_deb_name(name: str) -> None:
    """
    Check a Debian package name against Debian policy.

    dpkg-deb and apt reject bad names late and cryptically; this says
    which rule is broken.

    :raises ValueError: naming the broken rule
    """
    if len(name) < 2:
        raise ValueError(
            f"Debian package name '{name}' must be at least 2 characters")
    if not re.match('[a-z0-9]', name):
        raise ValueError(
            f"Debian package name '{name}' must start with a lowercase "
            'letter or digit')
    _check_characters(
        name, _NAME_CHARACTERS, f"Debian package name '{name}'",
        'a-z 0-9 + - .')


def check_deb_version(version: str) -> None:
    """
    Check a Debian version `[epoch:]upstream[-revision]` against policy.

    :raises ValueError: naming the broken rule
    """
    epoch, colon, rest = version.partition(':')
    if not colon:
        rest = version
    elif not epoch.isdigit():
        raise ValueError(
            f"epoch of Debian version '{version}' must be a number")
    upstream, dash, revision = rest.rpartition('-')
    if not dash:
        upstream = rest
    if not upstream[:1].isdigit():
        raise ValueError(
            f"Debian version '{version}' must start with a digit "
            '(after the epoch)')
    _check_characters(
        upstream, _UPSTREAM_CHARACTERS,
        f"upstream part of Debian version '{version}'", 'A-Z a-z 0-9 . + ~ -')
    if dash and not revision:
        raise ValueError(
            f"Debian revision of version '{version}' must not be empty")
    _check_characters(
        revision, _REVISION_CHARACTERS,
        f"Debian revision of version '{version}'", 'A-Z a-z 0-9 + . ~')


def check_deb_file_name(name: str, version: str) -> None:
    """
    Check that Debian's file name of a deb fits in a file name.

    `<name>_<version without epoch>_<architecture>.deb` that does not fit
    would fail only when the container writes the deb, after the build;
    the longest architecture stands in for the target's.

    :raises ValueError: saying how long the file name would be
    """
    upstream_and_revision = version.split(':', 1)[-1]
    size = len(
        f'{name}_{upstream_and_revision}_{LONGEST_ARCHITECTURE}.deb'.encode())
    if size > NAME_MAX:
        raise ValueError(
            f'its deb file name would be up to {size} bytes long, more than '
            f'the {NAME_MAX} a file name may have; shorten the package name')


def _check_characters(value, pattern, what, allowed):
    """Name the first character outside `pattern`, not just 'invalid'."""
    match = pattern.match(value)
    if match.end() != len(value):
        raise ValueError(
            f"{what} contains '{value[match.end()]}'; allowed are {allowed}")

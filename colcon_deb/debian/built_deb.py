# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Take the deb a package's container built, and nothing else.

A package's build is untrusted: whatever it leaves in its output folder
(more debs, a deb of another package, a symlink to a host file, a device
node or a FIFO) must not be published, cached or even opened.  The host
knows what to expect (the plan's name and version, the target's
architecture or `all`) and takes one regular file that is exactly that.
Its container made the deb's files what a deb may hold, but the container
ran the build: what the deb holds is checked here again.
"""

from contextlib import closing
import os
from pathlib import Path
import posixpath
import stat
import tarfile

from colcon_deb.container import contract
from debian.arfile import ArError
from debian.debfile import DebError
from debian.debfile import DebFile

# bits no installed file may have: set-user-ID and set-group-ID, and write
# permission for anyone but its owner, root
UNSAFE_MODE = stat.S_ISUID | stat.S_ISGID | stat.S_IWGRP | stat.S_IWOTH


class UnexpectedOutput(ValueError):
    """The output folder holds something other than the expected deb."""


def take_built_debs(folder, *, package, version, architectures, dbgsym):
    """
    Return the debs in `folder` that the plan expects.

    The package's deb, and the deb of its debug symbols when it has
    binaries: of the same version and architecture, never `all`.
    Nothing in the folder is followed: entries are looked at with lstat
    and the debs are opened with O_NOFOLLOW, so a symlink, a device or a
    FIFO is named, never read.

    :param package: the expected Package field
    :param version: the expected Version field
    :param architectures: the Architecture values the deb may have
    :param dbgsym: the Package field of the deb of debug symbols
    :returns: the package's deb, then the one of its debug symbols if any
    :raises UnexpectedOutput: with one line saying what was found
    """
    folder = Path(folder)
    expected = {}
    for architecture in architectures:
        expected[f'{package}_{version}_{architecture}.deb'] = \
            (package, architecture)
        if architecture != 'all':
            expected[f'{dbgsym}_{version}_{architecture}.deb'] = \
                (dbgsym, architecture)
    found = [
        (*expected[name], name) for name in expected_files(folder, expected)]
    if not any(name == package for name, _, _ in found):
        raise UnexpectedOutput('its build left no deb')
    if len({architecture for _, architecture, _ in found}) > 1:
        raise UnexpectedOutput(
            'its build left debs of several architectures: ' +
            ', '.join(f"'{file}'" for _, _, file in found))
    # the package's deb first
    found.sort(key=lambda deb: deb[0] != package)
    for name, architecture, file in found:
        check_deb(folder / file, name, version, (architecture, ))
    return [folder / file for _, _, file in found]


def expected_files(folder, expected, *, maker='its build'):
    """
    Return which expected files a container left, if it left nothing else.

    :param expected: the names it may leave
    :param maker: who left them, for the message
    :raises UnexpectedOutput: naming the other files, or an expected name
      that is not a regular file (looked at with lstat)
    """
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    unexpected = [e.name for e in entries if e.name not in expected]
    if unexpected:
        raise UnexpectedOutput(
            f'{maker} left unexpected files in its output folder: '
            + ', '.join(_printable(name) for name in unexpected[:5])
            + (' ...' if len(unexpected) > 5 else ''))
    for entry in entries:
        if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
            raise UnexpectedOutput(
                f"{maker} left '{entry.name}', which is not a regular file")
    return [entry.name for entry in entries]


def check_deb(path, package, version, architectures):
    """Check that a deb's control says what the plan expects."""
    control = _control(path)
    found = (
        control.get('Package'), control.get('Version'),
        control.get('Architecture'))
    if found[:2] != (package, version) or found[2] not in architectures:
        raise UnexpectedOutput(
            f"its deb '{path.name}' says Package {found[0]}, Version "
            f'{found[1]}, Architecture {found[2]}')


def read_regular_file(path):
    """Read a file a container left, following no link to it."""
    with _open_no_link(path) as f:
        return f.read()


def check_data(path, prefix, *, deb_name=None, dbgsym=None):
    """
    Check what a deb installs; return its configuration files.

    A deb of the workspace installs files, folders and links owned by
    root, none of them set-user-ID or set-group-ID or writable by others,
    under the prefix, and its copyright and changelog in its folder of
    /usr/share/doc (given its name); configuration files under /etc are
    the exception, which the user is told about.  The deb of a package's
    debug symbols installs debug files by build id and the link to the
    documentation, and nothing else.

    :param deb_name: the name of the deb, whose doc folder it may fill
    :param dbgsym: the name of the deb, when it is one of debug symbols
    :returns: the paths of its members under /etc that are no folders
    :raises UnexpectedOutput: with one line naming what may not be there
    """
    if dbgsym is None:
        allowed = f'{prefix} and {contract.CONFIG_FOLDER}'

        def misplaced_(name, folder):
            return contract.is_misplaced(
                name, prefix, folder=folder, deb_name=deb_name)
    else:
        allowed = f'{contract.DEBUG_FOLDER} and ' \
            f'{contract.DOC_FOLDER}/{dbgsym}'

        def misplaced_(name, folder):
            return contract.is_misplaced_debug_file(
                name, dbgsym, folder=folder)
    members = _read(Path(path), lambda deb: deb.data.tgz().getmembers())
    special, unsafe, misplaced, configuration = [], [], [], []
    for member in members:
        name = posixpath.normpath('/' + member.name)
        # a link's own mode is 0777 and means nothing
        mode = member.mode & ~0o777 if member.issym() else member.mode
        if not (member.isreg() or member.isdir() or member.issym() or
                member.islnk()):
            special.append(name)
        elif not _owned_by_root(member) or mode & UNSAFE_MODE:
            unsafe.append(name)
        elif '..' in member.name.split('/') or misplaced_(
                name, member.isdir()):
            misplaced.append(name)
        elif contract.is_configuration(name) and not member.isdir():
            configuration.append(name)
    for found, what in (
        (special, 'device nodes or FIFOs'),
        (unsafe, 'files not owned by root, set-user-ID or set-group-ID, or '
                 'writable by others'),
        (misplaced, f'files outside {allowed}'),
    ):
        if found:
            raise UnexpectedOutput(
                f"its deb '{Path(path).name}' has {what}: " + ', '.join(
                    name if name.isprintable() else repr(name)
                    for name in found[:5]) +
                (' ...' if len(found) > 5 else ''))
    return configuration


def _owned_by_root(member):
    """Tell whether dpkg installs a member as root's: it prefers names."""
    return not member.uid and not member.gid and \
        member.uname in ('', 'root') and member.gname in ('', 'root')


def _control(path):
    """Read the control fields of a deb, following no link to it."""
    return _read(path, lambda deb: deb.debcontrol())


def _read(path, read):
    """Read from a deb, following no link to it; one line if it fails."""
    with _open_no_link(path) as f:
        try:
            with closing(DebFile(fileobj=f)) as deb:
                return read(deb)
        except (ArError, DebError, tarfile.TarError, EOFError, KeyError,
                OSError, ValueError) as e:
            raise UnexpectedOutput(
                f"its deb '{path.name}' cannot be read: {e}") from None


def _open_no_link(path):
    """Open a file for reading; a link in its place fails to open."""
    return os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), 'rb')


def _printable(name):
    """Show a file name the container chose without its control bytes."""
    return repr(name) if not name.isprintable() else f"'{name}'"

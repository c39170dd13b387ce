# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
What the host takes from a package's output folder: the planned deb.

And what the deb may hold: the container made it, and the build in the
container is not trusted.
"""

import io
import os
import shutil
import tarfile

from colcon_deb.debian.built_deb import check_data
from colcon_deb.debian.built_deb import take_built_debs
from colcon_deb.debian.built_deb import UnexpectedOutput
import pytest
from test_repository import build_deb

pytestmark = pytest.mark.skipif(
    not shutil.which('dpkg-deb'), reason='needs dpkg-deb')

PACKAGE = 'ros-noetic-good'
DBGSYM = 'ros-noetic-good-dbgsym'
VERSION = '1.0.0-0bookworm'
NAME = f'{PACKAGE}_{VERSION}_amd64.deb'
DBGSYM_NAME = f'{DBGSYM}_{VERSION}_amd64.deb'


def take_all(folder):
    return take_built_debs(
        folder, package=PACKAGE, version=VERSION,
        architectures=('amd64', 'all'), dbgsym=DBGSYM)


def take(folder):
    """Take the package's deb, which has no debug symbols."""
    debs = take_all(folder)
    assert len(debs) == 1
    return debs[0]


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / 'out'
    folder.mkdir()
    return folder


@pytest.fixture
def good_deb(tmp_path):
    return build_deb(tmp_path, PACKAGE, VERSION, architecture='amd64')


def test_the_planned_deb_is_taken(out, good_deb):
    shutil.move(good_deb, out / NAME)
    assert take(out) == out / NAME


def test_an_architecture_independent_deb_is_taken(out, tmp_path):
    deb = build_deb(tmp_path, PACKAGE, VERSION, architecture='all')
    shutil.move(deb, out / f'{PACKAGE}_{VERSION}_all.deb')
    assert take(out).name == f'{PACKAGE}_{VERSION}_all.deb'


def test_an_extra_deb_fails_the_package(out, good_deb, tmp_path):
    shutil.move(good_deb, out / NAME)
    fake = build_deb(tmp_path, 'libc-bin', '99:1.0')
    shutil.move(fake, out / 'libc-bin_1.0_all.deb')
    with pytest.raises(UnexpectedOutput, match="'libc-bin_1.0_all.deb'"):
        take(out)


@pytest.mark.parametrize('package,version,architecture,found', [
    ('ros-noetic-victim', VERSION, 'amd64', 'Package ros-noetic-victim'),
    (PACKAGE, '9.9.9', 'amd64', 'Version 9.9.9'),
    (PACKAGE, VERSION, 'i386', 'Architecture i386'),
])
def test_a_deb_that_is_not_the_planned_one_fails_the_package(
        out, tmp_path, package, version, architecture, found):
    deb = build_deb(tmp_path, package, version, architecture=architecture)
    shutil.move(deb, out / NAME)
    with pytest.raises(UnexpectedOutput, match=found):
        take(out)


def test_the_deb_of_its_debug_symbols_is_taken_too(out, good_deb, tmp_path):
    shutil.move(good_deb, out / NAME)
    dbgsym = build_deb(tmp_path, DBGSYM, VERSION, architecture='amd64')
    shutil.move(dbgsym, out / DBGSYM_NAME)
    # the package's first: it is published first
    assert take_all(out) == [out / NAME, out / DBGSYM_NAME]


def test_debug_symbols_without_the_package_fail_it(out, tmp_path):
    dbgsym = build_deb(tmp_path, DBGSYM, VERSION, architecture='amd64')
    shutil.move(dbgsym, out / DBGSYM_NAME)
    with pytest.raises(UnexpectedOutput, match='its build left no deb'):
        take_all(out)


def test_debug_symbols_of_another_architecture_fail_the_package(
        out, tmp_path):
    """An architecture-independent package has no binaries to debug."""
    deb = build_deb(tmp_path, PACKAGE, VERSION, architecture='all')
    shutil.move(deb, out / f'{PACKAGE}_{VERSION}_all.deb')
    dbgsym = build_deb(tmp_path, DBGSYM, VERSION, architecture='amd64')
    shutil.move(dbgsym, out / DBGSYM_NAME)
    with pytest.raises(
            UnexpectedOutput, match='left debs of several architectures'):
        take_all(out)
    # and none of architecture all
    (out / DBGSYM_NAME).rename(out / f'{DBGSYM}_{VERSION}_all.deb')
    with pytest.raises(UnexpectedOutput, match='unexpected files'):
        take_all(out)


def test_debs_of_two_architectures_fail_the_package(out, good_deb, tmp_path):
    shutil.move(good_deb, out / NAME)
    deb = build_deb(tmp_path, PACKAGE, VERSION, architecture='all')
    shutil.move(deb, out / f'{PACKAGE}_{VERSION}_all.deb')
    with pytest.raises(
            UnexpectedOutput, match='left debs of several architectures'):
        take_all(out)


def test_debug_symbols_that_are_not_the_planned_ones_fail_the_package(
        out, good_deb, tmp_path):
    shutil.move(good_deb, out / NAME)
    other = build_deb(
        tmp_path, 'ros-noetic-victim', VERSION, architecture='amd64')
    shutil.move(other, out / DBGSYM_NAME)
    with pytest.raises(
            UnexpectedOutput, match='Package ros-noetic-victim'):
        take_all(out)


def test_a_symlink_is_not_followed(out, good_deb):
    (out / NAME).symlink_to(good_deb)
    with pytest.raises(UnexpectedOutput, match='not a regular file'):
        take(out)


def test_a_fifo_is_not_opened(out):
    # opening it would wait forever for a writer
    os.mkfifo(out / NAME)
    with pytest.raises(UnexpectedOutput, match='not a regular file'):
        take(out)


def test_no_deb_fails_the_package(out):
    with pytest.raises(UnexpectedOutput, match='no deb'):
        take(out)


def test_a_file_that_is_no_deb_fails_the_package(out):
    (out / NAME).write_text('not a deb')
    with pytest.raises(UnexpectedOutput, match='cannot be read'):
        take(out)


def test_unprintable_names_are_shown_escaped(out, good_deb):
    shutil.move(good_deb, out / NAME)
    (out / 'bad\n.deb').write_text('')
    with pytest.raises(UnexpectedOutput) as raised:
        take(out)
    assert '\n' not in str(raised.value)
    assert "'bad\\n.deb'" in str(raised.value)


PREFIX = '/opt/ros/noetic'


def hand_made_deb(path, *members):
    """
    Write a deb whose data holds the members, each a dict of TarInfo's.

    By hand, not with dpkg-deb: a hostile container can put any owner,
    mode or type into the archive.
    """
    def tar(infos):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode='w:gz') as archive:
            for fields in infos:
                info = tarfile.TarInfo(fields.pop('name'))
                data = fields.pop('data', b'')
                info.size = len(data) if 'type' not in fields else 0
                for key, value in fields.items():
                    setattr(info, key, value)
                archive.addfile(info, io.BytesIO(data))
        return buffer.getvalue()
    control = (
        f'Package: {PACKAGE}\nVersion: {VERSION}\nArchitecture: amd64\n'
        'Maintainer: M <m@example.org>\nDescription: test\n').encode()
    parts = [
        ('debian-binary', b'2.0\n'),
        ('control.tar.gz', tar([{'name': './control', 'data': control}])),
        ('data.tar.gz', tar([
            {'name': './', 'type': tarfile.DIRTYPE, 'mode': 0o755},
            *members]))]
    with open(path, 'wb') as f:
        f.write(b'!<arch>\n')
        for name, data in parts:
            f.write(
                f'{name + "/":<16}{0:<12}{0:<6}{0:<6}{100644:<8}'
                f'{len(data):<10}`\n'.encode())
            f.write(data + (b'\n' if len(data) % 2 else b''))
    return path


def test_a_built_deb_may_hold_files_folders_and_links_in_the_prefix(
        tmp_path):
    deb = hand_made_deb(
        tmp_path / NAME,
        {'name': './opt', 'type': tarfile.DIRTYPE, 'mode': 0o755},
        {'name': './opt/ros/noetic/bin/tool', 'mode': 0o755, 'data': b'x'},
        {'name': './opt/ros/noetic/lib/libx.so', 'type': tarfile.SYMTYPE,
         'linkname': 'libx.so.1', 'mode': 0o777})
    assert check_data(deb, PREFIX) == []


def test_a_built_deb_has_copyright_and_changelog_in_its_doc_folder(
        tmp_path):
    doc = f'./usr/share/doc/{PACKAGE}'
    deb = hand_made_deb(
        tmp_path / NAME,
        {'name': f'{doc}/copyright', 'mode': 0o644},
        {'name': f'{doc}/changelog.Debian.gz', 'mode': 0o644})
    assert check_data(deb, PREFIX, deb_name=PACKAGE) == []
    # another deb's doc folder is not its own
    with pytest.raises(UnexpectedOutput, match='/usr/share/doc/'):
        check_data(deb, PREFIX, deb_name='ros-noetic-other')


def test_a_built_deb_names_its_configuration_files(tmp_path):
    deb = hand_made_deb(
        tmp_path / NAME,
        {'name': './etc/good', 'type': tarfile.DIRTYPE, 'mode': 0o755},
        {'name': './etc/good/good.conf', 'mode': 0o644},
        {'name': './opt/ros/noetic/share/good', 'mode': 0o644})
    assert check_data(deb, PREFIX) == ['/etc/good/good.conf']


@pytest.mark.parametrize('member, found', [
    ({'name': './opt/ros/noetic/bin/tool', 'mode': 0o4755},
     'files not owned by root, set-user-ID or set-group-ID, or writable by '
     'others: /opt/ros/noetic/bin/tool'),
    ({'name': './opt/ros/noetic/bin/tool', 'mode': 0o2755},
     'set-group-ID'),
    ({'name': './opt/ros/noetic/share', 'type': tarfile.DIRTYPE,
      'mode': 0o777}, 'writable by others: /opt/ros/noetic/share'),
    ({'name': './opt/ros/noetic/data', 'mode': 0o664},
     'writable by others: /opt/ros/noetic/data'),
    ({'name': './opt/ros/noetic/data', 'mode': 0o644, 'uid': 1000},
     'not owned by root'),
    # dpkg takes the owner's name over its number
    ({'name': './opt/ros/noetic/data', 'mode': 0o644, 'uname': 'daemon'},
     'not owned by root'),
    ({'name': './opt/ros/noetic/null', 'type': tarfile.CHRTYPE,
      'devmajor': 1, 'devminor': 3, 'mode': 0o666},
     'device nodes or FIFOs: /opt/ros/noetic/null'),
    ({'name': './opt/ros/noetic/pipe', 'type': tarfile.FIFOTYPE,
      'mode': 0o644}, 'device nodes or FIFOs: /opt/ros/noetic/pipe'),
    ({'name': './usr/bin/tool', 'mode': 0o755},
     f'files outside {PREFIX} and /etc: /usr/bin/tool'),
    ({'name': './opt/ros/noetic/../../../usr/bin/tool', 'mode': 0o755},
     f'files outside {PREFIX} and /etc: /usr/bin/tool'),
])
def test_what_a_built_deb_may_not_hold_fails_the_package(
        tmp_path, member, found):
    deb = hand_made_deb(tmp_path / NAME, member)
    with pytest.raises(UnexpectedOutput) as raised:
        check_data(deb, PREFIX)
    message = str(raised.value)
    assert message.startswith(f"its deb '{NAME}' has ")
    assert found in message
    assert '\n' not in message


def test_a_deb_of_debug_symbols_may_hold_debug_files_only(tmp_path):
    def debug_files():
        """Return what build_package.py packs: a debug file and a link."""
        return [
            *({'name': f'./{folder}', 'type': tarfile.DIRTYPE, 'mode': 0o755}
              for folder in (
                'usr', 'usr/lib', 'usr/lib/debug', 'usr/lib/debug/.build-id',
                'usr/lib/debug/.build-id/ab', 'usr/share', 'usr/share/doc')),
            {'name': './usr/lib/debug/.build-id/ab/cdef.debug',
             'mode': 0o644},
            {'name': f'./usr/share/doc/{DBGSYM}', 'type': tarfile.SYMTYPE,
             'linkname': PACKAGE, 'mode': 0o777}]
    deb = hand_made_deb(tmp_path / DBGSYM_NAME, *debug_files())
    assert check_data(deb, PREFIX, dbgsym=DBGSYM) == []
    # but not in the deb of the package
    with pytest.raises(UnexpectedOutput, match=(
            f'files outside {PREFIX} and /etc: /usr, ')):
        check_data(deb, PREFIX)
    for member, found in [
            ({'name': './opt/ros/noetic/lib/libgood.so', 'mode': 0o644},
             '/opt/ros/noetic/lib/libgood.so'),
            ({'name': './etc/good.conf', 'mode': 0o644}, '/etc/good.conf'),
            ({'name': './usr/lib/debug/other.debug', 'mode': 0o644},
             '/usr/lib/debug/other.debug'),
            ({'name': './usr/share/doc/ros-noetic-good', 'mode': 0o644},
             '/usr/share/doc/ros-noetic-good'),
            ({'name': './usr/lib/debug/.build-id/ab/cd.debug',
              'mode': 0o4755}, 'set-user-ID')]:
        deb = hand_made_deb(tmp_path / DBGSYM_NAME, *debug_files(), member)
        with pytest.raises(UnexpectedOutput) as raised:
            check_data(deb, PREFIX, dbgsym=DBGSYM)
        message = str(raised.value)
        assert found in message
        if 'set-user-ID' not in found:
            assert message.startswith(
                f"its deb '{DBGSYM_NAME}' has files outside "
                f'/usr/lib/debug/.build-id and /usr/share/doc/{DBGSYM}: ')


def test_a_deb_packed_by_the_container_passes(tmp_path):
    """The way build_package.py packs: dpkg-deb --root-owner-group."""
    deb = build_deb(tmp_path, PACKAGE, VERSION, architecture='amd64')
    # build_deb installs into /opt/<package>
    assert check_data(deb, f'/opt/{PACKAGE}') == []
    with pytest.raises(UnexpectedOutput, match=f'/opt/{PACKAGE}/file'):
        check_data(deb, PREFIX)

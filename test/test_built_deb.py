# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""What the host takes from a package's output folder: the planned deb."""

import os
import shutil

from colcon_deb.debian.built_deb import take_built_deb
from colcon_deb.debian.built_deb import UnexpectedOutput
import pytest
from test_repository import build_deb

pytestmark = pytest.mark.skipif(
    not shutil.which('dpkg-deb'), reason='needs dpkg-deb')

PACKAGE = 'ros-noetic-good'
VERSION = '1.0.0-0bookworm'
NAME = f'{PACKAGE}_{VERSION}_amd64.deb'


def take(folder):
    return take_built_deb(
        folder, package=PACKAGE, version=VERSION,
        architectures=('amd64', 'all'))


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

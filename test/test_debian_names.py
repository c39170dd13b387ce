# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

import shutil
import subprocess

from colcon_deb.debian.names import check_deb_file_name
from colcon_deb.debian.names import check_deb_name
from colcon_deb.debian.names import check_deb_version
from colcon_deb.debian.names import dbgsym_name
from colcon_deb.debian.names import deb_name
from colcon_deb.debian.names import deb_version
from colcon_deb.debian.names import LONGEST_ARCHITECTURE
from colcon_deb.debian.names import NAME_MAX
from colcon_deb.debian.names import suffix_time
from colcon_deb.debian.names import time_suffix
import pytest

VALID_VERSIONS = [
    '1.2.3', '1.2.3-0bookworm', '0.0.1-1jammy.20240102.030405',
    '2:1.0-1', '1.0~rc1-0', '1.0+git20240101-3', '1.0-1-2', '1.0-1~bpo12+1',
]


def test_deb_name_replaces_underscores():
    assert deb_name('humble', 'my_pkg') == 'ros-humble-my-pkg'
    assert deb_name('noetic', 'a_b_c') == 'ros-noetic-a-b-c'


def test_deb_name_lowercases():
    assert deb_name('Humble', 'My_Pkg') == 'ros-humble-my-pkg'


def test_deb_name_keeps_dashes_and_digits():
    assert deb_name('jazzy', 'tf2-ros2') == 'ros-jazzy-tf2-ros2'


def test_deb_name_rejects_what_debian_would():
    with pytest.raises(ValueError, match="contains ' '"):
        deb_name('humble', 'my pkg')


def test_dbgsym_name():
    assert dbgsym_name('ros-humble-my-pkg') == 'ros-humble-my-pkg-dbgsym'


def test_deb_version():
    assert deb_version('1.2.3', 'bookworm') == '1.2.3-0bookworm'
    assert deb_version('1.2.3', 'jammy', revision=4) == '1.2.3-4jammy'
    assert deb_version('1.2.3', '') == '1.2.3-0'


def test_deb_version_rejects_bad_input():
    with pytest.raises(ValueError, match='negative'):
        deb_version('1.2.3', 'bookworm', revision=-1)
    with pytest.raises(ValueError, match='start with a digit'):
        deb_version('v1.2.3', 'bookworm')
    with pytest.raises(ValueError, match="contains '_'"):
        deb_version('1.2.3', 'book_worm')


@pytest.mark.parametrize(
    'name', ['ab', 'ros-humble-my-pkg', '0ad', 'g++', 'a.b'])
def test_check_deb_name_accepts(name):
    check_deb_name(name)


@pytest.mark.parametrize('name, message', [
    ('', 'at least 2'),
    ('a', 'at least 2'),
    ('-ab', 'must start with'),
    ('.ab', 'must start with'),
    ('Ab', 'must start with'),
    ('aB', "contains 'B'"),
    ('a_b', "contains '_'"),
    ('a b', "contains ' '"),
    ('ros-humble-é', "contains 'é'"),
])
def test_check_deb_name_rejects(name, message):
    with pytest.raises(ValueError, match=message) as info:
        check_deb_name(name)
    assert '\n' not in str(info.value)


@pytest.mark.parametrize('version', VALID_VERSIONS)
def test_check_deb_version_accepts(version):
    check_deb_version(version)


@pytest.mark.parametrize('version, message', [
    ('', 'start with a digit'),
    ('v1.0', 'start with a digit'),
    ('1:v1.0', 'start with a digit'),
    ('x:1.0', 'epoch'),
    (':1.0', 'epoch'),
    ('1.0_1', "upstream part .* contains '_'"),
    ('1.0 1', "upstream part .* contains ' '"),
    ('1:2:3', "upstream part .* contains ':'"),
    ('1.0-', 'revision .* must not be empty'),
    ('1.0-1_2', "revision .* contains '_'"),
])
def test_check_deb_version_rejects(version, message):
    with pytest.raises(ValueError, match=message) as info:
        check_deb_version(version)
    assert '\n' not in str(info.value)


@pytest.mark.skipif(not shutil.which('dpkg'), reason='needs dpkg')
@pytest.mark.parametrize('version', VALID_VERSIONS)
def test_accepted_versions_are_accepted_by_dpkg(version):
    result = subprocess.run(
        ['dpkg', '--validate-version', version], capture_output=True)
    assert result.returncode == 0, result.stderr


def test_time_suffix_round_trip():
    # 2026-11-28 10:00:00 UTC
    suffix = time_suffix(1795860000)
    assert suffix == '.20261128.100000'
    assert suffix_time('1.0.0-0bookworm' + suffix) == 1795860000
    assert suffix_time('1.0.0-0bookworm') is None


@pytest.mark.skipif(not shutil.which('dpkg'), reason='needs dpkg')
def test_a_later_time_suffix_is_an_upgrade():
    later = deb_version('1.0.0', 'bookworm', 0, time_suffix(1795860001))
    earlier = deb_version('1.0.0', 'bookworm', 0, time_suffix(1795860000))
    plain = deb_version('1.0.0', 'bookworm', 0)
    for newer, older in ((later, earlier), (earlier, plain)):
        subprocess.run(
            ['dpkg', '--compare-versions', newer, 'gt', older], check=True)


def test_a_deb_file_name_up_to_name_max_bytes_fits():
    version = '1:1.0.0-0bookworm'
    # the epoch is not part of the file name
    room = NAME_MAX - len(f'_1.0.0-0bookworm_{LONGEST_ARCHITECTURE}.deb')
    check_deb_file_name('a' * room, version)
    with pytest.raises(ValueError, match=(
            f'^its deb file name would be up to {NAME_MAX + 1} bytes long, '
            f'more than the {NAME_MAX} a file name may have; shorten the '
            'package name$')):
        check_deb_file_name('a' * (room + 1), version)

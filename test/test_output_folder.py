# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The output folder: its lock, its leftovers and its free space."""

import os
import threading
from types import SimpleNamespace

from colcon_deb.atomic_file import TEMPORARY_SUFFIX
from colcon_deb.output_folder import check_free_space
from colcon_deb.output_folder import lock_holder
from colcon_deb.output_folder import locked_output_folder
from colcon_deb.output_folder import OutputFolderError
from colcon_deb.output_folder import parse_size
from colcon_deb.repository import BY_HASH
import pytest


@pytest.mark.parametrize('text, size', [
    ('0', 0),
    ('100', 100),
    ('10K', 10 << 10),
    ('10k', 10 << 10),
    ('500M', 500 << 20),
    ('2G', 2 << 30),
    (' 2g ', 2 << 30),
    ('2GB', 2 << 30),
    ('2GiB', 2 << 30),
    ('1.5G', 3 << 29),
    ('1T', 1 << 40),
    ('100B', 100),
])
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize('text', ['', 'G', 'lots', '2X', '1.2.3M', 'M2'])
def test_parse_size_rejects(text):
    with pytest.raises(ValueError) as e:
        parse_size(text)
    assert str(e.value) == f"'{text}' is no size like 500M or 2G"


def test_check_free_space(tmp_path):
    check_free_space([('output folder', tmp_path)], 0)
    with pytest.raises(OutputFolderError) as e:
        check_free_space(
            [('output folder', tmp_path), ("Docker's data", None)], 1 << 60)
    message = str(e.value)
    assert f'free in {tmp_path} (output folder)' in message
    assert 'less than --min-free-space 1073741824.0 GiB' in message


def test_check_free_space_checks_every_folder(tmp_path, monkeypatch):
    free = {str(tmp_path / 'a'): 5 << 30, str(tmp_path / 'b'): 1 << 30}
    (tmp_path / 'a').mkdir()
    (tmp_path / 'b').mkdir()
    monkeypatch.setattr(
        'shutil.disk_usage',
        lambda folder: SimpleNamespace(free=free[str(folder)]))
    with pytest.raises(OutputFolderError, match=(
            r'^only 1\.0 GiB free in .*b \(data\), less than '
            r'--min-free-space 2\.0 GiB$')):
        check_free_space(
            [('output', tmp_path / 'a'), ('data', tmp_path / 'b')], 2 << 30)


def test_check_free_space_skips_what_is_not_there(tmp_path):
    check_free_space(
        [('output folder', tmp_path / 'missing'), ('data', None)], 1 << 60)


def test_lock_creates_the_folder_and_nothing_in_it(tmp_path):
    deb_base = tmp_path / 'deb' / 'base'
    with locked_output_folder(deb_base) as folder:
        assert folder == deb_base
        assert list(deb_base.iterdir()) == []
        assert lock_holder(deb_base) == os.getpid()
    assert list(deb_base.iterdir()) == []


def test_second_lock_fails_naming_the_holder(tmp_path):
    with locked_output_folder(tmp_path):
        with pytest.raises(OutputFolderError) as e:
            with locked_output_folder(tmp_path):
                pytest.fail('the folder was locked twice')
    message = str(e.value)
    assert '\n' not in message
    assert f'(process {os.getpid()})' in message
    assert f"'{tmp_path}'" in message
    assert '--wait-for-lock' in message
    # released at the end: the next run takes it
    with locked_output_folder(tmp_path):
        pass
    assert lock_holder(tmp_path) is None


def test_failed_lock_leaves_the_holder_alone(tmp_path):
    with locked_output_folder(tmp_path):
        half = tmp_path / f'.Release.x{TEMPORARY_SUFFIX}'
        half.write_text('')
        with pytest.raises(OutputFolderError):
            with locked_output_folder(tmp_path):
                pass
        # what the holder writes is not a leftover of a crashed run
        assert half.is_file()


def test_only_colcon_deb_s_leftovers_are_removed(tmp_path):
    """The user's files stay, even hidden, even named .tmp."""
    (tmp_path / BY_HASH).mkdir(parents=True)
    for leftover in (
            tmp_path / f'.Packages.abc{TEMPORARY_SUFFIX}',
            tmp_path / f'.ros-humble-a_1_all.deb.x{TEMPORARY_SUFFIX}',
            tmp_path / BY_HASH / f'.0123.x{TEMPORARY_SUFFIX}'):
        leftover.write_text('half')
    users = [
        tmp_path / '.work' / 'run', tmp_path / '.notes.tmp',
        tmp_path / 'kept.tmp', tmp_path / '.cache' / 'x.deb',
        tmp_path / 'ros-humble-pkg.deb', tmp_path / BY_HASH / '0123']
    for path in users:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('mine')
    # colcon-deb makes no links: one named as a leftover is not its own
    link = tmp_path / f'.link{TEMPORARY_SUFFIX}'
    link.symlink_to(tmp_path / 'kept.tmp')
    with locked_output_folder(tmp_path):
        assert sorted(
            p.relative_to(tmp_path) for p in tmp_path.rglob('*')
            if p.is_file() and not p.is_symlink()) == sorted(
                p.relative_to(tmp_path) for p in users)
        assert link.is_symlink()


def test_not_writable(tmp_path):
    (tmp_path / 'file').write_text('')
    with pytest.raises(OutputFolderError) as e:
        with locked_output_folder(tmp_path / 'file' / 'deb'):
            pass
    assert str(e.value).startswith(
        f"the output folder '{tmp_path / 'file' / 'deb'}' is not writable: ")


def test_wait_for_lock(tmp_path):
    entered = threading.Event()

    def second_run():
        with locked_output_folder(tmp_path, wait=True):
            entered.set()

    with locked_output_folder(tmp_path):
        thread = threading.Thread(target=second_run)
        thread.start()
        assert not entered.wait(0.2)
    thread.join(5)
    assert entered.is_set()

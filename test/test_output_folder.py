# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The output folder: its lock, its leftovers and its free space."""

import os
import threading
from types import SimpleNamespace

from colcon_deb.output_folder import check_free_space
from colcon_deb.output_folder import LOCK_NAME
from colcon_deb.output_folder import locked_output_folder
from colcon_deb.output_folder import OutputFolderError
from colcon_deb.output_folder import parse_size
from colcon_deb.output_folder import WORK_NAME
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


def test_lock_creates_the_folder(tmp_path):
    deb_base = tmp_path / 'deb' / 'base'
    with locked_output_folder(deb_base) as folder:
        assert folder == deb_base
        assert (deb_base / 'COLCON_IGNORE').is_file()
        assert (deb_base / LOCK_NAME).read_text() == f'{os.getpid()}\n'


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


def test_failed_lock_leaves_the_holder_alone(tmp_path):
    (tmp_path / '.x.tmp').write_text('')
    with locked_output_folder(tmp_path):
        (tmp_path / WORK_NAME).mkdir()
        (tmp_path / '.y.tmp').write_text('')
        with pytest.raises(OutputFolderError):
            with locked_output_folder(tmp_path):
                pass
        # what the holder writes is not a leftover of a crashed run
        assert (tmp_path / WORK_NAME).is_dir()
        assert (tmp_path / '.y.tmp').is_file()
        assert (tmp_path / LOCK_NAME).read_text() == f'{os.getpid()}\n'


def test_leftovers_are_removed(tmp_path):
    (tmp_path / '.Packages.tmp').write_text('half')
    (tmp_path / '.pool.tmp' / 'sub').mkdir(parents=True)
    (tmp_path / WORK_NAME / 'run').mkdir(parents=True)
    (tmp_path / 'kept.tmp').write_text('')
    (tmp_path / 'ros-humble-pkg.deb').write_text('')
    with locked_output_folder(tmp_path):
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            '.colcon-deb.lock', 'COLCON_IGNORE', 'kept.tmp',
            'ros-humble-pkg.deb']
        (tmp_path / WORK_NAME / 'run').mkdir(parents=True)
    # the run's work folder goes at its end
    assert not (tmp_path / WORK_NAME).exists()


def test_work_folder_goes_after_an_error(tmp_path):
    with pytest.raises(KeyError):
        with locked_output_folder(tmp_path):
            (tmp_path / WORK_NAME / 'run').mkdir(parents=True)
            raise KeyError('failed')
    assert not (tmp_path / WORK_NAME).exists()
    with locked_output_folder(tmp_path):
        pass


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

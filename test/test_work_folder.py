# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The run's work folder, in the cache folder, and what crashed runs left."""

import os
import socket
import subprocess

from colcon_deb.work_folder import run_work_folder
from colcon_deb.work_folder import RUNS_FOLDER
from colcon_deb.work_folder import WorkFolderError
import pytest


def test_the_work_folder_is_in_the_cache_folder_while_the_run_lasts(
        tmp_path):
    with run_work_folder(tmp_path / 'cache', 'abc') as folder:
        assert folder == tmp_path / 'cache' / RUNS_FOLDER / (
            f'{socket.gethostname()}-{os.getpid()}-abc')
        assert folder.is_dir()
        (folder / 'pkg').mkdir()
    assert not folder.exists()


def test_the_work_folder_goes_after_an_error(tmp_path):
    with pytest.raises(KeyError):
        with run_work_folder(tmp_path, 'abc') as folder:
            raise KeyError('failed')
    assert not folder.exists()


def test_work_folders_of_runs_whose_process_is_gone_are_removed(tmp_path):
    runs = tmp_path / RUNS_FOLDER
    gone = subprocess.Popen(['true'])
    gone.wait()
    host = socket.gethostname()
    dead = runs / f'{host}-{gone.pid}-aaa'
    alive = runs / f'{host}-{os.getppid()}-bbb'
    elsewhere = runs / f'other-host-{gone.pid}-ccc'
    for folder in (dead, alive, elsewhere):
        (folder / 'pkg').mkdir(parents=True)
    with run_work_folder(tmp_path, 'new'):
        assert not dead.exists()
        assert alive.is_dir() and elsewhere.is_dir()


def test_a_cache_folder_that_is_not_writable(tmp_path):
    (tmp_path / 'file').write_text('')
    with pytest.raises(WorkFolderError) as e:
        with run_work_folder(tmp_path / 'file', 'abc'):
            pass
    assert str(e.value) == (
        f"the cache folder '{tmp_path / 'file'}' is not writable: "
        'Not a directory')

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Bad input stops a run before anything is built."""

import os

from colcon_deb.debian.names import LONGEST_ARCHITECTURE
from colcon_deb.debian.names import NAME_MAX
from colcon_deb.debian.names import time_suffix
from debian.deb822 import Packages
from deep_workspace import write_manifest
from fake_engine import FakeEngine
from test_scenarios import colcon_deb as colcon_deb_on


def longest_name():
    """Return the longest package name whose deb file name fits."""
    return 'p' * (NAME_MAX - len(
        f'ros-noetic-_1.0.0-0bookworm{time_suffix(0)}_'
        f'{LONGEST_ARCHITECTURE}.deb'))


def add_package(workspace, name):
    write_manifest(workspace / 'added', name, [])
    (workspace / 'added' / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} NONE)\n')


def test_the_longest_deb_file_name_is_built_cached_and_published(
        tmp_path, monkeypatch, capsys):
    """
    A name just short enough goes all the way, also from the cache.

    The files colcon-deb writes under a temporary name first must fit too.
    """
    workspace = tmp_path / 'ws'
    add_package(workspace, longest_name())
    monkeypatch.chdir(workspace)
    monkeypatch.setenv('COLCON_LOG_PATH', str(tmp_path / 'log'))
    engine = FakeEngine()
    for _ in range(2):
        assert colcon_deb_on(monkeypatch, engine) == 0, capsys.readouterr()
    # built once, then taken from the cache
    assert engine.builds == [longest_name()]
    debs = [
        path.name for path in (workspace / 'deb').iterdir()
        if path.suffix == '.deb']
    assert len(debs) == 1
    assert len(os.fsencode(debs[0])) <= NAME_MAX
    with (workspace / 'deb' / 'Packages').open() as f:
        packages = list(Packages.iter_paragraphs(f, use_apt_pkg=False))
    assert [p['Filename'] for p in packages] == [f'./{debs[0]}']

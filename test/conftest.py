# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Fixtures for the tests that need a real Docker engine.

Run from a checkout (`python -m pytest test`), `colcon_deb` is the folder
beside `test/`, and `colcon_deb.container` is what pip installs from the
top-level folder `container/`: it is made importable under that name here.
"""

import importlib.util
import os
from pathlib import Path
import subprocess
import sys

import colcon_deb
from docker_helpers import BASE_IMAGE
from docker_helpers import docker_reachable
import pytest

CONTAINER = Path(__file__).parents[1] / 'container'
if Path(colcon_deb.__file__).parent == CONTAINER.parent / 'colcon_deb':
    _spec = importlib.util.spec_from_file_location(
        'colcon_deb.container', CONTAINER / '__init__.py',
        submodule_search_locations=[str(CONTAINER)])
    sys.modules['colcon_deb.container'] = \
        importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules['colcon_deb.container'])


@pytest.fixture(scope='session')
def docker_engine():
    """
    Skip without Docker on a laptop; in CI a missing engine is a failure.

    CI creates the base image with `.ci/make_base_image.sh`.
    """
    if not docker_reachable():
        if os.environ.get('CI') == 'true':
            pytest.fail('CI=true but no Docker daemon is reachable')
        pytest.skip('no Docker daemon is reachable')
    import docker
    client = docker.from_env()
    try:
        client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(
            f"the base image '{BASE_IMAGE}' is missing; create it with "
            '.ci/make_base_image.sh')
    return client


@pytest.fixture(autouse=True)
def cache_of_its_own(tmp_path, monkeypatch):
    """
    Give each test its own default cache folder ($XDG_CACHE_HOME).

    Runs in the test process would otherwise share the user's, and reuse
    the debs of other tests.
    """
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'xdg-cache'))


@pytest.fixture
def small_disk(tmp_path):
    """Mount a file system of 1 MiB, to fill: the disk is full for real."""
    if os.geteuid() != 0 and os.environ.get('CI') != 'true':
        pytest.skip('mounting a tmpfs needs root')
    disk = tmp_path / 'disk'
    disk.mkdir()
    subprocess.run(
        ['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', str(disk)],
        check=True)
    yield disk
    subprocess.run(['umount', str(disk)], check=True)


def make_key(home, *, passphrase='', expire='1d'):
    """Make a throwaway signing key in a GnuPG home; return its fingerprint."""
    home.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ, GNUPGHOME=str(home))
    subprocess.run(
        ['gpg', '--batch', '--pinentry-mode', 'loopback', '--passphrase',
         passphrase, '--quick-gen-key', 'colcon-deb test <test@example.org>',
         'ed25519', 'sign', expire], env=env, check=True, capture_output=True)
    listing = subprocess.run(
        ['gpg', '--batch', '--with-colons', '--list-secret-keys'], env=env,
        check=True, capture_output=True, text=True).stdout
    fingerprints = [
        line.split(':')[9] for line in listing.splitlines()
        if line.startswith('fpr:')]
    return fingerprints[-1]


@pytest.fixture
def signing_key(tmp_path, monkeypatch):
    """Make GNUPGHOME a keyring with a throwaway key; its fingerprint."""
    home = tmp_path / 'gnupg'
    monkeypatch.setenv('GNUPGHOME', str(home))
    yield make_key(home)
    subprocess.run(
        ['gpgconf', '--kill', 'gpg-agent'], env=dict(
            os.environ, GNUPGHOME=str(home)), capture_output=True)

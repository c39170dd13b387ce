# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Signing the repository with a key of the user's GnuPG keyring."""

import os
import shutil
import subprocess
import time

from colcon_deb.repository import Repository
from colcon_deb.signing import KEY_FILE
from colcon_deb.signing import Signer
from colcon_deb.signing import SigningError
from conftest import make_key
from debian.deb822 import Release
import pytest
from test_repository import add
from test_repository import apt_get
from test_repository import needs_apt

pytestmark = pytest.mark.skipif(
    not shutil.which('gpg'), reason='needs gpg')


def verify(repo, signed):
    """Check a signature with the key in the folder, as apt's gpgv does."""
    completed = subprocess.run(
        ['gpgv', '--keyring', str(repo / KEY_FILE), *signed],
        capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_a_signed_repository(signing_key, tmp_path):
    repo, debs = tmp_path / 'repo', tmp_path / 'debs'
    run = Repository(repo, Signer(signing_key))
    add(repo, debs, 'ros-humble-a', '1.0-0', repository=run)
    # signed when the run ends, all at once
    assert not (repo / 'InRelease').exists()
    run.write_index()
    verify(repo, [str(repo / 'InRelease')])
    verify(repo, [str(repo / 'Release.gpg'), str(repo / 'Release')])
    assert (repo / 'Release').read_text() in (repo / 'InRelease').read_text()
    assert 'SHA512' in Release((repo / 'Release').read_text())
    assert Repository(repo).apt_source_line().startswith(
        f'deb [signed-by={repo / KEY_FILE}] file:')


def test_a_run_without_the_key_leaves_no_signature(signing_key, tmp_path):
    repo, debs = tmp_path / 'repo', tmp_path / 'debs'
    signed = Repository(repo, Signer(signing_key))
    add(repo, debs, 'ros-humble-a', '1.0-0', repository=signed)
    signed.write_index()
    # nothing changed: the stale signature goes all the same
    Repository(repo).write_index()
    assert sorted(p.name for p in repo.iterdir()) == [
        'Packages', 'Packages.gz', 'Release', 'by-hash',
        'ros-humble-a_1.0-0_all.deb']
    assert '[trusted=yes]' in Repository(repo).apt_source_line()
    # and before the first new Release of an unsigned run
    signed.write_index()
    add(repo, debs, 'ros-humble-a', '2.0-0')
    assert not (repo / 'InRelease').exists()


@needs_apt
def test_apt_verifies_the_signed_repository(signing_key, tmp_path):
    repo, debs = tmp_path / 'repo', tmp_path / 'debs'
    run = Repository(repo, Signer(signing_key))
    add(repo, debs, 'ros-humble-a', '1.0-0', repository=run)
    run.write_index()
    # apt_get uses the APT line colcon deb prints: signed-by, not trusted
    apt_get(repo, tmp_path / 'apt', 'update')
    apt_get(repo, tmp_path / 'apt', 'download', 'ros-humble-a')
    # a signature by another key is refused
    make_key(tmp_path / 'other')
    other = tmp_path / 'other-key.gpg'
    other.write_bytes(subprocess.run(
        ['gpg', '--export'], env=dict(
            os.environ, GNUPGHOME=str(tmp_path / 'other')),
        capture_output=True, check=True).stdout)
    shutil.copy(other, repo / KEY_FILE)
    with pytest.raises(AssertionError, match='NO_PUBKEY|not signed'):
        apt_get(repo, tmp_path / 'apt-other', 'update')


def test_a_key_that_is_not_there(signing_key):
    with pytest.raises(SigningError) as raised:
        Signer('0000000000000000000000000000000000000000').check()
    message = str(raised.value)
    assert message.startswith(
        '--sign-key 0000000000000000000000000000000000000000 cannot sign: ')
    assert '\n' not in message


def test_an_expired_key(tmp_path, monkeypatch):
    home = tmp_path / 'gnupg'
    monkeypatch.setenv('GNUPGHOME', str(home))
    key = make_key(home, expire='seconds=1')
    time.sleep(2)
    with pytest.raises(SigningError, match=f'^--sign-key {key} cannot sign'):
        Signer(key).check()


def test_a_key_whose_passphrase_nobody_gave(tmp_path, monkeypatch):
    """A locked key fails at once: a build never asks for a passphrase."""
    home = tmp_path / 'gnupg'
    monkeypatch.setenv('GNUPGHOME', str(home))
    key = make_key(home, passphrase='secret')
    subprocess.run(['gpgconf', '--kill', 'gpg-agent'], check=True)
    started = time.monotonic()
    with pytest.raises(SigningError, match=f'^--sign-key {key} cannot sign'):
        Signer(key).check()
    assert time.monotonic() - started < 30

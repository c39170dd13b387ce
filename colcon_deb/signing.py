# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Signing the repository with the user's GnuPG key (`--sign-key`).

apt verifies a repository by the signature of its Release: `InRelease`
(Release, clearsigned), else `Release.gpg` (detached).  The key is the
user's, in their keyring (GNUPGHOME is honoured); its public part goes
beside the index, for the `signed-by=` of the APT line.  gpg itself does
the work: nothing here handles key material.
"""

import subprocess

# the public key in the output folder, binary as signed-by= wants it
KEY_FILE = 'archive-keyring.gpg'
SIGNATURE_FILES = ('InRelease', 'Release.gpg')


class SigningError(RuntimeError):
    """The key cannot sign."""


class Signer:
    """Signs with one key of the user's keyring, never asking anything."""

    def __init__(self, key):  # noqa: D107
        self.key = key

    def check(self):
        """
        Fail unless the key signs: missing, expired or locked.

        Done before anything is built: a run signs once, at its end, and
        must not find out then that it cannot.
        """
        self.clearsign(b'colcon-deb checks that the key signs\n')
        if not self.public_key():
            raise SigningError(
                f'--sign-key {self.key}: gpg exports no public key for it')

    def clearsign(self, data: bytes) -> bytes:
        """Return InRelease for a Release."""
        return self._gpg('--clearsign', data=data)

    def detach_sign(self, data: bytes) -> bytes:
        """Return Release.gpg for a Release."""
        return self._gpg('--detach-sign', '--armor', data=data)

    def public_key(self) -> bytes:
        """Return the public key, binary, as apt's signed-by= reads it."""
        return self._gpg('--export', self.key, data=b'')

    def _gpg(self, *args, data):
        # a passphrase that is not cached fails at once: no prompt in a
        # build, which signs without anybody at the keyboard
        try:
            completed = subprocess.run(
                ['gpg', '--batch', '--no-tty', '--pinentry-mode', 'error',
                 '--local-user', self.key, '--digest-algo', 'SHA512',
                 *args], input=data, capture_output=True)
        except FileNotFoundError:
            raise SigningError(
                f'--sign-key {self.key}: gpg is not installed') from None
        if completed.returncode:
            lines = [
                line.strip() for line in
                completed.stderr.decode(errors='replace').splitlines()
                if line.strip()]
            raise SigningError(
                f'--sign-key {self.key} cannot sign: '
                f"{lines[-1] if lines else 'gpg failed'}")
        return completed.stdout

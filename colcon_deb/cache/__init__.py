# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The content-hash cache: a package whose inputs did not change keeps its deb.

A package's key covers its name and version, the content of its source
tree, the build configuration and the system packages its rosdep keys
resolved to; its full key adds the full keys of the workspace packages it
depends on, so that a change reaches everything downstream.  A deb is
reused only after its checksum is verified: a missing or corrupt entry is a
miss, never an error.

Here are the key and the store; `keys` computes the keys of a plan's
packages, `states` tells hits and misses without starting anything.
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from functools import cached_property
import hashlib
import json
from pathlib import Path

from colcon_core.logging import colcon_logger
from colcon_deb.atomic_file import copy_atomically
from colcon_deb.atomic_file import write_atomically

logger = colcon_logger.getChild(__name__)

# bump when what a key covers or what an entry holds changes: old entries
# then never match
KEY_FORMAT = 2
STRATEGIES = ('none', 'conservative', 'aggressive')


@dataclass(frozen=True)
class CacheKey:
    """What a package's deb is made from."""

    package: str
    version: str
    source: str
    configuration: str
    resolution: str
    dependencies: dict = field(default_factory=dict)

    @cached_property
    def own(self):
        """The key without the dependencies: what aggressive reuse asks."""
        inputs = self.as_dict()
        del inputs['dependencies']
        return digest(inputs)

    @cached_property
    def full(self):
        """
        The key with the full keys of the dependencies.

        Computed once: late packages of a deep workspace have hundreds of
        dependencies, and each package's key is read by all that depend
        on it.
        """
        return digest(self.as_dict())

    def as_dict(self):
        """
        Return the fields, as `dataclasses.asdict` does, without copying.

        asdict deep-copies the dependencies: at 500 packages that was a
        second of every run.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def changes_from(self, previous):
        """Say which inputs differ from an earlier key, for --dry-run."""
        if previous is None:
            return ['never built']
        changes = []
        for name in ('version', 'source', 'configuration', 'resolution'):
            if getattr(self, name) != previous.get(name):
                changes.append({
                    'version': 'version changed',
                    'source': 'source changed',
                    'configuration': 'build configuration changed',
                    'resolution': 'system dependencies changed',
                }[name])
        old_dependencies = previous.get('dependencies', {})
        for name, key in sorted(self.dependencies.items()):
            if old_dependencies.get(name) != key:
                changes.append(f'dependency {name} changed')
        for name in sorted(set(old_dependencies) - set(self.dependencies)):
            changes.append(f'dependency {name} removed')
        return changes


class DebCache:
    """
    Debs by key in a folder; several workspaces may share one.

    Layout: `<folder>/<package>/<full key>.json` describes an entry and
    names its debs (the package's, and the one of its debug symbols),
    each `<folder>/<package>/<sha256 of the deb>.deb`;
    `<folder>/<package>/last-<architecture>.json` is the key of the
    latest entry for an architecture, to explain misses (the keys of an
    architecture's debs differ in the architecture, the entries of all
    share the folder).
    """

    def __init__(  # noqa: D107
        self, folder, strategy='conservative', architecture=None,
    ):
        self.folder = Path(folder)
        self.strategy = strategy
        self.architecture = architecture
        self._last = f'last-{architecture}.json' if architecture \
            else 'last.json'

    def for_architecture(self, architecture):
        """Return the cache as the debs of one architecture see it."""
        return DebCache(self.folder, self.strategy, architecture)

    def lookup(self, key):
        """
        Return the paths of the verified cached debs for the key, or None.

        Conservative reuse needs the full key to match; aggressive reuse
        also takes an entry whose own key matches (only dependencies
        changed).  An entry of an older format is a miss.
        """
        if self.strategy == 'none':
            return None
        entry = self._read(self._entry_path(key.package, key.full))
        if entry is None and self.strategy == 'aggressive':
            entry = self._find_own(key)
        if entry is None or entry.get('format') != KEY_FORMAT:
            return None
        debs = _entry_debs(self.folder / key.package, entry)
        if debs is None or not all(
                _has_checksum(deb, sha256) for deb, sha256 in debs):
            logger.warning(
                f"cached deb of '{key.package}' is missing or corrupt; "
                'building it again')
            return None
        return [deb for deb, _ in debs]

    def store(self, key, debs):
        """
        Keep the debs of a key; the entry is written last, atomically.

        Runs that share the cache may store one key at once, with debs of
        other bytes (a build that is not reproducible): a deb named by its
        checksum is never replaced by other bytes, so whichever entry is
        written last, it and the debs it names match, and a deb a reader
        found stays what it was.

        :param debs: the package's deb, then the one of its debug symbols
          if it has one
        """
        if self.strategy == 'none':
            return
        folder = self.folder / key.package
        folder.mkdir(parents=True, exist_ok=True)
        stored = []
        for deb in debs:
            sha256 = file_sha256(deb)
            target = folder / f'{sha256}.deb'
            copy_atomically(deb, target)
            stored.append({
                'deb': target.name, 'deb_name': deb.name, 'sha256': sha256})
        entry = {
            'format': KEY_FORMAT, 'key': key.as_dict(), 'own': key.own,
            'debs': stored}
        write_atomically(
            self._entry_path(key.package, key.full), json.dumps(entry))
        write_atomically(folder / self._last, json.dumps(key.as_dict()))

    def last_key(self, package):
        """Return the key (as a dict) of the latest entry of a package."""
        return self._read(self.folder / package / self._last)

    def last_full_key(self, package):
        """Return the full key of the latest entry of a package, or None."""
        last = self.last_key(package)
        return CacheKey(**last).full if last else None

    def _entry_path(self, package, full_key):
        return self.folder / package / f'{full_key}.json'

    def _find_own(self, key):
        for path in sorted((self.folder / key.package).glob('*.json')):
            entry = self._read(path)
            if entry and entry.get('own') == key.own:
                return entry
        return None

    @staticmethod
    def _read(path):
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None


def digest(values):
    """Hash a JSON-serialisable value."""
    return hashlib.sha256(json.dumps(
        values, sort_keys=True).encode()).hexdigest()


def file_sha256(path):
    """Hash a file's content."""
    hash_ = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            hash_.update(chunk)
    return hash_.hexdigest()


def _entry_debs(folder, entry):
    """
    Return (path, sha256) of each deb an entry names; None if it is broken.

    A broken entry (edited, half-written by another tool) is a miss: it
    names at least one deb, each a file of the entry's own folder, with a
    checksum.
    """
    debs = entry.get('debs')
    if not isinstance(debs, list) or not debs:
        return None
    found = []
    for deb in debs:
        name = deb.get('deb') if isinstance(deb, dict) else None
        sha256 = deb.get('sha256') if isinstance(deb, dict) else None
        if not isinstance(name, str) or not isinstance(sha256, str) or \
                Path(name).name != name or not name.endswith('.deb'):
            return None
        found.append((folder / name, sha256))
    return found


def _has_checksum(path, sha256):
    try:
        return file_sha256(path) == sha256
    except OSError:
        return False

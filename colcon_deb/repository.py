# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""A flat APT repository over a folder of .deb files."""

from contextlib import closing
from contextlib import contextmanager
from datetime import datetime
from datetime import timezone
from email.utils import format_datetime
import fcntl
import gzip
import hashlib
import json
import os
from pathlib import Path
import re
import shutil
import tempfile
from urllib.parse import quote

from colcon_deb.atomic_file import copy_atomically
from colcon_deb.atomic_file import write_atomically
from colcon_deb.debian.names import check_deb_name
from colcon_deb.debian.names import check_deb_version
from debian.deb822 import PkgRelation
from debian.deb822 import Release
from debian.debfile import DebFile
from debian.debian_support import Version

CACHE_NAME = '.index-cache.json'
LOCK_NAME = '.index.lock'
# Bump when the cached entries change shape, so old caches are ignored.
_CACHE_FORMAT = 2
# Field name in Packages, field name in Release, hashlib name.
_HASHES = (
    ('MD5sum', 'MD5Sum', 'md5'),
    ('SHA1', 'SHA1', 'sha1'),
    ('SHA256', 'SHA256', 'sha256'),
)
_ARCHITECTURE = re.compile(r'[a-z0-9][a-z0-9-]*')
_CHUNK_SIZE = 1 << 20


class Repository:
    """
    A flat APT repository over a folder of .deb files: the output folder.

    apt reads the folder with :meth:`apt_source_line`.  Indexers and
    :meth:`replace_package` of one folder take turns through a lock file
    (`.index.lock`), also across processes.
    """

    def __init__(self, folder):  # noqa: D107
        self.folder = Path(folder)

    def write_index(
        self, *, origin: str = 'colcon-deb', label: str = 'colcon-deb',
        suite: str = None, codename: str = None,
    ) -> None:
        """
        Write Packages, Packages.gz and Release for the debs in the folder.

        Each file is replaced atomically, so none is ever read
        half-written, and Release, which holds the hashes of the others,
        comes last.  Checksums and control fields are cached in
        `.index-cache.json` by file name, size and mtime: re-indexing
        unchanged debs reads no deb.  Files whose names start with '.'
        (temp files of :meth:`replace_package`) are not indexed.
        """
        with _locked(self.folder):
            _write_index_locked(
                self.folder, origin=origin, label=label, suite=suite,
                codename=codename)

    def replace_package(self, new_deb: Path) -> Path:
        """
        Move a finished deb into the folder, replacing its older versions.

        The deb is named `<Package>_<Version>_<Architecture>.deb` (the
        version without epoch, as in Debian's pool), copied to a temporary
        '.' file in the folder, synced and renamed, so neither a crash nor
        a concurrent :meth:`write_index` sees half a deb.  Then the index
        is rewritten without the other `<Package>_*.deb` in the folder, of
        any version or architecture, and only then are they removed: at
        every moment the index names complete debs only.  `new_deb` itself
        is removed unless it already was the target.

        :returns: the path of the deb in the folder
        :raises ValueError: if the deb's control has an invalid name,
          version or architecture, which would make an unsafe file name
        """
        folder, new_deb = self.folder, Path(new_deb)
        with closing(DebFile(new_deb)) as deb:
            control = deb.debcontrol()
        package = control['Package']
        target = folder / _canonical_name(
            package, control['Version'], control['Architecture'])
        moved = new_deb.resolve() != target.resolve()
        with _locked(folder):
            if moved:
                copy_atomically(new_deb, target)
            older = [
                other for other in folder.glob(f'{package}_*.deb')
                if other != target and other.name.split('_')[0] == package]
            _write_index_locked(
                folder, exclude={p.name for p in older}, origin='colcon-deb',
                label='colcon-deb', suite=None, codename=None)
            for other in older:
                other.unlink()
        if moved:
            new_deb.unlink()
        return target

    def publish(self, deb: Path) -> Path:
        """
        Put a copy of a deb into the folder unless the same deb is there.

        A cached deb is published this way: an unchanged package then does
        not rewrite the index at all.
        """
        deb = Path(deb)
        with closing(DebFile(deb)) as opened:
            control = opened.debcontrol()
        target = self.folder / _canonical_name(
            control['Package'], control['Version'], control['Architecture'])
        if target.exists() and _same_content(target, deb):
            return target
        with tempfile.TemporaryDirectory(
                dir=self.folder, prefix='.publish-', suffix='.tmp') as tmp:
            copy = Path(tmp) / deb.name
            shutil.copyfile(deb, copy)
            return self.replace_package(copy)

    def read_index(self) -> dict:
        """Return the paragraphs of the Packages index by package."""
        try:
            text = (self.folder / 'Packages').read_text()
        except FileNotFoundError:
            return {}
        return {p['Package']: p for p in _paragraphs(text)}

    def dependency_closure(self, deb_names, system=()):
        """
        Return what installing some of the folder's debs takes.

        :param deb_names: the debs (package names) to install
        :param system: system packages wanted besides
        :returns: the Filenames of the folder's debs among them and among
          what they depend on, sorted; and the set of system packages they
          need (a name not in the folder counts as one: apt says so when it
          cannot install it)
        """
        index = self.read_index()
        system = set(system)
        filenames, seen = [], set()
        pending = list(deb_names)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            paragraph = index.get(name)
            if paragraph is None:
                system.add(name)
                continue
            filenames.append(paragraph['Filename'])
            if 'Depends' not in paragraph:
                continue
            for relation in PkgRelation.parse_relations(
                    paragraph['Depends']):
                # the first alternative, as apt would pick it
                dependency = relation[0]['name']
                if dependency in index:
                    pending.append(dependency)
                else:
                    system.add(dependency)
        return sorted(filenames), system

    def link_debs(self, filenames, destination: Path):
        """
        Put some of the folder's debs into another folder, by their names.

        Hard links cost nothing and keep the deb even when a newer one
        replaces it in the folder meanwhile; across file systems it is a
        copy.
        """
        destination.mkdir(parents=True, exist_ok=True)
        for filename in filenames:
            target = destination / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.folder / filename, target)
            except OSError:
                shutil.copy2(self.folder / filename, target)

    def apt_source_line(self) -> str:
        """
        Return the sources.list line that lets apt install from it.

        The path is a URI: a space would end it, so it is percent-encoded.
        """
        return f'deb [trusted=yes] file:{quote(str(self.folder.resolve()))} ./'


def _same_content(a, b):
    """Tell whether two files have the same bytes."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open('rb') as fa, b.open('rb') as fb:
        while True:
            chunk = fa.read(_CHUNK_SIZE)
            if chunk != fb.read(_CHUNK_SIZE):
                return False
            if not chunk:
                return True


def _write_index_locked(folder, *, exclude=(), **release_fields):
    """Write the index of the debs in `folder` but those in `exclude`."""
    entries = _index_entries(folder, exclude=exclude)
    packages = ''.join(
        _packages_paragraph(name, entry) + '\n'
        for name, entry in entries).encode()
    files = {
        'Packages': packages,
        'Packages.gz': gzip.compress(packages, mtime=0),
    }
    for name, data in files.items():
        write_atomically(folder / name, data)
    release = _release(files, entries, **release_fields)
    write_atomically(folder / 'Release', release.dump().encode())


def _canonical_name(package, version, architecture):
    """Return Debian's file name of a deb, checking each part first."""
    check_deb_name(package)
    check_deb_version(version)
    if not _ARCHITECTURE.fullmatch(architecture or ''):
        raise ValueError(f"invalid Debian architecture '{architecture}'")
    upstream_and_revision = version.split(':', 1)[-1]
    return f'{package}_{upstream_and_revision}_{architecture}.deb'


@contextmanager
def _locked(folder):
    """Keep concurrent indexers and replacers of `folder` in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _index_entries(folder, exclude=()):
    """
    Return (file name, cache entry) of each deb, in Packages order.

    Of several debs of one package (left by a crash between publishing a
    new version and removing the old one) the newest file is indexed.
    """
    cache_path = folder / CACHE_NAME
    cached = _read_cache(cache_path)
    entries = {}
    for path in folder.glob('*.deb'):
        if path.name.startswith('.') or not path.is_file() or \
                path.name in exclude:
            continue
        stat = path.stat()
        entry = cached.get(path.name)
        if not _is_current(entry, stat):
            entry = _describe_deb(path, stat)
        entries[path.name] = entry
    if entries != cached:
        write_atomically(cache_path, json.dumps(
            {'format': _CACHE_FORMAT, 'debs': entries}, indent=1,
            sort_keys=True).encode())
    return sorted(_newest_per_package(entries), key=_packages_order)


def _newest_per_package(entries):
    """Keep the most recently written deb of each package."""
    newest = {}
    for name, entry in entries.items():
        package = _field(entry, 'Package')
        if package not in newest or \
                entry['mtime_ns'] > newest[package][1]['mtime_ns']:
            newest[package] = (name, entry)
    return newest.values()


def _read_cache(path):
    """Return the cached entries, or none if the cache is unusable."""
    try:
        cache = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(cache, dict) or cache.get('format') != _CACHE_FORMAT:
        return {}
    return cache.get('debs', {})


def _is_current(entry, stat):
    """Tell if a cache entry still describes the file, without reading it."""
    return bool(entry) and (entry.get('size'), entry.get('mtime_ns')) == (
        stat.st_size, stat.st_mtime_ns)


def _describe_deb(path, stat):
    """
    Read what the index needs from one deb: control fields and checksums.

    The fields are kept in their order, parsed once: writing the index
    of hundreds of debs after each package then parses nothing.
    """
    with closing(DebFile(path)) as deb:
        fields = [list(item) for item in deb.debcontrol().items()]
    hashes = [hashlib.new(algorithm) for _, _, algorithm in _HASHES]
    with path.open('rb') as deb_file:
        for chunk in iter(lambda: deb_file.read(_CHUNK_SIZE), b''):
            for hash_ in hashes:
                hash_.update(chunk)
    entry = {
        'size': stat.st_size, 'mtime_ns': stat.st_mtime_ns,
        'fields': fields,
    }
    for (field, _, _), hash_ in zip(_HASHES, hashes):
        entry[field] = hash_.hexdigest()
    return entry


def _packages_order(item):
    """Order by package name, then version, then file name."""
    name, entry = item
    return _field(entry, 'Package'), Version(_field(entry, 'Version')), name


def _field(entry, wanted):
    """Return a control field of a cache entry."""
    for name, value in entry['fields']:
        if name == wanted:
            return value
    return None


def _packages_paragraph(name, entry):
    """Return a deb's control with where to find it, as in Packages."""
    fields = [f for f in entry['fields'] if f[0] != 'Description']
    fields += [('Filename', f'./{name}'), ('Size', str(entry['size']))]
    fields += [(field, entry[field]) for field, _, _ in _HASHES]
    fields += [f for f in entry['fields'] if f[0] == 'Description']
    # a value that starts on the next line keeps the line break alone
    return ''.join(
        f'{name}:{value}\n' if not value or value.startswith('\n') else
        f'{name}: {value}\n' for name, value in fields)


def _paragraphs(text):
    """
    Parse the paragraphs of an index into dicts of fields.

    Faster by far than a general deb822 parser: run after each package
    published, reading the index of a big workspace must stay cheap.
    """
    paragraphs = []
    for block in text.split('\n\n'):
        paragraph, name = {}, None
        for line in block.splitlines():
            if line[:1] in (' ', '\t') and name:
                paragraph[name] += '\n' + line
            elif ':' in line:
                name, _, value = line.partition(':')
                paragraph[name] = value.strip()
        if 'Package' in paragraph:
            paragraphs.append(paragraph)
    return paragraphs


def _release(files, entries, *, origin, label, suite, codename):
    """Return the Release paragraph that signs off on the index files."""
    release = Release()
    release['Origin'] = origin
    release['Label'] = label
    if suite:
        release['Suite'] = suite
    if codename:
        release['Codename'] = codename
    release['Date'] = format_datetime(
        datetime.now(timezone.utc).replace(microsecond=0), usegmt=True)
    architectures = sorted({
        _field(entry, 'Architecture') for _, entry in entries})
    if architectures:
        release['Architectures'] = ' '.join(architectures)
    for _, field, algorithm in _HASHES:
        release[field] = [
            {
                field.lower(): hashlib.new(algorithm, data).hexdigest(),
                'size': str(len(data)), 'name': name,
            } for name, data in files.items()]
    return release

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""A flat APT repository over a folder of .deb files."""

from contextlib import closing
from contextlib import contextmanager
from contextlib import suppress
from datetime import datetime
from datetime import timezone
from email.utils import format_datetime
from functools import lru_cache
import gzip
import hashlib
import os
from pathlib import Path
import re
import shutil
import stat
import threading
import time
from urllib.parse import quote

from colcon_core.logging import colcon_logger
from colcon_deb.atomic_file import copy_atomically
from colcon_deb.atomic_file import write_atomically
from colcon_deb.debian.names import check_deb_name
from colcon_deb.debian.names import check_deb_version
from colcon_deb.signing import KEY_FILE
from colcon_deb.signing import SIGNATURE_FILES
from debian.deb822 import PkgRelation
from debian.deb822 import Release
from debian.debfile import DebFile

logger = colcon_logger.getChild(__name__)

# Where each generation of the index is kept, named by its SHA512: apt
# fetches the index files from there when Release says Acquire-By-Hash,
# by the strongest hash Release lists.
BY_HASH = Path('by-hash') / 'SHA512'
# How long a generation no longer current stays for readers in flight,
# between fetching Release and fetching the files it names, in seconds.
GRACE_SECONDS = 60
# What earlier versions of colcon-deb kept in the folder.
_OBSOLETE = ('.index-cache.json', '.index.lock')
# Field name in Packages, hashlib name.
_DEB_HASHES = (('MD5sum', 'md5'), ('SHA1', 'sha1'), ('SHA256', 'sha256'))
# Field name in Release, hashlib name.
_INDEX_HASHES = (
    ('MD5Sum', 'md5'), ('SHA1', 'sha1'), ('SHA256', 'sha256'),
    ('SHA512', 'sha512'))
_ARCHITECTURE = re.compile(r'[a-z0-9][a-z0-9-]*')
_FILENAME = re.compile(r'^Filename: \./([^/\n]+\.deb)$', re.MULTILINE)
_CHUNK_SIZE = 1 << 20


class RepositoryError(RuntimeError):
    """The output folder cannot be written, e.g. for lack of space."""


class Repository:
    """
    A flat APT repository over a folder of .deb files: the output folder.

    apt reads the folder with :meth:`apt_source_line`.  The index is
    published in generations, as Debian's archive does it: the files of
    each generation (Packages, Packages.gz) are written once under
    `by-hash/SHA512/<their hash>`, and the generation becomes current when
    `Release`, which names them and says `Acquire-By-Hash: yes`, is
    renamed into place.  That rename is the one step that switches: killed
    or out of space at any moment, the folder holds a Release whose files
    are all there, and apt sees the old index or the new, never a mix.
    The plain `Packages` and `Packages.gz` follow for tools and older apt.

    The current Packages is also the list of what is published: a deb is
    colcon-deb's when an index names it, and only such debs are ever
    removed, once no generation that is kept names them any more.  Kept
    are the current generation, the one current when this object first
    read the folder (what robots last fetched before the run), and for
    :data:`GRACE_SECONDS` any other.

    Signed (with a colcon_deb.signing.Signer), `InRelease` is what apt
    reads, and it is signed once, when the run ends (:meth:`write_index`):
    robots that verify see the run's result as a whole, and a run that
    publishes hundreds of debs calls gpg once.  Unsigned, stale signature
    files go before the first new Release, so that apt never reads an old
    InRelease.

    One process writes a folder at a time (the run's lock on the output
    folder sees to it); its threads take turns.
    """

    def __init__(self, folder, signer=None):  # noqa: D107
        self.folder = Path(folder)
        self.signer = signer
        self._lock = threading.Lock()
        # the hash of the current Packages, its paragraphs by package and
        # architecture, and the architectures they are of
        self._current = None
        # the index files of the generation current when first read
        self._first = None
        # the debs named by the generations this object knows, by hash
        self._names = {}
        # the fields of the current paragraphs, by their text
        self._parsed = {}
        # when publishing next looks for generations to remove: no sooner
        # than any can be old enough, so that a deb costs no look at them
        self._next_removal = 0

    def publish(self, deb: Path) -> Path:
        """
        Put a copy of a deb into the folder and make the index name it.

        The deb is named `<Package>_<Version>_<Architecture>.deb` (the
        version without epoch, as in Debian's pool) and copied atomically;
        then a new generation of the index names it instead of the
        package's deb of the same architecture, if any.  Debs of other
        architectures stay, for robots of those; an `Architecture: all` deb
        stands for every architecture, so it replaces them all, and is
        replaced by any.  A deb already published as it is changes nothing:
        an unchanged package does not rewrite the index.

        :returns: the path of the deb in the folder
        :raises ValueError: if the deb's control has an invalid name,
          version or architecture, which would make an unsafe file name
        :raises RepositoryError: if the folder cannot be written; the index
          is then still the one before
        """
        deb = Path(deb)
        with closing(DebFile(deb)) as opened:
            control = opened.debcontrol()
        package, architecture = control['Package'], control['Architecture']
        name = _canonical_name(package, control['Version'], architecture)
        target = self.folder / name
        with self._lock, _writing(self.folder):
            current = self._read_current()
            paragraph = current.get((package, architecture))
            existed = _is_regular(target)
            in_place = existed and _same_content(target, deb)
            if in_place and paragraph and \
                    _FILENAME.search(paragraph).group(1) == name:
                return target
            current = dict(current)
            if not in_place:
                # the same version built again replaces its deb in place
                copy_atomically(deb, target)
            published = False
            try:
                for other in list(current):
                    if other[0] == package and 'all' in (
                            architecture, other[1]):
                        del current[other]
                current[package, architecture] = _packages_paragraph(
                    name, _describe_deb(target, control))
                self._write_generation(current)
                published = True
            finally:
                if not published and not existed:
                    target.unlink()
            if time.monotonic() >= self._next_removal:
                self._remove_unused()
        return target

    def withdraw(self, package, architecture) -> None:
        """
        Make the index name no deb of a package for an architecture.

        For the deb of debug symbols of a package that has none any more,
        whose Depends on an older version apt could not meet.  For `all`,
        its debs of every architecture go.  The debs themselves are removed
        as any others, once no kept generation names them.
        """
        with self._lock, _writing(self.folder):
            current = self._read_current()
            # looked up, not searched for: every package without debug
            # symbols withdraws them, most often none
            architectures = self._current[2] if architecture == 'all' \
                else (architecture, 'all')
            gone = {
                (package, other) for other in architectures
                if (package, other) in current}
            if gone:
                self._write_generation({
                    key: paragraph for key, paragraph in current.items()
                    if key not in gone})

    def write_index(self) -> None:
        """
        Write the index anew, of the debs it names that are still there.

        An index naming a deb that is gone, or not the size it says (a user
        removed or replaced it), would fail apt: such debs leave the index,
        with a warning.  A folder without an index gets an empty one, so
        that apt can read it from the start.  With a signer, the current
        Release is signed; without, signature files are removed.
        Generations and debs no longer kept are removed, and so are files
        of older versions of colcon-deb.
        """
        with self._lock, _writing(self.folder):
            current = self._read_current()
            kept = {
                key: paragraph for key, paragraph in current.items()
                if _still_there(self.folder, key[0], paragraph)}
            if kept != current or not (self.folder / 'Release').exists():
                self._write_generation(kept)
            if self.signer:
                self._sign()
            else:
                self._remove_signature()
            self._remove_unused()
            for obsolete in _OBSOLETE:
                with suppress(FileNotFoundError):
                    (self.folder / obsolete).unlink()

    def write_file(self, name, data):
        """Write a file beside the index, e.g. the workspace's rosdep rules."""
        with _writing(self.folder):
            write_atomically(self.folder / name, data)

    def read_index(self, architecture=None) -> dict:
        """
        Return the paragraphs of the current Packages index by package.

        :param architecture: the debs apt installs on that architecture
          (its own and `all`); without, of each package the deb of the
          first architecture in the index
        """
        with self._lock:
            current = self._read_current()
            # every job reads the index: a paragraph is parsed once
            self._parsed = {
                paragraph: self._parsed.get(paragraph) or _fields(paragraph)
                for paragraph in current.values()}
            parsed = self._parsed
        index = {}
        for (package, deb_architecture), paragraph in current.items():
            if architecture in (None, deb_architecture) or \
                    deb_architecture == 'all':
                index.setdefault(package, dict(parsed[paragraph]))
        return index

    def dependency_closure(self, deb_names, system=(), architecture=None):
        """
        Return what installing some of the folder's debs takes.

        :param deb_names: the debs (package names) to install
        :param system: system packages wanted besides
        :param architecture: the architecture they are installed on
        :returns: the Filenames of the folder's debs among them and among
          what they depend on, sorted; and the set of system packages they
          need (a name not in the folder counts as one: apt says so when it
          cannot install it)
        """
        index = self.read_index(architecture)
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

    def apt_source_line(self, signed=None) -> str:
        """
        Return the sources.list line that lets apt install from it.

        The path is a URI: a space would end it, so it is percent-encoded.
        A signed folder is verified with its public key, an unsigned one
        is trusted as it is.

        :param signed: whether it is signed, if the folder does not say
          yet
        """
        folder = self.folder.resolve()
        key = folder / KEY_FILE
        if signed is None:
            signed = (folder / 'InRelease').exists() and key.exists()
        option = f'signed-by={key}' if signed else 'trusted=yes'
        return f'deb [{option}] file:{quote(str(folder))} ./'

    def _read_current(self):
        """
        Return the current index's paragraphs by package and architecture.

        Read once and then kept, as long as Release names the same
        Packages; a folder of an older colcon-deb has only the plain file.
        The kept paragraphs are returned, not a copy (publishing a deb reads
        them, and they are as many as the debs): copy them to change them.
        """
        hashes = _release_hashes(self.folder)
        packages_hash = hashes.get('Packages')
        if self._current and self._current[0] == packages_hash:
            return self._current[1]
        text = _read_text(self.folder / BY_HASH / packages_hash) \
            if packages_hash else None
        if text is None:
            text = _read_text(self.folder / 'Packages') or ''
        current = _paragraphs_by_key(text)
        if self._first is None:
            self._first = {'text': text, 'hashes': set(hashes.values())}
        self._current = (
            packages_hash, current, {arch for _, arch in current})
        self._names.setdefault(packages_hash, _deb_names(text))
        return current

    def _write_generation(self, current):
        """Publish a generation of the index naming these paragraphs."""
        packages = ''.join(
            current[key] + '\n' for key in sorted(current)).encode()
        files = {
            'Packages': packages,
            # level 6, as dpkg-scanpackages | gzip: 9 costs twice the time
            'Packages.gz': gzip.compress(packages, compresslevel=6, mtime=0),
        }
        if self._first['text'] and not self._first.get('stored'):
            # the first index (maybe an older colcon-deb's, without
            # by-hash) is a generation like the others: its debs are
            # removed once no kept index names them
            self._first['hashes'].add(
                _store(self.folder, self._first['text'].encode()))
            self._first['stored'] = True
        for data in files.values():
            _store(self.folder, data)
        architectures = sorted({architecture for _, architecture in current})
        if not self.signer:
            self._remove_signature()
        write_atomically(
            self.folder / 'Release',
            _release(files, architectures).dump().encode())
        # published: what follows may fail without undoing it
        packages_hash = _sha512(packages)
        self._current = (packages_hash, dict(current), set(architectures))
        self._names[packages_hash] = _deb_names(packages.decode())
        try:
            for name, data in files.items():
                write_atomically(self.folder / name, data)
        except OSError as e:
            logger.warning(
                f'the plain index files of the output folder are behind: '
                f'{e.strerror} ({e.filename}); apt reads by hash')

    def _sign(self):
        """
        Sign the current Release: InRelease, the switch for apt, first.

        Then Release.gpg, for the rare apt that wants it, and the public
        key, for signed-by=.
        """
        release = (self.folder / 'Release').read_bytes()
        write_atomically(
            self.folder / 'InRelease', self.signer.clearsign(release))
        write_atomically(
            self.folder / 'Release.gpg', self.signer.detach_sign(release))
        key = self.signer.public_key()
        path = self.folder / KEY_FILE
        if not _is_regular(path) or path.read_bytes() != key:
            write_atomically(path, key)

    def _remove_signature(self):
        """Remove the signature files a signed run left, InRelease first."""
        for name in (*SIGNATURE_FILES, KEY_FILE):
            with suppress(FileNotFoundError):
                (self.folder / name).unlink()

    def _remove_unused(self):
        """
        Remove the generations no longer kept, then the debs only they name.

        Only a deb that an index named is removed: whatever else is in the
        folder was not put there by colcon-deb.
        """
        self._next_removal = time.monotonic() + GRACE_SECONDS / 4
        by_hash = self.folder / BY_HASH
        if not by_hash.is_dir():
            # an older colcon-deb's folder, until its first generation
            return
        # a signed folder's InRelease may be behind Release, until the end
        current = set(_release_hashes(self.folder).values()) | set(
            _release_hashes(self.folder, 'InRelease').values())
        kept = current | self._first['hashes']
        old = time.time() - GRACE_SECONDS
        dropped = []
        for path in by_hash.iterdir():
            if path.name in kept or path.name.startswith('.'):
                continue
            if path.lstat().st_mtime >= old:
                kept.add(path.name)
            else:
                dropped.append(path)
        if not dropped:
            return
        unused = set()
        for path in dropped:
            unused |= self._names_of(path)
        # most often the current and the first generation name them all:
        # the other kept ones are looked at only if not
        for names in (current | self._first['hashes'], kept):
            for name in names:
                if not unused:
                    break
                unused -= self._names_of(by_hash / name)
        for path in dropped:
            path.unlink()
            self._names.pop(path.name, None)
        for name in unused:
            path = self.folder / name
            if _is_regular(path):
                path.unlink()

    def _names_of(self, path):
        """Return the debs a Packages file names (none for Packages.gz)."""
        if path.name not in self._names:
            text = _read_text(path) if _is_regular(path) else None
            self._names[path.name] = _deb_names(text or '')
        return self._names[path.name]


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


def _canonical_name(package, version, architecture):
    """Return Debian's file name of a deb, checking each part first."""
    check_deb_name(package)
    check_deb_version(version)
    if not _ARCHITECTURE.fullmatch(architecture or ''):
        raise ValueError(f"invalid Debian architecture '{architecture}'")
    upstream_and_revision = version.split(':', 1)[-1]
    return f'{package}_{upstream_and_revision}_{architecture}.deb'


@contextmanager
def _writing(folder):
    """Create the folder; a failure to write it is a RepositoryError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as e:
        what = f' ({e.filename})' if e.filename else ''
        raise RepositoryError(
            f"cannot write the output folder '{folder}'{what}: "
            f'{e.strerror or e}') from None


def _is_regular(path):
    """Tell if a path is a regular file, not following a link."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def _still_there(folder, package, paragraph):
    """Tell if the deb a paragraph names is in the folder, as named."""
    fields = _fields(paragraph)
    path = folder / fields['Filename']
    if _is_regular(path) and str(path.lstat().st_size) == fields['Size']:
        return True
    logger.warning(
        f"'{package}': {fields['Filename']} is missing or changed in the "
        'output folder; it leaves the index')
    return False


def _sha512(data):
    return hashlib.sha512(data).hexdigest()


def _store(folder, data):
    """Keep index data under its hash, written once; return the hash."""
    digest = _sha512(data)
    path = folder / BY_HASH / digest
    if not _is_regular(path):
        write_atomically(path, data)
    return digest


def _read_text(path):
    """Return a text file's content, or None if missing or not text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if data[:2] == b'\x1f\x8b':
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def _release_hashes(folder, name='Release'):
    """
    Return the SHA512 of each index file a Release names.

    :param name: Release, or InRelease, whose signature is left aside
    """
    text = _read_text(folder / name)
    if not text:
        return {}
    return dict(_parse_release_hashes(text))


@lru_cache(2)
def _parse_release_hashes(text):
    """
    Return (name, SHA512) of each index file of a Release text.

    Parsed once for each text, Release's and InRelease's: publishing a deb
    reads Release, and parsing it took more than a millisecond.
    """
    _, payload, _ = Release.split_gpg_and_payload(text.splitlines())
    return tuple(
        (entry['name'], entry['sha512']) for entry in Release(
            '\n'.join(line.decode() for line in payload)).get('SHA512', []))


def _deb_names(packages_text):
    """Return the file names of the debs a Packages text names."""
    return set(_FILENAME.findall(packages_text))


def _describe_deb(path, control):
    """
    Return what the index needs of a deb: control fields, checksums.

    :param control: its control, which publishing read already
    """
    fields = list(control.items())
    hashes = [hashlib.new(algorithm) for _, algorithm in _DEB_HASHES]
    size = 0
    with path.open('rb') as deb_file:
        for chunk in iter(lambda: deb_file.read(_CHUNK_SIZE), b''):
            size += len(chunk)
            for hash_ in hashes:
                hash_.update(chunk)
    return fields, size, [
        (field, hash_.hexdigest())
        for (field, _), hash_ in zip(_DEB_HASHES, hashes)]


def _packages_paragraph(name, description):
    """Return a deb's control with where to find it, as in Packages."""
    control, size, checksums = description
    fields = [f for f in control if f[0] != 'Description']
    fields += [('Filename', f'./{name}'), ('Size', str(size))]
    fields += checksums
    fields += [f for f in control if f[0] == 'Description']
    # a value that starts on the next line keeps the line break alone
    return ''.join(
        f'{name}:{value}\n' if not value or value.startswith('\n') else
        f'{name}: {value}\n' for name, value in fields)


def _paragraphs_by_key(text):
    """Split an index into its paragraphs, as text, by package and arch."""
    paragraphs = {}
    for block in text.split('\n\n'):
        block = block.strip('\n')
        if block:
            fields = _fields(block)
            paragraphs[fields['Package'], fields['Architecture']] = \
                block + '\n'
    return paragraphs


def _fields(paragraph):
    """
    Parse one paragraph of an index into a dict of fields.

    Faster by far than a general deb822 parser: run after each package
    published, reading the index of a big workspace must stay cheap.
    """
    fields, name = {}, None
    for line in paragraph.splitlines():
        if line[:1] in (' ', '\t') and name:
            fields[name] += '\n' + line
        elif ':' in line:
            name, _, value = line.partition(':')
            fields[name] = value.strip()
    return fields


def _release(files, architectures):
    """Return the Release paragraph that signs off on the index files."""
    release = Release()
    release['Origin'] = 'colcon-deb'
    release['Label'] = 'colcon-deb'
    release['Date'] = format_datetime(
        datetime.now(timezone.utc).replace(microsecond=0), usegmt=True)
    if architectures:
        release['Architectures'] = ' '.join(architectures)
    # apt fetches the index files by their hash: see Repository
    release['Acquire-By-Hash'] = 'yes'
    for field, algorithm in _INDEX_HASHES:
        release[field] = [
            {
                field.lower(): hashlib.new(algorithm, data).hexdigest(),
                'size': str(len(data)), 'name': name,
            } for name, data in files.items()]
    return release

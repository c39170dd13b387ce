# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The cache keys of a plan's packages and the digest of their sources."""

import json
import os
import signal
import socket

from colcon_deb.cache import CacheKey
from colcon_deb.cache import DebCache
from colcon_deb.cache import file_sha256
from colcon_deb.cache.keys import package_keys
from colcon_deb.cache.keys import source_digest
from colcon_deb.dependency_resolution import Resolution
from colcon_deb.task import PackageOptions
import pytest
from test_plan import decorator
from test_plan import plan_of
from test_plan import write_package

IMAGE = 'colcon-deb-builder:' + '0' * 16


class FakeCache(DebCache):
    """A cache whose last keys the test gives; it asks no folder."""

    def __init__(self, last=None):  # noqa: D107
        super().__init__('/nonexistent')
        self.last = last or {}
        self.asked = []

    def last_key(self, name):
        self.asked.append(name)
        return self.last.get(name)


def found(**system_packages):
    """Return what the prepare container found: these system packages."""
    return Resolution(
        codename='jammy', architecture='amd64', python_version='3.10',
        system_packages=system_packages or {'zlib': ['zlib-dev']})


def options(*names, cmake_args=None):
    return {
        name: PackageOptions(run_tests=False, cmake_args=cmake_args)
        for name in names}


@pytest.fixture
def source(tmp_path):
    root = tmp_path / 'pkg'
    (root / 'src').mkdir(parents=True)
    (root / 'package.xml').write_text('<package/>\n')
    (root / 'src' / 'main.cpp').write_text('int main() {}\n')
    return root


def test_same_tree_same_digest(source, tmp_path):
    copy = tmp_path / 'copy'
    (copy / 'src').mkdir(parents=True)
    (copy / 'package.xml').write_text('<package/>\n')
    (copy / 'src' / 'main.cpp').write_text('int main() {}\n')
    # the folder's own place does not count
    assert source_digest(copy)[0] == source_digest(source)[0]


def test_ignored_files_and_folders(source):
    before = source_digest(source)
    ignored = [
        source / '.git' / 'HEAD',
        source / 'src' / '__pycache__' / 'mod.cpython-311.pyc',
        source / 'src' / 'mod.pyc',
        source / 'build' / 'COLCON_IGNORE',
        source / 'build' / 'CMakeCache.txt',
        source / 'install' / 'AMENT_IGNORE',
        source / 'install' / 'lib' / 'pkg.so',
    ]
    for path in ignored:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('x\n')
        # newer than every other file, but no build reads it
        os.utime(path, (before[1] + 100, before[1] + 100))
    assert source_digest(source) == before
    # without its marker, the folder counts
    (source / 'build' / 'COLCON_IGNORE').unlink()
    assert source_digest(source)[0] != before[0]


@pytest.mark.parametrize('change', [
    lambda root: (root / 'src' / 'main.cpp').write_text('int main() {1;}\n'),
    lambda root: (root / 'src' / 'main.cpp').rename(root / 'src' / 'm.cpp'),
    lambda root: (root / 'src' / 'new.h').write_text(''),
    lambda root: (root / 'src' / 'main.cpp').chmod(0o755),
    lambda root: (root / 'data.pyc.txt').write_text(''),
])
def test_changes_change_the_digest(source, change):
    before = source_digest(source)[0]
    change(source)
    assert source_digest(source)[0] != before


def test_symlink_target_counts(source):
    link = source / 'src' / 'link.cpp'
    link.symlink_to('main.cpp')
    first = source_digest(source)[0]
    # the content it points to is the same, the target is not
    (source / 'src' / 'other.cpp').write_text('int main() {}\n')
    digest_with_other = source_digest(source)[0]
    link.unlink()
    link.symlink_to('other.cpp')
    assert source_digest(source)[0] not in (first, digest_with_other)


def test_newest_mtime(source):
    os.utime(source / 'package.xml', (1000, 1000))
    os.utime(source / 'src' / 'main.cpp', (1_700_000_000.7, 1_700_000_000.7))
    assert source_digest(source)[1] == 1_700_000_000
    os.utime(source / 'package.xml', (1_800_000_000, 1_800_000_000))
    assert source_digest(source)[1] == 1_800_000_000


def test_fifos_and_sockets_are_left_out_never_opened(source):
    before = source_digest(source)[0]
    os.mkfifo(source / 'src' / 'pipe')
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(source / 'src' / 'socket'))
    # opening the FIFO would wait for a writer: fail instead of hanging
    previous = signal.signal(signal.SIGALRM, waited_too_long)
    signal.alarm(20)
    try:
        assert source_digest(source)[0] == before
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        server.close()


def waited_too_long(signum, frame):
    raise TimeoutError('source_digest waited on a special file')


def test_file_names_need_not_be_utf8(source):
    before = source_digest(source)[0]
    name = os.fsdecode(b'caf\xe9.txt')
    (source / name).write_text('not UTF-8 in its name\n')
    assert source_digest(source)[0] != before


def test_empty_folder(tmp_path):
    digest, newest = source_digest(tmp_path)
    assert len(digest) == 64
    assert newest == 0


@pytest.fixture
def chain(tmp_path):
    """Folders of a <- b, both ros.cmake, and c (ros.ament_python)."""
    return {
        'a': write_package(tmp_path, 'a', 'zlib'),
        'b': write_package(tmp_path, 'b', 'a'),
        'c': write_package(tmp_path, 'c'),
    }


def chain_plan(chain, *, a_selected=True):
    return plan_of([
        decorator(chain['a'], selected=a_selected),
        decorator(chain['b'], 'a'),
        decorator(chain['c'], build_type='ros.ament_python'),
    ])


def keys_of(plan, opts=None, *, cache=None, image=IMAGE, resolution=None):
    """Return {name: CacheKey} of the plan's packages."""
    keys = package_keys(
        plan, opts or options('a', 'b', 'c'), image=image,
        resolution=resolution or found(), cache=cache or FakeCache())
    return {name: key for name, (key, _) in keys.items()}


def test_keys_of_a_plan(chain):
    keys = keys_of(chain_plan(chain))
    assert list(keys) == ['a', 'b', 'c']
    assert keys['a'].package == 'a'
    assert keys['a'].version == '1.0.0'
    assert keys['a'].source == source_digest(chain['a'])[0]
    assert keys['a'].dependencies == {}
    assert keys['b'].dependencies == {'a': keys['a'].full}
    # the same inputs give the same keys
    assert keys_of(chain_plan(chain)) == keys


def test_newest_mtime_is_returned(chain):
    os.utime(chain['b'] / 'package.xml', (1_700_000_000, 1_700_000_000))
    keys = package_keys(
        chain_plan(chain), options('a', 'b', 'c'), image=IMAGE,
        resolution=found(), cache=FakeCache())
    assert keys['b'][1] == 1_700_000_000


def test_dependency_change_reaches_the_full_key_only(chain):
    before = keys_of(chain_plan(chain))
    (chain['a'] / 'a.cpp').write_text('// changed\n')
    after = keys_of(chain_plan(chain))
    assert after['a'].source != before['a'].source
    assert after['a'].own != before['a'].own
    assert after['b'].own == before['b'].own
    assert after['b'].full != before['b'].full
    assert after['b'].changes_from(vars(before['b'])) == [
        'dependency a changed']
    # an unrelated package keeps its key
    assert after['c'] == before['c']


def test_cmake_args_change_the_configuration(chain):
    plan = chain_plan(chain)
    plain = keys_of(plan, options('a', 'b', 'c'))
    release = keys_of(plan, options(
        'a', 'b', 'c', cmake_args=['-DCMAKE_BUILD_TYPE=Release']))
    debug = keys_of(plan, options(
        'a', 'b', 'c', cmake_args=['-DCMAKE_BUILD_TYPE=Debug']))
    assert len({k['a'].configuration for k in (plain, release, debug)}) == 3
    assert release['a'].source == plain['a'].source
    # CMake arguments are no option of a Python package
    assert release['c'] == plain['c']


def test_run_tests_changes_the_configuration(chain):
    plan = chain_plan(chain)
    with_tests = {
        name: PackageOptions(run_tests=True, cmake_args=None)
        for name in 'abc'}
    assert keys_of(plan, with_tests)['c'].configuration != \
        keys_of(plan)['c'].configuration


def test_image_and_target_change_the_configuration(chain):
    plan = chain_plan(chain)
    base = keys_of(plan)['a']
    assert keys_of(plan, image='colcon-deb-builder:other')['a'] \
        .configuration != base.configuration
    other_target = Resolution(
        codename='noble', architecture='amd64', python_version='3.12',
        system_packages={'zlib': ['zlib-dev']})
    assert keys_of(plan, resolution=other_target)['a'].configuration != \
        base.configuration


def test_resolved_system_packages_change_the_resolution(chain):
    plan = chain_plan(chain)
    base = keys_of(plan)
    other = keys_of(plan, resolution=found(zlib=['zlib2-dev']))
    assert other['a'].resolution != base['a'].resolution
    assert other['a'].configuration == base['a'].configuration
    # b has no system dependency of its own, only the full key changes
    assert other['b'].resolution == base['b'].resolution
    assert other['b'].full != base['b'].full
    # the order a key's packages came in does not count
    two = keys_of(plan, resolution=found(zlib=['x', 'y']))
    assert keys_of(plan, resolution=found(zlib=['y', 'x'])) == two


def test_dependency_outside_the_plan_uses_its_last_key(chain):
    plan = chain_plan(chain, a_selected=False)
    assert [p.name for p in plan.packages] == ['b', 'c']
    last = vars(CacheKey(
        package='a', version='1.0.0', source='s', configuration='c',
        resolution='r'))
    cache = FakeCache({'a': last})
    keys = keys_of(plan, cache=cache)
    assert cache.asked == ['a']
    assert keys['b'].dependencies == {'a': CacheKey(**last).full}
    # never built: unknown, and then built with another key
    unknown = keys_of(plan, cache=FakeCache())
    assert unknown['b'].dependencies == {'a': 'unknown'}
    assert unknown['b'].own == keys['b'].own
    assert unknown['b'].full != keys['b'].full


@pytest.fixture
def stored(tmp_path):
    """Store one entry that a lookup finds; give (cache, key, entry)."""
    cache = DebCache(tmp_path / 'cache')
    key = CacheKey(
        package='core', version='1.0.0', source='s', configuration='c',
        resolution='r')
    debs = [tmp_path / 'core.deb', tmp_path / 'core-dbgsym.deb']
    for deb in debs:
        deb.write_bytes(f'the deb {deb.name}'.encode())
    cache.store(key, debs)
    found = cache.lookup(key)
    # both debs, in the order stored
    assert [deb.read_bytes() for deb in found] == [
        b'the deb core.deb', b'the deb core-dbgsym.deb']
    return cache, key, cache.folder / 'core' / f'{key.full}.json'


@pytest.mark.parametrize('broken', [
    {'sha256': None}, {'deb': '../elsewhere/x.deb'}, {'deb': 5},
    {'deb': '/etc/hosts'}])
def test_a_broken_cache_entry_is_a_miss(stored, broken):
    cache, key, entry_path = stored
    entry = json.loads(entry_path.read_text())
    deb = entry['debs'][1]
    deb.update(broken)
    entry['debs'][1] = {k: v for k, v in deb.items() if v is not None}
    entry_path.write_text(json.dumps(entry))
    assert cache.lookup(key) is None


@pytest.mark.parametrize('debs', [[], None, 'core.deb', ['core.deb']])
def test_an_entry_without_debs_is_a_miss(stored, debs):
    cache, key, entry_path = stored
    entry = json.loads(entry_path.read_text())
    entry['debs'] = debs
    entry_path.write_text(json.dumps(entry))
    assert cache.lookup(key) is None


def test_an_entry_of_the_older_format_is_a_miss(stored):
    """It named one deb; builds now make the one of debug symbols too."""
    cache, key, entry_path = stored
    entry = json.loads(entry_path.read_text())
    first = entry.pop('debs')[0]
    entry.update(format=1, deb=first['deb'], sha256=first['sha256'])
    entry_path.write_text(json.dumps(entry))
    assert cache.lookup(key) is None


def test_a_corrupt_deb_of_debug_symbols_is_a_miss(stored):
    cache, key, entry_path = stored
    cache.lookup(key)[1].write_bytes(b'changed')
    assert cache.lookup(key) is None


def test_a_cache_entry_cannot_name_a_file_outside_its_folder(
        stored, tmp_path):
    cache, key, entry_path = stored
    outside = tmp_path / 'outside.deb'
    outside.write_bytes(b'not the cache')
    entry = json.loads(entry_path.read_text())
    entry['debs'][0].update(
        deb='../../outside.deb', sha256=file_sha256(outside))
    entry_path.write_text(json.dumps(entry))
    assert cache.lookup(key) is None

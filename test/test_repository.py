# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from datetime import timedelta
from datetime import timezone
from email.utils import parsedate_to_datetime
import gzip
import hashlib
import os
from pathlib import Path
import shutil
import subprocess

from colcon_deb import repository
from colcon_deb.repository import Repository
from debian.deb822 import Packages
from debian.deb822 import Release
import pytest

pytestmark = pytest.mark.skipif(
    not shutil.which('dpkg-deb'), reason='needs dpkg-deb')


def build_deb(where, package, version, architecture='all', depends=None):
    """Build a small real deb with dpkg-deb, named unlike Debian would."""
    root = where / f'root-{package}-{version}'
    (root / 'DEBIAN').mkdir(parents=True)
    (root / 'opt' / package).mkdir(parents=True)
    (root / 'opt' / package / 'file').write_text(f'{package} {version}\n')
    control = (
        f'Package: {package}\nVersion: {version}\n'
        f'Architecture: {architecture}\nMaintainer: M <m@example.org>\n')
    if depends:
        control += f'Depends: {depends}\n'
    control += 'Description: test package\n a test\n'
    (root / 'DEBIAN' / 'control').write_text(control)
    deb = where / f'built-{package}-{version}.deb'
    subprocess.run(
        ['dpkg-deb', '--build', '--root-owner-group', str(root), str(deb)],
        check=True, capture_output=True)
    shutil.rmtree(root)
    return deb


@pytest.fixture
def debs(tmp_path):
    return tmp_path / 'built'


@pytest.fixture
def repo(tmp_path):
    return tmp_path / 'repo'


def add(repo, debs, package, version, **kwargs):
    debs.mkdir(exist_ok=True)
    return Repository(repo).replace_package(
        build_deb(debs, package, version, **kwargs))


def read_packages(repo):
    with (repo / 'Packages').open() as packages:
        return list(Packages.iter_paragraphs(packages, use_apt_pkg=False))


def digests(path):
    data = path.read_bytes()
    return {
        'size': str(len(data)),
        'md5sum': hashlib.md5(data).hexdigest(),
        'sha1': hashlib.sha1(data).hexdigest(),
        'sha256': hashlib.sha256(data).hexdigest(),
    }


def test_index_lists_every_deb_with_checksums(repo, debs):
    add(repo, debs, 'ros-humble-b', '1.0.0-0bookworm', architecture='amd64')
    add(repo, debs, 'ros-humble-a', '2.0.0-0bookworm',
        depends='ros-humble-b (>= 1.0.0)')
    Repository(repo).write_index()

    paragraphs = read_packages(repo)
    assert [p['Package'] for p in paragraphs] == [
        'ros-humble-a', 'ros-humble-b']
    a, b = paragraphs
    assert a['Version'] == '2.0.0-0bookworm'
    assert a['Depends'] == 'ros-humble-b (>= 1.0.0)'
    assert a['Filename'] == './ros-humble-a_2.0.0-0bookworm_all.deb'
    assert b['Filename'] == './ros-humble-b_1.0.0-0bookworm_amd64.deb'
    assert list(a.keys())[-1] == 'Description'
    for paragraph in paragraphs:
        expected = digests(repo / paragraph['Filename'])
        assert paragraph['Size'] == expected['size']
        assert paragraph['MD5sum'] == expected['md5sum']
        assert paragraph['SHA1'] == expected['sha1']
        assert paragraph['SHA256'] == expected['sha256']
    assert gzip.decompress((repo / 'Packages.gz').read_bytes()) == (
        repo / 'Packages').read_bytes()


def test_index_is_ordered_by_name_with_one_deb_per_package(repo, debs):
    debs.mkdir()
    repo.mkdir()
    # debs of an older version are left behind by a crash between publishing
    # a new version and removing the old one: the last written one counts
    for number, (package, version) in enumerate([
        ('b', '1.10.0-0'), ('a', '1.0-0'), ('b', '1.9.0-0'), ('c', '2.0-0'),
    ]):
        path = repo / f'{package}-{version}.deb'
        shutil.copy(build_deb(debs, package, version), path)
        os.utime(path, ns=(number * 10**9, number * 10**9))
    Repository(repo).write_index()
    assert [(p['Package'], p['Version']) for p in read_packages(repo)] == [
        ('a', '1.0-0'), ('b', '1.9.0-0'), ('c', '2.0-0')]


def test_replace_indexes_the_new_deb_before_removing_the_old(repo, debs):
    add(repo, debs, 'ros-humble-a', '1.0.0-0bookworm')
    Repository(repo).write_index()
    new = build_deb(debs, 'ros-humble-a', '2.0.0-0bookworm')
    Repository(repo).replace_package(new)
    assert [p['Version'] for p in read_packages(repo)] == ['2.0.0-0bookworm']
    assert [p.name for p in repo.glob('*.deb')] == [
        'ros-humble-a_2.0.0-0bookworm_all.deb']


def test_release_hashes_match_the_files(repo, debs):
    add(repo, debs, 'ros-humble-a', '1.0.0-0bookworm', architecture='arm64')
    add(repo, debs, 'ros-humble-b', '1.0.0-0bookworm')
    Repository(repo).write_index(
        origin='me', label='my label', suite='stable', codename='bookworm')

    release = Release((repo / 'Release').read_text())
    assert release['Origin'] == 'me'
    assert release['Label'] == 'my label'
    assert release['Suite'] == 'stable'
    assert release['Codename'] == 'bookworm'
    assert release['Architectures'] == 'all arm64'
    assert 'Components' not in release
    date = parsedate_to_datetime(release['Date'])
    assert date.utcoffset() == timedelta(0)
    assert abs(date - date.now(timezone.utc)) < timedelta(minutes=5)
    for field, algorithm in [
        ('MD5Sum', 'md5sum'), ('SHA1', 'sha1'), ('SHA256', 'sha256'),
    ]:
        listed = {entry['name']: entry for entry in release[field]}
        assert sorted(listed) == ['Packages', 'Packages.gz']
        for name, entry in listed.items():
            expected = digests(repo / name)
            assert entry[algorithm] == expected[algorithm]
            assert entry['size'] == expected['size']


def test_index_of_empty_folder(repo):
    Repository(repo).write_index()
    assert (repo / 'Packages').read_bytes() == b''
    assert 'Architectures' not in Release((repo / 'Release').read_text())


def test_index_ignores_hidden_files_and_leaves_no_temporary_ones(repo, debs):
    add(repo, debs, 'ros-humble-a', '1.0.0-0')
    (repo / '.ros-humble-b_1.0.0-0_all.deb.x.tmp').write_bytes(b'partial')
    (repo / '.half.deb').write_bytes(b'not a deb')
    Repository(repo).write_index()
    assert [p['Package'] for p in read_packages(repo)] == ['ros-humble-a']
    assert sorted(p.name for p in repo.iterdir()) == sorted([
        '.half.deb', '.index-cache.json', '.index.lock',
        '.ros-humble-b_1.0.0-0_all.deb.x.tmp', 'Packages', 'Packages.gz',
        'Release', 'ros-humble-a_1.0.0-0_all.deb'])


def test_reindex_reads_no_unchanged_deb(repo, debs, monkeypatch):
    add(repo, debs, 'ros-humble-a', '1.0.0-0')
    add(repo, debs, 'ros-humble-b', '1.0.0-0')
    Repository(repo).write_index()
    before = (repo / 'Packages').read_bytes()

    read = []
    describe = repository._describe_deb
    monkeypatch.setattr(
        repository, '_describe_deb',
        lambda path, stat: read.append(path.name) or describe(path, stat))
    Repository(repo).write_index()
    assert read == []
    assert (repo / 'Packages').read_bytes() == before

    changed = repo / 'ros-humble-b_1.0.0-0_all.deb'
    shutil.copy(build_deb(debs, 'ros-humble-b', '1.0.0-0', depends='x'),
                changed)
    Repository(repo).write_index()
    assert read == [changed.name]
    assert read_packages(repo)[1]['Depends'] == 'x'


def test_unusable_cache_is_rebuilt(repo, debs):
    add(repo, debs, 'ros-humble-a', '1.0.0-0')
    (repo / '.index-cache.json').write_text('{not json')
    Repository(repo).write_index()
    assert [p['Package'] for p in read_packages(repo)] == ['ros-humble-a']


def test_cache_forgets_removed_debs(repo, debs):
    deb = add(repo, debs, 'ros-humble-a', '1.0.0-0')
    Repository(repo).write_index()
    deb.unlink()
    Repository(repo).write_index()
    assert read_packages(repo) == []
    assert deb.name not in (repo / '.index-cache.json').read_text()


def test_replace_package_names_and_moves_the_deb(repo, debs):
    debs.mkdir()
    built = build_deb(debs, 'ros-humble-a', '1:1.0.0-0bookworm', 'amd64')
    data = built.read_bytes()
    final = Repository(repo).replace_package(built)
    assert final == repo / 'ros-humble-a_1.0.0-0bookworm_amd64.deb'
    assert final.read_bytes() == data
    assert not built.exists()
    assert os.stat(final).st_mode & 0o777 == 0o644
    assert [p.name for p in repo.glob('.*.tmp')] == []


def test_replace_package_removes_older_versions_only(repo, debs):
    old = add(repo, debs, 'ros-humble-a', '1.0.0-0bookworm')
    other = add(repo, debs, 'ros-humble-a-extra', '1.0.0-0bookworm')
    new = add(
        repo, debs, 'ros-humble-a', '1.1.0-0bookworm', architecture='amd64')
    assert not old.exists()
    assert new.exists() and other.exists()
    Repository(repo).write_index()
    assert [(p['Package'], p['Version']) for p in read_packages(repo)] == [
        ('ros-humble-a', '1.1.0-0bookworm'),
        ('ros-humble-a-extra', '1.0.0-0bookworm')]


def test_replace_package_with_the_deb_already_in_place(repo, debs):
    final = add(repo, debs, 'ros-humble-a', '1.0.0-0')
    assert Repository(repo).replace_package(final) == final
    assert final.exists()


def test_replace_package_rejects_unsafe_names(repo, debs):
    debs.mkdir()
    built = build_deb(debs, 'ros-humble-a', '1.0.0-0', architecture='a/b')
    with pytest.raises(ValueError, match='architecture'):
        Repository(repo).replace_package(built)
    assert built.exists()


def test_dependency_closure_follows_workspace_depends(repo, debs):
    add(repo, debs, 'ws-setup', '1')
    add(repo, debs, 'ws-core', '1', depends='ws-setup, libc6 (>= 2.14)')
    add(repo, debs, 'ws-app', '1', depends='ws-core | ws-other, python3')
    add(repo, debs, 'ws-unrelated', '1', depends='zlib1g')

    filenames, system = Repository(repo).dependency_closure(
        ['ws-app', 'ws-never-built'], ['cmake'])

    assert filenames == [
        './ws-app_1_all.deb', './ws-core_1_all.deb', './ws-setup_1_all.deb']
    # a deb without Depends adds no empty name
    assert system == {'cmake', 'libc6', 'python3', 'ws-never-built'}


def test_apt_source_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Repository(Path('repo')).apt_source_line() == (
        f'deb [trusted=yes] file:{tmp_path.resolve()}/repo ./')


def test_apt_source_line_of_a_path_with_a_space(tmp_path):
    line = Repository(tmp_path / 'my debs').apt_source_line()
    assert line == f'deb [trusted=yes] file:{tmp_path}/my%20debs ./'


@pytest.mark.skipif(not shutil.which('apt-get'), reason='needs apt-get')
@pytest.mark.parametrize('folder', ['repo', 'my repo'])
def test_apt_reads_the_repository(folder, debs, tmp_path):
    repo = tmp_path / folder
    add(repo, debs, 'ros-humble-a', '1.2.0-0bookworm')
    add(repo, debs, 'ros-humble-b', '1.0.0-0bookworm',
        depends='ros-humble-a (>= 1.2.0), ros-humble-a (<= 1.2.0-.)')
    Repository(repo).write_index()
    state = tmp_path / 'apt'
    for folder in ('lists/partial', 'cache/archives/partial', 'parts'):
        (state / folder).mkdir(parents=True)
    (state / 'sources.list').write_text(
        Repository(repo).apt_source_line() + '\n')
    options = [
        '-o', f'Dir::Etc::SourceList={state}/sources.list',
        '-o', f'Dir::Etc::SourceParts={state}/parts',
        '-o', f'Dir::State::Lists={state}/lists',
        '-o', f'Dir::Cache={state}/cache',
        '-o', 'Debug::NoLocking=1',
        # pytest's tmp_path is private to its user, not readable for _apt
        '-o', 'APT::Sandbox::User=root',
    ]
    update = subprocess.run(
        ['apt-get', *options, 'update'], capture_output=True, text=True)
    assert update.returncode == 0, update.stdout + update.stderr
    assert 'W:' not in update.stdout + update.stderr
    install = subprocess.run(
        ['apt-get', *options, 'install', '--simulate', 'ros-humble-b'],
        capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    assert 'Inst ros-humble-a (1.2.0-0bookworm' in install.stdout

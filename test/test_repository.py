# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from datetime import timedelta
from datetime import timezone
from email.utils import parsedate_to_datetime
import errno
import gzip
import hashlib
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys

from colcon_deb import repository
from colcon_deb.atomic_file import TEMPORARY_SUFFIX
from colcon_deb.repository import BY_HASH
from colcon_deb.repository import Repository
from colcon_deb.repository import RepositoryError
from debian.deb822 import Packages
from debian.deb822 import Release
from docker_helpers import fill
from docker_helpers import run_in_clean_container
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


def add(repo, debs, package, version, repository=None, **kwargs):
    debs.mkdir(exist_ok=True)
    return (repository or Repository(repo)).publish(
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
        'sha512': hashlib.sha512(data).hexdigest(),
    }


def test_index_lists_every_deb_with_checksums(repo, debs):
    add(repo, debs, 'ros-humble-b', '1.0.0-0bookworm', architecture='amd64')
    add(repo, debs, 'ros-humble-a', '2.0.0-0bookworm',
        depends='ros-humble-b (>= 1.0.0)')

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
    assert Repository(repo).read_index()['ros-humble-a']['Depends'] == \
        'ros-humble-b (>= 1.0.0)'


def test_index_is_ordered_by_name_with_one_deb_per_package(repo, debs):
    for package, version in [
        ('pb', '1.10.0-0'), ('pa', '1.0-0'), ('pb', '1.9.0-0'),
        ('pc', '2.0-0'),
    ]:
        add(repo, debs, package, version)
    # the last deb published of a package is the one, whatever its version
    assert [(p['Package'], p['Version']) for p in read_packages(repo)] == [
        ('pa', '1.0-0'), ('pb', '1.9.0-0'), ('pc', '2.0-0')]


def test_release_names_the_index_files_by_hash(repo, debs):
    add(repo, debs, 'ros-humble-a', '1.0.0-0bookworm', architecture='arm64')
    add(repo, debs, 'ros-humble-b', '1.0.0-0bookworm')

    release = Release((repo / 'Release').read_text())
    assert release['Origin'] == 'colcon-deb'
    assert release['Architectures'] == 'all arm64'
    assert release['Acquire-By-Hash'] == 'yes'
    assert 'Components' not in release
    date = parsedate_to_datetime(release['Date'])
    assert date.utcoffset() == timedelta(0)
    assert abs(date - date.now(timezone.utc)) < timedelta(minutes=5)
    for field, algorithm in [
        ('MD5Sum', 'md5sum'), ('SHA1', 'sha1'), ('SHA256', 'sha256'),
        ('SHA512', 'sha512'),
    ]:
        listed = {entry['name']: entry for entry in release[field]}
        assert sorted(listed) == ['Packages', 'Packages.gz']
        for name, entry in listed.items():
            expected = digests(repo / name)
            assert entry[algorithm] == expected[algorithm]
            assert entry['size'] == expected['size']
    # by the strongest hash, which apt uses
    for entry in release['SHA512']:
        by_hash = repo / BY_HASH / entry['sha512']
        assert by_hash.read_bytes() == (repo / entry['name']).read_bytes()


def test_index_of_empty_folder(repo):
    Repository(repo).write_index()
    assert (repo / 'Packages').read_bytes() == b''
    assert 'Architectures' not in Release((repo / 'Release').read_text())
    assert Repository(repo).read_index() == {}


def test_publishing_the_same_deb_again_writes_nothing(repo, debs):
    final = add(repo, debs, 'ros-humble-a', '1.0.0-0')
    release = (repo / 'Release').read_bytes()
    assert Repository(repo).publish(final) == final
    assert add(repo, debs, 'ros-humble-a', '1.0.0-0') == final
    assert (repo / 'Release').read_bytes() == release


def test_publish_names_and_copies_the_deb(repo, debs):
    debs.mkdir()
    built = build_deb(debs, 'ros-humble-a', '1:1.0.0-0bookworm', 'amd64')
    final = Repository(repo).publish(built)
    assert final == repo / 'ros-humble-a_1.0.0-0bookworm_amd64.deb'
    assert final.read_bytes() == built.read_bytes()
    assert os.stat(final).st_mode & 0o777 == 0o644
    assert list(repo.rglob('.*.tmp')) == []


def test_publish_rejects_unsafe_names(repo, debs):
    debs.mkdir()
    built = build_deb(debs, 'ros-humble-a', '1.0.0-0', architecture='a/b')
    with pytest.raises(ValueError, match='architecture'):
        Repository(repo).publish(built)
    assert not repo.exists() or not list(repo.iterdir())


def test_an_old_deb_stays_while_a_kept_index_names_it(
        repo, debs, monkeypatch):
    first = add(repo, debs, 'ros-humble-a', '1.0.0-0')
    other = add(repo, debs, 'ros-humble-b', '1.0.0-0')
    # a run starts: robots may have fetched the index naming `first`
    run = Repository(repo)
    second = add(repo, debs, 'ros-humble-a', '2.0.0-0', repository=run)
    third = add(repo, debs, 'ros-humble-a', '3.0.0-0', repository=run)
    monkeypatch.setattr(repository, 'GRACE_SECONDS', 0)
    run.write_index()
    # the index of the run's start and the current one are kept
    assert first.exists() and third.exists() and other.exists()
    assert not second.exists()
    assert [p['Version'] for p in read_packages(repo)] == [
        '3.0.0-0', '1.0.0-0']
    # the next run starts from the index naming `third`
    add(repo, debs, 'ros-humble-b', '2.0.0-0')
    assert not first.exists()
    assert other.exists() and third.exists()
    assert len(list((repo / BY_HASH).iterdir())) == 4


def test_a_generation_stays_for_readers_in_flight(repo, debs):
    run = Repository(repo)
    old = add(repo, debs, 'ros-humble-a', '1.0.0-0', repository=run)
    add(repo, debs, 'ros-humble-a', '2.0.0-0', repository=run)
    run.write_index()
    # within GRACE_SECONDS, every generation and its debs are there
    assert old.exists()
    assert len(list((repo / BY_HASH).iterdir())) == 4


def test_files_colcon_deb_did_not_publish_are_left_alone(
        repo, debs, monkeypatch):
    monkeypatch.setattr(repository, 'GRACE_SECONDS', 0)
    add(repo, debs, 'ros-humble-a', '1.0.0-0')
    mine = repo / 'my-own_1.0_all.deb'
    shutil.copy(build_deb(debs, 'my-own', '1.0'), mine)
    (repo / '.half.deb').write_bytes(b'not a deb')
    (repo / 'notes.txt').write_text('mine')
    run = Repository(repo)
    for version in ('2.0.0-0', '3.0.0-0'):
        add(repo, debs, 'ros-humble-a', version, repository=run)
    run.write_index()
    Repository(repo).write_index()
    assert [p['Package'] for p in read_packages(repo)] == ['ros-humble-a']
    assert sorted(p.name for p in repo.iterdir()) == sorted([
        '.half.deb', 'Packages', 'Packages.gz', 'Release', 'by-hash',
        'my-own_1.0_all.deb', 'notes.txt', 'ros-humble-a_3.0.0-0_all.deb'])


def test_a_deb_removed_by_hand_leaves_the_index(repo, debs, monkeypatch):
    warnings = []
    monkeypatch.setattr(repository.logger, 'warning', warnings.append)
    deb = add(repo, debs, 'ros-humble-a', '1.0.0-0')
    add(repo, debs, 'ros-humble-b', '1.0.0-0')
    deb.unlink()
    Repository(repo).write_index()
    assert [p['Package'] for p in read_packages(repo)] == ['ros-humble-b']
    assert warnings == [
        "'ros-humble-a': ./ros-humble-a_1.0.0-0_all.deb is missing or changed "
        'in the output folder; it leaves the index']


def test_the_folder_of_an_older_version_is_taken_over(
        repo, debs, monkeypatch):
    """Plain index files without by-hash, a cache file, a lock file."""
    old = add(repo, debs, 'ros-humble-a', '1.0.0-0')
    add(repo, debs, 'ros-humble-b', '1.0.0-0')
    shutil.rmtree(repo / BY_HASH)
    release = (repo / 'Release').read_text()
    (repo / 'Release').write_text(
        release.replace('Acquire-By-Hash: yes\n', ''))
    (repo / '.index-cache.json').write_text('{}')
    (repo / '.index.lock').write_text('')
    assert sorted(Repository(repo).read_index()) == [
        'ros-humble-a', 'ros-humble-b']
    # a run that changes nothing leaves it as it is
    Repository(repo).write_index()
    assert old.exists() and not (repo / BY_HASH).exists()

    monkeypatch.setattr(repository, 'GRACE_SECONDS', 0)
    run = Repository(repo)
    add(repo, debs, 'ros-humble-a', '2.0.0-0', repository=run)
    run.write_index()
    assert not (repo / '.index-cache.json').exists()
    assert not (repo / '.index.lock').exists()
    # the old index is the run's first generation: robots may have it
    assert old.exists()
    Repository(repo).write_index()
    assert not old.exists()


@pytest.mark.parametrize('failing', [1, 2, 3, 4])
def test_a_full_disk_leaves_the_index_as_it_was(
        repo, debs, monkeypatch, failing):
    """ENOSPC at the deb, at either index file, or at Release."""
    add(repo, debs, 'ros-humble-a', '1.0.0-0')
    before = Repository(repo).read_index()
    release = (repo / 'Release').read_bytes()
    calls = []
    write = repository.write_atomically
    copy = repository.copy_atomically

    def full(real):
        def call(path, data):
            calls.append(path)
            if len(calls) == failing:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
            return real(path, data)
        return call

    monkeypatch.setattr(repository, 'write_atomically', full(write))
    monkeypatch.setattr(repository, 'copy_atomically', full(copy))
    with pytest.raises(RepositoryError) as raised:
        add(repo, debs, 'ros-humble-a', '2.0.0-0')
    assert str(raised.value).startswith(
        f"cannot write the output folder '{repo}' (")
    assert str(raised.value).endswith(': No space left on device')
    assert (repo / 'Release').read_bytes() == release
    assert Repository(repo).read_index() == before
    assert not (repo / 'ros-humble-a_2.0.0-0_all.deb').exists()


def test_several_architectures_in_one_folder(repo, debs):
    """Each architecture's deb replaces its own; `all` stands for each."""
    amd64 = add(repo, debs, 'ros-humble-a', '1.0-0', architecture='amd64')
    arm64 = add(repo, debs, 'ros-humble-a', '1.0-0', architecture='arm64')
    add(repo, debs, 'ros-humble-b', '1.0-0')
    newer = add(repo, debs, 'ros-humble-a', '2.0-0', architecture='arm64')
    assert [(p['Package'], p['Architecture'], p['Version'])
            for p in read_packages(repo)] == [
        ('ros-humble-a', 'amd64', '1.0-0'), ('ros-humble-a', 'arm64', '2.0-0'),
        ('ros-humble-b', 'all', '1.0-0')]
    index = Repository(repo).read_index('arm64')
    assert index['ros-humble-a']['Filename'] == f'./{newer.name}'
    assert index['ros-humble-b']['Architecture'] == 'all'
    assert Repository(repo).read_index('amd64')['ros-humble-a'][
        'Filename'] == f'./{amd64.name}'
    assert amd64.exists() and arm64.exists()
    # a package that became architecture-independent, and back
    add(repo, debs, 'ros-humble-a', '3.0-0')
    add(repo, debs, 'ros-humble-b', '2.0-0', architecture='amd64')
    assert [(p['Package'], p['Architecture']) for p in read_packages(repo)] \
        == [('ros-humble-a', 'all'), ('ros-humble-b', 'amd64')]
    assert 'ros-humble-b' not in Repository(repo).read_index('arm64')


def test_a_package_s_debs_are_withdrawn_by_architecture(repo, debs):
    for architecture in ('amd64', 'arm64'):
        add(repo, debs, 'ros-humble-a-dbgsym', '1.0-0',
            architecture=architecture)
    add(repo, debs, 'ros-humble-a', '1.0-0', architecture='amd64')
    run = Repository(repo)
    run.withdraw('ros-humble-a-dbgsym', 'amd64')
    assert [(p['Package'], p['Architecture']) for p in read_packages(repo)] \
        == [('ros-humble-a', 'amd64'), ('ros-humble-a-dbgsym', 'arm64')]
    release = (repo / 'Release').read_bytes()
    run.withdraw('ros-humble-b', 'amd64')
    assert (repo / 'Release').read_bytes() == release
    run.withdraw('ros-humble-a-dbgsym', 'all')
    assert [p['Package'] for p in read_packages(repo)] == ['ros-humble-a']


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


needs_apt = pytest.mark.skipif(
    not shutil.which('apt-get'), reason='needs apt-get')


def apt_get(repo, state, *args):
    """Run apt-get on the repository alone, with state of its own."""
    if not state.exists():
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
    completed = subprocess.run(
        ['apt-get', *options, *args], capture_output=True, text=True,
        cwd=state)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert 'W:' not in completed.stdout + completed.stderr
    return completed.stdout


@needs_apt
@pytest.mark.parametrize('folder', ['repo', 'my repo'])
def test_apt_reads_the_repository(folder, debs, tmp_path):
    repo = tmp_path / folder
    add(repo, debs, 'ros-humble-a', '1.2.0-0bookworm')
    add(repo, debs, 'ros-humble-b', '1.0.0-0bookworm',
        depends='ros-humble-a (>= 1.2.0), ros-humble-a (<= 1.2.0-.)')
    state = tmp_path / 'apt'
    apt_get(repo, state, 'update')
    install = apt_get(repo, state, 'install', '--simulate', 'ros-humble-b')
    assert 'Inst ros-humble-a (1.2.0-0bookworm' in install


@needs_apt
def test_apt_reads_the_generation_it_fetched_the_release_of(
        repo, debs, tmp_path):
    """A reader between Release and the index files gets its generation."""
    add(repo, debs, 'ros-humble-a', '1.0.0-0')
    fetched = (repo / 'Release').read_bytes()
    add(repo, debs, 'ros-humble-a', '2.0.0-0')
    (repo / 'Release').write_bytes(fetched)
    state = tmp_path / 'apt'
    apt_get(repo, state, 'update')
    assert 'Candidate: 1.0.0-0' in subprocess.run(
        ['apt-cache', '-o', f'Dir::State::Lists={state}/lists',
         '-o', f'Dir::Etc::SourceList={state}/sources.list',
         '-o', f'Dir::Etc::SourceParts={state}/parts',
         'policy', 'ros-humble-a'], capture_output=True, text=True).stdout
    apt_get(repo, state, 'download', 'ros-humble-a')


PACKAGES = ('ros-humble-a', 'ros-humble-b')
# Publishes the debs given into the repository given, as a run does, and
# kills itself with SIGKILL at the n-th step that changes a file (n = 0:
# never): it prints how many there were.
PUBLISHER = """
import os, signal, sys
from colcon_deb import repository
repository.GRACE_SECONDS = 0
kill_at, steps = int(sys.argv[1]), 0
def step(real):
    def call(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call
os.fsync, os.replace, os.unlink = map(step, (os.fsync, os.replace, os.unlink))
run = repository.Repository(sys.argv[2])
for deb in sys.argv[3:]:
    run.publish(deb)
run.write_index()
print(steps)
"""


def publish_until_killed(kill_at, repo, debs):
    completed = subprocess.run(
        [sys.executable, '-c', PUBLISHER, str(kill_at), str(repo),
         *map(str, debs)], capture_output=True, text=True)
    assert completed.returncode == (-signal.SIGKILL if kill_at else 0), \
        completed.stderr
    return completed.stdout


def check_index_as_apt_sees_it(repo, state):
    """Update apt; every deb it sees is there, as the index says."""
    apt_get(repo, state, 'update')
    versions = {}
    for paragraph in Repository(repo).read_index().values():
        assert digests(repo / paragraph['Filename'])['sha256'] == \
            paragraph['SHA256']
        versions[paragraph['Package']] = paragraph['Version']
    apt_get(repo, state, 'download', *versions)
    return versions


def killed_runs(repo, debs, tmp_path):
    """
    Publish two debs over two others, SIGKILLed at 10 moments or more.

    :returns: the folders left, each by a run killed at another step
    """
    for package in PACKAGES:
        add(repo, debs, package, '1.0.0-0')
    new = [build_deb(debs, package, '2.0.0-0') for package in PACKAGES]
    untouched = tmp_path / 'untouched'
    shutil.copytree(repo, untouched)
    steps = int(publish_until_killed(0, repo, new))
    assert steps >= 20
    killed = []
    for kill_at in range(1, steps + 1, steps // 10):
        killed.append(tmp_path / 'killed' / str(kill_at))
        shutil.copytree(untouched, killed[-1])
        publish_until_killed(kill_at, killed[-1], new)
    return killed, new


@needs_apt
def test_a_run_killed_at_any_step_leaves_an_index_apt_reads(
        repo, debs, tmp_path):
    killed, new = killed_runs(repo, debs, tmp_path)
    seen = set()
    for number, folder in enumerate(killed):
        versions = check_index_as_apt_sees_it(
            folder, tmp_path / f'apt-{number}')
        assert set(versions) == set(PACKAGES)
        assert set(versions.values()) <= {'1.0.0-0', '2.0.0-0'}
        seen.add(tuple(sorted(versions.items())))
        # the next run publishes over what is left
        assert publish_until_killed(0, folder, new)
        assert {p['Version'] for p in read_packages(folder)} == {'2.0.0-0'}
    # the kills fell before, between and after the two debs
    assert len(seen) == 3


@pytest.mark.docker
def test_apt_in_a_clean_container_reads_what_killed_runs_left(
        docker_engine, repo, debs, tmp_path):
    killed, _ = killed_runs(repo, debs, tmp_path)
    script = 'set -o pipefail\nrm -f /etc/apt/sources.list.d/*\n'
    script += ''.join(f"""
echo 'deb [trusted=yes] file:/repo/{folder.name} ./' > /etc/apt/sources.list
rm -rf /var/lib/apt/lists/*
apt-get update 2>&1 | tee /tmp/update
if grep -q '^[WE]:' /tmp/update; then exit 1; fi
(cd /tmp && apt-get download {' '.join(PACKAGES)})
echo 'folder {folder.name} read'
""" for folder in killed)
    rc, output = run_in_clean_container(
        docker_engine, tmp_path / 'killed', script)
    assert rc == 0, output[-3000:]
    for folder in killed:
        assert f'folder {folder.name} read' in output


@needs_apt
def test_a_full_disk_at_any_step_is_one_line_and_leaves_a_valid_index(
        small_disk, debs, tmp_path):
    """ENOSPC for real, with ever more room, until publishing succeeds."""
    debs.mkdir()
    new = build_deb(debs, 'ros-humble-a', '2.0.0-0')
    old = [build_deb(debs, package, '1.0.0-0') for package in PACKAGES]
    failed_at = []
    for pages in range(20):
        repo = small_disk / 'repo'
        shutil.rmtree(repo, ignore_errors=True)
        for deb in old:
            Repository(repo).publish(deb)
        fill(small_disk, pages * 4096)
        try:
            Repository(repo).publish(new)
        except RepositoryError as e:
            message = str(e)
            assert '\n' not in message
            assert message.startswith(
                f"cannot write the output folder '{repo}' ({repo}/")
            assert message.endswith('): No space left on device')
            failed_at.append(Path(message.split(' (')[1].split('): ')[0]))
            published = False
        else:
            published = True
        versions = check_index_as_apt_sees_it(repo, tmp_path / f'apt-{pages}')
        (small_disk / 'filler').unlink()
        if published:
            assert versions['ros-humble-a'] == '2.0.0-0'
            break
        assert versions == dict.fromkeys(PACKAGES, '1.0.0-0')
        assert not (repo / 'ros-humble-a_2.0.0-0_all.deb').exists()
    else:
        pytest.fail('publishing failed with 20 pages free')
    # the disk was full at the deb, at the index files and at Release
    assert {path.name for path in failed_at} >= {
        'ros-humble-a_2.0.0-0_all.deb', 'Release'}
    assert any(path.parent == repo / BY_HASH for path in failed_at)
    assert not list(repo.rglob(f'*{TEMPORARY_SUFFIX}'))

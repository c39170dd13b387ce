# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Build the test workspace into debs with a real engine, then use them.

The workspace covers ament_cmake (shared library, header-only library,
executable), ament_python (console script), catkin (against Debian's roscpp
and std_msgs) and plain CMake, with a dependency diamond:
calc_core <- calc_headers, calc_plain <- calc_cli.
"""

import gzip
import io
import re
import shlex
import subprocess
import tarfile
import time

from debian.deb822 import Deb822
from debian.deb822 import Packages
from debian.deb822 import Release
from docker_helpers import check_workspace_debs_work
from docker_helpers import colcon_deb
from docker_helpers import copy_workspace
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest

pytestmark = pytest.mark.docker

# calc_catkin_user needs only calc_catkin, whose deb needs Debian's roscpp:
# its build must get those although its own dependencies are all installed
DEBS = {
    'calc_core', 'calc_headers', 'calc_plain', 'calc_cli', 'calc_py',
    'calc_catkin', 'calc_catkin_user'}
# those with binaries, which get a deb of their debug symbols
WITH_BINARIES = {'calc_core', 'calc_plain', 'calc_cli', 'calc_catkin'}


# The lintian tags the ROS build farm's own debs raise too: they come from
# where ROS installs and from how bloom packages, not from colcon-deb.
BUILD_FARM_TAGS = {
    # ROS installs into /opt/ros/<distro>
    'dir-or-file-in-opt',
    # package.xml descriptions are one sentence, often starting with "A"
    'extended-description-is-empty',
    'description-synopsis-starts-with-article',
    # bloom's debian/rules asks for no `hardening=+bindnow`
    'hardening-no-bindnow',
    # bloom's copyright says "See package copyright in source code for
    # details", as package.xml names no copyright holders; lintian wants
    # `Copyright <year> ...`
    'copyright-without-copyright-notice',
}
# The libraries of the test workspace call nothing of libc: any deb of
# such a library raises these.
TEST_CODE_TAGS = {
    'shared-library-lacks-prerequisites', 'library-not-linked-against-libc',
}
ACCEPTED_TAGS = BUILD_FARM_TAGS | TEST_CODE_TAGS
# `E: ros-noetic-calc-core: dir-or-file-in-opt [opt/ros/]`
LINTIAN_TAG = re.compile(r'^[EWIPXO]: (\S+?)(?: \S+)?: (\S+)', re.M)
LINTIAN = """
apt-get update -q
apt-get install -y -q --no-install-recommends lintian >/dev/null
lintian --version
lintian --fail-on none -I -E --pedantic --no-tag-display-limit /repo/*.deb
"""


@pytest.fixture(scope='module')
def built(docker_engine, tmp_path_factory):
    workspace = copy_workspace(tmp_path_factory.mktemp('ws') / 'ws')
    completed = colcon_deb(workspace, '--parallel-workers', '2')
    return workspace, workspace / 'deb', completed.stdout


def deb_files(repository):
    return {
        path.name.split('_')[0]: path for path in repository.glob('*.deb')}


def test_one_deb_per_package_and_an_index(built):
    workspace, repository, output = built
    names = {f"ros-noetic-{n.replace('_', '-')}" for n in DEBS}
    debug_symbols = {
        f"ros-noetic-{n.replace('_', '-')}-dbgsym" for n in WITH_BINARIES}
    assert set(deb_files(repository)) == \
        names | debug_symbols | {'ros-noetic-ros-workspace'}
    with (repository / 'Packages').open() as f:
        indexed = {
            p['Package']: p
            for p in Packages.iter_paragraphs(f, use_apt_pkg=False)}
    assert set(indexed) == set(deb_files(repository))
    # the version ends with the time of calc_core's newest source file
    newest = max(
        int(path.stat().st_mtime)
        for path in (workspace / 'calc_core').rglob('*') if path.is_file())
    suffix = time.strftime('.%Y%m%d.%H%M%S', time.gmtime(newest))
    assert indexed['ros-noetic-calc-core']['Version'] == \
        '1.2.0-0bookworm' + suffix
    assert 'APT source: deb [trusted=yes] file:' in output
    # colcon's log handler keeps each package's output
    assert (workspace / 'log' / 'latest_deb' / 'calc_cli' /
            'stdout_stderr.log').exists()


def test_the_output_folder_holds_the_repository_only(built):
    """No cache, lock, work folder or report: it is published as it is."""
    workspace, repository, _ = built
    assert {
        path.name for path in repository.iterdir()
        if path.suffix != '.deb'} == {
            'Release', 'Packages', 'Packages.gz', 'by-hash', 'rosdep.yaml'}
    # apt fetches the index files Release names by their hash
    release = Release((repository / 'Release').read_text())
    assert release['Acquire-By-Hash'] == 'yes'
    for entry in release['SHA512']:
        assert (repository / 'by-hash' / 'SHA512' / entry['sha512']).\
            read_bytes() == (repository / entry['name']).read_bytes()
    for report in ('report.json', 'trace.json', 'junit.xml'):
        assert (workspace / 'log' / 'latest_deb' / report).is_file()


def test_control_fields(built):
    _, repository, _ = built
    debs = deb_files(repository)

    def field(name, key):
        return subprocess.check_output(
            ['dpkg-deb', '--field', str(debs[name]), key], text=True).strip()

    plain = field('ros-noetic-calc-plain', 'Depends')
    assert 'ros-noetic-calc-core (>= 1.2.0)' in plain
    # shared-library dependencies found by dpkg-shlibdeps
    assert 'libstdc++6' in field('ros-noetic-calc-cli', 'Depends')
    assert field('ros-noetic-calc-plain', 'Architecture') != 'all'
    assert field('ros-noetic-calc-py', 'Architecture') == 'all'
    assert field('ros-noetic-calc-py', 'Depends').startswith(
        'ros-noetic-calc-cli (>= 1.0.0)')
    # a condition that is false for the distro drops the dependency
    assert 'calc-never' not in field('ros-noetic-calc-cli', 'Depends')
    assert field('ros-noetic-calc-core', 'Maintainer') == \
        'Ada Lovelace <ada@example.org>'
    catkin = field('ros-noetic-calc-catkin', 'Depends')
    assert 'libroscpp-dev' in catkin and 'libstd-msgs-dev' in catkin


def test_no_file_in_two_debs(built):
    _, repository, _ = built
    owners = {}
    for name, path in deb_files(repository).items():
        listing = subprocess.check_output(
            ['dpkg-deb', '--fsys-tarfile', str(path)])
        files = subprocess.run(
            ['tar', '-t'], input=listing, stdout=subprocess.PIPE,
            check=True).stdout.decode().splitlines()
        for entry in files:
            if not entry.endswith('/'):
                assert entry not in owners, \
                    f'{entry} is in {owners.get(entry)} and {name}'
                owners[entry] = name
    assert './opt/ros/noetic/setup.bash' in owners


def test_debs_install_and_work_in_a_clean_container(built, docker_engine):
    _, repository, _ = built
    check_workspace_debs_work(docker_engine, repository)


def deb_members(deb):
    listing = subprocess.check_output(['dpkg-deb', '--contents', str(deb)])
    return {
        line.split()[5] for line in listing.decode().splitlines()}


def extract(deb, destination):
    subprocess.run(
        ['dpkg-deb', '--extract', str(deb), str(destination)], check=True)
    return destination


def readelf(*args):
    return subprocess.check_output(
        ['readelf', '--wide', *args], text=True,
        env={'LC_ALL': 'C', 'PATH': '/usr/bin:/bin'})


def test_binaries_get_the_flags_of_the_distribution(built, tmp_path):
    """As bloom's debs: dpkg-buildflags of the target, build type None."""
    workspace, repository, _ = built
    log = (workspace / 'log' / 'latest_deb' / 'calc_core' /
           'stdout_stderr.log').read_text()
    cxxflags = next(
        shlex.split(line)[2] for line in log.splitlines()
        if line.startswith('+ export CXXFLAGS=')).partition('=')[2].split()
    for flag in (
            '-g', '-O2', '-fstack-protector-strong', '-DNDEBUG',
            '-D_FORTIFY_SOURCE=2'):
        assert flag in cxxflags
    core = deb_files(repository)['ros-noetic-calc-core']
    # the build type CMake exported the targets of
    assert './opt/ros/noetic/share/calc_core/cmake/' \
        'calc_coreTargetsExport-none.cmake' in deb_members(core)
    library = extract(core, tmp_path / 'core') / \
        'opt/ros/noetic/lib/libcalc_core.so'
    # LDFLAGS of dpkg-buildflags: -z relro
    assert 'GNU_RELRO' in readelf('--program-headers', str(library))
    producer = [
        line for line in readelf('--debug-dump=info', str(debug_file(
            repository, 'ros-noetic-calc-core', library, tmp_path)))
        .splitlines() if 'DW_AT_producer' in line]
    assert producer
    for flag in ('-g', '-O2', '-fstack-protector-strong'):
        assert flag in producer[0].split()


def build_id(binary):
    return readelf('--notes', str(binary)).split('Build ID: ')[1].split()[0]


def debug_file(repository, deb_name, binary, tmp_path):
    """Return the debug file of a binary, from the deb of its symbols."""
    root = extract(
        deb_files(repository)[f'{deb_name}-dbgsym'], tmp_path / 'dbgsym')
    id_ = build_id(binary)
    return root / 'usr/lib/debug/.build-id' / id_[:2] / f'{id_[2:]}.debug'


def test_binaries_are_stripped_into_debs_of_debug_symbols(built, tmp_path):
    """As dh_strip makes them: by build id, linked, a dependency."""
    _, repository, _ = built
    debs = deb_files(repository)
    for name in WITH_BINARIES:
        deb = f"ros-noetic-{name.replace('_', '-')}"
        dbgsym = debs[f'{deb}-dbgsym']
        control = Deb822(subprocess.check_output(
            ['dpkg-deb', '--field', str(dbgsym)], text=True))
        version = subprocess.check_output(
            ['dpkg-deb', '--field', str(debs[deb]), 'Version'],
            text=True).strip()
        assert control['Version'] == version
        assert control['Depends'] == f'{deb} (= {version})'
        assert control['Section'] == 'debug'
        assert control['Priority'] == 'optional'
        assert control['Auto-Built-Package'] == 'debug-symbols'
        assert control['Architecture'] == subprocess.check_output(
            ['dpkg-deb', '--field', str(debs[deb]), 'Architecture'],
            text=True).strip()
        assert 'Package-Type' not in control
        members = deb_members(dbgsym)
        assert f'./usr/share/doc/{deb}-dbgsym' in members
        debug_files = {
            member for member in members if member.endswith('.debug')}
        build_ids = {
            member.split('/')[-2] + member.split('/')[-1][:-len('.debug')]
            for member in debug_files}
        assert control['Build-Ids'].split() == sorted(build_ids)
        assert all(
            member.startswith('./usr/lib/debug/.build-id/')
            for member in debug_files)
        # every binary of the deb is stripped and has its debug file
        root = extract(debs[deb], tmp_path / deb)
        binaries = [
            path for path in root.rglob('*')
            if path.is_file() and not path.is_symlink() and
            path.read_bytes()[:4] == b'\x7fELF']
        assert binaries
        for binary in binaries:
            headers = readelf('--section-headers', str(binary))
            assert '.debug_info' not in headers
            assert '.symtab' not in headers
            assert '.gnu_debuglink' in headers
            assert build_id(binary) in build_ids
    # no binaries, no debug symbols
    for name in DEBS - WITH_BINARIES:
        assert f"ros-noetic-{name.replace('_', '-')}-dbgsym" not in debs


def test_gdb_finds_the_debug_symbols_by_build_id(built, docker_engine):
    """
    Installed next to the package from the repository.

    The library's debug link names a file in no folder gdb looks in but
    the one of build ids.
    """
    _, repository, _ = built
    library = '/opt/ros/noetic/lib/libcalc_core.so'
    script = INSTALL_FROM_REPOSITORY + f"""
apt-get install -y -q --no-install-recommends ros-noetic-calc-cli gdb \
  elfutils
gdb -batch -ex 'info line calc_core::answer' {library} 2>&1 | \
  sed 's/^/without: /'
apt-get install -y -q --no-install-recommends ros-noetic-calc-core-dbgsym
gdb -batch -ex 'info line calc_core::answer' {library} 2>&1 | \
  sed 's/^/with: /'
eu-unstrip --list-only --executable {library} | sed 's/^/found: /'
"""
    rc, output = run_in_clean_container(docker_engine, repository, script)
    assert rc == 0, output[-4000:]
    lines = output.splitlines()
    without = [line for line in lines if line.startswith('without: ')]
    with_ = [line for line in lines if line.startswith('with: ')]
    found = [line for line in lines if line.startswith('found: ')]
    shown = '\n'.join(without + with_ + found)
    assert any(
        'No line number information available' in line
        for line in without), shown
    # the line table: where the function is in its source
    assert any(
        line.startswith('with: Line 2 of "./src/calc_core.cpp"')
        for line in with_), shown
    assert len(found) == 1 and \
        f' {library} /usr/lib/debug/.build-id/' in found[0], shown


def test_the_users_build_type_is_kept(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    colcon_deb(
        workspace, '--packages-up-to', 'calc_core',
        '--cmake-args', '-DCMAKE_BUILD_TYPE=Debug')
    members = deb_members(
        deb_files(workspace / 'deb')['ros-noetic-calc-core'])
    assert './opt/ros/noetic/share/calc_core/cmake/' \
        'calc_coreTargetsExport-debug.cmake' in members
    assert not any(name.endswith('-none.cmake') for name in members)


def test_packages_up_to_builds_only_what_is_needed(docker_engine, tmp_path):
    workspace = copy_workspace(tmp_path / 'ws')
    completed = colcon_deb(workspace, '--packages-up-to', 'calc_headers')
    # the builder image of the first run is reused
    assert 'Building the builder image' not in completed.stdout
    assert set(deb_files(workspace / 'deb')) == {
        'ros-noetic-calc-core', 'ros-noetic-calc-core-dbgsym',
        'ros-noetic-calc-headers', 'ros-noetic-ros-workspace'}


def data_member(deb, name):
    """Read a file of a deb's data."""
    data = subprocess.check_output(['dpkg-deb', '--fsys-tarfile', str(deb)])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return tar.extractfile(name).read()


def test_every_deb_has_copyright_and_changelog(built):
    """The debs of debug symbols link to their package's documentation."""
    _, repository, _ = built
    for name, path in deb_files(repository).items():
        if name.endswith('-dbgsym'):
            continue
        listing = subprocess.check_output(
            ['dpkg-deb', '--contents', str(path)], text=True)
        members = {line.split()[-1] for line in listing.splitlines()}
        doc = f'./usr/share/doc/{name}/'
        assert {doc + 'copyright', doc + 'changelog.Debian.gz'} <= members
        copyright_text = data_member(path, doc + 'copyright').decode()
        assert copyright_text.startswith(
            'Format: https://www.debian.org/doc/packaging-manuals/'
            'copyright-format/1.0/\n')
        changelog = gzip.decompress(
            data_member(path, doc + 'changelog.Debian.gz')).decode()
        version = subprocess.check_output(
            ['dpkg-deb', '--field', str(path), 'Version'], text=True).strip()
        assert changelog.startswith(f'{name} ({version}) bookworm;')
    core = deb_files(repository)['ros-noetic-calc-core']
    # calc_core has a CHANGELOG.rst: its entries, as bloom makes them
    changelog = gzip.decompress(data_member(
        core, './usr/share/doc/ros-noetic-calc-core/changelog.Debian.gz'))
    assert b'  * The answer is computed by a shared library\n' in changelog
    assert b'\nros-noetic-calc-core (1.1.0-0bookworm) bookworm;' in changelog
    assert b'Autogenerated' not in changelog


def test_conflicts_replaces_and_python3(built):
    _, repository, _ = built
    calc_py = deb_files(repository)['ros-noetic-calc-py']

    def field(key):
        return subprocess.check_output(
            ['dpkg-deb', '--field', str(calc_py), key], text=True).strip()
    # rosdep does not know calc_py_legacy: a ROS package, as bloom takes it
    assert field('Conflicts') == 'ros-noetic-calc-py-legacy'
    assert field('Replaces') == 'ros-noetic-calc-py-legacy'
    # Python code needs python3
    assert 'python3' in field('Depends').split(', ')


def test_lintian_finds_only_what_the_build_farm_debs_have(
        built, docker_engine):
    _, repository, _ = built
    rc, output = run_in_clean_container(docker_engine, repository, LINTIAN)
    # the tags are judged here; lintian fails on its own errors only
    assert rc == 0, output[-3000:]
    tags = LINTIAN_TAG.findall(output)
    # every deb was checked: each installs into /opt, but for the debs of
    # debug symbols, in /usr/lib/debug
    assert {package for package, tag in tags
            if tag == 'dir-or-file-in-opt'} == {
        name for name in deb_files(repository)
        if not name.endswith('-dbgsym')}
    unexpected = sorted({
        f'{package}: {tag}' for package, tag in tags
        if tag not in ACCEPTED_TAGS})
    assert not unexpected, '\n'.join(
        line for line in output.splitlines()
        if LINTIAN_TAG.match(line) and 'dir-or-file-in-opt' not in line)

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Build one package into a .deb inside a container of the builder image.

The host decides what the deb is (name, version, control fields, which
workspace debs it needs) and how its build type builds it (the build
steps), and passes it in as a contract.JobSpec; this script does what needs
the target system: unpack the workspace debs, run the build steps, which
install under the staging root, add the shared-library dependencies, and
pack the deb with dpkg-deb.  The system packages it needs are in the image
already: the same script installed them when the host made the image.  The
mounts are those of contract.Mount.  Only the Python standard library is
used.

The build steps are the package's own code, which is not trusted: they run
as contract.BUILD_USER, who can write to the work folder only, and what
they staged is made what a deb may hold (modes as debhelper gives them,
nothing outside the prefix but configuration) before it is packed.
"""

from concurrent.futures import ThreadPoolExecutor
from functools import partial
import os
from pathlib import Path
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

import contract
from helpers import fill_template
from helpers import hand_over
from helpers import make_deb
from helpers import md5sums
from helpers import pack_deb
from helpers import parse_control
from helpers import WORKSPACE_TEMPLATES

SOURCE = Path(contract.Mount.SOURCE)
REPO = Path(contract.Mount.REPO)
OUT = Path(contract.Mount.OUT)
BUILD = Path(contract.BUILD_FOLDER)
# staged as debian/<deb name>, where dpkg-shlibdeps expects a package's files
PACKAGING = Path(contract.PACKAGING_FOLDER)

# a download that fails for no reason of ours is tried again
APT_RETRIES = ('-o', 'Acquire::Retries=3')
APT_ENV = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
# tar's own rules where Python has extraction filters: no member outside /
TAR_FILTER = {'filter': 'tar'} if hasattr(tarfile, 'tar_filter') else {}
UNPACKING_THREADS = 4
# what of a deb is not unpacked for a build: its documentation
DOCUMENTATION = contract.DOC_FOLDER.lstrip('/') + '/'
# the home of the build user: tools keep their caches there
HOME = Path(contract.WORK_FOLDER) / 'home'


class StepFailed(Exception):
    """A step failed; the exit code tells the host which one."""

    def __init__(self, message, meaning):  # noqa: D107
        super().__init__(message)
        self.exit_code = meaning.code


def main(argv):
    """
    Do one step of building the deb the host describes.

    `install PACKAGE...` installs system packages, with network, while a
    dependency image is made (see colcon_deb.docker.dependency_image);
    `build` unpacks the workspace debs, builds and packages, without
    network, in a container of that image.  The exit code says what failed.
    """
    try:
        if argv[:1] == [contract.INSTALL]:
            install_system_packages(argv[1:])
            return 0
        spec = contract.JobSpec.from_json(os.environ[contract.JOB_VARIABLE])
        unpack_workspace_debs(spec)
        env = build_environment(spec)
        phase(contract.Phase.BUILD)
        stage_root = build(spec, env)
        phase(contract.Phase.PACKAGE)
        debs = package(spec, stage_root)
    except StepFailed as e:
        print(f'colcon-deb: {e}', file=sys.stderr, flush=True)
        return e.exit_code
    hand_over(*debs)
    return 0


def phase(name):
    """Tell the host which phase starts (it shows them as progress)."""
    print(contract.phase_line(name), flush=True)


def call(cmd, meaning, **kwargs):
    """Run a command shown in the log; a failure ends the build."""
    print('+ ' + ' '.join(cmd), flush=True)
    completed = subprocess.run(cmd, **kwargs)
    if completed.returncode:
        raise StepFailed(
            f"'{cmd[0]}' failed with exit code {completed.returncode}",
            meaning)


def install_system_packages(packages):
    """
    Install system packages and leave no downloaded deb behind.

    When the image's package lists are older than the mirror, the download
    fails: the lists are refreshed and the install tried again.  What is
    installed becomes a layer of the dependency image, without the debs
    apt downloaded for it.
    """
    install = [
        'apt-get', 'install', '-y', '-q', '--no-install-recommends',
        *APT_RETRIES, *packages]
    try:
        call(install, contract.EXIT_DEPENDENCIES, env=APT_ENV)
    except StepFailed:
        print('colcon-deb: refreshing all package lists and trying again',
              flush=True)
        call(['apt-get', 'update', '-q', *APT_RETRIES],
             contract.EXIT_DEPENDENCIES, env=APT_ENV)
        call(install, contract.EXIT_DEPENDENCIES, env=APT_ENV)
    # as `apt-get clean`, which would also drop the image's package cache
    for deb in Path('/var/cache/apt/archives').glob('*.deb'):
        deb.unlink()


def unpack_workspace_debs(spec):
    """
    Unpack the workspace debs the package needs over the image.

    The system packages are in the image already (a dependency image made
    for the package's set of them).  Unpacking costs what creating their
    files costs, where `dpkg --install` adds tens of milliseconds a deb for
    its database: a late package of a deep workspace needs hundreds of
    debs.
    """
    if spec.workspace_debs:
        print(f'+ unpacking {len(spec.workspace_debs)} workspace debs',
              flush=True)
        # creating files waits on the disk: a few at a time wait together
        with ThreadPoolExecutor(UNPACKING_THREADS) as threads:
            list(threads.map(
                unpack_deb, (REPO / name for name in spec.workspace_debs)))


def unpack_deb(deb, root='/'):
    """
    Unpack a deb's files into `root` in this process, as `dpkg-deb -x`.

    The debs of the workspace carry no maintainer scripts and nothing reads
    the dpkg database for them, so their files are all a build needs; the
    debs say in Depends what a user's apt installs.  Their documentation
    (copyright, changelog) is left out, as Debian's container images
    leave it out of what dpkg installs: no build reads it.  A folder that
    is there already (/opt/ros/<distro>, shared by all the debs) is left
    as it is: setting its owner, mode and time again
    for every deb was half of what unpacking cost.  A data member that
    Python cannot read (zstd) goes to dpkg-deb, whole.
    """
    with deb.open('rb') as f:
        if f.read(8) != b'!<arch>\n':
            raise StepFailed(f"'{deb.name}' is not a deb",
                             contract.EXIT_DEPENDENCIES)
        while True:
            header = f.read(60)
            if len(header) < 60:
                raise StepFailed(f"'{deb.name}' has no data member",
                                 contract.EXIT_DEPENDENCIES)
            member = header[:16].decode().strip().rstrip('/')
            size = int(header[48:58])
            if member.startswith('data.tar'):
                break
            f.seek(size + size % 2, os.SEEK_CUR)
        try:
            with tarfile.open(fileobj=f, mode='r|*') as data:
                for member in data:
                    name = member.name.lstrip('./')
                    if (name + '/').startswith(DOCUMENTATION) or \
                            member.isdir() and os.path.isdir(
                                os.path.join(root, name)):
                        continue
                    data.extract(member, root, **TAR_FILTER)
            return
        except tarfile.CompressionError:
            pass
    call(['dpkg-deb', '--extract', str(deb), root],
         contract.EXIT_DEPENDENCIES)


def build_environment(spec):
    """
    Return the environment of the build: the prefix's, as users get it.

    A ROS image has the distribution's setup script in the prefix; the
    prefix setup template of colcon-deb adds the same variables for the
    workspace debs installed there.
    """
    script = Path(contract.WORK_FOLDER) / 'setup.sh'
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(fill_template(
        (WORKSPACE_TEMPLATES / 'setup.sh').read_text(), prefix=spec.prefix,
        ros_distro=spec.ros_distro, ros_version=spec.ros_version))
    sources = []
    distro_setup = Path(spec.prefix) / 'setup.sh'
    if distro_setup.exists():
        sources.append(f'. {shlex.quote(str(distro_setup))}')
    sources.append(f'. {shlex.quote(str(script))}')
    output = subprocess.check_output(
        ['sh', '-c', ' && '.join(sources) + ' && env -0'])
    env = {}
    for entry in output.split(b'\0'):
        key, sep, value = entry.decode().partition('=')
        if sep:
            env[key] = value
    return env


def build(spec, env):
    """
    Run the build steps, which install into the staging root.

    What the steps are is the build type's business, decided on the host;
    here each is a command in the prefix's environment.  They build from a
    copy of the source that they may write to, as the build user, who owns
    the work folder and nothing else: a build cannot change the installed
    system, the mounted folders or the deb's metadata, and cannot make
    device nodes.
    """
    shutil.copytree(
        SOURCE, contract.SOURCE_FOLDER, symlinks=True, ignore=special_files)
    for folder in (BUILD, PACKAGING, HOME):
        folder.mkdir(parents=True, exist_ok=True)
    user = pwd.getpwnam(contract.BUILD_USER)
    give_to(Path(contract.WORK_FOLDER), user)
    cache_env, cache_groups = compiler_cache(spec)
    as_user = {
        'user': user.pw_uid, 'group': user.pw_gid,
        'extra_groups': cache_groups}
    env = dict(
        env, HOME=str(HOME), USER=user.pw_name, LOGNAME=user.pw_name,
        **cache_env)
    try:
        for step in spec.steps:
            step_env = dict(env, **step.env)
            if step.build_flags:
                step_env = build_flags(step_env, as_user)
            call(step.argv, contract.EXIT_BUILD, cwd=step.cwd,
                 env=step_env, **as_user)
    finally:
        # what the build left running could change the staging root while
        # it is checked and packed
        subprocess.run([
            sys.executable, '-c',
            'import os, signal\n'
            'try:\n    os.kill(-1, signal.SIGKILL)\n'
            'except ProcessLookupError:\n    pass'], **as_user)
    return Path(spec.stage_root)


def compiler_cache(spec):
    """
    Return the variables of ccache and the groups the build steps need.

    Nothing when the job does not use the compiler cache.  Its folder is
    the host's (--ccache), shared by the builds of every package and run;
    the build user has a uid of its own, not the host user's.  It writes
    there as a member of the folder's group, for the build steps only: the
    host made the folder group-writable and setgid (see
    colcon_deb.compiler_cache), so all that ccache creates in it has that
    group, and CCACHE_UMASK 007 makes it group-writable.  The host user,
    who owns the folder and is in its group, can so read, clean and remove
    all of it, and nobody outside the group gets in, as a world-writable
    folder would let them.  The ccache.conf at the top is the host user's
    and the folder is sticky: a build cannot put one there that makes the
    host user's own ccache run a command.  A folder of group root (a run
    as root) puts the build user in that group, which in debian:bookworm
    can write nothing that all users cannot (/tmp).

    ccache hashes the compiler (by default its size and time, which its
    Debian package sets), the arguments, the sources with what they
    include and, with -g, the working folder.  The build paths are fixed
    (contract.SOURCE_FOLDER, BUILD_FOLDER), so the same compile is a hit in
    any container and run, even of a builder image built again from the
    same packages, and the object it gives is the one the compiler makes.
    """
    if not spec.ccache:
        return {}, []
    env = {'CCACHE_DIR': contract.Mount.CCACHE, 'CCACHE_UMASK': '007'}
    if spec.ccache_max_size:
        env['CCACHE_MAXSIZE'] = spec.ccache_max_size
    for name, value in sorted(env.items()):
        print(f'+ export {name}={shlex.quote(value)}', flush=True)
    return env, [os.stat(contract.Mount.CCACHE).st_gid]


def build_flags(env, as_user):
    """
    Add the compiler flags of dpkg-buildflags to a step's environment.

    As debhelper's cmake build system passes them (debian/rules of bloom
    and of Debian): every flag dpkg-buildflags knows (`-g -O2`, the
    distribution's hardening in CFLAGS, CXXFLAGS, LDFLAGS, ...) that the
    environment does not set already, and CPPFLAGS appended to CFLAGS and
    CXXFLAGS, as CMake does not read it.  CMake starts its
    CMAKE_<LANG>_FLAGS and linker flags from them unless its command line
    sets those, so `--cmake-args` still wins.  They are the target's:
    dpkg-buildflags of the builder image, with its configuration and the
    step's DEB_*_MAINT_* variables, run from the source folder, which it
    maps to `.` in the debug info.
    """
    completed = subprocess.run(
        ['dpkg-buildflags', '--export=sh'], cwd=contract.SOURCE_FOLDER,
        env=env, stdout=subprocess.PIPE, text=True, **as_user)
    if completed.returncode:
        raise StepFailed(
            f"'dpkg-buildflags' failed with exit code {completed.returncode}",
            contract.EXIT_BUILD)
    flags = {}
    for line in completed.stdout.splitlines():
        # export NAME="value"
        name, _, value = shlex.split(line)[-1].partition('=')
        if name not in env:
            flags[name] = value
    cppflags = flags.get('CPPFLAGS', env.get('CPPFLAGS'))
    if cppflags:
        for name in ('CFLAGS', 'CXXFLAGS'):
            before = flags.get(name, env.get(name, ''))
            flags[name] = f'{before} {cppflags}'.lstrip()
    for name, value in sorted(flags.items()):
        print(f'+ export {name}={shlex.quote(value)}', flush=True)
    return dict(env, **flags)


def give_to(folder, user):
    """Make a folder and all in it the user's, following no link."""
    os.chown(folder, user.pw_uid, user.pw_gid)
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            os.chown(os.path.join(parent, name), user.pw_uid, user.pw_gid,
                     follow_symlinks=False)


def special_files(folder, names):
    """
    Name the FIFOs, sockets and devices of a source folder.

    Copying them fails (shutil refuses a FIFO, a socket cannot be opened)
    and no build reads them; the host leaves them out of the package's
    cache key too.
    """
    copied = (stat.S_ISREG, stat.S_ISDIR, stat.S_ISLNK)
    special = set()
    for name in names:
        mode = os.lstat(os.path.join(folder, name)).st_mode
        if not any(kind(mode) for kind in copied):
            special.add(name)
    return special


def package(spec, stage_root):
    """
    Turn the staging root into debs in the output folder.

    The package's deb, and the deb of the debug symbols of its binaries
    when it has any: the list of their paths, the package's first.
    """
    prefix_dir = stage_root / spec.prefix.lstrip('/')
    if not prefix_dir.is_dir():
        raise StepFailed(
            f'the package installed nothing under {spec.prefix}',
            contract.EXIT_PACKAGE)
    remove_prefix_setup_files(prefix_dir)
    remove_byte_code(stage_root)
    check_placement(stage_root, spec.prefix)
    fix_permissions(stage_root)
    # a new folder: the build, whose processes are gone, could have left
    # links in any it knew the name of
    debug_root = Path(tempfile.mkdtemp(
        prefix='dbgsym-root-', dir=contract.WORK_FOLDER))
    build_ids = strip_binaries(stage_root, debug_root)
    elf_files = find_elf_files(stage_root)
    control = spec.control.replace(
        contract.ARCHITECTURE_PLACEHOLDER, 'any' if elf_files else 'all')
    deb = make_deb(
        PACKAGING, spec.deb_name, control=control,
        copyright_text=spec.copyright_text,
        changelog=spec.changelog, epoch=spec.source_date_epoch,
        shlibs=shared_library_depends(stage_root, elf_files, spec),
        run=partial(call, meaning=contract.EXIT_PACKAGE), out=OUT)
    if not build_ids or not spec.dbgsym_name:
        return [deb]
    return [deb, package_debug_symbols(spec, debug_root, build_ids)]


def remove_prefix_setup_files(prefix_dir):
    """Leave prefix-level setup files to their own deb: no file in two debs."""
    for name in contract.PREFIX_SETUP_FILES:
        path = prefix_dir / name
        if path.is_file() or path.is_symlink():
            print(f'colcon-deb: leaving {name} to the prefix setup package',
                  flush=True)
            path.unlink()


def remove_byte_code(stage_root):
    """
    Drop byte code: Python writes it on first use, debs do not ship it.

    Only real folders and files are byte code: a link or a folder that the
    build named so is the package's business, and is never followed.
    """
    for parent, folders, files in os.walk(stage_root):
        for name in list(folders):
            path = os.path.join(parent, name)
            if name == '__pycache__' and not os.path.islink(path):
                shutil.rmtree(path)
                folders.remove(name)
        for name in files:
            path = os.path.join(parent, name)
            if name.endswith(('.pyc', '.pyo')) and \
                    stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)


def check_placement(stage_root, prefix):
    """
    Fail when the build installed anything outside the prefix and /etc.

    Files elsewhere belong to the system or to other debs (a file in /usr
    can be one of Debian's); configuration in /etc is the exception, as in
    Debian's packages.  A misplaced folder is named, not all it holds.
    """
    misplaced = []
    for parent, folders, files in os.walk(stage_root):
        for name in folders + files:
            path = Path(parent, name)
            absolute = '/' + path.relative_to(stage_root).as_posix()
            if contract.is_misplaced(
                    absolute, prefix,
                    folder=stat.S_ISDIR(path.lstat().st_mode)):
                misplaced.append(absolute)
                if name in folders:
                    folders.remove(name)
    if misplaced:
        raise StepFailed(
            f'the package installed files outside {prefix} and '
            f'{contract.CONFIG_FOLDER}: ' + names(sorted(misplaced)),
            contract.EXIT_PACKAGE)


def fix_permissions(stage_root):
    """
    Give the staged files the modes debhelper's dh_fixperms gives them.

    The build's umask and install commands decide the modes it left; a
    deb's files are root's (dpkg-deb --root-owner-group), so any write bit
    for others or a setuid, setgid or sticky bit would let users change or
    run as root what the deb installs.  Folders and files with an execute
    bit become 0755, other files and shared libraries 0644; links stay
    links.  FIFOs and sockets have no place in a deb.
    """
    os.chmod(stage_root, 0o755)
    special = []
    for parent, folders, files in os.walk(stage_root):
        for path in (os.path.join(parent, n) for n in folders + files):
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                continue
            if stat.S_ISDIR(mode):
                os.chmod(path, 0o755)
            elif not stat.S_ISREG(mode):
                special.append(
                    '/' + Path(path).relative_to(stage_root).as_posix())
            elif mode & 0o111 and not is_shared_library(path):
                os.chmod(path, 0o755)
            else:
                os.chmod(path, 0o644)
    if special:
        raise StepFailed(
            'the package installed FIFOs, sockets or devices: '
            + names(sorted(special)), contract.EXIT_PACKAGE)


def is_shared_library(path):
    """Tell a shared library by its name (lib.so, lib.so.1), as dh does."""
    name = os.path.basename(path)
    return name.endswith('.so') or '.so.' in name


def names(paths, shown=5):
    """Name the first paths of a list, and that there are more."""
    return ', '.join(paths[:shown]) + (' ...' if len(paths) > shown else '')


def strip_binaries(stage_root, debug_root):
    """
    Strip the binaries as dh_strip does; keep their debug information.

    Executables and shared libraries that are not stripped yet: their
    debug information goes to `debug_root` as the deb of debug symbols
    holds it (DEBUG_FOLDER/xx/yyyy.debug by build id, compressed), then
    they are stripped of it and of .comment and .note (shared libraries
    also of the symbols that linking against them does not need), and
    name their debug file in a .gnu_debuglink.  Static libraries lose
    their debug information.  Files already stripped, or without a build
    id, have no debug file.

    :returns: the build ids of the debug files, sorted
    """
    build_ids = set()
    seen = set()
    for path in sorted(stage_root.rglob('*')):
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or \
                (info.st_dev, info.st_ino) in seen:
            continue
        # hard links are the same file: stripped once
        seen.add((info.st_dev, info.st_ino))
        if is_static_library(path):
            call(['strip', '--strip-debug', '--remove-section=.comment',
                  '--remove-section=.note', '--enable-deterministic-archives',
                  '-R', '.gnu.lto_*', '-R', '.gnu.debuglto_*',
                  '-N', '__gnu_lto_slim', '-N', '__gnu_lto_v1', str(path)],
                 contract.EXIT_PACKAGE)
            continue
        if not is_executable_or_shared_object(path):
            continue
        debug_file = split_debug_information(path, debug_root)
        if info.st_mode & 0o111:
            strip = ['strip']
        else:
            # all that a shared library needs is its dynamic symbols
            strip = ['strip', '--strip-unneeded']
        call([*strip, '--remove-section=.comment', '--remove-section=.note',
              str(path)], contract.EXIT_PACKAGE)
        if debug_file:
            call(['objcopy', '--add-gnu-debuglink', str(debug_file),
                  str(path)], contract.EXIT_PACKAGE)
            build_ids.add(debug_file.parent.name + debug_file.stem)
    return sorted(build_ids)


def is_static_library(path):
    """Tell a static library (lib*.a, not a debug one *_g.a), as dh does."""
    if not path.name.startswith('lib') or not path.name.endswith('.a') or \
            path.name.endswith('_g.a'):
        return False
    with path.open('rb') as f:
        return f.read(8) == b'!<arch>\n'


def is_executable_or_shared_object(path):
    """Tell an ELF executable or shared object by its header, as dh does."""
    with path.open('rb') as f:
        header = f.read(18)
    if len(header) < 18 or header[:4] != b'\x7fELF':
        return False
    # e_ident[EI_DATA] says the byte order of e_type: ET_EXEC or ET_DYN
    order = {1: 'little', 2: 'big'}.get(header[5])
    return order is not None and \
        int.from_bytes(header[16:18], order) in (2, 3)


def split_debug_information(path, debug_root):
    """
    Copy a binary's debug information to its file of the debug symbols.

    As dh_strip's make_debug: only from a binary that is not stripped yet
    (it has a symbol table) and has a build id, which names the file.

    :returns: the debug file, or None
    """
    completed = subprocess.run(
        ['readelf', '--wide', '--section-headers', '--notes', str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, LC_ALL='C'))
    if completed.returncode:
        print(completed.stderr, file=sys.stderr, flush=True)
        raise StepFailed(
            f"'readelf' cannot read {path.name}", contract.EXIT_PACKAGE)
    if not re.search(r'\]\s+\.symtab\s', completed.stdout):
        return None
    build_id = re.search(
        r'Build ID: ([0-9a-f]{2})([0-9a-f]+)$', completed.stdout,
        re.MULTILINE)
    if not build_id:
        print(f'colcon-deb: {path.name} has no build id: its debug '
              'information is not kept', flush=True)
        return None
    debug_file = debug_root / contract.DEBUG_FOLDER.lstrip('/') / \
        build_id.group(1) / f'{build_id.group(2)}.debug'
    # the same binary twice (a copy): one debug file
    if not debug_file.exists():
        debug_file.parent.mkdir(parents=True, exist_ok=True)
        call(['objcopy', '--only-keep-debug', '--compress-debug-sections',
              str(path), str(debug_file)], contract.EXIT_PACKAGE)
        os.chmod(debug_file, 0o644)
    return debug_file


def package_debug_symbols(spec, debug_root, build_ids):
    """
    Pack the deb of the debug symbols, as debhelper makes it.

    dpkg-gencontrol writes its control from the package's, as dh_gencontrol
    does for a dbgsym package: Section debug, Priority optional, the build
    ids, a dependency on exactly the version of the package, whose
    binaries the debug files are of, and Installed-Size as dpkg computes
    it.  It is a .deb with no Package-Type: Debian's tools make it so
    (Ubuntu's make a .ddeb, for an archive of their own), and the
    repository of the run serves it next to the package.  Its
    documentation is the package's, by a link, as dh_strip makes it.
    """
    doc = debug_root / contract.DOC_FOLDER.lstrip('/') / spec.dbgsym_name
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.symlink_to(spec.deb_name)
    fix_permissions(debug_root)
    written = dict(parse_control((
        PACKAGING / 'debian' / spec.deb_name / 'DEBIAN' / 'control'
    ).read_text()))
    version, architecture = written['Version'], written['Architecture']
    (debug_root / 'DEBIAN').mkdir()
    call(['dpkg-gencontrol', f'-p{spec.deb_name}', f'-v{version}',
          '-ldebian/changelog', '-cdebian/control', '-Tdebian/substvars',
          '-fdebian/files', f'-P{debug_root}',
          f'-DPackage={spec.dbgsym_name}',
          f'-DDepends={spec.deb_name} (= {version})',
          '-DSection=debug', '-DPriority=optional',
          '-DAuto-Built-Package=debug-symbols',
          f"-DBuild-Ids={' '.join(build_ids)}",
          f'-DDescription=debug symbols for {spec.deb_name}',
          *[f'-U{name}' for name in (
              'Pre-Depends', 'Recommends', 'Suggests', 'Enhances',
              'Provides', 'Conflicts', 'Replaces', 'Breaks', 'Homepage')]],
         contract.EXIT_PACKAGE, cwd=PACKAGING)
    (debug_root / 'DEBIAN' / 'md5sums').write_text(md5sums(debug_root))
    deb = OUT / f'{spec.dbgsym_name}_{version}_{architecture}.deb'
    pack_deb(debug_root, deb, spec.source_date_epoch,
             run=partial(call, meaning=contract.EXIT_PACKAGE))
    return deb


def find_elf_files(root):
    """Find the binaries: they make the deb architecture-specific."""
    found = []
    for path in sorted(root.rglob('*')):
        if path.is_file() and not path.is_symlink():
            with path.open('rb') as f:
                if f.read(4) == b'\x7fELF':
                    found.append(path)
    return found


def shared_library_depends(stage_root, elf_files, spec):
    """
    Ask dpkg-shlibdeps which packages the binaries' libraries come from.

    Libraries of the workspace have no shlibs information: their packages
    are in Depends already through package.xml, so missing information is
    not an error.
    """
    if not elf_files:
        return ''
    (PACKAGING / 'debian' / 'control').write_text(
        f'Source: {spec.deb_name}\n\n'
        f'Package: {spec.deb_name}\nArchitecture: any\n')
    prefix_lib = spec.prefix + '/lib'
    completed = subprocess.run(
        ['dpkg-shlibdeps', '-O', '--ignore-missing-info',
         f'-l{stage_root}{prefix_lib}', f'-l{prefix_lib}',
         *[str(p) for p in elf_files]],
        cwd=PACKAGING, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    if completed.returncode:
        print(completed.stderr, file=sys.stderr, flush=True)
        raise StepFailed('dpkg-shlibdeps failed', contract.EXIT_PACKAGE)
    for line in completed.stdout.splitlines():
        if line.startswith('shlibs:Depends='):
            return line[len('shlibs:Depends='):].strip()
    return ''


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

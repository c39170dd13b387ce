# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
What the host and the containers of colcon-deb agree on, written once.

The host imports it as `colcon_deb.container.contract`; the scripts in the
builder image import it as `contract`, from the folder they are in.  Each
message is a dataclass that travels as JSON in an environment variable;
the mounts, the environment variables, the exit codes and the phases are
named here and nowhere else.  Only the Python standard library is used:
the base image decides what else there is.
"""

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
import json

# where the Dockerfile puts the scripts in the builder image
SCRIPTS = '/opt/colcon-deb'
BUILD_SCRIPT = f'{SCRIPTS}/build_package.py'
PREPARE_SCRIPT = f'{SCRIPTS}/prepare_run.py'

# the arguments of BUILD_SCRIPT: install system packages (followed by their
# names) into a dependency image, with network; or build and package,
# without
INSTALL = 'install'
BUILD = 'build'


class Mount:
    """The folders a container sees, by their path inside it."""

    # the package source, read-only: builds use SOURCE_FOLDER
    SOURCE = '/src'
    # the workspace debs the package needs, read-only
    REPO = '/repo'
    # what a container hands back: the deb, or the prepare findings
    OUT = '/out'
    # the rosdep rule files of the run, for the prepare container
    ROSDEP_RULES = '/colcon-deb/rosdep'
    # the compiler cache of --ccache, shared by the builds and the runs:
    # writable, and only for the build container of a job that uses it
    CCACHE = '/ccache'


# the environment variables that carry a message into a container
JOB_VARIABLE = 'COLCON_DEB_SPEC'
PREPARE_VARIABLE = 'COLCON_DEB_PREPARE'
# `uid:gid` of the user running colcon deb, who gets what /out holds
HOST_USER_VARIABLE = 'HOST_USER'
# what the prepare container writes into /out
PREPARE_RESULT_FILE = 'prepare.json'

# filled in by the container: what the host cannot know
ARCHITECTURE_PLACEHOLDER = '@ARCHITECTURE@'
CODENAME_PLACEHOLDER = '@CODENAME@'


class Phase:
    """
    The phases of a package job, as colcon's JobProgress tells them.

    The host runs the cache check, the dependencies and the publishing;
    the build container announces the build and the packaging with a line
    of PHASE_MARKER and the name on its stdout.
    """

    CACHE_CHECK = 'cache check'
    DEPENDENCIES = 'dependencies'
    BUILD = 'build'
    PACKAGE = 'package'
    PUBLISH = 'publish'


# in the order they come
PACKAGE_PHASES = (
    Phase.CACHE_CHECK, Phase.DEPENDENCIES, Phase.BUILD, Phase.PACKAGE,
    Phase.PUBLISH)
PHASE_MARKER = '@colcon-deb phase='

# the files at the top of the prefix that the prefix setup package owns:
# no other deb may ship them
PREFIX_SETUP_FILES = (
    '.catkin', '.colcon_install_layout', '.rosinstall', 'COLCON_IGNORE',
    '_local_setup_util.py', '_local_setup_util_ps1.py',
    '_local_setup_util_sh.py', '_setup_util.py', 'env.sh',
    'local_setup.bash', 'local_setup.sh', 'local_setup.zsh',
    'setup.bash', 'setup.sh', 'setup.zsh')


# the time of the prefix setup files (2026-01-01): they come from templates
PREFIX_SETUP_TIME = 1767225600
# where a deb's copyright and changelog go, which its packaging writes;
# the deb of its debug symbols has a link there, as in Debian
DOC_FOLDER = '/usr/share/doc'

# the one folder outside the prefix a deb may install into: configuration,
# which the deb lists as conffiles so that dpkg keeps a user's changes
CONFIG_FOLDER = '/etc'
# the user the build steps run as, which the builder image has: only the
# dependencies are installed as root
BUILD_USER = 'colcon-deb'
# the command a build runs its compilers through when the job uses the
# compiler cache (JobSpec.ccache), which the builder image has
COMPILER_LAUNCHER = 'ccache'


# where a deb of debug symbols installs its files, as dh_strip puts them:
# the debug file of a binary at <2 hex digits of its build id>/<the
# others>.debug, where gdb looks for it
DEBUG_FOLDER = '/usr/lib/debug/.build-id'


def is_configuration(path):
    """Tell whether an absolute path of a deb's data is configuration."""
    return _is_within(path, CONFIG_FOLDER)


def is_misplaced(path, prefix, *, folder=False, deb_name=None):
    """
    Tell whether a deb may not install a path (absolute, without `..`).

    Its files go under the prefix or CONFIG_FOLDER; a folder on the way to
    either (`/opt`) is shared with other debs and is fine.  With the deb's
    name, its own folder in DOC_FOLDER is fine too: its packaging, not its
    build, writes the copyright and changelog there.
    """
    roots = [prefix, CONFIG_FOLDER]
    if deb_name:
        roots.append(f'{DOC_FOLDER}/{deb_name}')
    return _is_outside(path, roots, folder)


def is_misplaced_debug_file(path, dbgsym_name, *, folder=False):
    """
    Tell whether the deb of debug symbols may not install a path.

    Its files go under DEBUG_FOLDER, and the link to the documentation of
    the deb whose symbols it holds is `DOC_FOLDER/<its name>`.
    """
    return _is_outside(
        path, (DEBUG_FOLDER, f'{DOC_FOLDER}/{dbgsym_name}'), folder)


def _is_outside(path, roots, folder):
    """Tell whether a path is in none of the roots, nor on the way."""
    for root in roots:
        if _is_within(path, root) or folder and _is_within(root, path):
            return False
    return True


def _is_within(path, folder):
    folder = folder.rstrip('/')
    return path == folder or path.startswith(f'{folder}/') or folder == ''


def phase_line(name):
    """Return the output line that announces a phase."""
    return f'{PHASE_MARKER}{name}'


def announced_phase(line):
    """
    Return the phase an output line (bytes) announces, or None.

    The build's own output can hold the marker too: only the name of a
    phase counts, anything else is output like any other line.
    """
    marker = PHASE_MARKER.encode()
    if not line.startswith(marker):
        return None
    name = line[len(marker):].decode(errors='replace').strip()
    return name if name in PACKAGE_PHASES else None


@dataclass(frozen=True)
class ExitCode:
    """What an exit code of a build container means to the host."""

    code: int
    reason: str
    # whether trying again can help: a failed download can succeed the
    # next time, a compiler error cannot
    retryable: bool


EXIT_DEPENDENCIES = ExitCode(3, 'installing its dependencies failed', True)
EXIT_BUILD = ExitCode(4, 'building failed', False)
EXIT_PACKAGE = ExitCode(5, 'packaging failed', False)
# SIGKILL and SIGTERM from outside the container
EXIT_KILLED = ExitCode(137, 'its container was killed', True)
EXIT_TERMINATED = ExitCode(143, 'its container was terminated', True)
EXIT_CODES = {meaning.code: meaning for meaning in (
    EXIT_DEPENDENCIES, EXIT_BUILD, EXIT_PACKAGE, EXIT_KILLED,
    EXIT_TERMINATED)}


def exit_code(code):
    """Return what an exit code means; an unknown one is no retry."""
    return EXIT_CODES.get(code) or ExitCode(
        code, f'its container exited with code {code}', False)


class Message:
    """A dataclass that travels as JSON; nested messages are named."""

    # field name -> the Message class of its value, or of each list item
    NESTED = {}

    def to_json(self):
        """Return the message as JSON text."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text):
        """
        Read a message from JSON text.

        :raises ValueError: when it is not one of this kind
        """
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data):
        """Read a message from what `asdict` made of it."""
        if not isinstance(data, dict):
            raise ValueError(f'{cls.__name__}: not an object')
        values = dict(data)
        for name, nested in cls.NESTED.items():
            if isinstance(values.get(name), list):
                values[name] = [nested.from_dict(v) for v in values[name]]
            elif name in values:
                values[name] = nested.from_dict(values[name])
        try:
            return cls(**values)
        except TypeError as e:
            known = {f.name for f in fields(cls)}
            raise ValueError(
                f'{cls.__name__}: {e} (fields: {", ".join(sorted(known))})'
            ) from None


@dataclass
class BuildStep(Message):
    """One command of a package's build, as its build type decides it."""

    argv: list
    # added to the environment of the prefix, as users get it
    env: dict = field(default_factory=dict)
    cwd: str = None
    # whether the step gets the compiler flags of the target's
    # dpkg-buildflags, as debhelper's cmake build system passes them (see
    # build_package.build_flags); dpkg-buildflags reads `env` (the
    # DEB_*_MAINT_APPEND variables of a debian/rules)
    build_flags: bool = False


@dataclass
class JobSpec(Message):
    """Everything a build container needs to make one package's deb."""

    name: str
    deb_name: str
    prefix: str
    ros_distro: str
    ros_version: str
    # the control paragraph, with ARCHITECTURE_PLACEHOLDER
    control: str
    # the commands that build and install into STAGE_ROOT
    steps: list
    # /usr/share/doc/<deb name>/copyright, and debian/changelog, which
    # becomes its changelog.Debian.gz
    copyright_text: str = ''
    changelog: str = ''
    # the file names under Mount.REPO of the workspace debs to install
    workspace_debs: list = field(default_factory=list)
    # the time of every file in the deb: the newest source file's
    source_date_epoch: int = 0
    # the deb of the debug symbols of its binaries, if it has any
    dbgsym_name: str = None
    # whether the build uses the compiler cache at Mount.CCACHE (its steps
    # run the compilers through COMPILER_LAUNCHER), and ccache's max_size
    # for it, '' for ccache's own
    ccache: bool = False
    ccache_max_size: str = ''

    NESTED = {'steps': BuildStep}

    @property
    def stage_root(self):
        """Where the build installs to: debian/<deb name>, as dh does."""
        return stage_root(self.deb_name)


# the build's own folders in the container, all in WORK_FOLDER, which the
# host gives the build container as a scratch volume; fixed, so that they
# do not show in what the build produces
WORK_FOLDER = '/tmp/colcon-deb'
BUILD_FOLDER = f'{WORK_FOLDER}/build'
PACKAGING_FOLDER = f'{WORK_FOLDER}/packaging'
# the build's private, writable copy of Mount.SOURCE: builds that write
# next to their sources (egg-info, generated code) work, and the user's
# source folder is never changed
SOURCE_FOLDER = f'{WORK_FOLDER}/src'


def stage_root(deb_name):
    """Return where a package is installed to before it is packed."""
    return f'{PACKAGING_FOLDER}/debian/{deb_name}'


@dataclass
class PrefixSetup(Message):
    """The deb owning the prefix's setup files, if the run builds it."""

    # build it unless the distribution's package `existing` is there
    build: bool
    existing: str
    deb_name: str
    prefix: str
    ros_distro: str
    ros_version: str
    # with ARCHITECTURE_PLACEHOLDER and CODENAME_PLACEHOLDER
    control: str
    # as those of JobSpec; the changelog with CODENAME_PLACEHOLDER
    copyright_text: str = ''
    changelog: str = ''


@dataclass
class PrepareRequest(Message):
    """What the prepare container is asked about the target system."""

    rosdep_command: str
    ros_distro: str
    keys: list
    prefix_setup: PrefixSetup

    NESTED = {'prefix_setup': PrefixSetup}


@dataclass
class PrepareResult(Message):
    """What the prepare container found out."""

    codename: str
    architecture: str
    # `X.Y` of the target's python3: where Python modules are installed
    python_version: str
    # the packages the builder image has installed
    installed: list
    # key -> {'installer': 'apt', 'packages': [...]}
    resolved: dict
    # key -> why it does not resolve
    unresolved: dict
    prefix_setup_available: bool
    # the file name in /out of the prefix setup deb, when it was built
    prefix_setup_deb: str = None

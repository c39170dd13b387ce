# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Prepare a colcon-deb run inside one container of the builder image.

Resolving every rosdep key of the run at once costs one rosdep start instead
of one per package, and names unresolvable keys before anything is built.
The same container also reports what the host cannot know without it: the
distribution codename, the architecture, and whether the distribution's own
package for the prefix-level setup files exists.

Input: a contract.PrepareRequest; output: a contract.PrepareResult in
/out, and the prefix setup deb beside it when asked for.  Only the Python
standard library is used: the base image decides the rest.
"""

from functools import partial
import glob
import os
from pathlib import Path
import shutil
import subprocess
import sys

import contract
from helpers import fill_template
from helpers import hand_over
from helpers import make_deb
from helpers import WORKSPACE_TEMPLATES

OUT = Path(contract.Mount.OUT)
ROSDEP_FILES = Path(contract.Mount.ROSDEP_RULES)


def main():
    """Answer the host's questions about the target system."""
    request = contract.PrepareRequest.from_json(
        os.environ[contract.PREPARE_VARIABLE])
    add_rosdep_sources(request.rosdep_command)
    update_rosdep(request.rosdep_command)
    resolved, unresolved = resolve_keys(
        request.rosdep_command, request.ros_distro, request.keys)
    setup = request.prefix_setup
    result = contract.PrepareResult(
        codename=os_release().get('VERSION_CODENAME', ''),
        architecture=check_output(['dpkg', '--print-architecture']),
        python_version='.'.join(str(v) for v in sys.version_info[:2]),
        # what the image has already needs no download
        installed=check_output(
            ['dpkg-query', '--show', '--showformat', '${Package}\n'])
        .split(),
        resolved=resolved, unresolved=unresolved,
        prefix_setup_available=apt_has_package(setup.existing))
    if setup.build and not result.prefix_setup_available:
        result.prefix_setup_deb = build_prefix_setup_deb(
            setup, result.codename)
    (OUT / contract.PREPARE_RESULT_FILE).write_text(result.to_json() + '\n')
    hand_over(*OUT.iterdir())
    return 0


def os_release():
    """Read /etc/os-release of the builder image."""
    values = {}
    for line in Path('/etc/os-release').read_text().splitlines():
        key, sep, value = line.partition('=')
        if sep:
            values[key] = value.strip().strip('"')
    return values


def check_output(cmd, **kwargs):
    """Run a command and return its output without the newline."""
    return subprocess.check_output(cmd, text=True, **kwargs).strip()


def rosdep_sources_dir(rosdep_command):
    """
    Find the sources list folder of the rosdep command.

    rosdep reads /etc/ros/rosdep/sources.list.d; compatible forks keep the
    same layout under a folder named after themselves.
    """
    candidates = sorted(
        glob.glob(f'/etc/*/{rosdep_command}/sources.list.d'))
    if candidates:
        return Path(candidates[0])
    return Path('/etc/ros/rosdep/sources.list.d')


def add_rosdep_sources(rosdep_command):
    """Put the run's rule files before the default sources."""
    files = sorted(ROSDEP_FILES.glob('*.yaml'))
    if not files:
        return
    lines = [f'yaml file://{path}\n' for path in files]
    folder = rosdep_sources_dir(rosdep_command)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / '00-colcon-deb.list').write_text(''.join(lines))


def update_rosdep(rosdep_command):
    """
    Update the rosdep cache, accepting sources that cannot be reached.

    rosdep caches the rule files it could read, unless the ROS distribution
    index is unreachable too: then the update is repeated with an empty
    local index, so that an offline run works with the rule files given on
    the command line.
    """
    completed = run_update(rosdep_command)
    if completed.returncode:
        index = Path('/tmp/colcon-deb-empty-index.yaml')
        index.write_text(
            '%YAML 1.1\n---\ndistributions: {}\ntype: index\nversion: 4\n')
        os.environ['ROSDISTRO_INDEX_URL'] = f'file://{index}'
        run_update(rosdep_command)
        print(
            f"colcon-deb: '{rosdep_command} update' could not read every "
            'source; continuing with the sources it could read',
            file=sys.stderr, flush=True)


def run_update(rosdep_command):
    """Run the rosdep update once, capturing its output."""
    return subprocess.run(
        [rosdep_command, 'update'], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)


def resolve_keys(rosdep_command, ros_distro, keys):
    """Resolve rosdep keys to system package names, batch first."""
    resolved = {}
    if keys:
        completed = run_resolve(rosdep_command, ros_distro, keys)
        resolved = parse_resolve_output(completed.stdout, keys)
    unresolved = {}
    for key in keys:
        if key in resolved:
            continue
        completed = run_resolve(rosdep_command, ros_distro, [key])
        single = parse_resolve_output(completed.stdout, [key])
        if key in single:
            resolved[key] = single[key]
        else:
            unresolved[key] = last_line(completed.stderr) or \
                f"no rule for '{key}'"
    return resolved, unresolved


def run_resolve(rosdep_command, ros_distro, keys):
    """Run one rosdep resolve over a batch of keys."""
    return subprocess.run(
        [rosdep_command, 'resolve', '--rosdistro', ros_distro, *keys],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def parse_resolve_output(output, keys):
    """
    Parse what `rosdep resolve` prints into {key: {installer, packages}}.

    With several keys each answer starts with `#ROSDEP[key]`; with one key
    that line is missing.  `#<installer>` precedes the package names; a key
    without it did not resolve.
    """
    resolved = {}
    key = keys[0] if len(keys) == 1 else None
    installer = None
    for line in output.splitlines():
        line = line.strip()
        if line.startswith('#ROSDEP[') and line.endswith(']'):
            key = line[len('#ROSDEP['):-1]
            installer = None
        elif line.startswith('#') and key is not None:
            installer = line[1:]
            resolved[key] = {'installer': installer, 'packages': []}
        elif line and key is not None and installer is not None:
            resolved[key]['packages'] += line.split()
    return resolved


def last_line(text):
    """Return the last non-empty line: rosdep's error message."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ''


def apt_has_package(name):
    """Tell whether apt knows a package, without installing it."""
    completed = subprocess.run(
        ['apt-cache', 'show', '--no-all-versions', name],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return completed.returncode == 0


def build_prefix_setup_deb(setup, codename):
    """
    Build the deb that owns the prefix-level setup files.

    ROS distributions ship them in ros-<distro>-ros-workspace; Debian has no
    such package, so the run provides one under the same name, made as
    every package's deb is (helpers.make_deb).

    :returns: its file name in /out
    """
    packaging = Path('/tmp/prefix-setup')
    prefix = packaging / 'debian' / setup.deb_name / setup.prefix.lstrip('/')
    prefix.mkdir(parents=True)
    for template in sorted(WORKSPACE_TEMPLATES.iterdir()):
        (prefix / template.name).write_text(fill_template(
            template.read_text(), prefix=setup.prefix,
            ros_distro=setup.ros_distro, ros_version=setup.ros_version))
    for path in [prefix, *prefix.parents]:
        if path == packaging:
            break
        os.chmod(path, 0o755)
    control = setup.control.replace(
        contract.ARCHITECTURE_PLACEHOLDER, 'all').replace(
        contract.CODENAME_PLACEHOLDER, codename)
    # the same files at the same time: the same deb on every run
    deb = make_deb(
        packaging, setup.deb_name, control=control,
        copyright_text=setup.copyright_text,
        changelog=setup.changelog.replace(
            contract.CODENAME_PLACEHOLDER, codename),
        epoch=contract.PREFIX_SETUP_TIME, out=OUT,
        file_name=f'{setup.deb_name}.deb',
        run=partial(subprocess.check_call, stdout=subprocess.DEVNULL))
    shutil.rmtree(packaging)
    return deb.name


if __name__ == '__main__':
    sys.exit(main())

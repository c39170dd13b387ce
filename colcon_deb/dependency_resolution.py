# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Resolve the run's rosdep keys in one container of the builder image.

The container also reports the target's codename and architecture and
builds the prefix setup package when the distribution has none.
"""

from dataclasses import dataclass
import errno
import hashlib
import json
import os
from pathlib import Path
import shutil
import tempfile

from colcon_deb import __version__
from colcon_deb.container import contract
from colcon_deb.container.contract import Mount
from colcon_deb.container.contract import PrepareRequest
from colcon_deb.container.contract import PrepareResult
from colcon_deb.debian.built_deb import check_deb
from colcon_deb.debian.built_deb import expected_files
from colcon_deb.debian.built_deb import read_regular_file
from colcon_deb.debian.built_deb import UnexpectedOutput
from colcon_deb.debian.prefix_setup import prefix_setup_request
from colcon_deb.docker.engine import ContainerSpec
from colcon_deb.docker.engine import Folder
from debian.deb822 import Deb822
import yaml


class ResolutionError(RuntimeError):
    """A dependency of a package cannot be resolved."""


@dataclass(frozen=True)
class Resolution:
    """What the prepare container found out of the target system."""

    codename: str
    architecture: str
    # `X.Y` of its python3
    python_version: str
    # rosdep key -> the system packages it resolved to
    system_packages: dict
    prefix_setup_deb: Path = None
    digest: str = None
    # the packages the builder image has installed
    installed: frozenset = frozenset()


def workspace_rosdep_rules(plan):
    """
    Map every workspace package to its deb, as a rosdep rule file.

    Resolving workspace keys through rosdep like any other key lets them
    shadow system rules; users get the same file next to the debs.
    """
    return {
        name: {'debian': [deb], 'ubuntu': [deb]}
        for name, deb in sorted(plan.workspace_deb_names.items())}


def resolve(engine, image, plan, *, rosdep_command, rosdep_sources,
            work_base, labels, stop, on_stdout, on_stderr, cache=None):
    """
    Return what the prepare container finds out, running it when needed.

    With a cache folder, the findings are kept under a digest of all that
    goes into them (image, keys, rule files): an unchanged workspace then
    starts no container at all.
    """
    rules = rule_files(plan, rosdep_sources)
    request = prepare_request(plan, rosdep_command)
    digest = _digest(image, request, rules)
    found = _cached_result(cache, digest)
    work = Path(tempfile.mkdtemp(prefix='prepare-', dir=work_base))
    try:
        if found is None:
            (work / 'rosdep').mkdir()
            for name, content in rules:
                (work / 'rosdep' / name).write_bytes(content)
            (work / 'out').mkdir()
            result = _run_prepare(
                engine, image, request, work / 'rosdep', work / 'out',
                labels=labels, stop=stop, on_stdout=on_stdout,
                on_stderr=on_stderr)
            found = result, _store_result(
                cache, digest, result, work / 'out',
                optional=plan.optional_keys())
        check_resolved(plan, found[0], rosdep_command)
        return _resolution(*found, digest, work_base)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cached_resolution(cache, image, plan, *, rosdep_command,
                      rosdep_sources):
    """Return the cached findings without starting anything, or None."""
    digest = _digest(
        image, prepare_request(plan, rosdep_command),
        rule_files(plan, rosdep_sources))
    found = _cached_result(cache, digest)
    return None if found is None else _resolution(*found, digest, None)


def rule_files(plan, rosdep_sources):
    """Return (name, content) of the rule files, workspace rules first."""
    files = [('00-workspace.yaml', yaml.safe_dump(
        workspace_rosdep_rules(plan)).encode())]
    for index, source in enumerate(rosdep_sources, start=1):
        files.append((f'{index:02d}-source.yaml', Path(source).read_bytes()))
    return files


def _resolution(result, folder, digest, work_base):
    """Return the findings; the prefix setup deb is copied into the run."""
    setup_deb = None
    if result.prefix_setup_deb:
        setup_deb = folder / result.prefix_setup_deb
        if work_base is not None:
            setup_deb = Path(shutil.copy(setup_deb, work_base))
    return Resolution(
        codename=result.codename,
        architecture=result.architecture,
        python_version=result.python_version,
        system_packages={
            k: v['packages'] for k, v in result.resolved.items()},
        prefix_setup_deb=setup_deb, digest=digest,
        installed=frozenset(result.installed))


def prepare_request(plan, rosdep_command):
    """Describe what the prepare container is asked."""
    return PrepareRequest(
        rosdep_command=rosdep_command, ros_distro=plan.ros_distro,
        keys=plan.system_keys(), prefix_setup=prefix_setup_request(plan))


def _run_prepare(engine, image, request, rules, out, *, labels, stop,
                 on_stdout, on_stderr):
    spec = ContainerSpec(
        image=image, command=['python3', contract.PREPARE_SCRIPT],
        environment={
            contract.PREPARE_VARIABLE: request.to_json(),
            contract.HOST_USER_VARIABLE: f'{os.getuid()}:{os.getgid()}',
        },
        folders=[
            Folder(rules, Mount.ROSDEP_RULES),
            Folder(out, Mount.OUT, writable=True)],
        labels=labels)
    result = engine.run(
        spec, on_stdout=on_stdout, on_stderr=on_stderr, stop=stop)
    if result.stopped:
        raise KeyboardInterrupt
    if result.exit_code:
        raise ResolutionError(
            'resolving the dependencies failed (exit code '
            f'{result.exit_code}); see the output above')
    try:
        return take_prepared(out, request.prefix_setup)
    except UnexpectedOutput as e:
        raise ResolutionError(f'resolving the dependencies: {e}') from None


def take_prepared(out, prefix_setup):
    """
    Take the findings and the prefix setup deb, as the request expects.

    The prepare container runs rosdep on the user's rule files: what it
    leaves is checked like a package's build output, followed nowhere.
    """
    deb_name = f'{prefix_setup.deb_name}.deb'
    found = expected_files(
        out, {contract.PREPARE_RESULT_FILE, deb_name},
        maker='the prepare container')
    if contract.PREPARE_RESULT_FILE not in found:
        raise UnexpectedOutput('the prepare container left no findings')
    try:
        result = PrepareResult.from_json(read_regular_file(
            out / contract.PREPARE_RESULT_FILE).decode())
    except (UnicodeDecodeError, ValueError, TypeError) as e:
        raise UnexpectedOutput(
            f'the prepare container left unreadable findings: {e}') \
            from None
    built = deb_name if prefix_setup.build and result.prefix_setup_deb \
        else None
    if result.prefix_setup_deb != built or (deb_name in found) != bool(
            built):
        raise UnexpectedOutput(
            'the prepare container left a prefix setup deb '
            f"'{result.prefix_setup_deb}' it was not asked for")
    if built:
        control = Deb822(prefix_setup.control)
        check_deb(
            out / deb_name, prefix_setup.deb_name,
            control['Version'].replace(
                contract.CODENAME_PLACEHOLDER, result.codename), ('all',))
    return result


def _digest(image, request, rules):
    digest = hashlib.sha256(json.dumps(
        [__version__, image, request.to_json()], sort_keys=True).encode())
    for name, content in rules:
        digest.update(name.encode() + b'\0' + content + b'\0')
    return digest.hexdigest()


def _cached_result(cache, digest):
    """
    Return cached findings whose files are all there, and their folder.

    Findings of an older kind, or broken ones, are not there.
    """
    if cache is None:
        return None
    folder = Path(cache) / 'resolutions' / digest
    try:
        result = PrepareResult.from_json(
            (folder / contract.PREPARE_RESULT_FILE).read_text())
    except (OSError, ValueError):
        return None
    deb = result.prefix_setup_deb
    if deb and not (folder / deb).is_file():
        return None
    return result, folder


def _store_result(cache, digest, result, out, *, optional=frozenset()):
    """
    Keep the findings; an unresolved key is not kept, it may be fixed.

    Keys that may stay unresolved (`optional`: see Plan.optional_keys) do
    not keep the findings from being kept.

    Runs that share the cache may store the same findings at once, and
    read them meanwhile: a folder of findings appears whole, by a rename,
    and is never emptied while it may be read.  A run that finds the
    folder there when it renames its own lost a race: it keeps its own
    findings, which are the same.  Only broken findings are moved aside.

    :returns: the folder the findings are in now
    """
    if cache is None or set(result.unresolved) - set(optional):
        return out
    folder = Path(cache) / 'resolutions' / digest
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix='.new-'))
    for path in out.iterdir():
        shutil.copyfile(path, staging / path.name)
    if folder.exists() and _cached_result(cache, digest) is None:
        _move_aside(folder)
    try:
        os.rename(staging, folder)
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        shutil.rmtree(staging, ignore_errors=True)
        return out
    return folder


def _move_aside(folder):
    """Remove a folder, renaming it first: nobody sees it half-removed."""
    trash = Path(tempfile.mkdtemp(dir=folder.parent, prefix='.old-'))
    try:
        os.rename(folder, trash / folder.name)
    except FileNotFoundError:
        pass  # another run moved it
    shutil.rmtree(trash, ignore_errors=True)


def check_resolved(plan, result, rosdep_command):
    """Name the first package whose key does not resolve to a deb."""
    for planned in plan.packages:
        for dependency in planned.build_depends + planned.run_depends:
            key = dependency.name
            if key in result.unresolved:
                raise ResolutionError(
                    f"package '{planned.name}': rosdep key '{key}' does not "
                    f'resolve ({rosdep_command}: '
                    f'{result.unresolved[key]}); add a rule for it with '
                    '--rosdep-source FILE')
            entry = result.resolved.get(key)
            if entry and entry['installer'] != 'apt':
                raise ResolutionError(
                    f"package '{planned.name}': rosdep key '{key}' resolves "
                    f"to a '{entry['installer']}' package, which a deb "
                    'cannot depend on; add an apt rule with --rosdep-source')

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The plan of a run: for each selected package, what its deb will be.

Built on the host from colcon's package decorators and each package.xml,
before any container starts, so that `--dry-run` and the up-front checks
need no Docker.  Conditions in package.xml are evaluated for the target ROS
distribution, not for the host's environment.
"""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from catkin_pkg.package import InvalidPackage
from catkin_pkg.package import parse_package
from colcon_deb.debian.dependencies import build_dependencies
from colcon_deb.debian.dependencies import condition_context
from colcon_deb.debian.dependencies import conflicts
from colcon_deb.debian.dependencies import replaces
from colcon_deb.debian.dependencies import runtime_dependencies
from colcon_deb.debian.names import check_deb_file_name
from colcon_deb.debian.names import check_deb_name
from colcon_deb.debian.names import dbgsym_name
from colcon_deb.debian.names import deb_name
from colcon_deb.debian.names import deb_version
from colcon_deb.debian.names import suffix_time
from colcon_deb.debian.names import time_suffix
from colcon_deb.debian.policy_files import copyright_file

# the distribution codename of the images `--base-image` defaults to
ROS_DISTRO_CODENAMES = {
    'noetic': 'focal', 'humble': 'jammy', 'iron': 'jammy',
    'jazzy': 'noble', 'kilted': 'noble', 'rolling': 'noble',
}


# what a dry run shows of a codename it cannot guess
UNKNOWN_CODENAME = '<codename>'
# Debian's and Ubuntu's codenames have at most eight letters: before the
# target's codename is known, the deb file name is checked with this one
LONGEST_CODENAME = 'bookworm'


class PlanError(RuntimeError):
    """A package cannot become a deb; the message names it."""


@dataclass
class PlannedPackage:
    """One selected package and what its deb will be."""

    descriptor: object
    package: object
    deb_name: str
    level: int
    workspace_dependencies: list
    # every workspace package it depends on, also those not selected
    all_workspace_dependencies: list = field(default_factory=list)
    build_depends: list = field(default_factory=list)
    run_depends: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    replaces: list = field(default_factory=list)
    # /usr/share/doc/<deb name>/copyright
    copyright_text: str = ''

    @property
    def name(self):
        """The package name."""
        return self.descriptor.name

    @property
    def build_type(self):
        """The build type colcon identified."""
        return self.descriptor.type

    @property
    def path(self):
        """The package's source folder."""
        return Path(self.descriptor.path)

    @property
    def dbgsym_name(self):
        """The deb of its debug symbols, made when it has binaries."""
        return dbgsym_name(self.deb_name)


@dataclass
class Plan:
    """The packages of a run in build order, and the run's settings."""

    ros_distro: str
    ros_version: str
    prefix: str
    revision: int
    packages: list
    workspace_deb_names: dict
    # how versions end: 'source-time' (see version_suffixes) or 'none'
    version_suffix: str = 'source-time'
    # whether the debs of debug symbols are published (--no-dbgsym)
    dbgsym: bool = True

    def system_keys(self):
        """Return every rosdep key that is not a workspace package."""
        keys = set()
        for planned in self.packages:
            for dependency in planned.build_depends + planned.run_depends \
                    + planned.conflicts + planned.replaces:
                if dependency.name not in self.workspace_deb_names:
                    keys.add(dependency.name)
        return sorted(keys)

    def optional_keys(self):
        """
        Return the system keys that may stay unresolved.

        Those only in `<conflict>` and `<replace>`: as bloom does, a key
        rosdep does not know names a ROS package that may be gone.
        """
        required = set()
        for planned in self.packages:
            required.update(
                d.name for d in planned.build_depends + planned.run_depends)
        return set(self.system_keys()) - required

    def version(self, planned, codename, suffix=''):
        """
        Return the deb version of a package for a target codename.

        The codename is the target's: its version and deb file name are
        checked again, an image's codename may be longer than planned for.
        """
        try:
            version = deb_version(
                planned.package.version, codename, self.revision, suffix)
            # the longer one of its debs
            check_deb_file_name(planned.dbgsym_name, version)
        except ValueError as e:
            raise PlanError(f"package '{planned.name}': {e}") from None
        return version

    def version_suffixes(self, keys, published, last_keys):
        """
        Return the version suffix of each package's deb.

        With `source-time`, the time of the newest source file of the
        package and of the workspace packages it depends on: an edit
        anywhere upstream of a package makes its rebuilt deb an upgrade,
        and the same sources give the same version.  A package whose
        inputs changed (its key is not the one of its latest cached deb)
        without a newer source file (an older checkout, another option)
        gets the second after the deb it replaces: apt must see an upgrade.

        :param keys: {name: (CacheKey, newest source time)} of the plan
        :param published: {deb name: version} of the output folder
        :param last_keys: {name: the full key of its latest cached deb}
        """
        suffixes = {}
        for planned in self.packages:
            if self.version_suffix == 'none':
                suffixes[planned.name] = ''
                continue
            newest = max(
                keys[name][1] for name in (
                    planned.name, *planned.all_workspace_dependencies)
                if name in keys)
            before = suffix_time(published.get(planned.deb_name, ''))
            changed = last_keys.get(planned.name) != \
                keys[planned.name][0].full
            if before is not None and before >= newest and changed:
                newest = before + 1
            suffixes[planned.name] = time_suffix(newest)
        return suffixes


def make_plan(decorators, *, ros_distro, prefix, revision, with_tests,
              selected_only=True, version_suffix='source-time',
              dbgsym=True):
    """
    Create the plan from colcon's decorators (in topological order).

    :param dbgsym: whether the debs of debug symbols are published
    """
    context = condition_context(ros_distro)
    workspace_deb_names = _workspace_deb_names(
        decorators, ros_distro, dbgsym=dbgsym)
    levels = {}
    packages = []
    for decorator in decorators:
        if selected_only and not decorator.selected:
            continue
        descriptor = decorator.descriptor
        package = read_package_xml(descriptor)
        # plain names: colcon's are DependencyDescriptors, with metadata
        # that every copy of a key's dependencies would copy too
        dependencies = [
            str(name) for name in decorator.recursive_dependencies
            if name in levels]
        level = 1 + max((levels[n] for n in dependencies), default=-1)
        levels[descriptor.name] = level
        planned = PlannedPackage(
            descriptor=descriptor, package=package,
            deb_name=workspace_deb_names[descriptor.name], level=level,
            workspace_dependencies=sorted(dependencies),
            all_workspace_dependencies=sorted(
                str(n) for n in decorator.recursive_dependencies
                if n in workspace_deb_names),
            build_depends=build_dependencies(
                package, context, with_tests=with_tests),
            run_depends=runtime_dependencies(package, context),
            conflicts=conflicts(package, context),
            replaces=replaces(package, context))
        try:
            planned.copyright_text = copyright_file(package, descriptor.path)
        except ValueError as e:
            raise PlanError(f"package '{descriptor.name}': {e}") from None
        check_debian_rules(
            planned, revision=revision, version_suffix=version_suffix)
        packages.append(planned)
    return Plan(
        ros_distro=ros_distro, ros_version=context['ROS_VERSION'],
        prefix=prefix, revision=revision, packages=packages,
        version_suffix=version_suffix, dbgsym=dbgsym,
        workspace_deb_names=workspace_deb_names)


def _workspace_deb_names(decorators, ros_distro, *, dbgsym=True):
    """
    Return the deb name of every workspace package.

    Two packages whose names differ only in `_` and `-` would become one
    deb, and one of them would be lost: that stops the run.  So does a
    package whose deb would have the name of another one's debug symbols
    (`my_pkg_dbgsym`), unless those are not published.
    """
    names, owners = {}, {}
    for decorator in decorators:
        name = decorator.descriptor.name
        deb = _deb_name(ros_distro, name)
        if deb in owners:
            raise PlanError(
                f"packages '{owners[deb]}' and '{name}' would both become "
                f"the deb '{deb}': rename one of them")
        names[name], owners[deb] = deb, name
    for name, deb in names.items():
        if dbgsym and dbgsym_name(deb) in owners:
            raise PlanError(
                f"package '{owners[dbgsym_name(deb)]}' would become the deb "
                f"'{dbgsym_name(deb)}' of the debug symbols of '{name}': "
                'rename it, or pass --no-dbgsym')
    return names


def _deb_name(ros_distro, name):
    """Return the deb name of a package; an invalid one names the package."""
    try:
        return deb_name(ros_distro, name)
    except ValueError as e:
        raise PlanError(f"package '{name}': {e}") from None


def read_package_xml(descriptor):
    """Parse package.xml; a broken one is an error naming the package."""
    path = Path(descriptor.path) / 'package.xml'
    try:
        return parse_package(str(path))
    except (InvalidPackage, OSError, ValueError) as e:
        # catkin_pkg lists the problems below a header line naming the file
        lines = [
            line.strip(' -') for line in str(e).splitlines()
            if line.strip() and not line.startswith('Error(s) in')]
        raise PlanError(
            f"package '{descriptor.name}': cannot read {path}: "
            f"{'; '.join(lines) or repr(e)}") from None


def check_conditions(package, descriptor, ros_distro):
    """
    Evaluate the `condition` attributes of a package.xml.

    colcon-ros cannot identify a package whose condition does not parse:
    its folder then looks like a plain CMake package, and the condition is
    the cause to name.
    """
    try:
        package.evaluate_conditions(condition_context(ros_distro))
    except ValueError as e:
        raise PlanError(f"package '{descriptor.name}': {e}") from None


def check_debian_rules(planned, *, revision=0, version_suffix='source-time'):
    """
    Check the deb name, version and file name before any container starts.

    The target's codename and the time a version ends with are not known
    yet: the longest they can be stand in for them.
    """
    suffix = time_suffix(0) if version_suffix != 'none' else ''
    try:
        check_deb_name(planned.deb_name)
        version = deb_version(
            planned.package.version, LONGEST_CODENAME, revision, suffix)
        # the longer one of its debs
        check_deb_file_name(planned.dbgsym_name, version)
    except ValueError as e:
        raise PlanError(f"package '{planned.name}': {e}") from None


def guess_codename(base_image):
    """
    Guess the codename of a base image for a dry run, which starts nothing.

    A real run reads it from the builder image instead.
    """
    name, _, tag = base_image.rpartition('/')[2].partition(':')
    if name in ('debian', 'ubuntu') and tag.isalpha():
        return tag
    if name == 'ros':
        return ROS_DISTRO_CODENAMES.get(
            tag.split('-')[0], UNKNOWN_CODENAME)
    return UNKNOWN_CODENAME


def format_plan(plan, codename, cache_states=None):
    """Return the lines `--dry-run` prints; cache states when known."""
    levels = 1 + max((p.level for p in plan.packages), default=-1)
    lines = [
        f'{plural(len(plan.packages), "package")} in '
        f'{plural(levels, "level")}, '
        f'ROS distro {plan.ros_distro}, prefix {plan.prefix}:']
    width = max((len(p.name) for p in plan.packages), default=0)
    for planned in plan.packages:
        depends = ', '.join(planned.workspace_dependencies) or '-'
        debug = f' (+ {planned.dbgsym_name})' if plan.dbgsym else ''
        line = (
            f'  level {planned.level}  {planned.name:<{width}}  '
            f'{planned.deb_name} {shown_version(plan, planned, codename)}'
            f'{debug}  depends on: {depends}')
        if cache_states is not None:
            line += f'  cache {cache_states[planned.name]}'
        lines.append(line)
    if plan.dbgsym and plan.packages:
        lines.append(
            '(+ ...-dbgsym: the deb of its debug symbols, made when it has '
            'binaries)')
    if cache_states is None:
        lines.append('(cache state unknown: Docker cannot be reached)')
    return lines


def shown_version(plan, planned, codename):
    """Return the version a dry run shows; an unknown codename stays so."""
    if codename == UNKNOWN_CODENAME:
        return f'{planned.package.version}-{plan.revision}{codename}'
    return plan.version(planned, codename)


def plural(count, noun):
    """Say how many of something there are, in English."""
    return f'{count} {noun}' + ('' if count == 1 else 's')

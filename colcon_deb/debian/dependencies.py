# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The dependencies of a package.xml as Debian relations."""

from catkin_pkg.condition import evaluate_condition
from catkin_pkg.package import Dependency
from debian.debian_support import version_compare

ROS1_DISTROS = frozenset({
    'boxturtle', 'cturtle', 'diamondback', 'electric', 'fuerte', 'groovy',
    'hydro', 'indigo', 'jade', 'kinetic', 'lunar', 'melodic', 'noetic',
})

_RUNTIME_KINDS = (
    'exec_depends', 'build_export_depends', 'buildtool_export_depends')
_BUILD_KINDS = ('build_depends', 'buildtool_depends')
_VERSION_ATTRS = (
    'version_eq', 'version_gte', 'version_gt', 'version_lte', 'version_lt')
# Operators for a constraint that already names a Debian revision or epoch.
_OPERATORS = {
    'version_lt': '<<', 'version_lte': '<=', 'version_eq': '=',
    'version_gte': '>=', 'version_gt': '>>',
}
# Sorts after every Debian revision that starts with a digit (the
# non-digit prefix '.' beats the empty one), so `V-.` is above every
# `V-<revision>` and below every version with an upstream part above V.
_ABOVE_ALL_REVISIONS = '.'


def condition_context(ros_distro: str) -> dict:
    """
    Return the variables package.xml `condition` attributes may use.

    These are the values rosdep and bloom use for the target distro.
    """
    return {
        'ROS_DISTRO': ros_distro,
        'ROS_VERSION': '1' if ros_distro in ROS1_DISTROS else '2',
        'ROS_PYTHON_VERSION': '3',
    }


def runtime_dependencies(pkg, context: dict) -> list:
    """
    Return what the installed package needs: its Debian `Depends`.

    exec, build_export and buildtool_export dependencies whose condition
    holds in `context`; a name listed twice comes once, at its first place,
    with the constraints of all its listings.

    :returns: new :class:`catkin_pkg.package.Dependency` objects, so the
      caller's package is left as it was
    :raises ValueError: if a condition does not parse or two listings of
      a name require different exact versions
    """
    return _select(pkg, _RUNTIME_KINDS, context)


def build_dependencies(pkg, context: dict, with_tests: bool = False) -> list:
    """
    Return what building the package needs (`Build-Depends`).

    build and buildtool dependencies, plus test dependencies when the
    tests are built; otherwise as :func:`runtime_dependencies`.
    """
    kinds = _BUILD_KINDS + (('test_depends',) if with_tests else ())
    return _select(pkg, kinds, context)


def conflicts(pkg, context: dict) -> list:
    """Return the `<conflict>` entries whose condition holds: Conflicts."""
    return _select(pkg, ('conflicts',), context)


def replaces(pkg, context: dict) -> list:
    """Return the `<replace>` entries whose condition holds: Replaces."""
    return _select(pkg, ('replaces',), context)


def relation(dependency, deb_names: list) -> str:
    """
    Return the Debian relation for a dependency resolved to `deb_names`.

    Several names are all required and listed plainly: a key resolved to
    several debs is a system dependency whose package.xml versions do not
    describe the debs. An empty list (a key needing no deb) gives ''.

    package.xml constraints compare the upstream version, while a deb
    version has a revision appended (`1.2.0-0bookworm` is above `1.2.0`),
    so on a single name they are rendered as follows (V is the
    constraint's version):

    - `version_gte` -> `(>= V)`, `version_lt` -> `(<< V)`: right as they
      are, since V-<revision> >= V.
    - `version_lte` -> `(<= V-.)`, `version_gt` -> `(>> V-.)`,
      `version_eq` -> `(>= V), (<= V-.)`: the revision `.` sorts after
      every revision that starts with a digit, so these match exactly the
      debs whose upstream part is <= V, > V or = V.

    This is exact for every deb whose revision starts with a digit (the
    revisions this project makes, `0bookworm`, and Debian's conventional
    ones), except a revision like `0~ppa1`, which dpkg sorts below the
    bare V, so `>= V` misses it, as it would in a hand-written control
    file. A constraint whose version has an epoch or a revision is a
    Debian version already and is passed through with the plain operator.
    """
    if len(deb_names) != 1:
        return ', '.join(deb_names)
    name = deb_names[0]
    constraints = []
    for attr in _VERSION_ATTRS:
        version = getattr(dependency, attr)
        if version is not None:
            constraints += _debian_constraints(attr, version)
    return ', '.join(
        f'{name} ({operator} {version})'
        for operator, version in constraints) or name


def _debian_constraints(attr, version):
    """Turn one upstream constraint into (operator, Debian version)s."""
    if ':' in version or '-' in version:
        return [(_OPERATORS[attr], version)]
    above = f'{version}-{_ABOVE_ALL_REVISIONS}'
    return {
        'version_lt': [('<<', version)],
        'version_lte': [('<=', above)],
        'version_eq': [('>=', version), ('<=', above)],
        'version_gte': [('>=', version)],
        'version_gt': [('>>', above)],
    }[attr]


def _select(pkg, kinds, context):
    """Collect the dependencies of `kinds` whose condition holds."""
    selected = {}
    for kind in kinds:
        for dependency in getattr(pkg, kind):
            # evaluate_condition() of catkin_pkg itself, not the method
            # of Dependency, which would record the result in the caller's
            # package.
            if not evaluate_condition(dependency.condition, context):
                continue
            if dependency.name in selected:
                _merge(selected[dependency.name], dependency)
            else:
                selected[dependency.name] = _copy(dependency)
    return list(selected.values())


def _copy(dependency):
    """Copy a dependency whose condition is known to hold."""
    copy = Dependency(dependency.name, condition=dependency.condition, **{
        attr: getattr(dependency, attr) for attr in _VERSION_ATTRS})
    copy.evaluated_condition = True
    return copy


def _merge(merged, other):
    """Add the constraints of `other` to `merged`, keeping the stricter."""
    for attr in _VERSION_ATTRS:
        mine, theirs = getattr(merged, attr), getattr(other, attr)
        if theirs is None or mine == theirs:
            continue
        if mine is None:
            setattr(merged, attr, theirs)
        elif attr == 'version_eq':
            raise ValueError(
                f"'{merged.name}' is required in version {mine} and in "
                f'version {theirs}')
        else:
            setattr(merged, attr, _stricter(attr, mine, theirs))


def _stricter(attr, first, second):
    """Of two bounds of the same kind, return the one that excludes more."""
    first_is_higher = version_compare(first, second) > 0
    wants_higher = attr in ('version_gte', 'version_gt')
    return first if first_is_higher == wants_higher else second

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

import shutil
import subprocess

from catkin_pkg.package import Dependency
from catkin_pkg.package import parse_package_string
from colcon_deb.debian.dependencies import build_dependencies
from colcon_deb.debian.dependencies import condition_context
from colcon_deb.debian.dependencies import relation
from colcon_deb.debian.dependencies import runtime_dependencies
from debian.deb822 import PkgRelation
import pytest

DPKG_OPERATORS = {'<<': 'lt', '<=': 'le', '=': 'eq', '>=': 'ge', '>>': 'gt'}
UPSTREAM_OPERATORS = {
    'version_lt': 'lt', 'version_lte': 'le', 'version_eq': 'eq',
    'version_gte': 'ge', 'version_gt': 'gt',
}
# Deb versions around 1.2.0, with the revisions this project and Debian
# make; the upstream part decides whether a constraint on 1.2.0 holds.
CANDIDATES = [
    '1.1.9-0bookworm', '1.2.0~rc1-0bookworm', '1.2.0-0', '1.2.0-0bookworm',
    '1.2.0-1jammy.20240101.120000', '1.2.0-99', '1.2.0-1+b1',
    '1.2.0-1ubuntu2', '1.2.0+git1-0bookworm', '1.2.0a-0bookworm',
    '1.2.0.1-0bookworm', '1.2.1-0bookworm', '1.10.0-0bookworm',
    '2:0.1-1',
]


def package(dependencies, format_=3):
    return parse_package_string(f"""<?xml version="1.0"?>
<package format="{format_}">
  <name>pkg</name>
  <version>1.0.0</version>
  <description>A package.</description>
  <maintainer email="m@example.org">M</maintainer>
  <license>Apache-2.0</license>
  {dependencies}
</package>""")


def names(dependencies):
    return [dependency.name for dependency in dependencies]


@pytest.mark.parametrize('distro, version', [
    ('boxturtle', '1'), ('kinetic', '1'), ('melodic', '1'), ('noetic', '1'),
    ('foxy', '2'), ('humble', '2'), ('jazzy', '2'), ('rolling', '2'),
    ('some-future-distro', '2'),
])
def test_condition_context(distro, version):
    assert condition_context(distro) == {
        'ROS_DISTRO': distro, 'ROS_VERSION': version,
        'ROS_PYTHON_VERSION': '3'}


def test_runtime_dependencies_kinds_and_order():
    pkg = package("""
        <build_depend>only_build</build_depend>
        <exec_depend>exec</exec_depend>
        <build_export_depend>export</build_export_depend>
        <buildtool_export_depend>tool_export</buildtool_export_depend>
        <buildtool_depend>only_tool</buildtool_depend>
        <test_depend>only_test</test_depend>
        <doc_depend>only_doc</doc_depend>
        <depend>both</depend>""")
    result = runtime_dependencies(pkg, condition_context('humble'))
    assert names(result) == ['exec', 'both', 'export', 'tool_export']


def test_run_depend_of_format_1_is_runtime():
    pkg = package('<run_depend>old</run_depend>', format_=1)
    assert names(runtime_dependencies(pkg, condition_context('noetic'))) == [
        'old']


def test_build_dependencies_with_and_without_tests():
    pkg = package("""
        <buildtool_depend>ament_cmake</buildtool_depend>
        <build_depend>rclcpp</build_depend>
        <exec_depend>only_exec</exec_depend>
        <test_depend>ament_lint_auto</test_depend>
        <test_depend>rclcpp</test_depend>
        <depend>both</depend>""")
    context = condition_context('humble')
    assert names(build_dependencies(pkg, context)) == [
        'rclcpp', 'both', 'ament_cmake']
    assert names(build_dependencies(pkg, context, with_tests=True)) == [
        'rclcpp', 'both', 'ament_cmake', 'ament_lint_auto']


@pytest.mark.parametrize('distro, expected', [
    ('noetic', ['any', 'ros1', 'noetic_only', 'not_humble']),
    ('melodic', ['any', 'ros1', 'not_humble']),
    ('humble', ['any', 'ros2']),
    ('jazzy', ['any', 'ros2', 'not_humble']),
])
def test_conditions(distro, expected):
    pkg = package("""
        <exec_depend>any</exec_depend>
        <exec_depend condition="$ROS_VERSION == 1">ros1</exec_depend>
        <exec_depend condition="$ROS_VERSION == 2">ros2</exec_depend>
        <exec_depend condition="$ROS_DISTRO == noetic">noetic_only
        </exec_depend>
        <exec_depend condition="$ROS_DISTRO != humble">not_humble</exec_depend>
        <exec_depend condition="$ROS_PYTHON_VERSION == 2">py2</exec_depend>
        """)
    context = condition_context(distro)
    assert names(runtime_dependencies(pkg, context)) == expected
    assert names(build_dependencies(package(
        '<build_depend condition="$ROS_VERSION == 2">b</build_depend>'),
        context)) == (['b'] if 'ros2' in expected else [])


def test_bad_condition_raises():
    pkg = package('<exec_depend condition="$ROS_VERSION ==">x</exec_depend>')
    with pytest.raises(ValueError):
        runtime_dependencies(pkg, condition_context('humble'))


def test_caller_package_is_not_changed():
    pkg = package("""
        <exec_depend condition="$ROS_VERSION == 2" version_gte="1.0">a
        </exec_depend>
        <build_export_depend version_lt="2.0">a</build_export_depend>""")
    result = runtime_dependencies(pkg, condition_context('humble'))
    assert result[0].version_lt == '2.0'
    assert pkg.exec_depends[0].evaluated_condition is None
    assert pkg.exec_depends[0].version_lt is None
    assert result[0] is not pkg.exec_depends[0]
    assert result[0].evaluated_condition is True


def test_duplicates_keep_first_place_and_merge_constraints():
    pkg = package("""
        <exec_depend version_gte="1.0">a</exec_depend>
        <exec_depend>b</exec_depend>
        <build_export_depend version_lt="2.0">a</build_export_depend>
        <buildtool_export_depend version_gte="1.5">a</buildtool_export_depend>
        <buildtool_export_depend version_lte="3.0">b</buildtool_export_depend>
        <buildtool_export_depend version_lte="2.5">b</buildtool_export_depend>
        """)
    a, b = runtime_dependencies(pkg, condition_context('humble'))
    assert (a.name, a.version_gte, a.version_lt) == ('a', '1.5', '2.0')
    assert (b.name, b.version_lte) == ('b', '2.5')


def test_duplicates_with_other_exact_versions_raise():
    pkg = package("""
        <exec_depend version_eq="1.0.0">a</exec_depend>
        <build_export_depend version_eq="1.0.1">a</build_export_depend>""")
    with pytest.raises(ValueError, match="'a' is required in version"):
        runtime_dependencies(pkg, condition_context('humble'))


def test_relation_without_constraints():
    assert relation(Dependency('foo'), ['ros-humble-foo']) == 'ros-humble-foo'


def test_relation_of_several_names_lists_them_plainly():
    dependency = Dependency('boost', version_gte='1.0')
    assert relation(dependency, ['libboost-dev', 'libboost-python-dev']) == (
        'libboost-dev, libboost-python-dev')


def test_relation_of_no_names_is_empty():
    assert relation(Dependency('nothing'), []) == ''


@pytest.mark.parametrize('attr, expected', [
    ('version_lt', 'foo (<< 1.2.0)'),
    ('version_lte', 'foo (<= 1.2.0-.)'),
    ('version_eq', 'foo (>= 1.2.0), foo (<= 1.2.0-.)'),
    ('version_gte', 'foo (>= 1.2.0)'),
    ('version_gt', 'foo (>> 1.2.0-.)'),
])
def test_relation_operators(attr, expected):
    assert relation(Dependency('foo', **{attr: '1.2.0'}), ['foo']) == expected


def test_relation_with_several_constraints():
    dependency = Dependency('foo', version_gte='1.0', version_lt='2.0')
    assert relation(dependency, ['foo']) == 'foo (>= 1.0), foo (<< 2.0)'


@pytest.mark.parametrize('attr, operator', [
    ('version_lt', '<<'), ('version_lte', '<='), ('version_eq', '='),
    ('version_gte', '>='), ('version_gt', '>>'),
])
def test_relation_passes_debian_versions_through(attr, operator):
    dependency = Dependency('foo', **{attr: '1:1.2.0-3'})
    assert relation(dependency, ['foo']) == f'foo ({operator} 1:1.2.0-3)'


def test_relations_parse_as_debian_relations():
    dependency = Dependency('foo', version_eq='1.2.0')
    parsed = PkgRelation.parse_relations(relation(dependency, ['foo']))
    assert [[(alt['name'], alt['version']) for alt in group]
            for group in parsed] == [
        [('foo', ('>=', '1.2.0'))], [('foo', ('<=', '1.2.0-.'))]]


def dpkg_compare(left, operator, right):
    return subprocess.run(
        ['dpkg', '--compare-versions', left, operator, right]
    ).returncode == 0


def satisfies(deb_version, relations):
    """Tell if a version satisfies every clause of a Depends string."""
    return all(
        dpkg_compare(
            deb_version, DPKG_OPERATORS[group[0]['version'][0]],
            group[0]['version'][1])
        for group in PkgRelation.parse_relations(relations))


@pytest.mark.skipif(not shutil.which('dpkg'), reason='needs dpkg')
@pytest.mark.parametrize('attr', sorted(UPSTREAM_OPERATORS))
def test_relation_matches_upstream_semantics_in_dpkg(attr):
    rendered = relation(Dependency('foo', **{attr: '1.2.0'}), ['foo'])
    for candidate in CANDIDATES:
        # The version without its revision is what package.xml means.
        without_revision = candidate.rsplit('-', 1)[0]
        wanted = dpkg_compare(
            without_revision, UPSTREAM_OPERATORS[attr], '1.2.0')
        assert satisfies(candidate, rendered) == wanted, (
            f'{candidate} against {rendered}')

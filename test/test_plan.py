# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The plan of a run, made from fake colcon decorators and real package.xml.

The other host-side tests make their plans with `write_package` and
`decorator` from here.
"""

from types import SimpleNamespace

from colcon_deb.cache import CacheKey
from colcon_deb.debian.names import NAME_MAX
from colcon_deb.debian.names import time_suffix
from colcon_deb.plan import check_debian_rules
from colcon_deb.plan import format_plan
from colcon_deb.plan import guess_codename
from colcon_deb.plan import make_plan
from colcon_deb.plan import PlanError
from colcon_deb.plan import PlannedPackage
from colcon_deb.plan import plural
import pytest

PACKAGE_XML = """<?xml version="1.0"?>
<package format="3">
  <name>{name}</name>
  <version>{version}</version>
  <description>The test package {name}.</description>
  <maintainer email="dev@example.org">Dev Example</maintainer>
  <license>Apache-2.0</license>
{depends}</package>
"""


def write_package(root, name, *depends, version='1.0.0', tag='depend',
                  extra=''):
    """Write `<root>/<name>/package.xml`; return the package's folder."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    lines = ''.join(f'  <{tag}>{d}</{tag}>\n' for d in depends) + extra
    (folder / 'package.xml').write_text(PACKAGE_XML.format(
        name=name, version=version, depends=lines))
    return folder


def decorator(folder, *dependencies, name=None, build_type='ros.cmake',
              selected=True):
    """Return a colcon package decorator, as far as the plan reads one."""
    return SimpleNamespace(
        descriptor=SimpleNamespace(
            name=name or folder.name, type=build_type, path=folder,
            metadata={}),
        selected=selected, recursive_dependencies=set(dependencies))


def plan_of(decorators, *, ros_distro='humble', revision=0,
            with_tests=False, selected_only=True, dbgsym=True):
    return make_plan(
        decorators, ros_distro=ros_distro, prefix=f'/opt/ros/{ros_distro}',
        revision=revision, with_tests=with_tests,
        selected_only=selected_only, dbgsym=dbgsym)


@pytest.fixture
def diamond(tmp_path):
    """Return core <- headers, plain <- cli, and lone, in build order."""
    return [
        decorator(write_package(tmp_path, 'core', 'zlib', version='1.2.0')),
        decorator(write_package(tmp_path, 'headers', 'core'), 'core'),
        decorator(write_package(tmp_path, 'plain', 'core'), 'core'),
        decorator(
            write_package(tmp_path, 'cli', 'headers', 'plain', 'boost'),
            'headers', 'plain', 'core'),
        decorator(write_package(tmp_path, 'lone')),
    ]


def test_levels_order_and_dependencies(diamond):
    plan = plan_of(diamond)
    assert [p.name for p in plan.packages] == [
        'core', 'headers', 'plain', 'cli', 'lone']
    assert {p.name: p.level for p in plan.packages} == {
        'core': 0, 'headers': 1, 'plain': 1, 'cli': 2, 'lone': 0}
    cli = plan.packages[3]
    assert cli.workspace_dependencies == ['core', 'headers', 'plain']
    assert cli.all_workspace_dependencies == ['core', 'headers', 'plain']
    assert cli.deb_name == 'ros-humble-cli'
    assert cli.build_type == 'ros.cmake'
    assert cli.path == diamond[3].descriptor.path
    assert [d.name for d in cli.build_depends] == [
        'headers', 'plain', 'boost']
    assert [d.name for d in cli.run_depends] == [
        'headers', 'plain', 'boost']
    assert plan.ros_version == '2'
    assert plan.prefix == '/opt/ros/humble'
    assert plan.workspace_deb_names['core'] == 'ros-humble-core'


def test_system_keys_leave_out_workspace_packages(diamond):
    assert plan_of(diamond).system_keys() == ['boost', 'zlib']


def test_unselected_packages(diamond):
    diamond[0].selected = False
    plan = plan_of(diamond)
    assert [p.name for p in plan.packages] == [
        'headers', 'plain', 'cli', 'lone']
    # an unselected dependency takes no level and is no build dependency
    # of the run, but the deb still depends on it
    assert {p.name: p.level for p in plan.packages} == {
        'headers': 0, 'plain': 0, 'cli': 1, 'lone': 0}
    headers = plan.packages[0]
    assert headers.workspace_dependencies == []
    assert headers.all_workspace_dependencies == ['core']
    # it still counts as a workspace package
    assert 'core' in plan.workspace_deb_names
    assert 'core' not in plan.system_keys()


def test_unselected_packages_kept_when_asked(diamond):
    diamond[0].selected = False
    plan = plan_of(diamond, selected_only=False)
    assert [p.name for p in plan.packages][0] == 'core'
    assert plan.packages[1].workspace_dependencies == ['core']


def test_test_dependencies_only_with_tests(tmp_path):
    folder = write_package(tmp_path, 'pkg', 'catch2', tag='test_depend')
    without = plan_of([decorator(folder)]).packages[0]
    with_tests = plan_of([decorator(folder)], with_tests=True).packages[0]
    assert without.build_depends == []
    assert [d.name for d in with_tests.build_depends] == ['catch2']
    assert with_tests.run_depends == []


def test_conditions_are_evaluated_for_the_target_distro(tmp_path):
    folder = write_package(tmp_path, 'pkg', extra=(
        '  <depend condition="$ROS_VERSION == 1">roscpp</depend>\n'
        '  <depend condition="$ROS_VERSION == 2">rclcpp</depend>\n'))
    ros2 = plan_of([decorator(folder)], ros_distro='jazzy')
    ros1 = plan_of([decorator(folder)], ros_distro='noetic')
    assert ros2.ros_version == '2'
    assert ros1.ros_version == '1'
    assert ros2.system_keys() == ['rclcpp']
    assert ros1.system_keys() == ['roscpp']
    assert ros1.packages[0].deb_name == 'ros-noetic-pkg'


def test_version_of_a_planned_package(diamond):
    plan = plan_of(diamond, revision=3)
    assert plan.version(plan.packages[0], 'jammy') == '1.2.0-3jammy'
    assert plan.version(plan.packages[1], 'noble') == '1.0.0-3noble'


def test_deb_name_of_underscores(tmp_path):
    folder = write_package(tmp_path, 'my_pkg')
    assert plan_of([decorator(folder)]).packages[0].deb_name == \
        'ros-humble-my-pkg'


def test_broken_package_xml_names_the_package(tmp_path):
    folder = write_package(tmp_path, 'broken', version='1.2')
    with pytest.raises(PlanError) as e:
        plan_of([decorator(folder)])
    message = str(e.value)
    assert message.startswith("package 'broken': cannot read ")
    assert str(folder / 'package.xml') in message
    assert 'version' in message
    assert '\n' not in message


def test_unparsable_package_xml(tmp_path):
    folder = tmp_path / 'garbage'
    folder.mkdir()
    (folder / 'package.xml').write_text('<package><name>garbage</name>')
    with pytest.raises(PlanError, match="^package 'garbage': cannot read"):
        plan_of([decorator(folder)])


def test_missing_package_xml(tmp_path):
    folder = tmp_path / 'missing'
    folder.mkdir()
    with pytest.raises(PlanError, match="^package 'missing': cannot read"):
        plan_of([decorator(folder)])


def test_broken_unselected_package_is_not_read(tmp_path):
    broken = write_package(tmp_path, 'broken', version='x')
    fine = write_package(tmp_path, 'fine')
    plan = plan_of([decorator(broken, selected=False), decorator(fine)])
    assert [p.name for p in plan.packages] == ['fine']


@pytest.mark.parametrize('deb_name, message', [
    ('ros-humble-Pkg', "contains 'P'"),
    ('-ros-humble-pkg', 'must start with a lowercase letter or digit'),
    ('ros-humble-pkg@2', "contains '@'"),
])
def test_invalid_deb_name_is_a_plan_error(tmp_path, deb_name, message):
    folder = write_package(tmp_path, 'pkg')
    planned = plan_of([decorator(folder)]).packages[0]
    check_debian_rules(planned)
    bad = PlannedPackage(
        descriptor=planned.descriptor, package=planned.package,
        deb_name=deb_name, level=0, workspace_dependencies=[])
    with pytest.raises(PlanError, match=f"^package 'pkg': .*{message}"):
        check_debian_rules(bad)


def test_invalid_deb_version_is_a_plan_error(tmp_path):
    folder = write_package(tmp_path, 'pkg')
    planned = plan_of([decorator(folder)]).packages[0]
    planned.package.version = 'one'
    with pytest.raises(PlanError, match="^package 'pkg': .*start with a"):
        check_debian_rules(planned)


def test_make_plan_invalid_deb_name_is_a_plan_error(tmp_path):
    folder = write_package(tmp_path, 'pkg')
    with pytest.raises(PlanError, match="package 'pkg@2'"):
        plan_of([decorator(folder, name='pkg@2')])


# the longest package name whose debs' file names fit, the longer one being
# ros-humble-<name>-dbgsym_1.0.0-0<8 letters>.YYYYMMDD.HHMMSS_<10 letters>.deb
LONGEST_NAME = 'p' * (NAME_MAX - 65)


def test_a_deb_file_name_too_long_is_a_plan_error(tmp_path):
    longest = LONGEST_NAME
    plan_of([decorator(write_package(tmp_path, longest))])
    with pytest.raises(PlanError, match=(
            f"^package '{longest}p': its deb file name would be up to "
            f'{NAME_MAX + 1} bytes long')):
        plan_of([decorator(write_package(tmp_path, longest + 'p'))])
    # without the time at the end of the version, 16 bytes fit more
    make_plan(
        [decorator(write_package(tmp_path, longest + 'p' * 16))],
        ros_distro='humble', prefix='/opt/ros/humble', revision=0,
        with_tests=False, version_suffix='none')


def test_the_version_of_the_target_codename_is_checked(tmp_path):
    """An image's codename may be longer than the plan thought."""
    longest = LONGEST_NAME
    plan = plan_of([decorator(write_package(tmp_path, longest))])
    planned = plan.packages[0]
    assert plan.version(planned, 'bookworm', time_suffix(0)) == \
        '1.0.0-0bookworm.19700101.000000'
    with pytest.raises(PlanError, match=(
            f"^package '{longest}': its deb file name would be up to")):
        plan.version(planned, 'bookworms', time_suffix(0))
    with pytest.raises(PlanError, match=(
            f"^package '{longest}': Debian revision .* contains '_'")):
        plan.version(planned, 'my_codename')


@pytest.mark.parametrize('base_image, codename', [
    ('ubuntu:jammy', 'jammy'),
    ('debian:bookworm', 'bookworm'),
    ('docker.io/library/debian:bookworm', 'bookworm'),
    ('registry:5000/ubuntu:noble', 'noble'),
    ('ubuntu:22.04', '<codename>'),
    ('ubuntu', '<codename>'),
    ('ros:humble-ros-base', 'jammy'),
    ('ros:noetic', 'focal'),
    ('docker.io/library/ros:jazzy-desktop', 'noble'),
    ('ros:ardent', '<codename>'),
    ('my-image:latest', '<codename>'),
])
def test_guess_codename(base_image, codename):
    assert guess_codename(base_image) == codename


def test_format_plan_without_cache_states(diamond):
    lines = format_plan(plan_of(diamond), 'jammy')
    assert lines[0] == (
        '5 packages in 3 levels, ROS distro humble, prefix /opt/ros/humble:')
    assert lines[1] == (
        '  level 0  core     ros-humble-core 1.2.0-0jammy '
        '(+ ros-humble-core-dbgsym)  depends on: -')
    assert lines[4] == (
        '  level 2  cli      ros-humble-cli 1.0.0-0jammy '
        '(+ ros-humble-cli-dbgsym)  depends on: core, headers, plain')
    assert len(lines) == 8
    assert lines[-2] == (
        '(+ ...-dbgsym: the deb of its debug symbols, made when it has '
        'binaries)')
    assert lines[-1] == '(cache state unknown: Docker cannot be reached)'


def test_format_plan_without_debug_symbols(diamond):
    lines = format_plan(plan_of(diamond, dbgsym=False), 'jammy')
    assert lines[1] == (
        '  level 0  core     ros-humble-core 1.2.0-0jammy  depends on: -')
    assert len(lines) == 7
    assert not any('dbgsym' in line for line in lines)


def test_format_plan_with_cache_states(diamond):
    plan = plan_of(diamond)
    states = {p.name: 'hit' for p in plan.packages}
    states['cli'] = 'miss: source changed'
    lines = format_plan(plan, 'noble', states)
    assert len(lines) == 7
    assert lines[1].endswith(
        '1.2.0-0noble (+ ros-humble-core-dbgsym)  depends on: -  cache hit')
    assert lines[4].endswith('headers, plain  cache miss: source changed')
    assert not any('cache state unknown' in line for line in lines)


def test_format_plan_of_an_unguessable_codename(diamond):
    lines = format_plan(
        plan_of(diamond), guess_codename('my-image:latest'), None)
    assert '1.2.0-0<codename>' in lines[1]


def test_format_plan_of_one_and_of_none(tmp_path):
    plan = plan_of([decorator(write_package(tmp_path, 'pkg'))])
    assert format_plan(plan, 'jammy', {'pkg': 'hit'})[0].startswith(
        '1 package in 1 level,')
    empty = plan_of([])
    assert format_plan(empty, 'jammy', {}) == [
        '0 packages in 0 levels, ROS distro humble, prefix /opt/ros/humble:']


@pytest.mark.parametrize('count, text', [
    (0, '0 debs'), (1, '1 deb'), (2, '2 debs'), (11, '11 debs')])
def test_plural(count, text):
    assert plural(count, 'deb') == text


def test_packages_that_become_the_same_deb_are_refused(tmp_path):
    dash = write_package(tmp_path / 'a', 'my-pkg')
    underscore = write_package(tmp_path / 'b', 'my_pkg')
    with pytest.raises(PlanError) as e:
        plan_of([decorator(dash), decorator(underscore)])
    assert str(e.value) == (
        "packages 'my-pkg' and 'my_pkg' would both become the deb "
        "'ros-humble-my-pkg': rename one of them")


def test_a_package_named_as_debug_symbols_is_refused(tmp_path):
    debs = [
        decorator(write_package(tmp_path / 'a', 'my_pkg_dbgsym')),
        decorator(write_package(tmp_path / 'b', 'my_pkg'))]
    with pytest.raises(PlanError) as e:
        plan_of(debs)
    assert str(e.value) == (
        "package 'my_pkg_dbgsym' would become the deb "
        "'ros-humble-my-pkg-dbgsym' of the debug symbols of 'my_pkg': "
        'rename it, or pass --no-dbgsym')
    # without debug symbols published there is no clash
    plan = plan_of(debs, dbgsym=False)
    assert [p.deb_name for p in plan.packages] == [
        'ros-humble-my-pkg-dbgsym', 'ros-humble-my-pkg']


def test_the_deb_of_the_debug_symbols_is_planned(diamond):
    plan = plan_of(diamond)
    assert plan.dbgsym
    assert plan.packages[0].dbgsym_name == 'ros-humble-core-dbgsym'


def key(name, source='s'):
    return CacheKey(
        package=name, version='1.0.0', source=source, configuration='c',
        resolution='r')


# 2026-11-28 10:00:00 UTC and the versions' suffixes of that time
NOON = 1795860000


def test_versions_end_with_the_newest_source_time_upstream(diamond):
    plan = plan_of(diamond)
    keys = {p.name: (key(p.name), NOON) for p in plan.packages}
    keys['core'] = (key('core'), NOON + 3600)
    suffixes = plan.version_suffixes(keys, {}, {})
    # core was edited an hour later: it and what depends on it move on
    assert suffixes['core'] == '.20261128.110000'
    assert suffixes['cli'] == '.20261128.110000'
    assert suffixes['lone'] == '.20261128.100000'
    version = plan.version(plan.packages[0], 'bookworm', suffixes['core'])
    assert version == '1.2.0-0bookworm.20261128.110000'


def test_a_changed_package_without_newer_sources_still_upgrades(diamond):
    plan = plan_of(diamond)
    keys = {p.name: (key(p.name, 'new'), NOON) for p in plan.packages}
    published = {'ros-humble-lone': '1.0.0-0bookworm.20261128.100000'}
    # lone's inputs changed since its deb: a second later than that deb
    changed = plan.version_suffixes(keys, published, {'lone': 'old'})
    assert changed['lone'] == '.20261128.100001'
    # unchanged: the version it had
    same = plan.version_suffixes(
        keys, published, {'lone': keys['lone'][0].full})
    assert same['lone'] == '.20261128.100000'


def test_no_version_suffix(tmp_path):
    plan = make_plan(
        [decorator(write_package(tmp_path, 'pkg'))], ros_distro='humble',
        prefix='/opt/ros/humble', revision=0, with_tests=False,
        version_suffix='none')
    assert plan.version_suffixes({'pkg': (key('pkg'), NOON)}, {}, {}) == {
        'pkg': ''}

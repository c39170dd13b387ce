# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The messages, exit codes and phases the host and the containers share."""

import json

from colcon_deb.container import contract
from colcon_deb.container.contract import BuildStep
from colcon_deb.container.contract import JobSpec
from colcon_deb.container.contract import PrefixSetup
from colcon_deb.container.contract import PrepareRequest
from colcon_deb.container.contract import PrepareResult
import pytest


def job_spec():
    return JobSpec(
        name='calc_core', deb_name='ros-humble-calc-core',
        prefix='/opt/ros/humble', ros_distro='humble', ros_version='2',
        control='Package: ros-humble-calc-core\n',
        steps=[
            BuildStep(['cmake', '-S', '/src']),
            BuildStep(
                ['make', 'install'], env={'DESTDIR': '/stage'}, cwd='/b'),
        ],
        workspace_debs=['ros-humble-a.deb'],
        source_date_epoch=1_700_000_000)


def prefix_setup():
    return PrefixSetup(
        build=True, existing='ros-humble-ros-workspace',
        deb_name='ros-humble-ros-workspace', prefix='/opt/ros/humble',
        ros_distro='humble', ros_version='2',
        control=f'Architecture: {contract.ARCHITECTURE_PLACEHOLDER}\n')


def test_job_spec_round_trip():
    spec = job_spec()
    text = spec.to_json()
    assert json.loads(text)['steps'][1] == {
        'argv': ['make', 'install'], 'env': {'DESTDIR': '/stage'},
        'cwd': '/b', 'build_flags': False}
    read = JobSpec.from_json(text)
    assert read == spec
    assert all(isinstance(step, BuildStep) for step in read.steps)
    assert read.steps[0].env == {}
    assert read.steps[0].cwd is None


def test_job_spec_defaults():
    spec = JobSpec.from_json(json.dumps({
        'name': 'a', 'deb_name': 'ros-humble-a', 'prefix': '/opt/ros/humble',
        'ros_distro': 'humble', 'ros_version': '2', 'control': '',
        'steps': []}))
    assert spec.workspace_debs == []
    assert spec.source_date_epoch == 0
    # no compiler cache unless the job says so
    assert not spec.ccache


def test_prepare_request_round_trip():
    request = PrepareRequest(
        rosdep_command='rosdep', ros_distro='humble',
        keys=['zlib', 'python3-yaml'], prefix_setup=prefix_setup())
    read = PrepareRequest.from_json(request.to_json())
    assert read == request
    assert isinstance(read.prefix_setup, PrefixSetup)


def test_prepare_result_round_trip():
    result = PrepareResult(
        codename='bookworm', architecture='arm64', python_version='3.11',
        installed=['cmake'],
        resolved={'zlib': {'installer': 'apt', 'packages': ['zlib-dev']}},
        unresolved={'boost': 'no rule'}, prefix_setup_available=False,
        prefix_setup_deb='ros-humble-ros-workspace.deb')
    assert PrepareResult.from_json(result.to_json()) == result
    assert PrepareResult.from_json(json.dumps({
        k: v for k, v in json.loads(result.to_json()).items()
        if k != 'prefix_setup_deb'})).prefix_setup_deb is None


@pytest.mark.parametrize('cls, message', [
    (JobSpec, 'JobSpec'), (PrepareRequest, 'PrepareRequest'),
    (PrepareResult, 'PrepareResult'), (BuildStep, 'BuildStep')])
def test_missing_field(cls, message):
    with pytest.raises(ValueError, match=f'^{message}: .*missing'):
        cls.from_json('{}')


def test_missing_field_of_a_nested_message():
    data = json.loads(job_spec().to_json())
    del data['steps'][0]['argv']
    with pytest.raises(ValueError, match='^BuildStep: .*argv'):
        JobSpec.from_dict(data)
    request = json.loads(PrepareRequest(
        rosdep_command='rosdep', ros_distro='humble', keys=[],
        prefix_setup=prefix_setup()).to_json())
    del request['prefix_setup']['deb_name']
    with pytest.raises(ValueError, match='^PrefixSetup: .*deb_name'):
        PrepareRequest.from_dict(request)


def test_unknown_field_lists_the_known_ones():
    data = json.loads(job_spec().to_json())
    data['extra'] = 'blue'
    with pytest.raises(ValueError) as e:
        JobSpec.from_dict(data)
    assert str(e.value).startswith('JobSpec: ')
    assert 'extra' in str(e.value)
    assert '(fields: ccache, ccache_max_size, changelog, control,' in \
        str(e.value)


@pytest.mark.parametrize('text', ['[]', '"spec"', 'null', '3'])
def test_not_an_object(text):
    with pytest.raises(ValueError, match='^JobSpec: not an object$'):
        JobSpec.from_json(text)


def test_not_json():
    with pytest.raises(ValueError):
        PrepareResult.from_json('{codename: bookworm')


@pytest.mark.parametrize('code, retryable', [
    (3, True), (4, False), (5, False), (137, True), (143, True)])
def test_known_exit_codes(code, retryable):
    meaning = contract.exit_code(code)
    assert meaning.code == code
    assert meaning.retryable is retryable
    assert meaning is contract.EXIT_CODES[code]


def test_exit_code_meanings():
    assert contract.exit_code(3) is contract.EXIT_DEPENDENCIES
    assert contract.exit_code(4) is contract.EXIT_BUILD
    assert contract.exit_code(5) is contract.EXIT_PACKAGE
    assert contract.exit_code(137).reason == 'its container was killed'


@pytest.mark.parametrize('code', [1, 2, 42, 255])
def test_unknown_exit_code_is_no_retry(code):
    meaning = contract.exit_code(code)
    assert meaning.code == code
    assert meaning.reason == f'its container exited with code {code}'
    assert meaning.retryable is False


def test_announced_phase():
    for phase in contract.PACKAGE_PHASES:
        line = contract.phase_line(phase) + '\n'
        assert contract.announced_phase(line.encode()) == phase
    assert contract.announced_phase(
        b'@colcon-deb phase=build\r\n') == 'build'
    assert contract.announced_phase(b'-- Build files written\n') is None
    assert contract.announced_phase(
        b'  @colcon-deb phase=build\n') is None
    assert contract.announced_phase(b'') is None
    # a broken byte or a name that is no phase: output like any other line
    assert contract.announced_phase(
        b'@colcon-deb phase=build' + bytes([255]) + b'\n') is None
    assert contract.announced_phase(b'@colcon-deb phase=anything\n') is None


def test_package_phases_in_order():
    assert contract.PACKAGE_PHASES == (
        'cache check', 'dependencies', 'build', 'package', 'publish')


def test_stage_root():
    assert contract.stage_root('ros-humble-calc-core') == \
        '/tmp/colcon-deb/packaging/debian/ros-humble-calc-core'
    assert contract.stage_root('x').startswith(
        contract.PACKAGING_FOLDER + '/')
    assert job_spec().stage_root == \
        contract.stage_root('ros-humble-calc-core')


@pytest.mark.parametrize('path,folder', [
    ('/opt/ros/humble', True), ('/opt/ros/humble/bin/tool', False),
    ('/etc', True), ('/etc/calc/calc.conf', False),
    # the folders on the way to the prefix, which other debs share
    ('/', True), ('/opt', True), ('/opt/ros', True),
])
def test_what_a_deb_may_install(path, folder):
    assert not contract.is_misplaced(path, '/opt/ros/humble', folder=folder)


@pytest.mark.parametrize('path,folder', [
    ('/usr/bin/tool', False), ('/usr', True), ('/opt/ros/humble2', True),
    ('/opt/ros/humble-tool', False), ('/etc2', False), ('/opt', False),
    ('/DEBIAN', True),
])
def test_what_a_deb_may_not_install(path, folder):
    assert contract.is_misplaced(path, '/opt/ros/humble', folder=folder)


def test_a_deb_has_its_own_doc_folder_only():
    def misplaced(path, folder=False):
        return contract.is_misplaced(
            path, '/opt/ros/humble', folder=folder, deb_name='ros-humble-a')
    for path in (
            '/usr/share/doc/ros-humble-a/copyright',
            '/usr/share/doc/ros-humble-a/changelog.Debian.gz'):
        assert not misplaced(path)
        # a build does not get to write there: its packaging does
        assert contract.is_misplaced(path, '/opt/ros/humble')
    for path in ('/usr', '/usr/share', '/usr/share/doc'):
        assert not misplaced(path, folder=True)
    assert misplaced('/usr/share/doc/ros-humble-b/copyright')
    assert misplaced('/usr/share/doc/ros-humble-a-b/copyright')
    assert misplaced('/usr/share/copyright')


def test_configuration_is_what_is_in_etc():
    assert contract.is_configuration('/etc/calc/calc.conf')
    assert contract.is_configuration('/etc')
    assert not contract.is_configuration('/etc2/calc.conf')
    assert not contract.is_configuration('/opt/ros/humble/etc/calc.conf')

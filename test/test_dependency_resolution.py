# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Resolving a run's rosdep keys in the prepare container of a fake engine."""

from pathlib import Path
import shutil
import subprocess

from colcon_deb.container import contract
from colcon_deb.container.contract import Mount
from colcon_deb.container.contract import PrepareResult
from colcon_deb.dependency_resolution import cached_resolution
from colcon_deb.dependency_resolution import ResolutionError
from colcon_deb.dependency_resolution import resolve
from colcon_deb.dependency_resolution import rule_files
from colcon_deb.dependency_resolution import workspace_rosdep_rules
from colcon_deb.docker.engine import RunResult
from fake_engine import FakeEngine
import pytest
from test_plan import decorator
from test_plan import plan_of
from test_plan import write_package
import yaml

IMAGE = 'colcon-deb-builder:' + '0' * 16


class RecordingEngine(FakeEngine):
    """A fake engine that keeps each container's spec and rule files."""

    def __init__(self, **result):  # noqa: D107
        super().__init__()
        # fields of the PrepareResult that differ from FakeEngine's
        self.result = result
        self.specs = []
        self.rules = []

    def run(self, spec, **kwargs):
        self.specs.append(spec)
        folders = {f.container_path: Path(f.host_path) for f in spec.folders}
        self.rules.append({
            path.name: path.read_bytes()
            for path in sorted(folders[Mount.ROSDEP_RULES].iterdir())})
        result = super().run(spec, **kwargs)
        if self.result:
            out = folders[Mount.OUT] / contract.PREPARE_RESULT_FILE
            written = PrepareResult.from_json(out.read_text())
            out.write_text(PrepareResult.from_dict(
                {**vars(written), **self.result}).to_json())
        return result


@pytest.fixture
def plan(tmp_path):
    src = tmp_path / 'src'
    return plan_of([
        decorator(write_package(src, 'core', 'zlib', 'python3-yaml')),
        decorator(write_package(src, 'app', 'core', 'boost'), 'core'),
    ])


def resolve_with(engine, plan, tmp_path, *, cache=None, sources=()):
    work = tmp_path / 'work'
    work.mkdir(exist_ok=True)
    return resolve(
        engine, IMAGE, plan, rosdep_command='rosdep',
        rosdep_sources=list(sources), work_base=work, labels={'a': 'b'},
        stop=None, on_stdout=lambda _: None, on_stderr=lambda _: None,
        cache=cache)


def test_resolve_runs_the_prepare_container(plan, tmp_path):
    engine = RecordingEngine()
    resolution = resolve_with(engine, plan, tmp_path)
    spec, = engine.specs
    assert spec.image == IMAGE
    assert spec.command == ['python3', contract.PREPARE_SCRIPT]
    assert spec.labels == {'a': 'b'}
    request = contract.PrepareRequest.from_json(
        spec.environment[contract.PREPARE_VARIABLE])
    assert request.keys == ['boost', 'python3-yaml', 'zlib']
    assert request.ros_distro == 'humble'
    assert request.rosdep_command == 'rosdep'
    assert request.prefix_setup.deb_name == 'ros-humble-ros-workspace'
    assert list(engine.rules[0]) == ['00-workspace.yaml']
    assert yaml.safe_load(engine.rules[0]['00-workspace.yaml']) == {
        'app': {'debian': ['ros-humble-app'], 'ubuntu': ['ros-humble-app']},
        'core': {
            'debian': ['ros-humble-core'], 'ubuntu': ['ros-humble-core']},
    }
    assert resolution.codename == 'bookworm'
    assert resolution.architecture == 'amd64'
    assert resolution.python_version == '3.11'
    assert resolution.system_packages == {
        'boost': ['boost'], 'zlib': ['zlib'],
        'python3-yaml': ['python3-yaml']}
    assert resolution.prefix_setup_deb is None
    assert len(resolution.digest) == 64
    # the container's folders are gone
    assert list((tmp_path / 'work').iterdir()) == []


def test_resolution_is_cached(plan, tmp_path):
    cache = tmp_path / 'cache'
    engine = RecordingEngine()
    assert cached_resolution(
        cache, IMAGE, plan, rosdep_command='rosdep',
        rosdep_sources=[]) is None
    first = resolve_with(engine, plan, tmp_path, cache=cache)
    assert (cache / 'resolutions' / first.digest /
            contract.PREPARE_RESULT_FILE).is_file()
    second = resolve_with(engine, plan, tmp_path, cache=cache)
    assert len(engine.specs) == 1
    assert second == first
    assert cached_resolution(
        cache, IMAGE, plan, rosdep_command='rosdep',
        rosdep_sources=[]) == first


def test_other_inputs_are_not_taken_from_the_cache(plan, tmp_path):
    cache = tmp_path / 'cache'
    engine = RecordingEngine()
    first = resolve_with(engine, plan, tmp_path, cache=cache)
    other_image = resolve(
        engine, 'colcon-deb-builder:other', plan, rosdep_command='rosdep',
        rosdep_sources=[], work_base=tmp_path, labels={}, stop=None,
        on_stdout=None, on_stderr=None, cache=cache)
    source = tmp_path / 'rules.yaml'
    source.write_text('zlib: {ubuntu: [zlib2]}\n')
    other_rules = resolve_with(
        engine, plan, tmp_path, cache=cache, sources=[source])
    assert len(engine.specs) == 3
    assert len({first.digest, other_image.digest, other_rules.digest}) == 3
    # a changed rule file is a new digest too
    source.write_text('zlib: {ubuntu: [zlib3]}\n')
    assert cached_resolution(
        cache, IMAGE, plan, rosdep_command='rosdep',
        rosdep_sources=[source]) is None


def test_broken_cache_entry_runs_the_container_again(plan, tmp_path):
    cache = tmp_path / 'cache'
    engine = RecordingEngine()
    first = resolve_with(engine, plan, tmp_path, cache=cache)
    (cache / 'resolutions' / first.digest /
     contract.PREPARE_RESULT_FILE).write_text('{"codename": "sid"}')
    assert resolve_with(engine, plan, tmp_path, cache=cache) == first
    assert len(engine.specs) == 2


def test_unresolved_key_names_package_and_key(plan, tmp_path):
    cache = tmp_path / 'cache'
    engine = RecordingEngine(
        resolved={'zlib': {'installer': 'apt', 'packages': ['zlib']},
                  'python3-yaml': {
                      'installer': 'apt', 'packages': ['python3-yaml']}},
        unresolved={'boost': 'no rule for ubuntu'})
    with pytest.raises(ResolutionError) as e:
        resolve_with(engine, plan, tmp_path, cache=cache)
    message = str(e.value)
    assert message.startswith("package 'app': rosdep key 'boost' does not")
    assert 'rosdep: no rule for ubuntu' in message
    assert '--rosdep-source' in message
    # a key that does not resolve may be fixed: nothing is kept
    assert not list((cache / 'resolutions').glob('*/*.json'))
    with pytest.raises(ResolutionError):
        resolve_with(engine, plan, tmp_path, cache=cache)
    assert len(engine.specs) == 2


def test_a_conflict_rosdep_does_not_know_is_kept_unresolved(tmp_path):
    src = tmp_path / 'src'
    plan = plan_of([decorator(write_package(
        src, 'core', 'zlib', extra='  <conflict>gone</conflict>\n'))])
    assert plan.system_keys() == ['gone', 'zlib']
    cache = tmp_path / 'cache'
    engine = RecordingEngine(
        resolved={'zlib': {'installer': 'apt', 'packages': ['zlib']}},
        unresolved={'gone': 'no rule'})
    first = resolve_with(engine, plan, tmp_path, cache=cache)
    assert first.system_packages == {'zlib': ['zlib']}
    # the findings are kept all the same: the next run starts nothing
    assert resolve_with(engine, plan, tmp_path, cache=cache) == first
    assert len(engine.specs) == 1


def test_key_of_another_installer(plan, tmp_path):
    engine = RecordingEngine(resolved={
        'zlib': {'installer': 'apt', 'packages': ['zlib']},
        'boost': {'installer': 'apt', 'packages': ['boost']},
        'python3-yaml': {'installer': 'pip', 'packages': ['yaml']}})
    with pytest.raises(ResolutionError, match=(
            "^package 'core': rosdep key 'python3-yaml' resolves to a "
            "'pip' package")):
        resolve_with(engine, plan, tmp_path)


class ExitingEngine(FakeEngine):
    """A fake engine whose prepare container ends as the test says."""

    def __init__(self, result):  # noqa: D107
        super().__init__()
        self.result = result

    def run(self, spec, **kwargs):
        return self.result


def test_failing_prepare_container(plan, tmp_path):
    with pytest.raises(ResolutionError, match=r'\(exit code 2\)'):
        resolve_with(ExitingEngine(RunResult(exit_code=2)), plan, tmp_path)


def test_stopped_prepare_container(plan, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        resolve_with(ExitingEngine(RunResult(
            exit_code=137, stopped=True)), plan, tmp_path)


class SetupDebEngine(FakeEngine):
    """
    A fake engine whose prepare container builds the prefix setup deb.

    :param leave: what else it does in its output folder
    """

    def __init__(self, leave=None, control=None):  # noqa: D107
        super().__init__()
        self.leave = leave
        self.control = control

    def _prepare(self, spec, out):
        result = super()._prepare(spec, out)
        request = contract.PrepareRequest.from_json(
            spec.environment[contract.PREPARE_VARIABLE])
        setup = request.prefix_setup
        path = out / contract.PREPARE_RESULT_FILE
        written = PrepareResult.from_json(path.read_text())
        written.prefix_setup_deb = f'{setup.deb_name}.deb'
        path.write_text(written.to_json())
        root = out / 'root'
        (root / 'DEBIAN').mkdir(parents=True)
        (root / 'DEBIAN' / 'control').write_text(self.control or (
            setup.control.replace(contract.ARCHITECTURE_PLACEHOLDER, 'all')
            .replace(contract.CODENAME_PLACEHOLDER, written.codename)))
        subprocess.run(
            ['dpkg-deb', '--root-owner-group', '--build', str(root),
             str(out / written.prefix_setup_deb)],
            check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(root)
        if self.leave:
            self.leave(out)
        return result


def test_prefix_setup_deb_is_cached_and_copied(plan, tmp_path):
    cache = tmp_path / 'cache'
    resolution = resolve_with(SetupDebEngine(), plan, tmp_path, cache=cache)
    name = 'ros-humble-ros-workspace.deb'
    assert resolution.prefix_setup_deb == tmp_path / 'work' / name
    data = resolution.prefix_setup_deb.read_bytes()
    kept = cache / 'resolutions' / resolution.digest / name
    assert kept.read_bytes() == data
    assert cached_resolution(
        cache, IMAGE, plan, rosdep_command='rosdep',
        rosdep_sources=[]).prefix_setup_deb == kept
    # without its deb, the entry is no entry
    kept.unlink()
    assert cached_resolution(
        cache, IMAGE, plan, rosdep_command='rosdep',
        rosdep_sources=[]) is None


@pytest.mark.parametrize('leave, control, message', [
    (lambda out: (out / 'stolen').symlink_to('/etc/shadow'), None,
     'the prepare container left unexpected files in its output folder: '
     "'stolen'"),
    (lambda out: (out / 'libc-bin_99_all.deb').write_bytes(b'x'), None,
     'the prepare container left unexpected files in its output folder: '
     "'libc-bin_99_all.deb'"),
    (lambda out: (out / contract.PREPARE_RESULT_FILE).unlink() or (
        out / contract.PREPARE_RESULT_FILE).symlink_to('/etc/passwd'), None,
     f"the prepare container left '{contract.PREPARE_RESULT_FILE}', which "
     'is not a regular file'),
    (None, 'Package: libc-bin\nVersion: 99\nArchitecture: all\n'
     'Maintainer: x <x@example.org>\nDescription: x\n',
     "its deb 'ros-humble-ros-workspace.deb' says Package libc-bin, "
     'Version 99, Architecture all'),
])
def test_the_prepare_container_s_output_is_checked(
        plan, tmp_path, leave, control, message):
    with pytest.raises(ResolutionError) as raised:
        resolve_with(
            SetupDebEngine(leave, control), plan, tmp_path,
            cache=tmp_path / 'cache')
    assert str(raised.value) == f'resolving the dependencies: {message}'
    assert not (tmp_path / 'cache' / 'resolutions').exists()


def test_workspace_rosdep_rules(plan):
    rules = workspace_rosdep_rules(plan)
    assert list(rules) == ['app', 'core']
    assert rules['core'] == {
        'debian': ['ros-humble-core'], 'ubuntu': ['ros-humble-core']}


def test_rule_files_workspace_first(plan, tmp_path):
    first = tmp_path / 'z.yaml'
    first.write_text('zlib: {ubuntu: [zlib2]}\n')
    second = tmp_path / 'a.yaml'
    second.write_bytes(b'boost: {ubuntu: [boost9]}\n')
    files = rule_files(plan, [first, second])
    assert [name for name, _ in files] == [
        '00-workspace.yaml', '01-source.yaml', '02-source.yaml']
    assert yaml.safe_load(files[0][1]) == workspace_rosdep_rules(plan)
    assert files[1][1] == first.read_bytes()
    assert files[2][1] == b'boost: {ubuntu: [boost9]}\n'
    assert all(isinstance(content, bytes) for _, content in files)

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""What a dry run tells of the cache, with fake engines and no container."""

from types import SimpleNamespace

from colcon_deb.cache import DebCache
from colcon_deb.cache.keys import package_keys
from colcon_deb.cache.states import cache_states
from colcon_deb.dependency_resolution import resolve
from colcon_deb.docker.builder_image import builder_tag
from colcon_deb.task import PackageOptions
from fake_engine import FakeEngine
import pytest
from test_plan import decorator
from test_plan import plan_of
from test_plan import write_package

BASE_IMAGE = 'ros:humble-ros-base'


@pytest.fixture
def plan(tmp_path):
    src = tmp_path / 'src'
    return plan_of([
        decorator(write_package(src, 'core', 'zlib')),
        decorator(write_package(src, 'app', 'core'), 'core'),
    ])


class StartNothingEngine(FakeEngine):
    """A fake engine on which no container may start."""

    def run(self, spec, **kwargs):
        raise AssertionError(f'a container was started: {spec.command}')


@pytest.fixture
def engines(monkeypatch):
    """Give cache_states these engines; record what it asks for."""
    engines = [
        StartNothingEngine(), StartNothingEngine(url='tcp://other:2375')]
    asked = []

    def docker_engines(docker_hosts):
        asked.append(docker_hosts)
        return engines
    monkeypatch.setattr(
        'colcon_deb.cache.states.docker_engines', docker_engines)
    return SimpleNamespace(engines=engines, asked=asked)


def settings(cache='conservative'):
    return SimpleNamespace(
        cache=cache, docker_hosts=('unix:///fake.sock', 'tcp://other:2375'),
        base_image=BASE_IMAGE, rosdep_command='rosdep', rosdep_sources=())


def options(plan):
    return {
        p.name: PackageOptions(run_tests=False, cmake_args=None)
        for p in plan.packages}


def test_no_cache_asks_no_engine(plan, tmp_path, engines):
    states = cache_states(
        plan, settings('none'), options(plan),
        DebCache(tmp_path / 'cache', 'none'))
    assert states == {
        'core': 'miss: --cache none', 'app': 'miss: --cache none'}
    assert engines.asked == []


def test_unreachable_engine_tells_nothing(plan, tmp_path, engines):
    engines.engines[0].gone = True
    assert cache_states(
        plan, settings(), options(plan), DebCache(tmp_path / 'cache')) \
        is None
    assert engines.asked == [('unix:///fake.sock', 'tcp://other:2375')]


def test_unresolved_dependencies(plan, tmp_path, engines):
    states = cache_states(
        plan, settings(), options(plan), DebCache(tmp_path / 'cache'))
    assert states == {
        'core': 'miss: dependencies not resolved yet',
        'app': 'miss: dependencies not resolved yet'}


def resolve_into(cache, plan, tmp_path):
    """Resolve as a run with this cache does; return the image and result."""
    engine = FakeEngine()
    image = builder_tag(BASE_IMAGE, engine.image_id(BASE_IMAGE), 'amd64')
    work = tmp_path / 'work'
    work.mkdir(exist_ok=True)
    resolution = resolve(
        engine, image, plan, rosdep_command='rosdep', rosdep_sources=[],
        work_base=work, labels={}, stop=None, on_stdout=None,
        on_stderr=None, cache=cache.folder)
    return image, resolution


def test_hits_and_misses(plan, tmp_path, engines):
    cache = DebCache(tmp_path / 'cache', architecture='amd64')
    image, resolution = resolve_into(cache, plan, tmp_path)
    assert cache_states(plan, settings(), options(plan), cache) == {
        'core': 'miss: never built', 'app': 'miss: never built'}

    keys = package_keys(
        plan, options(plan), image=image, resolution=resolution,
        cache=cache)
    deb = tmp_path / 'some.deb'
    deb.write_bytes(b'a deb')
    for key, _ in keys.values():
        cache.store(key, [deb])
    assert cache_states(plan, settings(), options(plan), cache) == {
        'core': 'hit', 'app': 'hit'}

    (plan.packages[0].path / 'core.cpp').write_text('// new\n')
    assert cache_states(plan, settings(), options(plan), cache) == {
        'core': 'miss: source changed',
        'app': 'miss: dependency core changed'}


def test_corrupt_cached_deb(plan, tmp_path, engines):
    cache = DebCache(tmp_path / 'cache', architecture='amd64')
    image, resolution = resolve_into(cache, plan, tmp_path)
    keys = package_keys(
        plan, options(plan), image=image, resolution=resolution,
        cache=cache)
    deb = tmp_path / 'some.deb'
    deb.write_bytes(b'a deb')
    key = keys['core'][0]
    cache.store(key, [deb])
    cache.lookup(key)[0].write_bytes(b'changed')
    states = cache_states(plan, settings(), options(plan), cache)
    assert states['core'] == 'miss: cached deb missing or corrupt'
    assert states['app'] == 'miss: never built'


def test_another_base_image_is_another_builder_image(plan, tmp_path, engines):
    cache = DebCache(tmp_path / 'cache')
    resolve_into(cache, plan, tmp_path)
    engines.engines[0].image_id = lambda tag: 'sha256:' + '1' * 64
    assert set(cache_states(
        plan, settings(), options(plan), cache).values()) == {
        'miss: dependencies not resolved yet'}

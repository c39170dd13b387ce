# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from argparse import Namespace
import asyncio

from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine_pool import docker_engines
from colcon_deb.docker.engine_pool import EnginePool
from colcon_deb.docker.engine_pool import parse_docker_host
from colcon_deb.event import EngineLost
from colcon_deb.event import RunEngines
from colcon_deb.event_handler.deb_summary import engine_lines
from colcon_deb.event_handler.run_record import RunRecord
from colcon_deb.verb.deb import use_capacity
from fake_engine import FakeEngine
import pytest


@pytest.mark.parametrize('value, expected', [
    ('ssh://builder@build1=8', ('ssh://builder@build1', 8)),
    ('tcp://build2:2376', ('tcp://build2:2376', None)),
    ('unix:///var/run/docker.sock=1', ('unix:///var/run/docker.sock', 1)),
    # a number only counts after the last =
    ('tcp://host:2376/?a=b', ('tcp://host:2376/?a=b', None)),
    # the name of a Docker context
    ('build-farm.1=4', ('build-farm.1', 4)),
])
def test_parse_docker_host(value, expected):
    assert parse_docker_host(value) == expected


@pytest.mark.parametrize('value, message', [
    ('build 1', 'is no engine URL'),
    ('/var/run/docker.sock', 'is no engine URL'),
    ('tcp://build1=0', 'JOBS must be >= 1'),
])
def test_parse_docker_host_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        parse_docker_host(value)


def test_docker_engines():
    default, = docker_engines([])
    assert default.url is None
    engines = docker_engines(['tcp://a:2375=2', 'ssh://b'])
    assert [(e.url, e._jobs) for e in engines] == [
        ('tcp://a:2375', 2), ('ssh://b', None)]
    assert [e.is_local for e in engines] == [False, False]
    with pytest.raises(ValueError, match='given twice'):
        docker_engines(['tcp://a:2375=2', 'tcp://a:2375=4'])


def summary_record(pool, *events):
    """Fold what a run on the pool's engines tells into a record."""
    record = RunRecord()
    for event in (RunEngines(e.name for e in pool.engines), ) + events:
        record.fold((event, None))
    return record


def take(pool, count):
    return [asyncio.run(pool.acquire()) for _ in range(count)]


def test_places_go_to_the_engine_with_the_most_free():
    big = FakeEngine(url='tcp://big', jobs=3)
    small = FakeEngine(url='tcp://small', jobs=1)
    pool = EnginePool([small, big])
    assert pool.capacity() == 4
    # a tie goes to the engine given first; a full one gets no more
    taken = take(pool, 4)
    assert sorted(e.url for e in taken) == [
        'tcp://big', 'tcp://big', 'tcp://big', 'tcp://small']
    assert pool._take() is None
    pool.release(small)
    assert pool._take() is small


def test_the_next_place_is_on_the_least_busy_engine():
    first = FakeEngine(url='tcp://first', jobs=2)
    second = FakeEngine(url='tcp://second', jobs=2)
    pool = EnginePool([first, second])
    # 0 of 2 busy each: a tie; then 1 of 2 against 0 of 2
    assert take(pool, 2) == [first, second]
    assert take(pool, 1) == [first]


def test_a_lost_engine_takes_no_more_work():
    first = FakeEngine(url='tcp://first', jobs=1)
    second = FakeEngine(url='tcp://second', jobs=1)
    pool = EnginePool([first, second])
    engine, = take(pool, 1)
    assert engine is first
    pool.release(first)
    assert not pool.lose_if_gone(first)
    first.gone = True
    reason = pool.lose_if_gone(first)
    assert reason
    assert pool.primary is second
    assert take(pool, 1) == [second]
    assert pool._take() is None
    lines = engine_lines(summary_record(
        pool, EngineLost('pkg_a', first.name, reason)))
    assert lines[0] == 'Built on tcp://first: 0 package(s)'
    assert lines[-1].startswith('Lost Docker engine tcp://first: ')
    assert lines[-1].endswith('and pkg_a moved to another engine')
    second.gone = True
    pool.lose_if_gone(second)
    with pytest.raises(EngineError, match='no Docker engine is left'):
        pool.usable()


def test_one_engine_of_the_environment_is_not_limited():
    pool = EnginePool([FakeEngine()])
    assert pool.capacity() is None
    assert len(take(pool, 5)) == 5
    assert engine_lines(summary_record(pool)) == []


def test_colcon_runs_as_many_jobs_as_the_engines_take():
    pool = EnginePool([
        FakeEngine(url='tcp://a', jobs=3), FakeEngine(url='tcp://b')])
    args = Namespace(parallel_workers=2)
    use_capacity(args, pool)
    assert args.parallel_workers == 3 + 2
    # more workers than places: the engines' places decide anyway
    args = Namespace(parallel_workers=8)
    use_capacity(args, pool)
    assert args.parallel_workers == 8
    # one engine of the environment: --parallel-workers alone decides
    args = Namespace(parallel_workers=1)
    use_capacity(args, EnginePool([FakeEngine()]))
    assert args.parallel_workers == 1

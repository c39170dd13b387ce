# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Runs that share one --cache-dir store and read it at the same time.

Several processes store and look up debs of the same and of different keys,
and the findings of one dependency resolution, as many runs of one
workspace started together do.  None may fail, a reader never gets half an
entry or a deb another entry's checksum describes, and what is left is
whole: every key is a hit.
"""

import multiprocessing
import traceback

from colcon_deb.cache import CacheKey
from colcon_deb.cache import DebCache
from colcon_deb.container import contract
from colcon_deb.dependency_resolution import _cached_result
from colcon_deb.dependency_resolution import _store_result

PROCESSES = 4
ROUNDS = 100
DIGEST = 'f' * 64


def key(name, variant):
    return CacheKey(
        package=name, version='1.0.0', source=f'source {variant}',
        configuration='c', resolution='r')


# keys every process stores: each with debs of other bytes (a build that is
# not reproducible), the worst case
SHARED = [key('core', variant) for variant in range(2)]


def store_and_look_up(folder, worker, failures):
    try:
        cache = DebCache(folder)
        work = folder.parent / f'work-{worker}'
        work.mkdir()
        own = key(f'own-{worker}', 0)
        stored_before = {}
        for round_ in range(ROUNDS):
            for stored in (SHARED[round_ % 2], own):
                deb = work / 'built.deb'
                deb.write_bytes(
                    f'{stored.full} by {worker} in {round_}'.encode() * 100)
                cache.store(stored, [deb])
                stored_before[stored.full] = stored
            # an entry once stored is never lost, nor broken by others
            for looked_up in stored_before.values():
                found = cache.lookup(looked_up)
                assert found is not None, f'a miss of {looked_up.package}'
                found, = found
                # what a run then publishes: a deb of that key
                assert found.read_bytes().startswith(
                    looked_up.full.encode()), f'{found} is not of its key'
            share_the_resolution(folder, work, worker, round_)
    except BaseException:  # noqa: B902
        failures.put(f'process {worker}: {traceback.format_exc()}')


def share_the_resolution(folder, work, worker, round_):
    """Store the findings of a resolution, read them as a run does."""
    out = work / f'out-{round_}'
    out.mkdir()
    (out / 'setup.deb').write_bytes(b'setup deb')
    result = contract.PrepareResult(
        codename='bookworm', architecture='amd64', python_version='3.11',
        installed=[], resolved={}, unresolved={},
        prefix_setup_available=True, prefix_setup_deb='setup.deb')
    (out / contract.PREPARE_RESULT_FILE).write_text(result.to_json())
    _store_result(folder, DIGEST, result, out)
    found = _cached_result(folder, DIGEST)
    if found is not None:
        assert (found[1] / 'setup.deb').read_bytes() == b'setup deb'


def test_runs_sharing_a_cache_at_the_same_time(tmp_path):
    folder = tmp_path / 'cache'
    context = multiprocessing.get_context('fork')
    failures = context.Queue()
    processes = [
        context.Process(
            target=store_and_look_up, args=(folder, worker, failures))
        for worker in range(PROCESSES)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    errors = []
    while not failures.empty():
        errors.append(failures.get())
    assert not errors, '\n'.join(errors)
    assert all(process.exitcode == 0 for process in processes)
    cache = DebCache(folder)
    for stored in (*SHARED, *(key(f'own-{w}', 0) for w in range(PROCESSES))):
        assert cache.lookup(stored) is not None, stored.package
    assert _cached_result(folder, DIGEST) is not None

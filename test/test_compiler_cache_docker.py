# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The compiler cache of --ccache against a real engine.

A rebuild takes the objects from the cache, and the debs and their cache
keys are the same as without it; the build user writes the folder through
its group.
"""

import os
from pathlib import Path
import stat

from colcon_deb.docker.builder_image import ensure_builder_image
from colcon_deb.docker.engine import DockerEngine
from docker_helpers import BASE_IMAGE
from docker_helpers import colcon_deb
import pytest
from test_cache import cached

pytestmark = pytest.mark.docker

# the owner of the cache folder when the tests run as root: a host user
# that is not the build user of the containers
OWNER = 12345


def write_package(folder):
    """Write a CMake package with a C and a C++ source."""
    (folder / 'src').mkdir(parents=True)
    (folder / 'package.xml').write_text(
        '<?xml version="1.0"?>\n<package format="3">\n'
        '  <name>cached</name>\n  <version>1.0.0</version>\n'
        '  <description>Compiled through ccache.</description>\n'
        '  <maintainer email="dev@example.org">Dev Example</maintainer>\n'
        '  <license>Apache-2.0</license>\n'
        '  <export><build_type>cmake</build_type></export>\n</package>\n')
    (folder / 'CMakeLists.txt').write_text(
        'cmake_minimum_required(VERSION 3.10)\nproject(cached C CXX)\n'
        'add_library(answer SHARED src/answer.c)\n'
        'add_executable(cached src/main.cpp)\n'
        'target_link_libraries(cached answer)\n'
        'install(TARGETS answer cached DESTINATION lib/cached)\n')
    (folder / 'src' / 'answer.c').write_text(
        'int answer(void) { return 42; }\n')
    (folder / 'src' / 'main.cpp').write_text(
        '#include <cstdio>\nextern "C" int answer(void);\n'
        'int main() { std::printf("%d\\n", answer()); return 0; }\n')


def debs(workspace):
    """Return the bytes of each deb in the output folder, by name."""
    return {
        path.name: path.read_bytes()
        for path in (workspace / 'deb').glob('*.deb')}


def ccache_counters(client, folder):
    """Return ccache's counters of a cache folder, as ccache counts them."""
    image = ensure_builder_image(
        DockerEngine(), BASE_IMAGE, on_line=lambda line: None)
    container = client.containers.run(
        image, ['ccache', '--print-stats'],
        environment={'CCACHE_DIR': '/ccache'},
        volumes={str(folder): {'bind': '/ccache', 'mode': 'ro'}},
        network_mode='none', detach=True,
        labels={'colcon-deb-test': 'ccache'})
    try:
        assert container.wait()['StatusCode'] == 0, container.logs()
        output = container.logs(stderr=False).decode()
    finally:
        container.remove(force=True)
    counters = dict(line.split('\t') for line in output.splitlines())
    return {
        'hits': int(counters['direct_cache_hit']) +
        int(counters['preprocessed_cache_hit']),
        'misses': int(counters['cache_miss'])}


def added(after, before):
    return {name: after[name] - before[name] for name in after}


def test_a_rebuild_compiles_nothing_and_makes_the_same_debs(
        docker_engine, tmp_path):
    workspace = tmp_path / 'ws'
    write_package(workspace / 'cached')
    folder = tmp_path / 'ccache'
    if os.geteuid() == 0:
        # the host user's folder: the build user can write it only
        # through its group
        folder.mkdir(mode=0o755)
        os.chown(folder, OWNER, OWNER)
    with_cache = ['--ccache', str(folder), '--ccache-max-size', '1G']

    colcon_deb(workspace, *with_cache)
    cold = debs(workspace)
    assert len(cold) == 3, sorted(cold)
    # both sources went through ccache
    counters = ccache_counters(docker_engine, folder)
    assert counters == {'hits': 0, 'misses': 2}
    # the same cache keys without it: the deb is taken from the cache
    assert cached(colcon_deb(workspace).stdout) == {'cached'}

    # without colcon-deb's cache: built again, all from the compiler cache
    colcon_deb(workspace, '--cache', 'none', *with_cache)
    after = ccache_counters(docker_engine, folder)
    assert added(after, counters) == {'hits': 2, 'misses': 0}
    assert debs(workspace) == cold

    # the same bytes as a build that does not use it
    colcon_deb(workspace, '--cache', 'none')
    assert debs(workspace) == cold
    assert ccache_counters(docker_engine, folder) == after

    # a small change: only what changed is compiled (code: a comment
    # would preprocess to the same, a hit)
    with (workspace / 'cached' / 'src' / 'main.cpp').open('a') as f:
        f.write('int changed() { return 1; }\n')
    colcon_deb(workspace, *with_cache)
    assert added(ccache_counters(docker_engine, folder), after) == {
        'hits': 1, 'misses': 1}

    # all the builds wrote has the folder's group and is writable by it:
    # its owner keeps it; its configuration is the owner's alone
    group = folder.stat().st_gid
    assert folder.stat().st_mode & 0o3070 == 0o3070
    written = [p for p in folder.rglob('*') if p.name != 'ccache.conf']
    assert written
    for path in written:
        info = path.lstat()
        assert info.st_gid == group, path
        wanted = 0o070 if stat.S_ISDIR(info.st_mode) else 0o060
        assert info.st_mode & wanted == wanted, path
        assert not info.st_mode & 0o007, path
    assert not (folder / 'ccache.conf').stat().st_mode & 0o022
    assert Path(folder / 'ccache.conf').read_text() == ''

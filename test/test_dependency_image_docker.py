# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Dependency images against a real engine: isolation holds, failures are clear.

Every package builds in an image with the system packages of its set only
(see colcon_deb.docker.dependency_image), made once and kept.
"""

import subprocess
import time

from colcon_deb.docker.dependency_image import BUILDER_LABEL
from colcon_deb.docker.dependency_image import PACKAGES_LABEL
from colcon_deb.docker.engine import DockerEngine
from colcon_deb.docker.engine import PID_LABEL
from deep_workspace import write_manifest
from docker_helpers import colcon_deb
from docker_helpers import colcon_deb_command
from docker_helpers import workspace_env
import pytest

pytestmark = pytest.mark.docker

# a header of libtinyxml2-dev, which the builder image lacks
USES_TINYXML2 = (
    '#include <tinyxml2.h>\n'
    'int parse(const char* text) {\n'
    '  tinyxml2::XMLDocument doc;\n'
    '  return doc.Parse(text);\n}\n')


def write_library(folder, name, depends=()):
    """Write a CMake library that includes tinyxml2's header."""
    write_manifest(folder, name, list(depends))
    (folder / 'lib.cpp').write_text(USES_TINYXML2)
    (folder / 'CMakeLists.txt').write_text(
        f'cmake_minimum_required(VERSION 3.10)\nproject({name} CXX)\n'
        f'add_library({name} SHARED lib.cpp)\n'
        f'target_link_libraries({name} tinyxml2)\n'
        f'install(TARGETS {name} LIBRARY DESTINATION lib)\n')


def images_with(client, packages):
    """Return the IDs of the dependency images of exactly these packages."""
    return sorted(image.id for image in client.images.list(
        filters={'label': f'{PACKAGES_LABEL}={packages}'}))


def test_a_package_sees_only_the_system_packages_it_declares(
        docker_engine, tmp_path):
    workspace = tmp_path / 'ws'
    write_library(workspace / 'declares_it', 'declares_it', ['tinyxml2'])
    write_library(workspace / 'lacks_it', 'lacks_it')
    completed = colcon_deb(
        workspace, '--continue-on-error', '--event-handlers',
        'console_direct+', check=False)
    assert completed.returncode != 0
    assert "colcon-deb: 'lacks_it' failed: building failed" in \
        completed.stdout
    assert 'tinyxml2.h: No such file or directory' in completed.stdout
    published = sorted(p.name for p in (workspace / 'deb').glob('*.deb'))
    assert any(n.startswith('ros-noetic-declares-it_') for n in published)
    assert not any('lacks-it' in n for n in published)
    # the header came with the image of its set, made in this run
    made = images_with(docker_engine, 'libtinyxml2-dev')
    assert made
    builders = {docker_engine.images.get(i).labels[BUILDER_LABEL]
                for i in made}
    assert len(builders) == len(made)

    # the next run, with no deb cached, uses the same image, which the
    # engine records: it is kept UNUSED_DAYS from now
    engine = DockerEngine()
    before = engine.last_tagged({PACKAGES_LABEL: 'libtinyxml2-dev'})
    time.sleep(1)
    colcon_deb(
        workspace, '--cache', 'none', '--packages-select', 'declares_it')
    assert images_with(docker_engine, 'libtinyxml2-dev') == made
    after = engine.last_tagged({PACKAGES_LABEL: 'libtinyxml2-dev'})
    assert len(after) == len(before) == len(made)
    assert any(after[tag] > before[tag] for tag in after)


def test_a_system_package_that_does_not_exist_fails_its_package(
        docker_engine, tmp_path):
    workspace = tmp_path / 'ws'
    write_library(workspace / 'wants_it', 'wants_it', ['no_such_library'])
    rules = tmp_path / 'rules.yaml'
    rules.write_text(
        'no_such_library:\n  debian: [colcon-deb-no-such-package]\n')
    process = subprocess.Popen(
        colcon_deb_command('--rosdep-source', str(rules)), cwd=workspace,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=workspace_env(workspace))
    output, _ = process.communicate()
    assert process.returncode != 0
    assert (
        "colcon-deb: 'wants_it' failed: installing its dependencies "
        'failed: apt-get: Unable to locate package '
        'colcon-deb-no-such-package') in output
    assert 'Traceback' not in output
    assert not list((workspace / 'deb').glob('*wants-it*.deb'))
    assert images_with(
        docker_engine, 'colcon-deb-no-such-package libtinyxml2-dev') == []
    # nothing of the run is left, running or stopped
    assert docker_engine.containers.list(all=True, filters={
        'label': f'{PID_LABEL}={process.pid}'}) == []

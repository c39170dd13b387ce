# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

import asyncio
import json
import threading
import time

from colcon_deb.container import contract
from colcon_deb.docker.dependency_image import BUILDER_LABEL
from colcon_deb.docker.dependency_image import dependency_tag
from colcon_deb.docker.dependency_image import DependencyImages
from colcon_deb.docker.dependency_image import largest_subset
from colcon_deb.docker.dependency_image import PACKAGES_LABEL
from colcon_deb.docker.dependency_image import \
    remove_unused_dependency_images
from colcon_deb.docker.dependency_image import UNUSED_DAYS
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import ImageBuildFailed
import pytest

BUILDER = 'colcon-deb-builder:0123'
BUILDER_ID = 'sha256:' + 'b' * 64


class ImageEngine:
    """Makes images from Dockerfiles, slowly enough for jobs to meet."""

    name = 'unix:///fake.sock'

    def __init__(self, fail=0, apt_error=None):
        self.images = {}
        self.dockerfiles = []
        # how many builds fail before one works
        self.fail = fail
        # what apt says when the build's step fails
        self.apt_error = apt_error
        self.building = threading.Event()
        # tag -> when it was last tagged, in seconds since the epoch
        self.tagged = {}
        self.removed = []

    def image_id(self, tag):
        if tag == BUILDER:
            return BUILDER_ID
        return f'sha256:{tag}' if tag in self.images else None

    def touch_image(self, tag):
        self.tagged[tag] = time.time()

    def last_tagged(self, labels):
        return {
            tag: self.tagged[tag] for tag in self.labelled_images(labels)}

    def remove_image(self, tag):
        self.removed.append(tag)

    def labelled_images(self, labels):
        return {
            tag: found for tag, found in self.images.items()
            if labels.items() <= found.items()}

    def build_image_from(self, dockerfile, tag, *, labels, on_line):
        self.dockerfiles.append(dockerfile)
        on_line(dockerfile.splitlines()[0])
        # long enough for another job to ask for the same image meanwhile
        self.building.wait(0.2)
        if self.apt_error:
            on_line('Reading package lists...')
            on_line(f'E: {self.apt_error}')
            raise ImageBuildFailed(
                f"building image '{tag}' failed: The command "
                "'python3 ...' returned a non-zero code: 3")
        if self.fail:
            self.fail -= 1
            raise EngineError('Docker: the connection was reset')
        self.images[tag] = labels
        self.tagged[tag] = time.time()


def image_for(images, engine, *package_sets):
    """Ask for the images of the sets at once, as concurrent jobs do."""
    lines = []

    async def ask():
        return await asyncio.gather(*[
            images.image_for(engine, packages, on_line=lines.append)
            for packages in package_sets], return_exceptions=True)
    return asyncio.run(ask()), lines


def test_no_system_package_is_the_builder_image():
    engine = ImageEngine()
    (tag, ), _ = image_for(DependencyImages(BUILDER), engine, [])
    assert tag == BUILDER
    assert engine.dockerfiles == []


def test_jobs_with_the_same_set_share_one_image():
    engine = ImageEngine()
    images = DependencyImages(BUILDER)
    tags, lines = image_for(
        images, engine, ['libb-dev', 'liba-dev'], ['liba-dev', 'libb-dev'])
    assert tags[0] == tags[1] == dependency_tag(
        BUILDER_ID, ['liba-dev', 'libb-dev'])
    assert len(engine.dockerfiles) == 1
    # from the builder image, by colcon-deb's own script, in one step
    assert engine.dockerfiles[0] == (
        f'FROM {BUILDER}\nRUN ' + json.dumps([
            'python3', contract.BUILD_SCRIPT, contract.INSTALL,
            'liba-dev', 'libb-dev']) + '\n')
    assert lines == [f'FROM {BUILDER}']
    assert engine.images[tags[0]][BUILDER_LABEL] == BUILDER_ID
    assert engine.images[tags[0]][PACKAGES_LABEL] == 'liba-dev libb-dev'
    # a later job, and a later run, find it
    image_for(images, engine, ['liba-dev', 'libb-dev'])
    image_for(DependencyImages(BUILDER), engine, ['liba-dev', 'libb-dev'])
    assert len(engine.dockerfiles) == 1


def test_images_no_run_used_for_a_while_are_removed():
    engine = ImageEngine()
    images = DependencyImages(BUILDER)
    (used, unused), _ = image_for(images, engine, ['liba-dev'], ['libb-dev'])
    now = time.time()
    engine.tagged[used] = engine.tagged[unused] = now - UNUSED_DAYS * 86400
    # a later run uses one: the engine records it
    image_for(DependencyImages(BUILDER), engine, ['liba-dev'])
    assert engine.tagged[used] >= now
    remove_unused_dependency_images(engine, now=now - 60)
    assert engine.removed == []
    remove_unused_dependency_images(engine, now=now + 60)
    assert engine.removed == [unused]


def test_a_run_that_makes_an_image_removes_the_unused_ones_once():
    engine = ImageEngine()
    (old, ), _ = image_for(DependencyImages(BUILDER), engine, ['liba-dev'])
    engine.tagged[old] = time.time() - UNUSED_DAYS * 86400 - 60
    # a run that makes no image does not look
    image_for(DependencyImages(BUILDER), engine, [])
    assert engine.removed == []
    images = DependencyImages(BUILDER)
    (new, ), _ = image_for(images, engine, ['libb-dev'])
    assert engine.removed == [old]
    engine.tagged[new] = time.time() - UNUSED_DAYS * 86400 - 60
    image_for(images, engine, ['libc-dev'])
    assert engine.removed == [old]


def test_other_sets_have_images_of_their_own():
    engine = ImageEngine()
    tags, _ = image_for(
        DependencyImages(BUILDER), engine, ['liba-dev'], ['libb-dev'])
    assert tags[0] != tags[1]
    assert len(engine.dockerfiles) == 2


def test_a_new_set_starts_from_the_largest_set_within_it():
    engine = ImageEngine()
    images = DependencyImages(BUILDER)
    (small, large, other), _ = image_for(
        images, engine, ['ament-cmake'], ['ament-cmake', 'liba-dev'],
        ['libc-dev'])
    (new, ), _ = image_for(
        images, engine, ['ament-cmake', 'liba-dev', 'libb-dev'])
    assert engine.dockerfiles[-1].startswith(f'FROM {large}\n')
    # what it has beyond the builder image, whatever it started from
    assert engine.images[new][PACKAGES_LABEL] == \
        'ament-cmake liba-dev libb-dev'


def test_a_failed_image_fails_its_jobs_and_the_next_one_tries_again():
    engine = ImageEngine(fail=1)
    images = DependencyImages(BUILDER)
    results, _ = image_for(images, engine, ['liba-dev'], ['liba-dev'])
    assert all(isinstance(r, EngineError) for r in results)
    assert len(engine.dockerfiles) == 1
    (tag, ), _ = image_for(images, engine, ['liba-dev'])
    assert tag in engine.images
    assert len(engine.dockerfiles) == 2


def test_a_failed_install_says_what_apt_said():
    engine = ImageEngine(apt_error='Unable to locate package libz-dev')
    (error, ), lines = image_for(
        DependencyImages(BUILDER), engine, ['libz-dev'])
    assert isinstance(error, ImageBuildFailed)
    assert str(error) == 'apt-get: Unable to locate package libz-dev'
    # the whole output goes to the job's log
    assert lines[-1] == 'E: Unable to locate package libz-dev'


def test_package_names_cannot_add_a_step():
    engine = ImageEngine()
    image_for(
        DependencyImages(BUILDER), engine, ['liba-dev\nRUN rm -rf /'])
    dockerfile = engine.dockerfiles[0]
    assert dockerfile.count('\n') == 2
    assert json.loads(dockerfile.splitlines()[1][len('RUN '):])[-1] == \
        'liba-dev\nRUN rm -rf /'


@pytest.mark.parametrize('images, packages, expected', [
    ({}, ['a'], None),
    ({'t:1': {PACKAGES_LABEL: 'a b'}}, ['a'], None),
    ({'t:1': {PACKAGES_LABEL: 'a'}, 't:2': {PACKAGES_LABEL: 'a b'}},
     ['a', 'b', 'c'], 't:2'),
    ({'t:1': {PACKAGES_LABEL: 'a'}, 't:2': {PACKAGES_LABEL: 'a d'}},
     ['a', 'b', 'c'], 't:1'),
])
def test_largest_subset(images, packages, expected):
    assert largest_subset(images, packages) == expected


def test_removing_unused_images_that_fails_fails_no_package():
    engine = ImageEngine()

    def gone(labels):
        raise EngineError('Docker: No such image: colcon-deb-dependencies:1')
    engine.last_tagged = gone
    (tag, ), _ = image_for(DependencyImages(BUILDER), engine, ['liba-dev'])
    assert tag in engine.images

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The builder image's tag, its build and its copies to other engines."""

from colcon_deb.container.contract import BUILD_USER
from colcon_deb.docker.builder_image import builder_tag
from colcon_deb.docker.builder_image import ensure_builder_image
from colcon_deb.docker.builder_image import input_files
from colcon_deb.docker.builder_image import REPOSITORY
from colcon_deb.docker.builder_image import share_builder_image
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import RunResult
from colcon_deb.platforms import Platform
import pytest

BASE_IMAGE = 'ros:humble-ros-base'
BASE_ID = 'sha256:' + 'b' * 64


class ImageEngine:
    """An engine that only holds images: tag -> image ID."""

    def __init__(self, name, images=None, *, copy_as=None):  # noqa: D107
        self.name = name
        self.images = dict(images or {})
        # the ID an image copied to this engine gets, default the same
        self.copy_as = copy_as
        self.copies = []
        self.pulled = []
        self.built = []

    def image_id(self, tag):
        return self.images.get(tag)

    def copy_image(self, tag, other):
        self.copies.append((tag, other.name))
        other.images[tag] = other.copy_as or self.images[tag]

    def pull(self, image, platform=None):
        self.pulled.append(image)
        if image != BASE_IMAGE:
            raise EngineError('Docker: manifest unknown')
        self.images[image] = BASE_ID

    def build_image(self, context_dir, tag, *, build_args, on_line):
        self.built.append((tag, build_args))
        assert (context_dir / 'Dockerfile').is_file()
        self.images[tag] = 'sha256:' + 'c' * 64


def test_builder_tag():
    tag = builder_tag(BASE_IMAGE, BASE_ID)
    repository, _, digest = tag.partition(':')
    assert repository == REPOSITORY
    assert len(digest) == 16
    assert builder_tag(BASE_IMAGE, BASE_ID) == tag


def test_builder_tag_follows_the_base_image():
    tag = builder_tag(BASE_IMAGE, BASE_ID)
    assert builder_tag(BASE_IMAGE, 'sha256:' + 'd' * 64) != tag
    assert builder_tag('ros:jazzy-ros-base', BASE_ID) != tag
    assert builder_tag(BASE_IMAGE, None) == builder_tag(BASE_IMAGE, '')


def test_builder_tag_follows_the_container_files(monkeypatch):
    tag = builder_tag(BASE_IMAGE, BASE_ID)
    files = list(input_files())

    class Changed:

        def read_bytes(self):
            return b'changed'

    monkeypatch.setattr(
        'colcon_deb.docker.builder_image.input_files',
        lambda: files[:-1] + [(files[-1][0], Changed())])
    assert builder_tag(BASE_IMAGE, BASE_ID) != tag


def test_input_files():
    names = [name for name, _ in input_files()]
    assert 'Dockerfile' in names
    assert 'contract.py' in names
    assert 'prepare_run.py' in names
    assert any(name.startswith('workspace/') for name in names)
    assert not any('__pycache__' in name for name in names)
    assert not any(name.startswith('.') for name in names)
    assert names == sorted(names, key=lambda n: n.split('/'))


def test_share_copies_where_the_image_is_missing_or_another(capsys):
    tag = builder_tag(BASE_IMAGE, BASE_ID)
    image_id = 'sha256:' + '1' * 64
    first = ImageEngine('first', {tag: image_id})
    same = ImageEngine('same', {tag: image_id})
    missing = ImageEngine('missing')
    other = ImageEngine('other', {tag: 'sha256:' + '2' * 64})
    share_builder_image([first, same, missing, other], tag)
    assert first.copies == [(tag, 'missing'), (tag, 'other')]
    assert [e.image_id(tag) for e in (same, missing, other)] == \
        [image_id] * 3
    out = capsys.readouterr().out
    assert f"Copying the builder image '{tag}' to missing..." in out
    assert 'to same' not in out


def test_share_with_one_engine_copies_nothing():
    first = ImageEngine('first', {'t': 'sha256:1'})
    share_builder_image([first], 't')
    assert first.copies == []


def test_share_fails_when_the_copy_differs(capsys):
    first = ImageEngine('first', {'t': 'sha256:1'})
    changed = ImageEngine('changed', copy_as='sha256:9')
    with pytest.raises(EngineError) as e:
        share_builder_image([first, changed], 't')
    assert str(e.value) == (
        "the builder image 't' on changed is sha256:9, not sha256:1 as on "
        'first')


def test_ensure_uses_an_existing_image(capsys):
    tag = builder_tag(BASE_IMAGE, BASE_ID)
    engine = ImageEngine(
        'e', {BASE_IMAGE: BASE_ID, tag: 'sha256:' + 'c' * 64})
    assert ensure_builder_image(engine, BASE_IMAGE, on_line=None) == tag
    assert engine.built == []
    assert engine.pulled == []
    assert capsys.readouterr().out == ''


def test_ensure_pulls_and_builds(capsys):
    engine = ImageEngine('e')
    tag = ensure_builder_image(engine, BASE_IMAGE, on_line=print)
    assert tag == builder_tag(BASE_IMAGE, BASE_ID)
    assert engine.pulled == [BASE_IMAGE]
    assert engine.built == [
        (tag, {'BASE_IMAGE': BASE_IMAGE, 'BUILD_USER': BUILD_USER})]
    assert f"Built the builder image '{tag}'" in capsys.readouterr().out


def test_ensure_without_the_base_image():
    engine = ImageEngine('e')
    with pytest.raises(EngineError) as e:
        ensure_builder_image(engine, 'nowhere:1', on_line=None)
    assert str(e.value) == (
        "the base image 'nowhere:1' is not here and cannot be pulled "
        '(Docker: manifest unknown); pull or build it, or pass --base-image')
    assert engine.built == []


class ArchitectureEngine(ImageEngine):
    """An engine whose images record a platform and hold architectures."""

    def __init__(self, recorded, inside, **kwargs):  # noqa: D107
        super().__init__('e', {BASE_IMAGE: BASE_ID}, **kwargs)
        self.recorded = recorded
        # what `dpkg --print-architecture` prints, or an exception's text
        self.inside = inside
        self.runs = []

    def image_platform(self, tag):
        return self.recorded

    def run(self, spec, *, on_stdout, on_stderr):
        self.runs.append(spec.command)
        if self.inside == 'exec format error':
            on_stderr(
                b'standard_init_linux.go:228: exec user process caused: '
                b'exec format error\n')
            return RunResult(exit_code=1)
        on_stdout(f'{self.inside}\n'.encode())
        return RunResult(exit_code=0)


def test_a_recorded_architecture_that_matches_starts_no_container():
    engine = ArchitectureEngine('linux/arm64', None)
    tag = ensure_builder_image(
        engine, BASE_IMAGE, platform=Platform('linux/arm64'),
        on_line=None)
    assert tag == builder_tag(BASE_IMAGE, BASE_ID, 'arm64')
    assert engine.runs == []
    assert len(engine.built) == 1


def test_an_imported_image_is_looked_into():
    """`docker import` records the engine's architecture, not the files'."""
    engine = ArchitectureEngine('linux/amd64', 'arm64')
    ensure_builder_image(
        engine, BASE_IMAGE, platform=Platform('linux/arm64'), on_line=None)
    assert engine.runs == [['dpkg', '--print-architecture']]
    assert len(engine.built) == 1


def test_an_image_of_another_architecture_is_refused():
    engine = ArchitectureEngine('linux/amd64', 'amd64')
    with pytest.raises(EngineError) as e:
        ensure_builder_image(
            engine, BASE_IMAGE, platform=Platform('linux/arm64'),
            on_line=None)
    assert str(e.value) == (
        f"the base image '{BASE_IMAGE}' is for amd64 (`dpkg "
        '--print-architecture` in a container of it), not for arm64 as '
        '--platform linux/arm64 needs; give that platform an image of its '
        'own: --platform linux/arm64=IMAGE')
    assert engine.built == []


def test_an_engine_without_emulation_is_named():
    engine = ArchitectureEngine('linux/amd64', 'exec format error')
    with pytest.raises(EngineError) as e:
        ensure_builder_image(
            engine, BASE_IMAGE, platform=Platform('linux/arm64'),
            on_line=None)
    assert str(e.value).startswith(
        'building for linux/arm64 needs QEMU user emulation of aarch64, '
        'which is not registered on the host of the Docker engine e: '
        '`apt-get install qemu-user-static`')
    assert engine.built == []


def test_an_existing_builder_image_is_not_checked_again():
    engine = ArchitectureEngine('linux/amd64', 'amd64')
    tag = builder_tag(BASE_IMAGE, BASE_ID, 'arm64')
    engine.images[tag] = 'sha256:' + 'c' * 64
    assert ensure_builder_image(
        engine, BASE_IMAGE, platform=Platform('linux/arm64'),
        on_line=None) == tag
    assert engine.runs == []


def test_the_tag_follows_the_architecture():
    assert builder_tag(BASE_IMAGE, BASE_ID, 'arm64') != \
        builder_tag(BASE_IMAGE, BASE_ID, 'amd64')

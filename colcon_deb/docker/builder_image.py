# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
The builder image: the base image plus colcon-deb's tools and scripts.

Its tag is a hash of everything that goes into it, so a changed script or a
different base image gives a new tag, and an unchanged one is reused.
"""

import hashlib
from importlib import resources

from colcon_core.logging import colcon_logger
from colcon_deb.container import contract
from colcon_deb.docker.engine import ContainerSpec
from colcon_deb.docker.engine import EngineError
from colcon_deb.platforms import not_registered

logger = colcon_logger.getChild(__name__)

REPOSITORY = 'colcon-deb-builder'


def container_folder():
    """Return the folder with the Dockerfile and the in-container scripts."""
    return resources.files('colcon_deb.container')


def input_files():
    """Yield (relative name, path) of every file the image is built from."""
    root = container_folder()

    def walk(folder, prefix):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == '__pycache__' or entry.name.startswith('.'):
                continue
            if entry.is_dir():
                yield from walk(entry, f'{prefix}{entry.name}/')
            else:
                yield f'{prefix}{entry.name}', entry
    yield from walk(root, '')


def builder_tag(base_image, base_image_id, architecture=None):
    """Derive the tag from the inputs, the base image and architecture."""
    digest = hashlib.sha256()
    digest.update(f'{base_image}\0{base_image_id or ""}\0'.encode())
    if architecture:
        digest.update(f'{architecture}\0'.encode())
    for name, path in input_files():
        digest.update(name.encode() + b'\0' + path.read_bytes() + b'\0')
    return f'{REPOSITORY}:{digest.hexdigest()[:16]}'


def ensure_builder_image(engine, base_image, *, on_line, platform=None,
                         labels=None):
    """
    Return the tag of the builder image, building it when missing.

    The build says so on the console: it can take minutes the first time
    (and several times that under emulation).  An image for a platform
    is only built from a base image of the platform's architecture: an
    existing builder image was checked when it was built.

    :param platform: the colcon_deb.platforms.Platform to build for
    :param labels: those of the containers the check starts
    """
    base_image_id = engine.image_id(base_image)
    if base_image_id is None:
        try:
            engine.pull(
                base_image, platform=platform.name if platform else None)
        except EngineError as e:
            raise EngineError(
                f"the base image '{base_image}' is not here and cannot be "
                f'pulled ({e}); pull or build it, or pass --base-image') \
                from None
        base_image_id = engine.image_id(base_image)
    tag = builder_tag(
        base_image, base_image_id, platform.architecture if platform else None)
    if engine.image_id(tag):
        logger.debug(f"Using builder image '{tag}'")
        return tag
    if platform:
        check_base_image(engine, base_image, platform, labels=labels)
    print(f"Building the builder image '{tag}' from '{base_image}'...",
          flush=True)
    with resources.as_file(container_folder()) as context_dir:
        engine.build_image(
            context_dir, tag, build_args={
                'BASE_IMAGE': base_image,
                'BUILD_USER': contract.BUILD_USER},
            on_line=on_line)
    print(f"Built the builder image '{tag}'", flush=True)
    return tag


def share_builder_image(engines, tag):
    """
    Give every engine the first one's builder image, with the same ID.

    The image ID is part of every cache key: a deb is only the same when
    it was built in the same image, on whichever engine.
    """
    first, *others = engines
    image_id = first.image_id(tag)
    for engine in others:
        if engine.image_id(tag) == image_id:
            continue
        print(f"Copying the builder image '{tag}' to {engine.name}...",
              flush=True)
        first.copy_image(tag, engine)
        copied = engine.image_id(tag)
        if copied != image_id:
            raise EngineError(
                f"the builder image '{tag}' on {engine.name} is {copied}, "
                f'not {image_id} as on {first.name}')


def check_base_image(engine, base_image, platform, *, labels=None):
    """
    Check that a base image holds the platform's architecture.

    Its config says so, except for images made with `docker import`
    (Docker 20.10 records the engine's architecture, whatever the files
    are): when the config says another one, dpkg in a container of the
    image tells.  A container that cannot start its first program on a
    remote engine means the engine's host lacks QEMU for the platform.

    :raises EngineError: naming the image and both architectures
    """
    recorded = engine.image_platform(base_image)
    if recorded.split('/')[1:2] == platform.name.split('/')[1:2]:
        return
    output = []
    result = engine.run(
        ContainerSpec(
            image=base_image, command=['dpkg', '--print-architecture'],
            network=False, labels=dict(labels or {})),
        on_stdout=output.append, on_stderr=output.append)
    text = b''.join(output).decode(errors='replace').strip()
    if result.exit_code:
        if 'exec format error' in text:
            raise EngineError(not_registered(
                platform, f'the host of the Docker engine {engine.name}'))
        raise EngineError(
            f"the base image '{base_image}' is for {recorded} and "
            f'`dpkg --print-architecture` does not run in it ({text}), '
            f'while --platform {platform.name} needs {platform.architecture}')
    if text != platform.architecture:
        raise EngineError(
            f"the base image '{base_image}' is for {text} "
            f'(`dpkg --print-architecture` in a container of it), not for '
            f'{platform.architecture} as --platform {platform.name} needs; '
            f'give that platform an image of its own: --platform '
            f'{platform.name}=IMAGE')
    logger.info(
        f"The base image '{base_image}' holds {text} files though its "
        f'config says {recorded} (`docker import` records the engine '
        'architecture)')

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Dependency images: the builder image plus one set of system packages.

Installing a package's system dependencies in its own container cost 2 to
14 s of every package, every time it built: apt and dpkg creating thousands
of files (a Boost or a message package) through the storage driver.
Packages that need the same system packages share one image instead, made
the first time a run needs the set and kept for the next runs; its tag is
a hash of the builder image ID and the set.  Isolation is unchanged: a
package's container has the packages of its set and no others, so a header
of a system package it does not declare is not there.

The sets of a workspace change with its dependencies, and each image
holds hundreds of megabytes: a run that makes an image on an engine
removes the engine's dependency images no run used for UNUSED_DAYS.  Runs
that make none, as a run with nothing changed, do not look for them:
each costs a call to the engine.

A new set's image starts from the image of the largest set within it:
what many sets share (ament_cmake, the message packages) is installed once,
and a set of one more package costs one more package.

The packages are installed by the image's build, with the host's network,
by colcon-deb's own script (contract.INSTALL): only Debian's packages run
there, never a package of the workspace.
"""

import asyncio
import hashlib
import json
import time

from colcon_core.logging import colcon_logger
from colcon_deb.container import contract
from colcon_deb.docker.engine import EngineError
from colcon_deb.docker.engine import ImageBuildFailed
from colcon_deb.docker.engine import LABEL

logger = colcon_logger.getChild(__name__)

REPOSITORY = 'colcon-deb-dependencies'
# the ID of the builder image a dependency image is made from
BUILDER_LABEL = 'colcon-deb.builder'
# the system packages it has beyond the builder image, sorted, by spaces
PACKAGES_LABEL = 'colcon-deb.packages'
# a dependency image no run used for this many days is removed
UNUSED_DAYS = 30


def dependency_tag(builder_id, packages):
    """Return the tag of the image of a set of packages."""
    digest = hashlib.sha256(
        '\0'.join([builder_id, *sorted(packages)]).encode())
    return f'{REPOSITORY}:{digest.hexdigest()[:16]}'


def largest_subset(images, packages):
    """
    Return the tag of the image whose packages are the most of `packages`.

    :param images: {tag: labels} of the builder image's dependency images
    :returns: the tag, or None when none has only packages of the set
    """
    wanted = set(packages)
    best = None
    for tag, labels in sorted(images.items()):
        has = set(labels.get(PACKAGES_LABEL, '').split())
        if has <= wanted and (best is None or len(has) > best[0]):
            best = len(has), tag
    return best and best[1]


class DependencyImages:
    """
    The dependency images of a platform's builder image, for a run.

    Jobs that need the same set at the same time wait for one image.
    """

    def __init__(self, builder_tag):  # noqa: D107
        self.builder_tag = builder_tag
        # (engine name, the sorted packages) -> the future of their image
        self._making = {}
        # the engines whose unused dependency images this run removed
        self._cleaned = set()

    async def image_for(self, engine, packages, *, on_line):
        """
        Return the tag of the image with the packages, made when missing.

        :param on_line: gets the output of making the image, if this job
          makes it
        :raises EngineError: when the image cannot be made; the next job
          that needs it tries again
        """
        if not packages:
            return self.builder_tag
        loop = asyncio.get_running_loop()
        key = engine.name, tuple(sorted(packages))
        making = self._making.get(key)
        if making is None:
            making = loop.run_in_executor(
                None, self.ensure, engine, key[1], on_line)
            self._making[key] = making
        try:
            # a job that gives up does not take the image down with it
            return await asyncio.shield(making)
        except EngineError:
            if self._making.get(key) is making:
                del self._making[key]
            raise

    def ensure(self, engine, packages, on_line):
        """
        Return the tag of the image with the packages, made if missing.

        :raises ImageBuildFailed: with apt's last error, when installing
          the packages failed
        """
        builder_id = engine.image_id(self.builder_tag)
        tag = dependency_tag(builder_id, packages)
        if engine.image_id(tag):
            # used: kept UNUSED_DAYS more
            engine.touch_image(tag)
            return tag
        base = largest_subset(
            engine.labelled_images({BUILDER_LABEL: builder_id}),
            packages) or self.builder_tag
        install = ['python3', contract.BUILD_SCRIPT, contract.INSTALL,
                   *packages]
        errors = []

        def line(text):
            if text.startswith('E: '):
                errors.append(text[len('E: '):])
            on_line(text)
        try:
            engine.build_image_from(
                f'FROM {base}\nRUN {json.dumps(install)}\n', tag,
                labels={
                    LABEL: 'dependencies', BUILDER_LABEL: builder_id,
                    PACKAGES_LABEL: ' '.join(packages)},
                on_line=line)
        except ImageBuildFailed as e:
            raise ImageBuildFailed(
                f'apt-get: {errors[-1]}' if errors else str(e)) from None
        if engine.name not in self._cleaned:
            self._cleaned.add(engine.name)
            remove_unused_dependency_images(engine)
        return tag


def remove_unused_dependency_images(engine, *, now=None):
    """
    Remove the dependency images no run used for UNUSED_DAYS.

    What fails here (another run removed one first) is not the package's
    business: it is logged, and the next run that makes an image looks
    again.
    """
    oldest = (time.time() if now is None else now) - UNUSED_DAYS * 86400
    try:
        for tag, used in engine.last_tagged(
                {LABEL: 'dependencies'}).items():
            if used < oldest:
                engine.remove_image(tag)
    except EngineError as e:
        logger.warning(
            f'could not remove the unused dependency images on '
            f'{engine.name}: {e}')

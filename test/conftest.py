# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""Fixtures for the tests that need a real Docker engine."""

import os

from docker_helpers import BASE_IMAGE
from docker_helpers import docker_reachable
import pytest


@pytest.fixture(scope='session')
def docker_engine():
    """
    Skip without Docker on a laptop; in CI a missing engine is a failure.

    CI creates the base image with `.ci/make_base_image.sh`.
    """
    if not docker_reachable():
        if os.environ.get('CI') == 'true':
            pytest.fail('CI=true but no Docker daemon is reachable')
        pytest.skip('no Docker daemon is reachable')
    import docker
    client = docker.from_env()
    try:
        client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(
            f"the base image '{BASE_IMAGE}' is missing; create it with "
            '.ci/make_base_image.sh')
    return client

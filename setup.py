# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

import setuptools

# The scripts that run inside containers live in the top-level folder
# `container/` and are installed as the package `colcon_deb.container`.
setuptools.setup(
    packages=setuptools.find_packages(include=['colcon_deb', 'colcon_deb.*'])
    + ['colcon_deb.container'],
    package_dir={'colcon_deb.container': 'container'},
)

# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Docker: the only code that talks to it.

`engine` runs containers on one engine, `engine_pool` spreads the
packages over the engines of a run, `builder_image` makes the image every
container starts from, `stale_runs` removes what killed runs left.
"""

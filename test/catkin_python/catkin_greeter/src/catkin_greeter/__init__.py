# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""A module that catkin installs."""

GREETING = 'hello from a catkin Python module'

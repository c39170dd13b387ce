# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# the ROS 1 idiom, distutils and all
from distutils.core import setup

from catkin_pkg.python_setup import generate_distutils_setup

setup(**generate_distutils_setup(
    packages=['catkin_greeter'], package_dir={'': 'src'}))

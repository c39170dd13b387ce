# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""The options of each package: the command line's and its metadata."""

from argparse import Namespace
from types import SimpleNamespace

from colcon_deb.task import build_type_destinations
from colcon_deb.task import package_options


def planned(name, **metadata):
    return SimpleNamespace(
        name=name, descriptor=SimpleNamespace(name=name, metadata=metadata))


def test_metadata_extends_lists_and_replaces_values():
    destinations = build_type_destinations()
    assert destinations['cmake-args'] == 'cmake_args'
    assert destinations['catkin-cmake-args'] == 'catkin_cmake_args'
    args = Namespace(
        cmake_args=['-DA=1'], ament_cmake_args=None, catkin_cmake_args=None)
    plan = SimpleNamespace(packages=[
        planned('plain'),
        planned('meta', cmake_args=['-DB=2'], catkin_cmake_args=['-DC=3'])])
    options = package_options(
        args, SimpleNamespace(run_tests=True), plan, destinations)
    assert options['plain'].cmake_args == ['-DA=1']
    assert options['plain'].catkin_cmake_args is None
    assert options['meta'].cmake_args == ['-DA=1', '-DB=2']
    assert options['meta'].catkin_cmake_args == ['-DC=3']
    assert options['meta'].run_tests is True
    # the command line's list is copied, never extended in place
    assert args.cmake_args == ['-DA=1']

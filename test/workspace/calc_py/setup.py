# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from setuptools import setup

package_name = 'calc_py'

setup(
    name=package_name,
    version='0.5.0',
    packages=[package_name],
    data_files=[
        ('share/ament_index/resource_index/packages',
         ['resource/' + package_name]),
        ('share/' + package_name, ['package.xml']),
    ],
    install_requires=['setuptools'],
    zip_safe=True,
    entry_points={
        'console_scripts': ['calc_py = calc_py.main:main'],
    },
)

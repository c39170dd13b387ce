# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

"""
Build real ROS packages from Debian's source archive into debs, use them.

ros-urdf gives the catkin packages urdf and urdf_parser_plugin (urdf
depends on it), ros-vision-opencv gives cv_bridge and image_geometry.
"""

from pathlib import Path
import subprocess

from docker_helpers import colcon_deb
from docker_helpers import INSTALL_FROM_REPOSITORY
from docker_helpers import run_in_clean_container
import pytest

pytestmark = pytest.mark.docker

HERE = Path(__file__).parent
# downloads are kept between runs; the folder is ignored by git
SOURCE_CACHE = HERE / '.cache' / 'ros-sources'
PACKAGES = ('urdf', 'urdf_parser_plugin', 'cv_bridge', 'image_geometry')


@pytest.fixture(scope='module')
def built(docker_engine, tmp_path_factory):
    workspace = tmp_path_factory.mktemp('ros') / 'ws'
    subprocess.run(
        [str(HERE / 'fetch_ros_sources.sh'), str(workspace),
         str(SOURCE_CACHE)], check=True)
    completed = colcon_deb(workspace, '--parallel-workers', '2')
    return workspace / 'deb', completed.stdout


def test_every_package_has_a_deb(built):
    repository, output = built
    names = {path.name.split('_')[0] for path in repository.glob('*.deb')}
    assert names >= {
        f"ros-noetic-{name.replace('_', '-')}" for name in PACKAGES}
    # urdf was built after the package it depends on
    assert output.index('Finished <<< urdf_parser_plugin') < \
        output.index('Starting >>> urdf\n')


def test_debs_install_and_work_in_a_clean_container(built, docker_engine):
    repository, _ = built
    script = INSTALL_FROM_REPOSITORY + """
apt-get install -y -q --no-install-recommends \
  ros-noetic-urdf ros-noetic-urdf-parser-plugin ros-noetic-cv-bridge \
  ros-noetic-image-geometry cmake g++ make
set +u
. /opt/ros/noetic/setup.bash
set -u
test -f /opt/ros/noetic/include/urdf_parser_plugin/parser.h
python3 - <<'PY'
import numpy
from cv_bridge import CvBridge
import image_geometry
image = numpy.zeros((2, 3, 3), numpy.uint8)
msg = CvBridge().cv2_to_imgmsg(image, 'bgr8')
back = CvBridge().imgmsg_to_cv2(msg)
print('roundtrip', msg.width, msg.height, msg.encoding, back.shape)
print('camera', image_geometry.PinholeCameraModel().__class__.__name__)
PY
cp -r /downstream /tmp/downstream
cmake -S /tmp/downstream -B /tmp/downstream/build
cmake --build /tmp/downstream/build
/tmp/downstream/build/downstream_ros
"""
    rc, output = run_in_clean_container(
        docker_engine, repository, script,
        folders={HERE / 'downstream_ros': '/downstream'})
    assert rc == 0, output[-4000:]
    assert 'roundtrip 3 2 bgr8 (2, 3, 3)' in output
    assert 'camera PinholeCameraModel' in output
    assert 'urdf 1 r image 3x2 rgb8' in output

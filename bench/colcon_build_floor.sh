#!/bin/bash
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# The floor: plain colcon build of the workspace (/ws, read-only) inside one
# container of the builder image.  Prints the seconds of installing colcon
# and the system packages of the workspace ("deps"), of the build
# ("build") and of the build with the debs' compiler flags
# ("build_deb_flags") apart.
# Usage: colcon_build_floor.sh WORKERS [SYSTEM_PACKAGE...]
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
now() { python3 -c 'import time; print(time.time())'; }

start=$(now)
workers=$1
shift
apt-get install -y -q --no-install-recommends colcon python3-colcon-cmake \
  python3-colcon-ros python3-colcon-parallel-executor "$@" >/dev/null
deps_end=$(now)
# once as a developer builds (Release), once with the compiler flags the
# debs are built with (those of dpkg-buildflags, -DNDEBUG added as bloom
# does, CMake's build type None: colcon deb's cmake build steps)
cp -r /ws /tmp/ws
cd /tmp/ws
rm -rf deb log
build_start=$(now)
colcon build --parallel-workers "$workers" \
  --cmake-args -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  >/tmp/build.log 2>&1 || { cat /tmp/build.log; exit 1; }
build_end=$(now)
rm -rf build install log
eval "$(DEB_CXXFLAGS_MAINT_APPEND=-DNDEBUG dpkg-buildflags --export=sh)"
flags_start=$(now)
colcon build --parallel-workers "$workers" \
  --cmake-args -DCMAKE_BUILD_TYPE=None -DBUILD_TESTING=OFF \
  >/tmp/build.log 2>&1 || { cat /tmp/build.log; exit 1; }
python3 -c "print('deps', $deps_end - $start)
print('build', $build_end - $build_start)
print('build_deb_flags', $(now) - $flags_start)"

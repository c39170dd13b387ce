#!/bin/bash
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# The floor: plain colcon build of the workspace (/ws, read-only) inside one
# container of the builder image.  Prints the seconds of installing colcon
# and the system packages of the workspace ("deps") and of the build
# ("build") apart.
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
cp -r /ws /tmp/ws
cd /tmp/ws
rm -rf deb log
build_start=$(now)
colcon build --parallel-workers "$workers" \
  --cmake-args -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  >/tmp/build.log 2>&1 || { cat /tmp/build.log; exit 1; }
python3 -c "print('deps', $deps_end - $start)
print('build', $(now) - $build_start)"

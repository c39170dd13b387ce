#!/bin/bash
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# The bloom loop, inside one container of the builder image: for each
# package in build order, bloom-generate rosdebian, fakeroot debian/rules
# binary, and install the deb before the next package.
# The workspace's system packages are installed before, not timed.
# Usage: bloom_loop.sh DISTRO "SYSTEM_PACKAGE..." PACKAGE...  (the workspace
# is /ws, read-only; rosdep rule files in /rosdep)
set -euo pipefail
distro=$1
system=$2
shift 2
export DEBIAN_FRONTEND=noninteractive

# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends python3-bloom debhelper dh-python \
  fakeroot $system >/dev/null

# rosdep: the workspace's packages as ros-<distro>-<name> debs, then the
# rule files of the tests; a local rosdistro index that knows the distribution
mkdir -p /tmp/rosdep /tmp/index
for pkg in "$@"; do
  printf '%s:\n  debian: [ros-%s-%s]\n' "$pkg" "$distro" "${pkg//_/-}"
done > /tmp/rosdep/workspace.yaml
cat > /tmp/index/index.yaml <<EOI
%YAML 1.1
---
distributions:
  $distro:
    distribution: [file:///tmp/index/distribution.yaml]
    distribution_status: active
    distribution_type: ros1
    python_version: 3
type: index
version: 4
EOI
cat > /tmp/index/distribution.yaml <<EOI
%YAML 1.1
---
release_platforms:
  debian: [bookworm]
repositories: {}
type: distribution
version: 2
EOI
export ROSDISTRO_INDEX_URL=file:///tmp/index/index.yaml
rm -f /etc/ros/rosdep/sources.list.d/*.list
printf 'yaml file://%s\n' /tmp/rosdep/workspace.yaml /rosdep/system.yaml \
  /usr/share/python3-rosdep2/debian.yaml \
  > /etc/ros/rosdep/sources.list.d/00-bench.list
rosdep update >/dev/null

cp -r /ws /tmp/ws
start=$(python3 -c 'import time; print(time.time())')
for pkg in "$@"; do
  cd "/tmp/ws/$pkg"
  bloom-generate rosdebian --ros-distro "$distro" --os-name debian \
    --os-version bookworm >/tmp/bloom.log 2>&1 || {
    cat /tmp/bloom.log; exit 1; }
  fakeroot debian/rules binary >/tmp/rules.log 2>&1 || {
    cat /tmp/rules.log; exit 1; }
  apt-get install -y -q ../ros-"$distro"-*.deb >/tmp/apt.log 2>&1 || {
    cat /tmp/apt.log; exit 1; }
  rm ../ros-"$distro"-*.deb
done
python3 -c "import time; print('loop', time.time() - $start)"

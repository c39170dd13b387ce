#!/bin/sh
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# Install the tools every package build needs into the builder image, and
# add the user the build steps run as (the one argument).
# The package lists stay in the image so that a build container only has to
# refresh the local repository of the run, not the whole mirror.
set -eu
build_user="${1:?the user the build steps run as}"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  apt-utils build-essential ca-certificates ccache cmake dpkg-dev file \
  python3 python3-setuptools pkg-config

# A ROS image already has a rosdep (python3-rosdep from the ROS repository);
# a plain Debian or Ubuntu image gets the distribution's rosdep.
if ! command -v rosdep >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends python3-rosdep2 || \
    apt-get install -y --no-install-recommends python3-rosdep
fi
# rosdep init fetches the default sources list; without network the run
# still works with the rule files given by --rosdep-source
if [ ! -d /etc/ros/rosdep/sources.list.d ] || \
    [ -z "$(ls -A /etc/ros/rosdep/sources.list.d)" ]; then
  rosdep init || echo 'rosdep init failed; continuing without defaults'
fi
# keep apt's cache of the package lists: every build container reads them
rm -f /var/cache/apt/archives/*.deb
apt-cache gencaches
# a system user without a home in the image: a build gets one in its work
# folder
if ! id "$build_user" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --shell /usr/sbin/nologin \
    "$build_user"
fi

#!/bin/bash
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# Make a Debian base image from the package mirror when it is missing: there
# is no container registry to pull it from.
# Usage: make_base_image.sh TAG [ARCHITECTURE]
# An architecture other than the host's (arm64) needs QEMU's binfmt
# handlers; the image then holds that architecture's files, though Docker
# 20.10 records the host's in its config (colcon deb looks inside).
set -euo pipefail
tag=${1:-debian:bookworm}
arch=${2:-$(dpkg --print-architecture)}
suite=${tag#*:}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag exists"
  exit 0
fi
mirror=$(awk '/^URIs:/ {print $2; exit}' \
  /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --arch="$arch" "$suite" "$rootfs" "$mirror" \
  >/dev/null
tar -C "$rootfs" -c . | docker import - "$tag"
echo "made base image $tag ($arch) from $mirror"

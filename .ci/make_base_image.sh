#!/bin/bash
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

# Make a Debian base image from the package mirror when it is missing: there
# is no container registry to pull it from.  Usage: make_base_image.sh TAG
set -euo pipefail
tag=${1:-debian:bookworm}
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
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >/dev/null
tar -C "$rootfs" -c . | docker import - "$tag"
echo "made base image $tag from $mirror"

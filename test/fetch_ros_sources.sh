#!/bin/bash
# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0
#
# Fetch real catkin packages for the tests from Debian's source archive.
#
# Usage: fetch_ros_sources.sh DEST [CACHE]
#
# Downloads the upstream .orig tarballs of the Debian source packages
# ros-urdf (urdf, urdf_parser_plugin) and ros-vision-opencv (cv_bridge,
# image_geometry) into CACHE (default: DEST/cache) and unpacks the catkin
# package folders to DEST/src/<source package>/<package>.
# Tarballs already in CACHE (checked against their .dsc) are not downloaded
# again. deb-src is enabled only for this script, in a temporary apt
# configuration: the host's apt sources and lists are left alone.
#
# Environment: DEBIAN_MIRROR (default: the host's Debian mirror),
# DEBIAN_SUITE (default: VERSION_CODENAME of /etc/os-release).
set -eu

usage="usage: $0 DEST [CACHE]"
dest=${1:?$usage}
cache=${2:-$dest/cache}

# Debian source package -> catkin packages taken from its .orig tarball
packages_of() {
  case $1 in
    ros-urdf) echo 'urdf urdf_parser_plugin' ;;
    ros-vision-opencv) echo 'cv_bridge image_geometry' ;;
    *) return 1 ;;
  esac
}
sources='ros-urdf ros-vision-opencv'

mkdir -p "$dest/src" "$cache"
dest=$(cd "$dest" && pwd)
cache=$(cd "$cache" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Print "SHA256 FILENAME" of the .orig tarball listed in a .dsc file.
orig_of_dsc() {
  awk '/^Checksums-Sha256:/ {s = 1; next}
       s && /^ / {if ($3 ~ /\.orig\.tar\./) {print $1, $3; exit}; next}
       {s = 0}' "$1"
}

# Print the .orig tarball of source package $1 in folder $2 if it is there
# and matches the checksum in the .dsc next to it (newest version first).
verified_orig() {
  local dsc sum name
  for dsc in $(cd "$2" && ls -1 -- "$1"_*.dsc 2>/dev/null | sort -rV); do
    read -r sum name <<<"$(orig_of_dsc "$2/$dsc")" || true
    [ -n "${name:-}" ] && [ -f "$2/$name" ] || continue
    if [ "$(sha256sum "$2/$name" | cut -d' ' -f1)" = "$sum" ]; then
      echo "$2/$name"
      return 0
    fi
  done
  return 1
}

# --- apt with a private configuration (only used when downloading) ------
apt_opts=()
apt_ready=
setup_apt() {
  [ -z "$apt_ready" ] || return 0
  local suite mirror signed_by='' opts=''
  suite=${DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
  [ -n "$suite" ] || { echo "cannot tell the Debian suite, set DEBIAN_SUITE" >&2; exit 1; }
  mirror=${DEBIAN_MIRROR:-}
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # first deb822 stanza of type deb for the suite
    read -r mirror signed_by <<<"$(awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
          split(uris, u, " "); print u[1], signed; found = 1; exit
        }
        types = uris = suites = signed = ""
      }
      /^[ \t]*$/ {flush(); next}
      /^Types:/ {sub(/^Types:[ \t]*/, ""); types = $0}
      /^URIs:/ {sub(/^URIs:[ \t]*/, ""); uris = $0}
      /^Suites:/ {sub(/^Suites:[ \t]*/, ""); suites = $0}
      /^Signed-By:/ {sub(/^Signed-By:[ \t]*/, ""); signed = $0}
      END {if (!found) flush()}' /etc/apt/sources.list.d/debian.sources)" || true
  fi
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk -v suite="$suite" '$1 == "deb" {
        i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++
        if ($2 ~ /^\[/) i++
        if ($(i + 1) == suite) {print $i; exit}
      }' /etc/apt/sources.list)
  fi
  mirror=${mirror:-http://deb.debian.org/debian}
  case $signed_by in
    /*) opts="[signed-by=$signed_by] " ;;
  esac

  mkdir -p "$tmp/apt/lists/partial" "$tmp/apt/cache/archives/partial" \
    "$tmp/apt/sources.list.d"
  {
    echo "deb-src $opts$mirror $suite main"
    # binary index only if a tool has to be installed (xz-utils)
    if [ -n "${1:-}" ]; then echo "deb $opts$mirror $suite main"; fi
  } >"$tmp/apt/sources.list"
  apt_opts=(
    -o "Dir::Etc::SourceList=$tmp/apt/sources.list"
    -o "Dir::Etc::SourceParts=$tmp/apt/sources.list.d"
    -o "Dir::State::Lists=$tmp/apt/lists"
    -o "Dir::Cache=$tmp/apt/cache"
    -o "Acquire::Languages=none"
    -o "APT::Get::Update::SourceListWarnings::NonFreeFirmware=false"
  )
  if [ "$(id -u)" = 0 ]; then
    # the private folders are not readable by the _apt sandbox user
    apt_opts+=(-o "APT::Sandbox::User=root")
  fi
  echo "updating private apt lists from $mirror $suite" >&2
  apt-get -q "${apt_opts[@]}" update >"$tmp/apt-update.log" 2>&1 || {
    cat "$tmp/apt-update.log" >&2
    exit 1
  }
  apt_ready=1
}

# --- download the .orig tarballs unless cached --------------------------
declare -A orig
for src in $sources; do
  if orig[$src]=$(verified_orig "$src" "$cache"); then
    echo "cached: ${orig[$src]}" >&2
    continue
  fi
  setup_apt
  mkdir -p "$tmp/dl/$src"
  # The Debian part (.debian.tar.*) is missing on some mirrors: apt-get then
  # fails although the .dsc and the .orig tarball arrived; the checksum
  # check below decides.
  rc=0
  (cd "$tmp/dl/$src" && apt-get -q "${apt_opts[@]}" source --download-only "$src") \
    >"$tmp/dl/$src.log" 2>&1 || rc=$?
  if ! found=$(verified_orig "$src" "$tmp/dl/$src"); then
    cat "$tmp/dl/$src.log" >&2
    echo "error: no .orig tarball of $src downloaded (apt-get exit code $rc)" >&2
    exit 1
  fi
  if [ "$rc" != 0 ]; then
    echo "note: apt-get source $src exited with $rc, .orig tarball is fine:" >&2
    grep -E '^(E|Err):' "$tmp/dl/$src.log" | sed 's/^/  /' >&2 || true
  fi
  dsc=$(cd "$tmp/dl/$src" && ls -1 -- "$src"_*.dsc | sort -rV | head -n1)
  cp -- "$found" "$tmp/dl/$src/$dsc" "$cache/"
  orig[$src]=$cache/$(basename "$found")
  echo "downloaded: ${orig[$src]}" >&2
done

# --- unpack -------------------------------------------------------------
need_xz=
for src in $sources; do
  case ${orig[$src]} in *.xz) command -v xz >/dev/null || need_xz=1 ;; esac
done
if [ -n "$need_xz" ]; then
  [ "$(id -u)" = 0 ] || { echo "error: xz is missing (install xz-utils)" >&2; exit 1; }
  echo "installing xz-utils to unpack .tar.xz" >&2
  apt_ready=
  setup_apt with-binary
  DEBIAN_FRONTEND=noninteractive apt-get -q "${apt_opts[@]}" install -y \
    --no-install-recommends xz-utils >"$tmp/apt-install.log" 2>&1 || {
    cat "$tmp/apt-install.log" >&2
    exit 1
  }
fi

for src in $sources; do
  mkdir -p "$tmp/x/$src"
  tar -xf "${orig[$src]}" -C "$tmp/x/$src" --no-same-owner
  rm -rf "${dest:?}/src/$src"
  mkdir -p "$dest/src/$src"
  for pkg in $(packages_of "$src"); do
    xml=$(find "$tmp/x/$src" -maxdepth 3 -path "*/$pkg/package.xml" | head -n1)
    if [ -z "$xml" ]; then
      echo "error: no package $pkg in ${orig[$src]}" >&2
      exit 1
    fi
    mv "$(dirname "$xml")" "$dest/src/$src/$pkg"
    echo "$pkg $dest/src/$src/$pkg"
  done
done
echo "ROS packages are in $dest/src" >&2

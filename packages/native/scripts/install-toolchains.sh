#!/bin/sh
# Installs, from Debian's (or Ubuntu's) own packages, the compilers that
# `pnpm --filter @iouring/native prebuild` uses for the targets other than
# the machine's own: musl-gcc (linux-x64 musl) and the aarch64 cross gcc with
# its glibc (linux-arm64 glibc). readelf and strip come with binutils.
# Run as root (or through sudo) on an x86-64 Debian or Ubuntu.
set -eu
packages="musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu binutils"
if [ "$(id -u)" -ne 0 ]; then exec sudo "$0" "$@"; fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages

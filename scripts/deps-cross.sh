#!/bin/sh
# Install what `make ARCH=arm64` (cross-build), `make check-arm64-unit`
# (the unit tests under qemu-aarch64) and `make vmcheck ARCH=arm64` need on
# Debian/Ubuntu (x86_64 host); does nothing when everything is there. Run
# as root (or with sudo available). `make deps` (the native build) is
# separate: run it first.
#
#   gcc-aarch64-linux-gnu          the cross compiler, binutils and arm64 libc
#   libelf-dev:arm64 zlib1g-dev:arm64   arm64 multiarch libraries (libelf.a and
#                                  libz.a for the static command); they bring
#                                  linux-libc-dev:arm64, the arm64 asm/ headers
#                                  (syscall numbers)
#   libcmocka-dev:arm64            the unit tests, built for arm64
#   qemu-user                      qemu-aarch64, to run them on this host
#   qemu-system-arm                qemu-system-aarch64, for make vmcheck ARCH=arm64
#   busybox-static:arm64 is not installed (it would replace the host's
#   busybox-static): vm/ fetches its .deb into the VM work dir instead.
set -eu

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
need=""
have_cmd aarch64-linux-gnu-gcc || need="$need gcc-aarch64-linux-gnu"
for p in libelf-dev:arm64 zlib1g-dev:arm64 libcmocka-dev:arm64; do
	have_pkg "$p" || need="$need $p"
done
have_cmd qemu-aarch64 || have_cmd qemu-aarch64-static || need="$need qemu-user"
have_cmd qemu-system-aarch64 || need="$need qemu-system-arm"

if [ -z "$need" ]; then
	echo "deps-cross: everything is installed"
	exit 0
fi
echo "deps-cross: installing:$need"
export DEBIAN_FRONTEND=noninteractive
added=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps-cross: dpkg --add-architecture arm64"
	$SUDO dpkg --add-architecture arm64
	added=1
fi
if [ "$added" = 1 ] || ! apt-cache show libelf-dev:arm64 >/dev/null 2>&1; then
	$SUDO apt-get update -qq
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need

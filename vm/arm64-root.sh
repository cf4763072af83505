#!/bin/bash
# arm64-root.sh — the arm64 root tree that the guest of `make vmcheck
# ARCH=arm64` runs in (the x86_64 guest uses the host's own /; an arm64 guest
# needs arm64 programs: bash, coreutils, grep, sed, awk, python3 for the tests'
# JSON checks, procps, iproute2, util-linux's setpriv and flock, binutils'
# readelf (the static-command test), busybox for the initramfs). Made once
# from Debian's archive, cached in $VM_WORK/arm64-root.
#
# How: debootstrap --foreign (first stage only: download and unpack; the
# second stage would have to run arm64 programs), then every downloaded
# package unpacked over the tree (dpkg-deb | tar, keeping the merged-/usr
# symlinks), then what maintainer scripts would have done that the tests
# need: /usr/bin/awk, /etc/passwd and /etc/group. Nothing is configured
# with dpkg; the tree is only ever read by the guest (through an overlay).
# Prints the tree's path as the last line of stdout.
#
# Environment: VM_WORK=/var/tmp/vm-kernel, SUITE=bookworm,
#   MIRROR=http://deb.debian.org/debian, VM_AUTO_INSTALL=1 (apt-get install
#   debootstrap if missing).
set -euo pipefail
VM_WORK=${VM_WORK:-/var/tmp/vm-kernel}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
VM_AUTO_INSTALL=${VM_AUTO_INSTALL:-1}
PKGS=python3,procps,iproute2,busybox-static,binutils
dir=$VM_WORK/arm64-root
tmp=$VM_WORK/arm64-root.new
log() { echo ">> $*" >&2; }
want="$SUITE $PKGS"

if [ -f "$dir/.tpbpf-root" ] && [ "$(cat "$dir/.tpbpf-root")" = "$want" ]; then
	echo "$dir"
	exit 0
fi
if ! command -v debootstrap >/dev/null; then
	[ "$VM_AUTO_INSTALL" = 1 ] || { log "no debootstrap (apt-get install debootstrap)"; exit 2; }
	apt-get install -o DPkg::Lock::Timeout=600 -y --no-install-recommends debootstrap >&2
fi
t=$(date +%s)
if [ ! -f "$tmp/.first-stage" ] || [ "$(cat "$tmp/.first-stage")" != "$want" ]; then
	rm -rf "$tmp"
	log "debootstrap --foreign --arch=arm64 --variant=minbase --include=$PKGS $SUITE $tmp"
	debootstrap --foreign --arch=arm64 --variant=minbase --include="$PKGS" "$SUITE" "$tmp" "$MIRROR" >&2
	echo "$want" >"$tmp/.first-stage"
fi
log "unpacking $(ls "$tmp"/var/cache/apt/archives/*.deb | wc -l) packages"
for deb in "$tmp"/var/cache/apt/archives/*.deb; do
	dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$tmp"
done
# What maintainer scripts would have made (the tests use awk, setpriv to
# "nobody", and ps/kill by name).
# debootstrap --foreign leaves proc as a symlink to /proc: the guest
# mounts proc there, so it must be a directory.
[ -L "$tmp/proc" ] && rm "$tmp/proc"
mkdir -p "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/tmp" "$tmp/run"
[ -e "$tmp/usr/bin/awk" ] || ln -s mawk "$tmp/usr/bin/awk"
[ -s "$tmp/etc/passwd" ] || cp "$tmp/usr/share/base-passwd/passwd.master" "$tmp/etc/passwd"
[ -s "$tmp/etc/group" ] || cp "$tmp/usr/share/base-passwd/group.master" "$tmp/etc/group"
[ -e "$tmp/usr/bin/python3" ] || ln -s python3.11 "$tmp/usr/bin/python3"
[ -x "$tmp/bin/busybox" ] || { log "no busybox in $tmp"; exit 1; }
file -bL "$tmp/bin/bash" | grep -q aarch64 || { log "$tmp/bin/bash is not an arm64 program"; exit 1; }
echo "$want" >"$tmp/.tpbpf-root"
rm -rf "$dir"
mv "$tmp" "$dir"
log "arm64 root in $dir ($(du -sm "$dir" | cut -f1) MB) in $(($(date +%s) - t))s"
echo "$dir"

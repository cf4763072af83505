#!/bin/sh
# Install what tpbpf needs to build and test on Debian/Ubuntu; does nothing
# when everything is there. Run as root (or with sudo available).
set -eu

need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Compilers: a C compiler, clang for the BPF target, llvm for llvm-objdump.
have_cmd cc || need="$need gcc"
have_cmd make || need="$need make"
if ! have_cmd clang && ! have_cmd clang-14; then need="$need clang"; fi
if ! have_cmd llvm-objdump && ! have_cmd llvm-objdump-14; then need="$need llvm"; fi
# The integration tests check --json output with python3's json module.
have_cmd python3 || need="$need python3"
# Libraries and headers: libelf, cmocka (unit tests), the kernel's uapi headers,
# and libbpf's BPF-side headers (bpf/bpf_helpers.h), which the test objects
# written in libbpf's style include; tpbpf itself does not link libbpf.
for p in libelf-dev libcmocka-dev linux-libc-dev libbpf-dev pkg-config; do
	have_pkg "$p" || need="$need $p"
done

if [ -z "$need" ]; then
	echo "deps: everything is installed"
	exit 0
fi
echo "deps: installing:$need"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need

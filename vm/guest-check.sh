#!/bin/bash
# Runs inside the vmcheck guest, as root, in the project directory: make
# sure the kernel has no BTF (the point of the lane), then run the
# integration tests. Exit 99 if the kernel has BTF.
echo "guest: kernel $(uname -r), $(nproc) cpus, ulimit -l $(ulimit -l) (KiB; the kernel's default, not raised)"
if [ -e /sys/kernel/btf/vmlinux ]; then
	echo "guest: ERROR: /sys/kernel/btf/vmlinux EXISTS: this kernel has BTF; vmcheck must run without it"
	exit 99
fi
echo "guest: /sys/kernel/btf/vmlinux absent (no BTF), as vmcheck wants"
tests/run.sh integration

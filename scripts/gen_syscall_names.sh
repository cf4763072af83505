#!/bin/sh
# Writes a C table of system call names indexed by number, from the
# system's own <asm/unistd.h>: SYSCALL_NAME(nr, "name") lines.
# usage: gen_syscall_names.sh CC > syscall_names.h
set -eu
cc=${1:-cc}
echo "/* generated from <asm/unistd.h> by scripts/gen_syscall_names.sh */"
echo '#include <asm/unistd.h>' | $cc -dM -E - |
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/\2 \1/p' |
	sort -n |
	while read -r nr name; do
		echo "SYSCALL_NAME($nr, \"$name\")"
	done

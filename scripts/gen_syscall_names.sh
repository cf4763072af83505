#!/bin/sh
# Writes a C table of system call names indexed by number, from the
# <asm/unistd.h> of the compiler given (the host's cc, or a cross compiler
# such as aarch64-linux-gnu-gcc for another architecture's table):
# SYSCALL_NAME(nr, "name") lines, sorted by number.
#
# Most numbers are written as numbers. The generic table that arm64 (and
# other newer architectures) use also names some calls through another
# macro (__NR_fcntl -> __NR3264_fcntl -> 25): those are followed to their
# number. __NR_syscalls (the count) and __NR_arch_specific_syscall (the
# start of a range) are not system calls and are left out.
# usage: gen_syscall_names.sh CC > syscall_names.h
set -eu
cc=${1:-cc}
echo "/* generated from <asm/unistd.h> ($cc) by scripts/gen_syscall_names.sh */"
echo '#include <asm/unistd.h>' | $cc -dM -E - |
	awk '$1 == "#define" && $2 ~ /^__NR/ && NF == 3 { def[$2] = $3 }
	END {
		for (m in def) {
			if (m !~ /^__NR_[a-z0-9_]+$/ || m == "__NR_syscalls" || m == "__NR_arch_specific_syscall")
				continue
			v = def[m]
			for (i = 0; i < 8 && (v in def); i++)
				v = def[v]
			if (v ~ /^[0-9]+$/)
				print v, substr(m, 6)
		}
	}' |
	sort -n |
	while read -r nr name; do
		echo "SYSCALL_NAME($nr, \"$name\")"
	done

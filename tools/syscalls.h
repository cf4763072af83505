/* SPDX-License-Identifier: MIT */
/*
 * System call names and numbers of the architecture tpbpf was built for
 * (from <asm/unistd.h> at build time: build/gen/syscall_names.h).
 *
 * Not named syscall_names.h: that is the generated table, and a header of
 * the same name here would hide it from tools/syscall_names.c.
 */
#ifndef TPBPF_SYSCALLS_H
#define TPBPF_SYSCALLS_H

/* "getppid" for 110 on x86_64; NULL if NR has no name here ("[NR]"). */
const char *syscall_name(long nr);
/* 110 for "getppid" on x86_64; -1 if NAME is no system call here. */
long syscall_number(const char *name);

#endif

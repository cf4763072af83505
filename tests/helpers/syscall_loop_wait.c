/* SPDX-License-Identifier: MIT */
/*
 * syscall_loop_wait NAME COUNT: print our pid, wait for a line on stdin,
 * then make COUNT getppid or getpgid system calls (raw syscall(2), no libc
 * caching). The wait lets a tracer filter on the pid before the calls.
 *
 * NAME "distinct": COUNT calls of COUNT different numbers that no kernel
 * has (100000, 100001, ...), each failing with ENOSYS: fills count maps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[64];
	long nr, n, step = 0;

	if (argc != 3)
		return fprintf(stderr, "usage: syscall_loop_wait getppid|getpgid|distinct COUNT\n"), 2;
	if (strcmp(argv[1], "getppid") == 0)
		nr = SYS_getppid;
	else if (strcmp(argv[1], "getpgid") == 0)
		nr = SYS_getpgid;
	else if (strcmp(argv[1], "distinct") == 0) {
		nr = 100000;
		step = 1;
	} else
		return fprintf(stderr, "unknown syscall %s\n", argv[1]), 2;
	n = atol(argv[2]);
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return fprintf(stderr, "syscall_loop_wait: no go line on stdin\n"), 1;
	for (long i = 0; i < n; i++)
		syscall(nr + step * i, 0);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * syscall_loop NAME COUNT: make COUNT getppid or getpgid system calls (not
 * the libc wrappers, which may cache), after printing our pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long nr, n;

	if (argc != 3)
		return fprintf(stderr, "usage: syscall_loop getppid|getpgid COUNT\n"), 2;
	if (strcmp(argv[1], "getppid") == 0)
		nr = SYS_getppid;
	else if (strcmp(argv[1], "getpgid") == 0)
		nr = SYS_getpgid;
	else
		return fprintf(stderr, "unknown syscall %s\n", argv[1]), 2;
	n = atol(argv[2]);
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (long i = 0; i < n; i++)
		syscall(nr, 0);
	return 0;
}

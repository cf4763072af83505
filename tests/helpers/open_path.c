/* SPDX-License-Identifier: MIT */
/*
 * open_path [-w FIFO] [-s open|openat|openat2] [-D DIR] [-c] [-m] PATH...
 *
 * Print our pid, then open each PATH with the chosen system call and print
 * its result (the fd, or -errno), one line each.
 *   -w FIFO  before opening, wait for a line on FIFO (so a tracer can attach)
 *   -s NAME  the system call (default openat)
 *   -D DIR   open PATH relative to a descriptor of DIR (openat, openat2)
 *   -c       create the file (O_CREAT|O_WRONLY) instead of reading it
 *   -m       first create the missing parent directories of each PATH
 * Exit status 77: this machine has no such system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void make_parents(const char *path)
{
	char *p = strdup(path);

	if (!p)
		exit(1);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			perror("mkdir");
			exit(1);
		}
		*s = '/';
	}
	free(p);
}

static void wait_for_line(const char *fifo)
{
	FILE *f = fopen(fifo, "r");
	char line[64];

	if (!f || !fgets(line, sizeof(line), f)) {
		perror(fifo);
		exit(1);
	}
	fclose(f);
}

static long open_with(const char *sc, int dirfd, const char *path, int flags)
{
	if (strcmp(sc, "openat") == 0)
		return syscall(SYS_openat, dirfd, path, flags, 0644);
	if (strcmp(sc, "open") == 0) {
#ifdef SYS_open
		return syscall(SYS_open, path, flags, 0644);
#else
		exit(77);
#endif
	}
	if (strcmp(sc, "openat2") == 0) {
#ifdef SYS_openat2
		struct open_how how = { .flags = (__u64)flags, .mode = 0644 };

		return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
#else
		exit(77);
#endif
	}
	fprintf(stderr, "unknown system call %s\n", sc);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *fifo = NULL, *sc = "openat", *dir = NULL;
	int flags = O_RDONLY | O_CLOEXEC, dirfd = AT_FDCWD, c;
	int parents = 0;

	while ((c = getopt(argc, argv, "w:s:D:cm")) != -1) {
		switch (c) {
		case 'w': fifo = optarg; break;
		case 's': sc = optarg; break;
		case 'D': dir = optarg; break;
		case 'c': flags = O_WRONLY | O_CREAT | O_CLOEXEC; break;
		case 'm': parents = 1; break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return fprintf(stderr, "usage: open_path [-w FIFO] [-s SYSCALL] [-D DIR] [-c] [-m] PATH...\n"), 2;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (dir && (dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return perror(dir), 1;
	for (int i = optind; parents && i < argc; i++)
		make_parents(argv[i]);
	if (fifo)
		wait_for_line(fifo);
	for (int i = optind; i < argc; i++) {
		long fd = open_with(sc, dirfd, argv[i], flags);

		printf("%ld\n", fd < 0 ? -(long)errno : fd);
		if (fd >= 0)
			close((int)fd);
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * System call number <-> name, from the table that the build generates
 * out of the system's <asm/unistd.h> (scripts/gen_syscall_names.sh), so
 * the names are those of the architecture the command runs on.
 */
#include <stddef.h>
#include <string.h>

#include "syscalls.h"

struct syscall_entry {
	long nr;
	const char *name;
};

/* Sorted by number: the script sorts its lines. */
static const struct syscall_entry syscall_table[] = {
#define SYSCALL_NAME(nr, name) { nr, name },
#include "syscall_names.h"
#undef SYSCALL_NAME
};

#define SYSCALL_COUNT (sizeof(syscall_table) / sizeof(syscall_table[0]))

const char *syscall_name(long nr)
{
	size_t lo = 0, hi = SYSCALL_COUNT;

	/* Binary search: syscount and syslat look up every row they print. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syscall_table[mid].nr == nr)
			return syscall_table[mid].name;
		if (syscall_table[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

long syscall_number(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < SYSCALL_COUNT; i++)
		if (strcmp(syscall_table[i].name, name) == 0)
			return syscall_table[i].nr;
	return -1;
}

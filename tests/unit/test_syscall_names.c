/* SPDX-License-Identifier: MIT */
/*
 * System call names: the table generated from <asm/unistd.h> agrees with
 * the numbers libc's <sys/syscall.h> gives, both ways, and unknown numbers
 * or names are reported as such. tools/ is not in libtpbpf.a, so the file
 * is compiled in here.
 */
#include <string.h>
#include <sys/syscall.h>

#include "unit.h"
#include "../../tools/syscall_names.c"

static void test_known_numbers(void **state)
{
	(void)state;
	assert_string_equal(syscall_name(SYS_getppid), "getppid");
	assert_string_equal(syscall_name(SYS_read), "read");
	assert_string_equal(syscall_name(SYS_openat), "openat");
	assert_string_equal(syscall_name(SYS_nanosleep), "nanosleep");
	assert_string_equal(syscall_name(SYS_clock_nanosleep), "clock_nanosleep");
	assert_string_equal(syscall_name(SYS_exit_group), "exit_group");
}

/*
 * Calls that arm64's generic table names through a second macro
 * (__NR_fcntl -> __NR3264_fcntl -> 25) are named too, on every architecture,
 * and the table's two non-calls (the count, a range start) are not names.
 */
static void test_aliased_numbers(void **state)
{
	(void)state;
	assert_string_equal(syscall_name(SYS_fcntl), "fcntl");
	assert_string_equal(syscall_name(SYS_lseek), "lseek");
	assert_string_equal(syscall_name(SYS_mmap), "mmap");
	assert_string_equal(syscall_name(SYS_fstat), "fstat");
	assert_string_equal(syscall_name(SYS_ftruncate), "ftruncate");
	assert_int_equal(syscall_number("fcntl"), SYS_fcntl);
	assert_int_equal(syscall_number("syscalls"), -1);
	assert_int_equal(syscall_number("arch_specific_syscall"), -1);
}

static void test_known_names(void **state)
{
	(void)state;
	assert_int_equal(syscall_number("getppid"), SYS_getppid);
	assert_int_equal(syscall_number("read"), SYS_read);
	assert_int_equal(syscall_number("clock_nanosleep"), SYS_clock_nanosleep);
	assert_int_equal(syscall_number("exit_group"), SYS_exit_group);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_null(syscall_name(-1));
	assert_null(syscall_name(100000));
	assert_null(syscall_name(-100000));
	assert_int_equal(syscall_number("no_such_call"), -1);
	assert_int_equal(syscall_number(""), -1);
	assert_int_equal(syscall_number(NULL), -1);
	/* whole names only */
	assert_int_equal(syscall_number("getppi"), -1);
	assert_int_equal(syscall_number("sys_getppid"), -1);
}

/* Every entry maps back to itself: sorted, no number twice. */
static void test_round_trip(void **state)
{
	(void)state;
	assert_true(SYSCALL_COUNT > 100);
	for (size_t i = 0; i < SYSCALL_COUNT; i++) {
		const struct syscall_entry *e = &syscall_table[i];

		if (i > 0)
			assert_true(syscall_table[i - 1].nr < e->nr);
		assert_ptr_equal(syscall_name(e->nr), e->name);
		assert_int_equal(syscall_number(e->name), e->nr);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_numbers),
		cmocka_unit_test(test_aliased_numbers),
		cmocka_unit_test(test_known_names),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Links through the library API, on the running kernel (root only): one
 * program attached to two tracepoints holds two links; detaching one stops
 * the program there and nowhere else; detaching the object ends the rest.
 * Stopping the object ends every run at once and keeps the links (their
 * perf events) for the detach; with BPF links or without (before 5.15).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unit.h"
#include "internal.h"
#include "tpbpf.h"

static uint64_t count_of(struct tpbpf_object *obj, const char *map)
{
	uint32_t tgid = (uint32_t)getpid();
	uint64_t v = 0;
	int err = tpbpf_map_lookup(tpbpf_object_find_map(obj, map), &tgid, &v);

	if (err && err != -ENOENT)
		fail_msg("%s: %s", map, tpbpf_error_detail());
	return v;
}

/*
 * Why this test cannot load programs here, or NULL when it can: not root,
 * or no bpf(2) at all (ENOSYS: a kernel without CONFIG_BPF_SYSCALL, or
 * qemu-user emulation, which does not pass bpf(2) to the kernel; make
 * check-arm64-unit runs this file that way). Command -1 is refused with
 * EINVAL or EPERM by every kernel that has bpf(2).
 */
static const char *cannot_load(void)
{
	if (geteuid() != 0)
		return "needs root to load programs";
	if (syscall(SYS_bpf, -1, NULL, 0) < 0 && errno == ENOSYS)
		return "no bpf(2) here (ENOSYS: the kernel lacks CONFIG_BPF_SYSCALL, or this is qemu-user emulation, which does not pass bpf(2) on)";
	return NULL;
}

static void calls(int n)
{
	for (int i = 0; i < n; i++) {
		syscall(SYS_getppid);
		syscall(SYS_getpgid, 0);
	}
}

static void test_detach_one_link(void **state)
{
	struct tpbpf_link *ppid_link = NULL, *pgid_link = NULL;
	struct tpbpf_program *prog;
	struct tpbpf_object *obj;

	(void)state;
	if (cannot_load())
		skip_because("%s", cannot_load());
	assert_int_equal(tpbpf_object_open_file(TEST_BPF_DIR "/two_tracepoints.bpf.o", &obj), 0);
	if (tpbpf_object_load(obj))
		fail_msg("load: %s", tpbpf_error_detail());
	prog = tpbpf_object_find_program(obj, "count_both");
	assert_non_null(prog);
	if (tpbpf_program_attach_tracepoint(prog, "syscalls", "sys_enter_getppid", &ppid_link) ||
	    tpbpf_program_attach(prog, "syscalls/sys_enter_getpgid", &pgid_link))
		fail_msg("attach: %s", tpbpf_error_detail());
	assert_int_equal(tpbpf_program_link_count(prog), 2);
	assert_ptr_equal(tpbpf_program_link(prog, 0), ppid_link);
	assert_ptr_equal(tpbpf_link_program(pgid_link), prog);
	assert_string_equal(tpbpf_link_target(ppid_link), "syscalls:sys_enter_getppid");
	assert_true(tpbpf_link_fd(pgid_link) >= 0);

	calls(10);
	assert_int_equal(count_of(obj, "getppid_counts"), 10);
	assert_int_equal(count_of(obj, "getpgid_counts"), 10);

	/* One link gone: the program runs on the other tracepoint only. */
	tpbpf_link_detach(ppid_link);
	assert_int_equal(tpbpf_program_link_count(prog), 1);
	assert_ptr_equal(tpbpf_program_link(prog, 0), pgid_link);
	calls(5);
	assert_int_equal(count_of(obj, "getppid_counts"), 10);
	assert_int_equal(count_of(obj, "getpgid_counts"), 15);

	/* The object's detach ends the rest; its maps stay readable. */
	tpbpf_object_detach(obj);
	assert_int_equal(tpbpf_program_link_count(prog), 0);
	calls(5);
	assert_int_equal(count_of(obj, "getpgid_counts"), 15);
	tpbpf_object_close(obj);
}

static void stop_then_detach(bool perf_links)
{
	struct tpbpf_program *prog;
	struct tpbpf_object *obj;

	if (cannot_load())
		skip_because("%s", cannot_load());
	tpbpf_feature_force_absent(TPBPF_FEAT_PERF_LINK, !perf_links);
	assert_int_equal(tpbpf_object_open_file(TEST_BPF_DIR "/two_tracepoints.bpf.o", &obj), 0);
	if (tpbpf_object_load(obj))
		fail_msg("load: %s", tpbpf_error_detail());
	prog = tpbpf_object_find_program(obj, "count_both");
	if (tpbpf_program_attach(prog, "syscalls/sys_enter_getppid", NULL) ||
	    tpbpf_program_attach(prog, "syscalls/sys_enter_getpgid", NULL))
		fail_msg("attach: %s", tpbpf_error_detail());
	calls(3);
	assert_int_equal(count_of(obj, "getppid_counts"), 3);

	/* Stopped: the program runs nowhere, the links wait for the detach. */
	tpbpf_object_stop(obj);
	calls(4);
	assert_int_equal(count_of(obj, "getppid_counts"), 3);
	assert_int_equal(count_of(obj, "getpgid_counts"), 3);
	assert_int_equal(tpbpf_program_link_count(prog), 2);
	assert_int_equal(tpbpf_link_fd(tpbpf_program_link(prog, 0)), -1);
	/* Twice is harmless. */
	tpbpf_object_stop(obj);

	tpbpf_object_detach(obj);
	assert_int_equal(tpbpf_program_link_count(prog), 0);
	/* Attached again after all that: it runs again. */
	if (tpbpf_program_attach(prog, "syscalls/sys_enter_getppid", NULL))
		fail_msg("attach again: %s", tpbpf_error_detail());
	calls(2);
	assert_int_equal(count_of(obj, "getppid_counts"), 5);
	tpbpf_object_close(obj);
	tpbpf_feature_force_absent(TPBPF_FEAT_PERF_LINK, false);
}

static void test_stop_then_detach(void **state)
{
	(void)state;
	stop_then_detach(true);
}

static void test_stop_then_detach_without_links(void **state)
{
	(void)state;
	stop_then_detach(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detach_one_link),
		cmocka_unit_test(test_stop_then_detach),
		cmocka_unit_test(test_stop_then_detach_without_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The load path against an old kernel, without one: this file's syscall()
 * and {get,set}rlimit() stand in for libc's (the library is linked
 * statically into the test), and answer bpf(2) as a 4.9 kernel would: a
 * bpf_attr longer than 4.9's with its tail set is E2BIG (program and map
 * names came in 4.15), and BPF memory is charged to RLIMIT_MEMLOCK (before
 * 5.11): EPERM until the limit is raised. Asserted: what tpbpf sends, in
 * which order, and the errors it reports.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unit.h"
#include "internal.h"
#include "object.h"

#define END(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* ---- the fake kernel ---------------------------------------------------------- */

static struct {
	bool charged;		/* EPERM while the limit is finite */
	bool refuse_raise;	/* setrlimit fails */
	int verifier_errno;	/* BPF_PROG_LOAD without a name fails so, with a log */
	const char *verifier_log;	/* that log (NULL: an invalid context access) */
	struct rlimit memlock;
	int calls[2][3];	/* [map, prog][E2BIG, EPERM, ok] */
	unsigned int prog_sizes[16];
	int nr_prog_sizes;
} k;

static void reset(void)
{
	memset(&k, 0, sizeof(k));
	k.charged = true;
	k.memlock.rlim_cur = k.memlock.rlim_max = 64 * 1024;
	tpbpf_obj_memlock_reset();
	for (int f = 0; f < TPBPF_FEAT_COUNT; f++)
		tpbpf_feature_forget((enum tpbpf_feature)f);
}

/* Bytes of ATTR past LIMIT that are not zero: 4.9 refuses those with E2BIG. */
static bool tail_set(const void *attr, unsigned int size, size_t limit)
{
	for (size_t i = limit; i < size; i++)
		if (((const unsigned char *)attr)[i])
			return true;
	return false;
}

static long fake_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	int kind = cmd == BPF_MAP_CREATE ? 0 : 1;

	if (cmd != BPF_MAP_CREATE && cmd != BPF_PROG_LOAD) {
		errno = EINVAL;	/* nothing else exists on this "kernel" */
		return -1;
	}
	if (kind == 1 && k.nr_prog_sizes < 16)
		k.prog_sizes[k.nr_prog_sizes++] = size;
	if (tail_set(attr, size, kind == 0 ? END(map_flags) : END(kern_version))) {
		k.calls[kind][0]++;
		errno = E2BIG;
		return -1;
	}
	if (k.charged && k.memlock.rlim_cur != RLIM_INFINITY) {
		k.calls[kind][1]++;
		errno = EPERM;
		return -1;
	}
	if (kind == 1 && k.verifier_errno && attr->insn_cnt > 2) {
		if (attr->log_level && attr->log_size > 64)
			snprintf((char *)(unsigned long)attr->log_buf, attr->log_size, "%s",
				 k.verifier_log ? k.verifier_log :
				 "0: (61) r1 = *(u32 *)(r1 +8)\ninvalid bpf_context access off=8 size=4\nprocessed 1 insns\n");
		errno = k.verifier_errno;
		return -1;
	}
	k.calls[kind][2]++;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);	/* stands for the object */
}

/* bpf(2) is the fake kernel's; anything else goes to libc's syscall(). */
long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == __NR_bpf)
		return fake_bpf((int)a[0], (union bpf_attr *)a[1], (unsigned int)a[2]);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* RLIMIT_MEMLOCK is the fake kernel's; the others are the process's own. */
int getrlimit(__rlimit_resource_t res, struct rlimit *r)
{
	if (res != RLIMIT_MEMLOCK)
		return prlimit(0, res, NULL, r);
	*r = k.memlock;
	return 0;
}

int setrlimit(__rlimit_resource_t res, const struct rlimit *r)
{
	if (res != RLIMIT_MEMLOCK)
		return prlimit(0, res, r, NULL);
	if (k.refuse_raise) {
		errno = EPERM;
		return -1;
	}
	k.memlock = *r;
	return 0;
}

/* ---- the tests ------------------------------------------------------------------ */

static struct tpbpf_object *open_counter(void)
{
	struct tpbpf_object *obj;

	if (tpbpf_object_open_file(TEST_BPF_DIR "/counter_tp.bpf.o", &obj))
		fail_msg("%s", tpbpf_error_detail());
	return obj;
}

/*
 * Names refused with E2BIG, memory charged to the limit: the first map
 * create raises the limit, the probes say names are absent, and every
 * call after goes without a name, in a bpf_attr no longer than 4.9's.
 */
static void test_load_on_4_9(void **state)
{
	struct tpbpf_object *obj;

	(void)state;
	reset();
	obj = open_counter();
	if (tpbpf_object_load(obj))
		fail_msg("load: %s", tpbpf_error_detail());
	assert_int_equal(k.memlock.rlim_cur, RLIM_INFINITY);
	assert_true(k.calls[0][1] == 1);	/* one EPERM: the map before the raise */
	assert_false(tpbpf_feature_present(TPBPF_FEAT_PROG_NAME));
	assert_false(tpbpf_feature_present(TPBPF_FEAT_MAP_NAME));
	/* The program was loaded in the end without a name: a 4.9-sized attr. */
	assert_true(k.nr_prog_sizes >= 2);
	assert_int_equal(k.prog_sizes[k.nr_prog_sizes - 1], END(kern_version));
	assert_int_equal(k.calls[1][2], 1);
	tpbpf_object_close(obj);
}

/*
 * The load fails for another reason once the name is gone: that reason is
 * what the user reads, not the E2BIG of the name.
 */
static void test_real_error_kept(void **state)
{
	struct tpbpf_object *obj;

	(void)state;
	reset();
	k.verifier_errno = EACCES;
	obj = open_counter();
	assert_int_equal(tpbpf_object_load(obj), -EACCES);
	if (!strstr(tpbpf_error_detail(), "invalid bpf_context access") ||
	    strstr(tpbpf_error_detail(), "too large"))
		fail_msg("detail: %s", tpbpf_error_detail());
	tpbpf_object_close(obj);
}

/*
 * 4.9's verifier names a helper it does not have by number alone
 * ("invalid func 45", no '#'): the helper is still named for the user.
 */
static void test_unknown_helper_by_number(void **state)
{
	static const char *const logs[] = {
		"0: (85) call 45\ninvalid func 45\n",
		"0: (85) call 45\nunknown func 45\n",
		"0: (85) call bpf_probe_read_str#45\nunknown func bpf_probe_read_str#45\n",
	};
	struct tpbpf_object *obj;

	(void)state;
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		reset();
		k.verifier_errno = EINVAL;
		k.verifier_log = logs[i];
		obj = open_counter();
		assert_int_equal(tpbpf_object_load(obj), -EINVAL);
		if (!strstr(tpbpf_error_detail(), "helper bpf_probe_read_str (#45) is not available"))
			fail_msg("log %zu: detail: %s", i, tpbpf_error_detail());
		tpbpf_object_close(obj);
	}
	/* A number elsewhere on a later line is not taken for the helper's. */
	reset();
	k.verifier_errno = EINVAL;
	k.verifier_log = "invalid func \n0: (85) call #45\n";
	obj = open_counter();
	assert_int_equal(tpbpf_object_load(obj), -EINVAL);
	if (strstr(tpbpf_error_detail(), "#45) is not available"))
		fail_msg("detail: %s", tpbpf_error_detail());
	tpbpf_object_close(obj);
}

/* 4.9 takes only stack memory for helper buffers: said so, with the register. */
static void test_map_value_buffer_explained(void **state)
{
	struct tpbpf_object *obj;

	(void)state;
	reset();
	k.verifier_errno = EACCES;
	k.verifier_log = "12: (85) call 25\nR4 type=map_value_adj expected=fp\n";
	obj = open_counter();
	assert_int_equal(tpbpf_object_load(obj), -EACCES);
	if (!strstr(tpbpf_error_detail(), "takes only stack memory for a helper's buffer") ||
	    !strstr(tpbpf_error_detail(), "(R4 type=map_value_adj expected=fp)") ||
	    !strstr(tpbpf_error_detail(), "4.19"))
		fail_msg("detail: %s", tpbpf_error_detail());
	tpbpf_object_close(obj);
}

/* The limit cannot be raised: the error says so, with the limit. */
static void test_memlock_refused(void **state)
{
	struct tpbpf_object *obj;

	(void)state;
	reset();
	k.refuse_raise = true;
	obj = open_counter();
	assert_int_equal(tpbpf_object_load(obj), -EPERM);
	if (!strstr(tpbpf_error_detail(), "locked-memory limit (64 KiB here") ||
	    !strstr(tpbpf_error_detail(), "raising it was refused") ||
	    !strstr(tpbpf_error_detail(), "ulimit -l unlimited"))
		fail_msg("detail: %s", tpbpf_error_detail());
	tpbpf_object_close(obj);
}

/* A program load's EPERM raises the limit too (maps may fit in 64 KiB). */
static void test_memlock_raised_by_program_load(void **state)
{
	struct tpbpf_object *obj;

	(void)state;
	reset();
	k.memlock.rlim_cur = k.memlock.rlim_max = 64 * 1024;
	obj = open_counter();
	/* Maps fit: only programs are charged past the limit. */
	k.charged = false;
	assert_int_equal(tpbpf_obj_create_maps(obj), 0);
	k.charged = true;
	for (size_t i = 0; i < obj->nr_progs; i++) {
		assert_int_equal(tpbpf_obj_relocate_program(obj, &obj->progs[i]), 0);
		if (tpbpf_obj_load_program(obj, &obj->progs[i]))
			fail_msg("%s", tpbpf_error_detail());
	}
	assert_int_equal(k.memlock.rlim_cur, RLIM_INFINITY);
	assert_true(k.calls[1][1] >= 1);
	tpbpf_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_on_4_9),
		cmocka_unit_test(test_real_error_kept),
		cmocka_unit_test(test_unknown_helper_by_number),
		cmocka_unit_test(test_map_value_buffer_explained),
		cmocka_unit_test(test_memlock_refused),
		cmocka_unit_test(test_memlock_raised_by_program_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * loader/inspect.c on the objects of tests/bpf/: relocations as the loader
 * will apply them (checked against a real in-memory relocation), load-time
 * constants from the fixture tracefs, and the oldest kernel with reasons.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "object.h"
#include "tpbpf_inspect.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

static struct tpbpf_object *open_test_obj(const char *name, bool debug)
{
	char path[256];
	struct tpbpf_object *obj = NULL;

	snprintf(path, sizeof(path), TEST_BPF_DIR "/%s%s.bpf.o", name, debug ? ".g" : "");
	if (tpbpf_object_open_file(path, &obj))
		fail_msg("open %s: %s", path, tpbpf_error_detail());
	return obj;
}

static int use_fixture_tracefs(void **state)
{
	(void)state;
	return tpbpf_tracefs_set_root(FIXTURES "/tracefs");
}

/* Everything the callbacks saw, copied. */
struct seen {
	struct tpbpf_reloc_info r[64];
	char target[64][128];
	size_t n;
	struct tpbpf_requirement q[64];
	char what[64][128];
	size_t nq;
};

static int keep_reloc(void *ctx, const struct tpbpf_reloc_info *r)
{
	struct seen *s = ctx;

	assert_true(s->n < 64);
	s->r[s->n] = *r;
	snprintf(s->target[s->n], sizeof(s->target[0]), "%s", r->target);
	s->r[s->n].target = s->target[s->n];
	s->n++;
	return 0;
}

static int keep_req(void *ctx, const struct tpbpf_requirement *q)
{
	struct seen *s = ctx;

	assert_true(s->nq < 64);
	s->q[s->nq] = *q;
	snprintf(s->what[s->nq], sizeof(s->what[0]), "%s", q->what);
	s->q[s->nq].what = s->what[s->nq];
	s->q[s->nq].why = NULL;
	s->nq++;
	return 0;
}

static bool has_req(const struct seen *s, const char *what, unsigned int version)
{
	for (size_t i = 0; i < s->nq; i++)
		if (strcmp(s->q[i].what, what) == 0 && s->q[i].version == version)
			return true;
	return false;
}

static int count_subprog(void *ctx, const struct tpbpf_subprog_info *sp)
{
	int *n = ctx;

	assert_true(strcmp(sp->name, "count_call") == 0 || strcmp(sp->name, "bump") == 0);
	(*n)++;
	return 0;
}

/*
 * Two sub-programs and global data: the walk's layout must be the one the
 * real relocation builds, and global data sets the minimum to 5.2.
 */
static void check_subprog_globals(bool debug)
{
	struct tpbpf_object *obj = open_test_obj("subprog_globals", debug);
	struct tpbpf_program *p = tpbpf_object_program(obj, 0);
	struct seen *s = calloc(1, sizeof(*s));
	const struct bpf_insn *insn;
	size_t n, calls = 0, values = 0, fds = 0;
	int nsub = 0, total, min;

	assert_non_null(s);
	assert_int_equal(tpbpf_object_describe_relocs(obj, keep_reloc, s), 0);
	total = tpbpf_program_describe_subprogs(p, count_subprog, &nsub);
	assert_int_equal(nsub, 2);

	/* Applied as loading would, with fds 100 + map index for the maps. */
	for (size_t i = 0; i < obj->nr_maps; i++)
		obj->maps[i].fd = 100 + (int)i;
	assert_int_equal(tpbpf_obj_relocate_program(obj, p), 0);
	for (size_t i = 0; i < obj->nr_maps; i++)
		obj->maps[i].fd = -1;
	insn = tpbpf_program_insns(p, &n);
	assert_int_equal((size_t)total, n);
	for (size_t i = 0; i < s->n; i++) {
		const struct tpbpf_reloc_info *r = &s->r[i];

		assert_true(r->insn < n);
		switch (r->kind) {
		case TPBPF_RELOC_CALL:
			/* the call lands where the walk said */
			assert_int_equal(insn[r->insn].code, CALL);
			assert_int_equal(r->insn + 1 + (size_t)(int64_t)insn[r->insn].imm, r->value);
			calls++;
			break;
		case TPBPF_RELOC_MAP_VALUE:
			assert_int_equal(insn[r->insn].src_reg, BPF_PSEUDO_MAP_VALUE);
			assert_string_equal(tpbpf_map_name(tpbpf_object_map(obj,
				(size_t)(insn[r->insn].imm - 100))), r->target);
			values++;
			break;
		case TPBPF_RELOC_MAP_FD:
			assert_int_equal(insn[r->insn].src_reg, BPF_PSEUDO_MAP_FD);
			assert_string_equal(r->target, "counts");
			fds++;
			break;
		default:
			fail_msg("unexpected relocation kind %d", r->kind);
		}
		if (i)
			assert_true(s->r[i - 1].insn < r->insn);	/* in order */
	}
	assert_int_equal(calls, 2);
	assert_int_equal(values, 3);
	assert_int_equal(fds, 2);

	min = tpbpf_object_requirements(obj, keep_req, s);
	assert_int_equal(min, TPBPF_KVER(5, 2));
	assert_true(has_req(s, "global data", TPBPF_KVER(5, 2)));
	assert_true(has_req(s, "bpf-to-bpf calls", TPBPF_KVER(4, 16)));
	assert_true(has_req(s, "program type tracepoint", TPBPF_KVER(4, 7)));
	assert_true(has_req(s, "helper bpf_get_current_pid_tgid", TPBPF_KVER(4, 2)));
	assert_true(has_req(s, "map type hash", TPBPF_KVER(3, 19)));
	free(s);
	tpbpf_object_close(obj);
}

static void test_subprog_globals(void **state)
{
	(void)state;
	check_subprog_globals(false);
	check_subprog_globals(true);
}

/* Constants resolved from the fixture tracefs, the same as relocation writes. */
static void test_load_consts(void **state)
{
	struct tpbpf_object *obj = open_test_obj("load_consts", false);
	struct seen *s = calloc(1, sizeof(*s));
	int id = tpbpf_tracepoint_id("sched", "sched_switch");
	bool got_id = false, got_off = false, got_magic = false;

	(void)state;
	assert_non_null(s);
	assert_true(id > 0);
	assert_int_equal(tpbpf_object_describe_relocs(obj, keep_reloc, s), 0);
	for (size_t i = 0; i < s->n; i++) {
		const struct tpbpf_reloc_info *r = &s->r[i];

		if (r->kind != TPBPF_RELOC_CONST)
			continue;
		if (strcmp(r->target, "TP_ID sched:sched_switch") == 0) {
			assert_int_equal(r->err, 0);
			assert_int_equal(r->value, (uint64_t)id);
			got_id = true;
		} else if (strcmp(r->target, "TP_FIELD_OFF sched:sched_switch next_pid") == 0) {
			assert_int_equal(r->err, 0);
			assert_int_equal(r->value, 56);
			got_off = true;
		} else if (strcmp(r->target, "TPBPF_CONST magic") == 0) {
			/* no value given: reported, not fatal */
			assert_int_equal(r->err, -ENOENT);
			got_magic = true;
		}
	}
	assert_true(got_id && got_off && got_magic);
	/* Relocation fails for the missing constant; with it, it relocates. */
	assert_int_not_equal(tpbpf_obj_relocate_program(obj, tpbpf_object_program(obj, 0)), 0);
	assert_int_equal(tpbpf_object_set_const(obj, "magic", 41), 0);
	assert_int_equal(tpbpf_obj_relocate_program(obj, tpbpf_object_program(obj, 0)), 0);
	assert_int_equal(tpbpf_object_requirements(obj, NULL, NULL), TPBPF_KVER(4, 7));
	free(s);
	tpbpf_object_close(obj);
}

/* An unreadable tracefs leaves the constants unresolved, with a reason. */
static void test_unresolved_tracefs(void **state)
{
	struct tpbpf_object *obj;
	struct seen *s = calloc(1, sizeof(*s));
	size_t consts = 0;

	(void)state;
	assert_non_null(s);
	assert_int_equal(tpbpf_tracefs_set_root(FIXTURES "/tracefs-empty"), 0);
	obj = open_test_obj("load_consts", false);
	assert_int_equal(tpbpf_object_describe_relocs(obj, keep_reloc, s), 0);
	for (size_t i = 0; i < s->n; i++) {
		if (s->r[i].kind != TPBPF_RELOC_CONST ||
		    strncmp(s->r[i].target, "TP_HAS_FIELD", 12) == 0)
			continue;	/* a missing event has no field: 0, resolved */
		assert_int_not_equal(s->r[i].err, 0);
		consts++;
	}
	assert_true(consts >= 5);
	free(s);
	tpbpf_object_close(obj);
}

/* TP_EVENT_ID() reads the attach cookie: 5.15. */
static void test_cookie_needs_5_15(void **state)
{
	struct tpbpf_object *obj = open_test_obj("two_tracepoints", false);
	struct seen *s = calloc(1, sizeof(*s));

	(void)state;
	assert_non_null(s);
	assert_int_equal(tpbpf_object_requirements(obj, keep_req, s), TPBPF_KVER(5, 15));
	assert_true(has_req(s, "helper bpf_get_attach_cookie", TPBPF_KVER(5, 15)));
	free(s);
	tpbpf_object_close(obj);
}

static void test_kinds_of_programs_and_maps(void **state)
{
	struct tpbpf_object *obj = open_test_obj("all_maps", false);
	struct seen *s = calloc(1, sizeof(*s));

	(void)state;
	assert_non_null(s);
	assert_int_equal(tpbpf_object_requirements(obj, keep_req, s), TPBPF_KVER(4, 10));
	assert_true(has_req(s, "map type lru_hash", TPBPF_KVER(4, 10)));
	assert_true(has_req(s, "map type percpu_array", TPBPF_KVER(4, 6)));
	assert_true(has_req(s, "map type perf_event_array", TPBPF_KVER(4, 3)));
	assert_true(has_req(s, "helper bpf_perf_event_output", TPBPF_KVER(4, 4)));
	tpbpf_object_close(obj);

	memset(s, 0, sizeof(*s));
	obj = open_test_obj("counter_raw", false);
	assert_int_equal(tpbpf_object_requirements(obj, keep_req, s), TPBPF_KVER(4, 17));
	assert_true(has_req(s, "program type raw tracepoint", TPBPF_KVER(4, 17)));
	free(s);
	tpbpf_object_close(obj);
}

/* The helper table's names agree with this system's linux/bpf.h. */
static void test_helper_names(void **state)
{
#define HELPER_NAME(x, ...) #x
	static const char *const uapi[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };

	(void)state;
	for (uint32_t i = 1; i < sizeof(uapi) / sizeof(uapi[0]); i++) {
		if (!tpbpf_helper_name(i))
			fail_msg("helper %u (%s) is not in the table", i, uapi[i]);
		assert_string_equal(tpbpf_helper_name(i), uapi[i]);
		assert_true(tpbpf_helper_since(i) >= TPBPF_KVER(3, 19));
	}
	assert_int_equal(tpbpf_helper_since(BPF_FUNC_probe_read_str), TPBPF_KVER(4, 11));
	assert_int_equal(tpbpf_helper_since(BPF_FUNC_probe_read_user), TPBPF_KVER(5, 5));
	assert_int_equal(tpbpf_helper_since(BPF_FUNC_get_current_comm), TPBPF_KVER(4, 2));
	assert_null(tpbpf_helper_name(100000));
	assert_string_equal(tpbpf_map_type_name(BPF_MAP_TYPE_LRU_HASH), "lru_hash");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subprog_globals),
		cmocka_unit_test_setup(test_load_consts, use_fixture_tracefs),
		cmocka_unit_test(test_unresolved_tracefs),
		cmocka_unit_test(test_cookie_needs_5_15),
		cmocka_unit_test(test_kinds_of_programs_and_maps),
		cmocka_unit_test(test_helper_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

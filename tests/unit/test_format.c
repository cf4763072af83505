/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint format files: layouts copied from a 6.18 kernel, hand-written
 * older and unusual ones, and malformed ones that must fail with the line
 * number and never read past the text (each is parsed from a buffer of
 * exactly its size, with no NUL after it, so ASan sees any overrun).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tpbpf.h"
#include "internal.h"

#define FORMATS FIXTURES "/formats"

#define INT	TPBPF_FIELD_INT
#define CHARS	TPBPF_FIELD_CHAR_ARRAY
#define ARRAY	TPBPF_FIELD_ARRAY
#define PTR	TPBPF_FIELD_POINTER
#define USTR	TPBPF_FIELD_USER_STRING
#define DLOC	TPBPF_FIELD_DATA_LOC
#define RLOC	TPBPF_FIELD_REL_LOC
#define OTHER	TPBPF_FIELD_OTHER

/* What one field must be; "str" is dyn_is_string. */
struct want {
	const char *type, *name;
	enum tpbpf_field_kind kind;
	unsigned int offset, size;
	bool is_signed;
	unsigned int array_len;
	bool str;
};

/* The fields every kernel since 4.x starts its records with. */
#define COMMON \
	{ "unsigned short", "common_type", INT, 0, 2, 0, 0, 0 }, \
	{ "unsigned char", "common_flags", INT, 2, 1, 0, 0, 0 }, \
	{ "unsigned char", "common_preempt_count", INT, 3, 1, 0, 0, 0 }, \
	{ "int", "common_pid", INT, 4, 4, 1, 0, 0 }

/* The file's bytes in a buffer of exactly their size: no NUL after them. */
static char *load(const char *file, size_t *len)
{
	char path[256], *text, *exact;

	snprintf(path, sizeof(path), FORMATS "/%s", file);
	if (tpbpf_read_file(path, &text, len))
		fail_msg("%s: %s", path, tpbpf_error_detail());
	exact = malloc(*len ? *len : 1);
	assert_non_null(exact);
	memcpy(exact, text, *len);
	free(text);
	return exact;
}

static void parse_ok(const char *file, struct tpbpf_format *fmt)
{
	size_t len;
	char *text = load(file, &len);
	int err = tpbpf_format_parse(text, len, fmt);

	free(text);
	if (err)
		fail_msg("%s: %d %s", file, err, tpbpf_error_detail());
}

static void check(const char *file, const char *name, int id,
		  unsigned int fixed_size, const struct want *w, size_t n)
{
	struct tpbpf_format fmt;
	size_t i;

	parse_ok(file, &fmt);
	assert_string_equal(fmt.name, name);
	assert_int_equal(fmt.id, id);
	assert_int_equal(fmt.fixed_size, fixed_size);
	assert_int_equal(fmt.nr_fields, n);
	for (i = 0; i < n; i++) {
		const struct tpbpf_field *f = &fmt.fields[i];

		assert_string_equal(f->name, w[i].name);
		assert_string_equal(f->type, w[i].type);
		if (f->kind != w[i].kind || f->offset != w[i].offset ||
		    f->size != w[i].size || f->is_signed != w[i].is_signed ||
		    f->array_len != w[i].array_len ||
		    f->dyn_is_string != w[i].str)
			fail_msg("%s: field %s: kind %d offset %u size %u signed %d "
				 "array_len %u string %d", file, f->name, f->kind,
				 f->offset, f->size, f->is_signed, f->array_len,
				 f->dyn_is_string);
		assert_int_equal(f->is_common, !strncmp(w[i].name, "common_", 7));
		assert_ptr_equal(tpbpf_format_field(&fmt, w[i].name), f);
	}
	tpbpf_format_free(&fmt);
}

#define CHECK(file, name, id, size, ...) do { \
	static const struct want w[] = { __VA_ARGS__ }; \
	check(file, name, id, size, w, ARRAY_SIZE(w)); \
} while (0)

static void test_sched_switch(void **state)
{
	(void)state;
	/* 6.18: char arrays are unsigned (the kernel builds with -funsigned-char) */
	CHECK("6.18-sched_switch.format", "sched_switch", 372, 64, COMMON,
	      { "char", "prev_comm", CHARS, 8, 16, 0, 16, 0 },
	      { "pid_t", "prev_pid", INT, 24, 4, 1, 0, 0 },
	      { "int", "prev_prio", INT, 28, 4, 1, 0, 0 },
	      { "long", "prev_state", INT, 32, 8, 1, 0, 0 },
	      { "char", "next_comm", CHARS, 40, 16, 0, 16, 0 },
	      { "pid_t", "next_pid", INT, 56, 4, 1, 0, 0 },
	      { "int", "next_prio", INT, 60, 4, 1, 0, 0 });
	CHECK("4.9-sched_switch.format", "sched_switch", 273, 64, COMMON,
	      { "char", "prev_comm", CHARS, 8, 16, 1, 16, 0 },
	      { "pid_t", "prev_pid", INT, 24, 4, 1, 0, 0 },
	      { "int", "prev_prio", INT, 28, 4, 1, 0, 0 },
	      { "long", "prev_state", INT, 32, 8, 1, 0, 0 },
	      { "char", "next_comm", CHARS, 40, 16, 1, 16, 0 },
	      { "pid_t", "next_pid", INT, 56, 4, 1, 0, 0 },
	      { "int", "next_prio", INT, 60, 4, 1, 0, 0 });
	/* PREEMPT_RT-like: more common fields, prev_state an unsigned int */
	CHECK("rt-sched_switch.format", "sched_switch", 316, 64, COMMON,
	      { "unsigned char", "common_migrate_disable", INT, 8, 1, 0, 0, 0 },
	      { "unsigned char", "common_preempt_lazy_count", INT, 9, 1, 0, 0, 0 },
	      { "char", "prev_comm", CHARS, 12, 16, 1, 16, 0 },
	      { "pid_t", "prev_pid", INT, 28, 4, 1, 0, 0 },
	      { "int", "prev_prio", INT, 32, 4, 1, 0, 0 },
	      { "unsigned int", "prev_state", INT, 36, 4, 0, 0, 0 },
	      { "char", "next_comm", CHARS, 40, 16, 1, 16, 0 },
	      { "pid_t", "next_pid", INT, 56, 4, 1, 0, 0 },
	      { "int", "next_prio", INT, 60, 4, 1, 0, 0 });
	/* 2.6.3x: no "signed:" at all, so signedness comes from the type */
	CHECK("2.6-sched_switch.format", "sched_switch", 56, 72, COMMON,
	      { "int", "common_lock_depth", INT, 8, 4, 1, 0, 0 },
	      { "char", "prev_comm", CHARS, 12, 16, 1, 16, 0 },
	      { "pid_t", "prev_pid", INT, 28, 4, 1, 0, 0 },
	      { "int", "prev_prio", INT, 32, 4, 1, 0, 0 },
	      { "long", "prev_state", INT, 40, 8, 1, 0, 0 },
	      { "char", "next_comm", CHARS, 48, 16, 1, 16, 0 },
	      { "pid_t", "next_pid", INT, 64, 4, 1, 0, 0 },
	      { "int", "next_prio", INT, 68, 4, 1, 0, 0 });
}

static void test_syscalls(void **state)
{
	(void)state;
	/* syscall arguments are 8 bytes whatever the type says */
	CHECK("6.18-sys_enter_openat.format", "sys_enter_openat", 782, 48, COMMON,
	      { "int", "__syscall_nr", INT, 8, 4, 1, 0, 0 },
	      { "int", "dfd", INT, 16, 8, 0, 0, 0 },
	      { "const char *", "filename", USTR, 24, 8, 0, 0, 0 },
	      { "int", "flags", INT, 32, 8, 0, 0, 0 },
	      { "umode_t", "mode", INT, 40, 8, 0, 0, 0 });
	CHECK("6.18-sys_enter_execve.format", "sys_enter_execve", 862, 40, COMMON,
	      { "int", "__syscall_nr", INT, 8, 4, 1, 0, 0 },
	      { "const char *", "filename", USTR, 16, 8, 0, 0, 0 },
	      { "const char *const *", "argv", PTR, 24, 8, 0, 0, 0 },
	      { "const char *const *", "envp", PTR, 32, 8, 0, 0, 0 });
	CHECK("6.18-sys_enter.format", "sys_enter", 443, 64, COMMON,
	      { "long", "id", INT, 8, 8, 1, 0, 0 },
	      { "unsigned long", "args", ARRAY, 16, 48, 0, 6, 0 });
}

static void test_net(void **state)
{
	(void)state;
	CHECK("6.18-net_dev_queue.format", "net_dev_queue", 2304, 24, COMMON,
	      { "void *", "skbaddr", PTR, 8, 8, 0, 0, 0 },
	      { "unsigned int", "len", INT, 16, 4, 0, 0, 0 },
	      { "__data_loc char[]", "name", DLOC, 20, 4, 0, 0, 1 });
	CHECK("6.18-netif_receive_skb.format", "netif_receive_skb", 2303, 24,
	      COMMON,
	      { "void *", "skbaddr", PTR, 8, 8, 0, 0, 0 },
	      { "unsigned int", "len", INT, 16, 4, 0, 0, 0 },
	      { "__data_loc char[]", "name", DLOC, 20, 4, 0, 0, 1 });
	CHECK("6.18-inet_sock_set_state.format", "inet_sock_set_state", 2287, 72,
	      COMMON,
	      { "const void *", "skaddr", PTR, 8, 8, 0, 0, 0 },
	      { "int", "oldstate", INT, 16, 4, 1, 0, 0 },
	      { "int", "newstate", INT, 20, 4, 1, 0, 0 },
	      { "__u16", "sport", INT, 24, 2, 0, 0, 0 },
	      { "__u16", "dport", INT, 26, 2, 0, 0, 0 },
	      { "__u16", "family", INT, 28, 2, 0, 0, 0 },
	      { "__u16", "protocol", INT, 30, 2, 0, 0, 0 },
	      { "__u8", "saddr", ARRAY, 32, 4, 0, 4, 0 },
	      { "__u8", "daddr", ARRAY, 36, 4, 0, 4, 0 },
	      { "__u8", "saddr_v6", ARRAY, 40, 16, 0, 16, 0 },
	      { "__u8", "daddr_v6", ARRAY, 56, 16, 0, 16, 0 });
}

static void test_dynamic(void **state)
{
	(void)state;
	CHECK("6.18-non_standard_event.format", "non_standard_event", 2204, 56,
	      COMMON,
	      { "char", "sec_type", CHARS, 8, 16, 0, 16, 0 },
	      { "char", "fru_id", CHARS, 24, 16, 0, 16, 0 },
	      { "__data_loc char[]", "fru_text", DLOC, 40, 4, 0, 0, 1 },
	      { "u8", "sev", INT, 44, 1, 0, 0, 0 },
	      { "u32", "len", INT, 48, 4, 0, 0, 0 },
	      { "__data_loc u8[]", "buf", DLOC, 52, 4, 0, 0, 0 });
	CHECK("6.18-ipi_send_cpumask.format", "ipi_send_cpumask", 353, 32, COMMON,
	      { "__data_loc cpumask_t", "cpumask", DLOC, 8, 4, 0, 0, 0 },
	      { "void *", "callsite", PTR, 16, 8, 0, 0, 0 },
	      { "void *", "callback", PTR, 24, 8, 0, 0, 0 });
	CHECK("5.18-rel_loc.format", "foo_rel_loc", 1601, 20, COMMON,
	      { "u16", "data", INT, 8, 2, 0, 0, 0 },
	      { "__rel_loc char[]", "foo", RLOC, 12, 4, 0, 0, 1 },
	      { "__rel_loc cpumask_t", "cpumask", RLOC, 16, 4, 0, 0, 0 });
	/* a flexible array: no length, no size, not part of the fixed part */
	CHECK("6.18-print.format", "print", 5, 16, COMMON,
	      { "unsigned long", "ip", INT, 8, 8, 0, 0, 0 },
	      { "char", "buf", CHARS, 16, 0, 0, 0, 0 });
}

static void test_odd_types(void **state)
{
	(void)state;
	CHECK("6.18-mm_compaction_end.format", "mm_compaction_end", 669, 48,
	      COMMON,
	      { "unsigned long", "zone_start", INT, 8, 8, 0, 0, 0 },
	      { "unsigned long", "migrate_pfn", INT, 16, 8, 0, 0, 0 },
	      { "unsigned long", "free_pfn", INT, 24, 8, 0, 0, 0 },
	      { "unsigned long", "zone_end", INT, 32, 8, 0, 0, 0 },
	      { "bool", "sync", INT, 40, 1, 0, 0, 0 },
	      { "int", "status", INT, 44, 4, 1, 0, 0 });
	CHECK("odd-types.format", "odd_types", 9001, 120, COMMON,
	      { "bool", "on", INT, 8, 1, 0, 0, 0 },
	      { "u8", "mac", ARRAY, 9, 6, 0, 6, 0 },
	      { "enum lru_list", "lru", INT, 16, 4, 0, 0, 0 },
	      { "__u128", "big", OTHER, 32, 16, 0, 0, 0 },
	      { "struct timespec64", "ts", OTHER, 48, 16, 0, 0, 0 },
	      { "const void *const", "key", PTR, 64, 8, 0, 0, 0 },
	      { "char *", "name", PTR, 72, 8, 0, 0, 0 },
	      { "unsigned long", "caller", ARRAY, 80, 32, 0, 4, 0 },
	      { "s64", "delta", INT, 112, 8, 1, 0, 0 });
}

static void test_malformed(void **state)
{
	static const struct {
		const char *file, *detail;
	} bad[] = {
		{ "bad-truncated.format", "format line 10: field prev_pid" },
		{ "bad-nonnumeric-offset.format",
		  "format line 10: field prev_pid: offset \"2x4\"" },
		{ "bad-huge-offset.format", "format line 10: field prev_pid: offset" },
		{ "bad-negative-offset.format",
		  "format line 9: field prev_pid: offset \"-8\"" },
		{ "bad-offset-overflow.format",
		  "format line 9: field prev_comm: offset 65530 + size 16" },
		{ "bad-duplicate-field.format",
		  "format line 11: field prev_pid appears twice" },
		{ "bad-missing-size.format", "format line 9: field prev_pid has no size" },
		{ "bad-no-format-line.format",
		  "format line 3: \"field:\" before the \"format:\" line" },
		{ "bad-no-fields.format", "format line 5: end of text without any field" },
		{ "bad-empty-decl.format", "format line 9: field declaration" },
		{ "bad-signed-value.format", "format line 9: field prev_pid: signed" },
		{ "bad-garbage.format", "format line 5: unexpected byte 0x7f" },
		{ "bad-nul.format", "format line 1: unexpected byte 0x00" },
		{ "bad-binary-start.format", "format line 1: unexpected byte 0x89" },
	};
	struct tpbpf_format fmt;
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *text = load(bad[i].file, &len);
		int err = tpbpf_format_parse(text, len, &fmt);

		free(text);
		if (err != -EINVAL)
			fail_msg("%s: %d, not -EINVAL", bad[i].file, err);
		if (!strstr(tpbpf_error_detail(), bad[i].detail))
			fail_msg("%s: detail \"%s\" lacks \"%s\"", bad[i].file,
				 tpbpf_error_detail(), bad[i].detail);
		/* a failed parse leaves nothing to free, and freeing is safe */
		assert_null(fmt.fields);
		assert_null(fmt.name);
		tpbpf_format_free(&fmt);
	}
	assert_int_equal(tpbpf_format_parse("", 0, &fmt), -EINVAL);
	assert_int_equal(tpbpf_format_parse(NULL, 10, &fmt), -EINVAL);
	assert_int_equal(tpbpf_format_parse("x", 1, NULL), -EINVAL);
}

/*
 * Every prefix of a real format, and every byte of it replaced by a few
 * troublesome ones: the parser must only ever succeed or say which line is
 * wrong (under ASan, reading one byte past LEN fails the test).
 */
static void test_every_prefix_and_byte(void **state)
{
	static const char repl[] = { '\0', '\n', ';', ':', '9', '[', ']', ' ',
				     '\t', (char)0xff };
	struct tpbpf_format fmt;
	size_t len, cut, i, r;
	char *text = load("6.18-inet_sock_set_state.format", &len);
	int err;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		char *part = malloc(cut ? cut : 1);

		assert_non_null(part);
		memcpy(part, text, cut);
		err = tpbpf_format_parse(part, cut, &fmt);
		if (err) {
			assert_int_equal(err, -EINVAL);
			assert_memory_equal(tpbpf_error_detail(), "format line ", 12);
		}
		tpbpf_format_free(&fmt);
		free(part);
	}
	for (i = 0; i < len; i++) {
		char keep = text[i];

		for (r = 0; r < sizeof(repl); r++) {
			text[i] = repl[r];
			err = tpbpf_format_parse(text, len, &fmt);
			if (err) {
				assert_int_equal(err, -EINVAL);
				assert_memory_equal(tpbpf_error_detail(),
						    "format line ", 12);
			}
			tpbpf_format_free(&fmt);
		}
		text[i] = keep;
	}
	free(text);
}

static void test_field_lookup(void **state)
{
	struct tpbpf_format fmt;

	(void)state;
	parse_ok("6.18-sched_switch.format", &fmt);
	assert_int_equal(tpbpf_format_field(&fmt, "next_pid")->offset, 56);
	assert_null(tpbpf_format_field(&fmt, "next_pi"));
	assert_null(tpbpf_format_field(&fmt, NULL));
	assert_null(tpbpf_format_field(NULL, "next_pid"));
	tpbpf_format_free(&fmt);
	tpbpf_format_free(&fmt);	/* twice is harmless */
	tpbpf_format_free(NULL);
}

static void test_read_from_tracefs(void **state)
{
	struct tpbpf_format fmt;

	(void)state;
	assert_int_equal(tpbpf_tracefs_set_root(FIXTURES "/tracefs"), 0);
	assert_int_equal(tpbpf_format_read("sched", "sched_switch", &fmt), 0);
	assert_string_equal(fmt.name, "sched_switch");
	assert_int_equal(fmt.id, tpbpf_tracepoint_id("sched", "sched_switch"));
	assert_int_equal(tpbpf_format_field(&fmt, "next_pid")->offset, 56);
	tpbpf_format_free(&fmt);

	assert_int_equal(tpbpf_format_read("sched", "sched_swich", &fmt), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(),
			       "tracepoint sched:sched_swich not found; closest: "
			       "sched:sched_switch"));
	assert_int_equal(tpbpf_format_read("..", "etc", &fmt), -EINVAL);
	assert_int_equal(tpbpf_format_read("sched", "../../..", &fmt), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_switch),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_odd_types),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_every_prefix_and_byte),
		cmocka_unit_test(test_field_lookup),
		cmocka_unit_test(test_read_from_tracefs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * tracefs: name checks, "cat:name" parsing, and IDs, not-found details and
 * the event list, read from a fixture tree (tests/fixtures/tracefs) so no
 * root and no real tracefs are needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tpbpf.h"
#include "internal.h"
#include "tracefs.h"

#define TRACEFS FIXTURES "/tracefs"

static int use_fixture_root(void **state)
{
	(void)state;
	return tpbpf_tracefs_set_root(TRACEFS);
}

static void test_name_valid(void **state)
{
	static const char *const good[] = {
		"sched", "sched_switch", "a", "9p", "a.b-c_D", "sys_enter_openat",
		"...",	/* only "." and ".." are special to paths */
	};
	static const char *const bad[] = {
		"", ".", "..", "a/b", "/", "../etc", "a b", " a", "a:b", "a\nb",
		"a\x01", "caf\xc3\xa9", "a*", "a\\b", "a\tb",
	};
	char name[300];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(tpbpf_tracepoint_name_valid(good[i]));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(tpbpf_tracepoint_name_valid(bad[i]));
	assert_false(tpbpf_tracepoint_name_valid(NULL));
	/* a C string stops at the NUL: "a\0b" is "a" */
	assert_true(tpbpf_tracepoint_name_valid("a\0b"));

	memset(name, 'a', sizeof(name));
	name[255] = '\0';
	assert_true(tpbpf_tracepoint_name_valid(name));
	name[255] = 'a';
	name[256] = '\0';
	assert_false(tpbpf_tracepoint_name_valid(name));
}

static void test_parse_good(void **state)
{
	char cat[64], name[64];

	(void)state;
	assert_int_equal(tpbpf_tracepoint_parse("sched:sched_switch", cat,
						sizeof(cat), name, sizeof(name)), 0);
	assert_string_equal(cat, "sched");
	assert_string_equal(name, "sched_switch");
	assert_int_equal(tpbpf_tracepoint_parse("syscalls/sys_enter_openat", cat,
						sizeof(cat), name, sizeof(name)), 0);
	assert_string_equal(cat, "syscalls");
	assert_string_equal(name, "sys_enter_openat");
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"sched", ":sched_switch", "sched:", "a:b:c", "a/b/c", "a:b/c",
		"../etc:passwd", "..:x", "a:..", "a/../b", "a b:c", "a:b c", "",
		":", "/",
	};
	char cat[64], name[64], small[4];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int err = tpbpf_tracepoint_parse(bad[i], cat, sizeof(cat),
						 name, sizeof(name));

		if (err != -EINVAL)
			fail_msg("\"%s\" gave %d, not -EINVAL", bad[i], err);
		assert_true(strlen(tpbpf_error_detail()) > 0);
	}
	assert_int_equal(tpbpf_tracepoint_parse(NULL, cat, sizeof(cat),
						name, sizeof(name)), -EINVAL);
	/* too long for the caller's buffers: refused, nothing overflows */
	assert_int_equal(tpbpf_tracepoint_parse("sched:sched_switch", small,
						sizeof(small), name,
						sizeof(name)), -EINVAL);
	assert_int_equal(tpbpf_tracepoint_parse("sched:sched_switch", cat,
						sizeof(cat), small,
						sizeof(small)), -EINVAL);
}

static void test_invalid_name_detail(void **state)
{
	char longname[400];

	(void)state;
	assert_int_equal(tpbpf_tracepoint_id("..", "passwd"), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(),
			"invalid tracepoint name \"..\": use only [A-Za-z0-9_.-]"));
	/* unprintable bytes are escaped in the detail */
	assert_int_equal(tpbpf_tracepoint_id("sched", "a\x01\x7f\"b"), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(),
			       "\"a\\x01\\x7f\\\"b\""));
	/* a long name is cut in the detail, which stays one short line */
	memset(longname, 'x', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(tpbpf_tracepoint_id(longname, "x"), -EINVAL);
	assert_non_null(strstr(tpbpf_error_detail(), "...: use only"));
	assert_true(strlen(tpbpf_error_detail()) < 200);
}

static void test_set_root_errors(void **state)
{
	(void)state;
	assert_int_equal(tpbpf_tracefs_set_root("tests/fixtures/nosuchdir"),
			 -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), "tests/fixtures/nosuchdir"));
	assert_int_equal(tpbpf_tracefs_set_root(FIXTURES "/formats"), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(), FIXTURES "/formats"));
	assert_non_null(strstr(tpbpf_error_detail(), "events"));
	/* a failed call keeps the root in use */
	assert_string_equal(tpbpf_tracefs_root(), TRACEFS);
}

static int read_fixture_id(const char *event)
{
	char path[256], *text;
	int id;

	snprintf(path, sizeof(path), TRACEFS "/events/%s/id", event);
	assert_int_equal(tpbpf_read_file(path, &text, NULL), 0);
	id = atoi(text);
	free(text);
	return id;
}

static void test_id(void **state)
{
	(void)state;
	assert_string_equal(tpbpf_tracefs_root(), TRACEFS);
	assert_int_equal(tpbpf_tracepoint_id("sched", "sched_switch"),
			 read_fixture_id("sched/sched_switch"));
	assert_int_equal(tpbpf_tracepoint_id("net", "net_dev_queue"),
			 read_fixture_id("net/net_dev_queue"));
	assert_true(tpbpf_tracepoint_id("syscalls", "sys_enter_openat") > 0);
}

static void test_event_file(void **state)
{
	char buf[256], tiny[16];

	(void)state;
	assert_int_equal(tpbpf_tracefs_event_file("sched", "sched_switch",
						  "format", buf, sizeof(buf)), 0);
	assert_string_equal(buf, TRACEFS "/events/sched/sched_switch/format");
	assert_int_equal(tpbpf_tracefs_event_file("sched", "..", "id", buf,
						  sizeof(buf)), -EINVAL);
	assert_int_equal(tpbpf_tracefs_event_file("sched", "sched_switch",
						  "../../x", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(tpbpf_tracefs_event_file("sched", "sched_switch", "id",
						  tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
}

static void test_not_found(void **state)
{
	(void)state;
	assert_int_equal(tpbpf_tracepoint_id("sched", "sched_swich"), -ENOENT);
	assert_string_equal(tpbpf_error_detail(),
		"tracepoint sched:sched_swich not found; closest: "
		"sched:sched_switch, sched:sched_waking, sched:sched_wakeup "
		"(see: tpbpf list 'sched:*')");

	assert_int_equal(tpbpf_tracepoint_id("shed", "sched_switch"), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(),
			       "tracepoint category shed not found; closest: sched"));

	/* a directory without an id file is not an event */
	assert_int_equal(tpbpf_tracepoint_id("bad", "no_id"), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(),
			       "tracepoint bad:no_id not found"));
	/* nor is a file of the category directory */
	assert_int_equal(tpbpf_tracepoint_id("sched", "enable"), -ENOENT);
	assert_non_null(strstr(tpbpf_error_detail(),
			       "tracepoint sched:enable not found"));
}

static void test_malformed_id(void **state)
{
	static const char *const bad[] = {
		"bad_id", "empty_id", "big_id", "signed_id",
	};
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(tpbpf_tracepoint_id("bad", bad[i]), -EINVAL);
		snprintf(want, sizeof(want), TRACEFS "/events/bad/%s/id", bad[i]);
		assert_non_null(strstr(tpbpf_error_detail(), want));
	}
}

static void test_list(void **state)
{
	char **names, *text, *line, *save = NULL;
	size_t count, lines = 0, i;

	(void)state;
	assert_int_equal(tpbpf_tracepoint_list(&names, &count), 0);
	assert_int_equal(tpbpf_read_file(TRACEFS "/available_events", &text,
					 NULL), 0);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool found = false;

		lines++;
		for (i = 0; i < count; i++)
			found |= !strcmp(names[i], line);
		if (!found)
			fail_msg("%s is in available_events but not listed", line);
	}
	free(text);
	assert_int_equal(count, lines);
	for (i = 1; i < count; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0);
	assert_string_equal(names[0], "bad:bad_id");
	/* ftrace's own events have an id but cannot be enabled */
	for (i = 0; i < count; i++)
		assert_string_not_equal(names[i], "ftrace:function");
	tpbpf_strv_free(names, count);
	tpbpf_strv_free(NULL, 0);
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(tpbpf_edit_distance("", ""), 0);
	assert_int_equal(tpbpf_edit_distance("abc", ""), 3);
	assert_int_equal(tpbpf_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(tpbpf_edit_distance("sched_switch", "sched_swich"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test_setup(test_invalid_name_detail, use_fixture_root),
		cmocka_unit_test_setup(test_set_root_errors, use_fixture_root),
		cmocka_unit_test_setup(test_id, use_fixture_root),
		cmocka_unit_test_setup(test_event_file, use_fixture_root),
		cmocka_unit_test_setup(test_not_found, use_fixture_root),
		cmocka_unit_test_setup(test_malformed_id, use_fixture_root),
		cmocka_unit_test_setup(test_list, use_fixture_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

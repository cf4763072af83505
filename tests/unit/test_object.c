/* SPDX-License-Identifier: MIT */
/*
 * Steps "read", "plan" and "relocate" of the load path without a kernel:
 * read the objects built from tests/bpf/, check programs, maps and every
 * relocated instruction, and feed the reader broken files.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "object.h"
#include "tpbpf.h"

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

static void *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct tpbpf_object *open_test_obj(const char *name, bool debug)
{
	char path[256];
	struct tpbpf_object *obj = NULL;
	int err;

	snprintf(path, sizeof(path), TEST_BPF_DIR "/%s%s.bpf.o", name, debug ? ".g" : "");
	err = tpbpf_object_open_file(path, &obj);
	if (err)
		fail_msg("open %s: %s", path, tpbpf_error_detail());
	return obj;
}

/* Give every map a made-up fd, as if BPF_MAP_CREATE had run. */
static void fake_map_fds(struct tpbpf_object *obj)
{
	for (size_t i = 0; i < obj->nr_maps; i++)
		obj->maps[i].fd = 100 + (int)i;
}

static uint64_t ld_imm64_value(const struct bpf_insn *insn)
{
	return (uint64_t)(uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
}

static int use_fixture_tracefs(void **state)
{
	(void)state;
	return tpbpf_tracefs_set_root(FIXTURES "/tracefs");
}

static void test_section_kinds(void **state)
{
	static const struct {
		const char *sec;
		enum tpbpf_prog_kind kind;
		uint32_t type;
		const char *target;
	} ok[] = {
		{ "tracepoint/sched/sched_switch", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, "sched/sched_switch" },
		{ "tp/net/net_dev_queue", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, "net/net_dev_queue" },
		{ "tracepoint", TPBPF_PROG_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, "" },
		{ "raw_tracepoint/sys_enter", TPBPF_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT, "sys_enter" },
		{ "raw_tp/sched_switch", TPBPF_PROG_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT, "sched_switch" },
		{ "raw_tracepoint.w/bpf_test_finish", TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, "bpf_test_finish" },
		{ "raw_tp.w/bpf_test_finish", TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, "bpf_test_finish" },
	};
	static const char *const bad[] = { "kprobe/do_sys_open", "tpx/a/b", "raw_tpx/a", ".text", "" };
	enum tpbpf_prog_kind kind;
	const char *target, *why;
	uint32_t type;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_true(tpbpf_prog_kind_from_section(ok[i].sec, &kind, &type, &target, &why));
		assert_int_equal(kind, ok[i].kind);
		assert_int_equal(type, ok[i].type);
		assert_string_equal(target, ok[i].target);
		assert_null(why);
	}
	/* None of these is a tracepoint program: each gets a reason. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tpbpf_prog_kind_from_section(bad[i], &kind, &type, &target, &why);
		assert_int_equal(kind, TPBPF_PROG_OTHER);
		assert_non_null(why);
	}
	/* A kind libbpf knows is named; tp_btf points to raw_tp; others say how. */
	assert_true(tpbpf_prog_kind_from_section("kprobe/do_sys_open", &kind, &type, &target, &why));
	assert_non_null(strstr(why, "kprobe"));
	assert_true(tpbpf_prog_kind_from_section("tp_btf/sched_switch", &kind, &type, &target, &why));
	assert_non_null(strstr(why, "use raw_tp/"));
	assert_false(tpbpf_prog_kind_from_section("handler", &kind, &type, &target, &why));
	assert_non_null(strstr(why, "--attach PROG=CATEGORY/NAME"));
}

static void check_counter(bool debug)
{
	struct tpbpf_object *obj = open_test_obj("counter_tp", debug);
	struct tpbpf_program *p;
	struct tpbpf_map *m;

	assert_string_equal(tpbpf_object_license(obj), "GPL");
	assert_int_equal(tpbpf_object_program_count(obj), 1);
	p = tpbpf_object_program(obj, 0);
	assert_string_equal(tpbpf_program_name(p), "count_getppid");
	assert_string_equal(tpbpf_program_section(p), "tracepoint/syscalls/sys_enter_getppid");
	assert_string_equal(tpbpf_program_target(p), "syscalls/sys_enter_getppid");
	assert_int_equal(tpbpf_program_kind(p), TPBPF_PROG_TRACEPOINT);
	assert_int_equal(tpbpf_program_fd(p), -1);
	assert_int_equal(tpbpf_object_map_count(obj), 1);
	m = tpbpf_object_find_map(obj, "counts");
	assert_non_null(m);
	assert_int_equal(tpbpf_map_type(m), BPF_MAP_TYPE_HASH);
	assert_int_equal(tpbpf_map_key_size(m), 4);
	assert_int_equal(tpbpf_map_value_size(m), 8);
	assert_int_equal(tpbpf_map_max_entries(m), 1024);
	assert_false(tpbpf_map_is_global_data(m));
	tpbpf_object_close(obj);
}

/* With -g the object also has .BTF, .BTF.ext and DWARF: read past them. */
static void test_counter_object(void **state)
{
	(void)state;
	check_counter(false);
	check_counter(true);
}

static void test_all_map_types(void **state)
{
	static const struct { const char *name; uint32_t type, max; } want[] = {
		{ "m_hash", BPF_MAP_TYPE_HASH, 16 },
		{ "m_array", BPF_MAP_TYPE_ARRAY, 4 },
		{ "m_percpu_hash", BPF_MAP_TYPE_PERCPU_HASH, 16 },
		{ "m_percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY, 4 },
		{ "m_lru_hash", BPF_MAP_TYPE_LRU_HASH, 16 },
		{ "m_events", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 0 },
	};
	struct tpbpf_object *obj = open_test_obj("all_maps", true);

	(void)state;
	assert_int_equal(tpbpf_object_map_count(obj), 6);
	for (size_t i = 0; i < 6; i++) {
		struct tpbpf_map *m = tpbpf_object_find_map(obj, want[i].name);

		assert_non_null(m);
		assert_int_equal(tpbpf_map_type(m), want[i].type);
		assert_int_equal(tpbpf_map_max_entries(m), want[i].max);
	}
	assert_true(tpbpf_map_is_percpu(tpbpf_object_find_map(obj, "m_percpu_hash")));
	assert_false(tpbpf_map_is_percpu(tpbpf_object_find_map(obj, "m_hash")));
	tpbpf_object_close(obj);
}

/* 7-field definitions: entry size comes from the symbols, not the struct. */
static void test_long_map_defs(void **state)
{
	struct tpbpf_object *obj = open_test_obj("legacy_mapdef", false);
	struct tpbpf_map *first, *second;

	(void)state;
	assert_int_equal(tpbpf_object_map_count(obj), 2);
	first = tpbpf_object_find_map(obj, "first");
	second = tpbpf_object_find_map(obj, "second");
	assert_non_null(first);
	assert_non_null(second);
	assert_int_equal(tpbpf_map_type(first), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(tpbpf_map_max_entries(first), 2);
	assert_int_equal(tpbpf_map_type(second), BPF_MAP_TYPE_HASH);
	assert_int_equal(tpbpf_map_value_size(second), 4);
	assert_int_equal(tpbpf_map_max_entries(second), 64);
	assert_int_equal(tpbpf_program_kind(tpbpf_object_program(obj, 0)),
			 TPBPF_PROG_RAW_TRACEPOINT);
	tpbpf_object_close(obj);
}

/* Every ld_imm64 of the map becomes BPF_PSEUDO_MAP_FD with its fd. */
static void test_relocate_maps(void **state)
{
	struct tpbpf_object *obj = open_test_obj("counter_tp", false);
	struct tpbpf_program *p = tpbpf_object_program(obj, 0);
	const struct bpf_insn *insn;
	size_t n, seen = 0;

	(void)state;
	fake_map_fds(obj);
	assert_int_equal(tpbpf_obj_relocate_program(obj, p), 0);
	insn = tpbpf_program_insns(p, &n);
	assert_int_equal(n, p->sec_insn_cnt);	/* no sub-program */
	for (size_t i = 0; i < n; i++) {
		if (insn[i].code != LD_IMM64)
			continue;
		assert_int_equal(insn[i].src_reg, BPF_PSEUDO_MAP_FD);
		assert_int_equal(insn[i].imm, 100);
		assert_int_equal(insn[i + 1].imm, 0);
		seen++;
		i++;
	}
	assert_int_equal(seen, 2);	/* lookup and update */
	tpbpf_object_close(obj);
}

/*
 * Sub-programs and global data: .text functions are appended after the
 * program, calls point at them, and .data/.rodata/.bss references become
 * BPF_PSEUDO_MAP_VALUE of their maps.
 */
static void check_subprog_globals(bool debug)
{
	struct tpbpf_object *obj = open_test_obj("subprog_globals", debug);
	struct tpbpf_program *p = tpbpf_object_program(obj, 0);
	const struct bpf_insn *insn;
	size_t n, calls = 0, values = 0, map_fds = 0;
	struct tpbpf_map *bss, *data, *rodata;

	bss = tpbpf_object_find_map(obj, ".bss");
	data = tpbpf_object_find_map(obj, ".data");
	rodata = tpbpf_object_find_map(obj, ".rodata");
	assert_non_null(bss);
	assert_non_null(data);
	assert_non_null(rodata);
	assert_true(tpbpf_map_is_global_data(bss));
	assert_int_equal(tpbpf_map_type(bss), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(tpbpf_map_max_entries(bss), 1);
	assert_int_equal(tpbpf_map_value_size(bss), 8);
	assert_int_equal(rodata->flags, BPF_F_RDONLY_PROG);

	fake_map_fds(obj);
	assert_int_equal(tpbpf_obj_relocate_program(obj, p), 0);
	insn = tpbpf_program_insns(p, &n);
	assert_int_equal(p->nr_funcs, 2);	/* count_call and bump */
	assert_true(n > p->sec_insn_cnt);
	for (size_t i = 0; i < n; i++) {
		if (insn[i].code == CALL && insn[i].src_reg == BPF_PSEUDO_CALL) {
			size_t target = i + 1 + (size_t)(int64_t)insn[i].imm;

			/* Every call lands past the program, on an appended function. */
			assert_true(target >= p->sec_insn_cnt && target < n);
			calls++;
		} else if (insn[i].code == LD_IMM64) {
			if (insn[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
				int fd = insn[i].imm;

				assert_true(fd == bss->fd || fd == data->fd || fd == rodata->fd);
				assert_int_equal(insn[i + 1].imm, 0);	/* each variable at offset 0 */
				values++;
			} else {
				assert_int_equal(insn[i].src_reg, BPF_PSEUDO_MAP_FD);
				assert_int_equal(insn[i].imm, tpbpf_object_find_map(obj, "counts")->fd);
				map_fds++;
			}
			i++;
		}
	}
	assert_int_equal(calls, 2);
	assert_int_equal(values, 3);	/* bss_calls, data_calls, increment */
	assert_int_equal(map_fds, 2);
	tpbpf_object_close(obj);
}

static void test_relocate_subprog_globals(void **state)
{
	(void)state;
	check_subprog_globals(false);
	check_subprog_globals(true);
}

/* Load-time constants come from the fixture tracefs and set_const. */
static void test_relocate_constants(void **state)
{
	struct tpbpf_object *obj = open_test_obj("load_consts", false);
	struct tpbpf_program *p = tpbpf_object_program(obj, 0);
	int sched_switch_id = tpbpf_tracepoint_id("sched", "sched_switch");
	int net_dev_queue_id = tpbpf_tracepoint_id("net", "net_dev_queue");
	uint64_t want[] = { (uint64_t)sched_switch_id, 56, 16, 64, 0, 41,
			    (uint64_t)net_dev_queue_id };
	const struct bpf_insn *insn;
	size_t n, k = 0;

	(void)state;
	assert_true(sched_switch_id > 0);
	assert_true(net_dev_queue_id > 0);
	fake_map_fds(obj);
	assert_int_equal(tpbpf_object_set_const(obj, "magic", 41), 0);
	assert_int_equal(tpbpf_obj_relocate_program(obj, p), 0);
	insn = tpbpf_program_insns(p, &n);
	for (size_t i = 0; i < n; i++) {
		if (insn[i].code != LD_IMM64)
			continue;
		if (insn[i].src_reg == 0) {
			assert_true(k < sizeof(want) / sizeof(want[0]));
			if (ld_imm64_value(&insn[i]) != want[k])
				fail_msg("constant %zu: got %llu, want %llu", k,
					 (unsigned long long)ld_imm64_value(&insn[i]),
					 (unsigned long long)want[k]);
			k++;
		}
		i++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	tpbpf_object_close(obj);
}

/* A missing constant names the section, the instruction and the symbol. */
static void test_constant_errors(void **state)
{
	struct tpbpf_object *obj = open_test_obj("load_consts", false);
	struct tpbpf_program *p = tpbpf_object_program(obj, 0);
	const char *d;

	(void)state;
	fake_map_fds(obj);
	assert_int_equal(tpbpf_obj_relocate_program(obj, p), -ENOENT);
	d = tpbpf_error_detail();
	assert_non_null(strstr(d, "section tracepoint/sched/sched_switch"));
	assert_non_null(strstr(d, "instruction "));
	assert_non_null(strstr(d, "tpbpf.const:magic"));
	assert_non_null(strstr(d, "--const magic="));
	tpbpf_object_close(obj);

	/* A tracefs without the event: the error names it. */
	assert_int_equal(tpbpf_tracefs_set_root(FIXTURES "/tracefs-empty"), 0);
	obj = open_test_obj("load_consts", false);
	p = tpbpf_object_program(obj, 0);
	fake_map_fds(obj);
	assert_int_equal(tpbpf_object_set_const(obj, "magic", 1), 0);
	assert_int_equal(tpbpf_obj_relocate_program(obj, p), -ENOENT);
	if (!strstr(tpbpf_error_detail(), "tpbpf.tp_id:sched/sched_switch") ||
	    !strstr(tpbpf_error_detail(), "not found"))
		fail_msg("detail: %s", tpbpf_error_detail());
	tpbpf_object_close(obj);
}

/* ---- malformed input ------------------------------------------------------ */

static int open_bytes(const void *buf, size_t len)
{
	struct tpbpf_object *obj = NULL;
	int err = tpbpf_object_open_mem(buf, len, "broken.o", &obj);

	if (!err) {
		/* Whatever opened must also relocate or fail cleanly. */
		fake_map_fds(obj);
		for (size_t i = 0; i < obj->nr_progs; i++)
			(void)tpbpf_obj_relocate_program(obj, &obj->progs[i]);
		tpbpf_object_close(obj);
	} else {
		assert_null(obj);
		assert_true(tpbpf_error_detail()[0] != '\0');
	}
	return err;
}

static void test_truncated(void **state)
{
	size_t len;
	unsigned char *buf = read_all(TEST_BPF_DIR "/subprog_globals.bpf.o", &len);

	(void)state;
	/* Every prefix of the file: none may crash, short ones must fail. */
	for (size_t n = 0; n < len; n++) {
		int err = open_bytes(buf, n);

		if (n < 64)
			assert_int_not_equal(err, 0);
	}
	assert_int_equal(open_bytes(buf, len), 0);
	free(buf);
}

static void test_corrupted(void **state)
{
	size_t len;
	unsigned char *buf = read_all(TEST_BPF_DIR "/subprog_globals.g.bpf.o", &len);
	unsigned char *copy = malloc(len);
	unsigned int seed = 12345;

	(void)state;
	assert_non_null(copy);
	/* 3000 copies with a few random bytes changed: errors, never crashes. */
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, buf, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] = (unsigned char)(seed >> 20);
		}
		(void)open_bytes(copy, len);
	}
	free(copy);
	free(buf);
}

static void expect_error(const void *buf, size_t len, const char *needle)
{
	int err = open_bytes(buf, len);

	assert_int_not_equal(err, 0);
	if (!strstr(tpbpf_error_detail(), needle))
		fail_msg("error \"%s\" does not say \"%s\"", tpbpf_error_detail(), needle);
}

static const Elf64_Shdr *section_header(const unsigned char *buf, size_t idx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;

	return (const Elf64_Shdr *)(buf + eh->e_shoff + idx * eh->e_shentsize);
}

static size_t find_section(const unsigned char *buf, const char *name)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	const char *names = (const char *)buf + section_header(buf, eh->e_shstrndx)->sh_offset;

	for (size_t i = 1; i < eh->e_shnum; i++)
		if (strcmp(names + section_header(buf, i)->sh_name, name) == 0)
			return i;
	fail_msg("no section %s", name);
	return 0;
}

static void test_bad_objects(void **state)
{
	size_t len;
	unsigned char *orig = read_all(TEST_BPF_DIR "/counter_tp.bpf.o", &len);
	unsigned char *buf = malloc(len);
	const char text[] = "this is not an ELF file, just text\n";
	Elf64_Shdr *sh;
	Elf64_Rel *rel;
	char *lic;

	(void)state;
	assert_non_null(buf);
	expect_error(text, sizeof(text), "not an ELF file");

	memcpy(buf, orig, len);
	((Elf64_Ehdr *)buf)->e_machine = EM_X86_64;
	expect_error(buf, len, "is not BPF");

	memcpy(buf, orig, len);
	((Elf64_Ehdr *)buf)->e_type = ET_EXEC;
	expect_error(buf, len, "not a relocatable object");

	/* A section that points past the end of the file. */
	memcpy(buf, orig, len);
	sh = (Elf64_Shdr *)section_header(buf, find_section(buf, "maps"));
	sh->sh_offset = len + 4096;
	expect_error(buf, len, "section");

	/* No license (the section renamed): it opens, as the kernel takes it. */
	memcpy(buf, orig, len);
	lic = memmem(buf, len, "license", 8);
	assert_non_null(lic);
	lic[0] = 'L';
	{
		struct tpbpf_object *obj;

		assert_int_equal(tpbpf_object_open_mem(buf, len, "nolicense.o", &obj), 0);
		assert_string_equal(tpbpf_object_license(obj), "");
		tpbpf_object_close(obj);
	}

	/* A relocation naming a symbol past the end of the symbol table. */
	memcpy(buf, orig, len);
	sh = (Elf64_Shdr *)section_header(buf, find_section(buf, ".reltracepoint/syscalls/sys_enter_getppid"));
	rel = (Elf64_Rel *)(buf + sh->sh_offset);
	rel->r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(rel->r_info));
	expect_error(buf, len, "past the end of the symbol table");

	/* A relocation past the end of its section. */
	memcpy(buf, orig, len);
	rel->r_offset = 1 << 20;
	expect_error(buf, len, "outside the section");

	free(buf);
	free(orig);
}

static void test_open_missing_file(void **state)
{
	struct tpbpf_object *obj = NULL;

	(void)state;
	assert_int_equal(tpbpf_object_open_file("/nonexistent/x.o", &obj), -ENOENT);
	assert_null(obj);
	assert_non_null(strstr(tpbpf_error_detail(), "/nonexistent/x.o"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_kinds),
		cmocka_unit_test(test_counter_object),
		cmocka_unit_test(test_all_map_types),
		cmocka_unit_test(test_long_map_defs),
		cmocka_unit_test(test_relocate_maps),
		cmocka_unit_test(test_relocate_subprog_globals),
		cmocka_unit_test_setup(test_relocate_constants, use_fixture_tracefs),
		cmocka_unit_test_setup(test_constant_errors, use_fixture_tracefs),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_bad_objects),
		cmocka_unit_test(test_open_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

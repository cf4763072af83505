/* SPDX-License-Identifier: MIT */
/*
 * Feature probes: what this kernel can do, found by trying it (a tiny real
 * program load or syscall), not by reading its version number, which
 * distributions backport around.
 *
 * Each probe runs at most once per process and only when a choice depends
 * on it. TPBPF_FORCE_ABSENT=name,name (or "all": every probe that has a
 * fallback) makes probes answer "absent" without asking the kernel, so the
 * fallback paths run, and are tested, on a new kernel too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/btf.h>

#include "internal.h"
#include "sys_bpf.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define CALL_HELPER(n) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, n)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int probe_prog_type(uint32_t type);
static int probe_prog_name(void);
static int probe_map_name(void);
static int probe_helper_probe_read_str(void);
static int probe_helper_probe_read_kernel(void);
static int probe_helper_probe_read_user(void);
static int probe_helper_probe_read_kernel_str(void);
static int probe_helper_probe_read_user_str(void);
static int probe_global_data(void);
static int probe_bpf_calls(void);
static int probe_enable_stats(void);
static int probe_memcg(void);
static int probe_perf_link(void);
static int probe_kernel_btf(void);
static int probe_lru_hash(void);
static int probe_btf(void);
static int probe_ringbuf(void);
static int probe_tracepoint(void) { return probe_prog_type(BPF_PROG_TYPE_TRACEPOINT); }
static int probe_raw_tp(void) { return probe_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT); }
static int probe_raw_tp_w(void) { return probe_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE); }

struct feature {
	const char *name;
	const char *what;
	const char *kernel;	/* first mainline version that has it */
	const char *fallback;	/* what tpbpf does without it; NULL: none */
	int (*probe)(void);
	int state;		/* -1 not probed, 0 absent, 1 present */
	bool forced;		/* forced absent by TPBPF_FORCE_ABSENT */
};

static struct feature features[TPBPF_FEAT_COUNT] = {
	[TPBPF_FEAT_TRACEPOINT] = { "tracepoint", "tracepoint programs", "4.7", NULL, probe_tracepoint, -1, false },
	[TPBPF_FEAT_RAW_TRACEPOINT] = { "raw_tracepoint", "raw tracepoint programs", "4.17", NULL, probe_raw_tp, -1, false },
	[TPBPF_FEAT_RAW_TRACEPOINT_WRITABLE] = { "raw_tracepoint_writable", "writable raw tracepoint programs", "5.2", NULL, probe_raw_tp_w, -1, false },
	[TPBPF_FEAT_PROG_NAME] = { "prog_name", "program names", "4.15", "load programs without a name", probe_prog_name, -1, false },
	[TPBPF_FEAT_MAP_NAME] = { "map_name", "map names", "4.15", "create maps without a name", probe_map_name, -1, false },
	[TPBPF_FEAT_PROBE_READ_STR] = { "probe_read_str", "bpf_probe_read_str()", "4.11", NULL, probe_helper_probe_read_str, -1, false },
	[TPBPF_FEAT_PROBE_READ_KERNEL] = { "probe_read_kernel", "bpf_probe_read_kernel()", "5.5", "rewrite calls to bpf_probe_read()", probe_helper_probe_read_kernel, -1, false },
	[TPBPF_FEAT_PROBE_READ_USER] = { "probe_read_user", "bpf_probe_read_user()", "5.5", "rewrite calls to bpf_probe_read()", probe_helper_probe_read_user, -1, false },
	[TPBPF_FEAT_PROBE_READ_KERNEL_STR] = { "probe_read_kernel_str", "bpf_probe_read_kernel_str()", "5.5", "rewrite calls to bpf_probe_read_str()", probe_helper_probe_read_kernel_str, -1, false },
	[TPBPF_FEAT_PROBE_READ_USER_STR] = { "probe_read_user_str", "bpf_probe_read_user_str()", "5.5", "rewrite calls to bpf_probe_read_str()", probe_helper_probe_read_user_str, -1, false },
	[TPBPF_FEAT_GLOBAL_DATA] = { "global_data", "global data (.data, .rodata, .bss)", "5.2", "fold loads of known .rodata values into constants", probe_global_data, -1, false },
	[TPBPF_FEAT_BPF_CALLS] = { "bpf_calls", "bpf-to-bpf calls (noinline functions)", "4.16", NULL, probe_bpf_calls, -1, false },
	[TPBPF_FEAT_ENABLE_STATS] = { "enable_stats", "BPF_ENABLE_STATS run-time statistics", "5.8", NULL, probe_enable_stats, -1, false },
	[TPBPF_FEAT_MEMCG] = { "memcg_accounting", "BPF memory charged to the memory cgroup", "5.11", "raise RLIMIT_MEMLOCK before creating maps", probe_memcg, -1, false },
	[TPBPF_FEAT_PERF_LINK] = { "perf_link_cookie", "BPF links for perf events, with cookies (TP_EVENT_ID)", "5.15", "attach with PERF_EVENT_IOC_SET_BPF; TP_EVENT_ID is unavailable", probe_perf_link, -1, false },
	[TPBPF_FEAT_LRU_HASH] = { "lru_hash", "LRU hash maps (BPF_MAP_TYPE_LRU_HASH)", "4.10", "create them as plain hash maps: a full map takes no new entries", probe_lru_hash, -1, false },
	[TPBPF_FEAT_BTF] = { "btf", "the object's BTF loaded into the kernel (BPF_BTF_LOAD), for typed maps", "4.18", "create maps without BTF types", probe_btf, -1, false },
	[TPBPF_FEAT_KERNEL_BTF] = { "kernel_btf", "the kernel's own BTF (" TPBPF_KERNEL_BTF_PATH ")", "5.4", "kernel struct offsets from an offsets file (--offsets FILE)", probe_kernel_btf, -1, false },
	[TPBPF_FEAT_RINGBUF] = { "ringbuf", "BPF ring buffer maps (BPF_MAP_TYPE_RINGBUF)", "5.8", "perf event array", probe_ringbuf, -1, false },
};

static bool env_read;

/* Read TPBPF_FORCE_ABSENT once: "name,name" or "all". */
static void read_forced(void)
{
	const char *env = getenv("TPBPF_FORCE_ABSENT");

	env_read = true;
	if (!env || !env[0])
		return;
	for (int i = 0; i < TPBPF_FEAT_COUNT; i++) {
		const char *p = env;
		size_t n = strlen(features[i].name);

		if (strcmp(env, "all") == 0) {
			features[i].forced = features[i].fallback != NULL;
			continue;
		}
		while ((p = strstr(p, features[i].name)) != NULL) {
			if ((p == env || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
				features[i].forced = true;
			p += n;
		}
	}
}

void tpbpf_feature_force_absent(enum tpbpf_feature f, bool absent)
{
	if (!env_read)
		read_forced();
	if (f < TPBPF_FEAT_COUNT)
		features[f].forced = absent;
}

bool tpbpf_feature_forced(enum tpbpf_feature f)
{
	if (!env_read)
		read_forced();
	return f < TPBPF_FEAT_COUNT && features[f].forced;
}

bool tpbpf_feature_probed(enum tpbpf_feature f)
{
	return f < TPBPF_FEAT_COUNT && features[f].state >= 0;
}

int tpbpf_feature_present(enum tpbpf_feature f)
{
	struct feature *ft;
	int ret;

	if (f >= TPBPF_FEAT_COUNT)
		return tpbpf_err(EINVAL, "no such feature %d", (int)f);
	if (!env_read)
		read_forced();
	ft = &features[f];
	if (ft->forced)
		return 0;
	if (ft->state >= 0)
		return ft->state;
	tpbpf_log("probe %s (%s, kernel %s)", ft->name, ft->what, ft->kernel);
	ret = ft->probe();
	if (ret < 0)
		return ret;	/* could not tell (e.g. no privileges): ask again later */
	ft->state = ret;
	tpbpf_log("  -> %s%s%s", ret ? "present" : "absent",
		  !ret && ft->fallback ? "; fallback: " : "",
		  !ret && ft->fallback ? ft->fallback : "");
	return ret;
}

void tpbpf_feature_forget(enum tpbpf_feature f)
{
	if (f < TPBPF_FEAT_COUNT)
		features[f].state = -1;
}

void tpbpf_feature_set(enum tpbpf_feature f, bool present)
{
	if (f < TPBPF_FEAT_COUNT && !features[f].forced)
		features[f].state = present;
}

const char *tpbpf_feature_name(enum tpbpf_feature f)
{
	return f < TPBPF_FEAT_COUNT ? features[f].name : "?";
}

const char *tpbpf_feature_description(enum tpbpf_feature f)
{
	return f < TPBPF_FEAT_COUNT ? features[f].what : "?";
}

const char *tpbpf_feature_kernel(enum tpbpf_feature f)
{
	return f < TPBPF_FEAT_COUNT ? features[f].kernel : "?";
}

const char *tpbpf_feature_fallback(enum tpbpf_feature f)
{
	return f < TPBPF_FEAT_COUNT ? features[f].fallback : NULL;
}

/* ---- the probes ----------------------------------------------------------- */

/*
 * Load INSNS as TYPE: 1 if the kernel takes it, 0 if it refuses it as
 * unknown (EINVAL), negative if it could not say (EPERM and the like).
 */
static int try_load(uint32_t type, const struct bpf_insn *insns, uint32_t cnt,
		    const char *name)
{
	struct tpbpf_prog_load_args a = { 0 };
	int fd;

	a.type = type;
	a.insns = insns;
	a.insn_cnt = cnt;
	a.license = "GPL";
	a.name = name;
	fd = tpbpf_sys_prog_load(&a);
	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe");
		return 1;
	}
	if (fd == -EINVAL || fd == -E2BIG || fd == -EACCES)
		return 0;
	return tpbpf_err(-fd, "feature probe: BPF_PROG_LOAD: %s", strerror(-fd));
}

static int probe_prog_type(uint32_t type)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT };

	return try_load(type, insns, ARRAY_SIZE(insns), NULL);
}

static int probe_prog_name(void)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT };

	return try_load(BPF_PROG_TYPE_TRACEPOINT, insns, ARRAY_SIZE(insns), "tpbpf_probe");
}

static int create_array(const char *name, uint32_t value_size)
{
	struct tpbpf_map_create_args a = { 0 };

	a.type = BPF_MAP_TYPE_ARRAY;
	a.key_size = sizeof(uint32_t);
	a.value_size = value_size;
	a.max_entries = 1;
	a.name = name;
	return tpbpf_sys_map_create(&a);
}

static int probe_map_name(void)
{
	int fd = create_array("tpbpf_probe", 4);

	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe");
		return 1;
	}
	/* Before 4.15: EINVAL, or E2BIG for an attribute longer than the kernel's. */
	return fd == -EINVAL || fd == -E2BIG ? 0 :
	       tpbpf_err(-fd, "feature probe: BPF_MAP_CREATE: %s", strerror(-fd));
}

/* A call of HELPER(fp - 8, 8, NULL), as the probe_read family takes. */
static int probe_read_helper(int helper)
{
	const struct bpf_insn insns[] = {
		MOV64_REG(BPF_REG_1, BPF_REG_10),
		ADD64_IMM(BPF_REG_1, -8),
		MOV64_IMM(BPF_REG_2, 8),
		MOV64_IMM(BPF_REG_3, 0),
		CALL_HELPER(helper),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT,
	};

	return try_load(BPF_PROG_TYPE_TRACEPOINT, insns, ARRAY_SIZE(insns), NULL);
}

static int probe_helper_probe_read_str(void) { return probe_read_helper(BPF_FUNC_probe_read_str); }
static int probe_helper_probe_read_kernel(void) { return probe_read_helper(BPF_FUNC_probe_read_kernel); }
static int probe_helper_probe_read_user(void) { return probe_read_helper(BPF_FUNC_probe_read_user); }
static int probe_helper_probe_read_kernel_str(void) { return probe_read_helper(BPF_FUNC_probe_read_kernel_str); }
static int probe_helper_probe_read_user_str(void) { return probe_read_helper(BPF_FUNC_probe_read_user_str); }

/* ld_imm64 of a map value (BPF_PSEUDO_MAP_VALUE) is what global data needs. */
static int probe_global_data(void)
{
	int map = create_array(NULL, 8), ret;
	struct bpf_insn insns[] = {
		INSN(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_1, BPF_PSEUDO_MAP_VALUE, 0, 0),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_1, 0, 0, 42),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT,
	};

	if (map < 0)
		return tpbpf_err(-map, "feature probe: BPF_MAP_CREATE: %s", strerror(-map));
	insns[0].imm = map;
	ret = try_load(BPF_PROG_TYPE_TRACEPOINT, insns, ARRAY_SIZE(insns), NULL);
	tpbpf_sys_close(map, "probe map");
	return ret;
}

static int probe_bpf_calls(void)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1),
		EXIT,
		MOV64_IMM(BPF_REG_0, 0),
		EXIT,
	};

	return try_load(BPF_PROG_TYPE_TRACEPOINT, insns, ARRAY_SIZE(insns), NULL);
}

static int probe_enable_stats(void)
{
	int fd = tpbpf_sys_enable_stats(BPF_STATS_RUN_TIME);

	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe");
		return 1;
	}
	return fd == -EINVAL ? 0 : tpbpf_err(-fd, "feature probe: BPF_ENABLE_STATS: %s", strerror(-fd));
}

/*
 * Memory cgroup accounting of BPF memory (5.11) cannot be asked for
 * directly; bpf_ktime_get_coarse_ns() came in the same release, so a
 * kernel that has it charges maps to the cgroup, not to RLIMIT_MEMLOCK.
 * Tracing programs may not call that helper: probe with a socket filter.
 */
static int probe_memcg(void)
{
	const struct bpf_insn insns[] = {
		CALL_HELPER(BPF_FUNC_ktime_get_coarse_ns),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT,
	};

	return try_load(BPF_PROG_TYPE_SOCKET_FILTER, insns, ARRAY_SIZE(insns), NULL);
}

/* bpf_get_attach_cookie() and perf event BPF links came together in 5.15. */
static int probe_perf_link(void)
{
	const struct bpf_insn insns[] = {
		CALL_HELPER(BPF_FUNC_get_attach_cookie),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT,
	};

	return try_load(BPF_PROG_TYPE_TRACEPOINT, insns, ARRAY_SIZE(insns), NULL);
}

static int probe_lru_hash(void)
{
	struct tpbpf_map_create_args a = { .type = BPF_MAP_TYPE_LRU_HASH, .key_size = 4,
					   .value_size = 4, .max_entries = 1 };
	int fd = tpbpf_sys_map_create(&a);

	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe map");
		return 1;
	}
	return fd == -EINVAL ? 0 : tpbpf_err(-fd, "feature probe: BPF_MAP_CREATE: %s", strerror(-fd));
}

/* A BTF of one int: the kernel takes BTF at all. */
static int probe_btf(void)
{
	/* Strings start with the empty one: "a" is at offset 1. */
	struct {
		struct btf_header h;
		uint32_t w[4];
		char strs[3];
	} b = {
		.h = { .magic = 0xeB9F, .version = 1, .hdr_len = sizeof(struct btf_header),
		       .type_len = 16, .str_off = 16, .str_len = 3 },
		.w = { 1, BTF_KIND_INT << 24, 4, 32 },
		.strs = "\0a",
	};
	int fd = tpbpf_sys_btf_load(&b, sizeof(b.h) + 19, NULL, 0);

	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe BTF");
		return 1;
	}
	return fd == -EINVAL || fd == -E2BIG ? 0 :
	       tpbpf_err(-fd, "feature probe: BPF_BTF_LOAD: %s", strerror(-fd));
}

/* Not a load: the kernel exposes its BTF as a file when it was built with it. */
static int probe_kernel_btf(void)
{
	return access(TPBPF_KERNEL_BTF_PATH, R_OK) == 0;
}

/* A ring buffer map of one page: a kernel before 5.8 does not know the type. */
static int probe_ringbuf(void)
{
	struct tpbpf_map_create_args a = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	a.type = BPF_MAP_TYPE_RINGBUF;
	a.max_entries = page > 0 ? (uint32_t)page : 4096;
	fd = tpbpf_sys_map_create(&a);
	if (fd >= 0) {
		tpbpf_sys_close(fd, "probe");
		return 1;
	}
	return fd == -EINVAL ? 0 : tpbpf_err(-fd, "feature probe: BPF_MAP_CREATE: %s", strerror(-fd));
}

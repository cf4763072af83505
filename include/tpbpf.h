/* SPDX-License-Identifier: MIT */
/*
 * tpbpf: load eBPF programs onto tracepoints with raw bpf(2) and
 * perf_event_open(2), without libbpf or BTF.
 *
 * Every function returns 0 (or a non-negative value) on success and a
 * negative errno on failure. After a failure, tpbpf_error_detail() says what
 * failed and what to do about it. Nothing here prints or exits; pass a
 * callback to tpbpf_set_log() to see each step of the load path.
 */
#ifndef TPBPF_H
#define TPBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors and step-by-step log ---------------------------------------- */

/* Human-readable detail of the last failure in this thread ("" if none). */
const char *tpbpf_error_detail(void);

/* Receives one line (no trailing newline) per step when set; NULL: quiet. */
typedef void (*tpbpf_log_fn)(void *ctx, const char *line);
void tpbpf_set_log(tpbpf_log_fn fn, void *ctx);
/* 1 (default): every step of the load path; 2: also each wait for events. */
void tpbpf_set_log_level(int level);

/* ---- tracefs --------------------------------------------------------------- */

/*
 * Use DIR as the tracefs root (it must contain "events/"). Without this call
 * the root is found from /proc/self/mountinfo, then /sys/kernel/tracing,
 * then /sys/kernel/debug/tracing, and mounted at /sys/kernel/tracing when
 * none of those works.
 */
int tpbpf_tracefs_set_root(const char *dir);
/* The tracefs root in use, found (or mounted) on first call; NULL on error. */
const char *tpbpf_tracefs_root(void);

/*
 * A category or event name is accepted only if it is 1-255 characters of
 * [A-Za-z0-9_.-] and is not "." or "..": nothing else ever reaches a path.
 */
bool tpbpf_tracepoint_name_valid(const char *s);

/* Split "cat:name", "cat/name" or ("cat", "name") into two valid parts. */
int tpbpf_tracepoint_parse(const char *spec, char *category, size_t cat_len,
			   char *name, size_t name_len);

/* Event ID of CATEGORY/NAME from tracefs, or -ENOENT (detail names it). */
int tpbpf_tracepoint_id(const char *category, const char *name);

/* All events as sorted "category:name" strings; free with tpbpf_strv_free. */
int tpbpf_tracepoint_list(char ***names, size_t *count);
void tpbpf_strv_free(char **v, size_t count);

/* ---- feature probes --------------------------------------------------------- */

/*
 * What the running kernel can do, found by a tiny real load or syscall the
 * first time a choice depends on it. TPBPF_FORCE_ABSENT=name,name (or "all")
 * in the environment makes features with a fallback answer "absent".
 */
enum tpbpf_feature {
	TPBPF_FEAT_TRACEPOINT,
	TPBPF_FEAT_RAW_TRACEPOINT,
	TPBPF_FEAT_RAW_TRACEPOINT_WRITABLE,
	TPBPF_FEAT_PROG_NAME,
	TPBPF_FEAT_MAP_NAME,
	TPBPF_FEAT_PROBE_READ_STR,
	TPBPF_FEAT_PROBE_READ_KERNEL,
	TPBPF_FEAT_PROBE_READ_USER,
	TPBPF_FEAT_PROBE_READ_KERNEL_STR,
	TPBPF_FEAT_PROBE_READ_USER_STR,
	TPBPF_FEAT_GLOBAL_DATA,
	TPBPF_FEAT_BPF_CALLS,
	TPBPF_FEAT_ENABLE_STATS,
	TPBPF_FEAT_MEMCG,
	TPBPF_FEAT_PERF_LINK,
	TPBPF_FEAT_KERNEL_BTF,
	TPBPF_FEAT_LRU_HASH,
	TPBPF_FEAT_BTF,
	TPBPF_FEAT_RINGBUF,
	TPBPF_FEAT_COUNT
};

/* 1 present, 0 absent (or forced absent), negative if it cannot be told. */
int tpbpf_feature_present(enum tpbpf_feature f);
/* True when TPBPF_FORCE_ABSENT made F absent. */
bool tpbpf_feature_forced(enum tpbpf_feature f);
const char *tpbpf_feature_name(enum tpbpf_feature f);
const char *tpbpf_feature_description(enum tpbpf_feature f);
/* The first mainline kernel version that has it. */
const char *tpbpf_feature_kernel(enum tpbpf_feature f);
/* What tpbpf does when it is absent; NULL when nothing can replace it. */
const char *tpbpf_feature_fallback(enum tpbpf_feature f);

/* ---- kernel struct offsets (load-time constant KERNEL_OFF) --------------- */

/*
 * Where offsets of kernel struct fields come from, in this order: a file of
 * "struct.field offset" lines (tpbpf offsets --from-headers DIR writes one),
 * then /sys/kernel/btf/vmlinux when it exists.
 */
int tpbpf_set_kernel_offsets_file(const char *path);
/* Offset of FIELD in struct STRUCT of the running kernel. */
int tpbpf_kernel_offset(const char *st, const char *field, uint64_t *offset);

/* ---- tracepoint record formats (tracefs "format" files) ------------------- */

enum tpbpf_field_kind {
	TPBPF_FIELD_INT,	/* integer of size 1, 2, 4 or 8 */
	TPBPF_FIELD_CHAR_ARRAY,	/* char name[N]: text */
	TPBPF_FIELD_ARRAY,	/* other fixed-size array */
	TPBPF_FIELD_POINTER,	/* a pointer value (printed as hex) */
	TPBPF_FIELD_USER_STRING,/* const char * argument of a syscall */
	TPBPF_FIELD_DATA_LOC,	/* __data_loc: u32 (len << 16 | offset from record) */
	TPBPF_FIELD_REL_LOC,	/* __rel_loc: u32 (len << 16 | offset from field end) */
	TPBPF_FIELD_OTHER,	/* anything else, shown as bytes */
};

struct tpbpf_field {
	char *type;		/* as tracefs prints it, e.g. "const char *" */
	char *name;
	unsigned int offset;
	unsigned int size;
	bool is_signed;
	bool is_common;		/* common_type, common_pid, ... */
	enum tpbpf_field_kind kind;
	unsigned int array_len;	/* elements of a fixed array, else 0 */
	bool dyn_is_string;	/* __data_loc/__rel_loc char[] */
};

struct tpbpf_format {
	char *name;		/* event name ("name:" line) */
	int id;			/* "ID:" line */
	unsigned int nr_fields;
	struct tpbpf_field *fields;
	unsigned int fixed_size;	/* end of the last fixed field */
};

/* Parse the text of a format file. Errors name the line that is wrong. */
int tpbpf_format_parse(const char *text, size_t len, struct tpbpf_format *out);
/* Read and parse CATEGORY/NAME's format from tracefs. */
int tpbpf_format_read(const char *category, const char *name,
		      struct tpbpf_format *out);
void tpbpf_format_free(struct tpbpf_format *fmt);
const struct tpbpf_field *tpbpf_format_field(const struct tpbpf_format *fmt,
					     const char *name);

/* ---- objects, programs, maps -------------------------------------------- */

struct tpbpf_object;
struct tpbpf_program;
struct tpbpf_map;

enum tpbpf_prog_kind {
	TPBPF_PROG_TRACEPOINT,		/* tracepoint/CAT/NAME, tp/CAT/NAME */
	TPBPF_PROG_RAW_TRACEPOINT,	/* raw_tracepoint/NAME, raw_tp/NAME */
	TPBPF_PROG_RAW_TRACEPOINT_WRITABLE, /* raw_tracepoint.w/, raw_tp.w/ */
	/*
	 * Anything else an object may hold (kprobe, xdp, tp_btf, a section
	 * name tpbpf does not know): not loaded; tpbpf_program_skip_reason()
	 * says why.
	 */
	TPBPF_PROG_OTHER,
};

/* Read an object file (or memory image). Nothing is sent to the kernel. */
int tpbpf_object_open_file(const char *path, struct tpbpf_object **out);
int tpbpf_object_open_mem(const void *data, size_t size, const char *name,
			  struct tpbpf_object **out);

/* Value of the load-time constant TPBPF_CONST(NAME) in the programs. */
int tpbpf_object_set_const(struct tpbpf_object *obj, const char *name,
			   uint64_t value);
/*
 * A global variable of the object, in .rodata, .data or .bss (the const
 * volatile settings a libbpf skeleton writes as rodata->name before load):
 * its size and its section. -ENOENT when the object has none of that name.
 */
int tpbpf_object_global(const struct tpbpf_object *obj, const char *name,
			size_t *size, const char **section);
/*
 * Its initial value, before the object is loaded: SIZE bytes, its size.
 * On kernels without global data, reads of .rodata are folded with it.
 */
int tpbpf_object_set_global(struct tpbpf_object *obj, const char *name,
			    const void *value, size_t size);
/*
 * Where maps defined with __uint(pinning, LIBBPF_PIN_BY_NAME) are pinned,
 * by their names (a bpffs directory; default /sys/fs/bpf). A map pinned
 * there already is used if it is the same map, refused if it is another.
 */
int tpbpf_object_set_pin_root(struct tpbpf_object *obj, const char *dir);
/* Keep every verifier log, not only those of rejected programs. */
void tpbpf_object_keep_verifier_logs(struct tpbpf_object *obj, bool keep);

/* Create maps, relocate, and load every program (BPF_PROG_LOAD). */
int tpbpf_object_load(struct tpbpf_object *obj);
/* Attach every program to the target its section names. */
int tpbpf_object_attach(struct tpbpf_object *obj);
/*
 * Stop every program: when this returns, none of them runs any more (their
 * BPF links and raw tracepoints are closed, several at once). What is
 * left, the disabled perf events under the links, goes with
 * tpbpf_object_detach() or tpbpf_object_close(): the kernel makes the
 * close of a tracepoint's last perf event wait for a grace period (tens
 * of ms each), so a tool stops, reports, then closes.
 */
void tpbpf_object_stop(struct tpbpf_object *obj);
/* Detach every program (several at once); they stay loaded and their maps readable. */
void tpbpf_object_detach(struct tpbpf_object *obj);
/* Detach, close every fd; obj may be NULL. */
void tpbpf_object_close(struct tpbpf_object *obj);

const char *tpbpf_object_name(const struct tpbpf_object *obj);
/* The license section's text; "" when the object has none. */
const char *tpbpf_object_license(const struct tpbpf_object *obj);
/*
 * What reading the object passed over that a user should hear of (a map
 * section tpbpf does not use...): one line each, without a prefix.
 */
size_t tpbpf_object_warning_count(const struct tpbpf_object *obj);
const char *tpbpf_object_warning(const struct tpbpf_object *obj, size_t i);
size_t tpbpf_object_program_count(const struct tpbpf_object *obj);
struct tpbpf_program *tpbpf_object_program(const struct tpbpf_object *obj,
					   size_t i);
struct tpbpf_program *tpbpf_object_find_program(const struct tpbpf_object *obj,
						const char *name);
size_t tpbpf_object_map_count(const struct tpbpf_object *obj);
struct tpbpf_map *tpbpf_object_map(const struct tpbpf_object *obj, size_t i);
struct tpbpf_map *tpbpf_object_find_map(const struct tpbpf_object *obj,
					const char *name);

const char *tpbpf_program_name(const struct tpbpf_program *prog);
const char *tpbpf_program_section(const struct tpbpf_program *prog);
enum tpbpf_prog_kind tpbpf_program_kind(const struct tpbpf_program *prog);
/* "CAT/NAME" or "NAME" from the section; "" when the section names none. */
const char *tpbpf_program_target(const struct tpbpf_program *prog);
int tpbpf_program_fd(const struct tpbpf_program *prog);
/* Instructions as they are (relocated once the object is loaded). */
const void *tpbpf_program_insns(const struct tpbpf_program *prog,
				size_t *count);
/* Verifier log of the last load ("" if none was kept). */
const char *tpbpf_program_verifier_log(const struct tpbpf_program *prog);
/* Skip this program in tpbpf_object_attach (attach it yourself). */
void tpbpf_program_set_autoattach(struct tpbpf_program *prog, bool on);
/*
 * Load this program with the object, or not (tpbpf load --program NAME
 * loads only those named). Programs of kind TPBPF_PROG_OTHER are not
 * loaded, whatever this says.
 */
void tpbpf_program_set_autoload(struct tpbpf_program *prog, bool on);
bool tpbpf_program_autoload(const struct tpbpf_program *prog);
/* Why a TPBPF_PROG_OTHER program is not loaded; NULL for the others. */
const char *tpbpf_program_skip_reason(const struct tpbpf_program *prog);
/*
 * A program in a section whose name says no program type (SEC("handler")):
 * load it as KIND, as tpbpf load --attach PROG=TARGET does. -EINVAL for a
 * program whose section names another type (kprobe/, xdp...).
 */
int tpbpf_program_set_kind(struct tpbpf_program *prog, enum tpbpf_prog_kind kind);

/* ---- links: a program attached to one tracepoint ------------------------ */

struct tpbpf_link;

/*
 * Attach PROG to one more tracepoint (a program may be attached to many).
 * The program keeps the new link, and *LINK (when LINK is not NULL) points
 * to it until it is detached: by tpbpf_link_detach(), or with all the
 * others by tpbpf_object_detach() or tpbpf_object_close().
 */
int tpbpf_program_attach_tracepoint(struct tpbpf_program *prog,
				    const char *category, const char *name,
				    struct tpbpf_link **link);
int tpbpf_program_attach_raw_tracepoint(struct tpbpf_program *prog,
					const char *name, struct tpbpf_link **link);
/* Attach as the section says, or to TARGET ("CAT/NAME" or raw "NAME"). */
int tpbpf_program_attach(struct tpbpf_program *prog, const char *target,
			 struct tpbpf_link **link);
/* The links this program holds, in the order they were made. */
size_t tpbpf_program_link_count(const struct tpbpf_program *prog);
struct tpbpf_link *tpbpf_program_link(const struct tpbpf_program *prog, size_t i);

/* Detach this link now; the program stays loaded, its other links attached. */
void tpbpf_link_detach(struct tpbpf_link *link);
/* "CAT:NAME" of a classic tracepoint, or the raw tracepoint's NAME. */
const char *tpbpf_link_target(const struct tpbpf_link *link);
struct tpbpf_program *tpbpf_link_program(const struct tpbpf_link *link);
/* The fd that holds the attachment (a BPF link, raw tracepoint or perf event). */
int tpbpf_link_fd(const struct tpbpf_link *link);

const char *tpbpf_map_name(const struct tpbpf_map *map);
int tpbpf_map_fd(const struct tpbpf_map *map);
uint32_t tpbpf_map_type(const struct tpbpf_map *map);
uint32_t tpbpf_map_key_size(const struct tpbpf_map *map);
uint32_t tpbpf_map_value_size(const struct tpbpf_map *map);
uint32_t tpbpf_map_max_entries(const struct tpbpf_map *map);
bool tpbpf_map_is_percpu(const struct tpbpf_map *map);
/* True for maps made from .data/.rodata/.bss. */
bool tpbpf_map_is_global_data(const struct tpbpf_map *map);
/*
 * Before the object is loaded: the map's max_entries (for a ring buffer,
 * its size in bytes: a power of two, a multiple of the page size).
 */
int tpbpf_map_set_max_entries(struct tpbpf_map *map, uint32_t max_entries);

/*
 * Map element access. For per-CPU maps VALUE holds one value per possible
 * CPU, each rounded up to 8 bytes: tpbpf_map_value_buf_size() gives the size.
 */
size_t tpbpf_map_value_buf_size(const struct tpbpf_map *map);
int tpbpf_map_lookup(const struct tpbpf_map *map, const void *key, void *value);
int tpbpf_map_update(const struct tpbpf_map *map, const void *key,
		     const void *value, uint64_t flags);
int tpbpf_map_delete(const struct tpbpf_map *map, const void *key);
/* KEY NULL: first key. Returns -ENOENT after the last one. */
int tpbpf_map_next_key(const struct tpbpf_map *map, const void *key,
		       void *next_key);

/*
 * Kernel run-time statistics (5.8+): while the returned fd is open the
 * kernel counts each program's runs and time (BPF_ENABLE_STATS).
 */
int tpbpf_enable_stats(void);
/* Runs and total run time so far of a loaded program. */
int tpbpf_program_stats(const struct tpbpf_program *prog, uint64_t *run_cnt,
			uint64_t *run_time_ns);

/*
 * Every entry of a map at once: keys and values in two arrays (values of
 * tpbpf_map_value_buf_size() bytes each). Keys are collected before any
 * value is read, so entries added meanwhile may be missed but none is
 * read twice. With DELETE, each entry is deleted right after it is read
 * (what a periodic "top" display wants).
 */
struct tpbpf_map_entries {
	size_t n;
	size_t key_size;
	size_t value_size;
	void *keys;
	void *values;
};
int tpbpf_map_snapshot(const struct tpbpf_map *map, bool delete,
		       struct tpbpf_map_entries *out);
void tpbpf_map_entries_free(struct tpbpf_map_entries *e);

/* Number of possible CPUs (/sys/devices/system/cpu/possible). */
int tpbpf_num_possible_cpus(void);

/* ---- reading what programs send: perf event array or ring buffer -------- */

/*
 * Records that programs send with bpf_perf_event_output() into a
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY (one perf ring per CPU: the reader opens
 * them and stores them in the map) or with bpf_ringbuf_output() (or
 * reserve and submit) into a BPF_MAP_TYPE_RINGBUF (5.8+: the map's own
 * ring, shared by all CPUs: the reader maps it). The reader asks the map
 * which it is; it is used the same way for both.
 */
struct tpbpf_event_reader;

/*
 * One record. CPU is the CPU whose perf ring held it, or -1 for a ring
 * buffer (which does not say: put it in the record if you need it). DATA
 * points into the ring: valid during the call only.
 */
typedef void (*tpbpf_sample_fn)(void *ctx, int cpu, const void *data,
				uint32_t size);
/*
 * The kernel dropped LOST records on CPU because its perf ring was full.
 * A ring buffer never reports loss: the program's send fails instead, and
 * the program counts it.
 */
typedef void (*tpbpf_lost_fn)(void *ctx, int cpu, uint64_t lost);

struct tpbpf_event_reader_opts {
	/* Perf event array only: a ring buffer's size and wake-ups are the
	 * map's (max_entries, tpbpf_map_set_max_entries()) and the program's
	 * (BPF_RB_NO_WAKEUP / BPF_RB_FORCE_WAKEUP). */
	unsigned int pages_per_cpu;	/* power of two; 0 means 64 */
	unsigned int wakeup_events;	/* wake the reader every N records; 0 means 1 */
	tpbpf_sample_fn on_sample;
	tpbpf_lost_fn on_lost;		/* may be NULL */
	void *ctx;
};

/* Read MAP_FD, a perf event array or a ring buffer (the reader keeps its own reference). */
int tpbpf_event_reader_new(int map_fd, const struct tpbpf_event_reader_opts *opts,
			   struct tpbpf_event_reader **out);
/* Wait up to TIMEOUT_MS for records and handle every one waiting: records handled. */
int tpbpf_event_reader_poll(struct tpbpf_event_reader *r, int timeout_ms);
/* Handle every record waiting now, without waiting. */
int tpbpf_event_reader_drain(struct tpbpf_event_reader *r);
/* An fd (epoll) readable when records wait, for the caller's own event loop: then drain. */
int tpbpf_event_reader_fd(const struct tpbpf_event_reader *r);
/* BPF_MAP_TYPE_PERF_EVENT_ARRAY or BPF_MAP_TYPE_RINGBUF. */
uint32_t tpbpf_event_reader_map_type(const struct tpbpf_event_reader *r);
/*
 * Records the kernel reported lost so far, over all CPUs (always 0 for a
 * ring buffer). The kernel reports a perf ring's losses only in front of
 * the next record that fits, so the last ones may never be reported.
 */
uint64_t tpbpf_event_reader_lost(const struct tpbpf_event_reader *r);
/*
 * Records read so far (handed to on_sample), over all CPUs. A program that
 * counts the records it sent can tell from this what never arrived, also
 * on kernels whose bpf_perf_event_output() returns 0 when the ring is full
 * (4.19 does; 5.4 returns -ENOSPC).
 */
uint64_t tpbpf_event_reader_samples(const struct tpbpf_event_reader *r);
void tpbpf_event_reader_free(struct tpbpf_event_reader *r);

#ifdef __cplusplus
}
#endif

#endif /* TPBPF_H */

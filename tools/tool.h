/* SPDX-License-Identifier: MIT */
/* What the subcommands of the tpbpf command share. */
#ifndef TPBPF_TOOL_H
#define TPBPF_TOOL_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tpbpf.h"

/* Exit statuses of the command-line contract. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Global options, set by main() before the subcommand runs. */
extern int verbose;

/* Print "tpbpf: error: ..." on stderr (one line). Returns EXIT_FAIL. */
int tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, followed by ": <library detail>". Returns EXIT_FAIL. */
int tool_lib_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "tpbpf: usage error: ..." plus a hint. Returns EXIT_USAGE. */
int tool_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse "-d SECS" style numbers; false (and an error printed) if bad. */
bool parse_uint(const char *cmd, const char *opt, const char *arg,
		unsigned long max, unsigned long *out);

/* The wall-clock time as HH:MM:SS, for periodic tables. */
const char *clock_stamp(char *buf, size_t len);
/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
unsigned long long monotonic_ns(void);

/* TPBPF_CONST(NAME) = VALUE in OBJ; 0, or EXIT_FAIL with "CMD: why" printed. */
int tool_set_const(const char *cmd, struct tpbpf_object *obj, const char *name,
		   unsigned long long value);
/* --const NAME=VALUE: set the load-time constant; 0 or an exit status. */
int const_option(const char *cmd, struct tpbpf_object *obj, const char *spec);
/* --set NAME=VALUE: a global variable's initial value; 0 or an exit status. */
int set_option(const char *cmd, struct tpbpf_object *obj, const char *spec);
/* OPTION (const_option, set_option) for each of SPECS[0..N); 0 or the first exit status. */
int apply_options(int (*option)(const char *cmd, struct tpbpf_object *obj, const char *spec),
		  const char *cmd, struct tpbpf_object *obj, const char *const *specs, size_t n);
/* The one OBJECT.o argument after the options, opened; 0 or an exit status. */
int open_object_arg(const char *cmd, int argc, char **argv, struct tpbpf_object **obj);

/*
 * Ctrl-C / SIGTERM handling: stop_requested becomes 1 on the first signal.
 * run_until_stop() waits for the duration (0 = forever) or a signal,
 * calling POLL (if given) with a timeout in ms so events keep flowing.
 */
extern volatile sig_atomic_t stop_requested;
void install_stop_handlers(void);
/* Block SIGINT/SIGTERM during teardown so a second Ctrl-C cannot cut it. */
void block_stop_signals(void);
typedef int (*poll_fn)(void *ctx, int timeout_ms);
int run_until_stop(unsigned long duration_s, poll_fn poll, void *ctx);

/*
 * Where a row type holds a map entry's key and value, for map_rows():
 * ROW_LAYOUT(struct count_row, pid, val).
 */
struct row_layout {
	size_t size;			/* of one row */
	size_t key_off, key_size;
	size_t val_off, val_size;
};
#define ROW_LAYOUT(type, key, val) ((struct row_layout){ sizeof(type), \
	offsetof(type, key), sizeof(((type *)0)->key), \
	offsetof(type, val), sizeof(((type *)0)->val) })
/*
 * Every entry of MAP as an array of *N rows laid out as L (malloc'd: free()
 * it), or NULL with *ERR set. With RESET, each entry is deleted after it
 * is read: what is counted between the read and the delete of one key is
 * lost, a window of a few microseconds (map_rows.c).
 */
void *map_rows(const struct tpbpf_map *map, bool reset, struct row_layout l, size_t *n,
	       int *err);

/* Print every map of OBJ (map_dump.c). */
void dump_maps(FILE *f, const struct tpbpf_object *obj);
/* Print verifier logs: of every program (ALL) or of those not loaded. */
void print_verifier_logs(FILE *f, const struct tpbpf_object *obj, bool all);

/* Embedded BPF objects built from progs/NAME.bpf.c. */
int embedded_object_open(const char *name, struct tpbpf_object **out);
bool embedded_object_exists(const char *name);

/* ---- options every tracing tool takes (session.c) ---------------------- */

struct common_opts {
	unsigned long duration;		/* -d SECS, 0: until Ctrl-C */
	unsigned long pid;		/* -p PID, 0: every process */
	unsigned long ring_pages;	/* --ring-pages N per CPU */
	bool json;			/* --json: one JSON object per line */
	bool stats;			/* --stats: kernel run-time statistics */
	bool ring_buffer;		/* --ring-buffer: events through a BPF ring buffer */
};

#define COMMON_OPTS_HELP \
	"  -d, --duration SECS  run for SECS seconds (default: until Ctrl-C or SIGTERM)\n" \
	"  -p, --pid PID        only this process (filtered in the kernel)\n" \
	"  --json               one JSON object per line\n" \
	"  --stats              print each program's runs and average run time at the end\n" \
	"  --ring-pages N       ring pages per CPU (power of two, default 64); with a ring\n" \
	"                       buffer, one ring of N pages times the CPUs\n" \
	"  --ring-buffer        send events through one BPF ring buffer (kernel 5.8+)\n" \
	"                       instead of a perf ring per CPU\n"
#define COMMON_LONG_OPTS \
	{ "duration", required_argument, NULL, 'd' }, \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "json", no_argument, NULL, 0x100 }, \
	{ "stats", no_argument, NULL, 0x101 }, \
	{ "ring-pages", required_argument, NULL, 0x102 }, \
	{ "ring-buffer", no_argument, NULL, 0x103 }
#define COMMON_SHORT_OPTS "d:p:"

/* 1: C was a common option (stored in O); 0: not one; -1: bad (printed). */
int common_opt(const char *cmd, int c, const char *arg, struct common_opts *o);

/*
 * Reading a subcommand's options (options.c). SHORTOPTS and LONGOPTS are
 * getopt_long()'s, with COMMON_SHORT_OPTS and COMMON_LONG_OPTS when COMMON
 * is set, and 'h' for --help.
 */
struct opt_reader {
	const char *cmd;
	const char *shortopts;
	const struct option *longopts;
	void (*usage)(FILE *f);		/* printed on stdout by -h, --help */
	struct common_opts *common;	/* the common options go here; NULL: none */
	bool takes_args;		/* false: an argument is a usage error */
	int rc;				/* after -1: the exit status */
};
/*
 * The next of the command's own options (getopt_long()'s value, optarg
 * set); 0 after the last (optind: the first argument); -1 when the command
 * ends here with R->rc: EXIT_OK after --help, EXIT_USAGE after a usage
 * error (a bad option or value, an argument where none is taken), printed.
 */
int next_opt(struct opt_reader *r, int argc, char **argv);
/* -i SECS, at least 1; false (and an error printed) if bad. */
bool parse_interval(const char *cmd, const char *arg, unsigned long *out);

/*
 * A running tool: its object loaded and attached, its perf ring reader, and
 * the counts that its summary reports.
 */
#define DEFAULT_RING_PAGES 64

struct session {
	const char *cmd;
	struct common_opts opts;
	struct tpbpf_object *obj;
	struct tpbpf_event_reader *reader;
	bool ringbuf;			/* the object's events go through a ring buffer */
	int stats_fd;
	unsigned long long events;	/* records handed to the tool */
	bool loaded;			/* loaded: the end must detach */
	bool running;			/* "attached" was said: the end reports */
	/* The tool's last report (session_on_end); 0 or an exit status. */
	int (*on_end)(void *ctx);
	void *end_ctx;
	/* Called after each wait for events (session_on_poll); <0 ends the run. */
	int (*on_poll)(void *ctx);
	void *poll_ctx;
};

/* Open embedded object NAME; sets TPBPF_CONST(target_pid) from -p. */
int session_open(struct session *s, const char *cmd, const char *name,
		 const struct common_opts *opts);
/* The same for an object the caller opened (tpbpf load); the session owns it. */
int session_open_object(struct session *s, const char *cmd, struct tpbpf_object *obj,
			const struct common_opts *opts);
/* Load every program (BPF_PROG_LOAD); errors printed. */
int session_load(struct session *s);
/*
 * Attach the programs left to autoattach, then say on stderr how many
 * programs and tracepoints are attached: call it after attaching any
 * program yourself, since tests wait for that line.
 */
int session_attach(struct session *s);
/* session_load() then session_attach(). */
int session_load_attach(struct session *s);
/*
 * Read the map named MAP (a perf event array or a ring buffer) into
 * ON_SAMPLE (ctx CTX); for a perf event array, CPU is the ring's CPU, for
 * a ring buffer -1.
 */
int session_read_events(struct session *s, const char *map, tpbpf_sample_fn on_sample,
			void *ctx);
int session_read_map(struct session *s, struct tpbpf_map *map,
		     tpbpf_sample_fn on_sample, void *ctx);
/* Run until -d, Ctrl-C/SIGTERM, or session_stop(), reading the rings. */
int session_run(struct session *s);
/*
 * The same, calling TICK(CTX) every INTERVAL seconds (the tables of --top
 * and -i) but not at the end: the last table is the session_on_end report.
 */
int session_run_every(struct session *s, unsigned long interval,
		      int (*tick)(void *ctx), void *ctx);
/* Write out what the events left in stdout_buf, then stdout itself. */
void session_flush(void);
/* Ask the run loop to end (e.g. -c COUNT reached). */
void session_stop(void);
/* Lost: the program's count of sends that failed, else the kernel's PERF_RECORD_LOST count. */
unsigned long long session_lost(struct session *s);
/* FN(CTX) runs after each wait for events: other sources a tool reads. */
void session_on_poll(struct session *s, int (*fn)(void *ctx), void *ctx);
/*
 * FN(CTX) makes the tool's last report at the end of the run: after the
 * programs stopped and the drain, so what the maps hold is final, and
 * before the counts are printed.
 */
void session_on_end(struct session *s, int (*fn)(void *ctx), void *ctx);
/*
 * The end of every run, once and in this order: block the stop signals (a
 * second Ctrl-C cannot cut it short), stop the programs (tpbpf_object_stop:
 * links closed at once), drain the rings, the tool's last report, --stats,
 * "N events, M lost", close everything (the slow perf event closes, at
 * once), "detached".
 * Returns RC, or EXIT_FAIL if the last report failed.
 */
int session_end(struct session *s, int rc);

/* ---- tables of counts: cswitch --top, syscount (count_table.c) ---------- */

struct count_table {
	const char *cmd;
	const struct session *s;	/* its map "counts" */
	struct row_layout layout;	/* a row: the map's key and value */
	int (*cmp)(const void *a, const void *b);	/* the order of the rows */
	unsigned long long (*count)(const void *row);	/* what a row adds to the total */
	/* The text header, and a row as text or as JSON members (no newline). */
	void (*print_header)(const void *ctx);
	void (*print_row)(const void *ctx, const void *row, bool json);
	const void *ctx;
	bool json;
	unsigned long top;		/* rows printed, 0: all */
	unsigned long interval;		/* -i SECS: each table stamped with the time */
	unsigned long long total;	/* over every table printed */
};

/* One table of what the map holds now (RESET: the counts start again). */
int count_table_print(struct count_table *t, bool reset);
/* count_table_print(TABLE, true), a session_run_every() tick (-i). */
int count_table_tick(void *table);

/* ---- output (output.c) --------------------------------------------------- */

/*
 * A byte buffer with its own formatting, handed to a FILE in blocks: what
 * the tools write their events with (printf costs too much per event).
 * Flush it before anything else writes to the same FILE, so lines keep
 * their order.
 */
struct outbuf {
	char *buf;
	size_t len, cap;
	FILE *file;		/* NULL: stdout */
};
/* stdout's: events go here; session.c flushes it after each batch. */
extern struct outbuf stdout_buf;
/*
 * From start to stop, stdout_buf's blocks are written by a thread of their
 * own, so a slow write(2) (a file under writeback) does not stall the event
 * reader. Nothing else may write to stdout meanwhile unless output_sync()
 * came first. output_sync(): everything so far written, stdout flushed.
 */
void output_thread_start(void);
void output_thread_stop(void);
void output_sync(void);

void ob_init(struct outbuf *o, FILE *f, char *buf, size_t cap);
void ob_flush(struct outbuf *o);
static inline void ob_char(struct outbuf *o, char c)
{
	if (o->len == o->cap)
		ob_flush(o);
	o->buf[o->len++] = c;
}
void ob_mem(struct outbuf *o, const void *p, size_t n);
void ob_str(struct outbuf *o, const char *s);
void ob_pad(struct outbuf *o, char c, int n);
void ob_u64(struct outbuf *o, uint64_t v);
void ob_i64(struct outbuf *o, int64_t v);
/* Lower-case hex digits, no 0x. */
void ob_hex(struct outbuf *o, uint64_t v);
/* As printf's %*lld: right-aligned in WIDTH characters, left-aligned in -WIDTH. */
void ob_int(struct outbuf *o, int64_t v, int width);
/* V right-aligned in WIDTH characters, padded with PAD (' ' or '0'). */
void ob_uint(struct outbuf *o, uint64_t v, int width, char pad);
/* For what is not on the hot path. */
void ob_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text with non-printable bytes escaped (\n, \x1b, ...), at most LEN bytes
 * or up to a NUL; returns the characters written. */
size_t ob_escaped(struct outbuf *o, const char *s, size_t len);
/* ob_escaped() into a column of WIDTH characters (padded with spaces). */
void ob_escaped_padded(struct outbuf *o, const char *s, size_t len, int width);
/* A JSON string literal (quotes included), at most LEN bytes, valid UTF-8. */
void ob_json_string(struct outbuf *o, const char *s, size_t len);

/* The same three straight to a FILE, for tables and reports. */
void print_escaped(FILE *f, const char *s, size_t len);
void print_escaped_padded(FILE *f, const char *s, size_t len, int width);
void print_json_string(FILE *f, const char *s, size_t len);
/* The same of a C string; NULL is null. */
static inline void print_json_cstring(FILE *f, const char *s)
{
	if (s)
		print_json_string(f, s, strlen(s));
	else
		fputs("null", f);
}

/* Subcommands: each gets argv from its own name on. */
int cmd_list(int argc, char **argv);
int cmd_format(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_tracepoint(int argc, char **argv);
int cmd_raw_tracepoint(int argc, char **argv);
int cmd_opensnoop(int argc, char **argv);
int cmd_cswitch(int argc, char **argv);
int cmd_netdev(int argc, char **argv);
int cmd_syscount(int argc, char **argv);
int cmd_syslat(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_offsets(int argc, char **argv);

#endif

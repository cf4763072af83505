/* SPDX-License-Identifier: MIT */
/* What the subcommands of the tpbpf command share. */
#ifndef TPBPF_TOOL_H
#define TPBPF_TOOL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

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

/* Print every map of OBJ (map_dump.c). */
void dump_maps(FILE *f, const struct tpbpf_object *obj);
/* Print verifier logs: of every program (ALL) or of those not loaded. */
void print_verifier_logs(FILE *f, const struct tpbpf_object *obj, bool all);

/* Embedded BPF objects built from progs/NAME.bpf.c. */
int embedded_object_open(const char *name, struct tpbpf_object **out);

/* Subcommands: each gets argv from its own name on. */
int cmd_list(int argc, char **argv);
int cmd_format(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_tracepoint(int argc, char **argv);

#endif

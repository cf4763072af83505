/* SPDX-License-Identifier: MIT */
/* The tpbpf command: global options, then one subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

int verbose;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "list", cmd_list, "list tracepoints as CATEGORY:NAME (glob filter)" },
	{ "format", cmd_format, "show a tracepoint's ID and fields; --header prints a C struct" },
	{ "tracepoint", cmd_tracepoint, "attach to any tracepoint and print its events decoded" },
	{ "load", cmd_load, "load a BPF object, attach its programs, dump its maps" },
	{ "raw-tracepoint", cmd_raw_tracepoint, "count hits of a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN)" },
	{ "opensnoop", cmd_opensnoop, "files opened: PID, COMM, FD, ERR, PATH" },
	{ "cswitch", cmd_cswitch, "context switches (sched:sched_switch); --top N per pid" },
	{ "netdev", cmd_netdev, "packets queued and received per device (one program, two tracepoints)" },
	{ "syscount", cmd_syscount, "system calls counted per syscall (classic or --raw)" },
	{ "syslat", cmd_syslat, "time spent per system call, as log2 histograms" },
	{ "inspect", cmd_inspect, "what the loader will do with an object, without loading it" },
	{ "new", cmd_new, "write a ready-to-build project for one tracepoint" },
	{ "features", cmd_features, "what this kernel supports, and the fallback tpbpf uses" },
	{ "offsets", cmd_offsets, "kernel struct offsets file for --offsets (--from-headers DIR)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tpbpf [-v] [--tracefs DIR] [--offsets FILE] COMMAND [ARGS...]\n\n"
		"Load eBPF programs onto tracepoints with raw bpf(2) and perf_event_open(2).\n\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-15s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\noptions:\n"
		"  -v, --verbose     print each step of the load path (bpf() calls, relocations, tracefs reads);\n"
		"                    -vv also each wait for events\n"
		"  --tracefs DIR     use DIR as the tracefs root\n"
		"  --offsets FILE    kernel struct offsets for KERNEL_OFF() (tpbpf offsets writes one);\n"
		"                    without it they come from /sys/kernel/btf/vmlinux when it exists\n"
		"  -h, --help        this help; 'tpbpf COMMAND --help' for a command's options\n"
		"\nexit status: 0 success, 1 failure, 2 usage error\n");
}

static void log_to_stderr(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "tpbpf: %s\n", line);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "tracefs", required_argument, NULL, 'T' },
		{ "offsets", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *tracefs = NULL, *offsets = NULL;
	int c;

	/* '+': stop at the subcommand, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose++;
			break;
		case 'T':
			tracefs = optarg;
			break;
		case 'O':
			offsets = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (verbose) {
		tpbpf_set_log(log_to_stderr, NULL);
		tpbpf_set_log_level(verbose);
	}
	if (tracefs) {
		int err = tpbpf_tracefs_set_root(tracefs);

		if (err)
			return tool_lib_error(err, "--tracefs %s", tracefs);
	}
	if (offsets) {
		int err = tpbpf_set_kernel_offsets_file(offsets);

		if (err)
			return tool_lib_error(err, "--offsets %s", offsets);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			/* Subcommands parse their own options with getopt again. */
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;

			optind = 0;
			return commands[i].run(sub_argc, sub_argv);
		}
	}
	return tool_usage_error(NULL, "unknown command '%s'", argv[optind]);
}

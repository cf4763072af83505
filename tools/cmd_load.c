/* SPDX-License-Identifier: MIT */
/*
 * tpbpf load OBJECT.o: the whole load path on a user's object. Open it,
 * create its maps, relocate and load its programs, attach each where its
 * section (or --attach) says, wait, then detach and optionally dump maps.
 *
 * An object with a perf event array named "events" (what `tpbpf new`
 * writes) has its records printed as they come, one line each: CPU, size,
 * the bytes in hex and the printable ones. tpbpf does not know the
 * record's C type, so it shows bytes; the program's struct says what they are.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

struct attach_req {
	const char *prog;
	const char *target;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf load OBJECT.o [-d SECS] [--attach PROG=CATEGORY/NAME]... [--dump-maps]\n"
		"                  [--const NAME=VALUE]... [--verifier-log]\n\n"
		"Load a BPF object and attach each program to the tracepoint its section names\n"
		"(tracepoint/CAT/NAME, raw_tracepoint/NAME, ...), then run until Ctrl-C.\n\n"
		"  -d, --duration SECS     run for SECS seconds (0: until Ctrl-C or SIGTERM)\n"
		"  --attach PROG=TARGET    attach program PROG to TARGET instead (CAT/NAME, or NAME for\n"
		"                          raw tracepoints); repeat to attach one program to several\n"
		"  --dump-maps             print every map's entries when done\n"
		"  --const NAME=VALUE      value of the load-time constant TPBPF_CONST(NAME)\n"
		"  --verifier-log          print the verifier's log of every program\n"
		"  --no-events             do not print the records of the perf event array \"events\"\n\n"
		"When the object has a perf event array map named \"events\", each record the\n"
		"programs send to it is printed: \"cpu N size S: hex bytes |printable|\".\n");
}

/* Records of the perf event array "events", printed as they arrive. */
struct events {
	struct tpbpf_perf_reader *reader;
	unsigned long long seen;
};

static void print_event(void *ctx, int cpu, const void *data, uint32_t size)
{
	const unsigned char *b = data;
	struct events *ev = ctx;

	ev->seen++;
	printf("cpu %d size %u:", cpu, size);
	for (uint32_t i = 0; i < size; i++)
		printf(" %02x", b[i]);
	printf("  |");
	for (uint32_t i = 0; i < size; i++)
		putchar(isprint(b[i]) ? b[i] : '.');
	printf("|\n");
	fflush(stdout);
}

static int poll_events(void *ctx, int timeout_ms)
{
	struct events *ev = ctx;
	int n = tpbpf_perf_reader_poll(ev->reader, timeout_ms);

	return n < 0 && n != -EINTR ? n : 0;
}

static int open_events(struct tpbpf_object *obj, struct events *ev)
{
	struct tpbpf_map *m = tpbpf_object_find_map(obj, "events");
	struct tpbpf_perf_reader_opts o = { .on_sample = print_event, .ctx = ev };
	int err;

	if (!m || tpbpf_map_type(m) != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return 0;
	err = tpbpf_perf_reader_new(tpbpf_map_fd(m), &o, &ev->reader);
	return err ? tool_lib_error(err, "read map events") : 0;
}

static int attach_all(struct tpbpf_object *obj, struct attach_req *reqs, size_t n)
{
	size_t links = 0;
	int err;

	for (size_t i = 0; i < n; i++) {
		struct tpbpf_program *p = tpbpf_object_find_program(obj, reqs[i].prog);

		if (!p)
			return tool_error("--attach %s=%s: no program named %s in %s",
					  reqs[i].prog, reqs[i].target, reqs[i].prog,
					  tpbpf_object_name(obj));
		tpbpf_program_set_autoattach(p, false);
		err = tpbpf_program_attach(p, reqs[i].target, NULL);
		if (err)
			return tool_lib_error(err, "attach");
	}
	err = tpbpf_object_attach(obj);
	if (err)
		return tool_lib_error(err, "attach");
	for (size_t i = 0; i < tpbpf_object_program_count(obj); i++)
		links += tpbpf_program_link_count(tpbpf_object_program(obj, i));
	fprintf(stderr, "tpbpf: %s: attached %zu program%s (%zu attachment%s)\n",
		tpbpf_object_name(obj), tpbpf_object_program_count(obj),
		tpbpf_object_program_count(obj) == 1 ? "" : "s", links,
		links == 1 ? "" : "s");
	return 0;
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "attach", required_argument, NULL, 'a' },
		{ "dump-maps", no_argument, NULL, 'm' },
		{ "const", required_argument, NULL, 'C' },
		{ "verifier-log", no_argument, NULL, 'V' },
		{ "no-events", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct attach_req *reqs = calloc((size_t)argc, sizeof(*reqs));
	const char **consts = calloc((size_t)argc, sizeof(*consts));
	unsigned long duration = 0;
	bool dump = false, vlog = false, attached = false, events = true;
	struct events ev = { NULL, 0 };
	size_t nreqs = 0, nconsts = 0;
	struct tpbpf_object *obj = NULL;
	int c, err, rc = EXIT_FAIL;

	if (!reqs || !consts) {
		rc = tool_error("out of memory");
		goto out;
	}
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_uint("load", "-d", optarg, 365UL * 24 * 3600, &duration)) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case 'a': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || !eq[1]) {
				rc = tool_usage_error("load", "--attach wants PROG=CATEGORY/NAME, not '%s'", optarg);
				goto out;
			}
			*eq = '\0';
			reqs[nreqs].prog = optarg;
			reqs[nreqs++].target = eq + 1;
			break;
		}
		case 'm':
			dump = true;
			break;
		case 'C':
			consts[nconsts++] = optarg;
			break;
		case 'V':
			vlog = true;
			break;
		case 'E':
			events = false;
			break;
		case 'h':
			usage(stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = tool_usage_error("load", "bad option");
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = tool_usage_error("load", optind >= argc ? "OBJECT.o is required" :
				      "one OBJECT.o only");
		goto out;
	}

	err = tpbpf_object_open_file(argv[optind], &obj);
	if (err) {
		rc = tool_lib_error(err, "load %s", argv[optind]);
		goto out;
	}
	for (size_t i = 0; i < nconsts; i++)
		if ((rc = const_option("load", obj, consts[i])) != 0)
			goto out;
	rc = EXIT_FAIL;
	tpbpf_object_keep_verifier_logs(obj, vlog);
	install_stop_handlers();
	err = tpbpf_object_load(obj);
	if (vlog || err)
		print_verifier_logs(stderr, obj, vlog);
	if (err) {
		rc = tool_lib_error(err, "load %s", argv[optind]);
		goto out;
	}
	/* Rings before attaching, so the first records are not lost. */
	if (events && open_events(obj, &ev))
		goto out;
	if (attach_all(obj, reqs, nreqs))
		goto out;
	attached = true;
	if (run_until_stop(duration, ev.reader ? poll_events : NULL, &ev) == 0)
		rc = EXIT_OK;
	/* A second Ctrl-C must not cut the dump or the teardown short. */
	block_stop_signals();
	if (ev.reader) {
		tpbpf_perf_reader_drain(ev.reader);
		fprintf(stderr, "tpbpf: %llu events, %llu lost\n", ev.seen,
			(unsigned long long)tpbpf_perf_reader_lost(ev.reader));
	}
	if (dump)
		dump_maps(stdout, obj);
out:
	tpbpf_perf_reader_free(ev.reader);
	tpbpf_object_close(obj);
	if (attached)
		fprintf(stderr, "tpbpf: detached; every program, map and perf event released\n");
	free(reqs);
	free(consts);
	return rc;
}

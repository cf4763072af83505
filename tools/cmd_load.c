/* SPDX-License-Identifier: MIT */
/*
 * tpbpf load OBJECT.o: the whole load path on a user's object. Open it,
 * create its maps, relocate and load its programs, attach each where its
 * section (or --attach) says, wait, then detach and optionally dump maps.
 *
 * An object with a perf event array or a ring buffer named "events" (what
 * `tpbpf new` writes), or with only one map of either kind whatever its
 * name, has its records printed as they come, one line each: CPU (of a
 * perf ring; "-" for a ring buffer, which does not say), size, the bytes in
 * hex and the printable ones. tpbpf does not know the record's C type, so
 * it shows bytes; the program's struct says what they are.
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
		"                  [--const NAME=VALUE]... [--verifier-log] [--no-events]\n\n"
		"Load a BPF object and attach each program to the tracepoint its section names\n"
		"(tracepoint/CAT/NAME, raw_tracepoint/NAME, ...), then run until Ctrl-C.\n\n"
		COMMON_OPTS_HELP
		"  --attach PROG=TARGET    attach program PROG to TARGET instead (CAT/NAME, or NAME for\n"
		"                          raw tracepoints); repeat to attach one program to several\n"
		"  --dump-maps             print every map's entries when done\n"
		"  --const NAME=VALUE      value of the load-time constant TPBPF_CONST(NAME)\n"
		"  --verifier-log          print the verifier's log of every program\n"
		"  --no-events             do not print the records of the map \"events\"\n\n"
		"When the object has a perf event array or a ring buffer map named \"events\" (or\n"
		"only one map of these kinds), each record the programs send to it is printed:\n"
		"\"cpu N size S: hex bytes |printable|\" (cpu - for a ring buffer).\n"
		"-p PID sets the load-time constant TPBPF_CONST(target_pid).\n");
}

struct load_run {
	struct session s;
	bool dump;
};

/* A record of the events map: its bytes, as tpbpf cannot know its type. */
static void print_event(void *ctx, int cpu, const void *data, uint32_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = data;
	struct load_run *l = ctx;
	struct outbuf *o = &stdout_buf;

	l->s.events++;
	if (l->s.opts.json) {
		ob_str(o, "{\"cpu\":");
		if (cpu >= 0)
			ob_u64(o, (uint64_t)cpu);
		else
			ob_str(o, "null");
		ob_str(o, ",\"size\":");
		ob_u64(o, size);
		ob_str(o, ",\"data\":\"");
		for (uint32_t i = 0; i < size; i++) {
			ob_char(o, hex[b[i] >> 4]);
			ob_char(o, hex[b[i] & 15]);
		}
		ob_str(o, "\"}\n");
		return;
	}
	ob_str(o, "cpu ");
	if (cpu >= 0)
		ob_u64(o, (uint64_t)cpu);
	else
		ob_char(o, '-');
	ob_str(o, " size ");
	ob_u64(o, size);
	ob_char(o, ':');
	for (uint32_t i = 0; i < size; i++) {
		ob_char(o, ' ');
		ob_char(o, hex[b[i] >> 4]);
		ob_char(o, hex[b[i] & 15]);
	}
	ob_str(o, "  |");
	for (uint32_t i = 0; i < size; i++)
		ob_char(o, isprint(b[i]) ? (char)b[i] : '.');
	ob_str(o, "|\n");
}

static bool is_event_map(const struct tpbpf_map *m)
{
	return m && (tpbpf_map_type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
		     tpbpf_map_type(m) == BPF_MAP_TYPE_RINGBUF);
}

/* The map whose records are printed: "events", else the only one that can be read. */
static struct tpbpf_map *events_map(const struct tpbpf_object *obj)
{
	struct tpbpf_map *m = tpbpf_object_find_map(obj, "events"), *only = NULL;

	if (is_event_map(m))
		return m;
	for (size_t i = 0; i < tpbpf_object_map_count(obj); i++) {
		m = tpbpf_object_map(obj, i);
		if (!is_event_map(m))
			continue;
		if (only)
			return NULL;
		only = m;
	}
	return only;
}

/* The end of the run: the maps as the programs left them. */
static int final_report(void *ctx)
{
	struct load_run *l = ctx;

	if (l->dump)
		dump_maps(stdout, l->s.obj);
	return 0;
}

/* --attach PROG=TARGET requests first; then every other program its section names. */
static int attach_all(struct session *s, struct attach_req *reqs, size_t n)
{
	int err;

	for (size_t i = 0; i < n; i++) {
		struct tpbpf_program *p = tpbpf_object_find_program(s->obj, reqs[i].prog);

		if (!p)
			return tool_error("load: --attach %s=%s: no program named %s in %s",
					  reqs[i].prog, reqs[i].target, reqs[i].prog,
					  tpbpf_object_name(s->obj));
		tpbpf_program_set_autoattach(p, false);
		err = tpbpf_program_attach(p, reqs[i].target, NULL);
		if (err)
			return tool_lib_error(err, "load");
	}
	return session_attach(s);
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
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
	struct common_opts common = { 0 };
	bool vlog = false, events = true;
	struct load_run l = { 0 };
	size_t nreqs = 0, nconsts = 0;
	struct tpbpf_object *obj;
	struct tpbpf_map *m;
	int c, r, err, rc = EXIT_FAIL;

	if (!reqs || !consts) {
		rc = tool_error("out of memory");
		goto out;
	}
	while ((c = getopt_long(argc, argv, COMMON_SHORT_OPTS "h", opts, NULL)) != -1) {
		r = common_opt("load", c, optarg, &common);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		switch (c) {
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
			l.dump = true;
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
	if (session_open_object(&l.s, "load", obj, &common)) {
		rc = session_end(&l.s, EXIT_FAIL);
		goto out;
	}
	for (size_t i = 0; i < nconsts; i++) {
		if ((rc = const_option("load", obj, consts[i])) != 0) {
			rc = session_end(&l.s, rc);
			goto out;
		}
	}
	tpbpf_object_keep_verifier_logs(obj, vlog);
	if (session_load(&l.s)) {
		rc = session_end(&l.s, EXIT_FAIL);
		goto out;
	}
	if (vlog)
		print_verifier_logs(stderr, obj, true);
	/* Rings before attaching, so the first records are not lost. */
	m = events_map(obj);
	if (events && m && session_read_map(&l.s, m, print_event, &l)) {
		rc = session_end(&l.s, EXIT_FAIL);
		goto out;
	}
	session_on_end(&l.s, final_report, &l);
	if (attach_all(&l.s, reqs, nreqs)) {
		rc = session_end(&l.s, EXIT_FAIL);
		goto out;
	}
	rc = session_end(&l.s, session_run(&l.s) ? EXIT_FAIL : EXIT_OK);
out:
	free(reqs);
	free(consts);
	return rc;
}

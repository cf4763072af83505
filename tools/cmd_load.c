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
#include <fcntl.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

struct attach_req {
	const char *prog;
	const char *target;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf load OBJECT.o [-d SECS] [--attach PROG=CATEGORY/NAME]... [--dump-maps]\n"
		"                  [--program NAME]... [--const NAME=VALUE]... [--verifier-log] [--no-events]\n\n"
		"Load a BPF object and attach each program to the tracepoint its section names\n"
		"(tracepoint/CAT/NAME, tp/CAT/NAME, raw_tracepoint/NAME, raw_tp/NAME, ...), then run\n"
		"until Ctrl-C. Programs of other kinds in the object (kprobe, xdp, tp_btf, ...) are not\n"
		"loaded; each is named in a warning.\n\n"
		COMMON_OPTS_HELP
		"  --attach PROG=TARGET    attach program PROG to TARGET instead (CAT/NAME, or NAME for\n"
		"                          raw tracepoints); repeat to attach one program to several;\n"
		"                          a program whose section names no type is loaded as one\n"
		"  --program NAME          load only this program (repeat for more)\n"
		"  --dump-maps             print every map's entries when done\n"
		"  --const NAME=VALUE      value of the load-time constant TPBPF_CONST(NAME)\n"
		"  --pin-root DIR          pin maps defined with LIBBPF_PIN_BY_NAME under DIR (a bpffs\n"
		"                          directory; default /sys/fs/bpf)\n"
		"  --set NAME=VALUE        initial value of global variable NAME (a const volatile in\n"
		"                          .rodata, or .data/.bss): a number, true/false, or text\n"
		"  --verifier-log          print the verifier's log of every program\n"
		"  --no-events             do not print the records of the map \"events\"\n"
		"  --trace-pipe            print the lines the programs write with bpf_printk() (the\n"
		"                          kernel's trace_pipe during this run), each after \"trace_pipe: \"\n\n"
		"When the object has a perf event array or a ring buffer map named \"events\" (or\n"
		"only one map of these kinds), each record the programs send to it is printed:\n"
		"\"cpu N size S: hex bytes |printable|\" (cpu - for a ring buffer).\n"
		"-p PID sets the load-time constant TPBPF_CONST(target_pid).\n");
}

/*
 * bpf_printk() lines: the kernel's trace_pipe, read without blocking. A
 * marker written to trace_marker when the run starts tells this run's
 * lines from those already waiting, which are passed over.
 */
struct trace_pipe {
	int fd;			/* -1: not asked for */
	bool started;		/* the marker went by */
	char marker[64];
	char buf[8192];
	size_t len;
};

struct load_run {
	struct session s;
	struct trace_pipe tp;
	bool dump;
	const char **only;	/* --program NAME..., NULL-terminated */
	size_t nr_only;
};

/* SIZE bytes in hex, each after SEP if SEP is not NUL. */
static void hex_bytes(struct outbuf *o, const unsigned char *b, uint32_t size, char sep)
{
	static const char hex[] = "0123456789abcdef";

	for (uint32_t i = 0; i < size; i++) {
		if (sep)
			ob_char(o, sep);
		ob_char(o, hex[b[i] >> 4]);
		ob_char(o, hex[b[i] & 15]);
	}
}

/* A record of the events map: its bytes, as tpbpf cannot know its type. */
static void print_event(void *ctx, int cpu, const void *data, uint32_t size)
{
	const unsigned char *b = data;
	struct load_run *l = ctx;
	struct outbuf *o = &stdout_buf;
	bool json = l->s.opts.json;

	l->s.events++;
	/* A ring buffer does not say the CPU. */
	ob_str(o, json ? "{\"cpu\":" : "cpu ");
	if (cpu >= 0)
		ob_u64(o, (uint64_t)cpu);
	else
		ob_str(o, json ? "null" : "-");
	ob_str(o, json ? ",\"size\":" : " size ");
	ob_u64(o, size);
	if (json) {
		ob_str(o, ",\"data\":\"");
		hex_bytes(o, b, size, '\0');
		ob_str(o, "\"}\n");
		return;
	}
	ob_char(o, ':');
	hex_bytes(o, b, size, ' ');
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

static int trace_pipe_open(struct trace_pipe *tp)
{
	const char *root = tpbpf_tracefs_root();
	char path[4096];
	FILE *f;

	if (!root)
		return tool_lib_error(-ENOENT, "load: --trace-pipe");
	snprintf(path, sizeof(path), "%s/trace_pipe", root);
	tp->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (tp->fd < 0)
		return tool_error("load: --trace-pipe: cannot open %s: %s", path, strerror(errno));
	snprintf(tp->marker, sizeof(tp->marker), "tpbpf load %d: run starts", (int)getpid());
	snprintf(path, sizeof(path), "%s/trace_marker", root);
	f = fopen(path, "we");
	if (!f || fputs(tp->marker, f) < 0 || fclose(f) != 0) {
		/* No marker (trace_marker closed to writes): print every line. */
		tp->started = true;
	}
	return 0;
}

/* Print this run's complete lines that trace_pipe holds now. */
static int trace_pipe_read(void *ctx)
{
	struct load_run *l = ctx;
	struct trace_pipe *tp = &l->tp;
	ssize_t n;

	while (tp->fd >= 0 && (n = read(tp->fd, tp->buf + tp->len, sizeof(tp->buf) - tp->len - 1)) > 0) {
		char *line = tp->buf, *nl;

		tp->len += (size_t)n;
		tp->buf[tp->len] = '\0';
		while ((nl = memchr(line, '\n', tp->len - (size_t)(line - tp->buf)))) {
			*nl = '\0';
			if (tp->started) {
				ob_str(&stdout_buf, "trace_pipe: ");
				ob_escaped(&stdout_buf, line, (size_t)(nl - line));
				ob_char(&stdout_buf, '\n');
			} else if (strstr(line, tp->marker)) {
				tp->started = true;
			}
			line = nl + 1;
		}
		tp->len -= (size_t)(line - tp->buf);
		memmove(tp->buf, line, tp->len);
		/* A line longer than the buffer: print it in pieces. */
		if (tp->len == sizeof(tp->buf) - 1)
			tp->len = 0;
	}
	return 0;
}

/* The end of the run: the last printk lines, the maps as the programs left them. */
static int final_report(void *ctx)
{
	struct load_run *l = ctx;

	trace_pipe_read(l);
	if (l->dump)
		dump_maps(stdout, l->s.obj);
	return 0;
}

static bool named(const struct load_run *l, const char *prog)
{
	for (size_t i = 0; i < l->nr_only; i++)
		if (strcmp(l->only[i], prog) == 0)
			return true;
	return false;
}

/*
 * Which programs load: those --program names (each must be loadable), or
 * all that tpbpf can load; every other one is named in a warning. A
 * program whose section names no type becomes what --attach makes it.
 */
static int choose_programs(struct load_run *l, const struct attach_req *reqs, size_t nreqs)
{
	struct tpbpf_object *obj = l->s.obj;

	for (size_t i = 0; i < l->nr_only; i++)
		if (!tpbpf_object_find_program(obj, l->only[i]))
			return tool_error("load: --program %s: no program of that name in %s",
					  l->only[i], tpbpf_object_name(obj));
	for (size_t i = 0; i < nreqs; i++) {
		struct tpbpf_program *p = tpbpf_object_find_program(obj, reqs[i].prog);
		int err;

		if (!p || tpbpf_program_kind(p) != TPBPF_PROG_OTHER)
			continue;
		err = tpbpf_program_set_kind(p, strpbrk(reqs[i].target, ":/") ?
					     TPBPF_PROG_TRACEPOINT : TPBPF_PROG_RAW_TRACEPOINT);
		if (err)
			return tool_lib_error(err, "load: --attach %s=%s", reqs[i].prog, reqs[i].target);
	}
	for (size_t i = 0; i < tpbpf_object_program_count(obj); i++) {
		struct tpbpf_program *p = tpbpf_object_program(obj, i);
		const char *why = tpbpf_program_skip_reason(p);

		if (l->nr_only && !named(l, tpbpf_program_name(p))) {
			tpbpf_program_set_autoload(p, false);
			continue;
		}
		if (why && l->nr_only)
			return tool_error("load: --program %s (section %s): %s", tpbpf_program_name(p),
					  tpbpf_program_section(p), why);
		if (why)
			fprintf(stderr, "tpbpf: warning: program %s (section %s) not loaded: %s\n",
				tpbpf_program_name(p), tpbpf_program_section(p), why);
	}
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
		{ "program", required_argument, NULL, 'P' },
		{ "set", required_argument, NULL, 'S' },
		{ "trace-pipe", no_argument, NULL, 'T' },
		{ "pin-root", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct attach_req *reqs = calloc((size_t)argc, sizeof(*reqs));
	const char **consts = calloc((size_t)argc, sizeof(*consts));
	const char **only = calloc((size_t)argc, sizeof(*only));
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	struct common_opts common = { 0 };
	struct opt_reader opt = { .cmd = "load", .shortopts = COMMON_SHORT_OPTS "h",
				  .longopts = opts, .usage = usage, .common = &common,
				  .takes_args = true };
	bool vlog = false, events = true;
	struct load_run l = { .tp.fd = -1 };
	bool trace_pipe = false;
	const char *pin_root = NULL;
	size_t nreqs = 0, nconsts = 0;
	struct tpbpf_object *obj;
	struct tpbpf_map *m;
	int c, rc = EXIT_FAIL;

	size_t nsets = 0;

	if (!reqs || !consts || !only || !sets) {
		rc = tool_error("out of memory");
		goto out;
	}
	while ((c = next_opt(&opt, argc, argv)) > 0) {
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
		case 'P':
			only[l.nr_only++] = optarg;
			break;
		case 'S':
			sets[nsets++] = optarg;
			break;
		case 'T':
			trace_pipe = true;
			break;
		case 'R':
			pin_root = optarg;
			break;
		}
	}
	if (c < 0) {
		rc = opt.rc;
		goto out;
	}
	if (common.ring_buffer) {
		rc = tool_usage_error("load", "--ring-buffer is for the built-in tools; an object's own maps say how its events travel");
		goto out;
	}
	if ((rc = open_object_arg("load", argc, argv, &obj)) != 0)
		goto out;
	for (size_t i = 0; i < tpbpf_object_warning_count(obj); i++)
		fprintf(stderr, "tpbpf: warning: %s: %s\n", tpbpf_object_name(obj),
			tpbpf_object_warning(obj, i));
	l.only = only;
	if (session_open_object(&l.s, "load", obj, &common) || choose_programs(&l, reqs, nreqs)) {
		rc = session_end(&l.s, EXIT_FAIL);
		goto out;
	}
	/* After session_open_object(): --const target_pid=N wins over -p. */
	if ((rc = apply_options(const_option, "load", obj, consts, nconsts)) != 0 ||
	    (rc = apply_options(set_option, "load", obj, sets, nsets)) != 0) {
		rc = session_end(&l.s, rc);
		goto out;
	}
	if (pin_root && (c = tpbpf_object_set_pin_root(obj, pin_root)) != 0) {
		rc = session_end(&l.s, tool_lib_error(c, "load: --pin-root"));
		goto out;
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
	if (trace_pipe) {
		if (trace_pipe_open(&l.tp)) {
			rc = session_end(&l.s, EXIT_FAIL);
			goto out;
		}
		session_on_poll(&l.s, trace_pipe_read, &l);
	}
	if (attach_all(&l.s, reqs, nreqs)) {
		rc = session_end(&l.s, EXIT_FAIL);
		goto out;
	}
	rc = session_end(&l.s, session_run(&l.s) ? EXIT_FAIL : EXIT_OK);
out:
	if (l.tp.fd >= 0)
		close(l.tp.fd);
	free(reqs);
	free(consts);
	free(only);
	free(sets);
	return rc;
}

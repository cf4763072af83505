/* SPDX-License-Identifier: MIT */
/*
 * tpbpf tracepoint CATEGORY NAME: attach to any tracepoint of the running
 * kernel and print its events, every field decoded from the tracefs
 * format; no compiler at run time and no BTF.
 *
 * One generic program (progs/tracepoint.bpf.c) serves every tracepoint:
 * user space tells it, per event ID, how big the record is and where its
 * dynamic fields and string pointers are; it sends records back, and they
 * are decoded here with each event's own format.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../progs/tracepoint.h"
#include "record_decode.h"
#include "tool.h"

/*
 * A record can be 16 KiB now that strings are whole (a 4 KiB record and
 * three 4 KiB strings), though most are a few hundred bytes: 4x the usual
 * ring, 1 MiB per CPU, as opensnoop has.
 */
#define TRACER_RING_PAGES 256

struct target {
	char category[256];
	char name[256];
	char event[520];		/* "category:name" */
	char text_prefix[540];		/* " category:name:" after the PID */
	int id;
	bool syscall;			/* syscalls:*: read its user strings */
	struct tpbpf_format fmt;
	struct record_decoder dec;
	struct tp_info info;
};

struct tracer {
	struct session s;
	struct target *targets;
	size_t nr_targets;
	unsigned long max_events;	/* -c, 0: no limit */
	unsigned long str_max;		/* --strlen */
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpbpf tracepoint CATEGORY NAME [options]\n"
		"       tpbpf tracepoint CATEGORY:NAME | CATEGORY/NAME [options]\n"
		"       tpbpf tracepoint -e CATEGORY:NAME [-e CATEGORY:NAME]... [options]\n\n"
		"Attach to tracepoints (category and name, as 'tpbpf list' shows them) and print\n"
		"each event with every field decoded from the tracefs format file; for syscall\n"
		"tracepoints, also the user-space strings that const char * arguments point to.\n\n"
		"  -e, --event CAT:NAME  one more tracepoint (one program serves them all)\n"
		"  -c, --count COUNT     stop after exactly COUNT events\n"
		"  --strlen N            read at most N bytes of each user string (1-%d, default\n"
		"                        %d); a longer one is shown cut: ...(cut), or NAME_cut in JSON\n"
		COMMON_OPTS_HELP
		"                       (tracepoint: default %d, as a record may take 16 KiB)\n"
		"\nExample: tpbpf tracepoint sched sched_switch --duration 5   (-d 5)\n",
		TP_STR_MAX, TP_STR_MAX, TRACER_RING_PAGES);
}

static struct target *find_target(struct tracer *t, uint32_t id)
{
	for (size_t i = 0; i < t->nr_targets; i++)
		if ((uint32_t)t->targets[i].id == id)
			return &t->targets[i];
	return NULL;
}

static void print_event(struct tracer *t, const struct tp_event_hdr *h,
			const struct target *tg, const uint8_t *rec,
			const struct user_strings *us)
{
	struct outbuf *o = &stdout_buf;

	if (t->json) {
		ob_str(o, "{\"time_ns\":");
		ob_u64(o, h->ts_ns);
		ob_str(o, ",\"cpu\":");
		ob_u64(o, h->cpu);
		ob_str(o, ",\"comm\":");
		ob_json_string(o, h->comm, sizeof(h->comm));
		ob_str(o, ",\"pid\":");
		ob_u64(o, h->tgid);
		ob_str(o, ",\"tid\":");
		ob_u64(o, h->tid);
		ob_str(o, ",\"event\":\"");
		ob_str(o, tg->event);
		ob_str(o, "\",\"fields\":{");
		decode_record(o, true, &tg->dec, rec, h->record_size, us);
		ob_char(o, '}');
		if (h->flags & TP_FLAG_RECORD_CUT)
			ob_str(o, ",\"record_cut\":true");
		ob_str(o, "}\n");
		return;
	}
	/* "%llu.%06llu %3d %-16s %7u cat:name:" */
	ob_u64(o, h->ts_ns / 1000000000ULL);
	ob_char(o, '.');
	ob_uint(o, h->ts_ns % 1000000000ULL / 1000, 6, '0');
	ob_char(o, ' ');
	ob_uint(o, h->cpu, 3, ' ');
	ob_char(o, ' ');
	ob_escaped_padded(o, h->comm, sizeof(h->comm), 16);
	ob_char(o, ' ');
	ob_uint(o, h->tgid, 7, ' ');
	ob_str(o, tg->text_prefix);
	decode_record(o, false, &tg->dec, rec, h->record_size, us);
	if (h->flags & TP_FLAG_RECORD_CUT)
		ob_str(o, " (record cut)");
	ob_char(o, '\n');
}

static void on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct tracer *t = ctx;
	const uint8_t *rec = (const uint8_t *)data + sizeof(struct tp_event_hdr);
	const uint8_t *str;
	struct user_strings us = { 0 };
	struct tp_event_hdr h;
	const struct target *tg;
	size_t left;

	(void)cpu;	/* the header says, for either kind of ring */
	if (t->max_events && t->s.events >= t->max_events)
		return;
	/* Sizes come from the kernel side: check them against what arrived. */
	if (size < sizeof(h))
		return;
	memcpy(&h, data, sizeof(h));
	left = size - sizeof(h);
	if (h.record_size > left || h.nr_strs > TP_MAX_STRS)
		return;
	tg = find_target(t, h.event_id);
	if (!tg)
		return;
	left -= h.record_size;
	str = rec + h.record_size;
	us.n = h.nr_strs;
	for (unsigned int i = 0; i < us.n; i++) {
		us.len[i] = h.str_len[i];
		us.cut[i] = h.flags & TP_FLAG_STR_CUT(i);
		if (us.len[i] < 0)
			continue;
		if ((size_t)us.len[i] > left)
			return;
		us.str[i] = (const char *)str;
		str += us.len[i];
		left -= (size_t)us.len[i];
	}
	print_event(t, &h, tg, rec, tg->syscall ? &us : NULL);
	t->s.events++;
	if (t->max_events && t->s.events >= t->max_events)
		session_stop();
}

static int add_target(struct tracer *t, const char *spec, const char *name)
{
	struct target *tg, *targets;
	int err;

	targets = realloc(t->targets, (t->nr_targets + 1) * sizeof(*targets));
	if (!targets)
		return tool_error("out of memory");
	t->targets = targets;
	tg = &targets[t->nr_targets];
	memset(tg, 0, sizeof(*tg));
	if (name) {
		/* CATEGORY NAME: joined, so both halves get the same checks. */
		char joined[600];

		snprintf(joined, sizeof(joined), "%s/%s", spec, name);
		err = tpbpf_tracepoint_parse(joined, tg->category, sizeof(tg->category),
					     tg->name, sizeof(tg->name));
	} else {
		err = tpbpf_tracepoint_parse(spec, tg->category, sizeof(tg->category),
					     tg->name, sizeof(tg->name));
	}
	if (err)
		return tool_error("%s", tpbpf_error_detail());
	for (size_t i = 0; i < t->nr_targets; i++)
		if (!strcmp(t->targets[i].category, tg->category) &&
		    !strcmp(t->targets[i].name, tg->name))
			return 0;	/* named twice: once is enough */
	err = tpbpf_format_read(tg->category, tg->name, &tg->fmt);
	if (err)
		return tool_error("%s", tpbpf_error_detail());
	tg->id = tg->fmt.id;
	snprintf(tg->event, sizeof(tg->event), "%s:%s", tg->category, tg->name);
	snprintf(tg->text_prefix, sizeof(tg->text_prefix), " %s:", tg->event);
	t->nr_targets++;
	return 0;
}

/* What the program needs to know about TG's records. */
static int describe_target(struct target *tg)
{
	struct tp_info *info = &tg->info;

	memset(info, 0, sizeof(*info));
	info->fixed_size = tg->fmt.fixed_size;
	for (unsigned int i = 0; i < tg->fmt.nr_fields; i++) {
		const struct tpbpf_field *f = &tg->fmt.fields[i];

		if (f->kind != TPBPF_FIELD_DATA_LOC && f->kind != TPBPF_FIELD_REL_LOC)
			continue;
		if (info->nr_dyn == TP_MAX_DYN)
			break;	/* the rest is decoded as far as the copy reaches */
		info->dyn_off[info->nr_dyn] = (uint16_t)f->offset;
		info->dyn_rel[info->nr_dyn] = f->kind == TPBPF_FIELD_REL_LOC;
		info->nr_dyn++;
	}
	/* const char * arguments of syscalls point into user memory. */
	tg->syscall = strcmp(tg->category, "syscalls") == 0;
	if (tg->syscall)
		info->nr_strs = (uint16_t)user_string_fields(&tg->fmt, info->str_off, TP_MAX_STRS);
	if (record_decoder_init(&tg->dec, &tg->fmt, tg->syscall))
		return tool_error("out of memory");
	return 0;
}

static int setup(struct tracer *t)
{
	struct tpbpf_program *record = tpbpf_object_find_program(t->s.obj, "tp_record");
	struct tpbpf_program *syscall = tpbpf_object_find_program(t->s.obj, "tp_syscall");
	struct tpbpf_map *info = tpbpf_object_find_map(t->s.obj, "tp_info");
	int err;

	bool need_record = false, need_syscall = false;

	if (!record || !syscall || !info)
		return tool_error("tracepoint: the built-in program is incomplete");
	for (size_t i = 0; i < t->nr_targets; i++) {
		if (describe_target(&t->targets[i]))
			return EXIT_FAIL;
		if (t->targets[i].info.nr_strs)
			need_syscall = true;
		else
			need_record = true;
	}
	/*
	 * Load only the programs some target uses: tp_syscall reads user
	 * strings (bpf_probe_read_str, 4.11) and fits only syscalls:* (4.14),
	 * so a kernel without them still traces other tracepoints.
	 */
	tpbpf_program_set_autoload(record, need_record);
	tpbpf_program_set_autoload(syscall, need_syscall);
	tpbpf_program_set_autoattach(record, false);
	tpbpf_program_set_autoattach(syscall, false);
	if (session_load(&t->s))
		return EXIT_FAIL;
	/* Rings first: an event sent before its CPU has a ring would be lost. */
	if (session_read_events(&t->s, "events", on_sample, t))
		return EXIT_FAIL;
	for (size_t i = 0; i < t->nr_targets; i++) {
		struct target *tg = &t->targets[i];
		uint32_t key = (uint32_t)tg->id;

		err = tpbpf_map_update(info, &key, &tg->info, 0);
		if (err)
			return tool_lib_error(err, "tracepoint");
		err = tpbpf_program_attach_tracepoint(tg->info.nr_strs ? syscall : record,
						      tg->category, tg->name, NULL);
		if (err)
			return tool_lib_error(err, "tracepoint");
	}
	return session_attach(&t->s) ? EXIT_FAIL : 0;
}

int cmd_tracepoint(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
		{ "event", required_argument, NULL, 'e' },
		{ "count", required_argument, NULL, 'c' },
		{ "strlen", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct common_opts common = { 0 };
	struct tracer t = { .str_max = TP_STR_MAX };
	const char **events = calloc((size_t)argc + 1, sizeof(*events));
	size_t nr_events = 0;
	int c, r, err, rc = EXIT_FAIL;

	if (!events)
		return tool_error("out of memory");
	while ((c = getopt_long(argc, argv, COMMON_SHORT_OPTS "e:c:h", opts, NULL)) != -1) {
		r = common_opt("tracepoint", c, optarg, &common);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		switch (c) {
		case 'e':
			events[nr_events++] = optarg;
			break;
		case 'c':
			if (!parse_uint("tracepoint", "-c", optarg, 1UL << 40, &t.max_events)) {
				rc = EXIT_USAGE;
				goto out;
			}
			if (t.max_events == 0) {
				rc = tool_usage_error("tracepoint", "-c wants a count of at least 1");
				goto out;
			}
			break;
		case 's':
			if (!parse_uint("tracepoint", "--strlen", optarg, TP_STR_MAX, &t.str_max)) {
				rc = EXIT_USAGE;
				goto out;
			}
			if (t.str_max == 0) {
				rc = tool_usage_error("tracepoint", "--strlen wants 1 to %d bytes", TP_STR_MAX);
				goto out;
			}
			break;
		case 'h':
			usage(stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = tool_usage_error("tracepoint", "bad option");
			goto out;
		}
	}
	t.json = common.json;
	if (!common.ring_pages)
		common.ring_pages = TRACER_RING_PAGES;

	/* Positional: CATEGORY NAME, or CATEGORY:NAME / CATEGORY/NAME. */
	if (optind == argc && nr_events == 0) {
		rc = tool_usage_error("tracepoint", "the arguments CATEGORY and NAME are required");
		goto out;
	}
	if (optind == argc - 1 && !strpbrk(argv[optind], ":/")) {
		rc = tool_usage_error("tracepoint", "the argument NAME is required after CATEGORY %s",
				      argv[optind]);
		goto out;
	}
	if (argc - optind > 2) {
		rc = tool_usage_error("tracepoint", "too many arguments; use -e CAT:NAME for more tracepoints");
		goto out;
	}
	if (optind < argc && add_target(&t, argv[optind], optind == argc - 2 ? argv[optind + 1] : NULL))
		goto out;
	for (size_t i = 0; i < nr_events; i++)
		if (add_target(&t, events[i], NULL))
			goto out;

	if (session_open(&t.s, "tracepoint", "tracepoint", &common))
		goto out;
	err = tpbpf_object_set_const(t.s.obj, "str_max", t.str_max);
	if (err) {
		rc = session_end(&t.s, tool_lib_error(err, "tracepoint"));
		goto out;
	}
	if (setup(&t) == 0) {
		if (!t.json) {
			printf("Tracing %zu tracepoint%s:", t.nr_targets, t.nr_targets == 1 ? "" : "s");
			for (size_t i = 0; i < t.nr_targets; i++)
				printf(" %s:%s", t.targets[i].category, t.targets[i].name);
			printf(". Ctrl-C to end.\n%-17s %3s %-16s %7s EVENT: FIELDS\n",
			       "TIME(s)", "CPU", "COMM", "PID");
			fflush(stdout);
		}
		if (session_run(&t.s) == 0)
			rc = EXIT_OK;
	}
	rc = session_end(&t.s, rc);
out:
	for (size_t i = 0; i < t.nr_targets; i++) {
		record_decoder_free(&t.targets[i].dec);
		tpbpf_format_free(&t.targets[i].fmt);
	}
	free(t.targets);
	free(events);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * What every tracing tool does around its own logic: common options, open
 * its embedded object, load and attach it, read its perf ring, run until
 * the duration ends or a signal comes, drain, report, tear down.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"
#include "percpu_counter.h"

int common_opt(const char *cmd, int c, const char *arg, struct common_opts *o)
{
	switch (c) {
	case 'd':
		return parse_uint(cmd, "-d", arg, 365UL * 24 * 3600, &o->duration) ? 1 : -1;
	case 'p':
		if (!parse_uint(cmd, "-p", arg, 0x7fffffffUL, &o->pid))
			return -1;
		if (o->pid == 0) {
			tool_usage_error(cmd, "-p wants a process ID greater than 0");
			return -1;
		}
		return 1;
	case 0x100:
		o->json = true;
		return 1;
	case 0x101:
		o->stats = true;
		return 1;
	case 0x102:
		if (!parse_uint(cmd, "--ring-pages", arg, 1UL << 16, &o->ring_pages))
			return -1;
		if (o->ring_pages == 0 || (o->ring_pages & (o->ring_pages - 1))) {
			tool_usage_error(cmd, "--ring-pages wants a power of two, not %lu", o->ring_pages);
			return -1;
		}
		return 1;
	case 0x103:
		o->ring_buffer = true;
		return 1;
	default:
		return 0;
	}
}

int session_open_object(struct session *s, const char *cmd, struct tpbpf_object *obj,
			const struct common_opts *opts)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->opts = *opts;
	s->stats_fd = -1;
	s->obj = obj;
	if (opts->pid && kill((pid_t)opts->pid, 0) && errno == ESRCH)
		return tool_error("%s: no process with pid %lu", cmd, opts->pid);
	/* Programs filter on it in the kernel; 0 means every process. */
	err = tpbpf_object_set_const(s->obj, "target_pid", opts->pid);
	if (err)
		return tool_lib_error(err, "%s", cmd);
	return 0;
}

int session_open(struct session *s, const char *cmd, const char *name,
		 const struct common_opts *opts)
{
	struct tpbpf_object *obj;
	char rb_name[64];
	bool ringbuf = false;
	int err;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->stats_fd = -1;
	/*
	 * A tool that sends events has two builds of its object (the map
	 * type is fixed at build time: progs/event_output.h). Its events go
	 * through per-CPU perf rings unless --ring-buffer asks for the BPF
	 * ring buffer: measured side by side (make bench, 6.18), the perf
	 * rings lost nothing where the ring buffer lost some, with one
	 * process opening files at full speed.
	 */
	if (opts->ring_buffer) {
		snprintf(rb_name, sizeof(rb_name), "%s_ringbuf", name);
		if (!embedded_object_exists(rb_name))
			return tool_usage_error(cmd, "--ring-buffer: %s sends no events", cmd);
		if (tpbpf_feature_present(TPBPF_FEAT_RINGBUF) != 1)
			return tool_error("%s: --ring-buffer: this kernel has no BPF ring buffers (they came in 5.8); leave the option out to use perf rings",
					  cmd);
		ringbuf = true;
	}
	err = embedded_object_open(ringbuf ? rb_name : name, &obj);
	if (err)
		return tool_lib_error(err, "%s: reading the built-in program %s", cmd,
				      ringbuf ? rb_name : name);
	err = session_open_object(s, cmd, obj, opts);
	s->ringbuf = ringbuf;
	return err;
}

/*
 * The tool's ring buffer gets the memory its perf rings would have had
 * (--ring-pages per CPU, all CPUs), in one ring any CPU can fill: a burst
 * on one CPU has all of it. The program wakes the reader once a
 * sixteenth of it is waiting (TPBPF_CONST(wakeup_bytes)).
 */
static int size_ring_buffer(struct session *s)
{
	struct tpbpf_map *m = tpbpf_object_find_map(s->obj, "events");
	unsigned long pages = s->opts.ring_pages ? s->opts.ring_pages : DEFAULT_RING_PAGES;
	long page = sysconf(_SC_PAGESIZE);
	int cpus = tpbpf_num_possible_cpus();
	uint64_t bytes, want;
	int err;

	if (!m)
		return tool_error("%s: the built-in program has no map events", s->cmd);
	want = (uint64_t)pages * (uint64_t)(page > 0 ? page : 4096) * (uint64_t)(cpus > 0 ? cpus : 1);
	for (bytes = 4096; bytes < want && bytes < (1ULL << 30); bytes *= 2)
		;
	err = tpbpf_map_set_max_entries(m, (uint32_t)bytes);
	if (!err)
		err = tpbpf_object_set_const(s->obj, "wakeup_bytes", bytes / 16);
	return err ? tool_lib_error(err, "%s: ring buffer", s->cmd) : 0;
}

int session_load(struct session *s)
{
	int err;

	install_stop_handlers();
	if (s->opts.stats) {
		s->stats_fd = tpbpf_enable_stats();
		if (s->stats_fd < 0)
			return tool_lib_error(s->stats_fd, "%s: --stats", s->cmd);
	}
	if (s->ringbuf && size_ring_buffer(s))
		return EXIT_FAIL;
	err = tpbpf_object_load(s->obj);
	if (err) {
		print_verifier_logs(stderr, s->obj, false);
		return tool_lib_error(err, "%s", s->cmd);
	}
	/* From here on close() must detach, even if attaching fails half-way. */
	s->loaded = true;
	return 0;
}

int session_attach(struct session *s)
{
	size_t links = 0, progs = 0;
	int err;

	err = tpbpf_object_attach(s->obj);
	if (err)
		return tool_lib_error(err, "%s", s->cmd);
	for (size_t i = 0; i < tpbpf_object_program_count(s->obj); i++) {
		size_t n = tpbpf_program_link_count(tpbpf_object_program(s->obj, i));

		links += n;
		progs += n > 0;
	}
	/* Tests and scripts wait for this line: every command prints it so. */
	fprintf(stderr, "tpbpf: %s: attached %zu program%s to %zu tracepoint%s%s\n",
		s->cmd, progs, progs == 1 ? "" : "s", links,
		links == 1 ? "" : "s", s->opts.duration ? "" : "; Ctrl-C to stop");
	s->running = true;
	return 0;
}

int session_load_attach(struct session *s)
{
	int err = session_load(s);

	return err ? err : session_attach(s);
}

int session_read_events(struct session *s, const char *map_name,
			tpbpf_sample_fn on_sample, void *ctx)
{
	struct tpbpf_map *map = tpbpf_object_find_map(s->obj, map_name);

	if (!map)
		return tool_error("%s: the program has no map %s", s->cmd, map_name);
	return session_read_map(s, map, on_sample, ctx);
}

int session_read_map(struct session *s, struct tpbpf_map *map,
		     tpbpf_sample_fn on_sample, void *ctx)
{
	struct tpbpf_event_reader_opts ro = { 0 };
	int err;

	ro.pages_per_cpu = (unsigned int)s->opts.ring_pages;
	/*
	 * Wake up for batches of 64: a wake-up per event costs the traced
	 * thread ~10 us; the run loop's 100 ms timeout brings the rest.
	 */
	ro.wakeup_events = 64;
	ro.on_sample = on_sample;
	ro.ctx = ctx;
	err = tpbpf_event_reader_new(tpbpf_map_fd(map), &ro, &s->reader);
	if (err)
		return tool_lib_error(err, "%s: reading map %s", s->cmd, tpbpf_map_name(map));
	return 0;
}

static int poll_reader(void *ctx, int timeout_ms)
{
	struct session *s = ctx;
	int n = 0;

	if (s->reader) {
		n = tpbpf_event_reader_poll(s->reader, timeout_ms);
	} else {
		struct timespec ts = { 0, (long)timeout_ms * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (n >= 0 && s->on_poll)
		n = s->on_poll(s->poll_ctx);
	/* Out at each batch's end, without waiting for the writer. */
	ob_flush(&stdout_buf);
	fflush(stdout);
	return n < 0 ? n : 0;
}

void session_flush(void)
{
	output_sync();
}

void session_stop(void)
{
	stop_requested = 1;
}

int session_run(struct session *s)
{
	return session_run_every(s, 0, NULL, NULL);
}

int session_run_every(struct session *s, unsigned long interval,
		      int (*tick)(void *ctx), void *ctx)
{
	unsigned long duration = s->opts.duration, elapsed = 0;

	if (s->reader)
		output_thread_start();
	for (;;) {
		unsigned long chunk = interval ? interval : duration;
		int err;

		if (interval && duration && duration - elapsed < chunk)
			chunk = duration - elapsed;
		err = run_until_stop(chunk, s->reader || s->on_poll ? poll_reader : NULL, s);
		if (err)
			return tool_lib_error(err, "%s: reading events", s->cmd);
		elapsed += chunk;
		if (stop_requested || !interval || (duration && elapsed >= duration))
			return 0;
		session_flush();
		if (tick && tick(ctx))
			return EXIT_FAIL;
		session_flush();
	}
}

/*
 * The tools' programs count in a per-CPU "drops" (progs/event_output.h):
 * [0] the sends that failed (ring full), [1] the sends the helper took, on
 * perf event arrays. False if there is no such map or entry. A "drops" of
 * the user's own (tpbpf load) counts its failed sends at most: its entry 1
 * is read only when the map is a 2-entry per-CPU array like the tools'.
 */
static bool program_count(struct session *s, uint32_t key, unsigned long long *sum)
{
	const struct tpbpf_map *m = tpbpf_object_find_map(s->obj, "drops");

	*sum = 0;
	if (key && (!m || tpbpf_map_type(m) != BPF_MAP_TYPE_PERCPU_ARRAY ||
		    tpbpf_map_max_entries(m) != 2))
		return false;
	return percpu_counter_read_key(m, key, sum);
}

unsigned long long session_lost(struct session *s)
{
	unsigned long long failed, sent, got, kernel;

	if (!s->reader)
		return 0;
	got = tpbpf_event_reader_samples(s->reader);
	kernel = tpbpf_event_reader_lost(s->reader);
	if (!program_count(s, 0, &failed))
		/* An object of the user's without the count: the kernel's. */
		return kernel;
	/*
	 * A record the helper took and the reader never saw was lost too: on
	 * some kernels (4.19) bpf_perf_event_output() returns 0 when the ring
	 * is full, and the kernel reports such losses (PERF_RECORD_LOST) only
	 * in front of the next record that fits, so the last ones never show.
	 * The rings are drained before this is asked, so every record the
	 * helper took and kept has been read. Where the helper says the ring
	 * was full, it took only what arrived, and the failed sends are the
	 * loss; the kernel's own count is never more than the sends lost.
	 */
	if (program_count(s, 1, &sent) && sent > got)
		failed += sent - got;
	return failed > kernel ? failed : kernel;
}

static void print_stats(struct session *s)
{
	for (size_t i = 0; i < tpbpf_object_program_count(s->obj); i++) {
		struct tpbpf_program *p = tpbpf_object_program(s->obj, i);
		uint64_t runs = 0, ns = 0;

		/* A program the tool loaded but did not attach has nothing to say. */
		if (tpbpf_program_stats(p, &runs, &ns) ||
		    (!runs && !tpbpf_program_link_count(p)))
			continue;
		fprintf(stderr, "tpbpf: %s: stats: program %s: %llu runs, %llu ns total, %.1f ns per run\n",
			s->cmd, tpbpf_program_name(p), (unsigned long long)runs,
			(unsigned long long)ns, runs ? (double)ns / (double)runs : 0.0);
	}
}

void session_on_poll(struct session *s, int (*fn)(void *ctx), void *ctx)
{
	s->on_poll = fn;
	s->poll_ctx = ctx;
}

void session_on_end(struct session *s, int (*fn)(void *ctx), void *ctx)
{
	s->on_end = fn;
	s->end_ctx = ctx;
}

int session_end(struct session *s, int rc)
{
	/* A second Ctrl-C must not cut the teardown short. */
	block_stop_signals();
	/*
	 * Stop the programs first, then drain: nothing can arrive after the
	 * count. Stopping closes the links (all at once); the perf events
	 * they leave, whose closes the kernel makes wait a grace period
	 * each, are closed after the report, so the user sees it at once.
	 */
	if (s->loaded)
		tpbpf_object_stop(s->obj);
	/* A run that never started (attaching failed) has nothing to report. */
	if (s->running) {
		if (s->reader)
			tpbpf_event_reader_drain(s->reader);
		output_thread_stop();
		session_flush();
		if (s->on_end && s->on_end(s->end_ctx))
			rc = EXIT_FAIL;
		session_flush();
		if (s->stats_fd >= 0)
			print_stats(s);
		if (s->reader)
			fprintf(stderr, "tpbpf: %s: %llu events, %llu lost\n", s->cmd,
				s->events, session_lost(s));
	}
	tpbpf_event_reader_free(s->reader);
	tpbpf_object_close(s->obj);
	if (s->stats_fd >= 0)
		close(s->stats_fd);
	if (s->running)
		fprintf(stderr, "tpbpf: %s: detached\n", s->cmd);
	s->reader = NULL;
	s->obj = NULL;
	s->stats_fd = -1;
	return rc;
}

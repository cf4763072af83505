/* SPDX-License-Identifier: MIT */
/*
 * Event delivery, tpbpf side: progs/opensnoop.bpf.o (perf event array) or
 * progs/opensnoop_ringbuf.bpf.o (ring buffer) loaded through libtpbpf.a
 * with the load-time constants that tpbpf opensnoop sets, read with
 * tpbpf_event_reader_* (the same calls for both).
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "deliver.h"
#include "tpbpf.h"

static struct tpbpf_object *obj;
static struct tpbpf_event_reader *reader;

static int fail(const char *what)
{
	fprintf(stderr, "deliver_tpbpf: %s: %s\n", what, tpbpf_error_detail());
	return -1;
}

/* PREFIX_off / PREFIX_size of FIELD of syscalls:EVENT, 0 0 if missing. */
static int field_const(const char *event, const char *field, const char *prefix)
{
	struct tpbpf_format fmt;
	const struct tpbpf_field *f = NULL;
	char name[96];
	int err;

	memset(&fmt, 0, sizeof(fmt));
	err = tpbpf_format_read("syscalls", event, &fmt);
	if (!err)
		f = tpbpf_format_field(&fmt, field);
	snprintf(name, sizeof(name), "%s_off", prefix);
	err = tpbpf_object_set_const(obj, name, f ? f->offset : 0);
	snprintf(name, sizeof(name), "%s_size", prefix);
	err = err ? err : tpbpf_object_set_const(obj, name, f ? f->size : 0);
	tpbpf_format_free(&fmt);
	return err ? fail(name) : 0;
}

/* A ring buffer: PAGES per CPU in one ring; wake-ups as deliver.h says
 * (0: the kernel's choice, which wakes on a record into an empty ring). */
static int size_ring_buffer(unsigned int pages, unsigned int wakeup)
{
	struct tpbpf_map *m = tpbpf_object_find_map(obj, "events");
	uint64_t want = (uint64_t)pages * 4096 * (uint64_t)tpbpf_num_possible_cpus(), bytes;

	if (!m || tpbpf_map_type(m) != BPF_MAP_TYPE_RINGBUF)
		return 0;
	for (bytes = 4096; bytes < want; bytes *= 2)
		;
	if (tpbpf_map_set_max_entries(m, (uint32_t)bytes) ||
	    tpbpf_object_set_const(obj, "wakeup_bytes", wakeup <= 1 ? 0 : bytes / 16))
		return fail("ring buffer");
	return 0;
}

static int load(const char *path, int pid, unsigned int pages, unsigned int wakeup)
{
	if (tpbpf_object_open_file(path, &obj))
		return fail("open");
	if (size_ring_buffer(pages, wakeup))
		return -1;
	if (tpbpf_object_set_const(obj, "target_pid", (uint64_t)pid) ||
	    tpbpf_object_set_const(obj, "failed_only", 0))
		return fail("const");
	if (field_const("sys_enter_open", "filename", "open_filename") ||
	    field_const("sys_enter_open", "flags", "open_flags") ||
	    field_const("sys_exit_open", "ret", "open_ret") ||
	    field_const("sys_enter_openat2", "filename", "openat2_filename") ||
	    field_const("sys_enter_openat2", "how", "openat2_how") ||
	    field_const("sys_exit_openat2", "ret", "openat2_ret"))
		return -1;
	if (tpbpf_object_load(obj))
		return fail("load");
	return 0;
}

static void on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	(void)ctx;
	deliver_on_sample(cpu, data, size);
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	(void)ctx;
	deliver_on_lost(cpu, lost);
}

static int reader_new(unsigned int pages, unsigned int wakeup)
{
	struct tpbpf_event_reader_opts o = {
		.pages_per_cpu = pages, .wakeup_events = wakeup,
		.on_sample = on_sample, .on_lost = on_lost,
	};
	struct tpbpf_map *m = tpbpf_object_find_map(obj, "events");

	if (!m || tpbpf_event_reader_new(tpbpf_map_fd(m), &o, &reader))
		return fail("perf reader");
	return 0;
}

static int attach(void)
{
	return tpbpf_object_attach(obj) ? fail("attach") : 0;
}

static int poll_(int timeout_ms)
{
	int n = tpbpf_event_reader_poll(reader, timeout_ms);

	return n < 0 ? fail("poll") : n;
}

static int drain(void)
{
	int n = tpbpf_event_reader_drain(reader);

	return n < 0 ? fail("drain") : n;
}

static uint64_t kernel_drops(void);

/* A ring buffer reports no loss: the program's count is the only one. */
static uint64_t lost(void)
{
	if (tpbpf_event_reader_map_type(reader) == BPF_MAP_TYPE_RINGBUF)
		return kernel_drops();
	return tpbpf_event_reader_lost(reader);
}

static uint64_t kernel_drops(void)
{
	struct tpbpf_map *m = tpbpf_object_find_map(obj, "drops");
	uint64_t v[1024], sum = 0;
	uint32_t zero = 0;
	int ncpu = tpbpf_num_possible_cpus();

	if (!m || ncpu <= 0 || ncpu > 1024 || tpbpf_map_lookup(m, &zero, v))
		return (uint64_t)-1;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static void close_(void)
{
	tpbpf_event_reader_free(reader);
	tpbpf_object_close(obj);
}

int main(int argc, char **argv)
{
	static const struct deliver_loader l = {
		"tpbpf", load, reader_new, attach, poll_, drain, lost,
		kernel_drops, close_,
	};

	return deliver_main(&l, argc, argv);
}

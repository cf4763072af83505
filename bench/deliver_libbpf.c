/* SPDX-License-Identifier: MIT */
/*
 * Event delivery, libbpf side: bench/opensnoop_libbpf.bpf.o (the same
 * programs with BTF-defined maps) read with libbpf's perf_buffer. With a
 * wakeup of 1 this is perf_buffer__new() as every libbpf tool calls it;
 * other wakeups need perf_buffer__new_raw() with the same perf_event_attr
 * that tpbpf's reader uses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "deliver.h"

static struct bpf_object *obj;
static struct perf_buffer *pb;
static uint64_t lost_total;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "deliver_libbpf: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return -1;
}

static int load(const char *path, int pid, unsigned int pages, unsigned int wakeup)
{
	struct bpf_map *m;
	int err;

	(void)pages;	/* a perf buffer: sized when it is opened */
	(void)wakeup;
	libbpf_set_print(print_fn);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return fail("open", errno);
	/* const volatile target_pid lives in the .rodata map. */
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t size;
		void *data;

		if (strlen(n) < 7 || strcmp(n + strlen(n) - 7, ".rodata"))
			continue;
		/* Writable until load, whatever the prototype says (1.1). */
		data = (void *)bpf_map__initial_value(m, &size);
		if (!data || size < sizeof(uint32_t))
			return fail(".rodata", EINVAL);
		memcpy(data, &(uint32_t){ (uint32_t)pid }, sizeof(uint32_t));
	}
	err = bpf_object__load(obj);
	return err ? fail("load", err) : 0;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	deliver_on_sample(cpu, data, size);
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	(void)ctx;
	lost_total += cnt;
	deliver_on_lost(cpu, cnt);
}

/* perf_buffer__new_raw hands over whole records: take samples and losses. */
static enum bpf_perf_event_ret on_raw(void *ctx, int cpu, struct perf_event_header *h)
{
	(void)ctx;
	if (h->type == PERF_RECORD_SAMPLE) {
		struct { struct perf_event_header h; __u32 size; char data[]; } *s = (void *)h;

		deliver_on_sample(cpu, s->data, s->size);
	} else if (h->type == PERF_RECORD_LOST) {
		struct { struct perf_event_header h; __u64 id, lost; } *l = (void *)h;

		on_lost(NULL, cpu, l->lost);
	}
	return LIBBPF_PERF_EVENT_CONT;
}

static int reader(unsigned int pages, unsigned int wakeup)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "events");

	if (!m)
		return fail("no map events", ENOENT);
	if (wakeup <= 1) {
		pb = perf_buffer__new(bpf_map__fd(m), pages, on_sample, on_lost, NULL, NULL);
	} else {
		struct perf_event_attr a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_BPF_OUTPUT;
		a.sample_type = PERF_SAMPLE_RAW;
		a.sample_period = 1;
		a.wakeup_events = wakeup;
		pb = perf_buffer__new_raw(bpf_map__fd(m), pages, &a, on_raw, NULL, NULL);
	}
	return pb ? 0 : fail("perf_buffer__new", errno);
}

static int attach(void)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		if (!bpf_program__attach(p))
			return fail(bpf_program__name(p), errno);
	return 0;
}

static int poll_(int timeout_ms)
{
	int n = perf_buffer__poll(pb, timeout_ms);

	return n < 0 && n != -EINTR ? fail("perf_buffer__poll", n) : 0;
}

static int drain(void)
{
	int n = perf_buffer__consume(pb);

	return n < 0 ? fail("perf_buffer__consume", n) : 0;
}

static uint64_t lost(void)
{
	return lost_total;
}

static uint64_t kernel_drops(void)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "drops");
	int ncpu = libbpf_num_possible_cpus();
	uint64_t v[1024], sum = 0;
	uint32_t zero = 0;

	if (!m || ncpu <= 0 || ncpu > 1024 ||
	    bpf_map_lookup_elem(bpf_map__fd(m), &zero, v))
		return (uint64_t)-1;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static void close_(void)
{
	perf_buffer__free(pb);
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	static const struct deliver_loader l = {
		"libbpf", load, reader, attach, poll_, drain, lost,
		kernel_drops, close_,
	};

	return deliver_main(&l, argc, argv);
}

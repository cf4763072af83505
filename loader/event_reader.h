/* SPDX-License-Identifier: MIT */
/*
 * The event reader (event_reader.c) and its two kinds of map: the per-CPU
 * perf rings of a perf event array (perf_reader.c) and the one ring of a
 * BPF ring buffer (ringbuf_reader.c). Internal to the library.
 */
#ifndef TPBPF_EVENT_READER_H
#define TPBPF_EVENT_READER_H

#include <stdint.h>
#include <sys/epoll.h>

#include "ringbuf.h"
#include "tpbpf.h"

struct cpu_ring;

struct tpbpf_event_reader {
	uint32_t map_type;	/* BPF_MAP_TYPE_PERF_EVENT_ARRAY or _RINGBUF */
	int map_fd;		/* our own dup of the map */
	int epoll_fd;
	struct epoll_event *events;
	int nr_events;		/* room in events: one per fd in the epoll set */
	tpbpf_sample_fn on_sample;
	tpbpf_lost_fn on_lost;
	void *ctx;
	/* Perf event array: one ring per online CPU. */
	struct cpu_ring *rings;
	int nr_rings;
	/* Ring buffer: the consumer page, and the producer page with the data. */
	struct tpbpf_ringbuf rb;
	void *rb_consumer;
	size_t rb_consumer_size;
	void *rb_producer;
	size_t rb_producer_size;
};

/* Open, map and publish one ring per CPU in R->map_fd; register each with epoll. */
int tpbpf_perf_rings_open(struct tpbpf_event_reader *r, unsigned int pages,
			  unsigned int wakeup);
int tpbpf_perf_rings_consume(struct tpbpf_event_reader *r);
uint64_t tpbpf_perf_rings_lost(const struct tpbpf_event_reader *r);
uint64_t tpbpf_perf_rings_samples(const struct tpbpf_event_reader *r);
void tpbpf_perf_rings_close(struct tpbpf_event_reader *r);

/* Map the ring buffer R->map_fd of SIZE bytes; register it with epoll. */
int tpbpf_ringbuf_map(struct tpbpf_event_reader *r, uint32_t size);
void tpbpf_ringbuf_unmap(struct tpbpf_event_reader *r);

#endif

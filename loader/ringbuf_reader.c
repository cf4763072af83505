// SPDX-License-Identifier: MIT
/*
 * Reading a BPF_MAP_TYPE_RINGBUF (5.8+): the map is its own ring, shared
 * by every CPU. Its fd is mmap'd in two parts, as the kernel requires: the
 * consumer page read-write at offset 0 (we move the consumer position),
 * and from the next page on, read-only, the producer page followed by the
 * data area mapped twice in a row (so no record is ever cut by the end).
 * The map fd itself goes in the epoll set: it polls readable when records
 * wait. When the kernel wakes us is the program's choice (BPF_RB_NO_WAKEUP
 * and BPF_RB_FORCE_WAKEUP flags of bpf_ringbuf_output()).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "event_reader.h"
#include "internal.h"
#include "sys_bpf.h"

int tpbpf_ringbuf_map(struct tpbpf_event_reader *r, uint32_t size)
{
	long page_size = sysconf(_SC_PAGESIZE);
	size_t page = page_size > 0 ? (size_t)page_size : 4096;
	int err;

	if (size < page || (size & (size - 1)))
		return tpbpf_err(EINVAL, "ring buffer map fd %d: %u bytes is not a power of two of at least a page",
				 r->map_fd, size);
	r->rb_consumer_size = page;
	r->rb_consumer = tpbpf_sys_mmap(r->map_fd, page, 0, true, "ring buffer consumer page");
	if (!r->rb_consumer) {
		err = errno;
		return tpbpf_err(err, "mmap of the consumer page of ring buffer map fd %d: %s",
				 r->map_fd, strerror(err));
	}
	r->rb_producer_size = page + 2 * (size_t)size;
	r->rb_producer = tpbpf_sys_mmap(r->map_fd, r->rb_producer_size, page, false,
					"ring buffer producer page and data");
	if (!r->rb_producer) {
		err = errno;
		return tpbpf_err(err, "mmap of the %zu bytes of ring buffer map fd %d: %s%s",
				 r->rb_producer_size, r->map_fd, strerror(err),
				 err == ENOMEM || err == EPERM ?
				 "; raise RLIMIT_MEMLOCK (ulimit -l) or make the map smaller" : "");
	}
	err = tpbpf_ringbuf_init(&r->rb, r->rb_consumer, r->rb_producer,
				 (unsigned char *)r->rb_producer + page, size);
	if (err)
		return err;
	err = tpbpf_sys_epoll_add(r->epoll_fd, r->map_fd, NULL);
	if (err)
		return tpbpf_err(-err, "epoll_ctl(ADD) for ring buffer map fd %d: %s",
				 r->map_fd, strerror(-err));
	tpbpf_log("ring buffer reader: map fd %d, %u bytes shared by all CPUs", r->map_fd, size);
	return 0;
}

void tpbpf_ringbuf_unmap(struct tpbpf_event_reader *r)
{
	tpbpf_sys_munmap(r->rb_producer, r->rb_producer_size);
	tpbpf_sys_munmap(r->rb_consumer, r->rb_consumer_size);
	r->rb_producer = r->rb_consumer = NULL;
}

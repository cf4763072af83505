/* SPDX-License-Identifier: MIT */
/*
 * The load path, step "attach" (the steps in order: object.h): attach
 * loaded programs; and steps "stop" and "close" of their links.
 *
 * Classic tracepoint: the event ID from tracefs, perf_event_open() of type
 * PERF_TYPE_TRACEPOINT on it, the program hung off the event with
 * BPF_LINK_CREATE (5.15, with the event ID as the cookie TP_EVENT_ID()
 * reads) or else PERF_EVENT_IOC_SET_BPF, and PERF_EVENT_IOC_ENABLE. One
 * perf event (on CPU 0, any task) is enough: the program hangs off the
 * tracepoint itself and runs on every CPU.
 *
 * Raw tracepoint: BPF_RAW_TRACEPOINT_OPEN with the tracepoint's name.
 *
 * Either way the attachment lives as long as its link's fds.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "object.h"
#include "sys_bpf.h"

/*
 * Keep the fds of one attachment as a link of PROG (fd -1: none); on
 * failure they are closed. The new link goes to *OUT when OUT is not NULL.
 */
static int add_link(struct tpbpf_program *prog, const char *target, int fd,
		    int perf_fd, int prog_fd, struct tpbpf_link **out)
{
	struct tpbpf_link **links, *l;

	links = realloc(prog->links, (prog->nr_links + 1) * sizeof(*links));
	if (links)
		prog->links = links;
	l = links ? calloc(1, sizeof(*l)) : NULL;
	if (l)
		l->target = strdup(target);
	if (!l || !l->target) {
		free(l);
		tpbpf_sys_close(fd, "link");
		tpbpf_sys_close(perf_fd, "perf event");
		tpbpf_sys_close(prog_fd, "program copy");
		return tpbpf_err(ENOMEM, "out of memory");
	}
	l->prog = prog;
	l->fd = fd;
	l->perf_fd = perf_fd;
	l->prog_fd = prog_fd;
	prog->links[prog->nr_links++] = l;
	if (out)
		*out = l;
	return 0;
}

static int explain_set_bpf(const struct tpbpf_program *prog, const char *cat,
			   const char *name, int err)
{
	const char *why;

	switch (err) {
	case EACCES:
		why = "the program reads past the end of this tracepoint's record (check field offsets), or is not a tracepoint program";
		break;
	case EEXIST:
		why = "this program is already attached to this tracepoint (before 4.x kernels allowed only one program per event)";
		break;
	case E2BIG:
		why = "too many programs are attached to this tracepoint already (the kernel allows 64)";
		break;
	case EINVAL:
		/* The kernel's own answer: syscall events took BPF only from 4.14. */
		why = strcmp(cat, "syscalls") == 0 ?
		      "this kernel does not run BPF programs on syscalls:* tracepoints (that came in 4.14): attach to raw_syscalls:sys_enter or sys_exit and compare the syscall number (the record's id field)" :
		      "the program type does not fit a tracepoint event";
		break;
	default:
		why = strerror(err);
	}
	return tpbpf_err(err, "program %s: attach to tracepoint %s:%s: %s",
			 prog->name, cat, name, why);
}

/*
 * Hang the program off the perf event. A BPF link (5.15) carries a cookie,
 * the event ID, which TP_EVENT_ID() reads back: that is how one program on
 * several tracepoints knows which one fired (the record's common_type is not
 * readable: the kernel stores a pt_regs pointer over it before the program
 * runs). Older kernels get PERF_EVENT_IOC_SET_BPF, without a cookie.
 * Returns a positive errno on failure.
 */
static int set_program(int prog_fd, int pfd, int id, int *link_fd)
{
	int lfd;

	*link_fd = -1;
	/* No probe: trying the link is the probe, and costs nothing more. */
	if (!tpbpf_feature_forced(TPBPF_FEAT_PERF_LINK) &&
	    (!tpbpf_feature_probed(TPBPF_FEAT_PERF_LINK) ||
	     tpbpf_feature_present(TPBPF_FEAT_PERF_LINK) == 1)) {
		lfd = tpbpf_sys_link_create_perf(prog_fd, pfd, (uint64_t)id);
		if (lfd >= 0) {
			tpbpf_feature_set(TPBPF_FEAT_PERF_LINK, true);
			*link_fd = lfd;
			return 0;
		}
		/*
		 * E2BIG is also what 5.7-5.14 say to the cookie field they do
		 * not know; once a link has worked it means "too many programs".
		 */
		if ((lfd != -EINVAL && lfd != -E2BIG) ||
		    (lfd == -E2BIG && tpbpf_feature_probed(TPBPF_FEAT_PERF_LINK)))
			return -lfd;
		tpbpf_log("no BPF links for perf events here (kernel before 5.15): using PERF_EVENT_IOC_SET_BPF, without cookies");
		tpbpf_feature_set(TPBPF_FEAT_PERF_LINK, false);
	}
	return -tpbpf_sys_perf_set_bpf(pfd, prog_fd);
}

int tpbpf_program_attach_tracepoint(struct tpbpf_program *prog,
				    const char *category, const char *name,
				    struct tpbpf_link **link)
{
	struct perf_event_attr attr;
	int id, pfd, lfd, err, inst_fd = -1;
	char what[512];

	if (prog->fd < 0)
		return tpbpf_err(EINVAL, "program %s is not loaded", prog->name);
	if (prog->kind != TPBPF_PROG_TRACEPOINT)
		return tpbpf_err(EINVAL, "program %s (section %s) is a raw tracepoint program; attach it with raw_tracepoint",
				 prog->name, prog->section);
	id = tpbpf_tracepoint_id(category, name);
	if (id < 0)
		return tpbpf_err_prefix(-id, "program %s: ", prog->name);

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = (uint64_t)id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	snprintf(what, sizeof(what), "%s:%s", category, name);
	pfd = tpbpf_sys_perf_event_open(&attr, -1, 0, what);
	if (pfd < 0) {
		if (pfd == -EACCES || pfd == -EPERM)
			return tpbpf_err(-pfd, "program %s: perf_event_open on tracepoint %s:%s: %s: run as root (CAP_PERFMON or CAP_SYS_ADMIN), or lower kernel.perf_event_paranoid",
					 prog->name, category, name, strerror(-pfd));
		return tpbpf_err(-pfd, "program %s: perf_event_open on tracepoint %s:%s (id %d): %s",
				 prog->name, category, name, id, strerror(-pfd));
	}
	/* TP_EVENT_ID() without cookies: a copy that knows its event. */
	if (prog->per_event_copies) {
		inst_fd = tpbpf_obj_load_instance(prog, id);
		if (inst_fd < 0) {
			tpbpf_sys_close(pfd, "perf event");
			return inst_fd;
		}
	}
	err = set_program(inst_fd >= 0 ? inst_fd : prog->fd, pfd, id, &lfd);
	if (err) {
		tpbpf_sys_close(pfd, "perf event");
		tpbpf_sys_close(inst_fd, "program copy");
		return explain_set_bpf(prog, category, name, err);
	}
	err = -tpbpf_sys_perf_enable(pfd);
	if (err) {
		tpbpf_sys_close(lfd, "BPF link");
		tpbpf_sys_close(inst_fd, "program copy");
		tpbpf_sys_close(pfd, "perf event");
		return tpbpf_err(err, "program %s: enable tracepoint %s:%s: %s",
				 prog->name, category, name, strerror(err));
	}
	return lfd >= 0 ? add_link(prog, what, lfd, pfd, inst_fd, link) :
			  add_link(prog, what, pfd, -1, inst_fd, link);
}

int tpbpf_program_attach_raw_tracepoint(struct tpbpf_program *prog,
					const char *name, struct tpbpf_link **link)
{
	int fd;

	if (prog->fd < 0)
		return tpbpf_err(EINVAL, "program %s is not loaded", prog->name);
	if (prog->kind == TPBPF_PROG_TRACEPOINT)
		return tpbpf_err(EINVAL, "program %s (section %s) is a classic tracepoint program; attach it with CATEGORY/NAME",
				 prog->name, prog->section);
	if (!tpbpf_tracepoint_name_valid(name))
		return tpbpf_err(EINVAL, "invalid raw tracepoint name \"%s\"", name);
	fd = tpbpf_sys_raw_tracepoint_open(name, prog->fd);
	if (fd < 0) {
		switch (-fd) {
		case ENOENT:
			return tpbpf_err(ENOENT, "program %s: raw tracepoint %s not found (raw names have no category: sys_enter, sched_switch, net_dev_queue)",
					 prog->name, name);
		case EINVAL:
			if (prog->kind == TPBPF_PROG_RAW_TRACEPOINT_WRITABLE)
				return tpbpf_err(EINVAL, "program %s: raw tracepoint %s is not writable, or the program writes past its writable buffer",
						 prog->name, name);
			if (tpbpf_feature_present(TPBPF_FEAT_RAW_TRACEPOINT) == 0)
				return tpbpf_err(EINVAL, "program %s: this kernel has no raw tracepoints (they came in 4.17)",
						 prog->name);
			return tpbpf_err(EINVAL, "program %s: raw tracepoint %s refused the program: it reads more arguments than the tracepoint passes",
					 prog->name, name);
		case EACCES:
			return tpbpf_err(EACCES, "program %s: raw tracepoint %s: the program reads more arguments than the tracepoint has",
					 prog->name, name);
		case EPERM:
			return tpbpf_err(EPERM, "program %s: raw tracepoint %s: not permitted: run as root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)",
					 prog->name, name);
		default:
			return tpbpf_err(-fd, "program %s: BPF_RAW_TRACEPOINT_OPEN %s: %s",
					 prog->name, name, strerror(-fd));
		}
	}
	return add_link(prog, name, fd, -1, -1, link);
}

int tpbpf_program_attach(struct tpbpf_program *prog, const char *target,
			 struct tpbpf_link **link)
{
	char cat[256], name[256];
	int err;

	if (!target || !target[0])
		target = prog->target;
	if (!target[0])
		return tpbpf_err(EINVAL, "program %s: section %s names no tracepoint; give one (tpbpf load --attach %s=CATEGORY/NAME)",
				 prog->name, prog->section, prog->name);
	if (prog->kind != TPBPF_PROG_TRACEPOINT)
		return tpbpf_program_attach_raw_tracepoint(prog, target, link);
	err = tpbpf_tracepoint_parse(target, cat, sizeof(cat), name, sizeof(name));
	if (err)
		return tpbpf_err_prefix(-err, "program %s: ", prog->name);
	return tpbpf_program_attach_tracepoint(prog, cat, name, link);
}

size_t tpbpf_program_link_count(const struct tpbpf_program *prog)
{
	return prog->nr_links;
}

struct tpbpf_link *tpbpf_program_link(const struct tpbpf_program *prog, size_t i)
{
	return i < prog->nr_links ? prog->links[i] : NULL;
}

const char *tpbpf_link_target(const struct tpbpf_link *link) { return link->target; }
struct tpbpf_program *tpbpf_link_program(const struct tpbpf_link *link) { return link->prog; }
int tpbpf_link_fd(const struct tpbpf_link *link) { return link->fd; }

/* Close what holds the attachment: from that moment the program no longer runs there. */
static void link_release(struct tpbpf_link *l)
{
	if (l->fd >= 0)
		tpbpf_log("detach %s from %s", l->prog->name, l->target);
	tpbpf_sys_close(l->fd, "link");
	tpbpf_sys_close(l->perf_fd, "perf event");
	tpbpf_sys_close(l->prog_fd, "program copy");
	free(l->target);
	free(l);
}

void tpbpf_link_detach(struct tpbpf_link *link)
{
	struct tpbpf_program *prog;

	if (!link)
		return;
	prog = link->prog;
	for (size_t i = 0; i < prog->nr_links; i++) {
		if (prog->links[i] != link)
			continue;
		memmove(&prog->links[i], &prog->links[i + 1],
			(prog->nr_links - i - 1) * sizeof(*prog->links));
		prog->nr_links--;
		break;
	}
	link_release(link);
}

/*
 * Detaching many links: where the time goes, and what can be cut.
 *
 * Closing a BPF link on a tracepoint's perf event takes the program out
 * of the tracepoint at once, then waits for a grace period so that no CPU
 * still runs it (synchronize_rcu_tasks_trace() in
 * perf_event_detach_bpf_prog() on 6.x, tens of ms); closing the last perf
 * event of a tracepoint waits for another, under the kernel's global
 * event_mutex (perf_trace_event_unreg()). One after the other, that is two
 * grace periods per tracepoint: about 0.4 s for opensnoop's six, seconds
 * for fifty. Closed from several threads at once, the link closes wait
 * together (one grace period for all), and the perf event closes queue on
 * the mutex without the links' waits in between. So the end of a run
 * goes: stop (links closed together: no program runs any more; perf
 * events disabled), then the caller reports, then release (the perf
 * events closed together: the part only the kernel can shorten).
 */

/* At most this many threads close fds at once: more only queue in the kernel. */
#define MAX_CLOSERS 64

struct closing {
	int *fds;
	const char *what;
	size_t n;
	size_t next;		/* taken with an atomic add */
};

static void *closer(void *arg)
{
	struct closing *c = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED)) < c->n)
		tpbpf_sys_close(c->fds[i], c->what);
	return NULL;
}

/* Close the N fds (all >= 0) from up to MAX_CLOSERS threads at once. */
static void close_together(int *fds, size_t n, const char *what)
{
	struct closing c = { fds, what, n, 0 };
	pthread_t threads[MAX_CLOSERS];
	size_t want = n < MAX_CLOSERS ? n : MAX_CLOSERS, started = 0;

	/* The calling thread closes too: one fd needs no other. */
	while (started + 1 < want && pthread_create(&threads[started], NULL, closer, &c) == 0)
		started++;
	closer(&c);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
}

/* Every link of OBJ in one array (NULL and 0 when none or out of memory). */
static size_t all_links(struct tpbpf_object *obj, struct tpbpf_link ***out)
{
	size_t n = 0, k = 0;

	*out = NULL;
	for (size_t i = 0; i < obj->nr_progs; i++)
		n += obj->progs[i].nr_links;
	if (!n || !(*out = calloc(n, sizeof(**out))))
		return 0;
	for (size_t i = 0; i < obj->nr_progs; i++)
		for (size_t j = 0; j < obj->progs[i].nr_links; j++)
			(*out)[k++] = obj->progs[i].links[j];
	return n;
}

/* Close the fd of each link that FIELD_OFF selects, together; mark them closed. */
static void close_field(struct tpbpf_link **links, size_t n, size_t field_off,
			const char *what)
{
	int *fds = calloc(n ? n : 1, sizeof(*fds));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int *fd = (int *)((char *)links[i] + field_off);

		if (*fd < 0)
			continue;
		if (fds)
			fds[k++] = *fd;
		else
			tpbpf_sys_close(*fd, what);	/* no memory: one at a time */
		*fd = -1;
	}
	if (k)
		close_together(fds, k, what);
	free(fds);
}

static void close_links(struct tpbpf_link **links, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (links[i]->fd >= 0)
			tpbpf_log("detach %s from %s", links[i]->prog->name, links[i]->target);
	close_field(links, n, offsetof(struct tpbpf_link, fd), "link");
}

void tpbpf_obj_stop_links(struct tpbpf_object *obj)
{
	struct tpbpf_link **links;
	size_t n = all_links(obj, &links);

	if (!links) {
		/* Out of memory (or nothing attached): one link at a time. */
		for (size_t i = 0; i < obj->nr_progs; i++) {
			for (size_t j = 0; j < obj->progs[i].nr_links; j++) {
				struct tpbpf_link *l = obj->progs[i].links[j];

				tpbpf_sys_close(l->fd, "link");
				l->fd = -1;
				if (l->perf_fd >= 0)
					tpbpf_sys_perf_disable(l->perf_fd);
			}
		}
		return;
	}
	/* BPF links, raw tracepoints, perf events without a link: the programs stop. */
	close_links(links, n);
	/* A perf event left enabled without a program would still take samples. */
	for (size_t i = 0; i < n; i++)
		if (links[i]->perf_fd >= 0)
			tpbpf_sys_perf_disable(links[i]->perf_fd);
	free(links);
}

void tpbpf_obj_release_program_links(struct tpbpf_program *prog)
{
	for (size_t i = 0; i < prog->nr_links; i++)
		link_release(prog->links[i]);
	free(prog->links);
	prog->links = NULL;
	prog->nr_links = 0;
}

void tpbpf_obj_release_links(struct tpbpf_object *obj)
{
	struct tpbpf_link **links;
	size_t n = all_links(obj, &links);

	if (links) {
		/* Links first (if not stopped yet), then what they held. */
		close_links(links, n);
		close_field(links, n, offsetof(struct tpbpf_link, perf_fd), "perf event");
		close_field(links, n, offsetof(struct tpbpf_link, prog_fd), "program copy");
		free(links);
	}
	/* What is left (nothing, unless memory ran out) goes one at a time. */
	for (size_t i = 0; i < obj->nr_progs; i++)
		tpbpf_obj_release_program_links(&obj->progs[i]);
}

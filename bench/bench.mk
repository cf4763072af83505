# Benchmarks; included by the Makefile. Never part of make check.
#   make bench-deps   libbpf-dev, bpftrace and linux-perf, the peers tpbpf is
#                     compared with (root; benchmark only: tpbpf never links libbpf)
#   make bench        build and run the suite as root (BENCH_RUNS=5, about
#                     15 minutes, holding the integration tests' lock), print
#                     the table, write bench/results/latest.md and latest.json;
#                     the load rows of BENCH_LOAD_OBJECT (tpbpf load beside
#                     libbpf) are for tests/bpf/core_many.bpf.c, 50 CO-RE
#                     relocations, unless another object is given
# A peer that is not installed is skipped, with a line saying so.

BENCH_RUNS ?= 5
BB := $(B)/bench
BENCH_CFLAGS := $(CFLAGS) -Ibench -I$(BB)
BENCH_BPF_CFLAGS := $(BPF_CFLAGS) -Ibench -Iprogs -I$(BB)
HAVE_LIBBPF := $(wildcard /usr/include/bpf/libbpf.h)

BENCH_TPBPF_BINS := $(BB)/load_latency $(BB)/empty_static $(BB)/cost_tpbpf $(BB)/deliver_tpbpf \
                    $(BB)/scale_tpbpf $(BB)/cost.bpf.o $(BB)/opener
BENCH_LIBBPF_BINS := $(BB)/libbpf_loader $(BB)/libbpf_loader_static $(BB)/cost_libbpf $(BB)/deliver_libbpf \
                     $(BB)/scale_libbpf $(BB)/cost.libbpf.bpf.o $(BB)/opensnoop_libbpf.bpf.o

BENCH_LOAD_OBJECT ?= $(B)/tests/bpf/core_many.g.bpf.o

.PHONY: bench-deps bench-bins

bench-deps:
	@missing=; for p in libbpf-dev bpftrace linux-perf; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "bench-deps: installing$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; }; \
	else echo "bench-deps: libbpf-dev, bpftrace and linux-perf are installed"; fi

bench-bins: all $(BENCH_TPBPF_BINS) $(if $(HAVE_LIBBPF),$(BENCH_LIBBPF_BINS)) \
            $(filter $(B)/%,$(BENCH_LOAD_OBJECT))

bench: bench-bins
	@BENCH_LOAD_OBJECT=$(BENCH_LOAD_OBJECT) bench/run.sh $(B) $(BENCH_RUNS)

$(BB)/load_latency: bench/load_latency.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# tpbpf's side: linked with libtpbpf.a only.
$(BB)/%_tpbpf: bench/%_tpbpf.c bench/%_main.c bench/%.h bench/bench_util.h $(B)/libtpbpf.a
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $(filter %.c,$^) $(B)/libtpbpf.a $(LDLIBS)

# libbpf's side: the same measuring code, linked with -lbpf.
$(BB)/%_libbpf: bench/%_libbpf.c bench/%_main.c bench/%.h bench/bench_util.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $(filter %.c,$^) -lbpf $(LDLIBS)

$(BB)/libbpf_loader: bench/libbpf_loader.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lbpf $(LDLIBS)

# The same program with libbpf, libelf and libc inside: no dynamic loader.
$(BB)/libbpf_loader_static: bench/libbpf_loader.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -static-pie -o $@ $< $(shell pkg-config --static --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)

$(BB)/opener: bench/opener.c bench/bench_util.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -static-pie -o $@ $<

# Start-up alone: what every static command pays before its main().
$(BB)/empty_static: bench/empty.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -static-pie -o $@ $<

$(BB)/cost.bpf.o: bench/cost.bpf.c include/tpbpf_bpf.h
	@mkdir -p $(@D)
	$(CLANG) $(BENCH_BPF_CFLAGS) -c $< -o $@

# libbpf 1.x reads only BTF-defined maps: -g for the BTF.
$(BB)/cost.libbpf.bpf.o: bench/cost.bpf.c include/tpbpf_bpf.h
	@mkdir -p $(@D)
	$(CLANG) $(BENCH_BPF_CFLAGS) -g -DBENCH_LIBBPF -c $< -o $@

$(BB)/tp_offsets.h: bench/gen_tp_offsets.sh
	@mkdir -p $(@D)
	bench/gen_tp_offsets.sh sys_enter_openat:filename sys_enter_openat:flags \
	  sys_exit_openat:ret sys_enter_open:filename sys_enter_open:flags \
	  sys_exit_open:ret sys_enter_openat2:filename sys_enter_openat2:how \
	  sys_exit_openat2:ret > $@

$(BB)/opensnoop_libbpf.bpf.o: bench/opensnoop_libbpf.bpf.c progs/opensnoop.h $(BB)/tp_offsets.h include/tpbpf_bpf.h
	@mkdir -p $(@D)
	$(CLANG) $(BENCH_BPF_CFLAGS) -g -c $< -o $@

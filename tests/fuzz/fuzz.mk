# Fuzzing and soak testing; included by the Makefile.
#   make fuzz [FUZZ_SECONDS=60]  run each libFuzzer harness for FUZZ_SECONDS,
#                                new inputs into $(B)/fuzz/new/NAME,
#                                crashes into $(B)/fuzz/crashes/
#   make fuzz-merge              fold $(B)/fuzz/new/NAME into the committed
#                                corpus, keeping only inputs that add coverage
#   make fuzz-replay-bins        the harnesses with a plain main (any CC,
#                                ASan+UBSan): tests/integration/test_fuzz_replay.sh
#                                replays the corpora with them in make check
#   make fuzz-deps               the libFuzzer runtime (root; only for make fuzz)
#   make soak [SOAK_SECONDS=600] tpbpf tracepoint sched:sched_switch under load:
#                                RSS and fd count must stay flat (root)

FUZZ_SECONDS ?= 60
SOAK_SECONDS ?= 600
FUZZ_NAMES   := elf format perf_ring ringbuf decode btf
# Harnesses that also need code of the tpbpf command.
FUZZ_TOOL_SRCS_decode := tools/record_decode.c tools/output.c
FUZZ_FLAGS   := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -g -O1
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Iloader \
                -DFUZZ_TRACEFS='"$(CURDIR)/tests/fixtures/tracefs"'
FUZZ_BINS    := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
REPLAY_BINS  := $(FUZZ_NAMES:%=$(B)/fuzz/replay/fuzz_%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/fuzz/obj/%.o)

.PHONY: fuzz fuzz-deps fuzz-bins fuzz-merge fuzz-replay-bins soak

# Debian ships libFuzzer's runtime in libclang-rt-14-dev, which clang-14
# only recommends: install it here, never in make deps / make check.
fuzz-deps:
	@rt=$$($(CLANG) -print-file-name=libclang_rt.fuzzer-x86_64.a); \
	if [ -f "$$rt" ]; then echo "fuzz-deps: libFuzzer runtime: $$rt"; else \
		echo "fuzz-deps: installing libclang-rt-14-dev"; \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$$SUDO apt-get install -y -qq --no-install-recommends libclang-rt-14-dev; \
	fi

# The library again, instrumented for coverage (fuzzer-no-link) and sanitizers.
$(B)/fuzz/obj/%.o: %.c $(wildcard include/*.h loader/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1 -c $< -o $@

.SECONDEXPANSION:
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJS) $$(FUZZ_TOOL_SRCS_$$*) | fuzz-deps
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -Itools $(FUZZ_FLAGS) -o $@ $< $(FUZZ_TOOL_SRCS_$*) \
		$(FUZZ_LIB_OBJS) $(LDLIBS)

fuzz-bins: $(FUZZ_BINS)

# Seeds are read from the committed corpus; what libFuzzer finds goes to
# $(B)/fuzz/new/NAME (its first corpus directory), so the tree stays clean.
fuzz: fuzz-bins
	@mkdir -p $(B)/fuzz/crashes
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(B)/fuzz/new/$$n; \
		echo "fuzz: fuzz_$$n for $(FUZZ_SECONDS) s"; \
		$(B)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(B)/fuzz/crashes/$$n- -max_len=65536 \
			$(B)/fuzz/new/$$n tests/fuzz/corpus/$$n 2> $(B)/fuzz/$$n.log || \
			{ tail -n 40 $(B)/fuzz/$$n.log; echo "fuzz: fuzz_$$n found a crash: $(B)/fuzz/crashes/"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(B)/fuzz/$$n.log | sed "s/^/fuzz: $$n: /"; \
	done

fuzz-merge: fuzz-bins
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(B)/fuzz/new/$$n; \
		$(B)/fuzz/fuzz_$$n -merge=1 tests/fuzz/corpus/$$n $(B)/fuzz/new/$$n 2>&1 | \
			grep -E 'MERGE-OUTER: [0-9]+ new files' | sed "s/^/fuzz-merge: $$n: /"; \
	done; du -sh tests/fuzz/corpus

# Replay: a plain main over the ASan+UBSan library that make check builds.
$(B)/fuzz/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(B)/libtpbpf-san.a \
		$$(FUZZ_TOOL_SRCS_$$*)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Itools -DFUZZ_TRACEFS='"$(CURDIR)/tests/fixtures/tracefs"' \
		-o $@ $< tests/fuzz/replay_main.c $(FUZZ_TOOL_SRCS_$*) $(B)/libtpbpf-san.a $(LDLIBS)

fuzz-replay-bins: $(REPLAY_BINS)

soak: all
	@tests/fuzz/soak.sh $(SOAK_SECONDS)

#!/usr/bin/env bash
# Replay the fuzz corpora (tests/fuzz/corpus/*) through the fuzz harnesses
# built with a plain main under ASan+UBSan: every input that once crashed a
# parser, and every seed, must still run clean. No libFuzzer, no root.
source "$(dirname "$0")/lib.sh"

# The replay harnesses are host binaries (ASan+UBSan, built by the host's
# make): nothing to replay for a cross build such as the arm64 guest's.
if [ "${TPBPF_BUILD:-build}" != build ]; then
	echo "SKIP $SUITE: the replay harnesses are built for the host only (ASan), not for ${TPBPF_BUILD}"
	exit 0
fi

# The replay binaries are not in the Makefile's TEST_DEPS: build them here.
if ! make -s -C "$ROOT" fuzz-replay-bins > /tmp/tpbpf-fuzz-replay-build.$$ 2>&1; then
	echo "FAIL $SUITE/build: make fuzz-replay-bins failed"
	tail -n 15 /tmp/tpbpf-fuzz-replay-build.$$ | sed 's/^/    | /'
	rm -f /tmp/tpbpf-fuzz-replay-build.$$
	exit 0
fi
rm -f /tmp/tpbpf-fuzz-replay-build.$$

replay() { # harness
	local bin=$ROOT/build/fuzz/replay/fuzz_$1 dir=$ROOT/tests/fuzz/corpus/$1 n
	[ -d "$dir" ] || fail "no corpus $dir"
	n=$(find "$dir" -type f | wc -l)
	[ "$n" -gt 0 ] || fail "empty corpus $dir"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" "$dir" > "$T/out" 2> "$T/err" ||
		fail "replay failed: $(grep -E 'ERROR|runtime error|SUMMARY|Running' "$T/err" | head -3)"
	grep -q "^$n inputs" "$T/out" || fail "ran $(cat "$T/out"), want $n inputs"
}

t_elf() { replay elf; }
t_format() { replay format; }
t_perf_ring() { replay perf_ring; }
t_ringbuf() { replay ringbuf; }
t_decode() { replay decode; }
t_btf() { replay btf; }

run_test elf_corpus t_elf
run_test format_corpus t_format
run_test perf_ring_corpus t_perf_ring
run_test ringbuf_corpus t_ringbuf
run_test decode_corpus t_decode
run_test btf_corpus t_btf

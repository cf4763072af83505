#!/usr/bin/env bash
# tpbpf syslat: time per system call as log2 histograms, checked against a
# helper that makes 20 nanosleep calls of 10 ms: each one lands in the
# bucket 8192 -> 16383 usecs.
#
# A loaded machine may wake a sleeper late, past 16383 us. The helper
# reports how long each of its sleeps took (a little more than the kernel
# saw from sys_enter to sys_exit), so a late wake-up may move a call to a
# higher bucket, up to the helper's own, and to no other: when no sleep
# overran, that is exactly "all 20 in 8192 -> 16383".
source "$(dirname "$0")/lib.sh"

# Start the helper (it prints its pid, then waits for a line on stdin),
# run tpbpf syslat -p PID ARGS, let the helper sleep, stop tpbpf.
time_helper() { # syslat-args...
	mkfifo "$T/go"
	"$HELPERS/sleep_loop" 20 10 < "$T/go" > "$T/pid" 2> "$T/slept" &
	local hpid=$!
	exec 3> "$T/go"
	wait_for "$T/pid" '^[0-9]+$' 10 || fail "helper did not print its pid"
	PID=$(cat "$T/pid")
	start_tpbpf syslat -p "$PID" "$@"
	echo go >&3
	exec 3>&-
	wait $hpid || fail "helper failed"
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	grep -q 'detached' "$T/err" || fail "no teardown message"
}

# The nanosleep histogram of $T/out (human or json) against the helper's
# durations: 20 calls, none below 10 ms, none above what the helper saw.
check_nanosleep() { # human|json unit_ns
	python3 - "$1" "$2" "$T/out" "$T/slept" <<'PY' || fail "nanosleep histogram: $(head -c 800 "$T/out")"
import json, re, sys
fmt, unit, out, slept = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def slot(v):
    return v.bit_length()	# 0 for 0, else floor(log2(v)) + 1

if fmt == "json":
    rows = [json.loads(l) for l in open(out)]
    hit = [r for r in rows if r["syscall"] == "nanosleep"]
    assert len(hit) == 1, "nanosleep rows: %r" % hit
    count = hit[0]["count"]
    buckets = [(b["low"], b["high"], b["count"]) for b in hit[0]["buckets"]]
else:
    text = open(out).read()
    m = re.search(r"^nanosleep \[\d+\]: (\d+) calls.*?\n(.*?)\n\n", text, re.M | re.S)
    assert m, "no nanosleep block"
    count = int(m.group(1))
    lines = m.group(2).splitlines()
    assert re.match(r"^ +%s +: count +distribution$" % {1: "nsecs", 1000: "usecs"}[unit],
                    lines[0]), lines[0]
    buckets = []
    for l in lines[1:]:
        b = re.match(r"^ +(\d+) -> (\d+) +: (\d+) +\|(\**) *\|$", l)
        assert b, "bad row %r" % l
        buckets.append(tuple(int(x) for x in b.groups()[:3]))
assert count == 20, "count %d, want 20" % count
tool = []
for low, high, n in buckets:
    s = slot(low)
    assert high == (1 << s) - 1 and (s == 0 or low == 1 << (s - 1)), (low, high)
    tool += [s] * n
assert len(tool) == 20, "buckets hold %d calls" % len(tool)
seen = sorted(slot(int(l) // unit) for l in open(slept))
assert len(seen) == 20, "helper printed %d durations" % len(seen)
floor = slot(10 * 1000 * 1000 // unit)
tool.sort()
# The i-th shortest call the kernel timed is at least 10 ms and at most
# the i-th shortest the helper timed.
for t, h in zip(tool, seen):
    assert floor <= t <= h, "tool slots %r, helper slots %r" % (tool, seen)
if seen == [floor] * 20:
    print("all 20 in one bucket, as the helper saw them")
PY
}

t_nanosleep_histogram() {
	time_helper
	check_nanosleep human 1000
	grep -qE '^nanosleep \[[0-9]+\]: 20 calls, total [0-9.]+ ms, average [0-9.]+ ms$' "$T/out" ||
		fail "title: $(grep '^nanosleep' "$T/out")"
}

t_json() {
	time_helper --json --top 0
	check_nanosleep json 1000
	python3 - "$T/out" <<'PY' || fail "JSON rows: $(head -c 600 "$T/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
r = [x for x in rows if x["syscall"] == "nanosleep"][0]
assert r["unit"] == "usecs" and r["nr"] > 0, r
assert r["total_ns"] >= 20 * 10 * 1000 * 1000, r
assert r["avg_ns"] == r["total_ns"] // 20, r
totals = [x["total_ns"] for x in rows]
assert totals == sorted(totals, reverse=True), "not sorted by total time"
for x in rows:
    assert sum(b["count"] for b in x["buckets"]) == x["count"], x
PY
}

t_nsecs_unit() {
	time_helper --nsecs -T 1
	grep -qE '^nanosleep \[[0-9]+\]: 20 calls' "$T/out" || fail "nanosleep not the top syscall: $(cat "$T/out")"
	check_nanosleep human 1
}

t_usage_errors() {
	"$TPBPF" syslat --help > "$T/out" 2>&1 || fail "--help: exit $?"
	grep -q '^usage: tpbpf syslat' "$T/out" || fail "--help: no usage"
	"$TPBPF" syslat -T x > /dev/null 2>&1; [ $? -eq 2 ] || fail "-T x: want exit 2"
	"$TPBPF" syslat extra > /dev/null 2>&1; [ $? -eq 2 ] || fail "extra argument: want exit 2"
	"$TPBPF" syslat -d > /dev/null 2>&1; [ $? -eq 2 ] || fail "-d without value: want exit 2"
}

run_test nanosleep_histogram t_nanosleep_histogram root
run_test json t_json root
run_test nsecs_unit t_nsecs_unit root
run_test usage_errors t_usage_errors

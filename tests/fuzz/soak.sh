#!/usr/bin/env bash
# make soak: run `tpbpf tracepoint sched:sched_switch` for SECS seconds
# (default 600) under a context-switch load, output to /dev/null, and sample
# its RSS and open fds every 10 s. Fails if, after the first minute of
# warm-up, RSS grows by more than 10% or the fd count grows at all.
set -u
cd "$(dirname "$0")/../.." || exit 1
SECS=${1:-600}
WARMUP=60
STEP=10
TPBPF=build/tpbpf
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root"; exit 1; }
[ "$SECS" -gt "$WARMUP" ] || { echo "soak: SOAK_SECONDS must be more than $WARMUP"; exit 1; }
err=$(mktemp)
loads=()
cleanup() {
	for p in "${loads[@]}"; do kill "$p" 2> /dev/null; done
	[ -n "${pid:-}" ] && kill -INT "$pid" 2> /dev/null
	rm -f "$err"
}
trap cleanup EXIT

# Load: processes that sleep briefly in a loop (a fork, exec and two
# switches each time) and a pipe that moves one byte per read.
for _ in 1 2; do
	timeout $((SECS + 5)) bash -c 'while :; do sleep 0.001; done' &
	loads+=($!)
done
timeout $((SECS + 5)) bash -c 'yes | dd ibs=1 obs=1 of=/dev/null 2> /dev/null' &
loads+=($!)

"$TPBPF" tracepoint sched:sched_switch -d "$SECS" > /dev/null 2> "$err" &
pid=$!
rss() { awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status 2> /dev/null; }
fds() { ls /proc/"$pid"/fd 2> /dev/null | wc -l; }

echo "soak: tpbpf tracepoint sched:sched_switch for $SECS s (pid $pid)"
printf 'soak: %6s %10s %4s\n' "t(s)" "RSS(kB)" "fds"
base_rss="" base_fds="" max_rss=0 max_fds=0 bad=""
start=$SECONDS
# Sample on the clock, not by counting sleeps (which drift), until 5 s
# before tpbpf's own end.
for ((t = STEP; t <= SECS - 5; t += STEP)); do
	sleep $((start + t - SECONDS > 0 ? start + t - SECONDS : 0))
	kill -0 "$pid" 2> /dev/null || { bad="tpbpf ended after $((SECONDS - start)) s, before its $SECS s"; break; }
	r=$(rss) f=$(fds)
	printf 'soak: %6d %10s %4s\n' "$t" "$r" "$f"
	if [ "$t" -eq "$WARMUP" ]; then
		base_rss=$r base_fds=$f
	elif [ "$t" -gt "$WARMUP" ]; then
		[ "$r" -gt "$max_rss" ] && max_rss=$r
		[ "$f" -gt "$max_fds" ] && max_fds=$f
	fi
done
wait "$pid"
rc=$?
pid=
grep -E 'events|error' "$err" | sed 's/^/soak: /'
if [ -z "$bad" ]; then
	[ $rc -eq 0 ] || bad="tpbpf exited $rc"
fi
if [ -z "$bad" ] && [ -n "$base_rss" ]; then
	echo "soak: after warm-up: RSS $base_rss kB -> max $max_rss kB; fds $base_fds -> max $max_fds"
	[ "$max_rss" -le $((base_rss + base_rss / 10)) ] || bad="RSS grew more than 10%: $base_rss -> $max_rss kB"
	[ "$max_fds" -le "$base_fds" ] || bad="fds grew: $base_fds -> $max_fds"
fi
if [ -n "$bad" ]; then
	echo "soak: FAIL: $bad"
	exit 1
fi
echo "soak: PASS"

#!/usr/bin/env bash
# tpbpf syscount: system calls counted in the kernel per syscall, checked
# against a helper that makes an exact number of getppid calls.
source "$(dirname "$0")/lib.sh"

N=5000

# Start the helper (it prints its pid, then waits for a line on stdin),
# run tpbpf syscount -p PID ARGS, let the helper loop, stop tpbpf.
count_helper() { # syscount-args...
	helper_then_stop getppid $N "$@"
}

helper_then_stop() { # helper-name helper-count syscount-args...
	local name=$1 count=$2
	shift 2
	mkfifo "$T/go"
	"$HELPERS/syscall_loop_wait" "$name" "$count" < "$T/go" > "$T/pid" &
	local hpid=$!
	exec 3> "$T/go"
	wait_for "$T/pid" '^[0-9]+$' 10 || fail "helper did not print its pid"
	PID=$(cat "$T/pid")
	start_tpbpf syscount -p "$PID" "$@"
	echo go >&3
	exec 3>&-
	wait $hpid || fail "helper failed"
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	grep -q 'detached' "$T/err" || fail "no teardown message"
}

# COUNT of the row whose SYSCALL column is NAME (the last two columns).
row_count() { # file name
	awk -v n="$2" '$(NF-1) == n { print $NF; exit }' "$1"
}

t_classic_counts_exactly() {
	count_helper
	head -n 1 "$T/out" | grep -qE '^SYSCALL +COUNT$' || fail "no header: $(head -n 1 "$T/out")"
	local v
	v=$(row_count "$T/out" getppid)
	[ "$v" = $N ] || fail "getppid count '$v', want exactly $N: $(cat "$T/out")"
	grep -q 'attached 1 program to 1 tracepoint' "$T/err" || fail "not one program: $(cat "$T/err")"
}

t_raw_counts_exactly() {
	count_helper --raw
	local v
	v=$(row_count "$T/out" getppid)
	[ "$v" = $N ] || fail "--raw getppid count '$v', want exactly $N: $(cat "$T/out")"
	grep -q 'attached 1 program to 1 tracepoint' "$T/err" || fail "not one program: $(cat "$T/err")"
}

t_per_process() {
	count_helper --process
	head -n 1 "$T/out" | grep -qE '^PID +COMM +SYSCALL +COUNT$' || fail "no header: $(head -n 1 "$T/out")"
	awk -v p="$PID" -v n=$N '$1 == p && $2 == "syscall_loop_wa" && $3 == "getppid" && $4 == n { f = 1 }
		END { exit !f }' "$T/out" || fail "no row '$PID syscall_loop_wa getppid $N': $(cat "$T/out")"
}

t_json() {
	count_helper --process --json --top 0
	python3 - "$T/out" "$PID" $N <<'PY' || fail "JSON check failed: $(head -c 500 "$T/out")"
import json, sys
path, pid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [json.loads(l) for l in open(path)]
assert rows, "no rows"
hit = [r for r in rows if r["syscall"] == "getppid"]
assert len(hit) == 1, hit
r = hit[0]
assert r["count"] == n, r
assert r["pid"] == pid, r
assert r["comm"] == "syscall_loop_wa", r
assert all(x["pid"] == pid for x in rows), "a row of another process"
assert [x["count"] for x in rows] == sorted((x["count"] for x in rows), reverse=True)
PY
}

# More distinct syscall numbers than the map holds: the rest is reported.
t_full_map_reported() {
	local n=12000 max=10240 counted missed
	helper_then_stop distinct $n
	counted=$(sed -n 's/^tpbpf: syscount: \([0-9]*\) system calls counted$/\1/p' "$T/err")
	missed=$(sed -n 's/^tpbpf: syscount: \([0-9]*\) system calls not counted: the map of '$max' entries was full$/\1/p' "$T/err")
	[ -n "$counted" ] && [ -n "$missed" ] || fail "no counted/missed lines: $(cat "$T/err")"
	[ "$missed" -ge $((n - max)) ] || fail "missed $missed, want >= $((n - max))"
	# the loop, exit_group, and maybe the read that waited for "go"
	[ $((counted + missed)) -ge $((n + 1)) ] && [ $((counted + missed)) -le $((n + 2)) ] ||
		fail "counted $counted + missed $missed != $n calls (+1 or 2)"
	grep -qE '^\[1[0-9]{5}\] +1$' "$T/out" || fail "unknown numbers not shown as [N]: $(head -n 3 "$T/out")"
}

t_top_limits_rows() {
	"$TPBPF" syscount -d 1 -T 3 > "$T/out" 2> "$T/err" || fail "exit $?: $(cat "$T/err")"
	[ "$(wc -l < "$T/out")" -le 4 ] || fail "more than 3 rows: $(cat "$T/out")"
	grep -q 'system calls counted' "$T/err" || fail "no summary: $(cat "$T/err")"
}

t_interval() {
	"$TPBPF" syscount -d 2 -i 1 > "$T/out" 2> "$T/err" || fail "exit $?: $(cat "$T/err")"
	[ "$(grep -cE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "$T/out")" -eq 2 ] ||
		fail "want 2 timestamped tables: $(cat "$T/out")"
}

t_usage_errors() {
	"$TPBPF" syscount --help > "$T/out" 2>&1 || fail "--help: exit $?"
	grep -q '^usage: tpbpf syscount' "$T/out" || fail "--help: no usage"
	"$TPBPF" syscount -T x > /dev/null 2>&1; [ $? -eq 2 ] || fail "-T x: want exit 2"
	"$TPBPF" syscount -i 0 > /dev/null 2>&1; [ $? -eq 2 ] || fail "-i 0: want exit 2"
	"$TPBPF" syscount extra > /dev/null 2>&1; [ $? -eq 2 ] || fail "extra argument: want exit 2"
	"$TPBPF" syscount -p 0 > /dev/null 2>&1; [ $? -eq 2 ] || fail "-p 0: want exit 2"
	# It counts in maps and sends no events: nothing to put in a ring buffer.
	"$TPBPF" syscount --ring-buffer -d 1 > /dev/null 2> "$T/err"; [ $? -eq 2 ] || fail "--ring-buffer: want exit 2"
	grep -q 'usage error: --ring-buffer: syscount sends no events' "$T/err" || fail "--ring-buffer: $(cat "$T/err")"
}

run_test classic_counts_exactly t_classic_counts_exactly root
run_test raw_counts_exactly t_raw_counts_exactly root
run_test per_process t_per_process root
run_test json t_json root
run_test full_map_reported t_full_map_reported root
run_test top_limits_rows t_top_limits_rows root
run_test interval t_interval root
run_test usage_errors t_usage_errors

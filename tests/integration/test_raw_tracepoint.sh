#!/usr/bin/env bash
# tpbpf raw-tracepoint: hits of a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN),
# checked against a helper that makes N getppid calls.
source "$(dirname "$0")/lib.sh"

N=1000
# sys_enter's second argument is the syscall number.
NR_GETPPID=$(syscall_nr getppid)

# A shell that waits for a line on fd 3 (a fifo), then execs
# "syscall_loop getppid N" under the same pid: HPID, known before tpbpf starts.
start_looper() {
	mkfifo "$T/go"
	exec 3<> "$T/go"
	sh -c 'read -r _; exec "$0" getppid "$1"' "$HELPERS/syscall_loop" $N <&3 > "$T/loop" &
	HPID=$!
}

# Let it loop, wait for it, then stop tpbpf.
loop_then_stop() {
	echo go >&3
	wait "$HPID" || fail "syscall_loop failed"
	exec 3>&-
	[ "$(cat "$T/loop")" = "$HPID" ] || fail "syscall_loop pid '$(cat "$T/loop")' != $HPID"
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	grep -q 'detached' "$T/err" || fail "no teardown message"
}

# N of the closing "total: N hits ..." line.
total_of() { awk '/^total: [0-9]+ hits of raw tracepoint/ { print $2 }' "$T/out"; }

t_args_show_syscall_number() {
	[ -n "$NR_GETPPID" ] || skip "no getppid in $BUILD/gen/syscall_names.h"
	start_looper
	start_tpbpf raw-tracepoint sys_enter --args 2 -p "$HPID" --ring-pages 256
	grep -q 'raw-tracepoint: attached 1 program to 1 tracepoint' "$T/err" || fail "no attach line: $(cat "$T/err")"
	loop_then_stop
	head -n 1 "$T/out" | grep -qE '^PID +COMM +ARGS$' || fail "no header: $(head -n 1 "$T/out")"
	local want n
	want=$(printf 'arg1=0x%x' "$NR_GETPPID")
	n=$(awk -v p="$HPID" -v w="$want" \
		'$1 == p && $2 == "syscall_loop" && $3 ~ /^arg0=0x[0-9a-f]+$/ && $4 == w && NF == 4' \
		"$T/out" | wc -l)
	[ "$n" -ge $N ] || fail "$n lines '$HPID syscall_loop arg0=0x... $want', want >= $N: $(sed -n 2,4p "$T/out")"
	awk -v p="$HPID" 'NR > 1 && !/^total:/ && $1 != p { bad = 1 } END { exit bad }' "$T/out" ||
		fail "-p $HPID let other pids through"
	[ "$(total_of)" -ge $N ] || fail "total '$(total_of)', want >= $N"
	grep -q ', 0 lost' "$T/err" || fail "events lost: $(grep lost "$T/err")"
}

t_counts_total() {
	start_looper
	start_tpbpf raw-tracepoint sys_enter -p "$HPID"
	loop_then_stop
	head -n 1 "$T/out" | grep -qE '^TIME +HITS/S +TOTAL$' || fail "no header: $(head -n 1 "$T/out")"
	local total
	total=$(total_of)
	[ -n "$total" ] && [ "$total" -ge $N ] || fail "total '$total', want >= $N: $(cat "$T/out")"
	# Only the helper's system calls: its loop plus a few hundred at most.
	[ "$total" -lt $((N + 500)) ] || fail "total $total: -p did not filter"
}

t_hits_per_second() {
	"$TPBPF" raw-tracepoint sys_enter -d 2 > "$T/out" 2> "$T/err" || fail "exit $?: $(cat "$T/err")"
	local line hits total
	line=$(grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+ +[0-9]+$' "$T/out" | head -n 1)
	[ -n "$line" ] || fail "no per-second line: $(cat "$T/out")"
	read -r _ hits total <<< "$line"
	[ "$hits" -eq "$total" ] || fail "first second: hits $hits != total $total"
	[ "$(total_of)" -ge "$total" ] || fail "final total $(total_of) < $total"
}

t_json() {
	"$TPBPF" raw-tracepoint sys_enter -d 2 --json > "$T/out" 2> "$T/err" || fail "exit $?"
	# sched_switch has passed 3 arguments since raw tracepoints came (4.17);
	# a fourth (prev_state) only since 5.18.
	"$TPBPF" raw-tracepoint sched_switch --args 3 -d 1 --json > "$T/args" 2> "$T/err" || fail "--args 3 exit $?: $(cat "$T/err")"
	python3 - "$T/out" "$T/args" <<'EOF' || fail "bad JSON: $(head -n 2 "$T/out") $(head -n 2 "$T/args")"
import json, sys
counts = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
assert all("hits" in c and "total" in c for c in counts[:-1]), counts
assert counts[-1]["tracepoint"] == "sys_enter" and counts[-1]["total"] > 0, counts[-1]
hits = [json.loads(l) for l in open(sys.argv[2]).read().splitlines()]
assert len(hits) > 1, "no sched_switch hits"
for h in hits[:-1]:
    assert len(h["args"]) == 3 and all(a.startswith("0x") for a in h["args"]), h
    assert isinstance(h["pid"], int) and "comm" in h, h
EOF
}

t_unknown_name() {
	"$TPBPF" raw-tracepoint no_such_raw_tp -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: .*raw tracepoint no_such_raw_tp not found' "$T/err" || fail "unclear: $(cat "$T/err")"
	[ "$(grep -c '^tpbpf: error:' "$T/err")" -eq 1 ] || fail "not one error line: $(cat "$T/err")"
}

t_invalid_name() {
	"$TPBPF" -v raw-tracepoint ../x -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: raw-tracepoint: invalid raw tracepoint name' "$T/err" || fail "unclear: $(cat "$T/err")"
	grep -q 'BPF_PROG_LOAD\|BPF_MAP_CREATE' "$T/err" && fail "loaded something before checking the name"
	return 0
}

t_too_many_args() {
	"$TPBPF" raw-tracepoint sys_enter --args 3 -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: .*sys_enter passes only 2 arguments.*use --args 2' "$T/err" ||
		fail "unclear: $(cat "$T/err")"
}

t_usage() {
	"$TPBPF" raw-tracepoint --help > "$T/out" || fail "--help: exit $?"
	grep -q '^usage: tpbpf raw-tracepoint NAME' "$T/out" || fail "--help: no usage"
	"$TPBPF" raw-tracepoint > /dev/null 2>&1; [ $? -eq 2 ] || fail "no NAME: want exit 2"
	"$TPBPF" raw-tracepoint a b > /dev/null 2>&1; [ $? -eq 2 ] || fail "two NAMEs: want exit 2"
	"$TPBPF" raw-tracepoint sys_enter --args 0 > /dev/null 2>&1; [ $? -eq 2 ] || fail "--args 0: want 2"
	"$TPBPF" raw-tracepoint sys_enter --args 9 > /dev/null 2>&1; [ $? -eq 2 ] || fail "--args 9: want 2"
}

run_test args_show_syscall_number t_args_show_syscall_number root
run_test counts_total t_counts_total root
run_test hits_per_second t_hits_per_second root
run_test json t_json root
run_test unknown_name t_unknown_name root
run_test invalid_name t_invalid_name root
run_test too_many_args t_too_many_args root
run_test usage t_usage

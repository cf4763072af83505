#!/usr/bin/env bash
# tpbpf cswitch: a helper that sleeps 1 ms N times switches out at least N
# times; its switches show up per event and in the --top table.
source "$(dirname "$0")/lib.sh"

N=200

# Every sleep is a switch-out of the sleeper, run by the sleeper itself: all
# of them are seen. Its switch-ins are run by whichever task it replaces,
# and under load the kernel sometimes does not run tracepoint programs for
# a switch (seen on 6.18: a few per 200 missing, with no recursion miss and
# nothing lost); so switch-ins are only required to show up in numbers.
MIN_IN=$((N / 2))

# Start sleeper waiting on a fifo; its stdout (pid first) goes to $T/sleeper.out.
start_sleeper() { # sleeper-args...
	mkfifo "$T/go"
	"$HELPERS/sleeper" -w "$T/go" "$@" > "$T/sleeper.out" &
	SLEEPER_JOB=$!
	wait_for "$T/sleeper.out" '^[0-9]+$' 10 || fail "sleeper did not start"
	SLEEPER=$(head -n 1 "$T/sleeper.out")
}

# Let it sleep its loop, and wait for it to end.
release_sleeper() {
	timeout 10 sh -c 'echo go > "$1"' _ "$T/go" || fail "sleeper never read its fifo"
	wait "$SLEEPER_JOB" || fail "sleeper failed"
}

# Per-event lines: how many have PID as prev ($4; sleeper's comm has no
# blank) and as next (last field), and how many have it as neither.
count_sides() { # pid
	awk -v p="$1" 'NR > 1 { if ($4 == p) prev++; if ($NF == p) next_++; if ($4 != p && $NF != p) other++ }
		END { print prev + 0, next_ + 0, other + 0 }' "$T/out"
}

t_top_with_pid() {
	start_sleeper $N
	start_tpbpf cswitch --top 50 -p "$SLEEPER"
	release_sleeper
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	head -n 1 "$T/out" | grep -qE '^PID +COMM +SWITCHES$' || fail "no header: $(head -n 1 "$T/out")"
	local n
	n=$(awk -v p="$SLEEPER" '$1 == p && $2 == "sleeper" { print $3 }' "$T/out")
	[ -n "$n" ] || fail "pid $SLEEPER not in the table: $(cat "$T/out")"
	[ "$n" -ge $N ] || fail "$n switches of pid $SLEEPER, want >= $N"
	[ "$(wc -l < "$T/out")" -eq 2 ] || fail "-p: rows of other threads: $(cat "$T/out")"
	grep -q 'context switches counted' "$T/err" || fail "no summary"
}

t_top_whole_system_json() {
	start_sleeper $N
	start_tpbpf cswitch --top 0 --json
	release_sleeper
	stop_tpbpf
	P=$SLEEPER python3 -c '
import json, os, sys
seen = None
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o["pid"], int) and isinstance(o["comm"], str) and isinstance(o["switches"], int), line
    if o["pid"] == int(os.environ["P"]):
        seen = o
if not seen or seen["comm"] != "sleeper" or seen["switches"] < int(sys.argv[2]):
    sys.exit("sleeper row: %r" % (seen,))
' "$T/out" $N || fail "JSON table: $(head -c 300 "$T/out")"
}

t_per_event_pid_filter() {
	start_sleeper $N
	start_tpbpf cswitch -p "$SLEEPER"
	release_sleeper
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	head -n 1 "$T/out" | grep -qE '^TIME\(s\) +CPU +PREV_COMM +PREV_PID +STATE +NEXT_COMM +NEXT_PID$' ||
		fail "no header"
	local prev next other
	read -r prev next other <<< "$(count_sides "$SLEEPER")"
	[ "$prev" -ge $N ] || fail "$prev lines with $SLEEPER switching out, want >= $N"
	[ "$next" -ge $MIN_IN ] || fail "$next lines with $SLEEPER switching in, want >= $MIN_IN"
	[ "$other" -eq 0 ] || fail "$other lines without $SLEEPER"
	# Each 1 ms sleep leaves in state S.
	[ "$(awk -v p="$SLEEPER" '$4 == p && $5 == "S" && $6 == "->"' "$T/out" | wc -l)" -ge $N ] ||
		fail "sleeps not shown as state S: $(grep -m 3 " $SLEEPER " "$T/out")"
}

t_json_events() {
	start_sleeper $N
	start_tpbpf cswitch -p "$SLEEPER" --json
	release_sleeper
	stop_tpbpf
	P=$SLEEPER python3 -c '
import json, os, sys
p, n, min_in = int(os.environ["P"]), int(sys.argv[2]), int(sys.argv[3])
prev = next_ = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    for k, t in (("time", float), ("cpu", int), ("prev_comm", str), ("prev_pid", int),
                 ("prev_tgid", int), ("prev_state", str), ("next_comm", str), ("next_pid", int)):
        assert isinstance(o[k], t), (k, line)
    assert p in (o["prev_pid"], o["next_pid"]), line
    if o["prev_pid"] == p:
        assert o["prev_comm"] == "sleeper" and o["prev_tgid"] == p, line
        prev += 1
    if o["next_pid"] == p:
        assert o["next_comm"] == "sleeper", line
        next_ += 1
if prev < n or next_ < min_in:
    sys.exit("prev %d next %d, want >= %d and >= %d" % (prev, next_, n, min_in))
' "$T/out" $N $MIN_IN || fail "JSON events: $(head -c 300 "$T/out")"
}

t_pid_filter_follows_threads() {
	start_sleeper -t 2 100
	start_tpbpf cswitch -p "$SLEEPER"
	release_sleeper
	stop_tpbpf
	local tid prev next other
	for tid in $(sed -n '2,$p' "$T/sleeper.out"); do
		read -r prev next other <<< "$(count_sides "$tid")"
		[ "$prev" -ge 100 ] || fail "thread $tid switched out $prev times, want >= 100"
		# Known as the target's from its first switch-out on.
		[ "$next" -ge 50 ] || fail "thread $tid switched in $next times, want >= 50"
	done
}

t_top_interval() {
	start_tpbpf cswitch --top 3 -i 1 -d 3
	wait "$TPBPF_PID"
	[ $? -eq 0 ] || fail "non-zero exit: $(cat "$T/err")"
	[ "$(grep -cE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "$T/out")" -ge 2 ] ||
		fail "fewer than 2 tables in 3 s: $(cat "$T/out")"
	[ "$(grep -c '^PID ' "$T/out")" -ge 2 ] || fail "tables without header"
}

t_stats() {
	stats_refused_checked cswitch --top 1 && return 0
	start_tpbpf cswitch --top 1 --stats
	sleep 0.3
	stop_tpbpf
	grep -qE 'stats: program on_switch: [1-9][0-9]* runs, [0-9]+ ns total, [0-9.]+ ns per run' "$T/err" ||
		fail "no --stats line: $(cat "$T/err")"
}

t_usage() {
	"$TPBPF" cswitch -h > "$T/out" || fail "-h: non-zero exit"
	grep -q '^usage: tpbpf cswitch' "$T/out" || fail "-h prints no usage"
	"$TPBPF" cswitch -i 1 2> /dev/null; [ $? -eq 2 ] || fail "-i without --top: want exit 2"
	"$TPBPF" cswitch --top 5 -i 0 2> /dev/null; [ $? -eq 2 ] || fail "-i 0: want exit 2"
	"$TPBPF" cswitch --top x 2> /dev/null; [ $? -eq 2 ] || fail "--top x: want exit 2"
	"$TPBPF" cswitch extra 2> /dev/null; [ $? -eq 2 ] || fail "extra argument: want exit 2"
	return 0
}

run_test top_with_pid t_top_with_pid root
run_test top_whole_system_json t_top_whole_system_json root
run_test per_event_pid_filter t_per_event_pid_filter root
run_test json_events t_json_events root
run_test pid_filter_follows_threads t_pid_filter_follows_threads root
run_test top_interval t_top_interval root
run_test stats t_stats root
run_test usage t_usage

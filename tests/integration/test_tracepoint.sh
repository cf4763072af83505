#!/usr/bin/env bash
# tpbpf tracepoint: the generic tracer on real tracepoints of this kernel.
# The first six tests are the CLI contract of the course chapter the
# project grew from; the rest check what the events really contain.
source "$(dirname "$0")/lib.sh"

# Every line of FILE must parse as JSON; prints the number of lines.
json_lines() {
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line)
    n += 1
print(n)' "$1"
}

t_help() {
	"$TPBPF" tracepoint --help > "$T/out" || fail "--help failed"
	for w in category name duration; do
		grep -q "$w" "$T/out" || fail "--help does not mention $w"
	done
}

t_requires_category() {
	"$TPBPF" tracepoint 2> "$T/err"
	[ $? -eq 2 ] || fail "want exit 2"
	grep -qE 'required|CATEGORY' "$T/err" || fail "message: $(cat "$T/err")"
}

t_requires_name() {
	"$TPBPF" tracepoint syscalls 2> "$T/err"
	[ $? -eq 2 ] || fail "want exit 2"
	grep -qE 'required|NAME' "$T/err" || fail "message: $(cat "$T/err")"
}

t_attaches_sched_switch() {
	"$TPBPF" tracepoint sched sched_switch -d 1 > "$T/out" 2> "$T/err" || fail "exit $?: $(cat "$T/err")"
	grep -q 'sched:sched_switch: prev_comm=' "$T/out" || fail "no sched_switch event in 1 s"
	grep -qE 'tracepoint: [0-9]+ events, 0 lost' "$T/err" || fail "no summary: $(cat "$T/err")"
}

t_attaches_openat() {
	"$TPBPF" tracepoint syscalls sys_enter_openat -d 2 > "$T/out" 2> "$T/err" || fail "exit $?"
	grep -q 'syscalls:sys_enter_openat' "$T/out" || fail "nothing about openat on stdout"
}

t_invalid_category() {
	"$TPBPF" tracepoint nonexistent_category_xyz fake_tracepoint -d 1 > "$T/out" 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q '^tpbpf: error: tracepoint category nonexistent_category_xyz not found' "$T/err" ||
		fail "message: $(cat "$T/err")"
	"$TPBPF" tracepoint sched sched_swich 2> "$T/err"
	[ $? -eq 1 ] || fail "typo: want exit 1"
	grep -q 'not found; closest: sched:sched_switch' "$T/err" || fail "no closest names: $(cat "$T/err")"
}

t_unsafe_names_refused() {
	local spec
	for spec in '../../etc passwd' 'sched ../sched_switch' 'a/b/c' 'sched:sched switch' '.. x'; do
		# shellcheck disable=SC2086
		"$TPBPF" tracepoint $spec -d 1 > /dev/null 2> "$T/err"
		[ $? -eq 1 ] || fail "'$spec' not refused with exit 1"
		grep -q '^tpbpf: error: invalid tracepoint name' "$T/err" || fail "'$spec': $(cat "$T/err")"
	done
	"$TPBPF" tracepoint "sched:$(printf 'x%.0s' $(seq 10000))" 2> "$T/err"
	[ $? -eq 1 ] || fail "10 KB name not refused"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "10 KB name: not one line"
}

# A path of 200+ bytes under our scratch dir: its whole text and the pid of
# the process that opened it must be in the sys_enter_openat output.
t_openat_shows_whole_path_and_pid() {
	local dir="$T/$(printf 'd%.0s' $(seq 60))/$(printf 'e%.0s' $(seq 60))/$(printf 'f%.0s' $(seq 60))"
	mkdir -p "$dir"
	local path="$dir/unique-$$-$RANDOM.txt"
	echo hello > "$path"
	[ ${#path} -ge 200 ] || fail "path only ${#path} bytes"
	start_tpbpf tracepoint syscalls:sys_enter_openat
	local pid
	pid=$(sh -c 'echo $$; exec cat "$1" > /dev/null' sh "$path" | head -1)
	sleep 0.3
	stop_tpbpf
	grep -F "filename=\"$path\"" "$T/out" | grep -qE " $pid syscalls:sys_enter_openat:" ||
		fail "no line with pid $pid and the whole path ($(grep -c openat "$T/out") openat lines)"
}

# A path of exactly 4000 bytes (PATH_MAX is 4096): whole in the text line
# and in the JSON object, with no cut mark. The helper opens it after
# tpbpf attached (open_path -w waits on a fifo).
long_path() { # total-length
	local comp path name
	comp=$(printf 'c%.0s' $(seq 200))
	path=$T/long
	while [ $((${#path} + 256)) -lt "$1" ]; do path=$path/$comp; done
	name=$(printf 'f%.0s' $(seq $(($1 - ${#path} - 1))))
	echo "$path/$name"
}

open_after_attach() { # path tpbpf-args...
	local path=$1 helper
	shift
	mkfifo "$T/go"
	"$HELPERS/open_path" -w "$T/go" -m -c "$path" > "$T/helper.out" &
	helper=$!
	wait_for "$T/helper.out" '^[0-9]+$' 10 || fail "helper did not start"
	start_tpbpf tracepoint syscalls:sys_enter_openat -p "$(head -n 1 "$T/helper.out")" "$@"
	timeout 10 sh -c 'echo go > "$1"' _ "$T/go" || fail "helper never read its fifo"
	wait $helper || fail "helper exited $?"
	sleep 0.3
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
}

t_whole_4000_byte_path_text() {
	local path
	path=$(long_path 4000)
	[ ${#path} -eq 4000 ] || fail "test path is ${#path} bytes, want 4000"
	open_after_attach "$path"
	grep -F "filename=\"$path\" flags=" "$T/out" > /dev/null ||
		fail "no line with the whole 4000-byte path: $(grep -c openat "$T/out") openat lines, $(grep -o 'filename="[^"]*"' "$T/out" | awk '{ print length($0) }' | tr '\n' ' ')"
	grep -q 'cut' "$T/out" && fail "a string is marked cut: $(grep cut "$T/out" | cut -c1-200)"
	return 0
}

t_whole_4000_byte_path_json() {
	local path
	path=$(long_path 4000)
	open_after_attach "$path" --json
	P=$path python3 -c '
import json, os, sys
want = os.environ["P"]
seen = False
for line in open(sys.argv[1]):
    f = json.loads(line)["fields"]
    assert "filename_cut" not in f, line[:200]
    seen = seen or f["filename"] == want
sys.exit(0 if seen else "no event with the whole 4000-byte path")
' "$T/out" || fail "JSON: the 4000-byte path is not whole"
}

# --ring-buffer: the same whole path through one BPF ring buffer where the
# kernel has them (5.8); where it has none (or in the forced pass), the
# option is refused naming the version.
t_ring_buffer_option() {
	local path
	if ! feature_present ringbuf; then
		"$TPBPF" tracepoint syscalls:sys_enter_openat --ring-buffer -d 1 > /dev/null 2> "$T/err"
		[ $? -eq 1 ] || fail "--ring-buffer without ring buffers: want exit 1"
		grep -q '^tpbpf: error: tracepoint: --ring-buffer: this kernel has no BPF ring buffers (they came in 5.8)' "$T/err" ||
			fail "unclear: $(cat "$T/err")"
		return 0
	fi
	path=$(long_path 4000)
	open_after_attach "$path" --ring-buffer --json
	P=$path python3 -c '
import json, os, sys
want = os.environ["P"]
lines = [json.loads(l) for l in open(sys.argv[1])]
assert any(e["fields"]["filename"] == want for e in lines), "no whole 4000-byte path"
' "$T/out" || fail "ring buffer: the 4000-byte path is not whole"
	timeout 30 "$TPBPF" tracepoint sched:sched_switch -c 50 --ring-buffer > "$T/out" 2> "$T/err" || fail "exit $?"
	[ "$(grep -c 'sched:sched_switch:' "$T/out")" -eq 50 ] || fail "$(grep -c sched_switch "$T/out") events, want 50"
}

t_strlen_bound_marks_cut() {
	local path
	path=$(long_path 300)
	open_after_attach "$path" --strlen 100
	grep -F "filename=\"${path:0:100}\"...(cut) flags=" "$T/out" > /dev/null ||
		fail "no line with the first 100 bytes marked cut: $(grep -o 'filename=.\{0,120\}' "$T/out" | head -3)"
	"$TPBPF" tracepoint syscalls:sys_enter_openat --strlen 0 2> "$T/err"
	[ $? -eq 2 ] || fail "--strlen 0 accepted"
	"$TPBPF" tracepoint syscalls:sys_enter_openat --strlen 4096 2> "$T/err"
	[ $? -eq 2 ] || fail "--strlen 4096 accepted"
}

t_count_stops_after_exactly_50() {
	timeout 30 "$TPBPF" tracepoint sched:sched_switch -c 50 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 0 ] || fail "exit $rc"
	[ "$(grep -c 'sched:sched_switch:' "$T/out")" -eq 50 ] || fail "$(grep -c sched_switch "$T/out") events, want 50"
	grep -q 'tracepoint: 50 events' "$T/err" || fail "summary: $(cat "$T/err")"
}

t_json_lines_parse_and_carry_fields() {
	timeout 30 "$TPBPF" tracepoint sched/sched_switch -c 20 --json > "$T/out" 2> "$T/err" || fail "exit $?"
	[ "$(json_lines "$T/out")" = 20 ] || fail "not 20 JSON lines"
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["event"] == "sched:sched_switch"
    f = e["fields"]
    assert isinstance(f["prev_pid"], int) and isinstance(f["next_pid"], int)
    assert isinstance(f["prev_comm"], str) and "cpu" in e and "time_ns" in e
' "$T/out" || fail "JSON lines lack prev_pid/next_pid"
}

t_pid_filter_in_kernel() {
	sh -c 'echo $$ > "$1"; i=0; while [ $i -lt 300 ]; do sleep 0.01; i=$((i+1)); done' sh "$T/pid" &
	local bg=$!
	sleep 0.1
	local pid
	pid=$(cat "$T/pid")
	"$TPBPF" tracepoint sched sched_switch -p "$pid" -d 1 --json > "$T/out" 2> "$T/err" || fail "exit $?"
	kill $bg 2>/dev/null; wait $bg 2>/dev/null
	[ "$(json_lines "$T/out")" -gt 0 ] || fail "no event for pid $pid"
	python3 -c '
import json, sys
pid = int(sys.argv[2])
for line in open(sys.argv[1]):
    assert json.loads(line)["pid"] == pid, line
' "$T/out" "$pid" || fail "an event of another process passed -p"
	"$TPBPF" tracepoint sched sched_switch -p 999999999 -d 1 2> "$T/err"
	[ $? -eq 1 ] || fail "-p of a missing pid: want exit 1"
	grep -q 'no process with pid' "$T/err" || fail "missing pid message"
}

send_udp() { # count
	local i
	for ((i = 0; i < $1; i++)); do echo "tpbpf-$i" > /dev/udp/127.0.0.1/9; done
}

t_net_dev_queue_shows_lo() {
	start_tpbpf tracepoint net net_dev_queue
	send_udp 5
	sleep 0.3
	stop_tpbpf
	grep -q 'net:net_dev_queue: skbaddr=0x[0-9a-f]* len=[0-9]* name=lo' "$T/out" ||
		fail "no net_dev_queue line with name=lo: $(head -3 "$T/out")"
}

t_one_program_two_net_tracepoints() {
	start_tpbpf tracepoint -e net:net_dev_queue -e net:netif_receive_skb --json
	grep -q 'attached 1 program to 2 tracepoints' "$T/err" || fail "$(cat "$T/err")"
	send_udp 5
	sleep 0.3
	stop_tpbpf
	python3 -c '
import json, sys
seen = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["fields"].get("name") == "lo":
        assert isinstance(e["fields"]["len"], int)
        seen.add(e["event"])
assert seen == {"net:net_dev_queue", "net:netif_receive_skb"}, seen
' "$T/out" || fail "both events on lo not seen, each decoded"
}

t_unprivileged_fails_clearly() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$TPBPF" tracepoint sched sched_switch -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "not one line: $(cat "$T/err")"
	grep -qE '^tpbpf: error: .*(root|permi)' "$T/err" || fail "unclear: $(cat "$T/err")"
}

run_test help t_help
run_test requires_category t_requires_category
run_test requires_name t_requires_name
run_test attaches_sched_switch t_attaches_sched_switch root
run_test attaches_openat t_attaches_openat root
run_test invalid_category t_invalid_category root
run_test unsafe_names_refused t_unsafe_names_refused
run_test openat_shows_whole_path_and_pid t_openat_shows_whole_path_and_pid root
run_test whole_4000_byte_path_text t_whole_4000_byte_path_text root
run_test whole_4000_byte_path_json t_whole_4000_byte_path_json root
run_test strlen_bound_marks_cut t_strlen_bound_marks_cut root
run_test count_stops_after_exactly_50 t_count_stops_after_exactly_50 root
run_test ring_buffer_option t_ring_buffer_option root
run_test json_lines_parse_and_carry_fields t_json_lines_parse_and_carry_fields root
run_test pid_filter_in_kernel t_pid_filter_in_kernel root
run_test net_dev_queue_shows_lo t_net_dev_queue_shows_lo root
run_test one_program_two_net_tracepoints t_one_program_two_net_tracepoints root
run_test unprivileged_fails_clearly t_unprivileged_fails_clearly root

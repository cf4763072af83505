#!/usr/bin/env bash
# tpbpf load: the whole load path on the running kernel, with counts that
# the tests generate themselves and then read back from the maps.
source "$(dirname "$0")/lib.sh"

N=5000

# Value of KEY in map MAP of a --dump-maps output ("  KEY: VALUE ...").
map_value() { # file map key
	awk -v m="$2" -v k="$3" '
		/^map / { inmap = ($2 == m) }
		inmap && $1 == k ":" { print $2; exit }' "$1"
}

# Load OBJ, run a helper while it is attached, stop; helper's pid in $T/pid.
load_and_run() { # obj helper-args... -- load-args...
	local obj=$1; shift
	local hargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do hargs+=("$1"); shift; done
	shift
	start_tpbpf load "$obj" --dump-maps "$@"
	"$HELPERS/syscall_loop" "${hargs[@]}" > "$T/pid" || fail "helper failed"
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
}

check_exact_count() { # object
	load_and_run "$TEST_BPF/$1" getppid $N --
	local pid v
	pid=$(cat "$T/pid")
	v=$(map_value "$T/out" counts "$pid")
	[ "$v" = "$N" ] || fail "counts[$pid] = '$v', want exactly $N (output: $(head -c 300 "$T/out"))"
	grep -q 'detached' "$T/err" || fail "no teardown message"
}

t_tracepoint_counts_exactly() { check_exact_count counter_tp.bpf.o; }
t_tracepoint_counts_exactly_debug_object() { check_exact_count counter_tp.g.bpf.o; }

t_raw_tracepoint_counts() {
	load_and_run "$TEST_BPF/counter_raw.g.bpf.o" getppid $N --
	local pid v
	pid=$(cat "$T/pid")
	v=$(map_value "$T/out" counts "$pid")
	[ -n "$v" ] && [ "$v" -ge $N ] || fail "raw counts[$pid] = '$v', want >= $N"
}

t_one_program_two_tracepoints() {
	start_tpbpf load "$TEST_BPF/two_tracepoints.bpf.o" --dump-maps \
		--attach count_both=syscalls/sys_enter_getppid \
		--attach count_both=syscalls:sys_enter_getpgid
	grep -q 'attached 1 program to 2 tracepoints' "$T/err" || fail "not attached twice: $(cat "$T/err")"
	local p1 p2
	p1=$("$HELPERS/syscall_loop" getppid 300)
	p2=$("$HELPERS/syscall_loop" getpgid 200)
	stop_tpbpf
	[ "$(map_value "$T/out" getppid_counts "$p1")" = 300 ] || fail "getppid_counts[$p1] != 300"
	[ "$(map_value "$T/out" getpgid_counts "$p2")" = 200 ] || fail "getpgid_counts[$p2] != 200"
	[ -z "$(map_value "$T/out" getpgid_counts "$p1")" ] || fail "getppid calls counted as getpgid"
	[ -z "$(map_value "$T/out" getppid_counts "$p2")" ] || fail "getpgid calls counted as getppid"
}

t_subprogram_and_global_data() {
	if ! feature_present global_data; then
		# Before 5.2 (or forced) this object cannot load: it writes .bss and .data.
		"$TPBPF" load "$TEST_BPF/subprog_globals.g.bpf.o" -d 1 2> "$T/err"
		[ $? -eq 1 ] || fail "without global data: want exit 1"
		grep -q 'global data (section .bss, variable bss_calls), which needs kernel 5.2' "$T/err" ||
			fail "message: $(cat "$T/err")"
		return 0
	fi
	load_and_run "$TEST_BPF/subprog_globals.g.bpf.o" getppid 1000 --
	local pid v
	pid=$(cat "$T/pid")
	[ "$(map_value "$T/out" counts "$pid")" = 1000 ] || fail "counts[$pid] != 1000"
	v=$(map_value "$T/out" .bss 0)
	[ -n "$v" ] && [ "$v" -ge 1000 ] || fail ".bss counter = '$v', want >= 1000"
	v=$(map_value "$T/out" .data 0)
	[ -n "$v" ] && [ "$v" -ge 2000 ] || fail ".data counter = '$v', want >= 1000 + 1000"
	[ "$(map_value "$T/out" .rodata 0)" = 1 ] || fail ".rodata increment is not 1"
}

t_load_time_constants_match_tracefs() {
	local fmt=/sys/kernel/tracing/events/sched/sched_switch
	[ -r $fmt/id ] || fmt=$(awk '$9 == "tracefs" { print $5; exit }' /proc/self/mountinfo)/events/sched/sched_switch
	load_and_run "$TEST_BPF/load_consts.bpf.o" getppid 1 -- --const magic=41
	local off size
	off=$(sed -n 's/.*next_pid;.*offset:\([0-9]*\);.*/\1/p' $fmt/format)
	size=$(sed -n 's/.*next_comm\[16\];.*size:\([0-9]*\);.*/\1/p' $fmt/format)
	[ "$(map_value "$T/out" seen 0)" = "$(cat $fmt/id)" ] || fail "TP_ID != $(cat $fmt/id)"
	[ "$(map_value "$T/out" seen 1)" = "$off" ] || fail "TP_FIELD_OFF(next_pid) != $off"
	[ "$(map_value "$T/out" seen 2)" = "$size" ] || fail "TP_FIELD_SIZE(next_comm) != $size"
	[ "$(map_value "$T/out" seen 4)" = 0 ] || fail "TP_HAS_FIELD of a missing field is not 0"
	[ "$(map_value "$T/out" seen 5)" = 42 ] || fail "TPBPF_CONST(magic)+1 != 42"
}

t_all_map_types() {
	load_and_run "$TEST_BPF/all_maps.bpf.o" getppid 10 --
	grep -q '^map m_percpu_hash (percpu_hash' "$T/out" || fail "no percpu hash dump"
	grep -qE '^  1: (7|14) \(cpu0 (0|7), cpu1 (0|7)\)' "$T/out" || [ "$(nproc)" -eq 1 ] || fail "per-CPU values not shown per CPU"
	[ "$(map_value "$T/out" m_lru_hash 1)" = 7 ] || fail "lru hash value"
	grep -q '^map m_events (perf_event_array' "$T/out" || fail "no perf event array"
}

t_long_map_definitions() {
	load_and_run "$TEST_BPF/legacy_mapdef.bpf.o" getppid 10 --
	[ "$(map_value "$T/out" second 0)" = 1 ] || fail "map from a 7-field definition not written"
}

t_verifier_rejection_shows_log() {
	"$TPBPF" load "$TEST_BPF/verifier_reject.bpf.o" > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q 'verifier log of program bad_prog' "$T/err" || fail "no log header"
	grep -q "invalid mem access 'map_value_or_null'" "$T/err" || fail "log not shown in full"
	grep -q '^tpbpf: error: .*bad_prog.*rejected by the verifier' "$T/err" || fail "no one-line error"
}

t_verifier_log_on_success() {
	"$TPBPF" load "$TEST_BPF/counter_tp.bpf.o" -d 1 --verifier-log > "$T/out" 2> "$T/err" || fail "load failed"
	grep -q 'verifier log of program count_getppid' "$T/err" || fail "no log"
	grep -q '^processed [0-9]* insns' "$T/err" || fail "log has no summary line"
}

t_verbose_shows_each_step() {
	# The steps of a kernel that has every feature (see test_features.sh for the others).
	unset TPBPF_FORCE_ABSENT
	# An object with a call and global data where the kernel takes them
	# (4.16, 5.2), else one without (the call and map value steps left out).
	local obj=subprog_globals extra=('reloc .* call' 'map fd .* value')
	if ! feature_present global_data || ! feature_present bpf_calls; then
		obj=counter_tp extra=()
		echo "no global data or no bpf calls here: $obj.bpf.o, without the call and map value steps"
	fi
	"$TPBPF" -v load "$TEST_BPF/$obj.bpf.o" -d 1 > "$T/out" 2> "$T/err" || fail "load failed: $(tail -n 3 "$T/err")"
	local step
	# Each bpf() call says how long the kernel took: where a load's time goes.
	for step in 'read object' 'section maps' 'bpf\(BPF_MAP_CREATE' '-> map fd: [0-9]+ in [0-9]+ us$' "${extra[@]}" \
		'map counts -> map fd' 'bpf\(BPF_PROG_LOAD' '-> prog fd: [0-9]+ in [0-9]+ us$' \
		'tracefs: .*/id -> event ID' 'perf_event_open\(type=PERF_TYPE_TRACEPOINT' \
		'BPF_LINK_CREATE|PERF_EVENT_IOC_SET_BPF' 'PERF_EVENT_IOC_ENABLE' 'detach'; do
		grep -qE -- "$step" "$T/err" || fail "-v does not show: $step"
	done
}

t_stops_on_sigterm() {
	start_tpbpf load "$TEST_BPF/counter_tp.bpf.o"
	kill -TERM "$TPBPF_PID"
	wait "$TPBPF_PID"
	[ $? -eq 0 ] || fail "SIGTERM: non-zero exit"
	grep -q 'detached' "$T/err" || fail "no teardown after SIGTERM"
}

t_usage_and_input_errors() {
	"$TPBPF" load > /dev/null 2>&1; [ $? -eq 2 ] || fail "no object: want exit 2"
	"$TPBPF" load "$TEST_BPF/counter_tp.bpf.o" -d -1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "-d -1: want exit 2"
	"$TPBPF" load "$TEST_BPF/counter_tp.bpf.o" --attach nonsense > /dev/null 2>&1; [ $? -eq 2 ] || fail "--attach nonsense: want 2"
	"$TPBPF" load /nonexistent.o 2> "$T/err"; [ $? -eq 1 ] || fail "missing file: want exit 1"
	grep -q '^tpbpf: error: .*/nonexistent.o' "$T/err" || fail "missing file not named"
	"$TPBPF" load /etc/passwd 2> "$T/err"; [ $? -eq 1 ] || fail "not ELF: want exit 1"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "not one line: $(cat "$T/err")"
	"$TPBPF" load "$TEST_BPF/counter_tp.bpf.o" --attach count_getppid=syscalls/no_such_tp 2> "$T/err"
	[ $? -eq 1 ] || fail "unknown tracepoint: want exit 1"
	grep -q 'syscalls:no_such_tp not found' "$T/err" || fail "unknown tracepoint not named: $(cat "$T/err")"
	"$TPBPF" load "$TEST_BPF/load_consts.bpf.o" 2> "$T/err"; [ $? -eq 1 ] || fail "missing const: want 1"
	grep -q 'tpbpf.const:magic' "$T/err" || fail "missing constant not named"
}

t_unprivileged_fails_clearly() {
	chmod 755 "$T"
	cp "$TEST_BPF/counter_tp.bpf.o" "$T/"
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$TPBPF" load "$T/counter_tp.bpf.o" -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -qE '^tpbpf: error: .*(not permitted|run as root)' "$T/err" || fail "unclear message: $(cat "$T/err")"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "more than one line: $(cat "$T/err")"
}

run_test tracepoint_counts_exactly t_tracepoint_counts_exactly root
run_test tracepoint_counts_exactly_debug_object t_tracepoint_counts_exactly_debug_object root
run_test raw_tracepoint_counts t_raw_tracepoint_counts root
run_test one_program_two_tracepoints t_one_program_two_tracepoints root
run_test subprogram_and_global_data t_subprogram_and_global_data root
run_test load_time_constants_match_tracefs t_load_time_constants_match_tracefs root
run_test all_map_types t_all_map_types root
run_test long_map_definitions t_long_map_definitions root
run_test verifier_rejection_shows_log t_verifier_rejection_shows_log root
run_test verifier_log_on_success t_verifier_log_on_success root
run_test verbose_shows_each_step t_verbose_shows_each_step root
# Records still arriving when the run ends: the programs are detached
# before the rings are drained, so every record the kernel accepted is
# printed and counted (draining first let the ones sent in between slip).
t_every_record_sent_is_printed() {
	mkfifo "$T/go" && exec 3<> "$T/go" || fail "no fifo"
	"$HELPERS/syscall_loop_wait" getppid 400000000 <&3 > "$T/pid" &
	local hp=$! events sent
	echo "$hp" >> "$T/.pids"
	wait_for "$T/pid" '[0-9]' 5 || fail "helper did not start"
	start_tpbpf load "$TEST_BPF/sent_count.bpf.o" -p "$(head -n 1 "$T/pid")" --dump-maps
	echo go >&3
	sleep 1
	stop_tpbpf	# while the helper still calls getppid as fast as it can
	kill $hp 2> /dev/null
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(tail -c 300 "$T/err")"
	events=$(sed -n 's/.*: \([0-9]*\) events, [0-9]* lost$/\1/p' "$T/err")
	sent=$(map_value "$T/out" sent 0)
	echo "printed $(grep -c '^cpu ' "$T/out"), events $events, sent $sent"
	[ -n "$events" ] && [ "$events" -gt 1000 ] || fail "too few events to tell: '$events'"
	[ "$(grep -c '^cpu ' "$T/out")" = "$events" ] || fail "printed and counted differ"
	[ "$events" = "$sent" ] && return 0
	# Where bpf_perf_event_output() returns 0 for a record the full ring
	# dropped (4.19 does), "sent" counts those too: the kernel's own lost
	# count (PERF_RECORD_LOST, which tpbpf reports for this object) shows it.
	local lost
	lost=$(sed -n 's/.*: [0-9]* events, \([0-9]*\) lost$/\1/p' "$T/err")
	if [ -n "$lost" ] && [ "$lost" -gt 0 ] && [ $((events + lost)) -le "$sent" ]; then
		skip "bpf_perf_event_output() returned 0 for records the kernel dropped ($lost reported lost): the program cannot count what the kernel accepted here"
	fi
	fail "$sent records sent, $events printed: the end of the run dropped some"
}

# The same with a ring buffer map (named "rb": the only map whose records
# can be read, so it is the one printed); a ring buffer does not say the CPU.
t_every_ringbuf_record_is_printed() {
	# The object makes its ring buffer itself: the kernel must have them,
	# whatever this pass forces.
	TPBPF_FORCE_ABSENT= need_feature ringbuf
	mkfifo "$T/go" && exec 3<> "$T/go" || fail "no fifo"
	"$HELPERS/syscall_loop_wait" getppid 400000000 <&3 > "$T/pid" &
	local hp=$! events sent
	echo "$hp" >> "$T/.pids"
	wait_for "$T/pid" '[0-9]' 5 || fail "helper did not start"
	start_tpbpf load "$TEST_BPF/sent_count_ringbuf.bpf.o" -p "$(head -n 1 "$T/pid")" --dump-maps
	echo go >&3
	sleep 1
	stop_tpbpf
	kill $hp 2> /dev/null
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(tail -c 300 "$T/err")"
	events=$(sed -n 's/.*: \([0-9]*\) events, [0-9]* lost$/\1/p' "$T/err")
	sent=$(map_value "$T/out" sent 0)
	echo "printed $(grep -c '^cpu - size 8: ' "$T/out"), events $events, sent $sent"
	[ -n "$events" ] && [ "$events" -gt 1000 ] || fail "too few events to tell: '$events'"
	[ "$(grep -c '^cpu - size 8: ' "$T/out")" = "$events" ] || fail "printed and counted differ"
	[ "$events" = "$sent" ] || fail "$sent records sent, $events printed"
}

run_test stops_on_sigterm t_stops_on_sigterm root
run_test every_record_sent_is_printed t_every_record_sent_is_printed root
run_test every_ringbuf_record_is_printed t_every_ringbuf_record_is_printed root
run_test usage_and_input_errors t_usage_and_input_errors root
run_test unprivileged_fails_clearly t_unprivileged_fails_clearly root

#!/usr/bin/env bash
# Feature probes, the fallbacks they choose, and the kernel's errors as
# tpbpf explains them. TPBPF_FORCE_ABSENT makes a probe answer "absent" so
# each fallback runs here, on a kernel that has everything.
source "$(dirname "$0")/lib.sh"

map_value() { # file map key
	awk -v m="$2" -v k="$3" '
		/^map / { inmap = ($2 == m) }
		inmap && $1 == k ":" { print $2; exit }' "$1"
}

t_features_lists_every_probe() {
	unset TPBPF_FORCE_ABSENT
	"$TPBPF" -v features > "$T/out" 2> "$T/err" || fail "exit $?: $(cat "$T/err")"
	local f
	for f in tracepoint raw_tracepoint raw_tracepoint_writable prog_name map_name \
		probe_read_str probe_read_kernel probe_read_user probe_read_kernel_str \
		probe_read_user_str global_data bpf_calls enable_stats memcg_accounting perf_link_cookie kernel_btf lru_hash btf \
		ringbuf; do
		grep -qE "^$f +(present|absent) +[0-9.]+ " "$T/out" || fail "no result for $f"
		grep -q "probe $f " "$T/err" || fail "-v does not show the $f probe"
	done
	[ "$(grep -c '^tpbpf: probe ' "$T/err")" -eq 19 ] || fail "each probe must run exactly once"
	"$TPBPF" features --json > "$T/json" || fail "--json failed"
	python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 19 and all(r["result"] in ("present", "absent") for r in rows)
' "$T/json" || fail "--json rows"
	TPBPF_FORCE_ABSENT=all "$TPBPF" features > "$T/forced" || fail "forced run failed"
	grep -qE '^probe_read_kernel +forced-absent' "$T/forced" || fail "probe_read_kernel not forced absent"
	grep -qE '^tracepoint +present' "$T/forced" || fail "a feature without fallback was forced"
	grep -qE '^ringbuf +forced-absent .*perf event array' "$T/forced" || fail "ringbuf not forced absent, or no fallback shown"
}

# Probes run only when a choice depends on them: an object with no global
# data, no helpers of the probe_read family and no cookie needs none of them.
t_probes_are_lazy() {
	"$TPBPF" -v load "$TEST_BPF/counter_tp.bpf.o" -d 1 > /dev/null 2> "$T/err" || fail "load failed"
	local p
	for p in global_data probe_read_kernel probe_read_user_str bpf_calls perf_link_cookie prog_name map_name; do
		! grep -q "probe $p " "$T/err" || fail "probe $p ran for an object that does not need it"
	done
}

t_helper_fallback_rewrites_calls() {
	# Opens of our own, so the 20 events are ours whatever else runs here.
	mkfifo "$T/go" || fail "no fifo"
	"$HELPERS/open_path" -w "$T/go" $(printf '/etc/hostname %.0s' $(seq 20)) > "$T/pid" &
	local hp=$!
	echo "$hp" >> "$T/.pids"
	wait_for "$T/pid" '[0-9]' 5 || fail "helper did not start"
	TPBPF_FORCE_ABSENT=probe_read_kernel,probe_read_user_str timeout 30 "$TPBPF" -v tracepoint \
		syscalls:sys_enter_openat -p "$(head -n 1 "$T/pid")" -c 20 > "$T/out" 2> "$T/err" &
	local tp=$!
	wait_for "$T/err" 'attached|^tpbpf: (usage )?error' 15 || fail "tracepoint did not attach"
	echo go > "$T/go"
	wait $tp || fail "exit $?: $(tail -c 300 "$T/err")"
	grep -q 'bpf_probe_read_kernel -> bpf_probe_read (kernel before 5.5)' "$T/err" || fail "no probe_read_kernel rewrite"
	grep -q 'bpf_probe_read_user_str -> bpf_probe_read_str' "$T/err" || fail "no probe_read_user_str rewrite"
	grep -q 'filename="/etc/hostname"' "$T/out" || fail "strings not read after the rewrite"
}

t_names_left_out_when_absent() {
	TPBPF_FORCE_ABSENT=prog_name,map_name "$TPBPF" -v load "$TEST_BPF/counter_tp.bpf.o" -d 1 \
		> /dev/null 2> "$T/err" || fail "load failed"
	grep -q 'BPF_MAP_CREATE, .* name="")' "$T/err" || fail "map name sent"
	grep -q 'BPF_PROG_LOAD, .* name="" ' "$T/err" || fail "program name sent"
}

t_rodata_folded_without_global_data() {
	start_tpbpf -v load "$TEST_BPF/rodata_only.bpf.o" --dump-maps
	local pid
	pid=$("$HELPERS/syscall_loop" getppid 100)
	stop_tpbpf
	[ "$(map_value "$T/out" counts "$pid")" = 200 ] || fail "with global data: counts != 200"
	TPBPF_FORCE_ABSENT=global_data start_tpbpf -v load "$TEST_BPF/rodata_only.bpf.o" --dump-maps
	grep -q 'load of .rodata+0 -> 2 (no global data before 5.2)' "$T/err" || fail "no folding shown"
	! grep -q 'BPF_MAP_CREATE.*rodata' "$T/err" || fail ".rodata map created anyway"
	pid=$("$HELPERS/syscall_loop" getppid 100)
	stop_tpbpf
	[ "$(map_value "$T/out" counts "$pid")" = 200 ] || fail "folded: counts != 200"
}

t_global_data_writes_fail_clearly() {
	TPBPF_FORCE_ABSENT=global_data "$TPBPF" load "$TEST_BPF/subprog_globals.bpf.o" -d 1 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q 'section .bss, variable bss_calls.*5.2' "$T/err" || fail "message: $(cat "$T/err")"
}

t_event_id_without_cookies() {
	TPBPF_FORCE_ABSENT=perf_link_cookie start_tpbpf -v load "$TEST_BPF/two_tracepoints.bpf.o" --dump-maps \
		--attach count_both=syscalls/sys_enter_getppid --attach count_both=syscalls/sys_enter_getpgid
	grep -q 'load a copy of count_both for event' "$T/err" || fail "no per-tracepoint copy"
	local p1 p2
	p1=$("$HELPERS/syscall_loop" getppid 70)
	p2=$("$HELPERS/syscall_loop" getpgid 30)
	stop_tpbpf
	[ "$(map_value "$T/out" getppid_counts "$p1")" = 70 ] || fail "getppid_counts[$p1] != 70"
	[ "$(map_value "$T/out" getpgid_counts "$p2")" = 30 ] || fail "getpgid_counts[$p2] != 30"
}

t_unknown_helper_explained() {
	"$TPBPF" load "$TEST_BPF/unknown_helper.bpf.o" 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q '^tpbpf: error: .*helper .*#999.* not available' "$T/err" || fail "$(tail -1 "$T/err")"
}

t_reading_past_the_record_explained() {
	"$TPBPF" load "$TEST_BPF/ctx_too_far.bpf.o" -d 1 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q "reads past the end of this tracepoint's record" "$T/err" || fail "$(cat "$T/err")"
}

t_attached_twice_explained() {
	"$TPBPF" load "$TEST_BPF/counter_tp.bpf.o" -d 1 --attach count_getppid=syscalls/sys_enter_getppid \
		--attach count_getppid=syscalls/sys_enter_getppid 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q 'already attached to this tracepoint' "$T/err" || fail "$(cat "$T/err")"
}

t_too_many_programs_explained() {
	"$TPBPF" load "$TEST_BPF/many_programs.bpf.o" -d 1 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q 'prog_64: .*too many programs are attached to this tracepoint already (the kernel allows 64)' "$T/err" ||
		fail "$(cat "$T/err")"
}

run_test features_lists_every_probe t_features_lists_every_probe root
run_test probes_are_lazy t_probes_are_lazy root
run_test helper_fallback_rewrites_calls t_helper_fallback_rewrites_calls root
run_test names_left_out_when_absent t_names_left_out_when_absent root
run_test rodata_folded_without_global_data t_rodata_folded_without_global_data root
run_test global_data_writes_fail_clearly t_global_data_writes_fail_clearly root
run_test event_id_without_cookies t_event_id_without_cookies root
run_test unknown_helper_explained t_unknown_helper_explained root
run_test reading_past_the_record_explained t_reading_past_the_record_explained root
run_test attached_twice_explained t_attached_twice_explained root
run_test too_many_programs_explained t_too_many_programs_explained root

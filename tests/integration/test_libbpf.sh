#!/usr/bin/env bash
# Objects written for libbpf (tests/bpf/libbpf_style.h: libbpf's own
# headers, kernel types with offsets no kernel has): maps in SEC(".maps")
# in both forms, pinned maps, a map of maps, CO-RE relocations on
# tracepoint records and on task_struct. The same tests run on a kernel
# with BTF, in the forced pass (the kernel's BTF forced away: answers from
# tracefs and the offsets file) and in make vmcheck (no BTF at all). Every
# value checked is what the test's own process caused.
source "$(dirname "$0")/lib.sh"

N=400

map_value() { # file map key
	awk -v m="$2" -v k="$3" '
		/^map / { inmap = ($2 == m) }
		inmap && $1 == k ":" { print $2; exit }' "$1"
}

# syscall_loop_wait getppid N, waiting on fd 4; its pid in HP.
start_waiting_caller() {
	mkfifo "$T/go" && exec 4<> "$T/go" || fail "no fifo"
	"$HELPERS/syscall_loop_wait" getppid $N <&4 > "$T/pid" &
	HP=$!
	echo "$HP" >> "$T/.pids"
	wait_for "$T/pid" '[0-9]' 5 || fail "helper did not start"
}
run_calls() { echo go >&4; wait "$HP"; }

# A bpffs directory of this test's own for pinned maps.
pin_root() {
	PINS=/sys/fs/bpf/tpbpf-test-$$
	if ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
		mount -t bpf bpf /sys/fs/bpf 2>/dev/null || skip "no bpffs at /sys/fs/bpf and it cannot be mounted"
	fi
	mkdir -p "$PINS" || skip "cannot make $PINS"
}
unpin() { rm -rf "$PINS"; }

t_btf_maps() {
	pin_root
	start_waiting_caller
	start_tpbpf -v load "$TEST_BPF/btf_maps.g.bpf.o" --set targ_tgid="$HP" --pin-root "$PINS" --dump-maps
	# Typed where the kernel takes the object's BTF.
	"$HELPERS/bpf_ids" -t > "$T/types"
	run_calls
	stop_tpbpf
	grep -v '^tpbpf:  *[a-z]' "$T/err" | tail -5
	[ "$TPBPF_RC" -eq 0 ] || { unpin; fail "exit $TPBPF_RC"; }
	[ "$(map_value "$T/out" btfm_counts "$HP")" = $N ] || { unpin; fail "btfm_counts[$HP] = $(map_value "$T/out" btfm_counts "$HP")"; }
	[ "$(map_value "$T/out" older 0)" = $N ] || { unpin; fail "older[0] (integer-field form) = $(map_value "$T/out" older 0)"; }
	[ "$(map_value "$T/out" tpbpf_test_pinned 0)" = $N ] || { unpin; fail "pinned[0] = $(map_value "$T/out" tpbpf_test_pinned 0)"; }
	[ "$(grep -c '^cpu [0-9]* size 4:' "$T/out")" = $N ] || { unpin; fail "events printed: $(grep -c '^cpu ' "$T/out")"; }
	[ -e "$PINS/tpbpf_test_pinned" ] || { unpin; fail "the map was not pinned at $PINS"; }
	# outer[1] is inner_b, given in the definition: it got the counts.
	[ "$(map_value "$T/out" inner_b 0)" = $N ] || { unpin; fail "inner_b[0] (slot 1 of outer) = $(map_value "$T/out" inner_b 0)"; }
	[ -z "$(map_value "$T/out" inner_a 0)" ] || [ "$(map_value "$T/out" inner_a 0)" = 0 ] ||
		{ unpin; fail "inner_a counted: it is in no slot"; }
	# -v shows each map created with or without the object's BTF types; the
	# kernel's own listing shows them too where maps have names.
	if feature_present btf; then
		grep -A1 'BPF_MAP_CREATE.* btf_fd=[0-9]* key_type=[1-9][0-9]* value_type=[1-9][0-9]* name="btfm_counts"' "$T/err" |
			grep -q 'map fd: [0-9]' || { unpin; fail "btfm_counts not created with its types"; }
		if feature_present map_name; then
			grep -qE '^map [0-9]+ btfm_counts [1-9][0-9]*$' "$T/types" ||
				{ unpin; fail "the kernel shows btfm_counts untyped: $(grep btfm_counts "$T/types")"; }
		fi
	else
		grep -q 'BPF_MAP_CREATE.*btf_fd=' "$T/err" && { unpin; fail "typed maps without BTF support"; }
	fi
	# The pinned map outlives the run and the next load takes it back.
	start_waiting_caller_again
	start_tpbpf load "$TEST_BPF/btf_maps.g.bpf.o" --set targ_tgid="$HP" --pin-root "$PINS" --dump-maps
	run_calls
	stop_tpbpf
	[ "$(map_value "$T/out" tpbpf_test_pinned 0)" = $((2 * N)) ] || { unpin; fail "reused pinned[0] = $(map_value "$T/out" tpbpf_test_pinned 0), want $((2 * N))"; }
	unpin
}
start_waiting_caller_again() {
	"$HELPERS/syscall_loop_wait" getppid $N <&4 > "$T/pid" &
	HP=$!
	echo "$HP" >> "$T/.pids"
	wait_for "$T/pid" '[0-9]' 5 || fail "helper did not start"
}

# A map pinned under that name that is another map: refused, and said.
t_pinned_map_incompatible() {
	pin_root
	"$TPBPF" load "$TEST_BPF/btf_maps.g.bpf.o" --pin-root "$PINS" -d 1 > /dev/null 2>&1 ||
		{ unpin; fail "first load failed"; }
	# Another object of ours pins its own kind of map at the same path.
	rm -f "$PINS/tpbpf_test_pinned"
	cp "$TEST_BPF/btf_maps.g.bpf.o" "$T/x.o"
	"$TPBPF" load "$TEST_BPF/pin_other.g.bpf.o" --pin-root "$PINS" -d 1 > /dev/null 2> "$T/e0" ||
		{ unpin; fail "pin_other: $(cat "$T/e0")"; }
	"$TPBPF" load "$TEST_BPF/btf_maps.g.bpf.o" --pin-root "$PINS" -d 1 > /dev/null 2> "$T/err"
	local rc=$?
	unpin
	cat "$T/err"
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q "^tpbpf: error: .*tpbpf_test_pinned.*is another map.*rm " "$T/err" || fail "unclear"
}

# Without -g the object has no BTF: its .maps cannot be read, and that is said.
t_btf_maps_need_btf() {
	"$TPBPF" load "$TEST_BPF/btf_maps.bpf.o" -d 1 > /dev/null 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	grep -q 'SEC(".maps") are described by the object.s BTF, and it has none.*clang -g' "$T/err" ||
		fail "$(cat "$T/err")"
}

# CO-RE on tracepoint records: the kernel's BTF here, tracefs in the forced pass.
t_core_tracepoint_records() {
	start_waiting_caller
	start_tpbpf -v load "$TEST_BPF/core_tracepoint.g.bpf.o" --set targ_tgid="$HP" --dump-maps
	run_calls
	sleep 0.2
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(grep error "$T/err")"
	local nr ppid
	nr=$(syscall_nr getppid)
	[ -n "$nr" ] || fail "no getppid in $BUILD/gen/syscall_names.h"
	ppid=$BASHPID
	grep -E 'CO-RE byte_off trace_event_raw_sys_enter.id: 40 in the object -> 8 from ' "$T/err" ||
		fail "-v does not show the id relocation: $(grep CO-RE "$T/err" | head -3)"
	if has_kernel_btf; then
		grep -q 'from the kernel.s BTF' "$T/err" || fail "not from the kernel's BTF"
	else
		grep -q 'from the tracefs format of raw_syscalls:sys_enter' "$T/err" || fail "not from tracefs"
	fi
	[ "$(map_value "$T/out" counts "$nr")" = $N ] || fail "counts[getppid $nr] = $(map_value "$T/out" counts "$nr"), want $N"
	[ "$(map_value "$T/out" counts 100000)" = "$ppid" ] || fail "sys_exit ret = $(map_value "$T/out" counts 100000), want $ppid"
	[ "$(map_value "$T/out" has 0)" = 1 ] || fail "next_pid does not exist?"
	[ "$(map_value "$T/out" has 1)" = 0 ] || fail "prev_next_hint exists?"
	[ "$(map_value "$T/out" switches 0)" -ge 1 ] || fail "no switch of the target seen (prev_pid)"
}

# CO-RE on task_struct: BTF here; the offsets file in the forced pass (and
# without either, an error naming the field and the ways to give it).
t_core_task_struct() {
	local args=()
	if ! has_kernel_btf; then
		"$TPBPF" load "$TEST_BPF/core_task.g.bpf.o" -d 1 > /dev/null 2> "$T/nofile"
		[ $? -eq 1 ] || fail "no BTF, no offsets file: want exit 1"
		grep -q 'task_struct.tgid.*--offsets FILE.*tpbpf offsets --from-headers.*kernel with BTF' "$T/nofile" ||
			fail "unclear: $(cat "$T/nofile")"
		kernel_offsets_file task_struct.tgid task_struct.real_parent
		grep -q '^task_struct.tgid ' "$T/offsets" && grep -q '^task_struct.real_parent ' "$T/offsets" ||
			skip "the offsets file has no task_struct.tgid and task_struct.real_parent (write one with tpbpf offsets --from-headers DIR --struct task_struct.tgid --struct task_struct.real_parent)"
		args=(--offsets "$T/offsets")
	fi
	start_waiting_caller
	start_tpbpf "${args[@]}" load "$TEST_BPF/core_task.g.bpf.o" --set targ_tgid="$HP" --dump-maps
	run_calls
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	[ "$(map_value "$T/out" seen 0)" = "$HP" ] || fail "task->tgid = $(map_value "$T/out" seen 0), want $HP"
	[ "$(map_value "$T/out" seen 1)" = "$BASHPID" ] || fail "task->real_parent->tgid = $(map_value "$T/out" seen 1), want $BASHPID"
	[ "$(map_value "$T/out" seen 2)" = $N ] || fail "calls = $(map_value "$T/out" seen 2)"
}

# A read of a field this kernel lacks, not guarded: the load fails naming
# it. With BTF the kernel's task_struct is known to lack it (the read is
# poisoned and reached); without, nothing can say where it is.
t_core_missing_field_named() {
	"$TPBPF" load "$TEST_BPF/core_poison.g.bpf.o" -d 1 > /dev/null 2> "$T/err"
	[ $? -eq 1 ] || fail "want exit 1"
	if has_kernel_btf; then
		grep -q '^tpbpf: error: .*reads task_struct.no_such_field_here (CO-RE byte_off), which this kernel does not have; guard' "$T/err" ||
			fail "$(tail -2 "$T/err")"
	else
		grep -q '^tpbpf: error: .*nothing on this kernel gives task_struct.no_such_field_here.*--offsets FILE' "$T/err" ||
			fail "$(tail -2 "$T/err")"
	fi
}

# Weak __ksym externs (a kfunc and a variable): absent, so the program's
# checks are false and it takes its fallback on every call; one that is not
# weak is refused naming it; a weak kfunc called unguarded is named when the
# verifier reaches it.
t_weak_ksyms_absent() {
	start_waiting_caller
	start_tpbpf load "$TEST_BPF/ksym_weak.g.bpf.o" --set targ_tgid="$HP" --dump-maps
	run_calls
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	[ "$(map_value "$T/out" taken 0)" = $N ] || fail "fallback taken $(map_value "$T/out" taken 0) times, want $N"
	[ "$(map_value "$T/out" taken 1)" = 0 ] || fail "the absent symbols' path ran"
	"$TPBPF" inspect "$TEST_BPF/ksym_weak.g.bpf.o" > "$T/inspect" || fail "inspect failed"
	grep -q 'weak kfunc tpbpf_test_absent_kfunc -> absent: its call is poisoned' "$T/inspect" ||
		fail "inspect does not show the kfunc: $(grep -i ksym "$T/inspect")"
	grep -q 'weak __ksym tpbpf_test_absent_var -> absent: 0' "$T/inspect" || fail "inspect does not show the variable"
}

t_strong_ksym_and_unguarded_kfunc_named() {
	"$TPBPF" load "$TEST_BPF/ksym_strong.g.bpf.o" -d 1 > /dev/null 2> "$T/err"
	[ $? -eq 1 ] || fail "strong __ksym: want exit 1"
	grep -q '^tpbpf: error: .*symbol tpbpf_test_required_var: extern __ksym: tpbpf resolves no kernel symbols; declare it __weak' "$T/err" ||
		fail "strong: $(tail -1 "$T/err")"
	"$TPBPF" load "$TEST_BPF/ksym_unguarded.g.bpf.o" -d 1 > /dev/null 2> "$T/err"
	[ $? -eq 1 ] || fail "unguarded kfunc: want exit 1"
	grep -q '^tpbpf: error: .*calls kfunc tpbpf_test_absent_kfunc, which tpbpf leaves absent.*bpf_ksym_exists' "$T/err" ||
		fail "unguarded: $(tail -1 "$T/err")"
}

run_test btf_maps t_btf_maps root
run_test pinned_map_incompatible t_pinned_map_incompatible root
run_test btf_maps_need_btf t_btf_maps_need_btf root
run_test core_tracepoint_records t_core_tracepoint_records root
run_test core_task_struct t_core_task_struct root
run_test core_missing_field_named t_core_missing_field_named root
run_test weak_ksyms_absent t_weak_ksyms_absent root
run_test strong_ksym_and_unguarded_kfunc_named t_strong_ksym_and_unguarded_kfunc_named root

#!/usr/bin/env bash
# Objects as they come: programs tpbpf does not load beside the ones it
# does, sections that name no type, the older map definitions (16-byte
# samples defs, gobpf's maps/NAME), no license. Each object's counts must
# be exactly what the test's own system calls caused.
source "$(dirname "$0")/lib.sh"

N=300

map_value() { # file map key
	awk -v m="$2" -v k="$3" '
		/^map / { inmap = ($2 == m) }
		inmap && $1 == k ":" { print $2; exit }' "$1"
}

# syscall_loop_wait NAME N: started, waiting on fd 4; its pid in HP.
start_waiting_caller() { # getppid|getpgid
	mkfifo "$T/go" && exec 4<> "$T/go" || fail "no fifo"
	"$HELPERS/syscall_loop_wait" "$1" $N <&4 > "$T/pid" &
	HP=$!
	echo "$HP" >> "$T/.pids"
	wait_for "$T/pid" '[0-9]' 5 || fail "helper did not start"
}
run_calls() { echo go >&4; wait "$HP"; }

t_other_programs_skipped_with_warnings() {
	start_waiting_caller getppid
	start_tpbpf load "$TEST_BPF/mixed_sections.bpf.o" -p "$HP" --dump-maps
	run_calls
	stop_tpbpf
	cat "$T/err"
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC"
	[ "$(grep -c '^tpbpf: warning: program ' "$T/err")" -eq 4 ] || fail "want 4 warnings, one per skipped program"
	grep -q 'program on_nanosleep (section kprobe/do_nanosleep) not loaded: a kprobe' "$T/err" || fail "kprobe warning"
	grep -q 'program on_switch_btf (section tp_btf/sched_switch) not loaded: .*needs the kernel.s BTF.*use raw_tp/' "$T/err" || fail "tp_btf warning"
	grep -q 'program pass_all (section xdp) not loaded: an XDP program' "$T/err" || fail "xdp warning"
	grep -q 'program on_custom (section handler) not loaded: .*--attach PROG=CATEGORY/NAME' "$T/err" || fail "custom warning"
	grep -q 'attached 2 programs to 2 tracepoints' "$T/err" || fail "not the two tracepoint programs"
	[ "$(map_value "$T/out" counts 1)" = $N ] || fail "counts[1] (tracepoint) = $(map_value "$T/out" counts 1), want $N"
	[ "$(map_value "$T/out" counts 2)" = $N ] || fail "counts[2] (raw tracepoint) = $(map_value "$T/out" counts 2), want $N"
}

t_program_option_selects() {
	"$TPBPF" load "$TEST_BPF/mixed_sections.bpf.o" --program on_getppid -d 1 > "$T/out" 2> "$T/err" ||
		fail "exit $?: $(cat "$T/err")"
	grep -q 'warning' "$T/err" && fail "warnings for programs not asked for: $(cat "$T/err")"
	grep -q 'attached 1 program to 1 tracepoint' "$T/err" || fail "$(cat "$T/err")"
	"$TPBPF" load "$TEST_BPF/mixed_sections.bpf.o" --program on_switch_btf -d 1 > "$T/out" 2> "$T/err"
	[ $? -eq 1 ] || fail "tp_btf program asked for: want exit 1"
	grep -q '^tpbpf: error: .*on_switch_btf.*use raw_tp/' "$T/err" || fail "$(cat "$T/err")"
	"$TPBPF" load "$TEST_BPF/mixed_sections.bpf.o" --program nope -d 1 > "$T/out" 2> "$T/err"
	[ $? -eq 1 ] || fail "unknown program: want exit 1"
	grep -q 'no program of that name' "$T/err" || fail "$(cat "$T/err")"
}

# A section that names no type is a tracepoint program once --attach says where.
t_custom_section_attached() {
	start_waiting_caller getpgid
	start_tpbpf load "$TEST_BPF/mixed_sections.bpf.o" -p "$HP" --dump-maps \
		--program on_custom --attach on_custom=syscalls/sys_enter_getpgid
	run_calls
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	[ "$(map_value "$T/out" counts 3)" = $N ] || fail "counts[3] = $(map_value "$T/out" counts 3), want $N"
}

t_legacy_map_definitions() {
	start_tpbpf load "$TEST_BPF/legacy_maps.bpf.o" --dump-maps
	local pid
	pid=$("$HELPERS/syscall_loop" getppid $N)
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	[ "$(map_value "$T/out" samples_counts "$pid")" = $N ] || fail "16-byte def: $(map_value "$T/out" samples_counts "$pid")"
	[ "$(map_value "$T/out" gobpf_counts "$pid")" = $N ] || fail "gobpf maps/NAME: $(map_value "$T/out" gobpf_counts "$pid")"
	[ "$(map_value "$T/out" samples_other 0)" -ge $N ] || fail "second 16-byte def"
	grep -q '^tpbpf: warning: legacy_maps.bpf.o: section maps_unused looks like map definitions' "$T/err" ||
		fail "the unread map section is not named: $(cat "$T/err")"
}

t_no_license() {
	start_tpbpf load "$TEST_BPF/no_license.bpf.o" --dump-maps
	local pid
	pid=$("$HELPERS/syscall_loop" getppid $N)
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	[ "$(map_value "$T/out" counts "$pid")" = $N ] || fail "counts[$pid] = $(map_value "$T/out" counts "$pid")"
	# A GPL-only helper without a license: refused, and said why.
	local clang=${CLANG:-$(command -v clang || command -v clang-14)}
	[ -n "$clang" ] || return 0
	"$clang" -target bpf -O2 -I"$ROOT/include" -I/usr/include/"$(gcc -print-multiarch)" \
		-DCALL_GPL_HELPER -c "$ROOT/tests/bpf/no_license.bpf.c" -o "$T/gpl.o" || fail "cannot compile the variant"
	"$TPBPF" load "$T/gpl.o" -d 1 > "$T/out" 2> "$T/err"
	[ $? -eq 1 ] || fail "GPL-only helper without a license: want exit 1"
	grep -q "^tpbpf: error: .*GPL-compatible.*license is missing.*SEC(\"license\")" "$T/err" ||
		fail "unclear: $(cat "$T/err")"
}

# const volatile settings, as skeleton users write rodata->x: --set, folded
# into constants on kernels without global data (the forced pass).
t_rodata_settings() {
	start_waiting_caller getppid
	start_tpbpf load "$TEST_BPF/rodata_settings.bpf.o" --dump-maps --set targ_tgid="$HP" \
		--set scale=3 --set tag=hello
	run_calls
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	[ "$(map_value "$T/out" counts 0)" = $((3 * N)) ] || fail "counts[0] = $(map_value "$T/out" counts 0), want $((3 * N))"
	[ "$(map_value "$T/out" counts 1)" = 104 ] || fail "tag[0] = $(map_value "$T/out" counts 1), want 104 ('h')"
	# Values that do not fit, unknown names: usage errors, nothing loaded.
	"$TPBPF" load "$TEST_BPF/rodata_settings.bpf.o" --set targ_tgid=0x100000000 -d 1 > /dev/null 2> "$T/e1"
	[ $? -eq 2 ] || fail "a value too big for a u32: want exit 2"
	grep -q 'not a number that fits the 4 bytes of targ_tgid' "$T/e1" || fail "$(cat "$T/e1")"
	"$TPBPF" load "$TEST_BPF/rodata_settings.bpf.o" --set tag=toolongtext -d 1 > /dev/null 2> "$T/e2"
	[ $? -eq 2 ] || fail "a string too long: want exit 2"
	"$TPBPF" load "$TEST_BPF/rodata_settings.bpf.o" --set nope=1 -d 1 > /dev/null 2> "$T/e3"
	[ $? -eq 1 ] || fail "unknown variable: want exit 1"
	grep -q 'no global variable nope' "$T/e3" || fail "$(cat "$T/e3")"
}

# bpf_printk() lines beside the events: this run's only, each one whole.
t_printk_trace_pipe() {
	if ! feature_present global_data; then
		"$TPBPF" load "$TEST_BPF/printk.bpf.o" --trace-pipe -d 1 > "$T/out" 2> "$T/err"
		[ $? -eq 1 ] || fail "without global data: want exit 1"
		grep -q 'section .bss, variable calls.*5.2' "$T/err" || fail "$(cat "$T/err")"
		return
	fi
	# A few lines only: the kernel's trace buffer may be a few KiB per CPU.
	local N=20 n
	start_waiting_caller getppid
	start_tpbpf load "$TEST_BPF/printk.bpf.o" --trace-pipe --set targ_tgid="$HP"
	run_calls
	sleep 0.3
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "exit $TPBPF_RC: $(cat "$T/err")"
	n=$(grep -c "^trace_pipe: .*tpbpf-printk pid $HP call [0-9]*\$" "$T/out")
	[ "$n" = $N ] || fail "$n printk lines of pid $HP, want $N: $(head -3 "$T/out")"
	grep -q "tpbpf-printk pid $HP call $N\$" "$T/out" || fail "no line of the last call"
}

run_test rodata_settings t_rodata_settings root
run_test printk_trace_pipe t_printk_trace_pipe root
run_test other_programs_skipped_with_warnings t_other_programs_skipped_with_warnings root
run_test program_option_selects t_program_option_selects root
run_test custom_section_attached t_custom_section_attached root
run_test legacy_map_definitions t_legacy_map_definitions root
run_test no_license t_no_license root

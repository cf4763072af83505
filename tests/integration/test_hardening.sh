#!/usr/bin/env bash
# Hardening: whatever way tpbpf ends, nothing of it stays in the kernel;
# loss is counted, never silent; bad input gets one clear error line and
# exit status 1 (2 for usage errors), never a signal; bytes from the kernel
# cannot drive the terminal or forge output lines.
source "$(dirname "$0")/lib.sh"

# These tests know their kernel objects by name: in the forced-fallback run
# keep names (every other fallback stays forced).
if [ -n "${TPBPF_FORCE_ABSENT:-}" ]; then
	export TPBPF_FORCE_ABSENT=probe_read_kernel,probe_read_user,probe_read_kernel_str,probe_read_user_str,global_data,memcg_accounting,perf_link_cookie
fi

# Objects named by REGEX that appeared since $T/before and are still there,
# after waiting up to 2 s: the kernel frees them a little after the last fd.
left_since_before() { # regex
	local left i
	for ((i = 0; i < 20; i++)); do
		left=$(comm -13 "$T/before" <(kernel_bpf_ids) | grep -E "$1")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo $left
}

GETPPID=syscalls:sys_enter_getppid

# Number of perf event fds process PID holds.
perf_fds() { # pid
	local n=0 f
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = 'anon_inode:[perf_event]' ] && n=$((n + 1))
	done
	echo $n
}

# Names of the BPF objects of `tpbpf tracepoint`, and of counter_tp.bpf.o.
TP_NAMES=' (tp_record|tp_syscall|tp_info|scratch|events|drops)$'
LOAD_NAMES=' (count_getppid|counts)$'

# While tpbpf runs: remember the BPF objects it made ($T/ours: new since
# BEFORE and named NAMES, as other tests may run at the same time) and check
# it holds perf events. Call right after start_tpbpf.
note_ours() { # before-ids-file names-regex
	# The perf events first: listing the kernel's BPF objects can take
	# seconds in an emulated guest, longer than a short -d run lasts.
	local n
	n=$(perf_fds "$TPBPF_PID")
	[ -d /proc/"$TPBPF_PID" ] || fail "tpbpf ended before the test could look at it: $(tail -c 300 "$T/err")"
	[ "$n" -ge 1 ] || fail "tpbpf holds no perf event while attached"
	echo "$n" > "$T/perf_fds"
	kernel_bpf_ids > "$T/during"
	comm -13 "$1" "$T/during" | grep -E "$2" > "$T/ours"
	[ -s "$T/ours" ] || fail "no BPF program or map appeared while tpbpf ran"
	grep -q '^prog ' "$T/ours" || fail "no BPF program of ours while tpbpf ran: $(cat "$T/ours")"
}

# After tpbpf ended: none of $T/ours, no perf event fd, no process.
check_gone() {
	local left i
	for ((i = 0; i < 20; i++)); do
		left=$(comm -12 "$T/ours" <(kernel_bpf_ids))
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "left in the kernel after tpbpf ended: $(echo $left)"
	[ -d /proc/"$TPBPF_PID" ] && fail "tpbpf process $TPBPF_PID still exists"
	[ "$(perf_fds "$TPBPF_PID")" -eq 0 ] || fail "perf event fds remain"
	grep -q 'detached' "$T/err" || fail "no 'detached' line: $(tail -c 300 "$T/err")"
	return 0
}

# The end of a normal run: exit status 0, a summary, nothing left.
check_clean_exit() { # rc
	[ "$1" -lt 128 ] || fail "tpbpf died of signal $(($1 - 128))"
	[ "$1" -eq 0 ] || fail "tpbpf exited $1: $(tail -c 300 "$T/err")"
	grep -qE '[0-9]+ events, [0-9]+ lost' "$T/err" || fail "no summary line: $(tail -c 300 "$T/err")"
	check_gone
}

# ---- teardown after each kind of exit --------------------------------------

t_teardown_duration() {
	kernel_bpf_ids > "$T/before"
	start_tpbpf tracepoint $GETPPID -d 4
	note_ours "$T/before" "$TP_NAMES"
	wait "$TPBPF_PID"
	check_clean_exit $?
}

t_teardown_count() {
	local pid
	mkfifo "$T/go"
	"$HELPERS/syscall_loop_wait" getppid 100 < "$T/go" > "$T/helper" &
	exec 7> "$T/go"
	wait_for "$T/helper" '^[0-9]+$' 10 || fail "helper did not start"
	pid=$(head -n 1 "$T/helper")
	kernel_bpf_ids > "$T/before"
	start_tpbpf tracepoint $GETPPID -c 5 -p "$pid"
	note_ours "$T/before" "$TP_NAMES"
	echo go >&7
	exec 7>&-
	timeout 10 tail --pid="$TPBPF_PID" -f /dev/null || fail "tpbpf -c 5 did not end after 100 events"
	wait "$TPBPF_PID"
	check_clean_exit $?
	local n
	n=$(grep -c 'sys_enter_getppid:' "$T/out")
	[ "$n" -eq 5 ] || fail "-c 5 printed $n events"
}

teardown_by_signal() { # signal...
	kernel_bpf_ids > "$T/before"
	start_tpbpf tracepoint $GETPPID
	note_ours "$T/before" "$TP_NAMES"
	local sig
	for sig in "$@"; do kill -"$sig" "$TPBPF_PID"; done
	wait "$TPBPF_PID"
	check_clean_exit $?
}

t_teardown_sigint() { teardown_by_signal INT; }
t_teardown_sigterm() { teardown_by_signal TERM; }
# A second Ctrl-C during teardown must not cut it short.
t_teardown_double_sigint() { teardown_by_signal INT INT; }

t_teardown_double_sigint_load() {
	kernel_bpf_ids > "$T/before"
	start_tpbpf load "$TEST_BPF/counter_tp.bpf.o" --dump-maps
	note_ours "$T/before" "$LOAD_NAMES"
	kill -INT "$TPBPF_PID"; kill -INT "$TPBPF_PID"
	wait "$TPBPF_PID"
	local rc=$?
	[ $rc -eq 0 ] || fail "tpbpf load exited $rc after two SIGINTs"
	check_gone
}

# The verifier refuses the second program: the first, already loaded, and
# the map must go too. (run_test also compares every ID before and after.)
t_teardown_verifier_reject() {
	kernel_bpf_ids > "$T/before"
	"$TPBPF" load "$TEST_BPF/verifier_reject.bpf.o" > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: .*bad_prog' "$T/err" || fail "no error line naming bad_prog: $(tail -c 300 "$T/err")"
	local left
	left=$(left_since_before ' (good_prog|bad_prog|values)$')
	[ -z "$left" ] || fail "left after the rejection: $left"
}

# Both load; attaching the second fails after the first is attached.
t_teardown_attach_failure() {
	kernel_bpf_ids > "$T/before"
	"$TPBPF" load "$TEST_BPF/attach_fail.bpf.o" -d 5 > "$T/out" 2> "$T/err" &
	TPBPF_PID=$!
	wait "$TPBPF_PID"
	local rc=$? left
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "want one stderr line: $(cat "$T/err")"
	grep -q '^tpbpf: error: .*sys_enter_no_such_call' "$T/err" || fail "error does not name the tracepoint: $(cat "$T/err")"
	left=$(left_since_before ' (good_attach|bad_attach|hits)$')
	[ -z "$left" ] || fail "left after the attach failure: $left"
	# With -v: the first program was attached, then detached.
	"$TPBPF" -v load "$TEST_BPF/attach_fail.bpf.o" -d 5 > "$T/out" 2> "$T/err"
	[ $? -eq 1 ] || fail "-v: exit status is not 1"
	grep -q 'PERF_EVENT_IOC_ENABLE' "$T/err" || fail "-v: good_attach was never attached: $(tail -c 400 "$T/err")"
	grep -q 'detach good_attach' "$T/err" || fail "-v: good_attach was not detached: $(tail -c 400 "$T/err")"
	left=$(left_since_before ' (good_attach|bad_attach|hits)$')
	[ -z "$left" ] || fail "left after the attach failure (-v): $left"
}

# ---- loss is never silent ----------------------------------------------------

# 200000 getppid calls into a 1-page ring: every event is either printed or
# counted lost, and the flood must really overflow the ring.
t_loss_is_counted() {
	local n=200000 pid got lost printed
	mkfifo "$T/go"
	"$HELPERS/syscall_loop_wait" getppid $n < "$T/go" > "$T/helper" &
	local helper=$!
	exec 7> "$T/go"
	wait_for "$T/helper" '^[0-9]+$' 10 || fail "helper did not start"
	pid=$(head -n 1 "$T/helper")
	start_tpbpf tracepoint $GETPPID -p "$pid" --ring-pages 1
	echo go >&7
	exec 7>&-
	wait $helper || fail "helper failed"
	sleep 0.3
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC"
	read -r got lost < <(sed -n 's/.*: \([0-9]*\) events, \([0-9]*\) lost$/\1 \2/p' "$T/err")
	[ -n "$got" ] || fail "no summary: $(cat "$T/err")"
	printed=$(grep -c " $pid $GETPPID:" "$T/out")
	echo "events $got lost $lost printed $printed (of $n)"
	[ "$printed" -eq "$got" ] || fail "summary says $got events, $printed printed"
	[ "$lost" -gt 0 ] || fail "nothing lost: the 1-page ring did not overflow ($got events)"
	[ $((got + lost)) -eq $n ] || fail "$got events + $lost lost = $((got + lost)), want exactly $n"
}

# ---- bad input: one clear line, exit 1 (2 for usage), never a signal -------

# Run tpbpf ARGS...: exit status WANT, stderr's last line "tpbpf: error: ..."
# (or "tpbpf: usage error: ..." for WANT 2), and only one such line.
expect_fail() { # want args...
	local want=$1 rc
	shift
	timeout 30 "$TPBPF" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	[ $rc -lt 124 ] || fail "tpbpf $*: killed or died (exit $rc): $(head -c 300 "$T/err")"
	[ $rc -eq "$want" ] || fail "tpbpf $*: exit $rc, want $want: $(head -c 300 "$T/err")"
	local re='^tpbpf: error: '
	[ "$want" -eq 2 ] && re='^tpbpf: usage error: '
	[ "$(grep -c "$re" "$T/err")" -eq 1 ] || fail "tpbpf $*: want one '$re' line: $(head -c 400 "$T/err")"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "tpbpf $*: more than one stderr line: $(head -c 400 "$T/err")"
	[ "$(tail -c 1 "$T/err" | od -An -c | tr -d ' ')" = '\n' ] || fail "tpbpf $*: stderr does not end a line"
	return 0
}
# ...and the error names what: grep -E PATTERN on it.
error_says() { grep -qE "$1" "$T/err" || fail "error does not say '$1': $(cat "$T/err")"; }

t_bad_elf_files() {
	local o=$TEST_BPF/counter_tp.bpf.o
	head -c 1000 "$o" > "$T/truncated.o"
	expect_fail 1 load "$T/truncated.o"; error_says 'truncated.o'
	head -c 40 "$o" > "$T/header-only.o"
	expect_fail 1 load "$T/header-only.o"
	# Corrupt: the section header table overwritten with 0xff.
	python3 - "$o" "$T/corrupt.o" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
shoff, = struct.unpack_from('<Q', b, 0x28)
b[shoff + 64:] = b'\xff' * (len(b) - shoff - 64)
open(sys.argv[2], 'wb').write(b)
EOF
	expect_fail 1 load "$T/corrupt.o"
	# An ELF file, but for x86-64.
	cp /bin/true "$T/x86.o"
	expect_fail 1 load "$T/x86.o"; error_says 'not BPF|relocatable'
	echo 'not an ELF file' > "$T/text.o"
	expect_fail 1 load "$T/text.o"; error_says 'ELF'
	: > "$T/empty.o"
	expect_fail 1 load "$T/empty.o"
	expect_fail 1 load "$T/does-not-exist.o"
	expect_fail 1 load "$T"
}

t_object_without_programs() {
	expect_fail 1 load "$TEST_BPF/no_programs.bpf.o"; error_says 'no program'
}

t_impossible_map_size() {
	expect_fail 1 load "$TEST_BPF/huge_map.bpf.o"; error_says 'map huge: BPF_MAP_CREATE'
}

t_duplicate_section_names() {
	# Two program sections of one name.
	python3 "$ROOT/tests/helpers/elf_edit.py" rename-section "$TEST_BPF/attach_fail.bpf.o" "$T/dup.o" \
		tracepoint/syscalls/sys_enter_no_such_call tracepoint/syscalls/sys_enter_getppid ||
		fail "could not craft the object"
	expect_fail 1 load "$T/dup.o"; error_says 'both named tracepoint/syscalls/sys_enter_getppid'
	# The license section renamed "maps": two sections "maps".
	python3 "$ROOT/tests/helpers/elf_edit.py" rename-section "$TEST_BPF/counter_tp.bpf.o" "$T/dup2.o" license maps ||
		fail "could not craft the object"
	expect_fail 1 load "$T/dup2.o"; error_says 'both named maps'
}

t_relocation_past_section_end() {
	local sec=tracepoint/syscalls/sys_enter_getppid off
	for off in 0x100000 0xfffffffffffffff8 3; do
		python3 "$ROOT/tests/helpers/elf_edit.py" reloc-offset "$TEST_BPF/counter_tp.bpf.o" "$T/rel.o" $sec $off ||
			fail "could not craft the object"
		expect_fail 1 load "$T/rel.o"; error_says 'relocation 0 of .* outside the section'
	done
}

# A tracefs tree with a malformed id and a malformed format.
t_bad_tracefs_files() {
	cp -r "$ROOT/tests/fixtures/tracefs" "$T/tracefs"
	mkdir -p "$T/tracefs/events/bad/bad_format"
	echo 4242 > "$T/tracefs/events/bad/bad_format/id"
	printf 'name: bad_format\nID: 4242\nformat:\n\tfield:int x;\toffset:99999999;\tsize:4;\tsigned:1;\n' \
		> "$T/tracefs/events/bad/bad_format/format"
	local e
	for e in bad_id big_id empty_id signed_id; do
		expect_fail 1 --tracefs "$T/tracefs" format bad $e; error_says "malformed event ID"
		expect_fail 1 --tracefs "$T/tracefs" tracepoint bad $e -d 1
	done
	expect_fail 1 --tracefs "$T/tracefs" format bad no_id; error_says 'not found'
	expect_fail 1 --tracefs "$T/tracefs" format bad bad_format; error_says 'format line 4'
	expect_fail 1 --tracefs "$T/tracefs" tracepoint bad:bad_format -d 1; error_says 'format line 4'
	expect_fail 1 --tracefs "$T/nonexistent" list; error_says 'not a tracefs root'
}

# tracefs unmounted (in a private mount namespace): --tracefs to nowhere
# fails clearly; without it, tpbpf mounts tracefs itself and goes on.
t_unmounted_tracefs() {
	command -v unshare > /dev/null || skip "no unshare"
	unshare -m --propagation private bash -c '
		umount /sys/kernel/tracing 2> /dev/null
		umount /sys/kernel/debug/tracing 2> /dev/null
		umount /sys/kernel/debug 2> /dev/null
		if grep -q " tracefs " /proc/self/mountinfo; then echo STILL-MOUNTED; exit 3; fi
		"$1" --tracefs /nonexistent list > "$2/out1" 2> "$2/err1"; echo "rc1 $?"
		"$1" list > "$2/out2" 2> "$2/err2"; echo "rc2 $?"
		grep -c " tracefs " /proc/self/mountinfo | sed "s/^/mounts /"
	' _ "$TPBPF" "$T" > "$T/ns" 2>&1
	grep -q STILL-MOUNTED "$T/ns" && skip "cannot unmount tracefs in a mount namespace"
	grep -q '^rc1 1$' "$T/ns" || fail "--tracefs /nonexistent: $(cat "$T/ns" "$T/err1")"
	grep -q '^tpbpf: error: .*/nonexistent' "$T/err1" || fail "no clear error: $(cat "$T/err1")"
	grep -q '^rc2 0$' "$T/ns" || fail "plain list did not mount tracefs: $(cat "$T/ns" "$T/err2")"
	grep -q '^sched:sched_switch$' "$T/out2" || fail "list after mounting lacks sched:sched_switch"
	grep -q '^mounts 1$' "$T/ns" || fail "tracefs not mounted by tpbpf in the namespace: $(cat "$T/ns")"
	# ...and the host's tracefs is untouched.
	grep -q ' tracefs ' /proc/self/mountinfo || fail "the host lost its tracefs mount"
}

t_bad_names() {
	local long
	long=$(head -c 10240 /dev/zero | tr '\0' a)
	expect_fail 1 format .. sched_switch; error_says 'invalid tracepoint name'
	expect_fail 1 format sched ..; error_says 'invalid tracepoint name'
	expect_fail 1 format sched/../.. sched_switch
	expect_fail 1 tracepoint ../sched:sched_switch -d 1
	expect_fail 1 tracepoint 'sched/sched_switch/../../x' -d 1
	expect_fail 1 tracepoint sched 'sched_switch/../../../../etc' -d 1
	expect_fail 1 format "$long" sched_switch; error_says 'invalid tracepoint name|too long'
	expect_fail 1 tracepoint sched "$long" -d 1
	expect_fail 1 tracepoint -e "$long:$long" -d 1
	[ "$(wc -c < "$T/err")" -lt 2000 ] || fail "the error repeats the 10 KB name: $(wc -c < "$T/err") bytes"
	expect_fail 1 format 'sched' $'sched_switch\e[31m'
	grep -q $'\e' "$T/err" && fail "raw ESC in the error line"
	return 0
}

t_bad_options() {
	expect_fail 2 tracepoint $GETPPID -d -1
	expect_fail 2 tracepoint $GETPPID -d 1x
	expect_fail 2 tracepoint $GETPPID -c 0
	expect_fail 2 tracepoint $GETPPID -c -5
	expect_fail 2 tracepoint $GETPPID -p 0
	expect_fail 2 tracepoint $GETPPID --ring-pages 3
	expect_fail 2 load -d -1 "$TEST_BPF/counter_tp.bpf.o"
	# A pid that does not exist (past pid_max, and a free one below it).
	expect_fail 1 tracepoint $GETPPID -p 2147483647 -d 1; error_says 'no process'
	local free=$(($(cat /proc/sys/kernel/pid_max) - 1))
	while [ -d /proc/$free ]; do free=$((free - 1)); done
	expect_fail 1 tracepoint $GETPPID -p $free -d 1; error_says "no process with pid $free"
}

t_without_privileges() {
	command -v setpriv > /dev/null || skip "no setpriv"
	local nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
	"${nobody[@]}" true 2> /dev/null || nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	TPBPF_WRAP=("${nobody[@]}")
	expect_fail_wrapped 1 tracepoint $GETPPID -d 1
	error_says 'not readable|not permitted|root'
	# A copy the unprivileged user can read, wherever the tree was cloned.
	chmod 755 "$T"
	cp "$TEST_BPF/counter_tp.bpf.o" "$T/"
	chmod 644 "$T/counter_tp.bpf.o"
	expect_fail_wrapped 1 load "$T/counter_tp.bpf.o" -d 1
	error_says 'not permitted|root'
	expect_fail_wrapped 1 list
	command -v capsh > /dev/null || skip "no capsh (the setpriv part passed)"
	local c
	# Drop the capabilities that grant BPF on this kernel: CAP_SYS_ADMIN, and
	# CAP_PERFMON (38) and CAP_BPF (39) where the kernel knows them (5.8);
	# capsh refuses to drop one the kernel does not have.
	local last drop=cap_sys_admin
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$last" -ge 38 ] && drop=$drop,cap_perfmon
	[ "$last" -ge 39 ] && drop=$drop,cap_bpf
	for c in "tracepoint $GETPPID -d 1" "load $TEST_BPF/counter_tp.bpf.o -d 1"; do
		capsh --drop=$drop -- -c "exec $TPBPF $c" > "$T/out" 2> "$T/err"
		local rc=$?
		[ $rc -eq 1 ] || fail "root without $drop: $c: exit $rc: $(cat "$T/err")"
		[ "$(wc -l < "$T/err")" -eq 1 ] || fail "want one line: $(cat "$T/err")"
		error_says '^tpbpf: error: .*not permitted'
	done
}

# expect_fail with a command in front of tpbpf (setpriv ...).
expect_fail_wrapped() { # want args...
	local want=$1 rc
	shift
	timeout 30 "${TPBPF_WRAP[@]}" "$TPBPF" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	[ $rc -eq "$want" ] || fail "${TPBPF_WRAP[*]} tpbpf $*: exit $rc, want $want: $(head -c 300 "$T/err")"
	[ "$(wc -l < "$T/err")" -eq 1 ] && grep -q '^tpbpf: error: ' "$T/err" ||
		fail "${TPBPF_WRAP[*]} tpbpf $*: want one 'tpbpf: error:' line: $(head -c 400 "$T/err")"
}

# ---- bytes from the kernel: a file name with a newline and ESC ------------

t_file_name_escaped() {
	local name pid
	name=$T/$'evil\n\e[31mred'
	: > "$name"
	mkfifo "$T/go"
	"$HELPERS/open_path" -w "$T/go" "$name" > "$T/helper" &
	local helper=$!
	wait_for "$T/helper" '^[0-9]+$' 10 || fail "helper did not start"
	pid=$(head -n 1 "$T/helper")
	start_tpbpf tracepoint syscalls:sys_enter_openat -p "$pid"
	timeout 10 sh -c 'echo go > "$1"' _ "$T/go" || fail "helper never read its fifo"
	wait $helper || fail "helper failed"
	sleep 0.3
	stop_tpbpf
	grep -q $'\e' "$T/out" && fail "raw ESC byte in the output"
	# One line holds the whole name, escaped.
	grep -qF "evil\\n\\x1b[31mred\"" "$T/out" ||
		fail "no line with the escaped name: $(grep "$pid" "$T/out" | head -c 400)"
	grep -q '^[0-9]*\.[0-9]* ' <(grep -F 'evil\n' "$T/out") || fail "the name's line does not start as an event line"
	# No line starts with what followed the newline (a forged line).
	grep -q '^.\[31mred\|^red' "$T/out" && fail "the name's newline split the line"
	return 0
}

t_file_name_json() {
	local name pid
	name=$T/$'evil\n\e[31mred\t"q"\\'
	: > "$name"
	mkfifo "$T/go"
	"$HELPERS/open_path" -w "$T/go" "$name" > "$T/helper" &
	local helper=$!
	wait_for "$T/helper" '^[0-9]+$' 10 || fail "helper did not start"
	pid=$(head -n 1 "$T/helper")
	start_tpbpf tracepoint syscalls:sys_enter_openat -p "$pid" --json
	timeout 10 sh -c 'echo go > "$1"' _ "$T/go" || fail "helper never read its fifo"
	wait $helper || fail "helper failed"
	sleep 0.3
	stop_tpbpf
	grep -q $'\e' "$T/out" && fail "raw ESC byte in the JSON output"
	WANT=$name python3 - "$T/out" <<'EOF' || fail "JSON does not give back the name: $(head -c 600 "$T/out")"
import json, os, sys
want = os.environ["WANT"]
found = False
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if o["fields"].get("filename") == want:
        found = True
sys.exit(0 if found else 1)
EOF
}

run_test teardown_after_duration t_teardown_duration root
run_test teardown_after_count t_teardown_count root
run_test teardown_after_sigint t_teardown_sigint root
run_test teardown_after_sigterm t_teardown_sigterm root
run_test teardown_after_two_sigints t_teardown_double_sigint root
run_test teardown_load_after_two_sigints t_teardown_double_sigint_load root
run_test teardown_after_verifier_rejection t_teardown_verifier_reject root
run_test teardown_after_attach_failure t_teardown_attach_failure root
run_test loss_is_counted_exactly t_loss_is_counted root
run_test bad_elf_files t_bad_elf_files root
run_test object_without_programs t_object_without_programs root
run_test impossible_map_size t_impossible_map_size root
run_test duplicate_section_names t_duplicate_section_names root
run_test relocation_past_section_end t_relocation_past_section_end root
run_test bad_tracefs_files t_bad_tracefs_files root
run_test unmounted_tracefs t_unmounted_tracefs root
run_test bad_tracepoint_names t_bad_names root
run_test bad_options t_bad_options root
run_test without_privileges t_without_privileges root
run_test file_name_escaped t_file_name_escaped root
run_test file_name_json t_file_name_json root

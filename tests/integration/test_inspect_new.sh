#!/usr/bin/env bash
# tpbpf inspect (without loading), tpbpf new (a project that builds and
# shows events at once) and the bash completion.
source "$(dirname "$0")/lib.sh"

TRACEFS=/sys/kernel/tracing
[ -d $TRACEFS/events ] || TRACEFS=/sys/kernel/debug/tracing

# ---- inspect --------------------------------------------------------------

# The constants shown are tracefs's: the event ID and the field offset.
t_inspect_constants_match_tracefs() {
	local id off
	"$TPBPF" inspect "$TEST_BPF/load_consts.bpf.o" > out 2> err || fail "inspect failed: $(cat err)"
	id=$(cat $TRACEFS/events/sched/sched_switch/id)
	off=$(sed -n 's/.*field:pid_t next_pid;.*offset:\([0-9]*\);.*/\1/p' \
		$TRACEFS/events/sched/sched_switch/format)
	grep -q "TP_ID sched:sched_switch = $id\$" out || fail "no 'TP_ID sched:sched_switch = $id' in: $(grep TP_ID out)"
	grep -q "TP_FIELD_OFF sched:sched_switch next_pid = $off\$" out ||
		fail "no next_pid offset $off in: $(grep TP_FIELD_OFF out)"
	grep -q 'TPBPF_CONST magic: unresolved' out || fail "magic not shown unresolved"
	grep -q '^rewrites on this kernel: none' out || fail "no rewrites line"
	grep -q '^oldest kernel: 4.7' out || fail "oldest kernel: $(grep oldest out)"
}

t_inspect_json_parses() {
	"$TPBPF" inspect --json "$TEST_BPF/subprog_globals.bpf.o" > out || fail "inspect --json failed"
	python3 - out <<'PY' || fail "bad JSON: $(head -c 300 out)"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["programs"][0]
assert [s["name"] for s in p["subprograms"]] == ["count_call", "bump"], p
assert d["min_kernel"] == "5.2", d["min_kernel"]
assert {r["kind"] for r in d["relocations"]} == {"call", "map_fd", "map_value"}
assert len(d["global_data"]) == 3
PY
	"$TPBPF" inspect --json --disasm --const magic=1 "$TEST_BPF/load_consts.bpf.o" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["programs"][0]["disasm"]' ||
		fail "inspect --json --disasm does not parse"
}

t_inspect_disasm_is_llvm() {
	command -v llvm-mc > /dev/null || command -v llvm-mc-14 > /dev/null || skip "no llvm-mc"
	"$TPBPF" inspect --disasm "$TEST_BPF/subprog_globals.bpf.o" > out || fail "inspect --disasm failed"
	grep -qE '^ +[0-9]+: r1 = ' out || fail "no 'r1 = ' line: $(sed -n '/disassembly/,$p' out | head)"
	grep -qE 'r1 = 0 ll +; map counts' out || fail "no map annotation"
	grep -qE '; map \.bss value \+ 0' out || fail "no global data annotation"
	grep -q 'not decoded' out && fail "llvm-mc skipped instructions: $(grep 'not decoded' out | head -3)"
	# with the constant given, the program relocates and shows the ID
	"$TPBPF" inspect --disasm --const magic=41 "$TEST_BPF/load_consts.bpf.o" > out2 ||
		fail "inspect --disasm load_consts failed"
	grep -qE "= $(cat $TRACEFS/events/sched/sched_switch/id) ll +; TP_ID sched:sched_switch" out2 ||
		fail "no relocated TP_ID: $(grep TP_ID out2)"
}

# No privileges: an object without constants inspects fully as nobody.
t_inspect_as_nobody() {
	command -v setpriv > /dev/null || skip "no setpriv"
	cp "$TEST_BPF/subprog_globals.bpf.o" "$TEST_BPF/load_consts.bpf.o" . && chmod 755 . && chmod 644 *.o
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TPBPF" inspect subprog_globals.bpf.o > out 2> err ||
		fail "inspect as nobody failed: $(cat err)"
	grep -q '^oldest kernel: 5.2' out || fail "as nobody: $(grep oldest out)"
	# constants: shown unresolved (or resolved, if tracefs is world-readable)
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TPBPF" inspect load_consts.bpf.o > out 2> err ||
		fail "inspect load_consts as nobody failed: $(cat err)"
	grep -qE 'TP_ID sched:sched_switch( = [0-9]+|: unresolved: .+)$' out ||
		fail "TP_ID neither resolved nor unresolved with a reason: $(grep TP_ID out)"
}

# ---- new ------------------------------------------------------------------

# Generate, build, load; EVENT_CMD makes events; the output must show them.
new_project() { # project cat name
	command -v clang > /dev/null || command -v clang-14 > /dev/null ||
		skip "no clang here to build the generated project"
	"$TPBPF" new "$1" "$2" "$3" --dir "$T" > new.out || fail "tpbpf new failed"
	[ -f "$T/$1/$1.bpf.c" ] && [ -f "$T/$1/tp_$2_$3.h" ] && [ -f "$T/$1/README.md" ] ||
		fail "missing files: $(ls "$T/$1")"
	make -C "$T/$1" > make.out 2>&1 || fail "make failed: $(tail -5 make.out)"
	grep -q "\-I$ROOT/include" make.out || fail "not built against $ROOT/include: $(cat make.out)"
}

t_new_openat_prints_events() {
	new_project opn syscalls sys_enter_openat
	start_tpbpf load "$T/opn/opn.bpf.o"
	mkdir -p "$T/dir" && touch "$T/dir/tpbpf-new-marker"
	"$HELPERS/open_path" "$T/dir/tpbpf-new-marker" > /dev/null
	wait_for "$T/out" 'tpbpf-new-marker' 5 || { stop_tpbpf; fail "the opened path is not in the events: $(head -c 300 "$T/out")"; }
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf load exited $TPBPF_RC"
	grep -qE '^cpu [0-9]+ size [0-9]+: ' "$T/out" || fail "no event lines"
	grep -qE 'events, 0 lost' "$T/err" || grep -q 'events' "$T/err" || fail "no events summary"
}

t_new_sched_switch_prints_events() {
	new_project sw sched sched_switch
	start_tpbpf load "$T/sw/sw.bpf.o"
	wait_for "$T/out" '^cpu [0-9]+ size' 5 || { stop_tpbpf; fail "no sched_switch events"; }
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf load exited $TPBPF_RC"
	grep -q 'prev_pid' "$T/sw/sw.bpf.c" || fail "prev_pid not read"
	grep -q 'TP_READ_FIELD' "$T/sw/sw.bpf.c" || fail "no load-time field reads"
}

t_new_refuses_to_overwrite() {
	"$TPBPF" new p1 sched sched_switch --dir "$T" > /dev/null || fail "first new failed"
	"$TPBPF" new p1 sched sched_switch --dir "$T" 2> err && fail "second new overwrote"
	grep -q 'exists' err || fail "no reason: $(cat err)"
	"$TPBPF" new p2 no_such_cat no_such_event --dir "$T" 2> err && fail "new on a missing tracepoint succeeded"
	return 0
}

# ---- one static file ---------------------------------------------------------

# The command needs no shared library: it starts without the dynamic loader
# and runs where libelf is not installed (here: a root holding nothing else).
t_command_is_static() {
	[ "${TPBPF_STATIC:-1}" = 1 ] || skip "built with STATIC=0"
	readelf -lW "$TPBPF" > hdr || fail "readelf failed"
	grep -q 'INTERP' hdr && fail "the command asks for a dynamic loader: $(grep -A1 INTERP hdr)"
	readelf -dW "$TPBPF" | grep -q '(NEEDED)' && fail "needs shared libraries: $(readelf -dW "$TPBPF" | grep NEEDED)"
	is_root || return 0
	mkdir -p root && cp "$TPBPF" "$TEST_BPF/subprog_globals.bpf.o" root/
	chroot root /tpbpf inspect /subprog_globals.bpf.o > out 2> err ||
		fail "does not run alone in a chroot: $(cat err)"
	grep -q 'count_call' out || fail "inspect in the chroot printed: $(head -3 out)"
}

# ---- bash completion --------------------------------------------------------

complete_words() { # words... (the last is being completed)
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_tpbpf
	echo "${COMPREPLY[*]}"
}

t_bash_completion() {
	source "$ROOT/completion/tpbpf.bash"
	complete -p tpbpf | grep -q -- '-F _tpbpf tpbpf' || fail "not registered: $(complete -p tpbpf)"
	[ "$(complete_words "$TPBPF" insp)" = inspect ] || fail "subcommand: $(complete_words "$TPBPF" insp)"
	complete_words "$TPBPF" load --dump | grep -qw -- --dump-maps || fail "load options"
	complete_words "$TPBPF" inspect --d | grep -qw -- --disasm || fail "inspect options"
	complete_words "$TPBPF" syscount --r | grep -qw -- --raw || fail "syscount options"
	complete_words "$TPBPF" tracepoint sched:sched_swi | grep -qw 'sched:sched_switch' ||
		fail "tracepoint names: $(complete_words "$TPBPF" tracepoint sched:sched_swi)"
	complete_words "$TPBPF" tracepoint -e syscalls:sys_enter_opena | grep -qw 'syscalls:sys_enter_openat' ||
		fail "-e names"
	complete_words "$TPBPF" format sched:sched_swi | grep -qw 'sched:sched_switch' || fail "format names"
	cp "$TEST_BPF/counter_tp.bpf.o" ./mine.bpf.o && touch notes.txt
	complete_words "$TPBPF" load mi | grep -qw mine.bpf.o || fail "object files"
	complete_words "$TPBPF" inspect no | grep -q notes.txt && fail "inspect offers non-objects"
	return 0
}

run_test inspect_constants_match_tracefs t_inspect_constants_match_tracefs root
run_test inspect_json_parses t_inspect_json_parses
run_test inspect_disasm_is_llvm t_inspect_disasm_is_llvm root
run_test inspect_as_nobody t_inspect_as_nobody root
run_test new_openat_prints_events t_new_openat_prints_events root
run_test new_sched_switch_prints_events t_new_sched_switch_prints_events root
run_test new_refuses_to_overwrite t_new_refuses_to_overwrite root
run_test bash_completion t_bash_completion root
run_test command_is_static t_command_is_static

#!/usr/bin/env bash
# tpbpf list and tpbpf format against the running kernel's tracefs.
# Root only because tracefs may be readable by root alone.
source "$(dirname "$0")/lib.sh"

# The tracefs root, found as the library finds it: /sys/kernel/tracing if
# it is tracefs, else the first tracefs mount in /proc/self/mountinfo (octal
# escapes undone), else the usual places.
tracefs_root() {
	local dir
	if [ "$(stat -f -c %T /sys/kernel/tracing 2>/dev/null)" = tracefs ] &&
		[ -d /sys/kernel/tracing/events ]; then
		echo /sys/kernel/tracing
		return
	fi
	dir=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") {
			if ($(i + 1) == "tracefs") { print $5; exit }
			break } }' /proc/self/mountinfo)
	if [ -n "$dir" ]; then
		printf '%b\n' "$dir"
	elif [ -d /sys/kernel/tracing/events ]; then
		echo /sys/kernel/tracing
	else
		echo /sys/kernel/debug/tracing
	fi
}

# Where tracefs is in its usual place, one statfs finds it: no mountinfo read.
test_tracefs_found_by_statfs() {
	[ "$(stat -f -c %T /sys/kernel/tracing 2>/dev/null)" = tracefs ] ||
		skip "tracefs is not mounted at /sys/kernel/tracing"
	"$TPBPF" -v list sched:sched_switch > out 2> err || fail "list failed: $(cat err)"
	grep -q 'tracefs: using /sys/kernel/tracing (statfs says tracefs)' err ||
		fail "not found by statfs: $(grep tracefs: err | head -3)"
	[ "$(cat out)" = sched:sched_switch ] || fail "list printed: $(cat out)"
}

# The fields of a format file as "NAME OFFSET SIZE" lines.
format_fields() { # format-file
	awk -F'\t' '/^\tfield:/ {
		decl = $2; sub(/^field:/, "", decl); sub(/;$/, "", decl)
		n = split(decl, w, " "); name = w[n]; sub(/\[.*/, "", name)
		off = $3; sub(/^offset:/, "", off); sub(/;$/, "", off)
		size = $4; sub(/^size:/, "", size); sub(/;$/, "", size)
		print name, off, size }' "$1"
}

test_list_count() {
	local root
	root=$(tracefs_root)
	"$TPBPF" list > out 2> err || fail "tpbpf list: exit $?: $(head -c 300 err)"
	[ "$(wc -l < out)" -eq "$(wc -l < "$root/available_events")" ] ||
		fail "tpbpf list printed $(wc -l < out) lines, $root/available_events has $(wc -l < "$root/available_events")"
	LC_ALL=C sort -c out || fail "tpbpf list is not sorted"
	LC_ALL=C sort "$root/available_events" > want
	diff want out > changes || fail "list differs from available_events: $(head -5 changes)"
}

test_list_pattern() {
	"$TPBPF" list 'syscalls:*openat*' > out || fail "exit $?"
	grep -qx 'syscalls:sys_enter_openat' out || fail "no syscalls:sys_enter_openat in: $(cat out)"
	if grep -vE '^syscalls:.*openat' out; then fail "lines that do not match"; fi
	[ "$(wc -l < out)" -eq "$(grep -cE '^syscalls:.*openat' "$(tracefs_root)/available_events")" ] ||
		fail "$(wc -l < out) lines, not as many as available_events has"
	"$TPBPF" list 'syscalls/sys_enter_openat' > out || fail "cat/name pattern: exit $?"
	[ "$(cat out)" = syscalls:sys_enter_openat ] || fail "cat/name pattern gave: $(cat out)"
}

test_list_no_match() {
	local rc=0
	"$TPBPF" list 'nosuchcategory:*' > out 2> err || rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	[ ! -s out ] || fail "printed: $(head -3 out)"
	grep -q "^tpbpf: error: no tracepoint matches nosuchcategory:\*" err ||
		fail "stderr: $(cat err)"
}

test_format_offsets() {
	local root fmt name off size got
	root=$(tracefs_root)
	fmt=$root/events/sched/sched_switch/format
	"$TPBPF" format sched sched_switch > out || fail "exit $?: $(cat out)"
	head -1 out | grep -qx "sched:sched_switch id=$(cat "$root/events/sched/sched_switch/id") size=[0-9]*" ||
		fail "first line: $(head -1 out)"
	format_fields "$fmt" > fields
	grep -q '^next_pid ' fields || fail "no next_pid in $fmt"
	[ "$(($(wc -l < out) - 1))" -eq "$(wc -l < fields)" ] || fail "field count differs"
	while read -r name off size; do
		got=$(awk -v n="$name" '$NF == n { print $1, $2 }' out)
		[ "$got" = "$off $size" ] || fail "$name: tpbpf says '$got', $fmt says '$off $size'"
	done < fields
	# the same through the one-argument forms
	"$TPBPF" format sched:sched_switch > out2 || fail "cat:name: exit $?"
	cmp -s out out2 || fail "cat:name differs"
	"$TPBPF" format sched/sched_switch > out2 || fail "cat/name: exit $?"
	cmp -s out out2 || fail "cat/name differs"
}

# --header compiled for BPF, with offsetof/sizeof checks made here from the
# raw format file (not from tpbpf), so the struct must match the kernel.
test_format_header_compiles() {
	local root tp cat name fmt s n=0 clang
	clang=$(command -v clang || command -v clang-14) || skip "no clang"
	root=$(tracefs_root)
	for tp in sched:sched_switch syscalls:sys_enter_openat net:net_dev_queue \
		sock:inet_sock_set_state raw_syscalls:sys_enter \
		compaction:mm_compaction_end net:netif_receive_skb; do
		cat=${tp%%:*} name=${tp#*:}
		fmt=$root/events/$cat/$name/format
		[ -r "$fmt" ] || continue
		s=tp_$(printf '%s_%s' "$cat" "$name" | tr -c 'A-Za-z0-9' '_')
		"$TPBPF" format "$cat" "$name" --header > "$s.h" || fail "$tp: exit $?: $(cat "$s.h")"
		grep -q "^#define TP_.*_ID $(cat "$root/events/$cat/$name/id")\$" "$s.h" ||
			fail "$tp: no #define with the ID in $s.h"
		{
			echo "#include <stddef.h>"
			echo "#include \"$s.h\""
			format_fields "$fmt" | while read -r f off size; do
				echo "_Static_assert(offsetof(struct $s, $f) == $off, \"$tp $f offset\");"
				[ "$size" -gt 0 ] &&
					echo "_Static_assert(sizeof(((struct $s *)0)->$f) == $size, \"$tp $f size\");"
			done
			echo "int use_$s(struct $s *r) { return (int)r->common_type; }"
		} > "$s.c"
		"$clang" -target bpf -O2 -Wall -Werror -I"/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)" \
			-c "$s.c" -o "$s.o" 2> cc.err ||
			fail "$tp: header does not compile or match: $(head -c 600 cc.err)"
		n=$((n + 1))
	done
	[ $n -ge 5 ] || fail "only $n of the tracepoints exist here"
}

test_format_json() {
	local root fmt cat=sock name=inet_sock_set_state
	root=$(tracefs_root)
	[ -r "$root/events/$cat/$name/format" ] || cat=sched name=sched_switch
	fmt=$root/events/$cat/$name/format
	"$TPBPF" format "$cat" "$name" --json > out || fail "exit $?"
	[ "$(wc -l < out)" -eq 1 ] || fail "not one line"
	if command -v jq > /dev/null; then
		[ "$(jq '.fields | length' out)" -eq "$(format_fields "$fmt" | wc -l)" ] ||
			fail "field count differs"
		[ "$(jq .id out)" -eq "$(cat "${fmt%/format}/id")" ] || fail "id differs"
	elif command -v python3 > /dev/null; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' out || fail "not JSON"
	fi
}

test_format_not_found() {
	local rc=0
	"$TPBPF" format nosuchcat nosuch > out 2> err || rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q '^tpbpf: error: tracepoint .*not found' err || fail "stderr: $(cat err)"
	rc=0
	"$TPBPF" format sched sched_swich 2> err || rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, want 1"
	grep -q "closest: sched:sched_switch" err || fail "no closest name: $(cat err)"
}

test_format_refuses_paths() {
	local rc arg
	for arg in "../etc passwd" "sched ../../../etc" "../etc:passwd" "sched/../x"; do
		rc=0
		# shellcheck disable=SC2086
		"$TPBPF" format $arg > out 2> err || rc=$?
		[ $rc -eq 1 ] || fail "format $arg: exit $rc, want 1"
		grep -q '^tpbpf: error: invalid tracepoint name' err || fail "format $arg: $(cat err)"
	done
	rc=0; "$TPBPF" format > /dev/null 2>&1 || rc=$?
	[ $rc -eq 2 ] || fail "no argument: exit $rc, want 2"
	rc=0; "$TPBPF" format sched sched_switch --header --json > /dev/null 2>&1 || rc=$?
	[ $rc -eq 2 ] || fail "--header --json: exit $rc, want 2"
}

run_test tracefs_found_by_statfs test_tracefs_found_by_statfs root
run_test list_count test_list_count root
run_test list_pattern test_list_pattern root
run_test list_no_match test_list_no_match root
run_test format_offsets test_format_offsets root
run_test format_header_compiles test_format_header_compiles root
run_test format_json test_format_json root
run_test format_not_found test_format_not_found root
run_test format_refuses_paths test_format_refuses_paths root

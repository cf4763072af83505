#!/usr/bin/env bash
# tpbpf opensnoop: files that a helper opens, once the tool is attached,
# show up with the helper's pid, the result, and the whole path.
source "$(dirname "$0")/lib.sh"

# Start open_path NAME waiting on a fifo before it opens ARGS' paths; its
# stdout (pid first, then one result per path) goes to $T/NAME.out.
start_helper() { # name open_path-args...
	local name=$1; shift
	mkfifo "$T/$name.go"
	"$HELPERS/open_path" -w "$T/$name.go" "$@" > "$T/$name.out" &
	printf -v "JOB_$name" %s $!
	wait_for "$T/$name.out" '^[0-9]+$' 10 || fail "helper $name did not start"
}
helper_pid() { head -n 1 "$T/$1.out"; }

# Let helper NAME open its files and wait for it to end.
release() { # name
	local job="JOB_$1" rc
	timeout 10 sh -c 'echo go > "$1"' _ "$T/$1.go" || fail "helper $1 never read its fifo"
	wait "${!job}"
	rc=$?
	[ $rc -eq 77 ] && skip "no such system call on this machine"
	[ $rc -eq 0 ] || fail "helper $1 exited $rc"
}

# "FD ERR" of the output lines of PID with exactly PATH (paths without blanks).
fd_err() { # pid path [file]
	P=$1 W=$2 awk 'NF == 5 && $1 == ENVIRON["P"] && $5 == ENVIRON["W"] { print $3, $4 }' "${3:-$T/out}"
}

# Each line of FILE must be JSON with the fields opensnoop promises; prints
# "fd err flags comm tid-is-pid" of each object of PID whose path is $WANT.
json_of_pid() { # file pid
	P=$2 python3 -c '
import json, os, sys
want = os.environ.get("WANT")
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)
    for k, t in (("pid", int), ("tid", int), ("uid", int), ("comm", str), ("fd", int),
                 ("err", int), ("flags", int), ("path", str)):
        if not isinstance(o.get(k), t):
            sys.exit("line %d: %s is not a %s: %s" % (n, k, t.__name__, line))
    if o["pid"] == int(os.environ["P"]) and o["path"] == want:
        print(o["fd"], o["err"], o["flags"], o["comm"], o["tid"] == o["pid"])
' "$1"
}

t_whole_path_near_path_max() {
	local comp path name
	comp=$(printf 'c%.0s' $(seq 200))
	path=$T/long
	while [ $((${#path} + 256)) -lt 4000 ]; do path=$path/$comp; done
	name=$(printf 'f%.0s' $(seq $((4000 - ${#path} - 1))))
	path=$path/$name
	[ ${#path} -eq 4000 ] || fail "test path is ${#path} bytes, want 4000"
	start_helper a -m -c "$path"
	start_tpbpf opensnoop
	release a
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC: $(cat "$T/err")"
	local pid fd
	pid=$(helper_pid a)
	fd=$(sed -n 2p "$T/a.out")
	[ "$fd" -ge 0 ] || fail "the helper could not create the file: $fd"
	[ "$(fd_err "$pid" "$path")" = "$fd 0" ] ||
		fail "no line '$pid open_path $fd 0 <the 4000-byte path>'; lines of $pid: $(grep "^$pid " "$T/out" | cut -c1-200)"
	head -n 1 "$T/out" | grep -qE '^PID +COMM +FD +ERR +PATH$' || fail "no header line"
}

t_missing_file_shows_enoent() {
	start_helper a "$T/no-such-dir/no-such-file"
	start_tpbpf opensnoop
	release a
	stop_tpbpf
	[ "$(fd_err "$(helper_pid a)" "$T/no-such-dir/no-such-file")" = "-1 2" ] ||
		fail "want FD -1 ERR 2; lines of the helper: $(grep "^$(helper_pid a) " "$T/out")"
}

t_pid_filter_keeps_one_process() {
	start_helper a -c "$T/file-a"
	start_helper b -c "$T/file-b"
	local pa pb
	pa=$(helper_pid a)
	pb=$(helper_pid b)
	start_tpbpf opensnoop -p "$pa"
	release a
	release b
	stop_tpbpf
	[ "$TPBPF_RC" -eq 0 ] || fail "tpbpf exited $TPBPF_RC"
	[ -n "$(fd_err "$pa" "$T/file-a")" ] || fail "the filtered process's open is missing"
	awk -v p="$pb" '$1 == p { found = 1 } END { exit !found }' "$T/out" &&
		fail "a line of the other process $pb: $(grep "^$pb " "$T/out")"
	grep -q "file-b" "$T/out" && fail "the other process's file is shown"
	awk -v p="$pa" 'NR > 1 && $1 != p { bad = 1 } END { exit !bad }' "$T/out" &&
		fail "a line of another pid than $pa: $(awk -v p="$pa" 'NR > 1 && $1 != p' "$T/out" | head -3)"
	return 0
}

t_json_lines() {
	start_helper a -c "$T/made.json" "$T/no-dir/x"
	start_tpbpf opensnoop --json
	release a
	stop_tpbpf
	local got fd
	fd=$(sed -n 2p "$T/a.out")
	got=$(WANT="$T/made.json" json_of_pid "$T/out" "$(helper_pid a)") || fail "bad JSON: $got"
	# O_WRONLY|O_CREAT|O_CLOEXEC
	[ "$got" = "$fd 0 $((0x1 | 0x40 | 0x80000)) open_path True" ] ||
		fail "created file: got '$got'"
	got=$(WANT="$T/no-dir/x" json_of_pid "$T/out" "$(helper_pid a)")
	[ "$got" = "-1 2 $((0x1 | 0x40 | 0x80000)) open_path True" ] || fail "failed open: got '$got'"
}

t_control_bytes_escaped() {
	local name=$'new\nline\x1besc' out
	start_helper a -c "$T/$name"
	start_tpbpf opensnoop
	release a
	stop_tpbpf
	grep -q $'\x1b' "$T/out" && fail "a raw ESC byte in the output"
	out=$(fd_err "$(helper_pid a)" "$T/new\\nline\\x1besc")
	[ "$out" = "$(sed -n 2p "$T/a.out") 0" ] ||
		fail "no escaped one-line path; lines of the helper: $(grep "^$(helper_pid a) " "$T/out" | cat -A)"
	grep -qE '^(line|esc)' "$T/out" && fail "the file name broke the line"

	start_helper b -c "$T/$name"
	start_tpbpf opensnoop --json
	release b
	stop_tpbpf
	grep -q $'\x1b' "$T/out" && fail "a raw ESC byte in the JSON"
	out=$(WANT="$T/$name" json_of_pid "$T/out" "$(helper_pid b)") || fail "bad JSON: $out"
	[ "$out" = "$(sed -n 2p "$T/b.out") 0 $((0x1 | 0x40 | 0x80000)) open_path True" ] ||
		fail "no JSON object with the file's exact name: '$out'"
}

t_open_and_openat2() {
	need_event syscalls/sys_enter_openat2
	start_helper a -s openat2 -c "$T/by-openat2"
	start_helper b -s open "$T/by-open-missing"
	start_tpbpf opensnoop --json
	release a
	release b
	stop_tpbpf
	local got
	got=$(WANT="$T/by-openat2" json_of_pid "$T/out" "$(helper_pid a)") || fail "bad JSON: $got"
	[ "$got" = "$(sed -n 2p "$T/a.out") 0 $((0x1 | 0x40 | 0x80000)) open_path True" ] ||
		fail "openat2 (flags from struct open_how): got '$got'"
	got=$(WANT="$T/by-open-missing" json_of_pid "$T/out" "$(helper_pid b)")
	[ "$got" = "-1 2 $((0x80000)) open_path True" ] || fail "open: got '$got'"
}

t_relative_path_as_given() {
	start_helper a -D "$T" -c rel-name
	start_tpbpf opensnoop
	release a
	stop_tpbpf
	[ -n "$(fd_err "$(helper_pid a)" rel-name)" ] || fail "no line with the relative path as given"
}

t_failed_only() {
	start_helper a -c "$T/exists" "$T/none/x"
	start_tpbpf opensnoop -x -p "$(sed -n 1p "$T/a.out")"
	release a
	stop_tpbpf
	[ "$(fd_err "$(helper_pid a)" "$T/none/x")" = "-1 2" ] || fail "failed open missing"
	grep -q "$T/exists" "$T/out" && fail "-x shows a successful open"
	return 0
}

t_stats() {
	stats_refused_checked opensnoop && return 0
	start_tpbpf opensnoop --stats
	"$HELPERS/open_path" "$T/x" > /dev/null
	stop_tpbpf
	grep -qE 'stats: program exit_openat: [1-9][0-9]* runs, [0-9]+ ns total, [0-9.]+ ns per run' "$T/err" ||
		fail "no --stats line for exit_openat: $(cat "$T/err")"
	grep -qE '[0-9]+ events, [0-9]+ lost' "$T/err" || fail "no summary"
}

t_usage() {
	"$TPBPF" opensnoop -h > "$T/out" || fail "-h: non-zero exit"
	grep -q '^usage: tpbpf opensnoop' "$T/out" || fail "-h prints no usage"
	"$TPBPF" opensnoop --bogus 2> /dev/null; [ $? -eq 2 ] || fail "bad option: want exit 2"
	"$TPBPF" opensnoop extra 2> /dev/null; [ $? -eq 2 ] || fail "extra argument: want exit 2"
	"$TPBPF" opensnoop -p 0 2> /dev/null; [ $? -eq 2 ] || fail "-p 0: want exit 2"
	"$TPBPF" opensnoop -d x 2> /dev/null; [ $? -eq 2 ] || fail "-d x: want exit 2"
	return 0
}

run_test whole_path_near_path_max t_whole_path_near_path_max root
run_test missing_file_shows_enoent t_missing_file_shows_enoent root
run_test pid_filter_keeps_one_process t_pid_filter_keeps_one_process root
run_test json_lines t_json_lines root
run_test control_bytes_escaped t_control_bytes_escaped root
run_test open_and_openat2 t_open_and_openat2 root
run_test relative_path_as_given t_relative_path_as_given root
run_test failed_only t_failed_only root
run_test stats t_stats root
run_test usage t_usage

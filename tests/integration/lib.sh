# Sourced by every tests/integration/test_*.sh. A test is a shell function;
# run_test runs it in a subshell with a fresh scratch directory ($T) and
# prints one line: PASS name, FAIL name: why, or SKIP name: why.
#   fail "why"   ends the test as failed
#   skip "why"   ends the test as skipped
# Root tests also check that no BPF program or map they created is left
# in the kernel when they end.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The build under test: build/ (the host's), or TPBPF_BUILD=build/arm64 in
# the arm64 guest of make vmcheck ARCH=arm64.
BUILD=$ROOT/${TPBPF_BUILD:-build}
TPBPF=$BUILD/tpbpf
HELPERS=$BUILD/tests/helpers
TEST_BPF=$BUILD/tests/bpf
SUITE=$(basename "$0" .sh)
SUITE=${SUITE#test_}

fail() { echo "$*" > "$T/.why"; exit 1; }

# The number of system call NAME on the architecture the tool under test was
# built for, from the table its build generated out of that architecture's
# <asm/unistd.h> (getppid: 110 on x86_64, 173 on arm64); empty if none.
syscall_nr() { # name
	sed -n "s/^SYSCALL_NAME(\([0-9]*\), \"$1\")\$/\1/p" "$BUILD/gen/syscall_names.h" 2>/dev/null
}
skip() { echo "$*" > "$T/.why"; exit 77; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Object IDs (programs and maps) the kernel holds right now.
kernel_bpf_ids() { "$HELPERS/bpf_ids" 2>/dev/null | sort; }

# Lines of "prog ID NAME" / "map ID NAME" that a process outside this tree
# holds an fd of (another program or another clone's tpbpf running at the
# same time): not left behind by this test.
drop_held_elsewhere() {
	local kind id name f pid exe mine
	while read -r kind id name; do
		[ -n "$kind" ] || continue
		mine=1
		for f in $(grep -ls "^${kind}_id:[[:space:]]*$id\$" /proc/[0-9]*/fdinfo/* 2> /dev/null); do
			pid=${f#/proc/}; pid=${pid%%/*}
			exe=$(readlink "/proc/$pid/exe" 2> /dev/null)
			case $exe in "$ROOT"/*) ;; *) mine=0 ;; esac
		done
		[ $mine = 1 ] && echo "$kind $id $name"
	done
}

# Is tpbpf's feature NAME present ("tpbpf features" names; a feature forced
# absent by TPBPF_FORCE_ABSENT counts as absent)? Tests ask the probes,
# never the kernel's release.
feature_present() { # name
	"$TPBPF" features --json 2>/dev/null |
		grep -q "^{\"feature\":\"$1\",.*\"result\":\"present\""
}
# Skip unless tpbpf's feature NAME is present, naming it and the kernel
# that brought it (as "tpbpf features" shows them).
need_feature() { # name
	feature_present "$1" && return 0
	skip "$(feature_why "$1")"
}
# "no NAME here: DESCRIPTION (kernel K)" for a feature tpbpf sees absent
# (or forced absent), from "tpbpf features --json".
feature_why() { # name
	"$TPBPF" features --json 2>/dev/null | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["feature"] == sys.argv[1]:
        print("%s %s here: %s (kernel %s)" % (r["feature"], r["result"], r["description"], r["kernel"]))
        break
else:
    print("%s: no such feature in tpbpf features" % sys.argv[1])
' "$1"
}

# Where the kernel has no BPF_ENABLE_STATS (5.8), --stats is refused at
# once: check that refusal (exit 1, one error line naming 5.8) for
# "tpbpf ARGS... --stats" and succeed; false when the kernel has them.
stats_refused_checked() { # tpbpf-args...
	feature_present enable_stats && return 1
	"$TPBPF" "$@" --stats -d 1 > "$T/out" 2> "$T/err"
	local rc=$?
	[ $rc -eq 1 ] || fail "--stats without enable_stats: exit $rc, want 1: $(cat "$T/err")"
	grep -q '^tpbpf: error: .*--stats: .*no BPF run-time statistics (they came in 5.8)' "$T/err" ||
		fail "--stats refusal unclear: $(cat "$T/err")"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "want one error line: $(cat "$T/err")"
	return 0
}

# The tracefs directory (tpbpf mounts it when nothing has; tests/run.sh
# lets it first), and a skip when this kernel has no tracepoint CAT/NAME.
tracefs_dir() {
	local d
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -d $d/events ] && { echo $d; return; }
	done
	awk '$9 == "tracefs" { print $5; exit }' /proc/self/mountinfo
}
need_event() { # cat/name
	[ -d "$(tracefs_dir)/events/$1" ] || skip "this kernel has no tracepoint $1"
}

# The kernel's BTF as tpbpf sees it (absent in the forced pass).
has_kernel_btf() { feature_present kernel_btf; }

# An offsets file for the running kernel in $T/offsets, with the fields
# given (STRUCT.FIELD ...): $TPBPF_OFFSETS_FILE when set (make vmcheck sets
# it for the kernel it boots), else written from the kernel's BTF when
# there is one (with the forcing lifted, so the forced pass can use it);
# skips otherwise.
kernel_offsets_file() { # struct.field...
	local args=() f
	if [ -n "${TPBPF_OFFSETS_FILE:-}" ]; then
		cp "$TPBPF_OFFSETS_FILE" "$T/offsets" || fail "cannot read $TPBPF_OFFSETS_FILE"
		echo "offsets file: $TPBPF_OFFSETS_FILE"
	elif [ -r /sys/kernel/btf/vmlinux ]; then
		for f in "$@"; do args+=(--struct "$f"); done
		TPBPF_FORCE_ABSENT= "$TPBPF" offsets "${args[@]}" > "$T/offsets" 2> "$T/offsets.err" ||
			fail "tpbpf offsets from BTF: $(cat "$T/offsets.err")"
		echo "offsets file: written from the kernel's BTF"
	else
		skip "no kernel BTF and no TPBPF_OFFSETS_FILE (make vmcheck sets one for its kernel)"
	fi
	cat "$T/offsets"
}

# Wait until FILE contains PATTERN (grep -E), at most SECS seconds.
wait_for() { # file pattern secs
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# Start tpbpf in the background (stdout $T/out, stderr $T/err) and wait for
# its "attached" line; sets TPBPF_PID.
start_tpbpf() {
	"$TPBPF" "$@" > "$T/out" 2> "$T/err" &
	TPBPF_PID=$!
	# run_test kills it if the test ends (or fails) without stopping it.
	echo "$TPBPF_PID" >> "$T/.pids"
	# Errors are lines of their own ("tpbpf: error: ..."); with -v other
	# lines may say "error" (a verifier log, a BTF kind refused and retried).
	if ! wait_for "$T/err" 'attached|^tpbpf: (usage )?error' 15; then
		kill -KILL $TPBPF_PID 2>/dev/null
		fail "tpbpf $* did not report attached; stderr: $(head -c 300 "$T/err")"
	fi
	grep -qE '^tpbpf: (usage )?error' "$T/err" &&
		fail "tpbpf $* failed: $(grep -E '^tpbpf: (usage )?error' "$T/err" | head -c 500)"
	return 0
}

# Stop it with SIGINT and wait; sets TPBPF_RC.
stop_tpbpf() {
	kill -INT "$TPBPF_PID" 2>/dev/null
	wait "$TPBPF_PID"
	TPBPF_RC=$?
}

run_test() { # name function [root]
	local name=$1 fn=$2 need=${3:-} rc why before after left
	if [ "$need" = root ] && ! is_root; then
		echo "SKIP $SUITE/$name: needs root"
		return
	fi
	T=$(mktemp -d /tmp/tpbpf-test.XXXXXX)
	[ "$need" = root ] && before=$(kernel_bpf_ids)
	( cd "$T" && "$fn" ) > "$T/.log" 2>&1 &
	local child=$! dog
	# One hung test must not eat the whole run (CI, make vmcheck).
	( trap 'kill $s 2>/dev/null; exit 0' TERM
	  sleep "${TEST_TIMEOUT:-300}" & s=$!
	  wait $s || exit 0
	  echo "timed out after ${TEST_TIMEOUT:-300} s" > "$T/.why"
	  pkill -TERM -P "$child"; kill -TERM "$child" ) > /dev/null 2>&1 &
	dog=$!
	wait "$child"
	rc=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	# A failed test may leave its tpbpf running: never let it outlive the test.
	if [ -s "$T/.pids" ]; then
		local p
		for p in $(cat "$T/.pids"); do
			kill -INT "$p" 2>/dev/null && sleep 0.5 && kill -KILL "$p" 2>/dev/null
		done
	fi
	why=$(cat "$T/.why" 2>/dev/null)
	if [ "$need" = root ] && [ $rc -eq 0 ]; then
		# Objects are freed after their last fd is closed, a little later.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			after=$(kernel_bpf_ids)
			left=$(comm -13 <(echo "$before") <(echo "$after") | drop_held_elsewhere)
			[ -z "$left" ] && break
			sleep 0.2
		done
		if [ -n "$left" ]; then
			rc=1
			why="left in the kernel after the test: $(echo $left)"
		fi
	fi
	case $rc in
	0) echo "PASS $SUITE/$name" ;;
	77) echo "SKIP $SUITE/$name: $why" ;;
	*) echo "FAIL $SUITE/$name: ${why:-exit status $rc}"
	   tail -n 15 "$T/.log" 2>/dev/null | sed 's/^/    | /' ;;
	esac
	rm -rf "$T"
}

#!/bin/sh
# One run of one side of the tracer benchmark: a tracer writes every
# event to a file while one process (bench/opener, named tpbpf_opener)
# opens a file N times as fast as it can; the tracer is stopped with
# SIGINT once the opener is done, and the lines it wrote for the opener
# are counted.
#   bench/tracer.sh BB ROW SIDE RUN N PER_OPEN READY -- TRACER ARG...
# PER_OPEN: events each open makes (1 for sys_enter_openat, 2 with
# sys_exit_openat too). READY: a string the tracer prints once attached,
# or a number of seconds to wait (perf prints nothing). An argument @DATA@
# becomes a file that the tracer writes (perf record -o) and perf script
# reads once it is stopped.
# Prints "ROW.KEY SIDE RUN VALUE" for KEY in opens (opens/s the opener
# made), cost (microseconds per open), recv (events/s written), lost
# (events not written).
set -eu
BB=$1 ROW=$2 SIDE=$3 RUN=$4 N=$5 PER=$6 READY=$7
shift 8
OUT=$BB/tracer-out.$$ PATHF=/tmp/tpbpf-bench/tracer-$(printf 'p%.0s' $(seq 60)).txt
mkdir -p /tmp/tpbpf-bench
: > "$PATHF"
for a in "$@"; do
	shift
	[ "$a" = @DATA@ ] && a=$OUT.data
	set -- "$@" "$a"
done
"$@" > "$OUT" 2> "$OUT.err" &
TR=$!
case $READY in
[0-9]*) sleep "$READY" ;;
*)	i=0
	until grep -q "$READY" "$OUT" "$OUT.err" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "tracer.sh: $SIDE never said '$READY': $(head -c 300 "$OUT.err")" >&2; kill -9 $TR; exit 1; }
		sleep 0.05
	done ;;
esac
sleep 0.3
ns=$("$BB/opener" "$N" "$PATHF")
sleep 0.5
kill -INT $TR
wait $TR || true
# perf record writes a file: its lines come from perf script.
if [ -s "$OUT.data" ]; then perf script -i "$OUT.data" > "$OUT" 2>/dev/null; fi
# perf trace writes to stderr.
got=$(cat "$OUT" "$OUT.err" | grep -c tpbpf_opener || true)
rm -f "$OUT" "$OUT.err" "$OUT.data"
awk -v r="$ROW" -v s="$SIDE" -v k="$RUN" -v n="$N" -v per="$PER" -v ns="$ns" -v got="$got" 'BEGIN {
	secs = ns / 1e9
	printf "%s.opens %s %s %.0f\n", r, s, k, n / secs
	printf "%s.cost %s %s %.3f\n", r, s, k, ns / 1e3 / n
	printf "%s.recv %s %s %.0f\n", r, s, k, got / secs
	printf "%s.lost %s %s %d\n", r, s, k, n * per - got
}'

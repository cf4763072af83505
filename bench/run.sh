#!/bin/sh
# make bench: run every benchmark, tpbpf and its peers side by side, taking
# turns (A B A B ...), then write bench/results/latest.{md,json} and print
# the table.   bench/run.sh BUILD_DIR RUNS
set -eu
B=${1:-build}
RUNS=${2:-5}
BB=$B/bench
OUT=bench/results
SAMPLES=$BB/samples.txt
mkdir -p "$OUT" "$BB"
: > "$SAMPLES"

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (loads BPF programs); run: sudo make bench" >&2
	exit 1
fi
[ "$RUNS" -ge 5 ] || { echo "bench: BENCH_RUNS must be at least 5" >&2; exit 2; }

# Integration tests (tests/run.sh) check that nothing of theirs is left in
# the kernel, and count events machine-wide: programs loaded here would
# fail them. Take the same lock they take, for the whole run (and the
# numbers are the better for it).
if command -v flock > /dev/null; then
	exec 9> /tmp/tpbpf-integration.lock
	step_wait=$(date +%s)
	flock 9
	[ $(($(date +%s) - step_wait)) -lt 2 ] || echo "bench: waited $(($(date +%s) - step_wait)) s for /tmp/tpbpf-integration.lock" >&2
fi

HAVE_LIBBPF=1
[ -x "$BB/libbpf_loader" ] || { HAVE_LIBBPF=; echo "bench: libbpf not installed (make bench-deps): libbpf columns skipped"; }
BPFTRACE=$(command -v bpftrace || true)
[ -n "$BPFTRACE" ] || echo "bench: bpftrace not installed (make bench-deps): bpftrace column skipped"
PERF=$(command -v perf || true)
[ -n "$PERF" ] && "$PERF" version > /dev/null 2>&1 || PERF=
[ -n "$PERF" ] || echo "bench: perf not installed (apt-get install linux-perf): perf column skipped"

step() { printf 'bench: %s\n' "$*" >&2; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# Numbers taken on a busy machine are noise: say so in the results.
awk -v n="$(nproc)" '$1 > n { printf "bench: warning: load average %s on %d CPUs: expect wide spreads\n", $1, n }' /proc/loadavg >&2
# Time budget: load ~1 min, cost ~2 min, delivery ~2 min, scaling ~1 min,
# tracer ~3 min, exit ~3 min.

# ---- 1. load latency: exec to "attached" --------------------------------
# Both loaders get the same ring: 64 pages per CPU.
step "load latency (opensnoop object, $RUNS runs per side)"
set -- "$BB/load_latency" load.opensnoop "$RUNS" \
	-- tpbpf "attached" "$B/tpbpf" opensnoop --ring-pages 64
[ -z "$HAVE_LIBBPF" ] || set -- "$@" \
	-- libbpf "attached" "$BB/libbpf_loader" "$BB/opensnoop_libbpf.bpf.o" --perf events --pages 64
# bpftrace's opensnoop in one line; BEGIN runs once every probe is attached.
[ -z "$BPFTRACE" ] || set -- "$@" \
	-- bpftrace "attached" "$BPFTRACE" -B line -e 'BEGIN { printf("attached\n"); }
tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_openat2 { @f[tid] = args->filename; }
tracepoint:syscalls:sys_exit_open, tracepoint:syscalls:sys_exit_openat, tracepoint:syscalls:sys_exit_openat2 /@f[tid]/ { printf("%d %s %d %s\n", pid, comm, args->ret, str(@f[tid])); delete(@f[tid]); }'
"$@" >> "$SAMPLES"
# tpbpf is one static file; the same comparison with libbpf's program static too.
[ -z "$HAVE_LIBBPF" ] || "$BB/load_latency" load.static "$RUNS" \
	-- tpbpf "attached" "$B/tpbpf" opensnoop --ring-pages 64 \
	-- libbpf "attached" "$BB/libbpf_loader_static" "$BB/opensnoop_libbpf.bpf.o" --perf events --pages 64 >> "$SAMPLES"
# What no loader can go below: starting a process, and the kernel's work
# for the calls (map creation, the verifier, perf events, rings) that tpbpf -v times.
"$BB/load_latency" load.start "$RUNS" -- tpbpf EXIT "$BB/empty_static" >> "$SAMPLES"
r=0
while [ $r -lt "$RUNS" ]; do
	timeout -s INT 1 "$B/tpbpf" -v opensnoop --ring-pages 64 2>&1 >/dev/null |
		awk -v r=$r '/: attached / { done = 1 } !done && / in [0-9]+ us$/ { us += $(NF-1) }
			END { print "load.bpf tpbpf", r, us / 1000 }' >> "$SAMPLES"
	r=$((r + 1))
done
# The floor is the loader's least, whichever loader: libbpf's time above it is its own work.
[ -z "$HAVE_LIBBPF" ] || awk '$1 == "load.start" || $1 == "load.bpf" { $2 = "libbpf"; print }' "$SAMPLES" > "$SAMPLES.tmp"
[ -z "$HAVE_LIBBPF" ] || { cat "$SAMPLES.tmp" >> "$SAMPLES"; rm -f "$SAMPLES.tmp"; }

# Any object, tpbpf load beside libbpf (BENCH_LOAD_OBJECT=path.o, e.g. a
# CO-RE object with many relocations), with its own floor.
if [ -n "${BENCH_LOAD_OBJECT:-}" ]; then
	step "load latency ($BENCH_LOAD_OBJECT, $RUNS runs per side)"
	set -- "$BB/load_latency" load.object "$RUNS" \
		-- tpbpf "attached" "$B/tpbpf" load "$BENCH_LOAD_OBJECT"
	[ -z "$HAVE_LIBBPF" ] || set -- "$@" \
		-- libbpf "attached" "$BB/libbpf_loader_static" "$BENCH_LOAD_OBJECT"
	"$@" >> "$SAMPLES"
	r=0
	while [ $r -lt "$RUNS" ]; do
		timeout -s INT 1 "$B/tpbpf" -v load "$BENCH_LOAD_OBJECT" 2>&1 >/dev/null |
			awk -v r=$r '/: attached / { done = 1 } !done && / in [0-9]+ us$/ { us += $(NF-1) }
				END { print "load.object.bpf tpbpf", r, us / 1000 }' >> "$SAMPLES"
		r=$((r + 1))
	done
	awk '$1 == "load.start" && $2 == "tpbpf" { print "load.object.start", $2, $3, $4 }' "$SAMPLES" > "$SAMPLES.tmp"
	cat "$SAMPLES.tmp" >> "$SAMPLES"; rm -f "$SAMPLES.tmp"
fi

# ---- 2. per-event cost -----------------------------------------------------
step "per-event cost (8 programs, $RUNS runs per side)"
r=0
while [ $r -lt "$RUNS" ]; do
	"$BB/cost_tpbpf" "$BB/cost.bpf.o" $r --calls 100000 --trials 5 >> "$SAMPLES"
	[ -z "$HAVE_LIBBPF" ] || "$BB/cost_libbpf" "$BB/cost.libbpf.bpf.o" $r --calls 100000 --trials 5 >> "$SAMPLES"
	r=$((r + 1))
done

# ---- 3. event delivery -----------------------------------------------------
# ROW PAGES WAKEUP RATE(0: as fast as one process opens)
# The same programs sending through a BPF ring buffer (opensnoop_ringbuf):
# as much memory as the perf rings have over all CPUs, in one ring;
# "wakeup 16" there means the program wakes the reader once 1/16 of the
# ring is waiting, "wakeup 1" the kernel's choice: a record into an empty
# ring (the reader was waiting) wakes it.
step "event delivery (7 settings, $RUNS runs per side)"
for cfg in "w1 64 1 0" "w16 64 16 0" "paced 64 1 10000" "small 8 16 0" \
	   "rb1 64 1 0 rb" "rb16 64 16 0 rb" "rbsmall 8 16 0 rb"; do
	set -- $cfg
	obj=$B/progs/opensnoop.bpf.o
	[ $# -lt 5 ] || obj=$B/progs/opensnoop_ringbuf.bpf.o
	r=0
	while [ $r -lt "$RUNS" ]; do
		"$BB/deliver_tpbpf" "$obj" "deliver.$1" $r \
			--pages "$2" --wakeup "$3" --rate "$4" --seconds 1.5 >> "$SAMPLES"
		[ $# -lt 5 ] || { r=$((r + 1)); continue; }
		[ -z "$HAVE_LIBBPF" ] || "$BB/deliver_libbpf" "$BB/opensnoop_libbpf.bpf.o" "deliver.$1" $r \
			--pages "$2" --wakeup "$3" --rate "$4" --seconds 1.5 >> "$SAMPLES"
		r=$((r + 1))
	done
done

# ---- 4. scaling ------------------------------------------------------------
step "scaling (tpbpf list; attach to 1, 10, 100, all sys_enter_*)"
"$BB/load_latency" list "$RUNS" -- tpbpf EXIT "$B/tpbpf" list >> "$SAMPLES"
n=$("$B/tpbpf" list | wc -l)
echo "list.n tpbpf 0 $n" >> "$SAMPLES"
awk -v n="$n" '$1 == "list" { print "list.per_tp", $2, $3, $4 * 1000 / n }' "$SAMPLES" > "$SAMPLES.tmp"
cat "$SAMPLES.tmp" >> "$SAMPLES"; rm -f "$SAMPLES.tmp"
r=0
while [ $r -lt "$RUNS" ]; do
	"$BB/scale_tpbpf" "$BB/cost.bpf.o" tp_any_empty $r 1 10 100 all >> "$SAMPLES"
	[ -z "$HAVE_LIBBPF" ] || "$BB/scale_libbpf" "$BB/cost.libbpf.bpf.o" tp_any_empty $r 1 10 100 all >> "$SAMPLES"
	r=$((r + 1))
done

# ---- 5. the tracer at full speed -------------------------------------------
# tpbpf tracepoint writing to a file while one process opens a file as fast
# as it can (bench/tracer.sh), beside bpftrace printing the same fields and
# perf (trace; record + script), taking turns. The tpbpf rows without a
# suffix are what it does by default (a perf ring per CPU); the "ring
# buffer" rows are the same with --ring-buffer (5.8+).
N=200000
FIELDS1='"%llu %d %s %d %s: __syscall_nr=%d dfd=%d filename=\"%s\" flags=0x%x mode=0x%x\n", nsecs, cpu, comm, pid, probe, args->__syscall_nr, args->dfd, str(args->filename), args->flags, args->mode'
FIELDS2='"%llu %d %s %d %s: __syscall_nr=%d ret=%d\n", nsecs, cpu, comm, pid, probe, args->__syscall_nr, args->ret'
BT1="BEGIN { printf(\"attached\\n\"); } tracepoint:syscalls:sys_enter_openat { printf($FIELDS1); }"
BT2="$BT1 tracepoint:syscalls:sys_exit_openat { printf($FIELDS2); }"
step "tracer: one opener, $N opens ($RUNS runs per side)"
r=0
while [ $r -lt "$RUNS" ]; do
	ns=$("$BB/opener" "$N" /tmp/tpbpf-bench/tracer-base.txt 2>/dev/null || echo 0)
	echo "tracer.base tpbpf $r $(awk -v ns="$ns" -v n="$N" 'BEGIN { printf "%.3f", ns / 1e3 / n }')" >> "$SAMPLES"
	for ev in 1 2; do
		set -- syscalls:sys_enter_openat
		[ $ev = 1 ] || set -- -e syscalls:sys_enter_openat -e syscalls:sys_exit_openat
		bench/tracer.sh "$BB" tracer$ev tpbpf $r $N $ev attached -- "$B/tpbpf" tracepoint "$@" >> "$SAMPLES"
		bench/tracer.sh "$BB" tracer${ev}pb tpbpf $r $N $ev attached \
			-- "$B/tpbpf" tracepoint --ring-buffer "$@" >> "$SAMPLES"
		if [ -n "$BPFTRACE" ]; then
			prog=$BT1
			[ $ev = 1 ] || prog=$BT2
			BPFTRACE_STRLEN=200 bench/tracer.sh "$BB" tracer$ev bpftrace $r $N $ev attached \
				-- "$BPFTRACE" -B full -e "$prog" >> "$SAMPLES"
		fi
		if [ -n "$PERF" ]; then
			set -- -e syscalls:sys_enter_openat
			[ $ev = 1 ] || set -- "$@" -e syscalls:sys_exit_openat
			bench/tracer.sh "$BB" tracer$ev perf $r $N $ev 2 \
				-- "$PERF" trace --no-syscalls "$@" >> "$SAMPLES"
			bench/tracer.sh "$BB" tracer${ev}rec perf $r $N $ev 2 \
				-- "$PERF" record -q -a -o @DATA@ "$@" >> "$SAMPLES"
		fi
	done
	r=$((r + 1))
done

# ---- 6. exit after Ctrl-C --------------------------------------------------
# From the SIGINT to the exit of each built-in tool, beside libbpf loading
# the same programs (opensnoop) or an empty program (bench/cost.bpf.c) on
# the same tracepoints, and tearing down as a libbpf tool does; ".report":
# to tpbpf's closing "N events, M lost" line.
step "exit after Ctrl-C (8 tools, $RUNS runs per side)"
LB="$BB/libbpf_loader $BB/cost.libbpf.bpf.o --wait"
exit_row() { # row "tpbpf args" "libbpf --attach args"
	row=$1 targs=$2 largs=$3
	shift 3
	# shellcheck disable=SC2086
	set -- "$BB/load_latency" "exit.$row" "$RUNS" --exit " lost" -- tpbpf attached "$B/tpbpf" $targs
	# shellcheck disable=SC2086
	[ -z "$HAVE_LIBBPF" ] || set -- "$@" -- libbpf attached $LB $largs
	"$@" >> "$SAMPLES"
}
set -- "$BB/load_latency" exit.opensnoop "$RUNS" --exit " lost" \
	-- tpbpf attached "$B/tpbpf" opensnoop
[ -z "$HAVE_LIBBPF" ] || set -- "$@" \
	-- libbpf attached "$BB/libbpf_loader" "$BB/opensnoop_libbpf.bpf.o" --perf events --pages 64 --wait
[ -z "$BPFTRACE" ] || set -- "$@" \
	-- bpftrace "attached" "$BPFTRACE" -B line -e 'BEGIN { printf("attached\n"); }
tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_openat2 { @f[tid] = args->filename; }
tracepoint:syscalls:sys_exit_open, tracepoint:syscalls:sys_exit_openat, tracepoint:syscalls:sys_exit_openat2 /@f[tid]/ { printf("%d %s %d %s\n", pid, comm, args->ret, str(@f[tid])); delete(@f[tid]); }'
"$@" >> "$SAMPLES"
exit_row cswitch cswitch "--attach tp_any_empty=sched/sched_switch"
exit_row netdev netdev "--attach tp_any_empty=net/net_dev_queue --attach tp_any_empty=net/netif_receive_skb"
exit_row syscount syscount "--attach tp_any_empty=raw_syscalls/sys_enter"
exit_row syslat syslat "--attach tp_any_empty=raw_syscalls/sys_enter --attach tp_any_empty=raw_syscalls/sys_exit"
exit_row raw "raw-tracepoint sched_switch" "--attach raw_ren_empty=raw:sched_switch"
exit_row tp1 "tracepoint sched:sched_switch" "--attach tp_any_empty=sched/sched_switch"
# 50 tracepoints: the first 50 syscalls:sys_enter_* (each close waits the longest).
tps=$(ls /sys/kernel/tracing/events/syscalls 2>/dev/null | grep '^sys_enter_' | sort | head -50)
targs=tracepoint largs=
for t in $tps; do
	targs="$targs -e syscalls:$t"
	largs="$largs --attach tp_any_empty=syscalls/$t"
done
exit_row tp50 "$targs" "$largs"

# ---- report ----------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MACHINE="Linux $(uname -r), $CPU, $(nproc) CPUs; load average $LOAD0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
[ -z "$HAVE_LIBBPF" ] || MACHINE="$MACHINE; libbpf $(dpkg-query -W -f '${Version}' libbpf-dev 2>/dev/null || echo '?')"
[ -z "$BPFTRACE" ] || MACHINE="$MACHINE; $("$BPFTRACE" --version 2>/dev/null | head -1)"
[ -z "$PERF" ] || MACHINE="$MACHINE; $("$PERF" version 2>/dev/null | head -1)"
bench/report.sh "$SAMPLES" "$MACHINE" "sudo make bench BENCH_RUNS=$RUNS" "$OUT/latest.md" "$OUT/latest.json"
cat "$OUT/latest.md"

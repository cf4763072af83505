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

HAVE_LIBBPF=1
[ -x "$BB/libbpf_loader" ] || { HAVE_LIBBPF=; echo "bench: libbpf not installed (make bench-deps): libbpf columns skipped"; }
BPFTRACE=$(command -v bpftrace || true)
[ -n "$BPFTRACE" ] || echo "bench: bpftrace not installed (make bench-deps): bpftrace column skipped"

step() { printf 'bench: %s\n' "$*" >&2; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# Numbers taken on a busy machine are noise: say so in the results.
awk -v n="$(nproc)" '$1 > n { printf "bench: warning: load average %s on %d CPUs: expect wide spreads\n", $1, n }' /proc/loadavg >&2
# Time budget: load ~1 min, cost ~2 min, delivery ~1.5 min, scaling ~1 min.

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
		awk -v r=$r '/ in [0-9]+ us$/ { us += $(NF-1) } END { print "load.bpf tpbpf", r, us / 1000 }' >> "$SAMPLES"
	r=$((r + 1))
done
# The floor is the loader's least, whichever loader: libbpf's time above it is its own work.
[ -z "$HAVE_LIBBPF" ] || awk '$1 == "load.start" || $1 == "load.bpf" { $2 = "libbpf"; print }' "$SAMPLES" > "$SAMPLES.tmp"
[ -z "$HAVE_LIBBPF" ] || { cat "$SAMPLES.tmp" >> "$SAMPLES"; rm -f "$SAMPLES.tmp"; }

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
step "event delivery (4 settings, $RUNS runs per side)"
for cfg in "w1 64 1 0" "w16 64 16 0" "paced 64 1 10000" "small 8 16 0"; do
	set -- $cfg
	r=0
	while [ $r -lt "$RUNS" ]; do
		"$BB/deliver_tpbpf" "$B/progs/opensnoop.bpf.o" "deliver.$1" $r \
			--pages "$2" --wakeup "$3" --rate "$4" --seconds 1.5 >> "$SAMPLES"
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

# ---- report ----------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MACHINE="Linux $(uname -r), $CPU, $(nproc) CPUs; load average $LOAD0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
[ -z "$HAVE_LIBBPF" ] || MACHINE="$MACHINE; libbpf $(dpkg-query -W -f '${Version}' libbpf-dev 2>/dev/null || echo '?')"
[ -z "$BPFTRACE" ] || MACHINE="$MACHINE; $("$BPFTRACE" --version 2>/dev/null | head -1)"
bench/report.sh "$SAMPLES" "$MACHINE" "sudo make bench BENCH_RUNS=$RUNS" "$OUT/latest.md" "$OUT/latest.json"
cat "$OUT/latest.md"

#!/bin/sh
# Turn the samples of a bench run ("ROW SIDE RUN VALUE" lines) into the
# results table: per side the median and min-max over runs, per peer the
# median and min-max of the run-by-run ratio tpbpf/peer (run i of each side
# ran back to back), and whether each target is met.
#   bench/report.sh SAMPLES MACHINE COMMAND OUT.md OUT.json
set -eu
SAMPLES=$1 MACHINE=$2 COMMAND=$3 MD=$4 JSON=$5

# The table: SECTION|ROW|WHAT|UNIT|CHECKS. Derived rows (A/B, A-B, A+B of the
# same side and run) are "=ROW A OP B". Checks, comma-separated:
#   PEER<=X, PEER>=X  median of the run-by-run ratio tpbpf/PEER
#   zero              tpbpf is 0 in every run
#   zero-if:PEER      tpbpf is 0 in every run where PEER is 0 in every run
#   lin<=X            the median is at most X (a ratio: growth, or to a floor)
#   max<=X/PEER       the median is at most X or PEER's median, whichever is larger
SPEC='
=cost.rawtp.ren_empty cost.raw_ren_empty / cost.tp_ren_empty
=cost.rawtp.ren_count cost.raw_ren_count / cost.tp_ren_count
=cost.rawtp.ppid_empty cost.raw_ppid_empty / cost.tp_ppid_empty
=cost.rawtp.ppid_count cost.raw_ppid_count / cost.tp_ppid_count
=deliver.w1.diff deliver.w1.lost - deliver.w1.kdrops
=deliver.w16.diff deliver.w16.lost - deliver.w16.kdrops
=deliver.paced.diff deliver.paced.lost - deliver.paced.kdrops
=deliver.small.diff deliver.small.lost - deliver.small.kdrops
=attach.growth attach.all / attach.10
=deliver.rb1.diff deliver.rb1.lost - deliver.rb1.kdrops
=deliver.rb16.diff deliver.rb16.lost - deliver.rb16.kdrops
=deliver.rbsmall.diff deliver.rbsmall.lost - deliver.rbsmall.kdrops
=deliver.rb16.vs deliver.rb16.recv / deliver.w16.recv
=deliver.rb1.vs deliver.rb1.recv / deliver.w1.recv
=tracer1.costx tracer1.cost / tracer.base
=tracer2.costx tracer2.cost / tracer.base
=tracer1pb.costx tracer1pb.cost / tracer.base
=tracer2pb.costx tracer2pb.cost / tracer.base
=tracer1rec.costx tracer1rec.cost / tracer.base
=tracer2rec.costx tracer2rec.cost / tracer.base
=load.object.floor load.object.start + load.object.bpf
=load.object.own load.object - load.object.floor
=load.floor load.start + load.bpf
=load.own load.opensnoop - load.floor
=load.ofloor load.opensnoop / load.floor
Load latency|load.opensnoop|opensnoop object: exec to attached (libbpf program linked as usual, -lbpf)|ms|bpftrace<=0.05
Load latency|load.static|the same, libbpf program linked statically too|ms|
Load latency|load.start|start-up alone: fork, exec, exit of an empty static program (no loader)|ms|
Load latency|load.bpf|kernel calls of a tpbpf opensnoop load (bpf, perf_event_open, ring mmap), summed from tpbpf -v|ms|
Load latency|load.floor|floor for any loader making those calls: start-up + kernel calls|ms|
Load latency|load.own|above the floor: the work of the loader itself (exec to attached - floor)|ms|
Load latency|load.ofloor|opensnoop: exec to attached / floor|ratio|lin<=1.1
Load latency|load.object|BENCH_LOAD_OBJECT: exec to attached (tpbpf load; libbpf linked statically)|ms|
Load latency|load.object.bpf|BENCH_LOAD_OBJECT: kernel calls, summed from tpbpf -v|ms|
Load latency|load.object.floor|BENCH_LOAD_OBJECT: floor (start-up + kernel calls)|ms|
Load latency|load.object.own|BENCH_LOAD_OBJECT: above the floor|ms|
Per-event cost|base.prctl|prctl(PR_SET_NAME), nothing attached|ns/call|
Per-event cost|cost.tp_ren_empty|task:task_rename, empty program|ns/event|libbpf<=1.05
Per-event cost|cost.tp_ren_count|task:task_rename, counting program|ns/event|libbpf<=1.05
Per-event cost|cost.raw_ren_empty|raw task_rename, empty program|ns/event|libbpf<=1.05
Per-event cost|cost.raw_ren_count|raw task_rename, counting program|ns/event|libbpf<=1.05
Per-event cost|cost.rawtp.ren_empty|raw/classic, task_rename, empty|ratio|
Per-event cost|cost.rawtp.ren_count|raw/classic, task_rename, counting|ratio|
Per-event cost|base.getppid|getppid(), nothing attached|ns/call|
Per-event cost|cost.tp_ppid_empty|syscalls:sys_enter_getppid, empty program|ns/event|libbpf<=1.05
Per-event cost|cost.tp_ppid_count|syscalls:sys_enter_getppid, counting program|ns/event|libbpf<=1.05
Per-event cost|cost.raw_ppid_empty|raw sys_enter (getppid), empty program|ns/event|libbpf<=1.05
Per-event cost|cost.raw_ppid_count|raw sys_enter (getppid), counting program|ns/event|libbpf<=1.05
Per-event cost|cost.rawtp.ppid_empty|raw/classic, getppid, empty|ratio|
Per-event cost|cost.rawtp.ppid_count|raw/classic, getppid, counting|ratio|
Kernel run time (BPF_ENABLE_STATS)|krun.tp_ren_empty|task:task_rename, empty|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.tp_ren_count|task:task_rename, counting|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.raw_ren_empty|raw task_rename, empty|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.raw_ren_count|raw task_rename, counting|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.tp_ppid_empty|sys_enter_getppid, empty|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.tp_ppid_count|sys_enter_getppid, counting|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.raw_ppid_empty|raw sys_enter, empty (all processes)|ns/run|libbpf<=1.05
Kernel run time (BPF_ENABLE_STATS)|krun.raw_ppid_count|raw sys_enter, counting (all processes)|ns/run|libbpf<=1.05
Delivery|deliver.w1.opens|64 pages, wakeup 1: opens made|opens/s|
Delivery|deliver.w1.recv|64 pages, wakeup 1: events received|events/s|libbpf>=1
Delivery|deliver.w1.lost|64 pages, wakeup 1: lost (reader)|events|
Delivery|deliver.w1.diff|64 pages, wakeup 1: reader lost - kernel drops|events|zero
Delivery|deliver.w16.opens|64 pages, wakeup 16: opens made|opens/s|
Delivery|deliver.w16.recv|64 pages, wakeup 16: events received|events/s|libbpf>=1
Delivery|deliver.w16.lost|64 pages, wakeup 16: lost (reader)|events|
Delivery|deliver.w16.diff|64 pages, wakeup 16: reader lost - kernel drops|events|zero
Delivery|deliver.paced.opens|64 pages, wakeup 1, paced: opens made|opens/s|
Delivery|deliver.paced.recv|64 pages, wakeup 1, paced: events received|events/s|libbpf>=1
Delivery|deliver.paced.lost|64 pages, wakeup 1, paced: lost (reader)|events|zero-if:libbpf
Delivery|deliver.paced.diff|64 pages, wakeup 1, paced: reader lost - kernel drops|events|zero
Delivery|deliver.small.recv|8 pages, wakeup 16: events received|events/s|libbpf>=1
Delivery|deliver.small.lost|8 pages, wakeup 16: lost (reader)|events|
Delivery|deliver.small.diff|8 pages, wakeup 16: reader lost - kernel drops|events|zero
Delivery|deliver.small.missing|8 pages, wakeup 16: opens - received - lost|events|zero
Delivery|deliver.rb1.opens|ring buffer, 64 pages per CPU in one ring, wakeup when it was empty: opens made|opens/s|
Delivery|deliver.rb1.recv|ring buffer, wakeup when it was empty: events received|events/s|
Delivery|deliver.rb1.vs|ring buffer / perf buffer (64 pages, wakeup 1): events received|ratio|
Delivery|deliver.rb1.lost|ring buffer, wakeup when it was empty: lost (counted by the program)|events|
Delivery|deliver.rb16.opens|ring buffer, 64 pages per CPU in one ring, wakeup at 1/16 full: opens made|opens/s|
Delivery|deliver.rb16.recv|ring buffer, wakeup at 1/16 full: events received|events/s|
Delivery|deliver.rb16.vs|ring buffer / perf buffer (64 pages, wakeup 16): events received|ratio|
Delivery|deliver.rb16.lost|ring buffer, wakeup at 1/16 full: lost (counted by the program)|events|
Delivery|deliver.rbsmall.recv|ring buffer, 8 pages per CPU in one ring, wakeup at 1/16: events received|events/s|
Delivery|deliver.rbsmall.lost|ring buffer, 8 pages per CPU: lost (counted by the program)|events|
Delivery|deliver.rbsmall.missing|ring buffer, 8 pages per CPU: opens - received - lost|events|zero
Tracer at full speed|tracer.base|one process opening a file, nothing attached|us/open|
Tracer at full speed|tracer1.opens|tracepoint syscalls:sys_enter_openat > file: opens made|opens/s|
Tracer at full speed|tracer1.cost|the same: time per open of the traced process|us/open|
Tracer at full speed|tracer1.costx|the same / nothing attached|ratio|
Tracer at full speed|tracer1.recv|the same: events written|events/s|
Tracer at full speed|tracer1.lost|the same: events lost (of 200000)|events|zero
Tracer at full speed|tracer1pb.cost|the same, --ring-buffer (one BPF ring buffer): time per open|us/open|
Tracer at full speed|tracer1pb.costx|the same / nothing attached|ratio|
Tracer at full speed|tracer1pb.recv|the same, --ring-buffer (one BPF ring buffer): events written|events/s|
Tracer at full speed|tracer1pb.lost|the same, --ring-buffer (one BPF ring buffer): events lost|events|
Tracer at full speed|tracer1rec.cost|perf record -a + perf script: time per open|us/open|
Tracer at full speed|tracer1rec.costx|the same / nothing attached|ratio|
Tracer at full speed|tracer1rec.recv|perf record -a + perf script: events written|events/s|
Tracer at full speed|tracer1rec.lost|perf record -a + perf script: events lost|events|
Tracer at full speed|tracer2.opens|-e sys_enter_openat -e sys_exit_openat > file: opens made|opens/s|
Tracer at full speed|tracer2.cost|the same: time per open of the traced process|us/open|
Tracer at full speed|tracer2.costx|the same / nothing attached|ratio|
Tracer at full speed|tracer2.recv|the same: events written (two per open)|events/s|
Tracer at full speed|tracer2.lost|the same: events lost (of 400000)|events|zero
Tracer at full speed|tracer2pb.cost|the same, --ring-buffer (one BPF ring buffer): time per open|us/open|
Tracer at full speed|tracer2pb.costx|the same / nothing attached|ratio|
Tracer at full speed|tracer2pb.recv|the same, --ring-buffer (one BPF ring buffer): events written|events/s|
Tracer at full speed|tracer2pb.lost|the same, --ring-buffer (one BPF ring buffer): events lost|events|
Tracer at full speed|tracer2rec.cost|perf record -a + perf script: time per open|us/open|
Tracer at full speed|tracer2rec.recv|perf record -a + perf script: events written|events/s|
Tracer at full speed|tracer2rec.lost|perf record -a + perf script: events lost|events|
Exit after Ctrl-C|exit.opensnoop|opensnoop (6 tracepoints): SIGINT to exit|ms|max<=150/libbpf
Exit after Ctrl-C|exit.opensnoop.report|opensnoop: SIGINT to the closing summary line|ms|
Exit after Ctrl-C|exit.cswitch|cswitch (sched:sched_switch)|ms|max<=150/libbpf
Exit after Ctrl-C|exit.cswitch.report|cswitch: SIGINT to the summary|ms|
Exit after Ctrl-C|exit.netdev|netdev (2 net tracepoints)|ms|max<=150/libbpf
Exit after Ctrl-C|exit.netdev.report|netdev: SIGINT to the summary|ms|
Exit after Ctrl-C|exit.syscount|syscount (raw_syscalls:sys_enter)|ms|max<=150/libbpf
Exit after Ctrl-C|exit.syscount.report|syscount: SIGINT to the summary|ms|
Exit after Ctrl-C|exit.syslat|syslat (raw_syscalls:sys_enter, sys_exit)|ms|max<=150/libbpf
Exit after Ctrl-C|exit.syslat.report|syslat: SIGINT to the summary|ms|
Exit after Ctrl-C|exit.raw|raw-tracepoint sched_switch|ms|max<=150/libbpf
Exit after Ctrl-C|exit.raw.report|raw-tracepoint: SIGINT to the summary|ms|
Exit after Ctrl-C|exit.tp1|tracepoint sched:sched_switch|ms|max<=150/libbpf
Exit after Ctrl-C|exit.tp1.report|tracepoint: SIGINT to the summary|ms|
Exit after Ctrl-C|exit.tp50|tracepoint -e x50 (the first 50 syscalls:sys_enter_*)|ms|libbpf<=1.5
Exit after Ctrl-C|exit.tp50.report|tracepoint x50: SIGINT to the summary|ms|
Scaling|list|tpbpf list (whole process)|ms|
Scaling|list.per_tp|tpbpf list, per tracepoint listed|us|
Scaling|attach.1|attach to 1 sys_enter_* tracepoint|us/tracepoint|
Scaling|attach.10|attach to 10|us/tracepoint|
Scaling|attach.100|attach to 100|us/tracepoint|
Scaling|attach.all|attach to all sys_enter_*|us/tracepoint|
Scaling|attach.all.n|number of sys_enter_* tracepoints|count|
Scaling|attach.growth|(time/N at all) / (time/N at 10): 1 is linear|ratio|lin<=1.5
'

printf '%s\n' "$SPEC" | awk -v samples="$SAMPLES" -v machine="$MACHINE" \
	-v command="$COMMAND" -v md="$MD" -v json="$JSON" -v date="$(date -u +%Y-%m-%d)" '
function fmt(v,   a) {
	if (v == "") return "-"
	a = v < 0 ? -v : v
	if (a >= 100) return sprintf("%.0f", v)
	if (a >= 10) return sprintf("%.1f", v)
	if (a >= 0.1 || a == 0) return sprintf("%.2f", v)
	return sprintf("%.4f", v)
}
# Median, min and max of the space-separated numbers in S, into M[].
function stats(s, m,   v, n, i, j, t) {
	n = split(s, v, " ")
	for (i = 1; i <= n; i++) v[i] += 0
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	m["n"] = n
	if (n == 0) { m["med"] = m["min"] = m["max"] = ""; return }
	m["med"] = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	m["min"] = v[1]; m["max"] = v[n]
}
function cell(s,   m) { stats(s, m); if (m["n"] == 0) return "-"
	if (m["n"] == 1) return fmt(m["med"])
	return fmt(m["med"]) " (" fmt(m["min"]) "–" fmt(m["max"]) ")" }
function jstats(s,   m) { stats(s, m); if (m["n"] == 0) return "null"
	return sprintf("{\"median\": %s, \"min\": %s, \"max\": %s, \"runs\": [%s]}",
		m["med"] + 0, m["min"] + 0, m["max"] + 0, jlist(s)) }
function jlist(s,   v, n, i, o) { n = split(s, v, " "); o = ""
	for (i = 1; i <= n; i++) o = o (i > 1 ? ", " : "") (v[i] + 0); return o }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
# Run-by-run ratios tpbpf/PEER of ROW.
function ratios(row, peer,   r, o) { o = ""
	for (r = 0; r <= maxrun; r++)
		if ((row, "tpbpf", r) in val && (row, peer, r) in val && val[row, peer, r] != 0)
			o = o " " val[row, "tpbpf", r] / val[row, peer, r]
	return o }
function allzero(row, side,   r, any) { any = 0
	for (r = 0; r <= maxrun; r++)
		if ((row, side, r) in val) { any = 1; if (val[row, side, r] != 0) return 0 }
	return any }
BEGIN {
	nsides = split("tpbpf libbpf bpftrace perf", sides, " ")
	while ((getline line < samples) > 0) {
		split(line, f, " ")
		val[f[1], f[2], f[3]] = f[4]
		if (f[3] + 0 > maxrun) maxrun = f[3] + 0
		present[f[2]] = 1
	}
}
/^=/ {
	split($0, d, " "); name = substr(d[1], 2)
	for (s = 1; s <= nsides; s++)
		for (r = 0; r <= maxrun; r++)
			if ((d[2], sides[s], r) in val && (d[4], sides[s], r) in val) {
				a = val[d[2], sides[s], r]; b = val[d[4], sides[s], r]
				if (d[3] == "-") val[name, sides[s], r] = a - b
				else if (d[3] == "+") val[name, sides[s], r] = a + b
				else if (b != 0) val[name, sides[s], r] = a / b
			}
	next
}
/\|/ { nrows++; split($0, spec, "|")
	sec[nrows] = spec[1]; row[nrows] = spec[2]; what[nrows] = spec[3]
	unit[nrows] = spec[4]; checks[nrows] = spec[5] }
END {
	print "# tpbpf benchmark results\n" > md
	print "Machine: " machine "  " > md
	print "Run: `" command "` on " date "; " (maxrun + 1) " runs per side, sides taking turns." > md
	print "Cells: median (min–max) over runs; ratios are tpbpf/peer per pair of back-to-back runs.\n" > md
	printf "{\n  \"machine\": %s,\n  \"command\": %s,\n  \"date\": %s,\n  \"runs\": %d,\n  \"rows\": [\n",
		jstr(machine), jstr(command), jstr(date), maxrun + 1 > json
	for (s = 2; s <= nsides; s++)
		if (!(sides[s] in present)) print "(" sides[s] ": not installed, skipped)\n" > md
	cursec = ""; nmet = nmiss = 0
	for (i = 1; i <= nrows; i++) {
		for (s = 1; s <= nsides; s++) {
			l = ""
			for (r = 0; r <= maxrun; r++)
				if ((row[i], sides[s], r) in val) l = l " " val[row[i], sides[s], r]
			vals[sides[s]] = l
		}
		# A row nobody measured this run (a peer or an object not there) is left out.
		if (vals["tpbpf"] vals["libbpf"] vals["bpftrace"] vals["perf"] == "") continue
		if (sec[i] != cursec) {
			cursec = sec[i]
			print "\n### " cursec "\n" > md
			print "| measurement | unit | tpbpf | libbpf | bpftrace | perf | tpbpf/libbpf | tpbpf/bpftrace | tpbpf/perf | target | met |" > md
			print "|---|---|---|---|---|---|---|---|---|---|---|" > md
		}
		rl = ratios(row[i], "libbpf"); rb = ratios(row[i], "bpftrace"); rp = ratios(row[i], "perf")
		target = ""; met = ""
		nc = split(checks[i], ck, ",")
		for (c = 1; c <= nc; c++) {
			t = ck[c]; ok = ""
			if (t ~ /^(libbpf|bpftrace|perf)(<=|>=)/) {
				peer = t; sub(/(<=|>=).*/, "", peer)
				lim = t; sub(/^[a-z]*(<=|>=)/, "", lim)
				stats(peer == "libbpf" ? rl : peer == "bpftrace" ? rb : rp, m)
				# A ratio of costs at or below 0 is noise, not a result.
				if (m["n"] > 0 && m["med"] > 0)
					ok = (t ~ /<=/) ? (m["med"] <= lim + 0) : (m["med"] >= lim + 0)
				desc = "tpbpf/" peer (t ~ /<=/ ? " ≤ " : " ≥ ") lim
			} else if (t == "zero") {
				if (vals["tpbpf"] != "") ok = allzero(row[i], "tpbpf")
				desc = "0 in every run"
			} else if (t ~ /^zero-if:/) {
				peer = substr(t, 9)
				if (vals["tpbpf"] != "" && allzero(row[i], peer)) ok = allzero(row[i], "tpbpf")
				desc = "0 where " peer " loses none"
			} else if (t ~ /^max<=/) {
				split(substr(t, 6), mx, "/")
				stats(vals["tpbpf"], m); stats(vals[mx[2]], mp)
				lim = mx[1] + 0
				if (mp["n"] > 0 && mp["med"] > lim) lim = mp["med"]
				if (m["n"] > 0) ok = m["med"] <= lim
				desc = "≤ " mx[1] " " unit[i] " or " mx[2] ", whichever is larger"
			} else if (t ~ /^lin<=/) {
				stats(vals["tpbpf"], m)
				if (m["n"] > 0) ok = m["med"] <= substr(t, 6) + 0
				desc = "≤ " substr(t, 6)
			}
			target = target (target != "" ? "; " : "") desc
			if (ok == "") r_ = "n/a"; else if (ok) { r_ = "yes"; nmet++ } else { r_ = "**no**"; nmiss++ }
			met = met (met != "" ? "; " : "") r_
		}
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", what[i], unit[i],
			cell(vals["tpbpf"]), cell(vals["libbpf"]), cell(vals["bpftrace"]), cell(vals["perf"]),
			cell(rl), cell(rb), cell(rp), target, met > md
		printf "%s    {\"section\": %s, \"row\": %s, \"what\": %s, \"unit\": %s,\n     \"tpbpf\": %s,\n     \"libbpf\": %s,\n     \"bpftrace\": %s,\n     \"perf\": %s,\n     \"ratio_libbpf\": %s,\n     \"ratio_bpftrace\": %s,\n     \"ratio_perf\": %s,\n     \"target\": %s, \"met\": %s}",
			njson++ ? ",\n" : "",
			jstr(sec[i]), jstr(row[i]), jstr(what[i]), jstr(unit[i]),
			jstats(vals["tpbpf"]), jstats(vals["libbpf"]), jstats(vals["bpftrace"]), jstats(vals["perf"]),
			jstats(rl), jstats(rb), jstats(rp), jstr(target), jstr(met) > json
	}
	printf "\nTargets met: %d, missed: %d.\n", nmet, nmiss > md
	printf "\n  ],\n  \"targets_met\": %d,\n  \"targets_missed\": %d\n}\n", nmet, nmiss > json
}'

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
#   lin<=X            the median is at most X (a growth ratio: 1 is linear)
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
=load.floor load.start + load.bpf
=load.own load.opensnoop - load.floor
Load latency|load.opensnoop|opensnoop object: exec to attached (libbpf program linked as usual, -lbpf)|ms|libbpf<=0.5,bpftrace<=0.05
Load latency|load.static|the same, libbpf program linked statically too|ms|libbpf<=0.5
Load latency|load.start|start-up alone: fork, exec, exit of an empty static program (no loader)|ms|
Load latency|load.bpf|kernel calls of a tpbpf opensnoop load (bpf, perf_event_open, ring mmap), summed from tpbpf -v|ms|
Load latency|load.floor|floor for any loader making those calls: start-up + kernel calls|ms|
Load latency|load.own|above the floor: the work of the loader itself (exec to attached - floor)|ms|
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
	nsides = split("tpbpf libbpf bpftrace", sides, " ")
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
		if (sec[i] != cursec) {
			cursec = sec[i]
			print "\n### " cursec "\n" > md
			print "| measurement | unit | tpbpf | libbpf | bpftrace | tpbpf/libbpf | tpbpf/bpftrace | target | met |" > md
			print "|---|---|---|---|---|---|---|---|---|" > md
		}
		for (s = 1; s <= nsides; s++) {
			l = ""
			for (r = 0; r <= maxrun; r++)
				if ((row[i], sides[s], r) in val) l = l " " val[row[i], sides[s], r]
			vals[sides[s]] = l
		}
		rl = ratios(row[i], "libbpf"); rb = ratios(row[i], "bpftrace")
		target = ""; met = ""
		nc = split(checks[i], ck, ",")
		for (c = 1; c <= nc; c++) {
			t = ck[c]; ok = ""
			if (t ~ /^(libbpf|bpftrace)(<=|>=)/) {
				peer = t; sub(/(<=|>=).*/, "", peer)
				lim = t; sub(/^[a-z]*(<=|>=)/, "", lim)
				stats(peer == "libbpf" ? rl : rb, m)
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
			} else if (t ~ /^lin<=/) {
				stats(vals["tpbpf"], m)
				if (m["n"] > 0) ok = m["med"] <= substr(t, 6) + 0
				desc = "≤ " substr(t, 6)
			}
			target = target (target != "" ? "; " : "") desc
			if (ok == "") r_ = "n/a"; else if (ok) { r_ = "yes"; nmet++ } else { r_ = "**no**"; nmiss++ }
			met = met (met != "" ? "; " : "") r_
		}
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", what[i], unit[i],
			cell(vals["tpbpf"]), cell(vals["libbpf"]), cell(vals["bpftrace"]),
			cell(rl), cell(rb), target, met > md
		printf "    {\"section\": %s, \"row\": %s, \"what\": %s, \"unit\": %s,\n     \"tpbpf\": %s,\n     \"libbpf\": %s,\n     \"bpftrace\": %s,\n     \"ratio_libbpf\": %s,\n     \"ratio_bpftrace\": %s,\n     \"target\": %s, \"met\": %s}%s\n",
			jstr(sec[i]), jstr(row[i]), jstr(what[i]), jstr(unit[i]),
			jstats(vals["tpbpf"]), jstats(vals["libbpf"]), jstats(vals["bpftrace"]),
			jstats(rl), jstats(rb), jstr(target), jstr(met), i < nrows ? "," : "" > json
	}
	printf "\nTargets met: %d, missed: %d.\n", nmet, nmiss > md
	printf "  ],\n  \"targets_met\": %d,\n  \"targets_missed\": %d\n}\n", nmet, nmiss > json
}'

#!/usr/bin/env bash
# Writes docs/load-path.md: the load path step by step, with the real -v
# lines of this machine spliced into the text below. Needs root (it loads
# programs) and a built tree (make).
#   scripts/gen_load_path_doc.sh [OUT]      default OUT: docs/load-path.md
#
# The steps are named, not numbered, as in loader/object.h, which keeps
# their list in the order they run; this text follows that list.
#
# Objects loaded, each for a second with -v (every load-time constant the
# error asks for set to 0):
#   build/progs/opensnoop.bpf.o            legacy maps, load-time constants,
#                                          a perf event array: the main run
#   build/progs/opensnoop_ringbuf.bpf.o    the same through a ring buffer
#                                          (where the kernel has them)
#   build/tests/bpf/core_tracepoint.g.bpf.o  libbpf style: SEC(".maps"),
#                                          .BTF, .rodata, CO-RE relocations
#                                          (built here if missing), with the
#                                          kernel's BTF forced absent, so
#                                          tracefs formats answer the CO-RE
#                                          relocations on any kernel
# and opensnoop and core_tracepoint again with TPBPF_FORCE_ABSENT=all, the
# paths an old kernel takes.
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-docs/load-path.md}
TPBPF=build/tpbpf
OBJ=build/progs/opensnoop.bpf.o
RB_OBJ=build/progs/opensnoop_ringbuf.bpf.o
CORE_OBJ=build/tests/bpf/core_tracepoint.g.bpf.o
[ -x "$TPBPF" ] && [ -f "$OBJ" ] || { echo "build first: make" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "needs root: it loads programs" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Load OBJ with -v for a second (opening a file meanwhile), with the
# environment VAR=VALUE...; retry with every --const the error asks for,
# set to 0. The log goes to $tmp/NAME, without the "tpbpf: " prefix.
run_v() { # name obj [VAR=VALUE...]
	local name=$1 obj=$2 consts=() i c
	shift 2
	for i in $(seq 16); do
		( sleep 0.5; cat /etc/hostname > /dev/null ) &
		if env "$@" "$TPBPF" -v load "$obj" -d 1 "${consts[@]}" > "$tmp/out" 2> "$tmp/$name"; then
			sed -i 's/^tpbpf: //' "$tmp/$name"
			return 0
		fi
		c=$(sed -n 's/.*tpbpf load --const \([A-Za-z0-9_]*\)=VALUE.*/\1/p' "$tmp/$name" | head -1)
		[ -n "$c" ] || return 1
		consts+=(--const "$c=0")
	done
	return 1
}

run_v main "$OBJ" || { echo "tpbpf -v load $OBJ failed:" >&2; cat "$tmp/main" >&2; exit 1; }
run_v old "$OBJ" TPBPF_FORCE_ABSENT=all || { echo "tpbpf -v load $OBJ (all absent) failed:" >&2; cat "$tmp/old" >&2; exit 1; }
RB=false
[ -f "$RB_OBJ" ] && run_v rb "$RB_OBJ" && RB=true
CORE=false
[ -f "$CORE_OBJ" ] || make -s "$CORE_OBJ" > /dev/null 2>&1 || true
if [ -f "$CORE_OBJ" ]; then
	run_v core "$CORE_OBJ" TPBPF_FORCE_ABSENT=kernel_btf || { echo "tpbpf -v load $CORE_OBJ failed:" >&2; cat "$tmp/core" >&2; exit 1; }
	run_v coreold "$CORE_OBJ" TPBPF_FORCE_ABSENT=all || { echo "tpbpf -v load $CORE_OBJ (all absent) failed:" >&2; cat "$tmp/coreold" >&2; exit 1; }
	CORE=true
fi

# A code block of the lines of LOG that match REGEX (at most MAX).
lines() { # log extended-regex [max]
	local max=${3:-40} n
	n=$(grep -cE -- "$2" "$tmp/$1" || true)
	echo '```'
	grep -E -- "$2" "$tmp/$1" | head -n "$max"
	[ "$n" -gt "$max" ] && echo "... ($((n - max)) more)"
	echo '```'
}
# At most MAX lines of the input, then how many were left out.
at_most() { # max
	awk -v max="$1" 'NR <= max { print } END { if (NR > max) printf "... (%d more)\n", NR - max }'
}
# A code block of LOG from the first line that matches START up to the
# next that matches STOP (left out; with "incl", kept), at most MAX lines,
# without the lines that match SKIP (the closes of probes, say).
range() { # log start stop [max] [incl] [skip]
	echo '```'
	awk -v s="$2" -v e="$3" -v incl="${5:-}" -v skip="${6:-^$}" '
		!p && $0 ~ s { p = 1; print; next }
		p && $0 ~ e { if (incl != "") print; exit }
		p && $0 !~ skip' "$tmp/$1" | at_most "${4:-40}"
	echo '```'
}
# A code block of each line of LOG that matches REGEX with the line after it
# (a call and its result), at most MAX lines.
pairs() { # log extended-regex [max]
	echo '```'
	awk -v r="$2" '$0 ~ r { print; if ((getline line) > 0) print line }' "$tmp/$1" |
		at_most "${3:-40}"
	echo '```'
}
# The feature probes of LOG: from "probe X" to its answer.
probes() { # log
	awk '/^probe /{p=1} p && !/^close\(/{print} /-> (present|absent)/{p=0}' "$tmp/$1"
}
# Without the libbpf-style object: say how to get its lines.
no_core() {
	echo "(\`$CORE_OBJ\` could not be built here: \`make $CORE_OBJ\` needs clang; then run this script again.)"
}

# Classic vs raw tracepoint cost, measured with syscount --stats.
stats() { # args...
	if ! "$TPBPF" syscount --help > /dev/null 2>&1 || [ ! -x build/tests/helpers/syscall_loop ]; then
		echo "(run \`tpbpf syscount $* -d 2\` under a loop of getppid() calls)"
		return
	fi
	build/tests/helpers/syscall_loop getppid 3000000 > /dev/null 2>&1 &
	local loop=$!
	echo '```'
	echo "\$ tpbpf syscount $* -d 2    # while a loop calls getppid()"
	"$TPBPF" syscount "$@" -d 2 2>&1 | grep -E 'stats: .*[1-9][0-9]* runs|counted' | sed 's/^tpbpf: //'
	echo '```'
	kill "$loop" 2> /dev/null || true
	wait "$loop" 2> /dev/null || true
}
[ -x build/tests/helpers/syscall_loop ] || make -s build/tests/helpers/syscall_loop > /dev/null 2>&1 || true

KREL=$(uname -r)
{
cat <<EOF
# The load path, step by step

<!-- Generated by scripts/gen_load_path_doc.sh on Linux $KREL: do not edit; rerun it. -->

What \`tpbpf load\` does with an object, in the order it happens, with the
lines \`tpbpf -v\` printed on Linux $KREL. For each step: what it does,
the system call it makes and the kernel function that answers it, what
fails there on older kernels, and what tpbpf does instead.

The steps have names, not numbers; the comments in the code use the same
names (\`The load path, step "relocate"\`), and \`loader/object.h\` keeps
the same list at its top:

| step | file | what happens |
|---|---|---|
| \`read\` | loader/elf_reader.c, btf_maps.c, btf.c, btf_ext.c | the object file into memory: sections, programs, maps, global data, its own BTF |
| \`plan\` | loader/relocate.c | each program's relocation plan: every instruction loading will rewrite |
| \`btf\` | loader/btf_load.c, btf_sanitize.c | the object's BTF into the kernel, so maps get typed keys and values |
| \`maps\` | loader/maps.c | every map created; global data written |
| \`relocate\` | loader/relocate.c, load_constants.c, core_resolve.c, core.c | the plan applied to a copy of each program: map fds, constants, CO-RE answers |
| \`fallbacks\` | loader/fallbacks.c | rewrites for a kernel that lacks a feature |
| \`load\` | loader/prog_load.c | \`BPF_PROG_LOAD\`, the verifier's log when it refuses |
| \`attach\` | loader/attach.c | each program onto its tracepoints |
| \`events\` | loader/event_reader.c, perf_reader.c, ringbuf_reader.c | what the programs send, read from their rings |
| \`stop\` | loader/attach.c | every link closed at once: no program runs any more |
| \`close\` | loader/attach.c, object.c, maps.c | perf events, programs, maps and BTF closed |

\`read\` and \`plan\` are \`tpbpf_object_open()\`; \`btf\` to \`load\` are
\`tpbpf_object_load()\` (\`relocate\`, \`fallbacks\` and \`load\` once per
program, in turn); \`attach\` is \`tpbpf_object_attach()\`; \`stop\` is
\`tpbpf_object_stop()\` and \`close\` \`tpbpf_object_close()\`. The tools
set the event reader up just before \`attach\`, so the first records are
not lost, and read from it until they stop.

The object of most examples is \`$OBJ\` (the program of \`tpbpf
opensnoop\`: legacy \`SEC("maps")\`, load-time constants, a perf event
array). The libbpf-style parts (\`SEC(".maps")\`, the object's BTF,
\`.rodata\`, CO-RE relocations) come from \`$CORE_OBJ\`, a test
object, loaded with the kernel's BTF forced absent
(\`TPBPF_FORCE_ABSENT=kernel_btf\`) so that what answers its CO-RE
relocations is what answers them on a kernel without BTF. The paths of
older kernels come from the same two objects loaded with every feature
forced absent (\`TPBPF_FORCE_ABSENT=all\`, see "Feature probes" below).

\`tpbpf inspect OBJECT.o\` shows what \`read\` and \`plan\` found, and what
\`relocate\` would write on this kernel, without loading anything;
\`tpbpf inspect --disasm\` shows the relocated instructions.

## Feature probes: not a step, asked from inside the steps

Where a choice depends on the kernel, tpbpf asks the kernel rather than
trusting its version number (distributions backport): a tiny program load
(\`BPF_PROG_LOAD\`, \`bpf_prog_load()\` in kernel/bpf/syscall.c), map
creation (\`BPF_MAP_CREATE\`), BTF load (\`BPF_BTF_LOAD\`), or a file
(\`/sys/kernel/btf/vmlinux\`). A probe runs only when a step needs its
answer, at most once per process (loader/features.c); some answers come
from the real call failing, with no probe at all (map and program names,
BPF links, the locked-memory limit). \`tpbpf features\` lists them all;
\`TPBPF_FORCE_ABSENT=NAME,NAME\` (or \`all\`) makes probes answer
"absent" without asking, so the fallback paths run, and are tested, on a
new kernel too.

\`\`\`
$(probes main; if $CORE; then probes core; fi)
\`\`\`

## read: the object into memory (loader/elf_reader.c, btf_maps.c, btf.c, btf_ext.c)

No system call but reading the file: libelf checks the header (64-bit
ELF, machine BPF, a relocatable \`.o\`, this machine's byte order) and
tpbpf copies out the sections, the symbol table, the relocation sections
of code and of \`.maps\`, and the license. Each global function in an
executable section is a program; its kind comes from the section name
(\`tracepoint/CAT/NAME\` or \`tp/\`, \`raw_tracepoint/NAME\` or
\`raw_tp/\`, \`raw_tp.w/\` for the writable kind). A program of another
kind (\`kprobe/\`, \`fentry/\`, \`xdp\`...) is read but not loaded, with the
reason; \`.text\` holds the functions programs call. Maps come from the
legacy \`SEC("maps")\` array of \`struct bpf_map_def\` (four to nine
\`u32\` fields, gobpf's \`maps/NAME\` too) and from \`SEC(".maps")\`,
whose variables' types in the object's own \`.BTF\` say type, key and
value (with their BTF types), max_entries, flags, pinning and the slots of
maps of maps. Each \`.data\`, \`.rodata\` or \`.bss\` section the code refers
to becomes a one-entry array map (\`.rodata\` with \`BPF_F_RDONLY_PROG\`).
\`.BTF\` and \`.BTF.ext\` (clang \`-g\`) are checked once here, whole, as
untrusted input.

\`\`\`
$(lines main '^(read object|\.BTF|program [^ ]+: section|section maps|map [^ ]+: type|global data|warning)' 20 | sed '1d;$d')
$(if $CORE; then lines core '^(read object|\.BTF|program [^ ]+: section|map [^ ]+ \(SEC|global data|warning)' 20 | sed '1d;$d'; fi)
\`\`\`

Fails here, naming the object and what is wrong: a file that is not a BPF
relocatable object, no symbol table (a stripped object), \`RELA\`
relocations on code, two sections of one name, code that is not a whole
number of instructions or has no global function, no program at all, map
definitions of different sizes or with fields tpbpf does not know, gobpf
pinning, a \`SEC(".maps")\` field it cannot read. No license section is no
failure: the programs load as not GPL-compatible, and a GPL-only helper is
refused at \`load\`, which then says to add the license. A \`.BTF\` or
\`.BTF.ext\` that does not read fails only what needs it (\`SEC(".maps")\`,
CO-RE), saying why. The kernel does not matter yet.

## plan: the relocation plan (loader/relocate.c)

Still no system call: for each program, every instruction that loading
will rewrite, as data, made once when the object is read; \`relocate\`
applies it, \`tpbpf inspect\` and \`-v\` print it. The \`.text\`
functions a program calls are laid out after its own code, each once, in
the order they are first called, and their instructions planned too. The
kinds of entry:

- \`ld_imm64\` of a map symbol (legacy or \`SEC(".maps")\`): the map's fd;
- \`ld_imm64\` of a global variable: the map of its section and the offset;
- \`ld_imm64\` of an undefined \`tpbpf.*\` symbol: a load-time constant
  (\`TP_FIELD_OFF()\`, \`TP_ID()\`, \`KERNEL_OFF()\`, \`TPBPF_CONST()\`...);
- a call into \`.text\`: the distance to where the function lands;
- a CO-RE record of \`.BTF.ext\` (\`BPF_CORE_READ()\`,
  \`bpf_core_field_exists()\`...), its access string walked through the
  object's BTF now: a field's offset, size, signedness or existence, a
  type's existence or size, an enumerator's value;
- a weak \`__ksym\` extern, loaded or called as a kfunc: absent (0), so
  \`bpf_ksym_exists()\` is false;
- anything else (an undefined symbol that is none of these, a strong
  \`__ksym\`, a \`__kconfig\` extern, a call outside the object): an
  invalid entry that fails \`relocate\` with the reason, and that
  \`inspect\` shows.

The plan also notes where each \`bpf_get_attach_cookie()\` call
(\`TP_EVENT_ID()\`) sits, for \`fallbacks\`.

\`\`\`
$(lines main '^relocation plan of' 8 | sed '1d;$d')
$(if $CORE; then lines core '^relocation plan of' 8 | sed '1d;$d'; fi)
\`\`\`

## btf: the object's BTF into the kernel (loader/btf_load.c, btf_sanitize.c)

Only when the object has a \`.BTF\` and a map can use it (a
\`SEC(".maps")\` map with typed key or value, or global data): first
whether the kernel takes BTF at all (probe \`btf\`, 4.18), then the blob is
finished as a loader must (clang leaves each \`DATASEC\`'s size and its
variables' offsets to be filled from the ELF sections and symbols), then
each BTF kind this kernel may not know is tried with a tiny
\`bpf(BPF_BTF_LOAD)\` of its own, and the object's BTF is loaded:
\`bpf_btf_load()\` in kernel/bpf/syscall.c, which checks it in
\`btf_new_fd()\`, kernel/bpf/btf.c.

$(if $CORE; then range core '^(probe btf|bpf\(BPF_BTF_LOAD|.*maps created without BTF)' '^bpf\(BPF_MAP_CREATE' 30 '' '^close\('; else no_core; fi)

On older kernels: the BTF kinds came one by one (functions 5.0, \`VAR\` and
\`DATASEC\` 5.2, global functions 5.6, \`FLOAT\` 5.13, \`DECL_TAG\` 5.16,
\`TYPE_TAG\` 5.17, \`ENUM64\` 6.0); each one the kernel does not know is
replaced in the blob by one it does, in the same place, so every type ID
stays what the maps refer to. Nothing here is required: no BTF support
(before 4.18), a blob that cannot be prepared, or a refusal (whose log
\`-v\` prints), and the maps are created without types. \`EPERM\` before
5.11 raises the locked-memory limit, as in \`maps\`.

$(if $CORE; then lines coreold '(maps created without BTF|refused its BTF)' 4; fi)

## maps: create the maps (loader/maps.c)

\`bpf(BPF_MAP_CREATE)\`, answered by \`map_create()\` in kernel/bpf/syscall.c,
once per map, with its name and, after \`btf\`, the BTF fd and the type IDs
of key and value. A perf event array of 0 entries gets one per possible
CPU. A map of maps is created with a map like its elements, then given
the slots its definition names with \`BPF_MAP_UPDATE_ELEM\`. A map pinned by
name (\`LIBBPF_PIN_BY_NAME\`) is first looked for under the pin root
(\`/sys/fs/bpf\`, \`BPF_OBJ_GET\`) and reused when it is the same map, else
created and pinned (\`BPF_OBJ_PIN\`). Global data maps get their
section's bytes with \`BPF_MAP_UPDATE_ELEM\` (\`map_update_elem()\`), and
\`.rodata\` is then frozen with \`BPF_MAP_FREEZE\` (\`map_freeze()\`), so
user space cannot change it either.

\`\`\`
$(lines main '^(bpf\(BPF_MAP_CREATE|  -> map fd|possible CPUs)' 10 | sed '1d;$d')
\`\`\`

$(if $CORE; then range core '^bpf\(BPF_MAP_CREATE' '^relocate program' 24 '' '^close\('; fi)

On older kernels:

- **map names** arrived in 4.15: the first refusal (\`EINVAL\`, or
  \`E2BIG\` for an attribute longer than the kernel's) is checked with the
  probe \`map_name\`, and maps are created without names from then on.
- **memory accounting**: before 5.11 BPF memory is charged to
  \`RLIMIT_MEMLOCK\` and \`EPERM\` comes back for even small maps. No probe
  can tell in advance: the first \`EPERM\` (of a map, the BTF or a
  program) raises the limit to unlimited, once, and the call is made
  again; when the kernel still refuses, the error says how to raise it
  (\`ulimit -l\`, \`LimitMEMLOCK=infinity\`) or that root is needed. With
  \`memcg_accounting\` forced absent the limit is raised before the first
  map, as below.
- **LRU hash maps** (4.10): created as plain hash maps, which take no new
  entry when full.
- **BTF types** refused: the map is created again without them.
- **global data** (5.2, probe \`global_data\`): its maps are not created;
  \`fallbacks\` folds the reads of \`.rodata\` into constants, and any other
  use of global data fails there, naming the section and the variable.
- **map types** each have their first kernel (perf event array 4.3,
  per-CPU maps 4.6, ring buffer 5.8...): \`EINVAL\`, reported with the
  map's definition; \`tpbpf inspect\` lists what each needs.

$(lines old '^(the locked-memory|setrlimit|bpf\(BPF_MAP_CREATE.*name=""$)' 4)

## relocate: apply the plan (loader/relocate.c, load_constants.c, core_resolve.c, core.c)

In memory, once per program, just before it is loaded: the program's code
and its \`.text\` functions are copied in their layout and each entry of
the plan is written. A map reference gets \`src_reg = BPF_PSEUDO_MAP_FD\`
and the map's fd; a global variable \`BPF_PSEUDO_MAP_VALUE\`, the fd and
the offset; a call the distance to its function; a load-time constant its
value, read from tracefs (the event's \`id\` and \`format\` files, each read
once per object), the kernel struct offsets file, or \`--const\`; a weak
\`__ksym\` 0, or a poisoned call.

$(lines main '^ *(relocate program|append \.text|reloc |tracefs: .*format)' 16)

A CO-RE entry gets this kernel's answer, from the first source that
describes the struct it names (loader/core_resolve.c): the kernel's own
BTF (\`/sys/kernel/btf/vmlinux\`, 5.4 and newer with
\`CONFIG_DEBUG_INFO_BTF\`); for a tracepoint record,
\`struct trace_event_raw_NAME\`, the tracefs \`format\` of the event
(or of the tracepoint the program attaches to, for an event class), which
every kernel has; for another kernel struct, the kernel struct offsets file
(\`--offsets FILE\`). Here the kernel's BTF is forced absent, so the
formats answer:

$(if $CORE; then lines core '^ *(relocate program|reloc .*(CO-RE|global )|tracefs: .*format)' 20; else no_core; fi)

Fails here, naming the program, the instruction and the symbol: an
invalid entry of the plan; a tracepoint or field of a load-time constant
that this kernel does not have, or a \`TPBPF_CONST\` given no value; a
CO-RE relocation nothing on this kernel answers (the error names the
struct and field and the ways to provide it, never keeping the compiled
offset). A field the source does not have is no failure: "does it exist"
answers 0, and an instruction that reads it is poisoned, so the verifier
refuses the program only if it can reach it (\`load\` then names the
field). bpf-to-bpf calls need 4.16 and \`BPF_PSEUDO_MAP_VALUE\` 5.2: the
verifier refuses them at \`load\` before that, and \`fallbacks\` removes the
latter where it can.

## fallbacks: rewrites for older kernels (loader/fallbacks.c)

In memory, after \`relocate\`. Each rewrite is chosen by a feature probe,
asked only when the program needs the answer:

- **\`bpf_probe_read_kernel\`/\`_user\` and their \`_str\` forms** (5.5):
  their calls become \`bpf_probe_read\` and \`bpf_probe_read_str\`, which
  older kernels have for both.
- **global data** (5.2): a load of a \`.rodata\` value in straight-line code,
  whose address has no other use, becomes the value as an immediate; any
  other use of \`.data\`, \`.rodata\` or \`.bss\` fails, naming the section
  and the variable.
- **\`bpf_get_attach_cookie()\`**, which \`TP_EVENT_ID()\` calls (BPF links,
  5.15): each call becomes a constant, and \`attach\` loads one copy of the
  program per tracepoint with that tracepoint's event ID in it.

The two objects with every feature forced absent
(\`TPBPF_FORCE_ABSENT=all\`), as on an old kernel:

\`\`\`
$(lines old '^ *fallback' 4 | sed '1d;$d')
$(if $CORE; then lines coreold '^ *fallback|not created: no global data' 4 | sed '1d;$d'; fi)
\`\`\`

## load: BPF_PROG_LOAD (loader/prog_load.c)

\`bpf(BPF_PROG_LOAD)\` with the program type from the section, the
instructions, the license and the name: answered by \`bpf_prog_load()\` in
kernel/bpf/syscall.c, which runs the verifier, \`bpf_check()\` in
kernel/bpf/verifier.c. tpbpf loads without a log first (the verifier is
faster without one); when the kernel refuses, it loads again with a log of
256 KiB, four times larger while it does not fit (\`ENOSPC\`), and the error
says why in one line: the verifier's last words, or what they mean (a
GPL-only helper and the license, a helper this kernel does not have, a
poisoned CO-RE read or kfunc call the program can reach). The object's BTF
is not sent with the program (no \`func_info\` or \`line_info\`).
\`--verifier-log\` keeps the log of every program. Once every program is
loaded, the slots of program arrays their definitions name are filled.

$(pairs main 'BPF_PROG_LOAD.*name="[^"]+"' 12)

Each result line says how long the kernel took. The verifier's time is most
of a load, with the creation of a preallocated hash map (step \`maps\`:
every element is allocated up front): a loader cannot go faster than these
calls, and \`make bench\` measures how close tpbpf comes.

On older kernels: **program names** (4.15) are refused with \`EINVAL\` or
\`E2BIG\`; the probe \`prog_name\` confirms it and programs load without a
name. \`EPERM\` before 5.11 raises the locked-memory limit, as in \`maps\`.
The program types came in 4.7 (tracepoint), 4.17 (raw tracepoint) and 5.2
(writable raw tracepoint), bpf-to-bpf calls in 4.16: a refusal is reported
as such when the probe says so. Helpers each have their first kernel
(\`tpbpf inspect\` lists them). Before 5.2 a program may have at most 4096
instructions and a log at most 16 MiB - 1.

$(pairs old 'BPF_PROG_LOAD.*insn_cnt=[0-9]+ .*name=""' 2)

## attach: onto the tracepoints (loader/attach.c)

Classic tracepoint: tracefs is found (\`/sys/kernel/tracing\`, a tracefs
mount in \`/proc/self/mountinfo\`, \`/sys/kernel/debug/tracing\`, or
mounted at \`/sys/kernel/tracing\`), the event ID read from
\`events/CATEGORY/NAME/id\` (unless \`relocate\` read the format already),
then \`perf_event_open(PERF_TYPE_TRACEPOINT)\` on CPU 0 for every task (the
\`perf_event_open\` system call in kernel/events/core.c): one event is
enough, the program hangs off the tracepoint itself and runs on every CPU.
The program is hung off the event with \`bpf(BPF_LINK_CREATE)\`
(\`link_create()\` -> \`bpf_perf_link_attach()\` in kernel/bpf/syscall.c),
which carries the **cookie** \`TP_EVENT_ID()\` reads (the event ID), then
\`ioctl(PERF_EVENT_IOC_ENABLE)\`. Raw tracepoint:
\`bpf(BPF_RAW_TRACEPOINT_OPEN)\` with the tracepoint's name
(\`bpf_raw_tracepoint_open()\` in kernel/bpf/syscall.c). Either way the
attachment is a **link** of the program, and lasts as long as its fds.

$(range main 'perf_event_open\(type=PERF_TYPE_TRACEPOINT|BPF_RAW_TRACEPOINT_OPEN|-> event ID' '^detach ' 16)

On older kernels: there are no BPF links for perf events before 5.15
(\`EINVAL\`, or \`E2BIG\` from 5.7 to 5.14, which do not know the cookie):
trying the link is the probe, and tpbpf uses \`ioctl(PERF_EVENT_IOC_SET_BPF)\`
(\`perf_event_set_bpf_prog()\` in kernel/events/core.c) from then on; a
program that calls \`TP_EVENT_ID()\` is then loaded again for each
tracepoint, as a copy whose cookie calls \`fallbacks\` made constants.
Before 4.14 a \`syscalls:*\` tracepoint takes no BPF program (\`EINVAL\`:
the error says to use \`raw_syscalls\`); before 4.15 an event takes one
program only (\`EEXIST\`); raw tracepoints need 4.17.

$(pairs old 'PERF_EVENT_IOC_SET_BPF' 2)

## events: read what the programs send (loader/event_reader.c, perf_reader.c, perf_ring.c, ringbuf_reader.c, ringbuf.c)

One reader for both kinds of map a program sends records to. It takes its
own reference to the map (\`dup\`), asks the kernel which kind it is
(\`BPF_OBJ_GET_INFO_BY_FD\`, \`bpf_obj_get_info_by_fd()\`; a kernel before
4.13 cannot say, and has no ring buffers), and waits on one epoll set over
its rings; whatever wakes it, it reads every ring. The tools set it up
before \`attach\`.

For a \`BPF_MAP_TYPE_PERF_EVENT_ARRAY\` (every kernel tpbpf runs on): one
\`perf_event_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT)\` per
possible CPU, its ring \`mmap\`ed and enabled, its fd stored in the map's
slot for that CPU with \`BPF_MAP_UPDATE_ELEM\`; \`bpf_perf_event_output()\`
in the program (kernel/trace/bpf_trace.c) writes into the current CPU's
ring, and the kernel counts the records a full ring could not take.

$(range main '^epoll_create1' '^(tracefs:|perf_event_open\(type=PERF_TYPE_TRACEPOINT)' 14)

For a \`BPF_MAP_TYPE_RINGBUF\` (5.8 and newer): the map is the ring, one
for all CPUs. Its consumer page is \`mmap\`ed read-write, its producer page
and data (mapped twice in a row, so no record is cut by the end) read-only
(\`ringbuf_map_mmap_kern()\` in kernel/bpf/ringbuf.c), and the map fd itself
goes in the epoll set. A full ring makes the program's send fail. The
tools use the ring buffer build of their program where the kernel has
ring buffers (probe \`ringbuf\`), else the perf event array one.

$(if $RB; then range rb '^epoll_create1' 'ring buffer reader:' 8 incl; else echo "(no ring buffer on this kernel: \`$RB_OBJ\` does not load.)"; fi)

\`tpbpf load\` prints the records of the map named \`events\` (or of the
object's only map of either kind) as hex.

## stop: no program runs any more (loader/attach.c)

On exit, a signal or an error, the tools block further stop signals and
call \`tpbpf_object_stop()\`: every link is closed at once, from several
threads (the BPF links, raw tracepoint fds, or the perf events that hold a
program without a link), and the perf events under BPF links are disabled
(\`PERF_EVENT_IOC_DISABLE\`). Closing a BPF link on a tracepoint's perf
event waits until no CPU can still run the program (a grace period, in
\`perf_event_detach_bpf_prog()\`); closed together, the links wait one
grace period for all. Then the tools read the rings one last time and
report: nothing can arrive after the count.

$(range main '^detach ' ': [0-9]+ events, [0-9]+ lost' 24 incl '^  -> result')

## close: release everything (loader/attach.c, loader/object.c, loader/maps.c)

\`tpbpf_object_close()\` (after the tools free the reader: its perf events,
epoll fd and map reference) closes what the links still hold (the perf
events, again at once, and the program copies), then the programs, then
the maps and the object's BTF; the kernel frees each when its last
reference goes (\`bpf_link_release()\`, \`bpf_prog_release()\`,
\`bpf_map_release()\`). Closing a tracepoint's last perf event waits under
the kernel's global \`event_mutex\` (\`perf_trace_event_unreg()\`): closed
together they queue there, the part only the kernel can shorten; that is
why \`stop\` comes first and the report before \`close\`. Closing the fds is
the whole teardown: nothing stays attached after tpbpf exits, even on a
signal (a pinned map stays pinned, by design).

$(range main '^close\([0-9]+\): (perf ring event|epoll)' ': detached$' 30 incl)

## Tracepoint or raw tracepoint?

A **classic tracepoint** program (\`SEC("tracepoint/CAT/NAME")\`,
BPF_PROG_TYPE_TRACEPOINT) receives a pointer to the event's **record**, the
same bytes the trace buffer would get, laid out as the tracefs \`format\`
file says. The kernel first builds the record (perf_trace_* functions,
with the fields computed and copied), and stores a \`struct pt_regs\`
pointer over its first 8 bytes (the \`common_*\` fields), so those are not
readable; fields are read at their format-file offsets (load-time
constants or CO-RE relocations with tpbpf). Strings behind \`__data_loc\`
are in the record.

A **raw tracepoint** program (\`SEC("raw_tracepoint/NAME")\`,
BPF_PROG_TYPE_RAW_TRACEPOINT) receives \`struct bpf_raw_tracepoint_args\`:
the tracepoint's **raw arguments**, \`u64 args[]\`, the values the kernel
passed to \`trace_NAME()\` (for \`sys_enter\`: the \`struct pt_regs *\` and
the syscall number). No record is built, so it is cheaper; but the program
must know the arguments' types and read kernel structs itself
(\`bpf_probe_read_kernel\`, with offsets from KERNEL_OFF() constants or
CO-RE), and the names have no category.

Measured here with the kernel's own statistics (\`--stats\`,
BPF_ENABLE_STATS: run count and total run time of each program) while a
loop called getppid() as fast as it could. Both programs count every
system call in a map:

$(stats --stats)

$(stats --raw --stats)

The run time covers the program only; the classic tracepoint also pays for
building the record before the program runs, which \`--stats\` does not
count.
EOF
} > "$OUT"
echo "wrote $OUT (objects $OBJ$($RB && echo ", $RB_OBJ")$($CORE && echo ", $CORE_OBJ"))"

/* SPDX-License-Identifier: MIT */
/*
 * Inspect: what the load path would do with an object, worked out without
 * the kernel. Nothing here calls bpf(); only load-time constants read
 * tracefs, and when they cannot, they are reported unresolved.
 *
 *  - every relocation, with the instruction it lands on once .text
 *    functions are appended (the same layout relocate.c builds);
 *  - the oldest kernel that can run the object: program types, map types
 *    and flags, helpers, instruction set extensions, global data and
 *    bpf-to-bpf calls, each with the reason it is needed.
 *
 * Versions are those of the mainline release that first had the feature;
 * distribution kernels sometimes have it earlier (backports).
 */
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "internal.h"
#include "object.h"
#include "tpbpf_inspect.h"

#define KV(a, b) TPBPF_KVER(a, b)
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

struct since {
	const char *name;
	unsigned int version;
};

/* Helper ID (BPF_FUNC_*) -> name and the first kernel that had it. */
static const struct since helpers[] = {
	[1] = { "map_lookup_elem", KV(3, 19) },
	[2] = { "map_update_elem", KV(3, 19) },
	[3] = { "map_delete_elem", KV(3, 19) },
	[4] = { "probe_read", KV(4, 1) },
	[5] = { "ktime_get_ns", KV(4, 1) },
	[6] = { "trace_printk", KV(4, 1) },
	[7] = { "get_prandom_u32", KV(4, 1) },
	[8] = { "get_smp_processor_id", KV(4, 1) },
	[9] = { "skb_store_bytes", KV(4, 1) },
	[10] = { "l3_csum_replace", KV(4, 1) },
	[11] = { "l4_csum_replace", KV(4, 1) },
	[12] = { "tail_call", KV(4, 2) },
	[13] = { "clone_redirect", KV(4, 2) },
	[14] = { "get_current_pid_tgid", KV(4, 2) },
	[15] = { "get_current_uid_gid", KV(4, 2) },
	[16] = { "get_current_comm", KV(4, 2) },
	[17] = { "get_cgroup_classid", KV(4, 3) },
	[18] = { "skb_vlan_push", KV(4, 3) },
	[19] = { "skb_vlan_pop", KV(4, 3) },
	[20] = { "skb_get_tunnel_key", KV(4, 3) },
	[21] = { "skb_set_tunnel_key", KV(4, 3) },
	[22] = { "perf_event_read", KV(4, 3) },
	[23] = { "redirect", KV(4, 4) },
	[24] = { "get_route_realm", KV(4, 4) },
	[25] = { "perf_event_output", KV(4, 4) },
	[26] = { "skb_load_bytes", KV(4, 5) },
	[27] = { "get_stackid", KV(4, 6) },
	[28] = { "csum_diff", KV(4, 6) },
	[29] = { "skb_get_tunnel_opt", KV(4, 6) },
	[30] = { "skb_set_tunnel_opt", KV(4, 6) },
	[31] = { "skb_change_proto", KV(4, 8) },
	[32] = { "skb_change_type", KV(4, 8) },
	[33] = { "skb_under_cgroup", KV(4, 8) },
	[34] = { "get_hash_recalc", KV(4, 8) },
	[35] = { "get_current_task", KV(4, 8) },
	[36] = { "probe_write_user", KV(4, 8) },
	[37] = { "current_task_under_cgroup", KV(4, 9) },
	[38] = { "skb_change_tail", KV(4, 9) },
	[39] = { "skb_pull_data", KV(4, 9) },
	[40] = { "csum_update", KV(4, 9) },
	[41] = { "set_hash_invalid", KV(4, 9) },
	[42] = { "get_numa_node_id", KV(4, 10) },
	[43] = { "skb_change_head", KV(4, 10) },
	[44] = { "xdp_adjust_head", KV(4, 10) },
	[45] = { "probe_read_str", KV(4, 11) },
	[46] = { "get_socket_cookie", KV(4, 12) },
	[47] = { "get_socket_uid", KV(4, 12) },
	[48] = { "set_hash", KV(4, 13) },
	[49] = { "setsockopt", KV(4, 13) },
	[50] = { "skb_adjust_room", KV(4, 13) },
	[51] = { "redirect_map", KV(4, 14) },
	[52] = { "sk_redirect_map", KV(4, 14) },
	[53] = { "sock_map_update", KV(4, 14) },
	[54] = { "xdp_adjust_meta", KV(4, 15) },
	[55] = { "perf_event_read_value", KV(4, 15) },
	[56] = { "perf_prog_read_value", KV(4, 15) },
	[57] = { "getsockopt", KV(4, 15) },
	[58] = { "override_return", KV(4, 16) },
	[59] = { "sock_ops_cb_flags_set", KV(4, 16) },
	[60] = { "msg_redirect_map", KV(4, 17) },
	[61] = { "msg_apply_bytes", KV(4, 17) },
	[62] = { "msg_cork_bytes", KV(4, 17) },
	[63] = { "msg_pull_data", KV(4, 17) },
	[64] = { "bind", KV(4, 17) },
	[65] = { "xdp_adjust_tail", KV(4, 18) },
	[66] = { "skb_get_xfrm_state", KV(4, 18) },
	[67] = { "get_stack", KV(4, 18) },
	[68] = { "skb_load_bytes_relative", KV(4, 18) },
	[69] = { "fib_lookup", KV(4, 18) },
	[70] = { "sock_hash_update", KV(4, 18) },
	[71] = { "msg_redirect_hash", KV(4, 18) },
	[72] = { "sk_redirect_hash", KV(4, 18) },
	[73] = { "lwt_push_encap", KV(4, 18) },
	[74] = { "lwt_seg6_store_bytes", KV(4, 18) },
	[75] = { "lwt_seg6_adjust_srh", KV(4, 18) },
	[76] = { "lwt_seg6_action", KV(4, 18) },
	[77] = { "rc_repeat", KV(4, 18) },
	[78] = { "rc_keydown", KV(4, 18) },
	[79] = { "skb_cgroup_id", KV(4, 18) },
	[80] = { "get_current_cgroup_id", KV(4, 18) },
	[81] = { "get_local_storage", KV(4, 19) },
	[82] = { "sk_select_reuseport", KV(4, 19) },
	[83] = { "skb_ancestor_cgroup_id", KV(4, 19) },
	[84] = { "sk_lookup_tcp", KV(4, 20) },
	[85] = { "sk_lookup_udp", KV(4, 20) },
	[86] = { "sk_release", KV(4, 20) },
	[87] = { "map_push_elem", KV(4, 20) },
	[88] = { "map_pop_elem", KV(4, 20) },
	[89] = { "map_peek_elem", KV(4, 20) },
	[90] = { "msg_push_data", KV(4, 20) },
	[91] = { "msg_pop_data", KV(5, 0) },
	[92] = { "rc_pointer_rel", KV(5, 0) },
	[93] = { "spin_lock", KV(5, 1) },
	[94] = { "spin_unlock", KV(5, 1) },
	[95] = { "sk_fullsock", KV(5, 1) },
	[96] = { "tcp_sock", KV(5, 1) },
	[97] = { "skb_ecn_set_ce", KV(5, 1) },
	[98] = { "get_listener_sock", KV(5, 1) },
	[99] = { "skc_lookup_tcp", KV(5, 2) },
	[100] = { "tcp_check_syncookie", KV(5, 2) },
	[101] = { "sysctl_get_name", KV(5, 2) },
	[102] = { "sysctl_get_current_value", KV(5, 2) },
	[103] = { "sysctl_get_new_value", KV(5, 2) },
	[104] = { "sysctl_set_new_value", KV(5, 2) },
	[105] = { "strtol", KV(5, 2) },
	[106] = { "strtoul", KV(5, 2) },
	[107] = { "sk_storage_get", KV(5, 2) },
	[108] = { "sk_storage_delete", KV(5, 2) },
	[109] = { "send_signal", KV(5, 3) },
	[110] = { "tcp_gen_syncookie", KV(5, 3) },
	[111] = { "skb_output", KV(5, 5) },
	[112] = { "probe_read_user", KV(5, 5) },
	[113] = { "probe_read_kernel", KV(5, 5) },
	[114] = { "probe_read_user_str", KV(5, 5) },
	[115] = { "probe_read_kernel_str", KV(5, 5) },
	[116] = { "tcp_send_ack", KV(5, 5) },
	[117] = { "send_signal_thread", KV(5, 5) },
	[118] = { "jiffies64", KV(5, 5) },
	[119] = { "read_branch_records", KV(5, 6) },
	[120] = { "get_ns_current_pid_tgid", KV(5, 7) },
	[121] = { "xdp_output", KV(5, 6) },
	[122] = { "get_netns_cookie", KV(5, 7) },
	[123] = { "get_current_ancestor_cgroup_id", KV(5, 7) },
	[124] = { "sk_assign", KV(5, 7) },
	[125] = { "ktime_get_boot_ns", KV(5, 8) },
	[126] = { "seq_printf", KV(5, 7) },
	[127] = { "seq_write", KV(5, 7) },
	[128] = { "sk_cgroup_id", KV(5, 8) },
	[129] = { "sk_ancestor_cgroup_id", KV(5, 8) },
	[130] = { "ringbuf_output", KV(5, 8) },
	[131] = { "ringbuf_reserve", KV(5, 8) },
	[132] = { "ringbuf_submit", KV(5, 8) },
	[133] = { "ringbuf_discard", KV(5, 8) },
	[134] = { "ringbuf_query", KV(5, 8) },
	[135] = { "csum_level", KV(5, 8) },
	[136] = { "skc_to_tcp6_sock", KV(5, 9) },
	[137] = { "skc_to_tcp_sock", KV(5, 9) },
	[138] = { "skc_to_tcp_timewait_sock", KV(5, 9) },
	[139] = { "skc_to_tcp_request_sock", KV(5, 9) },
	[140] = { "skc_to_udp6_sock", KV(5, 9) },
	[141] = { "get_task_stack", KV(5, 9) },
	[142] = { "load_hdr_opt", KV(5, 10) },
	[143] = { "store_hdr_opt", KV(5, 10) },
	[144] = { "reserve_hdr_opt", KV(5, 10) },
	[145] = { "inode_storage_get", KV(5, 10) },
	[146] = { "inode_storage_delete", KV(5, 10) },
	[147] = { "d_path", KV(5, 10) },
	[148] = { "copy_from_user", KV(5, 10) },
	[149] = { "snprintf_btf", KV(5, 10) },
	[150] = { "seq_printf_btf", KV(5, 10) },
	[151] = { "skb_cgroup_classid", KV(5, 10) },
	[152] = { "redirect_neigh", KV(5, 10) },
	[153] = { "per_cpu_ptr", KV(5, 10) },
	[154] = { "this_cpu_ptr", KV(5, 10) },
	[155] = { "redirect_peer", KV(5, 10) },
	[156] = { "task_storage_get", KV(5, 11) },
	[157] = { "task_storage_delete", KV(5, 11) },
	[158] = { "get_current_task_btf", KV(5, 11) },
	[159] = { "bprm_opts_set", KV(5, 11) },
	[160] = { "ktime_get_coarse_ns", KV(5, 11) },
	[161] = { "ima_inode_hash", KV(5, 11) },
	[162] = { "sock_from_file", KV(5, 11) },
	[163] = { "check_mtu", KV(5, 12) },
	[164] = { "for_each_map_elem", KV(5, 13) },
	[165] = { "snprintf", KV(5, 13) },
	[166] = { "sys_bpf", KV(5, 14) },
	[167] = { "btf_find_by_name_kind", KV(5, 14) },
	[168] = { "sys_close", KV(5, 14) },
	[169] = { "timer_init", KV(5, 15) },
	[170] = { "timer_set_callback", KV(5, 15) },
	[171] = { "timer_start", KV(5, 15) },
	[172] = { "timer_cancel", KV(5, 15) },
	[173] = { "get_func_ip", KV(5, 15) },
	[174] = { "get_attach_cookie", KV(5, 15) },
	[175] = { "task_pt_regs", KV(5, 15) },
	[176] = { "get_branch_snapshot", KV(5, 16) },
	[177] = { "trace_vprintk", KV(5, 16) },
	[178] = { "skc_to_unix_sock", KV(5, 16) },
	[179] = { "kallsyms_lookup_name", KV(5, 16) },
	[180] = { "find_vma", KV(5, 17) },
	[181] = { "loop", KV(5, 17) },
	[182] = { "strncmp", KV(5, 17) },
	[183] = { "get_func_arg", KV(5, 17) },
	[184] = { "get_func_ret", KV(5, 17) },
	[185] = { "get_func_arg_cnt", KV(5, 17) },
	[186] = { "get_retval", KV(5, 18) },
	[187] = { "set_retval", KV(5, 18) },
	[188] = { "xdp_get_buff_len", KV(5, 18) },
	[189] = { "xdp_load_bytes", KV(5, 18) },
	[190] = { "xdp_store_bytes", KV(5, 18) },
	[191] = { "copy_from_user_task", KV(5, 18) },
	[192] = { "skb_set_tstamp", KV(5, 18) },
	[193] = { "ima_file_hash", KV(5, 18) },
	[194] = { "kptr_xchg", KV(5, 19) },
	[195] = { "map_lookup_percpu_elem", KV(5, 19) },
	[196] = { "skc_to_mptcp_sock", KV(5, 19) },
	[197] = { "dynptr_from_mem", KV(5, 19) },
	[198] = { "ringbuf_reserve_dynptr", KV(5, 19) },
	[199] = { "ringbuf_submit_dynptr", KV(5, 19) },
	[200] = { "ringbuf_discard_dynptr", KV(5, 19) },
	[201] = { "dynptr_read", KV(5, 19) },
	[202] = { "dynptr_write", KV(5, 19) },
	[203] = { "dynptr_data", KV(5, 19) },
	[204] = { "tcp_raw_gen_syncookie_ipv4", KV(6, 0) },
	[205] = { "tcp_raw_gen_syncookie_ipv6", KV(6, 0) },
	[206] = { "tcp_raw_check_syncookie_ipv4", KV(6, 0) },
	[207] = { "tcp_raw_check_syncookie_ipv6", KV(6, 0) },
	[208] = { "ktime_get_tai_ns", KV(6, 1) },
	[209] = { "user_ringbuf_drain", KV(6, 1) },
	[210] = { "cgrp_storage_get", KV(6, 2) },
	[211] = { "cgrp_storage_delete", KV(6, 2) },
};

/* BPF_MAP_TYPE_* -> name and the first kernel that had it. */
static const struct since map_types[] = {
	[BPF_MAP_TYPE_HASH] = { "hash", KV(3, 19) },
	[BPF_MAP_TYPE_ARRAY] = { "array", KV(3, 19) },
	[BPF_MAP_TYPE_PROG_ARRAY] = { "prog_array", KV(4, 2) },
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = { "perf_event_array", KV(4, 3) },
	[BPF_MAP_TYPE_PERCPU_HASH] = { "percpu_hash", KV(4, 6) },
	[BPF_MAP_TYPE_PERCPU_ARRAY] = { "percpu_array", KV(4, 6) },
	[BPF_MAP_TYPE_STACK_TRACE] = { "stack_trace", KV(4, 6) },
	[BPF_MAP_TYPE_CGROUP_ARRAY] = { "cgroup_array", KV(4, 8) },
	[BPF_MAP_TYPE_LRU_HASH] = { "lru_hash", KV(4, 10) },
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = { "lru_percpu_hash", KV(4, 10) },
	[BPF_MAP_TYPE_LPM_TRIE] = { "lpm_trie", KV(4, 11) },
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = { "array_of_maps", KV(4, 12) },
	[BPF_MAP_TYPE_HASH_OF_MAPS] = { "hash_of_maps", KV(4, 12) },
	[BPF_MAP_TYPE_DEVMAP] = { "devmap", KV(4, 14) },
	[BPF_MAP_TYPE_SOCKMAP] = { "sockmap", KV(4, 14) },
	[BPF_MAP_TYPE_CPUMAP] = { "cpumap", KV(4, 15) },
	[BPF_MAP_TYPE_XSKMAP] = { "xskmap", KV(4, 18) },
	[BPF_MAP_TYPE_SOCKHASH] = { "sockhash", KV(4, 18) },
	[BPF_MAP_TYPE_CGROUP_STORAGE] = { "cgroup_storage", KV(4, 19) },
	[BPF_MAP_TYPE_REUSEPORT_SOCKARRAY] = { "reuseport_sockarray", KV(4, 19) },
	[BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE] = { "percpu_cgroup_storage", KV(4, 20) },
	[BPF_MAP_TYPE_QUEUE] = { "queue", KV(4, 20) },
	[BPF_MAP_TYPE_STACK] = { "stack", KV(4, 20) },
	[24] = { "sk_storage", KV(5, 2) },
	[25] = { "devmap_hash", KV(5, 4) },
	[26] = { "struct_ops", KV(5, 6) },
	[27] = { "ringbuf", KV(5, 8) },
	[28] = { "inode_storage", KV(5, 10) },
	[29] = { "task_storage", KV(5, 11) },
	[30] = { "bloom_filter", KV(5, 16) },
	[31] = { "user_ringbuf", KV(6, 1) },
	[32] = { "cgrp_storage", KV(6, 2) },
	[33] = { "arena", KV(6, 9) },
};

const char *tpbpf_helper_name(uint32_t id)
{
	return id < ARRAY_SIZE(helpers) ? helpers[id].name : NULL;
}

unsigned int tpbpf_helper_since(uint32_t id)
{
	return id < ARRAY_SIZE(helpers) ? helpers[id].version : 0;
}

const char *tpbpf_map_type_name(uint32_t type)
{
	return type < ARRAY_SIZE(map_types) ? map_types[type].name : NULL;
}

unsigned int tpbpf_map_type_since(uint32_t type)
{
	return type < ARRAY_SIZE(map_types) ? map_types[type].version : 0;
}

uint32_t tpbpf_map_flags(const struct tpbpf_map *map)
{
	return map->flags;
}

/* ---- the relocation plan, in words ------------------------------------------ */

/* snprintf that may cut the text short, as these labels may be. */
static void label(char *buf, size_t len, const char *fmt, ...) TPBPF_PRINTF(3, 4);

static void label(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* "tpbpf.tp_off:sched/sched_switch/next_pid" -> "TP_FIELD_OFF sched:sched_switch next_pid" */
static void const_text(const char *sym, char *buf, size_t len)
{
	static const struct { const char *family, *macro; } names[] = {
		{ "tp_id", "TP_ID" }, { "tp_off", "TP_FIELD_OFF" },
		{ "tp_size", "TP_FIELD_SIZE" }, { "tp_has", "TP_HAS_FIELD" },
		{ "tp_rec_size", "TP_RECORD_SIZE" }, { "kern_off", "KERNEL_OFF" },
		{ "const", "TPBPF_CONST" },
	};
	const char *spec = sym + strlen(TPBPF_CONST_PREFIX), *colon = strchr(spec, ':');
	char args[256], *a, *b;

	snprintf(buf, len, "%s", sym);
	if (!colon)
		return;
	snprintf(args, sizeof(args), "%s", colon + 1);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strlen(names[i].family) != (size_t)(colon - spec) ||
		    strncmp(spec, names[i].family, (size_t)(colon - spec)) != 0)
			continue;
		a = strchr(args, '/');
		b = a ? strchr(a + 1, '/') : NULL;
		if (a)
			*a++ = '\0';
		if (b)
			*b++ = '\0';
		if (strcmp(names[i].family, "kern_off") == 0)
			label(buf, len, "%s %s.%s", names[i].macro, args, a ? a : "?");
		else if (!a)
			label(buf, len, "%s %s", names[i].macro, args);
		else
			label(buf, len, "%s %s:%s%s%s", names[i].macro, args, a,
				 b ? " " : "", b ? b : "");
		return;
	}
}

/*
 * A CO-RE entry: what it asks, what the object holds, and this kernel's
 * answer with where it comes from. The source string lives in a static
 * buffer per thread: the info is used before the next call.
 */
static void core_info(struct tpbpf_object *obj, const struct tpbpf_program *prog,
		      const struct reloc *r, struct tpbpf_reloc_info *info,
		      char *target, size_t target_len, char *detail, size_t detail_len)
{
	static _Thread_local char source[600];
	struct tpbpf_core_target local, t;
	uint64_t v;
	int err;

	tpbpf_core_spec_describe(r->core, target, target_len);
	info->source = source;
	source[0] = '\0';
	if (tpbpf_core_local(r->core, &local) == 0 &&
	    tpbpf_core_value(r->core, &local, &v) == 0)
		info->local_value = v;
	err = tpbpf_obj_core_resolve(obj, prog, r->core, &t, source, sizeof(source));
	if (err) {
		info->err = err;
		snprintf(detail, detail_len, "%s", tpbpf_error_detail());
		return;
	}
	err = tpbpf_core_value(r->core, &t, &v);
	if (err == -ENOENT) {
		/* The source knows the type and says this is not in it: poisoned. */
		info->poison = true;
		snprintf(detail, detail_len, "not on this kernel: the instruction fails if it runs (guard it with bpf_core_field_exists())");
	} else if (err) {
		info->err = err;
		snprintf(detail, detail_len, "%s", tpbpf_error_detail());
	} else {
		info->value = v;
	}
}

void tpbpf_obj_reloc_info(struct tpbpf_object *obj, const struct tpbpf_program *prog,
			  const struct reloc *r, struct tpbpf_reloc_info *info,
			  char *target, size_t target_len, char *detail, size_t detail_len)
{
	const struct tpbpf_map *m = r->map >= 0 ? &obj->maps[r->map] : NULL;
	uint64_t value;
	int err;

	memset(info, 0, sizeof(*info));
	info->map_fd = -1;
	target[0] = detail[0] = '\0';
	info->prog = prog;
	info->insn = r->insn;
	info->section = obj->secs[r->sec_idx].name;
	info->sec_insn = r->sec_insn;
	info->kind = r->kind;
	info->symbol = r->sym;
	info->target = target;
	info->detail = detail;
	switch (r->kind) {
	case TPBPF_RELOC_MAP_FD:
		snprintf(target, target_len, "%s", m->name);
		info->map_fd = m->fd;
		break;
	case TPBPF_RELOC_MAP_VALUE:
		snprintf(target, target_len, "%s", m->name);
		info->map_fd = m->fd;
		info->value = r->off;
		break;
	case TPBPF_RELOC_CALL:
		for (size_t i = 0; i < prog->nr_funcs; i++)
			if (r->callee >= prog->funcs[i].pos &&
			    r->callee < prog->funcs[i].pos + prog->funcs[i].cnt)
				snprintf(target, target_len, "%s", prog->funcs[i].name);
		info->value = r->callee;
		break;
	case TPBPF_RELOC_CORE:
		core_info(obj, prog, r, info, target, target_len, detail, detail_len);
		break;
	case TPBPF_RELOC_EXTERN:
		snprintf(target, target_len, "%s",
			 ((const struct bpf_insn *)obj->secs[r->sec_idx].data)[r->sec_insn].code ==
			 (BPF_JMP | BPF_CALL) ? "kfunc" : "__ksym");
		break;
	case TPBPF_RELOC_CONST:
		const_text(r->sym, target, target_len);
		err = tpbpf_obj_resolve_const(obj, r->sym, &value);
		if (err) {
			info->err = err;
			snprintf(detail, detail_len, "%s", tpbpf_error_detail());
		} else {
			info->value = value + r->off;
		}
		break;
	default:
		info->err = -EINVAL;
		snprintf(detail, detail_len, "%s", r->why ? r->why : "not relocatable");
	}
}

int tpbpf_reloc_describe(const struct tpbpf_reloc_info *r, char *buf, size_t len)
{
	const char *sym = r->symbol[0] ? r->symbol : "(relative)";
	char fd[32] = "at load";

	if ((r->kind == TPBPF_RELOC_MAP_FD || r->kind == TPBPF_RELOC_MAP_VALUE) && r->map_fd >= 0)
		snprintf(fd, sizeof(fd), "%d", r->map_fd);
	switch (r->kind) {
	case TPBPF_RELOC_MAP_FD:
		return snprintf(buf, len, "map %s -> map fd %s", r->target, fd);
	case TPBPF_RELOC_MAP_VALUE:
		return snprintf(buf, len, "global %s -> map %s, map fd %s, value offset %llu",
				sym, r->target, fd, (unsigned long long)r->value);
	case TPBPF_RELOC_CALL:
		return snprintf(buf, len, "call %s -> .text function %s at insn %llu",
				sym, r->target, (unsigned long long)r->value);
	case TPBPF_RELOC_CORE:
		if (r->err)
			return snprintf(buf, len, "CO-RE %s %s: %llu in the object -> unresolved: %s",
					sym, r->target, (unsigned long long)r->local_value, r->detail);
		if (r->poison)
			return snprintf(buf, len, "CO-RE %s %s: %llu in the object -> %s (%s)",
					sym, r->target, (unsigned long long)r->local_value, r->detail,
					r->source);
		return snprintf(buf, len, "CO-RE %s %s: %llu in the object -> %llu from %s",
				sym, r->target, (unsigned long long)r->local_value,
				(unsigned long long)r->value, r->source);
	case TPBPF_RELOC_EXTERN:
		if (strcmp(r->target, "kfunc") == 0)
			return snprintf(buf, len, "weak kfunc %s -> absent: its call is poisoned (tpbpf calls no kfuncs; guard it with bpf_ksym_exists())",
					sym);
		return snprintf(buf, len, "weak __ksym %s -> absent: 0, so bpf_ksym_exists() is false (tpbpf resolves no kernel symbols)",
				sym);
	case TPBPF_RELOC_CONST:
		if (r->err)
			return snprintf(buf, len, "constant %s -> %s: unresolved: %s",
					sym, r->target, r->detail);
		return snprintf(buf, len, "constant %s -> %s = %llu", sym, r->target,
				(unsigned long long)r->value);
	default:
		return snprintf(buf, len, "refused %s: %s", sym, r->detail);
	}
}

int tpbpf_object_describe_relocs(struct tpbpf_object *obj, tpbpf_reloc_fn fn,
				 void *ctx)
{
	for (size_t p = 0; p < obj->nr_progs; p++) {
		const struct tpbpf_program *prog = &obj->progs[p];

		for (size_t i = 0; i < prog->nr_relocs; i++) {
			struct tpbpf_reloc_info info;
			char target[256], detail[512];
			int err;

			tpbpf_obj_reloc_info(obj, prog, &prog->relocs[i], &info,
					     target, sizeof(target), detail, sizeof(detail));
			err = fn(ctx, &info);
			if (err)
				return err;
		}
	}
	return 0;
}

int tpbpf_program_describe_subprogs(struct tpbpf_program *prog,
				    tpbpf_subprog_fn fn, void *ctx)
{
	for (size_t i = 0; fn && i < prog->nr_funcs; i++) {
		struct tpbpf_subprog_info s = { prog, prog->funcs[i].name, prog->funcs[i].pos,
						prog->funcs[i].cnt };
		int err = fn(ctx, &s);

		if (err)
			return err;
	}
	return prog->layout_cnt > INT32_MAX ? -E2BIG : (int)prog->layout_cnt;
}

int tpbpf_program_layout(struct tpbpf_program *prog)
{
	if (prog->obj->loaded)
		return tpbpf_err(EBUSY, "object %s is loaded: its programs are relocated already",
				 prog->obj->name);
	return tpbpf_obj_layout_program(prog->obj, prog, true);
}

/* ---- requirements ---------------------------------------------------------- */

struct req_state {
	tpbpf_requirement_fn fn;
	void *ctx;
	unsigned int min;
	int err;
};

static void need(struct req_state *st, unsigned int version, bool optional,
		 const char *what, const char *fmt, ...) TPBPF_PRINTF(5, 6);

static void need(struct req_state *st, unsigned int version, bool optional,
		 const char *what, const char *fmt, ...)
{
	struct tpbpf_requirement r = { version, what, NULL, optional };
	char why[512];
	va_list ap;

	if (st->err)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r.why = why;
	if (!optional && version > st->min)
		st->min = version;
	if (st->fn)
		st->err = st->fn(st->ctx, &r);
}

/* The instruction set extensions and helpers of INSNS[0..CNT). */
static void scan_insns(struct req_state *st, const struct tpbpf_program *prog,
		       const struct bpf_insn *insns, size_t cnt, bool seen[],
		       size_t nr_seen, unsigned int *ext)
{
	for (size_t i = 0; i < cnt; i++) {
		const struct bpf_insn *in = &insns[i];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

		if (in->code == LD_IMM64) {
			i++;
			continue;
		}
		if (in->code == CALL && in->src_reg == 0) {
			uint32_t id = (uint32_t)in->imm;
			char what[96];

			if (id < nr_seen && seen[id])
				continue;
			if (id < nr_seen)
				seen[id] = true;
			if (tpbpf_helper_name(id))
				snprintf(what, sizeof(what), "helper bpf_%s", tpbpf_helper_name(id));
			else
				snprintf(what, sizeof(what), "helper #%u", id);
			if (id == BPF_FUNC_get_attach_cookie)
				need(st, tpbpf_helper_since(id), false, what,
				     "program %s: TP_EVENT_ID() reads the attach cookie, which tpbpf sets with BPF_LINK_CREATE (BPF links with cookies for perf events)",
				     prog->name);
			else if (!tpbpf_helper_name(id))
				need(st, 0, false, what, "program %s: a helper tpbpf does not know: check the kernel has it",
				     prog->name);
			else
				need(st, tpbpf_helper_since(id), false, what, "program %s calls it",
				     prog->name);
			continue;
		}
		if (cls == BPF_JMP32 && !(*ext & 1)) {
			*ext |= 1;
			need(st, KV(5, 1), false, "32-bit jumps (BPF_JMP32)",
			     "program %s: compiled with clang -mcpu=v3 (or with alu32)", prog->name);
		}
		if (cls == BPF_JMP && (op == BPF_JLT || op == BPF_JLE || op == BPF_JSLT ||
				       op == BPF_JSLE) && !(*ext & 2)) {
			*ext |= 2;
			need(st, KV(4, 14), false, "jumps on < and <= (BPF_JLT, BPF_JSLE...)",
			     "program %s: compiled with clang -mcpu=v2 or newer", prog->name);
		}
		if (cls == BPF_STX && BPF_MODE(in->code) == 0xc0 && in->imm != BPF_ADD &&
		    !(*ext & 4)) {
			*ext |= 4;
			need(st, KV(5, 12), false, "atomic operations beyond add (BPF_FETCH, xchg, cmpxchg, and, or, xor)",
			     "program %s: e.g. a __sync_fetch_and_add whose result is used", prog->name);
		}
	}
}

static const struct bpf_insn *sec_insns(const struct tpbpf_object *obj, size_t sec_idx)
{
	return obj->secs[sec_idx].data;
}

static int add_name(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);

	return snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

static void program_requirements(struct req_state *st, struct tpbpf_object *obj,
				 struct tpbpf_program *prog)
{
	bool seen[ARRAY_SIZE(helpers)] = { false };
	unsigned int ext = 0;
	char names[256] = "";

	switch (prog->kind) {
	case TPBPF_PROG_TRACEPOINT:
		need(st, KV(4, 7), false, "program type tracepoint",
		     "program %s (section %s): BPF_PROG_TYPE_TRACEPOINT, attached with perf_event_open and PERF_EVENT_IOC_SET_BPF",
		     prog->name, prog->section);
		break;
	case TPBPF_PROG_RAW_TRACEPOINT:
		need(st, KV(4, 17), false, "program type raw tracepoint",
		     "program %s (section %s): BPF_PROG_TYPE_RAW_TRACEPOINT, attached with BPF_RAW_TRACEPOINT_OPEN",
		     prog->name, prog->section);
		break;
	case TPBPF_PROG_RAW_TRACEPOINT_WRITABLE:
		need(st, KV(5, 2), false, "program type writable raw tracepoint",
		     "program %s (section %s): BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE",
		     prog->name, prog->section);
		break;
	case TPBPF_PROG_OTHER:
		return;	/* not loaded: it needs nothing */
	}
	scan_insns(st, prog, sec_insns(obj, prog->sec_idx) + prog->sec_insn_off,
		   prog->sec_insn_cnt, seen, ARRAY_SIZE(seen), &ext);
	for (size_t i = 0; i < prog->nr_funcs; i++) {
		scan_insns(st, prog, sec_insns(obj, obj->text_idx) + prog->funcs[i].sec_off,
			   prog->funcs[i].cnt, seen, ARRAY_SIZE(seen), &ext);
		add_name(names, sizeof(names), prog->funcs[i].name);
	}
	if (prog->nr_funcs)
		need(st, KV(4, 16), false, "bpf-to-bpf calls",
		     "program %s calls .text function%s %s", prog->name,
		     prog->nr_funcs == 1 ? "" : "s", names);
	if (prog->layout_cnt > 4096)
		need(st, KV(5, 2), false, "programs over 4096 instructions",
		     "program %s has %zu instructions once relocated", prog->name, prog->layout_cnt);
}

static void map_requirements(struct req_state *st, const struct tpbpf_map *m)
{
	const char *type = tpbpf_map_type_name(m->type);
	char what[96];

	if (map_is_global_data(m)) {
		need(st, KV(5, 2), false, "global data",
		     "section %s becomes a single-entry array map that the program addresses directly (BPF_PSEUDO_MAP_VALUE%s)",
		     m->name, m->origin == MAP_FROM_RODATA ? ", read-only with BPF_F_RDONLY_PROG" : "");
		return;
	}
	snprintf(what, sizeof(what), "map type %s", type ? type : "?");
	if (!type)
		snprintf(what, sizeof(what), "map type #%u", m->type);
	need(st, tpbpf_map_type_since(m->type), false, what, "map %s", m->name);
	if (m->flags & BPF_F_NO_PREALLOC)
		need(st, KV(4, 6), false, "map flag BPF_F_NO_PREALLOC", "map %s", m->name);
	if (m->flags & BPF_F_NUMA_NODE)
		need(st, KV(4, 14), false, "map flag BPF_F_NUMA_NODE", "map %s", m->name);
	if (m->flags & (BPF_F_RDONLY | BPF_F_WRONLY))
		need(st, KV(4, 15), false, "map flag BPF_F_RDONLY/BPF_F_WRONLY", "map %s", m->name);
	if (m->flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		need(st, KV(5, 2), false, "map flag BPF_F_RDONLY_PROG/BPF_F_WRONLY_PROG", "map %s", m->name);
	if (m->flags & BPF_F_MMAPABLE)
		need(st, KV(5, 5), false, "map flag BPF_F_MMAPABLE", "map %s", m->name);
}

int tpbpf_object_requirements(struct tpbpf_object *obj, tpbpf_requirement_fn fn,
			      void *ctx)
{
	struct req_state st = { fn, ctx, 0, 0 };
	bool classic = false;

	for (size_t i = 0; i < obj->nr_progs && !st.err; i++) {
		program_requirements(&st, obj, &obj->progs[i]);
		classic |= obj->progs[i].kind == TPBPF_PROG_TRACEPOINT;
	}
	for (size_t i = 0; i < obj->nr_maps && !st.err; i++)
		map_requirements(&st, &obj->maps[i]);

	/* What tpbpf uses when the kernel has it, and does without otherwise. */
	need(&st, KV(4, 15), true, "program and map names",
	     "shown by bpftool and in /proc/PID/fdinfo; before 4.15 tpbpf retries without them");
	if (classic)
		need(&st, KV(5, 15), true, "BPF links for perf events (BPF_LINK_CREATE)",
		     "before 5.15 tpbpf attaches with PERF_EVENT_IOC_SET_BPF, without a cookie");
	need(&st, KV(5, 11), true, "memory cgroup accounting of BPF memory",
	     "before 5.11 maps count against RLIMIT_MEMLOCK, which tpbpf raises when root");
	if (st.err)
		return st.err;
	return (int)st.min;
}

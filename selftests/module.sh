#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's life cycle and its two doors to userspace:
#
#   insmod ──► genl family "vpcpeer" v1 (every netns) ──► vpcpeer-ctl
#          └─► rtnl kind "vpcpeer" (refuses "ip link add": devices come
#                                   from peerings only)
#   rmmod  ──► both gone; load/unload cycles (VPCPEER_LOAD_CYCLES, 100)
#              leave nothing behind
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip genl insmod rmmod
require_module_file

family_present() { genl ctrl get name vpcpeer > /dev/null 2>&1; }

t_load() {
	module_unload
	module_load
	[ -d /sys/module/vpcpeer ] || fail "/sys/module/vpcpeer missing after insmod"
	dmesg | grep -q "vpcpeer: vpcpeer [0-9.]* loaded" || fail "no 'loaded' line in the kernel log"
}

t_family_v1() {
	local out
	out=$(genl ctrl get name vpcpeer)
	grep -q "Name: vpcpeer" <<< "$out" || fail "family not listed: $out"
	grep -q "Version: 0x1 " <<< "$out" || fail "family version is not 1: $out"
}

# netnsok: a VPC is a namespace, and its owner talks to the module from it.
t_family_in_netns() {
	netns_new vpcpeer-t1
	ip netns exec vpcpeer-t1 genl ctrl get name vpcpeer | grep -q "Name: vpcpeer" ||
		fail "family not visible from a non-initial netns"
}

t_ctl_version() {
	local out
	[ -x "$VPCPEER_CTL" ] || skip "vpcpeer-ctl not built"
	out=$("$VPCPEER_CTL" version)
	grep -q "vpcpeer genl family version 1" <<< "$out" || fail "unexpected: $out"
	out=$("$VPCPEER_CTL" -j version)
	grep -q '"family_version":1' <<< "$out" || fail "unexpected JSON: $out"
	# Keyword prefixes work as in iproute2, and -n acts from a namespace.
	netns_new vpcpeer-t2
	"$VPCPEER_CTL" -n vpcpeer-t2 vers | grep -q "family version 1"
}

t_link_add_refused() {
	netns_new vpcpeer-t3
	must_fail "created by accepting a peering connection" \
		ip link add name pcx-test type vpcpeer
	must_fail "created by accepting a peering connection" \
		ip -n vpcpeer-t3 link add type vpcpeer
	! ip link show pcx-test > /dev/null 2>&1 || fail "pcx-test exists"
	[ -z "$(ip -n vpcpeer-t3 -o link show type vpcpeer)" ] || fail "a vpcpeer device exists"
}

t_unload() {
	module_unload
	! module_loaded || fail "still in /proc/modules"
	! family_present || fail "genl family still registered"
	must_fail "Unknown device type|not supported" ip link add name pcx-test type vpcpeer
	if [ -x "$VPCPEER_CTL" ]; then
		must_fail 'family "vpcpeer" not found: is the vpcpeer module loaded\?' \
			"$VPCPEER_CTL" version
	fi
}

# Each cycle registers and unregisters the family and the link kind; the
# pr_debug "unloaded" line proves every exit path ran, and vmalloc use
# coming back proves the module images were freed.
t_load_unload_cycles() {
	local n=${VPCPEER_LOAD_CYCLES:-100} i t0 before after loaded unloaded
	module_unload
	before=$(awk '/^VmallocUsed:/ {print $2}' /proc/meminfo)
	loaded=$(dmesg | grep -c "vpcpeer: vpcpeer [0-9.]* loaded" || true)
	unloaded=$(dmesg | grep -c "vpcpeer: unloaded" || true)
	t0=$SECONDS
	for i in $(seq "$n"); do
		module_load
		rmmod vpcpeer
	done
	! module_loaded || fail "module still loaded"
	! family_present || fail "genl family still registered"
	[ "$(dmesg | grep -c "vpcpeer: vpcpeer [0-9.]* loaded")" = $((loaded + n)) ] ||
		fail "expected $n more 'loaded' lines"
	[ "$(dmesg | grep -c "vpcpeer: unloaded")" = $((unloaded + n)) ] ||
		fail "expected $n more 'unloaded' lines"
	# Module memory is freed after an RCU grace period; give it a moment.
	sleep 1
	after=$(awk '/^VmallocUsed:/ {print $2}' /proc/meminfo)
	diag "$n cycles in $((SECONDS - t0)) s; VmallocUsed before ${before} kB, after ${after} kB"
	[ $((after - before)) -lt 256 ] ||
		fail "vmalloc grew by $((after - before)) kB over $n cycles"
}

ktap_case load_registers_module t_load
ktap_case genl_family_version_1 t_family_v1
ktap_case genl_family_visible_in_netns t_family_in_netns
ktap_case ctl_version_reports_family t_ctl_version
ktap_case ip_link_add_refused_with_reason t_link_add_refused
ktap_case unload_unregisters_everything t_unload
ktap_case load_unload_cycles t_load_unload_cycles
ktap_finish

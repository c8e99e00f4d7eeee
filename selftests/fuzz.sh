#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input to the genl family: nlfuzz (nlfuzz.c) sends random and
# mutated requests of every command, as three different callers, and the
# kernel must stay up, answer every one, and be left in a state that
# vpcpeer-ctl, "ip link" and the kernel's own log agree on.
#
#   root, init netns ─► nlfuzz ─► VPCs in init + 2 spare namespaces, peerings,
#                                 devices (the spares are renewed: R15),
#                                 regions (sockets, routes checked);
#                                 dry runs that must change nothing; the
#                                 events group, whose every event is checked
#   root of a new user+net ns ─► nlfuzz --userns --peer peerN
#                                 its own VPCs only; nothing of root's changes;
#                                 no region change succeeds
#   uid 65534, no capabilities ─► nlfuzz: no request may change anything,
#                                 nor may it join the events group
#   then: every VPC and peering the log says exists is listed, with its
#   devices; deleting every VPC leaves no live peering and no device;
#   rmmod; every object the log says was created was destroyed.
#
# VPCPEER_FUZZ_MSGS sets the number of messages per run (the unprivileged
# runs send a quarter each); VPCPEER_FUZZ_SEED fixes the seed, which every
# run prints ("# seed N") for replaying it. Time runs fast so that the
# timer's work is fuzzed too and the fuzzed state stays small: requests
# expire after 3 s (expiry_secs=3), tombstones go after 84 ms or 2 s (an
# "hour" of tombstone_hour_ms=42); and the quotas are small enough to be
# reached (max_pending_requests=3, max_active_peerings=3).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip insmod rmmod setpriv awk timeout cat
require_module_file
require_ctl
require_nlfuzz

FUZZ_MSGS=${VPCPEER_FUZZ_MSGS:-10000}
FUZZ_SEED=${VPCPEER_FUZZ_SEED:-}
# No answer for 60 s is a hang (nlfuzz exits 3); this only bounds the run.
FUZZ_LIMIT=$((120 + FUZZ_MSGS / 10))

KMSG=$(mktemp)
trap 'kill "$KMSG_PID" 2> /dev/null; rm -f "$KMSG"' EXIT
module_unload 2> /dev/null
kmsg_follow "$KMSG"

# run_fuzz LOG [ARGS...]: nlfuzz with the seed and a time limit; its
# output in LOG, its seed and rate as diagnostics. False unless it exited 0.
run_fuzz() {
	local log=$1 rc=0
	shift
	timeout -k 10 "$FUZZ_LIMIT" "$@" --timeout 60 \
		${FUZZ_SEED:+--seed "$FUZZ_SEED"} > "$log" 2>&1 || rc=$?
	diag "$(sed -n 's/^nlfuzz: seed /seed /p' "$log")"
	diag "$(sed -n 's/^nlfuzz: \(sent\|answers\|succeeded\|dry runs\|events\)/\1/p' "$log")"
	[ "$rc" = 0 ] || { tail -n 20 "$log"; echo "nlfuzz exited $rc" >&2; return 1; }
}

# succeeded LOG CMD: how many CMD requests succeeded in a run.
succeeded() {
	sed -n 's/^nlfuzz: succeeded://p' "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1
}

# Inside a case: a long enough run must have reached past the policy
# checks: each command named succeeded at least once.
expect_reached() {
	local log=$1 cmd n
	shift
	[ "$FUZZ_MSGS" -ge 2000 ] || return 0
	for cmd; do
		n=$(succeeded "$log" "$cmd")
		[ "${n:-0}" -gt 0 ] || fail "no $cmd request succeeded in $FUZZ_MSGS messages: the fuzzer stays at the surface"
	done
}

# obj_net: "ID CREATED-DESTROYED" for every vpc- and pcx- name in the log
# since kmsg_follow (a pcx id names the connection and both its devices).
obj_net() {
	kmsg_since "$KMSG" |
		sed -n 's/^vpcpeer: \(\(vpc\|pcx\)-[0-9a-f]\{8\}\): \(created\|destroyed\).*/\1 \3/p' |
		awk '{ n[$1] += $2 == "created" ? 1 : -1 } END { for (k in n) print k, n[k] }' | sort
}

# listed: "ID 1" for every VPC, "ID 1+DEVICES" for every peering that
# vpcpeer-ctl lists, in obj_net's form.
listed() {
	local v p
	v=$(ctl -j vpc show | json_flat) || return 1
	p=$(ctl -j peering show | json_flat) || return 1
	{
		sed -n 's/^\[[0-9]*\]\.id=\(vpc-.*\)/\1 1/p' <<< "$v"
		awk -F= '/^\[[0-9]+\]\.id=/ { split($1, i, "]"); id[i[1]] = $2; n[i[1]] = 1 }
			 /^\[[0-9]+\]\.(requester|accepter)\.ifname=/ { split($1, i, "]"); n[i[1]]++ }
			 END { for (k in id) print id[k], n[k] }' <<< "$p"
	} | sort
}

# state_agrees: what the log says exists is what is listed (VPCs, peerings
# and their devices), and every listed device exists.
state_agrees() {
	local log lst devs links ns
	log=$(obj_net | awk '$2 != 0') || return 1
	lst=$(listed) || return 1
	if [ "$log" != "$lst" ]; then
		echo "the kernel log and the listing differ (< log, > listed):"
		diff <(echo "$log") <(echo "$lst") | grep '^[<>]' | head -n 20
		return 1
	fi
	devs=$(ctl -j peering show | json_flat | sed -n 's/^\[[0-9]*\]\.\(requester\|accepter\)\.ifname=//p' | sort)
	links=$({
		vpcpeer_links_init
		for ns in $(ip netns list | awk '{print $1}'); do vpcpeer_links "$ns"; done
	} | sort)
	if [ "$devs" != "$links" ]; then
		echo "listed devices: $(echo $devs); vpcpeer links: $(echo $links)"
		return 1
	fi
}

vpcpeer_links_init() {
	ip -o link show type vpcpeer | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# fuzz_settled: the spare namespaces of a finished nlfuzz are gone, and
# their VPCs with them (R15): every VPC left is in this namespace.
fuzz_settled() {
	local f
	f=$(ctl -j vpc show | json_flat) || return 1
	[ "$(grep -c '^\[[0-9]*\]\.id=' <<< "$f")" = "$(grep -cx '\[[0-9]*\]\.netnsid=-1' <<< "$f")" ]
}

# Inside a case: expect_events LOG yes|no: the run could join the events
# group, or could not; when it could, a long enough run heard events.
expect_events() {
	grep -q "^nlfuzz: events joined $2" "$1" ||
		fail "events group: expected joined $2, got: $(grep '^nlfuzz: events joined' "$1")"
	if [ "$2" = no ]; then
		grep -q '^nlfuzz: events 0 ' "$1" || fail "heard events without joining: $(grep '^nlfuzz: events ' "$1")"
	elif [ "$FUZZ_MSGS" -ge 2000 ]; then
		! grep -q '^nlfuzz: events 0 ' "$1" || fail "no event heard in $FUZZ_MSGS messages"
	fi
}

# --- cases -------------------------------------------------------------------

# R4 as root: everything may succeed. Left behind for the last case: the
# VPCs it made in the initial namespace, and their peerings.
t_fuzz_root() {
	local log=/tmp/nlfuzz-root.log
	module_unload
	module_load tombstone_hour_ms=42 expiry_secs=3 max_pending_requests=3 max_active_peerings=3
	run_fuzz "$log" "$NLFUZZ" -n "$FUZZ_MSGS"
	expect_reached "$log" VPC_NEW VPC_DEL VPC_GET VPC_CIDR_ADD VPC_CIDR_DEL \
		PCX_REQUEST PCX_ACCEPT PCX_GET PCX_SET \
		REGION_NEW REGION_SET REGION_DEL REGION_GET
	expect_events "$log" yes
	module_loaded || fail "vpcpeer is no longer loaded"
	wait_for 60 fuzz_settled || fail "VPCs of the fuzzer's namespaces outlived them: $(ctl vpc show)"
}

# R4 for an unprivileged owner: the root of a new user and network
# namespace may make VPCs in its namespace and request peerings to a VPC
# it names, and nothing else; once it exits, its namespace and with it
# its VPCs go (R15), and every VPC of root's is exactly as it was.
t_fuzz_userns() {
	local n log=/tmp/nlfuzz-userns.log before c k
	n=$(case_no)
	vpc_make "peer$n" 10.200.0.0/16 fd00:200::/48
	before=$(vpc_snapshot)
	run_fuzz "$log" "$NLFUZZ" --userns --peer "peer$n" -n $((FUZZ_MSGS / 4))
	expect_reached "$log" VPC_NEW VPC_GET PCX_REQUEST
	expect_events "$log" yes
	# Regions are the host's: its own user namespace's root may not touch them.
	for c in REGION_NEW REGION_SET REGION_DEL; do
		k=$(succeeded "$log" "$c")
		[ "${k:-0}" = 0 ] ||
			fail "$c succeeded for the root of a user namespace: $(grep '^nlfuzz: succeeded' "$log")"
	done
	wait_for 60 eval '[ "$(vpc_snapshot)" = "$before" ]' ||
		fail "root's VPCs changed: $before -> $(vpc_snapshot)"
}

# R4 with no capability at all: every request that would change anything
# is refused, and nothing changes.
t_fuzz_nobody() {
	local log=/tmp/nlfuzz-nobody.log before
	before=$(vpc_snapshot)
	run_fuzz "$log" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$NLFUZZ" -n $((FUZZ_MSGS / 4))
	grep -qx 'nlfuzz: changes 0' "$log" ||
		fail "requests without CAP_NET_ADMIN succeeded: $(grep '^nlfuzz: succeeded' "$log")"
	expect_events "$log" no
	[ "$(vpc_snapshot)" = "$before" ] || fail "VPCs changed: $before -> $(vpc_snapshot)"
}

# After all that, the kernel's log, vpcpeer-ctl and "ip link" agree (once
# the fuzzers' namespaces have finished dying); each object can be shown
# on its own; deleting every VPC ends every peering and removes every
# device; the module unloads, and everything ever created was destroyed.
t_consistent() {
	local id out bad
	module_loaded || skip "vpcpeer is not loaded"
	wait_for 60 state_agrees || fail "$(state_agrees)"
	diag "left by the fuzzers: $(listed | grep -c '^vpc-') VPCs, $(listed | grep -c '^pcx-') peerings"
	ctl vpc show > /dev/null || fail "vpc show failed"
	ctl -s peering show > /dev/null || fail "peering show failed"
	for id in $(listed | awk '{print $1}'); do
		case $id in
		vpc-*) out=$(ctl vpc show "$id" 2>&1) || fail "vpc show $id: $out" ;;
		pcx-*) out=$(ctl -s peering show "$id" 2>&1) || fail "peering show $id: $out" ;;
		esac
	done
	# The regions root's run left: each shown, each deleted (none has a
	# peering), and none left.
	for id in $(ctl -j region show | json_flat | sed -n 's/^\[[0-9]*\]\.name=//p'); do
		out=$(ctl region show "$id" 2>&1) || fail "region show $id: $out"
		out=$(ctl region del "$id" 2>&1) || fail "region del $id: $out"
	done
	out=$(ctl region show) || fail "region show failed"
	[ -z "$out" ] || fail "regions left after deleting each: $out"
	for id in $(listed | awk '/^vpc-/ {print $1}'); do
		ctl vpc del "$id" || fail "vpc del $id"
	done
	[ -z "$(listed | grep '^vpc-')" ] || fail "VPCs left after deleting each: $(listed | grep '^vpc-')"
	out=$(ctl -j peering show | json_flat | sed -n 's/^\[[0-9]*\]\.state=//p' |
		grep -vxE 'rejected|expired|failed|deleted' || true)
	[ -z "$out" ] || fail "peerings not ended with their VPCs: $out"
	state_agrees || fail "$(state_agrees)"
	[ -z "$(vpcpeer_links_init)" ] || fail "vpcpeer devices left: $(vpcpeer_links_init)"
	module_unload || fail "rmmod refused with no VPC left"
	bad=$(obj_net | awk '$2 != 0') || fail "cannot read the kernel log"
	[ -z "$bad" ] || fail "created but not destroyed (net count): $(echo $bad)"
	! kmsg_since "$KMSG" | grep -E "$KERNEL_SPLAT" || fail "the kernel log shows a splat"
}

ktap_case fuzz_as_root_in_init_netns t_fuzz_root
ktap_case fuzz_as_unprivileged_userns_owner t_fuzz_userns
ktap_case fuzz_without_capabilities_changes_nothing t_fuzz_nobody
ktap_case state_consistent_after_fuzz_and_module_unloads t_consistent
ktap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Peering connections: VPCs, the life cycle of a connection, who may act on
# it, and what bad requests leave behind (nothing). The data path rules are
# in peering-rules.sh.
#
#   netns blueN, VPC blueN                      netns greenN, VPC greenN
#   10.0.0.0/16 fd00:b::/48                     10.1.0.0/16 fd00:9::/48
#   lo 10.0.0.1 fd00:b::1                       lo 10.1.0.1 fd00:9::1
#            pcx-XXXXXXXX  <================>  pcx-XXXXXXXX
#            (requester: requests)             (accepter: accepts)
#
#   request ──► pending-acceptance ──accept──► active ──delete──► deleted
#                 │  (requester's device only, DORMANT)
#                 ├──reject──► rejected        overlapping CIDRs ──► failed
#                 └──delete (requester)──► deleted
#
# Names carry the case number (blue3, green3) so that one case's leftovers
# cannot be mistaken for another's; each case's namespaces, and with them
# (R15) its VPCs and peerings, go when the case ends.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip insmod rmmod unshare nsenter setpriv awk python3
require_module_file
require_ctl

# What the kernel or the CLI says when a caller may not act for a VPC: it
# is either refused outright or, since it must learn nothing about VPCs it
# does not administer, told that there is no such thing.
DENIED='not permitted|permission|EPERM|no such|not found|ENOENT|does not exist|unknown'

# --- cases ----------------------------------------------------------------

t_load() {
	module_load
	module_loaded || fail "vpcpeer is not loaded"
}

# A VPC: id printed, shown with its namespace and blocks (canonical form),
# found by name and by id, gone after "vpc del".
t_vpc_add_show_del() {
	local n id f out
	n=$(case_no)
	vpc_make "red$n" 10.20.0.0/16 fd00:20::/48 10.21.0.0/24
	id=$REPLY
	f=$(ctl -j vpc show "red$n" | json_flat '[0].')
	[ "$(jget "$f" id)" = "$id" ] || fail "vpc show red$n: id is not $id: $f"
	[ "$(jget "$f" name)" = "red$n" ] || fail "vpc show red$n: wrong name: $f"
	jget "$f" netnsid | grep -qE '^-?[0-9]+$' || fail "no numeric netnsid: $f"
	[ "$(jget "$f" netnsid)" != -1 ] || fail "netnsid -1 for a VPC in another namespace: $f"
	out=$(grep '^cidrs\[' <<< "$f" | cut -d= -f2 | sort | tr '\n' ' ')
	[ "$out" = "10.20.0.0/16 10.21.0.0/24 fd00:20::/48 " ] || fail "cidrs are '$out'"
	ctl vpc show "$id" | grep -q "red$n" || fail "vpc show $id does not name red$n"
	ctl -j vpc show | json_flat | grep -qx "\[[0-9]*\]\.id=$id" || fail "$id not in the dump"
	ctl vpc del "red$n"
	must_exit 1 '' ctl vpc show "red$n"
	! ctl -j vpc show | grep -q "$id" || fail "$id still dumped after vpc del"
}

# Names are unique in an account (root's here) across its namespaces and
# found through an index: a second VPC of a name is refused wherever in
# the account it is asked for, a deleted name is
# free again and names the new VPC, and 300 names (chains of the index's
# buckets) each find their own VPC.
t_vpc_names_unique() {
	local n id1 id2 i ids=() f
	n=$(case_no)
	vpc_make "nm$n" 10.30.0.0/16
	id1=$REPLY
	netns_new "nmo$n"
	must_exit 1 'the account has a VPC of that name' ctl vpc add "nm$n" netns "nm$n" cidr 10.31.0.0/16
	must_exit 1 'the account has a VPC of that name' ctl vpc add "nm$n" netns "nmo$n" cidr 10.31.0.0/16
	[ "$(ctl -j vpc show | grep -c '"name": *"nm'"$n"'"')" = 1 ] || fail "two VPCs named nm$n"
	ctl vpc del "nm$n"
	must_exit 1 'no such VPC' ctl vpc show "nm$n"
	id2=$(ctl vpc add "nm$n" netns "nmo$n" cidr 10.31.0.0/16)
	[ "$id2" != "$id1" ] || fail "the new nm$n has the old id $id1"
	[ "$(jget "$(ctl -j vpc show "nm$n" | json_flat '[0].')" id)" = "$id2" ] ||
		fail "nm$n does not name the new VPC $id2"
	for i in $(seq 300); do echo "vpc add nx$n-$i netns nmo$n cidr 10.32.$((i % 250)).0/24"; done > "/tmp/nx$$"
	mapfile -t ids < <(ctl -b "/tmp/nx$$")
	rm -f "/tmp/nx$$"
	[ "${#ids[@]}" = 300 ] || fail "${#ids[@]} of 300 VPCs created"
	for i in 1 77 150 299 300; do
		f=$(ctl -j vpc show "nx$n-$i" | json_flat '[0].')
		[ "$(jget "$f" id)" = "${ids[$((i - 1))]}" ] || fail "nx$n-$i is not ${ids[$((i - 1))]}: $f"
	done
	for i in $(seq 300); do echo "vpc del nx$n-$i"; done > "/tmp/nx$$"
	ctl -b "/tmp/nx$$" > /dev/null
	rm -f "/tmp/nx$$"
	must_exit 1 'no such VPC' ctl vpc show "nx$n-150"
	ctl vpc del "nm$n"
}

# R1, R10: a request leaves the connection pending; the requester's device
# is up and DORMANT with its carrier on, the accepter has none yet, and
# what is routed into the device is dropped and counted as not active.
t_pending() {
	local f0 f1 flags
	pair
	expect_state "$PCX" pending-acceptance
	link_exists "$B" "$PCX" || fail "no $PCX in $B"
	! link_exists "$G" "$PCX" || fail "$PCX exists in $G before the accept"
	[ "$(link_operstate "$B" "$PCX")" = DORMANT ] ||
		fail "$PCX in $B is $(link_operstate "$B" "$PCX"), not DORMANT"
	flags=$(ip -n "$B" -o link show dev "$PCX")
	grep -q 'LOWER_UP' <<< "$flags" || fail "carrier off while pending: $flags"
	grep -q 'POINTOPOINT,NOARP' <<< "$flags" || fail "not a POINTOPOINT,NOARP device: $flags"
	ip -n "$B" -d -o link show dev "$PCX" | grep -q 'vpcpeer' || fail "link kind is not vpcpeer"
	f0=$(pcx_flat "$PCX")
	[ "$(jget "$f0" requester.ifname)" = "$PCX" ] || fail "requester.ifname is not $PCX: $f0"
	[ "$(jget "$f0" requester.ifindex)" = "$(ip -n "$B" -o link show dev "$PCX" | cut -d: -f1)" ] ||
		fail "requester.ifindex does not match ip link"
	[ "$(jget "$f0" requester.vpc_name)" = "$B" ] || fail "requester is not $B: $f0"
	[ "$(jget "$f0" accepter.vpc_name)" = "$G" ] || fail "accepter is not $G: $f0"
	! jget "$f0" accepter.ifname > /dev/null || fail "the accepter has an ifname while pending: $f0"
	routes "$B" "$PCX" 10.0.0.1 fd00:b::1 10.1.0.0/16 fd00:9::/48
	ping_lost "$B" 10.1.0.1
	ping_lost "$B" fd00:9::1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.drop_not_active 2
	expect_delta "$f0" "$f1" requester.stats.tx_packets 0
}

# A name is a tag of one account, as in AWS: two accounts (unprivileged
# owners) each make a VPC of the same name, neither learns of the other's,
# and each finds its own by that name. A second one in the same account is
# refused. Root, who sees both, is told to use an id, until it has a VPC
# of that name of its own, which its name then means.
t_names_per_account() {
	local n A Bq out ia ib ir f w who mine theirs
	n=$(case_no)
	A=na$n Bq=nb$n
	account_new "$A"
	account_new "$Bq"
	ia=$(as_account "$A" "$VPCPEER_CTL" vpc add "same$n" cidr 10.0.0.0/16 2>&1) ||
		fail "account A: vpc add same$n: $ia"
	ib=$(as_account "$Bq" "$VPCPEER_CTL" vpc add "same$n" cidr 10.0.0.0/16 2>&1) ||
		fail "account B: vpc add same$n, a name A uses, failed: $ib"
	[[ $ia =~ $VPC_RE && $ib =~ $VPC_RE && $ia != "$ib" ]] || fail "ids '$ia' and '$ib'"
	must_exit 1 'the account has a VPC of that name' \
		as_account "$A" "$VPCPEER_CTL" vpc add "same$n" cidr 10.1.0.0/16
	for w in "$A:$ia:$ib" "$Bq:$ib:$ia"; do
		IFS=: read -r who mine theirs <<< "$w"
		f=$(as_account "$who" "$VPCPEER_CTL" -j vpc show "same$n" | json_flat '[0].') ||
			fail "$who: vpc show same$n failed"
		[ "$(jget "$f" id)" = "$mine" ] || fail "$who: same$n is not its own $mine: $f"
		out=$(as_account "$who" "$VPCPEER_CTL" -j vpc show 2>&1) || fail "$who: vpc show: $out"
		! grep -q "$theirs" <<< "$out" || fail "$who sees the other account's $theirs: $out"
		[ "$(grep -c '"name": *"same'"$n"'"' <<< "$out")" = 1 ] || fail "$who lists: $out"
	done
	must_exit 1 'VPCs of several accounts have that name: give the id' ctl vpc show "same$n"
	grep -q 'Name not unique' <<< "$REPLY" || fail "not ENOTUNIQ: $REPLY"
	ctl vpc show "$ia" | grep -q "same$n" || fail "root: vpc show $ia"
	vpc_make "same$n" 10.2.0.0/16
	ir=$REPLY
	[ "$(jget "$(ctl -j vpc show "same$n" | json_flat '[0].')" id)" = "$ir" ] ||
		fail "root's name same$n does not mean root's $ir"
	ctl vpc del "same$n"
	must_exit 1 'several accounts' ctl vpc del "same$n"
	ctl vpc show "$ia" > /dev/null || fail "root's vpc del took $ia"
	ctl vpc show "$ib" > /dev/null || fail "root's vpc del took $ib"
}

# R4 across accounts: a VPC's owner is the user namespace that owns its
# network namespace. A tenant (root of an unprivileged user namespace)
# makes a VPC in its own namespace, sees only that, requests a peering to
# green by id (as AWS's --peer-vpc-id), sees green's id but not its name
# (a tag of green's account), and may neither accept nor reject
# its own request; green's owner accepts; traffic flows between the two
# accounts; the tenant, as one side of an active connection, deletes it.
t_accounts() {
	local n t pcx out
	n=$(case_no)
	t=tenant$n
	vpc_make "green$n" 10.1.0.0/16 fd00:9::/48
	local gid=$REPLY
	account_new "$t"
	out=$(as_account "$t" "$VPCPEER_CTL" vpc add "$t" cidr 10.0.0.0/16 cidr fd00:b::/48 2>&1) ||
		fail "the tenant cannot make a VPC in its own namespace: $out"
	[[ $out =~ $VPC_RE ]] || fail "vpc add printed '$out'"
	out=$(as_account "$t" "$VPCPEER_CTL" -j vpc show 2>&1) || fail "tenant vpc show: $out"
	grep -q "\"$t\"" <<< "$out" || fail "the tenant does not see its VPC: $out"
	! grep -q "green$n" <<< "$out" || fail "the tenant sees green$n: $out"

	out=$(as_account "$t" "$VPCPEER_CTL" peering request "$t" "$gid" 2>&1) ||
		fail "the tenant's request failed: $out"
	[[ $out =~ $PCX_RE ]] || fail "peering request printed '$out'"
	pcx=$out
	# Green's name is its account's tag: the tenant sees its id only.
	out=$(as_account "$t" "$VPCPEER_CTL" -j peering show "$pcx" | json_flat '[0].')
	[ "$(jget "$out" requester.vpc_name)" = "$t" ] || fail "the tenant's own side unnamed: $out"
	[ "$(jget "$out" accepter.vpc_id)" = "$gid" ] || fail "the accepter is not $gid: $out"
	! jget "$out" accepter.vpc_name > /dev/null || fail "the tenant learns green's name: $out"
	out=$(pcx_flat "$pcx")
	[ "$(jget "$out" accepter.vpc_name)" = "green$n" ] || fail "root does not see green's name: $out"
	must_exit 1 "accepter|$DENIED" as_account "$t" "$VPCPEER_CTL" peering accept "$pcx"
	must_exit 1 "accepter|$DENIED" as_account "$t" "$VPCPEER_CTL" peering reject "$pcx"
	expect_state "$pcx" pending-acceptance
	! link_exists "green$n" "$pcx" || fail "$pcx appeared in green$n"

	pcx_accept "green$n" "$pcx"
	expect_state "$pcx" active
	[ "$(link_operstate "$t" "$pcx")" != DORMANT ] || fail "$pcx in $t still DORMANT when active"
	[ "$(link_operstate "green$n" "$pcx")" != DORMANT ] || fail "$pcx in green$n is DORMANT when active"
	# Nothing to accept or reject twice.
	must_exit 1 '' ctl -n "green$n" peering accept "$pcx"
	must_exit 1 '' ctl -n "green$n" peering reject "$pcx"

	ip -n "$t" addr add 10.0.0.1/32 dev lo
	ip -n "green$n" addr add 10.1.0.1/32 dev lo
	routes "$t" "$pcx" 10.0.0.1 fd00:b::1 10.1.0.0/16
	routes "green$n" "$pcx" 10.1.0.1 fd00:9::1 10.0.0.0/16
	ping_ok "$t" 10.1.0.1

	as_account "$t" "$VPCPEER_CTL" peering delete "$pcx" > /dev/null
	expect_state "$pcx" deleted
	! link_exists "$t" "$pcx" || fail "$pcx still in $t"
	! link_exists "green$n" "$pcx" || fail "$pcx still in green$n"
}

# Rejected: the requester's device goes, the connection stays visible as
# rejected and can no longer be accepted.
t_reject() {
	local msg
	pair
	ctl -n "$G" peering reject "$PCX" > /dev/null
	expect_state "$PCX" rejected
	! link_exists "$B" "$PCX" || fail "$PCX still in $B after the reject"
	! link_exists "$G" "$PCX" || fail "$PCX in $G after the reject"
	msg=$(pcx_flat "$PCX")
	[ "$(jget "$msg" reason)/$(jget "$msg" message)" = "rejected/Rejected by $G_ID" ] ||
		fail "a rejected connection's reason and message: $msg"
	must_exit 1 '' ctl -n "$G" peering accept "$PCX"
	expect_state "$PCX" rejected
	! link_exists "$G" "$PCX" || fail "accepting a rejected connection made a device"
}

# Deleted: an active connection by either side, a pending one by its
# requester; both devices go and it shows as deleted.
t_delete() {
	local side
	pair active
	ctl -n "$G" peering delete "$PCX" > /dev/null
	expect_state "$PCX" deleted
	! link_exists "$B" "$PCX" || fail "$PCX still in $B after the accepter deleted it"
	! link_exists "$G" "$PCX" || fail "$PCX still in $G after the accepter deleted it"
	must_exit 1 '' ctl -n "$G" peering accept "$PCX"
	must_exit 1 '' ctl -n "$B" peering delete "$PCX"

	# The pair may be peered again (R6 counts live connections only); this
	# time the requester deletes the active connection.
	pcx_request "$B" "$B" "$G"
	PCX=$REPLY
	pcx_accept "$G" "$PCX"
	expect_state "$PCX" active
	ctl -n "$B" peering delete "$PCX" > /dev/null
	expect_state "$PCX" deleted
	for side in "$B" "$G"; do
		[ -z "$(vpcpeer_links "$side")" ] || fail "devices left in $side: $(vpcpeer_links "$side")"
	done

	# And a pending one, by its requester.
	pcx_request "$B" "$B" "$G"
	PCX=$REPLY
	ctl -n "$B" peering delete "$PCX" > /dev/null
	expect_state "$PCX" deleted
	! link_exists "$B" "$PCX" || fail "$PCX still in $B after deleting the pending request"
	must_exit 1 '' ctl -n "$G" peering accept "$PCX"
	! link_exists "$G" "$PCX" || fail "accepting a deleted connection made a device"
}

# "ip link del" of either device ends the connection and takes the other
# device with it: a half peering must not survive.
t_link_del() {
	pair active
	ip -n "$G" link del "$PCX"
	wait_for 30 eval "! link_exists $B $PCX" || fail "$PCX still in $B after ip link del in $G"
	expect_state "$PCX" deleted
}

# R5: any overlap, IPv4 or IPv6, puts a request in "failed": the id is
# still printed, the reason is on stderr (exit 1), and no device is made.
t_overlap_request_fails() {
	local n out err rc pcx f acc errf
	n=$(case_no)
	errf=$(mktemp)
	defer rm -f "$errf"
	vpc_make "blue$n" 10.0.0.0/16 fd00:b::/48
	vpc_make "v4over$n" 10.0.128.0/24 fd00:9::/48
	vpc_make "v6over$n" 10.2.0.0/16 fd00:b:0:7::/64
	for acc in "v4over$n" "v6over$n"; do
		rc=0
		out=$(ctl -n "blue$n" peering request "blue$n" "$acc" 2> "$errf") || rc=$?
		err=$(cat "$errf")
		[ "$rc" = 1 ] || fail "overlapping request blue$n -> $acc exited $rc, not 1: $out $err"
		[[ $out =~ $PCX_RE ]] || fail "overlapping request printed '$out' on stdout, not the pcx id"
		grep -qi overlap <<< "$err" || fail "stderr does not mention the overlap: $err"
		pcx=$out
		f=$(pcx_flat "$pcx")
		[ "$(jget "$f" state)" = failed ] || fail "$pcx is $(jget "$f" state), not failed"
		# The kernel names the requester's block at fault; vpcpeer-ctl
		# words it as AWS does, with the two VPCs' names.
		[ "$(jget "$f" reason)" = overlap ] || fail "$pcx's reason is not overlap: $f"
		local block=10.0.0.0/16
		[ "$acc" = "v6over$n" ] && block=fd00:b::/48
		[ "$(jget "$f" reason_cidr)" = "$block" ] || fail "$pcx's reason_cidr is not $block: $f"
		[ "$(jget "$f" message)" = "Failed: overlapping CIDR blocks ($block of blue$n overlaps $acc)" ] ||
			fail "$pcx's message: $f"
		[ -z "$(vpcpeer_links "blue$n")" ] || fail "a failed request left a device in blue$n"
		[ -z "$(vpcpeer_links "$acc")" ] || fail "a failed request left a device in $acc"
	done
	# The reverse direction fails the same way.
	must_exit 1 overlap ctl -n "v4over$n" peering request "v4over$n" "blue$n"
}

# R5 for the life of a peering: a block that overlaps a block of a VPC this
# VPC is peered with (pending or active) is refused; others are taken.
t_overlap_cidr_add_refused() {
	local before
	pair
	before=$(ctl -j vpc show "$G")
	must_exit 1 overlap ctl vpc set "$G" cidr add 10.0.5.0/24
	must_exit 1 overlap ctl vpc set "$B" cidr add 10.1.0.0/24
	[ "$(ctl -j vpc show "$G")" = "$before" ] || fail "$G changed after refused adds"
	pcx_accept "$G" "$PCX"
	must_exit 1 overlap ctl vpc set "$G" cidr add 10.0.0.0/8
	must_exit 1 overlap ctl vpc set "$G" cidr add fd00:b:0:1::/64
	[ "$(ctl -j vpc show "$G")" = "$before" ] || fail "$G changed after refused adds"
	ctl vpc set "$G" cidr add 10.5.0.0/16
	ctl -j vpc show "$G" | grep -q '10.5.0.0/16' || fail "10.5.0.0/16 was not added to $G"
	expect_state "$PCX" active
}

# R6: one live connection per pair, whichever side asks; a new request is
# refused with EEXIST and makes no device.
t_duplicate_refused() {
	pair
	must_exit 1 'exist' ctl -n "$B" peering request "$B" "$G"
	must_exit 1 'exist' ctl -n "$G" peering request "$G" "$B"
	pcx_accept "$G" "$PCX"
	must_exit 1 'exist' ctl -n "$B" peering request "$B" "$G"
	must_exit 1 'exist' ctl -n "$G" peering request "$G" "$B"
	[ "$(vpcpeer_links "$B")" = "$PCX" ] || fail "devices in $B: $(vpcpeer_links "$B")"
	[ "$(vpcpeer_links "$G")" = "$PCX" ] || fail "devices in $G: $(vpcpeer_links "$G")"
	# A VPC cannot peer with itself either.
	must_exit 1 '' ctl -n "$B" peering request "$B" "$B"
	# Nor with a VPC of its own namespace: both ends' devices would live
	# there, and its two VPCs already reach each other. Refused up front,
	# creating nothing (an accept that failed late once freed a device
	# still queued for a link event: the fuzzer's list corruption).
	local n before after
	n=$(case_no)
	ctl vpc add "twin$n" netns "$B" cidr 10.77.0.0/16 > /dev/null
	before=$(ctl -n "$B" peering show | grep -o 'pcx-[0-9a-f]\{8\}' | sort -u)
	must_exit 1 'namespace' ctl -n "$B" peering request "$B" "twin$n"
	must_exit 1 'namespace' ctl -n "$B" peering request "twin$n" "$B"
	after=$(ctl -n "$B" peering show | grep -o 'pcx-[0-9a-f]\{8\}' | sort -u)
	[ "$before" = "$after" ] || fail "peerings before: $before; after: $after"
	[ "$(vpcpeer_links "$B")" = "$PCX" ] || fail "devices in $B: $(vpcpeer_links "$B")"
	ctl vpc del "twin$n"
}

# R15: deleting a namespace deletes its VPC and ends every peering it was
# in; the other side's device goes too.
t_netns_delete() {
	local n
	pair active
	n=$(case_no)
	vpc_make "red$n" 10.7.0.0/16
	pcx_request "red$n" "red$n" "$G"
	local pending=$REPLY
	ip netns del "$G"
	wait_for 10 eval "! vpc_listed $G" || fail "$G still listed after ip netns del"
	wait_for 30 eval "! link_exists $B $PCX" || fail "$PCX still in $B"
	wait_for 30 eval "! link_exists red$n $pending" || fail "$pending still in red$n"
	expect_state "$PCX" deleted
	expect_state "$pending" deleted
	local f
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" reason)/$(jget "$f" message)" = \
	  "netns-gone/Deleted: a VPC's network namespace was deleted" ] ||
		fail "$PCX ended without saying its VPC's namespace went: $f"
	vpc_listed "$B" || fail "$B went with $G"
}

# R4: a caller without CAP_NET_ADMIN over a VPC's namespace cannot act for
# it, nor learn about it; the privileged state is unchanged afterwards.
t_unprivileged() {
	local n before as who cmd
	pair
	n=$(case_no)
	vpc_make "red$n" 10.7.0.0/16
	before=$(vpc_snapshot)
	local -a personas=(
		"unshare -Ur"			# root of a new user namespace, in the initial netns
		"unshare -Urn"			# ... with a network namespace of its own
		"setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"
	)
	for as in "${personas[@]}"; do
		# shellcheck disable=SC2086
		for cmd in "peering request red$n $B" "peering accept $PCX" \
			   "peering reject $PCX" "peering delete $PCX" \
			   "vpc del $G" "vpc set $G cidr add 10.9.0.0/16"; do
			must_exit 1 "$DENIED" $as "$VPCPEER_CTL" $cmd
		done
		# Learns nothing: a refusal or an empty list, never the VPCs.
		# shellcheck disable=SC2086
		who=$($as "$VPCPEER_CTL" -j vpc show 2>&1; $as "$VPCPEER_CTL" -j peering show 2>&1) || true
		! grep -qE "$B|$G|red$n|$PCX" <<< "$who" || fail "'$as' sees other VPCs: $who"
	done
	[ "$(vpc_snapshot)" = "$before" ] || fail "VPCs changed: $before -> $(vpc_snapshot)"
	expect_state "$PCX" pending-acceptance
	link_exists "$B" "$PCX" || fail "$PCX left $B"
	ctl -j peering show | grep -q "$PCX" || fail "$PCX gone"
}

# Bad input is refused and changes nothing: usage errors (exit 2) never
# reach the kernel; what the kernel refuses (exit 1) leaves every VPC as
# it was.
t_bad_input() {
	local n before long
	n=$(case_no)
	vpc_make "blue$n" 10.0.0.0/16
	netns_new "spare$n"
	before=$(vpc_snapshot)
	long=$(printf 'a%.0s' $(seq 64))

	must_exit 2 '10\.0\.0\.0/33' ctl vpc add "x$n" netns "spare$n" cidr 10.0.0.0/33
	must_exit 2 'banana' ctl vpc add "x$n" netns "spare$n" cidr banana
	must_exit 2 'host bits|10\.9\.0\.1/16' ctl vpc add "x$n" netns "spare$n" cidr 10.9.0.1/16
	must_exit 2 'host bits|fd00:9::1/48' ctl vpc add "x$n" netns "spare$n" cidr fd00:9::1/48
	must_exit 2 'long|64' ctl vpc add "$long" netns "spare$n" cidr 10.9.0.0/16
	must_exit 2 'name' ctl vpc add "-bad" netns "spare$n" cidr 10.9.0.0/16
	must_exit 2 'vpc-0000abcd|id' ctl vpc add vpc-0000abcd netns "spare$n" cidr 10.9.0.0/16
	must_exit 2 'cidr' ctl vpc add "x$n" netns "spare$n"
	must_exit 2 '' ctl vpc set "blue$n" cidr add 10.0.0.0/33
	must_exit 2 '' ctl vpc set "blue$n" cidr frob 10.9.0.0/16
	must_exit 2 '' ctl peering accept not-a-pcx
	[ "$(vpc_snapshot)" = "$before" ] || fail "VPCs changed after usage errors"

	# Refused by the kernel; "vpc show -j" must be unchanged after each.
	local -a refused=(
		"exist	vpc add blue$n netns spare$n cidr 10.9.0.0/16"
		"netns|namespace	vpc add x$n netns nosuch$n cidr 10.9.0.0/16"
		"	vpc show nosuch$n"
		"	vpc del nosuch$n"
		"	vpc del vpc-00000001"
		"	vpc set nosuch$n cidr add 10.9.0.0/16"
		"	peering request blue$n nosuch$n"
		"	peering request nosuch$n blue$n"
		"	peering accept pcx-00000001"
		"	peering delete pcx-00000001"
		"	peering show pcx-00000001"
		"overlap|exist	vpc set blue$n cidr add 10.0.1.0/24"
		"no such|not|exist	vpc set blue$n cidr del 10.5.0.0/16"
		"least|last|one	vpc set blue$n cidr del 10.0.0.0/16"
		"CIDR|many|limit|max	vpc add x$n netns spare$n cidr 10.10.0.0/16 cidr 10.11.0.0/16 cidr 10.12.0.0/16 cidr 10.13.0.0/16 cidr 10.14.0.0/16 cidr 10.15.0.0/16"
	)
	local entry pat args
	for entry in "${refused[@]}"; do
		pat=${entry%%	*}
		args=${entry#*	}
		# shellcheck disable=SC2086
		must_exit 1 "$pat" ctl $args
		[ "$(vpc_snapshot)" = "$before" ] || fail "'$args' changed the VPCs: $(vpc_snapshot)"
	done
	[ -z "$(vpcpeer_links "blue$n")" ] || fail "a device appeared in blue$n"
}

# The kernel checks what it is sent, whatever the CLI would have refused
# first: raw genetlink requests with bad attributes (nlraw.py) are each
# refused with an extack message, and change nothing.
t_kernel_validates() {
	local n before out
	n=$(case_no)
	vpc_make "blue$n" 10.0.0.0/16
	before=$(vpc_snapshot)
	out=$(python3 -I -S "$SELFTEST_DIR/nlraw.py" bad-vpc-new "blue$n" 2>&1) || fail "$out"
	diag "$(grep -c '^ok' <<< "$out") raw requests answered as they must be"
	[ "$(vpc_snapshot)" = "$before" ] || fail "VPCs changed: $(vpc_snapshot)"
}

# Unloading with VPCs, active, pending and failed connections: either it is
# refused while busy, or everything goes; after rmmod no vpcpeer device is
# left anywhere, every VPC and connection the kernel logged as created was
# destroyed, and the kernel log has no splat.
t_unload_with_state() {
	local n ns left bad
	pair active
	n=$(case_no)
	vpc_make "red$n" 10.7.0.0/16
	pcx_request "red$n" "red$n" "$B"
	vpc_make "over$n" 10.7.1.0/24
	must_exit 1 overlap ctl -n "over$n" peering request "over$n" "red$n"
	if ! rmmod vpcpeer 2> /dev/null; then
		diag "rmmod refused while VPCs exist; retrying after deleting the namespaces"
		netns_cleanup
		wait_for 10 rmmod vpcpeer || fail "rmmod still refused with no namespaces left"
	fi
	! module_loaded || fail "vpcpeer still loaded"
	left=
	for ns in $(ip netns list | awk '{print $1}'); do
		[ -z "$(vpcpeer_links "$ns")" ] || left="$left $ns:$(vpcpeer_links "$ns")"
	done
	[ -z "$(ip -o link show type vpcpeer 2> /dev/null)" ] || left="$left init"
	[ -z "$left" ] || fail "vpcpeer devices left after rmmod:$left"
	for ns in /sys/class/net/pcx-*; do
		[ ! -e "$ns" ] || fail "$ns exists"
	done
	for ns in "$B" "$G"; do
		ip -n "$ns" link show lo > /dev/null || fail "namespace $ns broken after rmmod"
	done
	bad=$(objects_balanced) || fail "objects not destroyed: $bad"
	! dmesg | grep -E "$KERNEL_SPLAT" || fail "the kernel log shows a splat"
}

# A dump of 150 VPCs with ten CIDR blocks each (about 46 KB) cannot fit one
# netlink message (32 KB at most): the kernel must resume where it stopped,
# and "vpc show" must list every VPC exactly once, with all its blocks.
# They all live in one namespace, whose deletion removes them all (R15).
t_dump_resumes() {
	local i n ns cidrs=()
	ns=dump$(case_no)
	netns_new "$ns"
	for i in 0 1 2 3 4; do cidrs+=(cidr "10.$i.0.0/16" cidr "fd00:$i::/48"); done
	for i in $(seq 150); do
		ctl vpc add "$ns-$i" netns "$ns" "${cidrs[@]}" > /dev/null
	done
	n=$(ctl -j vpc show | json_flat | grep -c "^\[[0-9]*\]\.name=$ns-")
	[ "$n" = 150 ] || fail "vpc show -j listed $n of 150 VPCs"
	n=$(ctl -j vpc show | json_flat | grep -c "^\[[0-9]*\]\.cidrs\[9\]=fd00:4::/48")
	[ "$n" = 150 ] || fail "vpc show -j listed all ten blocks of $n VPCs, not 150"
	n=$(ctl vpc show | awk '/^vpc-/ {print $2}' | sort | uniq -d | wc -l)
	[ "$n" = 0 ] || fail "vpc show listed $n VPCs twice"
	ip netns del "$ns"
	wait_for 10 bash -c "! '$VPCPEER_CTL' vpc show | grep -q ' $ns-'" ||
		fail "deleting $ns left VPCs behind"
}

ktap_case module_loads t_load
ktap_case vpc_add_show_del t_vpc_add_show_del
ktap_case vpc_names_unique_and_indexed t_vpc_names_unique
ktap_case pending_requester_device_dormant_drops_not_active t_pending
ktap_case names_per_account t_names_per_account
ktap_case accounts_only_accepter_accepts t_accounts
ktap_case reject_removes_requester_device t_reject
ktap_case delete_active_either_side_pending_by_requester t_delete
ktap_case ip_link_del_ends_peering t_link_del
ktap_case overlapping_cidrs_put_request_in_failed t_overlap_request_fails
ktap_case cidr_add_overlapping_a_peer_refused t_overlap_cidr_add_refused
ktap_case second_live_pcx_per_pair_refused t_duplicate_refused
ktap_case netns_delete_deletes_vpc_and_peerings t_netns_delete
ktap_case unprivileged_cannot_act_for_others t_unprivileged
ktap_case bad_input_changes_nothing t_bad_input
ktap_case kernel_refuses_bad_attributes t_kernel_validates
ktap_case dump_of_150_large_vpcs_resumes t_dump_resumes
ktap_case unload_with_peerings_cleans_up t_unload_with_state
ktap_finish

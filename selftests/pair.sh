#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regions between two real kernels: run in both guests of tools/vm/pair
# at once (make check: a = 6.1 with b = 6.12, then the reverse), each
# guest one host, each module the other's region. What region.sh proves
# against fakeregion.py, here module against module, across kernel
# versions:
#
#   guest a (PAIR_ROLE=a)                       guest b (PAIR_ROLE=b)
#   eth0 192.0.2.1/24  <==== tools/vm/pair link, MTU 9000 ====>  192.0.2.2/24
#   wg0 10.255.0.1 fd00:255::1   <==== WireGuard ====>   wg0 10.255.0.2 fd00:255::2
#   region b (and b6 over IPv6)                 region a (and a6)
#   leak counter: ingress eth0, udp dport 6081 (cleartext GENEVE), must stay 0
#
# Both guests run the same cases in the same order and meet at barriers
# (files in PAIR_SYNC): a case one guest fails leaves the other waiting
# at most a barrier's timeout, then both go on. The cases: both regions
# up with each other's name and epoch, over IPv4 and IPv6 underlays; a
# peering across them (blue on a, 10.0.0.0/16 fd00:b::/48, requests green
# on b, 10.1.0.0/16 fd00:9::/48, by name; b sees a's side and blocks and
# accepts; active on both, MTU 8500), traffic both ways in both families
# (a's tx is b's rx) and TCP, a block green gains (UPDATE), a delete from
# the accepter; a partition (down on
# both, the peering stays active), a restart (the new epoch seen, the
# peering deleted "region restarted"), policy-based IPsec, and no
# cleartext on either eth0.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip wg nft insmod rmmod modprobe
require_module_file
require_ctl

[ -n "${PAIR_ROLE:-}" ] && [ -n "${PAIR_SYNC:-}" ] ||
	{ echo "# pair.sh runs under tools/vm/pair (no PAIR_ROLE here)"; exit "$KSFT_SKIP"; }

PARAMS=/sys/module/vpcpeer/parameters
KEEPALIVE_MS=500
DEAD_MS=2000
ME=$PAIR_ROLE
if [ "$ME" = a ]; then PEER=b N=1 M=2; else PEER=a N=2 M=1; fi

# barrier NAME: this guest is here; wait (60 s at most) for the other.
barrier() {
	: > "$PAIR_SYNC/$1.$ME"
	wait_for 60 test -e "$PAIR_SYNC/$1.$PEER" || fail "the other guest did not reach barrier $1"
}

# Fixed test keys, each guest deriving both: the guests share nothing
# else before WireGuard is up.
key() { printf 'vpcpeer-pair-%s-%032d' "$1" 0 | head -c 32 | base64; }

region_flat() { ctl -j -s region show "$1" | json_flat '[0].'; }
region_get() { jget "$(region_flat "$1")" "$2"; }
region_is() { [ "$(region_get "$1" state)" = "$2" ]; }

# Cleartext udp/6081 that reached this guest's eth0.
leaked() {
	nft list chain netdev leak in |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

load() {
	module_load region_name="$ME" region_keepalive_ms=$KEEPALIVE_MS \
		region_dead_ms=$DEAD_MS region_retransmit_ms=200
}

# This guest's VPC (blue on a, green on b), its addresses and the peer's.
if [ "$ME" = a ]; then
	VPC=blue MY4=10.0.0.1 MY6=fd00:b::1 PEER4=10.1.0.1 PEER6=fd00:9::1
	MYNETS="10.0.0.0/16 fd00:b::/48" PEERNETS="10.1.0.0/16 fd00:9::/48"
else
	VPC=green MY4=10.1.0.1 MY6=fd00:9::1 PEER4=10.0.0.1 PEER6=fd00:b::1
	MYNETS="10.1.0.0/16 fd00:9::/48" PEERNETS="10.0.0.0/16 fd00:b::/48"
fi

pcx_is() { [ "$(pcx_state "$1")" = "$2" ]; }

# The VPC, in a namespace that outlives the case (netns_new's would not);
# made again after a module reload.
vpc_here() {
	ip netns add "$VPC" 2> /dev/null && ip -n "$VPC" -b - <<-EOF
		link set lo up
		addr add $MY4/32 dev lo
		addr add $MY6/128 dev lo
	EOF
	# shellcheck disable=SC2086
	ctl vpc add "$VPC" netns "$VPC" $(printf 'cidr %s ' $MYNETS) > /dev/null ||
		fail "vpc add $VPC failed"
}

# peer_up TAG: blue (a) requests green in region b, by name; b finds the
# request with a's side in region a and blue's blocks, and accepts; both
# see it active, with an 8500-byte device, and route the other's blocks
# to it. PCX: its id (also in $PAIR_SYNC/pcx-TAG).
peer_up() {
	local tag=$1 f c
	if [ "$ME" = a ]; then
		PCX=$(ctl -n blue peering request blue green region b 2>&1) ||
			fail "peering request blue green region b failed: $PCX"
		[[ $PCX =~ $PCX_RE ]] || fail "peering request printed '$PCX', not a pcx id"
		echo "$PCX" > "$PAIR_SYNC/pcx-$tag"
		wait_for 30 eval '! pcx_is "$PCX" initiating-request' ||
			fail "$PCX still initiating: region b did not answer"
		f=$(pcx_flat "$PCX")
		[ "$(jget "$f" state)" = pending-acceptance ] || fail "b answered, but: $f"
		[ "$(jget "$f" accepter.region)" = b ] || fail "the accepter is not in region b: $f"
	else
		wait_for 60 test -s "$PAIR_SYNC/pcx-$tag" || fail "a made no request"
		PCX=$(cat "$PAIR_SYNC/pcx-$tag")
		wait_for 30 pcx_is "$PCX" pending-acceptance ||
			fail "a's request $PCX is not pending here: $(ctl peering show "$PCX" 2>&1)"
		f=$(pcx_flat "$PCX")
		[ "$(jget "$f" requester.region)" = a ] || fail "the requester is not in region a: $f"
		for c in $PEERNETS; do
			grep -qx "requester\.cidrs\[[0-9]*\]=$c" <<< "$f" ||
				fail "the requester's block $c is not shown: $f"
		done
		must_fail "only the requester deletes a pending request" ctl -n green peering delete "$PCX"
		pcx_accept green "$PCX"
	fi
	wait_for 30 pcx_is "$PCX" active || fail "$PCX is $(pcx_state "$PCX"), not active"
	f=$(pcx_flat "$PCX")
	if [ "$ME" = a ]; then
		for c in $PEERNETS; do
			grep -qx "accepter\.cidrs\[[0-9]*\]=$c" <<< "$f" ||
				fail "the accepter's block $c is not shown: $f"
		done
	fi
	ip -n "$VPC" link show dev "$PCX" | grep -q ' mtu 8500 ' ||
		fail "the device's MTU is not 8500: $(ip -n "$VPC" link show dev "$PCX")"
	# shellcheck disable=SC2086
	routes "$VPC" "$PCX" "$MY4" "$MY6" $PEERNETS
	barrier "active-$tag"
}

# --- cases -------------------------------------------------------------------

# The underlay both guests keep for the whole run: WireGuard between the
# eth0 addresses, the leak counter, and the module with short clocks.
t_setup() {
	local self peer
	modprobe -q wireguard 2> /dev/null || true
	self=$(key "$ME") peer=$(key "$PEER")
	ip link add wg0 mtu 8920 type wireguard
	wg set wg0 private-key <(echo "$self") listen-port 51820 \
		peer "$(echo "$peer" | wg pubkey)" endpoint "192.0.2.$M:51820" \
		allowed-ips "10.255.0.$M/32,fd00:255::$M/128" persistent-keepalive 5
	ip addr add "10.255.0.$N/32" dev wg0
	ip addr add "fd00:255::$N/128" dev wg0 nodad
	ip link set wg0 up
	ip route add "10.255.0.$M/32" dev wg0
	ip -6 route add "fd00:255::$M/128" dev wg0
	nft add table netdev leak
	nft add chain netdev leak in '{ type filter hook ingress device eth0 priority 0; }'
	nft add rule netdev leak in udp dport 6081 counter
	module_unload
	load
	module_loaded || fail "vpcpeer is not loaded"
	barrier setup
}

# Each module adds the other as a region; both come up, each with the
# other's name and epoch, the inner MTU of wg0's 8920 less 36 bytes.
t_region_up_both_ways() {
	local e
	ctl region add "$PEER" remote "10.255.0.$M" local "10.255.0.$N"
	wait_for 60 region_is "$PEER" up ||
		fail "region $PEER not up: $(ctl -s region show "$PEER"); wg: $(wg show wg0 | tr '\n' ' ')"
	[ "$(region_get "$PEER" underlay)" = wireguard ] || fail "underlay is $(region_get "$PEER" underlay)"
	[ "$(region_get "$PEER" inner_mtu)" = 8884 ] || fail "inner MTU $(region_get "$PEER" inner_mtu)"
	[ "$(region_get "$PEER" peer_name)" = "$PEER" ] || fail "peer name $(region_get "$PEER" peer_name)"
	e=$(region_get "$PEER" peer_epoch)
	[[ $e =~ ^[0-9a-f]{16}$ ]] && [ "$e" != 0000000000000000 ] || fail "peer epoch '$e'"
	echo "$e" > "$PAIR_SYNC/epoch-of-$PEER.$ME"
	[ "$(region_get "$PEER" stats.ctl_rx)" -ge 1 ] || fail "no control message counted"
	[ "$(region_get "$PEER" stats.ctl_drop_invalid)" = 0 ] ||
		fail "the other kernel's messages counted invalid: $(region_flat "$PEER")"
	barrier up
}

# The same over the IPv6 underlay: its own socket on each side.
t_region_up_ipv6() {
	ctl region add "${PEER}6" remote "fd00:255::$M" local "fd00:255::$N"
	wait_for 60 region_is "${PEER}6" up || fail "region ${PEER}6 not up: $(ctl -s region show "${PEER}6")"
	[ "$(region_get "${PEER}6" inner_mtu)" = 8864 ] || fail "inner MTU $(region_get "${PEER}6" inner_mtu)"
	[ "$(region_get "${PEER}6" peer_name)" = "$PEER" ] || fail "peer name $(region_get "${PEER}6" peer_name)"
	barrier up6
	ctl region del "${PEER}6"
}

t_vpcs() {
	vpc_here
	barrier vpcs
}

# A peering across the regions, then what the accepter's owner sees of it
# before it accepts, and that only it may: a may not accept for b.
t_peering_lifecycle() {
	local out
	peer_up life
	if [ "$ME" = a ]; then
		out=$(ctl -n blue peering reject "$PCX" 2>&1) && fail "a rejected b's side"
		grep -q "another region" <<< "$out" || fail "reject on a: '$out'"
	fi
	barrier life-done
}

# Ping both ways, both families, and 8000 bytes (one packet, not
# fragmented: the inner MTU is 8500); each packet one guest sent, the
# other received, so that a's tx is b's rx and the reverse.
t_traffic() {
	local f mine theirs out
	PCX=$(cat "$PAIR_SYNC/pcx-life")
	barrier traffic-start
	ping_ok "$VPC" "$PEER4"
	ping_ok "$VPC" "$PEER6"
	ping_ok "$VPC" "$PEER4" -s 8000 -M do
	ip netns exec "$VPC" ping -n -c 1 -W 1 -s 8473 -M do "$PEER4" > /dev/null 2>&1 &&
		fail "8501 bytes with DF crossed an 8500-byte peering"
	barrier traffic-done
	f=$(pcx_flat "$PCX")
	if [ "$ME" = a ]; then
		jget "$f" requester.stats.tx_packets > "$PAIR_SYNC/tx.a"
		jget "$f" requester.stats.rx_packets > "$PAIR_SYNC/rx.a"
	else
		jget "$f" accepter.stats.tx_packets > "$PAIR_SYNC/tx.b"
		jget "$f" accepter.stats.rx_packets > "$PAIR_SYNC/rx.b"
	fi
	barrier counted
	mine=$(cat "$PAIR_SYNC/tx.$ME") theirs=$(cat "$PAIR_SYNC/rx.$PEER")
	[ "$mine" -ge 6 ] || fail "only $mine packets sent: $f"
	[ "$mine" = "$theirs" ] || fail "$ME sent $mine packets, $PEER received $theirs: $f"
	[ "$(region_get "$PEER" stats.rx_drop_not_encrypted)" = 0 ] || fail "$(region_flat "$PEER")"
	diag "$ME sent $mine packets, $PEER received $theirs"
	barrier traffic-end
	# TCP: GSO packets of the VPC's stack, encapsulated whole, segmented
	# before WireGuard; b serves one test, a runs it for 2 s (after the
	# counts: a GSO packet is one on a's side, many on b's).
	if [ "$ME" = b ]; then
		ip netns exec green iperf3 -s -1 -B "$MY4" > "$PAIR_SYNC/iperf3-server.log" 2>&1 &
		defer "kill $! 2> /dev/null"
		wait_for 10 eval 'ip netns exec green ss -ltn | grep -q ":5201 "' ||
			fail "iperf3 does not listen: $(cat "$PAIR_SYNC/iperf3-server.log")"
	fi
	barrier iperf3-listening
	if [ "$ME" = a ]; then
		out=$(ip netns exec blue iperf3 -c "$PEER4" -t 2 -f m 2>&1) ||
			fail "iperf3 across the regions failed: $out"
		grep -q 'receiver' <<< "$out" || fail "iperf3: $out"
		diag "iperf3: $(grep receiver <<< "$out" | awk '{print $7, $8}')"
	fi
	barrier iperf3-done
}

# green gains a block (10.5.0.0/16, an address in it): b's module tells
# a's (UPDATE), whose checks then take what comes from it.
t_cidr_update() {
	PCX=$(cat "$PAIR_SYNC/pcx-life")
	if [ "$ME" = b ]; then
		ctl vpc set green cidr add 10.5.0.0/16 > /dev/null || fail "cidr add failed"
		ip -n green addr add 10.5.0.1/32 dev lo
	else
		wait_for 30 eval 'pcx_flat "$PCX" | grep -qx "accepter\.cidrs\[[0-9]*\]=10.5.0.0/16"' ||
			fail "green's new block did not reach a: $(pcx_flat "$PCX")"
		ip -n blue route add 10.5.0.0/16 dev "$PCX" src 10.0.0.1
	fi
	barrier update
	[ "$ME" = a ] && ping_ok blue 10.5.0.1
	barrier update-done
}

# The accepter's owner deletes it: deleted on both, each with its reason,
# the devices gone.
t_delete_from_accepter() {
	local f
	PCX=$(cat "$PAIR_SYNC/pcx-life")
	barrier del-start
	[ "$ME" = b ] && { ctl -n green peering delete "$PCX" || fail "delete on b failed"; }
	wait_for 30 pcx_is "$PCX" deleted || fail "$PCX is $(pcx_state "$PCX"), not deleted"
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" reason)" = deleted-by-accepter ] || fail "reason: $f"
	! link_exists "$VPC" "$PCX" || fail "the device of deleted $PCX is still there"
	barrier del-done
}

# A partition (b's eth0 down, WireGuard and its routes left as they
# are): both see the other down after region_dead_ms, not unencrypted,
# and up again once it heals; a peering stays active throughout (AWS).
t_partition() {
	peer_up part
	barrier part-start
	[ "$ME" = b ] && ip link set eth0 down
	wait_for 30 region_is "$PEER" down ||
		fail "region $PEER is $(region_get "$PEER" state) during the partition, not down"
	pcx_is "$PCX" active || fail "$PCX is $(pcx_state "$PCX") during the partition"
	barrier part-down
	[ "$ME" = b ] && ip link set eth0 up
	wait_for 60 region_is "$PEER" up ||
		fail "region $PEER is $(region_get "$PEER" state) after the partition healed"
	pcx_is "$PCX" active || fail "$PCX is $(pcx_state "$PCX") after the partition"
	ping_ok "$VPC" "$PEER4"
	barrier part-healed
}

# b reloads its module, its udp/6081 blocked meanwhile so that a learns
# nothing from the DELETE b's unload sends: a new epoch, which a sees
# with b's next HELLO, and the peering of the partition case ends there
# as deleted, "the peer's region restarted".
t_restart() {
	local before after f
	PCX=$(cat "$PAIR_SYNC/pcx-part")
	barrier restart-start
	if [ "$ME" = b ]; then
		nft add table inet block
		nft add chain inet block out '{ type filter hook output priority 0; }'
		nft add rule inet block out udp dport 6081 drop
		module_unload || fail "rmmod with a region and a peering failed"
		nft delete table inet block
		load
		ctl region add "$PEER" remote "10.255.0.$M" local "10.255.0.$N"
		vpc_here
	fi
	wait_for 60 region_is "$PEER" up || fail "region $PEER not up after b's restart"
	if [ "$ME" = a ]; then
		before=$(cat "$PAIR_SYNC/epoch-of-b.a")
		wait_for 30 eval '[ "$(region_get b peer_epoch)" != "$before" ]' ||
			fail "b's epoch is still $before after its module was reloaded"
		after=$(region_get b peer_epoch)
		diag "b's epoch $before -> $after"
		wait_for 10 pcx_is "$PCX" deleted || fail "$PCX is $(pcx_state "$PCX") after b's restart"
		f=$(pcx_flat "$PCX")
		[ "$(jget "$f" reason)" = region-restarted ] || fail "reason: $f"
		! link_exists blue "$PCX" || fail "the device of $PCX is still there"
	fi
	barrier restart-done
}

# Policy-based IPsec in place of WireGuard: transport ESP between the eth0
# addresses, the same fixed keys on both sides, for udp/6081.
t_region_up_ipsec() {
	local k1 k2 dir
	k1=0x$(printf '%040d' 1) k2=0x$(printf '%040d' 2)
	ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x101 reqid 1 \
		mode transport replay-window 32 aead 'rfc4106(gcm(aes))' "$k1" 128
	ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x102 reqid 2 \
		mode transport replay-window 32 aead 'rfc4106(gcm(aes))' "$k2" 128
	defer "ip xfrm state flush; ip xfrm policy flush"
	for dir in out in; do
		local s=192.0.2.$N d=192.0.2.$M
		[ "$dir" = in ] && { s=192.0.2.$M d=192.0.2.$N; }
		ip xfrm policy add src "$s" dst "$d" proto udp dport 6081 dir "$dir" \
			tmpl src "$s" dst "$d" proto esp reqid "$([ "$s" = 192.0.2.1 ] && echo 1 || echo 2)" \
			mode transport
	done
	ctl region add "${PEER}x" remote "192.0.2.$M" local "192.0.2.$N"
	defer "$VPCPEER_CTL region del ${PEER}x 2> /dev/null"
	[ "$(region_get "${PEER}x" underlay)" = ipsec ] || fail "underlay is $(region_get "${PEER}x" underlay)"
	wait_for 60 region_is "${PEER}x" up || fail "region ${PEER}x not up over IPsec: $(ctl -s region show "${PEER}x")"
	barrier ipsec
}

# Nothing crossed either eth0 in clear; the module unloads with its
# regions, and the kernel log is clean (tools/vm/run checks it too).
t_no_plaintext_and_unload() {
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext udp/6081 packets reached this guest's eth0"
	barrier end
	module_unload || fail "rmmod with regions failed"
	! module_loaded || fail "vpcpeer still loaded"
	ip netns del "$VPC"
}

ktap_case pair_setup t_setup
ktap_case region_up_both_ways t_region_up_both_ways
ktap_case region_up_ipv6 t_region_up_ipv6
ktap_case vpcs_on_both t_vpcs
ktap_case peering_request_accept_active t_peering_lifecycle
ktap_case peering_traffic_both_ways t_traffic
ktap_case peering_cidr_update t_cidr_update
ktap_case peering_delete_from_accepter t_delete_from_accepter
ktap_case partition_down_then_up_peering_active t_partition
ktap_case restart_ends_peering t_restart
ktap_case region_up_ipsec t_region_up_ipsec
ktap_case no_plaintext_and_unload t_no_plaintext_and_unload
ktap_finish

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
# at most a barrier's timeout, then both go on. Peerings across regions
# come with the rest of the control protocol; these cases cover the
# regions: both up with each other's name and epoch, IPv4 and IPv6
# underlays, a partition (down on both, then up), a restart (the new
# epoch seen), policy-based IPsec, and no cleartext on either eth0.
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
	module_load region_name="$ME" region_keepalive_ms=$KEEPALIVE_MS region_dead_ms=$DEAD_MS
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

# A partition (b's eth0 down, WireGuard and its routes left as they
# are): both see the other down after region_dead_ms, not unencrypted,
# and up again once it heals.
t_partition() {
	barrier part-start
	[ "$ME" = b ] && ip link set eth0 down
	wait_for 30 region_is "$PEER" down ||
		fail "region $PEER is $(region_get "$PEER" state) during the partition, not down"
	barrier part-down
	[ "$ME" = b ] && ip link set eth0 up
	wait_for 60 region_is "$PEER" up ||
		fail "region $PEER is $(region_get "$PEER" state) after the partition healed"
	barrier part-healed
}

# b reloads its module: a new epoch, which a sees with b's next HELLO.
t_restart() {
	local before after
	barrier restart-start
	if [ "$ME" = b ]; then
		module_unload || fail "rmmod with a region failed"
		load
		ctl region add "$PEER" remote "10.255.0.$M" local "10.255.0.$N"
	fi
	wait_for 60 region_is "$PEER" up || fail "region $PEER not up after b's restart"
	if [ "$ME" = a ]; then
		before=$(cat "$PAIR_SYNC/epoch-of-b.a")
		wait_for 30 eval '[ "$(region_get b peer_epoch)" != "$before" ]' ||
			fail "b's epoch is still $before after its module was reloaded"
		after=$(region_get b peer_epoch)
		diag "b's epoch $before -> $after"
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
}

ktap_case pair_setup t_setup
ktap_case region_up_both_ways t_region_up_both_ways
ktap_case region_up_ipv6 t_region_up_ipv6
ktap_case partition_down_then_up t_partition
ktap_case restart_new_epoch_seen t_restart
ktap_case region_up_ipsec t_region_up_ipsec
ktap_case no_plaintext_and_unload t_no_plaintext_and_unload
ktap_finish

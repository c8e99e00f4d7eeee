#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/demo-regions.sh: make demo-regions, the inter-region tour. It runs
# in both guests of tools/vm/pair at once (PAIR_ROLE a or b), each guest a
# host with its own vpcpeer, joined by a WireGuard link over the pair's
# private network:
#
#   guest a (region a)                                guest b (region b)
#   eth0 192.0.2.1  <========== the pair's link ==========>  eth0 192.0.2.2
#   wg0 10.255.0.1  <============ WireGuard ==============>  wg0 10.255.0.2
#   netns blue, VPC 10.0.0.0/16                       netns green, VPC 10.1.0.0/16
#        pcx-XXXXXXXX  <=== GENEVE inside WireGuard ===>  pcx-XXXXXXXX
#
# Each host adds the other as a region; blue's owner on a requests a
# peering with green on b, green's owner on b accepts it, pings cross both
# ways, nothing crosses eth0 in clear, and blue's owner deletes it. Each
# step shows its commands and output and checks what must happen; the
# guests wait for each other at barriers (files in PAIR_SYNC).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh"

if [ -z "${PAIR_ROLE:-}" ] || [ -z "${PAIR_SYNC:-}" ]; then
	echo "demo-regions: runs in both guests of tools/vm/pair: make demo-regions" >&2
	exit 2
fi
[ "$(id -u)" = 0 ] || { echo "demo-regions: must run as root" >&2; exit 2; }
[ -f "$VPCPEER_KO" ] || { echo "demo-regions: no module at $VPCPEER_KO (make modules-all)" >&2; exit 2; }

PATH="$(dirname "$VPCPEER_CTL"):$PATH"
export PATH
cd "$top" || exit 2

ME=$PAIR_ROLE
if [ "$ME" = a ]; then
	PEER=b N=1 M=2 VPC=blue NET=10.0.0.0/16 ADDR=10.0.0.1 PEERNET=10.1.0.0/16 PEERADDR=10.1.0.1
else
	PEER=a N=2 M=1 VPC=green NET=10.1.0.0/16 ADDR=10.1.0.1 PEERNET=10.0.0.0/16 PEERADDR=10.0.0.1
fi

steps=8 DEMO_NAME=demo-regions
# shellcheck source=demo-lib.sh
source "$top/tools/demo-lib.sh"
# The other guest stops waiting for this one at its next barrier.
demo_failed() { : > "$PAIR_SYNC/failed.$ME"; }
# barrier NAME: wait (60 s at most) for the other guest to get here too.
barrier() {
	: > "$PAIR_SYNC/$1.$ME"
	wait_for 60 test -e "$PAIR_SYNC/$1.$PEER" -o -e "$PAIR_SYNC/failed.$PEER" ||
		die "the other guest did not reach '$1'"
	[ ! -e "$PAIR_SYNC/failed.$PEER" ] || die "the other guest failed"
}
state() { jget "$(ctl -j peering show "$1" | json_flat '[0].')" state; }
region_state() { jget "$(ctl -j region show "$1" | json_flat '[0].')" state; }
leaked() {
	nft list chain netdev leak in |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
# The guests share nothing before WireGuard is up: each derives both keys.
key() { printf 'vpcpeer-demo-%s-%032d' "$1" 0 | head -c 32 | base64; }

cleanup() { ip netns del "$VPC" 2> /dev/null; }
trap cleanup EXIT

printf 'vpcpeer inter-region demo: host %s (%s), the other host is %s\n' "$ME" "$(uname -r)" "$PEER"

say "Load vpcpeer as region $ME"
module_loaded && rmmod vpcpeer
modprobe -q -a udp_tunnel ip6_udp_tunnel wireguard 2> /dev/null || true
run insmod "${VPCPEER_KO#"$top"/}" region_name="$ME" region_keepalive_ms=500 region_dead_ms=2000 ||
	die "insmod failed"

say "An encrypted link to the other host: WireGuard, its address pinned to its key"
ip link add wg0 mtu 8920 type wireguard
wg set wg0 private-key <(key "$ME") listen-port 51820 \
	peer "$(key "$PEER" | wg pubkey)" endpoint "192.0.2.$M:51820" \
	allowed-ips "10.255.0.$M/32" persistent-keepalive 5
ip addr add "10.255.0.$N/32" dev wg0
ip link set wg0 up
ip route add "10.255.0.$M/32" dev wg0
run wg show wg0
# What reaches eth0 as cleartext GENEVE (udp/6081): must stay 0.
nft add table netdev leak
nft add chain netdev leak in '{ type filter hook ingress device eth0 priority 0; }'
nft add rule netdev leak in udp dport 6081 counter

say "Each host adds the other as a region; it comes up once both have"
run vpcpeer-ctl region add "$PEER" remote "10.255.0.$M" local "10.255.0.$N" || die "region add failed"
wait_for 60 eval '[ "$(region_state "$PEER")" = up ]' || die "region $PEER did not come up"
run vpcpeer-ctl region show "$PEER"
ok "region $PEER is up, over WireGuard (the module verified the route before it sent anything)"
barrier regions

say "A VPC on each host: blue on a, green on b"
ip netns add "$VPC"
ip -n "$VPC" link set lo up
run vpcpeer-ctl vpc add "$VPC" netns "$VPC" cidr "$NET" || die "vpc add failed"
run ip -n "$VPC" addr add "$ADDR/32" dev lo
barrier vpcs

say "blue's owner (on a) requests a peering with green, in region b; green's owner (on b) accepts"
if [ "$ME" = a ]; then
	run vpcpeer-ctl -n blue peering request blue green region b || die "the request failed"
	pcx=$OUT
	[[ $pcx =~ ^pcx-[0-9a-f]{8}$ ]] || die "expected a pcx id, got '$pcx'"
	echo "$pcx" > "$PAIR_SYNC/pcx"
	wait_for 30 eval '[ "$(state "$pcx")" = pending-acceptance ]' || die "region b did not answer"
	run vpcpeer-ctl peering show "$pcx"
	run vpcpeer-ctl -n blue peering accept "$pcx" && die "blue's host must not accept for green"
	ok "pending acceptance by green, which is accepted on its own host only"
else
	wait_for 60 test -s "$PAIR_SYNC/pcx" || die "a made no request"
	pcx=$(cat "$PAIR_SYNC/pcx")
	wait_for 30 eval '[ "$(state "$pcx")" = pending-acceptance ]' || die "a's request did not arrive"
	run vpcpeer-ctl peering show "$pcx"
	ok "a's request, with blue's CIDR block, waits for green's owner"
	run vpcpeer-ctl -n green peering accept "$pcx" || die "the accept failed"
fi
wait_for 30 eval '[ "$(state "$pcx")" = active ]' || die "$pcx did not become active"
run vpcpeer-ctl peering show "$pcx"
run ip -n "$VPC" -br link show dev "$pcx"
ok "active on both hosts, one device on each, MTU 8500 as AWS between regions"
barrier active

say "Each side routes the other's block into the peering; they ping each other"
run ip -n "$VPC" route add "$PEERNET" dev "$pcx" src "$ADDR" || die "route failed"
barrier routes
run ip netns exec "$VPC" ping -c 3 -i 0.3 -W 2 "$PEERADDR" || die "ping across the regions failed"
barrier pinged
run vpcpeer-ctl -s peering show "$pcx"
[ "$(leaked)" = 0 ] || die "$(leaked) cleartext GENEVE packets reached eth0"
ok "answered; each packet checked by both kernels; nothing crossed eth0 in clear"

say "blue's owner deletes the peering: it ends on both hosts"
[ "$ME" = a ] && { run vpcpeer-ctl -n blue peering delete "$pcx" || die "delete failed"; }
wait_for 30 eval '[ "$(state "$pcx")" = deleted ]' || die "$pcx is $(state "$pcx"), not deleted"
run vpcpeer-ctl peering show "$pcx"
ok "deleted on both, the devices gone"
barrier deleted
run ip netns del "$VPC"
run rmmod vpcpeer || die "rmmod failed"

printf '\ndemo-regions: all %d steps passed on host %s\n' "$steps" "$ME"

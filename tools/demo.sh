#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/demo.sh: the README's tour of vpcpeer, run by "make demo" inside a
# guest (tools/vm/run --kernel VER -- tools/demo.sh). Two namespaces become
# two VPCs, blue requests a peering, green accepts it, and packets cross:
#
#   netns blue  VPC 10.0.0.0/16 fd00:b::/48         netns green  VPC 10.1.0.0/16 fd00:9::/48
#   lo 10.0.0.1 fd00:b::1  pcx-XXXXXXXX <=====> pcx-XXXXXXXX  lo 10.1.0.1 fd00:9::1
#
# then a packet for an address outside green's blocks, routed into the
# peering all the same, is dropped and counted. Each step says what it does,
# shows the commands and their output, and checks what must happen; the
# first expectation that fails ends the demo with exit status 1.
#
# It loads a kernel module and makes namespaces named blue and green, so it
# refuses to run outside the guest unless given --here.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh"

if [ "$(hostname)" != vpcpeer-vm ] && [ "${1:-}" != --here ]; then
	echo "demo: this loads vpcpeer into the running kernel and creates namespaces" >&2
	echo "demo: blue and green; run it in a guest with 'make demo', or pass --here" >&2
	exit 2
fi
[ "$(id -u)" = 0 ] || { echo "demo: must run as root" >&2; exit 2; }
[ -f "$VPCPEER_KO" ] || { echo "demo: no module at $VPCPEER_KO (make modules-all)" >&2; exit 2; }
[ -x "$VPCPEER_CTL" ] || { echo "demo: no vpcpeer-ctl at $VPCPEER_CTL (make ctl)" >&2; exit 2; }

# vpcpeer-ctl on PATH, so that the commands shown are the ones a user types.
PATH="$(dirname "$VPCPEER_CTL"):$PATH"
export PATH
cd "$top" || exit 2

steps=10
# shellcheck source=demo-lib.sh
source "$top/tools/demo-lib.sh"

cleanup() {
	ip netns del blue 2> /dev/null
	ip netns del green 2> /dev/null
}
trap cleanup EXIT

counter() {	# counter PCX SIDE NAME
	jget "$(ctl -j -s peering show "$1" | json_flat | sed 's/^\[0\]\.//')" "$2.stats.$3"
}
state() { jget "$(ctl -j peering show "$1" | json_flat | sed 's/^\[0\]\.//')" state; }

printf 'vpcpeer demo: AWS VPC peering between two network namespaces (%s)\n' "$(uname -r)"

say "Load the module"
module_loaded && rmmod vpcpeer
# insmod resolves no dependencies: the UDP tunnel helpers first.
modprobe -q -a udp_tunnel ip6_udp_tunnel 2> /dev/null || true
run insmod "${VPCPEER_KO#"$top"/}" || die "insmod failed"
run vpcpeer-ctl version || die "vpcpeer-ctl cannot reach the module"

say "Two network namespaces, blue and green"
cleanup
for ns in blue green; do
	run ip netns add "$ns" || die "ip netns add $ns failed"
	ip -n "$ns" link set lo up
done

say "Each becomes a VPC with an IPv4 and an IPv6 block, and an address inside it"
run vpcpeer-ctl vpc add blue netns blue cidr 10.0.0.0/16 cidr fd00:b::/48 || die "vpc add blue failed"
run vpcpeer-ctl vpc add green netns green cidr 10.1.0.0/16 cidr fd00:9::/48 || die "vpc add green failed"
run ip -n blue addr add 10.0.0.1/32 dev lo
run ip -n blue addr add fd00:b::1/128 dev lo
run ip -n green addr add 10.1.0.1/32 dev lo
run ip -n green addr add fd00:9::1/128 dev lo
run vpcpeer-ctl vpc show

say "blue requests a peering connection with green"
run vpcpeer-ctl -n blue peering request blue green || die "the request failed"
pcx=$OUT
[[ $pcx =~ ^pcx-[0-9a-f]{8}$ ]] || die "expected a pcx id, got '$pcx'"
run vpcpeer-ctl peering show "$pcx"
[ "$(state "$pcx")" = pending-acceptance ] || die "expected pending-acceptance"
run ip -n blue -br link show dev "$pcx" || die "no $pcx in blue"
grep -q DORMANT <<< "$OUT" || die "$pcx in blue should be DORMANT until green accepts"
ip -n green link show dev "$pcx" > /dev/null 2>&1 && die "green should have no device yet"
ok "pending acceptance: blue has $pcx (DORMANT: nothing crosses yet), green has none"

say "green accepts it"
run vpcpeer-ctl -n green peering accept "$pcx" || die "the accept failed"
run vpcpeer-ctl peering show "$pcx"
[ "$(state "$pcx")" = active ] || die "expected active"
run ip -n green -br link show dev "$pcx" || die "no $pcx in green"
ok "active: each namespace has its end of $pcx"

say "Each side routes the other's blocks into the peering"
run ip -n blue route add 10.1.0.0/16 dev "$pcx" src 10.0.0.1 || die "route failed"
run ip -n blue route add fd00:9::/48 dev "$pcx" src fd00:b::1 || die "route failed"
run ip -n green route add 10.0.0.0/16 dev "$pcx" src 10.1.0.1 || die "route failed"
run ip -n green route add fd00:b::/48 dev "$pcx" src fd00:9::1 || die "route failed"

say "blue pings green, over IPv4 and IPv6"
run ip netns exec blue ping -c 2 -i 0.2 -W 2 10.1.0.1 || die "IPv4 ping failed"
run ip netns exec blue ping -c 2 -i 0.2 -W 2 fd00:9::1 || die "IPv6 ping failed"
ok "both answered"

say "No edge-to-edge routing: an address outside green's blocks does not cross"
run ip -n blue route add 192.168.77.0/24 dev "$pcx" src 10.0.0.1 || die "route failed"
before=$(counter "$pcx" requester drop_dst_not_in_peer) || die "cannot read the counters"
run ip netns exec blue ping -c 1 -W 1 192.168.77.1 && die "192.168.77.1 must not be reachable through the peering"
after=$(counter "$pcx" requester drop_dst_not_in_peer)
[ "$after" = $((before + 1)) ] || die "drop_dst_not_in_peer went from $before to $after, not up by 1"
ok "dropped on blue's side and counted: drop_dst_not_in_peer $before -> $after"

say "The peering with its counters"
run vpcpeer-ctl -s peering show || die "peering show failed"

say "Deleting green's namespace deletes its VPC and ends the peering"
run ip netns del green
for _ in $(seq 50); do
	ip -n blue link show dev "$pcx" > /dev/null 2>&1 || break
	sleep 0.1
done
ip -n blue link show dev "$pcx" > /dev/null 2>&1 && die "$pcx is still in blue"
run vpcpeer-ctl peering show "$pcx"
[ "$(state "$pcx")" = deleted ] || die "expected deleted"
run vpcpeer-ctl vpc show
grep -q green <<< "$OUT" && die "green is still listed"
ok "$pcx deleted, blue's end removed, VPC green gone"
run ip netns del blue
run rmmod vpcpeer || die "rmmod failed"

printf '\ndemo: all %d steps passed\n' "$steps"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regions: the links to other hosts' vpcpeer modules, and the rule that
# makes them safe: the module sends only along a route that WireGuard or
# IPsec encrypts, and takes only what arrived decrypted. Host B is a
# network namespace behind a real WireGuard link, where fakeregion.py
# plays B's module; an nftables counter on B's underlay ingress counts
# every cleartext udp/6081 packet that reaches it and must stay 0.
#
#   init_net ("host a", the module)             netns hostbN ("host b")
#   u0 192.0.2.1/24  <====== veth, MTU 9000 ======>  u1 192.0.2.2/24
#   wg0 10.255.0.1 fd00:255::1  <== WireGuard ==>  wg1 10.255.0.2 fd00:255::2
#   region b: remote 10.255.0.2 local 10.255.0.1    fakeregion.py serve
#                                                   (leak counter: ingress u1,
#                                                    udp dport 6081)
#
# The remote_* cases peer a VPC here with one "there", the fake playing
# the other module message by message: requests both ways, failures,
# retransmission, withdrawal, deletion and its acknowledgement, CIDR
# updates both ways, the requester's quota, the 50-block limit, a route
# losing its encryption, a restart, a second region's scope, the
# receiver's checks of what arrives, and fuzzed control messages, with
# pings that cross through the fake (it answers echo requests on the VNI
# it is told).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ss sysctl insmod rmmod wg nft python3 unshare nsenter awk od tr
require_module_file
require_ctl

PARAMS=/sys/module/vpcpeer/parameters
FAKE=$SELFTEST_DIR/fakeregion.py
KEEPALIVE_MS=500
DEAD_MS=2000

# --- the underlay ------------------------------------------------------------

# later CMD: defer CMD to the end of the case, unless KEEP is set: what is
# made then outlives the case (the remote_* cases share one underlay, one
# region and one fake, made by remote_setup_all, undone by its teardown).
later() { [ -n "${KEEP:-}" ] || defer "$@"; }

# Inside a case: underlay: hostbN (or HOSTB_NAME), the veth pair and the
# leak counter; HOSTB is the namespace.
underlay() {
	HOSTB=${HOSTB_NAME:-hostb$(case_no)}
	if [ -n "${KEEP:-}" ]; then
		ip netns add "$HOSTB"
		ip -n "$HOSTB" link set lo up
	else
		netns_new "$HOSTB"
	fi
	ip link add u0 mtu 9000 type veth peer name u1 mtu 9000 netns "$HOSTB"
	later "ip link del u0 2> /dev/null"
	ip addr add 192.0.2.1/24 dev u0
	ip link set u0 up
	ip -n "$HOSTB" addr add 192.0.2.2/24 dev u1
	ip -n "$HOSTB" link set u1 up
	ip netns exec "$HOSTB" nft add table netdev leak
	ip netns exec "$HOSTB" nft add chain netdev leak in \
		'{ type filter hook ingress device u1 priority 0; }'
	ip netns exec "$HOSTB" nft add rule netdev leak in udp dport 6081 counter
}

# Cleartext udp/6081 packets that reached host B's underlay.
leaked() {
	ip netns exec "$HOSTB" nft list chain netdev leak in |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# Inside a case, after underlay: wireguard: wg0 here and wg1 in host B,
# each side's address pinned to the other's key (fixed test keys).
wireguard() {
	local ka kb
	ka=$(wg genkey) kb=$(wg genkey)
	ip link add wg0 mtu 8920 type wireguard
	later "ip link del wg0 2> /dev/null"
	wg set wg0 private-key <(echo "$ka") listen-port 51820 \
		peer "$(echo "$kb" | wg pubkey)" endpoint 192.0.2.2:51820 \
		allowed-ips 10.255.0.2/32,fd00:255::2/128
	ip addr add 10.255.0.1/32 dev wg0
	ip addr add fd00:255::1/128 dev wg0 nodad
	ip link set wg0 up
	ip route add 10.255.0.2/32 dev wg0
	ip -6 route add fd00:255::2/128 dev wg0
	ip -n "$HOSTB" link add wg1 mtu 8920 type wireguard
	ip netns exec "$HOSTB" wg set wg1 private-key <(echo "$kb") listen-port 51820 \
		peer "$(echo "$ka" | wg pubkey)" endpoint 192.0.2.1:51820 \
		allowed-ips 10.255.0.1/32,fd00:255::1/128
	ip -n "$HOSTB" addr add 10.255.0.2/32 dev wg1
	ip -n "$HOSTB" addr add fd00:255::2/128 dev wg1 nodad
	ip -n "$HOSTB" link set wg1 up
	ip -n "$HOSTB" route add 10.255.0.1/32 dev wg1
	ip -n "$HOSTB" -6 route add fd00:255::1/128 dev wg1
}

# Inside a case, after ipsec: manual-key transport-mode ESP between the
# veth addresses for udp/6081, both ways, in both hosts, with the
# algorithm words ALG... of ip-xfrm(8), KEY standing for a random key
# ("aead rfc4106(gcm(aes)) KEY 128"); the SAs
# carry replay windows (manual SAs have none by default), the policies
# "dir in" make each kernel drop cleartext before the module sees it.
ipsec() {
	local k1 k2 ns
	k1=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
	k2=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
	defer "ip xfrm state flush; ip xfrm policy flush"
	for ns in "" "$HOSTB"; do
		xf() { if [ -n "$ns" ]; then ip -n "$ns" xfrm "$@"; else ip xfrm "$@"; fi; }
		xf state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x101 reqid 1 \
			mode transport replay-window 32 "${@//KEY/$k1}"
		xf state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x102 reqid 2 \
			mode transport replay-window 32 "${@//KEY/$k2}"
	done
	ip xfrm policy add src 192.0.2.1 dst 192.0.2.2 proto udp dport 6081 dir out \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode transport
	ip xfrm policy add src 192.0.2.2 dst 192.0.2.1 proto udp dport 6081 dir in \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode transport
	ip -n "$HOSTB" xfrm policy add src 192.0.2.2 dst 192.0.2.1 proto udp dport 6081 dir out \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode transport
	ip -n "$HOSTB" xfrm policy add src 192.0.2.1 dst 192.0.2.2 proto udp dport 6081 dir in \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode transport
}
GCM=(aead 'rfc4106(gcm(aes))' KEY 128)

# Inside a case: fake_b [ARGS]: fakeregion.py serving as region b's
# module in host B (at B's WireGuard address, or FAKE_AT/FAKE_PEER); its
# log is $FAKE_LOG.
fake_b() {
	FAKE_LOG=$(mktemp)
	later "rm -f $FAKE_LOG"
	# A fake kept past its case must not hold the case's output open (the
	# runner reads it to the end): its own messages go beside its log.
	if [ -n "${KEEP:-}" ]; then
		ip netns exec "$HOSTB" python3 -S "$FAKE" serve --listen "${FAKE_AT:-10.255.0.2:6081}" \
			--peer "${FAKE_PEER:-10.255.0.1:6081}" --name b --hello-ms "$KEEPALIVE_MS" \
			--log "$FAKE_LOG" "$@" > "$FAKE_LOG.err" 2>&1 &
	else
		ip netns exec "$HOSTB" python3 -S "$FAKE" serve --listen "${FAKE_AT:-10.255.0.2:6081}" \
			--peer "${FAKE_PEER:-10.255.0.1:6081}" --name b --hello-ms "$KEEPALIVE_MS" \
			--log "$FAKE_LOG" "$@" &
	fi
	FAKE_PID=$!
	later "kill $FAKE_PID 2> /dev/null"
	wait_for 60 grep -q '^ready' "$FAKE_LOG" || fail "fakeregion.py did not start"
}

# region_flat NAME: "region show -s NAME" flattened, keys relative to it.
region_flat() { ctl -j -s region show "$1" | json_flat '[0].'; }
region_get() { jget "$(region_flat "$1")" "$2"; }
region_is() { [ "$(region_get "$1" state)" = "$2" ]; }

# --- cases -------------------------------------------------------------------

# The module with this program's region parameters: loaded afresh, as
# the program before may have left it loaded with the defaults.
t_load() {
	module_unload || fail "rmmod failed"
	module_load region_name=a region_keepalive_ms=$KEEPALIVE_MS \
		region_dead_ms=$DEAD_MS
	module_loaded || fail "vpcpeer is not loaded"
	[ "$(cat $PARAMS/region_name)" = a ] || fail "region_name is '$(cat $PARAMS/region_name)'"
	[ "$(cat $PARAMS/udp_port)" = 6081 ] || fail "udp_port is not 6081"
}

# A region is the host's: only its administrator adds, changes or deletes
# one, from the initial namespace; a VPC's owner may read them. Bad input
# is refused with a reason and changes nothing.
t_region_admin_only() {
	local n
	n=$(case_no)
	account_new "acct$n"
	must_exit 1 'not permitted|EPERM' as_account "acct$n" "$VPCPEER_CTL" \
		region add b remote 10.255.0.2 local 10.255.0.1
	netns_new "other$n"
	must_exit 1 'initial network namespace' ctl -n "other$n" region add b \
		remote 10.255.0.2 local 10.255.0.1
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	must_exit 1 'exists' ctl region add b remote 10.255.0.9 local 10.255.0.1
	must_exit 1 'remote address' ctl region add c remote 10.255.0.2 local 10.255.0.1
	# (vpcpeer-ctl refuses this one itself; the kernel would too)
	must_exit 2 'one family' ctl region add c remote fd00:255::2 local 10.255.0.1
	must_exit 1 'same' ctl region add c remote 10.255.0.1 local 10.255.0.1
	must_exit 1 'unicast' ctl region add c remote 224.0.0.1 local 10.255.0.1
	must_exit 2 'region name' ctl region add 'b/x' remote 10.255.0.3 local 10.255.0.1
	must_exit 1 'no such region' ctl region del c
	must_exit 1 'no such region' ctl region set c remote 10.255.0.3
	must_exit 1 'not permitted|EPERM' as_account "acct$n" "$VPCPEER_CTL" region del b
	# An account reads regions (to name one in a request), not changes them.
	as_account "acct$n" "$VPCPEER_CTL" -j region show | json_flat |
		grep -qx '\[0\]\.name=b' || fail "the account does not see region b"
	[ "$(ctl -j region show | json_flat | grep -c '\.name=')" = 1 ] ||
		fail "refused requests left regions behind: $(ctl region show)"
	ctl -D region del b
	region_is b unencrypted || region_is b connecting ||
		fail "region b gone after a dry-run delete"
	ctl region set b remote 10.255.0.3
	[ "$(region_get b remote)" = 10.255.0.3 ] || fail "region set did not change the remote"
	ctl region del b
	must_exit 1 'no such region' ctl region show b
}

# Listeners of the initial namespace hear each change of a region once:
# added (with the state it got), changed, deleted.
# monitor_regions OUT: "vpcpeer-ctl monitor" into file OUT, in the
# background until the case ends, once it hears: it hears from when it
# has joined the group, so probe with a region until then.
monitor_regions() {
	local out=$1 mon i
	(exec "$VPCPEER_CTL" monitor > "$out" 2>&1) &
	mon=$!
	defer "kill $mon 2> /dev/null"
	for i in $(seq 30); do
		ctl region add "probe$i" remote "198.51.100.$i" local 10.255.0.1 2> /dev/null
		wait_for 3 grep -q "probe$i" "$out" && { ctl region del "probe$i"; return 0; }
		ctl region del "probe$i"
	done
	fail "the listener never heard a probe region: $(cat "$out")"
}

t_region_events() {
	local out
	out=$(mktemp)
	defer "rm -f $out"
	monitor_regions "$out"
	ctl region add ev remote 10.255.0.9 local 10.255.0.1 2> /dev/null
	ctl region set ev remote 10.255.0.8 2> /dev/null
	ctl region del ev
	wait_for 10 grep -q '^region state ev deleted' "$out" ||
		fail "no event for the deletion: $(cat "$out")"
	grep -q '^region state ev unencrypted .*remote 10.255.0.9' "$out" ||
		fail "no event for the addition (with no old state): $(cat "$out")"
	grep -q '^region state ev unencrypted .*remote 10.255.0.8' "$out" ||
		fail "no event for the change (with no old state: unencrypted still): $(cat "$out")"
	[ "$(grep -c '^region state ev ' "$out")" = 3 ] ||
		fail "not one event per change: $(grep '^region state ev ' "$out")"
}

# No encryption, no traffic: a region routed over the plain veth, or with
# no route, or with a local address that is not this host's, is
# "unencrypted" and sends nothing; the leak counter on B stays 0.
t_region_refuses_plaintext_route() {
	underlay
	ctl region add b remote 192.0.2.2 local 192.0.2.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	region_is b unencrypted || fail "a cleartext route is not unencrypted: $(ctl region show b)"
	[ "$(region_get b underlay)" = none ] || fail "underlay of a cleartext route: $(region_get b underlay)"
	# Keepalives come and are refused, counted.
	wait_for 30 eval '[ "$(region_get b stats.tx_drop_not_encrypted)" -ge 2 ]' ||
		fail "no refused keepalive counted: $(region_flat b)"
	[ "$(region_get b stats.ctl_tx)" = 0 ] || fail "control messages sent in clear"
	ctl region set b remote 198.51.100.7
	region_is b unencrypted || fail "a region with no route is not unencrypted"
	ctl region set b remote 192.0.2.2 local 192.0.2.9
	region_is b unencrypted || fail "a region whose local address is not ours is not unencrypted"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
}

# Over WireGuard: verified as such (device, inner MTU 8920 - 36), HELLOs
# both ways bring the region up, the peer's name and epoch are shown;
# nothing crossed the underlay in clear. When B falls silent the region is
# down, and up again when B speaks.
t_region_up_wireguard() {
	local epoch out
	underlay
	wireguard
	out=$(mktemp)
	defer "rm -f $out"
	monitor_regions "$out"
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	region_is b connecting || fail "a region over WireGuard not yet heard is not connecting: $(ctl region show b)"
	[ "$(region_get b underlay)" = wireguard ] || fail "underlay is $(region_get b underlay)"
	[ "$(region_get b underlay_ifname)" = wg0 ] || fail "underlay device is $(region_get b underlay_ifname)"
	[ "$(region_get b inner_mtu)" = 8884 ] || fail "inner MTU is $(region_get b inner_mtu), not 8920 - 36"
	fake_b --epoch 0x5c1e00000000009a
	wait_for 30 region_is b up || fail "region b not up: $(ctl region show b); B heard: $(cat "$FAKE_LOG")"
	[ "$(region_get b peer_name)" = b ] || fail "peer name is $(region_get b peer_name)"
	epoch=$(region_get b peer_epoch)
	[ "$epoch" = 5c1e00000000009a ] || fail "peer epoch is $epoch, not B's 5c1e00000000009a"
	grep -q '^rx HELLO .*name=a inner_mtu=8884' "$FAKE_LOG" || fail "B heard no HELLO from a: $(cat "$FAKE_LOG")"
	[ "$(region_get b stats.ctl_rx)" -ge 1 ] || fail "ctl_rx did not count B's HELLO"
	kill "$FAKE_PID"
	wait_for 30 region_is b down || fail "region b not down with B silent: $(ctl region show b)"
	fake_b --epoch 0x5c1e00000000009a
	wait_for 30 region_is b up || fail "region b not up again: $(ctl region show b)"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
	# Each change of state an event, with the state it left.
	wait_for 10 grep -q '^region state b down -> up ' "$out" ||
		fail "no event for b's return: $(grep '^region state b ' "$out")"
	[ "$(grep '^region state b ' "$out" | awk '{print $4, $5, $6}' | tr '\n' ,)" = \
	  "connecting underlay wireguard,connecting -> up,up -> down,down -> up," ] ||
		fail "not the events of connecting, up, down, up: $(grep '^region state b ' "$out")"
}

# What arrives from the region's address but not through WireGuard is
# dropped and counted; what arrives from an address that is no region's
# is counted module-wide. Neither brings the region up.
t_rx_plaintext_and_unknown_dropped() {
	local before
	underlay
	wireguard
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	# B sends a HELLO from 10.255.0.2 straight over the veth, in clear
	# (a reverse-path filter would drop it before the module saw it).
	sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.u0.rp_filter=0
	ip -n "$HOSTB" route replace 10.255.0.1/32 via 192.0.2.1 dev u1
	ip netns exec "$HOSTB" python3 -S "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_not_encrypted)" -ge 1 ]' ||
		fail "a cleartext HELLO was not dropped as such: $(region_flat b)"
	region_is b connecting || fail "a cleartext HELLO moved the region: $(ctl region show b)"
	before=$(jget "$(ctl -j -s region show | json_flat '[0].')" rx_drop_unknown_region)
	ip netns exec "$HOSTB" python3 -S "$FAKE" send --bind 192.0.2.2 --peer 192.0.2.1
	wait_for 30 eval '[ "$(jget "$(ctl -j -s region show | json_flat "[0].")" rx_drop_unknown_region)" -gt "$before" ]' ||
		fail "a packet from no region was not counted"
	region_is b connecting || fail "a packet from no region moved the region"
}

# The same over an IPv6 underlay: its own socket, route and receive.
t_region_up_wireguard_ipv6() {
	underlay
	wireguard
	ctl region add b6 remote fd00:255::2 local fd00:255::1
	defer "$VPCPEER_CTL region del b6 2> /dev/null"
	[ "$(region_get b6 underlay)" = wireguard ] || fail "underlay is $(region_get b6 underlay)"
	[ "$(region_get b6 inner_mtu)" = 8864 ] || fail "inner MTU is $(region_get b6 inner_mtu), not 8920 - 56"
	FAKE_AT='[fd00:255::2]:6081' FAKE_PEER='[fd00:255::1]:6081' fake_b
	wait_for 30 region_is b6 up || fail "region b6 not up: $(ctl region show b6); B heard: $(cat "$FAKE_LOG")"
	grep -q '^rx HELLO .*name=a inner_mtu=8864' "$FAKE_LOG" || fail "B heard no HELLO from a: $(cat "$FAKE_LOG")"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
}

# Over policy-based IPsec (transport ESP, AES-GCM): verified as ipsec,
# up with B's HELLOs; no cleartext GENEVE on the wire.
t_region_up_ipsec() {
	underlay
	ipsec "${GCM[@]}"
	ctl region add b remote 192.0.2.2 local 192.0.2.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	[ "$(region_get b underlay)" = ipsec ] || fail "underlay is $(region_get b underlay): $(ctl region show b)"
	[ "$(region_get b underlay_ifname)" = u0 ] || fail "underlay device is $(region_get b underlay_ifname)"
	FAKE_AT=192.0.2.2:6081 FAKE_PEER=192.0.2.1:6081 fake_b
	wait_for 30 region_is b up || fail "region b not up over IPsec: $(ctl region show b); B heard: $(cat "$FAKE_LOG")"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
	# Without the outbound policy the route is plain: unencrypted.
	ip xfrm policy del src 192.0.2.1 dst 192.0.2.2 proto udp dport 6081 dir out
	wait_for 30 region_is b unencrypted || fail "region b still $(region_get b state) without its policy"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
}

# Over an xfrm interface (route-based IPsec, tunnel-mode ESP bound to
# if_id 7 in both hosts): verified as xfrm-interface, up with B's HELLOs,
# no cleartext on the wire; and an SA of that if_id that only
# authenticates (cipher_null) leaves the region unencrypted, though the
# route is the same.
# xfrmi NS LOCAL REMOTE UNDER-LOCAL UNDER-REMOTE DEV SPI-OUT SPI-IN ALG...:
# one host's half, in namespace NS ("" for this one).
xfrmi() {
	local ns=$1 l=$2 r=$3 ul=$4 ur=$5 dev=$6 so=$7 si=$8
	shift 8
	ipn() { if [ -n "$ns" ]; then ip -n "$ns" "$@"; else ip "$@"; fi; }
	ipn xfrm state add src "$ul" dst "$ur" proto esp spi "$so" reqid "$so" \
		mode tunnel if_id 7 replay-window 32 sel src "$l/32" dst "$r/32" "$@"
	ipn xfrm state add src "$ur" dst "$ul" proto esp spi "$si" reqid "$si" \
		mode tunnel if_id 7 replay-window 32 sel src "$r/32" dst "$l/32" "$@"
	ipn xfrm policy add src "$l/32" dst "$r/32" dir out if_id 7 \
		tmpl src "$ul" dst "$ur" proto esp reqid "$so" mode tunnel
	ipn xfrm policy add src "$r/32" dst "$l/32" dir in if_id 7 \
		tmpl src "$ur" dst "$ul" proto esp reqid "$si" mode tunnel
	ipn link add xfrm7 mtu 8900 type xfrm dev "$dev" if_id 7
	ipn addr add "$l/32" dev xfrm7
	ipn link set xfrm7 up
	ipn route add "$r/32" dev xfrm7
}

t_region_up_xfrm_interface() {
	local k
	underlay
	ip link add xfrm-probe type xfrm dev u0 if_id 99 2> /dev/null ||
		skip "this kernel has no xfrm interfaces (CONFIG_XFRM_INTERFACE)"
	ip link del xfrm-probe
	k=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
	defer "ip xfrm state flush; ip xfrm policy flush; ip link del xfrm7 2> /dev/null"
	xfrmi "" 10.255.0.1 10.255.0.2 192.0.2.1 192.0.2.2 u0 0x301 0x302 "${GCM[@]//KEY/$k}"
	xfrmi "$HOSTB" 10.255.0.2 10.255.0.1 192.0.2.2 192.0.2.1 u1 0x302 0x301 "${GCM[@]//KEY/$k}"
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	[ "$(region_get b underlay)" = xfrm-interface ] ||
		fail "underlay is $(region_get b underlay): $(ctl region show b)"
	[ "$(region_get b underlay_ifname)" = xfrm7 ] || fail "underlay device is $(region_get b underlay_ifname)"
	fake_b
	wait_for 30 region_is b up ||
		fail "region b not up over the xfrm interface: $(ctl region show b); B heard: $(cat "$FAKE_LOG")"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
	# The same route, the same if_id, an SA that encrypts nothing.
	ip xfrm state del src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x301
	ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x301 reqid 0x301 \
		mode tunnel if_id 7 replay-window 32 sel src 10.255.0.1/32 dst 10.255.0.2/32 \
		enc cipher_null "" auth 'hmac(sha256)' "$k"
	wait_for 30 region_is b unencrypted ||
		fail "region b still $(region_get b state) over cipher_null: $(ctl region show b)"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
}

# ESP that only authenticates is not encryption: cipher_null, and GMAC
# (rfc4543, an AEAD that encrypts nothing), leave the region unencrypted.
t_ipsec_null_cipher_refused() {
	local n
	underlay
	for n in 1 2; do
		ip xfrm state flush
		ip xfrm policy flush
		ip -n "$HOSTB" xfrm state flush
		ip -n "$HOSTB" xfrm policy flush
		if [ "$n" = 1 ]; then
			ipsec enc cipher_null "" auth 'hmac(sha256)' KEY
		else
			ipsec aead 'rfc4543(gcm(aes))' KEY 128
		fi
		ctl region add "b$n" remote 192.0.2.2 local 192.0.2.1
		defer "$VPCPEER_CTL region del b$n 2> /dev/null"
		region_is "b$n" unencrypted ||
			fail "ESP with $(ip xfrm state | grep -m1 -E 'enc|aead') counts as encrypted: $(ctl region show "b$n")"
		ctl region del "b$n"
	done
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
}

# GENEVE headers the module does not take are counted as such, from an
# encrypted peer too: a data frame of the control protocol type, a control
# frame of an IP type, a data frame of type IPv4 whose payload is no IPv4
# packet; a well-formed data frame for a VNI nobody receives on is an
# unknown pcx.
t_rx_bad_headers() {
	underlay
	wireguard
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	defer "$VPCPEER_CTL region del b 2> /dev/null"
	ip netns exec "$HOSTB" python3 -S "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--ctl-bit 0 --proto 88b5
	ip netns exec "$HOSTB" python3 -S "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--ctl-bit 1 --proto 0800
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_bad_header)" = 2 ]' ||
		fail "bad GENEVE headers not counted: $(region_flat b)"
	ip netns exec "$HOSTB" python3 -S "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--ctl-bit 0 --proto 0800
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_bad_header)" = 3 ]' ||
		fail "a control message sent as IPv4 data not counted: $(region_flat b)"
	ip netns exec "$HOSTB" python3 -S "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--vni 4242 --ipv4 10.1.0.1,10.0.0.1
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_unknown_pcx)" = 1 ]' ||
		fail "a data frame for no peering not counted: $(region_flat b)"
	region_is b connecting || fail "bad frames moved the region: $(ctl region show b)"
}

# --- peerings across regions, against the scripted peer ----------------------
#
# fakeregion.py plays host b's module: its log has one line per message it
# receives ("rx REQUEST pcx=0x... seq=1 ... vni=N", "rx DATA vni=N ..."),
# and what it sends comes from its command FIFO (fake_send: a line, no
# process started), with its own epoch, from its own socket.

FAKE_EPOCH=0x1111222233334444

# fake_cmd LINE: a command for the serving fake, written to its FIFO
# through a descriptor this shell holds open for reading and writing, so
# that a write never waits for the reader (a fake that died fails the
# case by what it no longer does, not by hanging it).
fake_cmd() { echo "$*" >&"$FAKE_FD"; }
# fake_send ARGS: fakeregion.py send ARGS, sent by the serving fake.
fake_send() { fake_cmd "send $*"; }
# fake_fifo: a new command FIFO (FAKE_CMD) and this shell's descriptor.
fake_fifo() {
	FAKE_CMD=$(mktemp -u)
	mkfifo "$FAKE_CMD"
	later "rm -f $FAKE_CMD"
	exec {FAKE_FD}<> "$FAKE_CMD"
}
# fake_seen ERE [N]: the fake logged N lines (1 by default) matching ERE.
fake_seen() { [ "$(grep -cE -- "$1" "$FAKE_LOG")" -ge "${2:-1}" ]; }
# fake_last ERE: the last line the fake logged that matches ERE.
fake_last() { grep -E -- "$1" "$FAKE_LOG" | tail -n 1; }
# field LINE KEY: the value of KEY=... in a fake's log line.
field() { sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<< "$1"; }
hex8() { printf '0x%s' "${1#*-}"; }

# What the remote_* cases share, for the next case to find.
REMOTE_ENV=/tmp/vpcpeer-remote.env
remote_save() {
	printf 'HOSTB=%q FAKE_LOG=%q FAKE_CMD=%q FAKE_PID=%q\n' \
		"$HOSTB" "$FAKE_LOG" "$FAKE_CMD" "$FAKE_PID" > "$REMOTE_ENV"
}

# The WireGuard underlay, region b up with the fake (its fixed epoch, echo
# requests answered on the VNI it is told), retransmissions quick: made
# once for every remote_* case (the underlay and the fake cost a debug
# kernel 15 s a case), kept, and undone by t_remote_teardown.
t_remote_setup_all() {
	KEEP=1 HOSTB_NAME=hostbr
	underlay
	wireguard
	echo 200 > $PARAMS/region_retransmit_ms
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	fake_fifo
	fake_b --epoch "$FAKE_EPOCH" --cmd "$FAKE_CMD"
	remote_save
	wait_for 30 region_is b up || fail "region b not up: $(ctl region show b)"
}

t_remote_teardown() {
	# shellcheck disable=SC1090
	source "$REMOTE_ENV" || true
	kill "$FAKE_PID" 2> /dev/null || true
	ctl region del b || fail "region b cannot go after the remote cases: $(ctl region show b)"
	ip link del wg0
	ip link del u0
	ip netns del "$HOSTB"
	rm -f "$FAKE_LOG" "$FAKE_LOG.err" "$FAKE_CMD" "$REMOTE_ENV"
	echo 1000 > $PARAMS/region_retransmit_ms
}

# Inside a remote_* case: remote_setup: what remote_setup_all made, and
# this shell's descriptor of the fake's FIFO.
remote_setup() {
	# shellcheck disable=SC1090
	source "$REMOTE_ENV" || fail "no remote set-up (remote_setup_all failed?)"
	exec {FAKE_FD}<> "$FAKE_CMD"
	wait_for 30 region_is b up || fail "region b not up: $(ctl region show b)"
}

# blue, here, requests green in region b: PCX, and AVNI, the VNI this host
# receives on, from the REQUEST the fake logged.
remote_request() {
	local line
	if [ -z "${B_ID:-}" ]; then
		vpc_make blue 10.0.0.0/16 fd00:b::/48
		B_ID=$REPLY
		ip -n blue -b - <<-EOT
			addr add 10.0.0.1/32 dev lo
			addr add fd00:b::1/128 dev lo
		EOT
	fi
	PCX=$(ctl -n blue peering request blue green region b 2>&1) ||
		fail "request across regions failed: $PCX"
	[[ $PCX =~ $PCX_RE ]] || fail "peering request printed '$PCX'"
	wait_for 10 fake_seen "^rx REQUEST pcx=$(hex8 "$PCX") " ||
		fail "no REQUEST reached the peer: $(cat "$FAKE_LOG")"
	line=$(fake_last "^rx REQUEST pcx=$(hex8 "$PCX") ")
	AVNI=$(field "$line" vni)
}

# ... and green, there, accepts: RESULT 0 (green is vpc-00c0ffee there),
# then ACCEPT with green's blocks and VNI 77; active, this host confirms.
remote_active() {
	remote_request
	fake_send --type RESULT --pcx "$(hex8 "$PCX")" --code 0 --acc-vpc 0xc0ffee
	wait_for 10 pcx_is "$PCX" pending-acceptance || fail "$PCX is $(pcx_state "$PCX") after RESULT 0"
	fake_send --type ACCEPT --pcx "$(hex8 "$PCX")" --seq 1 --vni 77 \
		--cidr 10.1.0.0/16 --cidr fd00:9::/48 --dns 1
	wait_for 10 pcx_is "$PCX" active || fail "$PCX is $(pcx_state "$PCX") after ACCEPT"
	wait_for 10 fake_seen "^rx ACTIVATED pcx=$(hex8 "$PCX") .* code=0" ||
		fail "no ACTIVATED 0: $(cat "$FAKE_LOG")"
	fake_cmd "echo-vni $AVNI"
	routes blue "$PCX" 10.0.0.1 fd00:b::1 10.1.0.0/16 fd00:9::/48
}

pcx_is() { [ "$(pcx_state "$1")" = "$2" ]; }

# The REQUEST carries what the design says, each field as the peer reads
# it (an implementation of its own); RESULT 0 makes the request pending,
# with the accepter's id from there; an ACCEPT activates it: ACTIVATED 0,
# MTU 8500, the accepter's blocks shown, and pings cross both ways in
# both families through the peer, which answers them.
t_remote_request_accept_traffic() {
	local line f
	remote_setup
	remote_request
	line=$(fake_last "^rx REQUEST pcx=$(hex8 "$PCX") ")
	[[ $line =~ \ seq=1\ ack=0\ epoch=0x[0-9a-f]{16}\ req_vpc=$(hex8 "$B_ID")\ acc_name=green\ cidr=10.0.0.0/16\ cidr=fd00:b::/48\ expires=[0-9]+\ vni=[0-9]+$ ]] ||
		fail "the REQUEST is not as designed: $line"
	[ "$AVNI" -ge 1 ] && [ "$AVNI" -le 16777215 ] || fail "VNI $AVNI"
	expect_state "$PCX" initiating-request
	remote_active
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" accepter.vpc_id)" = vpc-00c0ffee ] || fail "accepter id: $f"
	[ "$(jget "$f" accepter.region)" = b ] || fail "accepter region: $f"
	grep -qx 'accepter\.cidrs\[1\]=fd00:9::/48' <<< "$f" || fail "accepter blocks: $f"
	ip -n blue link show dev "$PCX" | grep -q ' mtu 8500 ' || fail "MTU: $(ip -n blue link show dev "$PCX")"
	ping_ok blue 10.1.0.1
	ping_ok blue fd00:9::1
	fake_seen "^rx DATA vni=77 proto=0x0800 src=10.0.0.1 dst=10.1.0.1 .*icmp=echo" ||
		fail "the peer saw no echo on VNI 77: $(grep DATA "$FAKE_LOG")"
	fake_seen "^rx DATA vni=77 proto=0x86dd src=fd00:b::1 dst=fd00:9::1 .*icmp=echo" ||
		fail "the peer saw no IPv6 echo on VNI 77: $(grep DATA "$FAKE_LOG")"
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" requester.stats.rx_packets)" -ge 2 ] || fail "no reply counted: $f"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
}

# What arrives is checked again here: a source outside green's blocks, a
# destination outside blue, another VNI, the same ACCEPT again (answered
# again, nothing changes), a stale RESULT (ignored).
t_remote_receive_checks() {
	local f0 f1 n u0
	remote_setup
	remote_active
	f0=$(pcx_flat "$PCX")
	u0=$(region_get b stats.rx_drop_unknown_pcx)
	fake_send --vni "$AVNI" --ipv4 10.9.0.1,10.0.0.1
	fake_send --vni "$AVNI" --ipv6 fd00:99::1,fd00:b::1
	fake_send --vni "$AVNI" --ipv4 10.1.0.1,10.5.0.1
	fake_send --vni 4242 --ipv4 10.1.0.1,10.0.0.1
	wait_for 10 eval '[ "$(region_get b stats.rx_drop_unknown_pcx)" = $((u0 + 1)) ]' ||
		fail "a frame for no VNI here not counted: $(region_flat b)"
	wait_for 10 eval '[ "$(jget "$(pcx_flat "$PCX")" requester.stats.rx_drop_dst_not_in_vpc)" = 1 ]' ||
		fail "dst outside blue not counted: $(pcx_flat "$PCX")"
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.rx_drop_src_not_in_peer 2
	expect_delta "$f0" "$f1" requester.stats.rx_packets 0
	n=$(grep -cE "^rx ACTIVATED pcx=$(hex8 "$PCX") " "$FAKE_LOG")
	fake_send --type ACCEPT --pcx "$(hex8 "$PCX")" --seq 1 --vni 99 --cidr 10.7.0.0/16
	fake_send --type RESULT --pcx "$(hex8 "$PCX")" --code 1
	wait_for 10 fake_seen "^rx ACTIVATED pcx=$(hex8 "$PCX") .* code=0" $((n + 1)) ||
		fail "a repeated ACCEPT was not answered again"
	expect_state "$PCX" active
	f1=$(pcx_flat "$PCX")
	grep -qx 'accepter\.cidrs\[0\]=10.1.0.0/16' <<< "$f1" || fail "a replayed ACCEPT changed the blocks: $f1"
	ping_ok blue 10.1.0.1
}

# Failures are the requester's alone, and opaque as in AWS: code 1 is
# AWS's one message; code 2 (the id is in use there) a refusal of that
# region. Nothing answered: sent again until it is.
t_remote_request_failed() {
	local n f
	remote_setup
	remote_request
	wait_for 10 fake_seen "^rx REQUEST pcx=$(hex8 "$PCX") " 3 ||
		fail "an unanswered REQUEST was not sent again: $(cat "$FAKE_LOG")"
	[ "$(region_get b stats.ctl_retransmits)" -ge 2 ] || fail "$(region_flat b)"
	fake_send --type RESULT --pcx "$(hex8 "$PCX")" --code 1
	wait_for 10 pcx_is "$PCX" failed || fail "$PCX is $(pcx_state "$PCX") after RESULT 1"
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" reason)" = no-such-vpc-or-overlap ] || fail "reason: $f"
	! link_exists blue "$PCX" || fail "the device of a failed request is there"
	n=$(grep -c "^rx REQUEST pcx=$(hex8 "$PCX") " "$FAKE_LOG")
	nap 1
	[ "$(grep -c "^rx REQUEST pcx=$(hex8 "$PCX") " "$FAKE_LOG")" = "$n" ] ||
		fail "the REQUEST is still sent after its answer"
	PCX=$(ctl -n blue peering request blue vpc-00000042 region b)
	wait_for 10 fake_seen "^rx REQUEST pcx=$(hex8 "$PCX") .*acc_vpc=0x00000042 " ||
		fail "no REQUEST naming vpc-00000042: $(cat "$FAKE_LOG")"
	fake_send --type RESULT --pcx "$(hex8 "$PCX")" --code 2
	wait_for 10 pcx_is "$PCX" failed || fail "$PCX is $(pcx_state "$PCX") after RESULT 2"
	[ "$(jget "$(pcx_flat "$PCX")" reason)" = region-refused ] || fail "$(pcx_flat "$PCX")"
	# A request not answered yet may be withdrawn: deleting, told, deleted.
	PCX=$(ctl -n blue peering request blue vpc-00000043 region b)
	ctl -n blue peering delete "$PCX"
	expect_state "$PCX" deleting
	wait_for 10 fake_seen "^rx DELETE pcx=$(hex8 "$PCX") " || fail "no DELETE: $(cat "$FAKE_LOG")"
	fake_send --type ACK --pcx "$(hex8 "$PCX")" --ack "$(field "$(fake_last "^rx DELETE pcx=$(hex8 "$PCX") ")" seq)"
	wait_for 10 pcx_is "$PCX" deleted || fail "$PCX is $(pcx_state "$PCX") after the ACK"
}

# Deleting here: "deleting" until the peer acknowledges the DELETE (sent
# again meanwhile), then deleted; the peer's DELETE ends another one at
# once, and is acknowledged.
t_remote_delete_both_ways() {
	local seq f
	remote_setup
	remote_active
	ctl -n blue peering delete "$PCX"
	expect_state "$PCX" deleting
	! link_exists blue "$PCX" || fail "the device of a deleting peering is there"
	wait_for 10 fake_seen "^rx DELETE pcx=$(hex8 "$PCX") " 2 ||
		fail "the DELETE was not sent, and again: $(cat "$FAKE_LOG")"
	seq=$(field "$(fake_last "^rx DELETE pcx=$(hex8 "$PCX") ")" seq)
	fake_send --type ACK --pcx "$(hex8 "$PCX")" --ack "$seq"
	wait_for 10 pcx_is "$PCX" deleted || fail "$PCX is $(pcx_state "$PCX") after the ACK"
	[ "$(jget "$(pcx_flat "$PCX")" reason)" = deleted-by-requester ] || fail "$(pcx_flat "$PCX")"
	remote_active
	fake_send --type DELETE --pcx "$(hex8 "$PCX")" --seq 2
	wait_for 10 fake_seen "^rx ACK pcx=$(hex8 "$PCX") seq=0 ack=2 " ||
		fail "the peer's DELETE was not acknowledged: $(cat "$FAKE_LOG")"
	wait_for 10 pcx_is "$PCX" deleted || fail "$PCX is $(pcx_state "$PCX") after the peer's DELETE"
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" reason)" = deleted-by-accepter ] || fail "reason: $f"
	! link_exists blue "$PCX" || fail "the device of $PCX is still there"
}

# Here as the accepter: a REQUEST from b for green (by name) is checked
# (an overlapping one, or one for no such VPC, fails with code 1 and
# leaves nothing), made pending for green's owner, with b's side and
# blocks; accepted here it is provisioning, ACCEPT goes with green's
# blocks, and the peer's ACTIVATED makes it active. Pending requests from
# one VPC there are capped (code 5).
t_remote_accepter_here() {
	local now f line g
	remote_setup
	vpc_make green 10.1.0.0/16 fd00:9::/48
	g=$REPLY
	now=$(date +%s)
	fake_send --type REQUEST --pcx 0x51 --seq 1 --req-vpc 0xabcd --acc-name nosuch \
		--cidr 10.0.0.0/16 --expires $((now + 3600)) --vni 88
	fake_send --type REQUEST --pcx 0x52 --seq 1 --req-vpc 0xabcd --acc-name green \
		--cidr 10.1.5.0/24 --expires $((now + 3600)) --vni 88
	fake_send --type REQUEST --pcx 0x53 --seq 1 --req-vpc 0xabcd --acc-name green \
		--cidr 10.0.0.0/16 --cidr fd00:b::/48 --expires $((now + 3600)) --vni 88
	wait_for 10 fake_seen "^rx RESULT pcx=0x00000053 .* code=0" ||
		fail "no RESULT 0: $(cat "$FAKE_LOG")"
	fake_seen "^rx RESULT pcx=0x00000051 .* code=1" || fail "no such VPC: $(cat "$FAKE_LOG")"
	fake_seen "^rx RESULT pcx=0x00000052 .* code=1" || fail "overlap: $(cat "$FAKE_LOG")"
	must_fail 'no such peering' ctl peering show pcx-00000051
	must_fail 'no such peering' ctl peering show pcx-00000052
	line=$(fake_last "^rx RESULT pcx=0x00000053 ")
	[ "$(field "$line" acc_vpc)" = "$(hex8 "$g")" ] || fail "RESULT: $line"
	f=$(pcx_flat pcx-00000053)
	[ "$(jget "$f" state)" = pending-acceptance ] || fail "$f"
	[ "$(jget "$f" requester.region)" = b ] || fail "$f"
	[ "$(jget "$f" requester.vpc_id)" = vpc-0000abcd ] || fail "$f"
	grep -qx 'requester\.cidrs\[1\]=fd00:b::/48' <<< "$f" || fail "$f"
	# The same REQUEST again: answered again, one connection.
	fake_send --type REQUEST --pcx 0x53 --seq 1 --req-vpc 0xabcd --acc-name green \
		--cidr 10.0.0.0/16 --expires $((now + 3600)) --vni 88
	wait_for 10 fake_seen "^rx RESULT pcx=0x00000053 .* code=0" 2 || fail "not answered again"
	pcx_accept green pcx-00000053
	expect_state pcx-00000053 provisioning
	wait_for 10 fake_seen "^rx ACCEPT pcx=0x00000053 seq=1 .* cidr=10.1.0.0/16 cidr=fd00:9::/48 .*vni=[0-9]+" ||
		fail "no ACCEPT: $(cat "$FAKE_LOG")"
	fake_send --type ACTIVATED --pcx 0x53 --code 0
	wait_for 10 pcx_is pcx-00000053 active || fail "$(pcx_state pcx-00000053) after ACTIVATED"
	fake_cmd "echo-vni $(field "$(fake_last "^rx ACCEPT pcx=0x00000053 ")" vni)"
	ip -n green addr add 10.1.0.1/32 dev lo
	ip -n green addr add fd00:9::1/128 dev lo
	routes green pcx-00000053 10.1.0.1 fd00:9::1 10.0.0.0/16 fd00:b::/48
	ping_ok green 10.0.0.1
	# One live connection per pair (code 3), and pending requests per
	# requester VPC there at most max_pending_requests (code 5).
	echo 2 > $PARAMS/max_pending_requests
	defer "echo 25 > $PARAMS/max_pending_requests"
	vpc_make green2 10.2.0.0/16
	vpc_make green3 10.3.0.0/16
	vpc_make green4 10.4.0.0/16
	for g in 0x60:green2 0x61:green2 0x62:green3 0x63:green4; do
		fake_send --type REQUEST --pcx "${g%:*}" --seq 1 --req-vpc 0xabce \
			--acc-name "${g#*:}" --cidr 10.0.0.0/16 --expires $((now + 3600)) --vni 89
	done
	wait_for 10 fake_seen "^rx RESULT pcx=0x0000006[0-3] " 4 || fail "$(cat "$FAKE_LOG")"
	fake_seen '^rx RESULT pcx=0x00000060 .*code=0' && fake_seen '^rx RESULT pcx=0x00000061 .*code=3' &&
	fake_seen '^rx RESULT pcx=0x00000062 .*code=0' && fake_seen '^rx RESULT pcx=0x00000063 .*code=5' ||
		fail "pair and pending cap: $(grep 'RESULT pcx=0x0000006' "$FAKE_LOG")"
}

# A block added to blue is told (UPDATE, all of blue's blocks, sent again
# until acknowledged); the peer's UPDATE replaces green's blocks here at
# once, so that what comes from the new block is taken and what came from
# the old one no longer is; blocks that would overlap blue are refused.
t_remote_cidr_update() {
	local f0 f1 seq
	remote_setup
	remote_active
	ctl vpc set blue cidr add 10.2.0.0/16 > /dev/null
	wait_for 10 fake_seen "^rx UPDATE pcx=$(hex8 "$PCX") .* cidr=10.0.0.0/16 cidr=10.2.0.0/16 cidr=fd00:b::/48 dns=0" 2 ||
		fail "no UPDATE, or not sent again: $(grep UPDATE "$FAKE_LOG")"
	seq=$(field "$(fake_last "^rx UPDATE pcx=$(hex8 "$PCX") ")" seq)
	fake_send --type ACK --pcx "$(hex8 "$PCX")" --ack "$seq"
	f0=$(pcx_flat "$PCX")
	fake_send --vni "$AVNI" --ipv4 10.3.0.1,10.0.0.1
	wait_for 10 eval '[ "$(jget "$(pcx_flat "$PCX")" requester.stats.rx_drop_src_not_in_peer)" = $(($(jget "$f0" requester.stats.rx_drop_src_not_in_peer) + 1)) ]' ||
		fail "10.3.0.1 taken before green had it: $(pcx_flat "$PCX")"
	fake_send --type UPDATE --pcx "$(hex8 "$PCX")" --seq 2 --cidr 10.3.0.0/16 --cidr fd00:9::/48
	wait_for 10 fake_seen "^rx ACK pcx=$(hex8 "$PCX") seq=0 ack=2 " || fail "UPDATE not acknowledged"
	wait_for 10 eval 'jget "$(pcx_flat "$PCX")" "accepter.cidrs[0]" | grep -qx 10.3.0.0/16' ||
		fail "green's blocks not replaced: $(pcx_flat "$PCX")"
	f0=$(pcx_flat "$PCX")
	fake_send --vni "$AVNI" --ipv4 10.3.0.1,10.0.0.1
	fake_send --vni "$AVNI" --ipv4 10.1.0.1,10.0.0.1
	wait_for 10 eval '[ "$(jget "$(pcx_flat "$PCX")" requester.stats.rx_drop_src_not_in_peer)" = $(($(jget "$f0" requester.stats.rx_drop_src_not_in_peer) + 1)) ]' ||
		fail "10.1.0.1 still taken after green gave it up: $(pcx_flat "$PCX")"
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.rx_packets 1
	fake_send --type UPDATE --pcx "$(hex8 "$PCX")" --seq 3 --cidr 10.0.5.0/24
	wait_for 10 fake_seen "^rx ACK pcx=$(hex8 "$PCX") seq=0 ack=3 " || fail "UPDATE 3 not acknowledged"
	jget "$(pcx_flat "$PCX")" "accepter.cidrs[0]" | grep -qx 10.3.0.0/16 ||
		fail "an overlapping UPDATE was taken: $(pcx_flat "$PCX")"
}

# The route to b loses its encryption (a plain route over the veth takes
# the place of wg0's): the peering's packets are dropped here, counted as
# refused by the underlay, nothing reaches b in clear; back through wg0,
# they cross again.
t_remote_route_loses_encryption() {
	local f0 f1
	remote_setup
	remote_active
	ping_ok blue 10.1.0.1
	f0=$(pcx_flat "$PCX")
	ip route replace 10.255.0.2/32 via 192.0.2.2 dev u0
	defer "ip route replace 10.255.0.2/32 dev wg0"
	ping_lost blue 10.1.0.1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.drop_underlay ">=1"
	expect_delta "$f0" "$f1" requester.stats.tx_packets 0
	wait_for 10 region_is b unencrypted || fail "region b over a plain route: $(ctl region show b)"
	[ "$(leaked)" = 0 ] || fail "$(leaked) cleartext packets reached host B"
	ip route replace 10.255.0.2/32 dev wg0
	wait_for 10 region_is b up || fail "region b back over wg0: $(ctl region show b)"
	ping_ok blue 10.1.0.1
}

# The requester's quota of active peerings is the requester's host's to
# keep: over it, an ACCEPT is answered ACTIVATED 5 and the request stays
# pending; the same ACCEPT again (stale) is not answered; a new one, once
# there is room, activates it.
t_remote_accept_over_quota() {
	local p2
	remote_setup
	remote_active
	echo 1 > $PARAMS/max_active_peerings
	defer "echo 50 > $PARAMS/max_active_peerings"
	p2=$(ctl -n blue peering request blue green2 region b)
	wait_for 10 fake_seen "^rx REQUEST pcx=$(hex8 "$p2") " || fail "no REQUEST for $p2"
	fake_send --type RESULT --pcx "$(hex8 "$p2")" --code 0 --acc-vpc 0xc0ff02
	wait_for 10 pcx_is "$p2" pending-acceptance || fail "$p2 is $(pcx_state "$p2")"
	fake_send --type ACCEPT --pcx "$(hex8 "$p2")" --seq 1 --vni 78 --cidr 10.2.0.0/16
	wait_for 10 fake_seen "^rx ACTIVATED pcx=$(hex8 "$p2") .* code=5" ||
		fail "over the quota, no ACTIVATED 5: $(grep "$(hex8 "$p2")" "$FAKE_LOG")"
	expect_state "$p2" pending-acceptance
	fake_send --type ACCEPT --pcx "$(hex8 "$p2")" --seq 1 --vni 78 --cidr 10.2.0.0/16
	nap 1
	[ "$(grep -c "^rx ACTIVATED pcx=$(hex8 "$p2") " "$FAKE_LOG")" = 1 ] ||
		fail "a stale ACCEPT was answered: $(grep "^rx ACTIVATED pcx=$(hex8 "$p2") " "$FAKE_LOG")"
	echo 2 > $PARAMS/max_active_peerings
	fake_send --type ACCEPT --pcx "$(hex8 "$p2")" --seq 2 --vni 78 --cidr 10.2.0.0/16
	wait_for 10 pcx_is "$p2" active || fail "$p2 is $(pcx_state "$p2") with room again"
	fake_seen "^rx ACTIVATED pcx=$(hex8 "$p2") .* code=0" || fail "no ACTIVATED 0"
}

# A VPC with a peering across regions keeps 50 blocks at most, what one
# message carries: a request from a VPC of 51 is refused, one of 50 is
# sent, and then a 51st block is refused (bench_max_cidrs lifts the limit
# per family that would otherwise stop at 5).
t_remote_fifty_blocks() {
	local args=() i
	remote_setup
	echo 40 > $PARAMS/bench_max_cidrs
	defer "echo 0 > $PARAMS/bench_max_cidrs"
	for i in $(seq 0 25); do args+=("10.$((100 + i)).0.0/16"); done
	for i in $(seq 1 25); do args+=("fd00:$i::/48"); done
	vpc_make big "${args[@]}"
	must_fail 'carries \(50\)' ctl -n big peering request big green region b
	ctl vpc set big cidr del fd00:25::/48 > /dev/null
	PCX=$(ctl -n big peering request big green region b) || fail "a request from 50 blocks failed: $PCX"
	wait_for 10 fake_seen "^rx REQUEST pcx=$(hex8 "$PCX") .* cidr=fd00:24::/48 expires=" ||
		fail "the REQUEST does not carry the 50 blocks: $(fake_last "^rx REQUEST pcx=$(hex8 "$PCX") ")"
	must_fail '50 at most' ctl vpc set big cidr add 10.200.0.0/16
}

# A new epoch from the peer (its module reloaded): the peering ends here,
# deleted, "the peer's region restarted".
t_remote_peer_restart() {
	local f
	remote_setup
	remote_active
	kill "$FAKE_PID"
	rm -f "$FAKE_LOG" "$FAKE_LOG.err"
	KEEP=1 fake_b --epoch 0x5555666677778888 --cmd "$FAKE_CMD"
	remote_save
	wait_for 10 pcx_is "$PCX" deleted || fail "$PCX is $(pcx_state "$PCX") after the peer's restart"
	f=$(pcx_flat "$PCX")
	[ "$(jget "$f" reason)" = region-restarted ] || fail "reason: $f"
	! link_exists blue "$PCX" || fail "the device is still there"
	[ "$(region_get b peer_epoch)" = 5555666677778888 ] || fail "$(region_flat b)"
	# The cases after this one (fuzz) speak with the new epoch.
}

# A region acts only on its own peerings: the same host as region c (its
# IPv6 address) can neither delete b's peering nor send data on its VNI.
t_remote_region_scope() {
	remote_setup
	remote_active
	ctl region add c remote fd00:255::2 local fd00:255::1
	defer "$VPCPEER_CTL region del c 2> /dev/null"
	FAKE_AT='[fd00:255::2]:6081' FAKE_PEER='[fd00:255::1]:6081'
	local log=$FAKE_LOG fd=$FAKE_FD pid=$FAKE_PID
	fake_fifo
	fake_b --epoch "$FAKE_EPOCH" --cmd "$FAKE_CMD" --name c
	wait_for 30 region_is c up || fail "region c not up: $(ctl region show c)"
	fake_send --type DELETE --pcx "$(hex8 "$PCX")" --seq 5
	fake_send --vni "$AVNI" --ipv6 fd00:9::1,fd00:b::1
	wait_for 10 eval '[ "$(region_get c stats.rx_drop_wrong_region)" = 1 ]' ||
		fail "c's data on b's VNI: $(region_flat c)"
	wait_for 10 eval '[ "$(region_get c stats.ctl_drop_invalid)" = 1 ]' ||
		fail "c's DELETE of b's peering: $(region_flat c)"
	expect_state "$PCX" active
	FAKE_LOG=$log FAKE_FD=$fd FAKE_PID=$pid
	ping_ok blue 10.1.0.1
}

# Seeded garbage and near-misses from an encrypted peer, about live
# peerings too: no splat (the kernel log is checked after the program),
# the peering is still what it was, the region still up.
t_remote_control_fuzz() {
	remote_setup
	remote_active
	ip netns exec "$HOSTB" python3 -S "$FAKE" fuzz --bind 10.255.0.2 --from-port 6082 \
		--peer 10.255.0.1 --epoch 0x"$(region_get b peer_epoch)" --seed "${VPCPEER_SEED:-1}" \
		--count "${VPCPEER_REMOTE_FUZZ:-2000}" --pcx "$(hex8 "$PCX")" 0x51 > /dev/null
	wait_for 30 eval '[ "$(region_get b stats.ctl_drop_invalid)" -ge 1 ]' || fail "$(region_flat b)"
	region_is b up || fail "region b after the fuzz: $(ctl region show b)"
	case $(pcx_state "$PCX") in
	active|deleting|deleted|expired) ;;
	*) fail "$PCX is $(pcx_state "$PCX") after the fuzz" ;;
	esac
}

# Unloading with regions up closes their sockets and frees them.
t_unload_with_regions() {
	underlay
	wireguard
	ctl region add b remote 10.255.0.2 local 10.255.0.1
	fake_b
	wait_for 30 region_is b up || fail "region b not up: $(ctl region show b)"
	module_unload || fail "rmmod with a region failed"
	! ss -uln | grep -q ':6081 ' || fail "udp/6081 still bound after rmmod"
	t_load
}

ktap_case module_loads_with_region_params t_load
ktap_case region_admin_only t_region_admin_only
ktap_case region_events t_region_events
ktap_case region_refuses_plaintext_route t_region_refuses_plaintext_route
ktap_case region_up_wireguard t_region_up_wireguard
ktap_case region_up_wireguard_ipv6 t_region_up_wireguard_ipv6
ktap_case region_up_ipsec t_region_up_ipsec
ktap_case ipsec_null_cipher_refused t_ipsec_null_cipher_refused
ktap_case region_up_xfrm_interface t_region_up_xfrm_interface
ktap_case rx_plaintext_and_unknown_dropped t_rx_plaintext_and_unknown_dropped
ktap_case rx_bad_headers t_rx_bad_headers
ktap_case remote_setup_all t_remote_setup_all
ktap_case remote_request_accept_traffic t_remote_request_accept_traffic
ktap_case remote_receive_checks t_remote_receive_checks
ktap_case remote_request_failed_and_retransmitted t_remote_request_failed
ktap_case remote_delete_both_ways t_remote_delete_both_ways
ktap_case remote_accepter_here t_remote_accepter_here
ktap_case remote_cidr_update t_remote_cidr_update
ktap_case remote_route_loses_encryption t_remote_route_loses_encryption
ktap_case remote_accept_over_quota t_remote_accept_over_quota
ktap_case remote_fifty_blocks t_remote_fifty_blocks
ktap_case remote_peer_restart t_remote_peer_restart
ktap_case remote_region_scope t_remote_region_scope
ktap_case remote_control_fuzz t_remote_control_fuzz
ktap_case remote_teardown t_remote_teardown
ktap_case unload_with_regions t_unload_with_regions
ktap_finish

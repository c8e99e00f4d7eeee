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

# Inside a case: underlay: hostbN, the veth pair and the leak counter;
# HOSTB is the namespace.
underlay() {
	HOSTB=hostb$(case_no)
	netns_new "$HOSTB"
	ip link add u0 mtu 9000 type veth peer name u1 mtu 9000 netns "$HOSTB"
	defer "ip link del u0 2> /dev/null"
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
	defer "ip link del wg0 2> /dev/null"
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
	defer "rm -f $FAKE_LOG"
	ip netns exec "$HOSTB" python3 "$FAKE" serve --listen "${FAKE_AT:-10.255.0.2:6081}" \
		--peer "${FAKE_PEER:-10.255.0.1:6081}" --name b --hello-ms "$KEEPALIVE_MS" \
		--log "$FAKE_LOG" "$@" &
	FAKE_PID=$!
	defer "kill $FAKE_PID 2> /dev/null"
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
	ip netns exec "$HOSTB" python3 "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_not_encrypted)" -ge 1 ]' ||
		fail "a cleartext HELLO was not dropped as such: $(region_flat b)"
	region_is b connecting || fail "a cleartext HELLO moved the region: $(ctl region show b)"
	before=$(jget "$(ctl -j -s region show | json_flat '[0].')" rx_drop_unknown_region)
	ip netns exec "$HOSTB" python3 "$FAKE" send --bind 192.0.2.2 --peer 192.0.2.1
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
	ip netns exec "$HOSTB" python3 "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--ctl-bit 0 --proto 88b5
	ip netns exec "$HOSTB" python3 "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--ctl-bit 1 --proto 0800
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_bad_header)" = 2 ]' ||
		fail "bad GENEVE headers not counted: $(region_flat b)"
	ip netns exec "$HOSTB" python3 "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--ctl-bit 0 --proto 0800
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_bad_header)" = 3 ]' ||
		fail "a control message sent as IPv4 data not counted: $(region_flat b)"
	ip netns exec "$HOSTB" python3 "$FAKE" send --bind 10.255.0.2 --peer 10.255.0.1 \
		--vni 4242 --ipv4 10.1.0.1,10.0.0.1
	wait_for 30 eval '[ "$(region_get b stats.rx_drop_unknown_pcx)" = 1 ]' ||
		fail "a data frame for no peering not counted: $(region_flat b)"
	region_is b connecting || fail "bad frames moved the region: $(ctl region show b)"
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
ktap_case unload_with_regions t_unload_with_regions
ktap_finish

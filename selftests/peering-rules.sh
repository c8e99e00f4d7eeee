#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data path of an active peering: what crosses it, what is dropped,
# and under which counter. Every case builds the same pair (lib.sh: pair):
#
#   netns blueN                                        netns greenN
#   lo 10.0.0.1/32 fd00:b::1/128                       lo 10.1.0.1/32 fd00:9::1/128
#   VPC 10.0.0.0/16 fd00:b::/48                        VPC 10.1.0.0/16 fd00:9::/48
#   route 10.1.0.0/16, fd00:9::/48 ──► pcx-X ══════ pcx-X ◄── route 10.0.0.0/16, fd00:b::/48
#
# Counters are read from "vpcpeer-ctl -j -s peering show" before and after
# each probe; what one side sends must be what the other receives (tx on
# the sender == rx on the receiver), and every drop lands under its reason:
# not_active (R10), src_not_in_vpc (R8), dst_not_in_peer (R9).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping insmod rmmod awk sysctl iperf3 python3
require_module_file
require_ctl

# Inside a case: the requester's tx equals the accepter's rx and the other
# way round, between two snapshots; prints nothing.
expect_tx_is_rx() {
	local a b
	a=$(counter_delta "$1" "$2" requester.stats.tx_packets) || fail "no counters"
	b=$(counter_delta "$1" "$2" accepter.stats.rx_packets) || fail "no counters"
	[ "$a" = "$b" ] || fail "requester sent $a packets, accepter received $b"
	a=$(counter_delta "$1" "$2" requester.stats.tx_bytes)
	b=$(counter_delta "$1" "$2" accepter.stats.rx_bytes)
	[ "$a" = "$b" ] || fail "requester sent $a bytes, accepter received $b"
	a=$(counter_delta "$1" "$2" accepter.stats.tx_packets)
	b=$(counter_delta "$1" "$2" requester.stats.rx_packets)
	[ "$a" = "$b" ] || fail "accepter sent $a packets, requester received $b"
	a=$(counter_delta "$1" "$2" accepter.stats.tx_bytes)
	b=$(counter_delta "$1" "$2" requester.stats.rx_bytes)
	[ "$a" = "$b" ] || fail "accepter sent $a bytes, requester received $b"
}

# Inside a case: no drop counter of either side moved, but those named
# (SIDE.REASON, e.g. requester.drop_dst_not_in_peer).
expect_no_other_drops() {
	local f0=$1 f1=$2 side r key
	shift 2
	for side in requester accepter; do
		for r in drop_not_active drop_src_not_in_vpc drop_dst_not_in_peer \
			 drop_too_big drop_malformed drop_rx; do
			case " $* " in *" $side.$r "*) continue ;; esac
			key=$side.stats.$r
			[ "$(counter_delta "$f0" "$f1" "$key")" = 0 ] ||
				fail "$key grew by $(counter_delta "$f0" "$f1" "$key")"
		done
	done
}

t_load() {
	module_load
	module_loaded || fail "vpcpeer is not loaded"
}

# R12: ping both ways on IPv4 and IPv6, and a TCP stream (GSO packets of up
# to the 9001-byte MTU pass whole); every packet sent is received.
t_ping_tcp() {
	local f0 f1 out rate
	pair active
	f0=$(pcx_flat "$PCX")
	[ "$(jget "$f0" state)" = active ] || fail "not active: $f0"
	[ "$(jget "$f0" accepter.ifname)" = "$PCX" ] || fail "accepter.ifname is not $PCX"
	ping_ok "$B" 10.1.0.1
	ping_ok "$B" fd00:9::1
	ping_ok "$G" 10.0.0.1
	ping_ok "$G" fd00:b::1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.tx_packets 4
	expect_delta "$f0" "$f1" accepter.stats.tx_packets 4
	expect_tx_is_rx "$f0" "$f1"
	expect_no_other_drops "$f0" "$f1"

	command -v iperf3 > /dev/null || skip "iperf3 not found (the pings passed)"
	f0=$f1
	# The timeouts only catch a hang: a guest that make check starves
	# (nice 10 beside the debug kernel's) takes tens of seconds to
	# start iperf3, and its 2 s stream is 2 s of the guest's clock.
	ip netns exec "$G" timeout 300 iperf3 -s -1 -B 10.1.0.1 > /dev/null 2>&1 &
	defer "kill $! 2> /dev/null"
	wait_for 60 eval "ip netns exec $G ss -Htln | grep -q '10.1.0.1:5201'" ||
		fail "iperf3 server did not start"
	out=$(ip netns exec "$B" timeout 300 iperf3 -c 10.1.0.1 -B 10.0.0.1 -t 2 -f m 2>&1) ||
		fail "iperf3 over the peering failed: $out"
	rate=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' <<< "$out")
	diag "TCP over the peering: ${rate:-?} Mbit/s (TCG figures mean little)"
	f1=$(pcx_flat "$PCX")
	[ "$(counter_delta "$f0" "$f1" requester.stats.tx_packets)" -gt 0 ] || fail "no TCP packets counted"
	expect_tx_is_rx "$f0" "$f1"
	expect_no_other_drops "$f0" "$f1"
}

# R8: a source outside the sending VPC's blocks does not cross, whatever
# the route says; counted as src_not_in_vpc, nothing reaches green.
t_src_not_in_vpc() {
	local f0 f1
	pair active
	ip -n "$B" -b - <<-EOF
		addr add 192.168.50.1/32 dev lo
		addr add fd00:bad::1/128 dev lo
	EOF
	f0=$(pcx_flat "$PCX")
	ping_lost "$B" 10.1.0.1 -I 192.168.50.1
	ping_lost "$B" fd00:9::1 -I fd00:bad::1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.drop_src_not_in_vpc 2
	expect_delta "$f0" "$f1" requester.stats.tx_packets 0
	expect_delta "$f0" "$f1" accepter.stats.rx_packets 0
	expect_no_other_drops "$f0" "$f1" requester.drop_src_not_in_vpc
	# The same socket with the VPC's address still gets through.
	ping_ok "$B" 10.1.0.1 -I 10.0.0.1
}

# R9: a destination outside the peer VPC's blocks, though routed into the
# peering, is dropped as dst_not_in_peer (no edge-to-edge routing).
t_dst_not_in_peer() {
	local f0 f1
	pair active
	routes "$B" "$PCX" 10.0.0.1 fd00:b::1 192.168.77.0/24 fd00:77::/64
	f0=$(pcx_flat "$PCX")
	ping_lost "$B" 192.168.77.1
	ping_lost "$B" fd00:77::1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.drop_dst_not_in_peer 2
	expect_delta "$f0" "$f1" requester.stats.tx_packets 0
	expect_no_other_drops "$f0" "$f1" requester.drop_dst_not_in_peer
}

# R8, R9: no transitive peering. A peers B, B peers C, B forwards.
#
#   A 10.0.0.1 ═══ pcx AB ═══ B 10.1.0.1 (ip_forward=1) ═══ pcx BC ═══ C 10.2.0.1
#
# (1) A routes C's block via AB: A's own device refuses it, since C's block
#     is not B's (dst_not_in_peer on A's side of AB); B's BC sees nothing.
# (2) A sends to an address in B's block that B routes on into BC: AB
#     carries it (it is B's), B forwards it, and BC refuses it because its
#     source is A's, not B's (src_not_in_vpc on B's side of BC).
t_no_transitive() {
	local n a b c ab bc fab0 fab1 fbc0 fbc1
	n=$(case_no)
	a=a$n b=b$n c=c$n
	vpc_make "$a" 10.0.0.0/16
	vpc_make "$b" 10.1.0.0/16
	vpc_make "$c" 10.2.0.0/16
	ip -n "$a" addr add 10.0.0.1/32 dev lo
	ip -n "$b" addr add 10.1.0.1/32 dev lo
	ip -n "$c" addr add 10.2.0.1/32 dev lo
	pcx_request "$a" "$a" "$b"
	ab=$REPLY
	pcx_accept "$b" "$ab"
	pcx_request "$b" "$b" "$c"
	bc=$REPLY
	pcx_accept "$c" "$bc"
	ip netns exec "$b" sysctl -qw net.ipv4.ip_forward=1
	routes "$a" "$ab" 10.0.0.1 - 10.1.0.0/16 10.2.0.0/16
	routes "$b" "$ab" 10.1.0.1 - 10.0.0.0/16
	routes "$b" "$bc" 10.1.0.1 - 10.2.0.0/16 10.1.200.1/32
	routes "$c" "$bc" 10.2.0.1 - 10.1.0.0/16 10.0.0.0/16
	# Each peering works on its own.
	ping_ok "$a" 10.1.0.1
	ping_ok "$b" 10.2.0.1

	fab0=$(pcx_flat "$ab")
	fbc0=$(pcx_flat "$bc")
	ping_lost "$a" 10.2.0.1
	fab1=$(pcx_flat "$ab")
	fbc1=$(pcx_flat "$bc")
	expect_delta "$fab0" "$fab1" requester.stats.drop_dst_not_in_peer 1
	expect_delta "$fab0" "$fab1" requester.stats.tx_packets 0
	expect_delta "$fbc0" "$fbc1" requester.stats.tx_packets 0
	expect_delta "$fbc0" "$fbc1" accepter.stats.rx_packets 0

	fab0=$fab1
	fbc0=$fbc1
	ping_lost "$a" 10.1.200.1
	fab1=$(pcx_flat "$ab")
	fbc1=$(pcx_flat "$bc")
	expect_delta "$fab0" "$fab1" requester.stats.tx_packets 1
	expect_delta "$fab0" "$fab1" accepter.stats.rx_packets 1
	expect_delta "$fbc0" "$fbc1" requester.stats.drop_src_not_in_vpc 1
	expect_delta "$fbc0" "$fbc1" requester.stats.tx_packets 0
	expect_delta "$fbc0" "$fbc1" accepter.stats.rx_packets 0
}

# R11: the owner routes part of the peer's block; the rest is not routed
# there (no route: the namespace's FIB decides, not the module).
t_partial_routes() {
	local n f0 f1
	n=$(case_no)
	B=blue$n G=green$n
	vpc_make "$B" 10.0.0.0/16 fd00:b::/48
	vpc_make "$G" 10.1.0.0/16 fd00:9::/48
	ip -n "$B" -b - <<-EOF
		addr add 10.0.0.1/32 dev lo
		addr add fd00:b::1/128 dev lo
	EOF
	ip -n "$G" -b - <<-EOF
		addr add 10.1.5.1/32 dev lo
		addr add 10.1.6.1/32 dev lo
		addr add fd00:9:0:5::1/128 dev lo
		addr add fd00:9:0:6::1/128 dev lo
	EOF
	pcx_request "$B" "$B" "$G"
	PCX=$REPLY
	pcx_accept "$G" "$PCX"
	routes "$B" "$PCX" 10.0.0.1 fd00:b::1 10.1.5.0/24 fd00:9:0:5::/64
	routes "$G" "$PCX" 10.1.5.1 fd00:9:0:5::1 10.0.0.0/16 fd00:b::/48
	f0=$(pcx_flat "$PCX")
	ping_ok "$B" 10.1.5.1
	ping_ok "$B" fd00:9:0:5::1
	ping_lost "$B" 10.1.6.1
	grep -qi 'unreachable' <<< "$REPLY" || fail "10.1.6.1: expected 'Network is unreachable', got: $REPLY"
	ping_lost "$B" fd00:9:0:6::1
	grep -qi 'unreachable' <<< "$REPLY" || fail "fd00:9:0:6::1: expected 'Network is unreachable', got: $REPLY"
	! ip -n "$B" route get 10.1.6.1 > /dev/null 2>&1 || fail "10.1.6.1 has a route in $B"
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.tx_packets 2
	expect_tx_is_rx "$f0" "$f1"
	expect_no_other_drops "$f0" "$f1"
}

# R13: MTU 9001 by default on both devices; 9001-byte packets with DF pass,
# 9002 are refused locally ("message too long"); the MTU is settable.
t_mtu() {
	local f0 f1
	pair active
	ip -n "$B" link show dev "$PCX" | grep -q 'mtu 9001 ' || fail "$PCX in $B: $(ip -n "$B" link show dev "$PCX")"
	ip -n "$G" link show dev "$PCX" | grep -q 'mtu 9001 ' || fail "$PCX in $G: $(ip -n "$G" link show dev "$PCX")"
	f0=$(pcx_flat "$PCX")
	ping_ok "$B" 10.1.0.1 -M "do" -s 8973
	ping_ok "$B" fd00:9::1 -M "do" -s 8953
	ping_lost "$B" 10.1.0.1 -M "do" -s 8974
	grep -qi 'message too long' <<< "$REPLY" || fail "8974 bytes: expected a local 'message too long': $REPLY"
	ping_lost "$B" fd00:9::1 -M "do" -s 8954
	grep -qi 'message too long' <<< "$REPLY" || fail "IPv6 8954 bytes: expected 'message too long': $REPLY"
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.tx_packets 2
	expect_delta "$f0" "$f1" requester.stats.tx_bytes $((9001 + 9001))
	expect_tx_is_rx "$f0" "$f1"
	expect_no_other_drops "$f0" "$f1"

	ip -n "$B" link set dev "$PCX" mtu 1500
	ip -n "$B" link show dev "$PCX" | grep -q 'mtu 1500 ' || fail "mtu not set to 1500"
	ping_ok "$B" 10.1.0.1 -M "do" -s 1472
	ping_lost "$B" 10.1.0.1 -M "do" -s 1473
	grep -qi 'message too long' <<< "$REPLY" || fail "1473 bytes at mtu 1500: $REPLY"
}

# BIG TCP: a pcx device takes GSO sizes above 64 KiB, as veth and netkit
# do (tso_max_size 524280), and the packets that then cross carry no
# length of their own: an IPv6 one a jumbo hop-by-hop option and payload
# length 0, an IPv4 one total length 0 (6.3 and later). Both must cross
# whole, neither malformed nor too big for the 9001-byte MTU their segments
# fit. Proof, per family: no drop counter moves, green's device received
# every packet and byte blue's sent, and those packets averaged more than
# 65,535 bytes, which some of them can only do by being bigger. (Counters,
# not an nftables rule: the debug kernel has no netfilter.)
big_tcp_stream() {	# big_tcp_stream SRC DST
	local f0 f1 out pkts bytes port=5203
	case $1 in *:*) port=5206 ;; esac
	f0=$(pcx_flat "$PCX")
	ip netns exec "$G" timeout 300 iperf3 -s -1 -B "$2" -p "$port" > /dev/null 2>&1 &
	defer "kill $! 2> /dev/null"
	wait_for 60 eval "ip netns exec $G ss -Htln | grep -q ':$port '" ||
		fail "iperf3 server did not start"
	out=$(ip netns exec "$B" timeout 300 iperf3 -c "$2" -B "$1" -p "$port" -t 2 -f m 2>&1) ||
		fail "iperf3 $1 -> $2 over the peering failed: $out"
	f1=$(pcx_flat "$PCX")
	expect_tx_is_rx "$f0" "$f1"
	expect_no_other_drops "$f0" "$f1"
	pkts=$(counter_delta "$f0" "$f1" requester.stats.tx_packets)
	bytes=$(counter_delta "$f0" "$f1" requester.stats.tx_bytes)
	[ "$pkts" -gt 0 ] || fail "$1 -> $2: nothing crossed"
	diag "BIG TCP $1 -> $2: $pkts packets, $((bytes / pkts)) bytes on average"
	[ $((bytes / pkts)) -gt 65535 ] ||
		fail "$1 -> $2: $pkts packets of $((bytes / pkts)) bytes on average: none over 64 KiB"
}

t_big_tcp() {
	local out
	command -v iperf3 > /dev/null || skip "iperf3 not found"
	pair active
	# TCP sizes its GSO packets by its pacing rate, plus all of
	# gso_max_size below an RTT of 2^tcp_tso_rtt_log us (512 us by
	# default; a debug guest is slower, and a guest that make check
	# starves has RTTs of a tenth of a second), halved for each further
	# doubling, and by half the largest window the receiver offered:
	# make both the largest at any speed (2^20 us: a second).
	ip netns exec "$B" sysctl -qw net.ipv4.tcp_tso_rtt_log=20 || fail "tcp_tso_rtt_log"
	ip netns exec "$G" sysctl -qw net.ipv4.tcp_rmem="4096 1048576 6291456" || fail "tcp_rmem"
	ip -n "$B" -d link show dev "$PCX" | grep -q 'tso_max_size 524280 ' ||
		fail "tso_max_size is not GSO_MAX_SIZE: $(ip -n "$B" -d link show dev "$PCX")"
	ip -n "$B" link set dev "$PCX" gso_max_size 185000 ||
		fail "gso_max_size 185000 refused"
	ip -n "$B" -d link show dev "$PCX" | grep -q 'gso_max_size 185000 ' ||
		fail "gso_max_size not set: $(ip -n "$B" -d link show dev "$PCX")"
	big_tcp_stream fd00:b::1 fd00:9::1
	case $(uname -r) in
	[0-5].*|6.[0-2].*) diag "IPv4 BIG TCP arrived in 6.3; this is $(uname -r)"; return 0 ;;
	esac
	out=$(ip netns exec "$B" python3 -I -S "$SELFTEST_DIR/rtlink.py" gso-ipv4 "$PCX" 185000 2>&1) ||
		fail "gso_ipv4_max_size 185000: $out"
	big_tcp_stream 10.0.0.1 10.1.0.1
}

# R13 for routed traffic: a host behind blue (a veth into blue's namespace,
# addresses inside blue's VPC, MTU 9100) sends through blue into the
# peering. What fits 9001 crosses; what does not, with DF, comes back as
# ICMP "fragmentation needed" / "packet too big" naming MTU 9001.
#
#   H (10.0.5.2, fd00:b:0:5::2) --veth mtu 9100-- blue (forwarding) ==pcx== green
t_mtu_forwarded_icmp() {
	local h
	pair active
	h=host$(case_no)
	netns_new "$h"
	ip link add name vh0 netns "$h" mtu 9100 type veth peer name vb0 netns "$B" mtu 9100
	ip -n "$h" -b - <<-EOF
		link set vh0 up
		addr add 10.0.5.2/24 dev vh0
		addr add fd00:b:0:5::2/64 dev vh0 nodad
		route add default via 10.0.5.1
		route add default via fd00:b:0:5::1
	EOF
	ip -n "$B" -b - <<-EOF
		link set vb0 up
		addr add 10.0.5.1/24 dev vb0
		addr add fd00:b:0:5::1/64 dev vb0 nodad
	EOF
	ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ping_ok "$h" 10.1.0.1 -M "do" -s 8973
	ping_ok "$h" fd00:9::1 -M "do" -s 8953
	ping_lost "$h" 10.1.0.1 -M "do" -s 8974
	grep -q 'Frag needed and DF set (mtu = 9001)' <<< "$REPLY" ||
		fail "IPv4 9002 bytes: expected ICMP frag needed, mtu 9001: $REPLY"
	ping_lost "$h" fd00:9::1 -M "do" -s 8954
	grep -qi 'Packet too big: mtu=9001' <<< "$REPLY" ||
		fail "IPv6 9002 bytes: expected ICMPv6 packet too big, mtu 9001: $REPLY"
}

# CIDR blocks can change under an active peering; the data path follows at
# once: a block added to green is reachable, a block removed is not.
t_cidr_changes_live() {
	local f0 f1
	pair active
	ip -n "$G" addr add 10.5.0.1/32 dev lo
	routes "$B" "$PCX" 10.0.0.1 fd00:b::1 10.5.0.0/16
	f0=$(pcx_flat "$PCX")
	ping_lost "$B" 10.5.0.1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.drop_dst_not_in_peer 1
	ctl vpc set "$G" cidr add 10.5.0.0/16
	ping_ok "$B" 10.5.0.1
	ctl vpc set "$G" cidr del 10.5.0.0/16
	f0=$(pcx_flat "$PCX")
	ping_lost "$B" 10.5.0.1
	f1=$(pcx_flat "$PCX")
	expect_delta "$f0" "$f1" requester.stats.drop_dst_not_in_peer 1
	ping_ok "$B" 10.1.0.1
}

# An idle active peering counts no drops: nothing the kernel sends on its
# own (IPv6 router solicitations from a link-local address, MLD reports)
# may show up as refused traffic.
t_idle_no_drops() {
	local f r side bad=
	pair active
	sleep 1
	f=$(pcx_flat "$PCX")
	for side in requester accepter; do
		for r in drop_not_active drop_src_not_in_vpc drop_dst_not_in_peer \
			 drop_too_big drop_malformed drop_rx; do
			[ "$(jget "$f" "$side.stats.$r")" = 0 ] || bad="$bad $side.$r=$(jget "$f" "$side.stats.$r")"
		done
	done
	[ -z "$bad" ] || fail "an idle peering counted drops:$bad ($(ip -n "$B" -6 -o addr show dev "$PCX" | awk '{print $4}' | tr '\n' ' ')on $PCX in $B)"
}

# After all of the above, unloading leaves nothing: every VPC, connection
# and device the kernel logged as created was destroyed, no splat.
t_unload() {
	local bad
	module_unload
	! module_loaded || fail "vpcpeer still loaded"
	bad=$(objects_balanced) || fail "objects not destroyed: $bad"
	! dmesg | grep -E "$KERNEL_SPLAT" || fail "the kernel log shows a splat"
}

ktap_case module_loads t_load
ktap_case ping_v4_v6_and_tcp_cross_active_peering t_ping_tcp
ktap_case src_not_in_vpc_dropped t_src_not_in_vpc
ktap_case dst_not_in_peer_dropped t_dst_not_in_peer
ktap_case no_transitive_peering t_no_transitive
ktap_case partial_cidr_routes t_partial_routes
ktap_case mtu_9001_and_settable t_mtu
ktap_case mtu_routed_oversize_df_gets_icmp t_mtu_forwarded_icmp
ktap_case big_tcp_crosses_whole t_big_tcp
ktap_case cidr_changes_apply_at_once t_cidr_changes_live
ktap_case idle_peering_counts_no_drops t_idle_no_drops
ktap_case unload_leaves_no_objects t_unload
ktap_finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile packets: bytes of the test's choosing put straight into a pcx
# device's transmit (pcx-pkt: an AF_PACKET socket bound to blue's device,
# skb->protocol of its choosing), and what comes out on green's side.
#
#   netns blue                                         netns green
#   lo 10.0.0.1/32 fd00:b::1/128                       lo 10.1.0.1/32 fd00:9::1/128
#   VPC 10.0.0.0/16 fd00:b::/48                        VPC 10.1.0.0/16 fd00:9::/48
#   pcx-pkt send ──► pcx-X ═══════════════════════ pcx-X ──► pcx-pkt capture
#
# A packet is dropped as malformed when the device cannot trust the
# addresses it would judge: the header is not whole (IPv4 options, the
# IPv6 extension header chain up to the upper layer or to a non-first
# fragment's data), is not of the skb's protocol, or its length field
# disagrees with the packet; and anything not IPv4 or IPv6. Then come
# src_not_in_vpc (R8) and dst_not_in_peer (R9). Checksums are the
# receiver's business, as on any link; fragments, options and sound
# extension headers between the two VPCs are delivered untouched.
#
# Every probe asserts the exact delta of the counter it expects (the
# number of packets sent), that no other counter of the sending side
# moved, and what green saw: its device's rx counters, and a packet socket
# on its device, synchronised by a marker packet sent right behind the
# probe from the same CPU (one backlog queue, so what the probe delivered
# is seen before the marker). Delivered packets must arrive byte for byte,
# and where green's stack should take them, its SNMP counters say so.
#
# Under TCG a process costs a good fraction of a second, so the cases
# share one peering (set up by the second case, torn down by the last),
# packets are built in bash without subshells, and one probe sends every
# packet expected to meet the same fate; when a probe fails, each of its
# packets is sent again alone to name the culprits.
source "$(dirname "$0")/lib.sh"

PKT=$SELFTEST_DIR/pcx-pkt

require_root
require_cmd ip insmod rmmod awk mkfifo
require_module_file
require_ctl
[ -x "$PKT" ] || ktap_skip_all "$PKT not built (make -C selftests)"

# Random garbage: PACKETS_FUZZ_ROUNDS rounds of PACKETS_FUZZ_COUNT packets,
# seeds PACKETS_FUZZ_SEED, +1, ...
FUZZ_SEED=${PACKETS_FUZZ_SEED:-1}
FUZZ_ROUNDS=${PACKETS_FUZZ_ROUNDS:-4}
FUZZ_COUNT=${PACKETS_FUZZ_COUNT:-2000}

DROPS="not_active src_not_in_vpc dst_not_in_peer too_big malformed rx"
DROP_KEYS="drop_${DROPS// / drop_}"
B=pk-blue G=pk-green
STATE=/tmp/vpcpeer-packets.$$
CAP=$STATE.cap

# --- building packets: hex strings, results in P (A for addresses) -----------

a4() { local IFS=.; set -- $1; printf -v A '%02x%02x%02x%02x' "$1" "$2" "$3" "$4"; }
a6() {
	local a=$1 h t=() g i IFS=:
	h=(${a%%::*})
	[[ $a == *::* ]] && t=(${a#*::})
	A=
	for g in "${h[@]}"; do printf -v g '%04x' "0x$g"; A+=$g; done
	for ((i = ${#h[@]} + ${#t[@]}; i < 8; i++)); do A+=0000; done
	for g in "${t[@]}"; do printf -v g '%04x' "0x$g"; A+=$g; done
}

# csum HEX: the Internet checksum of HEX, in CS.
csum() {
	local s=$1 sum=0 i
	[ $((${#s} % 4)) = 0 ] || s+=00
	for ((i = 0; i < ${#s}; i += 4)); do
		sum=$((sum + 0x${s:i:4}))
	done
	while ((sum >> 16)); do sum=$(((sum & 0xffff) + (sum >> 16))); done
	printf -v CS '%04x' $((~sum & 0xffff))
}

# patch HEX OFFSET BYTES: HEX with the bytes at OFFSET replaced.
patch() { P=${1:0:$(($2 * 2))}$3${1:$(($2 * 2 + ${#3}))}; }
# trunc HEX N: its first N bytes.
trunc() { P=${1:0:$(($2 * 2))}; }

# ip4 [-f FRAG] [-o OPTIONS] [-p PROTO] SRC DST PAYLOAD: an IPv4 packet
# (protocol 17 unless told), its lengths and header checksum right. FRAG
# is the flags and offset field.
ip4() {
	local frag=0 opts= proto=17 hdr s
	while :; do
		case $1 in
		-f) frag=$2; shift 2 ;;
		-o) opts=$2; shift 2 ;;
		-p) proto=$2; shift 2 ;;
		*) break ;;
		esac
	done
	a4 "$1"
	s=$A
	a4 "$2"
	printf -v hdr '%02x00%04x1234%04x40%02x0000%s%s%s' \
		$((0x40 | (20 + ${#opts} / 2) / 4)) $((20 + ${#opts} / 2 + ${#3} / 2)) \
		"$frag" "$proto" "$s" "$A" "$opts"
	csum "$hdr"
	P=${hdr:0:20}$CS${hdr:24}$3
}

# ip6 SRC DST NEXTHDR PAYLOAD: an IPv6 packet, its payload length right.
ip6() {
	local s
	a6 "$1"
	s=$A
	a6 "$2"
	printf -v P '6000000%05x%02x40%s%s%s' $((${#4} / 2)) "$3" "$s" "$A" "$4"
}

# udp4/udp6 SRC DST DATA: a UDP datagram from port 4000 to 9, checksum right.
udp4() {
	local s u
	a4 "$1"
	s=$A
	a4 "$2"
	printf -v u '0fa00009%04x' $((8 + ${#3} / 2))
	csum "$s${A}0011${u:8:4}${u}0000$3"
	P=$u$CS$3
}
udp6() {
	local s u
	a6 "$1"
	s=$A
	a6 "$2"
	printf -v u '0fa00009%04x' $((8 + ${#3} / 2))
	csum "$s${A}0000${u:8:4}00000011${u}0000$3"
	P=$u$CS$3
}

# ext NEXTHDR: an 8-byte hop-by-hop or destination options header (PadN).
ext() { printf -v P '%02x00010400000000' "$1"; }

# 72 bytes of data: "hostile-packets-01" ... "-04"
DATA=
for i in 1 2 3 4; do
	for c in h o s t i l e - p a c k e t s - 0 "$i"; do printf -v c '%02x' "'$c"; DATA+=$c; done
done

# --- the shared peering, sending, capturing, counting --------------------------

# Inside a case after the second: the peering the second one set up.
shared() {
	[ -s "$STATE" ] || fail "no shared peering (the set-up case failed)"
	read -r PCX CAP_PID < "$STATE"
	# Whatever an earlier case left unread (if it failed) is skipped.
	mapfile -t _lines < "$CAP"
	CAP_LINE=${#_lines[@]}
	MARK=$(($(case_no) * 1000))
}

# send [-n COUNT] PROTO:HEX...: from blue's device, on CPU 0.
send() { "$PKT" -n "$B" -c 0 send "$PCX" "$@"; }

# snap VAR: both sides' counters, into the associative array VAR
# ("requester.tx_packets", "accepter.drop_malformed", ...), from one run
# of vpcpeer-ctl and no other process.
snap() {
	local -n _s=$1
	local j rest side
	j=$(ctl -j -s peering show "$PCX") || fail "cannot show $PCX"
	_s=()
	for side in requester accepter; do
		rest=${j#*\"$side\":}
		rest=${rest#*\"stats\":}
		rest=${rest%%\}*}
		while [[ $rest =~ \"([a-z_]+)\":\ *([0-9]+) ]]; do
			_s[$side.${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			rest=${rest#*"${BASH_REMATCH[0]}"}
		done
	done
	[ -n "${_s[requester.drop_malformed]:-}" ] && [ -n "${_s[accepter.rx_packets]:-}" ] ||
		fail "no counters in: $j"
}

# nap: sleep a twentieth of a second without a process.
nap() { read -r -t 0.05 <> "$STATE.fifo" || :; }

# cap_sync: wait for the marker sent last (MARK) on green's side; REPLY
# holds what green's packet socket saw before it since the last sync, one
# "PROTO HEX" line per packet.
cap_sync() {
	local lines=() i t
	for ((t = 0; t < 100; t++)); do
		mapfile -t -s "$CAP_LINE" lines < "$CAP"
		for i in "${!lines[@]}"; do
			[ "${lines[$i]}" = "0800 $MARKER" ] || continue
			REPLY=
			[ "$i" = 0 ] || printf -v REPLY '%s\n' "${lines[@]:0:$i}"
			REPLY=${REPLY%$'\n'}
			CAP_LINE=$((CAP_LINE + i + 1))
			return 0
		done
		nap
	done
	fail "the marker did not reach green"
}

# marker: the next marker packet, in MARKER (hex, IPv4). Protocol 253
# (RFC 3692: experiments): green's stack refuses it without touching the
# UDP, checksum or reassembly counters the cases read.
marker() {
	local m
	MARK=$((MARK + 1))
	printf -v m '%012x' "$MARK"
	ip4 -p 253 10.0.0.1 10.1.0.1 "6d61726b6572$m"
	MARKER=$P
}

# stack: green's stack counters (STACK_KEYS, from /proc/net/snmp, snmp6
# and netstat as seen by the capture process in green's namespace), as
# one line of numbers, without a process.
STACK_KEYS="Ip:ReasmOKs IpExt:InCsumErrors Ip:InHdrErrors Udp:NoPorts Udp:InErrors Ip6ReasmOKs Ip6InHdrErrors Udp6NoPorts Udp6InErrors"
stack() {
	local -A v
	local f l h x i k
	for f in snmp netstat; do
		mapfile -t l < "/proc/$CAP_PID/net/$f"
		for ((i = 0; i + 1 < ${#l[@]}; i += 2)); do
			case ${l[i]} in Ip:*|IpExt:*|Udp:*) ;; *) continue ;; esac
			h=(${l[i]})
			x=(${l[i + 1]})
			for k in "${!h[@]}"; do v[${h[0]}${h[k]}]=${x[k]}; done
		done
	done
	mapfile -t l < "/proc/$CAP_PID/net/snmp6"
	for i in "${l[@]}"; do
		case $i in Ip6Reasm*|Ip6InHdr*|Udp6*) v[${i%% *}]=${i##* } ;; esac
	done
	STACK=
	for k in $STACK_KEYS; do
		[ -n "${v[$k]:-}" ] || fail "green's $k: not found"
		STACK+="${v[$k]} "
	done
}

# Inside a case: expect_stack BEFORE AFTER KEY=N...: between two stack
# readings the keys given moved by N, the others not at all.
expect_stack() {
	local a=($1) b=($2) keys=($STACK_KEYS) i r want
	shift 2
	for i in "${!keys[@]}"; do
		want=0
		for r; do [ "${r%%=*}" = "${keys[$i]}" ] && want=${r#*=}; done
		[ "$((b[i] - a[i]))" = "$want" ] ||
			fail "green's ${keys[$i]} moved by $((b[i] - a[i])), expected $want ($STACK_KEYS: $1 -> $2); now: $(cat /proc/$CAP_PID/net/snmp /proc/$CAP_PID/net/netstat)"
	done
}

# counts F0 F1 KEY=N...: between two snaps the sending side's tx_packets,
# tx_bytes and drop_ counters moved by N (0 for those not given), and
# green's device received what blue's sent; else false, saying why.
counts() {
	local -n _a=$1 _b=$2
	local r want k d
	shift 2
	for k in tx_packets tx_bytes $DROP_KEYS; do
		want=0
		for r; do [ "${r%%=*}" = "$k" ] && want=${r#*=}; done
		d=$((_b[requester.$k] - _a[requester.$k]))
		[ "$d" = "$want" ] || { echo "$k moved by $d, expected $want" >&2; return 1; }
	done
	for k in packets bytes; do
		d=$((_b[accepter.rx_$k] - _a[accepter.rx_$k]))
		[ "$d" = "$((_b[requester.tx_$k] - _a[requester.tx_$k]))" ] ||
			{ echo "green's device received $d $k, blue's sent $((_b[requester.tx_$k] - _a[requester.tx_$k]))" >&2; return 1; }
	done
}

proto_hex() {
	case $1 in
	ip) PH=0800 ;;
	ipv6) PH=86dd ;;
	arp) PH=0806 ;;
	*) printf -v PH '%04x' "$1" ;;
	esac
}

# probe OUTCOME COUNT PROTO:HEX...: send each packet COUNT times, then a
# marker, and check: OUTCOME is "deliver" (each crosses, and green's packet
# socket sees exactly those bytes, in order) or a drop reason (each is
# counted under it, and green sees nothing). False on a mismatch, with the
# reason on stderr.
probe() {
	local what=$1 n=$2 p i bytes=0 want= err
	local -A f0 f1
	shift 2
	marker
	for p; do
		proto_hex "${p%%:*}"
		for ((i = 0; i < n; i++)); do want+="$PH ${p#*:}"$'\n'; done
		p=${p#*:}
		bytes=$((bytes + n * ${#p} / 2))
	done
	want=${want%$'\n'}
	snap f0
	if ! err=$(send -n "$n" "$@" -n 1 "ip:$MARKER" 2>&1); then
		echo "sending failed: $err" >&2
		return 1
	fi
	snap f1
	if [ "$what" = deliver ]; then
		counts f0 f1 "tx_packets=$((n * $# + 1))" "tx_bytes=$((bytes + ${#MARKER} / 2))" ||
			{ cap_sync; return 1; }
	else
		counts f0 f1 "drop_$what=$((n * $#))" tx_packets=1 "tx_bytes=$((${#MARKER} / 2))" ||
			{ cap_sync; return 1; }
		want=
	fi
	cap_sync
	[ "$REPLY" = "$want" ] || {
		echo "green's packet socket saw:"
		echo "${REPLY:-(nothing)}"
		echo "instead of:"
		echo "${want:-(nothing)}"
	} >&2
	[ "$REPLY" = "$want" ]
}

# Inside a case: expect OUTCOME COUNT PROTO:HEX...: probe, and if that
# fails, probe each packet alone to name those at fault, then fail.
expect() {
	local what=$1 n=$2 p bad=
	shift 2
	probe "$what" "$n" "$@" && return 0
	[ $# -gt 1 ] || fail "$what: not so for $1"
	for p; do
		probe "$what" "$n" "$p" 2> /dev/null || bad+=" $p"
	done
	fail "$what: not so for:${bad:- (each alone passes: together they do not)}"
}

# --- the cases -------------------------------------------------------------------

t_load() {
	module_load
	module_loaded || fail "vpcpeer is not loaded"
}

# The shared peering, and R10 first: while it is not active, blue's device
# drops everything as not_active, sound or not, without looking at it.
t_setup() {
	local -A f0 f1
	local pid
	vpc_make "$B" 10.0.0.0/16 fd00:b::/48
	vpc_make "$G" 10.1.0.0/16 fd00:9::/48
	pcx_request "$B" "$B" "$G"
	PCX=$REPLY
	udp4 10.0.0.1 10.1.0.1 "$DATA"
	ip4 10.0.0.1 10.1.0.1 "$P"
	snap f0
	send -n 2 "ip:$P" ip:45 ipv6:6000000000003b40 arp:0001 0x88b5:00 ||
		fail "cannot send into a pending peering's device"
	snap f1
	counts f0 f1 drop_not_active=10 || fail "not all counted as not_active"
	pcx_accept "$G" "$PCX"
	expect_state "$PCX" active
	ip -n "$B" -b - <<-EOF
		addr add 10.0.0.1/32 dev lo
		addr add fd00:b::1/128 dev lo nodad
		route add 10.1.0.0/16 dev $PCX src 10.0.0.1
		route add fd00:9::/48 dev $PCX src fd00:b::1
	EOF
	ip -n "$G" -b - <<-EOF
		addr add 10.1.0.1/32 dev lo
		addr add fd00:9::1/128 dev lo nodad
		route add 10.0.0.0/16 dev $PCX src 10.1.0.1
		route add fd00:b::/48 dev $PCX src fd00:9::1
	EOF

	mkfifo "$STATE.fifo"
	: > "$CAP"
	"$PKT" -n "$G" capture "$PCX" > "$CAP" 2> "$CAP.err" < /dev/null &
	pid=$!
	CAP_LINE=0
	for ((i = 0; i < 100; i++)); do
		mapfile -t l < "$CAP"
		[ "${l[0]:-}" = ready ] && break
		nap
	done
	[ "${l[0]:-}" = ready ] || fail "capture did not start: $(cat "$CAP.err")"
	echo "$PCX $pid" > "$STATE"
	# The namespaces outlive this case: the last case removes them.
	_netns_list=()
}

# IPv4 headers that are not whole or disagree with the packet: malformed,
# whatever their addresses.
t_ipv4_malformed() {
	local p u m=()
	shared
	udp4 10.0.0.1 10.1.0.1 "$DATA"
	u=$P
	ip4 10.0.0.1 10.1.0.1 "$u"
	p=$P						# 100 bytes, sound
	expect deliver 1 "ip:$p"
	patch "$p" 0 44; m+=("ip:$P")			# ihl 4
	patch "$p" 0 40; m+=("ip:$P")			# ihl 0
	patch "$p" 0 4f; trunc "$P" 40; patch "$P" 2 0028; m+=("ip:$P")	# ihl 15, 40 bytes
	patch "$p" 0 46; trunc "$P" 20; patch "$P" 2 0014; m+=("ip:$P")	# ihl 6, 20 bytes
	patch "$p" 2 0060; m+=("ip:$P")			# tot_len 96 < 100
	patch "$p" 2 0068; m+=("ip:$P")			# tot_len 104 > 100
	patch "$p" 2 0000; m+=("ip:$P")			# tot_len 0
	patch "$p" 2 0013; m+=("ip:$P")			# tot_len 19
	trunc "$p" 99; m+=("ip:$P")			# the last byte lost
	m+=("ip:${p}00000000")				# 4 bytes of trailer
	patch "$p" 0 65; m+=("ip:$P")			# version 6
	patch "$p" 0 05; m+=("ip:$P")			# version 0
	patch "$p" 0 f5; m+=("ip:$P")			# version 15
	# malformed comes before the addresses
	ip4 192.0.2.1 198.51.100.1 "$u"; patch "$P" 0 44; m+=("ip:$P")
	expect malformed 3 "${m[@]}"
}

# Too short to hold a header: 1, 19 bytes for IPv4; 1, 39 bytes, and a
# header promising more or less payload than there is, for IPv6. An empty
# packet is refused by the socket layer before any device sees it.
t_truncated() {
	local p4 p6 m=() err
	local -A f0 f1
	shared
	udp4 10.0.0.1 10.1.0.1 "$DATA"
	ip4 10.0.0.1 10.1.0.1 "$P"
	p4=$P
	udp6 fd00:b::1 fd00:9::1 "$DATA"
	ip6 fd00:b::1 fd00:9::1 17 "$P"
	p6=$P
	for i in 1 19 20 27; do trunc "$p4" $i; m+=("ip:$P"); done
	for i in 1 39 40 47; do trunc "$p6" $i; m+=("ipv6:$P"); done
	patch "$p6" 4 0040; m+=("ipv6:$P")		# payload 64 < 80
	patch "$p6" 4 0058; m+=("ipv6:$P")		# payload 88 > 80
	patch "$p6" 4 0000; m+=("ipv6:$P")		# payload 0, not GSO
	expect malformed 3 "${m[@]}"
	snap f0
	for p in ip: ipv6:; do
		! err=$(send "$p" 2>&1) || fail "an empty packet was sent"
		[ "$err" = "send: EINVAL" ] || fail "an empty packet: $err"
	done
	snap f1
	counts f0 f1 || fail "an empty packet was counted"
}

# skb->protocol decides the family; bytes of the other family, however
# sound, are malformed. So is every protocol that is not IP.
t_protocols() {
	local p4 p6 arp
	shared
	udp4 10.0.0.1 10.1.0.1 "$DATA"
	ip4 10.0.0.1 10.1.0.1 "$P"
	p4=$P
	udp6 fd00:b::1 fd00:9::1 "$DATA"
	ip6 fd00:b::1 fd00:9::1 17 "$P"
	p6=$P
	expect deliver 1 "ip:$p4" "ipv6:$p6"
	# who-has 10.1.0.1 tell 10.0.0.1, as a device without addresses asks
	arp=0001080000040001
	a4 10.0.0.1; arp+=$A
	a4 10.1.0.1; arp+=$A
	expect malformed 3 "ipv6:$p4" "ip:$p6" "arp:$arp" "0x88b5:$DATA" 		"0x0000:$p4" "0x8100:0000$p4" "0x0003:$p6"
}

# Addresses: the source must be in blue's blocks (R8), then the
# destination in green's (R9), in both families: edges of the blocks,
# the other VPC's and one's own addresses, neither VPC, broadcast and
# multicast, link-local, unspecified, IPv4-mapped.
t_addresses() {
	local s d pass=() src=() dst=()
	local s4=(10.0.0.1 10.0.255.255) o4=(10.1.0.1 192.0.2.1 0.0.0.0 10.255.0.1)
	local d4=(10.1.0.1 10.1.255.255) x4=(10.2.0.1 10.0.0.2 255.255.255.255 224.0.0.1 9.255.255.255)
	local s6=(fd00:b::1 fd00:b:0:ffff:ffff:ffff:ffff:ffff)
	local o6=(fd00:9::1 fd00:c::1 fd00:b:1::1 fe80::1 :: ::ffff:a00:1)
	local d6=(fd00:9::1 fd00:9:0:ffff:ffff:ffff:ffff:ffff)
	local x6=(fd00:9:1::1 fd00:8:ffff::1 fd00:b::2 ::ffff:a01:1 ff02::1)
	shared
	# Each good source to each good and bad destination; each bad source
	# to a good and a bad one.
	for s in "${s4[@]}" "${o4[@]}"; do
		for d in "${d4[@]}" "${x4[@]}"; do
			if [[ " ${o4[*]} " == *" $s "* ]]; then
				[ "$d" = "${d4[0]}" ] || [ "$d" = "${x4[0]}" ] || continue
			fi
			udp4 "$s" "$d" "$DATA"
			ip4 "$s" "$d" "$P"
			if [[ " ${o4[*]} " == *" $s "* ]]; then src+=("ip:$P")
			elif [[ " ${x4[*]} " == *" $d "* ]]; then dst+=("ip:$P")
			else pass+=("ip:$P"); fi
		done
	done
	for s in "${s6[@]}" "${o6[@]}"; do
		for d in "${d6[@]}" "${x6[@]}"; do
			if [[ " ${o6[*]} " == *" $s "* ]]; then
				[ "$d" = "${d6[0]}" ] || [ "$d" = "${x6[0]}" ] || continue
			fi
			udp6 "$s" "$d" "$DATA"
			ip6 "$s" "$d" 17 "$P"
			if [[ " ${o6[*]} " == *" $s "* ]]; then src+=("ipv6:$P")
			elif [[ " ${x6[*]} " == *" $d "* ]]; then dst+=("ipv6:$P")
			else pass+=("ipv6:$P"); fi
		done
	done
	expect deliver 1 "${pass[@]}"
	expect src_not_in_vpc 2 "${src[@]}"
	expect dst_not_in_peer 2 "${dst[@]}"
}

# Each drop is freed with its reason (kfree_skb_reason), so that dropwatch
# and perf's skb:kfree_skb tracepoint say why, as the counters do:
# src_not_in_vpc as IP_RPFILTER (source validation), dst_not_in_peer as
# IP_OUTNOROUTES, malformed as IP_INHDR. Three of each, then the trace.
t_drop_reasons() {
	local tr=/sys/kernel/tracing want got
	shared
	[ -e "$tr/events/skb/kfree_skb/enable" ] ||
		mount -t tracefs nodev "$tr" 2> /dev/null
	[ -e "$tr/events/skb/kfree_skb/enable" ] ||
		skip "no skb:kfree_skb tracepoint (tracefs) in this kernel"
	echo > "$tr/trace"
	echo 1 > "$tr/events/skb/kfree_skb/enable"
	defer "echo 0 > $tr/events/skb/kfree_skb/enable"
	udp4 10.1.0.1 10.1.0.1 "$DATA"
	ip4 10.1.0.1 10.1.0.1 "$P"
	expect src_not_in_vpc 3 "ip:$P"
	udp4 10.0.0.1 10.2.0.1 "$DATA"
	ip4 10.0.0.1 10.2.0.1 "$P"
	expect dst_not_in_peer 3 "ip:$P"
	expect malformed 3 "ip:45"
	echo 0 > "$tr/events/skb/kfree_skb/enable"
	for want in IP_RPFILTER IP_OUTNOROUTES IP_INHDR; do
		got=$(grep -c "reason: $want\$" "$tr/trace")
		[ "$got" -ge 3 ] ||
			fail "skb:kfree_skb saw $got drops for $want, not 3: $(grep -m 5 kfree_skb "$tr/trace")"
	done
}

# IPv6 extension headers. Sound chains between the two VPCs are delivered
# and green's stack takes them (its UDP sees the datagram: no port); the
# walk stops at the upper layer, ESP or No Next Header. A chain that runs
# past the end of the packet, or a header cut short, is malformed, at any
# position in the chain.
t_ipv6_ext() {
	local s=fd00:b::1 d=fd00:9::1 u rt0 ah e17 e43 e44 e50 e51 e59 e60 s0 s1 ok=() m=()
	shared
	udp6 $s $d "$DATA"; u=$P
	ext 17; e17=$P
	ext 43; e43=$P
	ext 44; e44=$P
	ext 50; e50=$P
	ext 51; e51=$P
	ext 59; e59=$P
	ext 60; e60=$P
	rt0=3c00000000000000			# routing type 0, no address left
	ah=110400000000000100000001000000000000000000000000	# 24 bytes
	ip6 $s $d 0 "$e17$u"; ok+=("ipv6:$P")
	ip6 $s $d 0 "$e60$e43$rt0$e17$u"; ok+=("ipv6:$P")
	ip6 $s $d 60 "$e60$e60$e17$u"; ok+=("ipv6:$P")
	stack; s0=$STACK
	expect deliver 1 "${ok[@]}"
	stack; s1=$STACK
	expect_stack "$s0" "$s1" Udp6NoPorts=3

	ok=()
	ip6 $s $d 59 ''; ok+=("ipv6:$P")
	ip6 $s $d 0 "$e59$DATA"; ok+=("ipv6:$P")
	ip6 $s $d 0 "$e50$DATA"; ok+=("ipv6:$P")
	ip6 $s $d 51 "$ah$u"; ok+=("ipv6:$P")
	ip6 $s $d 0 "$e51$ah"; ok+=("ipv6:$P")	# HBH, AH, then no UDP bytes
	expect deliver 1 "${ok[@]}"
	# The chain is whole, the UDP header it announces missing: that is
	# the receiver's to refuse, and it does.
	stack; s0=$STACK
	ip6 $s $d 0 "$e17"
	expect deliver 1 "ipv6:$P"
	stack; s1=$STACK
	expect_stack "$s0" "$s1" Udp6InErrors=1

	patch "$e17" 1 01; ip6 $s $d 0 "$P"; m+=("ipv6:$P")	# HBH: 16 said, 8 there
	trunc "$e17" 4; ip6 $s $d 0 "$P"; m+=("ipv6:$P")	# HBH: 4 bytes
	patch "$rt0" 1 02; ip6 $s $d 0 "$e60$e43$P"; m+=("ipv6:$P")	# 3rd: 24 said, 8 there
	ip6 $s $d 0 "${e44}11000001123456"; m+=("ipv6:$P")	# fragment header: 7 bytes
	trunc "$ah" 12; ip6 $s $d 51 "$P"; m+=("ipv6:$P")	# AH: 24 said, 12 there
	patch "$e17" 1 ff; ip6 $s $d 60 "$P$DATA"; m+=("ipv6:$P")	# 2048 said, 80 there
	# a first fragment whose chain runs out after the fragment header
	patch "$e17" 1 01; ip6 $s $d 44 "3c00000112345678$P"; m+=("ipv6:$P")
	stack; s0=$STACK
	expect malformed 3 "${m[@]}"
	stack; s1=$STACK
	expect_stack "$s0" "$s1"
}

# Fragments are legal: each carries the addresses judged, first or not.
# Green reassembles them into the datagram blue sent. A non-first IPv6
# fragment's data is not parsed as headers, whatever it looks like. Also
# legal: IPv4 options; and a bad IPv4 header checksum is not the link's to
# judge: delivered, and refused by green's stack, which counts it.
t_fragments_and_legal_oddities() {
	local u f1 f2 e s0 s1 o
	shared
	udp4 10.0.0.1 10.1.0.1 "$DATA"; u=$P		# 80 bytes
	ip4 -f 0x2000 10.0.0.1 10.1.0.1 "${u:0:80}"; f1=$P	# MF, bytes 0-39
	ip4 -f 0x0005 10.0.0.1 10.1.0.1 "${u:80}"; f2=$P	# offset 40
	stack; s0=$STACK
	expect deliver 1 "ip:$f1" "ip:$f2"
	stack; s1=$STACK
	expect_stack "$s0" "$s1" Ip:ReasmOKs=1 Udp:NoPorts=1
	# the non-first fragment first, and DF on the first
	ip4 -f 0x6000 10.0.0.1 10.1.0.1 "${u:0:80}"
	expect deliver 1 "ip:$f2" "ip:$P"
	stack; s0=$STACK
	expect_stack "$s1" "$s0" Ip:ReasmOKs=1 Udp:NoPorts=1

	udp6 fd00:b::1 fd00:9::1 "$DATA"; u=$P
	ext 44; e=$P
	ip6 fd00:b::1 fd00:9::1 0 "${e}1100000187654321${u:0:80}"; f1=$P
	ip6 fd00:b::1 fd00:9::1 44 "1100002887654321${u:80}"; f2=$P
	expect deliver 1 "ipv6:$f1" "ipv6:$f2"
	stack; s1=$STACK
	expect_stack "$s0" "$s1" Ip6ReasmOKs=1 Udp6NoPorts=1
	# a lone non-first fragment whose data would be a broken chain
	ip6 fd00:b::1 fd00:9::1 44 "3c000010111111113cff010400000000"
	expect deliver 2 "ipv6:$P"

	udp4 10.0.0.1 10.1.0.1 "$DATA"; u=$P
	printf -v o '%078d' 0; o=${o//0/01}; o=${o:0:78}00	# 39 NOPs, EOL
	ip4 -o 01010100 10.0.0.1 10.1.0.1 "$u"; f1=$P
	ip4 -o "$o" 10.0.0.1 10.1.0.1 "$u"; f2=$P
	stack; s0=$STACK
	expect deliver 1 "ip:$f1" "ip:$f2"
	stack; s1=$STACK
	expect_stack "$s0" "$s1" Udp:NoPorts=2
	ip4 10.0.0.1 10.1.0.1 "$u"
	patch "$P" 10 "$(printf '%04x' $((0x${P:20:4} ^ 0x0101)))"
	expect deliver 2 "ip:$P"
	stack; s0=$STACK
	expect_stack "$s1" "$s0" IpExt:InCsumErrors=2 Ip:InHdrErrors=2
}

# Seeded garbage: random bytes under random protocols, and IPv4 and IPv6
# packets (options, extension header chains, fragments, addresses in
# either VPC or neither) built right and then damaged (a byte, a bit,
# the length, the protocol). pcx-pkt classifies each with a reference
# model of the checks; every counter of the sending side must move by
# exactly what the model says, the counters must add up to the number
# sent, and green must see exactly the packets the model passes, in order.
t_fuzz() {
	local round seed out exp n sum r k bytes total=0 tally= want
	local -A f0 f1
	shared
	exp=$STATE.expect
	for ((round = 0; round < FUZZ_ROUNDS; round++)); do
		seed=$((FUZZ_SEED + round))
		marker
		snap f0
		out=$("$PKT" -n "$B" -c 0 fuzz "$PCX" "$seed" "$FUZZ_COUNT" \
			10.0.0.0/16 10.1.0.0/16 fd00:b::/48 fd00:9::/48 "$exp" 2>&1) ||
			fail "seed $seed: pcx-pkt fuzz failed: $out"
		send "ip:$MARKER" || fail "cannot send the marker"
		snap f1
		n=${out#*sent }; n=${n%%$'\n'*}
		[ "$n" = "$FUZZ_COUNT" ] || fail "seed $seed: sent $n of $FUZZ_COUNT"
		sum=$((f1[requester.tx_packets] - f0[requester.tx_packets] - 1))
		for r in $DROPS; do
			sum=$((sum + f1[requester.drop_$r] - f0[requester.drop_$r]))
		done
		[ "$sum" = "$n" ] || fail "seed $seed: sent $n, counted $sum"
		mapfile -t want < "$exp"
		bytes=0
		for r in "${want[@]}"; do bytes=$((bytes + (${#r} - 5) / 2)); done
		k=()
		while read -r r n; do
			case $r in
			sent) ;;
			pass) k+=("tx_packets=$((n + 1))") ;;
			*) k+=("drop_$r=$n") ;;
			esac
		done <<< "$out"
		counts f0 f1 "${k[@]}" "tx_bytes=$((bytes + ${#MARKER} / 2))" ||
			fail "seed $seed: the counters disagree with the model: ${out//$'\n'/ }"
		cap_sync
		printf -v r '%s\n' "${want[@]}"
		[ "$REPLY" = "${r%$'\n'}" ] ||
			fail "seed $seed: green saw other packets than the model passes"
		total=$((total + FUZZ_COUNT))
		tally=${out//$'\n'/ }
	done
	diag "seeds $FUZZ_SEED..$((FUZZ_SEED + FUZZ_ROUNDS - 1)), $total packets; the last round: $tally"
}

# The shared peering goes with its namespaces; unloading then leaves
# nothing behind, and the kernel did not complain.
teardown() {
	local pid
	[ -s "$STATE" ] && read -r _ pid < "$STATE" && kill "$pid" 2> /dev/null
	ip netns del "$B" 2> /dev/null
	ip netns del "$G" 2> /dev/null
	rm -f "$STATE" "$STATE".*
}

t_unload() {
	local bad
	teardown
	module_unload
	! module_loaded || fail "vpcpeer still loaded"
	bad=$(objects_balanced) || fail "objects not destroyed: $bad"
	! dmesg | grep -E "$KERNEL_SPLAT" || fail "the kernel log shows a splat"
}

trap 'teardown 2> /dev/null' EXIT

ktap_case module_loads t_load
ktap_case pending_drops_all_as_not_active_then_accept t_setup
ktap_case ipv4_malformed_headers t_ipv4_malformed
ktap_case truncated_packets t_truncated
ktap_case skb_protocol_mismatch_and_non_ip t_protocols
ktap_case addresses_src_then_dst t_addresses
ktap_case drops_freed_with_their_reason t_drop_reasons
ktap_case ipv6_extension_header_chains t_ipv6_ext
ktap_case fragments_options_bad_checksum_delivered t_fragments_and_legal_oddities
ktap_case seeded_garbage_matches_reference_model t_fuzz
ktap_case unload_leaves_no_objects t_unload
ktap_finish

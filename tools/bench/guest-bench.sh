#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside one guest (tools/bench/bench.sh boots it with
# tools/vm/run): every scenario in the same boot, each metric repeated,
# then the control plane; the raw samples go to one JSON file that
# tools/bench/report.py turns into the table.
#
# Six ways for two namespaces to reach each other, with the same addresses
# in every one: A = 10.1.0.1 in netns <s>_a, B = 10.2.0.1 in netns <s>_b.
#
#   veth        a0 10.1.0.1/16 ======================== b0 10.2.0.1/16
#   router      a0 10.1.0.1/16 === ra | <s>_r | rb === b0 10.2.0.1/16
#                                 ip_forward=1
#   router+nft  the same, and in the router an nftables forward chain that
#               admits only 10.1.0.0/16 -> 10.2.0.0/16 and back (sets of
#               CIDRs, policy drop): the policy a peering enforces
#   netkit      nk0 10.1.0.1/16 ======================= nk1 10.2.0.1/16
#               (L3 mode, policy pass; 6.7+, so skipped on 6.1)
#   pcx         VPC 10.1.0.0/16, lo 10.1.0.1 ==pcx-X== VPC 10.2.0.0/16, lo 10.2.0.1
#   pcx-100k    the same, each VPC holding --cidrs blocks (100,000), the
#               two addresses in use inside /32 blocks: the deepest prefix
#
# Metrics, each from A to B:
#   pps         64-byte frames (46-byte IPv4/UDP packets) sent by pktsend
#               (AF_PACKET, sendmmsg, PACKET_QDISC_BYPASS: tools/bench/
#               pktsend.c) into the sender's device, counted at the
#               receiving device (rx_packets) over the window; they end in
#               a UDP socket that never reads
#   pktgen_pps  the same with pktgen (pkt_size 60), where pktgen takes the
#               device: it refuses any that is not Ethernet or loopback
#               ("not an ethernet or loopback device"), a pcx device
#               (ARPHRD_NONE) among them. netkit, even in L3 mode, is an
#               Ethernet device (ether_setup, NOARP, address all zeros): it
#               strips the 14-byte header pktgen writes and types the packet
#               by its destination MAC, which must be the peer's (zeros, as
#               pktgen's default) or IP drops it as PACKET_OTHERHOST.
#   tcp_mbps    iperf3, one TCP stream
#   udp_pps     iperf3 UDP, 64-byte payloads, unlimited rate: packets the
#               server received per second
#   lat_us      sockperf ping-pong (64-byte messages, both ends on the last
#               CPU): one-way latency, the average; without sockperf,
#               ping -f: half the average round trip
#
# Control plane (after the data plane, its namespaces gone): --peerings VPC
# pairs (VPC cpa<i> in netns cp_a, cpb<i> in cp_b), the time to request
# and to accept every peering (one vpcpeer-ctl batch each), to dump them
# (peering show -j), and kernel memory per peering (Slab and Percpu of
# /proc/meminfo, caches dropped, before and after); then the same number
# of veth pairs between two namespaces (ip -batch, and up), for the ratio.
#
# Every link of every scenario has the same MTU, --mtu (1500, veth's
# default; a pcx device's own is 9001): see same_mtu.
#
#   guest-bench.sh [--reps N] [--secs S] [--cidrs N] [--peerings N]
#                  [--mtu N] [--only "SCENARIO..."] [--out FILE]
#
# Also from the environment: VPCPEER_BENCH_REPS, _SECS, _CIDRS, _PEERINGS,
# _MTU, _ONLY, _OUT, _WARMUP (seconds of traffic before a pps window, 1), and
# _PROFILE=1: after the repetitions, one more pps window per scenario under
# `perf record -a` (cpu-clock: TCG has no PMU), its flat profile saved as
# profile-<kernel>-<scenario>.txt beside the results.
source "$(dirname "$0")/../../selftests/lib.sh"

PKTSEND=${VPCPEER_PKTSEND:-$TOP/build/bench/pktsend}
REPS=${VPCPEER_BENCH_REPS:-5}
SECS=${VPCPEER_BENCH_SECS:-5}
CIDRS=${VPCPEER_BENCH_CIDRS:-100000}
PEERINGS=${VPCPEER_BENCH_PEERINGS:-1000}
MTU=${VPCPEER_BENCH_MTU:-1500}
WARMUP=${VPCPEER_BENCH_WARMUP:-1}
PROFILE=${VPCPEER_BENCH_PROFILE:-0}
ONLY=${VPCPEER_BENCH_ONLY:-}
OUT=${VPCPEER_BENCH_OUT:-$TOP/build/bench/guest-$(uname -r).json}
ALL_SCENARIOS="veth router router+nft netkit pcx pcx-100k"

usage() {
	echo "usage: guest-bench.sh [--reps N] [--secs S] [--cidrs N] [--peerings N] [--mtu N] [--only \"SCENARIO...\"] [--out FILE]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift 2 ;;
	--secs) SECS=$2; shift 2 ;;
	--cidrs) CIDRS=$2; shift 2 ;;
	--peerings) PEERINGS=$2; shift 2 ;;
	--mtu) MTU=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) usage ;;
	*) echo "guest-bench: unknown option '$1'" >&2; usage ;;
	esac
done
for v in REPS SECS PEERINGS CIDRS MTU; do
	case ${!v} in ''|*[!0-9]*|0) echo "guest-bench: $v must be a positive integer, not '${!v}'" >&2; exit 2 ;; esac
done
[ "$CIDRS" -ge 8 ] || { echo "guest-bench: --cidrs must be at least 8" >&2; exit 2; }
[ "$MTU" -ge 68 ] && [ "$MTU" -le 65535 ] || { echo "guest-bench: --mtu must be 68 to 65535" >&2; exit 2; }
SCENARIOS=${ONLY:-$ALL_SCENARIOS}
for s in $SCENARIOS; do
	case " $ALL_SCENARIOS " in *" $s "*) ;; *) echo "guest-bench: no scenario '$s' (of: $ALL_SCENARIOS)" >&2; exit 2 ;; esac
done

A=10.1.0.1 B=10.2.0.1
NCPU=$(nproc)
LATCPU=$((NCPU - 1))
IPERF_PORT=5201 SOCKPERF_PORT=11111

log() { echo "bench: $*"; }
note() { NOTES+=("$*"); log "note: $*"; }

# --- results, kept until finish() writes them ---------------------------

declare -A SAMPLES STATUS REASON SND_NS SND_DEV RCV_NS RCV_DEV DST_MAC CP
NOTES=()
PIDS=()

# record SCENARIO METRIC VALUE: one sample, if it is a positive number.
record() {
	if awk -v v="$3" 'BEGIN { exit !(v + 0 > 0) }'; then
		SAMPLES[$1.$2]="${SAMPLES[$1.$2]:-}${SAMPLES[$1.$2]:+ }$3"
		log "$1 $2 $3"
	else
		note "$1 $2: no result (got '$3')"
	fi
}

json_str() {	# a JSON string literal of $1
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/ }
	printf '"%s"' "$s"
}

json_nums() {	# "1 2 3" -> [1, 2, 3]
	local out='' v
	for v in $1; do out="$out${out:+, }$v"; done
	printf '[%s]' "$out"
}

write_json() {
	local s m first k tmp=$OUT.tmp
	mkdir -p "$(dirname "$OUT")"
	{
		printf '{\n'
		printf '  "kernel": %s,\n' "$(json_str "$(uname -r)")"
		printf '  "accel": %s,\n' "$(json_str "$ACCEL")"
		printf '  "icount": %s,\n' "$(json_str "$([ "$ACCEL" = tcg ] && echo "${VPCPEER_BENCH_ICOUNT:-}")")"
		printf '  "guest_cpu": %s,\n' "$(json_str "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)")"
		printf '  "vcpus": %s,\n' "$NCPU"
		printf '  "guest_mem_kb": %s,\n' "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
		printf '  "date": %s,\n' "$(json_str "$START_DATE")"
		printf '  "wall_s": %s,\n' "$((SECONDS - START_S))"
		printf '  "reps": %s, "secs": %s, "warmup_s": %s, "cidrs": %s, "peerings": %s, "mtu": %s,\n' \
			"$REPS" "$SECS" "$WARMUP" "$CIDRS" "$PEERINGS" "$MTU"
		printf '  "latency_tool": %s,\n' "$(json_str "$LAT_TOOL")"
		printf '  "scenarios": {\n'
		first=1
		for s in $SCENARIOS; do
			[ "$first" = 1 ] || printf ',\n'
			first=0
			printf '    %s: {"status": %s, "reason": %s, "metrics": {' \
				"$(json_str "$s")" "$(json_str "${STATUS[$s]:-not run}")" "$(json_str "${REASON[$s]:-}")"
			k=
			for m in pps pktgen_pps tcp_mbps udp_pps lat_us; do
				[ -n "${SAMPLES[$s.$m]:-}" ] || continue
				printf '%s%s: %s' "$k" "$(json_str "$m")" "$(json_nums "${SAMPLES[$s.$m]}")"
				k=', '
			done
			printf '}}'
		done
		printf '\n  },\n'
		printf '  "control": {'
		k=
		for m in "${!CP[@]}"; do
			printf '%s%s: %s' "$k" "$(json_str "$m")" "${CP[$m]}"
			k=', '
		done
		printf '},\n'
		printf '  "notes": ['
		k=
		for m in "${NOTES[@]}"; do
			printf '%s%s' "$k" "$(json_str "$m")"
			k=', '
		done
		printf ']\n}\n'
	} > "$tmp" && mv "$tmp" "$OUT"
}

kill_servers() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2> /dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2> /dev/null
	done
	PIDS=()
}

CONSOLE_SAVED=
finish() {
	local rc=$?
	kill_servers
	netns_cleanup
	write_json
	log "results in $OUT ($((SECONDS - START_S)) s)"
	# Back to the console settings tools/vm/run booted with.
	if [ -n "$CONSOLE_SAVED" ]; then
		echo "$CONSOLE_SAVED" > /sys/module/printk/parameters/ignore_loglevel 2> /dev/null
		dmesg -n 8 2> /dev/null
	fi
	exit "$rc"
}

# --- set-up ---------------------------------------------------------------

# How this guest runs: tools/vm/run says so when asked (VPCPEER_VM_ACCEL
# passes through), else the kernel's log tells KVM from TCG.
detect_accel() {
	if [ -n "${VPCPEER_VM_ACCEL:-}" ]; then
		echo "$VPCPEER_VM_ACCEL"
	elif dmesg | grep -q 'Hypervisor detected: KVM'; then
		echo kvm
	elif grep -q 'QEMU TCG' /proc/cpuinfo || dmesg | grep -q 'QEMU TCG'; then
		echo tcg
	else
		echo unknown
	fi
}

# The module, without the selftests' dyndbg (a pr_debug line per object
# would go to the serial console and be timed with the control plane).
bench_module_load() {
	local ko
	ko=/tmp/vpcpeer-bench-$(uname -r).ko
	[ -f "$VPCPEER_KO" ] || { echo "no module built for $(uname -r) at $VPCPEER_KO (make modules-all)" >&2; return 1; }
	module_loaded && rmmod vpcpeer
	strip --strip-debug -o "$ko" "$VPCPEER_KO"
	modprobe -q -a udp_tunnel ip6_udp_tunnel 2> /dev/null || true
	insmod "$ko"
	echo $((CIDRS + 8)) > /sys/module/vpcpeer/parameters/bench_max_cidrs
	# The control plane requests every peering before accepting any: as
	# many outstanding requests as the one account may have (1000 at most).
	echo 1000 > /sys/module/vpcpeer/parameters/max_pending_requests
}

ns_of() {	# ns_of SCENARIO SIDE: the namespace name
	local p
	case $1 in
	veth) p=veth ;; router) p=rt ;; router+nft) p=nft ;; netkit) p=nk ;;
	pcx) p=pcx ;; pcx-100k) p=pcxk ;;
	esac
	echo "${p}_$2"
}

mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

# Both ends of every scenario: a server for each iperf3 and sockperf, and
# a sink for pktsend's packets (UDP port 9): a socket that never reads, so
# that they end in a full receive queue, not in ICMP port unreachables
# (route lookups for every packet, and traffic back through the device).
start_servers() {
	local s=$1 b=${RCV_NS[$1]}
	ip netns exec "$b" /usr/bin/python3 -c "import socket, signal
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
s.bind(('$B', 9))
signal.pause()" &
	PIDS+=($!)
	ip netns exec "$b" iperf3 -s -B "$B" -p "$IPERF_PORT" > /dev/null 2>&1 &
	PIDS+=($!)
	if [ "$LAT_TOOL" = sockperf ]; then
		ip netns exec "$b" taskset -c "$LATCPU" sockperf sr -i "$B" -p "$SOCKPERF_PORT" > /dev/null 2>&1 &
		PIDS+=($!)
	fi
	# Bounds, not rates: under -icount,sleep=off the guest's clock jumps
	# ahead while it waits on a 9p read, and a loaded host makes those
	# slow (20 s ran out once, with four guests on two cores).
	wait_for 120 eval "ip netns exec $b ss -Htln | grep -q '$B:$IPERF_PORT'" ||
		{ echo "$s: iperf3 server did not start" >&2; return 1; }
	wait_for 120 eval "ip netns exec $b ss -Huln | grep -q '$B:9 '" ||
		{ echo "$s: the UDP sink did not start" >&2; return 1; }
}

check_path() {	# check_path SCENARIO: A reaches B and back
	local out
	out=$(ip netns exec "${SND_NS[$1]}" ping -n -c 2 -i 0.2 -W 3 -I "$A" "$B" 2>&1) ||
		{ echo "$1: ping $A -> $B failed: $(tail -n 2 <<< "$out")" >&2; return 1; }
}

# direct_ends NS_A DEV_A NS_B DEV_B: the two ends of a pair, up, A and B
# on them, each side's route to the other's /16 through its end.
direct_ends() {
	ip -n "$1" -b - <<-EOF
		link set $2 up
		addr add $A/16 dev $2
		route add 10.2.0.0/16 dev $2
	EOF
	ip -n "$3" -b - <<-EOF
		link set $4 up
		addr add $B/16 dev $4
		route add 10.1.0.0/16 dev $4
	EOF
}

setup_veth() {
	local a b
	a=$(ns_of veth a) b=$(ns_of veth b)
	netns_new "$a"
	netns_new "$b"
	ip link add a0 netns "$a" type veth peer name b0 netns "$b"
	direct_ends "$a" a0 "$b" b0
	SND_NS[veth]=$a SND_DEV[veth]=a0 RCV_NS[veth]=$b RCV_DEV[veth]=b0
	DST_MAC[veth]=$(mac_of "$b" b0)
}

# setup_router SCENARIO [nft]
setup_router() {
	local s=$1 a b r
	a=$(ns_of "$s" a) b=$(ns_of "$s" b) r=$(ns_of "$s" r)
	netns_new "$a"
	netns_new "$r"
	netns_new "$b"
	ip link add a0 netns "$a" type veth peer name ra netns "$r"
	ip link add b0 netns "$b" type veth peer name rb netns "$r"
	ip -n "$a" -b - <<-EOF
		link set a0 up
		addr add $A/16 dev a0
		route add 10.2.0.0/16 via 10.1.255.254
	EOF
	ip -n "$r" -b - <<-EOF
		link set ra up
		link set rb up
		addr add 10.1.255.254/16 dev ra
		addr add 10.2.255.254/16 dev rb
	EOF
	ip -n "$b" -b - <<-EOF
		link set b0 up
		addr add $B/16 dev b0
		route add 10.1.0.0/16 via 10.2.255.254
	EOF
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
	if [ "${2:-}" = nft ]; then
		# What a peering checks, as a router would: the source in one
		# VPC's blocks, the destination in the other's, per direction.
		ip netns exec "$r" nft -f - <<-EOF
			table ip vpc {
				set a { type ipv4_addr; flags interval; elements = { 10.1.0.0/16 } }
				set b { type ipv4_addr; flags interval; elements = { 10.2.0.0/16 } }
				chain forward {
					type filter hook forward priority filter; policy drop;
					iif "ra" oif "rb" ip saddr @a ip daddr @b accept
					iif "rb" oif "ra" ip saddr @b ip daddr @a accept
					counter
				}
			}
		EOF
	fi
	SND_NS[$s]=$a SND_DEV[$s]=a0 RCV_NS[$s]=$b RCV_DEV[$s]=b0
	DST_MAC[$s]=$(mac_of "$r" ra)
}

setup_netkit() {
	local a b rc=0 out
	a=$(ns_of netkit a) b=$(ns_of netkit b)
	case $(uname -r) in
	[0-5].*|6.[0-6].*) echo "SKIP: netkit arrived in 6.7; this is $(uname -r)" >&2; return 4 ;;
	esac
	netns_new "$a"
	netns_new "$b"
	out=$(ip netns exec "$a" /usr/bin/python3 "$SELFTEST_DIR/rtlink.py" netkit nk0 nk1 "$b" l3 2>&1) || rc=$?
	if [ "$rc" = 2 ]; then
		echo "SKIP: this kernel cannot create netkit devices: $out" >&2
		return 4
	fi
	[ "$rc" = 0 ] || { echo "netkit: $out" >&2; return 1; }
	direct_ends "$a" nk0 "$b" nk1
	SND_NS[netkit]=$a SND_DEV[netkit]=nk0 RCV_NS[netkit]=$b RCV_DEV[netkit]=nk1
	# L3 mode: no link-layer address (all zeros); the stack still writes
	# an Ethernet header, which netkit strips.
	DST_MAC[netkit]=$(mac_of "$b" nk1)
}

# cidr_blocks OCTET REGION N: N non-overlapping IPv4 blocks for the VPC
# whose address in use is 10.OCTET.0.1, one a line. First that address as
# a /32, with neighbours at every length above it (10.O.0.0/32, .2/31,
# .4/30, .8/29), so a lookup of it walks the trie to the bottom; then a
# block of /28 to /32 in each /28 slot of 10.O.0.0/16; then, if more are
# wanted, the same in the /28 slots of 10.REGION.0.0/10, spread by a fixed
# odd stride (so they are distinct) over its 262,144 slots. Deterministic.
cidr_blocks() {
	awk -v o="$1" -v region="$2" -v n="$3" '
	function block(base, slot,   h, len, off, a) {
		h = (slot * 2654435761) % 4294967296
		len = 28 + h % 5
		off = int(h / 8) % (2 ^ (len - 28)) * 2 ^ (32 - len)
		a = base + slot * 16 + off
		printf "10.%d.%d.%d/%d\n", int(a / 65536) % 256, int(a / 256) % 256, a % 256, len
	}
	BEGIN {
		print "10." o ".0.1/32"; print "10." o ".0.0/32"; print "10." o ".0.2/31"
		print "10." o ".0.4/30"; print "10." o ".0.8/29"
		k = 5
		for (slot = 1; slot < 4096 && k < n; slot++) { block(o * 65536, slot); k++ }
		for (j = 0; k < n; j++) {
			if (j >= 262144) { print "too many blocks" > "/dev/stderr"; exit 1 }
			block(region * 65536, (j * 40503) % 262144); k++
		}
	}'
}

# setup_pcx SCENARIO NCIDRS: two VPCs, an active peering, routes. With
# NCIDRS 1, each VPC is one /16; else cidr_blocks.
setup_pcx() {
	local s=$1 n=$2 a b pcx out t0 f
	a=$(ns_of "$s" a) b=$(ns_of "$s" b)
	netns_new "$a"
	netns_new "$b"
	if [ "$n" = 1 ]; then
		ctl vpc add "$a" netns "$a" cidr 10.1.0.0/16 > /dev/null
		ctl vpc add "$b" netns "$b" cidr 10.2.0.0/16 > /dev/null
	else
		f=$(mktemp)
		t0=$EPOCHREALTIME
		{
			echo "vpc add $a netns $a cidr $A/32"
			echo "vpc add $b netns $b cidr $B/32"
			cidr_blocks 1 64 "$n" | sed 1d | sed "s|^|vpc set $a cidr add |"
			cidr_blocks 2 128 "$n" | sed 1d | sed "s|^|vpc set $b cidr add |"
		} > "$f"
		ctl -b "$f" > /dev/null || { rm -f "$f"; echo "$s: adding $n blocks to each VPC failed" >&2; return 1; }
		rm -f "$f"
		CP[cidr_add_s]=$(elapsed "$t0")
		CP[cidr_add_count]=$((2 * n))
		log "$s: $((2 * n)) CIDR blocks added in ${CP[cidr_add_s]} s"
	fi
	pcx=$(ctl peering request "$a" "$b") || { echo "$s: peering request failed" >&2; return 1; }
	out=$(ctl peering accept "$pcx" 2>&1) || { echo "$s: accept $pcx: $out" >&2; return 1; }
	ip -n "$a" -b - <<-EOF
		addr add $A/32 dev lo
		route add 10.2.0.0/16 dev $pcx src $A
	EOF
	ip -n "$b" -b - <<-EOF
		addr add $B/32 dev lo
		route add 10.1.0.0/16 dev $pcx src $B
	EOF
	SND_NS[$s]=$a SND_DEV[$s]=$pcx RCV_NS[$s]=$b RCV_DEV[$s]=$pcx DST_MAC[$s]=
}

# same_mtu SCENARIO: every link of its namespaces but lo at --mtu. A TCP
# sender sizes its segments by the route's MTU (1448 bytes of payload at
# 1500, 8949 at a pcx device's own 9001) and packs whole segments into
# each GSO packet of up to 64 KiB: at different MTUs the TCP figures
# would compare segment sizes, not devices.
same_mtu() {
	local ns dev
	for ns in $(ip netns list | awk -v p="$(ns_of "$1" '')" 'index($1, p) == 1 { print $1 }'); do
		for dev in $(ip -n "$ns" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
			[ "$dev" = lo ] || ip -n "$ns" link set dev "$dev" mtu "$MTU" || return 1
		done
	done
}

setup_scenario() {
	case $1 in
	veth) setup_veth ;;
	router) setup_router router ;;
	router+nft) setup_router router+nft nft ;;
	netkit) setup_netkit ;;
	pcx) setup_pcx pcx 1 ;;
	pcx-100k) setup_pcx pcx-100k "$CIDRS" ;;
	esac || return
	same_mtu "$1"
}

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# --- metrics ----------------------------------------------------------------

# rx_rate NS DEV: packets per second DEV receives over SECS, after WARMUP;
# one process in the namespace, so the clock brackets the two reads.
rx_rate() {
	ip netns exec "$1" bash -c '
		f=/sys/class/net/$1/statistics/rx_packets
		sleep "$2"
		read -r r0 < "$f"; t0=$EPOCHREALTIME
		sleep "$3"
		read -r r1 < "$f"; t1=$EPOCHREALTIME
		awk -v n=$((r1 - r0)) -v a="$t0" -v b="$t1" "BEGIN { printf \"%.0f\n\", n / (b - a) }"
	' _ "$2" "$WARMUP" "$SECS"
}

m_pps() {
	local s=$1 pid rate out
	ip netns exec "${SND_NS[$s]}" taskset -c 0 "$PKTSEND" -c -i "${SND_DEV[$s]}" -s "$A" -d "$B" \
		${DST_MAC[$s]:+-m "${DST_MAC[$s]}"} -t 600 > "$TMPD/pktsend.out" 2>&1 &
	pid=$!
	rate=$(rx_rate "${RCV_NS[$s]}" "${RCV_DEV[$s]}")
	kill "$pid" 2> /dev/null
	wait "$pid"
	out=$(cat "$TMPD/pktsend.out")
	[ "${rate:-0}" != 0 ] || echo "pktsend: $out" >&2
	echo "$rate"
}

# pktgen, configured from inside the sender's namespace (/proc/net/pktgen
# is per namespace), on the first CPU's thread.
m_pktgen_pps() {
	local s=$1 ns=${SND_NS[$1]} dev=${SND_DEV[$1]} pid rate
	ip netns exec "$ns" bash -s -- "$dev" "$A" "$B" "${DST_MAC[$s]}" <<-'EOF' || return 1
		P=/proc/net/pktgen
		pg() {
			echo "$2" > "$P/$1" 2> /dev/null && return 0
			echo "pktgen: '$2' refused: $(sed -n 's/^Result: //p' "$P/$1" 2>/dev/null)" >&2
			exit 1
		}
		pg kpktgend_0 rem_device_all
		pg kpktgend_0 "add_device $1"
		for c in "count 0" "clone_skb 0" "burst 1" "pkt_size 60" "delay 0" \
			 "src_min $2" "src_max $2" "dst $3" ${4:+"dst_mac $4"}; do
			pg "$1" "$c"
		done
	EOF
	ip netns exec "$ns" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	pid=$!
	rate=$(rx_rate "${RCV_NS[$s]}" "${RCV_DEV[$s]}")
	ip netns exec "$ns" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait "$pid"
	if [ "${rate:-0}" = 0 ]; then
		ip netns exec "$ns" sed -n 's/^ *\(Result\|pkts-sofar\|errors\).*/&/p' "/proc/net/pktgen/$dev" >&2
	fi
	ip netns exec "$ns" sh -c 'echo rem_device_all > /proc/net/pktgen/kpktgend_0'
	echo "$rate"
}

iperf() {	# iperf SCENARIO ARGS...: the client's JSON, flattened
	local s=$1 out
	shift
	out=$(ip netns exec "${SND_NS[$s]}" timeout $((SECS + 40)) \
		iperf3 -c "$B" -B "$A" -p "$IPERF_PORT" -t "$SECS" -i 0 -J --connect-timeout 10000 "$@" 2>&1)
	json_flat <<< "$out"
	grep -q '"error"' <<< "$out" && { grep '"error"' <<< "$out" >&2; return 1; }
	return 0
}

m_tcp_mbps() {
	local f
	f=$(iperf "$1") || return 1
	jget "$f" end.sum_received.bits_per_second | awk '{ printf "%.1f\n", $1 / 1e6 }'
}

m_udp_pps() {
	local f p l t
	f=$(iperf "$1" -u -b 0 -l 64) || return 1
	p=$(jget "$f" end.sum_received.packets) || return 1
	l=$(jget "$f" end.sum_received.lost_packets) || return 1
	t=$(jget "$f" end.sum_received.seconds) || return 1
	awk -v p="$p" -v l="$l" -v t="$t" 'BEGIN { if (t > 0) printf "%.0f\n", (p - l) / t }'
}

m_lat_us() {
	local s=$1 out
	if [ "$LAT_TOOL" = sockperf ]; then
		out=$(ip netns exec "${SND_NS[$s]}" timeout $((SECS + 30)) taskset -c "$LATCPU" \
			sockperf pp -i "$B" -p "$SOCKPERF_PORT" -t "$SECS" -m 64 2>&1)
		sed -n 's/.*Summary: Latency is \([0-9.]*\) usec.*/\1/p' <<< "$out" | head -n1
	else
		out=$(ip netns exec "${SND_NS[$s]}" timeout $((SECS + 30)) \
			ping -n -q -f -s 56 -I "$A" -w "$SECS" "$B" 2>&1)
		sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<< "$out" | awk '{ printf "%.3f\n", $1 * 1000 / 2 }'
	fi
}

METRICS="pps pktgen_pps tcp_mbps udp_pps lat_us"

measure() {	# measure SCENARIO METRIC
	local v err
	case $2 in
	pktgen_pps)
		case $1 in pcx|pcx-100k) return 0 ;; esac ;;
	esac
	v=$("m_$2" "$1" 2> "$TMPD/err") || true
	err=$(tail -n 3 "$TMPD/err" | tr '\n' ' ')
	if [ -n "$v" ]; then
		record "$1" "$2" "$v"
		[ -z "$err" ] || log "$1 $2: $err"
	else
		note "$1 $2 (rep $rep): failed: ${err:-no output}"
	fi
}

# --- control plane ------------------------------------------------------------

# kernel_kb: Slab and Percpu of /proc/meminfo, in kB, once freed memory
# has gone back: caches dropped, RCU callbacks run.
kernel_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	echo 3 > /proc/sys/vm/drop_caches
	awk '$1 == "Slab:" { s = $2 } $1 == "Percpu:" { p = $2 } END { print s, p }' /proc/meminfo
}

# per_object BEFORE AFTER N: kB per object of each field.
per_object() {
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "%.2f %.2f\n", (y[1] - x[1]) / n, (y[2] - x[2]) / n }'
}

# settle: after namespaces were deleted, wait until the kernel has torn
# them down (no VPC left, Slab no longer shrinking), at most 120 s.
settle() {
	local end=$((SECONDS + 120)) s0 s1
	while [ "$SECONDS" -lt "$end" ] && ctl -j vpc show 2> /dev/null | grep -q '"id"'; do
		sleep 1
	done
	s0=$(kernel_kb | cut -d' ' -f1)
	while [ "$SECONDS" -lt "$end" ]; do
		s1=$(kernel_kb | cut -d' ' -f1)
		[ $((s0 - s1)) -gt $((s0 / 200)) ] || return 0
		s0=$s1
	done
	note "the kernel was still freeing memory 120 s after the namespaces went"
}

control_plane() {
	local n=$PEERINGS i t0 m0 m1 got
	netns_new cp_a
	netns_new cp_b
	t0=$EPOCHREALTIME
	for ((i = 0; i < n; i++)); do
		echo "vpc add cpa$i netns cp_a cidr 10.1.0.0/16"
		echo "vpc add cpb$i netns cp_b cidr 10.2.0.0/16"
	done > "$TMPD/vpcs"
	ctl -b "$TMPD/vpcs" > /dev/null || { note "control plane: creating $((2 * n)) VPCs failed"; return 1; }
	CP[vpc_add_s]=$(elapsed "$t0")
	for ((i = 0; i < n; i++)); do echo "peering request cpa$i cpb$i"; done > "$TMPD/requests"
	m0=$(kernel_kb)

	t0=$EPOCHREALTIME
	ctl -b "$TMPD/requests" > "$TMPD/ids" || { note "control plane: peering requests failed"; return 1; }
	CP[request_s]=$(elapsed "$t0")
	sed 's/^/peering accept /' "$TMPD/ids" > "$TMPD/accepts"
	t0=$EPOCHREALTIME
	ctl -b "$TMPD/accepts" > /dev/null || { note "control plane: accepts failed"; return 1; }
	CP[accept_s]=$(elapsed "$t0")
	CP[create_accept_s]=$(awk -v a="${CP[request_s]}" -v b="${CP[accept_s]}" 'BEGIN { printf "%.3f", a + b }')

	t0=$EPOCHREALTIME
	ctl -j peering show > "$TMPD/dump" || { note "control plane: dump failed"; return 1; }
	CP[dump_s]=$(elapsed "$t0")
	got=$(grep -o '"state": *"active"' "$TMPD/dump" | wc -l)
	[ "$got" = "$n" ] || note "control plane: $got of $n peerings active in the dump"
	CP[peerings_active]=$got

	m1=$(kernel_kb)
	read -r "CP[slab_kb_per_pcx]" "CP[percpu_kb_per_pcx]" <<< "$(per_object "$m0" "$m1" "$n")"
	log "control plane: $n peerings: request ${CP[request_s]} s, accept ${CP[accept_s]} s, dump ${CP[dump_s]} s, slab ${CP[slab_kb_per_pcx]} kB and percpu ${CP[percpu_kb_per_pcx]} kB each"

	CP[peerings]=$n

	# The same number of veth pairs, between two other namespaces. "ip
	# -batch" opens a namespace's file for every "netns NAME" and keeps
	# it open: two a line run out of the 1,024 descriptors at 512 lines.
	ulimit -n $((4 * n + 1024))
	netns_new cv_a
	netns_new cv_b
	for ((i = 0; i < n; i++)); do echo "link add v$i netns cv_a type veth peer name w$i netns cv_b"; done > "$TMPD/veth"
	for ((i = 0; i < n; i++)); do echo "link set v$i up"; done > "$TMPD/veth-a"
	for ((i = 0; i < n; i++)); do echo "link set w$i up"; done > "$TMPD/veth-b"
	m0=$(kernel_kb)
	t0=$EPOCHREALTIME
	if ! { ip -b "$TMPD/veth" && ip -n cv_a -b "$TMPD/veth-a" && ip -n cv_b -b "$TMPD/veth-b"; }; then
		note "control plane: creating $n veth pairs failed"
		return 1
	fi
	CP[veth_create_s]=$(elapsed "$t0")
	m1=$(kernel_kb)
	read -r "CP[slab_kb_per_veth]" "CP[percpu_kb_per_veth]" <<< "$(per_object "$m0" "$m1" "$n")"
	log "control plane: $n veth pairs: ${CP[veth_create_s]} s, slab ${CP[slab_kb_per_veth]} kB and percpu ${CP[percpu_kb_per_veth]} kB each"
}

# --- main ----------------------------------------------------------------------

[ "$(id -u)" = 0 ] || { echo "guest-bench: must run as root (in the guest: tools/vm/run)" >&2; exit 1; }
for c in ip iperf3 awk taskset; do
	command -v "$c" > /dev/null || { echo "guest-bench: '$c' not found (make deps)" >&2; exit 1; }
done
[ -x "$PKTSEND" ] || { echo "guest-bench: $PKTSEND not built (make -C tools/bench pktsend)" >&2; exit 1; }
[ -x "$VPCPEER_CTL" ] || { echo "guest-bench: vpcpeer-ctl not built at $VPCPEER_CTL (make ctl)" >&2; exit 1; }

START_S=$SECONDS
START_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ACCEL=$(detect_accel)
LAT_TOOL=ping
command -v sockperf > /dev/null && LAT_TOOL=sockperf
TMPD=$(mktemp -d)
trap finish EXIT
trap 'exit 130' INT TERM

# Every kernel message would cross the serial console while it is timed
# (a line per device at 1,000 peerings): only warnings and worse go there
# now; the log itself is whole (tools/vm/run reads it for splats).
if [ -w /sys/module/printk/parameters/ignore_loglevel ]; then
	CONSOLE_SAVED=$(cat /sys/module/printk/parameters/ignore_loglevel)
	echo N > /sys/module/printk/parameters/ignore_loglevel
	dmesg -n 5
fi

log "kernel $(uname -r), $ACCEL, $NCPU vCPUs; $REPS reps of $SECS s; scenarios: $SCENARIOS; pcx-100k with $CIDRS blocks; $PEERINGS peerings"
modprobe pktgen || note "pktgen could not be loaded: no pktgen_pps"
modprobe veth
bench_module_load || exit 1

for s in $SCENARIOS; do
	t=$EPOCHREALTIME
	rc=0
	setup_scenario "$s" 2> "$TMPD/err" || rc=$?
	if [ "$rc" = 4 ]; then
		STATUS[$s]=skip REASON[$s]=$(sed 's/^SKIP: //' "$TMPD/err" | tr '\n' ' ')
		log "$s: skipped: ${REASON[$s]}"
		continue
	fi
	if [ "$rc" = 0 ] && check_path "$s" 2> "$TMPD/err" && start_servers "$s" 2> "$TMPD/err"; then
		STATUS[$s]=ok
		log "$s: set up in $(elapsed "$t") s"
	else
		STATUS[$s]=error REASON[$s]="set-up failed: $(tail -n 5 "$TMPD/err" | tr '\n' ' ')"
		note "$s: ${REASON[$s]}"
	fi
done
[ -d /proc/net/pktgen ] || METRICS=${METRICS/pktgen_pps /}

# The repetitions outermost: every scenario is measured once before any is
# measured again, so a slow spell of the host spreads over all of them.
for ((rep = 1; rep <= REPS; rep++)); do
	log "--- repetition $rep of $REPS ($((SECONDS - START_S)) s)"
	for s in $SCENARIOS; do
		[ "${STATUS[$s]}" = ok ] || continue
		for m in $METRICS; do
			measure "$s" "$m"
		done
	done
	# What is measured so far survives a guest that dies later.
	write_json
done

# profile SCENARIO: where the CPUs spend a pps window, by symbol.
profile() {
	local s=$1 pid dir f
	dir=$(dirname "$OUT") f=$TMPD/perf-$s.data
	ip netns exec "${SND_NS[$s]}" taskset -c 0 "$PKTSEND" -c -i "${SND_DEV[$s]}" -s "$A" -d "$B" \
		${DST_MAC[$s]:+-m "${DST_MAC[$s]}"} -t 600 > /dev/null 2>&1 &
	pid=$!
	sleep "$WARMUP"
	perf record -q -a -e cpu-clock -F 499 -o "$f" -- sleep "$SECS" > /dev/null 2>&1
	kill "$pid" 2> /dev/null
	wait "$pid"
	perf report -q -i "$f" --stdio --no-children --sort sym --percent-limit 0.5 2> /dev/null |
		head -n 60 > "$dir/profile-$(uname -r)-$s.txt"
	log "$s: profile in $dir/profile-$(uname -r)-$s.txt"
}

if [ "$PROFILE" = 1 ]; then
	if command -v perf > /dev/null; then
		sysctl -qw kernel.perf_event_paranoid=-1 kernel.kptr_restrict=0
		for s in $SCENARIOS; do
			[ "${STATUS[$s]}" = ok ] && profile "$s"
		done
	else
		note "no perf in the guest: no profiles (apt-get install linux-perf)"
	fi
fi

kill_servers
netns_cleanup
settle
log "control plane: $PEERINGS peerings ($((SECONDS - START_S)) s)"
control_plane || true
exit 0

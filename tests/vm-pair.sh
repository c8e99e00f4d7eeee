#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/vm/pair's own test, on the host, kept short (one boot of each
# guest, then two runs killed within seconds of starting): TAP.
#
#   tests/vm-pair.sh
#
# One pair run with the default kernels (a = 6.1, b = 6.12) whose guests
# each check their environment (eth0, PAIR_*, root, the caller's
# directory), ping the other until it answers, then 8972 bytes with DF
# (MTU 9000 end to end) and refuse 8973, and make a barrier round trip a
# -> b -> a through PAIR_SYNC; b then exits 3 on purpose, and pair must
# exit 3 and say it was b. Then --timeout and an interrupt (SIGINT, as a
# Ctrl-C sends it). After each run: none of pair's processes (its QEMUs
# above all) is left, nor its socket directory in /tmp.
#
# tests/vm-pair.sh --guest is the guest's side (run by pair, not by hand).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

# --- the guest's side ------------------------------------------------------
guest() {
	local me=$PAIR_ROLE peer n1 n2 up=1 tok got t0 ms bad=0
	say() { echo "pairtest $me: $*"; }
	check() {	# check NAME STATUS: one "ok NAME" or "FAIL NAME" line
		if [ "$2" = 0 ]; then say "ok $1"; else say "FAIL $1"; bad=1; fi
	}
	# A pause that forks nothing (a process costs 0.1-0.2 s of CPU
	# under TCG): read with a timeout from a FIFO nobody writes.
	mkfifo /tmp/pairtest.fifo
	exec 9<> /tmp/pairtest.fifo
	nap() { read -r -t "$1" -u 9 || true; }
	waitfile() {	# waitfile PATH SECONDS
		local n=$(($2 * 20))
		while [ ! -e "$1" ] && [ "$n" -gt 0 ]; do nap 0.05; n=$((n - 1)); done
		[ -e "$1" ]
	}

	say "kernel $(uname -r) cwd $PWD uid $(id -u) addr $PAIR_ADDR peer $PAIR_PEER_ADDR sync $PAIR_SYNC"
	case $me in
	a) peer=b n1=1 n2=2 ;;
	b) peer=a n1=2 n2=1 ;;
	*) say "FAIL role '$me'"; exit 1 ;;
	esac
	[ "$PAIR_ADDR" = "192.0.2.$n1" ] && [ "$PAIR_PEER_ADDR" = "192.0.2.$n2" ]
	check env $?
	[ "$(ip -4 -o addr show dev eth0 | awk '{ print $4 }')" = "$PAIR_ADDR/24" ] &&
		[ "$(cat /sys/class/net/eth0/mtu)" = 9000 ] &&
		[ "$(cat /sys/class/net/eth0/operstate)" = up ]
	check eth0 $?
	grep -q " $PAIR_SYNC 9p " /proc/mounts
	check sync_mounted $?

	# The other guest may still be booting: what is sent before it is up
	# is lost, so ask until it answers.
	for _ in $(seq 60); do
		ping -c 1 -W 1 -q "$PAIR_PEER_ADDR" > /dev/null && { up=0; break; }
	done
	check ping $up
	ping -c 1 -W 2 -q -M "do" -s 8972 "$PAIR_PEER_ADDR" > /dev/null
	check ping_df_8972 $?
	! ping -c 1 -W 1 -q -M "do" -s 8973 "$PAIR_PEER_ADDR" > /dev/null 2>&1
	check ping_df_8973_refused $?

	# The barrier: a publishes a token (write, then rename: atomic), b
	# sends it back the same way, a compares it and times the round trip.
	if [ "$me" = a ]; then
		tok=$RANDOM$RANDOM
		t0=${EPOCHREALTIME/./}
		echo "$tok" > "$PAIR_SYNC/ping.tmp" && mv "$PAIR_SYNC/ping.tmp" "$PAIR_SYNC/ping"
		waitfile "$PAIR_SYNC/pong" 60 && got=$(cat "$PAIR_SYNC/pong") || got=none
		ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
		say "barrier round trip $ms ms"
		[ "$got" = "$tok" ]
		check barrier $?
	else
		waitfile "$PAIR_SYNC/ping" 60 && tok=$(cat "$PAIR_SYNC/ping") || tok=none
		echo "$tok" > "$PAIR_SYNC/pong.tmp" && mv "$PAIR_SYNC/pong.tmp" "$PAIR_SYNC/pong"
		[ "$tok" != none ]
		check barrier $?
	fi
	[ "$bad" = 0 ] || exit 1
	# Guest b fails on purpose, once all its checks passed.
	if [ "$peer" = a ]; then say "exits 3 on purpose"; exit 3; fi
	exit 0
}
[ "${1:-}" = --guest ] && guest	# it exits

# --- the host's side ---------------------------------------------------------
n=0 failed=0
check() {	# check NAME STATUS [DIAG]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		[ -n "${3:-}" ] && while IFS= read -r l; do echo "# $l"; done <<< "$3"
		failed=1
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

procs_below() {	# procs_below PID: "PID COMM ARGS" of every process below PID
	ps -eo pid=,ppid=,comm=,args= | awk -v root="$1" '
		{ parent[$1] = $2; line[$1] = $0 }
		END { for (p in parent) { q = p
			while ((q in parent) && q != root && q > 1) q = parent[q]
			if (q == root && p != root) { sub(/^ *[0-9]+ +[0-9]+ +/, "", line[p]); print p, line[p] } } }'
}

# watch NAME SIGNAL-AFTER -- PAIR-ARGS...: run tools/vm/pair from tests/
# (the guests must run CMD there), its stdout and stderr in
# $tmp/NAME.out and .err; once both its QEMUs run, note every process
# below it and its socket directory; if SIGNAL-AFTER is a number, send it
# SIGINT that many seconds later. Sets $rc and $leftover (what outlived
# it, "" if nothing).
watch() {
	local name=$1 after=$2 pid seen='' d='' q p
	shift 3
	# As a terminal's foreground job: a background job of a script
	# ignores SIGINT, and an ignored signal cannot be trapped.
	(cd "$top/tests" && exec env --default-signal=INT "$top/tools/vm/pair" "$@") \
		> "$tmp/$name.out" 2> "$tmp/$name.err" &
	pid=$!
	for _ in $(seq 300); do		# 60 s at most for both QEMUs to start
		kill -0 "$pid" 2>/dev/null || break
		q=$(procs_below "$pid")
		if [ "$(awk '$2 ~ /^qemu-system/' <<< "$q" | grep -c .)" = 2 ]; then
			seen=$(awk '{ print $1 }' <<< "$q")
			d=$(grep -o 'local.path=/tmp/vpcpeer-pair\.[^/]*' <<< "$q" | head -n1)
			d=${d#local.path=}
			break
		fi
		sleep 0.2
	done
	if [ -n "$seen" ] && [ "$after" != - ]; then
		sleep "$after"
		kill -INT "$pid"
	fi
	rc=0
	wait "$pid" || rc=$?
	# Everything pair started must be gone when it returns (a second for
	# the reaping).
	leftover="never saw both QEMUs running"
	[ -n "$seen" ] || return 0
	for _ in 1 2 3 4 5; do
		leftover=''
		for p in $seen; do
			[ -d "/proc/$p" ] && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ] &&
				leftover+="$(ps -o pid=,args= -p "$p" | cut -c1-120)"$'\n'
		done
		{ [ -z "$d" ] || [ -e "$d" ]; } && leftover+="socket directory ${d:-(not found)}"
		[ -z "$leftover" ] && break
		sleep 0.2
	done
	return 0
}

echo "TAP version 13"
echo "1..7"

# 1-5: one boot of each guest.
t0=$SECONDS
watch smoke - -- --timeout 240 -- ./vm-pair.sh --guest
secs=$((SECONDS - t0))
out=$(cat "$tmp/smoke.out" "$tmp/smoke.err")
ok=0
for r in a b; do
	grep -q "^$r: pairtest $r: ok env$" "$tmp/smoke.out" &&
		grep -q "^$r: pairtest $r: ok eth0$" "$tmp/smoke.out" &&
		grep -q "^$r: pairtest $r: ok sync_mounted$" "$tmp/smoke.out" &&
		grep -q "^$r: pairtest $r: kernel .* cwd $top/tests uid 0 " "$tmp/smoke.out" &&
		grep -q "^pairtest $r: ok env$" "$top/build/vm/pair/$r/output.log" || ok=1
done
grep -q '^a: pairtest a: kernel 6\.1\.' "$tmp/smoke.out" &&
	grep -q '^b: pairtest b: kernel 6\.12\.' "$tmp/smoke.out" || ok=1
check "pair: a on 6.1, b on 6.12; eth0 up, PAIR_ADDR/24, MTU 9000; root, in the caller's directory; unprefixed output in build/vm/pair/a|b/output.log ($secs s)" $ok "$out"
ok=0
for r in a b; do
	for c in ping ping_df_8972 ping_df_8973_refused; do
		grep -q "^$r: pairtest $r: ok $c$" "$tmp/smoke.out" || ok=1
	done
done
check "pair: each guest pings the other; 8972 bytes with DF pass, 8973 are refused (MTU 9000)" $ok "$out"
grep -q '^a: pairtest a: ok barrier$' "$tmp/smoke.out" && grep -q '^b: pairtest b: ok barrier$' "$tmp/smoke.out"
check "pair: a barrier round trip through PAIR_SYNC ($(sed -n 's/^a: pairtest a: barrier round trip //p' "$tmp/smoke.out"))" $? "$out"
[ "$rc" = 3 ] && grep -q '^vm/pair: guest b (.*) failed: CMD exited 3' "$tmp/smoke.err" &&
	! grep -q '^vm/pair: guest a' "$tmp/smoke.err" && grep -q '^a: vm/run: .*: exit 0 after' "$tmp/smoke.out"
check "pair: b's CMD exiting 3 makes pair exit 3 and name guest b (exit $rc)" $? "$out"
[ -z "$leftover" ]
check "pair: no process and no socket directory left after the run" $? "$leftover"

# 6: the guests' timeout; QEMU is killed long before the guests are up.
watch timeout - -- --timeout 3 -- true
[ "$rc" = 124 ] && [ -z "$leftover" ] && grep -q '^vm/pair: guest a (.*) failed: timed out' "$tmp/timeout.err"
check "pair --timeout 3: exit 124, no process and no socket directory left (exit $rc)" $? \
	"$leftover$(cat "$tmp/timeout.out" "$tmp/timeout.err")"

# 7: interrupted two seconds after both QEMUs started.
watch int 2 -- --timeout 60 -- true
[ "$rc" = 130 ] && [ -z "$leftover" ]
check "pair interrupted (SIGINT): exit 130, no process and no socket directory left (exit $rc)" $? \
	"$leftover$(cat "$tmp/int.out" "$tmp/int.err")"

exit "$failed"

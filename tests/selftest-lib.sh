#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib.sh's own rules, on the host (no module, no guest): a case
# that calls too_slow runs again with SLOW four times larger, twice at
# most, and then fails; a case that calls fail is never run again; a case
# VPCPEER_SKIP_CASES names is reported skipped and does not run; wait_for
# waits for what it polls, and times out, without a sleep(1). KTAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib=$top/selftests/lib.sh
n=0 bad=0
check() {	# check NAME CONDITION-STATUS [DIAG]
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n $1"; else echo "not ok $n $1"; sed 's/^/# /' <<< "${3:-}"; bad=1; fi
}

# A selftest program of three cases, and what it prints.
prog=$(mktemp)
trap 'rm -f "$prog"' EXIT
cat > "$prog" <<-P
	source "$lib"
	ok_at_4() { echo "ran with SLOW=\$SLOW" >> "$prog.runs"; [ "\$SLOW" -ge 4 ] || too_slow "SLOW \$SLOW"; }
	never() { echo "never SLOW=\$SLOW" >> "$prog.runs"; too_slow "always"; }
	plain() { echo "plain SLOW=\$SLOW" >> "$prog.runs"; fail "a real failure"; }
	ktap_case recovers ok_at_4
	ktap_case gives_up never
	ktap_case plain_fail plain
	ktap_finish
P
rm -f "$prog.runs"
out=$(env -u VPCPEER_CASES -u VPCPEER_SKIP_CASES bash "$prog" 2>&1)	# every case runs, whatever the caller selected
rc=$?
runs=$(cat "$prog.runs" 2>/dev/null)
rm -f "$prog.runs"

echo "TAP version 13"
echo "1..9"
grep -qx 'ok 1 recovers' <<< "$out"
check "a too_slow case that passes with longer windows passes" $? "$out"
[ "$(grep -c '^ran with SLOW=' <<< "$runs")" = 2 ] && grep -qx 'ran with SLOW=4' <<< "$runs"
check "it ran twice, the second time with SLOW=4" $? "$runs"
grep -qx 'not ok 2 gives_up' <<< "$out" && [ "$(grep -c '^never SLOW=' <<< "$runs")" = 3 ] &&
	grep -qx 'never SLOW=16' <<< "$runs"
check "a case always too slow runs three times (SLOW 1, 4, 16), then fails" $? "$out $runs"
grep -qx 'not ok 3 plain_fail' <<< "$out" && [ "$(grep -c '^plain SLOW=' <<< "$runs")" = 1 ]
check "a case that fails is not run again" $? "$out $runs"
[ "$rc" = 1 ]
check "the program exits 1 when a case failed" $? "exit $rc"

# VPCPEER_SKIP_CASES: the failing case is skipped, not run, and the
# program no longer fails; the others run as before.
out=$(env -u VPCPEER_CASES VPCPEER_SKIP_CASES='^plain_fail$' bash "$prog" 2>&1)
rc=$?
runs=$(cat "$prog.runs" 2>/dev/null)
rm -f "$prog.runs"
grep -qx 'ok 3 plain_fail # SKIP skipped by VPCPEER_SKIP_CASES' <<< "$out" &&
	! grep -q '^plain SLOW=' <<< "$runs" && grep -qx 'ok 1 recovers' <<< "$out"
check "a case VPCPEER_SKIP_CASES names is skipped and not run" $? "$out $runs"
grep -qx 'not ok 2 gives_up' <<< "$out" && [ "$rc" = 1 ]
check "the cases it does not name run as before" $? "$out exit $rc"

# wait_for: a condition that becomes true after 1.2 s (a function: no
# process of its own) is waited for, for between 1.2 and 3 s; a false one
# times out with a message; and no sleep(1) runs, where a recording one
# comes first in PATH.
fake=$(mktemp -d)
cat > "$fake/sleep" <<-S
	#!/bin/sh
	echo "sleep \$*" >> "$fake/ran"
	exec /bin/sleep "\$@"
S
chmod +x "$fake/sleep"
out=$(PATH=$fake:$PATH bash -c '
	source "$1"
	us() { echo "${EPOCHREALTIME/./}"; }
	t0=$(us); due=$((t0 + 1200000))
	later() { (( ${EPOCHREALTIME/./} >= due )); }
	wait_for 10 later || echo "wait_for failed"
	echo "waited $((($(us) - t0) / 1000)) ms"
	wait_for 1 false 2>&1 && echo "false succeeded"
	true' _ "$lib" 2>&1)
ms=$(sed -n 's/^waited \([0-9]*\) ms$/\1/p' <<< "$out")
! grep -q "failed\|succeeded" <<< "$out" && [ -n "$ms" ] && [ "$ms" -ge 1200 ] && [ "$ms" -lt 3000 ] &&
	grep -q '^timed out waiting for: false$' <<< "$out"
check "wait_for waits until its command succeeds, and times out with a message" $? "$out"
[ ! -e "$fake/ran" ]
check "wait_for pauses without running sleep(1)" $? "$(cat "$fake/ran" 2>/dev/null)"
rm -rf "$fake"
exit "$bad"

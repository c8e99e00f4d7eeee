#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/debug-kernel/guest.sh [PROG...]: what `make check-debug` runs inside
# the debug kernel's guest. Forgets what kmemleak knows from boot, runs the
# selftests (selftests/run.sh PROG..., default all of them), then adds a
# KTAP stream of the debug kernel's own verdicts:
#   - kmemleak finds nothing after the tests (two scans, objects old
#     enough to count), and its report is printed when it does;
#   - lockdep is still on: a lockdep report (which also shows in the log as
#     a splat) switches it off for the rest of the boot, so "debug_locks 1"
#     at the end also proves nothing was reported and missed;
#   - the kernel is tainted by nothing but our out-of-tree module.
# Exit status: non-zero when the selftests or any of these failed.
top=$(cd "$(dirname "$0")/../.." && pwd)
leak=/sys/kernel/debug/kmemleak

[ -w "$leak" ] && echo clear > "$leak"
"$top/selftests/run.sh" "$@"
rc=$?

echo "# selftest: debug kernel verdicts on $(uname -r)"
echo "TAP version 13"
echo "1..3"
n=0 bad=0
verdict() {	# verdict OK? NAME [DIAG...]
	local ok=$1 name=$2
	shift 2
	n=$((n + 1))
	if [ "$ok" = 1 ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		bad=1
		printf '# %s\n' "$@"
	fi
}

if [ -w "$leak" ]; then
	# Unreferenced objects younger than 5 s are not reported yet.
	sleep 6
	echo scan > "$leak"
	sleep 1
	echo scan > "$leak"
	report=$(cat "$leak")
	nleaks=$(grep -c '^unreferenced object' <<< "$report")
	mapfile -t lines < <(head -n 60 <<< "$report")
	verdict "$([ "$nleaks" = 0 ] && echo 1)" "kmemleak: no unreferenced objects after the selftests ($nleaks)" \
		"${lines[@]}"
else
	verdict 0 "kmemleak: no unreferenced objects after the selftests" \
		"$leak is missing: not the debug kernel, or debugfs not mounted"
fi

locks=$(awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats 2>/dev/null)
verdict "$([ "$locks" = 1 ] && echo 1)" "lockdep still on at the end (debug_locks: ${locks:-none})" \
	"lockdep switched itself off: it reported something (see the kernel log)"

# Bits 12 (O, out-of-tree module), 13 (E, unsigned module) and 18 (N, KUnit
# ran) are ours; anything else (W: a warning, D: an oops, B: bad page...)
# is not.
taint=$(cat /proc/sys/kernel/tainted)
verdict "$([ $((taint & ~((1 << 12) | (1 << 13) | (1 << 18)))) = 0 ] && echo 1)" \
	"kernel tainted only by our out-of-tree module and KUnit (taint $taint)" \
	"see Documentation/admin-guide/tainted-kernels.rst for the bits"

[ "$rc" = 0 ] && [ "$bad" = 0 ]

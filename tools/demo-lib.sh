# SPDX-License-Identifier: GPL-2.0
#
# tools/demo-lib.sh: the steps of tools/demo.sh and tools/demo-regions.sh.
# The caller sets steps (how many) before the first say; die calls
# demo_failed, if the caller defines it, before it exits.

step=0
DEMO_NAME=${DEMO_NAME:-demo}

# say TEXT: the next step's title.
say() {
	step=$((step + 1))
	printf '\n[%d/%d] %s\n' "$step" "$steps" "$*"
}

# run CMD...: show it, run it, indent its output; its status is returned
# and its output kept in $OUT.
run() {
	local rc=0
	printf '    $ %s\n' "$*"
	OUT=$("$@" 2>&1) || rc=$?
	[ -n "$OUT" ] && sed 's/^/      /' <<< "$OUT"
	return "$rc"
}

ok() { printf '    \xe2\x9c\x93 %s\n' "$*"; }

die() {
	printf '    \xe2\x9c\x97 %s\n' "$*"
	printf '\n%s: FAILED at step %d of %d\n' "$DEMO_NAME" "$step" "$steps"
	declare -F demo_failed > /dev/null && demo_failed
	exit 1
}

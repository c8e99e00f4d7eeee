#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/needs.sh: every program the selftests declare with require_cmd is
# installed here. The guests run on this machine's root file system, and a
# selftest program that lacks one skips itself whole (kselftest's way),
# which make check would count as skipped, not failed: this case, run on
# the host by make check and make check-fresh, makes a missing package a
# failure that names the program and the selftest that needs it.
top=$(cd "$(dirname "$0")/.." && pwd)
# The PATH the guest gives them (tools/vm/run).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
bad=0
while read -r file cmds; do
	for c in $cmds; do
		command -v "$c" > /dev/null && continue
		echo "missing: $c (required by $file): run 'make deps'"
		bad=1
	done
done < <(cd "$top" && grep -H '^require_cmd ' selftests/*.sh | sed 's/:require_cmd / /')
[ "$bad" = 0 ] && echo "every program the selftests require is installed"
exit $bad

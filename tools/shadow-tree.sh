#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# shadow-tree.sh SRC DEST: make DEST a tree of symlinks to the module's
# sources in SRC (Kbuild, kmod/, include/), so that a kernel build with
# M=DEST writes its objects into DEST and leaves SRC untouched. Links to
# files that no longer exist are removed; objects are kept so that
# rebuilds stay incremental.
set -euo pipefail
src=$1 dest=$2
mkdir -p "$dest/kmod" "$dest/include/uapi/linux"
find "$dest" -xtype l -delete
ln -sfn "$src/Kbuild" "$dest/Kbuild"
for f in "$src"/kmod/*.[ch] "$src"/kmod/Kbuild; do
	ln -sfn "$f" "$dest/kmod/${f##*/}"
done
ln -sfn "$src/include/uapi/linux/vpcpeer.h" "$dest/include/uapi/linux/vpcpeer.h"

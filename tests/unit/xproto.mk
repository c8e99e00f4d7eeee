# SPDX-License-Identifier: GPL-2.0
#
# test_xproto: the inter-region control protocol's codec (kmod/xproto.c):
# round trips, every malformed message and the precise reason it is
# refused, the GENEVE header. The tests are kmod/test/xproto_test.c, the
# same source the KUnit module runs. Built through the kernel shim like
# lpm.mk, and refused likewise if xproto.c reaches a real kernel header.
# The shim has 6.12's <linux/unaligned.h>, which kmod/Kbuild probes for.

UNIT_TESTS += test_xproto

XP_KSHIM := $(TOP)/tests/unit/kshim
XP_CFLAGS := -I$(XP_KSHIM) $(UNIT_CFLAGS) -I$(TOP)/kmod \
	-DVPCPEER_HAVE_LINUX_UNALIGNED_H
XP_SRCS := $(TOP)/kmod/test/xproto_test.c $(TOP)/kmod/xproto.c \
	$(TOP)/tests/unit/vtest_cmocka.c
XP_DEPS := $(XP_SRCS) $(TOP)/kmod/xproto.h $(TOP)/kmod/test/vtest.h \
	$(wildcard $(XP_KSHIM)/linux/*.h) $(TOP)/tests/unit/xproto.mk

$(O)/test_xproto: $(XP_DEPS) | $(O)
	@! $(CC) $(XP_CFLAGS) -M $(TOP)/kmod/xproto.c | \
		tr ' \\' '\n\n' | grep -v '^$(XP_KSHIM)/' | \
		grep -E '/(linux|asm|asm-generic)/[^/]+\.h$$' || \
		{ echo "xproto.mk: xproto.c reached a real kernel header (above); add it to kshim/" >&2; false; }
	$(CC) $(XP_CFLAGS) -I$(TOP)/kmod/test -o $@ $(XP_SRCS) $(UNIT_LDLIBS)

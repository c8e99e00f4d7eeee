# SPDX-License-Identifier: GPL-2.0
#
# test_lpm: the CIDR set (kmod/lpm.c) against a brute-force reference. The
# tests are kmod/test/lpm_test.c, the same source the KUnit module runs
# (kmod/test/vtest.h, run by vtest_cmocka.c here). The kernel file is compiled
# unchanged; kshim/ stands in for the kernel headers it includes and comes
# first on the include path. The build refuses to finish if any header of
# lpm.c resolved to a real kernel or uapi header (a linux/ or asm/
# directory outside kshim/): that would mean lpm.c needs a header the shim
# lacks, and the test would no longer be testing what the kernel compiles.

UNIT_TESTS += test_lpm

LPM_KSHIM := $(TOP)/tests/unit/kshim
LPM_SRCS := $(TOP)/kmod/test/lpm_test.c $(TOP)/kmod/lpm.c $(LPM_KSHIM)/kshim.c \
	$(TOP)/tests/unit/vtest_cmocka.c
LPM_DEPS := $(LPM_SRCS) $(TOP)/kmod/lpm.h $(TOP)/kmod/test/vtest.h \
	$(LPM_KSHIM)/kshim.h $(wildcard $(LPM_KSHIM)/linux/*.h) \
	$(TOP)/tests/unit/lpm.mk

$(O)/test_lpm: $(LPM_DEPS) | $(O)
	@! $(CC) -I$(LPM_KSHIM) $(UNIT_CFLAGS) -I$(TOP)/kmod -M $(TOP)/kmod/lpm.c | \
		tr ' \\' '\n\n' | grep -v '^$(LPM_KSHIM)/' | \
		grep -E '/(linux|asm|asm-generic)/[^/]+\.h$$' || \
		{ echo "lpm.mk: lpm.c reached a real kernel header (above); add it to kshim/" >&2; false; }
	$(CC) -I$(LPM_KSHIM) $(UNIT_CFLAGS) -I$(TOP)/kmod -I$(TOP)/kmod/test -o $@ \
		$(LPM_SRCS) $(UNIT_LDLIBS)

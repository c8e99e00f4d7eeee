# SPDX-License-Identifier: GPL-2.0
#
# test_pcx_fsm: the peering state machine (kmod/pcx_fsm.c) against the
# table of every state, action and role in kmod/test/pcx_fsm_test.c, the
# same source the KUnit module runs. Built through the kernel shim like
# lpm.mk, and refused likewise if pcx_fsm.c reaches a real kernel header
# (its own uapi header, include/uapi/linux/vpcpeer.h, is the one allowed).

UNIT_TESTS += test_pcx_fsm

FSM_KSHIM := $(TOP)/tests/unit/kshim
FSM_SRCS := $(TOP)/kmod/test/pcx_fsm_test.c $(TOP)/kmod/pcx_fsm.c \
	$(TOP)/tests/unit/vtest_cmocka.c
FSM_DEPS := $(FSM_SRCS) $(TOP)/kmod/pcx_fsm.h $(TOP)/kmod/test/vtest.h \
	$(TOP)/include/uapi/linux/vpcpeer.h $(wildcard $(FSM_KSHIM)/linux/*.h) \
	$(TOP)/tests/unit/pcx_fsm.mk

$(O)/test_pcx_fsm: $(FSM_DEPS) | $(O)
	@! $(CC) -I$(FSM_KSHIM) $(UNIT_CFLAGS) -I$(TOP)/kmod -M $(TOP)/kmod/pcx_fsm.c | \
		tr ' \\' '\n\n' | grep -v '^$(FSM_KSHIM)/' | \
		grep -v '^$(TOP)/include/uapi/linux/vpcpeer\.h$$' | \
		grep -E '/(linux|asm|asm-generic)/[^/]+\.h$$' || \
		{ echo "pcx_fsm.mk: pcx_fsm.c reached a real kernel header (above); add it to kshim/" >&2; false; }
	$(CC) -I$(FSM_KSHIM) $(UNIT_CFLAGS) -I$(TOP)/kmod -I$(TOP)/kmod/test -o $@ \
		$(FSM_SRCS) $(UNIT_LDLIBS)

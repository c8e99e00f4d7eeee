# SPDX-License-Identifier: GPL-2.0
#
# vpcpeer-ctl's argument parsers and JSON writer, built from the tool's own
# sources (tools/vpcpeer-ctl/parse.c, json.c): they use no libnl.

VPCPEER_CTL_DIR := $(TOP)/tools/vpcpeer-ctl

UNIT_TESTS += test_parse test_json

$(O)/test_parse: $(TOP)/tests/unit/test_parse.c $(VPCPEER_CTL_DIR)/parse.c \
		$(VPCPEER_CTL_DIR)/parse.h $(TOP)/include/uapi/linux/vpcpeer.h | $(O)
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) -o $@ $(filter %.c,$^) $(UNIT_LDLIBS)

$(O)/test_json: $(TOP)/tests/unit/test_json.c $(VPCPEER_CTL_DIR)/json.c \
		$(VPCPEER_CTL_DIR)/json.h | $(O)
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) -o $@ $(filter %.c,$^) $(UNIT_LDLIBS)

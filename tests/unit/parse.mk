# SPDX-License-Identifier: GPL-2.0
#
# vpcpeer-ctl's host tests, built from the tool's own sources
# (tools/vpcpeer-ctl/): the argument parsers and the JSON writer, which use
# no libnl; the message encoders, decoders and printers (test_msg), which
# use libnl's message functions but no socket; and the commands end to end
# against a fake kernel behind libnl's send/receive hooks (test_ctl).

VPCPEER_CTL_DIR := $(TOP)/tools/vpcpeer-ctl
UAPI_H := $(TOP)/include/uapi/linux/vpcpeer.h
LIBNL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0)
LIBNL_LIBS := $(shell pkg-config --libs libnl-genl-3.0)

UNIT_TESTS += test_parse test_json test_msg test_ctl

$(O)/test_parse: $(TOP)/tests/unit/test_parse.c $(VPCPEER_CTL_DIR)/parse.c \
		$(VPCPEER_CTL_DIR)/parse.h $(UAPI_H) | $(O)
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) -o $@ $(filter %.c,$^) $(UNIT_LDLIBS)

$(O)/test_json: $(TOP)/tests/unit/test_json.c $(VPCPEER_CTL_DIR)/json.c \
		$(VPCPEER_CTL_DIR)/json.h | $(O)
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) -o $@ $(filter %.c,$^) $(UNIT_LDLIBS)

MSG_SRCS := $(addprefix $(VPCPEER_CTL_DIR)/,msg.c print.c json.c parse.c)
MSG_HDRS := $(addprefix $(VPCPEER_CTL_DIR)/,msg.h print.h json.h parse.h) $(UAPI_H)

$(O)/test_msg: $(TOP)/tests/unit/test_msg.c $(MSG_SRCS) $(MSG_HDRS) | $(O)
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) $(LIBNL_CFLAGS) -o $@ \
		$(filter %.c,$^) $(UNIT_LDLIBS) $(LIBNL_LIBS)

# The whole tool but its main(), which is renamed so that the test can run
# command lines in-process; nl_socket_alloc() is wrapped so that every
# socket the tool opens talks to the fake kernel, and
# nl_socket_add_membership() so that "monitor" joins the fake's group.
CTL_SRCS := $(addprefix $(VPCPEER_CTL_DIR)/,ctl.c vpc.c peering.c region.c \
	monitor.c netlink.c netns.c) $(MSG_SRCS)
CTL_HDRS := $(wildcard $(VPCPEER_CTL_DIR)/*.h) $(UAPI_H)

$(O)/test_ctl: $(TOP)/tests/unit/test_ctl.c $(VPCPEER_CTL_DIR)/main.c \
		$(CTL_SRCS) $(CTL_HDRS) | $(O)
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) $(LIBNL_CFLAGS) \
		-c -Dmain=vpcpeer_ctl_main -o $@-main.o $(VPCPEER_CTL_DIR)/main.c
	$(CC) $(UNIT_CFLAGS) -I$(VPCPEER_CTL_DIR) $(LIBNL_CFLAGS) -o $@ \
		$(TOP)/tests/unit/test_ctl.c $@-main.o $(CTL_SRCS) \
		-Wl,--wrap=nl_socket_alloc -Wl,--wrap=nl_socket_add_membership \
		$(UNIT_LDLIBS) $(LIBNL_LIBS)

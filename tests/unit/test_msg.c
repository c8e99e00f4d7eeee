// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vpcpeer-ctl's message code without a kernel: replies are
 * built in memory with libnl (nlmsg_alloc, nla_put) the way the module
 * builds them, decoded by tools/vpcpeer-ctl/msg.c and printed by print.c,
 * and the text and JSON are compared with what the man page promises.
 * Malformed replies must be refused with a message naming the attribute;
 * attributes from a newer kernel must be skipped. The extended ACK reader
 * is fed NLMSG_ERROR and NLMSG_DONE messages laid out as the kernel lays
 * them out, capped and not. Requests are built and read back to check
 * the nests the kernel's strict policy will see.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "msg.h"
#include "print.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define FAMILY		0x20
#define BLUE_ID		0x0a1b2c3d
#define GREEN_ID	0x99887766
#define PCX_ID		0x11223344

/* --- building replies ---------------------------------------------------- */

static struct nl_msg *reply_new(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(16384);

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 1234, 1, FAMILY, 0, 0, cmd,
				    VPCPEER_FAMILY_VERSION));
	return m;
}

static void put_cidr(struct nl_msg *m, const char *text)
{
	char err[PARSE_ERRLEN];
	struct prefix p;

	assert_int_equal(parse_prefix(text, &p, err, sizeof(err)), 0);
	assert_int_equal(msg_put_cidr(m, &p), 0);
}

/*
 * A CIDR nest of type attr as the module puts one in a reply: the
 * top-level VPCPEER_A_CIDR of VPC_CIDR_ADD/DEL events, the
 * VPCPEER_A_PCX_REASON_CIDR of an overlap.
 */
static void put_cidr_nest(struct nl_msg *m, int attr, const char *text)
{
	char err[PARSE_ERRLEN];
	struct nlattr *nest;
	struct prefix p;

	assert_int_equal(parse_prefix(text, &p, err, sizeof(err)), 0);
	nest = nla_nest_start(m, attr);
	assert_non_null(nest);
	nla_put(m, VPCPEER_A_CIDR_ADDR, p.family == AF_INET ? 4 : 16, p.addr);
	nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, p.len);
	nla_nest_end(m, nest);
}

/* What a VPC reply may be made of; a test picks and spoils. */
enum vpc_flaw {
	VPC_GOOD,
	VPC_NO_NETNSID,
	VPC_NETNSID_SELF,
	VPC_NO_CIDRS,
	VPC_NEWER,		/* attributes this version does not know */
	VPC_NO_NEST,
	VPC_NO_ID,
	VPC_SHORT_ID,
	VPC_NO_NAME,
	VPC_NAME_NO_NUL,
	VPC_NAME_TOO_LONG,
	VPC_NAME_TWO_NULS,
	VPC_NETNSID_U8,
	VPC_CIDR_5_BYTES,
	VPC_CIDR_V4_LEN_33,
	VPC_CIDR_V6_LEN_129,
	VPC_CIDR_NO_LEN,
	VPC_CIDR_NO_ADDR,
	VPC_CIDR_LEN_U32,
};

/*
 * A CIDR nest of type attr spoilt as f says (VPC_CIDR_*), or for
 * VPC_NEWER one with an attribute of the future; nothing for another f.
 */
static void put_odd_cidr(struct nl_msg *m, int attr, enum vpc_flaw f)
{
	static const uint8_t v4[4] = { 10, 0, 0, 0 };
	struct nlattr *cidr = nla_nest_start(m, attr);

	assert_non_null(cidr);
	switch (f) {
	case VPC_CIDR_5_BYTES:
		nla_put(m, VPCPEER_A_CIDR_ADDR, 5, "\x0a\0\0\0\0");
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, 8);
		break;
	case VPC_CIDR_V4_LEN_33:
		nla_put(m, VPCPEER_A_CIDR_ADDR, 4, v4);
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, 33);
		break;
	case VPC_CIDR_V6_LEN_129:
		nla_put(m, VPCPEER_A_CIDR_ADDR, 16,
			"\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, 129);
		break;
	case VPC_CIDR_NO_LEN:
		nla_put(m, VPCPEER_A_CIDR_ADDR, 4, v4);
		break;
	case VPC_CIDR_NO_ADDR:
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, 8);
		break;
	case VPC_CIDR_LEN_U32:
		nla_put(m, VPCPEER_A_CIDR_ADDR, 4, v4);
		nla_put_u32(m, VPCPEER_A_CIDR_PREFIXLEN, 8);
		break;
	case VPC_NEWER:
		/* A third CIDR with an attribute of the future. */
		nla_put(m, VPCPEER_A_CIDR_ADDR, 4, "\x0a\x02\0\0");
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, 16);
		nla_put_u32(m, VPCPEER_A_CIDR_MAX + 1, 1);
		break;
	default:
		nla_nest_cancel(m, cidr);
		return;
	}
	nla_nest_end(m, cidr);
}

static void put_vpc(struct nl_msg *m, enum vpc_flaw f)
{
	char long_name[VPCPEER_NAME_MAX + 1];
	struct nlattr *vpc;

	if (f == VPC_NO_NEST) {
		vpc = nla_nest_start(m, VPCPEER_A_PCX);
		nla_put_u32(m, VPCPEER_A_PCX_ID, 1);
		nla_nest_end(m, vpc);
		return;
	}
	if (f == VPC_NEWER)
		assert_int_equal(nla_put_u32(m, VPCPEER_A_MAX + 1, 7), 0);
	vpc = nla_nest_start(m, VPCPEER_A_VPC);
	assert_non_null(vpc);
	if (f == VPC_SHORT_ID)
		nla_put_u16(m, VPCPEER_A_VPC_ID, 1);
	else if (f != VPC_NO_ID)
		nla_put_u32(m, VPCPEER_A_VPC_ID, BLUE_ID);
	if (f == VPC_NAME_NO_NUL) {
		nla_put(m, VPCPEER_A_VPC_NAME, 4, "blue");
	} else if (f == VPC_NAME_TOO_LONG) {
		memset(long_name, 'a', VPCPEER_NAME_MAX);
		long_name[VPCPEER_NAME_MAX] = '\0';
		nla_put_string(m, VPCPEER_A_VPC_NAME, long_name);
	} else if (f == VPC_NAME_TWO_NULS) {
		nla_put(m, VPCPEER_A_VPC_NAME, 6, "bl\0ue");
	} else if (f != VPC_NO_NAME) {
		nla_put_string(m, VPCPEER_A_VPC_NAME, "blue");
	}
	if (f == VPC_NETNSID_U8)
		nla_put_u8(m, VPCPEER_A_VPC_NETNSID, 0);
	else if (f == VPC_NETNSID_SELF)
		nla_put_s32(m, VPCPEER_A_VPC_NETNSID, -1);
	else if (f != VPC_NO_NETNSID)
		nla_put_s32(m, VPCPEER_A_VPC_NETNSID, 3);
	if (f == VPC_NEWER) {
		nla_put_string(m, VPCPEER_A_VPC_MAX + 1, "tag");
		nla_put_u32(m, VPCPEER_A_VPC_NETNS_FD, 99);
	}
	if (f != VPC_NO_CIDRS) {
		put_cidr(m, "10.0.0.0/16");
		put_cidr(m, "fd00:b::/48");
	}
	put_odd_cidr(m, VPCPEER_A_VPC_CIDR, f);
	nla_nest_end(m, vpc);
}

/* What a peering reply may be made of. */
enum pcx_flaw {
	PCX_GOOD,
	PCX_NO_DEV,		/* pending: no devices yet */
	PCX_NO_REASON,
	PCX_NO_NAMES,
	PCX_OVERLAP,		/* failed, with the requester's block at fault */
	PCX_STATE_42,
	PCX_NEWER,
	PCX_STATS_PARTIAL,	/* only some counters, and a PAD */
	PCX_NO_NEST,
	PCX_NO_ID,
	PCX_NO_STATE,
	PCX_STATE_U32,
	PCX_NO_REQUESTER,
	PCX_NO_ACCEPTER,
	PCX_SIDE_NO_VPC,
	PCX_IFNAME_TOO_LONG,
	PCX_STAT_U32,
	PCX_REASON_U32,
	PCX_REASON_CIDR_5_BYTES,
	PCX_REASON_CIDR_V4_LEN_33,
	PCX_REASON_CIDR_NO_LEN,
	PCX_EXPIRES,		/* pending, with the time it expires */
	PCX_ENDED,		/* deleted, with the end of its tombstone */
	PCX_OPTIONS,		/* R14: allow-dns-resolution and name tags */
	PCX_EXPIRES_U32,
	PCX_ALLOW_DNS_U32,
	PCX_TAG_TOO_LONG,
	PCX_OLD_STATE,		/* a PCX_STATE event: provisioning -> active */
	PCX_DELETING,		/* a PCX_STATE event: active -> deleting */
	PCX_ID_STATE,		/* a PCX_DEL event: the id and last state */
	PCX_ID_ONLY,
	PCX_REMOTE,		/* across regions: the accepter is region b's */
	PCX_REMOTE_REQUESTER,	/* seen in region b: the requester is a's */
	PCX_REMOTE_REGION_TOO_LONG,
	PCX_REMOTE_REGION_NO_NUL,
	PCX_REMOTE_CIDR_5_BYTES,	/* after a good block: both freed */
	PCX_REMOTE_CIDR_V6_LEN_129,
	PCX_REMOTE_CIDR_NO_LEN,
};

/* A remote side's flaws (the accepter's; the requester is whole). */
static bool remote_accepter(enum pcx_flaw f)
{
	return f == PCX_REMOTE || f == PCX_REMOTE_REGION_TOO_LONG ||
	       f == PCX_REMOTE_REGION_NO_NUL || f == PCX_REMOTE_CIDR_5_BYTES ||
	       f == PCX_REMOTE_CIDR_V6_LEN_129 || f == PCX_REMOTE_CIDR_NO_LEN;
}

#define EXPIRES		1764756000ULL	/* 2025-12-03T10:00:00Z */
#define VISIBLE_UNTIL	1764151200ULL	/* 2025-11-26T10:00:00Z */

static void put_stats(struct nl_msg *m, enum pcx_flaw f, uint64_t base)
{
	struct nlattr *st = nla_nest_start(m, VPCPEER_A_SIDE_STATS);
	int a;

	assert_non_null(st);
	if (f == PCX_STATS_PARTIAL) {
		nla_put(m, VPCPEER_A_STATS_PAD, 0, NULL);
		nla_put_u64(m, VPCPEER_A_STATS_DROP_DST_NOT_IN_PEER, 3);
		nla_put_u64(m, VPCPEER_A_STATS_MAX + 1, 77);
	} else if (f == PCX_STAT_U32) {
		nla_put_u32(m, VPCPEER_A_STATS_TX_PACKETS, 1);
	} else {
		for (a = VPCPEER_A_STATS_TX_PACKETS; a <= VPCPEER_A_STATS_MAX; a++)
			nla_put_u64(m, a, base + a);
	}
	nla_nest_end(m, st);
}

static void put_side(struct nl_msg *m, int attr, enum pcx_flaw f,
		     uint32_t vpc_id, const char *name, uint32_t ifindex,
		     uint64_t base)
{
	struct nlattr *side = nla_nest_start(m, attr);

	assert_non_null(side);
	if (f != PCX_SIDE_NO_VPC)
		nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, vpc_id);
	if (f != PCX_NO_NAMES)
		nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, name);
	if (f == PCX_IFNAME_TOO_LONG) {
		nla_put_string(m, VPCPEER_A_SIDE_IFNAME, "pcx-11223344-long");
	} else if (f != PCX_NO_DEV && f != PCX_EXPIRES && f != PCX_OVERLAP &&
		   f != PCX_REMOTE_REQUESTER) {
		nla_put_u32(m, VPCPEER_A_SIDE_IFINDEX, ifindex);
		nla_put_string(m, VPCPEER_A_SIDE_IFNAME, "pcx-11223344");
	}
	if (f == PCX_NEWER)
		nla_put_u32(m, VPCPEER_A_SIDE_MAX + 1, 1);
	put_stats(m, f, base);
	if (f == PCX_OPTIONS) {
		nla_put_u8(m, VPCPEER_A_SIDE_ALLOW_DNS, attr == VPCPEER_A_PCX_REQUESTER);
		if (attr == VPCPEER_A_PCX_REQUESTER)
			nla_put_string(m, VPCPEER_A_SIDE_TAG, "blue's \"side\" of it");
	} else if (f == PCX_ALLOW_DNS_U32) {
		nla_put_u32(m, VPCPEER_A_SIDE_ALLOW_DNS, 1);
	} else if (f == PCX_TAG_TOO_LONG) {
		char tag[VPCPEER_TAG_MAX + 1];

		memset(tag, 't', VPCPEER_TAG_MAX);
		tag[VPCPEER_TAG_MAX] = '\0';
		nla_put_string(m, VPCPEER_A_SIDE_TAG, tag);
	}
	nla_nest_end(m, side);
}

/*
 * A side whose VPC is in another region, as the module sends one: the
 * VPC's id, the region, the VPC's blocks as that region told them; no
 * name, no device, no counters. f spoils it (PCX_REMOTE_*).
 */
static void put_remote_side(struct nl_msg *m, int attr, enum pcx_flaw f,
			    uint32_t vpc_id, const char *region,
			    const char *v4, const char *v6)
{
	struct nlattr *side = nla_nest_start(m, attr);

	assert_non_null(side);
	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, vpc_id);
	if (f == PCX_REMOTE_REGION_TOO_LONG)
		nla_put_string(m, VPCPEER_A_SIDE_REGION, "abcdefghijklmnop");
	else if (f == PCX_REMOTE_REGION_NO_NUL)
		nla_put(m, VPCPEER_A_SIDE_REGION, strlen(region), region);
	else
		nla_put_string(m, VPCPEER_A_SIDE_REGION, region);
	put_cidr_nest(m, VPCPEER_A_SIDE_CIDR, v4);
	if (f == PCX_REMOTE_CIDR_5_BYTES)
		put_odd_cidr(m, VPCPEER_A_SIDE_CIDR, VPC_CIDR_5_BYTES);
	else if (f == PCX_REMOTE_CIDR_V6_LEN_129)
		put_odd_cidr(m, VPCPEER_A_SIDE_CIDR, VPC_CIDR_V6_LEN_129);
	else if (f == PCX_REMOTE_CIDR_NO_LEN)
		put_odd_cidr(m, VPCPEER_A_SIDE_CIDR, VPC_CIDR_NO_LEN);
	else
		put_cidr_nest(m, VPCPEER_A_SIDE_CIDR, v6);
	nla_nest_end(m, side);
}

static void put_pcx(struct nl_msg *m, enum pcx_flaw f)
{
	struct nlattr *pcx;
	uint8_t state = VPCPEER_PCX_STATE_ACTIVE;
	uint8_t reason = VPCPEER_PCX_REASON_PROVISIONED;

	if (f == PCX_NO_NEST) {
		put_vpc(m, VPC_GOOD);
		return;
	}
	if (f == PCX_NO_DEV || f == PCX_EXPIRES || f == PCX_EXPIRES_U32 ||
	    f == PCX_REMOTE_REQUESTER) {
		state = VPCPEER_PCX_STATE_PENDING_ACCEPTANCE;
		reason = VPCPEER_PCX_REASON_REQUESTED;
	} else if (f == PCX_OVERLAP || f == PCX_REASON_CIDR_5_BYTES ||
		   f == PCX_REASON_CIDR_V4_LEN_33 ||
		   f == PCX_REASON_CIDR_NO_LEN) {
		state = VPCPEER_PCX_STATE_FAILED;
		reason = VPCPEER_PCX_REASON_OVERLAP;
	} else if (f == PCX_STATE_42) {
		state = 42;
	} else if (f == PCX_ENDED) {
		state = VPCPEER_PCX_STATE_DELETED;
		reason = VPCPEER_PCX_REASON_DELETED_BY_REQUESTER;
	} else if (f == PCX_DELETING) {
		state = VPCPEER_PCX_STATE_DELETING;
		reason = VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER;
	}
	pcx = nla_nest_start(m, VPCPEER_A_PCX);
	assert_non_null(pcx);
	if (f == PCX_ID_STATE || f == PCX_ID_ONLY) {
		nla_put_u32(m, VPCPEER_A_PCX_ID, PCX_ID);
		if (f == PCX_ID_STATE)
			nla_put_u8(m, VPCPEER_A_PCX_STATE, VPCPEER_PCX_STATE_DELETED);
		nla_nest_end(m, pcx);
		return;
	}
	if (f == PCX_OLD_STATE)
		nla_put_u8(m, VPCPEER_A_PCX_OLD_STATE, VPCPEER_PCX_STATE_PROVISIONING);
	else if (f == PCX_DELETING)
		nla_put_u8(m, VPCPEER_A_PCX_OLD_STATE, VPCPEER_PCX_STATE_ACTIVE);
	if (f != PCX_NO_ID)
		nla_put_u32(m, VPCPEER_A_PCX_ID, PCX_ID);
	if (f == PCX_STATE_U32)
		nla_put_u32(m, VPCPEER_A_PCX_STATE, state);
	else if (f != PCX_NO_STATE)
		nla_put_u8(m, VPCPEER_A_PCX_STATE, state);
	if (f == PCX_REASON_U32)
		nla_put_u32(m, VPCPEER_A_PCX_REASON, reason);
	else if (f != PCX_NO_REASON)
		nla_put_u8(m, VPCPEER_A_PCX_REASON, reason);
	if (f == PCX_OVERLAP)
		put_cidr_nest(m, VPCPEER_A_PCX_REASON_CIDR, "10.0.0.0/16");
	else if (f == PCX_REASON_CIDR_5_BYTES)
		put_odd_cidr(m, VPCPEER_A_PCX_REASON_CIDR, VPC_CIDR_5_BYTES);
	else if (f == PCX_REASON_CIDR_V4_LEN_33)
		put_odd_cidr(m, VPCPEER_A_PCX_REASON_CIDR, VPC_CIDR_V4_LEN_33);
	else if (f == PCX_REASON_CIDR_NO_LEN)
		put_odd_cidr(m, VPCPEER_A_PCX_REASON_CIDR, VPC_CIDR_NO_LEN);
	if (f == PCX_NEWER)
		nla_put_u64(m, VPCPEER_A_PCX_MAX + 1, 1);
	if (f == PCX_EXPIRES)
		nla_put_u64(m, VPCPEER_A_PCX_EXPIRES, EXPIRES);
	else if (f == PCX_EXPIRES_U32)
		nla_put_u32(m, VPCPEER_A_PCX_EXPIRES, 1);
	else if (f == PCX_ENDED)
		nla_put_u64(m, VPCPEER_A_PCX_VISIBLE_UNTIL, VISIBLE_UNTIL);
	if (f == PCX_REMOTE_REQUESTER)
		put_remote_side(m, VPCPEER_A_PCX_REQUESTER, f, BLUE_ID, "a",
				"10.0.0.0/16", "fd00:b::/48");
	else if (f != PCX_NO_REQUESTER)
		put_side(m, VPCPEER_A_PCX_REQUESTER, f, BLUE_ID, "blue", 5, 10);
	if (remote_accepter(f))
		put_remote_side(m, VPCPEER_A_PCX_ACCEPTER, f, GREEN_ID, "b",
				"10.1.0.0/16", "fd00:9::/48");
	else if (f != PCX_NO_ACCEPTER)
		put_side(m, VPCPEER_A_PCX_ACCEPTER, f, GREEN_ID, "green", 7,
			 1000);
	nla_nest_end(m, pcx);
}

/* --- decoding and printing ----------------------------------------------- */

struct out {
	char *buf;
	size_t len;
	struct printer p;
};

static void out_start(struct out *o, bool json, bool stats)
{
	FILE *f = open_memstream(&o->buf, &o->len);

	assert_non_null(f);
	print_begin(&o->p, f, json, stats);
}

static void out_check(struct out *o, const char *want)
{
	assert_int_equal(print_end(&o->p), 0);
	fclose(o->p.out);
	assert_string_equal(o->buf, want);
	free(o->buf);
}

static int decode_vpc(struct nl_msg *m, struct vpc_info *v, char *err)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1];

	assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, PARSE_ERRLEN), 0);
	return vpc_decode(tb, v, err, PARSE_ERRLEN);
}

static int decode_pcx(struct nl_msg *m, struct pcx_info *x, char *err)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1];

	assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, PARSE_ERRLEN), 0);
	return pcx_decode(tb, x, err, PARSE_ERRLEN);
}

/* The VPC made with flaw f, printed. */
static void show_vpc(enum vpc_flaw f, bool json, const char *want)
{
	struct nl_msg *m = reply_new(VPCPEER_CMD_VPC_GET);
	char err[PARSE_ERRLEN] = "";
	struct vpc_info v;
	struct out o;

	put_vpc(m, f);
	assert_int_equal(decode_vpc(m, &v, err), 0);
	out_start(&o, json, false);
	print_vpc(&o.p, &v);
	out_check(&o, want);
	vpc_info_free(&v);
	nlmsg_free(m);
}

static void show_pcx(enum pcx_flaw f, bool json, bool stats,
		     const char *want)
{
	struct nl_msg *m = reply_new(VPCPEER_CMD_PCX_GET);
	char err[PARSE_ERRLEN] = "";
	struct pcx_info x;
	struct out o;

	put_pcx(m, f);
	assert_int_equal(decode_pcx(m, &x, err), 0);
	out_start(&o, json, stats);
	print_pcx(&o.p, &x);
	out_check(&o, want);
	pcx_info_free(&x);
	nlmsg_free(m);
}

static void test_vpc_text(void **state)
{
	(void)state;
	show_vpc(VPC_GOOD, false,
		 "vpc-0a1b2c3d blue netnsid 3\n"
		 "\tcidr 10.0.0.0/16\n"
		 "\tcidr fd00:b::/48\n");
	show_vpc(VPC_NETNSID_SELF, false,
		 "vpc-0a1b2c3d blue netnsid self\n"
		 "\tcidr 10.0.0.0/16\n"
		 "\tcidr fd00:b::/48\n");
	show_vpc(VPC_NO_NETNSID, false,
		 "vpc-0a1b2c3d blue\n"
		 "\tcidr 10.0.0.0/16\n"
		 "\tcidr fd00:b::/48\n");
	show_vpc(VPC_NO_CIDRS, false, "vpc-0a1b2c3d blue netnsid 3\n");
}

static void test_vpc_json(void **state)
{
	(void)state;
	show_vpc(VPC_NETNSID_SELF, true,
		 "[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":-1,"
		 "\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]}]\n");
	show_vpc(VPC_NO_NETNSID, true,
		 "[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\","
		 "\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]}]\n");
	show_vpc(VPC_NO_CIDRS, true,
		 "[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":3,"
		 "\"cidrs\":[]}]\n");
}

/* A newer kernel's attributes are skipped, at every level. */
static void test_vpc_newer(void **state)
{
	(void)state;
	show_vpc(VPC_NEWER, false,
		 "vpc-0a1b2c3d blue netnsid 3\n"
		 "\tcidr 10.0.0.0/16\n"
		 "\tcidr fd00:b::/48\n"
		 "\tcidr 10.2.0.0/16\n");
}

static void test_empty_and_many(void **state)
{
	struct nl_msg *m = reply_new(VPCPEER_CMD_VPC_GET);
	char err[PARSE_ERRLEN];
	struct vpc_info v;
	struct out o;

	(void)state;
	out_start(&o, true, false);
	out_check(&o, "[]\n");
	out_start(&o, false, false);
	out_check(&o, "");

	put_vpc(m, VPC_NO_CIDRS);
	assert_int_equal(decode_vpc(m, &v, err), 0);
	out_start(&o, true, false);
	print_vpc(&o.p, &v);
	print_vpc(&o.p, &v);
	out_check(&o,
		  "[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":3,\"cidrs\":[]},"
		  "{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":3,\"cidrs\":[]}]\n");
	vpc_info_free(&v);
	nlmsg_free(m);
}

struct bad_vpc {
	const char *name;
	enum vpc_flaw flaw;
	const char *msg;
};

static const struct bad_vpc bad_vpcs[] = {
	{ "no VPC nest", VPC_NO_NEST, "no VPCPEER_A_VPC" },
	{ "no id", VPC_NO_ID, "VPC without VPCPEER_A_VPC_ID" },
	{ "short id", VPC_SHORT_ID, "VPCPEER_A_VPC_ID of 2 bytes (expected 4)" },
	{ "no name", VPC_NO_NAME, "VPC without VPCPEER_A_VPC_NAME" },
	{ "name without NUL", VPC_NAME_NO_NUL,
	  "VPCPEER_A_VPC_NAME is not a NUL-terminated string" },
	{ "name with two NULs", VPC_NAME_TWO_NULS,
	  "VPCPEER_A_VPC_NAME is not a NUL-terminated string" },
	{ "name too long", VPC_NAME_TOO_LONG,
	  "VPCPEER_A_VPC_NAME is 64 bytes long (at most 63)" },
	{ "netnsid u8", VPC_NETNSID_U8,
	  "VPCPEER_A_VPC_NETNSID of 1 bytes (expected 4)" },
	{ "cidr of 5 bytes", VPC_CIDR_5_BYTES,
	  "VPCPEER_A_CIDR_ADDR of 5 bytes (expected 4 or 16)" },
	{ "IPv4 /33", VPC_CIDR_V4_LEN_33,
	  "VPCPEER_A_CIDR_PREFIXLEN 33 is too long for IPv4" },
	{ "IPv6 /129", VPC_CIDR_V6_LEN_129,
	  "VPCPEER_A_CIDR_PREFIXLEN 129 is too long for IPv6" },
	{ "cidr without length", VPC_CIDR_NO_LEN,
	  "CIDR without VPCPEER_A_CIDR_PREFIXLEN" },
	{ "cidr without address", VPC_CIDR_NO_ADDR,
	  "CIDR without VPCPEER_A_CIDR_ADDR" },
	{ "prefix length u32", VPC_CIDR_LEN_U32,
	  "VPCPEER_A_CIDR_PREFIXLEN of 4 bytes (expected 1)" },
};

static void test_bad_vpc(void **state)
{
	const struct bad_vpc *c = *state;
	struct nl_msg *m = reply_new(VPCPEER_CMD_VPC_GET);
	char err[PARSE_ERRLEN] = "";
	struct vpc_info v;

	put_vpc(m, c->flaw);
	assert_int_equal(decode_vpc(m, &v, err), -EINVAL);
	assert_string_equal(err, c->msg);
	/* Nothing to free after a failure. */
	assert_null(v.cidrs);
	nlmsg_free(m);
}

/* The examples of the man page, byte for byte. */
static void test_pcx_text(void **state)
{
	(void)state;
	show_pcx(PCX_GOOD, false, false,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n");
	show_pcx(PCX_NO_DEV, false, false,
		 "pcx-11223344 pending-acceptance \"Pending Acceptance by vpc-99887766\"\n"
		 "\trequester vpc-0a1b2c3d blue\n"
		 "\taccepter  vpc-99887766 green\n");
	show_pcx(PCX_NO_REASON, false, false,
		 "pcx-11223344 active\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n");
	show_pcx(PCX_NO_NAMES, false, false,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 dev pcx-11223344\n");
	show_pcx(PCX_OVERLAP, false, false,
		 "pcx-11223344 failed \"Failed: overlapping CIDR blocks (10.0.0.0/16 of blue overlaps green)\"\n"
		 "\trequester vpc-0a1b2c3d blue\n"
		 "\taccepter  vpc-99887766 green\n");
	show_pcx(PCX_STATE_42, false, false,
		 "pcx-11223344 state-42 \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n");
	show_pcx(PCX_NEWER, false, false,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n");
}

static void test_pcx_stats_text(void **state)
{
	(void)state;
	/* Counters are base + attribute type: 12, 13, ... */
	show_pcx(PCX_GOOD, false, true,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\t\ttx 12 packets 13 bytes  rx 14 packets 15 bytes\n"
		 "\t\tdropped not_active 16 src_not_in_vpc 17 dst_not_in_peer 18 too_big 19 malformed 20 rx 21"
		 " rx_not_active 22 rx_src_not_in_peer 23 rx_dst_not_in_vpc 24 rx_malformed 25 underlay 26\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n"
		 "\t\ttx 1002 packets 1003 bytes  rx 1004 packets 1005 bytes\n"
		 "\t\tdropped not_active 1006 src_not_in_vpc 1007 dst_not_in_peer 1008 too_big 1009 malformed 1010 rx 1011"
		 " rx_not_active 1012 rx_src_not_in_peer 1013 rx_dst_not_in_vpc 1014 rx_malformed 1015 underlay 1016\n");
	show_pcx(PCX_STATS_PARTIAL, false, true,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\t\ttx 0 packets 0 bytes  rx 0 packets 0 bytes\n"
		 "\t\tdropped not_active 0 src_not_in_vpc 0 dst_not_in_peer 3 too_big 0 malformed 0 rx 0"
		 " rx_not_active 0 rx_src_not_in_peer 0 rx_dst_not_in_vpc 0 rx_malformed 0 underlay 0\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n"
		 "\t\ttx 0 packets 0 bytes  rx 0 packets 0 bytes\n"
		 "\t\tdropped not_active 0 src_not_in_vpc 0 dst_not_in_peer 3 too_big 0 malformed 0 rx 0"
		 " rx_not_active 0 rx_src_not_in_peer 0 rx_dst_not_in_vpc 0 rx_malformed 0 underlay 0\n");
}

static void test_pcx_json(void **state)
{
	(void)state;
	show_pcx(PCX_GOOD, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
		 "\"reason\":\"provisioned\",\"message\":\"Active\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":7}}]\n");
	show_pcx(PCX_GOOD, true, true,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
		 "\"reason\":\"provisioned\",\"message\":\"Active\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":5,\"stats\":{"
		 "\"tx_packets\":12,\"tx_bytes\":13,\"rx_packets\":14,\"rx_bytes\":15,"
		 "\"drop_not_active\":16,\"drop_src_not_in_vpc\":17,"
		 "\"drop_dst_not_in_peer\":18,\"drop_too_big\":19,"
		 "\"drop_malformed\":20,\"drop_rx\":21,"
		 "\"rx_drop_not_active\":22,\"rx_drop_src_not_in_peer\":23,"
		 "\"rx_drop_dst_not_in_vpc\":24,\"rx_drop_malformed\":25,\"drop_underlay\":26}},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":7,\"stats\":{"
		 "\"tx_packets\":1002,\"tx_bytes\":1003,\"rx_packets\":1004,"
		 "\"rx_bytes\":1005,\"drop_not_active\":1006,"
		 "\"drop_src_not_in_vpc\":1007,\"drop_dst_not_in_peer\":1008,"
		 "\"drop_too_big\":1009,\"drop_malformed\":1010,\"drop_rx\":1011,"
		 "\"rx_drop_not_active\":1012,\"rx_drop_src_not_in_peer\":1013,"
		 "\"rx_drop_dst_not_in_vpc\":1014,\"rx_drop_malformed\":1015,\"drop_underlay\":1016}}}]\n");
	show_pcx(PCX_NO_DEV, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"pending-acceptance\","
		 "\"reason\":\"requested\","
		 "\"message\":\"Pending Acceptance by vpc-99887766\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}]\n");
	show_pcx(PCX_OVERLAP, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"failed\","
		 "\"reason\":\"overlap\",\"message\":\"Failed: overlapping CIDR "
		 "blocks (10.0.0.0/16 of blue overlaps green)\","
		 "\"reason_cidr\":\"10.0.0.0/16\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}]\n");
	show_pcx(PCX_NO_REASON, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":7}}]\n");
}

/* R2, R3, R14: expiry, visibility, per-side options; at the ends of lines. */
static void test_pcx_times_options(void **state)
{
	(void)state;
	show_pcx(PCX_EXPIRES, false, false,
		 "pcx-11223344 pending-acceptance \"Pending Acceptance by vpc-99887766\" expires 2025-12-03T10:00:00Z\n"
		 "\trequester vpc-0a1b2c3d blue\n"
		 "\taccepter  vpc-99887766 green\n");
	show_pcx(PCX_ENDED, false, false,
		 "pcx-11223344 deleted \"Deleted by vpc-0a1b2c3d\" visible-until 2025-11-26T10:00:00Z\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344\n");
	show_pcx(PCX_OPTIONS, false, true,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344 allow-dns-resolution on name blue's \"side\" of it\n"
		 "\t\ttx 12 packets 13 bytes  rx 14 packets 15 bytes\n"
		 "\t\tdropped not_active 16 src_not_in_vpc 17 dst_not_in_peer 18 too_big 19 malformed 20 rx 21"
		 " rx_not_active 22 rx_src_not_in_peer 23 rx_dst_not_in_vpc 24 rx_malformed 25 underlay 26\n"
		 "\taccepter  vpc-99887766 green dev pcx-11223344 allow-dns-resolution off\n"
		 "\t\ttx 1002 packets 1003 bytes  rx 1004 packets 1005 bytes\n"
		 "\t\tdropped not_active 1006 src_not_in_vpc 1007 dst_not_in_peer 1008 too_big 1009 malformed 1010 rx 1011"
		 " rx_not_active 1012 rx_src_not_in_peer 1013 rx_dst_not_in_vpc 1014 rx_malformed 1015 underlay 1016\n");
	show_pcx(PCX_EXPIRES, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"pending-acceptance\","
		 "\"reason\":\"requested\","
		 "\"message\":\"Pending Acceptance by vpc-99887766\",\"expires\":1764756000,"
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}]\n");
	show_pcx(PCX_ENDED, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"deleted\","
		 "\"reason\":\"deleted-by-requester\","
		 "\"message\":\"Deleted by vpc-0a1b2c3d\",\"visible_until\":1764151200,"
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":7}}]\n");
	show_pcx(PCX_OPTIONS, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
		 "\"reason\":\"provisioned\",\"message\":\"Active\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":5,"
		 "\"allow_dns_resolution\":true,\"name\":\"blue's \\\"side\\\" of it\"},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":7,"
		 "\"allow_dns_resolution\":false}}]\n");
}

/*
 * A peering across regions: the remote side has its region and its VPC's
 * blocks instead of a name and a device, in text and JSON, with -s too.
 */
static void test_pcx_remote(void **state)
{
	(void)state;
	show_pcx(PCX_REMOTE, false, false,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\taccepter  vpc-99887766 region b cidr 10.1.0.0/16 fd00:9::/48\n");
	show_pcx(PCX_REMOTE, false, true,
		 "pcx-11223344 active \"Active\"\n"
		 "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		 "\t\ttx 12 packets 13 bytes  rx 14 packets 15 bytes\n"
		 "\t\tdropped not_active 16 src_not_in_vpc 17 dst_not_in_peer 18 too_big 19 malformed 20 rx 21"
		 " rx_not_active 22 rx_src_not_in_peer 23 rx_dst_not_in_vpc 24 rx_malformed 25 underlay 26\n"
		 "\taccepter  vpc-99887766 region b cidr 10.1.0.0/16 fd00:9::/48\n");
	show_pcx(PCX_REMOTE_REQUESTER, false, false,
		 "pcx-11223344 pending-acceptance \"Pending Acceptance by vpc-99887766\"\n"
		 "\trequester vpc-0a1b2c3d region a cidr 10.0.0.0/16 fd00:b::/48\n"
		 "\taccepter  vpc-99887766 green\n");
	show_pcx(PCX_REMOTE, true, false,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
		 "\"reason\":\"provisioned\",\"message\":\"Active\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
		 "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"region\":\"b\","
		 "\"cidrs\":[\"10.1.0.0/16\",\"fd00:9::/48\"]}}]\n");
	show_pcx(PCX_REMOTE_REQUESTER, true, true,
		 "[{\"id\":\"pcx-11223344\",\"state\":\"pending-acceptance\","
		 "\"reason\":\"requested\","
		 "\"message\":\"Pending Acceptance by vpc-99887766\","
		 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"region\":\"a\","
		 "\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]},"
		 "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
		 "\"stats\":{\"tx_packets\":1002,\"tx_bytes\":1003,"
		 "\"rx_packets\":1004,\"rx_bytes\":1005,\"drop_not_active\":1006,"
		 "\"drop_src_not_in_vpc\":1007,\"drop_dst_not_in_peer\":1008,"
		 "\"drop_too_big\":1009,\"drop_malformed\":1010,\"drop_rx\":1011,"
		 "\"rx_drop_not_active\":1012,\"rx_drop_src_not_in_peer\":1013,"
		 "\"rx_drop_dst_not_in_vpc\":1014,\"rx_drop_malformed\":1015,"
		 "\"drop_underlay\":1016}}}]\n");
}

/* The decoded remote side itself: the region and the blocks, in order. */
static void test_pcx_remote_decoded(void **state)
{
	struct nl_msg *m = reply_new(VPCPEER_CMD_PCX_GET);
	char err[PARSE_ERRLEN] = "", cidr[PREFIX_STRLEN];
	struct pcx_info x;

	(void)state;
	put_pcx(m, PCX_REMOTE);
	assert_int_equal(decode_pcx(m, &x, err), 0);
	assert_null(x.requester.region);
	assert_int_equal(x.requester.ncidrs, 0);
	assert_null(x.requester.cidrs);
	assert_string_equal(x.accepter.region, "b");
	assert_null(x.accepter.vpc_name);
	assert_null(x.accepter.ifname);
	assert_false(x.accepter.has_stats);
	assert_int_equal(x.accepter.ncidrs, 2);
	assert_int_equal(format_prefix(&x.accepter.cidrs[0], cidr,
				       sizeof(cidr)), 0);
	assert_string_equal(cidr, "10.1.0.0/16");
	assert_int_equal(format_prefix(&x.accepter.cidrs[1], cidr,
				       sizeof(cidr)), 0);
	assert_string_equal(cidr, "fd00:9::/48");
	pcx_info_free(&x);
	assert_null(x.accepter.cidrs);
	assert_int_equal(x.accepter.ncidrs, 0);
	/* Twice is harmless. */
	pcx_info_free(&x);
	nlmsg_free(m);
}

/*
 * The kernel sends a reason, never words: every reason must read as AWS's
 * status message, in text and JSON. REQ and ACC name the VPCs by id but
 * for an overlap, which names them as the kernel did, by name where the
 * reply has one.
 */
#define REQ_NAME	1	/* the requester's VPC name is sent */
#define ACC_NAME	2
#define BOTH_NAMES	(REQ_NAME | ACC_NAME)

struct reason_case {
	uint8_t state;
	const char *state_name;
	uint8_t reason;
	const char *reason_name;
	const char *cidr;	/* VPCPEER_A_PCX_REASON_CIDR, or NULL */
	unsigned int names;	/* REQ_NAME, ACC_NAME */
	const char *message;
};

static const struct reason_case reason_cases[] = {
	{ VPCPEER_PCX_STATE_PENDING_ACCEPTANCE, "pending-acceptance",
	  VPCPEER_PCX_REASON_REQUESTED, "requested", NULL, BOTH_NAMES,
	  "Pending Acceptance by vpc-99887766" },
	{ VPCPEER_PCX_STATE_PROVISIONING, "provisioning",
	  VPCPEER_PCX_REASON_ACCEPTED, "accepted", NULL, BOTH_NAMES,
	  "Provisioning" },
	{ VPCPEER_PCX_STATE_ACTIVE, "active",
	  VPCPEER_PCX_REASON_PROVISIONED, "provisioned", NULL, BOTH_NAMES,
	  "Active" },
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_OVERLAP, "overlap", "10.0.0.0/16", BOTH_NAMES,
	  "Failed: overlapping CIDR blocks (10.0.0.0/16 of blue overlaps green)" },
	/* Without the names: the ids. */
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_OVERLAP, "overlap", "fd00:b::/48", 0,
	  "Failed: overlapping CIDR blocks (fd00:b::/48 of vpc-0a1b2c3d "
	  "overlaps vpc-99887766)" },
	/* A side whose name the reader may not see: its id. */
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_OVERLAP, "overlap", "10.0.0.0/16", REQ_NAME,
	  "Failed: overlapping CIDR blocks (10.0.0.0/16 of blue overlaps "
	  "vpc-99887766)" },
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_OVERLAP, "overlap", "10.0.0.0/16", ACC_NAME,
	  "Failed: overlapping CIDR blocks (10.0.0.0/16 of vpc-0a1b2c3d "
	  "overlaps green)" },
	/* An overlap without its block (the kernel always sends it). */
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_OVERLAP, "overlap", NULL, BOTH_NAMES,
	  "Failed: overlapping CIDR blocks (a block of blue overlaps green)" },
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP, "no-such-vpc-or-overlap",
	  NULL, BOTH_NAMES,
	  "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range" },
	{ VPCPEER_PCX_STATE_REJECTED, "rejected",
	  VPCPEER_PCX_REASON_REJECTED, "rejected", NULL, BOTH_NAMES,
	  "Rejected by vpc-99887766" },
	{ VPCPEER_PCX_STATE_EXPIRED, "expired",
	  VPCPEER_PCX_REASON_EXPIRED, "expired", NULL, BOTH_NAMES,
	  "Expired" },
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_DELETED_BY_REQUESTER, "deleted-by-requester", NULL,
	  BOTH_NAMES, "Deleted by vpc-0a1b2c3d" },
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER, "deleted-by-accepter", NULL,
	  0, "Deleted by vpc-99887766" },
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_DEVICE_GONE, "device-gone", NULL, BOTH_NAMES,
	  "Deleted: its device was removed" },
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_VPC_GONE, "vpc-gone", NULL, BOTH_NAMES,
	  "Deleted: a VPC of the peering was deleted" },
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_NETNS_GONE, "netns-gone", NULL, BOTH_NAMES,
	  "Deleted: a VPC's network namespace was deleted" },
	/* Across regions; until the accepter's region answers, AWS's words. */
	{ VPCPEER_PCX_STATE_INITIATING_REQUEST, "initiating-request",
	  VPCPEER_PCX_REASON_REQUESTED, "requested", NULL, REQ_NAME,
	  "Initiating Request to vpc-99887766" },
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_REGION_REFUSED, "region-refused", NULL,
	  BOTH_NAMES, "Failed: refused by the accepter's region" },
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_REGION_NO_ANSWER, "region-no-answer", NULL,
	  REQ_NAME, "Failed: the accepter's region did not answer" },
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_REGION_RESTARTED, "region-restarted", NULL,
	  REQ_NAME, "Deleted: the peer's region restarted" },
	/* Still being requested when the other region restarted. */
	{ VPCPEER_PCX_STATE_FAILED, "failed",
	  VPCPEER_PCX_REASON_REGION_RESTARTED, "region-restarted", NULL,
	  ACC_NAME, "Deleted: the peer's region restarted" },
	/* On the way out the reason is already the last one's: "Deleting". */
	{ VPCPEER_PCX_STATE_DELETING, "deleting",
	  VPCPEER_PCX_REASON_DELETED_BY_REQUESTER, "deleted-by-requester", NULL,
	  BOTH_NAMES, "Deleting" },
	{ VPCPEER_PCX_STATE_DELETING, "deleting",
	  VPCPEER_PCX_REASON_NETNS_GONE, "netns-gone", NULL, BOTH_NAMES,
	  "Deleting" },
	{ VPCPEER_PCX_STATE_DELETING, "deleting",
	  VPCPEER_PCX_REASON_REGION_RESTARTED, "region-restarted", NULL,
	  REQ_NAME, "Deleting" },
	/* A newer kernel's reasons, by number. */
	{ VPCPEER_PCX_STATE_DELETED, "deleted",
	  VPCPEER_PCX_REASON_MAX + 1, "reason-15", NULL, BOTH_NAMES,
	  "reason 15" },
	{ VPCPEER_PCX_STATE_FAILED, "failed", 255, "reason-255", NULL,
	  BOTH_NAMES, "reason 255" },
};

static void put_reason_pcx(struct nl_msg *m, const struct reason_case *c)
{
	struct nlattr *pcx = nla_nest_start(m, VPCPEER_A_PCX), *side;

	assert_non_null(pcx);
	nla_put_u32(m, VPCPEER_A_PCX_ID, PCX_ID);
	nla_put_u8(m, VPCPEER_A_PCX_STATE, c->state);
	nla_put_u8(m, VPCPEER_A_PCX_REASON, c->reason);
	if (c->cidr)
		put_cidr_nest(m, VPCPEER_A_PCX_REASON_CIDR, c->cidr);
	side = nla_nest_start(m, VPCPEER_A_PCX_REQUESTER);
	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, BLUE_ID);
	if (c->names & REQ_NAME)
		nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, "blue");
	nla_nest_end(m, side);
	side = nla_nest_start(m, VPCPEER_A_PCX_ACCEPTER);
	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, GREEN_ID);
	if (c->names & ACC_NAME)
		nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, "green");
	nla_nest_end(m, side);
	nla_nest_end(m, pcx);
}

static void test_pcx_reasons(void **state)
{
	char err[PARSE_ERRLEN], want[1024], buf[PCX_MESSAGE_LEN];
	char name[PCX_STATE_STRLEN], cidr[64];
	const struct reason_case *c;
	unsigned int r;
	struct pcx_info x;
	struct nl_msg *m;
	struct out o;
	size_t i;

	(void)state;
	/* Every reason this version knows has its words here. */
	for (r = 0; r <= VPCPEER_PCX_REASON_MAX; r++) {
		for (i = 0; i < ARRAY_SIZE(reason_cases); i++)
			if (reason_cases[i].reason == r &&
			    reason_cases[i].state != VPCPEER_PCX_STATE_DELETING)
				break;
		if (i == ARRAY_SIZE(reason_cases))
			fail_msg("reason %u has no case", r);
	}
	for (i = 0; i < ARRAY_SIZE(reason_cases); i++) {
		c = &reason_cases[i];
		m = reply_new(VPCPEER_CMD_PCX_GET);
		put_reason_pcx(m, c);
		assert_int_equal(decode_pcx(m, &x, err), 0);
		assert_true(x.has_reason);
		assert_int_equal(x.reason, c->reason);
		assert_int_equal(x.has_reason_cidr, !!c->cidr);
		assert_string_equal(pcx_message(&x, buf), c->message);
		assert_string_equal(pcx_reason_name(c->reason, name),
				    c->reason_name);

		snprintf(want, sizeof(want),
			 "pcx-11223344 %s \"%s\"\n"
			 "\trequester vpc-0a1b2c3d%s\n"
			 "\taccepter  vpc-99887766%s\n",
			 c->state_name, c->message,
			 c->names & REQ_NAME ? " blue" : "",
			 c->names & ACC_NAME ? " green" : "");
		out_start(&o, false, false);
		print_pcx(&o.p, &x);
		out_check(&o, want);

		cidr[0] = '\0';
		if (c->cidr)
			snprintf(cidr, sizeof(cidr), ",\"reason_cidr\":\"%s\"",
				 c->cidr);
		snprintf(want, sizeof(want),
			 "[{\"id\":\"pcx-11223344\",\"state\":\"%s\","
			 "\"reason\":\"%s\",\"message\":\"%s\"%s,"
			 "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\"%s},"
			 "\"accepter\":{\"vpc_id\":\"vpc-99887766\"%s}}]\n",
			 c->state_name, c->reason_name, c->message, cidr,
			 c->names & REQ_NAME ? ",\"vpc_name\":\"blue\"" : "",
			 c->names & ACC_NAME ? ",\"vpc_name\":\"green\"" : "");
		out_start(&o, true, false);
		print_pcx(&o.p, &x);
		out_check(&o, want);
		pcx_info_free(&x);
		nlmsg_free(m);
	}
	/* No reason sent: no message, whatever the state. */
	memset(&x, 0, sizeof(x));
	x.has_state = true;
	x.state = VPCPEER_PCX_STATE_DELETING;
	assert_string_equal(pcx_message(&x, buf), "");
}

/*
 * The message holds what the kernel names, the VPCs' names: printed as
 * any text from the kernel is, escaped (a module from elsewhere might
 * not keep to the name rule).
 */
static void test_pcx_reason_escaped(void **state)
{
	struct nl_msg *m = reply_new(VPCPEER_CMD_PCX_GET);
	struct nlattr *pcx, *side;
	char err[PARSE_ERRLEN];
	struct pcx_info x;
	struct out o;

	(void)state;
	pcx = nla_nest_start(m, VPCPEER_A_PCX);
	nla_put_u32(m, VPCPEER_A_PCX_ID, PCX_ID);
	nla_put_u8(m, VPCPEER_A_PCX_STATE, VPCPEER_PCX_STATE_FAILED);
	nla_put_u8(m, VPCPEER_A_PCX_REASON, VPCPEER_PCX_REASON_OVERLAP);
	put_cidr_nest(m, VPCPEER_A_PCX_REASON_CIDR, "10.0.0.0/16");
	side = nla_nest_start(m, VPCPEER_A_PCX_REQUESTER);
	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, BLUE_ID);
	nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, "\"blue\"\nhere");
	nla_nest_end(m, side);
	side = nla_nest_start(m, VPCPEER_A_PCX_ACCEPTER);
	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, GREEN_ID);
	nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, "gr\\een");
	nla_nest_end(m, side);
	nla_nest_end(m, pcx);
	assert_int_equal(decode_pcx(m, &x, err), 0);

	out_start(&o, false, false);
	print_pcx(&o.p, &x);
	out_check(&o,
		  "pcx-11223344 failed \"Failed: overlapping CIDR blocks "
		  "(10.0.0.0/16 of \\x22blue\\x22\\x0ahere overlaps gr\\x5ceen)\"\n"
		  "\trequester vpc-0a1b2c3d \"blue\"\\x0ahere\n"
		  "\taccepter  vpc-99887766 gr\\een\n");
	out_start(&o, true, false);
	print_pcx(&o.p, &x);
	out_check(&o,
		  "[{\"id\":\"pcx-11223344\",\"state\":\"failed\","
		  "\"reason\":\"overlap\",\"message\":\"Failed: overlapping CIDR "
		  "blocks (10.0.0.0/16 of \\\"blue\\\"\\nhere overlaps gr\\\\een)\","
		  "\"reason_cidr\":\"10.0.0.0/16\","
		  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\","
		  "\"vpc_name\":\"\\\"blue\\\"\\nhere\"},"
		  "\"accepter\":{\"vpc_id\":\"vpc-99887766\","
		  "\"vpc_name\":\"gr\\\\een\"}}]\n");
	pcx_info_free(&x);
	nlmsg_free(m);
}

struct bad_pcx {
	const char *name;
	enum pcx_flaw flaw;
	const char *msg;
};

static const struct bad_pcx bad_pcxs[] = {
	{ "no PCX nest", PCX_NO_NEST, "no VPCPEER_A_PCX" },
	{ "no id", PCX_NO_ID, "peering without VPCPEER_A_PCX_ID" },
	{ "no state", PCX_NO_STATE, "peering without VPCPEER_A_PCX_STATE" },
	{ "state u32", PCX_STATE_U32,
	  "VPCPEER_A_PCX_STATE of 4 bytes (expected 1)" },
	{ "no requester", PCX_NO_REQUESTER,
	  "peering without VPCPEER_A_PCX_REQUESTER" },
	{ "no accepter", PCX_NO_ACCEPTER,
	  "peering without VPCPEER_A_PCX_ACCEPTER" },
	{ "side without VPC", PCX_SIDE_NO_VPC,
	  "VPCPEER_A_PCX_REQUESTER without VPCPEER_A_SIDE_VPC_ID" },
	{ "ifname too long", PCX_IFNAME_TOO_LONG,
	  "VPCPEER_A_SIDE_IFNAME is 17 bytes long (at most 15)" },
	{ "counter u32", PCX_STAT_U32,
	  "VPCPEER_A_STATS_TX_PACKETS of 4 bytes (expected 8)" },
	{ "reason u32", PCX_REASON_U32,
	  "VPCPEER_A_PCX_REASON of 4 bytes (expected 1)" },
	{ "reason cidr of 5 bytes", PCX_REASON_CIDR_5_BYTES,
	  "VPCPEER_A_CIDR_ADDR of 5 bytes (expected 4 or 16)" },
	{ "reason cidr IPv4 /33", PCX_REASON_CIDR_V4_LEN_33,
	  "VPCPEER_A_CIDR_PREFIXLEN 33 is too long for IPv4" },
	{ "reason cidr without length", PCX_REASON_CIDR_NO_LEN,
	  "CIDR without VPCPEER_A_CIDR_PREFIXLEN" },
	{ "expires u32", PCX_EXPIRES_U32,
	  "VPCPEER_A_PCX_EXPIRES of 4 bytes (expected 8)" },
	{ "allow-dns u32", PCX_ALLOW_DNS_U32,
	  "VPCPEER_A_SIDE_ALLOW_DNS of 4 bytes (expected 1)" },
	{ "tag too long", PCX_TAG_TOO_LONG,
	  "VPCPEER_A_SIDE_TAG is 256 bytes long (at most 255)" },
	{ "region too long", PCX_REMOTE_REGION_TOO_LONG,
	  "VPCPEER_A_SIDE_REGION is 16 bytes long (at most 15)" },
	{ "region without NUL", PCX_REMOTE_REGION_NO_NUL,
	  "VPCPEER_A_SIDE_REGION is not a NUL-terminated string" },
	{ "remote block of 5 bytes", PCX_REMOTE_CIDR_5_BYTES,
	  "VPCPEER_A_CIDR_ADDR of 5 bytes (expected 4 or 16)" },
	{ "remote block IPv6 /129", PCX_REMOTE_CIDR_V6_LEN_129,
	  "VPCPEER_A_CIDR_PREFIXLEN 129 is too long for IPv6" },
	{ "remote block without length", PCX_REMOTE_CIDR_NO_LEN,
	  "CIDR without VPCPEER_A_CIDR_PREFIXLEN" },
};

static void test_bad_pcx(void **state)
{
	const struct bad_pcx *c = *state;
	struct nl_msg *m = reply_new(VPCPEER_CMD_PCX_GET);
	char err[PARSE_ERRLEN] = "";
	struct pcx_info x;

	put_pcx(m, c->flaw);
	assert_int_equal(decode_pcx(m, &x, err), -EINVAL);
	assert_string_equal(err, c->msg);
	/* Nothing to free after a failure, the good blocks before it too. */
	assert_null(x.requester.cidrs);
	assert_null(x.accepter.cidrs);
	nlmsg_free(m);
}

static void test_short_message(void **state)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1];
	struct nl_msg *m = nlmsg_alloc_simple(FAMILY, 0);
	char err[PARSE_ERRLEN] = "";

	(void)state;
	assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "message of 16 bytes is too short for its headers");
	nlmsg_free(m);
}

static void test_state_names(void **state)
{
	static const char *const want[] = {
		"initiating-request", "pending-acceptance", "provisioning",
		"active", "rejected", "expired", "failed", "deleting",
		"deleted",
	};
	char buf[PCX_STATE_STRLEN];
	unsigned int i;

	(void)state;
	assert_int_equal(ARRAY_SIZE(want), __VPCPEER_PCX_STATE_MAX);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(pcx_state_name(i, buf), want[i]);
	assert_string_equal(pcx_state_name(__VPCPEER_PCX_STATE_MAX, buf),
			    "state-9");
	assert_string_equal(pcx_state_name(4294967295u, buf),
			    "state-4294967295");
}

/* --- regions ------------------------------------------------------------ */

/* What a region reply may be made of. */
enum region_flaw {
	REG_UP,			/* up over wg0, heard, 3 peerings */
	REG_LOW_MTU,		/* up, but an inner MTU of 1384 */
	REG_CONNECTING_LOW_MTU,	/* connecting, and that MTU */
	REG_DOWN_LOW_MTU,	/* down, and that MTU */
	REG_UNENCRYPTED,	/* no encrypted route: nothing verified */
	REG_V6,			/* IPv6 over policy-based IPsec, no device */
	REG_NEWER,		/* a newer kernel's states and attributes */
	REG_ODD_PEER,		/* a peer name to escape */
	REG_STATS_PARTIAL,	/* some counters and a PAD */
	REG_NO_UNKNOWN,		/* no module-wide counter beside the nest */
	REG_WAS_CONNECTING,	/* an event: up, having been connecting */
	REG_NAME_ONLY,		/* a deleted region's event */
	REG_NO_NEST,
	REG_NO_NAME,
	REG_NAME_TOO_LONG,
	REG_NO_STATE,
	REG_NO_REMOTE,
	REG_NO_LOCAL,
	REG_ADDR_5_BYTES,
	REG_PORT_U32,
	REG_STATE_U32,
	REG_UNDERLAY_U16,
	REG_IFNAME_TOO_LONG,
	REG_MTU_U64,
	REG_PEER_NAME_TOO_LONG,
	REG_EPOCH_U32,
	REG_LAST_RX_U64,
	REG_COUNT_U8,
	REG_STAT_U32,
	REG_UNKNOWN_U32,
	REG_OLD_STATE_U32,
};

#define EPOCH		0x5c1e00000000009aULL

static void put_region_stats(struct nl_msg *m, enum region_flaw f)
{
	struct nlattr *st = nla_nest_start(m, VPCPEER_A_REGION_STATS);
	int a;

	assert_non_null(st);
	if (f == REG_STATS_PARTIAL) {
		nla_put(m, VPCPEER_A_RSTATS_PAD, 0, NULL);
		nla_put_u64(m, VPCPEER_A_RSTATS_RX_DROP_NOT_ENCRYPTED, 4);
		nla_put_u64(m, VPCPEER_A_RSTATS_MAX + 1, 77);
	} else if (f == REG_STAT_U32) {
		nla_put_u32(m, VPCPEER_A_RSTATS_CTL_DROP_STALE_EPOCH, 1);
	} else {
		/* Counter of type a is 100 + a: 102, 103, ... 118. */
		for (a = VPCPEER_A_RSTATS_TX_PACKETS; a <= VPCPEER_A_RSTATS_MAX; a++)
			nla_put_u64(m, a, 100 + a);
	}
	nla_nest_end(m, st);
}

static void put_region(struct nl_msg *m, enum region_flaw f)
{
	static const uint8_t r4[4] = { 10, 255, 0, 2 }, l4[4] = { 10, 255, 0, 1 };
	static const uint8_t r6[16] = { 0xfd, [15] = 2 }, l6[16] = { 0xfd, [15] = 1 };
	uint8_t state = VPCPEER_REGION_STATE_UP;
	uint8_t underlay = VPCPEER_UNDERLAY_WIREGUARD;
	bool v6 = f == REG_V6;
	struct nlattr *nest;

	if (f == REG_NO_NEST) {
		put_vpc(m, VPC_GOOD);
		return;
	}
	if (f == REG_UNENCRYPTED) {
		state = VPCPEER_REGION_STATE_UNENCRYPTED;
		underlay = VPCPEER_UNDERLAY_NONE;
	} else if (f == REG_CONNECTING_LOW_MTU) {
		state = VPCPEER_REGION_STATE_CONNECTING;
	} else if (f == REG_DOWN_LOW_MTU) {
		state = VPCPEER_REGION_STATE_DOWN;
	} else if (f == REG_V6) {
		underlay = VPCPEER_UNDERLAY_IPSEC;
	} else if (f == REG_NEWER) {
		state = 9;
		underlay = 7;
	}
	if (f != REG_NO_UNKNOWN && f != REG_NAME_ONLY) {
		if (f == REG_UNKNOWN_U32)
			nla_put_u32(m, VPCPEER_A_RX_DROP_UNKNOWN_REGION, 7);
		else
			nla_put_u64(m, VPCPEER_A_RX_DROP_UNKNOWN_REGION, 7);
	}
	if (f == REG_NEWER)
		nla_put_u32(m, VPCPEER_A_MAX + 1, 1);
	nest = nla_nest_start(m, VPCPEER_A_REGION);
	assert_non_null(nest);
	if (f == REG_NAME_TOO_LONG)
		nla_put_string(m, VPCPEER_A_REGION_NAME, "abcdefghijklmnop");
	else if (f != REG_NO_NAME)
		nla_put_string(m, VPCPEER_A_REGION_NAME, v6 ? "ap-southeast-2" : "b");
	if (f == REG_NAME_ONLY) {
		nla_nest_end(m, nest);
		return;
	}
	if (f == REG_ADDR_5_BYTES)
		nla_put(m, VPCPEER_A_REGION_REMOTE_ADDR, 5, "\x0a\0\0\0\0");
	else if (f != REG_NO_REMOTE)
		nla_put(m, VPCPEER_A_REGION_REMOTE_ADDR, v6 ? 16 : 4, v6 ? r6 : r4);
	if (f == REG_PORT_U32)
		nla_put_u32(m, VPCPEER_A_REGION_REMOTE_PORT, 6081);
	else
		nla_put_u16(m, VPCPEER_A_REGION_REMOTE_PORT, v6 ? 443 : 6081);
	if (f != REG_NO_LOCAL)
		nla_put(m, VPCPEER_A_REGION_LOCAL_ADDR, v6 ? 16 : 4, v6 ? l6 : l4);
	if (f == REG_STATE_U32)
		nla_put_u32(m, VPCPEER_A_REGION_STATE, state);
	else if (f != REG_NO_STATE)
		nla_put_u8(m, VPCPEER_A_REGION_STATE, state);
	if (f == REG_UNDERLAY_U16)
		nla_put_u16(m, VPCPEER_A_REGION_UNDERLAY, underlay);
	else
		nla_put_u8(m, VPCPEER_A_REGION_UNDERLAY, underlay);
	if (f == REG_IFNAME_TOO_LONG)
		nla_put_string(m, VPCPEER_A_REGION_UNDERLAY_IFNAME, "wireguard-underlay");
	else if (f != REG_UNENCRYPTED && f != REG_V6)
		nla_put_string(m, VPCPEER_A_REGION_UNDERLAY_IFNAME, "wg0");
	if (f == REG_MTU_U64)
		nla_put_u64(m, VPCPEER_A_REGION_INNER_MTU, 8884);
	else if (f == REG_LOW_MTU || f == REG_CONNECTING_LOW_MTU ||
		 f == REG_DOWN_LOW_MTU)
		nla_put_u32(m, VPCPEER_A_REGION_INNER_MTU, 1384);
	else if (f != REG_UNENCRYPTED)
		nla_put_u32(m, VPCPEER_A_REGION_INNER_MTU, v6 ? 8500 : 8884);
	if (f == REG_NEWER)
		nla_put_string(m, VPCPEER_A_REGION_MAX + 1, "new");
	/* Heard: the remote module's name, epoch and last word. */
	if (f != REG_UNENCRYPTED && f != REG_CONNECTING_LOW_MTU) {
		if (f == REG_PEER_NAME_TOO_LONG)
			nla_put_string(m, VPCPEER_A_REGION_PEER_NAME,
				       "abcdefghijklmnop");
		else
			nla_put_string(m, VPCPEER_A_REGION_PEER_NAME,
				       f == REG_ODD_PEER ? "b\"\n\\" : "b");
		if (f == REG_EPOCH_U32)
			nla_put_u32(m, VPCPEER_A_REGION_PEER_EPOCH, 1);
		else
			nla_put_u64(m, VPCPEER_A_REGION_PEER_EPOCH, EPOCH);
		if (f == REG_LAST_RX_U64)
			nla_put_u64(m, VPCPEER_A_REGION_LAST_RX_MS, 1);
		else
			nla_put_u32(m, VPCPEER_A_REGION_LAST_RX_MS,
				    f == REG_DOWN_LOW_MTU ? 45000 : 1234);
	}
	if (f == REG_COUNT_U8)
		nla_put_u8(m, VPCPEER_A_REGION_PCX_COUNT, 3);
	else
		nla_put_u32(m, VPCPEER_A_REGION_PCX_COUNT,
			    f == REG_UNENCRYPTED ? 0 : 3);
	put_region_stats(m, f);
	if (f == REG_WAS_CONNECTING)
		nla_put_u8(m, VPCPEER_A_REGION_OLD_STATE, VPCPEER_REGION_STATE_CONNECTING);
	else if (f == REG_OLD_STATE_U32)
		nla_put_u32(m, VPCPEER_A_REGION_OLD_STATE, VPCPEER_REGION_STATE_CONNECTING);
	nla_nest_end(m, nest);
}

static int decode_region(struct nl_msg *m, struct region_info *r, char *err)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1];

	assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, PARSE_ERRLEN), 0);
	return region_decode(tb, r, err, PARSE_ERRLEN);
}

/* The regions made with the flaws given (REG_UP ends the list), printed. */
static void show_regions(const enum region_flaw *f, bool json, bool stats,
			 const char *want)
{
	char err[PARSE_ERRLEN] = "";
	struct region_info r;
	struct nl_msg *m;
	struct out o;

	out_start(&o, json, stats);
	do {
		m = reply_new(VPCPEER_CMD_REGION_GET);
		put_region(m, *f);
		assert_int_equal(decode_region(m, &r, err), 0);
		print_region(&o.p, &r);
		nlmsg_free(m);
	} while (*f++ != REG_UP);
	out_check(&o, want);
}

static void show_region(enum region_flaw f, bool json, bool stats,
			const char *want)
{
	enum region_flaw fs[] = { f, REG_UP };

	if (f == REG_UP)
		show_regions(fs + 1, json, stats, want);
	else
		show_regions(fs, json, stats, want);
}

#define UP_HEAD	"region b remote 10.255.0.2:6081 local 10.255.0.1 state up underlay wireguard dev wg0\n"
#define UP_DETAILS "\tinner-mtu 8884 peer \"b\" epoch 5c1e00000000009a last-rx 1.2s peerings 3\n"
#define UP_STATS \
	"\t\ttx 102 packets 103 bytes outer_fragmented 111  rx 104 packets 105 bytes\n" \
	"\t\tctl tx 106 rx 107 retransmits 108\n" \
	"\t\tdropped tx_no_route 109 tx_not_encrypted 110 rx_not_encrypted 112 " \
	"rx_bad_header 113 rx_unknown_pcx 114 rx_wrong_region 115 ctl_invalid 116 " \
	"ctl_queue_full 117 ctl_stale_epoch 118\n"
#define UP_JSON \
	"{\"name\":\"b\",\"remote\":\"10.255.0.2\",\"remote_port\":6081," \
	"\"local\":\"10.255.0.1\",\"state\":\"up\",\"underlay\":\"wireguard\"," \
	"\"underlay_ifname\":\"wg0\",\"inner_mtu\":8884,\"peer_name\":\"b\"," \
	"\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,\"pcx_count\":3"
#define UP_JSON_STATS \
	",\"stats\":{\"tx_packets\":102,\"tx_bytes\":103,\"rx_packets\":104," \
	"\"rx_bytes\":105,\"ctl_tx\":106,\"ctl_rx\":107,\"ctl_retransmits\":108," \
	"\"tx_drop_no_route\":109,\"tx_drop_not_encrypted\":110," \
	"\"tx_outer_fragmented\":111,\"rx_drop_not_encrypted\":112," \
	"\"rx_drop_bad_header\":113,\"rx_drop_unknown_pcx\":114," \
	"\"rx_drop_wrong_region\":115,\"ctl_drop_invalid\":116," \
	"\"ctl_drop_queue_full\":117,\"ctl_drop_stale_epoch\":118}," \
	"\"rx_drop_unknown_region\":7"
#define MTU_WARNING \
	"\twarning: inner MTU 1384 < 8500: packets of peerings will be " \
	"fragmented outside; raise the underlay MTU\n"

/* The examples of the man page, byte for byte. */
static void test_region_text(void **state)
{
	(void)state;
	show_region(REG_UP, false, false, UP_HEAD UP_DETAILS);
	show_region(REG_UNENCRYPTED, false, false,
		    "region b remote 10.255.0.2:6081 local 10.255.0.1 state unencrypted underlay none\n"
		    "\tpeerings 0\n" UP_HEAD UP_DETAILS);
	show_region(REG_V6, false, false,
		    "region ap-southeast-2 remote [fd00::2]:443 local fd00::1 state up underlay ipsec\n"
		    "\tinner-mtu 8500 peer \"b\" epoch 5c1e00000000009a last-rx 1.2s peerings 3\n"
		    UP_HEAD UP_DETAILS);
	show_region(REG_NEWER, false, false,
		    "region b remote 10.255.0.2:6081 local 10.255.0.1 state state-9 underlay underlay-7 dev wg0\n"
		    UP_DETAILS UP_HEAD UP_DETAILS);
	show_region(REG_ODD_PEER, false, false,
		    UP_HEAD
		    "\tinner-mtu 8884 peer \"b\\x22\\x0a\\x5c\" epoch 5c1e00000000009a last-rx 1.2s peerings 3\n"
		    UP_HEAD UP_DETAILS);
}

/* Below AWS's 8500 a region that sends says so; one that cannot, not. */
static void test_region_mtu_warning(void **state)
{
	char buf[REGION_WARNING_LEN];
	struct region_info r = {
		.has_state = true, .state = VPCPEER_REGION_STATE_UP,
		.has_inner_mtu = true, .inner_mtu = 8499,
	};

	(void)state;
	show_region(REG_LOW_MTU, false, false,
		    UP_HEAD
		    "\tinner-mtu 1384 peer \"b\" epoch 5c1e00000000009a last-rx 1.2s peerings 3\n"
		    MTU_WARNING UP_HEAD UP_DETAILS);
	show_region(REG_CONNECTING_LOW_MTU, false, false,
		    "region b remote 10.255.0.2:6081 local 10.255.0.1 state connecting underlay wireguard dev wg0\n"
		    "\tinner-mtu 1384 peerings 3\n" MTU_WARNING UP_HEAD UP_DETAILS);
	show_region(REG_DOWN_LOW_MTU, false, false,
		    "region b remote 10.255.0.2:6081 local 10.255.0.1 state down underlay wireguard dev wg0\n"
		    "\tinner-mtu 1384 peer \"b\" epoch 5c1e00000000009a last-rx 45.0s peerings 3\n"
		    MTU_WARNING UP_HEAD UP_DETAILS);
	assert_string_equal(region_mtu_warning(&r, buf),
			    "inner MTU 8499 < 8500: packets of peerings will be fragmented outside; raise the underlay MTU");
	r.inner_mtu = 8500;
	assert_string_equal(region_mtu_warning(&r, buf), "");
	r.inner_mtu = 0;
	r.state = VPCPEER_REGION_STATE_UNENCRYPTED;
	assert_string_equal(region_mtu_warning(&r, buf), "");
	r.state = 9;
	assert_string_equal(region_mtu_warning(&r, buf), "");
	r.state = VPCPEER_REGION_STATE_DOWN;
	r.has_inner_mtu = false;
	assert_string_equal(region_mtu_warning(&r, buf), "");
	r.has_inner_mtu = true;
	assert_string_equal(region_mtu_warning(&r, buf),
			    "inner MTU 0 < 8500: packets of peerings will be fragmented outside; raise the underlay MTU");
}

/* -s: every counter, and the module-wide one once, after the last region. */
static void test_region_stats_text(void **state)
{
	static const enum region_flaw two[] = { REG_UNENCRYPTED, REG_UP };

	(void)state;
	show_region(REG_UP, false, true,
		    UP_HEAD UP_DETAILS UP_STATS
		    "module dropped rx_unknown_region 7\n");
	show_regions(two, false, true,
		     "region b remote 10.255.0.2:6081 local 10.255.0.1 state unencrypted underlay none\n"
		     "\tpeerings 0\n" UP_STATS UP_HEAD UP_DETAILS UP_STATS
		     "module dropped rx_unknown_region 7\n");
	show_region(REG_STATS_PARTIAL, false, true,
		    UP_HEAD UP_DETAILS
		    "\t\ttx 0 packets 0 bytes outer_fragmented 0  rx 0 packets 0 bytes\n"
		    "\t\tctl tx 0 rx 0 retransmits 0\n"
		    "\t\tdropped tx_no_route 0 tx_not_encrypted 0 rx_not_encrypted 4 "
		    "rx_bad_header 0 rx_unknown_pcx 0 rx_wrong_region 0 ctl_invalid 0 "
		    "ctl_queue_full 0 ctl_stale_epoch 0\n"
		    UP_HEAD UP_DETAILS UP_STATS
		    "module dropped rx_unknown_region 7\n");
	/* A kernel that sent no module-wide counter: no line for it. */
	{
		static const enum region_flaw none[] = { REG_NO_UNKNOWN };
		char err[PARSE_ERRLEN];
		struct region_info r;
		struct nl_msg *m = reply_new(VPCPEER_CMD_REGION_GET);
		struct out o;

		put_region(m, none[0]);
		assert_int_equal(decode_region(m, &r, err), 0);
		assert_false(r.has_unknown_drops);
		out_start(&o, false, true);
		print_region(&o.p, &r);
		out_check(&o, UP_HEAD UP_DETAILS UP_STATS);
		out_start(&o, true, true);
		print_region(&o.p, &r);
		out_check(&o, "[" UP_JSON ",\"stats\":{\"tx_packets\":102,"
			  "\"tx_bytes\":103,\"rx_packets\":104,\"rx_bytes\":105,"
			  "\"ctl_tx\":106,\"ctl_rx\":107,\"ctl_retransmits\":108,"
			  "\"tx_drop_no_route\":109,\"tx_drop_not_encrypted\":110,"
			  "\"tx_outer_fragmented\":111,\"rx_drop_not_encrypted\":112,"
			  "\"rx_drop_bad_header\":113,\"rx_drop_unknown_pcx\":114,"
			  "\"rx_drop_wrong_region\":115,\"ctl_drop_invalid\":116,"
			  "\"ctl_drop_queue_full\":117,\"ctl_drop_stale_epoch\":118}}]\n");
		nlmsg_free(m);
	}
	/* Nothing at all: no line either. */
	{
		struct out o;

		out_start(&o, false, true);
		out_check(&o, "");
	}
}

static void test_region_json(void **state)
{
	static const enum region_flaw two[] = { REG_V6, REG_UP };

	(void)state;
	show_region(REG_UP, true, false, "[" UP_JSON "}]\n");
	show_region(REG_UP, true, true, "[" UP_JSON UP_JSON_STATS "}]\n");
	show_regions(two, true, false,
		     "[{\"name\":\"ap-southeast-2\",\"remote\":\"fd00::2\","
		     "\"remote_port\":443,\"local\":\"fd00::1\",\"state\":\"up\","
		     "\"underlay\":\"ipsec\",\"inner_mtu\":8500,\"peer_name\":\"b\","
		     "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
		     "\"pcx_count\":3}," UP_JSON "}]\n");
	show_region(REG_UNENCRYPTED, true, false,
		    "[{\"name\":\"b\",\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
		    "\"local\":\"10.255.0.1\",\"state\":\"unencrypted\","
		    "\"underlay\":\"none\",\"pcx_count\":0}," UP_JSON "}]\n");
	show_region(REG_NEWER, true, false,
		    "[{\"name\":\"b\",\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
		    "\"local\":\"10.255.0.1\",\"state\":\"state-9\","
		    "\"underlay\":\"underlay-7\",\"underlay_ifname\":\"wg0\","
		    "\"inner_mtu\":8884,\"peer_name\":\"b\","
		    "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
		    "\"pcx_count\":3}," UP_JSON "}]\n");
	show_region(REG_ODD_PEER, true, false,
		    "[{\"name\":\"b\",\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
		    "\"local\":\"10.255.0.1\",\"state\":\"up\",\"underlay\":\"wireguard\","
		    "\"underlay_ifname\":\"wg0\",\"inner_mtu\":8884,"
		    "\"peer_name\":\"b\\\"\\n\\\\\","
		    "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
		    "\"pcx_count\":3}," UP_JSON "}]\n");
}

struct bad_region {
	const char *name;
	enum region_flaw flaw;
	const char *msg;
};

static const struct bad_region bad_regions[] = {
	{ "no region nest", REG_NO_NEST, "no VPCPEER_A_REGION" },
	{ "no name", REG_NO_NAME, "region without VPCPEER_A_REGION_NAME" },
	{ "name too long", REG_NAME_TOO_LONG,
	  "VPCPEER_A_REGION_NAME is 16 bytes long (at most 15)" },
	{ "name only (a deleted region's event)", REG_NAME_ONLY,
	  "region without VPCPEER_A_REGION_STATE" },
	{ "no state", REG_NO_STATE, "region without VPCPEER_A_REGION_STATE" },
	{ "no remote address", REG_NO_REMOTE,
	  "region without VPCPEER_A_REGION_REMOTE_ADDR" },
	{ "no local address", REG_NO_LOCAL,
	  "region without VPCPEER_A_REGION_LOCAL_ADDR" },
	{ "address of 5 bytes", REG_ADDR_5_BYTES,
	  "VPCPEER_A_REGION_REMOTE_ADDR of 5 bytes (expected 4 or 16)" },
	{ "port u32", REG_PORT_U32,
	  "VPCPEER_A_REGION_REMOTE_PORT of 4 bytes (expected 2)" },
	{ "state u32", REG_STATE_U32,
	  "VPCPEER_A_REGION_STATE of 4 bytes (expected 1)" },
	{ "underlay u16", REG_UNDERLAY_U16,
	  "VPCPEER_A_REGION_UNDERLAY of 2 bytes (expected 1)" },
	{ "underlay ifname too long", REG_IFNAME_TOO_LONG,
	  "VPCPEER_A_REGION_UNDERLAY_IFNAME is 18 bytes long (at most 15)" },
	{ "inner MTU u64", REG_MTU_U64,
	  "VPCPEER_A_REGION_INNER_MTU of 8 bytes (expected 4)" },
	{ "peer name too long", REG_PEER_NAME_TOO_LONG,
	  "VPCPEER_A_REGION_PEER_NAME is 16 bytes long (at most 15)" },
	{ "epoch u32", REG_EPOCH_U32,
	  "VPCPEER_A_REGION_PEER_EPOCH of 4 bytes (expected 8)" },
	{ "last rx u64", REG_LAST_RX_U64,
	  "VPCPEER_A_REGION_LAST_RX_MS of 8 bytes (expected 4)" },
	{ "peerings u8", REG_COUNT_U8,
	  "VPCPEER_A_REGION_PCX_COUNT of 1 bytes (expected 4)" },
	{ "counter u32", REG_STAT_U32,
	  "VPCPEER_A_RSTATS_CTL_DROP_STALE_EPOCH of 4 bytes (expected 8)" },
	{ "module-wide counter u32", REG_UNKNOWN_U32,
	  "VPCPEER_A_RX_DROP_UNKNOWN_REGION of 4 bytes (expected 8)" },
	{ "old state u32", REG_OLD_STATE_U32,
	  "VPCPEER_A_REGION_OLD_STATE of 4 bytes (expected 1)" },
};

static void test_bad_region(void **state)
{
	const struct bad_region *c = *state;
	struct nl_msg *m = reply_new(VPCPEER_CMD_REGION_GET);
	char err[PARSE_ERRLEN] = "";
	struct region_info r;

	put_region(m, c->flaw);
	assert_int_equal(decode_region(m, &r, err), -EINVAL);
	assert_string_equal(err, c->msg);
	nlmsg_free(m);
}

static void test_region_names(void **state)
{
	static const char *const states[] = {
		"connecting", "up", "down", "unencrypted",
	};
	static const char *const underlays[] = {
		"none", "wireguard", "ipsec", "xfrm-interface",
	};
	char buf[REGION_WORD_STRLEN];
	unsigned int i;

	(void)state;
	assert_int_equal(ARRAY_SIZE(states), __VPCPEER_REGION_STATE_MAX);
	assert_int_equal(ARRAY_SIZE(underlays), __VPCPEER_UNDERLAY_MAX);
	for (i = 0; i < ARRAY_SIZE(states); i++)
		assert_string_equal(region_state_name(i, buf), states[i]);
	for (i = 0; i < ARRAY_SIZE(underlays); i++)
		assert_string_equal(underlay_name(i, buf), underlays[i]);
	assert_string_equal(region_state_name(4, buf), "state-4");
	assert_string_equal(region_state_name(4294967295u, buf),
			    "state-4294967295");
	assert_string_equal(underlay_name(255, buf), "underlay-255");
}

/* --- events (monitor) --------------------------------------------------- */

enum event_body {
	EV_VPC,			/* put_vpc(VPC_GOOD) */
	EV_REGION,		/* put_region(flaw) */
	EV_VPC_BARE,		/* id and name only */
	EV_VPC_CIDR,		/* put_vpc(VPC_GOOD) and a block */
	EV_PCX,			/* put_pcx(flaw) */
	EV_NONE,
};

struct event_case {
	const char *name;
	uint8_t cmd;
	enum event_body body;
	int flaw;		/* enum pcx_flaw, or region_flaw (EV_REGION) */
	int ret;
	const char *text;	/* or the error */
	const char *json;
};

static const struct event_case event_cases[] = {
	{ "vpc new", VPCPEER_CMD_VPC_NEW_NTF, EV_VPC, 0, 0,
	  "vpc new vpc-0a1b2c3d blue 10.0.0.0/16 fd00:b::/48\n",
	  "{\"event\":\"vpc-new\",\"vpc\":{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\","
	  "\"netnsid\":3,\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]}}\n" },
	{ "vpc del", VPCPEER_CMD_VPC_DEL_NTF, EV_VPC_BARE, 0, 0,
	  "vpc del vpc-0a1b2c3d blue\n",
	  "{\"event\":\"vpc-del\",\"vpc\":{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\"}}\n" },
	{ "vpc cidr-add", VPCPEER_CMD_VPC_CIDR_ADD_NTF, EV_VPC_CIDR, 0, 0,
	  "vpc cidr-add vpc-0a1b2c3d blue 10.2.0.0/16\n",
	  "{\"event\":\"vpc-cidr-add\",\"vpc\":{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\","
	  "\"netnsid\":3},\"cidr\":\"10.2.0.0/16\"}\n" },
	{ "vpc cidr-del", VPCPEER_CMD_VPC_CIDR_DEL_NTF, EV_VPC_CIDR, 0, 0,
	  "vpc cidr-del vpc-0a1b2c3d blue 10.2.0.0/16\n",
	  "{\"event\":\"vpc-cidr-del\",\"vpc\":{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\","
	  "\"netnsid\":3},\"cidr\":\"10.2.0.0/16\"}\n" },
	{ "pcx new", VPCPEER_CMD_PCX_REQUEST_NTF, EV_PCX, PCX_EXPIRES, 0,
	  "pcx new pcx-11223344 blue -> green pending-acceptance\n",
	  "{\"event\":\"pcx-new\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"pending-acceptance\",\"reason\":\"requested\","
	  "\"message\":\"Pending Acceptance by vpc-99887766\","
	  "\"expires\":1764756000,"
	  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	  "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}}\n" },
	{ "pcx new, no names", VPCPEER_CMD_PCX_REQUEST_NTF, EV_PCX,
	  PCX_NO_NAMES, 0,
	  "pcx new pcx-11223344 vpc-0a1b2c3d -> vpc-99887766 active\n", NULL },
	{ "pcx new, failed", VPCPEER_CMD_PCX_REQUEST_NTF, EV_PCX, PCX_OVERLAP,
	  0, "pcx new pcx-11223344 blue -> green failed\n",
	  "{\"event\":\"pcx-new\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"failed\",\"reason\":\"overlap\","
	  "\"message\":\"Failed: overlapping CIDR blocks (10.0.0.0/16 of blue "
	  "overlaps green)\",\"reason_cidr\":\"10.0.0.0/16\","
	  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	  "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}}\n" },
	{ "pcx new, across regions", VPCPEER_CMD_PCX_REQUEST_NTF, EV_PCX,
	  PCX_REMOTE_REQUESTER, 0,
	  "pcx new pcx-11223344 vpc-0a1b2c3d -> green pending-acceptance\n",
	  "{\"event\":\"pcx-new\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"pending-acceptance\",\"reason\":\"requested\","
	  "\"message\":\"Pending Acceptance by vpc-99887766\","
	  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"region\":\"a\","
	  "\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]},"
	  "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}}\n" },
	{ "bad: pcx new with a bad remote block", VPCPEER_CMD_PCX_REQUEST_NTF,
	  EV_PCX, PCX_REMOTE_CIDR_5_BYTES, -EINVAL,
	  "VPCPEER_A_CIDR_ADDR of 5 bytes (expected 4 or 16)", NULL },
	{ "pcx state", VPCPEER_CMD_PCX_STATE_NTF, EV_PCX, PCX_OLD_STATE, 0,
	  "pcx state pcx-11223344 provisioning -> active: Active\n",
	  "{\"event\":\"pcx-state\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"active\",\"reason\":\"provisioned\",\"message\":\"Active\","
	  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	  "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
	  "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	  "\"ifname\":\"pcx-11223344\",\"ifindex\":7}},"
	  "\"old_state\":\"provisioning\"}\n" },
	{ "pcx state, deleting", VPCPEER_CMD_PCX_STATE_NTF, EV_PCX, PCX_DELETING, 0,
	  "pcx state pcx-11223344 active -> deleting: Deleting\n",
	  "{\"event\":\"pcx-state\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"deleting\",\"reason\":\"deleted-by-accepter\","
	  "\"message\":\"Deleting\","
	  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	  "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
	  "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	  "\"ifname\":\"pcx-11223344\",\"ifindex\":7}},"
	  "\"old_state\":\"active\"}\n" },
	{ "pcx set", VPCPEER_CMD_PCX_SET_NTF, EV_PCX, PCX_OPTIONS, 0,
	  "pcx set pcx-11223344 requester allow-dns-resolution on name blue's \"side\" of it"
	  " accepter allow-dns-resolution off\n",
	  "{\"event\":\"pcx-set\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"active\",\"reason\":\"provisioned\",\"message\":\"Active\","
	  "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	  "\"ifname\":\"pcx-11223344\",\"ifindex\":5,\"allow_dns_resolution\":true,"
	  "\"name\":\"blue's \\\"side\\\" of it\"},"
	  "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	  "\"ifname\":\"pcx-11223344\",\"ifindex\":7,\"allow_dns_resolution\":false}}}\n" },
	{ "pcx del", VPCPEER_CMD_PCX_DEL_NTF, EV_PCX, PCX_ID_STATE, 0,
	  "pcx del pcx-11223344\n",
	  "{\"event\":\"pcx-del\",\"pcx\":{\"id\":\"pcx-11223344\","
	  "\"state\":\"deleted\"}}\n" },
	{ "pcx del, id only", VPCPEER_CMD_PCX_DEL_NTF, EV_PCX, PCX_ID_ONLY, 0,
	  "pcx del pcx-11223344\n",
	  "{\"event\":\"pcx-del\",\"pcx\":{\"id\":\"pcx-11223344\"}}\n" },
	{ "pcx del, whole", VPCPEER_CMD_PCX_DEL_NTF, EV_PCX, PCX_ENDED, 0,
	  "pcx del pcx-11223344\n", NULL },
	{ "unknown: a GET", VPCPEER_CMD_VPC_GET, EV_VPC, 0, -EOPNOTSUPP, NULL,
	  NULL },
	{ "unknown: a request's id, as events had before *_NTF",
	  VPCPEER_CMD_VPC_NEW, EV_VPC, 0, -EOPNOTSUPP, NULL, NULL },
	{ "unknown: from the future", VPCPEER_CMD_MAX + 1, EV_VPC, 0,
	  -EOPNOTSUPP, NULL, NULL },
	{ "unknown: 0", 0, EV_NONE, 0, -EOPNOTSUPP, NULL,
	  NULL },
	{ "bad: state without old state", VPCPEER_CMD_PCX_STATE_NTF, EV_PCX,
	  PCX_GOOD, -EINVAL, "PCX_STATE event without VPCPEER_A_PCX_OLD_STATE",
	  NULL },
	/* Decoded whole, then refused: its remote blocks are freed. */
	{ "bad: state of a remote pcx without old state",
	  VPCPEER_CMD_PCX_STATE_NTF, EV_PCX, PCX_REMOTE, -EINVAL,
	  "PCX_STATE event without VPCPEER_A_PCX_OLD_STATE", NULL },
	{ "bad: cidr-add without the block", VPCPEER_CMD_VPC_CIDR_ADD_NTF, EV_VPC, 0,
	  -EINVAL, "VPC_CIDR_ADD event without VPCPEER_A_CIDR", NULL },
	{ "bad: pcx del without id", VPCPEER_CMD_PCX_DEL_NTF, EV_PCX, PCX_NO_ID,
	  -EINVAL, "peering without VPCPEER_A_PCX_ID", NULL },
	{ "bad: pcx set without accepter", VPCPEER_CMD_PCX_SET_NTF, EV_PCX,
	  PCX_NO_ACCEPTER, -EINVAL, "peering without VPCPEER_A_PCX_ACCEPTER",
	  NULL },
	{ "bad: vpc new without nest", VPCPEER_CMD_VPC_NEW_NTF, EV_NONE, 0, -EINVAL,
	  "no VPCPEER_A_VPC", NULL },
	{ "region state", VPCPEER_CMD_REGION_STATE_NTF, EV_REGION, REG_UP, 0,
	  "region state b up underlay wireguard dev wg0 inner-mtu 8884 "
	  "remote 10.255.0.2:6081 local 10.255.0.1\n",
	  "{\"event\":\"region-state\",\"region\":{\"name\":\"b\","
	  "\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
	  "\"local\":\"10.255.0.1\",\"state\":\"up\",\"underlay\":\"wireguard\","
	  "\"underlay_ifname\":\"wg0\",\"inner_mtu\":8884,\"peer_name\":\"b\","
	  "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
	  "\"pcx_count\":3}}\n" },
	{ "region state, changed", VPCPEER_CMD_REGION_STATE_NTF, EV_REGION,
	  REG_WAS_CONNECTING, 0,
	  "region state b connecting -> up underlay wireguard dev wg0 "
	  "inner-mtu 8884 remote 10.255.0.2:6081 local 10.255.0.1\n",
	  "{\"event\":\"region-state\",\"region\":{\"name\":\"b\","
	  "\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
	  "\"local\":\"10.255.0.1\",\"state\":\"up\",\"underlay\":\"wireguard\","
	  "\"underlay_ifname\":\"wg0\",\"inner_mtu\":8884,\"peer_name\":\"b\","
	  "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
	  "\"pcx_count\":3},\"old_state\":\"connecting\"}\n" },
	{ "region state, unencrypted", VPCPEER_CMD_REGION_STATE_NTF, EV_REGION,
	  REG_UNENCRYPTED, 0,
	  "region state b unencrypted underlay none "
	  "remote 10.255.0.2:6081 local 10.255.0.1\n", NULL },
	{ "region state, IPv6", VPCPEER_CMD_REGION_STATE_NTF, EV_REGION, REG_V6,
	  0, "region state ap-southeast-2 up underlay ipsec inner-mtu 8500 "
	  "remote [fd00::2]:443 local fd00::1\n", NULL },
	{ "region state, deleted", VPCPEER_CMD_REGION_STATE_NTF, EV_REGION,
	  REG_NAME_ONLY, 0, "region state b deleted\n",
	  "{\"event\":\"region-state\",\"region\":{\"name\":\"b\"},"
	  "\"deleted\":true}\n" },
	{ "bad: region state without name", VPCPEER_CMD_REGION_STATE_NTF,
	  EV_REGION, REG_NO_NAME, -EINVAL,
	  "region without VPCPEER_A_REGION_NAME", NULL },
	{ "bad: region state without local address",
	  VPCPEER_CMD_REGION_STATE_NTF, EV_REGION, REG_NO_LOCAL, -EINVAL,
	  "region without VPCPEER_A_REGION_LOCAL_ADDR", NULL },
	{ "bad: region state without nest", VPCPEER_CMD_REGION_STATE_NTF,
	  EV_NONE, 0, -EINVAL, "no VPCPEER_A_REGION", NULL },
};

static void event_print_check(const struct vp_event *e, bool json,
			      const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(print_event(f, json, false, e), 0);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void test_event(void **state)
{
	const struct event_case *c = *state;
	struct nl_msg *m = reply_new(c->cmd);
	struct nlattr *tb[VPCPEER_A_MAX + 1], *nest;
	char err[PARSE_ERRLEN] = "";
	struct vp_event e;
	int ret;

	switch (c->body) {
	case EV_VPC:
		put_vpc(m, VPC_GOOD);
		break;
	case EV_VPC_BARE:
		nest = nla_nest_start(m, VPCPEER_A_VPC);
		nla_put_u32(m, VPCPEER_A_VPC_ID, BLUE_ID);
		nla_put_string(m, VPCPEER_A_VPC_NAME, "blue");
		nla_nest_end(m, nest);
		break;
	case EV_VPC_CIDR:
		put_cidr_nest(m, VPCPEER_A_CIDR, "10.2.0.0/16");
		put_vpc(m, VPC_GOOD);
		break;
	case EV_PCX:
		put_pcx(m, c->flaw);
		break;
	case EV_REGION:
		put_region(m, c->flaw);
		break;
	case EV_NONE:
		break;
	}
	assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, sizeof(err)), 0);
	ret = event_decode(c->cmd, tb, &e, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret == -EINVAL)
		assert_string_equal(err, c->text);
	if (!ret) {
		assert_int_equal(e.region_gone, c->body == EV_REGION &&
						c->flaw == REG_NAME_ONLY);
		event_print_check(&e, false, c->text);
		if (c->json)
			event_print_check(&e, true, c->json);
		vp_event_free(&e);
	}
	nlmsg_free(m);
}

/* -D goes on exactly the requests that change something. */
static void test_cmd_mutates(void **state)
{
	unsigned int cmd;
	bool want;

	(void)state;
	for (cmd = 0; cmd <= 255; cmd++) {
		want = (cmd >= VPCPEER_CMD_VPC_NEW && cmd <= VPCPEER_CMD_PCX_SET &&
			cmd != VPCPEER_CMD_VPC_GET && cmd != VPCPEER_CMD_PCX_GET) ||
		       cmd == VPCPEER_CMD_REGION_NEW ||
		       cmd == VPCPEER_CMD_REGION_SET ||
		       cmd == VPCPEER_CMD_REGION_DEL;
		if (msg_cmd_mutates(cmd) != want)
			fail_msg("command %u: mutates is %d", cmd, !want);
	}
}

/* The controller's answer about a family, with its multicast groups. */
static void test_mcast_group(void **state)
{
	static const struct { uint32_t id; const char *name; } grps[] = {
		{ 7, "config" }, { 0x1f, VPCPEER_MCGRP_EVENTS },
	};
	struct nl_msg *m = nlmsg_alloc_size(4096), *other;
	struct nlattr *all, *g;
	uint32_t id = 0;
	size_t i;

	(void)state;
	assert_non_null(genlmsg_put(m, 0, 1, GENL_ID_CTRL, 0, 0,
				    CTRL_CMD_NEWFAMILY, 2));
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, VPCPEER_FAMILY_NAME);
	nla_put_u16(m, CTRL_ATTR_FAMILY_ID, FAMILY);
	/* Without groups: none found. */
	assert_int_equal(msg_mcast_group(nlmsg_hdr(m), "events", &id), -ENOENT);
	all = nla_nest_start(m, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < ARRAY_SIZE(grps); i++) {
		g = nla_nest_start(m, i + 1);
		nla_put_u32(m, CTRL_ATTR_MCAST_GRP_ID, grps[i].id);
		nla_put_string(m, CTRL_ATTR_MCAST_GRP_NAME, grps[i].name);
		nla_nest_end(m, g);
	}
	nla_nest_end(m, all);
	assert_int_equal(msg_mcast_group(nlmsg_hdr(m), "events", &id), 0);
	assert_int_equal(id, 0x1f);
	assert_int_equal(msg_mcast_group(nlmsg_hdr(m), "config", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(msg_mcast_group(nlmsg_hdr(m), "event", &id), -ENOENT);
	/* Not the controller's. */
	other = reply_new(VPCPEER_CMD_VPC_GET);
	assert_int_equal(msg_mcast_group(nlmsg_hdr(other), "events", &id),
			 -EINVAL);
	nlmsg_free(other);
	nlmsg_free(m);
}

/* --- buffered output ------------------------------------------------------ */

static void test_buffered(void **state)
{
	static const char want[] =
		"[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":3,\"cidrs\":[]}]\n";
	struct nl_msg *m = reply_new(VPCPEER_CMD_VPC_GET);
	char err[PARSE_ERRLEN], *buf = NULL;
	struct printer p;
	struct vpc_info v;
	size_t len = 0;
	FILE *f;

	(void)state;
	put_vpc(m, VPC_NO_CIDRS);
	assert_int_equal(decode_vpc(m, &v, err), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);

	/* A restart forgets what was printed. */
	assert_int_equal(print_buffered(&p, true, false), 0);
	print_vpc(&p, &v);
	assert_int_equal(print_restart(&p), 0);
	print_vpc(&p, &v);
	assert_int_equal(print_commit(&p, f), 0);
	fflush(f);
	assert_string_equal(buf, want);

	/* Discarded output never shows. */
	assert_int_equal(print_buffered(&p, false, false), 0);
	print_vpc(&p, &v);
	print_discard(&p);
	fflush(f);
	assert_int_equal(len, strlen(want));

	/* Nothing printed, text: nothing written. */
	assert_int_equal(print_buffered(&p, false, false), 0);
	assert_int_equal(print_commit(&p, f), 0);
	fclose(f);
	assert_int_equal(len, strlen(want));
	free(buf);
	vpc_info_free(&v);
	nlmsg_free(m);
}

/* --- requests ------------------------------------------------------------ */

/* The request's VPC nest must be flagged nested for the strict policy. */
static void test_request_nests(void **state)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1], *vpc[VPCPEER_A_VPC_MAX + 1];
	struct nlattr *cidr[VPCPEER_A_CIDR_MAX + 1], *a;
	struct vpc_ref by_name = { .name = "blue" }, by_id = { .id = BLUE_ID };
	struct nl_msg *m = reply_new(VPCPEER_CMD_VPC_NEW);
	char err[PARSE_ERRLEN];
	struct nlattr *nest;
	int rem, n = 0;

	(void)state;
	nest = nla_nest_start(m, VPCPEER_A_VPC);
	assert_int_equal(msg_put_vpc_ref(m, VPCPEER_A_VPC_ID,
					 VPCPEER_A_VPC_NAME, &by_name), 0);
	assert_int_equal(msg_put_vpc_ref(m, VPCPEER_A_VPC_ID,
					 VPCPEER_A_VPC_NAME, &by_id), 0);
	put_cidr(m, "10.0.0.0/16");
	put_cidr(m, "fd00:b::/48");
	nla_nest_end(m, nest);

	assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, sizeof(err)), 0);
	assert_true(tb[VPCPEER_A_VPC]->nla_type & NLA_F_NESTED);
	assert_int_equal(nla_parse_nested(vpc, VPCPEER_A_VPC_MAX,
					  tb[VPCPEER_A_VPC], NULL), 0);
	assert_int_equal(nla_len(vpc[VPCPEER_A_VPC_NAME]), 5);
	assert_string_equal(nla_data(vpc[VPCPEER_A_VPC_NAME]), "blue");
	assert_int_equal(nla_len(vpc[VPCPEER_A_VPC_ID]), 4);
	assert_int_equal(nla_get_u32(vpc[VPCPEER_A_VPC_ID]), BLUE_ID);
	nla_for_each_nested(a, tb[VPCPEER_A_VPC], rem) {
		if (nla_type(a) != VPCPEER_A_VPC_CIDR)
			continue;
		assert_true(a->nla_type & NLA_F_NESTED);
		assert_int_equal(nla_parse_nested(cidr, VPCPEER_A_CIDR_MAX, a,
						  NULL), 0);
		assert_int_equal(nla_len(cidr[VPCPEER_A_CIDR_ADDR]),
				 n ? 16 : 4);
		assert_int_equal(nla_len(cidr[VPCPEER_A_CIDR_PREFIXLEN]), 1);
		assert_int_equal(nla_get_u8(cidr[VPCPEER_A_CIDR_PREFIXLEN]),
				 n ? 48 : 16);
		n++;
	}
	assert_int_equal(n, 2);
	nlmsg_free(m);
}

/*
 * The REGION nest of a request: the name, the addresses of 4 or 16
 * bytes, the port (a u16, as the spec says) only when one was given.
 */
static void test_region_request(void **state)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1], *rt[VPCPEER_A_REGION_MAX + 1];
	struct endpoint remote, local;
	char err[PARSE_ERRLEN];
	struct nl_msg *m;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		m = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
				     msg_request_size(0));
		assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, 0,
					    VPCPEER_CMD_REGION_NEW, 1));
		assert_int_equal(parse_endpoint(i & 1 ? "[fd00::2]:6082" : "10.255.0.2",
						"remote", true, &remote, err,
						sizeof(err)), 0);
		assert_int_equal(parse_endpoint(i & 1 ? "fd00::1" : "10.255.0.1",
						"local", false, &local, err,
						sizeof(err)), 0);
		/* 0, 1: both; 2: the remote alone; 3: the name alone. */
		assert_int_equal(msg_put_region(m, "abcdefghijklmno",
						i < 3 ? &remote : NULL,
						i < 2 ? &local : NULL), 0);
		assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, sizeof(err)), 0);
		assert_true(tb[VPCPEER_A_REGION]->nla_type & NLA_F_NESTED);
		assert_int_equal(nla_parse_nested(rt, VPCPEER_A_REGION_MAX,
						  tb[VPCPEER_A_REGION], NULL), 0);
		assert_string_equal(nla_data(rt[VPCPEER_A_REGION_NAME]),
				    "abcdefghijklmno");
		assert_int_equal(!!rt[VPCPEER_A_REGION_REMOTE_ADDR], i < 3);
		assert_int_equal(!!rt[VPCPEER_A_REGION_LOCAL_ADDR], i < 2);
		if (i < 3)
			assert_int_equal(nla_len(rt[VPCPEER_A_REGION_REMOTE_ADDR]),
					 i & 1 ? 16 : 4);
		if (i < 2)
			assert_int_equal(nla_len(rt[VPCPEER_A_REGION_LOCAL_ADDR]),
					 i & 1 ? 16 : 4);
		if (i == 1) {
			assert_memory_equal(nla_data(rt[VPCPEER_A_REGION_REMOTE_ADDR]),
					    remote.addr, 16);
			assert_int_equal(nla_len(rt[VPCPEER_A_REGION_REMOTE_PORT]), 2);
			assert_int_equal(nla_get_u16(rt[VPCPEER_A_REGION_REMOTE_PORT]),
					 6082);
		} else {
			/* No port given: the module's default. */
			assert_null(rt[VPCPEER_A_REGION_REMOTE_PORT]);
		}
		assert_null(rt[VPCPEER_A_REGION_STATE]);
		nlmsg_free(m);
	}
}

/*
 * The sides of a pcx-request: each VPC by id or by name, and only with a
 * region the accepter's VPCPEER_A_SIDE_REGION; a name in another region
 * goes as typed (that region's module looks it up).
 */
static void test_pcx_request_sides(void **state)
{
	static const struct {
		struct vpc_ref acc;
		const char *region;
	} cases[] = {
		{ { .id = GREEN_ID }, NULL },
		{ { .id = GREEN_ID }, "b" },
		{ { .name = "green" }, "ap-southeast-2" },
		{ { .name = "green" }, NULL },
	};
	struct nlattr *tb[VPCPEER_A_MAX + 1], *pt[VPCPEER_A_PCX_MAX + 1];
	struct nlattr *req[VPCPEER_A_SIDE_MAX + 1], *acc[VPCPEER_A_SIDE_MAX + 1];
	const struct vpc_ref blue = { .name = "blue" };
	char err[PARSE_ERRLEN];
	struct nlattr *pcx;
	struct nl_msg *m;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
				     msg_request_size(0));
		assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, 0,
					    VPCPEER_CMD_PCX_REQUEST, 1));
		pcx = nla_nest_start(m, VPCPEER_A_PCX);
		assert_non_null(pcx);
		assert_int_equal(msg_put_side(m, VPCPEER_A_PCX_REQUESTER, &blue,
					      NULL), 0);
		assert_int_equal(msg_put_side(m, VPCPEER_A_PCX_ACCEPTER,
					      &cases[i].acc, cases[i].region), 0);
		assert_int_equal(nla_nest_end(m, pcx), 0);

		assert_int_equal(msg_parse(nlmsg_hdr(m), tb, err, sizeof(err)), 0);
		assert_int_equal(nla_parse_nested(pt, VPCPEER_A_PCX_MAX,
						  tb[VPCPEER_A_PCX], NULL), 0);
		assert_true(pt[VPCPEER_A_PCX_REQUESTER]->nla_type & NLA_F_NESTED);
		assert_true(pt[VPCPEER_A_PCX_ACCEPTER]->nla_type & NLA_F_NESTED);
		assert_int_equal(nla_parse_nested(req, VPCPEER_A_SIDE_MAX,
						  pt[VPCPEER_A_PCX_REQUESTER],
						  NULL), 0);
		assert_int_equal(nla_parse_nested(acc, VPCPEER_A_SIDE_MAX,
						  pt[VPCPEER_A_PCX_ACCEPTER],
						  NULL), 0);
		/* The requester is this host's: never a region. */
		assert_string_equal(nla_data(req[VPCPEER_A_SIDE_VPC_NAME]), "blue");
		assert_null(req[VPCPEER_A_SIDE_VPC_ID]);
		assert_null(req[VPCPEER_A_SIDE_REGION]);
		if (cases[i].acc.name) {
			assert_null(acc[VPCPEER_A_SIDE_VPC_ID]);
			assert_int_equal(nla_len(acc[VPCPEER_A_SIDE_VPC_NAME]), 6);
			assert_string_equal(nla_data(acc[VPCPEER_A_SIDE_VPC_NAME]),
					    "green");
		} else {
			assert_null(acc[VPCPEER_A_SIDE_VPC_NAME]);
			assert_int_equal(nla_len(acc[VPCPEER_A_SIDE_VPC_ID]), 4);
			assert_int_equal(nla_get_u32(acc[VPCPEER_A_SIDE_VPC_ID]),
					 GREEN_ID);
		}
		if (cases[i].region) {
			assert_int_equal(nla_len(acc[VPCPEER_A_SIDE_REGION]),
					 strlen(cases[i].region) + 1);
			assert_string_equal(nla_data(acc[VPCPEER_A_SIDE_REGION]),
					    cases[i].region);
		} else {
			assert_null(acc[VPCPEER_A_SIDE_REGION]);
		}
		assert_null(acc[VPCPEER_A_SIDE_CIDR]);
		nlmsg_free(m);
	}
}

/* msg_request_size() leaves room for what a request can hold. */
static void test_request_size(void **state)
{
	static const size_t counts[] = { 0, 1, 2, 1000 };
	char name[VPCPEER_NAME_MAX], region[VPCPEER_REGION_NAME_MAX];
	struct nlattr *vpc, *side;
	struct prefix p = { .family = AF_INET6, .len = 128 };
	struct nl_msg *m;
	size_t i, k;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (k = 0; k < ARRAY_SIZE(counts); k++) {
		m = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
				     msg_request_size(counts[k]));
		assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, 0, 1, 1));
		vpc = nla_nest_start(m, VPCPEER_A_VPC);
		assert_non_null(vpc);
		assert_int_equal(nla_put_string(m, VPCPEER_A_VPC_NAME, name), 0);
		assert_int_equal(nla_put_u32(m, VPCPEER_A_VPC_NETNS_FD, 3), 0);
		for (i = 0; i < counts[k]; i++)
			assert_int_equal(msg_put_cidr(m, &p), 0);
		assert_int_equal(nla_nest_end(m, vpc), 0);
		nlmsg_free(m);
	}
	/*
	 * A peering request: two sides named by the longest names, the
	 * accepter in a region of the longest name, and the dry-run flag.
	 */
	memset(region, 'r', sizeof(region) - 1);
	region[sizeof(region) - 1] = '\0';
	m = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + msg_request_size(0));
	assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, 0, 1, 1));
	vpc = nla_nest_start(m, VPCPEER_A_PCX);
	for (i = 0; i < 2; i++) {
		side = nla_nest_start(m, VPCPEER_A_PCX_REQUESTER + i);
		assert_non_null(side);
		assert_int_equal(nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME,
						name), 0);
		if (i)
			assert_int_equal(nla_put_string(m, VPCPEER_A_SIDE_REGION,
							region), 0);
		assert_int_equal(nla_nest_end(m, side), 0);
	}
	assert_int_equal(nla_nest_end(m, vpc), 0);
	assert_int_equal(nla_put_flag(m, VPCPEER_A_DRY_RUN), 0);
	nlmsg_free(m);
}

/* --- errors and extended ACKs -------------------------------------------- */

struct ack_spec {
	uint16_t type;		/* NLMSG_ERROR or NLMSG_DONE */
	int error;
	bool capped;		/* else the request is echoed whole */
	const char *ext_msg;	/* NULL: no TLVs */
	bool tlv_no_nul;	/* NLMSGERR_ATTR_MSG without its NUL */
};

/* An NLMSG_ERROR or NLMSG_DONE laid out as netlink_ack() / netlink_dump_done(). */
static struct nl_msg *ack_new(const struct ack_spec *s)
{
	struct nl_msg *req = reply_new(VPCPEER_CMD_VPC_NEW), *m;
	struct nlmsghdr *rh = nlmsg_hdr(req);
	int flags = 0;

	nla_put_string(req, VPCPEER_A_VPC_NAME, "an echoed request");
	if (s->ext_msg)
		flags |= NLM_F_ACK_TLVS;
	if (s->type == NLMSG_ERROR && (s->capped || !s->error))
		flags |= NLM_F_CAPPED;
	m = nlmsg_alloc_simple(s->type, flags | (s->type == NLMSG_DONE ?
						 NLM_F_MULTI : 0));
	assert_non_null(m);
	if (s->type == NLMSG_DONE) {
		assert_int_equal(nlmsg_append(m, (void *)&s->error,
					      sizeof(s->error), NLMSG_ALIGNTO), 0);
	} else {
		struct nlmsgerr e = { .error = s->error, .msg = *rh };

		assert_int_equal(nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO), 0);
		if (!(flags & NLM_F_CAPPED))
			assert_int_equal(nlmsg_append(m, nlmsg_data(rh),
						      nlmsg_datalen(rh),
						      NLMSG_ALIGNTO), 0);
	}
	if (s->ext_msg && s->tlv_no_nul)
		nla_put(m, NLMSGERR_ATTR_MSG, strlen(s->ext_msg), s->ext_msg);
	else if (s->ext_msg)
		nla_put_string(m, NLMSGERR_ATTR_MSG, s->ext_msg);
	if (s->ext_msg)
		nla_put_u32(m, NLMSGERR_ATTR_OFFS, 20);
	nlmsg_free(req);
	return m;
}

struct ack_case {
	const char *name;
	struct ack_spec spec;
	int error;
	const char *ext_msg;
};

static const struct ack_case ack_cases[] = {
	{ "capped error with extack",
	  { NLMSG_ERROR, -EEXIST, true, "VPC name in use", false },
	  -EEXIST, "VPC name in use" },
	{ "echoed error with extack",
	  { NLMSG_ERROR, -EINVAL, false, "CIDR overlaps 10.0.0.0/16", false },
	  -EINVAL, "CIDR overlaps 10.0.0.0/16" },
	{ "capped error, no extack",
	  { NLMSG_ERROR, -EPERM, true, NULL, false }, -EPERM, NULL },
	{ "echoed error, no extack",
	  { NLMSG_ERROR, -ENOENT, false, NULL, false }, -ENOENT, NULL },
	{ "ack", { NLMSG_ERROR, 0, false, NULL, false }, 0, NULL },
	{ "ack with a warning",
	  { NLMSG_ERROR, 0, false, "deprecated", false }, 0, "deprecated" },
	{ "done", { NLMSG_DONE, 0, false, NULL, false }, 0, NULL },
	{ "done with an error",
	  { NLMSG_DONE, -EPERM, false, "not your VPC", false },
	  -EPERM, "not your VPC" },
	{ "message without NUL",
	  { NLMSG_ERROR, -EINVAL, true, "cut", true }, -EINVAL, NULL },
};

static void test_ack(void **state)
{
	const struct ack_case *c = *state;
	struct nl_msg *m = ack_new(&c->spec);
	const char *ext_msg = "untouched";
	int error = 12345;

	assert_int_equal(msg_status(nlmsg_hdr(m), &error, &ext_msg), 0);
	assert_int_equal(error, c->error);
	if (c->ext_msg)
		assert_string_equal(ext_msg, c->ext_msg);
	else
		assert_null(ext_msg);
	nlmsg_free(m);
}

static void test_ack_malformed(void **state)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} buf;
	const char *ext_msg;
	int error;

	(void)state;
	memset(&buf, 0, sizeof(buf));
	/* An NLMSG_ERROR too short for its nlmsgerr. */
	buf.h.nlmsg_type = NLMSG_ERROR;
	buf.h.nlmsg_len = NLMSG_LENGTH(sizeof(int));
	assert_int_equal(msg_status(&buf.h, &error, &ext_msg), -EINVAL);
	/* Not a status at all. */
	buf.h.nlmsg_type = FAMILY;
	buf.h.nlmsg_len = sizeof(buf);
	assert_int_equal(msg_status(&buf.h, &error, &ext_msg), -EINVAL);
	/* An old kernel's empty NLMSG_DONE. */
	buf.h.nlmsg_type = NLMSG_DONE;
	buf.h.nlmsg_len = NLMSG_HDRLEN;
	assert_int_equal(msg_status(&buf.h, &error, &ext_msg), 0);
	assert_int_equal(error, 0);
	assert_null(ext_msg);
	/* TLVs announced but an echoed length pointing past the end. */
	buf.h.nlmsg_type = NLMSG_ERROR;
	buf.h.nlmsg_flags = NLM_F_ACK_TLVS;
	buf.h.nlmsg_len = sizeof(buf);
	buf.e.error = -EINVAL;
	buf.e.msg.nlmsg_len = 100000;
	assert_int_equal(msg_status(&buf.h, &error, &ext_msg), 0);
	assert_int_equal(error, -EINVAL);
	assert_null(ext_msg);
}

/* --- main --------------------------------------------------------------- */

static struct CMUnitTest *tests;
static size_t ntests;

static void add(const char *name, CMUnitTestFunction fn, const void *state)
{
	tests = realloc(tests, (ntests + 1) * sizeof(*tests));
	if (!tests)
		abort();
	tests[ntests++] = (struct CMUnitTest){
		.name = strdup(name),
		.test_func = fn,
		.initial_state = (void *)state,
	};
}

int main(void)
{
	char name[128];
	size_t i;
	int ret;

	add("vpc: text", test_vpc_text, NULL);
	add("vpc: json", test_vpc_json, NULL);
	add("vpc: attributes of a newer kernel are skipped", test_vpc_newer,
	    NULL);
	add("print: no object, and two", test_empty_and_many, NULL);
	for (i = 0; i < ARRAY_SIZE(bad_vpcs); i++) {
		snprintf(name, sizeof(name), "bad vpc: %s", bad_vpcs[i].name);
		add(name, test_bad_vpc, &bad_vpcs[i]);
	}
	add("pcx: text", test_pcx_text, NULL);
	add("pcx: text with -s", test_pcx_stats_text, NULL);
	add("pcx: json", test_pcx_json, NULL);
	add("pcx: expires, visible-until, per-side options", test_pcx_times_options,
	    NULL);
	add("pcx: across regions, the remote side's region and blocks",
	    test_pcx_remote, NULL);
	add("pcx: a remote side decoded, and freed", test_pcx_remote_decoded,
	    NULL);
	add("pcx: every reason in AWS's words, text and json", test_pcx_reasons,
	    NULL);
	add("pcx: names in a reason's words are escaped",
	    test_pcx_reason_escaped, NULL);
	for (i = 0; i < ARRAY_SIZE(bad_pcxs); i++) {
		snprintf(name, sizeof(name), "bad pcx: %s", bad_pcxs[i].name);
		add(name, test_bad_pcx, &bad_pcxs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(event_cases); i++) {
		snprintf(name, sizeof(name), "event: %s", event_cases[i].name);
		add(name, test_event, &event_cases[i]);
	}
	add("request: which commands take the dry-run flag", test_cmd_mutates,
	    NULL);
	add("controller: multicast group ids", test_mcast_group, NULL);
	add("reply: too short for the genl header", test_short_message, NULL);
	add("pcx: state names", test_state_names, NULL);
	add("region: text", test_region_text, NULL);
	add("region: the inner MTU warning", test_region_mtu_warning, NULL);
	add("region: text with -s, the module-wide line",
	    test_region_stats_text, NULL);
	add("region: json", test_region_json, NULL);
	for (i = 0; i < ARRAY_SIZE(bad_regions); i++) {
		snprintf(name, sizeof(name), "bad region: %s", bad_regions[i].name);
		add(name, test_bad_region, &bad_regions[i]);
	}
	add("region: state and underlay names", test_region_names, NULL);
	add("request: the region nest", test_region_request, NULL);
	add("print: buffered, restarted, discarded", test_buffered, NULL);
	add("request: nests and sizes", test_request_nests, NULL);
	add("request: room for 0, 1, 2, 1000 CIDRs and two sides",
	    test_request_size, NULL);
	add("request: a peering's sides, the accepter in a region",
	    test_pcx_request_sides, NULL);
	for (i = 0; i < ARRAY_SIZE(ack_cases); i++) {
		snprintf(name, sizeof(name), "status: %s", ack_cases[i].name);
		add(name, test_ack, &ack_cases[i]);
	}
	add("status: malformed", test_ack_malformed, NULL);

	ret = _cmocka_run_group_tests("msg", tests, ntests, NULL, NULL);
	for (i = 0; i < ntests; i++)
		free((char *)tests[i].name);
	free(tests);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the inter-region control protocol's codec (kmod/xproto.c), one
 * source for the KUnit module and the host's cmocka run (see vtest.h).
 * Malformed messages are built here byte by byte by a writer of our own,
 * not by the encoder under test, so a rule the encoder and decoder got
 * wrong the same way still shows; two messages are also compared with a
 * byte layout written out by hand from Documentation/inter-region.md.
 * Every refusal is checked for its precise reason (enum vpcpeer_xp_err),
 * not just for failing: a decoder that refuses a message for the wrong
 * reason usually accepts some other one it should not.
 *
 * Cases: round trips of every type with all its TLVs; every prefix of a
 * valid message; the length field; each header rule; TLV framing, length,
 * padding, duplicates; CIDR shape and count; names; values; required TLVs
 * per type; unknown TLVs skipped and known ones a type does not use
 * dropped; the GENEVE header; the encoder's refusals.
 *
 * Messages and buffers are static rather than on the stack: a message is
 * a kilobyte and a kernel stack is small.
 */
#include "vtest.h"

#include <linux/errno.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/types.h>

#include "../xproto.h"

#define XPT_BUF		2048
#define XPT_EPOCH	0x0123456789abcdefULL

/* A wire message being written by hand. */
struct xpt_wb {
	u8 b[XPT_BUF];
	unsigned int len;
};

static struct xpt_wb xpt_w, xpt_w2;
static struct vpcpeer_xmsg xpt_m, xpt_m2, xpt_m3;
static u8 xpt_buf[XPT_BUF], xpt_buf2[XPT_BUF];

static void xpt_be(u8 *p, unsigned int size, u64 v)
{
	while (size--) {
		p[size] = v;
		v >>= 8;
	}
}

static void xpt_hdr(struct xpt_wb *w, u8 type, u32 pcx_id, u32 seq, u32 ack)
{
	memset(w, 0, sizeof(*w));
	w->b[0] = 1;
	w->b[1] = type;
	xpt_be(w->b + 4, 4, pcx_id);
	xpt_be(w->b + 8, 4, seq);
	xpt_be(w->b + 12, 4, ack);
	xpt_be(w->b + 16, 8, XPT_EPOCH);
	w->len = 24;
}

/* A TLV with its value, zero-padded; the length field is set on finish. */
static void xpt_tlv(struct xpt_wb *w, u16 t, const void *v, u16 len)
{
	xpt_be(w->b + w->len, 2, t);
	xpt_be(w->b + w->len + 2, 2, len);
	if (len)
		memcpy(w->b + w->len + 4, v, len);
	w->len += 4 + ((len + 3U) & ~3U);
}

static void xpt_int(struct xpt_wb *w, u16 t, unsigned int size, u64 v)
{
	u8 b[8];

	xpt_be(b, size, v);
	xpt_tlv(w, t, b, size);
}

static void xpt_str(struct xpt_wb *w, u16 t, const char *s)
{
	xpt_tlv(w, t, s, strlen(s));
}

/* A CIDR TLV of wire family @fam (4 or 6) and @alen address bytes. */
static void xpt_cidr(struct xpt_wb *w, u8 fam, u8 plen, const u8 *addr,
		     unsigned int alen)
{
	u8 v[20] = { fam, plen };

	memcpy(v + 4, addr, alen);
	xpt_tlv(w, VPCPEER_XT_CIDR, v, 4 + alen);
}

static const u8 xpt_v4[4] = { 10, 1, 0, 0 };		/* 10.1.0.0/16 */
static const u8 xpt_v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0x12, 0x34 };	/* /64 */

/* Sets the length field to the bytes written, and returns that. */
static unsigned int xpt_done(struct xpt_wb *w)
{
	xpt_be(w->b + 2, 2, w->len);
	return w->len;
}

/*
 * A valid message of @type with every TLV it uses, except those in
 * @skip (BIT(TLV type)), in the encoder's order (by TLV type); the
 * REQUEST names its accepter by id.
 */
static void xpt_full(struct xpt_wb *w, u8 type, u32 skip)
{
	u32 pcx = type == VPCPEER_XP_HELLO ? 0 : 0xc0ffee01;
	u32 ack = type == VPCPEER_XP_ACK ? 6 : 0;

#define XPT_HAS(t)	(!(skip & (1U << VPCPEER_XT_##t)))
	xpt_hdr(w, type, pcx, 7, ack);
	switch (type) {
	case VPCPEER_XP_HELLO:
		if (XPT_HAS(NAME))
			xpt_str(w, VPCPEER_XT_NAME, "eu-west-1");
		if (XPT_HAS(INNER_MTU))
			xpt_int(w, VPCPEER_XT_INNER_MTU, 2, 8500);
		if (XPT_HAS(FEATURES))
			xpt_int(w, VPCPEER_XT_FEATURES, 4, 0x80000001);
		break;
	case VPCPEER_XP_REQUEST:
		if (XPT_HAS(REQ_VPC_ID))
			xpt_int(w, VPCPEER_XT_REQ_VPC_ID, 4, 0x1a2b3c4d);
		if (XPT_HAS(REQ_VPC_NAME))
			xpt_str(w, VPCPEER_XT_REQ_VPC_NAME, "blue");
		if (XPT_HAS(ACC_VPC_ID))
			xpt_int(w, VPCPEER_XT_ACC_VPC_ID, 4, 0xdeadbeef);
		if (XPT_HAS(CIDR)) {
			xpt_cidr(w, 4, 16, xpt_v4, 4);
			xpt_cidr(w, 6, 64, xpt_v6, 16);
		}
		if (XPT_HAS(EXPIRES))
			xpt_int(w, VPCPEER_XT_EXPIRES, 8, 1893456000ULL);
		if (XPT_HAS(VNI))
			xpt_int(w, VPCPEER_XT_VNI, 4, 0xabcdef);
		break;
	case VPCPEER_XP_RESULT:
		if (XPT_HAS(ACC_VPC_ID))
			xpt_int(w, VPCPEER_XT_ACC_VPC_ID, 4, 0xdeadbeef);
		if (XPT_HAS(ACC_VPC_NAME))
			xpt_str(w, VPCPEER_XT_ACC_VPC_NAME, "green");
		if (XPT_HAS(CODE))
			xpt_int(w, VPCPEER_XT_CODE, 1, VPCPEER_XC_PAIR_EXISTS);
		break;
	case VPCPEER_XP_ACCEPT:
	case VPCPEER_XP_UPDATE:
		if (XPT_HAS(CIDR)) {
			xpt_cidr(w, 6, 64, xpt_v6, 16);
			xpt_cidr(w, 4, 16, xpt_v4, 4);
			xpt_cidr(w, 4, 32, (const u8 []){ 192, 0, 2, 1 }, 4);
		}
		if (XPT_HAS(ALLOW_DNS))
			xpt_int(w, VPCPEER_XT_ALLOW_DNS, 1, 1);
		if (type == VPCPEER_XP_ACCEPT && XPT_HAS(VNI))
			xpt_int(w, VPCPEER_XT_VNI, 4, 1);
		break;
	case VPCPEER_XP_ACTIVATED:
		if (XPT_HAS(CODE))
			xpt_int(w, VPCPEER_XT_CODE, 1, VPCPEER_XC_QUOTA);
		break;
	}
#undef XPT_HAS
	xpt_done(w);
}

/* What each type requires, as the spec lists it (not as xproto.c does). */
static const u32 xpt_required[VPCPEER_XP_TYPE_MAX + 1] = {
	[VPCPEER_XP_HELLO]	= 1U << VPCPEER_XT_NAME,
	[VPCPEER_XP_REQUEST]	= 1U << VPCPEER_XT_REQ_VPC_ID |
				  1U << VPCPEER_XT_ACC_VPC_ID |
				  1U << VPCPEER_XT_EXPIRES | 1U << VPCPEER_XT_VNI |
				  1U << VPCPEER_XT_CIDR,
	[VPCPEER_XP_RESULT]	= 1U << VPCPEER_XT_CODE,
	[VPCPEER_XP_ACCEPT]	= 1U << VPCPEER_XT_VNI | 1U << VPCPEER_XT_CIDR,
	[VPCPEER_XP_ACTIVATED]	= 1U << VPCPEER_XT_CODE,
	[VPCPEER_XP_UPDATE]	= 1U << VPCPEER_XT_CIDR,
};

/* Decodes @w's bytes; the return value and the reason must agree. */
static enum vpcpeer_xp_err xpt_decode_n(struct kunit *test,
					const struct xpt_wb *w,
					unsigned int len,
					struct vpcpeer_xmsg *m)
{
	enum vpcpeer_xp_err why = VPCPEER_XP_ERR_MAX + 1;
	int ret = vpcpeer_xmsg_decode(w->b, len, m, &why);

	VT_EXPECT(test, ret == (why ? -EBADMSG : 0),
		  "decode returned %d with reason %d", ret, why);
	return why;
}

static enum vpcpeer_xp_err xpt_decode(struct kunit *test,
				      const struct xpt_wb *w)
{
	return xpt_decode_n(test, w, w->len, &xpt_m);
}

#define XPT_REFUSED(test, w, reason, fmt, ...) do {			\
	struct kunit *__t = (test);					\
	enum vpcpeer_xp_err __want = (reason);				\
	enum vpcpeer_xp_err __why = xpt_decode(__t, w);			\
									\
	VT_EXPECT(__t, __why == __want, fmt ": refused with \"%s\", not \"%s\"", \
		  ##__VA_ARGS__, vpcpeer_xp_err_name(__why),		\
		  vpcpeer_xp_err_name(__want));				\
} while (0)
#define XPT_ACCEPTED(test, w, fmt, ...)					\
	XPT_REFUSED(test, w, VPCPEER_XP_OK, fmt, ##__VA_ARGS__)

static bool xpt_all_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/*
 * Every type, with all its TLVs: decode, compare with the fields written,
 * encode again to the very same bytes, decode again to the same struct.
 */
static void test_xp_roundtrip_types(struct kunit *test)
{
	unsigned int type;
	int n;

	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		xpt_full(&xpt_w, type, 0);
		VT_ASSERT(test, xpt_decode(test, &xpt_w) == VPCPEER_XP_OK,
			  "%s", vpcpeer_xp_type_name(type));
		VT_EXPECT_EQ(test, xpt_m.type, type);
		VT_EXPECT_EQ(test, xpt_m.pcx_id,
			     type == VPCPEER_XP_HELLO ? 0 : 0xc0ffee01);
		VT_EXPECT_EQ(test, xpt_m.seq, 7);
		VT_EXPECT_EQ(test, xpt_m.ack, type == VPCPEER_XP_ACK ? 6 : 0);
		VT_EXPECT(test, xpt_m.epoch == XPT_EPOCH, "epoch");
		n = vpcpeer_xmsg_encode(&xpt_m, xpt_buf, sizeof(xpt_buf));
		VT_ASSERT(test, n == (int)xpt_w.len, "%s: encoded %d bytes, not %u",
			  vpcpeer_xp_type_name(type), n, xpt_w.len);
		VT_EXPECT(test, !memcmp(xpt_buf, xpt_w.b, n),
			  "%s: re-encoded bytes differ", vpcpeer_xp_type_name(type));
		VT_ASSERT_EQ(test, vpcpeer_xmsg_decode(xpt_buf, n, &xpt_m2, NULL), 0);
		VT_EXPECT(test, !memcmp(&xpt_m, &xpt_m2, sizeof(xpt_m)),
			  "%s: decoded structs differ", vpcpeer_xp_type_name(type));
	}

	/* The fields, type by type. */
	xpt_full(&xpt_w, VPCPEER_XP_HELLO, 0);
	xpt_decode(test, &xpt_w);
	VT_EXPECT(test, vtest_streq(xpt_m.name, "eu-west-1"), "%s", xpt_m.name);
	VT_EXPECT_EQ(test, xpt_m.inner_mtu, 8500);
	VT_EXPECT_EQ(test, xpt_m.features, 0x80000001U);
	VT_EXPECT_EQ(test, xpt_m.present, 1U << VPCPEER_XT_NAME |
		     1U << VPCPEER_XT_INNER_MTU | 1U << VPCPEER_XT_FEATURES);

	xpt_full(&xpt_w, VPCPEER_XP_REQUEST, 0);
	xpt_decode(test, &xpt_w);
	VT_EXPECT_EQ(test, xpt_m.req_vpc_id, 0x1a2b3c4dU);
	VT_EXPECT(test, vtest_streq(xpt_m.req_vpc_name, "blue"), "%s",
		  xpt_m.req_vpc_name);
	VT_EXPECT_EQ(test, xpt_m.acc_vpc_id, 0xdeadbeefU);
	VT_EXPECT(test, xpt_m.expires == 1893456000ULL, "expires");
	VT_EXPECT_EQ(test, xpt_m.vni, 0xabcdef);
	VT_ASSERT_EQ(test, xpt_m.ncidrs, 2);
	VT_EXPECT_EQ(test, xpt_m.cidrs[0].family, AF_INET);
	VT_EXPECT_EQ(test, xpt_m.cidrs[0].plen, 16);
	VT_EXPECT(test, !memcmp(xpt_m.cidrs[0].addr, xpt_v4, 4) &&
		  xpt_all_zero(xpt_m.cidrs[0].addr + 4, 12), "v4 address");
	VT_EXPECT_EQ(test, xpt_m.cidrs[1].family, AF_INET6);
	VT_EXPECT_EQ(test, xpt_m.cidrs[1].plen, 64);
	VT_EXPECT(test, !memcmp(xpt_m.cidrs[1].addr, xpt_v6, 16), "v6 address");

	xpt_full(&xpt_w, VPCPEER_XP_RESULT, 0);
	xpt_decode(test, &xpt_w);
	VT_EXPECT_EQ(test, xpt_m.code, VPCPEER_XC_PAIR_EXISTS);
	VT_EXPECT_EQ(test, xpt_m.acc_vpc_id, 0xdeadbeefU);
	VT_EXPECT(test, vtest_streq(xpt_m.acc_vpc_name, "green"), "%s",
		  xpt_m.acc_vpc_name);

	xpt_full(&xpt_w, VPCPEER_XP_ACCEPT, 0);
	xpt_decode(test, &xpt_w);
	VT_EXPECT_EQ(test, xpt_m.allow_dns, 1);
	VT_EXPECT_EQ(test, xpt_m.vni, 1);
	VT_EXPECT_EQ(test, xpt_m.ncidrs, 3);
	VT_EXPECT_EQ(test, xpt_m.cidrs[2].plen, 32);

	/* Any order decodes the same: here the reverse of the encoder's. */
	xpt_full(&xpt_w, VPCPEER_XP_RESULT, 0);
	xpt_decode(test, &xpt_w);
	xpt_hdr(&xpt_w, VPCPEER_XP_RESULT, 0xc0ffee01, 7, 0);
	xpt_int(&xpt_w, VPCPEER_XT_CODE, 1, VPCPEER_XC_PAIR_EXISTS);
	xpt_str(&xpt_w, VPCPEER_XT_ACC_VPC_NAME, "green");
	xpt_int(&xpt_w, VPCPEER_XT_ACC_VPC_ID, 4, 0xdeadbeef);
	xpt_done(&xpt_w);
	VT_ASSERT_EQ(test, xpt_decode_n(test, &xpt_w, xpt_w.len, &xpt_m2),
		     VPCPEER_XP_OK);
	VT_EXPECT(test, !memcmp(&xpt_m, &xpt_m2, sizeof(xpt_m)), "reversed");
	n = vpcpeer_xmsg_encode(&xpt_m2, xpt_buf, sizeof(xpt_buf));
	xpt_full(&xpt_w, VPCPEER_XP_RESULT, 0);
	VT_EXPECT(test, n == (int)xpt_w.len && !memcmp(xpt_buf, xpt_w.b, n),
		  "re-encoded in the fixed order");

	/* REQUEST naming the accepter by name instead of id. */
	xpt_full(&xpt_w, VPCPEER_XP_REQUEST, 1U << VPCPEER_XT_ACC_VPC_ID);
	xpt_str(&xpt_w, VPCPEER_XT_ACC_VPC_NAME, "green");
	xpt_done(&xpt_w);
	VT_ASSERT(test, xpt_decode(test, &xpt_w) == VPCPEER_XP_OK, "by name");
	VT_EXPECT(test, vtest_streq(xpt_m.acc_vpc_name, "green"), "%s",
		  xpt_m.acc_vpc_name);
	n = vpcpeer_xmsg_encode(&xpt_m, xpt_buf, sizeof(xpt_buf));
	VT_ASSERT(test, n > 0, "encode %d", n);
	VT_ASSERT_EQ(test, vpcpeer_xmsg_decode(xpt_buf, n, &xpt_m2, NULL), 0);
	VT_EXPECT(test, !memcmp(&xpt_m, &xpt_m2, sizeof(xpt_m)), "by name");
}

/*
 * Two messages byte by byte, as Documentation/inter-region.md lays them
 * out: the round trips above cannot see a field the encoder and the
 * decoder both put in the wrong place.
 */
static void test_xp_wire_bytes(struct kunit *test)
{
	static const u8 hello[] = {
		0x01, 0x01, 0x00, 0x34,		/* version, HELLO, 52 bytes */
		0x00, 0x00, 0x00, 0x00,		/* pcx_id */
		0x00, 0x00, 0x00, 0x2a,		/* seq 42 */
		0x00, 0x00, 0x00, 0x00,		/* ack */
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x00, 0x01, 0x00, 0x05,		/* NAME, 5 */
		'r', 'e', 'g', '-', 'b', 0, 0, 0,
		0x00, 0x0a, 0x00, 0x02,		/* INNER_MTU, 2 */
		0x21, 0x34, 0, 0,		/* 8500 */
		0x00, 0x0b, 0x00, 0x04,		/* FEATURES, 4 */
		0x00, 0x00, 0x00, 0x03,
	};
	static const u8 accept[] = {
		0x01, 0x04, 0x00, 0x4c,		/* version, ACCEPT, 76 bytes */
		0xc0, 0xff, 0xee, 0x01,		/* pcx_id */
		0x00, 0x00, 0x00, 0x02,		/* seq */
		0x00, 0x00, 0x00, 0x00,		/* ack */
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x00, 0x06, 0x00, 0x08,		/* CIDR, 8 */
		0x04, 0x18, 0x00, 0x00, 172, 16, 5, 0,
		0x00, 0x06, 0x00, 0x14,		/* CIDR, 20 */
		0x06, 0x30, 0x00, 0x00,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x09, 0x00, 0x01,		/* ALLOW_DNS, 1 */
		0x01, 0, 0, 0,
		0x00, 0x0c, 0x00, 0x04,		/* VNI, 4 */
		0x00, 0x12, 0x34, 0x56,
	};
	struct vpcpeer_xmsg *m = &xpt_m3;
	int n;

	memset(m, 0, sizeof(*m));
	m->type = VPCPEER_XP_HELLO;
	m->seq = 42;
	m->epoch = XPT_EPOCH;
	memcpy(m->name, "reg-b", 6);
	m->inner_mtu = 8500;
	m->features = 3;
	m->present = 1U << VPCPEER_XT_NAME | 1U << VPCPEER_XT_INNER_MTU |
		     1U << VPCPEER_XT_FEATURES;
	n = vpcpeer_xmsg_encode(m, xpt_buf, sizeof(xpt_buf));
	VT_ASSERT_EQ(test, n, sizeof(hello));
	VT_EXPECT(test, !memcmp(xpt_buf, hello, n), "HELLO bytes");
	VT_ASSERT_EQ(test, vpcpeer_xmsg_decode(hello, sizeof(hello), &xpt_m, NULL), 0);
	VT_EXPECT(test, !memcmp(&xpt_m, m, sizeof(*m)), "HELLO struct");

	memset(m, 0, sizeof(*m));
	m->type = VPCPEER_XP_ACCEPT;
	m->pcx_id = 0xc0ffee01;
	m->seq = 2;
	m->epoch = XPT_EPOCH;
	m->ncidrs = 2;
	m->cidrs[0] = (struct vpcpeer_xcidr){ AF_INET, 24, { 172, 16, 5 } };
	m->cidrs[1] = (struct vpcpeer_xcidr){ AF_INET6, 48,
					      { 0x20, 0x01, 0x0d, 0xb8, 0, 7 } };
	m->allow_dns = 1;
	m->vni = 0x123456;
	m->present = 1U << VPCPEER_XT_CIDR | 1U << VPCPEER_XT_ALLOW_DNS |
		     1U << VPCPEER_XT_VNI;
	n = vpcpeer_xmsg_encode(m, xpt_buf, sizeof(xpt_buf));
	VT_ASSERT_EQ(test, n, sizeof(accept));
	VT_EXPECT(test, !memcmp(xpt_buf, accept, n), "ACCEPT bytes");
	VT_ASSERT_EQ(test, vpcpeer_xmsg_decode(accept, sizeof(accept), &xpt_m, NULL), 0);
	VT_EXPECT(test, !memcmp(&xpt_m, m, sizeof(*m)), "ACCEPT struct");
}

/*
 * Every prefix of every valid message: with the length field left alone
 * the length disagrees (or the header is short); with it patched to the
 * prefix, a cut inside a TLV overruns and a cut between TLVs either
 * lacks a required one or is itself a valid, shorter message.
 */
static void test_xp_truncation(struct kunit *test)
{
	enum vpcpeer_xp_err why;
	unsigned int type, cut;

	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		xpt_full(&xpt_w, type, 0);
		for (cut = 0; cut < xpt_w.len; cut++) {
			why = xpt_decode_n(test, &xpt_w, cut, &xpt_m);
			VT_EXPECT(test, why == (cut < 24 ? VPCPEER_XP_ERR_SHORT :
						VPCPEER_XP_ERR_LENGTH),
				  "%s cut at %u: %s", vpcpeer_xp_type_name(type),
				  cut, vpcpeer_xp_err_name(why));
			VT_EXPECT(test, xpt_all_zero(&xpt_m, sizeof(xpt_m)),
				  "a refused message leaves the struct zeroed");
			if (cut < 24)
				continue;
			xpt_w2 = xpt_w;
			xpt_w2.len = cut;
			xpt_done(&xpt_w2);
			why = xpt_decode(test, &xpt_w2);
			if (cut % 4)
				VT_EXPECT(test, why == VPCPEER_XP_ERR_TLV_TRUNC,
					  "%s cut at %u, length patched: %s",
					  vpcpeer_xp_type_name(type), cut,
					  vpcpeer_xp_err_name(why));
			else
				VT_EXPECT(test, why == VPCPEER_XP_OK ||
					  why == VPCPEER_XP_ERR_MISSING ||
					  why == VPCPEER_XP_ERR_TLV_TRUNC,
					  "%s cut at %u, length patched: %s",
					  vpcpeer_xp_type_name(type), cut,
					  vpcpeer_xp_err_name(why));
		}
	}
	/* Nothing at all, and a NULL buffer of length 0. */
	VT_EXPECT_EQ(test, vpcpeer_xmsg_decode(NULL, 0, &xpt_m, &why), -EBADMSG);
	VT_EXPECT_EQ(test, why, VPCPEER_XP_ERR_SHORT);
}

/* The length field must be exactly the bytes given, 24..1400. */
static void test_xp_length_field(struct kunit *test)
{
	static const int deltas[] = { -4, -1, 1, 4, 0x100 };
	unsigned int i, len;
	u8 zero[4] = { 0 };

	xpt_full(&xpt_w, VPCPEER_XP_REQUEST, 0);
	len = xpt_w.len;
	for (i = 0; i < ARRAY_SIZE(deltas); i++) {
		xpt_be(xpt_w.b + 2, 2, len + deltas[i]);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_LENGTH,
			    "length field %d off", deltas[i]);
	}
	/* Bytes after the message inside the payload. */
	xpt_done(&xpt_w);
	xpt_w2 = xpt_w;
	xpt_w2.len += 4;
	XPT_REFUSED(test, &xpt_w2, VPCPEER_XP_ERR_LENGTH, "4 trailing bytes");
	/* A length field below the header's size. */
	xpt_hdr(&xpt_w, VPCPEER_XP_REJECT, 5, 1, 0);
	xpt_be(xpt_w.b + 2, 2, 20);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_LENGTH, "length 20");
	xpt_be(xpt_w.b + 2, 2, 0);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_LENGTH, "length 0");
	/* Exactly the header: fine for REJECT. */
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "REJECT of 24 bytes");

	/* 1400 with unknown TLVs is fine, 1404 is not. */
	xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
	while (xpt_w.len < 1400)
		xpt_tlv(&xpt_w, 0x7fff, zero, 0);
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "1400 bytes");
	xpt_tlv(&xpt_w, 0x7fff, zero, 0);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TOO_LONG, "1404 bytes");
}

static void test_xp_header_rules(struct kunit *test)
{
	static const u8 bad_versions[] = { 0, 2, 0x81, 0xff };
	static const u8 bad_types[] = { 0, 11, 12, 0x80, 0xff };
	unsigned int i, type;

	for (i = 0; i < ARRAY_SIZE(bad_versions); i++) {
		xpt_full(&xpt_w, VPCPEER_XP_DELETE, 0);
		xpt_w.b[0] = bad_versions[i];
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_VERSION, "version %u",
			    bad_versions[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad_types); i++) {
		xpt_hdr(&xpt_w, bad_types[i], 5, 1, 0);
		xpt_done(&xpt_w);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TYPE, "type %u",
			    bad_types[i]);
	}
	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		const char *name = vpcpeer_xp_type_name(type);

		xpt_full(&xpt_w, type, 0);
		memset(xpt_w.b + 16, 0, 8);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_EPOCH, "%s epoch 0", name);
		/* Only the lowest or the highest byte set is still non-zero. */
		xpt_w.b[23] = 1;
		XPT_ACCEPTED(test, &xpt_w, "%s epoch 1", name);
		xpt_w.b[23] = 0;
		xpt_w.b[16] = 0x80;
		XPT_ACCEPTED(test, &xpt_w, "%s epoch 2^63", name);

		xpt_full(&xpt_w, type, 0);
		xpt_be(xpt_w.b + 4, 4, type == VPCPEER_XP_HELLO ? 1 : 0);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_PCX_ID, "%s pcx_id", name);
		if (type == VPCPEER_XP_HELLO) {
			xpt_be(xpt_w.b + 4, 4, 0x80000000);
			XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_PCX_ID,
				    "HELLO pcx_id 2^31");
		}

		xpt_full(&xpt_w, type, 0);
		xpt_be(xpt_w.b + 12, 4, 1);
		if (type == VPCPEER_XP_ACK)
			XPT_ACCEPTED(test, &xpt_w, "ACK ack 1");
		else
			XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_ACK, "%s ack 1", name);
	}
	/* ACK of 0 and of the largest seq; seq itself is free. */
	xpt_hdr(&xpt_w, VPCPEER_XP_ACK, 5, 0, 0);
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "ACK ack 0, seq 0");
	xpt_hdr(&xpt_w, VPCPEER_XP_ACK, 0xffffffff, 0xffffffff, 0xffffffff);
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "ACK all ones");
}

/* TLVs that run past the message, and padding that is not there. */
static void test_xp_tlv_overrun(struct kunit *test)
{
	u8 v[8] = { 0 };

	/* A TLV header cut short; whole, it is type 0, length 0: skipped. */
	xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
	xpt_w.len += 2;
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "half a TLV header");
	xpt_w.len += 2;
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "a zero TLV header");
	/* Value longer than what is left. */
	xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
	xpt_int(&xpt_w, VPCPEER_XT_FEATURES, 4, 1);
	xpt_be(xpt_w.b + 24 + 2, 2, 8);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "value past the end");
	xpt_be(xpt_w.b + 24 + 2, 2, 0xffff);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "length 65535");
	/* The last TLV's padding missing: the value fits, the TLV does not. */
	xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
	xpt_tlv(&xpt_w, 0x1234, v, 5);
	xpt_w.len -= 3;
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "no padding");
	xpt_w.len += 1;
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "short padding");
	/* 1, 2, 3 stray bytes after the last TLV. */
	xpt_full(&xpt_w, VPCPEER_XP_HELLO, 0);
	xpt_w.len += 1;
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "1 stray byte");
	xpt_w.len += 2;
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "3 stray bytes");
	/* A known TLV overrunning. */
	xpt_hdr(&xpt_w, VPCPEER_XP_HELLO, 0, 1, 0);
	xpt_str(&xpt_w, VPCPEER_XT_NAME, "abcdefgh");
	xpt_be(xpt_w.b + 24 + 2, 2, 12);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_TRUNC, "NAME overrunning");
}

/* Each fixed-size TLV with every wrong length from 0 to 9. */
static void test_xp_tlv_wrong_len(struct kunit *test)
{
	static const struct { u16 t; u8 size; } fixed[] = {
		{ VPCPEER_XT_REQ_VPC_ID, 4 }, { VPCPEER_XT_ACC_VPC_ID, 4 },
		{ VPCPEER_XT_EXPIRES, 8 }, { VPCPEER_XT_CODE, 1 },
		{ VPCPEER_XT_ALLOW_DNS, 1 }, { VPCPEER_XT_INNER_MTU, 2 },
		{ VPCPEER_XT_FEATURES, 4 }, { VPCPEER_XT_VNI, 4 },
	};
	/* Non-zero in its low bytes, so every valid value is in range. */
	static const u8 v[12] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		for (len = 0; len <= 9; len++) {
			/* Any type: a known TLV is checked even if unused. */
			xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
			xpt_tlv(&xpt_w, fixed[i].t, v + 8 - (len < 8 ? len : 8), len);
			xpt_done(&xpt_w);
			if (len == fixed[i].size)
				XPT_ACCEPTED(test, &xpt_w, "TLV %u, length %u",
					     fixed[i].t, len);
			else
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN,
					    "TLV %u, length %u", fixed[i].t, len);
		}
	}
}

/* Every padding byte of every TLV length, known type or not. */
static void test_xp_tlv_padding(struct kunit *test)
{
	static const u16 types[] = { VPCPEER_XT_CODE, VPCPEER_XT_INNER_MTU,
				     VPCPEER_XT_NAME, 0x4242, 0 };
	unsigned int i, len, pad;
	u8 v[4] = { 'a', 'b', 'c', 'd' };

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		for (len = 1; len <= 3; len++) {
			if (types[i] == VPCPEER_XT_CODE && len != 1)
				continue;
			if (types[i] == VPCPEER_XT_INNER_MTU && len != 2)
				continue;
			for (pad = len; pad < 4; pad++) {
				xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
				xpt_tlv(&xpt_w, types[i], v, len);
				xpt_done(&xpt_w);
				if (types[i] == VPCPEER_XT_CODE)
					xpt_w.b[28] = 1;
				XPT_ACCEPTED(test, &xpt_w, "TLV %u/%u zero padding",
					     types[i], len);
				xpt_w.b[28 + pad] = 0x01;
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_PAD,
					    "TLV %u/%u pad byte %u", types[i], len,
					    pad);
				xpt_w.b[28 + pad] = 0x80;
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_PAD,
					    "TLV %u/%u pad byte %u", types[i], len,
					    pad);
			}
		}
	}
	/* CIDR: the u16 after plen is not padding but must be 0 too. */
	xpt_full(&xpt_w, VPCPEER_XP_UPDATE, 0);
	xpt_be(xpt_w.b + 24 + 6, 2, 1);	/* first CIDR's reserved */
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_RSVD, "CIDR reserved 1");
	xpt_be(xpt_w.b + 24 + 6, 2, 0x8000);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_RSVD, "CIDR reserved 2^15");
}

/* A known singleton twice, in messages that use it and ones that do not. */
static void test_xp_tlv_duplicate(struct kunit *test)
{
	unsigned int type, t;
	u8 v[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };

	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		for (t = 1; t <= VPCPEER_XT_MAX; t++) {
			unsigned int size = 4;

			if (t == VPCPEER_XT_CIDR)
				continue;
			switch (t) {
			case VPCPEER_XT_CODE:
			case VPCPEER_XT_ALLOW_DNS:
				size = 1;
				break;
			case VPCPEER_XT_INNER_MTU:
				size = 2;
				break;
			case VPCPEER_XT_EXPIRES:
				size = 8;
				break;
			}
			xpt_full(&xpt_w, type, 0);
			if (t == VPCPEER_XT_NAME || t == VPCPEER_XT_REQ_VPC_NAME ||
			    t == VPCPEER_XT_ACC_VPC_NAME) {
				xpt_str(&xpt_w, t, "x");
				xpt_str(&xpt_w, t, "x");
			} else {
				xpt_tlv(&xpt_w, t, v + 8 - size, size);
				xpt_tlv(&xpt_w, t, v + 8 - size, size);
			}
			xpt_done(&xpt_w);
			XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_DUP,
				    "%s with TLV %u twice",
				    vpcpeer_xp_type_name(type), t);
		}
	}
	/* The same CIDR twice is two entries, not a duplicate TLV. */
	xpt_full(&xpt_w, VPCPEER_XP_UPDATE, 0);
	xpt_cidr(&xpt_w, 4, 16, xpt_v4, 4);
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "a CIDR repeated");
	VT_EXPECT_EQ(test, xpt_m.ncidrs, 4);
}

/* CIDR shape: family, length for the family, prefix length, host bits. */
static void test_xp_cidr_shape(struct kunit *test)
{
	static const u8 bad_families[] = { 0, 1, 2, 5, 10, 41, 0xff };
	unsigned int i, plen;
	u8 a[16];

	for (i = 0; i < ARRAY_SIZE(bad_families); i++) {
		xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
		xpt_cidr(&xpt_w, bad_families[i], 8, xpt_v4, 4);
		xpt_done(&xpt_w);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_FAMILY,
			    "family %u", bad_families[i]);
	}
	/* Address length not the family's, either way; too short for a CIDR. */
	xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
	xpt_cidr(&xpt_w, 4, 16, xpt_v6, 16);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN, "v4 with 16 bytes");
	xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
	xpt_cidr(&xpt_w, 6, 16, xpt_v4, 4);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN, "v6 with 4 bytes");
	for (i = 0; i < 4; i++) {
		xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
		xpt_tlv(&xpt_w, VPCPEER_XT_CIDR, (const u8 []){ 4, 0, 0, 0 }, i);
		xpt_done(&xpt_w);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN, "CIDR of %u bytes", i);
	}
	xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
	xpt_cidr(&xpt_w, 4, 8, xpt_v4, 3);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN, "v4 with 3 bytes");

	/* Every prefix length: the network address is fine, one more bit not. */
	for (plen = 0; plen <= 129; plen++) {
		unsigned int alen;

		for (alen = 4; alen <= 16; alen += 12) {
			u8 fam = alen == 4 ? 4 : 6;

			memset(a, 0, sizeof(a));
			if (plen)
				a[0] = 0x80;	/* inside any prefix of 1 bit or more */
			xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
			xpt_cidr(&xpt_w, fam, plen, a, alen);
			xpt_done(&xpt_w);
			if (plen > alen * 8) {
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_PLEN,
					    "v%u /%u", fam, plen);
				continue;
			}
			XPT_ACCEPTED(test, &xpt_w, "v%u /%u", fam, plen);
			VT_EXPECT_EQ(test, xpt_m.cidrs[0].plen, plen);
			if (plen == alen * 8)
				continue;
			/* The first host bit, then the last one. */
			a[plen / 8] |= 0x80 >> (plen % 8);
			xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
			xpt_cidr(&xpt_w, fam, plen, a, alen);
			xpt_done(&xpt_w);
			XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_HOST,
				    "v%u /%u first host bit", fam, plen);
			a[plen / 8] &= ~(0x80 >> (plen % 8));
			a[alen - 1] |= 1;
			xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
			xpt_cidr(&xpt_w, fam, plen, a, alen);
			xpt_done(&xpt_w);
			XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_HOST,
				    "v%u /%u last host bit", fam, plen);
		}
	}
	xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
	xpt_cidr(&xpt_w, 4, 255, xpt_v4, 4);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_PLEN, "v4 /255");
}

/* At most 50 CIDRs, in any message. */
static void test_xp_cidr_count(struct kunit *test)
{
	unsigned int i, n;
	u8 a[16] = { 0xfd };
	int len;

	for (n = 49; n <= 51; n++) {
		xpt_hdr(&xpt_w, VPCPEER_XP_UPDATE, 5, 1, 0);
		for (i = 0; i < n; i++) {
			a[1] = i;
			xpt_cidr(&xpt_w, 6, 16, a, 16);
		}
		xpt_done(&xpt_w);
		if (n > VPCPEER_XP_MAX_CIDRS) {
			XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_COUNT,
				    "%u CIDRs", n);
			continue;
		}
		XPT_ACCEPTED(test, &xpt_w, "%u CIDRs", n);
		VT_EXPECT_EQ(test, xpt_m.ncidrs, n);
		VT_EXPECT_EQ(test, xpt_m.cidrs[n - 1].addr[1], n - 1);
		len = vpcpeer_xmsg_encode(&xpt_m, xpt_buf, sizeof(xpt_buf));
		VT_EXPECT_EQ(test, len, xpt_w.len);
		VT_EXPECT(test, len <= VPCPEER_XP_MAX_LEN, "%d bytes", len);
	}
	/* 51 in a type that ignores CIDRs is still 51. */
	xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
	for (i = 0; i < 51; i++)
		xpt_cidr(&xpt_w, 4, 16, xpt_v4, 4);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_COUNT, "51 CIDRs in DELETE");
}

/*
 * NAME, REQ_VPC_NAME and ACC_VPC_NAME: 1..15 (a region name) or 1..63 (a
 * VPC name) bytes of printable ASCII.
 */
static void test_xp_names(struct kunit *test)
{
	static const u16 types[] = { VPCPEER_XT_NAME, VPCPEER_XT_REQ_VPC_NAME,
				     VPCPEER_XT_ACC_VPC_NAME };
	static const u8 bad_bytes[] = { 0, 0x01, 0x1f, 0x7f, 0x80, 0xff };
	char s[VPCPEER_XP_VPC_NAME_MAX + 2];
	unsigned int i, j, pos, max;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
		xpt_tlv(&xpt_w, types[i], "", 0);
		xpt_done(&xpt_w);
		XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN, "TLV %u empty",
			    types[i]);
		max = types[i] == VPCPEER_XT_NAME ? VPCPEER_XP_NAME_MAX :
						    VPCPEER_XP_VPC_NAME_MAX;
		for (j = 1; j <= max + 1; j++) {
			memset(s, 'a' + j % 26, sizeof(s));
			xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
			xpt_tlv(&xpt_w, types[i], s, j);
			xpt_done(&xpt_w);
			if (j <= max)
				XPT_ACCEPTED(test, &xpt_w, "TLV %u of %u bytes",
					     types[i], j);
			else
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_TLV_LEN,
					    "TLV %u of %u bytes", types[i], j);
		}
		for (j = 0; j < ARRAY_SIZE(bad_bytes); j++) {
			for (pos = 0; pos < 3; pos++) {
				memcpy(s, "abc", 4);
				s[pos] = bad_bytes[j];
				xpt_hdr(&xpt_w, VPCPEER_XP_DELETE, 5, 1, 0);
				xpt_tlv(&xpt_w, types[i], s, 3);
				xpt_done(&xpt_w);
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_STRING,
					    "TLV %u byte 0x%02x at %u", types[i],
					    bad_bytes[j], pos);
			}
		}
	}
	/* The edges of printable: space and tilde; 15 bytes, NUL-terminated. */
	xpt_full(&xpt_w, VPCPEER_XP_HELLO, 1U << VPCPEER_XT_NAME);
	xpt_str(&xpt_w, VPCPEER_XT_NAME, " ~ 0123456789ab");
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "NAME of 15 with space and tilde");
	VT_EXPECT(test, vtest_streq(xpt_m.name, " ~ 0123456789ab"), "%s",
		  xpt_m.name);
	VT_EXPECT_EQ(test, xpt_m.name[15], 0);
}

/* VNI 1..0xffffff, CODE 0..7, ALLOW_DNS 0..1. */
static void test_xp_values(struct kunit *test)
{
	static const struct {
		u16 t;
		u8 size;
		u64 v;
		enum vpcpeer_xp_err want;
	} cases[] = {
		{ VPCPEER_XT_VNI, 4, 0, VPCPEER_XP_ERR_VNI },
		{ VPCPEER_XT_VNI, 4, 1, VPCPEER_XP_OK },
		{ VPCPEER_XT_VNI, 4, 0xffffff, VPCPEER_XP_OK },
		{ VPCPEER_XT_VNI, 4, 0x1000000, VPCPEER_XP_ERR_VNI },
		{ VPCPEER_XT_VNI, 4, 0xffffffff, VPCPEER_XP_ERR_VNI },
		{ VPCPEER_XT_CODE, 1, 0, VPCPEER_XP_OK },
		{ VPCPEER_XT_CODE, 1, 7, VPCPEER_XP_OK },
		{ VPCPEER_XT_CODE, 1, 8, VPCPEER_XP_ERR_CODE },
		{ VPCPEER_XT_CODE, 1, 0xff, VPCPEER_XP_ERR_CODE },
		{ VPCPEER_XT_ALLOW_DNS, 1, 0, VPCPEER_XP_OK },
		{ VPCPEER_XT_ALLOW_DNS, 1, 1, VPCPEER_XP_OK },
		{ VPCPEER_XT_ALLOW_DNS, 1, 2, VPCPEER_XP_ERR_FLAG },
		{ VPCPEER_XT_ALLOW_DNS, 1, 0xff, VPCPEER_XP_ERR_FLAG },
		{ VPCPEER_XT_INNER_MTU, 2, 0, VPCPEER_XP_OK },
		{ VPCPEER_XT_INNER_MTU, 2, 0xffff, VPCPEER_XP_OK },
		{ VPCPEER_XT_EXPIRES, 8, ~0ULL, VPCPEER_XP_OK },
		{ VPCPEER_XT_FEATURES, 4, 0xffffffff, VPCPEER_XP_OK },
	};
	/* In a message that uses the TLV, and in one that drops it. */
	static const u8 msg_types[] = { VPCPEER_XP_ACCEPT, VPCPEER_XP_RESULT,
					VPCPEER_XP_HELLO, VPCPEER_XP_DELETE };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < ARRAY_SIZE(msg_types); j++) {
			/* Leave out the message's own copy of this TLV. */
			xpt_full(&xpt_w, msg_types[j], 1U << cases[i].t);
			xpt_int(&xpt_w, cases[i].t, cases[i].size, cases[i].v);
			xpt_done(&xpt_w);
			XPT_REFUSED(test, &xpt_w, cases[i].want, "%s: TLV %u = %llu",
				    vpcpeer_xp_type_name(msg_types[j]), cases[i].t,
				    (unsigned long long)cases[i].v);
		}
	}
	/* Every code, in both types that carry one. */
	for (i = 0; i <= VPCPEER_XC_MAX; i++) {
		xpt_full(&xpt_w, VPCPEER_XP_ACTIVATED, 1U << VPCPEER_XT_CODE);
		xpt_int(&xpt_w, VPCPEER_XT_CODE, 1, i);
		xpt_done(&xpt_w);
		XPT_ACCEPTED(test, &xpt_w, "ACTIVATED code %u", i);
		VT_EXPECT_EQ(test, xpt_m.code, i);
	}
}

/*
 * Each type without each TLV it requires; REQUEST with no accepter or
 * with both ways of naming it.
 */
static void test_xp_required(struct kunit *test)
{
	unsigned int type, t;

	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		for (t = 1; t <= VPCPEER_XT_MAX; t++) {
			xpt_full(&xpt_w, type, 1U << t);
			if (xpt_required[type] & (1U << t))
				XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_MISSING,
					    "%s without TLV %u",
					    vpcpeer_xp_type_name(type), t);
			else
				XPT_ACCEPTED(test, &xpt_w, "%s without TLV %u",
					     vpcpeer_xp_type_name(type), t);
		}
		/* Nothing but the header. */
		xpt_hdr(&xpt_w, type, type == VPCPEER_XP_HELLO ? 0 : 5, 1, 0);
		xpt_done(&xpt_w);
		XPT_REFUSED(test, &xpt_w, xpt_required[type] ?
			    VPCPEER_XP_ERR_MISSING : VPCPEER_XP_OK,
			    "%s, header only", vpcpeer_xp_type_name(type));
	}
	xpt_full(&xpt_w, VPCPEER_XP_REQUEST, 0);
	xpt_str(&xpt_w, VPCPEER_XT_ACC_VPC_NAME, "green");
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CONFLICT,
		    "REQUEST with ACC_VPC_ID and ACC_VPC_NAME");
	/* RESULT may carry both: it tells the requester who answered. */
	xpt_full(&xpt_w, VPCPEER_XP_RESULT, 0);
	XPT_ACCEPTED(test, &xpt_w, "RESULT with both");
	VT_EXPECT_EQ(test, xpt_m.present, 1U << VPCPEER_XT_CODE |
		     1U << VPCPEER_XT_ACC_VPC_ID | 1U << VPCPEER_XT_ACC_VPC_NAME);
}

/*
 * Unknown TLV types are skipped wherever they sit; known TLVs that the
 * type does not use are checked and then left out of the struct.
 */
static void test_xp_unknown_and_unused(struct kunit *test)
{
	static const u16 unknown[] = { 0, VPCPEER_XT_MAX + 1, 0x100, 0xffff };
	static const u8 junk[13] = "future field";
	unsigned int type, i, len;

	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		xpt_full(&xpt_w, type, 0);
		VT_ASSERT_EQ(test, xpt_decode_n(test, &xpt_w, xpt_w.len, &xpt_m2),
			     VPCPEER_XP_OK);
		for (i = 0; i < ARRAY_SIZE(unknown); i++) {
			for (len = 0; len <= sizeof(junk); len += 3) {
				/* Unknown TLVs first, then the message's own. */
				xpt_hdr(&xpt_w, type, type == VPCPEER_XP_HELLO ? 0 :
					0xc0ffee01, 7, type == VPCPEER_XP_ACK ? 6 : 0);
				xpt_tlv(&xpt_w, unknown[i], junk, len);
				xpt_full(&xpt_w2, type, 0);
				memcpy(xpt_w.b + xpt_w.len, xpt_w2.b + 24,
				       xpt_w2.len - 24);
				xpt_w.len += xpt_w2.len - 24;
				xpt_tlv(&xpt_w, unknown[i], junk, len);
				xpt_done(&xpt_w);
				XPT_ACCEPTED(test, &xpt_w, "%s with TLV %u of %u",
					     vpcpeer_xp_type_name(type), unknown[i],
					     len);
				VT_EXPECT(test, !memcmp(&xpt_m, &xpt_m2, sizeof(xpt_m)),
					  "%s with TLV %u: not the same message",
					  vpcpeer_xp_type_name(type), unknown[i]);
			}
		}
	}

	/* A HELLO carrying every other known TLV: they are dropped. */
	xpt_full(&xpt_w, VPCPEER_XP_HELLO, 0);
	xpt_int(&xpt_w, VPCPEER_XT_CODE, 1, 3);
	xpt_int(&xpt_w, VPCPEER_XT_VNI, 4, 9);
	xpt_int(&xpt_w, VPCPEER_XT_EXPIRES, 8, 9);
	xpt_str(&xpt_w, VPCPEER_XT_ACC_VPC_NAME, "green");
	xpt_cidr(&xpt_w, 4, 16, xpt_v4, 4);
	xpt_done(&xpt_w);
	XPT_ACCEPTED(test, &xpt_w, "HELLO with unused TLVs");
	VT_EXPECT_EQ(test, xpt_m.present, 1U << VPCPEER_XT_NAME |
		     1U << VPCPEER_XT_INNER_MTU | 1U << VPCPEER_XT_FEATURES);
	VT_EXPECT(test, !xpt_m.code && !xpt_m.vni && !xpt_m.expires &&
		  !xpt_m.ncidrs && !xpt_m.acc_vpc_name[0] &&
		  xpt_all_zero(xpt_m.cidrs, sizeof(xpt_m.cidrs)),
		  "unused TLVs left fields behind");
	/* ...but a malformed one still fails the message. */
	xpt_full(&xpt_w, VPCPEER_XP_HELLO, 0);
	xpt_int(&xpt_w, VPCPEER_XT_VNI, 4, 0);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_VNI, "HELLO with VNI 0");
	xpt_full(&xpt_w, VPCPEER_XP_ACK, 0);
	xpt_cidr(&xpt_w, 4, 8, xpt_v4, 4);
	xpt_done(&xpt_w);
	XPT_REFUSED(test, &xpt_w, VPCPEER_XP_ERR_CIDR_HOST, "ACK with 10.1.0.0/8");
}

static const u16 xpt_protos[] = { 0x0800, 0x86dd, 0x88b5, 0x6558, 0x88b6,
				  0x0000, 0xffff };

/* The GENEVE header: parse, build, and the inner version check. */
static void test_xp_geneve(struct kunit *test)
{
	struct vpcpeer_geneve g;
	u8 h[8 + 63 * 4 + 4];
	unsigned int opt;

	/* Build, then parse back. */
	vpcpeer_geneve_build(h, false, VPCPEER_GENEVE_P_IP, 0xabcdef);
	VT_EXPECT(test, !memcmp(h, "\x00\x00\x08\x00\xab\xcd\xef\x00", 8),
		  "data header bytes");
	VT_ASSERT_EQ(test, vpcpeer_geneve_parse(h, 8, &g), 0);
	VT_EXPECT(test, !g.ctl && g.proto == 0x0800 && g.vni == 0xabcdef &&
		  g.hdrlen == 8, "data header parsed");
	vpcpeer_geneve_build(h, false, VPCPEER_GENEVE_P_IPV6, 0x1ffffff);
	VT_EXPECT(test, !memcmp(h, "\x00\x00\x86\xdd\xff\xff\xff\x00", 8),
		  "VNI cut to 24 bits");
	vpcpeer_geneve_build(h, true, VPCPEER_GENEVE_P_CTL, 0);
	VT_EXPECT(test, !memcmp(h, "\x00\x80\x88\xb5\x00\x00\x00\x00", 8),
		  "control header bytes");
	VT_ASSERT_EQ(test, vpcpeer_geneve_parse(h, 8, &g), 0);
	VT_EXPECT(test, g.ctl && g.proto == 0x88b5 && !g.vni && g.hdrlen == 8,
		  "control header parsed");

	/* Short buffers. */
	for (opt = 0; opt < 8; opt++)
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, opt, &g), -EMSGSIZE);
	/* Ver. */
	for (opt = 1; opt < 4; opt++) {
		vpcpeer_geneve_build(h, false, VPCPEER_GENEVE_P_IP, 1);
		h[0] = opt << 6;
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8, &g), -EPROTONOSUPPORT);
	}
	/* Options are skipped, and must all be there; C refuses them. */
	memset(h, 0, sizeof(h));
	for (opt = 0; opt <= 63; opt++) {
		vpcpeer_geneve_build(h, false, VPCPEER_GENEVE_P_IPV6, 7);
		h[0] = opt;
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8 + opt * 4, &g), 0);
		VT_EXPECT_EQ(test, g.hdrlen, 8 + opt * 4);
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8 + opt * 4 + 4, &g), 0);
		if (opt)
			VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8 + opt * 4 - 1, &g),
				     -EMSGSIZE);
		h[1] = 0x40;
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8 + opt * 4, &g),
			     -EOPNOTSUPP);
		h[1] = 0xc0;
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8 + opt * 4, &g),
			     -EOPNOTSUPP);
	}
	/* Reserved bits and byte are ignored on receipt (RFC 8926). */
	vpcpeer_geneve_build(h, false, VPCPEER_GENEVE_P_IP, 9);
	h[1] = 0x3f;
	h[7] = 0xff;
	VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8, &g), 0);
	VT_EXPECT_EQ(test, g.vni, 9);
	/* Protocol Type per O bit. */
	for (opt = 0; opt < 2 * ARRAY_SIZE(xpt_protos); opt++) {
		u16 proto = xpt_protos[opt / 2];
		bool ctl = opt % 2;
		bool ok = ctl ? proto == 0x88b5 : proto == 0x0800 || proto == 0x86dd;

		vpcpeer_geneve_build(h, ctl, proto, ctl ? 0 : 5);
		VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8, &g),
			     ok ? 0 : -EPROTOTYPE);
	}
	/* A control frame names its pcx inside; its VNI is 0. */
	vpcpeer_geneve_build(h, true, VPCPEER_GENEVE_P_CTL, 1);
	VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8, &g), -EBADMSG);
	/* A refused header leaves g alone. */
	g.hdrlen = 12345;
	h[0] = 0x40;
	VT_EXPECT_EQ(test, vpcpeer_geneve_parse(h, 8, &g), -EPROTONOSUPPORT);
	VT_EXPECT_EQ(test, g.hdrlen, 12345);

	/* The inner version against Protocol Type. */
	for (opt = 0; opt < 256; opt++) {
		VT_EXPECT_EQ(test, vpcpeer_geneve_inner_ok(0x0800, opt),
			     opt >> 4 == 4);
		VT_EXPECT_EQ(test, vpcpeer_geneve_inner_ok(0x86dd, opt),
			     opt >> 4 == 6);
		VT_EXPECT_EQ(test, vpcpeer_geneve_inner_ok(0x88b5, opt), false);
		VT_EXPECT_EQ(test, vpcpeer_geneve_inner_ok(0x6558, opt), false);
	}
}

/* A valid struct of @type, built field by field. */
static void xpt_full_struct(struct vpcpeer_xmsg *m, u8 type)
{
	xpt_full(&xpt_w2, type, 0);
	memset(m, 0, sizeof(*m));
	vpcpeer_xmsg_decode(xpt_w2.b, xpt_w2.len, m, NULL);
}

/* Refusals of the encoder: nothing it writes can be refused. */
static void test_xp_encode_refusals(struct kunit *test)
{
	struct vpcpeer_xmsg *m = &xpt_m3;
	unsigned int type, size, i;
	int n;

	/* Too small a buffer: -EMSGSIZE, and not a byte written. */
	for (type = 1; type <= VPCPEER_XP_TYPE_MAX; type++) {
		xpt_full_struct(m, type);
		n = vpcpeer_xmsg_encode(m, xpt_buf, sizeof(xpt_buf));
		VT_ASSERT(test, n >= 24, "%s: %d", vpcpeer_xp_type_name(type), n);
		for (size = 0; size < (unsigned int)n; size++) {
			memset(xpt_buf2, 0xa5, sizeof(xpt_buf2));
			VT_EXPECT_EQ(test, vpcpeer_xmsg_encode(m, xpt_buf2, size),
				     -EMSGSIZE);
			for (i = 0; i < sizeof(xpt_buf2); i++)
				if (xpt_buf2[i] != 0xa5)
					break;
			VT_EXPECT_EQ(test, i, sizeof(xpt_buf2));
		}
		VT_EXPECT_EQ(test, vpcpeer_xmsg_encode(m, xpt_buf2, n), n);
	}

#define XPT_BAD(type, change, what) do {				\
	xpt_full_struct(m, type);					\
	change;								\
	VT_EXPECT(test, vpcpeer_xmsg_encode(m, xpt_buf, sizeof(xpt_buf)) == -EINVAL, \
		  "encoder took %s", what);				\
} while (0)
	XPT_BAD(VPCPEER_XP_HELLO, m->type = 0, "type 0");
	XPT_BAD(VPCPEER_XP_HELLO, m->type = 11, "type 11");
	XPT_BAD(VPCPEER_XP_HELLO, m->epoch = 0, "epoch 0");
	XPT_BAD(VPCPEER_XP_HELLO, m->pcx_id = 1, "HELLO with a pcx id");
	XPT_BAD(VPCPEER_XP_DELETE, m->pcx_id = 0, "DELETE without a pcx id");
	XPT_BAD(VPCPEER_XP_DELETE, m->ack = 1, "DELETE with an ack");
	XPT_BAD(VPCPEER_XP_HELLO, m->present |= 1U << VPCPEER_XT_CODE,
		"HELLO with CODE");
	XPT_BAD(VPCPEER_XP_HELLO, m->present |= 1U << 0, "present bit 0");
	XPT_BAD(VPCPEER_XP_HELLO, m->present |= 1U << 13, "present bit 13");
	XPT_BAD(VPCPEER_XP_HELLO, m->present &= ~(1U << VPCPEER_XT_NAME),
		"HELLO without NAME");
	XPT_BAD(VPCPEER_XP_HELLO, m->name[0] = 0, "empty NAME");
	XPT_BAD(VPCPEER_XP_HELLO, memset(m->name, 'a', sizeof(m->name)),
		"NAME without NUL");
	XPT_BAD(VPCPEER_XP_HELLO, m->name[1] = '\n', "NAME with a newline");
	XPT_BAD(VPCPEER_XP_HELLO, m->name[1] = (char)0xe9, "NAME with latin-1");
	XPT_BAD(VPCPEER_XP_REQUEST, m->present |= 1U << VPCPEER_XT_ACC_VPC_NAME;
		memcpy(m->acc_vpc_name, "green", 6), "both accepter fields");
	XPT_BAD(VPCPEER_XP_REQUEST, m->present &= ~(1U << VPCPEER_XT_ACC_VPC_ID),
		"no accepter");
	XPT_BAD(VPCPEER_XP_REQUEST, m->vni = 0, "VNI 0");
	XPT_BAD(VPCPEER_XP_REQUEST, m->vni = 0x1000000, "VNI 2^24");
	XPT_BAD(VPCPEER_XP_REQUEST, m->req_vpc_name[0] = 0, "empty REQ_VPC_NAME");
	XPT_BAD(VPCPEER_XP_RESULT, m->code = 8, "CODE 8");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->allow_dns = 2, "ALLOW_DNS 2");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->ncidrs = 0, "CIDR bit without CIDRs");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->present &= ~(1U << VPCPEER_XT_CIDR),
		"CIDRs without the CIDR bit");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->ncidrs = 51, "51 CIDRs");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->ncidrs = 255, "255 CIDRs");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[1].family = 4, "family 4 in the struct");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[1].family = 0, "family 0");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[1].plen = 33, "v4 /33");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[0].plen = 129, "v6 /129");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[1].addr[3] = 1, "v4 host bits");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[1].addr[4] = 1,
		"v4 with bytes past the address");
	XPT_BAD(VPCPEER_XP_ACCEPT, m->cidrs[0].addr[15] = 1, "v6 host bits");
	XPT_BAD(VPCPEER_XP_UPDATE, m->present |= 1U << VPCPEER_XT_VNI;
		m->vni = 1, "UPDATE with VNI");
#undef XPT_BAD

	/* What the encoder ignores: fields of absent TLVs, bytes after NUL. */
	xpt_full_struct(m, VPCPEER_XP_HELLO);
	m->code = 200;
	m->vni = 0;
	m->cidrs[3].family = 99;
	m->acc_vpc_name[0] = 1;
	memset(m->name + 10, 'z', 6);
	m->name[9] = 0;
	n = vpcpeer_xmsg_encode(m, xpt_buf, sizeof(xpt_buf));
	VT_ASSERT(test, n > 0, "encode %d", n);
	VT_ASSERT_EQ(test, vpcpeer_xmsg_decode(xpt_buf, n, &xpt_m, NULL), 0);
	VT_EXPECT(test, vtest_streq(xpt_m.name, "eu-west-1"), "%s", xpt_m.name);
	VT_EXPECT(test, !xpt_m.code && !xpt_m.acc_vpc_name[0], "absent fields");
}

/* The names for logs, and a refusal's zeroed struct with why NULL. */
static void test_xp_names_for_logs(struct kunit *test)
{
	unsigned int i;

	for (i = 1; i <= VPCPEER_XP_TYPE_MAX; i++)
		VT_EXPECT(test, !vtest_streq(vpcpeer_xp_type_name(i), "?"), "%u", i);
	VT_EXPECT(test, vtest_streq(vpcpeer_xp_type_name(0), "?"), "type 0");
	VT_EXPECT(test, vtest_streq(vpcpeer_xp_type_name(11), "?"), "type 11");
	VT_EXPECT(test, vtest_streq(vpcpeer_xp_type_name(~0U), "?"), "type ~0");
	VT_EXPECT(test, vtest_streq(vpcpeer_xp_type_name(VPCPEER_XP_ACTIVATED),
				    "ACTIVATED"), "ACTIVATED");
	for (i = 0; i <= VPCPEER_XC_MAX; i++)
		VT_EXPECT(test, !vtest_streq(vpcpeer_xp_code_name(i), "?"), "%u", i);
	VT_EXPECT(test, vtest_streq(vpcpeer_xp_code_name(8), "?"), "code 8");
	for (i = 0; i <= VPCPEER_XP_ERR_MAX; i++)
		VT_EXPECT(test, !vtest_streq(vpcpeer_xp_err_name(i), "?"), "%u", i);
	VT_EXPECT(test, vtest_streq(vpcpeer_xp_err_name(VPCPEER_XP_ERR_MAX + 1),
				    "?"), "past the end");

	memset(&xpt_m, 0x5a, sizeof(xpt_m));
	xpt_full(&xpt_w, VPCPEER_XP_HELLO, 0);
	xpt_w.b[0] = 9;
	VT_EXPECT_EQ(test, vpcpeer_xmsg_decode(xpt_w.b, xpt_w.len, &xpt_m, NULL),
		     -EBADMSG);
	VT_EXPECT(test, xpt_all_zero(&xpt_m, sizeof(xpt_m)), "zeroed");
}

static struct kunit_case xproto_test_cases[] = {
	VTEST_CASE(test_xp_roundtrip_types),
	VTEST_CASE(test_xp_wire_bytes),
	VTEST_CASE(test_xp_truncation),
	VTEST_CASE(test_xp_length_field),
	VTEST_CASE(test_xp_header_rules),
	VTEST_CASE(test_xp_tlv_overrun),
	VTEST_CASE(test_xp_tlv_wrong_len),
	VTEST_CASE(test_xp_tlv_padding),
	VTEST_CASE(test_xp_tlv_duplicate),
	VTEST_CASE(test_xp_cidr_shape),
	VTEST_CASE(test_xp_cidr_count),
	VTEST_CASE(test_xp_names),
	VTEST_CASE(test_xp_values),
	VTEST_CASE(test_xp_required),
	VTEST_CASE(test_xp_unknown_and_unused),
	VTEST_CASE(test_xp_geneve),
	VTEST_CASE(test_xp_encode_refusals),
	VTEST_CASE(test_xp_names_for_logs),
	{}
};

VTEST_SUITE(xproto, xproto_test_cases, NULL);

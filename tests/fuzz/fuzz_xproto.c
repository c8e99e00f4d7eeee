// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the inter-region control protocol's codec
 * (kmod/xproto.c, compiled unchanged through the kernel shim
 * tests/unit/kshim/). Byte 0 picks what the rest of the input is:
 *
 *   even  a received UDP payload. The GENEVE parser and the message
 *         decoder must not crash; a refusal must give a reason and leave
 *         the struct zeroed; a message the decoder takes must encode
 *         (never longer than it came), and that encoding must decode to
 *         the very same struct and encode again to the very same bytes.
 *   odd   a struct vpcpeer_xmsg built from the bytes, mostly valid and
 *         sometimes not. This file's own model of the rules, written from
 *         the wire format rather than from xproto.c, says whether it is
 *         valid and how long its encoding is; the encoder must agree on
 *         both (-EINVAL exactly when invalid, -EMSGSIZE exactly when the
 *         buffer is short), write nothing past that length, and what it
 *         writes must decode to the same message.
 *
 * Any disagreement aborts with what it saw. The codec allocates nothing,
 * so ASan's leak check and UBSan watch it for the rest.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/socket.h>

#include "xproto.h"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_xproto: %s: ", #cond);		\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		abort();						\
	}								\
} while (0)

#define BUF	2048

/* The input, read a byte at a time; a missing byte reads as zero. */
static const uint8_t *in;
static size_t in_left;

static uint8_t byte(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

static uint64_t bytes(unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | byte();
	return v;
}

#define B(t)	(1U << VPCPEER_XT_##t)

/* The rules, from the wire format's tables. */
static const uint16_t model_allowed[VPCPEER_XP_TYPE_MAX + 1] = {
	[VPCPEER_XP_HELLO]	= B(NAME) | B(INNER_MTU) | B(FEATURES),
	[VPCPEER_XP_REQUEST]	= B(REQ_VPC_ID) | B(REQ_VPC_NAME) | B(ACC_VPC_ID) |
				  B(ACC_VPC_NAME) | B(EXPIRES) | B(VNI) | B(CIDR),
	[VPCPEER_XP_RESULT]	= B(CODE) | B(ACC_VPC_ID) | B(ACC_VPC_NAME),
	[VPCPEER_XP_ACCEPT]	= B(VNI) | B(CIDR) | B(ALLOW_DNS),
	[VPCPEER_XP_ACTIVATED]	= B(CODE),
	[VPCPEER_XP_UPDATE]	= B(CIDR) | B(ALLOW_DNS),
};

static const uint16_t model_required[VPCPEER_XP_TYPE_MAX + 1] = {
	[VPCPEER_XP_HELLO]	= B(NAME),
	[VPCPEER_XP_REQUEST]	= B(REQ_VPC_ID) | B(EXPIRES) | B(VNI) | B(CIDR),
	[VPCPEER_XP_RESULT]	= B(CODE),
	[VPCPEER_XP_ACCEPT]	= B(VNI) | B(CIDR),
	[VPCPEER_XP_ACTIVATED]	= B(CODE),
	[VPCPEER_XP_UPDATE]	= B(CIDR),
};

static const char *model_str(const struct vpcpeer_xmsg *m, unsigned int t)
{
	return t == VPCPEER_XT_NAME ? m->name :
	       t == VPCPEER_XT_REQ_VPC_NAME ? m->req_vpc_name : m->acc_vpc_name;
}

/* A region name's maximum (15), or a VPC name's (63). */
static int model_str_max(unsigned int t)
{
	return t == VPCPEER_XT_NAME ? 15 : 63;
}

/* 1..max printable ASCII bytes, then a NUL; its length or -1. */
static int model_str_len(unsigned int t, const char *s)
{
	int n = 0, max = model_str_max(t);

	while (n <= max && s[n]) {
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return -1;
		n++;
	}
	return n >= 1 && n <= max ? n : -1;
}

static unsigned int pad4(unsigned int n)
{
	return (n + 3) & ~3U;
}

/* The encoding's length if @m is valid, else 0. */
static unsigned int model_len(const struct vpcpeer_xmsg *m)
{
	static const unsigned int size[VPCPEER_XT_MAX + 1] = {
		[VPCPEER_XT_REQ_VPC_ID] = 4, [VPCPEER_XT_ACC_VPC_ID] = 4,
		[VPCPEER_XT_EXPIRES] = 8, [VPCPEER_XT_CODE] = 1,
		[VPCPEER_XT_ALLOW_DNS] = 1, [VPCPEER_XT_INNER_MTU] = 2,
		[VPCPEER_XT_FEATURES] = 4, [VPCPEER_XT_VNI] = 4,
	};
	unsigned int len = 24, t, i, b;
	uint16_t acc;

	if (m->type < 1 || m->type > VPCPEER_XP_TYPE_MAX || !m->epoch)
		return 0;
	if (m->type == VPCPEER_XP_HELLO ? m->pcx_id != 0 : m->pcx_id == 0)
		return 0;
	if (m->type != VPCPEER_XP_ACK && m->ack)
		return 0;
	if (m->present & ~model_allowed[m->type])
		return 0;
	if ((m->present & model_required[m->type]) != model_required[m->type])
		return 0;
	acc = m->present & (B(ACC_VPC_ID) | B(ACC_VPC_NAME));
	if (m->type == VPCPEER_XP_REQUEST &&
	    acc != B(ACC_VPC_ID) && acc != B(ACC_VPC_NAME))
		return 0;
	if (!!(m->present & B(CIDR)) != !!m->ncidrs || m->ncidrs > 50)
		return 0;
	if ((m->present & B(CODE)) && m->code > 7)
		return 0;
	if ((m->present & B(ALLOW_DNS)) && m->allow_dns > 1)
		return 0;
	if ((m->present & B(VNI)) && (m->vni < 1 || m->vni > 0xffffff))
		return 0;
	for (t = 1; t <= VPCPEER_XT_MAX; t++) {
		if (!(m->present & (1U << t)) || t == VPCPEER_XT_CIDR)
			continue;
		if (t == VPCPEER_XT_NAME || t == VPCPEER_XT_REQ_VPC_NAME ||
		    t == VPCPEER_XT_ACC_VPC_NAME) {
			int n = model_str_len(t, model_str(m, t));

			if (n < 0)
				return 0;
			len += 4 + pad4(n);
		} else {
			len += 4 + pad4(size[t]);
		}
	}
	for (i = 0; i < m->ncidrs; i++) {
		const struct vpcpeer_xcidr *c = &m->cidrs[i];
		unsigned int bits = c->family == AF_INET ? 32 : 128;

		if (c->family != AF_INET && c->family != AF_INET6)
			return 0;
		if (c->plen > bits)
			return 0;
		/* Every bit past the prefix, in all 16 bytes, is 0. */
		for (b = c->plen; b < 128; b++)
			if (c->addr[b / 8] & (0x80 >> (b % 8)))
				return 0;
		len += 4 + 4 + bits / 8;
	}
	return len;
}

/* Do @a and @b say the same thing (only fields that mean something)? */
static bool same_msg(const struct vpcpeer_xmsg *a, const struct vpcpeer_xmsg *b)
{
	unsigned int i;

	if (a->type != b->type || a->pcx_id != b->pcx_id || a->seq != b->seq ||
	    a->ack != b->ack || a->epoch != b->epoch || a->present != b->present)
		return false;
#define F(t, f)	if ((a->present & B(t)) && a->f != b->f) return false
	F(REQ_VPC_ID, req_vpc_id);
	F(ACC_VPC_ID, acc_vpc_id);
	F(EXPIRES, expires);
	F(CODE, code);
	F(ALLOW_DNS, allow_dns);
	F(INNER_MTU, inner_mtu);
	F(FEATURES, features);
	F(VNI, vni);
#undef F
#define S(t, f)	if ((a->present & B(t)) && strcmp(a->f, b->f)) return false
	S(NAME, name);
	S(REQ_VPC_NAME, req_vpc_name);
	S(ACC_VPC_NAME, acc_vpc_name);
#undef S
	if (a->ncidrs != b->ncidrs)
		return false;
	for (i = 0; i < a->ncidrs; i++)
		if (a->cidrs[i].family != b->cidrs[i].family ||
		    a->cidrs[i].plen != b->cidrs[i].plen ||
		    memcmp(a->cidrs[i].addr, b->cidrs[i].addr, 16))
			return false;
	return true;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static struct vpcpeer_xmsg m1, m2;
static uint8_t buf1[BUF], buf2[BUF];

static void fuzz_geneve(const uint8_t *data, size_t size)
{
	struct vpcpeer_geneve g, g2;
	uint8_t h[8];

	if (vpcpeer_geneve_parse(data, size, &g))
		return;
	CHECK(g.hdrlen >= 8 && g.hdrlen <= size && g.hdrlen % 4 == 0,
	      "hdrlen %u of %zu", g.hdrlen, size);
	CHECK(g.vni <= 0xffffff && (!g.ctl || !g.vni), "vni %u", g.vni);
	if (size > g.hdrlen)
		vpcpeer_geneve_inner_ok(g.proto, data[g.hdrlen]);
	vpcpeer_geneve_build(h, g.ctl, g.proto, g.vni);
	CHECK(!vpcpeer_geneve_parse(h, 8, &g2), "rebuilt header refused");
	CHECK(g2.ctl == g.ctl && g2.proto == g.proto && g2.vni == g.vni &&
	      g2.hdrlen == 8, "rebuilt header differs");
}

/* Decode first: the round trip of whatever the decoder takes. */
static void fuzz_decode(const uint8_t *data, size_t size)
{
	enum vpcpeer_xp_err why;
	int n, n2, ret;

	fuzz_geneve(data, size);
	ret = vpcpeer_xmsg_decode(data, size, &m1, &why);
	if (ret) {
		CHECK(ret == -EBADMSG && why > VPCPEER_XP_OK &&
		      why <= VPCPEER_XP_ERR_MAX, "ret %d, why %d", ret, why);
		CHECK(all_zero(&m1, sizeof(m1)), "refused, struct not zeroed");
		return;
	}
	CHECK(why == VPCPEER_XP_OK, "ok with why %d", why);
	CHECK(model_len(&m1), "decoded a message the model calls invalid");
	n = vpcpeer_xmsg_encode(&m1, buf1, sizeof(buf1));
	CHECK(n > 0 && (size_t)n <= size, "re-encode: %d of %zu", n, size);
	CHECK((unsigned int)n == model_len(&m1), "re-encode: %d, model %u",
	      n, model_len(&m1));
	ret = vpcpeer_xmsg_decode(buf1, n, &m2, &why);
	CHECK(!ret, "re-encoded message refused: %s", vpcpeer_xp_err_name(why));
	CHECK(!memcmp(&m1, &m2, sizeof(m1)), "decode(encode(decode(x))) differs");
	n2 = vpcpeer_xmsg_encode(&m2, buf2, sizeof(buf2));
	CHECK(n2 == n && !memcmp(buf1, buf2, n), "encoding not stable");
}

/* A struct from the input: each knob bit lets one part go raw. */
static void gen_msg(struct vpcpeer_xmsg *m)
{
	uint16_t knobs = bytes(2);
	unsigned int i, t, bits;

	memset(m, 0, sizeof(*m));
	m->type = knobs & 1 ? byte() : 1 + byte() % VPCPEER_XP_TYPE_MAX;
	m->pcx_id = bytes(4);
	if (!(knobs & 2))
		m->pcx_id = m->type == VPCPEER_XP_HELLO ? 0 : m->pcx_id | 1;
	m->seq = bytes(4);
	m->ack = bytes(4);
	if (!(knobs & 4) && m->type != VPCPEER_XP_ACK)
		m->ack = 0;
	m->epoch = bytes(8);
	if (!(knobs & 8))
		m->epoch |= 1ULL << 40;
	m->present = bytes(2);
	if (!(knobs & 16) && m->type <= VPCPEER_XP_TYPE_MAX) {
		m->present &= model_allowed[m->type];
		m->present |= model_required[m->type];
		if (m->type == VPCPEER_XP_REQUEST)
			m->present &= byte() & 1 ? ~B(ACC_VPC_ID) : ~B(ACC_VPC_NAME);
		if (m->type == VPCPEER_XP_REQUEST &&
		    !(m->present & (B(ACC_VPC_ID) | B(ACC_VPC_NAME))))
			m->present |= B(ACC_VPC_ID);
	}
	m->req_vpc_id = bytes(4);
	m->acc_vpc_id = bytes(4);
	m->expires = bytes(8);
	m->inner_mtu = bytes(2);
	m->features = bytes(4);
	m->code = byte();
	m->allow_dns = byte();
	m->vni = bytes(4);
	if (!(knobs & 32)) {
		m->code %= 8;
		m->allow_dns &= 1;
		m->vni = 1 + m->vni % 0xffffff;
	}
	for (t = VPCPEER_XT_NAME; t <= VPCPEER_XT_ACC_VPC_NAME; t += 2) {
		char *s = (char *)model_str(m, t);
		unsigned int n = byte();

		if (knobs & 64) {
			for (i = 0; i < (unsigned int)model_str_max(t) + 1; i++)
				s[i] = byte();
			continue;
		}
		n = 1 + n % model_str_max(t);
		for (i = 0; i < n; i++)
			s[i] = 0x20 + byte() % 95;
	}
	m->ncidrs = byte();
	if (!(knobs & 128))
		m->ncidrs = m->present & B(CIDR) ? 1 + m->ncidrs % 50 : 0;
	for (i = 0; i < m->ncidrs && i < VPCPEER_XP_MAX_CIDRS; i++) {
		struct vpcpeer_xcidr *c = &m->cidrs[i];
		uint8_t k = byte();

		if (knobs & 256) {
			c->family = byte();
			c->plen = byte();
			for (t = 0; t < 16; t++)
				c->addr[t] = byte();
			continue;
		}
		c->family = k & 1 ? AF_INET6 : AF_INET;
		bits = k & 1 ? 128 : 32;
		c->plen = byte() % (bits + 1);
		for (t = 0; t < bits / 8; t++)
			c->addr[t] = byte();
		for (t = c->plen; t < 128; t++)
			c->addr[t / 8] &= ~(0x80 >> (t % 8));
	}
}

/* Encode first: the encoder against the model, then the round trip. */
static void fuzz_encode(void)
{
	unsigned int want, size, i;
	enum vpcpeer_xp_err why;
	int n;

	gen_msg(&m1);
	size = bytes(2) & 1 ? bytes(2) % BUF : BUF;
	want = model_len(&m1);
	memset(buf1, 0xa5, sizeof(buf1));
	n = vpcpeer_xmsg_encode(&m1, buf1, size);
	if (!want) {
		CHECK(n == -EINVAL, "encoded an invalid message: %d", n);
		for (i = 0; i < BUF; i++)
			CHECK(buf1[i] == 0xa5, "refused, but wrote byte %u", i);
		return;
	}
	CHECK(want <= VPCPEER_XP_MAX_LEN, "model says %u bytes", want);
	if (want > size) {
		CHECK(n == -EMSGSIZE, "%u bytes into %u: %d", want, size, n);
		for (i = 0; i < BUF; i++)
			CHECK(buf1[i] == 0xa5, "too small, but wrote byte %u", i);
		return;
	}
	CHECK(n == (int)want, "encoded %d bytes, model %u", n, want);
	for (i = n; i < BUF; i++)
		CHECK(buf1[i] == 0xa5, "wrote byte %u past %d", i, n);
	CHECK(!vpcpeer_xmsg_decode(buf1, n, &m2, &why),
	      "encoded message refused: %s", vpcpeer_xp_err_name(why));
	CHECK(same_msg(&m1, &m2), "decode(encode(m)) is not m");
	n = vpcpeer_xmsg_encode(&m2, buf2, sizeof(buf2));
	CHECK(n == (int)want && !memcmp(buf1, buf2, n), "encoding not stable");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	in = data + 1;
	in_left = size - 1;
	if (data[0] & 1)
		fuzz_encode();
	else
		fuzz_decode(data + 1, size - 1);
	vpcpeer_xp_type_name(data[0]);
	vpcpeer_xp_code_name(data[0]);
	return 0;
}

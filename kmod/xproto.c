// SPDX-License-Identifier: GPL-2.0
/*
 * The codec of the inter-region control protocol (xproto.h says what each
 * function promises; Documentation/inter-region.md has the wire format).
 * Everything a remote kernel sends passes through here before any state
 * is touched, so the decoder is strict: every byte of a message is either
 * understood and checked or, for an unknown TLV type, deliberately
 * skipped, and a refusal names the first rule broken so that the module
 * can count it and the tests can assert it. The encoder checks the same
 * rules with the same helpers before it writes a byte, so one side of a
 * link can never build a message the other side must drop.
 *
 * Pure code: no allocation, no lock, no kernel state, only the headers
 * that tests/unit/kshim/ stands in for, so the host tests and the fuzzer
 * run exactly what the module runs.
 */

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
/* 6.12 moved the unaligned accessors out of asm/ (see kmod/Kbuild). */
#ifdef VPCPEER_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "xproto.h"

/* RFC 8926 section 3.4. */
struct xp_geneve_hdr {
	u8 ver_optlen;		/* Ver (2 bits), Opt Len (6 bits, 4-byte words) */
	u8 flags;		/* O, C, 6 reserved bits */
	__be16 proto;
	u8 vni[3];
	u8 rsvd;
} __packed;

#define XP_GENEVE_VER		0xc0
#define XP_GENEVE_OPTLEN	0x3f
#define XP_GENEVE_O		0x80
#define XP_GENEVE_C		0x40

struct xp_hdr {
	u8 version;
	u8 type;
	__be16 length;		/* the whole message, this header included */
	__be32 pcx_id;
	__be32 seq;
	__be32 ack;
	__be64 epoch;
} __packed;

struct xp_tlv {
	__be16 type;
	__be16 len;		/* of the value, without header or padding */
} __packed;

/* The value of a CIDR TLV: this, then 4 or 16 address bytes. */
struct xp_cidr {
	u8 family;		/* 4 or 6: an IP version, not an AF_ number */
	u8 plen;
	__be16 rsvd;
} __packed;

static_assert(sizeof(struct xp_geneve_hdr) == VPCPEER_GENEVE_HLEN);
static_assert(sizeof(struct xp_hdr) == VPCPEER_XP_HDR_LEN);
static_assert(sizeof(struct xp_tlv) == 4);
static_assert(sizeof(struct xp_cidr) == 4);
/* The promise of xproto.h that decoded messages compare with memcmp(). */
static_assert(sizeof(struct vpcpeer_xmsg) ==
	      offsetofend(struct vpcpeer_xmsg, cidrs));
static_assert(offsetof(struct vpcpeer_xmsg, name) ==
	      offsetofend(struct vpcpeer_xmsg, ncidrs));
/* present is a u16 of BIT(TLV type). */
static_assert(VPCPEER_XT_MAX < 16);

#define XP_PAD(len)	(((len) + 3U) & ~3U)
#define XB(t)		((u16)(1U << VPCPEER_XT_##t))

/* How a TLV's value is shaped. */
enum xp_kind {
	XP_UNKNOWN,
	XP_STR,
	XP_U8,
	XP_U16,
	XP_U32,
	XP_U64,
	XP_CIDR,
};

static const u8 xp_kind[VPCPEER_XT_MAX + 1] = {
	[VPCPEER_XT_NAME]		= XP_STR,
	[VPCPEER_XT_REQ_VPC_ID]		= XP_U32,
	[VPCPEER_XT_REQ_VPC_NAME]	= XP_STR,
	[VPCPEER_XT_ACC_VPC_ID]		= XP_U32,
	[VPCPEER_XT_ACC_VPC_NAME]	= XP_STR,
	[VPCPEER_XT_CIDR]		= XP_CIDR,
	[VPCPEER_XT_EXPIRES]		= XP_U64,
	[VPCPEER_XT_CODE]		= XP_U8,
	[VPCPEER_XT_ALLOW_DNS]		= XP_U8,
	[VPCPEER_XT_INNER_MTU]		= XP_U16,
	[VPCPEER_XT_FEATURES]		= XP_U32,
	[VPCPEER_XT_VNI]		= XP_U32,
};

static const u8 xp_kind_size[] = {
	[XP_U8] = 1, [XP_U16] = 2, [XP_U32] = 4, [XP_U64] = 8,
};

/* The TLVs each type uses; any other known TLV is checked, then dropped. */
static const u16 xp_allowed[VPCPEER_XP_TYPE_MAX + 1] = {
	[VPCPEER_XP_HELLO]	= XB(NAME) | XB(INNER_MTU) | XB(FEATURES),
	[VPCPEER_XP_REQUEST]	= XB(REQ_VPC_ID) | XB(REQ_VPC_NAME) |
				  XB(ACC_VPC_ID) | XB(ACC_VPC_NAME) |
				  XB(EXPIRES) | XB(VNI) | XB(CIDR),
	[VPCPEER_XP_RESULT]	= XB(CODE) | XB(ACC_VPC_ID) | XB(ACC_VPC_NAME),
	[VPCPEER_XP_ACCEPT]	= XB(VNI) | XB(CIDR) | XB(ALLOW_DNS),
	[VPCPEER_XP_ACTIVATED]	= XB(CODE),
	[VPCPEER_XP_UPDATE]	= XB(CIDR) | XB(ALLOW_DNS),
};

/* ...and those it cannot do without (REQUEST also needs one accepter). */
static const u16 xp_required[VPCPEER_XP_TYPE_MAX + 1] = {
	[VPCPEER_XP_HELLO]	= XB(NAME),
	[VPCPEER_XP_REQUEST]	= XB(REQ_VPC_ID) | XB(EXPIRES) | XB(VNI) |
				  XB(CIDR),
	[VPCPEER_XP_RESULT]	= XB(CODE),
	[VPCPEER_XP_ACCEPT]	= XB(VNI) | XB(CIDR),
	[VPCPEER_XP_ACTIVATED]	= XB(CODE),
	[VPCPEER_XP_UPDATE]	= XB(CIDR),
};

int vpcpeer_geneve_parse(const u8 *buf, unsigned int len,
			 struct vpcpeer_geneve *g)
{
	const struct xp_geneve_hdr *h = (const void *)buf;
	unsigned int hdrlen;
	u16 proto;
	u32 vni;
	bool ctl;

	if (len < VPCPEER_GENEVE_HLEN)
		return -EMSGSIZE;
	/* Another version may lay out even the option length differently. */
	if (h->ver_optlen & XP_GENEVE_VER)
		return -EPROTONOSUPPORT;
	hdrlen = VPCPEER_GENEVE_HLEN + (h->ver_optlen & XP_GENEVE_OPTLEN) * 4;
	if (len < hdrlen)
		return -EMSGSIZE;
	/*
	 * RFC 8926 lets a receiver skip options it does not know unless
	 * one is critical; we know none, so a critical one ends it.
	 */
	if (h->flags & XP_GENEVE_C)
		return -EOPNOTSUPP;
	ctl = h->flags & XP_GENEVE_O;
	proto = get_unaligned_be16(&h->proto);
	/* The VNI and the reserved byte after it, shifted out. */
	vni = get_unaligned_be32(h->vni) >> 8;
	if (ctl && proto != VPCPEER_GENEVE_P_CTL)
		return -EPROTOTYPE;
	if (!ctl && proto != VPCPEER_GENEVE_P_IP &&
	    proto != VPCPEER_GENEVE_P_IPV6)
		return -EPROTOTYPE;
	/* Control is per region; the pcx id travels inside the message. */
	if (ctl && vni)
		return -EBADMSG;
	g->ctl = ctl;
	g->proto = proto;
	g->vni = vni;
	g->hdrlen = hdrlen;
	return 0;
}

bool vpcpeer_geneve_inner_ok(u16 proto, u8 first_inner_byte)
{
	switch (proto) {
	case VPCPEER_GENEVE_P_IP:
		return first_inner_byte >> 4 == 4;
	case VPCPEER_GENEVE_P_IPV6:
		return first_inner_byte >> 4 == 6;
	}
	return false;
}

void vpcpeer_geneve_build(u8 hdr[VPCPEER_GENEVE_HLEN], bool ctl, u16 proto,
			  u32 vni)
{
	struct xp_geneve_hdr *h = (void *)hdr;

	h->ver_optlen = 0;
	h->flags = ctl ? XP_GENEVE_O : 0;
	put_unaligned_be16(proto, &h->proto);
	/* Writes the reserved byte too, as zero. */
	put_unaligned_be32((vni & VPCPEER_XP_VNI_MAX) << 8, h->vni);
}

/*
 * The rules shared by the decoder and the encoder. Each returns the
 * reason a field breaks them, or VPCPEER_XP_OK.
 */

static enum vpcpeer_xp_err xp_check_header(const struct vpcpeer_xmsg *m)
{
	if (!m->type || m->type > VPCPEER_XP_TYPE_MAX)
		return VPCPEER_XP_ERR_TYPE;
	/* 0 is what a peer that never loaded the module would be. */
	if (!m->epoch)
		return VPCPEER_XP_ERR_EPOCH;
	/* A HELLO is about the region, anything else about one pcx. */
	if (m->type == VPCPEER_XP_HELLO ? m->pcx_id : !m->pcx_id)
		return VPCPEER_XP_ERR_PCX_ID;
	if (m->type != VPCPEER_XP_ACK && m->ack)
		return VPCPEER_XP_ERR_ACK;
	return VPCPEER_XP_OK;
}

/* The longest value of string TLV @t: a region name or a VPC name. */
static unsigned int xp_str_max(unsigned int t)
{
	return t == VPCPEER_XT_NAME ? VPCPEER_XP_NAME_MAX : VPCPEER_XP_VPC_NAME_MAX;
}

/* Names end up in logs and events: printable ASCII only, no NUL. */
static enum vpcpeer_xp_err xp_check_str(unsigned int t, const char *s,
					unsigned int len)
{
	unsigned int i;

	if (!len || len > xp_str_max(t))
		return VPCPEER_XP_ERR_TLV_LEN;
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return VPCPEER_XP_ERR_STRING;
	return VPCPEER_XP_OK;
}

/* The range rules of the integer TLVs. */
static enum vpcpeer_xp_err xp_check_int(unsigned int t, u64 v)
{
	switch (t) {
	case VPCPEER_XT_CODE:
		return v > VPCPEER_XC_MAX ? VPCPEER_XP_ERR_CODE : VPCPEER_XP_OK;
	case VPCPEER_XT_ALLOW_DNS:
		return v > 1 ? VPCPEER_XP_ERR_FLAG : VPCPEER_XP_OK;
	case VPCPEER_XT_VNI:
		/* VNI 0 is the control plane's own (vpcpeer_geneve_parse). */
		return !v || v > VPCPEER_XP_VNI_MAX ? VPCPEER_XP_ERR_VNI :
						      VPCPEER_XP_OK;
	}
	return VPCPEER_XP_OK;
}

/*
 * A block's address bytes past its prefix must be zero: an address with
 * host bits is not a CIDR block, and two spellings of one block would
 * make the accepter's overlap and uniqueness checks disagree with ours.
 */
static enum vpcpeer_xp_err xp_check_cidr(const struct vpcpeer_xcidr *c,
					 unsigned int alen)
{
	unsigned int i = c->plen / 8;

	if (c->plen > alen * 8)
		return VPCPEER_XP_ERR_CIDR_PLEN;
	if (c->plen % 8 && c->addr[i++] & (0xff >> (c->plen % 8)))
		return VPCPEER_XP_ERR_CIDR_HOST;
	for (; i < alen; i++)
		if (c->addr[i])
			return VPCPEER_XP_ERR_CIDR_HOST;
	return VPCPEER_XP_OK;
}

static enum vpcpeer_xp_err xp_check_present(u8 type, u16 present)
{
	u16 acc = present & (XB(ACC_VPC_ID) | XB(ACC_VPC_NAME));

	if ((present & xp_required[type]) != xp_required[type])
		return VPCPEER_XP_ERR_MISSING;
	/* The accepter VPC is named one way, so B never has to choose. */
	if (type == VPCPEER_XP_REQUEST && !acc)
		return VPCPEER_XP_ERR_MISSING;
	if (type == VPCPEER_XP_REQUEST &&
	    acc == (XB(ACC_VPC_ID) | XB(ACC_VPC_NAME)))
		return VPCPEER_XP_ERR_CONFLICT;
	return VPCPEER_XP_OK;
}

/* Where each TLV lives in the struct. */

static char *xp_str(struct vpcpeer_xmsg *m, unsigned int t)
{
	switch (t) {
	case VPCPEER_XT_REQ_VPC_NAME:
		return m->req_vpc_name;
	case VPCPEER_XT_ACC_VPC_NAME:
		return m->acc_vpc_name;
	}
	return m->name;
}

static const char *xp_cstr(const struct vpcpeer_xmsg *m, unsigned int t)
{
	switch (t) {
	case VPCPEER_XT_REQ_VPC_NAME:
		return m->req_vpc_name;
	case VPCPEER_XT_ACC_VPC_NAME:
		return m->acc_vpc_name;
	}
	return m->name;
}

static u64 xp_get_int(const struct vpcpeer_xmsg *m, unsigned int t)
{
	switch (t) {
	case VPCPEER_XT_REQ_VPC_ID:
		return m->req_vpc_id;
	case VPCPEER_XT_ACC_VPC_ID:
		return m->acc_vpc_id;
	case VPCPEER_XT_EXPIRES:
		return m->expires;
	case VPCPEER_XT_CODE:
		return m->code;
	case VPCPEER_XT_ALLOW_DNS:
		return m->allow_dns;
	case VPCPEER_XT_INNER_MTU:
		return m->inner_mtu;
	case VPCPEER_XT_FEATURES:
		return m->features;
	case VPCPEER_XT_VNI:
		return m->vni;
	}
	return 0;
}

/* v fits the field: the caller read exactly the field's size. */
static void xp_set_int(struct vpcpeer_xmsg *m, unsigned int t, u64 v)
{
	switch (t) {
	case VPCPEER_XT_REQ_VPC_ID:
		m->req_vpc_id = v;
		break;
	case VPCPEER_XT_ACC_VPC_ID:
		m->acc_vpc_id = v;
		break;
	case VPCPEER_XT_EXPIRES:
		m->expires = v;
		break;
	case VPCPEER_XT_CODE:
		m->code = v;
		break;
	case VPCPEER_XT_ALLOW_DNS:
		m->allow_dns = v;
		break;
	case VPCPEER_XT_INNER_MTU:
		m->inner_mtu = v;
		break;
	case VPCPEER_XT_FEATURES:
		m->features = v;
		break;
	case VPCPEER_XT_VNI:
		m->vni = v;
		break;
	}
}

static u64 xp_get_be(const u8 *p, unsigned int size)
{
	switch (size) {
	case 1:
		return *p;
	case 2:
		return get_unaligned_be16(p);
	case 4:
		return get_unaligned_be32(p);
	}
	return get_unaligned_be64(p);
}

static void xp_put_be(u8 *p, unsigned int size, u64 v)
{
	switch (size) {
	case 1:
		*p = v;
		break;
	case 2:
		put_unaligned_be16(v, p);
		break;
	case 4:
		put_unaligned_be32(v, p);
		break;
	default:
		put_unaligned_be64(v, p);
	}
}

/* Empties a TLV's field again, for one the message's type does not use. */
static void xp_clear(struct vpcpeer_xmsg *m, unsigned int t)
{
	switch (xp_kind[t]) {
	case XP_STR:
		memset(xp_str(m, t), 0, xp_str_max(t) + 1);
		break;
	case XP_CIDR:
		memset(m->cidrs, 0, sizeof(m->cidrs));
		m->ncidrs = 0;
		break;
	default:
		xp_set_int(m, t, 0);
	}
}

static enum vpcpeer_xp_err xp_decode_cidr(struct vpcpeer_xmsg *m,
					  const u8 *v, unsigned int len)
{
	const struct xp_cidr *w = (const void *)v;
	enum vpcpeer_xp_err err;
	struct vpcpeer_xcidr *c;
	unsigned int alen;
	u8 family;

	if (len < sizeof(*w))
		return VPCPEER_XP_ERR_TLV_LEN;
	switch (w->family) {
	case 4:
		family = AF_INET;
		alen = 4;
		break;
	case 6:
		family = AF_INET6;
		alen = 16;
		break;
	default:
		return VPCPEER_XP_ERR_CIDR_FAMILY;
	}
	if (len != sizeof(*w) + alen)
		return VPCPEER_XP_ERR_TLV_LEN;
	if (w->rsvd)
		return VPCPEER_XP_ERR_CIDR_RSVD;
	if (m->ncidrs == VPCPEER_XP_MAX_CIDRS)
		return VPCPEER_XP_ERR_CIDR_COUNT;
	c = &m->cidrs[m->ncidrs];
	c->family = family;
	c->plen = w->plen;
	memcpy(c->addr, v + sizeof(*w), alen);
	err = xp_check_cidr(c, alen);
	if (err)
		return err;
	m->ncidrs++;
	return VPCPEER_XP_OK;
}

static enum vpcpeer_xp_err xp_decode_tlv(struct vpcpeer_xmsg *m,
					 unsigned int t, const u8 *v,
					 unsigned int len)
{
	enum vpcpeer_xp_err err;
	u64 x;

	switch (xp_kind[t]) {
	case XP_STR:
		err = xp_check_str(t, (const char *)v, len);
		if (!err)
			memcpy(xp_str(m, t), v, len);
		return err;
	case XP_CIDR:
		return xp_decode_cidr(m, v, len);
	}
	if (len != xp_kind_size[xp_kind[t]])
		return VPCPEER_XP_ERR_TLV_LEN;
	x = xp_get_be(v, len);
	err = xp_check_int(t, x);
	if (!err)
		xp_set_int(m, t, x);
	return err;
}

static enum vpcpeer_xp_err xp_decode(const u8 *buf, unsigned int len,
				     struct vpcpeer_xmsg *m)
{
	const struct xp_hdr *h = (const void *)buf;
	enum vpcpeer_xp_err err;
	unsigned int off, t;
	u16 seen = 0;

	if (len < sizeof(*h))
		return VPCPEER_XP_ERR_SHORT;
	if (h->version != VPCPEER_XP_VERSION)
		return VPCPEER_XP_ERR_VERSION;
	/* Trailing bytes would be a second, unchecked message. */
	if (get_unaligned_be16(&h->length) != len)
		return VPCPEER_XP_ERR_LENGTH;
	if (len > VPCPEER_XP_MAX_LEN)
		return VPCPEER_XP_ERR_TOO_LONG;
	m->type = h->type;
	m->pcx_id = get_unaligned_be32(&h->pcx_id);
	m->seq = get_unaligned_be32(&h->seq);
	m->ack = get_unaligned_be32(&h->ack);
	m->epoch = get_unaligned_be64(&h->epoch);
	err = xp_check_header(m);
	if (err)
		return err;

	for (off = sizeof(*h); off < len; ) {
		const struct xp_tlv *tlv = (const void *)(buf + off);
		unsigned int vlen, plen, i;
		const u8 *v;

		if (len - off < sizeof(*tlv))
			return VPCPEER_XP_ERR_TLV_TRUNC;
		t = get_unaligned_be16(&tlv->type);
		vlen = get_unaligned_be16(&tlv->len);
		plen = XP_PAD(vlen);
		off += sizeof(*tlv);
		if (len - off < plen)
			return VPCPEER_XP_ERR_TLV_TRUNC;
		v = buf + off;
		off += plen;
		/* Framing holds for every TLV, known or not. */
		for (i = vlen; i < plen; i++)
			if (v[i])
				return VPCPEER_XP_ERR_TLV_PAD;
		if (!t || t > VPCPEER_XT_MAX)
			continue;
		if (t != VPCPEER_XT_CIDR && (seen & (1U << t)))
			return VPCPEER_XP_ERR_TLV_DUP;
		err = xp_decode_tlv(m, t, v, vlen);
		if (err)
			return err;
		seen |= 1U << t;
	}

	for (t = 1; t <= VPCPEER_XT_MAX; t++)
		if (seen & ~xp_allowed[m->type] & (1U << t))
			xp_clear(m, t);
	m->present = seen & xp_allowed[m->type];
	return xp_check_present(m->type, m->present);
}

int vpcpeer_xmsg_decode(const u8 *buf, unsigned int len,
			struct vpcpeer_xmsg *m, enum vpcpeer_xp_err *why)
{
	enum vpcpeer_xp_err err;

	memset(m, 0, sizeof(*m));
	err = xp_decode(buf, len, m);
	if (why)
		*why = err;
	if (err) {
		/* No half-decoded message for a caller that skips the check. */
		memset(m, 0, sizeof(*m));
		return -EBADMSG;
	}
	return 0;
}

/* Bytes of one CIDR TLV's value, or 0 if the block is not well formed. */
static unsigned int xp_cidr_len(const struct vpcpeer_xcidr *c)
{
	unsigned int alen, i;

	switch (c->family) {
	case AF_INET:
		alen = 4;
		break;
	case AF_INET6:
		alen = 16;
		break;
	default:
		return 0;
	}
	/* Bytes the wire does not carry must be 0, or the round trip lies. */
	for (i = alen; i < sizeof(c->addr); i++)
		if (c->addr[i])
			return 0;
	if (xp_check_cidr(c, alen))
		return 0;
	return sizeof(struct xp_cidr) + alen;
}

/*
 * The length of @m's TLV @t on the wire, header and padding included
 * (all its entries for CIDR), or 0 if its value breaks a rule.
 */
static unsigned int xp_tlv_size(const struct vpcpeer_xmsg *m, unsigned int t)
{
	unsigned int n, i, size = 0;
	const char *s;

	switch (xp_kind[t]) {
	case XP_STR:
		s = xp_cstr(m, t);
		n = strnlen(s, xp_str_max(t) + 1);
		if (xp_check_str(t, s, n))
			return 0;
		return sizeof(struct xp_tlv) + XP_PAD(n);
	case XP_CIDR:
		for (i = 0; i < m->ncidrs; i++) {
			n = xp_cidr_len(&m->cidrs[i]);
			if (!n)
				return 0;
			size += sizeof(struct xp_tlv) + XP_PAD(n);
		}
		return size;
	}
	if (xp_check_int(t, xp_get_int(m, t)))
		return 0;
	return sizeof(struct xp_tlv) + XP_PAD(xp_kind_size[xp_kind[t]]);
}

static u8 *xp_put_tlv(u8 *p, unsigned int t, unsigned int len)
{
	struct xp_tlv *tlv = (void *)p;

	put_unaligned_be16(t, &tlv->type);
	put_unaligned_be16(len, &tlv->len);
	return p + sizeof(*tlv);
}

static u8 *xp_encode_tlv(const struct vpcpeer_xmsg *m, unsigned int t, u8 *p)
{
	const struct vpcpeer_xcidr *c;
	unsigned int n, i, size;
	struct xp_cidr *w;
	const char *s;

	switch (xp_kind[t]) {
	case XP_STR:
		s = xp_cstr(m, t);
		n = strnlen(s, xp_str_max(t) + 1);
		p = xp_put_tlv(p, t, n);
		memcpy(p, s, n);
		return p + XP_PAD(n);
	case XP_CIDR:
		for (i = 0; i < m->ncidrs; i++) {
			c = &m->cidrs[i];
			n = c->family == AF_INET ? 4 : 16;
			p = xp_put_tlv(p, t, sizeof(*w) + n);
			w = (void *)p;
			w->family = c->family == AF_INET ? 4 : 6;
			w->plen = c->plen;
			memcpy(p + sizeof(*w), c->addr, n);
			p += XP_PAD(sizeof(*w) + n);
		}
		return p;
	}
	size = xp_kind_size[xp_kind[t]];
	p = xp_put_tlv(p, t, size);
	xp_put_be(p, size, xp_get_int(m, t));
	return p + XP_PAD(size);
}

int vpcpeer_xmsg_encode(const struct vpcpeer_xmsg *m, u8 *buf,
			unsigned int size)
{
	unsigned int t, n, len = sizeof(struct xp_hdr);
	struct xp_hdr *h = (void *)buf;
	u8 *p;

	if (xp_check_header(m))
		return -EINVAL;
	if (m->ncidrs > VPCPEER_XP_MAX_CIDRS ||
	    !(m->present & XB(CIDR)) != !m->ncidrs)
		return -EINVAL;
	/* What the decoder would drop would not come back: refuse it. */
	if (m->present & ~xp_allowed[m->type])
		return -EINVAL;
	if (xp_check_present(m->type, m->present))
		return -EINVAL;
	for (t = 1; t <= VPCPEER_XT_MAX; t++) {
		if (!(m->present & (1U << t)))
			continue;
		n = xp_tlv_size(m, t);
		if (!n)
			return -EINVAL;
		len += n;
	}
	if (len > size || len > VPCPEER_XP_MAX_LEN)
		return -EMSGSIZE;

	/* Zero first: padding, the CIDR reserved field, unused bytes. */
	memset(buf, 0, len);
	h->version = VPCPEER_XP_VERSION;
	h->type = m->type;
	put_unaligned_be16(len, &h->length);
	put_unaligned_be32(m->pcx_id, &h->pcx_id);
	put_unaligned_be32(m->seq, &h->seq);
	put_unaligned_be32(m->ack, &h->ack);
	put_unaligned_be64(m->epoch, &h->epoch);
	p = buf + sizeof(*h);
	for (t = 1; t <= VPCPEER_XT_MAX; t++)
		if (m->present & (1U << t))
			p = xp_encode_tlv(m, t, p);
	return len;
}

const char *vpcpeer_xp_type_name(unsigned int type)
{
	static const char * const names[VPCPEER_XP_TYPE_MAX + 1] = {
		[VPCPEER_XP_HELLO]	= "HELLO",
		[VPCPEER_XP_REQUEST]	= "REQUEST",
		[VPCPEER_XP_RESULT]	= "RESULT",
		[VPCPEER_XP_ACCEPT]	= "ACCEPT",
		[VPCPEER_XP_ACTIVATED]	= "ACTIVATED",
		[VPCPEER_XP_REJECT]	= "REJECT",
		[VPCPEER_XP_DELETE]	= "DELETE",
		[VPCPEER_XP_EXPIRE]	= "EXPIRE",
		[VPCPEER_XP_UPDATE]	= "UPDATE",
		[VPCPEER_XP_ACK]	= "ACK",
	};

	return type <= VPCPEER_XP_TYPE_MAX && names[type] ? names[type] : "?";
}

const char *vpcpeer_xp_code_name(unsigned int code)
{
	static const char * const names[VPCPEER_XC_MAX + 1] = {
		[VPCPEER_XC_OK]			= "ok",
		[VPCPEER_XC_FAILED]		= "failed",
		[VPCPEER_XC_ID_IN_USE]		= "pcx id in use",
		[VPCPEER_XC_PAIR_EXISTS]	= "pair exists",
		[VPCPEER_XC_MALFORMED]		= "malformed",
		[VPCPEER_XC_QUOTA]		= "quota",
		[VPCPEER_XC_EXPIRED]		= "expired",
		[VPCPEER_XC_DELETED]		= "deleted",
	};

	return code <= VPCPEER_XC_MAX ? names[code] : "?";
}

const char *vpcpeer_xp_err_name(enum vpcpeer_xp_err err)
{
	static const char * const names[VPCPEER_XP_ERR_MAX + 1] = {
		[VPCPEER_XP_OK]			= "ok",
		[VPCPEER_XP_ERR_SHORT]		= "shorter than the header",
		[VPCPEER_XP_ERR_VERSION]	= "unknown version",
		[VPCPEER_XP_ERR_LENGTH]		= "length field is not the message's",
		[VPCPEER_XP_ERR_TOO_LONG]	= "longer than 1400 bytes",
		[VPCPEER_XP_ERR_TYPE]		= "unknown type",
		[VPCPEER_XP_ERR_EPOCH]		= "epoch 0",
		[VPCPEER_XP_ERR_PCX_ID]		= "bad pcx id for the type",
		[VPCPEER_XP_ERR_ACK]		= "ack outside an ACK",
		[VPCPEER_XP_ERR_TLV_TRUNC]	= "TLV overruns the message",
		[VPCPEER_XP_ERR_TLV_LEN]	= "bad TLV length",
		[VPCPEER_XP_ERR_TLV_PAD]	= "non-zero TLV padding",
		[VPCPEER_XP_ERR_TLV_DUP]	= "repeated TLV",
		[VPCPEER_XP_ERR_STRING]		= "name not printable ASCII",
		[VPCPEER_XP_ERR_CIDR_FAMILY]	= "bad CIDR family",
		[VPCPEER_XP_ERR_CIDR_RSVD]	= "CIDR reserved field not 0",
		[VPCPEER_XP_ERR_CIDR_PLEN]	= "CIDR prefix too long",
		[VPCPEER_XP_ERR_CIDR_HOST]	= "CIDR host bits set",
		[VPCPEER_XP_ERR_CIDR_COUNT]	= "too many CIDRs",
		[VPCPEER_XP_ERR_VNI]		= "VNI out of range",
		[VPCPEER_XP_ERR_CODE]		= "unknown code",
		[VPCPEER_XP_ERR_FLAG]		= "flag neither 0 nor 1",
		[VPCPEER_XP_ERR_MISSING]	= "required TLV missing",
		[VPCPEER_XP_ERR_CONFLICT]	= "both accepter VPC id and name",
	};

	return (unsigned int)err <= VPCPEER_XP_ERR_MAX ? names[err] : "?";
}

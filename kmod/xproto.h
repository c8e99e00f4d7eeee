/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The codec of the inter-region control protocol: how two vpcpeer kernels
 * on different hosts frame what they tell each other. Data and control
 * both travel in GENEVE (RFC 8926) over UDP 6081; a control frame has the
 * O bit set, Protocol Type 0x88B5 and VNI 0, and carries one control
 * message: a 24-byte header and TLVs (Documentation/inter-region.md,
 * "Wire format", has the byte layouts and the tables).
 *
 * This file only turns bytes into a struct and back and says whether
 * they are well formed. It has no socket, no lock, no kernel state and
 * allocates nothing, so the same source builds into the module and,
 * through tests/unit/kshim/, into host unit tests and a fuzzer. All the
 * functions are pure and may be called in any context.
 *
 *   vpcpeer_geneve_parse(buf, len, g)
 *                        the GENEVE header of a received UDP payload:
 *                        0, or -EMSGSIZE (shorter than 8 bytes or than its
 *                        options), -EPROTONOSUPPORT (Ver != 0), -EOPNOTSUPP
 *                        (C bit: a critical option we cannot know),
 *                        -EPROTOTYPE (Protocol Type not 0x88B5 for control,
 *                        not 0x0800/0x86DD for data), -EBADMSG (control
 *                        frame with a VNI other than 0)
 *   vpcpeer_geneve_inner_ok(proto, byte)
 *                        does the inner packet's first byte carry the IP
 *                        version that Protocol Type announces?
 *   vpcpeer_geneve_build(hdr, ctl, proto, vni)
 *                        an 8-byte header without options
 *   vpcpeer_xmsg_decode(buf, len, m, why)
 *                        0, or -EBADMSG with *why (if why is not NULL) the
 *                        first rule the message broke; *m is then zeroed
 *   vpcpeer_xmsg_encode(m, buf, size)
 *                        the message's length, or -EINVAL (m breaks a rule
 *                        the decoder enforces: nothing is written) or
 *                        -EMSGSIZE (it does not fit in size bytes)
 *
 * Whatever the encoder writes, the decoder accepts and decodes to the
 * same message; whatever the decoder accepts, the encoder writes back.
 * Known TLVs that mean nothing for a message's type are checked, then
 * left out of the struct; unknown TLV types are skipped, so that a later
 * version may add TLVs that this one ignores.
 */
#ifndef _VPCPEER_XPROTO_H
#define _VPCPEER_XPROTO_H

#include <linux/types.h>

#define VPCPEER_GENEVE_PORT	6081
#define VPCPEER_GENEVE_HLEN	8
#define VPCPEER_GENEVE_P_IP	0x0800	/* data: inner IPv4 */
#define VPCPEER_GENEVE_P_IPV6	0x86DD	/* data: inner IPv6 */
#define VPCPEER_GENEVE_P_CTL	0x88B5	/* control: IEEE 802 local experimental */

struct vpcpeer_geneve {
	bool ctl;		/* O bit: a control message follows */
	u16 proto;		/* Protocol Type, host order */
	u32 vni;		/* 24 bits */
	unsigned int hdrlen;	/* 8 + options: where the payload starts */
};

int vpcpeer_geneve_parse(const u8 *buf, unsigned int len,
			 struct vpcpeer_geneve *g);
bool vpcpeer_geneve_inner_ok(u16 proto, u8 first_inner_byte);
void vpcpeer_geneve_build(u8 hdr[VPCPEER_GENEVE_HLEN], bool ctl, u16 proto,
			  u32 vni);

#define VPCPEER_XP_VERSION	1
#define VPCPEER_XP_HDR_LEN	24
#define VPCPEER_XP_MAX_LEN	1400	/* a control message, header included */
#define VPCPEER_XP_MAX_CIDRS	50	/* CIDR TLVs in one message */
#define VPCPEER_XP_NAME_MAX	15	/* bytes of a NAME TLV (a region name) */
#define VPCPEER_XP_VPC_NAME_MAX	63	/* bytes of a VPC name TLV (VPCPEER_NAME_MAX - 1) */
#define VPCPEER_XP_VNI_MAX	0xffffff

/* Message types. */
enum vpcpeer_xp_type {
	VPCPEER_XP_HELLO = 1,
	VPCPEER_XP_REQUEST,
	VPCPEER_XP_RESULT,
	VPCPEER_XP_ACCEPT,
	VPCPEER_XP_ACTIVATED,
	VPCPEER_XP_REJECT,
	VPCPEER_XP_DELETE,
	VPCPEER_XP_EXPIRE,
	VPCPEER_XP_UPDATE,
	VPCPEER_XP_ACK,
	VPCPEER_XP_TYPE_MAX = VPCPEER_XP_ACK,
};

/* TLV types; BIT(type) is the TLV's bit in struct vpcpeer_xmsg.present. */
enum vpcpeer_xt {
	VPCPEER_XT_NAME = 1,		/* string: the sender's region name */
	VPCPEER_XT_REQ_VPC_ID,		/* u32 */
	VPCPEER_XT_REQ_VPC_NAME,	/* string */
	VPCPEER_XT_ACC_VPC_ID,		/* u32 */
	VPCPEER_XT_ACC_VPC_NAME,	/* string */
	VPCPEER_XT_CIDR,		/* repeated: family, plen, 0, address */
	VPCPEER_XT_EXPIRES,		/* u64, unix seconds */
	VPCPEER_XT_CODE,		/* u8, enum vpcpeer_xp_code */
	VPCPEER_XT_ALLOW_DNS,		/* u8, 0 or 1 */
	VPCPEER_XT_INNER_MTU,		/* u16 */
	VPCPEER_XT_FEATURES,		/* u32 */
	VPCPEER_XT_VNI,			/* u32, 1..VPCPEER_XP_VNI_MAX */
	VPCPEER_XT_MAX = VPCPEER_XT_VNI,
};

/* CODE of RESULT and ACTIVATED. */
enum vpcpeer_xp_code {
	VPCPEER_XC_OK,		/* RESULT: pending acceptance; ACTIVATED: active */
	VPCPEER_XC_FAILED,	/* opaque: no such VPC, not visible, overlap */
	VPCPEER_XC_ID_IN_USE,
	VPCPEER_XC_PAIR_EXISTS,
	VPCPEER_XC_MALFORMED,
	VPCPEER_XC_QUOTA,
	VPCPEER_XC_EXPIRED,
	VPCPEER_XC_DELETED,
	VPCPEER_XC_MAX = VPCPEER_XC_DELETED,
};

/* Why the decoder refused a message: the first rule it found broken. */
enum vpcpeer_xp_err {
	VPCPEER_XP_OK,
	VPCPEER_XP_ERR_SHORT,		/* fewer bytes than the header */
	VPCPEER_XP_ERR_VERSION,		/* version is not 1 */
	VPCPEER_XP_ERR_LENGTH,		/* length field is not the bytes given */
	VPCPEER_XP_ERR_TOO_LONG,	/* more than VPCPEER_XP_MAX_LEN */
	VPCPEER_XP_ERR_TYPE,		/* unknown message type */
	VPCPEER_XP_ERR_EPOCH,		/* epoch 0 */
	VPCPEER_XP_ERR_PCX_ID,		/* pcx_id 0, or not 0 in a HELLO */
	VPCPEER_XP_ERR_ACK,		/* ack not 0 outside an ACK */
	VPCPEER_XP_ERR_TLV_TRUNC,	/* a TLV or its padding overruns */
	VPCPEER_XP_ERR_TLV_LEN,		/* wrong value length for the type */
	VPCPEER_XP_ERR_TLV_PAD,		/* a padding byte is not zero */
	VPCPEER_XP_ERR_TLV_DUP,		/* a non-repeatable TLV twice */
	VPCPEER_XP_ERR_STRING,		/* empty, NUL or not printable ASCII */
	VPCPEER_XP_ERR_CIDR_FAMILY,	/* family neither 4 nor 6 */
	VPCPEER_XP_ERR_CIDR_RSVD,	/* the u16 after plen is not 0 */
	VPCPEER_XP_ERR_CIDR_PLEN,	/* prefix length past 32 or 128 */
	VPCPEER_XP_ERR_CIDR_HOST,	/* host bits set */
	VPCPEER_XP_ERR_CIDR_COUNT,	/* more than VPCPEER_XP_MAX_CIDRS */
	VPCPEER_XP_ERR_VNI,		/* VNI 0 or past 24 bits */
	VPCPEER_XP_ERR_CODE,		/* CODE past VPCPEER_XC_MAX */
	VPCPEER_XP_ERR_FLAG,		/* ALLOW_DNS neither 0 nor 1 */
	VPCPEER_XP_ERR_MISSING,		/* a TLV the type requires is absent */
	VPCPEER_XP_ERR_CONFLICT,	/* REQUEST: both ACC_VPC_ID and _NAME */
	VPCPEER_XP_ERR_MAX = VPCPEER_XP_ERR_CONFLICT,
};

/*
 * A CIDR block, laid out as the module's struct vpcpeer_cidr (kmod/vpc.h)
 * so that one converts to the other field by field: family is AF_INET or
 * AF_INET6 here (4 or 6 only on the wire), an IPv4 address fills the
 * first 4 bytes of addr and the other 12 are zero.
 */
struct vpcpeer_xcidr {
	u8 family;
	u8 plen;
	u8 addr[16];
};

/*
 * A control message, decoded: no pointer into the buffer, strings NUL
 * terminated. Only the fields of the TLVs whose bit is in present (and
 * the header's) mean anything; the decoder zeroes the rest, so two
 * decoded messages compare equal with memcmp() (the struct has no
 * padding). present has the CIDR bit exactly when ncidrs is not 0.
 */
struct vpcpeer_xmsg {
	u64 epoch;
	u64 expires;			/* EXPIRES */
	u32 pcx_id;
	u32 seq;
	u32 ack;
	u32 req_vpc_id;			/* REQ_VPC_ID */
	u32 acc_vpc_id;			/* ACC_VPC_ID */
	u32 features;			/* FEATURES */
	u32 vni;			/* VNI */
	u16 present;			/* BIT(enum vpcpeer_xt) */
	u16 inner_mtu;			/* INNER_MTU */
	u8 type;			/* enum vpcpeer_xp_type */
	u8 code;			/* CODE */
	u8 allow_dns;			/* ALLOW_DNS */
	u8 ncidrs;			/* CIDR: entries of cidrs[] */
	char name[VPCPEER_XP_NAME_MAX + 1];			/* NAME */
	char req_vpc_name[VPCPEER_XP_VPC_NAME_MAX + 1];	/* REQ_VPC_NAME */
	char acc_vpc_name[VPCPEER_XP_VPC_NAME_MAX + 1];	/* ACC_VPC_NAME */
	struct vpcpeer_xcidr cidrs[VPCPEER_XP_MAX_CIDRS];	/* CIDR */
};

int vpcpeer_xmsg_decode(const u8 *buf, unsigned int len,
			struct vpcpeer_xmsg *m, enum vpcpeer_xp_err *why);
int vpcpeer_xmsg_encode(const struct vpcpeer_xmsg *m, u8 *buf,
			unsigned int size);

/* Names for logs: "HELLO", "ok", "bad CIDR family"...; "?" if unknown. */
const char *vpcpeer_xp_type_name(unsigned int type);
const char *vpcpeer_xp_code_name(unsigned int code);
const char *vpcpeer_xp_err_name(enum vpcpeer_xp_err err);

#endif /* _VPCPEER_XPROTO_H */

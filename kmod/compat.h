/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vpcpeer supports (Debian's 6.1 and
 * 6.12 LTS) lives here, so that the rest of the module is written against
 * one API. Where a distribution backports a change, the HAVE_ macros come
 * from probing the headers (see Kbuild) instead of comparing versions.
 */
#ifndef _VPCPEER_COMPAT_H
#define _VPCPEER_COMPAT_H

#include <linux/netdevice.h>
#include <linux/netlink.h>

/* 6.5 moved the GSO helpers (skb_gso_validate_network_len) to net/gso.h. */
#ifdef VPCPEER_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/*
 * 6.12 turned the software-only feature bits LLTX and NETNS_LOCAL into
 * private net_device flags (and later renamed netns_local to
 * netns_immutable, which Debian's 6.12 carries).
 */
static inline void vpcpeer_dev_set_lltx(struct net_device *dev)
{
#ifdef VPCPEER_HAVE_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

static inline void vpcpeer_dev_set_netns_immutable(struct net_device *dev)
{
#if defined(VPCPEER_HAVE_NETNS_IMMUTABLE)
	dev->netns_immutable = true;
#elif defined(VPCPEER_HAVE_NETNS_LOCAL)
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}

/* A drop reason for a packet over the MTU: 6.12 has it, 6.1 does not. */
#ifdef VPCPEER_HAVE_DROP_PKT_TOO_BIG
#define VPCPEER_SKB_DROP_TOO_BIG	SKB_DROP_REASON_PKT_TOO_BIG
#else
#define VPCPEER_SKB_DROP_TOO_BIG	SKB_DROP_REASON_NOT_SPECIFIED
#endif

/*
 * An extack message that is not a literal, which NL_SET_ERR_MSG() wants
 * (6.1 has no NL_SET_ERR_MSG_FMT): @msg must be static, as the state
 * machine's are.
 */
static inline void vpcpeer_extack_msg(struct netlink_ext_ack *extack,
				      const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack)
		extack->_msg = msg;
}

struct genl_family;

#ifdef VPCPEER_HAVE_GENL_SPLIT_OPS
static inline void vpcpeer_genl_family_compat(struct genl_family *family)
{
}
#else
/*
 * 6.1 predates split ops (6.2). netlink-gen.c, generated for 6.12, is
 * still built there for its policies (Kbuild makes it include this file):
 * under these names its ops table is a genl_ops table and its family
 * points at it. That table names a command twice, a do and a dump, which
 * 6.1 refuses, so before the family is registered compat-genl.c gives it
 * small ops and a policy of their own.
 */
#define genl_split_ops	genl_ops
#define split_ops	ops
#define n_split_ops	n_ops
void vpcpeer_genl_family_compat(struct genl_family *family);
#endif

#endif /* _VPCPEER_COMPAT_H */

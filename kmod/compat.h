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

#endif /* _VPCPEER_COMPAT_H */

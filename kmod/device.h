/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pcx netdevice and its fast path (device.c). It knows devices,
 * prefix sets and counters, nothing of peerings: the peering code joins
 * two devices into a path when a connection becomes active and detaches
 * them before it ends.
 */
#ifndef _VPCPEER_DEVICE_H
#define _VPCPEER_DEVICE_H

#include <linux/netdevice.h>

#include "lpm.h"
#include "vpcpeer.h"

/* Why a packet went no further: the DROP_ counters of the uapi, in order. */
#define VPCPEER_DROP(name) \
	(VPCPEER_A_STATS_DROP_##name - VPCPEER_A_STATS_DROP_NOT_ACTIVE)
enum vpcpeer_drop {
	VPCPEER_DROP_NOT_ACTIVE = VPCPEER_DROP(NOT_ACTIVE),
	VPCPEER_DROP_SRC_NOT_IN_VPC = VPCPEER_DROP(SRC_NOT_IN_VPC),
	VPCPEER_DROP_DST_NOT_IN_PEER = VPCPEER_DROP(DST_NOT_IN_PEER),
	VPCPEER_DROP_TOO_BIG = VPCPEER_DROP(TOO_BIG),
	VPCPEER_DROP_MALFORMED = VPCPEER_DROP(MALFORMED),
	VPCPEER_DROP_RX = VPCPEER_DROP(RX),
	/* The uapi's counters end with the drops. */
	VPCPEER_DROP_MAX = VPCPEER_A_STATS_MAX + 1 -
			   VPCPEER_A_STATS_DROP_NOT_ACTIVE,
};

struct vpcpeer_stats {
	u64 tx_packets, tx_bytes, rx_packets, rx_bytes;
	u64 drops[VPCPEER_DROP_MAX];
};

/*
 * Side @owner's device of connection @id, in @net, up and dormant, with
 * no path: it drops what it is sent as not_active. @owner is the caller's,
 * given back by vpcpeer_dev_owner() until vpcpeer_dev_detach(). rtnl held.
 */
struct net_device *vpcpeer_dev_create(struct net *net, u32 id, void *owner,
				      struct rtnl_link_ops *ops,
				      struct netlink_ext_ack *extack);
void *vpcpeer_dev_owner(struct net_device *dev);
/*
 * Give @a and @b each a path to the other, both or neither: from the
 * prefix sets @src4/@src6 of @a's VPC to @dst4/@dst6 of @b's, and the
 * reverse, and take both out of dormancy.
 */
int vpcpeer_dev_join(struct net_device *a, struct net_device *b,
		     const struct vpcpeer_lpm *a4, const struct vpcpeer_lpm *a6,
		     const struct vpcpeer_lpm *b4, const struct vpcpeer_lpm *b6);
/*
 * Close @dev's path and forget its owner. Transmits may still be reading
 * the path: the caller waits for a grace period (synchronize_net) before
 * freeing what it points to (the prefix sets, the peer device).
 */
void vpcpeer_dev_detach(struct net_device *dev);
void vpcpeer_dev_stats(struct net_device *dev, struct vpcpeer_stats *s);
/* For the link ops of the devices' owner: their setup and private size. */
void vpcpeer_dev_link_ops_init(struct rtnl_link_ops *ops);

#endif /* _VPCPEER_DEVICE_H */

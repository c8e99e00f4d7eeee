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

struct vpcpeer_region;

/* Why a packet went no further: the DROP_ counters of the uapi, in order. */
#define VPCPEER_DROP(name) \
	(VPCPEER_A_STATS_DROP_##name - VPCPEER_A_STATS_DROP_NOT_ACTIVE)
#define VPCPEER_DROP_AT(name) \
	(VPCPEER_A_STATS_##name - VPCPEER_A_STATS_DROP_NOT_ACTIVE)
enum vpcpeer_drop {
	VPCPEER_DROP_NOT_ACTIVE = VPCPEER_DROP(NOT_ACTIVE),
	VPCPEER_DROP_SRC_NOT_IN_VPC = VPCPEER_DROP(SRC_NOT_IN_VPC),
	VPCPEER_DROP_DST_NOT_IN_PEER = VPCPEER_DROP(DST_NOT_IN_PEER),
	VPCPEER_DROP_TOO_BIG = VPCPEER_DROP(TOO_BIG),
	VPCPEER_DROP_MALFORMED = VPCPEER_DROP(MALFORMED),
	VPCPEER_DROP_RX = VPCPEER_DROP(RX),
	/* Across regions: the receiver's own checks, and a refused underlay. */
	VPCPEER_DROP_RX_NOT_ACTIVE = VPCPEER_DROP_AT(RX_DROP_NOT_ACTIVE),
	VPCPEER_DROP_RX_SRC_NOT_IN_PEER = VPCPEER_DROP_AT(RX_DROP_SRC_NOT_IN_PEER),
	VPCPEER_DROP_RX_DST_NOT_IN_VPC = VPCPEER_DROP_AT(RX_DROP_DST_NOT_IN_VPC),
	VPCPEER_DROP_RX_MALFORMED = VPCPEER_DROP_AT(RX_DROP_MALFORMED),
	VPCPEER_DROP_UNDERLAY = VPCPEER_DROP(UNDERLAY),
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
 * given back by vpcpeer_dev_owner() until vpcpeer_dev_detach(). @remote:
 * the peer is in another region (MTU 8500, a receive VNI of its own,
 * vpcpeer_dev_vni()). rtnl held.
 */
struct net_device *vpcpeer_dev_create(struct net *net, u32 id, void *owner,
				      bool remote, struct rtnl_link_ops *ops,
				      struct netlink_ext_ack *extack);
u32 vpcpeer_dev_vni(struct net_device *dev);
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
 * Give remote device @dev its path, or a new one: from @src4/@src6 (its
 * VPC's blocks) into @region's tunnel with VNI @tx_vni, to @dst4/@dst6
 * (the mirror of the peer VPC); what arrives on its VNI is checked the
 * other way round. A replaced path is freed after a grace period, and
 * what it pointed to may go after synchronize_net().
 */
int vpcpeer_dev_join_remote(struct net_device *dev,
			    struct vpcpeer_region *region, u32 tx_vni,
			    const struct vpcpeer_lpm *src4,
			    const struct vpcpeer_lpm *src6,
			    const struct vpcpeer_lpm *dst4,
			    const struct vpcpeer_lpm *dst6);
/*
 * A packet from @region for VNI @vni, at its inner IP header (skb->protocol
 * set): checked against the path of the VNI's device (active, source in
 * the peer's blocks, destination in the device's VPC) and received there,
 * or dropped and counted on the device. Under RCU; consumes @skb. 0:
 * received; 1: dropped by the device; -ENOENT: no such VNI; -EXDEV: the
 * VNI is another region's peering's.
 */
int vpcpeer_dev_tunnel_rx(const struct vpcpeer_region *region, u32 vni,
			  struct sk_buff *skb);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * The per-peering netdevice ("pcx-<id>"): a layer-3 point-to-point device
 * with no link-layer header, one in each VPC's namespace. The devices are
 * made and destroyed by the peering state machine, never by "ip link add":
 * a device without an active, consented peering would be a hole in the
 * isolation the module exists to enforce. The rtnl link kind is still
 * registered so that such an attempt gets an explanation instead of
 * "Unknown device type", and so that "ip -d link" names the kind.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>
#include <uapi/linux/vpcpeer.h>

#include "compat.h"
#include "vpcpeer.h"

/* AWS allows 9001-byte frames across a peering within a region. */
#define VPCPEER_DEFAULT_MTU	9001

static void vpcpeer_setup(struct net_device *dev)
{
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->mtu = VPCPEER_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	vpcpeer_dev_set_lltx(dev);
	/* A pcx device belongs to its VPC; moving it would leak the peering. */
	vpcpeer_dev_set_netns_immutable(dev);
}

static int vpcpeer_newlink(struct net *src_net, struct net_device *dev,
			   struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "vpcpeer devices are created by accepting a peering connection (vpcpeer-ctl peering accept), not by \"ip link add\"");
	return -EOPNOTSUPP;
}

static struct rtnl_link_ops vpcpeer_link_ops __read_mostly = {
	.kind		= VPCPEER_LINK_KIND,
	.setup		= vpcpeer_setup,
	.newlink	= vpcpeer_newlink,
};

int __init vpcpeer_device_init(void)
{
	return rtnl_link_register(&vpcpeer_link_ops);
}

void vpcpeer_device_exit(void)
{
	rtnl_link_unregister(&vpcpeer_link_ops);
}

MODULE_ALIAS_RTNL_LINK(VPCPEER_LINK_KIND);

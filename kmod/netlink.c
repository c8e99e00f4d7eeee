// SPDX-License-Identifier: GPL-2.0
/*
 * The "vpcpeer" generic netlink family: the only way userspace configures
 * VPCs and peerings. The family is netns-aware (netnsok) because every
 * request is made from, and checked against, the namespace of the VPC it
 * acts for. The VPC and peering commands are added with the datapath; at
 * this stage the family carries no commands, so any request is answered
 * with -EOPNOTSUPP by the genetlink core.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/vpcpeer.h>

#include "vpcpeer.h"

static struct genl_family vpcpeer_genl_family __ro_after_init = {
	.name		= VPCPEER_GENL_NAME,
	.version	= VPCPEER_GENL_VERSION,
	.netnsok	= true,
	.module		= THIS_MODULE,
};

int __init vpcpeer_genl_init(void)
{
	return genl_register_family(&vpcpeer_genl_family);
}

void vpcpeer_genl_exit(void)
{
	genl_unregister_family(&vpcpeer_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(VPCPEER_GENL_NAME);

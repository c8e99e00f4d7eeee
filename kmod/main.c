// SPDX-License-Identifier: GPL-2.0
/*
 * vpcpeer: AWS VPC peering between network namespaces.
 *
 * Module entry and exit, and what every file shares (vpcpeer.h).
 * Registration order is the order in which the pieces may be reached:
 * peering.c's rtnl link kind (the devices need it) and pernet hook (which
 * ties VPCs to their namespaces), then the generic netlink family, the
 * door every request comes through. Exit undoes the same steps in
 * reverse; closing the door first means nothing new is created while
 * everything is torn down.
 */

#include <linux/module.h>

#include "netlink.h"
#include "peering.h"
#include "region.h"

/* Serialises every change to VPCs and peerings (taken after rtnl). */
DEFINE_MUTEX(vpcpeer_lock);
u32 vpcpeer_generation;

static int __init vpcpeer_init(void)
{
	int err;

	err = vpcpeer_region_init();
	if (err)
		return err;

	err = vpcpeer_pcx_init();
	if (err)
		goto err_region;

	err = vpcpeer_genl_init();
	if (err)
		goto err_pcx;

	vpcpeer_pcx_start();
	vpcpeer_region_start();
	pr_info("vpcpeer " VPCPEER_VERSION " loaded\n");
	return 0;

err_pcx:
	vpcpeer_pcx_exit();
err_region:
	vpcpeer_region_exit();
	return err;
}

static void __exit vpcpeer_exit(void)
{
	vpcpeer_genl_exit();
	/* Every namespace's exit hook runs: every VPC and peering ends. */
	vpcpeer_pcx_exit();
	/* Then the regions, which no peering uses any more. */
	vpcpeer_region_exit();
	pr_debug("unloaded\n");
}

module_init(vpcpeer_init);
module_exit(vpcpeer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AWS-style VPC peering between network namespaces");
MODULE_AUTHOR("The vpcpeer authors");
MODULE_VERSION(VPCPEER_VERSION);

// SPDX-License-Identifier: GPL-2.0
/*
 * vpcpeer: AWS VPC peering between network namespaces.
 *
 * Module entry and exit. Registration order is the order in which the
 * pieces may be reached: the rtnl link kind first (the devices need it),
 * then the pernet hook that ties VPCs to their namespaces, and the
 * generic netlink family last, since it is the door every request comes
 * through. Exit undoes the same steps in reverse; closing the door first
 * means nothing new is created while everything is torn down.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "vpcpeer.h"

static int __init vpcpeer_init(void)
{
	int err;

	err = vpcpeer_device_init();
	if (err)
		return err;

	err = vpcpeer_vpc_init();
	if (err)
		goto err_device;

	err = vpcpeer_genl_init();
	if (err)
		goto err_vpc;

	vpcpeer_pcx_start();
	pr_info("vpcpeer " VPCPEER_VERSION " loaded\n");
	return 0;

err_vpc:
	vpcpeer_vpc_exit();
err_device:
	vpcpeer_device_exit();
	return err;
}

static void __exit vpcpeer_exit(void)
{
	vpcpeer_genl_exit();
	/* Every namespace's exit hook runs: every VPC and peering ends. */
	vpcpeer_vpc_exit();
	vpcpeer_pcx_exit();
	vpcpeer_device_exit();
	pr_debug("unloaded\n");
}

module_init(vpcpeer_init);
module_exit(vpcpeer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AWS-style VPC peering between network namespaces");
MODULE_AUTHOR("The vpcpeer authors");
MODULE_VERSION(VPCPEER_VERSION);

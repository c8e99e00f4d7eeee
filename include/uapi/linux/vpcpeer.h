/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vpcpeer: AWS-style VPC peering between network namespaces.
 *
 * The generic netlink ABI shared by the kernel module and vpcpeer-ctl.
 * Attributes and commands are only ever appended; a client that sees a
 * family version newer than it knows must still work with the attributes
 * it understands.
 */
#ifndef _UAPI_LINUX_VPCPEER_H
#define _UAPI_LINUX_VPCPEER_H

#define VPCPEER_GENL_NAME	"vpcpeer"
#define VPCPEER_GENL_VERSION	1

/* The rtnl link kind of the per-peering devices ("ip -d link" shows it). */
#define VPCPEER_LINK_KIND	"vpcpeer"

/*
 * A VPC name: 1 to VPCPEER_NAME_MAX - 1 characters from [A-Za-z0-9._-],
 * starting with a letter or digit. The size includes the terminating NUL.
 */
#define VPCPEER_NAME_MAX	64

/* Objects are named "vpc-%08x" and "pcx-%08x" after their u32 ids. */
#define VPCPEER_VPC_ID_PREFIX	"vpc-"
#define VPCPEER_PCX_ID_PREFIX	"pcx-"

enum vpcpeer_cmd {
	VPCPEER_CMD_UNSPEC,

	__VPCPEER_CMD_MAX
};

#define VPCPEER_CMD_MAX (__VPCPEER_CMD_MAX - 1)

#endif /* _UAPI_LINUX_VPCPEER_H */

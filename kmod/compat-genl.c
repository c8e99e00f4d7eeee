// SPDX-License-Identifier: GPL-2.0
/*
 * The family's operations where the kernel has no split ops (Debian's
 * 6.1), built only there. The generated split ops of netlink-gen.c are
 * registered everywhere else; here each command is one small op, its do
 * and dump together, and one policy for the whole family is made of the
 * generated policies of the nests. The same requests are accepted but
 * one: a top-level attribute that a command does not use is ignored here
 * where the split ops refuse it.
 */

#include <net/genetlink.h>

#include "compat.h"
#include "netlink-gen.h"

static const struct nla_policy vpcpeer_compat_policy[VPCPEER_A_REGION + 1] = {
	[VPCPEER_A_VPC]		= NLA_POLICY_NESTED(vpcpeer_vpc_nl_policy),
	[VPCPEER_A_PCX]		= NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
	[VPCPEER_A_DRY_RUN]	= { .type = NLA_FLAG },
	[VPCPEER_A_REGION]	= NLA_POLICY_NESTED(vpcpeer_region_nl_policy),
};

static const struct genl_small_ops vpcpeer_compat_ops[] = {
	{ .cmd = VPCPEER_CMD_VPC_NEW, .doit = vpcpeer_nl_vpc_new_doit },
	{ .cmd = VPCPEER_CMD_VPC_DEL, .doit = vpcpeer_nl_vpc_del_doit },
	{
		.cmd = VPCPEER_CMD_VPC_GET,
		.doit = vpcpeer_nl_vpc_get_doit,
		.dumpit = vpcpeer_nl_vpc_get_dumpit,
	},
	{ .cmd = VPCPEER_CMD_VPC_CIDR_ADD, .doit = vpcpeer_nl_vpc_cidr_add_doit },
	{ .cmd = VPCPEER_CMD_VPC_CIDR_DEL, .doit = vpcpeer_nl_vpc_cidr_del_doit },
	{ .cmd = VPCPEER_CMD_PCX_REQUEST, .doit = vpcpeer_nl_pcx_request_doit },
	{ .cmd = VPCPEER_CMD_PCX_ACCEPT, .doit = vpcpeer_nl_pcx_accept_doit },
	{ .cmd = VPCPEER_CMD_PCX_REJECT, .doit = vpcpeer_nl_pcx_reject_doit },
	{ .cmd = VPCPEER_CMD_PCX_DEL, .doit = vpcpeer_nl_pcx_del_doit },
	{
		.cmd = VPCPEER_CMD_PCX_GET,
		.doit = vpcpeer_nl_pcx_get_doit,
		.dumpit = vpcpeer_nl_pcx_get_dumpit,
	},
	{ .cmd = VPCPEER_CMD_PCX_SET, .doit = vpcpeer_nl_pcx_set_doit },
	{
		.cmd = VPCPEER_CMD_REGION_NEW,
		.doit = vpcpeer_nl_region_new_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VPCPEER_CMD_REGION_SET,
		.doit = vpcpeer_nl_region_set_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VPCPEER_CMD_REGION_DEL,
		.doit = vpcpeer_nl_region_del_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VPCPEER_CMD_REGION_GET,
		.doit = vpcpeer_nl_region_get_doit,
		.dumpit = vpcpeer_nl_region_get_dumpit,
	},
};

void vpcpeer_genl_family_compat(struct genl_family *family)
{
	family->ops = NULL;
	family->n_ops = 0;
	family->small_ops = vpcpeer_compat_ops;
	family->n_small_ops = ARRAY_SIZE(vpcpeer_compat_ops);
	family->policy = vpcpeer_compat_policy;
	family->maxattr = VPCPEER_A_REGION;
}

// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vpcpeer.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/vpcpeer.h>

/* Common nested types */
const struct nla_policy vpcpeer_cidr_nl_policy[VPCPEER_A_CIDR_PREFIXLEN + 1] = {
	[VPCPEER_A_CIDR_ADDR] = { .type = NLA_BINARY, },
	[VPCPEER_A_CIDR_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy vpcpeer_pcx_nl_policy[VPCPEER_A_PCX_REASON_CIDR + 1] = {
	[VPCPEER_A_PCX_ID] = { .type = NLA_U32, },
	[VPCPEER_A_PCX_STATE] = NLA_POLICY_MAX(NLA_U8, 8),
	[VPCPEER_A_PCX_REASON] = NLA_POLICY_MAX(NLA_U8, 14),
	[VPCPEER_A_PCX_REQUESTER] = NLA_POLICY_NESTED(vpcpeer_side_nl_policy),
	[VPCPEER_A_PCX_ACCEPTER] = NLA_POLICY_NESTED(vpcpeer_side_nl_policy),
	[VPCPEER_A_PCX_EXPIRES] = { .type = NLA_U64, },
	[VPCPEER_A_PCX_VISIBLE_UNTIL] = { .type = NLA_U64, },
	[VPCPEER_A_PCX_OLD_STATE] = NLA_POLICY_MAX(NLA_U8, 8),
	[VPCPEER_A_PCX_REASON_CIDR] = NLA_POLICY_NESTED(vpcpeer_cidr_nl_policy),
};

const struct nla_policy vpcpeer_region_nl_policy[VPCPEER_A_REGION_OLD_STATE + 1] = {
	[VPCPEER_A_REGION_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[VPCPEER_A_REGION_REMOTE_ADDR] = { .type = NLA_BINARY, },
	[VPCPEER_A_REGION_REMOTE_PORT] = { .type = NLA_U16, },
	[VPCPEER_A_REGION_LOCAL_ADDR] = { .type = NLA_BINARY, },
	[VPCPEER_A_REGION_STATE] = NLA_POLICY_MAX(NLA_U8, 3),
	[VPCPEER_A_REGION_UNDERLAY] = NLA_POLICY_MAX(NLA_U8, 3),
	[VPCPEER_A_REGION_UNDERLAY_IFNAME] = { .type = NLA_NUL_STRING, },
	[VPCPEER_A_REGION_INNER_MTU] = { .type = NLA_U32, },
	[VPCPEER_A_REGION_PEER_NAME] = { .type = NLA_NUL_STRING, },
	[VPCPEER_A_REGION_PEER_EPOCH] = { .type = NLA_U64, },
	[VPCPEER_A_REGION_LAST_RX_MS] = { .type = NLA_U32, },
	[VPCPEER_A_REGION_PCX_COUNT] = { .type = NLA_U32, },
	[VPCPEER_A_REGION_STATS] = NLA_POLICY_NESTED(vpcpeer_rstats_nl_policy),
	[VPCPEER_A_REGION_OLD_STATE] = NLA_POLICY_MAX(NLA_U8, 3),
};

const struct nla_policy vpcpeer_rstats_nl_policy[VPCPEER_A_RSTATS_CTL_DROP_STALE_EPOCH + 1] = {
	[VPCPEER_A_RSTATS_TX_PACKETS] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_TX_BYTES] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_RX_PACKETS] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_RX_BYTES] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_CTL_TX] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_CTL_RX] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_CTL_RETRANSMITS] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_TX_DROP_NO_ROUTE] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_TX_DROP_NOT_ENCRYPTED] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_TX_OUTER_FRAGMENTED] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_RX_DROP_NOT_ENCRYPTED] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_RX_DROP_BAD_HEADER] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_RX_DROP_UNKNOWN_PCX] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_RX_DROP_WRONG_REGION] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_CTL_DROP_INVALID] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_CTL_DROP_QUEUE_FULL] = { .type = NLA_U64, },
	[VPCPEER_A_RSTATS_CTL_DROP_STALE_EPOCH] = { .type = NLA_U64, },
};

const struct nla_policy vpcpeer_side_nl_policy[VPCPEER_A_SIDE_CIDR + 1] = {
	[VPCPEER_A_SIDE_VPC_ID] = { .type = NLA_U32, },
	[VPCPEER_A_SIDE_VPC_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VPCPEER_A_SIDE_IFINDEX] = { .type = NLA_U32, },
	[VPCPEER_A_SIDE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[VPCPEER_A_SIDE_STATS] = NLA_POLICY_NESTED(vpcpeer_stats_nl_policy),
	[VPCPEER_A_SIDE_ALLOW_DNS] = NLA_POLICY_MAX(NLA_U8, 1),
	[VPCPEER_A_SIDE_TAG] = { .type = NLA_NUL_STRING, .len = 255, },
	[VPCPEER_A_SIDE_REGION] = { .type = NLA_NUL_STRING, .len = 15, },
	[VPCPEER_A_SIDE_CIDR] = NLA_POLICY_NESTED(vpcpeer_cidr_nl_policy),
};

const struct nla_policy vpcpeer_stats_nl_policy[VPCPEER_A_STATS_DROP_UNDERLAY + 1] = {
	[VPCPEER_A_STATS_TX_PACKETS] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_TX_BYTES] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_RX_PACKETS] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_RX_BYTES] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_NOT_ACTIVE] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_SRC_NOT_IN_VPC] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_DST_NOT_IN_PEER] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_TOO_BIG] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_MALFORMED] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_RX] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_RX_DROP_NOT_ACTIVE] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_RX_DROP_SRC_NOT_IN_PEER] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_RX_DROP_DST_NOT_IN_VPC] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_RX_DROP_MALFORMED] = { .type = NLA_U64, },
	[VPCPEER_A_STATS_DROP_UNDERLAY] = { .type = NLA_U64, },
};

const struct nla_policy vpcpeer_vpc_nl_policy[VPCPEER_A_VPC_CIDR + 1] = {
	[VPCPEER_A_VPC_ID] = { .type = NLA_U32, },
	[VPCPEER_A_VPC_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VPCPEER_A_VPC_NETNS_FD] = { .type = NLA_U32, },
	[VPCPEER_A_VPC_NETNSID] = { .type = NLA_S32, },
	[VPCPEER_A_VPC_CIDR] = NLA_POLICY_NESTED(vpcpeer_cidr_nl_policy),
};

/* VPCPEER_CMD_VPC_NEW - do */
static const struct nla_policy vpcpeer_vpc_new_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_VPC] = NLA_POLICY_NESTED(vpcpeer_vpc_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_VPC_DEL - do */
static const struct nla_policy vpcpeer_vpc_del_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_VPC] = NLA_POLICY_NESTED(vpcpeer_vpc_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_VPC_GET - do */
static const struct nla_policy vpcpeer_vpc_get_nl_policy[VPCPEER_A_VPC + 1] = {
	[VPCPEER_A_VPC] = NLA_POLICY_NESTED(vpcpeer_vpc_nl_policy),
};

/* VPCPEER_CMD_VPC_CIDR_ADD - do */
static const struct nla_policy vpcpeer_vpc_cidr_add_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_VPC] = NLA_POLICY_NESTED(vpcpeer_vpc_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_VPC_CIDR_DEL - do */
static const struct nla_policy vpcpeer_vpc_cidr_del_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_VPC] = NLA_POLICY_NESTED(vpcpeer_vpc_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_PCX_REQUEST - do */
static const struct nla_policy vpcpeer_pcx_request_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_PCX] = NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_PCX_ACCEPT - do */
static const struct nla_policy vpcpeer_pcx_accept_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_PCX] = NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_PCX_REJECT - do */
static const struct nla_policy vpcpeer_pcx_reject_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_PCX] = NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_PCX_DEL - do */
static const struct nla_policy vpcpeer_pcx_del_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_PCX] = NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_PCX_GET - do */
static const struct nla_policy vpcpeer_pcx_get_nl_policy[VPCPEER_A_PCX + 1] = {
	[VPCPEER_A_PCX] = NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
};

/* VPCPEER_CMD_PCX_SET - do */
static const struct nla_policy vpcpeer_pcx_set_nl_policy[VPCPEER_A_DRY_RUN + 1] = {
	[VPCPEER_A_PCX] = NLA_POLICY_NESTED(vpcpeer_pcx_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_REGION_NEW - do */
static const struct nla_policy vpcpeer_region_new_nl_policy[VPCPEER_A_REGION + 1] = {
	[VPCPEER_A_REGION] = NLA_POLICY_NESTED(vpcpeer_region_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_REGION_SET - do */
static const struct nla_policy vpcpeer_region_set_nl_policy[VPCPEER_A_REGION + 1] = {
	[VPCPEER_A_REGION] = NLA_POLICY_NESTED(vpcpeer_region_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_REGION_DEL - do */
static const struct nla_policy vpcpeer_region_del_nl_policy[VPCPEER_A_REGION + 1] = {
	[VPCPEER_A_REGION] = NLA_POLICY_NESTED(vpcpeer_region_nl_policy),
	[VPCPEER_A_DRY_RUN] = { .type = NLA_FLAG, },
};

/* VPCPEER_CMD_REGION_GET - do */
static const struct nla_policy vpcpeer_region_get_nl_policy[VPCPEER_A_REGION + 1] = {
	[VPCPEER_A_REGION] = NLA_POLICY_NESTED(vpcpeer_region_nl_policy),
};

/* Ops table for vpcpeer */
static const struct genl_split_ops vpcpeer_nl_ops[] = {
	{
		.cmd		= VPCPEER_CMD_VPC_NEW,
		.doit		= vpcpeer_nl_vpc_new_doit,
		.policy		= vpcpeer_vpc_new_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_VPC_DEL,
		.doit		= vpcpeer_nl_vpc_del_doit,
		.policy		= vpcpeer_vpc_del_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_VPC_GET,
		.doit		= vpcpeer_nl_vpc_get_doit,
		.policy		= vpcpeer_vpc_get_nl_policy,
		.maxattr	= VPCPEER_A_VPC,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VPCPEER_CMD_VPC_GET,
		.dumpit	= vpcpeer_nl_vpc_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VPCPEER_CMD_VPC_CIDR_ADD,
		.doit		= vpcpeer_nl_vpc_cidr_add_doit,
		.policy		= vpcpeer_vpc_cidr_add_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_VPC_CIDR_DEL,
		.doit		= vpcpeer_nl_vpc_cidr_del_doit,
		.policy		= vpcpeer_vpc_cidr_del_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_PCX_REQUEST,
		.doit		= vpcpeer_nl_pcx_request_doit,
		.policy		= vpcpeer_pcx_request_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_PCX_ACCEPT,
		.doit		= vpcpeer_nl_pcx_accept_doit,
		.policy		= vpcpeer_pcx_accept_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_PCX_REJECT,
		.doit		= vpcpeer_nl_pcx_reject_doit,
		.policy		= vpcpeer_pcx_reject_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_PCX_DEL,
		.doit		= vpcpeer_nl_pcx_del_doit,
		.policy		= vpcpeer_pcx_del_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_PCX_GET,
		.doit		= vpcpeer_nl_pcx_get_doit,
		.policy		= vpcpeer_pcx_get_nl_policy,
		.maxattr	= VPCPEER_A_PCX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VPCPEER_CMD_PCX_GET,
		.dumpit	= vpcpeer_nl_pcx_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VPCPEER_CMD_PCX_SET,
		.doit		= vpcpeer_nl_pcx_set_doit,
		.policy		= vpcpeer_pcx_set_nl_policy,
		.maxattr	= VPCPEER_A_DRY_RUN,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_REGION_NEW,
		.doit		= vpcpeer_nl_region_new_doit,
		.policy		= vpcpeer_region_new_nl_policy,
		.maxattr	= VPCPEER_A_REGION,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_REGION_SET,
		.doit		= vpcpeer_nl_region_set_doit,
		.policy		= vpcpeer_region_set_nl_policy,
		.maxattr	= VPCPEER_A_REGION,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_REGION_DEL,
		.doit		= vpcpeer_nl_region_del_doit,
		.policy		= vpcpeer_region_del_nl_policy,
		.maxattr	= VPCPEER_A_REGION,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPCPEER_CMD_REGION_GET,
		.doit		= vpcpeer_nl_region_get_doit,
		.policy		= vpcpeer_region_get_nl_policy,
		.maxattr	= VPCPEER_A_REGION,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VPCPEER_CMD_REGION_GET,
		.dumpit	= vpcpeer_nl_region_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group vpcpeer_nl_mcgrps[] = {
	[VPCPEER_NLGRP_EVENTS] = { "events", },
};

struct genl_family vpcpeer_nl_family __ro_after_init = {
	.name		= VPCPEER_FAMILY_NAME,
	.version	= VPCPEER_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= vpcpeer_nl_ops,
	.n_split_ops	= ARRAY_SIZE(vpcpeer_nl_ops),
	.mcgrps		= vpcpeer_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vpcpeer_nl_mcgrps),
};

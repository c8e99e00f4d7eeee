/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vpcpeer.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VPCPEER_GEN_H
#define _LINUX_VPCPEER_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/vpcpeer.h>

/* Common nested types */
extern const struct nla_policy vpcpeer_cidr_nl_policy[VPCPEER_A_CIDR_PREFIXLEN + 1];
extern const struct nla_policy vpcpeer_pcx_nl_policy[VPCPEER_A_PCX_REASON_CIDR + 1];
extern const struct nla_policy vpcpeer_region_nl_policy[VPCPEER_A_REGION_OLD_STATE + 1];
extern const struct nla_policy vpcpeer_rstats_nl_policy[VPCPEER_A_RSTATS_CTL_DROP_STALE_EPOCH + 1];
extern const struct nla_policy vpcpeer_side_nl_policy[VPCPEER_A_SIDE_CIDR + 1];
extern const struct nla_policy vpcpeer_stats_nl_policy[VPCPEER_A_STATS_DROP_UNDERLAY + 1];
extern const struct nla_policy vpcpeer_vpc_nl_policy[VPCPEER_A_VPC_CIDR + 1];

int vpcpeer_nl_vpc_new_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_vpc_del_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_vpc_get_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_vpc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vpcpeer_nl_vpc_cidr_add_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_vpc_cidr_del_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_pcx_request_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_pcx_accept_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_pcx_reject_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_pcx_del_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_pcx_get_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_pcx_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vpcpeer_nl_pcx_set_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_region_new_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_region_set_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_region_del_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_region_get_doit(struct sk_buff *skb, struct genl_info *info);
int vpcpeer_nl_region_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);

enum {
	VPCPEER_NLGRP_EVENTS,
};

extern struct genl_family vpcpeer_nl_family;

#endif /* _LINUX_VPCPEER_GEN_H */

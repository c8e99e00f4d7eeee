/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VPC registry (vpc.c): VPCs, their names and ids, and their CIDR
 * blocks. A leaf: it knows nothing of peerings, devices or netlink; the
 * files above it tell the world what changed.
 */
#ifndef _VPCPEER_VPC_H
#define _VPCPEER_VPC_H

#include <linux/list.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "lpm.h"
#include "vpcpeer.h"

/* One CIDR block, as netlink and the CLI carry it. */
struct vpcpeer_cidr {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 plen;
	u8 addr[16];		/* network order; IPv4 in the first 4 bytes */
};

struct vpcpeer_vpc {
	u32 id;
	char name[VPCPEER_NAME_MAX];
	struct hlist_node name_node;	/* in the name index (vpc.c) */
	possible_net_t net;
	struct vpcpeer_lpm cidr4;
	struct vpcpeer_lpm cidr6;
	/* peering.c's: the sides (vpcpeer_side.vpc_node) of live peerings. */
	struct list_head sides;
	struct rcu_head rcu;
};

static inline struct net *vpcpeer_vpc_net(const struct vpcpeer_vpc *vpc)
{
	return read_pnet(&vpc->net);
}

/* The VPC's account: the user namespace owning its network namespace. */
static inline struct user_namespace *
vpcpeer_vpc_owner(const struct vpcpeer_vpc *vpc)
{
	return vpcpeer_vpc_net(vpc)->user_ns;
}

/* CIDR blocks a VPC may have per family (max_cidrs, bench_max_cidrs). */
unsigned int vpcpeer_max_cidrs(void);

struct vpcpeer_vpc *vpcpeer_vpc_find(u32 id);
/*
 * The VPC called @name, among those @visible lets the caller see: the one
 * of the caller's own account @own if it has one, else the only one; NULL
 * if none, ERR_PTR(-ENOTUNIQ) if the caller sees several accounts' VPCs
 * of that name and none of its own.
 */
struct vpcpeer_vpc *
vpcpeer_vpc_find_name(const char *name, const struct user_namespace *own,
		      bool (*visible)(const void *arg,
				      const struct vpcpeer_vpc *vpc),
		      const void *arg);
/* For resumable dumps: the first VPC with an id >= *index, or NULL. */
struct vpcpeer_vpc *vpcpeer_vpc_next(unsigned long *index);
/*
 * Each change in two steps, under vpcpeer_lock: *_check() says whether it
 * may be made and, if not, why (AWS DryRun answers from it alone); the
 * change itself may then fail only for want of memory.
 */
int vpcpeer_vpc_create_check(struct net *net, const char *name,
			     const struct vpcpeer_cidr *cidrs, unsigned int n,
			     struct netlink_ext_ack *extack);
int vpcpeer_vpc_create(struct net *net, const char *name,
		       const struct vpcpeer_cidr *cidrs, unsigned int n,
		       struct vpcpeer_vpc **out);
/* Out of the registry and freed after a grace period: nothing refers to it. */
void vpcpeer_vpc_remove(struct vpcpeer_vpc *vpc);
int vpcpeer_vpc_cidr_add_check(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c,
			       struct netlink_ext_ack *extack);
int vpcpeer_vpc_cidr_add(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c);
int vpcpeer_vpc_cidr_del_check(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c,
			       struct netlink_ext_ack *extack);
int vpcpeer_vpc_cidr_del(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c);
int vpcpeer_vpc_walk_cidrs(const struct vpcpeer_vpc *vpc,
			   int (*cb)(void *arg, const struct vpcpeer_cidr *c),
			   void *arg);
/*
 * R5: does any block of @a overlap any block of @b, in either family? If
 * so, *@hit is the first such block of @a.
 */
bool vpcpeer_vpcs_overlap(const struct vpcpeer_vpc *a,
			  const struct vpcpeer_vpc *b, struct vpcpeer_cidr *hit);
bool vpcpeer_cidr_overlaps_vpc(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c);
/*
 * A mirror: the VPC of another region, as its module told it. Never in the
 * registry, in no namespace (its net is NULL: no owner, no device); the
 * peering that holds it frees it, after RCU, with vpcpeer_vpc_mirror_free().
 * -EINVAL if @cidrs overlap one another.
 */
struct vpcpeer_vpc *vpcpeer_vpc_mirror(u32 id, const char *name,
				       const struct vpcpeer_cidr *cidrs,
				       unsigned int n);
void vpcpeer_vpc_mirror_free(struct vpcpeer_vpc *vpc);
/* @vpc's prefix set of @family (AF_INET or AF_INET6). */
const struct vpcpeer_lpm *vpcpeer_vpc_lpm(const struct vpcpeer_vpc *vpc,
					  u8 family);

#endif /* _VPCPEER_VPC_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The VPC registry: each VPC is bound to one network namespace and owns a
 * set of IPv4 and IPv6 CIDR blocks, kept in two prefix sets (lpm.c) that
 * the fast path reads under RCU. VPCs are global, not per namespace,
 * because a peering joins two of them across namespaces; ids are random
 * (like AWS's) and names unique. A VPC goes away with its namespace
 * (R15): the pernet exit hook ends its peerings and frees it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/xarray.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "vpcpeer.h"

/* Serialises every change to VPCs and peerings (taken after rtnl). */
DEFINE_MUTEX(vpcpeer_lock);
static DEFINE_XARRAY(vpcpeer_vpcs);
/*
 * Names, which are unique and never change, to VPCs: requests name their
 * VPCs, and a scan of the id xarray cost a creation or a request 25 ms of
 * an instruction-timed guest at 2,000 VPCs. Under vpcpeer_lock.
 */
static DEFINE_HASHTABLE(vpcpeer_vpc_names, 10);

static u32 vpc_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

/* Bumped on every change, so that a dump can tell it was not consistent. */
u32 vpcpeer_generation;

static unsigned int max_cidrs = 5;
static int max_cidrs_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 50);
}

static const struct kernel_param_ops max_cidrs_ops = {
	.set = max_cidrs_set,
	.get = param_get_uint,
};
module_param_cb(max_cidrs, &max_cidrs_ops, &max_cidrs, 0644);
MODULE_PARM_DESC(max_cidrs,
		 "CIDR blocks per VPC and address family (AWS: 5, at most 50)");

/*
 * For benchmarks of the fast path with very large prefix sets: a limit
 * beyond AWS's, which replaces max_cidrs while it is not 0.
 */
static unsigned int bench_max_cidrs;
static int bench_max_cidrs_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, 1000000);
}

static const struct kernel_param_ops bench_max_cidrs_ops = {
	.set = bench_max_cidrs_set,
	.get = param_get_uint,
};
module_param_cb(bench_max_cidrs, &bench_max_cidrs_ops, &bench_max_cidrs, 0644);
MODULE_PARM_DESC(bench_max_cidrs,
		 "benchmarks only: CIDR blocks per VPC and family, beyond AWS's limit (0: max_cidrs applies)");

unsigned int vpcpeer_max_cidrs(void)
{
	return READ_ONCE(bench_max_cidrs) ?: READ_ONCE(max_cidrs);
}

static struct vpcpeer_lpm *vpc_lpm(struct vpcpeer_vpc *vpc, u8 family)
{
	return family == AF_INET ? &vpc->cidr4 : &vpc->cidr6;
}

static const struct vpcpeer_lpm *vpc_lpm_c(const struct vpcpeer_vpc *vpc,
					   u8 family)
{
	return family == AF_INET ? &vpc->cidr4 : &vpc->cidr6;
}

int vpcpeer_cidr_fmt(char *buf, size_t len, const struct vpcpeer_cidr *c)
{
	if (c->family == AF_INET)
		return snprintf(buf, len, "%pI4/%u", c->addr, c->plen);
	return snprintf(buf, len, "%pI6c/%u", c->addr, c->plen);
}

struct vpcpeer_vpc *vpcpeer_vpc_find(u32 id, const char *name)
{
	struct vpcpeer_vpc *vpc;

	lockdep_assert_held(&vpcpeer_lock);
	if (id)
		return xa_load(&vpcpeer_vpcs, id);
	if (!name)
		return NULL;
	hash_for_each_possible(vpcpeer_vpc_names, vpc, name_node,
			       vpc_name_hash(name))
		if (!strcmp(vpc->name, name))
			return vpc;
	return NULL;
}

/* For resumable dumps: the first VPC with an id >= *index, or NULL. */
struct vpcpeer_vpc *vpcpeer_vpc_next(unsigned long *index)
{
	lockdep_assert_held(&vpcpeer_lock);
	return xa_find(&vpcpeer_vpcs, index, ULONG_MAX, XA_PRESENT);
}

/* @dry: only say whether it could be inserted. */
static int vpc_insert_cidr(struct vpcpeer_vpc *vpc,
			   const struct vpcpeer_cidr *c, bool dry,
			   struct netlink_ext_ack *extack)
{
	struct vpcpeer_lpm *lpm = vpc_lpm(vpc, c->family);
	int err;

	if (vpcpeer_lpm_count(lpm) >= vpcpeer_max_cidrs()) {
		NL_SET_ERR_MSG(extack,
			       "the VPC has as many CIDR blocks of this family as allowed (module parameter max_cidrs)");
		return -ENOSPC;
	}
	if (vpcpeer_lpm_overlaps(lpm, c->addr, c->plen, &vpcpeer_lock)) {
		NL_SET_ERR_MSG(extack,
			       "CIDR block overlaps a CIDR block the VPC already has");
		return -EEXIST;
	}
	if (dry)
		return 0;
	err = vpcpeer_lpm_insert(lpm, c->addr, c->plen, &vpcpeer_lock);
	if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "CIDR block has host bits set");
	return err;
}

static void vpc_free(struct vpcpeer_vpc *vpc)
{
	vpcpeer_lpm_free(&vpc->cidr4, &vpcpeer_lock);
	vpcpeer_lpm_free(&vpc->cidr6, &vpcpeer_lock);
	kfree_rcu(vpc, rcu);
}

int vpcpeer_vpc_create(struct net *net, const char *name,
		       const struct vpcpeer_cidr *cidrs, unsigned int n,
		       bool dry, struct vpcpeer_vpc **out,
		       struct netlink_ext_ack *extack)
{
	struct vpcpeer_vpc *vpc;
	unsigned int i;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	if (vpcpeer_vpc_find(0, name)) {
		NL_SET_ERR_MSG(extack, "a VPC of that name exists");
		return -EEXIST;
	}
	vpc = kzalloc(sizeof(*vpc), GFP_KERNEL);
	if (!vpc)
		return -ENOMEM;
	strscpy(vpc->name, name, sizeof(vpc->name));
	write_pnet(&vpc->net, net);
	vpcpeer_lpm_init(&vpc->cidr4, 32);
	vpcpeer_lpm_init(&vpc->cidr6, 128);
	INIT_LIST_HEAD(&vpc->sides);

	for (i = 0; i < n; i++) {
		/* Inserted even when @dry: the next blocks are checked against it. */
		err = vpc_insert_cidr(vpc, &cidrs[i], false, extack);
		if (err)
			goto err_free;
	}
	if (dry) {
		err = 0;
		goto err_free;
	}

	/* Random ids, as AWS's; retry the rare collision (and zero). */
	do {
		vpc->id = get_random_u32();
		err = vpc->id ? xa_insert(&vpcpeer_vpcs, vpc->id, vpc, GFP_KERNEL)
			      : -EBUSY;
	} while (err == -EBUSY);
	if (err)
		goto err_free;
	hash_add(vpcpeer_vpc_names, &vpc->name_node, vpc_name_hash(vpc->name));

	vpcpeer_generation++;
	pr_debug("vpc-%08x: created\n", vpc->id);
	vpcpeer_notify_vpc(VPCPEER_CMD_VPC_NEW, vpc, NULL);
	*out = vpc;
	return 0;

err_free:
	vpc_free(vpc);
	return err;
}

/* Ends every peering of @vpc (their devices go on @kill), then frees it. */
void vpcpeer_vpc_destroy(struct vpcpeer_vpc *vpc, struct list_head *kill)
{
	struct vpcpeer_side *side, *tmp;

	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry_safe(side, tmp, &vpc->sides, vpc_node)
		vpcpeer_pcx_destroy(side->pcx, side - side->pcx->side,
				    "Deleted: a VPC of the peering was deleted",
				    kill);
	xa_erase(&vpcpeer_vpcs, vpc->id);
	hash_del(&vpc->name_node);
	vpcpeer_generation++;
	pr_debug("vpc-%08x: destroyed\n", vpc->id);
	vpcpeer_notify_vpc(VPCPEER_CMD_VPC_DEL, vpc, NULL);
	vpc_free(vpc);
}

struct overlap_ctx {
	const struct vpcpeer_vpc *other;
	u8 family;
	struct vpcpeer_cidr hit;
};

static int overlap_cb(void *arg, const u8 *addr, u8 plen)
{
	struct overlap_ctx *ctx = arg;

	if (!vpcpeer_lpm_overlaps(vpc_lpm_c(ctx->other, ctx->family), addr,
				  plen, &vpcpeer_lock))
		return 0;
	ctx->hit.family = ctx->family;
	ctx->hit.plen = plen;
	memcpy(ctx->hit.addr, addr, ctx->family == AF_INET ? 4 : 16);
	return 1;
}

/* R5: does any block of @a overlap any block of @b, in either family? */
bool vpcpeer_vpcs_overlap(const struct vpcpeer_vpc *a,
			  const struct vpcpeer_vpc *b, char *msg, size_t len)
{
	struct overlap_ctx ctx = { .other = b };
	char cidr[64];

	ctx.family = AF_INET;
	if (!vpcpeer_lpm_walk(&a->cidr4, overlap_cb, &ctx, &vpcpeer_lock)) {
		ctx.family = AF_INET6;
		if (!vpcpeer_lpm_walk(&a->cidr6, overlap_cb, &ctx,
				      &vpcpeer_lock))
			return false;
	}
	vpcpeer_cidr_fmt(cidr, sizeof(cidr), &ctx.hit);
	snprintf(msg, len, "Failed: overlapping CIDR blocks (%s of %s overlaps %s)",
		 cidr, a->name, b->name);
	return true;
}

bool vpcpeer_cidr_overlaps_vpc(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c)
{
	return vpcpeer_lpm_overlaps(vpc_lpm_c(vpc, c->family), c->addr,
				    c->plen, &vpcpeer_lock);
}

int vpcpeer_vpc_cidr_add(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c,
			 bool dry, struct netlink_ext_ack *extack)
{
	struct vpcpeer_side *side;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	/* R5 holds for the life of a peering, not just at its request. */
	list_for_each_entry(side, &vpc->sides, vpc_node) {
		struct vpcpeer_pcx *pcx = side->pcx;
		int other = side == &pcx->side[VPCPEER_REQUESTER];

		if (vpcpeer_cidr_overlaps_vpc(pcx->side[other].vpc, c)) {
			NL_SET_ERR_MSG(extack,
				       "CIDR block overlaps a CIDR block of a VPC this VPC has a peering with");
			return -EEXIST;
		}
	}
	err = vpc_insert_cidr(vpc, c, dry, extack);
	if (!err && !dry) {
		vpcpeer_generation++;
		vpcpeer_notify_vpc(VPCPEER_CMD_VPC_CIDR_ADD, vpc, c);
	}
	return err;
}

struct has_ctx {
	const struct vpcpeer_cidr *want;
};

static int has_cb(void *arg, const struct vpcpeer_cidr *c)
{
	const struct vpcpeer_cidr *want = ((struct has_ctx *)arg)->want;

	return c->family == want->family && c->plen == want->plen &&
	       !memcmp(c->addr, want->addr, sizeof(c->addr));
}

/* @vpc has exactly block @c (what removing it would need). */
static bool vpc_has_cidr(const struct vpcpeer_vpc *vpc,
			 const struct vpcpeer_cidr *c)
{
	struct has_ctx ctx = { .want = c };

	return vpcpeer_vpc_walk_cidrs(vpc, has_cb, &ctx) > 0;
}

int vpcpeer_vpc_cidr_del(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c,
			 bool dry, struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	if (vpcpeer_lpm_count(&vpc->cidr4) + vpcpeer_lpm_count(&vpc->cidr6) == 1 &&
	    vpcpeer_cidr_overlaps_vpc(vpc, c)) {
		NL_SET_ERR_MSG(extack, "a VPC keeps at least one CIDR block");
		return -EBUSY;
	}
	if (dry)
		err = vpc_has_cidr(vpc, c) ? 0 : -ENOENT;
	else
		err = vpcpeer_lpm_remove(vpc_lpm(vpc, c->family), c->addr,
					 c->plen, &vpcpeer_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(extack, "the VPC has no such CIDR block");
	else if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "CIDR block has host bits set");
	if (!err && !dry) {
		vpcpeer_generation++;
		vpcpeer_notify_vpc(VPCPEER_CMD_VPC_CIDR_DEL, vpc, c);
	}
	return err;
}

struct walk_ctx {
	int (*cb)(void *arg, const struct vpcpeer_cidr *c);
	void *arg;
	u8 family;
};

static int walk_cb(void *arg, const u8 *addr, u8 plen)
{
	struct walk_ctx *ctx = arg;
	struct vpcpeer_cidr c = { .family = ctx->family, .plen = plen };

	memcpy(c.addr, addr, ctx->family == AF_INET ? 4 : 16);
	return ctx->cb(ctx->arg, &c);
}

int vpcpeer_vpc_walk_cidrs(const struct vpcpeer_vpc *vpc,
			   int (*cb)(void *arg, const struct vpcpeer_cidr *c),
			   void *arg)
{
	struct walk_ctx ctx = { .cb = cb, .arg = arg, .family = AF_INET };
	int err;

	err = vpcpeer_lpm_walk(&vpc->cidr4, walk_cb, &ctx, &vpcpeer_lock);
	if (err)
		return err;
	ctx.family = AF_INET6;
	return vpcpeer_lpm_walk(&vpc->cidr6, walk_cb, &ctx, &vpcpeer_lock);
}

/* R15: a namespace takes its VPCs, and so their peerings, with it. */
static void __net_exit vpcpeer_net_exit(struct net *net)
{
	struct vpcpeer_vpc *vpc;
	unsigned long i;
	LIST_HEAD(kill);

	rtnl_lock();
	mutex_lock(&vpcpeer_lock);
	xa_for_each(&vpcpeer_vpcs, i, vpc)
		if (net_eq(vpcpeer_vpc_net(vpc), net))
			vpcpeer_vpc_destroy(vpc, &kill);
	mutex_unlock(&vpcpeer_lock);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations vpcpeer_net_ops = {
	.exit = vpcpeer_net_exit,
};

int __init vpcpeer_vpc_init(void)
{
	return register_pernet_device(&vpcpeer_net_ops);
}

/* Runs the exit hook for every namespace: every VPC and peering goes. */
void vpcpeer_vpc_exit(void)
{
	unregister_pernet_device(&vpcpeer_net_ops);
}

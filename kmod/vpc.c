// SPDX-License-Identifier: GPL-2.0
/*
 * The VPC registry: each VPC is bound to one network namespace and owns a
 * set of IPv4 and IPv6 CIDR blocks, kept in two prefix sets (lpm.c) that
 * the fast path reads under RCU. VPCs are global, not per namespace,
 * because a peering joins two of them across namespaces; ids are random
 * (like AWS's) and unique module-wide. A name, like an AWS Name tag,
 * belongs to one account (the VPC's owner, the user namespace owning its
 * netns): unique in that account, meaningless in any other.
 *
 * A leaf: it calls nothing above it. What ends a VPC's peerings when it
 * goes (with its namespace, R15), and what a new block must not overlap
 * in its peers, are peering.c's; the events are netlink.c's.
 */

#include <linux/hashtable.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/xarray.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "vpc.h"

static DEFINE_XARRAY(vpcpeer_vpcs);
/*
 * Names, which never change, to VPCs: requests name their VPCs, and a
 * scan of the id xarray cost a creation or a request 25 ms of an
 * instruction-timed guest at 2,000 VPCs. Hashed by the name alone, so
 * that one bucket holds every account's VPC of that name. Under
 * vpcpeer_lock.
 */
static DEFINE_HASHTABLE(vpcpeer_vpc_names, 10);

static u32 vpc_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

static unsigned int max_cidrs = 5;
VPCPEER_UINT_RANGE_OPS(max_cidrs_ops, 1, 50);
module_param_cb(max_cidrs, &max_cidrs_ops, &max_cidrs, 0644);
MODULE_PARM_DESC(max_cidrs,
		 "CIDR blocks per VPC and address family (AWS: 5, at most 50)");

/*
 * For benchmarks of the fast path with very large prefix sets: a limit
 * beyond AWS's, which replaces max_cidrs while it is not 0.
 */
static unsigned int bench_max_cidrs;
VPCPEER_UINT_RANGE_OPS(bench_max_cidrs_ops, 0, 1000000);
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

const struct vpcpeer_lpm *vpcpeer_vpc_lpm(const struct vpcpeer_vpc *vpc,
					  u8 family)
{
	return family == AF_INET ? &vpc->cidr4 : &vpc->cidr6;
}

struct vpcpeer_vpc *vpcpeer_vpc_find(u32 id)
{
	lockdep_assert_held(&vpcpeer_lock);
	return id ? xa_load(&vpcpeer_vpcs, id) : NULL;
}

/* The VPC of account @owner called @name, if any. */
static struct vpcpeer_vpc *vpc_find_owned(const struct user_namespace *owner,
					  const char *name)
{
	struct vpcpeer_vpc *vpc;

	hash_for_each_possible(vpcpeer_vpc_names, vpc, name_node,
			       vpc_name_hash(name))
		if (vpcpeer_vpc_owner(vpc) == owner && !strcmp(vpc->name, name))
			return vpc;
	return NULL;
}

struct vpcpeer_vpc *
vpcpeer_vpc_find_name(const char *name, const struct user_namespace *own,
		      bool (*visible)(const void *arg,
				      const struct vpcpeer_vpc *vpc),
		      const void *arg)
{
	struct vpcpeer_vpc *vpc, *found = NULL;
	unsigned int n = 0;

	lockdep_assert_held(&vpcpeer_lock);
	hash_for_each_possible(vpcpeer_vpc_names, vpc, name_node,
			       vpc_name_hash(name)) {
		if (strcmp(vpc->name, name) || !visible(arg, vpc))
			continue;
		if (vpcpeer_vpc_owner(vpc) == own)
			return vpc;
		found = vpc;
		n++;
	}
	return n > 1 ? ERR_PTR(-ENOTUNIQ) : found;
}

/* For resumable dumps: the first VPC with an id >= *index, or NULL. */
struct vpcpeer_vpc *vpcpeer_vpc_next(unsigned long *index)
{
	lockdep_assert_held(&vpcpeer_lock);
	return xa_find(&vpcpeer_vpcs, index, ULONG_MAX, XA_PRESENT);
}

/*
 * Could a VPC of @count blocks of @c's family, one overlapping @c if
 * @overlaps, take block @c? The answer and its reason, for every way a
 * block is added.
 */
static int vpc_cidr_fits(unsigned int count, bool overlaps,
			 struct netlink_ext_ack *extack)
{
	if (count >= vpcpeer_max_cidrs()) {
		NL_SET_ERR_MSG(extack,
			       "the VPC has as many CIDR blocks of this family as allowed (module parameter max_cidrs)");
		return -ENOSPC;
	}
	if (overlaps) {
		NL_SET_ERR_MSG(extack,
			       "CIDR block overlaps a CIDR block the VPC already has");
		return -EEXIST;
	}
	return 0;
}

/* Two blocks of one family share an address: the shorter prefix agrees. */
static bool cidrs_overlap(const struct vpcpeer_cidr *a,
			  const struct vpcpeer_cidr *b)
{
	unsigned int plen = min(a->plen, b->plen), full = plen / 8;
	u8 mask = 0xff00 >> (plen % 8);

	if (memcmp(a->addr, b->addr, full))
		return false;
	return !(plen % 8) || !((a->addr[full] ^ b->addr[full]) & mask);
}

static void vpc_free(struct vpcpeer_vpc *vpc)
{
	vpcpeer_lpm_free(&vpc->cidr4, &vpcpeer_lock);
	vpcpeer_lpm_free(&vpc->cidr6, &vpcpeer_lock);
	kfree_rcu(vpc, rcu);
}

int vpcpeer_vpc_create_check(struct net *net, const char *name,
			     const struct vpcpeer_cidr *cidrs, unsigned int n,
			     struct netlink_ext_ack *extack)
{
	unsigned int i, j, same;
	bool overlaps;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	/* Only in the new VPC's account, which the caller administers. */
	if (vpc_find_owned(net->user_ns, name)) {
		NL_SET_ERR_MSG(extack, "the account has a VPC of that name");
		return -EEXIST;
	}
	/* Each block as if the ones before it were the VPC's already. */
	for (i = 0; i < n; i++) {
		same = 0;
		overlaps = false;
		for (j = 0; j < i; j++) {
			if (cidrs[j].family != cidrs[i].family)
				continue;
			same++;
			overlaps |= cidrs_overlap(&cidrs[j], &cidrs[i]);
		}
		err = vpc_cidr_fits(same, overlaps, extack);
		if (err)
			return err;
	}
	return 0;
}

/* A VPC of @name with blocks @cidrs, in no registry yet, or an ERR_PTR. */
static struct vpcpeer_vpc *vpc_alloc(const char *name,
				     const struct vpcpeer_cidr *cidrs,
				     unsigned int n)
{
	struct vpcpeer_vpc *vpc;
	unsigned int i;
	int err;

	vpc = kzalloc(sizeof(*vpc), GFP_KERNEL);
	if (!vpc)
		return ERR_PTR(-ENOMEM);
	strscpy(vpc->name, name, sizeof(vpc->name));
	vpcpeer_lpm_init(&vpc->cidr4, 32);
	vpcpeer_lpm_init(&vpc->cidr6, 128);
	INIT_LIST_HEAD(&vpc->sides);
	for (i = 0; i < n; i++) {
		err = vpcpeer_lpm_insert(vpc_lpm(vpc, cidrs[i].family),
					 cidrs[i].addr, cidrs[i].plen,
					 &vpcpeer_lock);
		if (err) {
			vpc_free(vpc);
			return ERR_PTR(err);
		}
	}
	return vpc;
}

int vpcpeer_vpc_create(struct net *net, const char *name,
		       const struct vpcpeer_cidr *cidrs, unsigned int n,
		       struct vpcpeer_vpc **out)
{
	struct vpcpeer_vpc *vpc;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	vpc = vpc_alloc(name, cidrs, n);
	if (IS_ERR(vpc))
		return PTR_ERR(vpc);
	write_pnet(&vpc->net, net);

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
	*out = vpc;
	return 0;

err_free:
	vpc_free(vpc);
	return err;
}

void vpcpeer_vpc_remove(struct vpcpeer_vpc *vpc)
{
	lockdep_assert_held(&vpcpeer_lock);
	xa_erase(&vpcpeer_vpcs, vpc->id);
	hash_del(&vpc->name_node);
	vpcpeer_generation++;
	pr_debug("vpc-%08x: destroyed\n", vpc->id);
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

	if (!vpcpeer_lpm_overlaps(vpcpeer_vpc_lpm(ctx->other, ctx->family), addr,
				  plen, &vpcpeer_lock))
		return 0;
	ctx->hit.family = ctx->family;
	ctx->hit.plen = plen;
	memcpy(ctx->hit.addr, addr, ctx->family == AF_INET ? 4 : 16);
	return 1;
}

bool vpcpeer_vpcs_overlap(const struct vpcpeer_vpc *a,
			  const struct vpcpeer_vpc *b, struct vpcpeer_cidr *hit)
{
	struct overlap_ctx ctx = { .other = b };

	ctx.family = AF_INET;
	if (!vpcpeer_lpm_walk(&a->cidr4, overlap_cb, &ctx, &vpcpeer_lock)) {
		ctx.family = AF_INET6;
		if (!vpcpeer_lpm_walk(&a->cidr6, overlap_cb, &ctx,
				      &vpcpeer_lock))
			return false;
	}
	*hit = ctx.hit;
	return true;
}

bool vpcpeer_cidr_overlaps_vpc(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c)
{
	return vpcpeer_lpm_overlaps(vpcpeer_vpc_lpm(vpc, c->family), c->addr,
				    c->plen, &vpcpeer_lock);
}

int vpcpeer_vpc_cidr_add_check(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c,
			       struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vpcpeer_lock);
	return vpc_cidr_fits(vpcpeer_lpm_count(vpcpeer_vpc_lpm(vpc, c->family)),
			     vpcpeer_cidr_overlaps_vpc(vpc, c), extack);
}

int vpcpeer_vpc_cidr_add(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c)
{
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	err = vpcpeer_lpm_insert(vpc_lpm(vpc, c->family), c->addr, c->plen,
				 &vpcpeer_lock);
	if (!err)
		vpcpeer_generation++;
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

int vpcpeer_vpc_cidr_del_check(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c,
			       struct netlink_ext_ack *extack)
{
	struct has_ctx ctx = { .want = c };

	lockdep_assert_held(&vpcpeer_lock);
	if (vpcpeer_lpm_count(&vpc->cidr4) + vpcpeer_lpm_count(&vpc->cidr6) == 1 &&
	    vpcpeer_cidr_overlaps_vpc(vpc, c)) {
		NL_SET_ERR_MSG(extack, "a VPC keeps at least one CIDR block");
		return -EBUSY;
	}
	if (vpcpeer_vpc_walk_cidrs(vpc, has_cb, &ctx) <= 0) {
		NL_SET_ERR_MSG(extack, "the VPC has no such CIDR block");
		return -ENOENT;
	}
	return 0;
}

int vpcpeer_vpc_cidr_del(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c)
{
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	err = vpcpeer_lpm_remove(vpc_lpm(vpc, c->family), c->addr, c->plen,
				 &vpcpeer_lock);
	if (!WARN_ON_ONCE(err))
		vpcpeer_generation++;
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

struct vpcpeer_vpc *vpcpeer_vpc_mirror(u32 id, const char *name,
				       const struct vpcpeer_cidr *cidrs,
				       unsigned int n)
{
	struct vpcpeer_vpc *vpc;

	lockdep_assert_held(&vpcpeer_lock);
	vpc = vpc_alloc(name, cidrs, n);
	if (IS_ERR(vpc))
		return PTR_ERR(vpc) == -ENOMEM ? vpc : ERR_PTR(-EINVAL);
	vpc->id = id;
	return vpc;
}

void vpcpeer_vpc_mirror_free(struct vpcpeer_vpc *vpc)
{
	lockdep_assert_held(&vpcpeer_lock);
	vpc_free(vpc);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * The "vpcpeer" generic netlink family: the only way userspace configures
 * VPCs and peerings. The family is netns-aware (netnsok) because every
 * request is made from, and checked against, the namespaces of the VPCs it
 * acts for: the caller needs CAP_NET_ADMIN over a VPC's namespace (in the
 * user namespace owning it, the "account") to act for that VPC (R4), and a
 * VPC or peering the caller may not administer is answered exactly as one
 * that does not exist. Every refusal carries an extack message and, where
 * one attribute is to blame, points at it.
 *
 * The policies, the ops table and the family are generated from
 * Documentation/netlink/specs/vpcpeer.yaml (netlink-gen.[ch]); this file
 * holds the handlers they name, the replies and the events.
 */

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "region.h"

/* Events may be sent: the family is registered. Under vpcpeer_lock. */
static bool events_on;

/*
 * AWS DryRun (VPCPEER_A_DRY_RUN): the handler runs the change's check and
 * answers from its verdict, and makes nothing.
 */
static bool only_check(const struct genl_info *info)
{
	return nla_get_flag(info->attrs[VPCPEER_A_DRY_RUN]);
}

/* Writers take rtnl (devices) and then the module's lock, always so. */
static void vpcpeer_write_lock(void)
{
	rtnl_lock();
	mutex_lock(&vpcpeer_lock);
}

/*
 * Every write handler's first step under the lock: what is due by now
 * (expiries, closing views) happens before the request is judged. The
 * timer would do it too, a moment later; this way every answer is
 * current.
 */
static void catch_up_clock(void)
{
	vpcpeer_pcx_tick();
}

static void vpcpeer_write_unlock(void)
{
	mutex_unlock(&vpcpeer_lock);
	rtnl_unlock();
}

/* A side in another region has no owner here: nobody administers it. */
static bool may_admin(const struct sk_buff *skb, struct user_namespace *owner)
{
	return owner && netlink_ns_capable(skb, owner, CAP_NET_ADMIN);
}

static bool may_admin_vpc(const struct sk_buff *skb,
			  const struct vpcpeer_vpc *vpc)
{
	return may_admin(skb, vpcpeer_vpc_net(vpc)->user_ns);
}

/*
 * The sides of @pcx through which the caller sees it: those it administers
 * whose view is open (R3: a tombstone's is, for a while). None: to this
 * caller the connection does not exist.
 */
static unsigned int seen_sides(const struct sk_buff *skb,
			       const struct vpcpeer_pcx *pcx)
{
	unsigned int seen = 0;
	int i;

	for (i = 0; i < 2; i++)
		if (vpcpeer_pcx_side_visible(pcx, i) &&
		    may_admin(skb, pcx->side[i].owner))
			seen |= BIT(i);
	return seen;
}

static bool may_see_pcx(const struct sk_buff *skb,
			const struct vpcpeer_pcx *pcx)
{
	return seen_sides(skb, pcx);
}

/* The characters of every name, a VPC's or a region's, as vpcpeer-ctl
 * checks them: [A-Za-z0-9._-], a letter or digit first. The kernel's ctype
 * counts Latin-1 letters as alphanumeric, hence the ASCII test.
 */
bool vpcpeer_name_chars_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || !isascii(name[0]) || !isalnum(name[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("._-", name[i])))
			return false;
	return true;
}

/* A VPC's name is never the shape of an id either, so that names and ids
 * cannot be confused.
 */
static bool vpc_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!vpcpeer_name_chars_valid(name, len))
		return false;
	if (len == 12 && (!strncasecmp(name, VPCPEER_VPC_ID_PREFIX, 4) ||
			  !strncasecmp(name, VPCPEER_PCX_ID_PREFIX, 4))) {
		for (i = 4; i < 12; i++)
			if (!isxdigit(name[i]))
				return true;
		return false;
	}
	return true;
}

static int parse_cidr(const struct nlattr *attr, struct vpcpeer_cidr *c,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VPCPEER_A_CIDR_MAX + 1];
	unsigned int bits, i;
	int err;

	err = nla_parse_nested(tb, VPCPEER_A_CIDR_MAX, attr, vpcpeer_cidr_nl_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, attr, tb, VPCPEER_A_CIDR_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, VPCPEER_A_CIDR_PREFIXLEN)) {
		NL_SET_ERR_MSG(extack, "a CIDR block needs an address and a prefix length");
		return -EINVAL;
	}
	memset(c, 0, sizeof(*c));
	switch (nla_len(tb[VPCPEER_A_CIDR_ADDR])) {
	case 4:
		c->family = AF_INET;
		break;
	case 16:
		c->family = AF_INET6;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_CIDR_ADDR],
				    "a CIDR address is 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	bits = c->family == AF_INET ? 32 : 128;
	nla_memcpy(c->addr, tb[VPCPEER_A_CIDR_ADDR], bits / 8);
	c->plen = nla_get_u8(tb[VPCPEER_A_CIDR_PREFIXLEN]);
	if (c->plen > bits) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_CIDR_PREFIXLEN],
				    "prefix length too long for the address family");
		return -EINVAL;
	}
	for (i = c->plen; i < bits; i++) {
		if (c->addr[i / 8] & (0x80 >> (i % 8))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_CIDR_ADDR],
					    "CIDR block has host bits set");
			return -EINVAL;
		}
	}
	return 0;
}

static bool vpc_visible_to(const void *skb, const struct vpcpeer_vpc *vpc)
{
	return may_admin_vpc(skb, vpc);
}

/*
 * The VPC of id @id, or called @name in the caller's view (its own
 * account's first: a name means nothing outside its account), whether or
 * not the caller may administer it; NULL if none. An ambiguous name is
 * an error, which only a caller seeing several accounts can meet.
 */
static struct vpcpeer_vpc *find_vpc(const struct sk_buff *skb, u32 id,
				    const char *name)
{
	if (!name)
		return vpcpeer_vpc_find(id);
	return vpcpeer_vpc_find_name(name, sk_user_ns(NETLINK_CB(skb).sk),
				     vpc_visible_to, skb);
}

/*
 * The VPC named by a nest's ID or NAME attribute, if the caller may
 * administer it. Not found and not allowed are the same answer.
 */
static struct vpcpeer_vpc *lookup_vpc(const struct sk_buff *skb,
				      struct nlattr *id, struct nlattr *name,
				      const struct nlattr *nest, bool check,
				      struct netlink_ext_ack *extack)
{
	struct vpcpeer_vpc *vpc;

	if (!id && !name) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no VPC id or name given");
		return ERR_PTR(-EINVAL);
	}
	vpc = find_vpc(skb, id ? nla_get_u32(id) : 0,
		       id ? NULL : nla_data(name));
	if (IS_ERR(vpc)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "VPCs of several accounts have that name: give the id");
		return vpc;
	}
	if (!vpc || (check && !may_admin_vpc(skb, vpc))) {
		NL_SET_ERR_MSG_ATTR(extack, id ?: name, "no such VPC");
		return ERR_PTR(-ENOENT);
	}
	return vpc;
}

/*
 * An accepter in another region: named as it is there, which nothing here
 * can check; that region's module will, and answer. NULL, as for a VPC
 * the caller may not know of, with @named filled in.
 */
static struct vpcpeer_vpc *lookup_remote(struct nlattr **tb,
					 const struct nlattr *nest,
					 struct vpcpeer_vpc_ref *named,
					 struct netlink_ext_ack *extack)
{
	struct nlattr *id = tb[VPCPEER_A_SIDE_VPC_ID];
	struct nlattr *name = tb[VPCPEER_A_SIDE_VPC_NAME];
	struct nlattr *region = tb[VPCPEER_A_SIDE_REGION];

	named->region = vpcpeer_region_name_valid(nla_data(region)) ?
			vpcpeer_region_find(nla_data(region)) : NULL;
	if (!named->region) {
		NL_SET_ERR_MSG_ATTR(extack, region, "no such region");
		return ERR_PTR(-ENOENT);
	}
	if (!id && !name) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no VPC id or name given");
		return ERR_PTR(-EINVAL);
	}
	named->id = id ? nla_get_u32(id) : 0;
	named->name = name && !id ? nla_data(name) : NULL;
	if ((id && !named->id) ||
	    (named->name && !vpc_name_valid(named->name))) {
		NL_SET_ERR_MSG_ATTR(extack, id ?: name,
				    "not a VPC id or name: ids are not 0, names as vpc add takes them");
		return ERR_PTR(-EINVAL);
	}
	return NULL;
}

/*
 * The generated policies of the nests take every attribute of their set,
 * those that only replies carry too; a request that sends one of those is
 * refused here, as the module's own policies (NLA_REJECT) did before the
 * spec became their source. @reply_only: a mask of BIT(type).
 */
static int refuse_reply_only(const struct nlattr *nest, unsigned long reply_only,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) < BITS_PER_LONG && (reply_only & BIT(nla_type(a)))) {
			NL_SET_ERR_MSG_ATTR(extack, a, "an attribute that only replies carry");
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_vpc_nest(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[VPCPEER_A_VPC];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VPCPEER_A_VPC)) {
		NL_SET_ERR_MSG(info->extack, "the request has no VPC attribute");
		return -EINVAL;
	}
	err = refuse_reply_only(nest, BIT(VPCPEER_A_VPC_NETNSID), info->extack);
	if (err)
		return err;
	return nla_parse_nested(tb, VPCPEER_A_VPC_MAX, nest, vpcpeer_vpc_nl_policy,
				info->extack);
}

static int parse_pcx_nest(struct genl_info *info, struct nlattr **tb)
{
	static const unsigned long side_replies = BIT(VPCPEER_A_SIDE_IFINDEX) |
		BIT(VPCPEER_A_SIDE_IFNAME) | BIT(VPCPEER_A_SIDE_STATS) |
		BIT(VPCPEER_A_SIDE_CIDR);
	static const unsigned long pcx_replies = BIT(VPCPEER_A_PCX_STATE) |
		BIT(VPCPEER_A_PCX_REASON) | BIT(VPCPEER_A_PCX_EXPIRES) |
		BIT(VPCPEER_A_PCX_VISIBLE_UNTIL) | BIT(VPCPEER_A_PCX_OLD_STATE) |
		BIT(VPCPEER_A_PCX_REASON_CIDR);
	struct nlattr *nest = info->attrs[VPCPEER_A_PCX];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VPCPEER_A_PCX)) {
		NL_SET_ERR_MSG(info->extack, "the request has no PCX attribute");
		return -EINVAL;
	}
	err = refuse_reply_only(nest, pcx_replies, info->extack);
	if (err)
		return err;
	err = nla_parse_nested(tb, VPCPEER_A_PCX_MAX, nest, vpcpeer_pcx_nl_policy,
			       info->extack);
	if (err)
		return err;
	if (tb[VPCPEER_A_PCX_REQUESTER])
		err = refuse_reply_only(tb[VPCPEER_A_PCX_REQUESTER], side_replies,
					info->extack);
	if (!err && tb[VPCPEER_A_PCX_ACCEPTER])
		err = refuse_reply_only(tb[VPCPEER_A_PCX_ACCEPTER], side_replies,
					info->extack);
	return err;
}

/* --- replies ------------------------------------------------------------ */

struct fill_cidr_ctx {
	struct sk_buff *skb;
	int type;		/* the nests' attribute: VPC_CIDR if 0 */
};

static int fill_cidr(void *arg, const struct vpcpeer_cidr *c)
{
	struct fill_cidr_ctx *ctx = arg;
	struct nlattr *nest;

	nest = nla_nest_start(ctx->skb, ctx->type ?: VPCPEER_A_VPC_CIDR);
	if (!nest ||
	    nla_put(ctx->skb, VPCPEER_A_CIDR_ADDR,
		    c->family == AF_INET ? 4 : 16, c->addr) ||
	    nla_put_u8(ctx->skb, VPCPEER_A_CIDR_PREFIXLEN, c->plen))
		return -EMSGSIZE;
	nla_nest_end(ctx->skb, nest);
	return 0;
}

/* A connection's reason and, for an overlap, the requester's block at fault. */
static int fill_reason(struct sk_buff *skb, u8 reason,
		       const struct vpcpeer_cidr *overlap)
{
	struct nlattr *nest;

	if (nla_put_u8(skb, VPCPEER_A_PCX_REASON, reason))
		return -EMSGSIZE;
	if (reason != VPCPEER_PCX_REASON_OVERLAP)
		return 0;
	nest = nla_nest_start(skb, VPCPEER_A_PCX_REASON_CIDR);
	if (!nest ||
	    nla_put(skb, VPCPEER_A_CIDR_ADDR,
		    overlap->family == AF_INET ? 4 : 16, overlap->addr) ||
	    nla_put_u8(skb, VPCPEER_A_CIDR_PREFIXLEN, overlap->plen))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* @atomic: an event's, under RCU: no netns id is assigned for it. */
static int fill_vpc(struct sk_buff *skb, const struct vpcpeer_vpc *vpc,
		    struct net *caller, bool atomic)
{
	struct fill_cidr_ctx ctx = { .skb = skb };
	struct net *net = vpcpeer_vpc_net(vpc);
	struct nlattr *nest;
	int nsid = -1;

	/* -1 is "your own namespace"; an id that cannot be had is left out. */
	if (!net_eq(net, caller))
		nsid = atomic ? peernet2id(caller, net) :
				peernet2id_alloc(caller, net, GFP_KERNEL);
	nest = nla_nest_start(skb, VPCPEER_A_VPC);
	if (!nest ||
	    nla_put_u32(skb, VPCPEER_A_VPC_ID, vpc->id) ||
	    nla_put_string(skb, VPCPEER_A_VPC_NAME, vpc->name) ||
	    ((nsid >= 0 || net_eq(net, caller)) &&
	     nla_put_s32(skb, VPCPEER_A_VPC_NETNSID, nsid)) ||
	    vpcpeer_vpc_walk_cidrs(vpc, fill_cidr, &ctx))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_stats(struct sk_buff *skb, const struct vpcpeer_stats *s)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, VPCPEER_A_SIDE_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, VPCPEER_A_STATS_TX_PACKETS, s->tx_packets,
			      VPCPEER_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VPCPEER_A_STATS_TX_BYTES, s->tx_bytes,
			      VPCPEER_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VPCPEER_A_STATS_RX_PACKETS, s->rx_packets,
			      VPCPEER_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VPCPEER_A_STATS_RX_BYTES, s->rx_bytes,
			      VPCPEER_A_STATS_PAD))
		return -EMSGSIZE;
	for (i = 0; i < VPCPEER_DROP_MAX; i++)
		if (nla_put_u64_64bit(skb, VPCPEER_A_STATS_DROP_NOT_ACTIVE + i,
				      s->drops[i], VPCPEER_A_STATS_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * @named: the reader may know the VPC's name, which is its account's tag
 * (the other side's owner learns the VPC's id, as in AWS, not its name).
 */
static int fill_side(struct sk_buff *skb, int type,
		     const struct vpcpeer_side *side, bool named)
{
	struct vpcpeer_stats stats;
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put_u32(skb, VPCPEER_A_SIDE_VPC_ID, side->vpc_id) ||
	    (named &&
	     nla_put_string(skb, VPCPEER_A_SIDE_VPC_NAME, side->vpc_name)) ||
	    nla_put_u8(skb, VPCPEER_A_SIDE_ALLOW_DNS, side->allow_dns) ||
	    (side->tag[0] &&
	     nla_put_string(skb, VPCPEER_A_SIDE_TAG, side->tag)))
		return -EMSGSIZE;
	/* Another region's side, and its blocks as that region told them. */
	if (side->region[0]) {
		struct fill_cidr_ctx ctx = { .skb = skb,
					     .type = VPCPEER_A_SIDE_CIDR };

		if (nla_put_string(skb, VPCPEER_A_SIDE_REGION, side->region) ||
		    (side->vpc && vpcpeer_vpc_walk_cidrs(side->vpc, fill_cidr,
							 &ctx)))
			return -EMSGSIZE;
	}
	/* Another region's side counts there, on its device. */
	if (side->region[0]) {
		nla_nest_end(skb, nest);
		return 0;
	}
	if (side->dev) {
		vpcpeer_dev_stats(side->dev, &stats);
		if (nla_put_u32(skb, VPCPEER_A_SIDE_IFINDEX, side->dev->ifindex) ||
		    nla_put_string(skb, VPCPEER_A_SIDE_IFNAME, side->dev->name))
			return -EMSGSIZE;
	} else {
		stats = side->last;
	}
	if (fill_stats(skb, &stats))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * @seen: the sides through which the receiver sees @pcx, for when its
 * tombstone leaves the receiver's view. @old_state: for a PCX_STATE event.
 */
static int fill_pcx(struct sk_buff *skb, const struct vpcpeer_pcx *pcx,
		    unsigned int seen, int old_state)
{
	bool same = pcx->side[0].owner == pcx->side[1].owner;
	time64_t until = 0;
	struct nlattr *nest;
	int i;

	/* A side's name, to a reader seeing it or its owner's other side. */
	nest = nla_nest_start(skb, VPCPEER_A_PCX);
	if (!nest ||
	    nla_put_u32(skb, VPCPEER_A_PCX_ID, pcx->id) ||
	    nla_put_u8(skb, VPCPEER_A_PCX_STATE, pcx->state) ||
	    fill_reason(skb, pcx->reason, &pcx->overlap) ||
	    fill_side(skb, VPCPEER_A_PCX_REQUESTER, &pcx->side[VPCPEER_REQUESTER],
		      seen & (same ? VPCPEER_BOTH_SIDES : BIT(VPCPEER_REQUESTER))) ||
	    fill_side(skb, VPCPEER_A_PCX_ACCEPTER, &pcx->side[VPCPEER_ACCEPTER],
		      seen & (same ? VPCPEER_BOTH_SIDES : BIT(VPCPEER_ACCEPTER))))
		return -EMSGSIZE;
	if (pcx->id && (pcx->state == VPCPEER_PCX_STATE_PENDING_ACCEPTANCE ||
			pcx->state == VPCPEER_PCX_STATE_PROVISIONING) &&
	    nla_put_u64_64bit(skb, VPCPEER_A_PCX_EXPIRES, pcx->expires_real,
			      VPCPEER_A_PCX_PAD))
		return -EMSGSIZE;
	if (!vpcpeer_pcx_live(pcx) && pcx->state != VPCPEER_PCX_STATE_DELETING) {
		for (i = 0; i < 2; i++)
			if ((seen & BIT(i)) && pcx->side[i].open)
				until = max(until,
					    vpcpeer_pcx_visible_until(pcx, i));
		if (until && nla_put_u64_64bit(skb, VPCPEER_A_PCX_VISIBLE_UNTIL,
					       until, VPCPEER_A_PCX_PAD))
			return -EMSGSIZE;
	}
	if (old_state >= 0 &&
	    nla_put_u8(skb, VPCPEER_A_PCX_OLD_STATE, old_state))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Reply to a doit with one object, built by @fill under vpcpeer_lock. */
typedef int (*fill_fn)(struct sk_buff *skb, const void *obj,
		       struct net *caller, const struct sk_buff *req);

static int reply_obj(struct sk_buff *req, struct genl_info *info, u8 cmd,
		     fill_fn fill, const void *obj)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vpcpeer_nl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = fill(msg, obj, genl_info_net(info), req);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int fill_vpc_obj(struct sk_buff *skb, const void *obj,
			struct net *caller, const struct sk_buff *req)
{
	return fill_vpc(skb, obj, caller, false);
}

/*
 * A block added or removed: the VPC by id and name, and the block. Not
 * the whole VPC, which with bench_max_cidrs need not fit in a message.
 */
struct vpc_change {
	const struct vpcpeer_vpc *vpc;
	const struct vpcpeer_cidr *c;
};

static int fill_vpc_change(struct sk_buff *skb, const void *obj,
			   struct net *caller, const struct sk_buff *req)
{
	const struct vpc_change *change = obj;
	const struct vpcpeer_cidr *c = change->c;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VPCPEER_A_VPC);
	if (!nest ||
	    nla_put_u32(skb, VPCPEER_A_VPC_ID, change->vpc->id) ||
	    nla_put_string(skb, VPCPEER_A_VPC_NAME, change->vpc->name))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	if (!c)
		return 0;
	nest = nla_nest_start(skb, VPCPEER_A_CIDR);
	if (!nest ||
	    nla_put(skb, VPCPEER_A_CIDR_ADDR, c->family == AF_INET ? 4 : 16,
		    c->addr) ||
	    nla_put_u8(skb, VPCPEER_A_CIDR_PREFIXLEN, c->plen))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_pcx_obj(struct sk_buff *skb, const void *obj,
			struct net *caller, const struct sk_buff *req)
{
	return fill_pcx(skb, obj, seen_sides(req, obj), -1);
}

/*
 * A dry run's answer to a request, from its check's verdict alone: the
 * connection as the request would make it (no id: none is made), its
 * state and reason and the two VPCs as the request named them.
 */
struct pcx_dry {
	const struct vpcpeer_vpc *req, *acc;
	const struct vpcpeer_vpc_ref *named;
	const struct vpcpeer_pcx_plan *plan;
};

/*
 * @name: NULL for a VPC of another account (as fill_side() leaves out);
 * @region: the region of a VPC in another one, or NULL.
 */
static int fill_dry_side(struct sk_buff *skb, int type, u32 id,
			 const char *name, const char *region)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_u32(skb, VPCPEER_A_SIDE_VPC_ID, id) ||
	    (name && nla_put_string(skb, VPCPEER_A_SIDE_VPC_NAME, name)) ||
	    (region && nla_put_string(skb, VPCPEER_A_SIDE_REGION, region)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_pcx_dry(struct sk_buff *skb, const void *obj,
			struct net *caller, const struct sk_buff *req)
{
	const struct pcx_dry *d = obj;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VPCPEER_A_PCX);
	if (!nest ||
	    nla_put_u32(skb, VPCPEER_A_PCX_ID, 0) ||
	    nla_put_u8(skb, VPCPEER_A_PCX_STATE, d->plan->state) ||
	    fill_reason(skb, d->plan->reason, &d->plan->overlap) ||
	    fill_dry_side(skb, VPCPEER_A_PCX_REQUESTER, d->req->id,
			  d->req->name, NULL) ||
	    fill_dry_side(skb, VPCPEER_A_PCX_ACCEPTER,
			  d->acc ? d->acc->id : d->named->id,
			  d->acc && !d->named->opaque ? d->acc->name :
							d->named->name,
			  d->named->region ? d->named->region->name : NULL))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One dump for both object kinds. Objects live in xarrays keyed by id, so
 * a dump resumes from the id after the last one sent (cb->args[0]), and is
 * marked inconsistent (NLM_F_DUMP_INTR) when anything changed in between.
 */
struct dump_ops {
	u8 cmd;
	void *(*next)(unsigned long *index);
	bool (*visible)(const struct sk_buff *skb, const void *obj);
	fill_fn fill;
};

static int vpcpeer_dump(struct sk_buff *skb, struct netlink_callback *cb,
			const struct dump_ops *ops)
{
	struct net *caller = sock_net(skb->sk);
	unsigned long index = cb->args[0];
	int err = 0;
	void *hdr;
	void *obj;

	mutex_lock(&vpcpeer_lock);
	cb->seq = vpcpeer_generation;
	while ((obj = ops->next(&index))) {
		if (ops->visible(cb->skb, obj)) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &vpcpeer_nl_family,
					  NLM_F_MULTI, ops->cmd);
			if (!hdr) {
				err = -EMSGSIZE;
				break;
			}
			genl_dump_check_consistent(cb, hdr);
			if (ops->fill(skb, obj, caller, cb->skb)) {
				genlmsg_cancel(skb, hdr);
				err = -EMSGSIZE;
				break;
			}
			genlmsg_end(skb, hdr);
		}
		if (index == ULONG_MAX)
			break;
		index++;
	}
	mutex_unlock(&vpcpeer_lock);
	cb->args[0] = index;
	/* A full skb is no error: netlink calls back for the rest. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* --- VPC commands --------------------------------------------------------- */

static struct net *vpc_target_net(struct genl_info *info, struct nlattr **tb)
{
	struct net *net;

	if (!tb[VPCPEER_A_VPC_NETNS_FD])
		return get_net(genl_info_net(info));
	net = get_net_ns_by_fd(nla_get_u32(tb[VPCPEER_A_VPC_NETNS_FD]));
	if (IS_ERR(net))
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VPCPEER_A_VPC_NETNS_FD],
				    "not a network namespace file descriptor");
	return net;
}

static unsigned int count_type(const struct nlattr *nest, int type)
{
	const struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == type)
			n++;
	return n;
}

static int collect_cidrs(struct nlattr *nest, struct vpcpeer_cidr **out,
			 struct netlink_ext_ack *extack)
{
	unsigned int n, max = 2 * vpcpeer_max_cidrs();
	struct vpcpeer_cidr *cidrs;
	struct nlattr *a;
	int rem, err;

	n = count_type(nest, VPCPEER_A_VPC_CIDR);
	if (!n) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a VPC needs at least one CIDR block");
		return -EINVAL;
	}
	if (n > max) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "more CIDR blocks than a VPC may have (module parameter max_cidrs)");
		return -ENOSPC;
	}
	cidrs = kcalloc(n, sizeof(*cidrs), GFP_KERNEL);
	if (!cidrs)
		return -ENOMEM;
	n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VPCPEER_A_VPC_CIDR)
			continue;
		err = parse_cidr(a, &cidrs[n++], extack);
		if (err) {
			kfree(cidrs);
			return err;
		}
	}
	*out = cidrs;
	return n;
}

int vpcpeer_nl_vpc_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_VPC_MAX + 1];
	struct vpcpeer_cidr *cidrs;
	struct vpcpeer_vpc *vpc;
	struct net *net;
	int n, err;

	err = parse_vpc_nest(info, tb);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[VPCPEER_A_VPC], tb,
			      VPCPEER_A_VPC_NAME)) {
		NL_SET_ERR_MSG(info->extack, "a new VPC needs a name");
		return -EINVAL;
	}
	if (tb[VPCPEER_A_VPC_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VPCPEER_A_VPC_ID],
				    "the kernel chooses a new VPC's id");
		return -EINVAL;
	}
	if (!vpc_name_valid(nla_data(tb[VPCPEER_A_VPC_NAME]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VPCPEER_A_VPC_NAME],
				    "a VPC name is [A-Za-z0-9._-], starts with a letter or digit, and is not shaped like an id");
		return -EINVAL;
	}
	n = collect_cidrs(info->attrs[VPCPEER_A_VPC], &cidrs, info->extack);
	if (n < 0)
		return n;
	net = vpc_target_net(info, tb);
	if (IS_ERR(net)) {
		err = PTR_ERR(net);
		goto out_cidrs;
	}
	if (!may_admin(skb, net->user_ns)) {
		NL_SET_ERR_MSG(info->extack,
			       "CAP_NET_ADMIN over the VPC's network namespace is required");
		err = -EPERM;
		goto out_net;
	}

	vpcpeer_write_lock();
	catch_up_clock();
	err = vpcpeer_vpc_create_check(net, nla_data(tb[VPCPEER_A_VPC_NAME]),
				       cidrs, n, info->extack);
	if (!err && !only_check(info))
		err = vpcpeer_vpc_create(net, nla_data(tb[VPCPEER_A_VPC_NAME]),
					 cidrs, n, &vpc);
	if (!err && !only_check(info)) {
		vpcpeer_notify_vpc(VPCPEER_CMD_VPC_NEW_NTF, vpc, NULL);
		err = reply_obj(skb, info, VPCPEER_CMD_VPC_NEW, fill_vpc_obj, vpc);
	}
	vpcpeer_write_unlock();
out_net:
	put_net(net);
out_cidrs:
	kfree(cidrs);
	return err;
}

int vpcpeer_nl_vpc_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_VPC_MAX + 1];
	struct vpcpeer_vpc *vpc;
	LIST_HEAD(kill);
	int err;

	err = parse_vpc_nest(info, tb);
	if (err)
		return err;
	vpcpeer_write_lock();
	catch_up_clock();
	vpc = lookup_vpc(skb, tb[VPCPEER_A_VPC_ID], tb[VPCPEER_A_VPC_NAME],
			 info->attrs[VPCPEER_A_VPC], true, info->extack);
	if (IS_ERR(vpc)) {
		err = PTR_ERR(vpc);
	} else if (!only_check(info)) {
		vpcpeer_pcx_vpc_del(vpc, VPCPEER_PCX_REASON_VPC_GONE, &kill);
		unregister_netdevice_many(&kill);
	}
	vpcpeer_write_unlock();
	return err;
}

static int vpc_cidr_change(struct sk_buff *skb, struct genl_info *info,
			   bool add)
{
	struct nlattr *tb[VPCPEER_A_VPC_MAX + 1];
	struct vpcpeer_vpc *vpc;
	struct vpcpeer_cidr c;
	int err;

	err = parse_vpc_nest(info, tb);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[VPCPEER_A_VPC], tb,
			      VPCPEER_A_VPC_CIDR)) {
		NL_SET_ERR_MSG(info->extack, "no CIDR block given");
		return -EINVAL;
	}
	if (count_type(info->attrs[VPCPEER_A_VPC], VPCPEER_A_VPC_CIDR) != 1) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VPCPEER_A_VPC_CIDR],
				    "exactly one CIDR block per change");
		return -EINVAL;
	}
	err = parse_cidr(tb[VPCPEER_A_VPC_CIDR], &c, info->extack);
	if (err)
		return err;

	vpcpeer_write_lock();
	catch_up_clock();
	vpc = lookup_vpc(skb, tb[VPCPEER_A_VPC_ID], tb[VPCPEER_A_VPC_NAME],
			 info->attrs[VPCPEER_A_VPC], true, info->extack);
	if (IS_ERR(vpc))
		err = PTR_ERR(vpc);
	else if (add)
		err = vpcpeer_pcx_cidr_check(vpc, &c, info->extack) ?:
		      vpcpeer_vpc_cidr_add_check(vpc, &c, info->extack);
	else
		err = vpcpeer_vpc_cidr_del_check(vpc, &c, info->extack);
	if (!err && !only_check(info))
		err = add ? vpcpeer_vpc_cidr_add(vpc, &c) :
			    vpcpeer_vpc_cidr_del(vpc, &c);
	if (!err && !only_check(info)) {
		struct vpc_change change = { .vpc = vpc, .c = &c };

		vpcpeer_notify_vpc(add ? VPCPEER_CMD_VPC_CIDR_ADD_NTF :
				   VPCPEER_CMD_VPC_CIDR_DEL_NTF, vpc, &c);
		/* The regions of its peerings check what comes from it. */
		vpcpeer_pcx_vpc_changed(vpc);

		err = reply_obj(skb, info, info->genlhdr->cmd, fill_vpc_change,
				&change);
	}
	vpcpeer_write_unlock();
	return err;
}

int vpcpeer_nl_vpc_cidr_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vpc_cidr_change(skb, info, true);
}

int vpcpeer_nl_vpc_cidr_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vpc_cidr_change(skb, info, false);
}

int vpcpeer_nl_vpc_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_VPC_MAX + 1];
	struct vpcpeer_vpc *vpc;
	int err;

	err = parse_vpc_nest(info, tb);
	if (err)
		return err;
	mutex_lock(&vpcpeer_lock);
	vpc = lookup_vpc(skb, tb[VPCPEER_A_VPC_ID], tb[VPCPEER_A_VPC_NAME],
			 info->attrs[VPCPEER_A_VPC], true, info->extack);
	if (IS_ERR(vpc))
		err = PTR_ERR(vpc);
	else
		err = reply_obj(skb, info, VPCPEER_CMD_VPC_GET, fill_vpc_obj, vpc);
	mutex_unlock(&vpcpeer_lock);
	return err;
}

static bool vpc_visible(const struct sk_buff *skb, const void *obj)
{
	return may_admin_vpc(skb, obj);
}

static void *vpc_next(unsigned long *index)
{
	return vpcpeer_vpc_next(index);
}

int vpcpeer_nl_vpc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const struct dump_ops ops = {
		.cmd = VPCPEER_CMD_VPC_GET,
		.next = vpc_next,
		.visible = vpc_visible,
		.fill = fill_vpc_obj,
	};

	return vpcpeer_dump(skb, cb, &ops);
}

/* --- peering commands ------------------------------------------------------ */

/*
 * @requester: the side the caller must administer (R4). The accepter is
 * only named, as in AWS: NULL when there is no such VPC (@named says how
 * it was named, and that the caller may not know more).
 */
static struct vpcpeer_vpc *lookup_side(const struct sk_buff *skb,
				       struct nlattr *nest, bool requester,
				       struct vpcpeer_vpc_ref *named,
				       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VPCPEER_A_SIDE_MAX + 1];
	struct nlattr *id, *name;
	struct vpcpeer_vpc *vpc;
	int err;

	if (!nest) {
		if (requester)
			NL_SET_ERR_MSG(extack, "no requester VPC given");
		else
			NL_SET_ERR_MSG(extack, "no accepter VPC given");
		return ERR_PTR(-EINVAL);
	}
	err = nla_parse_nested(tb, VPCPEER_A_SIDE_MAX, nest, vpcpeer_side_nl_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (tb[VPCPEER_A_SIDE_ALLOW_DNS] || tb[VPCPEER_A_SIDE_TAG]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_SIDE_ALLOW_DNS] ?:
					    tb[VPCPEER_A_SIDE_TAG],
				    "a side's options are set with PCX_SET once the connection is active");
		return ERR_PTR(-EINVAL);
	}
	id = tb[VPCPEER_A_SIDE_VPC_ID];
	name = tb[VPCPEER_A_SIDE_VPC_NAME];
	if (tb[VPCPEER_A_SIDE_REGION]) {
		if (requester) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_SIDE_REGION],
					    "the requester VPC is this host's: only the accepter may be in another region");
			return ERR_PTR(-EINVAL);
		}
		return lookup_remote(tb, nest, named, extack);
	}
	if (requester || (!id && !name))
		return lookup_vpc(skb, id, name, nest, requester, extack);
	named->id = id ? nla_get_u32(id) : 0;
	named->name = name && !id ? nla_data(name) : NULL;
	/* Ids are never 0, and nothing can have a name that is not valid. */
	if ((id && !named->id) ||
	    (named->name && !vpc_name_valid(named->name))) {
		NL_SET_ERR_MSG_ATTR(extack, id ?: name, "no such VPC");
		return ERR_PTR(-ENOENT);
	}
	/* By name, only one the caller sees: other accounts' names are theirs. */
	vpc = find_vpc(skb, named->id, named->name);
	if (IS_ERR(vpc)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "VPCs of several accounts have that name: give the id");
		return vpc;
	}
	/* Who administers every VPC has nothing hidden from it to protect. */
	if (!vpc && may_admin(skb, &init_user_ns)) {
		NL_SET_ERR_MSG_ATTR(extack, id ?: name, "no such VPC");
		return ERR_PTR(-ENOENT);
	}
	named->opaque = !vpc || !may_admin_vpc(skb, vpc);
	return vpc;
}

int vpcpeer_nl_pcx_request_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_PCX_MAX + 1];
	struct vpcpeer_vpc_ref named = {};
	struct vpcpeer_pcx_plan plan;
	struct vpcpeer_vpc *req, *acc;
	struct vpcpeer_pcx *pcx;
	int err;

	err = parse_pcx_nest(info, tb);
	if (err)
		return err;
	vpcpeer_write_lock();
	catch_up_clock();
	/* R4: only the requester's owner requests. */
	req = lookup_side(skb, tb[VPCPEER_A_PCX_REQUESTER], true, NULL,
			  info->extack);
	if (IS_ERR(req)) {
		err = PTR_ERR(req);
		goto out;
	}
	/* The accepter is named, as in AWS, not administered. */
	acc = lookup_side(skb, tb[VPCPEER_A_PCX_ACCEPTER], false, &named,
			  info->extack);
	if (IS_ERR(acc)) {
		err = PTR_ERR(acc);
		goto out;
	}
	err = vpcpeer_pcx_request_check(req, acc, &named, &plan, info->extack);
	if (err)
		goto out;
	if (only_check(info)) {
		struct pcx_dry dry = { .req = req, .acc = acc, .named = &named,
				       .plan = &plan };

		err = reply_obj(skb, info, VPCPEER_CMD_PCX_REQUEST,
				fill_pcx_dry, &dry);
		goto out;
	}
	err = vpcpeer_pcx_request(req, acc, &named, &plan, &pcx, info->extack);
	if (!err)
		err = reply_obj(skb, info, VPCPEER_CMD_PCX_REQUEST, fill_pcx_obj,
				pcx);
out:
	vpcpeer_write_unlock();
	return err;
}

/* The peering named by the request, if the caller is party to it. */
static struct vpcpeer_pcx *lookup_pcx(const struct sk_buff *skb,
				      struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_PCX_MAX + 1];
	struct vpcpeer_pcx *pcx;
	int err;

	err = parse_pcx_nest(info, tb);
	if (err)
		return ERR_PTR(err);
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[VPCPEER_A_PCX], tb,
			      VPCPEER_A_PCX_ID)) {
		NL_SET_ERR_MSG(info->extack, "no peering connection id given");
		return ERR_PTR(-EINVAL);
	}
	pcx = vpcpeer_pcx_find(nla_get_u32(tb[VPCPEER_A_PCX_ID]));
	if (!pcx || !may_see_pcx(skb, pcx)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VPCPEER_A_PCX_ID],
				    "no such peering connection");
		return ERR_PTR(-ENOENT);
	}
	return pcx;
}

static int pcx_answer(struct sk_buff *skb, struct genl_info *info, bool accept)
{
	struct vpcpeer_pcx *pcx;
	int err, by;

	vpcpeer_write_lock();
	catch_up_clock();
	pcx = lookup_pcx(skb, info);
	if (IS_ERR(pcx)) {
		err = PTR_ERR(pcx);
		goto out;
	}
	/*
	 * The caller acts for the accepter if it may; who may answer at
	 * all (R4) is the state machine's to say.
	 */
	by = may_admin(skb, pcx->side[VPCPEER_ACCEPTER].owner) ?
		VPCPEER_ACCEPTER : VPCPEER_REQUESTER;
	if (accept) {
		err = vpcpeer_pcx_accept_check(pcx, by, info->extack);
		if (!err && !only_check(info))
			err = vpcpeer_pcx_accept(pcx, by, info->extack);
	} else {
		err = vpcpeer_pcx_reject_check(pcx, by, info->extack);
		if (!err && !only_check(info))
			vpcpeer_pcx_reject(pcx, by);
	}
out:
	vpcpeer_write_unlock();
	return err;
}

int vpcpeer_nl_pcx_accept_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pcx_answer(skb, info, true);
}

int vpcpeer_nl_pcx_reject_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pcx_answer(skb, info, false);
}

int vpcpeer_nl_pcx_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vpcpeer_pcx *pcx;
	int err, by;

	vpcpeer_write_lock();
	catch_up_clock();
	pcx = lookup_pcx(skb, info);
	if (IS_ERR(pcx)) {
		err = PTR_ERR(pcx);
		goto out;
	}
	/*
	 * The caller acts for the requester if it may: only the requester
	 * withdraws a pending request (R4), as the state machine says.
	 */
	by = may_admin(skb, pcx->side[VPCPEER_REQUESTER].owner) ?
		VPCPEER_REQUESTER : VPCPEER_ACCEPTER;
	err = vpcpeer_pcx_delete_check(pcx, by, info->extack);
	if (!err && !only_check(info))
		vpcpeer_pcx_delete(pcx, by);
out:
	vpcpeer_write_unlock();
	return err;
}

int vpcpeer_nl_pcx_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vpcpeer_pcx *pcx;
	int err;

	mutex_lock(&vpcpeer_lock);
	pcx = lookup_pcx(skb, info);
	if (IS_ERR(pcx))
		err = PTR_ERR(pcx);
	else
		err = reply_obj(skb, info, VPCPEER_CMD_PCX_GET, fill_pcx_obj, pcx);
	mutex_unlock(&vpcpeer_lock);
	return err;
}

static bool pcx_visible(const struct sk_buff *skb, const void *obj)
{
	return may_see_pcx(skb, obj);
}

static void *pcx_next(unsigned long *index)
{
	return vpcpeer_pcx_next(index);
}

int vpcpeer_nl_pcx_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const struct dump_ops ops = {
		.cmd = VPCPEER_CMD_PCX_GET,
		.next = pcx_next,
		.visible = pcx_visible,
		.fill = fill_pcx_obj,
	};

	return vpcpeer_dump(skb, cb, &ops);
}

/* R14: PCX { ID, [REQUESTER { options }], [ACCEPTER { options }] }. */
static int parse_side_opts(struct nlattr *nest, struct vpcpeer_side_opts *o,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VPCPEER_A_SIDE_MAX + 1];
	const char *p;
	int err;

	err = nla_parse_nested(tb, VPCPEER_A_SIDE_MAX, nest, vpcpeer_side_nl_policy,
			       extack);
	if (err)
		return err;
	if (!tb[VPCPEER_A_SIDE_ALLOW_DNS] && !tb[VPCPEER_A_SIDE_TAG]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no option given for the side");
		return -EINVAL;
	}
	if (tb[VPCPEER_A_SIDE_ALLOW_DNS]) {
		o->set_dns = true;
		o->allow_dns = nla_get_u8(tb[VPCPEER_A_SIDE_ALLOW_DNS]);
	}
	if (tb[VPCPEER_A_SIDE_TAG]) {
		o->tag = nla_data(tb[VPCPEER_A_SIDE_TAG]);
		for (p = o->tag; *p; p++) {
			if (*p < 0x20 || *p > 0x7e) {
				NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_SIDE_TAG],
						    "a name tag is printable ASCII");
				return -EINVAL;
			}
		}
	}
	return 0;
}

int vpcpeer_nl_pcx_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const int side_attr[2] = {
		VPCPEER_A_PCX_REQUESTER, VPCPEER_A_PCX_ACCEPTER,
	};
	struct vpcpeer_side_opts opts[2] = {};
	struct nlattr *tb[VPCPEER_A_PCX_MAX + 1];
	struct vpcpeer_pcx *pcx;
	unsigned int sides = 0;
	int err, i;

	err = parse_pcx_nest(info, tb);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		if (!tb[side_attr[i]])
			continue;
		err = parse_side_opts(tb[side_attr[i]], &opts[i], info->extack);
		if (err)
			return err;
		sides |= BIT(i);
	}
	if (!sides) {
		NL_SET_ERR_MSG(info->extack,
			       "no side given: REQUESTER or ACCEPTER with the options");
		return -EINVAL;
	}
	vpcpeer_write_lock();
	catch_up_clock();
	pcx = lookup_pcx(skb, info);
	if (IS_ERR(pcx)) {
		err = PTR_ERR(pcx);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		if ((sides & BIT(i)) && !may_admin(skb, pcx->side[i].owner)) {
			if (i == VPCPEER_REQUESTER)
				NL_SET_ERR_MSG_ATTR(info->extack, tb[side_attr[i]],
						    "only the requester VPC's owner sets the requester's options");
			else
				NL_SET_ERR_MSG_ATTR(info->extack, tb[side_attr[i]],
						    "only the accepter VPC's owner sets the accepter's options");
			err = -EPERM;
			goto out;
		}
	}
	err = vpcpeer_pcx_set_check(pcx, sides, info->extack);
	if (!err && !only_check(info)) {
		vpcpeer_pcx_set(pcx, sides, opts);
		err = reply_obj(skb, info, VPCPEER_CMD_PCX_SET, fill_pcx_obj, pcx);
	}
out:
	vpcpeer_write_unlock();
	return err;
}

/* --- region commands ------------------------------------------------------- */

static int parse_region_nest(struct genl_info *info, struct nlattr **tb)
{
	static const unsigned long replies = BIT(VPCPEER_A_REGION_STATE) |
		BIT(VPCPEER_A_REGION_UNDERLAY) | BIT(VPCPEER_A_REGION_UNDERLAY_IFNAME) |
		BIT(VPCPEER_A_REGION_INNER_MTU) | BIT(VPCPEER_A_REGION_PEER_NAME) |
		BIT(VPCPEER_A_REGION_PEER_EPOCH) | BIT(VPCPEER_A_REGION_LAST_RX_MS) |
		BIT(VPCPEER_A_REGION_PCX_COUNT) | BIT(VPCPEER_A_REGION_STATS);
	struct nlattr *nest = info->attrs[VPCPEER_A_REGION];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VPCPEER_A_REGION)) {
		NL_SET_ERR_MSG(info->extack, "the request has no region attribute");
		return -EINVAL;
	}
	err = refuse_reply_only(nest, replies, info->extack);
	if (err)
		return err;
	err = nla_parse_nested(tb, VPCPEER_A_REGION_MAX, nest,
			       vpcpeer_region_nl_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, VPCPEER_A_REGION_NAME)) {
		NL_SET_ERR_MSG(info->extack, "a region is named by its name");
		return -EINVAL;
	}
	return 0;
}

/* An underlay address: 4 bytes (IPv4) or 16 (IPv6). */
static int parse_addr(const struct nlattr *a, u8 *family,
		      union vpcpeer_inaddr *addr, struct netlink_ext_ack *extack)
{
	memset(addr, 0, sizeof(*addr));
	switch (nla_len(a)) {
	case 4:
		*family = AF_INET;
		addr->v4 = nla_get_in_addr(a);
		return 0;
	case 16:
		*family = AF_INET6;
		addr->v6 = nla_get_in6_addr(a);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, a, "an address is 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

/*
 * The region's link as the request leaves it: @flow holds the current
 * one (region-set) or zeroes (region-new); what the request gives
 * replaces it. Both addresses must end up of one family.
 */
static int parse_flow(struct nlattr **tb, struct nlattr *nest,
		      struct vpcpeer_flow *flow, struct netlink_ext_ack *extack)
{
	u8 rfam = flow->family, lfam = flow->family;
	int err;

	if (tb[VPCPEER_A_REGION_REMOTE_ADDR]) {
		err = parse_addr(tb[VPCPEER_A_REGION_REMOTE_ADDR], &rfam,
				 &flow->remote, extack);
		if (err)
			return err;
	}
	if (tb[VPCPEER_A_REGION_LOCAL_ADDR]) {
		err = parse_addr(tb[VPCPEER_A_REGION_LOCAL_ADDR], &lfam,
				 &flow->local, extack);
		if (err)
			return err;
	}
	if (!rfam || !lfam) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a region needs a remote address and a local address");
		return -EINVAL;
	}
	if (rfam != lfam) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "the remote and local addresses must be of one family");
		return -EINVAL;
	}
	flow->family = rfam;
	if (tb[VPCPEER_A_REGION_REMOTE_PORT])
		flow->rport = htons(nla_get_u16(tb[VPCPEER_A_REGION_REMOTE_PORT]));
	if (!flow->rport)
		flow->rport = htons(6081);
	return 0;
}

static int put_addr(struct sk_buff *skb, int type, u8 family,
		    const union vpcpeer_inaddr *a)
{
	if (family == AF_INET6)
		return nla_put_in6_addr(skb, type, &a->v6);
	return nla_put_in_addr(skb, type, a->v4);
}

static int fill_region_stats(struct sk_buff *skb, const struct vpcpeer_region *r)
{
	u64 c[VPCPEER_REGION_NSTATS];
	struct nlattr *nest;
	unsigned int i;

	vpcpeer_region_stats(r, c);
	nest = nla_nest_start(skb, VPCPEER_A_REGION_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < VPCPEER_REGION_NSTATS; i++)
		if (nla_put_u64_64bit(skb, VPCPEER_A_RSTATS_TX_PACKETS + i,
				      c[i], VPCPEER_A_RSTATS_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The region; only its name once it is gone (@gone). */
static int fill_region(struct sk_buff *skb, const struct vpcpeer_region *r,
		       bool gone, int old_state)
{
	const struct vpcpeer_flow *f = vpcpeer_region_flow(r);
	struct nlattr *nest;

	nest = nla_nest_start(skb, VPCPEER_A_REGION);
	if (!nest || nla_put_string(skb, VPCPEER_A_REGION_NAME, r->name))
		return -EMSGSIZE;
	if (gone)
		goto end;
	if (put_addr(skb, VPCPEER_A_REGION_REMOTE_ADDR, f->family, &f->remote) ||
	    nla_put_u16(skb, VPCPEER_A_REGION_REMOTE_PORT, ntohs(f->rport)) ||
	    put_addr(skb, VPCPEER_A_REGION_LOCAL_ADDR, f->family, &f->local) ||
	    nla_put_u8(skb, VPCPEER_A_REGION_STATE, r->state) ||
	    nla_put_u8(skb, VPCPEER_A_REGION_UNDERLAY, r->underlay) ||
	    nla_put_u32(skb, VPCPEER_A_REGION_PCX_COUNT, r->pcx_count))
		return -EMSGSIZE;
	if (r->underlay_ifname[0] &&
	    (nla_put_string(skb, VPCPEER_A_REGION_UNDERLAY_IFNAME, r->underlay_ifname) ||
	     nla_put_u32(skb, VPCPEER_A_REGION_INNER_MTU, r->inner_mtu)))
		return -EMSGSIZE;
	if (r->heard &&
	    (nla_put_string(skb, VPCPEER_A_REGION_PEER_NAME, r->peer_name) ||
	     nla_put_u64_64bit(skb, VPCPEER_A_REGION_PEER_EPOCH, r->peer_epoch,
			       VPCPEER_A_REGION_PAD) ||
	     nla_put_u32(skb, VPCPEER_A_REGION_LAST_RX_MS,
			 min_t(u64, jiffies_to_msecs(jiffies - r->last_rx), U32_MAX))))
		return -EMSGSIZE;
	if (fill_region_stats(skb, r))
		return -EMSGSIZE;
	if (old_state >= 0 && nla_put_u8(skb, VPCPEER_A_REGION_OLD_STATE, old_state))
		return -EMSGSIZE;
end:
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_region_obj(struct sk_buff *skb, const void *obj,
			   struct net *caller, const struct sk_buff *req)
{
	if (fill_region(skb, obj, false, -1) ||
	    nla_put_u64_64bit(skb, VPCPEER_A_RX_DROP_UNKNOWN_REGION,
			      vpcpeer_region_unknown_drops(), VPCPEER_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Regions are the host's: changed from its initial namespace only. */
static int region_write_ns(struct genl_info *info)
{
	if (net_eq(genl_info_net(info), &init_net))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "regions belong to the host: change them from its initial network namespace");
	return -EPERM;
}

static struct vpcpeer_region *lookup_region(struct nlattr **tb,
					    struct netlink_ext_ack *extack)
{
	struct vpcpeer_region *r;

	r = vpcpeer_region_find(nla_data(tb[VPCPEER_A_REGION_NAME]));
	if (!r) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VPCPEER_A_REGION_NAME], "no such region");
		return ERR_PTR(-ENOENT);
	}
	return r;
}

int vpcpeer_nl_region_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_REGION_MAX + 1];
	struct vpcpeer_flow flow = {};
	struct vpcpeer_region *r;
	const char *name;
	int err;

	err = region_write_ns(info) ?: parse_region_nest(info, tb);
	if (err)
		return err;
	err = parse_flow(tb, info->attrs[VPCPEER_A_REGION], &flow, info->extack);
	if (err)
		return err;
	name = nla_data(tb[VPCPEER_A_REGION_NAME]);
	vpcpeer_write_lock();
	catch_up_clock();
	err = vpcpeer_region_new_check(name, &flow, info->extack);
	if (!err && only_check(info))
		goto out;
	if (!err)
		err = vpcpeer_region_new(name, &flow, &r);
	if (!err)
		err = reply_obj(skb, info, VPCPEER_CMD_REGION_NEW, fill_region_obj, r);
out:
	vpcpeer_write_unlock();
	return err;
}

int vpcpeer_nl_region_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_REGION_MAX + 1];
	struct vpcpeer_flow flow;
	struct vpcpeer_region *r;
	int err;

	err = region_write_ns(info) ?: parse_region_nest(info, tb);
	if (err)
		return err;
	if (!tb[VPCPEER_A_REGION_REMOTE_ADDR] && !tb[VPCPEER_A_REGION_LOCAL_ADDR] &&
	    !tb[VPCPEER_A_REGION_REMOTE_PORT]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change: give a remote address, port or local address");
		return -EINVAL;
	}
	vpcpeer_write_lock();
	catch_up_clock();
	r = lookup_region(tb, info->extack);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	flow = *vpcpeer_region_flow(r);
	err = parse_flow(tb, info->attrs[VPCPEER_A_REGION], &flow, info->extack) ?:
	      vpcpeer_region_set_check(r, &flow, info->extack);
	if (err || only_check(info))
		goto out;
	err = vpcpeer_region_set(r, &flow);
	if (!err)
		err = reply_obj(skb, info, VPCPEER_CMD_REGION_SET, fill_region_obj, r);
out:
	vpcpeer_write_unlock();
	return err;
}

int vpcpeer_nl_region_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_REGION_MAX + 1];
	struct vpcpeer_region *r;
	int err;

	err = region_write_ns(info) ?: parse_region_nest(info, tb);
	if (err)
		return err;
	vpcpeer_write_lock();
	catch_up_clock();
	r = lookup_region(tb, info->extack);
	err = IS_ERR(r) ? PTR_ERR(r) :
			  vpcpeer_pcx_region_del_check(r, info->extack) ?:
			  vpcpeer_region_del_check(r, info->extack);
	if (!err && !only_check(info)) {
		vpcpeer_pcx_region_del(r);
		vpcpeer_region_del(r);
	}
	vpcpeer_write_unlock();
	return err;
}

/*
 * A VPC's owner names regions in its requests, so whoever administers
 * its own network namespace may read them (the schema's flags cannot say
 * so: GENL_UNS_ADMIN_PERM, checked here).
 */
static bool may_read_regions(const struct sk_buff *skb)
{
	return netlink_ns_capable(skb, sock_net(skb->sk)->user_ns, CAP_NET_ADMIN);
}

int vpcpeer_nl_region_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VPCPEER_A_REGION_MAX + 1];
	struct vpcpeer_region *r;
	int err;

	if (!may_read_regions(skb)) {
		NL_SET_ERR_MSG(info->extack,
			       "reading regions takes CAP_NET_ADMIN over the caller's network namespace");
		return -EPERM;
	}
	err = parse_region_nest(info, tb);
	if (err)
		return err;
	mutex_lock(&vpcpeer_lock);
	r = lookup_region(tb, info->extack);
	err = IS_ERR(r) ? PTR_ERR(r) :
	      reply_obj(skb, info, VPCPEER_CMD_REGION_GET, fill_region_obj, r);
	mutex_unlock(&vpcpeer_lock);
	return err;
}

static bool region_visible(const struct sk_buff *skb, const void *obj)
{
	return true;
}

static void *region_next(unsigned long *index)
{
	return vpcpeer_region_next(index);
}

int vpcpeer_nl_region_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	static const struct dump_ops ops = {
		.cmd = VPCPEER_CMD_REGION_GET,
		.next = region_next,
		.visible = region_visible,
		.fill = fill_region_obj,
	};

	if (!may_read_regions(cb->skb)) {
		NL_SET_ERR_MSG(cb->extack,
			       "reading regions takes CAP_NET_ADMIN over the caller's network namespace");
		return -EPERM;
	}
	return vpcpeer_dump(skb, cb, &ops);
}

/* --- events ------------------------------------------------------------ */

/*
 * A listener bound to the events group has CAP_NET_ADMIN over its
 * namespace's owner (GENL_MCAST_CAP_NET_ADMIN): it hears of the VPCs in
 * its namespace and the peerings they are party to, as "ip -n NS monitor"
 * hears of that namespace. The initial namespace's listeners, whose owner
 * administers everything, hear everything.
 */
static bool net_hears(const struct net *net, u64 cookie)
{
	return net_eq(net, &init_net) || net->net_cookie == cookie;
}

static void notify_one(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vpcpeer_nl_family, net, msg, 0, 0,
				GFP_ATOMIC);
}

static struct sk_buff *notify_new(u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &vpcpeer_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void vpcpeer_notify_vpc(u8 cmd, const struct vpcpeer_vpc *vpc,
			const struct vpcpeer_cidr *c)
{
	struct vpc_change change = { .vpc = vpc, .c = c };
	struct sk_buff *msg;
	struct net *net;
	void *hdr;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	if (!events_on)
		return;
	rcu_read_lock();
	for_each_net_rcu(net) {
		if (!genl_has_listeners(&vpcpeer_nl_family, net, 0) ||
		    !net_hears(net, vpcpeer_vpc_net(vpc)->net_cookie))
			continue;
		msg = notify_new(cmd, &hdr);
		if (!msg)
			continue;
		if (cmd == VPCPEER_CMD_VPC_NEW_NTF)
			err = fill_vpc(msg, vpc, net, true);
		else
			err = fill_vpc_change(msg, &change, net, NULL);
		if (err) {
			nlmsg_free(msg);
			continue;
		}
		notify_one(net, msg, hdr);
	}
	rcu_read_unlock();
}

void vpcpeer_notify_pcx(u8 cmd, const struct vpcpeer_pcx *pcx, int old_state,
			unsigned int hear, unsigned int deaf)
{
	unsigned int seen;
	struct sk_buff *msg;
	struct net *net;
	void *hdr;
	int i;

	lockdep_assert_held(&vpcpeer_lock);
	if (!events_on)
		return;
	rcu_read_lock();
	for_each_net_rcu(net) {
		if (!genl_has_listeners(&vpcpeer_nl_family, net, 0))
			continue;
		seen = 0;
		for (i = 0; i < 2; i++) {
			if (!net_hears(net, pcx->side[i].net_cookie))
				continue;
			if (deaf & BIT(i))
				break;
			if (hear & BIT(i))
				seen |= BIT(i);
		}
		if (i < 2 || !seen)
			continue;
		msg = notify_new(cmd, &hdr);
		if (!msg)
			continue;
		if (fill_pcx(msg, pcx, seen, old_state)) {
			nlmsg_free(msg);
			continue;
		}
		notify_one(net, msg, hdr);
	}
	rcu_read_unlock();
}

void vpcpeer_notify_region(u8 cmd, const struct vpcpeer_region *r, bool gone,
			   int old_state)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&vpcpeer_lock);
	if (!events_on || !genl_has_listeners(&vpcpeer_nl_family, &init_net, 0))
		return;
	msg = notify_new(cmd, &hdr);
	if (!msg)
		return;
	if (fill_region(msg, r, gone, old_state)) {
		nlmsg_free(msg);
		return;
	}
	notify_one(&init_net, msg, hdr);
}

/*
 * Binding to the events group takes CAP_NET_ADMIN over the listener's
 * network namespace. The generator of 6.12 renders no flags for a group,
 * so the generated family is given this table, the same group with the
 * flag, before it is registered.
 */
static const struct genl_multicast_group vpcpeer_mcgrps[] = {
	[VPCPEER_NLGRP_EVENTS] = {
		.name = VPCPEER_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

int __init vpcpeer_genl_init(void)
{
	int err;

	vpcpeer_nl_family.mcgrps = vpcpeer_mcgrps;
	vpcpeer_nl_family.n_mcgrps = ARRAY_SIZE(vpcpeer_mcgrps);
	vpcpeer_genl_family_compat(&vpcpeer_nl_family);
	err = genl_register_family(&vpcpeer_nl_family);
	if (!err) {
		mutex_lock(&vpcpeer_lock);
		events_on = true;
		mutex_unlock(&vpcpeer_lock);
	}
	return err;
}

void vpcpeer_genl_exit(void)
{
	mutex_lock(&vpcpeer_lock);
	events_on = false;
	mutex_unlock(&vpcpeer_lock);
	genl_unregister_family(&vpcpeer_nl_family);
}

MODULE_ALIAS_GENL_FAMILY(VPCPEER_FAMILY_NAME);

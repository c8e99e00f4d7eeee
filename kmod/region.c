// SPDX-License-Identifier: GPL-2.0
/*
 * Regions: the links to the vpcpeer modules of other hosts, and the one
 * rule that makes them safe to use: nothing leaves unless the route to
 * the remote address is encrypted by WireGuard or IPsec, and nothing is
 * taken unless it arrived decrypted by one of them. The module never
 * encrypts; it verifies. A route counts as encrypted when it goes through
 * a running WireGuard device (whose cryptokey routing pins the remote
 * address to the remote host's key), an xfrm interface (which drops what
 * no SA covers), or is an xfrm bundle with an ESP SA that really encrypts
 * (not cipher_null, not GMAC). The route is verified when a region is
 * added or changed and at every keepalive; whatever fails makes the
 * region "unencrypted", which sends nothing.
 *
 * The remote module says it is alive with a HELLO (its region name and
 * epoch) at every keepalive; a region heard within region_dead_ms is up,
 * one heard before but not since is down. Control messages go from the
 * socket's receive callback to a bounded queue and one ordered work item
 * (WireGuard's handshake queue), which runs them under vpcpeer_lock.
 */

#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/random.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>

#include "device.h"
#include "netlink.h"
#include "peering.h"
#include "region.h"
#include "xproto.h"

static char region_name[VPCPEER_REGION_NAME_MAX];
module_param_string(region_name, region_name, sizeof(region_name), 0444);
MODULE_PARM_DESC(region_name,
		 "this host's region name, told to other regions (default: the host name, if it is a valid region name)");

static unsigned int region_keepalive_ms = 10000;
VPCPEER_UINT_RANGE_OPS(keepalive_ops, 100, 3600000);
module_param_cb(region_keepalive_ms, &keepalive_ops, &region_keepalive_ms, 0644);
MODULE_PARM_DESC(region_keepalive_ms,
		 "interval of the HELLOs to every region and of the route checks (ms, default 10000)");

static unsigned int region_dead_ms = 30000;
VPCPEER_UINT_RANGE_OPS(dead_ops, 300, 36000000);
module_param_cb(region_dead_ms, &dead_ops, &region_dead_ms, 0644);
MODULE_PARM_DESC(region_dead_ms,
		 "a region not heard for this long is down (ms, default 30000)");

/* Control messages waiting for the work, per region. */
#define CTL_QUEUE_MAX	64

/* This module load's epoch: a new one tells the other regions we restarted. */
static u64 vpcpeer_epoch;
static LIST_HEAD(regions);
static u64 next_region_id = 1;
static atomic64_t unknown_region_drops = ATOMIC64_INIT(0);
static struct workqueue_struct *region_wq;
static struct sk_buff_head ctl_queue;
static struct work_struct ctl_work;
static struct delayed_work keepalive_work;
static bool running;		/* under vpcpeer_lock: the keepalive rearms */

struct ctl_cb {
	u64 region_id;
};

static struct ctl_cb *ctl_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct ctl_cb) > sizeof(skb->cb));
	return (struct ctl_cb *)skb->cb;
}

void vpcpeer_region_count(struct vpcpeer_region *r, unsigned int stat, u64 n)
{
	struct vpcpeer_region_pcpu *p = get_cpu_ptr(r->stats);

	u64_stats_update_begin(&p->syncp);
	p->c[stat] += n;
	u64_stats_update_end(&p->syncp);
	put_cpu_ptr(p);
}

void vpcpeer_region_stats(const struct vpcpeer_region *r,
			  u64 out[VPCPEER_REGION_NSTATS])
{
	unsigned int start, i;
	int cpu;

	memset(out, 0, sizeof(u64) * VPCPEER_REGION_NSTATS);
	for_each_possible_cpu(cpu) {
		const struct vpcpeer_region_pcpu *p = per_cpu_ptr(r->stats, cpu);
		u64 c[VPCPEER_REGION_NSTATS];

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			memcpy(c, p->c, sizeof(c));
		} while (u64_stats_fetch_retry(&p->syncp, start));
		for (i = 0; i < VPCPEER_REGION_NSTATS; i++)
			out[i] += c[i];
	}
}

u64 vpcpeer_region_unknown_drops(void)
{
	return atomic64_read(&unknown_region_drops);
}

const struct vpcpeer_flow *vpcpeer_region_flow(const struct vpcpeer_region *r)
{
	return &rcu_dereference_protected(r->link,
					  lockdep_is_held(&vpcpeer_lock))->flow;
}

struct vpcpeer_region *vpcpeer_region_find(const char *name)
{
	struct vpcpeer_region *r;

	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry(r, &regions, node)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

struct vpcpeer_region *vpcpeer_region_next(unsigned long *index)
{
	struct vpcpeer_region *r;
	unsigned long i = 0;

	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry(r, &regions, node) {
		if (i++ >= *index) {
			*index = i - 1;
			return r;
		}
	}
	return NULL;
}

bool vpcpeer_region_name_valid(const char *name)
{
	size_t n = strnlen(name, VPCPEER_REGION_NAME_MAX);

	return n < VPCPEER_REGION_NAME_MAX && vpcpeer_name_chars_valid(name, n);
}

static bool addr_equal(u8 family, const union vpcpeer_inaddr *a,
		       const union vpcpeer_inaddr *b)
{
	if (family == AF_INET6)
		return ipv6_addr_equal(&a->v6, &b->v6);
	return a->v4 == b->v4;
}

/* A unicast address a host can have: not any, loopback, multicast... */
static bool addr_usable(u8 family, const union vpcpeer_inaddr *a)
{
	if (family == AF_INET6) {
		int t = ipv6_addr_type(&a->v6);

		return !(t & (IPV6_ADDR_ANY | IPV6_ADDR_LOOPBACK |
			      IPV6_ADDR_MULTICAST | IPV6_ADDR_MAPPED));
	}
	return !ipv4_is_zeronet(a->v4) && !ipv4_is_loopback(a->v4) &&
	       !ipv4_is_multicast(a->v4) && !ipv4_is_lbcast(a->v4);
}

/* @self: the region being changed, which may keep its own address. */
static int flow_check(const struct vpcpeer_region *self,
		      const struct vpcpeer_flow *flow,
		      struct netlink_ext_ack *extack)
{
	struct vpcpeer_region *r;

	if (!addr_usable(flow->family, &flow->remote)) {
		NL_SET_ERR_MSG(extack, "the remote address must be a unicast address");
		return -EINVAL;
	}
	if (!addr_usable(flow->family, &flow->local)) {
		NL_SET_ERR_MSG(extack, "the local address must be a unicast address");
		return -EINVAL;
	}
	if (addr_equal(flow->family, &flow->remote, &flow->local)) {
		NL_SET_ERR_MSG(extack, "the remote and local addresses are the same");
		return -EINVAL;
	}
	if (!flow->rport) {
		NL_SET_ERR_MSG(extack, "the remote port must not be 0");
		return -EINVAL;
	}
	list_for_each_entry(r, &regions, node) {
		const struct vpcpeer_flow *f = vpcpeer_region_flow(r);

		if (r != self && f->family == flow->family &&
		    addr_equal(f->family, &f->remote, &flow->remote)) {
			NL_SET_ERR_MSG(extack,
				       "another region has that remote address: packets from it would be whose?");
			return -EEXIST;
		}
	}
	return 0;
}

int vpcpeer_region_new_check(const char *name, const struct vpcpeer_flow *flow,
			     struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vpcpeer_lock);
	if (!vpcpeer_region_name_valid(name)) {
		NL_SET_ERR_MSG(extack,
			       "a region name is 1 to 15 characters of [A-Za-z0-9._-], starting with a letter or digit");
		return -EINVAL;
	}
	if (vpcpeer_region_find(name)) {
		NL_SET_ERR_MSG(extack, "a region of that name exists");
		return -EEXIST;
	}
	return flow_check(NULL, flow, extack);
}

static bool kind_is(const struct net_device *dev, const char *kind)
{
	return dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, kind);
}

#ifdef CONFIG_XFRM
/*
 * An SA whose packets an eavesdropper cannot read: ESP with a cipher.
 * cipher_null and GMAC (rfc4543, AEAD without encryption) authenticate
 * only.
 */
static bool xfrm_encrypts(const struct xfrm_state *x)
{
	if (x->id.proto != IPPROTO_ESP)
		return false;
	if (x->aead)
		return strncmp(x->aead->alg_name, "rfc4543", 7) != 0;
	return x->ealg && x->ealg->alg_key_len &&
	       strcmp(x->ealg->alg_name, "ecb(cipher_null)") != 0;
}

/*
 * An xfrm interface sends only what a policy and SA of its if_id take
 * (the rest it drops), and cannot tell an SA that encrypts from one that
 * only authenticates: look the bundle up as its xmit will, for @flow's
 * packets, and judge every SA of it.
 */
static bool xfrmi_encrypts(struct dst_entry *dst, const struct vpcpeer_flow *flow)
{
	const struct xfrm_if *xi = netdev_priv(dst->dev);
	struct dst_entry *b, *d;
	struct flowi fl;
	bool ok;

	/* Its if_id comes with each packet's metadata, which ours have not. */
	if (xi->p.collect_md)
		return false;
	vpcpeer_tunnel_flowi(flow, dst->dev->ifindex, &fl);
	dst_hold(dst);
	b = xfrm_lookup_with_ifid(dev_net(dst->dev), dst, &fl, NULL, 0, xi->p.if_id);
	if (IS_ERR(b))
		return false;
	ok = b->xfrm;
	for (d = b; d && d->xfrm; d = xfrm_dst_child(d))
		ok &= xfrm_encrypts(d->xfrm) && d->xfrm->if_id == xi->p.if_id;
	dst_release(b);
	return ok;
}
#endif

/* What encrypts @dst, for @flow, and the device it leaves through. */
static u8 classify(struct dst_entry *dst, const struct vpcpeer_flow *flow,
		   struct net_device **dev)
{
	*dev = dst->dev;
#ifdef CONFIG_XFRM
	if (dst->xfrm) {
		struct dst_entry *d;

		for (d = dst; d && d->xfrm; d = xfrm_dst_child(d))
			if (xfrm_encrypts(d->xfrm)) {
				*dev = xfrm_dst_path(dst)->dev;
				return VPCPEER_UNDERLAY_IPSEC;
			}
		return VPCPEER_UNDERLAY_NONE;
	}
#endif
	if (kind_is(dst->dev, "wireguard"))
		return netif_running(dst->dev) ? VPCPEER_UNDERLAY_WIREGUARD :
						 VPCPEER_UNDERLAY_NONE;
#ifdef CONFIG_XFRM
	if (kind_is(dst->dev, "xfrm"))
		return xfrmi_encrypts(dst, flow) ? VPCPEER_UNDERLAY_XFRM_INTERFACE :
						  VPCPEER_UNDERLAY_NONE;
#endif
	return VPCPEER_UNDERLAY_NONE;
}

static u8 heard_state(const struct vpcpeer_region *r)
{
	if (!r->heard)
		return VPCPEER_REGION_STATE_CONNECTING;
	if (time_after(jiffies, r->last_rx + msecs_to_jiffies(READ_ONCE(region_dead_ms))))
		return VPCPEER_REGION_STATE_DOWN;
	return VPCPEER_REGION_STATE_UP;
}

/*
 * Look the route up and judge it: the encrypted route (the caller's
 * reference) or an ERR_PTR, the region's state and underlay updated.
 */
static struct dst_entry *region_verify(struct vpcpeer_region *r)
{
	const struct vpcpeer_flow *flow = vpcpeer_region_flow(r);
	struct net_device *dev = NULL;
	struct dst_entry *dst;
	u8 underlay = VPCPEER_UNDERLAY_NONE;

	dst = vpcpeer_tunnel_route(flow);
	if (!IS_ERR(dst)) {
		underlay = classify(dst, flow, &dev);
		if (underlay == VPCPEER_UNDERLAY_NONE) {
			dst_release(dst);
			dst = ERR_PTR(-EPERM);
		}
	}
	r->underlay = underlay;
	WRITE_ONCE(r->tx_ok, !IS_ERR(dst));
	if (IS_ERR(dst)) {
		WRITE_ONCE(r->underlay_ifindex, 0);
		r->underlay_ifname[0] = '\0';
		r->inner_mtu = 0;
		r->state = VPCPEER_REGION_STATE_UNENCRYPTED;
		return dst;
	}
	WRITE_ONCE(r->underlay_ifindex, dev->ifindex);
	strscpy(r->underlay_ifname, dev->name, sizeof(r->underlay_ifname));
	r->inner_mtu = dst_mtu(dst) - (flow->family == AF_INET6 ?
				       VPCPEER_TUNNEL_OVERHEAD6 :
				       VPCPEER_TUNNEL_OVERHEAD4);
	r->state = heard_state(r);
	return dst;
}

/* Send @m along @dst (whose reference it takes). */
static void region_send(struct vpcpeer_region *r, struct dst_entry *dst,
			const struct vpcpeer_xmsg *m)
{
	const struct vpcpeer_flow *flow = vpcpeer_region_flow(r);
	unsigned int head = LL_MAX_HEADER + VPCPEER_TUNNEL_OVERHEAD6;
	struct sk_buff *skb;
	int len;

	skb = alloc_skb(head + VPCPEER_XP_MAX_LEN, GFP_KERNEL);
	if (!skb)
		goto err_dst;
	skb_reserve(skb, head);
	len = vpcpeer_xmsg_encode(m, skb->data, VPCPEER_XP_MAX_LEN);
	if (WARN_ON_ONCE(len < 0)) {
		kfree_skb(skb);
		goto err_dst;
	}
	skb_put(skb, len);
	vpcpeer_geneve_build(skb_push(skb, VPCPEER_GENEVE_HLEN), true,
			     VPCPEER_GENEVE_P_CTL, 0);
	if (!vpcpeer_tunnel_xmit(flow, dst, skb))
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_TX), 1);
	return;

err_dst:
	dst_release(dst);
}

/*
 * The route for what @r sends, from the link's cache or verified anew: an
 * encrypted route (the caller's reference) or an ERR_PTR. Any context
 * with BHs disabled (the cache is per CPU).
 */
static struct dst_entry *region_tx_route(struct vpcpeer_region *r,
					 struct vpcpeer_region_link *link)
{
	const struct vpcpeer_flow *flow = &link->flow;
	struct net_device *dev;
	struct dst_entry *dst;
	__be32 saddr;

	/* Verification found the route unencrypted: nothing leaves. */
	if (!READ_ONCE(r->tx_ok))
		return ERR_PTR(-EPERM);
	if (flow->family == AF_INET6) {
		dst = dst_cache_get(&link->dst_cache);
	} else {
		struct rtable *rt = dst_cache_get_ip4(&link->dst_cache, &saddr);

		dst = rt ? &rt->dst : NULL;
	}
	if (dst)
		return dst;
	/* A route or policy changed since: judge the new route as a whole. */
	dst = vpcpeer_tunnel_route(flow);
	if (IS_ERR(dst))
		return dst;
	if (classify(dst, flow, &dev) == VPCPEER_UNDERLAY_NONE) {
		dst_release(dst);
		return ERR_PTR(-EPERM);
	}
	if (flow->family == AF_INET6)
		dst_cache_set_ip6(&link->dst_cache, dst, &flow->local.v6);
	else
		dst_cache_set_ip4(&link->dst_cache, dst, flow->local.v4);
	return dst;
}

int vpcpeer_region_xmit(struct vpcpeer_region *r, u32 vni, struct sk_buff *skb)
{
	struct vpcpeer_region_link *link = rcu_dereference_bh(r->link);
	const struct vpcpeer_flow *flow = &link->flow;
	unsigned int overhead = flow->family == AF_INET6 ?
				VPCPEER_TUNNEL_OVERHEAD6 : VPCPEER_TUNNEL_OVERHEAD4;
	unsigned int len = skb->len;
	__be16 proto = skb->protocol;
	struct dst_entry *dst;
	int err;

	dst = region_tx_route(r, link);
	if (IS_ERR(dst)) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(TX_DROP_NOT_ENCRYPTED), 1);
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	skb_scrub_packet(skb, true);
	err = skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			   overhead);
	if (!err)
		err = udp_tunnel_handle_offloads(skb, true);
	if (err) {
		dst_release(dst);
		kfree_skb(skb);
		return err;
	}
	skb_set_inner_protocol(skb, proto);
	vpcpeer_geneve_build(__skb_push(skb, VPCPEER_GENEVE_HLEN), false,
			     ntohs(proto), vni);
	/* AWS delivers 8500 bytes whatever the underlay: the host fragments. */
	if (!skb_is_gso(skb) && len + overhead > dst_mtu(dst))
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(TX_OUTER_FRAGMENTED), 1);
	err = vpcpeer_tunnel_xmit(flow, dst, skb);
	if (!err) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(TX_PACKETS), 1);
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(TX_BYTES), len);
	}
	return err;
}

u64 vpcpeer_region_epoch(void)
{
	return vpcpeer_epoch;
}

int vpcpeer_region_send(struct vpcpeer_region *r, const struct vpcpeer_xmsg *m)
{
	struct vpcpeer_region_link *link;
	struct dst_entry *dst;

	lockdep_assert_held(&vpcpeer_lock);
	link = rcu_dereference_protected(r->link, lockdep_is_held(&vpcpeer_lock));
	local_bh_disable();
	dst = region_tx_route(r, link);
	local_bh_enable();
	if (IS_ERR(dst)) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(TX_DROP_NOT_ENCRYPTED), 1);
		return PTR_ERR(dst);
	}
	region_send(r, dst, m);
	return 0;
}

/* One message, no bigger than a HELLO, built under vpcpeer_lock. */
static struct vpcpeer_xmsg hello_msg;

static void region_hello(struct vpcpeer_region *r, struct dst_entry *dst)
{
	struct vpcpeer_xmsg *m = &hello_msg;

	lockdep_assert_held(&vpcpeer_lock);
	memset(m, 0, sizeof(*m));
	m->type = VPCPEER_XP_HELLO;
	m->seq = ++r->hello_seq;
	m->epoch = vpcpeer_epoch;
	m->present = BIT(VPCPEER_XT_NAME) | BIT(VPCPEER_XT_INNER_MTU) |
		     BIT(VPCPEER_XT_FEATURES);
	strscpy(m->name, region_name, sizeof(m->name));
	m->inner_mtu = min_t(u32, r->inner_mtu, U16_MAX);
	region_send(r, dst, m);
}

/* Whom region_refresh() tells. */
enum refresh_tell {
	TELL_CHANGES,	/* the listeners, when the state or underlay changed */
	TELL_ALWAYS,	/* them in any case: the addresses changed */
	TELL_NEW,	/* them in any case, with no old state: a new region */
};

/*
 * Verify the route again, say HELLO along it if asked to, and tell the
 * listeners what @tell says, with the state left when it changed.
 */
static void region_refresh(struct vpcpeer_region *r, bool hello,
			   enum refresh_tell tell)
{
	u8 state = r->state, underlay = r->underlay;
	struct dst_entry *dst;

	dst = region_verify(r);
	if (IS_ERR(dst))
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(TX_DROP_NOT_ENCRYPTED),
				     hello);
	else if (hello)
		region_hello(r, dst);
	else
		dst_release(dst);
	if (tell != TELL_CHANGES || state != r->state || underlay != r->underlay)
		vpcpeer_notify_region(VPCPEER_CMD_REGION_STATE_NTF, r, false,
				      tell != TELL_NEW && state != r->state ?
				      state : -1);
}

static void link_free(struct rcu_head *head)
{
	struct vpcpeer_region_link *link =
		container_of(head, struct vpcpeer_region_link, rcu);

	dst_cache_destroy(&link->dst_cache);
	kfree(link);
}

static struct vpcpeer_region_link *link_new(const struct vpcpeer_flow *flow)
{
	struct vpcpeer_region_link *link = kzalloc(sizeof(*link), GFP_KERNEL);

	if (!link)
		return NULL;
	if (dst_cache_init(&link->dst_cache, GFP_KERNEL)) {
		kfree(link);
		return NULL;
	}
	link->flow = *flow;
	return link;
}

static void region_free(struct rcu_head *head)
{
	struct vpcpeer_region *r = container_of(head, struct vpcpeer_region, rcu);
	struct vpcpeer_region_link *link = rcu_dereference_protected(r->link, 1);

	dst_cache_destroy(&link->dst_cache);
	kfree(link);
	free_percpu(r->stats);
	kfree(r);
}

static int region_rcv(struct sock *sk, struct sk_buff *skb);

int vpcpeer_region_new(const char *name, const struct vpcpeer_flow *flow,
		       struct vpcpeer_region **out)
{
	struct vpcpeer_region_link *link;
	struct vpcpeer_region *r;
	int err = -ENOMEM;

	lockdep_assert_held(&vpcpeer_lock);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->stats = netdev_alloc_pcpu_stats(struct vpcpeer_region_pcpu);
	if (!r->stats)
		goto err_region;
	link = link_new(flow);
	if (!link)
		goto err_stats;
	RCU_INIT_POINTER(r->link, link);
	err = vpcpeer_tunnel_get(flow->family, region_rcv);
	if (err)
		goto err_link;
	strscpy(r->name, name, sizeof(r->name));
	r->id = next_region_id++;
	list_add_tail_rcu(&r->node, &regions);
	vpcpeer_generation++;
	region_refresh(r, true, TELL_NEW);
	*out = r;
	return 0;

err_link:
	link_free(&link->rcu);
err_stats:
	free_percpu(r->stats);
err_region:
	kfree(r);
	return err;
}

int vpcpeer_region_set_check(const struct vpcpeer_region *r,
			     const struct vpcpeer_flow *flow,
			     struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vpcpeer_lock);
	return flow_check(r, flow, extack);
}

int vpcpeer_region_set(struct vpcpeer_region *r, const struct vpcpeer_flow *flow)
{
	struct vpcpeer_region_link *link, *old;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	old = rcu_dereference_protected(r->link, lockdep_is_held(&vpcpeer_lock));
	link = link_new(flow);
	if (!link)
		return -ENOMEM;
	if (flow->family != old->flow.family) {
		err = vpcpeer_tunnel_get(flow->family, region_rcv);
		if (err) {
			link_free(&link->rcu);
			return err;
		}
		vpcpeer_tunnel_put(old->flow.family);
	}
	rcu_assign_pointer(r->link, link);
	call_rcu(&old->rcu, link_free);
	vpcpeer_generation++;
	region_refresh(r, true, TELL_ALWAYS);
	return 0;
}

int vpcpeer_region_del_check(const struct vpcpeer_region *r,
			     struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vpcpeer_lock);
	/* Whether its peerings allow it is peering.c's to say. */
	return 0;
}

void vpcpeer_region_del(struct vpcpeer_region *r)
{
	lockdep_assert_held(&vpcpeer_lock);
	/* vpcpeer_pcx_region_del() let go of it: no peering points here. */
	WARN_ON(r->pcx_count);
	list_del_rcu(&r->node);
	vpcpeer_generation++;
	vpcpeer_notify_region(VPCPEER_CMD_REGION_STATE_NTF, r, true, -1);
	vpcpeer_tunnel_put(vpcpeer_region_flow(r)->family);
	call_rcu(&r->rcu, region_free);
}

/* --- receive --------------------------------------------------------------- */

static struct vpcpeer_region *region_by_addr(u8 family,
					     const union vpcpeer_inaddr *a)
{
	struct vpcpeer_region *r;

	list_for_each_entry_rcu(r, &regions, node) {
		const struct vpcpeer_flow *f = &rcu_dereference(r->link)->flow;

		if (f->family == family && addr_equal(family, &f->remote, a))
			return r;
	}
	return NULL;
}

/*
 * Did @skb, from @r's address, arrive decrypted? Through a WireGuard
 * device (which drops a packet whose inner source is not its sending
 * peer's), or with a secpath whose last SA encrypts and is the region's:
 * in transport mode its source is the region's address, in tunnel mode
 * its selector pins the inner source to it. Anything else: no.
 */
static bool rx_encrypted(const struct vpcpeer_region *r, const struct sk_buff *skb,
			 u8 family, const union vpcpeer_inaddr *src)
{
	const struct net_device *dev;
#ifdef CONFIG_XFRM
	const struct sec_path *sp = skb_sec_path(skb);

	if (sp && sp->len) {
		const struct xfrm_state *x = sp->xvec[sp->len - 1];
		const xfrm_address_t *a = (const xfrm_address_t *)src;

		if (!xfrm_encrypts(x))
			return false;
		if (x->props.mode == XFRM_MODE_TRANSPORT)
			return xfrm_addr_equal(&x->props.saddr, a, family);
		return x->sel.family == family &&
		       x->sel.prefixlen_s == (family == AF_INET6 ? 128 : 32) &&
		       xfrm_addr_equal(&x->sel.saddr, a, family);
	}
#endif
	dev = dev_get_by_index_rcu(&init_net, skb->skb_iif);
	return dev && kind_is(dev, "wireguard");
}

static int region_rcv(struct sock *sk, struct sk_buff *skb)
{
	unsigned int hlen = sizeof(struct udphdr) + VPCPEER_GENEVE_HLEN;
	u8 family = sk->sk_family;
	union vpcpeer_inaddr src = {};
	struct vpcpeer_region *r;
	struct vpcpeer_geneve g;

	if (family == AF_INET6)
		src.v6 = ipv6_hdr(skb)->saddr;
	else
		src.v4 = ip_hdr(skb)->saddr;
	r = region_by_addr(family, &src);
	if (!r) {
		atomic64_inc(&unknown_region_drops);
		goto drop;
	}
	if (!rx_encrypted(r, skb, family, &src)) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_DROP_NOT_ENCRYPTED), 1);
		goto drop;
	}
	/* The options' length is in the first byte of the GENEVE header. */
	if (!pskb_may_pull(skb, hlen) ||
	    !pskb_may_pull(skb, hlen + (skb->data[sizeof(struct udphdr)] & 0x3f) * 4) ||
	    vpcpeer_geneve_parse(skb->data + sizeof(struct udphdr),
				 skb_headlen(skb) - sizeof(struct udphdr), &g)) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_DROP_BAD_HEADER), 1);
		goto drop;
	}
	if (!g.ctl) {
		unsigned int len;
		int err;

		hlen = sizeof(struct udphdr) + g.hdrlen;
		if (!pskb_may_pull(skb, hlen + 1) ||
		    !vpcpeer_geneve_inner_ok(g.proto, skb->data[hlen]) ||
		    iptunnel_pull_header(skb, hlen, htons(g.proto), true)) {
			vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_DROP_BAD_HEADER), 1);
			goto drop;
		}
		len = skb->len;
		err = vpcpeer_dev_tunnel_rx(r, g.vni, skb);
		if (!err) {
			vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_PACKETS), 1);
			vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_BYTES), len);
		} else if (err == -ENOENT) {
			vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_DROP_UNKNOWN_PCX), 1);
		} else if (err == -EXDEV) {
			vpcpeer_region_count(r, VPCPEER_REGION_STAT(RX_DROP_WRONG_REGION), 1);
		}
		return 0;
	}
	if (atomic_inc_return(&r->ctl_queued) > CTL_QUEUE_MAX) {
		atomic_dec(&r->ctl_queued);
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_DROP_QUEUE_FULL), 1);
		goto drop;
	}
	__skb_pull(skb, sizeof(struct udphdr) + g.hdrlen);
	ctl_cb(skb)->region_id = r->id;
	skb_queue_tail(&ctl_queue, skb);
	queue_work(region_wq, &ctl_work);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

/* --- control messages ------------------------------------------------------- */

static void hello_rcv(struct vpcpeer_region *r, const struct vpcpeer_xmsg *m)
{
	bool news = !r->heard || r->peer_epoch != m->epoch;

	if (r->heard && r->peer_epoch != m->epoch) {
		pr_info("region %s restarted (new epoch)\n", r->name);
		/* It lost its VPCs: the peerings with them are over. */
		vpcpeer_pcx_region_restarted(r);
	}
	r->heard = true;
	r->peer_epoch = m->epoch;
	r->last_rx = jiffies;
	strscpy(r->peer_name, m->name, sizeof(r->peer_name));
	/* Answer at once the first time, so both come up in one round trip. */
	region_refresh(r, news, TELL_CHANGES);
}

/* Under vpcpeer_lock, as the ordered work runs: one at a time. */
static u8 ctl_buf[VPCPEER_XP_MAX_LEN];
static struct vpcpeer_xmsg ctl_msg;

static void ctl_rcv(struct vpcpeer_region *r, struct sk_buff *skb)
{
	struct vpcpeer_xmsg *m = &ctl_msg;
	enum vpcpeer_xp_err why;

	if (skb->len > sizeof(ctl_buf) ||
	    skb_copy_bits(skb, 0, ctl_buf, skb->len) ||
	    vpcpeer_xmsg_decode(ctl_buf, skb->len, m, &why)) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_DROP_INVALID), 1);
		return;
	}
	if (m->type == VPCPEER_XP_HELLO) {
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_RX), 1);
		hello_rcv(r, m);
		return;
	}
	if (!r->heard || m->epoch != r->peer_epoch) {
		/* Not the module whose HELLO we hold: ask who it is. */
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_DROP_STALE_EPOCH), 1);
		region_refresh(r, true, TELL_CHANGES);
		return;
	}
	vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_RX), 1);
	if (vpcpeer_pcx_remote_rcv(r, m))
		vpcpeer_region_count(r, VPCPEER_REGION_STAT(CTL_DROP_INVALID), 1);
}

static void ctl_work_fn(struct work_struct *work)
{
	struct vpcpeer_region *r;
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&ctl_queue))) {
		/* A message may make or end devices: rtnl, then our lock. */
		rtnl_lock();
		mutex_lock(&vpcpeer_lock);
		list_for_each_entry(r, &regions, node)
			if (r->id == ctl_cb(skb)->region_id)
				break;
		if (!list_entry_is_head(r, &regions, node)) {
			atomic_dec(&r->ctl_queued);
			ctl_rcv(r, skb);
		}
		mutex_unlock(&vpcpeer_lock);
		rtnl_unlock();
		consume_skb(skb);
		cond_resched();
	}
}

static void keepalive_fn(struct work_struct *work)
{
	struct vpcpeer_region *r;

	mutex_lock(&vpcpeer_lock);
	list_for_each_entry(r, &regions, node)
		region_refresh(r, true, TELL_CHANGES);
	if (running)
		queue_delayed_work(region_wq, &keepalive_work,
				   msecs_to_jiffies(READ_ONCE(region_keepalive_ms)));
	mutex_unlock(&vpcpeer_lock);
}

int __init vpcpeer_region_init(void)
{
	if (!region_name[0]) {
		strscpy(region_name, utsname()->nodename, sizeof(region_name));
		if (!vpcpeer_region_name_valid(region_name))
			strscpy(region_name, "vpcpeer", sizeof(region_name));
	} else if (!vpcpeer_region_name_valid(region_name)) {
		pr_err("region_name: 1 to 15 characters of [A-Za-z0-9._-], starting with a letter or digit\n");
		return -EINVAL;
	}
	do
		vpcpeer_epoch = get_random_u64();
	while (!vpcpeer_epoch);
	skb_queue_head_init(&ctl_queue);
	INIT_WORK(&ctl_work, ctl_work_fn);
	INIT_DELAYED_WORK(&keepalive_work, keepalive_fn);
	region_wq = alloc_ordered_workqueue("vpcpeer-region", 0);
	return region_wq ? 0 : -ENOMEM;
}

void vpcpeer_region_start(void)
{
	mutex_lock(&vpcpeer_lock);
	running = true;
	queue_delayed_work(region_wq, &keepalive_work,
			   msecs_to_jiffies(READ_ONCE(region_keepalive_ms)));
	mutex_unlock(&vpcpeer_lock);
}

void vpcpeer_region_exit(void)
{
	struct vpcpeer_region *r, *tmp;

	mutex_lock(&vpcpeer_lock);
	running = false;
	mutex_unlock(&vpcpeer_lock);
	cancel_delayed_work_sync(&keepalive_work);
	mutex_lock(&vpcpeer_lock);
	list_for_each_entry_safe(r, tmp, &regions, node)
		vpcpeer_region_del(r);
	mutex_unlock(&vpcpeer_lock);
	/* The sockets are closed: nothing queues any more. */
	flush_work(&ctl_work);
	skb_queue_purge(&ctl_queue);
	destroy_workqueue(region_wq);
	rcu_barrier();
}

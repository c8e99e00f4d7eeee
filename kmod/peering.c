// SPDX-License-Identifier: GPL-2.0
/*
 * Peering connections and their life (R1, R5, R6): a request creates the
 * requester's device (dormant) and leaves the connection pending
 * acceptance; accepting creates the accepter's device, joins the two and
 * makes the connection active; rejecting, deleting, or losing a device or
 * a VPC ends it. Overlapping CIDR blocks put a request in "failed", as AWS
 * does, rather than refusing it. Whether a step may happen, the state it
 * leads to and why (the reason) are pcx_fsm.c's to decide; this file
 * does what the answer says to the devices and the lists.
 *
 * Ending a connection follows WireGuard's order: mark it, detach the
 * devices (close their paths) so the fast path stops reading the VPCs,
 * wait for a grace period, and only then tear the rest down.
 *
 * The devices are this file's: it makes them, owns their link ops (so
 * that "ip link del" ends the connection) and the namespace hook that
 * ends a VPC, and its peerings, with the namespace (R15).
 *
 * Time (R2, R3): a pending request expires after expiry_secs; an ended
 * connection stays behind as a tombstone, visible to each side for that
 * side's AWS window (pcx_fsm.c says which), in hours of tombstone_hour_ms.
 * One delayed work serves both, armed for the soonest deadline: the
 * pending list and the two tombstone lists are each kept in deadline
 * order, so it only ever looks at their heads. Quotas (R7) are counted
 * over a VPC's live connections when a request is made or accepted.
 */

#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "netlink.h"
#include "peering.h"

static DEFINE_XARRAY(vpcpeer_pcxs);
/* Requests pending acceptance, soonest expiry first (R2). */
static LIST_HEAD(vpcpeer_pending);
/*
 * The sides of ended connections whose view has yet to close (R3), one
 * list per window length (2 h, 2 d). Each is in the order the connections
 * ended, so in deadline order whatever tombstone_hour_ms is or becomes.
 */
static struct list_head vpcpeer_tombs[2] = {
	LIST_HEAD_INIT(vpcpeer_tombs[0]), LIST_HEAD_INIT(vpcpeer_tombs[1]),
};

/* Set once the module is up, cleared before it goes: timers may run. */
static bool vpcpeer_running;

static struct rtnl_link_ops vpcpeer_link_ops;
static void pcx_tick_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(vpcpeer_tick_work, pcx_tick_work);

static unsigned int expiry_secs = 7 * 24 * 3600;
VPCPEER_UINT_RANGE_OPS(expiry_secs_ops, 1, INT_MAX);
module_param_cb(expiry_secs, &expiry_secs_ops, &expiry_secs, 0644);
MODULE_PARM_DESC(expiry_secs,
		 "seconds a peering request waits for acceptance before it expires (AWS: 7 days)");

static unsigned int tombstone_hour_ms = 3600 * 1000;
static int hour_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_uint_minmax(val, kp, 0, 24 * 3600 * 1000);

	/* Windows are reckoned with the new hour from now on: look again. */
	if (!err && READ_ONCE(vpcpeer_running))
		mod_delayed_work(system_wq, &vpcpeer_tick_work, 0);
	return err;
}

static const struct kernel_param_ops hour_ops = {
	.set = hour_set,
	.get = param_get_uint,
};
module_param_cb(tombstone_hour_ms, &hour_ops, &tombstone_hour_ms, 0644);
MODULE_PARM_DESC(tombstone_hour_ms,
		 "milliseconds one hour of the AWS tombstone windows (2 h, 2 d) lasts; 0: ended connections go at once");

static unsigned int max_active = 50;
VPCPEER_UINT_RANGE_OPS(max_active_ops, 1, 125);
module_param_cb(max_active_peerings, &max_active_ops, &max_active, 0644);
MODULE_PARM_DESC(max_active_peerings,
		 "active peering connections per VPC (AWS: 50, at most 125)");

static unsigned int max_pending = 25;
VPCPEER_UINT_RANGE_OPS(max_pending_ops, 1, 1000);
module_param_cb(max_pending_requests, &max_pending_ops, &max_pending, 0644);
MODULE_PARM_DESC(max_pending_requests,
		 "outstanding peering requests per account, the requester VPC's owner (AWS: 25)");

struct vpcpeer_pcx *vpcpeer_pcx_find(u32 id)
{
	lockdep_assert_held(&vpcpeer_lock);
	return xa_load(&vpcpeer_pcxs, id);
}

struct vpcpeer_pcx *vpcpeer_pcx_next(unsigned long *index)
{
	lockdep_assert_held(&vpcpeer_lock);
	return xa_find(&vpcpeer_pcxs, index, ULONG_MAX, XA_PRESENT);
}

static void pcx_free_rcu(struct rcu_head *rcu)
{
	struct vpcpeer_pcx *pcx = container_of(rcu, struct vpcpeer_pcx, rcu);

	put_user_ns(pcx->side[VPCPEER_REQUESTER].owner);
	put_user_ns(pcx->side[VPCPEER_ACCEPTER].owner);
	kfree(pcx);
}

/*
 * A new connection, with its id, findable. @acc may be NULL (no VPC the
 * requester may know of): the accepter side is then what the request
 * named it, and the requester's owner.
 */
static struct vpcpeer_pcx *pcx_alloc(struct vpcpeer_vpc *req,
				     struct vpcpeer_vpc *acc,
				     const struct vpcpeer_vpc_ref *named)
{
	struct vpcpeer_vpc *vpc[2] = { req, acc };
	struct vpcpeer_pcx *pcx;
	int err, i;

	pcx = kzalloc(sizeof(*pcx), GFP_KERNEL);
	if (!pcx)
		return ERR_PTR(-ENOMEM);
	pcx->state = VPCPEER_PCX_STATE_INITIATING_REQUEST;
	INIT_LIST_HEAD(&pcx->pending_node);
	for (i = 0; i < 2; i++) {
		const struct vpcpeer_vpc *v = vpc[i] ?: req;

		pcx->side[i].pcx = pcx;
		pcx->side[i].vpc = vpc[i];
		pcx->side[i].vpc_id = vpc[i] ? v->id : named->id;
		strscpy(pcx->side[i].vpc_name,
			vpc[i] ? v->name : named->name ?: "",
			sizeof(pcx->side[i].vpc_name));
		pcx->side[i].owner = get_user_ns(vpcpeer_vpc_net(v)->user_ns);
		/* An accepter the requester may not know: heard of nowhere. */
		pcx->side[i].net_cookie = vpc[i] ? vpcpeer_vpc_net(v)->net_cookie
						 : 0;
		INIT_LIST_HEAD(&pcx->side[i].vpc_node);
		INIT_LIST_HEAD(&pcx->side[i].tomb_node);
		pcx->side[i].open = true;
	}
	do {
		pcx->id = get_random_u32();
		err = pcx->id ? xa_insert(&vpcpeer_pcxs, pcx->id, pcx, GFP_KERNEL)
			      : -EBUSY;
	} while (err == -EBUSY);
	if (err) {
		pcx_free_rcu(&pcx->rcu);
		return ERR_PTR(err);
	}
	return pcx;
}

static unsigned long hours_to_jiffies(unsigned int hours)
{
	return div_u64((u64)hours * READ_ONCE(tombstone_hour_ms) * HZ, 1000);
}

static unsigned long side_deadline(const struct vpcpeer_side *side)
{
	return side->pcx->ended + hours_to_jiffies(side->window);
}

bool vpcpeer_pcx_side_visible(const struct vpcpeer_pcx *pcx, int side)
{
	const struct vpcpeer_side *s = &pcx->side[side];

	/* Deleting: still both sides', for the moment it takes to end. */
	if (vpcpeer_pcx_live(pcx) || pcx->state == VPCPEER_PCX_STATE_DELETING)
		return true;
	return s->open && s->window && time_before(jiffies, side_deadline(s));
}

unsigned int vpcpeer_pcx_open_sides(const struct vpcpeer_pcx *pcx)
{
	return vpcpeer_pcx_side_visible(pcx, VPCPEER_REQUESTER) << VPCPEER_REQUESTER |
	       vpcpeer_pcx_side_visible(pcx, VPCPEER_ACCEPTER) << VPCPEER_ACCEPTER;
}

/*
 * From the wall clock at the end, not from the jiffies left: the answer
 * must not move from one request to the next (it drifted by the time a
 * request took to be answered).
 */
time64_t vpcpeer_pcx_visible_until(const struct vpcpeer_pcx *pcx, int side)
{
	u64 ms = (u64)pcx->side[side].window * READ_ONCE(tombstone_hour_ms);

	return div_s64(pcx->ended_real_ms + (s64)ms, MSEC_PER_SEC);
}

/* Arm the timer for the next expiry or closing view, if any. */
static void pcx_arm(void)
{
	unsigned long next = 0, d;
	bool any = false;
	int i;

	if (!vpcpeer_running)
		return;
	if (!list_empty(&vpcpeer_pending)) {
		next = list_first_entry(&vpcpeer_pending, struct vpcpeer_pcx,
					pending_node)->expires;
		any = true;
	}
	for (i = 0; i < ARRAY_SIZE(vpcpeer_tombs); i++) {
		if (list_empty(&vpcpeer_tombs[i]))
			continue;
		d = side_deadline(list_first_entry(&vpcpeer_tombs[i],
						   struct vpcpeer_side,
						   tomb_node));
		if (!any || time_before(d, next))
			next = d;
		any = true;
	}
	if (any)
		mod_delayed_work(system_wq, &vpcpeer_tick_work,
				 time_after(next, jiffies) ? next - jiffies : 0);
}

/* On the expiry list, in deadline order (expiry_secs may have changed). */
static void pcx_pend(struct vpcpeer_pcx *pcx)
{
	unsigned int secs = READ_ONCE(expiry_secs);
	struct vpcpeer_pcx *p;

	pcx->expires = jiffies + (unsigned long)secs * HZ;
	pcx->expires_real = ktime_get_real_seconds() + secs;
	list_for_each_entry_reverse(p, &vpcpeer_pending, pending_node)
		if (!time_after(p->expires, pcx->expires))
			break;
	list_add(&pcx->pending_node, &p->pending_node);
	pcx_arm();
}

static void pcx_erase(struct vpcpeer_pcx *pcx)
{
	xa_erase(&vpcpeer_pcxs, pcx->id);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: destroyed\n", pcx->id);
	call_rcu(&pcx->rcu, pcx_free_rcu);
}

/*
 * @pcx has ended (its state says how) because of side @ender: each side
 * keeps seeing it for its window (R3), then the tombstone goes.
 */
static void pcx_bury(struct vpcpeer_pcx *pcx, int ender)
{
	bool same = pcx->side[0].owner == pcx->side[1].owner;
	int i;

	pcx->ended = jiffies;
	pcx->ended_real_ms = ktime_to_ms(ktime_get_real());
	for (i = 0; i < 2; i++) {
		struct vpcpeer_side *side = &pcx->side[i];

		side->window = vpcpeer_pcx_window_hours(pcx->state, ender, i,
							same);
		side->open = side->window;
		if (side->open)
			list_add_tail(&side->tomb_node,
				      &vpcpeer_tombs[side->window > 2]);
	}
	if (WARN_ON_ONCE(!pcx->side[0].open && !pcx->side[1].open))
		pcx_erase(pcx);
	else
		pcx_arm();
}

/* Side @side's window is over: it no longer sees @pcx; nor, at the end, anyone. */
static void pcx_close_view(struct vpcpeer_pcx *pcx, int side)
{
	unsigned int still = 0;
	int i;

	list_del_init(&pcx->side[side].tomb_node);
	pcx->side[side].open = false;
	for (i = 0; i < 2; i++)
		if (pcx->side[i].open)
			still |= BIT(i);
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_DEL_NTF, pcx, -1, BIT(side), still);
	vpcpeer_generation++;
	if (!still)
		pcx_erase(pcx);
}

/* R6: one live connection per pair of VPCs, whichever side asked. */
static bool pair_is_peered(const struct vpcpeer_vpc *a,
			   const struct vpcpeer_vpc *b)
{
	const struct vpcpeer_side *side;

	list_for_each_entry(side, &a->sides, vpc_node) {
		const struct vpcpeer_pcx *pcx = side->pcx;

		if (pcx->side[VPCPEER_REQUESTER].vpc == b ||
		    pcx->side[VPCPEER_ACCEPTER].vpc == b)
			return true;
	}
	return false;
}

/*
 * Ask the state machine whether @by may take @action on @pcx, and tell the
 * caller why not. The messages are pcx_fsm.c's static strings.
 */
static int pcx_decide(const struct vpcpeer_pcx *pcx, unsigned int action,
		      int by, struct vpcpeer_pcx_verdict *v,
		      struct netlink_ext_ack *extack)
{
	*v = vpcpeer_pcx_decide(pcx->state, action, by);
	if (v->err)
		vpcpeer_extack_msg(extack, v->extack);
	return v->err;
}

/*
 * The reason @v gives, or @cause where the state machine leaves it to the
 * caller; -1 for both: it stays. Userspace words it (AWS's messages).
 */
static void pcx_set_reason(struct vpcpeer_pcx *pcx,
			   const struct vpcpeer_pcx_verdict *v, int cause)
{
	int reason = v->reason >= 0 ? v->reason : cause;

	if (reason >= 0)
		pcx->reason = reason;
}

/* R7: a VPC's active connections. */
static unsigned int vpc_active_count(const struct vpcpeer_vpc *vpc)
{
	const struct vpcpeer_side *side;
	unsigned int n = 0;

	list_for_each_entry(side, &vpc->sides, vpc_node)
		n += side->pcx->state == VPCPEER_PCX_STATE_ACTIVE;
	return n;
}

/*
 * R7: the outstanding requests of an account, as AWS counts them: made
 * from any of its VPCs and still pending acceptance.
 */
static unsigned int account_pending_count(const struct user_namespace *owner)
{
	const struct vpcpeer_pcx *pcx;
	unsigned int n = 0;

	list_for_each_entry(pcx, &vpcpeer_pending, pending_node)
		n += pcx->side[VPCPEER_REQUESTER].owner == owner;
	return n;
}

/* Tell everyone who may see @pcx that it left @old for its state. */
static void pcx_moved(const struct vpcpeer_pcx *pcx, int old)
{
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_STATE_NTF, pcx, old,
			   vpcpeer_pcx_open_sides(pcx), 0);
}

/* Side @side's device, in its VPC's namespace; its owner is that side. */
static struct net_device *pcx_dev_create(struct vpcpeer_pcx *pcx, int side,
					 struct netlink_ext_ack *extack)
{
	struct vpcpeer_side *s = &pcx->side[side];

	return vpcpeer_dev_create(vpcpeer_vpc_net(s->vpc), pcx->id, s,
				  &vpcpeer_link_ops, extack);
}

int vpcpeer_pcx_request_check(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			      const struct vpcpeer_vpc_ref *named,
			      struct vpcpeer_pcx_plan *plan,
			      struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	bool failed;

	lockdep_assert_held(&vpcpeer_lock);
	if (acc && req == acc) {
		NL_SET_ERR_MSG(extack, "a VPC cannot peer with itself");
		return -EINVAL;
	}
	/* Both devices would be in one namespace, whose VPCs already reach
	 * each other; and the second could not even take its name.
	 */
	if (acc && net_eq(vpcpeer_vpc_net(req), vpcpeer_vpc_net(acc))) {
		NL_SET_ERR_MSG(extack,
			       "the two VPCs are in the same network namespace: a peering joins two");
		return -EINVAL;
	}
	if (acc && pair_is_peered(req, acc)) {
		NL_SET_ERR_MSG(extack,
			       "a live peering connection between these VPCs exists");
		return -EEXIST;
	}
	if (account_pending_count(vpcpeer_vpc_owner(req)) >=
	    READ_ONCE(max_pending)) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the requester VPC's account has as many outstanding peering requests as allowed (module parameter max_pending_requests)");
		return -ENOSPC;
	}
	/* R5: overlapping blocks fail the request, and it stays visible. */
	memset(&plan->overlap, 0, sizeof(plan->overlap));
	failed = !acc || vpcpeer_vpcs_overlap(req, acc, &plan->overlap);
	v = vpcpeer_pcx_decide(VPCPEER_PCX_STATE_INITIATING_REQUEST,
			       failed ? VPCPEER_PCX_FAIL : VPCPEER_PCX_REQUEST,
			       failed ? VPCPEER_KERNEL : VPCPEER_REQUESTER);
	if (WARN_ON_ONCE(v.err))
		return v.err;
	plan->state = v.next;
	plan->reason = v.reason;
	/*
	 * When the accepter is not the requester's own VPC, its owner hears
	 * what AWS says: the same for a VPC that does not exist, one it may
	 * not see and one whose blocks overlap, so that a request tells
	 * nothing of other owners' VPCs (R4).
	 */
	if (failed && named->opaque) {
		plan->reason = VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP;
		memset(&plan->overlap, 0, sizeof(plan->overlap));
	} else if (failed) {
		plan->reason = VPCPEER_PCX_REASON_OVERLAP;
	}
	return 0;
}

int vpcpeer_pcx_request(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			const struct vpcpeer_vpc_ref *named,
			const struct vpcpeer_pcx_plan *plan,
			struct vpcpeer_pcx **out,
			struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx *pcx;
	struct net_device *dev;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	pcx = pcx_alloc(req, acc, named);
	if (IS_ERR(pcx))
		return PTR_ERR(pcx);
	pcx->state = plan->state;
	pcx->reason = plan->reason;
	pcx->overlap = plan->overlap;
	if (pcx->state == VPCPEER_PCX_STATE_FAILED) {
		pcx->side[VPCPEER_REQUESTER].vpc = NULL;
		pcx->side[VPCPEER_ACCEPTER].vpc = NULL;
		pcx_bury(pcx, VPCPEER_REQUESTER);
		goto out;
	}

	dev = pcx_dev_create(pcx, VPCPEER_REQUESTER, extack);
	if (IS_ERR(dev)) {
		xa_erase(&vpcpeer_pcxs, pcx->id);
		pcx_free_rcu(&pcx->rcu);
		return PTR_ERR(dev);
	}
	pcx->side[VPCPEER_REQUESTER].dev = dev;
	list_add_tail(&pcx->side[VPCPEER_REQUESTER].vpc_node, &req->sides);
	list_add_tail(&pcx->side[VPCPEER_ACCEPTER].vpc_node, &acc->sides);
	pcx_pend(pcx);
out:
	vpcpeer_generation++;
	pr_debug("pcx-%08x: created (state %u, reason %u)\n", pcx->id,
		 pcx->state, pcx->reason);
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_REQUEST_NTF, pcx, -1,
			   vpcpeer_pcx_open_sides(pcx), 0);
	*out = pcx;
	return 0;
}

/* R7, at accept: each VPC stays within max_active_peerings. */
static int pcx_check_active_quota(const struct vpcpeer_pcx *pcx,
				  struct netlink_ext_ack *extack)
{
	unsigned int max = READ_ONCE(max_active);

	if (vpc_active_count(pcx->side[VPCPEER_REQUESTER].vpc) >= max) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the requester VPC has as many active peering connections as allowed (module parameter max_active_peerings)");
		return -ENOSPC;
	}
	if (vpc_active_count(pcx->side[VPCPEER_ACCEPTER].vpc) >= max) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the accepter VPC has as many active peering connections as allowed (module parameter max_active_peerings)");
		return -ENOSPC;
	}
	return 0;
}

int vpcpeer_pcx_accept_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;

	lockdep_assert_held(&vpcpeer_lock);
	return pcx_decide(pcx, VPCPEER_PCX_ACCEPT, by, &v, extack) ?:
	       pcx_check_active_quota(pcx, extack);
}

int vpcpeer_pcx_accept(struct vpcpeer_pcx *pcx, int by,
		       struct netlink_ext_ack *extack)
{
	struct vpcpeer_side *req = &pcx->side[VPCPEER_REQUESTER];
	struct vpcpeer_side *acc = &pcx->side[VPCPEER_ACCEPTER];
	struct vpcpeer_pcx_verdict v, done;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	err = pcx_decide(pcx, VPCPEER_PCX_ACCEPT, by, &v, extack);
	if (WARN_ON_ONCE(err))
		return err;
	pcx->state = v.next;
	pcx_set_reason(pcx, &v, -1);
	pcx_moved(pcx, VPCPEER_PCX_STATE_PENDING_ACCEPTANCE);
	/* Asked first, so that nothing refuses once the device exists. */
	err = pcx_decide(pcx, VPCPEER_PCX_PROVISIONED, VPCPEER_KERNEL, &done,
			 extack);
	if (WARN_ON_ONCE(err))
		goto err_undo;
	dev = pcx_dev_create(pcx, VPCPEER_ACCEPTER, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_undo;
	}
	err = vpcpeer_dev_join(req->dev, dev,
			       vpcpeer_vpc_lpm(req->vpc, AF_INET),
			       vpcpeer_vpc_lpm(req->vpc, AF_INET6),
			       vpcpeer_vpc_lpm(acc->vpc, AF_INET),
			       vpcpeer_vpc_lpm(acc->vpc, AF_INET6));
	if (err) {
		vpcpeer_dev_detach(dev);
		unregister_netdevice(dev);
		goto err_undo;
	}
	acc->dev = dev;
	pcx_set_reason(pcx, &done, -1);
	pcx->state = done.next;
	list_del_init(&pcx->pending_node);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: active\n", pcx->id);
	pcx_moved(pcx, VPCPEER_PCX_STATE_PROVISIONING);
	return 0;

err_undo:
	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_PROVISION_FAILED,
				     VPCPEER_KERNEL, &v, NULL))) {
		pcx->state = v.next;
		pcx_set_reason(pcx, &v, -1);
		pcx_moved(pcx, VPCPEER_PCX_STATE_PROVISIONING);
	}
	return err;
}

/*
 * End a live connection as @v says, because of side @ender: detach its
 * devices, wait until no transmit can still be reading it, then queue the
 * devices on @kill (the caller unregisters them) and unlink it from its
 * VPCs. The reason is @v's, or @cause. A deletion passes through
 * "deleting" in the open, as AWS shows it, already with the reason it
 * ends with; the other ends go straight.
 */
static void pcx_end(struct vpcpeer_pcx *pcx,
		    const struct vpcpeer_pcx_verdict *v, int cause,
		    int ender, struct list_head *kill)
{
	int old = pcx->state;
	int i;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	if (!v->ends)
		return;
	list_del_init(&pcx->pending_node);
	pcx->state = VPCPEER_PCX_STATE_DELETING;
	pcx_set_reason(pcx, v, cause);
	if (v->next == VPCPEER_PCX_STATE_DELETED) {
		pcx_moved(pcx, old);
		old = VPCPEER_PCX_STATE_DELETING;
	}
	for (i = 0; i < 2; i++)
		if (pcx->side[i].dev)
			vpcpeer_dev_detach(pcx->side[i].dev);
	synchronize_net();

	for (i = 0; i < 2; i++) {
		struct vpcpeer_side *side = &pcx->side[i];

		if (side->dev) {
			vpcpeer_dev_stats(side->dev, &side->last);
			unregister_netdevice_queue(side->dev, kill);
			side->dev = NULL;
		}
		if (side->vpc) {
			list_del_init(&side->vpc_node);
			side->vpc = NULL;
		}
	}
	pcx->state = v->next;
	pcx_bury(pcx, ender);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: ended (state %u, reason %u)\n", pcx->id,
		 pcx->state, pcx->reason);
	pcx_moved(pcx, old);
}

/* The kernel ends @pcx because side @ender's VPC, netns or device went. */
static void pcx_destroy(struct vpcpeer_pcx *pcx, int ender,
			enum vpcpeer_pcx_reason cause, struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_DESTROY, VPCPEER_KERNEL,
				     &v, NULL)))
		pcx_end(pcx, &v, cause, ender, kill);
}

/* Reject (R4: the accepter) or delete (either side, as the rules say). */
static void pcx_close(struct vpcpeer_pcx *pcx, unsigned int action, int by)
{
	struct vpcpeer_pcx_verdict v;
	LIST_HEAD(kill);

	if (WARN_ON_ONCE(pcx_decide(pcx, action, by, &v, NULL)))
		return;
	pcx_end(pcx, &v, -1, by, &kill);
	unregister_netdevice_many(&kill);
}

int vpcpeer_pcx_reject_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;

	return pcx_decide(pcx, VPCPEER_PCX_REJECT, by, &v, extack);
}

void vpcpeer_pcx_reject(struct vpcpeer_pcx *pcx, int by)
{
	pcx_close(pcx, VPCPEER_PCX_REJECT, by);
}

int vpcpeer_pcx_delete_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;

	return pcx_decide(pcx, VPCPEER_PCX_DELETE, by, &v, extack);
}

void vpcpeer_pcx_delete(struct vpcpeer_pcx *pcx, int by)
{
	pcx_close(pcx, VPCPEER_PCX_DELETE, by);
}

int vpcpeer_pcx_set_check(const struct vpcpeer_pcx *pcx, unsigned int sides,
			  struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	int err, i;

	lockdep_assert_held(&vpcpeer_lock);
	for (i = 0; i < 2; i++) {
		if (!(sides & BIT(i)))
			continue;
		err = pcx_decide(pcx, VPCPEER_PCX_SET_OPTIONS, i, &v, extack);
		if (err)
			return err;
	}
	return 0;
}

void vpcpeer_pcx_set(struct vpcpeer_pcx *pcx, unsigned int sides,
		     const struct vpcpeer_side_opts *opts)
{
	int i;

	lockdep_assert_held(&vpcpeer_lock);
	for (i = 0; i < 2; i++) {
		struct vpcpeer_side *side = &pcx->side[i];

		if (!(sides & BIT(i)))
			continue;
		if (opts[i].set_dns)
			side->allow_dns = opts[i].allow_dns;
		if (opts[i].tag)
			strscpy(side->tag, opts[i].tag, sizeof(side->tag));
	}
	vpcpeer_generation++;
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_SET_NTF, pcx, -1,
			   vpcpeer_pcx_open_sides(pcx), 0);
}

/*
 * A pcx device is going away without the peering being asked to end: "ip
 * link del", a dying namespace, or module unload. The peering cannot
 * outlive either of its devices, so it ends here and takes the other
 * device with it.
 */
static void pcx_dellink(struct net_device *dev, struct list_head *kill)
{
	struct vpcpeer_side *side;

	mutex_lock(&vpcpeer_lock);
	/*
	 * A side's device is made and given its owner in one locked step,
	 * and detached (its owner forgotten) and cleared in another.
	 */
	side = vpcpeer_dev_owner(dev);
	if (side && !WARN_ON_ONCE(side->dev != dev))
		pcx_destroy(side->pcx, side - side->pcx->side,
			    VPCPEER_PCX_REASON_DEVICE_GONE, kill);
	mutex_unlock(&vpcpeer_lock);
	unregister_netdevice_queue(dev, kill);
}

static int pcx_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "vpcpeer devices are created by accepting a peering connection (vpcpeer-ctl peering accept), not by \"ip link add\"");
	return -EOPNOTSUPP;
}

static struct rtnl_link_ops vpcpeer_link_ops __read_mostly = {
	.kind		= VPCPEER_LINK_KIND,
	.newlink	= pcx_newlink,
	.dellink	= pcx_dellink,
};

int vpcpeer_pcx_cidr_check(const struct vpcpeer_vpc *vpc,
			   const struct vpcpeer_cidr *c,
			   struct netlink_ext_ack *extack)
{
	const struct vpcpeer_side *side;

	lockdep_assert_held(&vpcpeer_lock);
	/* R5 holds for the life of a peering, not just at its request. */
	list_for_each_entry(side, &vpc->sides, vpc_node) {
		const struct vpcpeer_pcx *pcx = side->pcx;
		int other = side == &pcx->side[VPCPEER_REQUESTER];

		if (vpcpeer_cidr_overlaps_vpc(pcx->side[other].vpc, c)) {
			NL_SET_ERR_MSG(extack,
				       "CIDR block overlaps a CIDR block of a VPC this VPC has a peering with");
			return -EEXIST;
		}
	}
	return 0;
}

void vpcpeer_pcx_vpc_del(struct vpcpeer_vpc *vpc,
			 enum vpcpeer_pcx_reason cause, struct list_head *kill)
{
	struct vpcpeer_side *side, *tmp;

	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry_safe(side, tmp, &vpc->sides, vpc_node)
		pcx_destroy(side->pcx, side - side->pcx->side, cause, kill);
	vpcpeer_notify_vpc(VPCPEER_CMD_VPC_DEL_NTF, vpc, NULL);
	vpcpeer_vpc_remove(vpc);
}

/* R15: a namespace takes its VPCs, and so their peerings, with it. */
static void __net_exit pcx_net_exit(struct net *net)
{
	struct vpcpeer_vpc *vpc;
	unsigned long i = 0;
	LIST_HEAD(kill);

	rtnl_lock();
	mutex_lock(&vpcpeer_lock);
	while ((vpc = vpcpeer_vpc_next(&i))) {
		if (net_eq(vpcpeer_vpc_net(vpc), net))
			vpcpeer_pcx_vpc_del(vpc, VPCPEER_PCX_REASON_NETNS_GONE,
					    &kill);
		i++;
	}
	mutex_unlock(&vpcpeer_lock);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations vpcpeer_net_ops = {
	.exit = pcx_net_exit,
};

/* R2: nobody answered in time. */
static void pcx_expire(struct vpcpeer_pcx *pcx, struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_EXPIRE, VPCPEER_KERNEL,
				     &v, NULL)))
		pcx_end(pcx, &v, -1, VPCPEER_KERNEL, kill);
	else
		list_del_init(&pcx->pending_node);
}

void vpcpeer_pcx_tick(void)
{
	struct vpcpeer_side *side, *stmp;
	struct vpcpeer_pcx *pcx, *tmp;
	LIST_HEAD(kill);
	int i;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry_safe(pcx, tmp, &vpcpeer_pending, pending_node) {
		if (time_before(jiffies, pcx->expires))
			break;
		pcx_expire(pcx, &kill);
	}
	for (i = 0; i < ARRAY_SIZE(vpcpeer_tombs); i++) {
		list_for_each_entry_safe(side, stmp, &vpcpeer_tombs[i],
					 tomb_node) {
			if (time_before(jiffies, side_deadline(side)))
				break;
			pcx_close_view(side->pcx, side - side->pcx->side);
		}
	}
	unregister_netdevice_many(&kill);
	pcx_arm();
}

static void pcx_tick_work(struct work_struct *work)
{
	rtnl_lock();
	mutex_lock(&vpcpeer_lock);
	vpcpeer_pcx_tick();
	mutex_unlock(&vpcpeer_lock);
	rtnl_unlock();
}

int __init vpcpeer_pcx_init(void)
{
	int err;

	vpcpeer_dev_link_ops_init(&vpcpeer_link_ops);
	err = rtnl_link_register(&vpcpeer_link_ops);
	if (err)
		return err;
	err = register_pernet_device(&vpcpeer_net_ops);
	if (err)
		rtnl_link_unregister(&vpcpeer_link_ops);
	return err;
}

void vpcpeer_pcx_start(void)
{
	mutex_lock(&vpcpeer_lock);
	kernel_param_lock(THIS_MODULE);
	vpcpeer_running = true;
	kernel_param_unlock(THIS_MODULE);
	mutex_unlock(&vpcpeer_lock);
}

void vpcpeer_pcx_exit(void)
{
	struct vpcpeer_pcx *pcx;
	unsigned long i;

	/* Runs the exit hook for every namespace: every VPC and peering ends. */
	unregister_pernet_device(&vpcpeer_net_ops);

	mutex_lock(&vpcpeer_lock);
	kernel_param_lock(THIS_MODULE);
	vpcpeer_running = false;
	kernel_param_unlock(THIS_MODULE);
	mutex_unlock(&vpcpeer_lock);
	/* Nothing arms it again now. */
	cancel_delayed_work_sync(&vpcpeer_tick_work);

	mutex_lock(&vpcpeer_lock);
	WARN_ON(!list_empty(&vpcpeer_pending));
	xa_for_each(&vpcpeer_pcxs, i, pcx) {
		WARN_ON(vpcpeer_pcx_live(pcx));
		list_del(&pcx->side[0].tomb_node);
		list_del(&pcx->side[1].tomb_node);
		xa_erase(&vpcpeer_pcxs, pcx->id);
		pr_debug("pcx-%08x: destroyed\n", pcx->id);
		call_rcu(&pcx->rcu, pcx_free_rcu);
	}
	mutex_unlock(&vpcpeer_lock);
	/* The RCU callbacks above belong to this module's code. */
	rcu_barrier();
	rtnl_link_unregister(&vpcpeer_link_ops);
}

MODULE_ALIAS_RTNL_LINK(VPCPEER_LINK_KIND);

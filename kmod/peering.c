// SPDX-License-Identifier: GPL-2.0
/*
 * Peering connections and their life (R1, R5, R6): a request creates the
 * requester's device (dormant) and leaves the connection pending
 * acceptance; accepting creates the accepter's device, joins the two and
 * makes the connection active; rejecting, deleting, or losing a device or
 * a VPC ends it. Overlapping CIDR blocks put a request in "failed", as AWS
 * does, rather than refusing it. Whether a step may happen, the state it
 * leads to and the status message are pcx_fsm.c's to decide; this file
 * does what the answer says to the devices and the lists.
 *
 * Ending a connection follows WireGuard's order: mark it, detach the
 * devices from it so the fast path stops reading it, wait for a grace
 * period, and only then tear the rest down.
 *
 * Time (R2, R3): a pending request expires after expiry_secs; an ended
 * connection stays behind as a tombstone, visible to each side for that
 * side's AWS window (pcx_fsm.c says which), in hours of tombstone_hour_ms.
 * One delayed work serves both, armed for the soonest deadline: the
 * pending list and the two tombstone lists are each kept in deadline
 * order, so it only ever looks at their heads. Quotas (R7) are counted
 * over a VPC's live connections when a request is made or accepted.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>
#include <net/rtnetlink.h>

#include "vpcpeer.h"

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

bool vpcpeer_running;

static void pcx_tick_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(vpcpeer_tick_work, pcx_tick_work);

static unsigned int expiry_secs = 7 * 24 * 3600;
static int expiry_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, INT_MAX);
}

static const struct kernel_param_ops expiry_ops = {
	.set = expiry_set,
	.get = param_get_uint,
};
module_param_cb(expiry_secs, &expiry_ops, &expiry_secs, 0644);
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
static int max_active_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 125);
}

static const struct kernel_param_ops max_active_ops = {
	.set = max_active_set,
	.get = param_get_uint,
};
module_param_cb(max_active_peerings, &max_active_ops, &max_active, 0644);
MODULE_PARM_DESC(max_active_peerings,
		 "active peering connections per VPC (AWS: 50, at most 125)");

static unsigned int max_pending = 25;
static int max_pending_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 1000);
}

static const struct kernel_param_ops max_pending_ops = {
	.set = max_pending_set,
	.get = param_get_uint,
};
module_param_cb(max_pending_requests, &max_pending_ops, &max_pending, 0644);
MODULE_PARM_DESC(max_pending_requests,
		 "outstanding peering requests per requester VPC (AWS: 25)");

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
 * @insert: give it an id and make it findable; else it is a dry run's.
 * @acc may be NULL (no VPC the requester may know of): the accepter side
 * is then what the request named it, and the requester's owner.
 */
static struct vpcpeer_pcx *pcx_alloc(struct vpcpeer_vpc *req,
				     struct vpcpeer_vpc *acc,
				     const struct vpcpeer_vpc_ref *named,
				     bool insert)
{
	struct vpcpeer_vpc *vpc[2] = { req, acc };
	struct vpcpeer_pcx *pcx;
	int err, i;

	pcx = kzalloc(sizeof(*pcx), GFP_KERNEL);
	if (!pcx)
		return ERR_PTR(-ENOMEM);
	pcx->state = VPCPEER_PCX_INITIATING_REQUEST;
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
	if (!insert)
		return pcx;
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

void vpcpeer_pcx_free_dry(struct vpcpeer_pcx *pcx)
{
	pcx_free_rcu(&pcx->rcu);
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
	if (vpcpeer_pcx_live(pcx) || pcx->state == VPCPEER_PCX_DELETING)
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
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_DEL, pcx, -1, BIT(side), still);
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
	if (v->err) {
		do_trace_netlink_extack(v->extack);
		if (extack)
			extack->_msg = v->extack;
	}
	return v->err;
}

/* The status message of @v, or @words when the state machine has none. */
static void pcx_set_message(struct vpcpeer_pcx *pcx,
			    const struct vpcpeer_pcx_verdict *v,
			    const char *words)
{
	if (!v->why)
		strscpy(pcx->message, words, sizeof(pcx->message));
	else if (v->why_vpc < 0)
		strscpy(pcx->message, v->why, sizeof(pcx->message));
	else
		snprintf(pcx->message, sizeof(pcx->message), "%s vpc-%08x",
			 v->why, pcx->side[v->why_vpc].vpc_id);
}

/* R7: a VPC's outstanding requests (@pending) or active connections. */
static unsigned int vpc_count(const struct vpcpeer_vpc *vpc, bool pending)
{
	const struct vpcpeer_side *side;
	unsigned int n = 0;

	list_for_each_entry(side, &vpc->sides, vpc_node) {
		const struct vpcpeer_pcx *pcx = side->pcx;
		bool waiting = pcx->state == VPCPEER_PCX_PENDING_ACCEPTANCE ||
			       pcx->state == VPCPEER_PCX_PROVISIONING;

		if (pending)
			n += waiting && side == &pcx->side[VPCPEER_REQUESTER];
		else
			n += pcx->state == VPCPEER_PCX_ACTIVE;
	}
	return n;
}

/* Tell everyone who may see @pcx that it left @old for its state. */
static void pcx_moved(const struct vpcpeer_pcx *pcx, int old)
{
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_STATE, pcx, old,
			   vpcpeer_pcx_open_sides(pcx), 0);
}

/*
 * What the requester's owner hears when the accepter is not its own VPC:
 * AWS's words, the same for a VPC that does not exist, one it may not see
 * and one whose blocks overlap, so that a request tells nothing of other
 * owners' VPCs (R4).
 */
static const char opaque_failure[] =
	"Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";

int vpcpeer_pcx_request(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			const struct vpcpeer_vpc_ref *named, bool dry,
			struct vpcpeer_pcx **out,
			struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	struct vpcpeer_pcx *pcx;
	struct net_device *dev;
	char why[sizeof(pcx->message)];
	bool failed;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	if (!acc)
		goto checked;
	if (req == acc) {
		NL_SET_ERR_MSG(extack, "a VPC cannot peer with itself");
		return -EINVAL;
	}
	/* Both devices would be in one namespace, whose VPCs already reach
	 * each other; and the second could not even take its name.
	 */
	if (net_eq(vpcpeer_vpc_net(req), vpcpeer_vpc_net(acc))) {
		NL_SET_ERR_MSG(extack,
			       "the two VPCs are in the same network namespace: a peering joins two");
		return -EINVAL;
	}
	if (pair_is_peered(req, acc)) {
		NL_SET_ERR_MSG(extack,
			       "a live peering connection between these VPCs exists");
		return -EEXIST;
	}
checked:
	if (vpc_count(req, true) >= READ_ONCE(max_pending)) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the requester VPC has as many outstanding peering requests as allowed (module parameter max_pending_requests)");
		return -ENOSPC;
	}
	pcx = pcx_alloc(req, acc, named, !dry);
	if (IS_ERR(pcx))
		return PTR_ERR(pcx);

	/* R5: overlapping blocks fail the request, and it stays visible. */
	failed = !acc || vpcpeer_vpcs_overlap(req, acc, why, sizeof(why));
	if (failed) {
		err = pcx_decide(pcx, VPCPEER_PCX_FAIL, VPCPEER_KERNEL, &v,
				 extack);
		if (WARN_ON_ONCE(err))
			goto err_free;
		pcx->state = v.next;
		pcx_set_message(pcx, &v, named->opaque ? opaque_failure : why);
		if (dry)
			goto out_dry;
		pcx->side[VPCPEER_REQUESTER].vpc = NULL;
		pcx->side[VPCPEER_ACCEPTER].vpc = NULL;
		pcx_bury(pcx, VPCPEER_REQUESTER);
		goto out;
	}

	err = pcx_decide(pcx, VPCPEER_PCX_REQUEST, VPCPEER_REQUESTER, &v,
			 extack);
	if (WARN_ON_ONCE(err))
		goto err_free;
	if (dry) {
		pcx->state = v.next;
		pcx_set_message(pcx, &v, NULL);
		goto out_dry;
	}
	dev = vpcpeer_dev_create(pcx, VPCPEER_REQUESTER, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_free;
	}
	pcx->side[VPCPEER_REQUESTER].dev = dev;
	list_add_tail(&pcx->side[VPCPEER_REQUESTER].vpc_node, &req->sides);
	list_add_tail(&pcx->side[VPCPEER_ACCEPTER].vpc_node, &acc->sides);
	pcx->state = v.next;
	pcx_set_message(pcx, &v, NULL);
	vpcpeer_dev_attach(dev, pcx);
	pcx_pend(pcx);
out:
	vpcpeer_generation++;
	pr_debug("pcx-%08x: created (%s)\n", pcx->id, pcx->message);
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_REQUEST, pcx, -1,
			   vpcpeer_pcx_open_sides(pcx), 0);
out_dry:
	*out = pcx;
	return 0;

err_free:
	if (!dry)
		xa_erase(&vpcpeer_pcxs, pcx->id);
	pcx_free_rcu(&pcx->rcu);
	return err;
}

/* R7, at accept: each VPC stays within max_active_peerings. */
static int pcx_check_active_quota(const struct vpcpeer_pcx *pcx,
				  struct netlink_ext_ack *extack)
{
	unsigned int max = READ_ONCE(max_active);

	if (vpc_count(pcx->side[VPCPEER_REQUESTER].vpc, false) >= max) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the requester VPC has as many active peering connections as allowed (module parameter max_active_peerings)");
		return -ENOSPC;
	}
	if (vpc_count(pcx->side[VPCPEER_ACCEPTER].vpc, false) >= max) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the accepter VPC has as many active peering connections as allowed (module parameter max_active_peerings)");
		return -ENOSPC;
	}
	return 0;
}

int vpcpeer_pcx_accept(struct vpcpeer_pcx *pcx, int by, bool dry,
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
	if (err)
		return err;
	err = pcx_check_active_quota(pcx, extack);
	if (err || dry)
		return err;
	pcx->state = v.next;
	pcx_set_message(pcx, &v, NULL);
	pcx_moved(pcx, VPCPEER_PCX_PENDING_ACCEPTANCE);
	/* Asked first, so that nothing refuses once the device exists. */
	err = pcx_decide(pcx, VPCPEER_PCX_PROVISIONED, VPCPEER_KERNEL, &done,
			 extack);
	if (WARN_ON_ONCE(err))
		goto err_undo;
	dev = vpcpeer_dev_create(pcx, VPCPEER_ACCEPTER, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_undo;
	}
	acc->dev = dev;
	vpcpeer_dev_attach(dev, pcx);
	vpcpeer_dev_set_peer(req->dev, dev);
	vpcpeer_dev_set_peer(dev, req->dev);
	pcx_set_message(pcx, &done, NULL);
	/* The fast path reads the sides only after seeing ACTIVE. */
	smp_store_release(&pcx->state, done.next);
	vpcpeer_dev_activate(req->dev);
	vpcpeer_dev_activate(dev);
	list_del_init(&pcx->pending_node);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: active\n", pcx->id);
	pcx_moved(pcx, VPCPEER_PCX_PROVISIONING);
	return 0;

err_undo:
	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_PROVISION_FAILED,
				     VPCPEER_KERNEL, &v, NULL))) {
		pcx->state = v.next;
		pcx_set_message(pcx, &v, NULL);
		pcx_moved(pcx, VPCPEER_PCX_PROVISIONING);
	}
	return err;
}

/*
 * End a live connection as @v says, because of side @ender: detach its
 * devices, wait until no transmit can still be reading it, then queue the
 * devices on @kill (the caller unregisters them) and unlink it from its
 * VPCs. The status message is @v's, or @words. A deletion passes through
 * "deleting" in the open, as AWS shows it; the other ends go straight.
 */
static void pcx_end(struct vpcpeer_pcx *pcx,
		    const struct vpcpeer_pcx_verdict *v, const char *words,
		    int ender, struct list_head *kill)
{
	int old = pcx->state;
	int i;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	if (!v->ends)
		return;
	list_del_init(&pcx->pending_node);
	WRITE_ONCE(pcx->state, VPCPEER_PCX_DELETING);
	if (v->next == VPCPEER_PCX_DELETED) {
		strscpy(pcx->message, "Deleting", sizeof(pcx->message));
		pcx_moved(pcx, old);
		old = VPCPEER_PCX_DELETING;
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
	pcx_set_message(pcx, v, words);
	pcx_bury(pcx, ender);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: ended (%s)\n", pcx->id, pcx->message);
	pcx_moved(pcx, old);
}

void vpcpeer_pcx_destroy(struct vpcpeer_pcx *pcx, int ender, const char *why,
			 struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_DESTROY, VPCPEER_KERNEL,
				     &v, NULL)))
		pcx_end(pcx, &v, why, ender, kill);
}

/* Reject (R4: the accepter) or delete (either side, as the rules say). */
static int pcx_close(struct vpcpeer_pcx *pcx, unsigned int action, int by,
		     bool dry, struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	LIST_HEAD(kill);
	int err;

	err = pcx_decide(pcx, action, by, &v, extack);
	if (err || dry)
		return err;
	pcx_end(pcx, &v, NULL, by, &kill);
	unregister_netdevice_many(&kill);
	return 0;
}

int vpcpeer_pcx_reject(struct vpcpeer_pcx *pcx, int by, bool dry,
		       struct netlink_ext_ack *extack)
{
	return pcx_close(pcx, VPCPEER_PCX_REJECT, by, dry, extack);
}

int vpcpeer_pcx_delete(struct vpcpeer_pcx *pcx, int by, bool dry,
		       struct netlink_ext_ack *extack)
{
	return pcx_close(pcx, VPCPEER_PCX_DELETE, by, dry, extack);
}

int vpcpeer_pcx_set(struct vpcpeer_pcx *pcx, unsigned int sides,
		    const struct vpcpeer_side_opts *opts, bool dry,
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
	if (dry)
		return 0;
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
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_SET, pcx, -1,
			   vpcpeer_pcx_open_sides(pcx), 0);
	return 0;
}

/* A pcx device is going away without the peering being asked to end. */
void vpcpeer_pcx_dev_gone(struct net_device *dev, struct list_head *kill)
{
	struct vpcpeer_pcx *pcx;
	int s;

	lockdep_assert_held(&vpcpeer_lock);
	/*
	 * A side's device is set and attached in one locked step, and
	 * detached and cleared in another: the device knows its peering.
	 */
	pcx = vpcpeer_dev_pcx(dev, &s);
	if (pcx && !WARN_ON_ONCE(pcx->side[s].dev != dev))
		vpcpeer_pcx_destroy(pcx, s, "Deleted: its device was removed",
				    kill);
}

/* R2: nobody answered in time. */
static void pcx_expire(struct vpcpeer_pcx *pcx, struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_EXPIRE, VPCPEER_KERNEL,
				     &v, NULL)))
		pcx_end(pcx, &v, NULL, VPCPEER_KERNEL, kill);
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

void vpcpeer_pcx_start(void)
{
	mutex_lock(&vpcpeer_lock);
	kernel_param_lock(THIS_MODULE);
	vpcpeer_running = true;
	kernel_param_unlock(THIS_MODULE);
	mutex_unlock(&vpcpeer_lock);
}

/* Every VPC is gone by now, so every connection is a tombstone. */
void vpcpeer_pcx_exit(void)
{
	struct vpcpeer_pcx *pcx;
	unsigned long i;

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
}

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
#include "region.h"
#include "xproto.h"

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

/*
 * Peerings across regions whose last message the other region has yet to
 * answer (REQUEST, ACCEPT, REJECT, DELETE, EXPIRE): retransmitted by the
 * same delayed work, at region_retransmit_ms doubling up to 16 times it.
 */
static LIST_HEAD(vpcpeer_outbox);

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

static unsigned int region_retransmit_ms = 1000;
VPCPEER_UINT_RANGE_OPS(retransmit_ops, 10, 60000);
module_param_cb(region_retransmit_ms, &retransmit_ops, &region_retransmit_ms, 0644);
MODULE_PARM_DESC(region_retransmit_ms,
		 "first interval (ms) at which an unanswered message to another region is sent again; it doubles up to 16 times (default 1000)");

static unsigned int remote_delete_timeout_ms = 60000;
VPCPEER_UINT_RANGE_OPS(delete_timeout_ops, 10, 3600000);
module_param_cb(remote_delete_timeout_ms, &delete_timeout_ops,
		&remote_delete_timeout_ms, 0644);
MODULE_PARM_DESC(remote_delete_timeout_ms,
		 "how long (ms) a peering across regions stays deleting, and its end is sent again, without an answer (default 60000)");

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

static void pcx_init(struct vpcpeer_pcx *pcx)
{
	int i;

	pcx->state = VPCPEER_PCX_STATE_INITIATING_REQUEST;
	pcx->remote = -1;
	INIT_LIST_HEAD(&pcx->pending_node);
	INIT_LIST_HEAD(&pcx->out_node);
	for (i = 0; i < 2; i++) {
		pcx->side[i].pcx = pcx;
		INIT_LIST_HEAD(&pcx->side[i].vpc_node);
		INIT_LIST_HEAD(&pcx->side[i].tomb_node);
		pcx->side[i].open = true;
	}
}

/* Its region no longer needs to be kept for it. */
static void pcx_region_put(struct vpcpeer_pcx *pcx)
{
	if (!pcx->region)
		return;
	pcx->region->pcx_count--;
	pcx->region = NULL;
}

static void pcx_region_hold(struct vpcpeer_pcx *pcx, struct vpcpeer_region *r)
{
	pcx->region = r;
	pcx->region_id = r->id;
	r->pcx_count++;
}

/* Its outbox is empty: nothing more to send again. */
static void pcx_out_clear(struct vpcpeer_pcx *pcx)
{
	pcx->out_type = 0;
	list_del_init(&pcx->out_node);
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
	pcx_init(pcx);
	for (i = 0; i < 2; i++) {
		const struct vpcpeer_vpc *v = vpc[i] ?: req;

		pcx->side[i].vpc = vpc[i];
		pcx->side[i].vpc_id = vpc[i] ? v->id : named->id;
		strscpy(pcx->side[i].vpc_name,
			vpc[i] ? v->name : named->name ?: "",
			sizeof(pcx->side[i].vpc_name));
		/* In another region: nobody here owns it, nobody hears of it. */
		if (!vpc[i] && named->region)
			continue;
		pcx->side[i].owner = get_user_ns(vpcpeer_vpc_net(v)->user_ns);
		/* An accepter the requester may not know: heard of nowhere. */
		pcx->side[i].net_cookie = vpc[i] ? vpcpeer_vpc_net(v)->net_cookie
						 : 0;
	}
	if (named->region) {
		pcx->remote = VPCPEER_ACCEPTER;
		strscpy(pcx->side[VPCPEER_ACCEPTER].region, named->region->name,
			sizeof(pcx->side[VPCPEER_ACCEPTER].region));
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
	const struct vpcpeer_pcx *pcx;
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
	list_for_each_entry(pcx, &vpcpeer_outbox, out_node) {
		if (!any || time_before(pcx->retx_at, next))
			next = pcx->retx_at;
		any = true;
	}
	if (any)
		mod_delayed_work(system_wq, &vpcpeer_tick_work,
				 time_after(next, jiffies) ? next - jiffies : 0);
}

/*
 * On the expiry list, in deadline order (expiry_secs may have changed):
 * due at @expires (jiffies), shown as due at @expires_real.
 */
static void pcx_pend_at(struct vpcpeer_pcx *pcx, unsigned long expires,
			time64_t expires_real)
{
	struct vpcpeer_pcx *p;

	pcx->expires = expires;
	pcx->expires_real = expires_real;
	list_for_each_entry_reverse(p, &vpcpeer_pending, pending_node)
		if (!time_after(p->expires, pcx->expires))
			break;
	list_add(&pcx->pending_node, &p->pending_node);
	pcx_arm();
}

static void pcx_pend(struct vpcpeer_pcx *pcx)
{
	unsigned int secs = READ_ONCE(expiry_secs);

	pcx_pend_at(pcx, jiffies + (unsigned long)secs * HZ,
		    ktime_get_real_seconds() + secs);
}

/* --- telling another region ------------------------------------------------ */

/* Built under vpcpeer_lock, one at a time: too big for the stack. */
static struct vpcpeer_xmsg pcx_xmsg;

static void xmsg_init(struct vpcpeer_xmsg *m, u8 type, u32 pcx_id)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->pcx_id = pcx_id;
	m->epoch = vpcpeer_region_epoch();
}

static int xmsg_add_cidr(void *arg, const struct vpcpeer_cidr *c)
{
	struct vpcpeer_xmsg *m = arg;

	/* The same layout, field by field (xproto.h). */
	BUILD_BUG_ON(sizeof(struct vpcpeer_xcidr) != sizeof(struct vpcpeer_cidr));
	if (m->ncidrs >= VPCPEER_XP_MAX_CIDRS)
		return -E2BIG;
	memcpy(&m->cidrs[m->ncidrs++], c, sizeof(*c));
	m->present |= BIT(VPCPEER_XT_CIDR);
	return 0;
}

/* An answer about connection @pcx_id, which this host may not hold. */
static void region_answer(struct vpcpeer_region *r, u8 type, u32 pcx_id,
			  u8 code, u32 ack)
{
	struct vpcpeer_xmsg *m = &pcx_xmsg;

	xmsg_init(m, type, pcx_id);
	m->ack = ack;
	if (type != VPCPEER_XP_ACK) {
		m->code = code;
		m->present |= BIT(VPCPEER_XT_CODE);
	}
	vpcpeer_region_send(r, m);
}

/* RESULT 0 names the accepter VPC by its id here, which the requester shows. */
static void region_result_ok(struct vpcpeer_region *r, const struct vpcpeer_pcx *pcx)
{
	struct vpcpeer_xmsg *m = &pcx_xmsg;

	xmsg_init(m, VPCPEER_XP_RESULT, pcx->id);
	m->code = VPCPEER_XC_OK;
	m->acc_vpc_id = pcx->side[VPCPEER_ACCEPTER].vpc_id;
	m->present |= BIT(VPCPEER_XT_CODE) | BIT(VPCPEER_XT_ACC_VPC_ID);
	vpcpeer_region_send(r, m);
}

/* Message @type about @pcx, from what it is now, with version @seq. */
static void pcx_send(struct vpcpeer_pcx *pcx, u8 type, u32 seq)
{
	const struct vpcpeer_side *me = &pcx->side[!pcx->remote];
	struct vpcpeer_xmsg *m = &pcx_xmsg;

	if (!pcx->region)
		return;
	xmsg_init(m, type, pcx->id);
	m->seq = seq;
	switch (type) {
	case VPCPEER_XP_REQUEST: {
		const struct vpcpeer_side *acc = &pcx->side[VPCPEER_ACCEPTER];

		m->req_vpc_id = me->vpc_id;
		m->expires = pcx->expires_real;
		m->vni = vpcpeer_dev_vni(me->dev);
		m->present |= BIT(VPCPEER_XT_REQ_VPC_ID) | BIT(VPCPEER_XT_EXPIRES) |
			      BIT(VPCPEER_XT_VNI);
		if (acc->vpc_id) {
			m->acc_vpc_id = acc->vpc_id;
			m->present |= BIT(VPCPEER_XT_ACC_VPC_ID);
		} else {
			strscpy(m->acc_vpc_name, acc->vpc_name,
				sizeof(m->acc_vpc_name));
			m->present |= BIT(VPCPEER_XT_ACC_VPC_NAME);
		}
		vpcpeer_vpc_walk_cidrs(me->vpc, xmsg_add_cidr, m);
		break;
	}
	case VPCPEER_XP_ACCEPT:
		m->vni = vpcpeer_dev_vni(me->dev);
		m->present |= BIT(VPCPEER_XT_VNI);
		fallthrough;
	case VPCPEER_XP_UPDATE:
		m->allow_dns = me->allow_dns;
		m->present |= BIT(VPCPEER_XT_ALLOW_DNS);
		vpcpeer_vpc_walk_cidrs(me->vpc, xmsg_add_cidr, m);
		break;
	}
	vpcpeer_region_send(pcx->region, m);
}

static unsigned long retransmit_after(unsigned int n)
{
	return msecs_to_jiffies(READ_ONCE(region_retransmit_ms) << min(n, 4U));
}

/*
 * Tell @pcx's region @type, a new version of our side, and keep it in the
 * outbox until that region answers it (RESULT, ACTIVATED or ACK).
 */
static void pcx_out(struct vpcpeer_pcx *pcx, u8 type)
{
	if (!pcx->region)
		return;
	pcx->out_type = type;
	pcx->retx = 0;
	pcx->retx_at = jiffies + retransmit_after(0);
	list_move_tail(&pcx->out_node, &vpcpeer_outbox);
	pcx_send(pcx, type, ++pcx->tx_seq);
	pcx_arm();
}

/* What our REQUEST or ACCEPT could not carry: the blocks changed since. */
static void pcx_update_if_due(struct vpcpeer_pcx *pcx)
{
	if (!pcx->update_due)
		return;
	pcx->update_due = false;
	pcx_out(pcx, VPCPEER_XP_UPDATE);
}

static void pcx_deleted(struct vpcpeer_pcx *pcx);

/*
 * Send again what is due. An end (REJECT, DELETE, EXPIRE) is sent for
 * remote_delete_timeout_ms at most: a deletion then ends here unanswered.
 */
static void pcx_retransmit(void)
{
	struct vpcpeer_pcx *pcx, *tmp;
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(remote_delete_timeout_ms));

	list_for_each_entry_safe(pcx, tmp, &vpcpeer_outbox, out_node) {
		if (time_before(jiffies, pcx->retx_at))
			continue;
		if (!vpcpeer_pcx_live(pcx) &&
		    time_after(jiffies, pcx->ended + timeout)) {
			if (pcx->state == VPCPEER_PCX_STATE_DELETING) {
				pcx_deleted(pcx);
			} else {
				pcx_out_clear(pcx);
				pcx_region_put(pcx);
			}
			continue;
		}
		pcx->retx++;
		pcx->retx_at = jiffies + retransmit_after(pcx->retx);
		vpcpeer_region_count(pcx->region,
				     VPCPEER_REGION_STAT(CTL_RETRANSMITS), 1);
		pcx_send(pcx, pcx->out_type, pcx->tx_seq);
	}
}

static void pcx_erase(struct vpcpeer_pcx *pcx)
{
	pcx_out_clear(pcx);
	pcx_region_put(pcx);
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

		/* Another region's side is seen there, not here. */
		side->window = i == pcx->remote ? 0 :
			vpcpeer_pcx_window_hours(pcx->state, ender, i, same);
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
				  pcx->remote >= 0, &vpcpeer_link_ops, extack);
}

static int pcx_account_quota(const struct vpcpeer_vpc *req,
			     struct netlink_ext_ack *extack)
{
	if (account_pending_count(vpcpeer_vpc_owner(req)) >=
	    READ_ONCE(max_pending)) {
		NL_SET_ERR_MSG(extack,
			       "quota exceeded: the requester VPC's account has as many outstanding peering requests as allowed (module parameter max_pending_requests)");
		return -ENOSPC;
	}
	return 0;
}

/*
 * A request to a VPC in another region: what can be known here is checked
 * here (the quota, that the blocks fit in a message); the rest, there.
 * It stays initiating until that region answers.
 */
static int pcx_request_remote_check(const struct vpcpeer_vpc *req,
				    const struct vpcpeer_vpc_ref *named,
				    struct vpcpeer_pcx_plan *plan,
				    struct netlink_ext_ack *extack)
{
	if (vpcpeer_lpm_count(vpcpeer_vpc_lpm(req, AF_INET)) +
	    vpcpeer_lpm_count(vpcpeer_vpc_lpm(req, AF_INET6)) >
	    VPCPEER_XP_MAX_CIDRS) {
		NL_SET_ERR_MSG(extack,
			       "the requester VPC has more CIDR blocks than a request to another region carries (50)");
		return -E2BIG;
	}
	memset(plan, 0, sizeof(*plan));
	plan->state = VPCPEER_PCX_STATE_INITIATING_REQUEST;
	plan->reason = VPCPEER_PCX_REASON_REQUESTED;
	return pcx_account_quota(req, extack);
}

int vpcpeer_pcx_request_check(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			      const struct vpcpeer_vpc_ref *named,
			      struct vpcpeer_pcx_plan *plan,
			      struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	bool failed;

	lockdep_assert_held(&vpcpeer_lock);
	if (named->region)
		return pcx_request_remote_check(req, named, plan, extack);
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
	if (pcx_account_quota(req, extack))
		return -ENOSPC;
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
	if (acc)
		list_add_tail(&pcx->side[VPCPEER_ACCEPTER].vpc_node, &acc->sides);
	pcx_pend(pcx);
	if (named->region) {
		pcx_region_hold(pcx, named->region);
		pcx_out(pcx, VPCPEER_XP_REQUEST);
	}
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

/* AWS: "must be accepted in region Y" (rejected likewise). */
static int pcx_answer_here(const struct vpcpeer_pcx *pcx,
			   struct netlink_ext_ack *extack)
{
	if (pcx->remote != VPCPEER_ACCEPTER)
		return 0;
	NL_SET_ERR_MSG(extack,
		       "the accepter VPC is in another region: accept or reject the peering connection there");
	return -EPERM;
}

int vpcpeer_pcx_accept_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;

	lockdep_assert_held(&vpcpeer_lock);
	return pcx_answer_here(pcx, extack) ?:
	       pcx_decide(pcx, VPCPEER_PCX_ACCEPT, by, &v, extack) ?:
	       pcx_check_active_quota(pcx, extack);
}

/*
 * Accepting a request from another region: the accepter's device is made
 * (dormant) and the connection provisioning until the requester's region
 * confirms (ACTIVATED), the one that keeps the quotas of its VPC.
 */
static int pcx_accept_remote(struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	struct net_device *dev;
	int err;

	err = pcx_decide(pcx, VPCPEER_PCX_ACCEPT, by, &v, extack);
	if (WARN_ON_ONCE(err))
		return err;
	dev = pcx_dev_create(pcx, VPCPEER_ACCEPTER, extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	pcx->side[VPCPEER_ACCEPTER].dev = dev;
	pcx->state = v.next;
	pcx_set_reason(pcx, &v, -1);
	vpcpeer_generation++;
	pcx_moved(pcx, VPCPEER_PCX_STATE_PENDING_ACCEPTANCE);
	pcx_out(pcx, VPCPEER_XP_ACCEPT);
	return 0;
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
	if (pcx->remote == VPCPEER_REQUESTER)
		return pcx_accept_remote(pcx, by, extack);
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
 * ends with; the other ends go straight. Across regions, @tell is the
 * message that tells the other region (0: none, it knows), and @hold
 * keeps a deletion "deleting" until that region answers (AWS W2).
 */
static void pcx_end(struct vpcpeer_pcx *pcx,
		    const struct vpcpeer_pcx_verdict *v, int cause,
		    int ender, struct list_head *kill, u8 tell, bool hold)
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
			if (i == pcx->remote)
				vpcpeer_vpc_mirror_free(side->vpc);
			side->vpc = NULL;
		}
	}
	pcx_out_clear(pcx);
	if (tell)
		pcx_out(pcx, tell);
	if (hold && pcx->out_type) {
		pcx->ender = ender;
		pcx->ended = jiffies;
		vpcpeer_generation++;
		return;
	}
	if (!pcx->out_type)
		pcx_region_put(pcx);
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
		pcx_end(pcx, &v, cause, ender, kill,
			pcx->remote >= 0 ? VPCPEER_XP_DELETE : 0, false);
}

/* A deletion across regions, held "deleting", is over: answered or not. */
static void pcx_deleted(struct vpcpeer_pcx *pcx)
{
	pcx_out_clear(pcx);
	pcx_region_put(pcx);
	pcx->state = VPCPEER_PCX_STATE_DELETED;
	pcx_bury(pcx, pcx->ender);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: deleted\n", pcx->id);
	pcx_moved(pcx, VPCPEER_PCX_STATE_DELETING);
}

/* Reject (R4: the accepter) or delete (either side, as the rules say). */
static void pcx_close(struct vpcpeer_pcx *pcx, unsigned int action, int by)
{
	struct vpcpeer_pcx_verdict v;
	LIST_HEAD(kill);
	u8 tell = 0;

	if (WARN_ON_ONCE(pcx_decide(pcx, action, by, &v, NULL)))
		return;
	if (pcx->remote >= 0)
		tell = action == VPCPEER_PCX_REJECT ? VPCPEER_XP_REJECT :
						      VPCPEER_XP_DELETE;
	pcx_end(pcx, &v, -1, by, &kill, tell, action == VPCPEER_PCX_DELETE);
	unregister_netdevice_many(&kill);
}

int vpcpeer_pcx_reject_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;

	return pcx_answer_here(pcx, extack) ?:
	       pcx_decide(pcx, VPCPEER_PCX_REJECT, by, &v, extack);
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

		/* Another region's VPC is known here once it has accepted. */
		if (pcx->side[other].vpc &&
		    vpcpeer_cidr_overlaps_vpc(pcx->side[other].vpc, c)) {
			NL_SET_ERR_MSG(extack,
				       "CIDR block overlaps a CIDR block of a VPC this VPC has a peering with");
			return -EEXIST;
		}
		/* Another region must be told them all in one message. */
		if (pcx->remote >= 0 &&
		    vpcpeer_lpm_count(vpcpeer_vpc_lpm(vpc, AF_INET)) +
		    vpcpeer_lpm_count(vpcpeer_vpc_lpm(vpc, AF_INET6)) >=
		    VPCPEER_XP_MAX_CIDRS) {
			NL_SET_ERR_MSG(extack,
				       "the VPC has a peering with another region, which is told its CIDR blocks in one message: 50 at most");
			return -E2BIG;
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

/*
 * R2: nobody answered in time. Across regions the requester's module is
 * authoritative and tells the accepter's; a request its region never
 * answered fails; the accepter's side expires on its own only as a
 * backstop, an hour after the requester's deadline.
 */
static void pcx_expire(struct vpcpeer_pcx *pcx, struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (pcx->state == VPCPEER_PCX_STATE_INITIATING_REQUEST &&
	    pcx->remote >= 0) {
		if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_FAIL,
					     VPCPEER_KERNEL, &v, NULL))) {
			pcx_end(pcx, &v, VPCPEER_PCX_REASON_REGION_NO_ANSWER,
				VPCPEER_REQUESTER, kill, 0, false);
			return;
		}
	} else if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_EXPIRE,
					    VPCPEER_KERNEL, &v, NULL))) {
		pcx_end(pcx, &v, -1, VPCPEER_KERNEL, kill,
			pcx->remote == VPCPEER_ACCEPTER ? VPCPEER_XP_EXPIRE : 0,
			false);
		return;
	}
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
	pcx_retransmit();
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

/* --- what another region tells ---------------------------------------------- */

static bool any_vpc(const void *arg, const struct vpcpeer_vpc *vpc)
{
	return true;
}

/*
 * B's checks on a REQUEST from region @r (INTER-REGION.md 4.4): the code
 * of the RESULT, with *@accp the accepter VPC and *@mirror the requester's
 * when it is 0. Failures are opaque to the requester, as in AWS.
 */
static u8 remote_request_check(struct vpcpeer_region *r,
			       const struct vpcpeer_xmsg *m,
			       struct vpcpeer_vpc **accp,
			       struct vpcpeer_vpc **mirror)
{
	unsigned int region_pending = 0, vpc_pending = 0;
	const struct vpcpeer_side *side;
	const struct vpcpeer_pcx *p;
	struct vpcpeer_cidr hit;
	struct vpcpeer_vpc *acc;

	list_for_each_entry(p, &vpcpeer_pending, pending_node) {
		if (p->region != r || p->remote != VPCPEER_REQUESTER)
			continue;
		region_pending++;
		vpc_pending += p->side[VPCPEER_REQUESTER].vpc_id == m->req_vpc_id;
	}
	if (region_pending >= 1024 || vpc_pending >= READ_ONCE(max_pending))
		return VPCPEER_XC_QUOTA;
	if (m->present & BIT(VPCPEER_XT_ACC_VPC_ID))
		acc = vpcpeer_vpc_find(m->acc_vpc_id);
	else
		acc = vpcpeer_vpc_find_name(m->acc_vpc_name, NULL, any_vpc, NULL);
	if (IS_ERR_OR_NULL(acc))
		return VPCPEER_XC_FAILED;
	/* R6: one live connection per pair. */
	list_for_each_entry(side, &acc->sides, vpc_node) {
		p = side->pcx;
		if (p->remote >= 0 && p->region == r &&
		    p->side[p->remote].vpc_id == m->req_vpc_id)
			return VPCPEER_XC_PAIR_EXISTS;
	}
	*mirror = vpcpeer_vpc_mirror(m->req_vpc_id, "",
				     (const struct vpcpeer_cidr *)m->cidrs,
				     m->ncidrs);
	if (IS_ERR(*mirror))
		return VPCPEER_XC_MALFORMED;
	/* R5, opaque: the requester learns nothing of our blocks. */
	if (vpcpeer_vpcs_overlap(*mirror, acc, &hit)) {
		vpcpeer_vpc_mirror_free(*mirror);
		return VPCPEER_XC_FAILED;
	}
	*accp = acc;
	return VPCPEER_XC_OK;
}

/* B: a request from a VPC of region @r for one of ours. */
static int remote_request(struct vpcpeer_region *r, struct vpcpeer_pcx *pcx,
			  const struct vpcpeer_xmsg *m)
{
	struct vpcpeer_vpc *acc, *mirror;
	s64 secs;
	u8 code;
	int err;

	if (pcx) {
		/* Ours from that region: answered already, answer again. */
		if (pcx->remote == VPCPEER_REQUESTER && pcx->region_id == r->id)
			region_result_ok(r, pcx);
		else
			region_answer(r, VPCPEER_XP_RESULT, m->pcx_id,
				      VPCPEER_XC_ID_IN_USE, 0);
		return 0;
	}
	code = remote_request_check(r, m, &acc, &mirror);
	if (code) {
		/* As in AWS, a failed request leaves nothing with the accepter. */
		region_answer(r, VPCPEER_XP_RESULT, m->pcx_id, code, 0);
		return 0;
	}
	pcx = kzalloc(sizeof(*pcx), GFP_KERNEL);
	if (!pcx) {
		vpcpeer_vpc_mirror_free(mirror);
		return -ENOMEM;
	}
	pcx_init(pcx);
	pcx->id = m->pcx_id;
	pcx->remote = VPCPEER_REQUESTER;
	pcx->peer_vni = m->vni;
	pcx->rx_seq = m->seq;
	pcx->side[VPCPEER_REQUESTER].vpc = mirror;
	pcx->side[VPCPEER_REQUESTER].vpc_id = m->req_vpc_id;
	strscpy(pcx->side[VPCPEER_REQUESTER].region, r->name,
		sizeof(pcx->side[VPCPEER_REQUESTER].region));
	pcx->side[VPCPEER_ACCEPTER].vpc = acc;
	pcx->side[VPCPEER_ACCEPTER].vpc_id = acc->id;
	strscpy(pcx->side[VPCPEER_ACCEPTER].vpc_name, acc->name,
		sizeof(pcx->side[VPCPEER_ACCEPTER].vpc_name));
	pcx->side[VPCPEER_ACCEPTER].owner = get_user_ns(vpcpeer_vpc_owner(acc));
	pcx->side[VPCPEER_ACCEPTER].net_cookie = vpcpeer_vpc_net(acc)->net_cookie;
	err = xa_insert(&vpcpeer_pcxs, pcx->id, pcx, GFP_KERNEL);
	if (err) {
		vpcpeer_vpc_mirror_free(mirror);
		pcx_free_rcu(&pcx->rcu);
		return err;
	}
	pcx->state = VPCPEER_PCX_STATE_PENDING_ACCEPTANCE;
	pcx->reason = VPCPEER_PCX_REASON_REQUESTED;
	list_add_tail(&pcx->side[VPCPEER_REQUESTER].vpc_node, &mirror->sides);
	list_add_tail(&pcx->side[VPCPEER_ACCEPTER].vpc_node, &acc->sides);
	pcx_region_hold(pcx, r);
	/* The requester expires it; we only in case it is gone (1 h later). */
	secs = clamp_t(s64, (s64)m->expires - ktime_get_real_seconds(), 0,
		       INT_MAX / 2);
	pcx_pend_at(pcx, jiffies + (unsigned long)secs * HZ + hours_to_jiffies(1),
		    m->expires);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: requested from region %s\n", pcx->id, r->name);
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_REQUEST_NTF, pcx, -1,
			   vpcpeer_pcx_open_sides(pcx), 0);
	region_result_ok(r, pcx);
	return 0;
}

/* A: the accepter's region answered our request. */
static int remote_result(struct vpcpeer_pcx *pcx, const struct vpcpeer_xmsg *m,
			 struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (pcx->remote != VPCPEER_ACCEPTER)
		return -EINVAL;
	/* A duplicate: the request was answered. */
	if (pcx->state != VPCPEER_PCX_STATE_INITIATING_REQUEST)
		return 0;
	pcx_out_clear(pcx);
	if (m->code != VPCPEER_XC_OK) {
		if (WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_FAIL, VPCPEER_KERNEL,
					    &v, NULL)))
			return 0;
		pcx_end(pcx, &v, m->code == VPCPEER_XC_FAILED ?
			VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP :
			VPCPEER_PCX_REASON_REGION_REFUSED,
			VPCPEER_REQUESTER, kill, 0, false);
		return 0;
	}
	if (WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_REQUEST, VPCPEER_REQUESTER,
				    &v, NULL)))
		return 0;
	if (m->present & BIT(VPCPEER_XT_ACC_VPC_ID))
		pcx->side[VPCPEER_ACCEPTER].vpc_id = m->acc_vpc_id;
	pcx->state = v.next;
	pcx_set_reason(pcx, &v, -1);
	vpcpeer_generation++;
	pcx_moved(pcx, VPCPEER_PCX_STATE_INITIATING_REQUEST);
	pcx_update_if_due(pcx);
	return 0;
}

/* What ACTIVATED says of @pcx as it is, to a (repeated) ACCEPT. */
static u8 activated_code(const struct vpcpeer_pcx *pcx)
{
	if (pcx->state == VPCPEER_PCX_STATE_ACTIVE)
		return VPCPEER_XC_OK;
	if (pcx->state == VPCPEER_PCX_STATE_EXPIRED)
		return VPCPEER_XC_EXPIRED;
	return VPCPEER_XC_DELETED;
}

/* A: the accepter's owner accepted, in its region. */
static int remote_accept(struct vpcpeer_region *r, struct vpcpeer_pcx *pcx,
			 const struct vpcpeer_xmsg *m)
{
	struct vpcpeer_side *req = &pcx->side[VPCPEER_REQUESTER];
	struct vpcpeer_side *acc = &pcx->side[VPCPEER_ACCEPTER];
	struct vpcpeer_pcx_verdict v, done;
	struct vpcpeer_vpc *mirror;
	int err;

	if (pcx->remote != VPCPEER_ACCEPTER)
		return -EINVAL;
	/* Our RESULT has not come back yet: the ACCEPT will, again. */
	if (pcx->state == VPCPEER_PCX_STATE_INITIATING_REQUEST)
		return 0;
	if (m->seq <= pcx->rx_seq ||
	    pcx->state != VPCPEER_PCX_STATE_PENDING_ACCEPTANCE) {
		/*
		 * A stale ACCEPT of one refused for the quota is not answered:
		 * "deleted" would end the peering if it was accepted again.
		 */
		if (pcx->state != VPCPEER_PCX_STATE_PENDING_ACCEPTANCE)
			region_answer(r, VPCPEER_XP_ACTIVATED, pcx->id,
				      activated_code(pcx), 0);
		return 0;
	}
	pcx->rx_seq = m->seq;
	/* R7 for our VPC; the accepter's region kept its own. */
	if (vpc_active_count(req->vpc) >= READ_ONCE(max_active)) {
		region_answer(r, VPCPEER_XP_ACTIVATED, pcx->id, VPCPEER_XC_QUOTA, 0);
		return 0;
	}
	if (pcx_decide(pcx, VPCPEER_PCX_ACCEPT, VPCPEER_ACCEPTER, &v, NULL))
		return -EINVAL;
	mirror = vpcpeer_vpc_mirror(acc->vpc_id, "",
				    (const struct vpcpeer_cidr *)m->cidrs,
				    m->ncidrs);
	if (IS_ERR(mirror)) {
		pcx->rx_seq--;
		return PTR_ERR(mirror);
	}
	pcx->state = v.next;
	pcx_set_reason(pcx, &v, -1);
	pcx_moved(pcx, VPCPEER_PCX_STATE_PENDING_ACCEPTANCE);
	acc->vpc = mirror;
	list_add_tail(&acc->vpc_node, &mirror->sides);
	acc->allow_dns = m->allow_dns;
	pcx->peer_vni = m->vni;
	err = vpcpeer_dev_join_remote(req->dev, r, pcx->peer_vni,
				      vpcpeer_vpc_lpm(req->vpc, AF_INET),
				      vpcpeer_vpc_lpm(req->vpc, AF_INET6),
				      vpcpeer_vpc_lpm(mirror, AF_INET),
				      vpcpeer_vpc_lpm(mirror, AF_INET6));
	if (err ||
	    WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_PROVISIONED,
				    VPCPEER_KERNEL, &done, NULL))) {
		/* Back to pending: the next ACCEPT tries again. */
		list_del_init(&acc->vpc_node);
		acc->vpc = NULL;
		vpcpeer_vpc_mirror_free(mirror);
		pcx->rx_seq--;
		if (!pcx_decide(pcx, VPCPEER_PCX_PROVISION_FAILED,
				VPCPEER_KERNEL, &v, NULL)) {
			pcx->state = v.next;
			pcx_set_reason(pcx, &v, -1);
			pcx_moved(pcx, VPCPEER_PCX_STATE_PROVISIONING);
		}
		return err ?: -EINVAL;
	}
	pcx->state = done.next;
	pcx_set_reason(pcx, &done, -1);
	list_del_init(&pcx->pending_node);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: active across regions\n", pcx->id);
	pcx_moved(pcx, VPCPEER_PCX_STATE_PROVISIONING);
	region_answer(r, VPCPEER_XP_ACTIVATED, pcx->id, VPCPEER_XC_OK, 0);
	return 0;
}

/* B: the requester's region confirmed (or not) our accept. */
static int remote_activated(struct vpcpeer_region *r, struct vpcpeer_pcx *pcx,
			    const struct vpcpeer_xmsg *m, struct list_head *kill)
{
	struct vpcpeer_side *acc = &pcx->side[VPCPEER_ACCEPTER];
	struct vpcpeer_side *req = &pcx->side[VPCPEER_REQUESTER];
	struct vpcpeer_pcx_verdict v;
	int err;

	if (pcx->remote != VPCPEER_REQUESTER)
		return -EINVAL;
	if (pcx->state != VPCPEER_PCX_STATE_PROVISIONING ||
	    pcx->out_type != VPCPEER_XP_ACCEPT)
		return 0;
	pcx_out_clear(pcx);
	switch (m->code) {
	case VPCPEER_XC_OK:
		if (WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_PROVISIONED,
					    VPCPEER_KERNEL, &v, NULL)))
			return 0;
		err = vpcpeer_dev_join_remote(acc->dev, r, pcx->peer_vni,
					      vpcpeer_vpc_lpm(acc->vpc, AF_INET),
					      vpcpeer_vpc_lpm(acc->vpc, AF_INET6),
					      vpcpeer_vpc_lpm(req->vpc, AF_INET),
					      vpcpeer_vpc_lpm(req->vpc, AF_INET6));
		if (err) {
			/* Ask again: the answer comes back, and so do we. */
			pcx_out(pcx, VPCPEER_XP_ACCEPT);
			return err;
		}
		pcx->state = v.next;
		pcx_set_reason(pcx, &v, -1);
		list_del_init(&pcx->pending_node);
		vpcpeer_generation++;
		pr_debug("pcx-%08x: active across regions\n", pcx->id);
		pcx_moved(pcx, VPCPEER_PCX_STATE_PROVISIONING);
		pcx_update_if_due(pcx);
		return 0;
	case VPCPEER_XC_QUOTA:
		/* The requester VPC is at its quota: pending again, no device. */
		if (pcx_decide(pcx, VPCPEER_PCX_PROVISION_FAILED, VPCPEER_KERNEL,
			       &v, NULL))
			return 0;
		vpcpeer_dev_detach(acc->dev);
		synchronize_net();
		vpcpeer_dev_stats(acc->dev, &acc->last);
		unregister_netdevice_queue(acc->dev, kill);
		acc->dev = NULL;
		pcx->state = v.next;
		pcx_set_reason(pcx, &v, -1);
		vpcpeer_generation++;
		pcx_moved(pcx, VPCPEER_PCX_STATE_PROVISIONING);
		return 0;
	case VPCPEER_XC_EXPIRED:
		if (!pcx_decide(pcx, VPCPEER_PCX_EXPIRE, VPCPEER_KERNEL, &v, NULL))
			pcx_end(pcx, &v, -1, VPCPEER_KERNEL, kill, 0, false);
		return 0;
	default:
		if (!pcx_decide(pcx, VPCPEER_PCX_DESTROY, VPCPEER_KERNEL, &v, NULL))
			pcx_end(pcx, &v, VPCPEER_PCX_REASON_DELETED_BY_REQUESTER,
				VPCPEER_REQUESTER, kill, 0, false);
		return 0;
	}
}

/* Either side: the other region rejected, deleted or expired it. */
static int remote_end(struct vpcpeer_region *r, struct vpcpeer_pcx *pcx,
		      const struct vpcpeer_xmsg *m, struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;
	int role;

	/* Answered whatever we hold: it ends there in any case. */
	region_answer(r, VPCPEER_XP_ACK, m->pcx_id, 0, m->seq);
	if (!pcx || m->seq <= pcx->rx_seq)
		return 0;
	pcx->rx_seq = m->seq;
	role = pcx->remote;
	switch (m->type) {
	case VPCPEER_XP_REJECT:
		if (role == VPCPEER_ACCEPTER &&
		    !pcx_decide(pcx, VPCPEER_PCX_REJECT, role, &v, NULL))
			pcx_end(pcx, &v, -1, role, kill, 0, false);
		break;
	case VPCPEER_XP_EXPIRE:
		if (role == VPCPEER_REQUESTER &&
		    !pcx_decide(pcx, VPCPEER_PCX_EXPIRE, VPCPEER_KERNEL, &v, NULL))
			pcx_end(pcx, &v, -1, VPCPEER_KERNEL, kill, 0, false);
		break;
	case VPCPEER_XP_DELETE:
		/* Deleted on both sides at once: ours is answered too. */
		if (pcx->state == VPCPEER_PCX_STATE_DELETING) {
			pcx_deleted(pcx);
			break;
		}
		if (!vpcpeer_pcx_live(pcx))
			break;
		/* What its owner may delete there, or what ended otherwise. */
		if (!pcx_decide(pcx, VPCPEER_PCX_DELETE, role, &v, NULL))
			pcx_end(pcx, &v, -1, role, kill, 0, false);
		else if (!pcx_decide(pcx, VPCPEER_PCX_DESTROY, VPCPEER_KERNEL,
				     &v, NULL))
			pcx_end(pcx, &v, role == VPCPEER_REQUESTER ?
				VPCPEER_PCX_REASON_DELETED_BY_REQUESTER :
				VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER,
				role, kill, 0, false);
		break;
	}
	return 0;
}

/*
 * Either side: the other VPC's blocks changed there. The mirror is made
 * anew and the path replaced with one to it; the old mirror goes once no
 * packet can be reading it. Blocks that would overlap ours (a change
 * racing one here) are refused: the old ones stay, which fails closed.
 */
static int remote_update(struct vpcpeer_region *r, struct vpcpeer_pcx *pcx,
			 const struct vpcpeer_xmsg *m)
{
	struct vpcpeer_side *them = &pcx->side[pcx->remote];
	struct vpcpeer_side *me = &pcx->side[!pcx->remote];
	struct vpcpeer_vpc *mirror, *old;
	struct vpcpeer_cidr hit;
	int err;

	if (m->seq <= pcx->rx_seq) {
		region_answer(r, VPCPEER_XP_ACK, pcx->id, 0, m->seq);
		return 0;
	}
	/* Not mirrored yet: the ACCEPT to come carries the blocks. */
	if (!vpcpeer_pcx_live(pcx) || !them->vpc || !me->vpc) {
		pcx->rx_seq = m->seq;
		region_answer(r, VPCPEER_XP_ACK, pcx->id, 0, m->seq);
		return 0;
	}
	mirror = vpcpeer_vpc_mirror(them->vpc_id, "",
				    (const struct vpcpeer_cidr *)m->cidrs,
				    m->ncidrs);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);	/* unanswered: sent again */
	pcx->rx_seq = m->seq;
	region_answer(r, VPCPEER_XP_ACK, pcx->id, 0, m->seq);
	if (vpcpeer_vpcs_overlap(mirror, me->vpc, &hit)) {
		vpcpeer_vpc_mirror_free(mirror);
		return -EINVAL;
	}
	if (me->dev && pcx->state == VPCPEER_PCX_STATE_ACTIVE) {
		err = vpcpeer_dev_join_remote(me->dev, r, pcx->peer_vni,
					      vpcpeer_vpc_lpm(me->vpc, AF_INET),
					      vpcpeer_vpc_lpm(me->vpc, AF_INET6),
					      vpcpeer_vpc_lpm(mirror, AF_INET),
					      vpcpeer_vpc_lpm(mirror, AF_INET6));
		if (err) {
			pcx->rx_seq--;
			vpcpeer_vpc_mirror_free(mirror);
			return err;
		}
		synchronize_net();
	}
	old = them->vpc;
	list_del(&them->vpc_node);
	them->vpc = mirror;
	list_add_tail(&them->vpc_node, &mirror->sides);
	vpcpeer_vpc_mirror_free(old);
	if (m->present & BIT(VPCPEER_XT_ALLOW_DNS))
		them->allow_dns = m->allow_dns;
	vpcpeer_generation++;
	vpcpeer_notify_pcx(VPCPEER_CMD_PCX_SET_NTF, pcx, -1,
			   vpcpeer_pcx_open_sides(pcx), 0);
	return 0;
}

void vpcpeer_pcx_vpc_changed(struct vpcpeer_vpc *vpc)
{
	struct vpcpeer_side *side;

	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry(side, &vpc->sides, vpc_node) {
		struct vpcpeer_pcx *pcx = side->pcx;

		if (pcx->remote < 0 || !vpcpeer_pcx_live(pcx))
			continue;
		/* The REQUEST or ACCEPT under way may be answered already. */
		if (pcx->out_type == VPCPEER_XP_REQUEST ||
		    pcx->out_type == VPCPEER_XP_ACCEPT)
			pcx->update_due = true;
		else
			pcx_out(pcx, VPCPEER_XP_UPDATE);
	}
}

/* The other region has what we told it last. */
static int remote_ack(struct vpcpeer_pcx *pcx, const struct vpcpeer_xmsg *m)
{
	switch (pcx->out_type) {
	case VPCPEER_XP_UPDATE:
	case VPCPEER_XP_REJECT:
	case VPCPEER_XP_DELETE:
	case VPCPEER_XP_EXPIRE:
		break;
	default:
		return 0;
	}
	if (m->ack != pcx->tx_seq)
		return 0;
	if (pcx->state == VPCPEER_PCX_STATE_DELETING) {
		pcx_deleted(pcx);
		return 0;
	}
	pcx_out_clear(pcx);
	if (!vpcpeer_pcx_live(pcx))
		pcx_region_put(pcx);
	return 0;
}

int vpcpeer_pcx_remote_rcv(struct vpcpeer_region *r,
			   const struct vpcpeer_xmsg *m)
{
	struct vpcpeer_pcx *pcx = vpcpeer_pcx_find(m->pcx_id);
	LIST_HEAD(kill);
	int err = 0;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	if (m->type == VPCPEER_XP_REQUEST)
		return remote_request(r, pcx, m);
	/* Scope (4.5): a region acts only on peerings with its own VPCs. */
	if (pcx && (pcx->remote < 0 || pcx->region_id != r->id))
		return -EINVAL;
	switch (m->type) {
	case VPCPEER_XP_RESULT:
		err = pcx ? remote_result(pcx, m, &kill) : -ENOENT;
		break;
	case VPCPEER_XP_ACCEPT:
		if (pcx)
			err = remote_accept(r, pcx, m);
		else	/* gone with its last tombstone */
			region_answer(r, VPCPEER_XP_ACTIVATED, m->pcx_id,
				      VPCPEER_XC_DELETED, 0);
		break;
	case VPCPEER_XP_ACTIVATED:
		err = pcx ? remote_activated(r, pcx, m, &kill) : -ENOENT;
		break;
	case VPCPEER_XP_REJECT:
	case VPCPEER_XP_DELETE:
	case VPCPEER_XP_EXPIRE:
		err = remote_end(r, pcx, m, &kill);
		break;
	case VPCPEER_XP_ACK:
		err = pcx ? remote_ack(pcx, m) : -ENOENT;
		break;
	case VPCPEER_XP_UPDATE:
		err = pcx ? remote_update(r, pcx, m) : -ENOENT;
		break;
	default:
		err = -EINVAL;
	}
	unregister_netdevice_many(&kill);
	pcx_arm();
	return err;
}

void vpcpeer_pcx_region_restarted(struct vpcpeer_region *r)
{
	struct vpcpeer_pcx_verdict v;
	struct vpcpeer_pcx *pcx;
	unsigned long i;
	LIST_HEAD(kill);

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	xa_for_each(&vpcpeer_pcxs, i, pcx) {
		if (pcx->region != r)
			continue;
		/* Nothing we owed the old module means anything to the new. */
		pcx_out_clear(pcx);
		if (pcx->state == VPCPEER_PCX_STATE_DELETING) {
			pcx_deleted(pcx);
			continue;
		}
		if (!vpcpeer_pcx_live(pcx)) {
			pcx_region_put(pcx);
			continue;
		}
		if (!pcx_decide(pcx, pcx->state == VPCPEER_PCX_STATE_INITIATING_REQUEST ?
				VPCPEER_PCX_FAIL : VPCPEER_PCX_DESTROY,
				VPCPEER_KERNEL, &v, NULL))
			pcx_end(pcx, &v, VPCPEER_PCX_REASON_REGION_RESTARTED,
				pcx->remote, &kill, 0, false);
	}
	unregister_netdevice_many(&kill);
	pcx_arm();
}

int vpcpeer_pcx_region_del_check(const struct vpcpeer_region *r,
				 struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx *pcx;
	unsigned long i;

	lockdep_assert_held(&vpcpeer_lock);
	xa_for_each(&vpcpeer_pcxs, i, pcx) {
		if (pcx->region == r && vpcpeer_pcx_live(pcx)) {
			NL_SET_ERR_MSG(extack,
				       "live peering connections use the region: delete them first");
			return -EBUSY;
		}
	}
	return 0;
}

void vpcpeer_pcx_region_del(struct vpcpeer_region *r)
{
	struct vpcpeer_pcx *pcx;
	unsigned long i;

	lockdep_assert_held(&vpcpeer_lock);
	xa_for_each(&vpcpeer_pcxs, i, pcx) {
		if (pcx->region != r)
			continue;
		if (pcx->state == VPCPEER_PCX_STATE_DELETING) {
			pcx_deleted(pcx);
		} else {
			pcx_out_clear(pcx);
			pcx_region_put(pcx);
		}
	}
	pcx_arm();
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
	/* What the other regions were still owed was sent once: enough. */
	while (!list_empty(&vpcpeer_outbox)) {
		pcx = list_first_entry(&vpcpeer_outbox, struct vpcpeer_pcx,
				       out_node);
		pcx_out_clear(pcx);
		pcx_region_put(pcx);
	}
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

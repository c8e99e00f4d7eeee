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
 * period, and only then tear the rest down. Ended connections stay behind
 * as tombstones, visible in "peering show", for tombstone_secs.
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
static LIST_HEAD(vpcpeer_tombs);

static unsigned int tombstone_secs = 7200;
module_param(tombstone_secs, uint, 0644);
MODULE_PARM_DESC(tombstone_secs,
		 "how long an ended peering connection stays visible (AWS: 2 h to 2 d)");

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

static struct vpcpeer_pcx *pcx_alloc(struct vpcpeer_vpc *req,
				     struct vpcpeer_vpc *acc)
{
	struct vpcpeer_vpc *vpc[2] = { req, acc };
	struct vpcpeer_pcx *pcx;
	int err, i;

	pcx = kzalloc(sizeof(*pcx), GFP_KERNEL);
	if (!pcx)
		return ERR_PTR(-ENOMEM);
	pcx->state = VPCPEER_PCX_INITIATING_REQUEST;
	INIT_LIST_HEAD(&pcx->tomb_node);
	for (i = 0; i < 2; i++) {
		pcx->side[i].pcx = pcx;
		pcx->side[i].vpc = vpc[i];
		pcx->side[i].vpc_id = vpc[i]->id;
		strscpy(pcx->side[i].vpc_name, vpc[i]->name,
			sizeof(pcx->side[i].vpc_name));
		pcx->side[i].owner = get_user_ns(vpcpeer_vpc_net(vpc[i])->user_ns);
		INIT_LIST_HEAD(&pcx->side[i].vpc_node);
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

static void pcx_bury(struct vpcpeer_pcx *pcx)
{
	pcx->ended = jiffies;
	list_add_tail(&pcx->tomb_node, &vpcpeer_tombs);
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

int vpcpeer_pcx_request(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			struct vpcpeer_pcx **out,
			struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	struct vpcpeer_pcx *pcx;
	struct net_device *dev;
	char why[sizeof(pcx->message)];
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
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
	pcx = pcx_alloc(req, acc);
	if (IS_ERR(pcx))
		return PTR_ERR(pcx);

	/* R5: overlapping blocks fail the request, and it stays visible. */
	if (vpcpeer_vpcs_overlap(req, acc, why, sizeof(why))) {
		err = pcx_decide(pcx, VPCPEER_PCX_FAIL, VPCPEER_KERNEL, &v,
				 extack);
		if (WARN_ON_ONCE(err))
			goto err_free;
		pcx->state = v.next;
		pcx_set_message(pcx, &v, why);
		pcx->side[VPCPEER_REQUESTER].vpc = NULL;
		pcx->side[VPCPEER_ACCEPTER].vpc = NULL;
		pcx_bury(pcx);
		goto out;
	}

	err = pcx_decide(pcx, VPCPEER_PCX_REQUEST, VPCPEER_REQUESTER, &v,
			 extack);
	if (WARN_ON_ONCE(err))
		goto err_free;
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
out:
	vpcpeer_generation++;
	pr_debug("pcx-%08x: created (%s)\n", pcx->id, pcx->message);
	*out = pcx;
	return 0;

err_free:
	xa_erase(&vpcpeer_pcxs, pcx->id);
	pcx_free_rcu(&pcx->rcu);
	return err;
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
	if (err)
		return err;
	pcx->state = v.next;
	pcx_set_message(pcx, &v, NULL);
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
	vpcpeer_generation++;
	pr_debug("pcx-%08x: active\n", pcx->id);
	return 0;

err_undo:
	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_PROVISION_FAILED,
				     VPCPEER_KERNEL, &v, NULL))) {
		pcx->state = v.next;
		pcx_set_message(pcx, &v, NULL);
	}
	return err;
}

/*
 * End a live connection as @v says: detach its devices, wait until no
 * transmit can still be reading it, then queue the devices on @kill (the
 * caller unregisters them) and unlink it from its VPCs. The status message
 * is @v's, or @words.
 */
static void pcx_end(struct vpcpeer_pcx *pcx,
		    const struct vpcpeer_pcx_verdict *v, const char *words,
		    struct list_head *kill)
{
	int i;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	if (!v->ends)
		return;
	WRITE_ONCE(pcx->state, VPCPEER_PCX_DELETING);
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
	pcx_bury(pcx);
	vpcpeer_generation++;
	pr_debug("pcx-%08x: ended (%s)\n", pcx->id, pcx->message);
}

/* The kernel ends @pcx, if it is still live, because @why. */
void vpcpeer_pcx_destroy(struct vpcpeer_pcx *pcx, const char *why,
			 struct list_head *kill)
{
	struct vpcpeer_pcx_verdict v;

	if (!WARN_ON_ONCE(pcx_decide(pcx, VPCPEER_PCX_DESTROY, VPCPEER_KERNEL,
				     &v, NULL)))
		pcx_end(pcx, &v, why, kill);
}

/* Reject (R4: the accepter) or delete (either side, as the rules say). */
static int pcx_close(struct vpcpeer_pcx *pcx, unsigned int action, int by,
		     struct netlink_ext_ack *extack)
{
	struct vpcpeer_pcx_verdict v;
	LIST_HEAD(kill);
	int err;

	err = pcx_decide(pcx, action, by, &v, extack);
	if (err)
		return err;
	pcx_end(pcx, &v, NULL, &kill);
	unregister_netdevice_many(&kill);
	return 0;
}

int vpcpeer_pcx_reject(struct vpcpeer_pcx *pcx, int by,
		       struct netlink_ext_ack *extack)
{
	return pcx_close(pcx, VPCPEER_PCX_REJECT, by, extack);
}

int vpcpeer_pcx_delete(struct vpcpeer_pcx *pcx, int by,
		       struct netlink_ext_ack *extack)
{
	return pcx_close(pcx, VPCPEER_PCX_DELETE, by, extack);
}

/* A pcx device is going away without the peering being asked to end. */
void vpcpeer_pcx_dev_gone(struct net_device *dev, struct list_head *kill)
{
	struct vpcpeer_pcx *pcx;
	unsigned long i;

	lockdep_assert_held(&vpcpeer_lock);
	xa_for_each(&vpcpeer_pcxs, i, pcx) {
		if (pcx->side[0].dev == dev || pcx->side[1].dev == dev) {
			vpcpeer_pcx_destroy(pcx,
					    "Deleted: its device was removed",
					    kill);
			return;
		}
	}
}

/* Tombstones older than tombstone_secs go; @all: every one (unload). */
void vpcpeer_pcx_reap(bool all)
{
	unsigned long window = (unsigned long)tombstone_secs * HZ;
	struct vpcpeer_pcx *pcx, *tmp;

	lockdep_assert_held(&vpcpeer_lock);
	list_for_each_entry_safe(pcx, tmp, &vpcpeer_tombs, tomb_node) {
		/* Buried in order: every later tombstone is younger. */
		if (!all && time_before(jiffies, pcx->ended + window))
			break;
		list_del(&pcx->tomb_node);
		xa_erase(&vpcpeer_pcxs, pcx->id);
		vpcpeer_generation++;
		pr_debug("pcx-%08x: destroyed\n", pcx->id);
		call_rcu(&pcx->rcu, pcx_free_rcu);
	}
}

/* Every VPC is gone by now, so every connection is a tombstone. */
void vpcpeer_pcx_exit(void)
{
	mutex_lock(&vpcpeer_lock);
	vpcpeer_pcx_reap(true);
	WARN_ON(!xa_empty(&vpcpeer_pcxs));
	mutex_unlock(&vpcpeer_lock);
	/* The RCU callbacks above belong to this module's code. */
	rcu_barrier();
}

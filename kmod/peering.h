/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peering connections (peering.c): their life and state, their devices
 * (which peering.c alone makes and ends, and whose link ops it owns), and
 * what becomes of them when a VPC or a namespace goes.
 */
#ifndef _VPCPEER_PEERING_H
#define _VPCPEER_PEERING_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/user_namespace.h>

#include "device.h"
#include "pcx_fsm.h"
#include "vpc.h"
#include "vpcpeer.h"

struct vpcpeer_region;
struct vpcpeer_xmsg;

struct vpcpeer_side {
	struct vpcpeer_pcx *pcx;
	/* NULL once the peering has ended; vpc_id/vpc_name stay for show. */
	struct vpcpeer_vpc *vpc;
	u32 vpc_id;
	char vpc_name[VPCPEER_NAME_MAX];
	/*
	 * The VPC's owner, the "account": the user namespace owning its netns.
	 * Held (get_user_ns) for the connection's life, tombstone included,
	 * so that who may see or act on it can always be checked.
	 */
	struct user_namespace *owner;
	/* Its VPC's namespace, by cookie (never reused): who hears events. */
	u64 net_cookie;
	struct net_device *dev;		/* NULL unless the device exists */
	struct list_head vpc_node;	/* on vpc->sides while live */
	struct vpcpeer_stats last;	/* the device's counters when it went */
	/* Per-side options (R14), set only while active. */
	bool allow_dns;
	char tag[VPCPEER_TAG_MAX];
	/*
	 * R3: this side's owner sees the connection while it is live and,
	 * once it has ended, for @window AWS hours (vpcpeer_pcx_window_hours)
	 * after pcx->ended, while waiting on a tombstone list (@tomb_node).
	 */
	bool open;
	u8 window;
	struct list_head tomb_node;
	/*
	 * A side in another region (pcx->remote is its index): the region's
	 * name, kept for show. Its vpc is then a mirror the pcx owns, its
	 * owner NULL (nobody here administers it) and it has no device.
	 */
	char region[VPCPEER_REGION_NAME_MAX];
};

struct vpcpeer_pcx {
	u32 id;
	u8 state;			/* enum vpcpeer_pcx_state */
	u8 reason;			/* enum vpcpeer_pcx_reason */
	/* Reason overlap: the requester's block that overlaps the accepter. */
	struct vpcpeer_cidr overlap;
	struct vpcpeer_side side[2];	/* [VPCPEER_REQUESTER], [VPCPEER_ACCEPTER] */
	/* R2: while pending, on the expiry list, by deadline (jiffies). */
	unsigned long expires;
	time64_t expires_real;		/* the same, for userspace */
	struct list_head pending_node;
	unsigned long ended;		/* jiffies: the tombstone windows start */
	s64 ended_real_ms;		/* the same, wall clock, for userspace */
	/*
	 * Across regions: which side is in another region (-1: neither),
	 * that region while the connection needs it (it counts in its
	 * pcx_count), and its id, which outlives it. What the two modules
	 * tell each other about the connection is versioned by seq (ours and
	 * the highest of theirs); the one message still unanswered, if any,
	 * is retransmitted from the outbox (on the outbox list).
	 */
	s8 remote;
	struct vpcpeer_region *region;
	u64 region_id;
	u32 peer_vni;			/* where the remote side receives data */
	u32 tx_seq, rx_seq;
	u8 out_type;			/* enum vpcpeer_xp_type; 0: none */
	/* Our blocks changed while REQUEST or ACCEPT was unanswered. */
	bool update_due;
	s8 ender;			/* deleting: the side that deleted it */
	u8 retx;
	unsigned long retx_at;		/* jiffies */
	struct list_head out_node;
	struct rcu_head rcu;
};

/* Sides (bits of 1 << VPCPEER_REQUESTER, 1 << VPCPEER_ACCEPTER). */
#define VPCPEER_BOTH_SIDES	3

static inline bool vpcpeer_pcx_live(const struct vpcpeer_pcx *pcx)
{
	return vpcpeer_pcx_state_live(pcx->state);
}

/* The link kind and the namespace hook, then the timer once all is up. */
int vpcpeer_pcx_init(void);
void vpcpeer_pcx_start(void);
/* Every namespace's VPCs and peerings end, then the tombstones go. */
void vpcpeer_pcx_exit(void);

struct vpcpeer_pcx *vpcpeer_pcx_find(u32 id);
struct vpcpeer_pcx *vpcpeer_pcx_next(unsigned long *index);

/*
 * How a request named its accepter. @opaque: the requester's owner does
 * not administer the accepter VPC, or there is none (the request's @acc
 * is then NULL): the request fails as AWS's does, without saying which.
 */
struct vpcpeer_vpc_ref {
	u32 id;
	const char *name;
	bool opaque;
	/* An accepter in another region: the VPC is named there, not here. */
	struct vpcpeer_region *region;
};

/*
 * Each step in two, under rtnl and vpcpeer_lock: *_check() says whether
 * it may be taken and, if not, why (AWS DryRun answers from it alone);
 * the step itself, taken only after its check passed, may then fail only
 * for want of memory or a device.
 */

/* What a request will make: the state and reason it will have. */
struct vpcpeer_pcx_plan {
	u8 state;
	u8 reason;
	struct vpcpeer_cidr overlap;
};

int vpcpeer_pcx_request_check(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			      const struct vpcpeer_vpc_ref *named,
			      struct vpcpeer_pcx_plan *plan,
			      struct netlink_ext_ack *extack);
int vpcpeer_pcx_request(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			const struct vpcpeer_vpc_ref *named,
			const struct vpcpeer_pcx_plan *plan,
			struct vpcpeer_pcx **out,
			struct netlink_ext_ack *extack);
int vpcpeer_pcx_accept_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack);
int vpcpeer_pcx_accept(struct vpcpeer_pcx *pcx, int by,
		       struct netlink_ext_ack *extack);
int vpcpeer_pcx_reject_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack);
void vpcpeer_pcx_reject(struct vpcpeer_pcx *pcx, int by);
int vpcpeer_pcx_delete_check(const struct vpcpeer_pcx *pcx, int by,
			     struct netlink_ext_ack *extack);
void vpcpeer_pcx_delete(struct vpcpeer_pcx *pcx, int by);
/* R14: options of the sides in @sides (bits); @opts[side] as parsed. */
struct vpcpeer_side_opts {
	bool set_dns, allow_dns;
	const char *tag;		/* NULL: unchanged */
};

int vpcpeer_pcx_set_check(const struct vpcpeer_pcx *pcx, unsigned int sides,
			  struct netlink_ext_ack *extack);
void vpcpeer_pcx_set(struct vpcpeer_pcx *pcx, unsigned int sides,
		     const struct vpcpeer_side_opts *opts);
/*
 * R5 for the life of a peering: may @vpc take block @c, which must not
 * overlap a block of a VPC it has a live peering with?
 */
int vpcpeer_pcx_cidr_check(const struct vpcpeer_vpc *vpc,
			   const struct vpcpeer_cidr *c,
			   struct netlink_ext_ack *extack);
/*
 * End every peering of @vpc for @cause (vpc-gone or netns-gone; their
 * devices go on @kill, which the caller unregisters), announce its end
 * and delete it.
 */
void vpcpeer_pcx_vpc_del(struct vpcpeer_vpc *vpc,
			 enum vpcpeer_pcx_reason cause, struct list_head *kill);
/*
 * Across regions (region.c calls these from its control work, under rtnl
 * and vpcpeer_lock): a message about a peering from region @r, whose
 * epoch region.c has checked (0, or -EINVAL: it makes no sense here);
 * and @r's module restarted, its peerings with us are over.
 */
int vpcpeer_pcx_remote_rcv(struct vpcpeer_region *r,
			   const struct vpcpeer_xmsg *m);
void vpcpeer_pcx_region_restarted(struct vpcpeer_region *r);
/*
 * Region @r may go while none of its peerings is live (those being deleted
 * or ended but not yet answered do not keep it); and it goes: they end
 * unanswered and forget it.
 */
int vpcpeer_pcx_region_del_check(const struct vpcpeer_region *r,
				 struct netlink_ext_ack *extack);
void vpcpeer_pcx_region_del(struct vpcpeer_region *r);
/*
 * @vpc's blocks changed: tell the regions of its peerings (UPDATE), whose
 * modules check what they receive from it against them.
 */
void vpcpeer_pcx_vpc_changed(struct vpcpeer_vpc *vpc);
/* Expire due requests, close due tombstone views, arm the timer. */
void vpcpeer_pcx_tick(void);
/* The sides (bits) of @pcx whose owner can still see it. */
unsigned int vpcpeer_pcx_open_sides(const struct vpcpeer_pcx *pcx);
/* Side @side's owner may still see @pcx (R3). */
bool vpcpeer_pcx_side_visible(const struct vpcpeer_pcx *pcx, int side);
/* When side @side's view of ended @pcx closes, in seconds since the epoch. */
time64_t vpcpeer_pcx_visible_until(const struct vpcpeer_pcx *pcx, int side);

#endif /* _VPCPEER_PEERING_H */

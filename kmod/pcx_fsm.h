/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The peering connection's state machine (R1, R2, R4) as one pure
 * function: given the state a connection is in, what is asked of it and
 * who asks, vpcpeer_pcx_decide() says whether it may happen, the state it
 * moves to, why (enum vpcpeer_pcx_reason), or the errno and extack
 * message of the refusal. It touches no kernel object, so peering.c and
 * netlink.c ask it for every decision and the host and KUnit tests check
 * it against a table of every state, action and role.
 *
 * States are enum vpcpeer_pcx_state (uapi). Who asks is the role the
 * caller acts in: the owner of the requester's or of the accepter's VPC,
 * or the kernel itself (checks at request time, device creation, expiry,
 * a VPC, device or namespace going away).
 */
#ifndef _VPCPEER_PCX_FSM_H
#define _VPCPEER_PCX_FSM_H

#include <linux/types.h>
#include <uapi/linux/vpcpeer.h>

/* Also the index of a peering's two sides, pcx->side[]. */
enum vpcpeer_role {
	VPCPEER_REQUESTER,
	VPCPEER_ACCEPTER,
	VPCPEER_KERNEL,
	VPCPEER_ROLE_MAX
};

enum vpcpeer_pcx_action {
	VPCPEER_PCX_REQUEST,		/* the request passed its checks */
	VPCPEER_PCX_FAIL,		/* it did not: overlapping CIDRs (R5) */
	VPCPEER_PCX_ACCEPT,
	VPCPEER_PCX_PROVISIONED,	/* the accepter's device is up */
	VPCPEER_PCX_PROVISION_FAILED,	/* it could not be made: undo accept */
	VPCPEER_PCX_REJECT,
	VPCPEER_PCX_DELETE,		/* by one side: deleted-by-<role> */
	VPCPEER_PCX_EXPIRE,		/* nobody answered in time (R2) */
	VPCPEER_PCX_DESTROY,		/* a VPC, device or netns went (R15) */
	VPCPEER_PCX_SET_OPTIONS,	/* a side's options (R14) */
	VPCPEER_PCX_ACTION_MAX
};

/*
 * The answer. Refused: @err is a negative errno and @extack says why.
 * Allowed: @err is 0 and the connection moves to @next (which may be the
 * state it is in: nothing to do). @ends: it leaves the live states, so its
 * devices go and it becomes a tombstone, passing through "deleting" while
 * they do. @reason is its new enum vpcpeer_pcx_reason, or -1 where the
 * caller knows it (which overlap, or what went away) or it stays.
 */
struct vpcpeer_pcx_verdict {
	int err;
	const char *extack;
	u8 next;
	bool ends;
	int reason;
};

struct vpcpeer_pcx_verdict vpcpeer_pcx_decide(unsigned int state,
					      unsigned int action,
					      unsigned int role);
/* Counts as a pair's one live connection (R6); may still change. */
bool vpcpeer_pcx_state_live(unsigned int state);

/*
 * R3: how long, in AWS hours, a connection that ended in @state stays
 * visible to its side @side, when side @ender ended it (deleted it, or its
 * VPC, namespace or device went; ignored for the other end states).
 * @same_owner: both VPCs have one owner, and then every window is 2 h.
 * 0: that side never sees the tombstone.
 */
unsigned int vpcpeer_pcx_window_hours(unsigned int state, unsigned int ender,
				      unsigned int side, bool same_owner);

#endif /* _VPCPEER_PCX_FSM_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of a peering connection's life (R1, R2, R4, R5), as data: for
 * each action, the states in which each role may take it and where it
 * leads. Everything else is refused, and how is decided in one order for
 * every action: a role that may never take it gets -EPERM; a role that may
 * not, in a state where another role may, gets -EPERM too (a pending
 * request is withdrawn by its requester, not the accepter); otherwise the
 * state is wrong for anyone, -EINVAL. Accepting and rejecting are the
 * accepter's alone, so the requester hears -EPERM whatever the state.
 * Ended connections (the tombstones) take no action; the kernel tearing
 * down what is already gone is no error, only nothing to do.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/types.h>

#include "pcx_fsm.h"

#define S(state)	BIT(VPCPEER_PCX_STATE_##state)
#define LIVE		(S(INITIATING_REQUEST) | S(PENDING_ACCEPTANCE) | \
			 S(PROVISIONING) | S(ACTIVE))
#define ENDED		(S(REJECTED) | S(EXPIRED) | S(FAILED) | \
			 S(DELETING) | S(DELETED))
/* The reason is "deleted by" the side that acted. */
#define BY_ACTOR	-2

struct pcx_rule {
	unsigned long may[VPCPEER_ROLE_MAX];	/* states, per role */
	unsigned long idle;	/* states where it is allowed but a no-op */
	u8 next;
	bool ends;
	s8 reason;		/* enum vpcpeer_pcx_reason; -1: the caller's */
	const char *never;	/* -EPERM: not this role's to take */
	const char *not_now;	/* -EPERM: another role's, in this state */
	const char *wrong;	/* -EINVAL: nobody's, in this state */
};

static const char only_accepter[] =
	"only the accepter VPC's owner can accept or reject";
static const char not_pending[] =
	"the peering connection is not pending acceptance";
static const char only_kernel_provisions[] =
	"only the kernel provisions a peering connection";
static const char not_provisioning[] =
	"the peering connection is not provisioning";

static const struct pcx_rule pcx_rules[VPCPEER_PCX_ACTION_MAX] = {
	[VPCPEER_PCX_REQUEST] = {
		.may[VPCPEER_REQUESTER] = S(INITIATING_REQUEST),
		.next = VPCPEER_PCX_STATE_PENDING_ACCEPTANCE,
		.reason = VPCPEER_PCX_REASON_REQUESTED,
		.never = "only the requester VPC's owner requests a peering connection",
		.wrong = "the peering connection has already been requested",
	},
	[VPCPEER_PCX_FAIL] = {
		.may[VPCPEER_KERNEL] = S(INITIATING_REQUEST),
		.next = VPCPEER_PCX_STATE_FAILED, .ends = true, .reason = -1,
		.never = "only the kernel's checks fail a request",
		.wrong = "only a request being initiated can fail its checks",
	},
	[VPCPEER_PCX_ACCEPT] = {
		.may[VPCPEER_ACCEPTER] = S(PENDING_ACCEPTANCE),
		.next = VPCPEER_PCX_STATE_PROVISIONING,
		.reason = VPCPEER_PCX_REASON_ACCEPTED,
		.never = only_accepter, .wrong = not_pending,
	},
	[VPCPEER_PCX_PROVISIONED] = {
		.may[VPCPEER_KERNEL] = S(PROVISIONING),
		.next = VPCPEER_PCX_STATE_ACTIVE,
		.reason = VPCPEER_PCX_REASON_PROVISIONED,
		.never = only_kernel_provisions, .wrong = not_provisioning,
	},
	[VPCPEER_PCX_PROVISION_FAILED] = {
		.may[VPCPEER_KERNEL] = S(PROVISIONING),
		.next = VPCPEER_PCX_STATE_PENDING_ACCEPTANCE,
		.reason = VPCPEER_PCX_REASON_REQUESTED,
		.never = only_kernel_provisions, .wrong = not_provisioning,
	},
	[VPCPEER_PCX_REJECT] = {
		.may[VPCPEER_ACCEPTER] = S(PENDING_ACCEPTANCE),
		.next = VPCPEER_PCX_STATE_REJECTED, .ends = true,
		.reason = VPCPEER_PCX_REASON_REJECTED,
		.never = only_accepter, .wrong = not_pending,
	},
	/*
	 * A request still initiating is another region's to answer, which
	 * may never come: its requester may withdraw it as a pending one.
	 */
	[VPCPEER_PCX_DELETE] = {
		.may[VPCPEER_REQUESTER] = S(INITIATING_REQUEST) |
					  S(PENDING_ACCEPTANCE) | S(ACTIVE),
		.may[VPCPEER_ACCEPTER] = S(ACTIVE),
		.next = VPCPEER_PCX_STATE_DELETED, .ends = true,
		.reason = BY_ACTOR,
		.never = "only the requester or accepter VPC's owner deletes a peering connection",
		.not_now = "only the requester deletes a pending request; the accepter rejects it",
		/* AWS: failed and rejected connections cannot be deleted. */
		.wrong = "only an active or pending peering connection can be deleted",
	},
	/*
	 * Across regions the accepter's side is provisioning until the
	 * requester's region confirms; the requester, authoritative for its
	 * request, may have let it expire meanwhile.
	 */
	[VPCPEER_PCX_EXPIRE] = {
		.may[VPCPEER_KERNEL] = S(PENDING_ACCEPTANCE) | S(PROVISIONING),
		.next = VPCPEER_PCX_STATE_EXPIRED, .ends = true,
		.reason = VPCPEER_PCX_REASON_EXPIRED,
		.never = "only the kernel expires a request",
		.wrong = "only a request pending acceptance (or provisioning) expires",
	},
	[VPCPEER_PCX_DESTROY] = {
		.may[VPCPEER_KERNEL] = LIVE,
		.idle = ENDED,
		.next = VPCPEER_PCX_STATE_DELETED, .ends = true, .reason = -1,
		.never = "only the kernel destroys a peering connection",
	},
	[VPCPEER_PCX_SET_OPTIONS] = {
		.may[VPCPEER_REQUESTER] = S(ACTIVE),
		.may[VPCPEER_ACCEPTER] = S(ACTIVE),
		.next = VPCPEER_PCX_STATE_ACTIVE, .reason = -1,
		.never = "only the requester or accepter VPC's owner sets a side's options",
		.wrong = "options can be set only while the peering connection is active",
	},
};

struct vpcpeer_pcx_verdict vpcpeer_pcx_decide(unsigned int state,
					      unsigned int action,
					      unsigned int role)
{
	struct vpcpeer_pcx_verdict v = { .err = -EPERM, .next = state,
					 .reason = -1 };
	const struct pcx_rule *r;
	unsigned int other;

	if (state >= __VPCPEER_PCX_STATE_MAX || action >= VPCPEER_PCX_ACTION_MAX ||
	    role >= VPCPEER_ROLE_MAX) {
		v.err = -EINVAL;
		v.extack = "no such state, action or role";
		return v;
	}
	r = &pcx_rules[action];
	if (!r->may[role]) {
		v.extack = r->never;
		return v;
	}
	if (r->may[role] & BIT(state)) {
		v.err = 0;
		v.next = r->next;
		v.ends = r->ends;
		v.reason = r->reason;
		if (r->reason == BY_ACTOR)
			v.reason = role == VPCPEER_REQUESTER ?
				   VPCPEER_PCX_REASON_DELETED_BY_REQUESTER :
				   VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER;
		return v;
	}
	if (r->idle & BIT(state)) {
		v.err = 0;
		return v;
	}
	for (other = 0; other < VPCPEER_ROLE_MAX; other++) {
		if (r->may[other] & BIT(state)) {
			v.extack = r->not_now;
			return v;
		}
	}
	v.err = -EINVAL;
	v.extack = r->wrong;
	return v;
}

/* AWS's windows: 2 h to the side that caused the end, 2 d to the other. */
#define SHORT	2
#define LONG	48

unsigned int vpcpeer_pcx_window_hours(unsigned int state, unsigned int ender,
				      unsigned int side, bool same_owner)
{
	unsigned int h;

	if (side > VPCPEER_ACCEPTER)
		return 0;
	switch (state) {
	case VPCPEER_PCX_STATE_FAILED:	/* the requester's alone */
		h = side == VPCPEER_REQUESTER ? SHORT : 0;
		break;
	case VPCPEER_PCX_STATE_EXPIRED:
		h = LONG;
		break;
	case VPCPEER_PCX_STATE_REJECTED:	/* the accepter rejected */
		h = side == VPCPEER_ACCEPTER ? SHORT : LONG;
		break;
	case VPCPEER_PCX_STATE_DELETED:
		h = side == ender ? SHORT : LONG;
		break;
	default:			/* not ended */
		return 0;
	}
	return same_owner && h ? SHORT : h;
}

bool vpcpeer_pcx_state_live(unsigned int state)
{
	return state < __VPCPEER_PCX_STATE_MAX && (LIVE & BIT(state));
}

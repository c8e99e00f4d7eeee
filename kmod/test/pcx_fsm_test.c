// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the peering state machine (kmod/pcx_fsm.c), one source for the
 * KUnit module and the host's cmocka run (see vtest.h). The heart is a
 * table written out by hand from DESIGN.md (R1-R5) and AWS's documented
 * behaviour, not computed from the code under test: for every state,
 * every action and every role, the expected verdict (allowed: the next
 * state, whether the connection ends, its reason; refused: the
 * errno and the extack message). The messages are copied here on purpose,
 * so that changing what a user reads means changing this file too. Then
 * AWS's lifecycles walked step by step, and properties that must hold
 * whatever the table says: ended connections go nowhere, every refusal is
 * explained. Last, the tombstone windows (R3), against a table of AWS's
 * documented windows written out the same way.
 */
#include "vtest.h"

#include <linux/errno.h>
#include <linux/types.h>

#include "../pcx_fsm.h"

/* What the user reads, copied by hand from the rules. */
#define M_ONLY_REQUESTER "only the requester VPC's owner requests a peering connection"
#define M_REQUESTED	"the peering connection has already been requested"
#define M_ONLY_CHECKS	"only the kernel's checks fail a request"
#define M_NOT_INIT	"only a request being initiated can fail its checks"
#define M_ONLY_ACCEPTER	"only the accepter VPC's owner can accept or reject"
#define M_NOT_PENDING	"the peering connection is not pending acceptance"
#define M_ONLY_KERNEL_PROV "only the kernel provisions a peering connection"
#define M_NOT_PROV	"the peering connection is not provisioning"
#define M_ONLY_SIDES	"only the requester or accepter VPC's owner deletes a peering connection"
#define M_PENDING_REQ	"only the requester deletes a pending request; the accepter rejects it"
#define M_NOT_DELETABLE	"only an active or pending peering connection can be deleted"
#define M_ONLY_KERNEL_EXP "only the kernel expires a request"
#define M_NOT_EXPIRING	"only a request pending acceptance (or provisioning) expires"
#define M_ONLY_KERNEL_DESTROY "only the kernel destroys a peering connection"
#define M_ONLY_SIDES_SET "only the requester or accepter VPC's owner sets a side's options"
#define M_NOT_ACTIVE_SET "options can be set only while the peering connection is active"
#define M_INVALID	"no such state, action or role"

struct cell {
	bool set;		/* written in the table, not left zero */
	int err;
	const char *extack;
	int next;		/* -1: stays in its state */
	bool ends;
	int reason;		/* -1: the caller's (KEEP) */
};

/* Allowed: to @n; @e: it ends; reason @r (KEEP: the caller's). */
#define VPCPEER_PCX_REASON_KEEP	-1
#define GO(n, e, r)	{ true, 0, NULL, VPCPEER_PCX_STATE_##n, e, VPCPEER_PCX_REASON_##r }
/* Allowed, and nothing to do. */
#define IDLE		{ true, 0, NULL, -1, false, -1 }
/* Refused with -@e and message @m. */
#define NO(e, m)	{ true, -(e), m, -1, false, -1 }

#define REQ	VPCPEER_REQUESTER
#define ACC	VPCPEER_ACCEPTER
#define KERN	VPCPEER_KERNEL

#define IR	VPCPEER_PCX_STATE_INITIATING_REQUEST
#define PA	VPCPEER_PCX_STATE_PENDING_ACCEPTANCE
#define PR	VPCPEER_PCX_STATE_PROVISIONING
#define AC	VPCPEER_PCX_STATE_ACTIVE
#define RJ	VPCPEER_PCX_STATE_REJECTED
#define EX	VPCPEER_PCX_STATE_EXPIRED
#define FA	VPCPEER_PCX_STATE_FAILED
#define DG	VPCPEER_PCX_STATE_DELETING
#define DD	VPCPEER_PCX_STATE_DELETED

/* Columns: the requester's owner, the accepter's owner, the kernel. */
static const struct cell fsm_want[VPCPEER_PCX_ACTION_MAX][__VPCPEER_PCX_STATE_MAX]
			     [VPCPEER_ROLE_MAX] = {
	[VPCPEER_PCX_REQUEST] = {
		[IR] = { GO(PENDING_ACCEPTANCE, false, REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[PA] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[PR] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[AC] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[RJ] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[EX] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[FA] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[DG] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
		[DD] = { NO(EINVAL, M_REQUESTED),
			 NO(EPERM, M_ONLY_REQUESTER), NO(EPERM, M_ONLY_REQUESTER) },
	},
	/* R5: overlapping CIDRs; the reason (which overlap) is the caller's. */
	[VPCPEER_PCX_FAIL] = {
		[IR] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 GO(FAILED, true, KEEP) },
		[PA] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[PR] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[AC] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[RJ] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[EX] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[FA] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[DG] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
		[DD] = { NO(EPERM, M_ONLY_CHECKS), NO(EPERM, M_ONLY_CHECKS),
			 NO(EINVAL, M_NOT_INIT) },
	},
	/* R4: the accepter's alone; the requester hears -EPERM in any state. */
	[VPCPEER_PCX_ACCEPT] = {
		[IR] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[PA] = { NO(EPERM, M_ONLY_ACCEPTER),
			 GO(PROVISIONING, false, ACCEPTED),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[PR] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[AC] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[RJ] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[EX] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[FA] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[DG] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[DD] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
	},
	[VPCPEER_PCX_PROVISIONED] = {
		[IR] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[PA] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[PR] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 GO(ACTIVE, false, PROVISIONED) },
		[AC] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[RJ] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[EX] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[FA] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[DG] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[DD] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
	},
	/* The accepter's device could not be made: back to waiting. */
	[VPCPEER_PCX_PROVISION_FAILED] = {
		[IR] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[PA] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[PR] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 GO(PENDING_ACCEPTANCE, false, REQUESTED) },
		[AC] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[RJ] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[EX] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[FA] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[DG] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
		[DD] = { NO(EPERM, M_ONLY_KERNEL_PROV), NO(EPERM, M_ONLY_KERNEL_PROV),
			 NO(EINVAL, M_NOT_PROV) },
	},
	[VPCPEER_PCX_REJECT] = {
		[IR] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[PA] = { NO(EPERM, M_ONLY_ACCEPTER),
			 GO(REJECTED, true, REJECTED),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[PR] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[AC] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[RJ] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[EX] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[FA] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[DG] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
		[DD] = { NO(EPERM, M_ONLY_ACCEPTER), NO(EINVAL, M_NOT_PENDING),
			 NO(EPERM, M_ONLY_ACCEPTER) },
	},
	/*
	 * R4: either side deletes an active connection, only the requester
	 * a pending one; failed and rejected ones cannot be deleted (AWS).
	 */
	[VPCPEER_PCX_DELETE] = {
		[IR] = { GO(DELETED, true, DELETED_BY_REQUESTER),
			 NO(EPERM, M_PENDING_REQ), NO(EPERM, M_ONLY_SIDES) },
		[PA] = { GO(DELETED, true, DELETED_BY_REQUESTER),
			 NO(EPERM, M_PENDING_REQ), NO(EPERM, M_ONLY_SIDES) },
		[PR] = { NO(EINVAL, M_NOT_DELETABLE), NO(EINVAL, M_NOT_DELETABLE),
			 NO(EPERM, M_ONLY_SIDES) },
		[AC] = { GO(DELETED, true, DELETED_BY_REQUESTER),
			 GO(DELETED, true, DELETED_BY_ACCEPTER),
			 NO(EPERM, M_ONLY_SIDES) },
		[RJ] = { NO(EINVAL, M_NOT_DELETABLE), NO(EINVAL, M_NOT_DELETABLE),
			 NO(EPERM, M_ONLY_SIDES) },
		[EX] = { NO(EINVAL, M_NOT_DELETABLE), NO(EINVAL, M_NOT_DELETABLE),
			 NO(EPERM, M_ONLY_SIDES) },
		[FA] = { NO(EINVAL, M_NOT_DELETABLE), NO(EINVAL, M_NOT_DELETABLE),
			 NO(EPERM, M_ONLY_SIDES) },
		[DG] = { NO(EINVAL, M_NOT_DELETABLE), NO(EINVAL, M_NOT_DELETABLE),
			 NO(EPERM, M_ONLY_SIDES) },
		[DD] = { NO(EINVAL, M_NOT_DELETABLE), NO(EINVAL, M_NOT_DELETABLE),
			 NO(EPERM, M_ONLY_SIDES) },
	},
	/* R2: a request nobody answered. */
	[VPCPEER_PCX_EXPIRE] = {
		[IR] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
		[PA] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 GO(EXPIRED, true, EXPIRED) },
		[PR] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 GO(EXPIRED, true, EXPIRED) },
		[AC] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
		[RJ] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
		[EX] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
		[FA] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
		[DG] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
		[DD] = { NO(EPERM, M_ONLY_KERNEL_EXP), NO(EPERM, M_ONLY_KERNEL_EXP),
			 NO(EINVAL, M_NOT_EXPIRING) },
	},
	/*
	 * R15: a VPC, device or namespace went; what ended already has
	 * nothing left to tear down. The reason (what went) is the caller's.
	 */
	[VPCPEER_PCX_DESTROY] = {
		[IR] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), GO(DELETED, true, KEEP) },
		[PA] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), GO(DELETED, true, KEEP) },
		[PR] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), GO(DELETED, true, KEEP) },
		[AC] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), GO(DELETED, true, KEEP) },
		[RJ] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), IDLE },
		[EX] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), IDLE },
		[FA] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), IDLE },
		[DG] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), IDLE },
		[DD] = { NO(EPERM, M_ONLY_KERNEL_DESTROY),
			 NO(EPERM, M_ONLY_KERNEL_DESTROY), IDLE },
	},
	/*
	 * R14: each side's owner sets its side's options (which side is
	 * netlink.c's check), only while active; the state stays, nothing
	 * ends, the reason is left alone. Never the kernel's.
	 */
	[VPCPEER_PCX_SET_OPTIONS] = {
		[IR] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[PA] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[PR] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[AC] = { GO(ACTIVE, false, KEEP), GO(ACTIVE, false, KEEP),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[RJ] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[EX] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[FA] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[DG] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
		[DD] = { NO(EINVAL, M_NOT_ACTIVE_SET), NO(EINVAL, M_NOT_ACTIVE_SET),
			 NO(EPERM, M_ONLY_SIDES_SET) },
	},
};

static const char *const state_names[__VPCPEER_PCX_STATE_MAX] = {
	"initiating-request", "pending-acceptance", "provisioning", "active",
	"rejected", "expired", "failed", "deleting", "deleted",
};

static const char *const action_names[VPCPEER_PCX_ACTION_MAX] = {
	"request", "fail", "accept", "provisioned", "provision-failed",
	"reject", "delete", "expire", "destroy", "set-options",
};

static const char *const role_names[VPCPEER_ROLE_MAX] = {
	"requester", "accepter", "kernel",
};

/* Every state, action and role against the table. */
static void test_every_transition(struct kunit *test)
{
	unsigned int s, a, r, cells = 0, allowed = 0;

	/* A new action needs its row above, its name and this count. */
	VT_ASSERT(test, VPCPEER_PCX_ACTION_MAX == 10, "%u actions",
		  (unsigned int)VPCPEER_PCX_ACTION_MAX);
	for (a = 0; a < VPCPEER_PCX_ACTION_MAX; a++) {
		for (s = 0; s < __VPCPEER_PCX_STATE_MAX; s++) {
			for (r = 0; r < VPCPEER_ROLE_MAX; r++) {
				const struct cell *w = &fsm_want[a][s][r];
				struct vpcpeer_pcx_verdict v;
				int next = w->next < 0 ? (int)s : w->next;

				VT_ASSERT(test, w->set, "the table has no %s %s by %s",
					  state_names[s], action_names[a], role_names[r]);
				v = vpcpeer_pcx_decide(s, a, r);
				VT_EXPECT(test, v.err == w->err && v.next == next &&
					  v.ends == w->ends && v.reason == w->reason &&
					  vtest_streq(v.extack, w->extack),
					  "%s, %s by %s: got %d \"%s\" -> %s%s reason %d; want %d \"%s\" -> %s%s reason %d",
					  state_names[s], action_names[a], role_names[r],
					  v.err, v.extack ?: "", v.next < __VPCPEER_PCX_STATE_MAX ?
					  state_names[v.next] : "?", v.ends ? " (ends)" : "",
					  v.reason,
					  w->err, w->extack ?: "", state_names[next],
					  w->ends ? " (ends)" : "", w->reason);
				cells++;
				allowed += !w->err;
			}
		}
	}
	VT_EXPECT_EQ(test, cells, 9 * 10 * 3);
	/* request, fail, accept, provisioned, provision-failed, reject,
	 * delete (4: initiating across regions, pending, active by either),
	 * expire (2: pending, and provisioning across regions), destroy
	 * (4 + 5 idle), set-options (2)
	 */
	VT_EXPECT_EQ(test, allowed, 1 + 1 + 1 + 1 + 1 + 1 + 4 + 2 + 9 + 2);
	vt_info(test, "%u cells, %u allowed", cells, allowed);
}

/* Only the first four states count as the pair's one live peering (R6). */
static void test_live_states(struct kunit *test)
{
	static const bool live[__VPCPEER_PCX_STATE_MAX] = {
		[IR] = true, [PA] = true, [PR] = true, [AC] = true,
		[RJ] = false, [EX] = false, [FA] = false, [DG] = false,
		[DD] = false,
	};
	unsigned int s;

	for (s = 0; s < __VPCPEER_PCX_STATE_MAX; s++)
		VT_EXPECT(test, vpcpeer_pcx_state_live(s) == live[s], "%s",
			  state_names[s]);
	VT_EXPECT(test, !vpcpeer_pcx_state_live(__VPCPEER_PCX_STATE_MAX), "past the end");
	VT_EXPECT(test, !vpcpeer_pcx_state_live(255), "255");
}

/* What no caller should ask is refused, not read past a table. */
static void test_out_of_range(struct kunit *test)
{
	static const unsigned int bad[][3] = {
		{ __VPCPEER_PCX_STATE_MAX, VPCPEER_PCX_DELETE, REQ },
		{ 255, VPCPEER_PCX_DESTROY, VPCPEER_KERNEL },
		{ AC, VPCPEER_PCX_ACTION_MAX, REQ },
		{ AC, ~0U, ACC },
		{ AC, VPCPEER_PCX_DELETE, VPCPEER_ROLE_MAX },
		{ PA, VPCPEER_PCX_ACCEPT, ~0U },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct vpcpeer_pcx_verdict v;

		v = vpcpeer_pcx_decide(bad[i][0], bad[i][1], bad[i][2]);
		VT_EXPECT(test, v.err == -EINVAL && vtest_streq(v.extack, M_INVALID) &&
			  !v.ends && v.next == (u8)bad[i][0],
			  "case %u: %d \"%s\"", i, v.err, v.extack ?: "");
	}
}

/* Walk @steps (action, role) from initiating-request; the states reached. */
struct life_step {
	unsigned int action, role;
	int err;		/* expected */
	unsigned int state;	/* expected after it */
};

static void walk_steps(struct kunit *test, const char *name,
		       const struct life_step *steps, unsigned int n)
{
	unsigned int i, state = IR;

	for (i = 0; i < n; i++) {
		struct vpcpeer_pcx_verdict v;

		v = vpcpeer_pcx_decide(state, steps[i].action, steps[i].role);
		VT_EXPECT(test, v.err == steps[i].err && v.next == steps[i].state,
			  "%s, step %u (%s by %s in %s): %d -> %s, want %d -> %s",
			  name, i, action_names[steps[i].action],
			  role_names[steps[i].role], state_names[state], v.err,
			  v.next < __VPCPEER_PCX_STATE_MAX ? state_names[v.next] : "?",
			  steps[i].err, state_names[steps[i].state]);
		if (!v.err)
			state = v.next;
	}
}

/* AWS's lifecycles, and the wrong turns users take on the way. */
static void test_lifecycles(struct kunit *test)
{
	static const struct life_step accepted[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_ACCEPT, REQ, -EPERM, PA },
		{ VPCPEER_PCX_DELETE, ACC, -EPERM, PA },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, -EINVAL, PA },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, -EINVAL, PA },
		{ VPCPEER_PCX_ACCEPT, ACC, 0, PR },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, -EINVAL, PR },
		{ VPCPEER_PCX_PROVISIONED, VPCPEER_KERNEL, 0, AC },
		{ VPCPEER_PCX_ACCEPT, ACC, -EINVAL, AC },
		{ VPCPEER_PCX_REJECT, ACC, -EINVAL, AC },
		{ VPCPEER_PCX_EXPIRE, VPCPEER_KERNEL, -EINVAL, AC },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, 0, AC },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, 0, AC },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, 0, AC },
		{ VPCPEER_PCX_SET_OPTIONS, KERN, -EPERM, AC },
		{ VPCPEER_PCX_DELETE, ACC, 0, DD },
		{ VPCPEER_PCX_DELETE, REQ, -EINVAL, DD },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, -EINVAL, DD },
		{ VPCPEER_PCX_DESTROY, VPCPEER_KERNEL, 0, DD },
	};
	static const struct life_step retried[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_ACCEPT, ACC, 0, PR },
		{ VPCPEER_PCX_PROVISION_FAILED, VPCPEER_KERNEL, 0, PA },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, -EINVAL, PA },
		{ VPCPEER_PCX_ACCEPT, ACC, 0, PR },
		{ VPCPEER_PCX_PROVISIONED, VPCPEER_KERNEL, 0, AC },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, 0, AC },
		{ VPCPEER_PCX_DELETE, REQ, 0, DD },
	};
	static const struct life_step rejected[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_REJECT, REQ, -EPERM, PA },
		{ VPCPEER_PCX_REJECT, ACC, 0, RJ },
		{ VPCPEER_PCX_DELETE, REQ, -EINVAL, RJ },
		{ VPCPEER_PCX_ACCEPT, ACC, -EINVAL, RJ },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, -EINVAL, RJ },
	};
	static const struct life_step withdrawn[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_DELETE, REQ, 0, DD },
		{ VPCPEER_PCX_ACCEPT, ACC, -EINVAL, DD },
	};
	static const struct life_step expired[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_EXPIRE, VPCPEER_KERNEL, 0, EX },
		{ VPCPEER_PCX_ACCEPT, ACC, -EINVAL, EX },
		{ VPCPEER_PCX_DELETE, REQ, -EINVAL, EX },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, -EINVAL, EX },
	};
	static const struct life_step failed[] = {
		{ VPCPEER_PCX_FAIL, REQ, -EPERM, IR },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, -EINVAL, IR },
		{ VPCPEER_PCX_FAIL, VPCPEER_KERNEL, 0, FA },
		{ VPCPEER_PCX_DELETE, REQ, -EINVAL, FA },
		{ VPCPEER_PCX_REQUEST, REQ, -EINVAL, FA },
		{ VPCPEER_PCX_SET_OPTIONS, REQ, -EINVAL, FA },
	};
	static const struct life_step vpc_gone[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_DESTROY, REQ, -EPERM, PA },
		{ VPCPEER_PCX_DESTROY, VPCPEER_KERNEL, 0, DD },
		{ VPCPEER_PCX_DESTROY, VPCPEER_KERNEL, 0, DD },
	};

	static const struct life_step active_gone[] = {
		{ VPCPEER_PCX_REQUEST, REQ, 0, PA },
		{ VPCPEER_PCX_ACCEPT, ACC, 0, PR },
		{ VPCPEER_PCX_PROVISIONED, VPCPEER_KERNEL, 0, AC },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, 0, AC },
		{ VPCPEER_PCX_DESTROY, REQ, -EPERM, AC },
		{ VPCPEER_PCX_DESTROY, VPCPEER_KERNEL, 0, DD },
		{ VPCPEER_PCX_SET_OPTIONS, ACC, -EINVAL, DD },
		{ VPCPEER_PCX_DESTROY, VPCPEER_KERNEL, 0, DD },
	};
	walk_steps(test, "accepted", accepted, ARRAY_SIZE(accepted));
	walk_steps(test, "retried", retried, ARRAY_SIZE(retried));
	walk_steps(test, "rejected", rejected, ARRAY_SIZE(rejected));
	walk_steps(test, "withdrawn", withdrawn, ARRAY_SIZE(withdrawn));
	walk_steps(test, "expired", expired, ARRAY_SIZE(expired));
	walk_steps(test, "failed", failed, ARRAY_SIZE(failed));
	walk_steps(test, "vpc-gone", vpc_gone, ARRAY_SIZE(vpc_gone));
	walk_steps(test, "active-gone", active_gone, ARRAY_SIZE(active_gone));
}

/*
 * Whatever the table says: an ended connection goes nowhere; whatever
 * ends lands in an ended state; every refusal says why and changes
 * nothing; a reason is one of the enum's, or the caller's.
 */
static void test_invariants(struct kunit *test)
{
	unsigned int s, a, r;

	for (a = 0; a < VPCPEER_PCX_ACTION_MAX; a++) {
		for (s = 0; s < __VPCPEER_PCX_STATE_MAX; s++) {
			for (r = 0; r < VPCPEER_ROLE_MAX; r++) {
				struct vpcpeer_pcx_verdict v;

				v = vpcpeer_pcx_decide(s, a, r);
				if (v.err) {
					VT_EXPECT(test, v.extack && *v.extack && !v.ends &&
						  v.next == s,
						  "%s, %s by %s: unexplained or moving refusal",
						  state_names[s], action_names[a], role_names[r]);
					continue;
				}
				VT_EXPECT(test, vpcpeer_pcx_state_live(s) ||
					  (v.next == s && !v.ends),
					  "%s, %s by %s: an ended connection moved",
					  state_names[s], action_names[a], role_names[r]);
				VT_EXPECT(test, v.ends == (vpcpeer_pcx_state_live(s) &&
							   !vpcpeer_pcx_state_live(v.next)),
					  "%s, %s by %s: ends is %d, going to %s",
					  state_names[s], action_names[a], role_names[r],
					  v.ends, state_names[v.next]);
				VT_EXPECT(test, v.reason >= -1 &&
					  v.reason <= VPCPEER_PCX_REASON_MAX,
					  "%s, %s by %s: reason %d",
					  state_names[s], action_names[a], role_names[r],
					  v.reason);
				VT_EXPECT(test, v.next != DG || s == DG,
					  "%s, %s by %s: deleting is only passed through",
					  state_names[s], action_names[a], role_names[r]);
			}
		}
	}
}

/*
 * R3, AWS's tombstone windows in hours, written out per end state and
 * side: failed, 2 h to the requester and nothing to the accepter (it never
 * heard of it); expired, 2 d to both; rejected (by the accepter), 2 d to
 * the requester and 2 h to the accepter; deleted, 2 h to the side that
 * deleted it (or whose VPC, device or namespace went) and 2 d to the
 * other. When one owner holds both VPCs every window that is open at all
 * is 2 h. Who ended it matters for "deleted" alone: for the other end
 * states any ender, the kernel included, gives the same windows.
 */
struct window_want {
	unsigned int state, ender;
	/* [same_owner][side]: the requester's window, the accepter's */
	unsigned int hours[2][2];
};

#define H2	2
#define D2	48

static const struct window_want window_table[] = {
	{ FA, REQ,  { { H2, 0 },  { H2, 0 } } },
	{ FA, ACC,  { { H2, 0 },  { H2, 0 } } },
	{ FA, KERN, { { H2, 0 },  { H2, 0 } } },
	{ EX, REQ,  { { D2, D2 }, { H2, H2 } } },
	{ EX, ACC,  { { D2, D2 }, { H2, H2 } } },
	{ EX, KERN, { { D2, D2 }, { H2, H2 } } },
	{ RJ, REQ,  { { D2, H2 }, { H2, H2 } } },
	{ RJ, ACC,  { { D2, H2 }, { H2, H2 } } },
	{ RJ, KERN, { { D2, H2 }, { H2, H2 } } },
	{ DD, REQ,  { { H2, D2 }, { H2, H2 } } },
	{ DD, ACC,  { { D2, H2 }, { H2, H2 } } },
};

static void test_window_hours(struct kunit *test)
{
	static const unsigned int bad_sides[] = { KERN, VPCPEER_ROLE_MAX, 255, ~0U };
	unsigned int i, s, e, side, same, n = 0;

	for (i = 0; i < ARRAY_SIZE(window_table); i++) {
		const struct window_want *w = &window_table[i];

		for (same = 0; same < 2; same++) {
			for (side = REQ; side <= ACC; side++) {
				unsigned int h;

				h = vpcpeer_pcx_window_hours(w->state, w->ender, side, same);
				VT_EXPECT(test, h == w->hours[same][side],
					  "%s by %s, %s's window%s: %u h, want %u h",
					  state_names[w->state], role_names[w->ender],
					  role_names[side], same ? " (one owner)" : "",
					  h, w->hours[same][side]);
				n++;
			}
		}
	}
	VT_EXPECT_EQ(test, n, ARRAY_SIZE(window_table) * 2 * 2);

	/*
	 * A live connection has no window yet, and "deleting" is passed
	 * through on the way to "deleted", whose window it then gets.
	 */
	for (s = 0; s < __VPCPEER_PCX_STATE_MAX; s++) {
		if (s == FA || s == EX || s == RJ || s == DD)
			continue;
		for (e = 0; e < VPCPEER_ROLE_MAX; e++)
			for (side = REQ; side <= ACC; side++)
				for (same = 0; same < 2; same++)
					VT_EXPECT(test, !vpcpeer_pcx_window_hours(s, e, side, same),
						  "%s, %s's window: not 0",
						  state_names[s], role_names[side]);
	}
	for (same = 0; same < 2; same++) {
		VT_EXPECT(test, !vpcpeer_pcx_window_hours(__VPCPEER_PCX_STATE_MAX, REQ,
							  REQ, same), "past the last state");
		VT_EXPECT(test, !vpcpeer_pcx_window_hours(255, ACC, ACC, same), "state 255");
	}

	/* Only the two sides have a window; anything else is 0, not a read past. */
	for (i = 0; i < ARRAY_SIZE(bad_sides); i++) {
		side = bad_sides[i];
		for (s = 0; s < __VPCPEER_PCX_STATE_MAX; s++)
			for (e = 0; e < VPCPEER_ROLE_MAX; e++)
				for (same = 0; same < 2; same++)
					VT_EXPECT(test, !vpcpeer_pcx_window_hours(s, e, side, same),
						  "%s, side %u: not 0", state_names[s], side);
	}
}

static struct kunit_case pcx_fsm_test_cases[] = {
	VTEST_CASE(test_every_transition),
	VTEST_CASE(test_live_states),
	VTEST_CASE(test_out_of_range),
	VTEST_CASE(test_lifecycles),
	VTEST_CASE(test_invariants),
	VTEST_CASE(test_window_hours),
	{}
};

VTEST_SUITE(pcx_fsm, pcx_fsm_test_cases, NULL);

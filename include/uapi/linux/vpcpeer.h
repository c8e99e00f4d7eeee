/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vpcpeer: AWS-style VPC peering between network namespaces.
 *
 * The generic netlink ABI shared by the kernel module and vpcpeer-ctl;
 * Documentation/netlink/specs/vpcpeer.yaml describes the same API and must
 * be kept in step. Attributes and commands are only ever appended; a
 * client that sees a family version newer than it knows must still work
 * with the attributes it understands.
 *
 * Every request names the objects it acts on inside one top-level nest:
 * VPCPEER_A_VPC for VPC commands, VPCPEER_A_PCX for peering commands. A
 * VPC is named by VPCPEER_A_VPC_ID or VPCPEER_A_VPC_NAME (the id wins when
 * both are given). Replies and dumps carry the same nests, fully filled.
 * A dump that raced a change is marked NLM_F_DUMP_INTR; dump again.
 */
#ifndef _UAPI_LINUX_VPCPEER_H
#define _UAPI_LINUX_VPCPEER_H

#define VPCPEER_GENL_NAME	"vpcpeer"
#define VPCPEER_GENL_VERSION	1

/* The rtnl link kind of the per-peering devices ("ip -d link" shows it). */
#define VPCPEER_LINK_KIND	"vpcpeer"

/*
 * A VPC name: 1 to VPCPEER_NAME_MAX - 1 characters from [A-Za-z0-9._-],
 * starting with a letter or digit, and not itself of the form of an id
 * ("vpc-" or "pcx-" followed by 8 hex digits, in any case), so that a
 * name and an id can never be confused. The size includes the terminating NUL.
 */
#define VPCPEER_NAME_MAX	64

/* A peering side's free-form name tag, with its terminating NUL. */
#define VPCPEER_TAG_MAX		256

/* The multicast group of change events (see "Events" below). */
#define VPCPEER_MCGRP_EVENTS	"events"

/* Objects are named "vpc-%08x" and "pcx-%08x" after their u32 ids. */
#define VPCPEER_VPC_ID_PREFIX	"vpc-"
#define VPCPEER_PCX_ID_PREFIX	"pcx-"

/* Peering connection states, in AWS's order and with AWS's names. */
enum vpcpeer_pcx_state {
	VPCPEER_PCX_INITIATING_REQUEST,
	VPCPEER_PCX_PENDING_ACCEPTANCE,
	VPCPEER_PCX_PROVISIONING,
	VPCPEER_PCX_ACTIVE,
	VPCPEER_PCX_REJECTED,
	VPCPEER_PCX_EXPIRED,
	VPCPEER_PCX_FAILED,
	VPCPEER_PCX_DELETING,
	VPCPEER_PCX_DELETED,

	__VPCPEER_PCX_STATE_MAX
};

enum vpcpeer_cmd {
	VPCPEER_CMD_UNSPEC,
	/* VPC { NAME, [NETNS_FD], CIDR... } -> VPC (the new VPC) */
	VPCPEER_CMD_VPC_NEW,
	/* VPC { ID | NAME }: deletes the VPC and every peering it is in */
	VPCPEER_CMD_VPC_DEL,
	/* doit: VPC { ID | NAME } -> VPC; dumpit: every VPC the caller administers */
	VPCPEER_CMD_VPC_GET,
	/*
	 * VPC { ID | NAME, CIDR } (exactly one CIDR) -> VPC { ID, NAME } and
	 * top-level CIDR (the block), as the event says it
	 */
	VPCPEER_CMD_VPC_CIDR_ADD,
	VPCPEER_CMD_VPC_CIDR_DEL,
	/*
	 * PCX { REQUESTER { VPC_ID | VPC_NAME }, ACCEPTER { VPC_ID | VPC_NAME } }
	 * -> PCX. Overlapping CIDR blocks do not make the request fail: the
	 * connection is created in state "failed" with the reason, as in AWS.
	 */
	VPCPEER_CMD_PCX_REQUEST,
	/* PCX { ID }; acknowledged, no reply: PCX_GET shows the result */
	VPCPEER_CMD_PCX_ACCEPT,
	VPCPEER_CMD_PCX_REJECT,
	VPCPEER_CMD_PCX_DEL,
	/* doit: PCX { ID } -> PCX; dumpit: every peering the caller is party to */
	VPCPEER_CMD_PCX_GET,
	/*
	 * PCX { ID, [REQUESTER { [ALLOW_DNS], [TAG] }], [ACCEPTER { ... }] }
	 * -> PCX: per-side options (R14), only while the connection is
	 * active, and only for a side whose VPC the caller administers.
	 */
	VPCPEER_CMD_PCX_SET,
	/*
	 * Events only (never a request): a peering changed state.
	 * PCX { ..., OLD_STATE }; the new state and its message are STATE and
	 * MESSAGE as in every PCX nest.
	 */
	VPCPEER_CMD_PCX_STATE,

	__VPCPEER_CMD_MAX
};

#define VPCPEER_CMD_MAX (__VPCPEER_CMD_MAX - 1)

/* Top-level attributes. */
enum vpcpeer_a {
	VPCPEER_A_UNSPEC,
	VPCPEER_A_VPC,		/* nest, enum vpcpeer_a_vpc */
	VPCPEER_A_PCX,		/* nest, enum vpcpeer_a_pcx */
	/*
	 * flag, mutating requests only (AWS DryRun): run every check the
	 * request would, change nothing, and answer as it would have: the
	 * same error, or success (PCX_REQUEST replies with the connection as
	 * it would be created, id 0; every other command just acknowledges).
	 */
	VPCPEER_A_DRY_RUN,
	/* nest, enum vpcpeer_a_cidr; VPC_CIDR_ADD/DEL replies and events: the block */
	VPCPEER_A_CIDR,

	__VPCPEER_A_MAX
};

#define VPCPEER_A_MAX (__VPCPEER_A_MAX - 1)

enum vpcpeer_a_vpc {
	VPCPEER_A_VPC_UNSPEC,
	VPCPEER_A_VPC_ID,	/* u32 */
	VPCPEER_A_VPC_NAME,	/* string */
	/*
	 * u32, requests only: a file descriptor of the network namespace to
	 * bind the VPC to (default: the namespace of the requesting socket).
	 */
	VPCPEER_A_VPC_NETNS_FD,
	/*
	 * s32, replies only: the id of the VPC's namespace as seen from the
	 * requester's namespace (as "ip netns list-id"), or -1 when the VPC
	 * lives in the requester's own namespace; absent when no id could be
	 * assigned.
	 */
	VPCPEER_A_VPC_NETNSID,
	VPCPEER_A_VPC_CIDR,	/* nest, enum vpcpeer_a_cidr; repeated */

	__VPCPEER_A_VPC_MAX
};

#define VPCPEER_A_VPC_MAX (__VPCPEER_A_VPC_MAX - 1)

enum vpcpeer_a_cidr {
	VPCPEER_A_CIDR_UNSPEC,
	/* binary, network byte order: 4 bytes for IPv4, 16 for IPv6 */
	VPCPEER_A_CIDR_ADDR,
	VPCPEER_A_CIDR_PREFIXLEN,	/* u8; host bits of ADDR must be zero */

	__VPCPEER_A_CIDR_MAX
};

#define VPCPEER_A_CIDR_MAX (__VPCPEER_A_CIDR_MAX - 1)

enum vpcpeer_a_pcx {
	VPCPEER_A_PCX_UNSPEC,
	VPCPEER_A_PCX_ID,		/* u32 */
	VPCPEER_A_PCX_STATE,		/* u8, enum vpcpeer_pcx_state */
	VPCPEER_A_PCX_MESSAGE,		/* string: why the state is what it is */
	VPCPEER_A_PCX_REQUESTER,	/* nest, enum vpcpeer_a_side */
	VPCPEER_A_PCX_ACCEPTER,		/* nest, enum vpcpeer_a_side */
	VPCPEER_A_PCX_PAD,
	/*
	 * u64, replies only, while pending acceptance or provisioning: when
	 * the request expires (R2), in seconds since the epoch (CLOCK_REALTIME).
	 */
	VPCPEER_A_PCX_EXPIRES,
	/*
	 * u64, replies only, for an ended connection: when it stops being
	 * visible to the caller (R3), in seconds since the epoch. The window
	 * depends on how it ended and on the caller's side.
	 */
	VPCPEER_A_PCX_VISIBLE_UNTIL,
	/* u8, enum vpcpeer_pcx_state, PCX_STATE events only: the state left */
	VPCPEER_A_PCX_OLD_STATE,

	__VPCPEER_A_PCX_MAX
};

#define VPCPEER_A_PCX_MAX (__VPCPEER_A_PCX_MAX - 1)

/* One side of a peering: its VPC and, while it exists, its netdevice. */
enum vpcpeer_a_side {
	VPCPEER_A_SIDE_UNSPEC,
	VPCPEER_A_SIDE_VPC_ID,		/* u32 */
	VPCPEER_A_SIDE_VPC_NAME,	/* string */
	VPCPEER_A_SIDE_IFINDEX,		/* u32, in the VPC's namespace */
	VPCPEER_A_SIDE_IFNAME,		/* string */
	VPCPEER_A_SIDE_STATS,		/* nest, enum vpcpeer_a_stats */
	/* u8, 0 or 1: resolve the peer VPC's DNS names to private addresses (R14) */
	VPCPEER_A_SIDE_ALLOW_DNS,
	/* string, up to VPCPEER_TAG_MAX - 1 bytes: the side owner's name tag */
	VPCPEER_A_SIDE_TAG,

	__VPCPEER_A_SIDE_MAX
};

#define VPCPEER_A_SIDE_MAX (__VPCPEER_A_SIDE_MAX - 1)

/*
 * Counters of one side's device, all u64. TX counts what this side sent
 * into the peering and the peer received; the DROP_ counters say why a
 * packet sent into this side's device went no further.
 */
enum vpcpeer_a_stats {
	VPCPEER_A_STATS_UNSPEC,
	VPCPEER_A_STATS_PAD,
	VPCPEER_A_STATS_TX_PACKETS,
	VPCPEER_A_STATS_TX_BYTES,
	VPCPEER_A_STATS_RX_PACKETS,
	VPCPEER_A_STATS_RX_BYTES,
	/* the peering is not active: the route to it is a blackhole (R10) */
	VPCPEER_A_STATS_DROP_NOT_ACTIVE,
	/* source outside the sending VPC's CIDR blocks: no transitive peering (R8) */
	VPCPEER_A_STATS_DROP_SRC_NOT_IN_VPC,
	/* destination outside the peer VPC's CIDR blocks: no edge-to-edge routing (R9) */
	VPCPEER_A_STATS_DROP_DST_NOT_IN_PEER,
	/* larger than the MTU and not allowed to fragment: ICMP sent back (R13) */
	VPCPEER_A_STATS_DROP_TOO_BIG,
	/* not IPv4/IPv6 as the packet's protocol says, or a header (IPv4
	 * options, IPv6 extension headers) not whole in the packet or whose
	 * length disagrees with the packet's
	 */
	VPCPEER_A_STATS_DROP_MALFORMED,
	/* the peer's namespace would not take it (backlog full) */
	VPCPEER_A_STATS_DROP_RX,

	__VPCPEER_A_STATS_MAX
};

#define VPCPEER_A_STATS_MAX (__VPCPEER_A_STATS_MAX - 1)

/*
 * Events. The multicast group VPCPEER_MCGRP_EVENTS announces every change,
 * as rtnetlink does, with the command of the change and the object after
 * it (fully filled, as in a reply):
 *   VPC_NEW, VPC_DEL          a VPC was created, or deleted (with its id
 *                             and name only)
 *   VPC_CIDR_ADD, VPC_CIDR_DEL  a block was added or removed: the VPC
 *                             (id and name) and the block in top-level
 *                             VPCPEER_A_CIDR
 *   PCX_REQUEST               a connection was created (pending-acceptance,
 *                             or failed)
 *   PCX_STATE                 it changed state (OLD_STATE is the old one)
 *   PCX_SET                   a side's options changed
 *   PCX_DEL                   it is gone from the listener's view: its
 *                             tombstone window (R3) for that side ended
 * Binding to the group takes CAP_NET_ADMIN over the listener's network
 * namespace. A listener hears about the VPCs bound to its namespace and
 * the peerings they are party to, while their side may see them (R3); a
 * listener in the initial namespace, whose owner administers everything,
 * hears about everything.
 */

#endif /* _UAPI_LINUX_VPCPEER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vpcpeer netlink messages without the socket: the nests a request
 * carries, the decoding of the VPC, PCX and region nests of a reply into
 * plain structs, and the error number and extended ACK message of NLMSG_ERROR
 * and NLMSG_DONE. Nothing here sends, receives or prints, so all of it is
 * unit-tested on messages built in memory. Decoders take the top-level
 * attribute table of one message (a struct nlattr ** as genlmsg_parse()
 * fills it) and return 0 or -EINVAL with one line in err saying what was
 * wrong with the reply.
 */
#ifndef VPCPEER_CTL_MSG_H
#define VPCPEER_CTL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <uapi/linux/vpcpeer.h>

#include "parse.h"

/* --- requests ----------------------------------------------------------- */

/* VPC id_attr (u32) or name_attr (string), whichever ref holds. */
int msg_put_vpc_ref(struct nl_msg *m, int id_attr, int name_attr,
		    const struct vpc_ref *ref);

/* One VPCPEER_A_VPC_CIDR nest { ADDR, PREFIXLEN }. */
int msg_put_cidr(struct nl_msg *m, const struct prefix *p);

/*
 * The side nest attr (VPCPEER_A_PCX_REQUESTER or _ACCEPTER) of a
 * pcx-request: the VPC by VPCPEER_A_SIDE_VPC_ID or _VPC_NAME, whichever
 * ref holds, and, when region is not NULL, VPCPEER_A_SIDE_REGION: the
 * accepter VPC is in that region, another host's, and ref names it there
 * (nothing is looked up here).
 */
int msg_put_side(struct nl_msg *m, int attr, const struct vpc_ref *ref,
		 const char *region);

/*
 * The REGION nest { NAME, [REMOTE_ADDR, [REMOTE_PORT]], [LOCAL_ADDR] } of
 * a region request; remote and local may be NULL (region-set, -del,
 * -get). REMOTE_PORT goes only when remote has a port: the kernel's
 * default is then the module's (6081).
 */
int msg_put_region(struct nl_msg *m, const char *name,
		   const struct endpoint *remote, const struct endpoint *local);

/*
 * Room enough for a request whose VPC nest holds ncidrs CIDRs, or for a
 * pcx-request: two sides named by name, and a region.
 */
size_t msg_request_size(size_t ncidrs);

/*
 * Whether cmd changes anything (VPC_NEW ... PCX_SET but the GETs, and
 * REGION_NEW, _SET, _DEL): the commands that take VPCPEER_A_DRY_RUN.
 */
bool msg_cmd_mutates(uint8_t cmd);

/* --- replies ------------------------------------------------------------ */

/*
 * The top-level attributes of a vpcpeer message (after the genl header).
 * Returns 0 or -EINVAL with the reason in err.
 */
int msg_parse(struct nlmsghdr *nlh, struct nlattr *tb[VPCPEER_A_MAX + 1],
	      char *err, size_t errlen);

/* A VPC as a reply describes it. Strings point into the message. */
struct vpc_info {
	uint32_t id;
	const char *name;
	bool has_netnsid;
	int32_t netnsid;	/* -1: the requester's own namespace */
	size_t ncidrs;
	struct prefix *cidrs;	/* malloc'd; vpc_info_free() */
};

int vpc_decode(struct nlattr **tb, struct vpc_info *v, char *err,
	       size_t errlen);
void vpc_info_free(struct vpc_info *v);

/*
 * The counters of one side: those of enum vpcpeer_a_stats, generated from
 * the spec, from TX_PACKETS to the last, numbered from 0.
 * tools/spec-check.py checks that the tables indexed by them (the names in
 * msg.c, the keys in print.c) cover every counter of the spec.
 */
#define SIDE_STAT(name)	(VPCPEER_A_STATS_##name - VPCPEER_A_STATS_TX_PACKETS)

enum side_stat {
	STAT_TX_PACKETS = SIDE_STAT(TX_PACKETS),
	STAT_TX_BYTES = SIDE_STAT(TX_BYTES),
	STAT_RX_PACKETS = SIDE_STAT(RX_PACKETS),
	STAT_RX_BYTES = SIDE_STAT(RX_BYTES),
	STAT_DROP_NOT_ACTIVE = SIDE_STAT(DROP_NOT_ACTIVE),
	STAT_DROP_SRC_NOT_IN_VPC = SIDE_STAT(DROP_SRC_NOT_IN_VPC),
	STAT_DROP_DST_NOT_IN_PEER = SIDE_STAT(DROP_DST_NOT_IN_PEER),
	STAT_DROP_TOO_BIG = SIDE_STAT(DROP_TOO_BIG),
	STAT_DROP_MALFORMED = SIDE_STAT(DROP_MALFORMED),
	STAT_DROP_RX = SIDE_STAT(DROP_RX),
	STAT_RX_DROP_NOT_ACTIVE = SIDE_STAT(RX_DROP_NOT_ACTIVE),
	STAT_RX_DROP_SRC_NOT_IN_PEER = SIDE_STAT(RX_DROP_SRC_NOT_IN_PEER),
	STAT_RX_DROP_DST_NOT_IN_VPC = SIDE_STAT(RX_DROP_DST_NOT_IN_VPC),
	STAT_RX_DROP_MALFORMED = SIDE_STAT(RX_DROP_MALFORMED),
	STAT_DROP_UNDERLAY = SIDE_STAT(DROP_UNDERLAY),

	NR_SIDE_STATS = VPCPEER_A_STATS_MAX - VPCPEER_A_STATS_TX_PACKETS + 1
};

struct pcx_side {
	bool present;		/* the side's nest was sent */
	uint32_t vpc_id;
	const char *vpc_name;	/* NULL when not sent */
	const char *ifname;	/* NULL while the side has no device */
	bool has_ifindex;
	uint32_t ifindex;
	bool has_stats;
	uint64_t stats[NR_SIDE_STATS];	/* a counter not sent is 0 */
	bool has_allow_dns;
	bool allow_dns;		/* VPCPEER_A_SIDE_ALLOW_DNS */
	const char *tag;	/* NULL when not sent (no tag) */
	/*
	 * A remote side, whose VPC is in another region (another host's):
	 * the region's name, and the VPC's CIDR blocks as that region told
	 * them. NULL and none on a side of this host.
	 */
	const char *region;	/* VPCPEER_A_SIDE_REGION */
	size_t ncidrs;
	struct prefix *cidrs;	/* VPCPEER_A_SIDE_CIDR; pcx_info_free() */
};

struct pcx_info {
	uint32_t id;
	bool has_state;		/* always, but in a PCX_DEL event */
	uint8_t state;		/* enum vpcpeer_pcx_state, or newer */
	bool has_reason, has_reason_cidr;
	uint8_t reason;		/* enum vpcpeer_pcx_reason, or newer */
	struct prefix reason_cidr;	/* overlap: the requester's block */
	bool has_expires, has_visible_until, has_old_state;
	uint64_t expires;	/* epoch seconds */
	uint64_t visible_until;	/* epoch seconds */
	uint8_t old_state;	/* PCX_STATE events */
	struct pcx_side requester, accepter;
};

/*
 * Strings point into the message; the CIDR blocks of remote sides are
 * malloc'd: pcx_info_free() what decoded (nothing to free on failure).
 */
int pcx_decode(struct nlattr **tb, struct pcx_info *p, char *err,
	       size_t errlen);
void pcx_info_free(struct pcx_info *p);

/*
 * The counters of a region: those of enum vpcpeer_a_rstats, from
 * TX_PACKETS to the last, numbered from 0; tools/spec-check.py checks
 * them as it checks the side's.
 */
#define REGION_STAT(name) \
	(VPCPEER_A_RSTATS_##name - VPCPEER_A_RSTATS_TX_PACKETS)

enum region_stat {
	RSTAT_TX_PACKETS = REGION_STAT(TX_PACKETS),
	RSTAT_TX_BYTES = REGION_STAT(TX_BYTES),
	RSTAT_RX_PACKETS = REGION_STAT(RX_PACKETS),
	RSTAT_RX_BYTES = REGION_STAT(RX_BYTES),
	RSTAT_CTL_TX = REGION_STAT(CTL_TX),
	RSTAT_CTL_RX = REGION_STAT(CTL_RX),
	RSTAT_CTL_RETRANSMITS = REGION_STAT(CTL_RETRANSMITS),
	RSTAT_TX_DROP_NO_ROUTE = REGION_STAT(TX_DROP_NO_ROUTE),
	RSTAT_TX_DROP_NOT_ENCRYPTED = REGION_STAT(TX_DROP_NOT_ENCRYPTED),
	RSTAT_TX_OUTER_FRAGMENTED = REGION_STAT(TX_OUTER_FRAGMENTED),
	RSTAT_RX_DROP_NOT_ENCRYPTED = REGION_STAT(RX_DROP_NOT_ENCRYPTED),
	RSTAT_RX_DROP_BAD_HEADER = REGION_STAT(RX_DROP_BAD_HEADER),
	RSTAT_RX_DROP_UNKNOWN_PCX = REGION_STAT(RX_DROP_UNKNOWN_PCX),
	RSTAT_RX_DROP_WRONG_REGION = REGION_STAT(RX_DROP_WRONG_REGION),
	RSTAT_CTL_DROP_INVALID = REGION_STAT(CTL_DROP_INVALID),
	RSTAT_CTL_DROP_QUEUE_FULL = REGION_STAT(CTL_DROP_QUEUE_FULL),
	RSTAT_CTL_DROP_STALE_EPOCH = REGION_STAT(CTL_DROP_STALE_EPOCH),

	NR_REGION_STATS = VPCPEER_A_RSTATS_MAX - VPCPEER_A_RSTATS_TX_PACKETS + 1
};

/*
 * The largest packet a peering across regions takes (its devices' MTU,
 * AWS's between regions); a region whose inner MTU is below it fragments
 * them outside. The spec has no constant for it.
 */
#define REGION_PEERING_MTU	8500

/*
 * A region as a reply or an event describes it. Strings point into the
 * message. The flags say which attributes were sent: a region-state-ntf
 * of a deleted region carries the name alone.
 */
struct region_info {
	const char *name;
	bool has_remote, has_local;
	struct endpoint remote;	/* with its port when the kernel sent it */
	struct endpoint local;
	bool has_state, has_underlay;
	uint8_t state;		/* enum vpcpeer_region_state, or newer */
	uint8_t underlay;	/* enum vpcpeer_underlay, or newer */
	const char *underlay_ifname;	/* NULL when not sent */
	bool has_inner_mtu;
	uint32_t inner_mtu;
	const char *peer_name;	/* NULL until the remote module was heard */
	bool has_peer_epoch, has_last_rx, has_pcx_count;
	uint64_t peer_epoch;
	uint32_t last_rx_ms;
	uint32_t pcx_count;
	bool has_stats;
	uint64_t stats[NR_REGION_STATS];	/* a counter not sent is 0 */
	/* events only: the state left, when the state changed */
	bool has_old_state;
	uint8_t old_state;
	/* VPCPEER_A_RX_DROP_UNKNOWN_REGION, module-wide, beside the nest */
	bool has_unknown_drops;
	uint64_t rx_drop_unknown_region;
};

/*
 * The REGION nest of a reply, and the module-wide counter beside it. A
 * reply must name the region and carry its state and both addresses.
 */
int region_decode(struct nlattr **tb, struct region_info *r, char *err,
		  size_t errlen);

/* "up", or "state-N" for a state this version does not know. */
#define REGION_WORD_STRLEN	24
const char *region_state_name(unsigned int state,
			      char buf[REGION_WORD_STRLEN]);
/* "wireguard", or "underlay-N" for one this version does not know. */
const char *underlay_name(unsigned int underlay,
			  char buf[REGION_WORD_STRLEN]);

/*
 * Whether packets of peerings crossing r are fragmented outside: r sends
 * (connecting, up or down) over a route whose inner MTU is below
 * REGION_PEERING_MTU. The warning in buf, without a newline, or "".
 */
#define REGION_WARNING_LEN	128
const char *region_mtu_warning(const struct region_info *r,
			       char buf[REGION_WARNING_LEN]);

/* --- events ------------------------------------------------------------- */

/*
 * One message of the multicast group VPCPEER_MCGRP_EVENTS: its genl
 * command, a notification (VPCPEER_CMD_*_NTF), says what happened, its
 * attributes are those of a reply.
 */
struct vp_event {
	uint8_t cmd;		/* VPCPEER_CMD_PCX_STATE_NTF ... _REGION_STATE_NTF */
	struct vpc_info vpc;	/* VPC_NEW, VPC_DEL, VPC_CIDR_ADD/DEL _NTF */
	struct prefix cidr;	/* VPC_CIDR_ADD/DEL_NTF: the block */
	struct pcx_info pcx;	/* PCX_REQUEST, _STATE, _SET, _DEL _NTF */
	struct region_info region;	/* REGION_STATE_NTF */
	bool region_gone;	/* REGION_STATE_NTF of a deleted region */
};

/*
 * An event of command cmd. Returns 0 (vp_event_free() it), -EOPNOTSUPP
 * for a command that is no event this version knows (to be skipped), or
 * -EINVAL with the reason in err. A PCX_DEL event needs only the id, a
 * REGION_STATE event of a deleted region only the name (region_gone);
 * every other event is checked as a reply is, and a PCX_STATE event must
 * carry VPCPEER_A_PCX_OLD_STATE.
 */
int event_decode(uint8_t cmd, struct nlattr **tb, struct vp_event *e,
		 char *err, size_t errlen);
void vp_event_free(struct vp_event *e);

/* --- the generic netlink controller ------------------------------------- */

/*
 * The id of the multicast group named group in a CTRL_CMD_NEWFAMILY
 * message of the controller (its CTRL_ATTR_MCAST_GROUPS). Returns 0,
 * -ENOENT when the family has no such group, or -EINVAL when nlh is not
 * such a message.
 */
int msg_mcast_group(struct nlmsghdr *nlh, const char *group, uint32_t *id);

/*
 * The id and version of the family a CTRL_CMD_NEWFAMILY message of the
 * controller describes (the answer to CTRL_CMD_GETFAMILY by name).
 * Returns 0 or -EINVAL with the reason in err.
 */
int msg_family(struct nlmsghdr *nlh, uint16_t *id, uint32_t *version,
	       char *err, size_t errlen);

/* "active", or "state-N" for a state this version does not know. */
#define PCX_STATE_STRLEN	24
const char *pcx_state_name(unsigned int state, char buf[PCX_STATE_STRLEN]);
/* "deleted-by-requester", or "reason-N" for a reason it does not know. */
const char *pcx_reason_name(unsigned int reason, char buf[PCX_STATE_STRLEN]);

/*
 * The status message AWS shows for @p's state and reason ("Pending
 * Acceptance by vpc-...", "Deleted by vpc-..."), written into buf: the
 * kernel sends the reason, never words. "" when @p has no reason. Two
 * states have words of their own whatever the reason: "Initiating
 * Request to vpc-..." and "Deleting".
 */
#define PCX_OVERLAP_WORDS	"Failed: overlapping CIDR blocks (%s of %s overlaps %s)"
/* The longest: an overlap of two VPCs with names of the longest. */
#define PCX_MESSAGE_LEN		(sizeof(PCX_OVERLAP_WORDS) + PREFIX_STRLEN + \
				 2 * VPCPEER_NAME_MAX)
const char *pcx_message(const struct pcx_info *p, char buf[PCX_MESSAGE_LEN]);

/* --- errors ------------------------------------------------------------- */

/*
 * The status an NLMSG_ERROR (an ACK when 0) or NLMSG_DONE (the dump's
 * end; a negative number when it failed) carries, and the extended ACK
 * message when the kernel added one (NETLINK_EXT_ACK), pointing into nlh;
 * else *ext_msg is NULL. Returns 0, or -EINVAL when nlh is neither or is
 * truncated.
 */
int msg_status(const struct nlmsghdr *nlh, int *error, const char **ext_msg);

#endif /* VPCPEER_CTL_MSG_H */

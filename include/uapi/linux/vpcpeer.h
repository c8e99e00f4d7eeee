/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vpcpeer.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_VPCPEER_H
#define _UAPI_LINUX_VPCPEER_H

#define VPCPEER_FAMILY_NAME	"vpcpeer"
#define VPCPEER_FAMILY_VERSION	1

#define VPCPEER_LINK_KIND	"vpcpeer"
#define VPCPEER_NAME_MAX	64
#define VPCPEER_TAG_MAX		256
#define VPCPEER_VPC_ID_PREFIX	"vpc-"
#define VPCPEER_PCX_ID_PREFIX	"pcx-"

/**
 * enum vpcpeer_pcx_state - Peering connection states, in AWS's order and with
 *   AWS's names. Only "active" forwards. "rejected", "expired", "failed" and
 *   "deleted" are tombstones: the connection has no device any more and each
 *   side's owner still sees it for that side's window, in AWS hours: failed, 2
 *   to the requester and none to the accepter; expired, 48 to both; rejected,
 *   48 to the requester and 2 to the accepter; deleted, 2 to the side that
 *   deleted it (or whose VPC, namespace or device went) and 48 to the other.
 *   When one user namespace owns both VPCs' namespaces every window that is
 *   open is 2 hours. An hour lasts module parameter tombstone_hour_ms
 *   milliseconds (default 3600000; 0: tombstones go at once).
 * @VPCPEER_PCX_STATE_INITIATING_REQUEST: Being created; not seen outside the
 *   kernel's own locking.
 * @VPCPEER_PCX_STATE_PENDING_ACCEPTANCE: Requested, waiting for the accepter's
 *   owner. The requester's device exists, up and operationally dormant; what
 *   is sent into it is dropped and counted as drop-not-active. The request
 *   expires module parameter expiry_secs seconds after it was made (default
 *   604800, 7 days).
 * @VPCPEER_PCX_STATE_PROVISIONING: Accepted; the accepter's device is being
 *   created.
 * @VPCPEER_PCX_STATE_ACTIVE: Both devices exist and packets cross between
 *   them.
 * @VPCPEER_PCX_STATE_REJECTED: The accepter's owner rejected the request.
 * @VPCPEER_PCX_STATE_EXPIRED: Nobody accepted or rejected the request in time.
 * @VPCPEER_PCX_STATE_FAILED: The request could not be honoured, e.g. CIDR
 *   blocks of the two VPCs overlap; the reason says why.
 * @VPCPEER_PCX_STATE_DELETING: Being torn down.
 * @VPCPEER_PCX_STATE_DELETED: Deleted by either side, or ended because one of
 *   its VPCs, network namespaces or devices went away.
 */
enum vpcpeer_pcx_state {
	VPCPEER_PCX_STATE_INITIATING_REQUEST,
	VPCPEER_PCX_STATE_PENDING_ACCEPTANCE,
	VPCPEER_PCX_STATE_PROVISIONING,
	VPCPEER_PCX_STATE_ACTIVE,
	VPCPEER_PCX_STATE_REJECTED,
	VPCPEER_PCX_STATE_EXPIRED,
	VPCPEER_PCX_STATE_FAILED,
	VPCPEER_PCX_STATE_DELETING,
	VPCPEER_PCX_STATE_DELETED,

	/* private: */
	__VPCPEER_PCX_STATE_MAX,
	VPCPEER_PCX_STATE_MAX = (__VPCPEER_PCX_STATE_MAX - 1)
};

/**
 * enum vpcpeer_pcx_reason - Why a peering connection is in its state: the
 *   cause, never words. vpcpeer-ctl shows it as AWS's status message (given
 *   after each entry, REQ and ACC being the requester's and the accepter's VPC
 *   ids); while a connection is "deleting" its reason is already the one it
 *   ends with, and the message is "Deleting". Quotas have no reason: a request
 *   or accept over one is refused (ENOSPC) and nothing changes.
 * @VPCPEER_PCX_REASON_REQUESTED: pending-acceptance, "Pending Acceptance by
 *   ACC".
 * @VPCPEER_PCX_REASON_ACCEPTED: provisioning, "Provisioning".
 * @VPCPEER_PCX_REASON_PROVISIONED: active, "Active".
 * @VPCPEER_PCX_REASON_OVERLAP: failed: a CIDR block of the requester VPC
 *   (reason-cidr) overlaps the accepter VPC's; "Failed: overlapping CIDR
 *   blocks (CIDR of REQUESTER overlaps ACCEPTER)", with the VPCs' names.
 * @VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP: failed: the accepter VPC does
 *   not exist or its owner is another account, whose VPC overlaps; AWS does
 *   not say which, nor do we. "Failed due to incorrect VPC-ID, Account ID, or
 *   overlapping CIDR range".
 * @VPCPEER_PCX_REASON_REJECTED: rejected, "Rejected by ACC".
 * @VPCPEER_PCX_REASON_EXPIRED: expired, "Expired".
 * @VPCPEER_PCX_REASON_DELETED_BY_REQUESTER: deleted, "Deleted by REQ".
 * @VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER: deleted, "Deleted by ACC".
 * @VPCPEER_PCX_REASON_DEVICE_GONE: deleted, a side's device was removed;
 *   "Deleted: its device was removed".
 * @VPCPEER_PCX_REASON_VPC_GONE: deleted, a VPC of the connection was deleted;
 *   "Deleted: a VPC of the peering was deleted".
 * @VPCPEER_PCX_REASON_NETNS_GONE: deleted, the network namespace of a VPC of
 *   the connection went, and the VPC with it; "Deleted: a VPC's network
 *   namespace was deleted".
 * @VPCPEER_PCX_REASON_REGION_REFUSED: failed: the accepter VPC is in another
 *   region, whose module refused the request for a reason of its own (the pcx
 *   id is in use there, the two VPCs are peered already, or its pending quota
 *   is full); "Failed: refused by the accepter's region".
 * @VPCPEER_PCX_REASON_REGION_NO_ANSWER: failed: the accepter VPC's region did
 *   not answer the request before it would have expired; "Failed: the
 *   accepter's region did not answer".
 * @VPCPEER_PCX_REASON_REGION_RESTARTED: deleted (or failed, when it was still
 *   being requested): the vpcpeer module of the other side's region was loaded
 *   anew and lost its VPCs; "Deleted: the peer's region restarted".
 */
enum vpcpeer_pcx_reason {
	VPCPEER_PCX_REASON_REQUESTED,
	VPCPEER_PCX_REASON_ACCEPTED,
	VPCPEER_PCX_REASON_PROVISIONED,
	VPCPEER_PCX_REASON_OVERLAP,
	VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP,
	VPCPEER_PCX_REASON_REJECTED,
	VPCPEER_PCX_REASON_EXPIRED,
	VPCPEER_PCX_REASON_DELETED_BY_REQUESTER,
	VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER,
	VPCPEER_PCX_REASON_DEVICE_GONE,
	VPCPEER_PCX_REASON_VPC_GONE,
	VPCPEER_PCX_REASON_NETNS_GONE,
	VPCPEER_PCX_REASON_REGION_REFUSED,
	VPCPEER_PCX_REASON_REGION_NO_ANSWER,
	VPCPEER_PCX_REASON_REGION_RESTARTED,

	/* private: */
	__VPCPEER_PCX_REASON_MAX,
	VPCPEER_PCX_REASON_MAX = (__VPCPEER_PCX_REASON_MAX - 1)
};

#define VPCPEER_REGION_NAME_MAX	16

/**
 * enum vpcpeer_region_state - The link to another host's vpcpeer (a region).
 *   Nothing is ever sent to a region that is not connecting, up or down.
 * @VPCPEER_REGION_STATE_CONNECTING: The route to the remote address is
 *   encrypted; no HELLO has come back from the remote module yet.
 * @VPCPEER_REGION_STATE_UP: The route is encrypted and the remote module was
 *   heard within region_dead_ms (module parameter).
 * @VPCPEER_REGION_STATE_DOWN: The route is encrypted, the remote module was
 *   heard once, but not within region_dead_ms: a partition or a remote host
 *   down. Peerings stay active (AWS), their packets are sent and lost.
 * @VPCPEER_REGION_STATE_UNENCRYPTED: The route to the remote address goes
 *   through neither a WireGuard device, nor an xfrm bundle whose SA is ESP
 *   with a real cipher, nor an xfrm interface; or there is no route, or the
 *   local address is not this host's. Nothing is sent (fail closed).
 */
enum vpcpeer_region_state {
	VPCPEER_REGION_STATE_CONNECTING,
	VPCPEER_REGION_STATE_UP,
	VPCPEER_REGION_STATE_DOWN,
	VPCPEER_REGION_STATE_UNENCRYPTED,

	/* private: */
	__VPCPEER_REGION_STATE_MAX,
	VPCPEER_REGION_STATE_MAX = (__VPCPEER_REGION_STATE_MAX - 1)
};

/**
 * enum vpcpeer_underlay - What encrypts the route to a region, as the module
 *   verified it.
 * @VPCPEER_UNDERLAY_NONE: Nothing verified (state unencrypted).
 * @VPCPEER_UNDERLAY_WIREGUARD: The route's device is a WireGuard device
 *   (underlay-ifname).
 * @VPCPEER_UNDERLAY_IPSEC: The route is an xfrm bundle of an encrypting ESP SA
 *   (policy-based IPsec).
 * @VPCPEER_UNDERLAY_XFRM_INTERFACE: The route's device is an xfrm interface
 *   (route-based IPsec) whose bundle for the module's packets, looked up with
 *   the interface's if_id, is of encrypting ESP SAs.
 */
enum vpcpeer_underlay {
	VPCPEER_UNDERLAY_NONE,
	VPCPEER_UNDERLAY_WIREGUARD,
	VPCPEER_UNDERLAY_IPSEC,
	VPCPEER_UNDERLAY_XFRM_INTERFACE,

	/* private: */
	__VPCPEER_UNDERLAY_MAX,
	VPCPEER_UNDERLAY_MAX = (__VPCPEER_UNDERLAY_MAX - 1)
};

enum vpcpeer_a {
	VPCPEER_A_VPC = 1,
	VPCPEER_A_PCX,
	VPCPEER_A_DRY_RUN,
	VPCPEER_A_CIDR,
	VPCPEER_A_REGION,
	VPCPEER_A_PAD,
	VPCPEER_A_RX_DROP_UNKNOWN_REGION,

	__VPCPEER_A_MAX,
	VPCPEER_A_MAX = (__VPCPEER_A_MAX - 1)
};

enum vpcpeer_a_vpc {
	VPCPEER_A_VPC_ID = 1,
	VPCPEER_A_VPC_NAME,
	VPCPEER_A_VPC_NETNS_FD,
	VPCPEER_A_VPC_NETNSID,
	VPCPEER_A_VPC_CIDR,

	__VPCPEER_A_VPC_MAX,
	VPCPEER_A_VPC_MAX = (__VPCPEER_A_VPC_MAX - 1)
};

enum vpcpeer_a_cidr {
	VPCPEER_A_CIDR_ADDR = 1,
	VPCPEER_A_CIDR_PREFIXLEN,

	__VPCPEER_A_CIDR_MAX,
	VPCPEER_A_CIDR_MAX = (__VPCPEER_A_CIDR_MAX - 1)
};

enum vpcpeer_a_pcx {
	VPCPEER_A_PCX_ID = 1,
	VPCPEER_A_PCX_STATE,
	VPCPEER_A_PCX_REASON,
	VPCPEER_A_PCX_REQUESTER,
	VPCPEER_A_PCX_ACCEPTER,
	VPCPEER_A_PCX_PAD,
	VPCPEER_A_PCX_EXPIRES,
	VPCPEER_A_PCX_VISIBLE_UNTIL,
	VPCPEER_A_PCX_OLD_STATE,
	VPCPEER_A_PCX_REASON_CIDR,

	__VPCPEER_A_PCX_MAX,
	VPCPEER_A_PCX_MAX = (__VPCPEER_A_PCX_MAX - 1)
};

enum vpcpeer_a_side {
	VPCPEER_A_SIDE_VPC_ID = 1,
	VPCPEER_A_SIDE_VPC_NAME,
	VPCPEER_A_SIDE_IFINDEX,
	VPCPEER_A_SIDE_IFNAME,
	VPCPEER_A_SIDE_STATS,
	VPCPEER_A_SIDE_ALLOW_DNS,
	VPCPEER_A_SIDE_TAG,
	VPCPEER_A_SIDE_REGION,
	VPCPEER_A_SIDE_CIDR,

	__VPCPEER_A_SIDE_MAX,
	VPCPEER_A_SIDE_MAX = (__VPCPEER_A_SIDE_MAX - 1)
};

enum vpcpeer_a_stats {
	VPCPEER_A_STATS_PAD = 1,
	VPCPEER_A_STATS_TX_PACKETS,
	VPCPEER_A_STATS_TX_BYTES,
	VPCPEER_A_STATS_RX_PACKETS,
	VPCPEER_A_STATS_RX_BYTES,
	VPCPEER_A_STATS_DROP_NOT_ACTIVE,
	VPCPEER_A_STATS_DROP_SRC_NOT_IN_VPC,
	VPCPEER_A_STATS_DROP_DST_NOT_IN_PEER,
	VPCPEER_A_STATS_DROP_TOO_BIG,
	VPCPEER_A_STATS_DROP_MALFORMED,
	VPCPEER_A_STATS_DROP_RX,
	VPCPEER_A_STATS_RX_DROP_NOT_ACTIVE,
	VPCPEER_A_STATS_RX_DROP_SRC_NOT_IN_PEER,
	VPCPEER_A_STATS_RX_DROP_DST_NOT_IN_VPC,
	VPCPEER_A_STATS_RX_DROP_MALFORMED,
	VPCPEER_A_STATS_DROP_UNDERLAY,

	__VPCPEER_A_STATS_MAX,
	VPCPEER_A_STATS_MAX = (__VPCPEER_A_STATS_MAX - 1)
};

enum vpcpeer_a_region {
	VPCPEER_A_REGION_NAME = 1,
	VPCPEER_A_REGION_REMOTE_ADDR,
	VPCPEER_A_REGION_REMOTE_PORT,
	VPCPEER_A_REGION_LOCAL_ADDR,
	VPCPEER_A_REGION_STATE,
	VPCPEER_A_REGION_UNDERLAY,
	VPCPEER_A_REGION_UNDERLAY_IFNAME,
	VPCPEER_A_REGION_INNER_MTU,
	VPCPEER_A_REGION_PEER_NAME,
	VPCPEER_A_REGION_PAD,
	VPCPEER_A_REGION_PEER_EPOCH,
	VPCPEER_A_REGION_LAST_RX_MS,
	VPCPEER_A_REGION_PCX_COUNT,
	VPCPEER_A_REGION_STATS,
	VPCPEER_A_REGION_OLD_STATE,

	__VPCPEER_A_REGION_MAX,
	VPCPEER_A_REGION_MAX = (__VPCPEER_A_REGION_MAX - 1)
};

enum vpcpeer_a_rstats {
	VPCPEER_A_RSTATS_PAD = 1,
	VPCPEER_A_RSTATS_TX_PACKETS,
	VPCPEER_A_RSTATS_TX_BYTES,
	VPCPEER_A_RSTATS_RX_PACKETS,
	VPCPEER_A_RSTATS_RX_BYTES,
	VPCPEER_A_RSTATS_CTL_TX,
	VPCPEER_A_RSTATS_CTL_RX,
	VPCPEER_A_RSTATS_CTL_RETRANSMITS,
	VPCPEER_A_RSTATS_TX_DROP_NO_ROUTE,
	VPCPEER_A_RSTATS_TX_DROP_NOT_ENCRYPTED,
	VPCPEER_A_RSTATS_TX_OUTER_FRAGMENTED,
	VPCPEER_A_RSTATS_RX_DROP_NOT_ENCRYPTED,
	VPCPEER_A_RSTATS_RX_DROP_BAD_HEADER,
	VPCPEER_A_RSTATS_RX_DROP_UNKNOWN_PCX,
	VPCPEER_A_RSTATS_RX_DROP_WRONG_REGION,
	VPCPEER_A_RSTATS_CTL_DROP_INVALID,
	VPCPEER_A_RSTATS_CTL_DROP_QUEUE_FULL,
	VPCPEER_A_RSTATS_CTL_DROP_STALE_EPOCH,

	__VPCPEER_A_RSTATS_MAX,
	VPCPEER_A_RSTATS_MAX = (__VPCPEER_A_RSTATS_MAX - 1)
};

enum vpcpeer_cmd {
	VPCPEER_CMD_VPC_NEW = 1,
	VPCPEER_CMD_VPC_DEL,
	VPCPEER_CMD_VPC_GET,
	VPCPEER_CMD_VPC_CIDR_ADD,
	VPCPEER_CMD_VPC_CIDR_DEL,
	VPCPEER_CMD_PCX_REQUEST,
	VPCPEER_CMD_PCX_ACCEPT,
	VPCPEER_CMD_PCX_REJECT,
	VPCPEER_CMD_PCX_DEL,
	VPCPEER_CMD_PCX_GET,
	VPCPEER_CMD_PCX_SET,
	VPCPEER_CMD_PCX_STATE_NTF,
	VPCPEER_CMD_VPC_NEW_NTF,
	VPCPEER_CMD_VPC_DEL_NTF,
	VPCPEER_CMD_VPC_CIDR_ADD_NTF,
	VPCPEER_CMD_VPC_CIDR_DEL_NTF,
	VPCPEER_CMD_PCX_REQUEST_NTF,
	VPCPEER_CMD_PCX_SET_NTF,
	VPCPEER_CMD_PCX_DEL_NTF,
	VPCPEER_CMD_REGION_NEW,
	VPCPEER_CMD_REGION_SET,
	VPCPEER_CMD_REGION_DEL,
	VPCPEER_CMD_REGION_GET,
	VPCPEER_CMD_REGION_STATE_NTF,

	__VPCPEER_CMD_MAX,
	VPCPEER_CMD_MAX = (__VPCPEER_CMD_MAX - 1)
};

#define VPCPEER_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_VPCPEER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of the vpcpeer module. Each file
 * owns one concern: vpc.c the VPC registry and CIDR blocks, peering.c the
 * peering connections and their state machine, device.c the per-peering
 * netdevice and its fast path, netlink.c the generic netlink family;
 * main.c only wires them together.
 *
 * Locking: every change to VPCs and peerings happens under rtnl and then
 * vpcpeer_lock (that order, always: device creation and removal need rtnl
 * anyway, and dellink arrives with rtnl held). The transmit fast path reads
 * under RCU only.
 */
#ifndef _VPCPEER_H
#define _VPCPEER_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <uapi/linux/vpcpeer.h>

#include "lpm.h"
#include "pcx_fsm.h"

#define VPCPEER_VERSION "0.1.0"

extern struct mutex vpcpeer_lock;
/* CIDR blocks a VPC may have per family (max_cidrs, bench_max_cidrs). */
unsigned int vpcpeer_max_cidrs(void);
/* Set once the module is up, cleared before it goes: timers may run. */
extern bool vpcpeer_running;

/* One CIDR block, as netlink and the CLI carry it. */
struct vpcpeer_cidr {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 plen;
	u8 addr[16];		/* network order; IPv4 in the first 4 bytes */
};

struct vpcpeer_vpc {
	u32 id;
	char name[VPCPEER_NAME_MAX];
	struct hlist_node name_node;	/* in the name index (vpc.c) */
	possible_net_t net;
	struct vpcpeer_lpm cidr4;
	struct vpcpeer_lpm cidr6;
	struct list_head sides;		/* vpcpeer_side.vpc_node of live peerings */
	struct rcu_head rcu;
};

/* Drop reasons, in the order of enum vpcpeer_a_stats from DROP_NOT_ACTIVE. */
enum vpcpeer_drop {
	VPCPEER_DROP_NOT_ACTIVE,
	VPCPEER_DROP_SRC_NOT_IN_VPC,
	VPCPEER_DROP_DST_NOT_IN_PEER,
	VPCPEER_DROP_TOO_BIG,
	VPCPEER_DROP_MALFORMED,
	VPCPEER_DROP_RX,
	VPCPEER_DROP_MAX
};

struct vpcpeer_stats {
	u64 tx_packets, tx_bytes, rx_packets, rx_bytes;
	u64 drops[VPCPEER_DROP_MAX];
};

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
};

struct vpcpeer_pcx {
	u32 id;
	u8 state;			/* enum vpcpeer_pcx_state */
	char message[96];
	struct vpcpeer_side side[2];	/* [VPCPEER_REQUESTER], [VPCPEER_ACCEPTER] */
	/* R2: while pending, on the expiry list, by deadline (jiffies). */
	unsigned long expires;
	time64_t expires_real;		/* the same, for userspace */
	struct list_head pending_node;
	unsigned long ended;		/* jiffies: the tombstone windows start */
	s64 ended_real_ms;		/* the same, wall clock, for userspace */
	struct rcu_head rcu;
};

/* Sides (bits of 1 << VPCPEER_REQUESTER, 1 << VPCPEER_ACCEPTER). */
#define VPCPEER_BOTH_SIDES	3

static inline struct net *vpcpeer_vpc_net(const struct vpcpeer_vpc *vpc)
{
	return read_pnet(&vpc->net);
}

static inline bool vpcpeer_pcx_live(const struct vpcpeer_pcx *pcx)
{
	return vpcpeer_pcx_state_live(pcx->state);
}

/* vpc.c */
int vpcpeer_vpc_init(void);
void vpcpeer_vpc_exit(void);
struct vpcpeer_vpc *vpcpeer_vpc_find(u32 id, const char *name);
struct vpcpeer_vpc *vpcpeer_vpc_next(unsigned long *index);
/* @dry (AWS DryRun): every check, no change; *@out stays untouched. */
int vpcpeer_vpc_create(struct net *net, const char *name,
		       const struct vpcpeer_cidr *cidrs, unsigned int n,
		       bool dry, struct vpcpeer_vpc **out,
		       struct netlink_ext_ack *extack);
void vpcpeer_vpc_destroy(struct vpcpeer_vpc *vpc, struct list_head *kill);
int vpcpeer_vpc_cidr_add(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c,
			 bool dry, struct netlink_ext_ack *extack);
int vpcpeer_vpc_cidr_del(struct vpcpeer_vpc *vpc, const struct vpcpeer_cidr *c,
			 bool dry, struct netlink_ext_ack *extack);
int vpcpeer_vpc_walk_cidrs(const struct vpcpeer_vpc *vpc,
			   int (*cb)(void *arg, const struct vpcpeer_cidr *c),
			   void *arg);
bool vpcpeer_vpcs_overlap(const struct vpcpeer_vpc *a,
			  const struct vpcpeer_vpc *b, char *msg, size_t len);
bool vpcpeer_cidr_overlaps_vpc(const struct vpcpeer_vpc *vpc,
			       const struct vpcpeer_cidr *c);
int vpcpeer_cidr_fmt(char *buf, size_t len, const struct vpcpeer_cidr *c);
extern u32 vpcpeer_generation;

/* peering.c */
void vpcpeer_pcx_exit(void);
struct vpcpeer_pcx *vpcpeer_pcx_find(u32 id);
struct vpcpeer_pcx *vpcpeer_pcx_next(unsigned long *index);
/*
 * @dry: *@out is a connection that exists nowhere (id 0), as the request
 * would have made it; the caller frees it with vpcpeer_pcx_free_dry().
 */
/*
 * How a request named its accepter. @opaque: the requester's owner does
 * not administer the accepter VPC, or there is none (the request's @acc
 * is then NULL): the request fails as AWS's does, without saying which.
 */
struct vpcpeer_vpc_ref {
	u32 id;
	const char *name;
	bool opaque;
};

int vpcpeer_pcx_request(struct vpcpeer_vpc *req, struct vpcpeer_vpc *acc,
			const struct vpcpeer_vpc_ref *named, bool dry,
			struct vpcpeer_pcx **out,
			struct netlink_ext_ack *extack);
void vpcpeer_pcx_free_dry(struct vpcpeer_pcx *pcx);
int vpcpeer_pcx_accept(struct vpcpeer_pcx *pcx, int by, bool dry,
		       struct netlink_ext_ack *extack);
int vpcpeer_pcx_reject(struct vpcpeer_pcx *pcx, int by, bool dry,
		       struct netlink_ext_ack *extack);
int vpcpeer_pcx_delete(struct vpcpeer_pcx *pcx, int by, bool dry,
		       struct netlink_ext_ack *extack);
/* R14: options of the sides in @sides (bits); @opts[side] as parsed. */
struct vpcpeer_side_opts {
	bool set_dns, allow_dns;
	const char *tag;		/* NULL: unchanged */
};

int vpcpeer_pcx_set(struct vpcpeer_pcx *pcx, unsigned int sides,
		    const struct vpcpeer_side_opts *opts, bool dry,
		    struct netlink_ext_ack *extack);
/* The kernel ends @pcx because side @ender's VPC or device went. */
void vpcpeer_pcx_destroy(struct vpcpeer_pcx *pcx, int ender, const char *why,
			 struct list_head *kill);
void vpcpeer_pcx_dev_gone(struct net_device *dev, struct list_head *kill);
/* Expire due requests, close due tombstone views, arm the timer. */
void vpcpeer_pcx_tick(void);
void vpcpeer_pcx_start(void);
/* The sides (bits) of @pcx whose owner can still see it. */
unsigned int vpcpeer_pcx_open_sides(const struct vpcpeer_pcx *pcx);
/* Side @side's owner may still see @pcx (R3). */
bool vpcpeer_pcx_side_visible(const struct vpcpeer_pcx *pcx, int side);
/* When side @side's view of ended @pcx closes, in seconds since the epoch. */
time64_t vpcpeer_pcx_visible_until(const struct vpcpeer_pcx *pcx, int side);

/* device.c */
int vpcpeer_device_init(void);
void vpcpeer_device_exit(void);
struct net_device *vpcpeer_dev_create(struct vpcpeer_pcx *pcx, int side,
				      struct netlink_ext_ack *extack);
void vpcpeer_dev_attach(struct net_device *dev, struct vpcpeer_pcx *pcx);
void vpcpeer_dev_detach(struct net_device *dev);
struct vpcpeer_pcx *vpcpeer_dev_pcx(struct net_device *dev, int *side);
void vpcpeer_dev_set_peer(struct net_device *dev, struct net_device *peer);
void vpcpeer_dev_activate(struct net_device *dev);
void vpcpeer_dev_stats(struct net_device *dev, struct vpcpeer_stats *s);

/* netlink.c */
int vpcpeer_genl_init(void);
void vpcpeer_genl_exit(void);
/*
 * Events (VPCPEER_MCGRP_EVENTS), under vpcpeer_lock. A VPC's event reaches
 * the listeners in its namespace and in the initial one. A peering's
 * reaches those in the namespace of a side in @hear (bits) and of none in
 * @deaf, and the initial namespace's when it hears any side and is deaf to
 * none; @old_state is for VPCPEER_CMD_PCX_STATE.
 */
void vpcpeer_notify_vpc(u8 cmd, const struct vpcpeer_vpc *vpc,
			const struct vpcpeer_cidr *c);
void vpcpeer_notify_pcx(u8 cmd, const struct vpcpeer_pcx *pcx, int old_state,
			unsigned int hear, unsigned int deaf);

#endif /* _VPCPEER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regions (region.c): the links to the vpcpeer modules of other hosts.
 * A region is a name, the remote host's underlay address and port, and
 * this host's address towards it. The route between the two must be
 * encrypted by WireGuard or IPsec, which region.c verifies before it
 * sends anything and checks of everything it receives; the module itself
 * never encrypts. Regions live in the initial namespace; writers hold
 * vpcpeer_lock, the receive path reads under RCU.
 */
#ifndef _VPCPEER_REGION_H
#define _VPCPEER_REGION_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>

#include "tunnel.h"
#include "vpcpeer.h"

#define VPCPEER_REGION_STAT(name) \
	(VPCPEER_A_RSTATS_##name - VPCPEER_A_RSTATS_TX_PACKETS)
#define VPCPEER_REGION_NSTATS \
	(VPCPEER_A_RSTATS_MAX + 1 - VPCPEER_A_RSTATS_TX_PACKETS)

struct vpcpeer_region_pcpu {
	u64 c[VPCPEER_REGION_NSTATS];
	struct u64_stats_sync syncp;
};

/*
 * Where a region is and how to reach it: replaced whole (RCU) when
 * region-set changes it, so that a reader sees one address pair.
 */
struct vpcpeer_region_link {
	struct vpcpeer_flow flow;
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

struct vpcpeer_region {
	struct list_head node;		/* on the region list (RCU) */
	u64 id;				/* never reused: the control queue's tag */
	char name[VPCPEER_REGION_NAME_MAX];
	struct vpcpeer_region_link __rcu *link;
	/* What verification found; written under vpcpeer_lock. */
	u8 state;			/* enum vpcpeer_region_state */
	u8 underlay;			/* enum vpcpeer_underlay */
	int underlay_ifindex;		/* read on receive (READ_ONCE) */
	char underlay_ifname[IFNAMSIZ];
	u32 inner_mtu;
	/* What its HELLOs said. */
	char peer_name[VPCPEER_REGION_NAME_MAX];
	u64 peer_epoch;
	bool heard;			/* a HELLO came since it was added */
	unsigned long last_rx;		/* jiffies of the last HELLO */
	u32 hello_seq;
	unsigned int pcx_count;		/* peering.c's: its peerings not yet over */
	bool tx_ok;			/* verification found the route encrypted */
	atomic_t ctl_queued;		/* its messages on the control queue */
	struct vpcpeer_region_pcpu __percpu *stats;
	struct rcu_head rcu;
};

/* Count event @stat (VPCPEER_REGION_STAT(...)) of @n. */
void vpcpeer_region_count(struct vpcpeer_region *r, unsigned int stat, u64 n);
void vpcpeer_region_stats(const struct vpcpeer_region *r,
			  u64 out[VPCPEER_REGION_NSTATS]);
u64 vpcpeer_region_unknown_drops(void);
/* The region's link, under vpcpeer_lock. */
const struct vpcpeer_flow *vpcpeer_region_flow(const struct vpcpeer_region *r);

/*
 * Send data packet @skb (at its inner IP header) to @r with VNI @vni, if
 * the route is encrypted. Softirq or BHs off, under RCU; consumes @skb.
 * 0, or -EPERM (route not encrypted), -ENETUNREACH, -EADDRNOTAVAIL (no
 * route, or the local address is gone), -ENOMEM.
 */
int vpcpeer_region_xmit(struct vpcpeer_region *r, u32 vni, struct sk_buff *skb);
/* Send control message @m to @r (its epoch is the caller's to set). */
struct vpcpeer_xmsg;
int vpcpeer_region_send(struct vpcpeer_region *r, const struct vpcpeer_xmsg *m);
/* This module load's epoch, sent in every control message. */
u64 vpcpeer_region_epoch(void);

struct vpcpeer_region *vpcpeer_region_find(const char *name);
/* For dumps: the region at position >= *index, or NULL. */
struct vpcpeer_region *vpcpeer_region_next(unsigned long *index);

bool vpcpeer_region_name_valid(const char *name);
int vpcpeer_region_new_check(const char *name, const struct vpcpeer_flow *flow,
			     struct netlink_ext_ack *extack);
int vpcpeer_region_new(const char *name, const struct vpcpeer_flow *flow,
		       struct vpcpeer_region **out);
int vpcpeer_region_set_check(const struct vpcpeer_region *r,
			     const struct vpcpeer_flow *flow,
			     struct netlink_ext_ack *extack);
int vpcpeer_region_set(struct vpcpeer_region *r, const struct vpcpeer_flow *flow);
int vpcpeer_region_del_check(const struct vpcpeer_region *r,
			     struct netlink_ext_ack *extack);
void vpcpeer_region_del(struct vpcpeer_region *r);

int vpcpeer_region_init(void);
void vpcpeer_region_start(void);
/* Every region goes (the peerings that used them are gone already). */
void vpcpeer_region_exit(void);

#endif /* _VPCPEER_REGION_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The per-peering netdevice ("pcx-<id>"): a layer-3 point-to-point device
 * with no link-layer header, one in each VPC's namespace, and the packet
 * fast path between the two. Transmit is two steps kept apart on purpose:
 * check (the peering is active, the source is in the sending VPC, the
 * destination in the peer VPC, the size fits) and deliver (hand the packet
 * to the peer device's namespace, netkit's way). A second way to deliver,
 * to a tunnel towards another host, is meant to be an addition next to
 * vpcpeer_deliver(), not a change to the checks.
 *
 * What transmit reads is one object, the device's path (peer device,
 * source prefix sets, destination prefix sets), immutable and published
 * under RCU: peering.c opens it (vpcpeer_dev_join) when a connection
 * becomes active and closes it (vpcpeer_dev_detach) before the connection
 * ends. No path, not active: this file knows nothing of peerings.
 *
 * The devices are made and destroyed by the peering code, never by
 * "ip link add": a device without a consented peering would be a hole in
 * the isolation the module exists to enforce. Until the peering is
 * active a device is up with its carrier on but operationally DORMANT
 * (RFC 2863: waiting for an external event, here the accepter's consent),
 * so routes to it stay usable and what is sent meets the check and is
 * counted as not_active, where a carrier-off device would have its packets
 * silently eaten by the noop qdisc.
 */

#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/icmp.h>
#include <net/ipv6.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "device.h"
#include "region.h"
#include "xproto.h"

/* AWS allows 9001-byte frames across a peering within a region, 8500 across. */
#define VPCPEER_DEFAULT_MTU	9001
#define VPCPEER_REMOTE_MTU	8500

/*
 * The VNIs the remote devices receive on, each chosen here (WireGuard's
 * receiver index): VNI to device, read under RCU on receive. A device
 * leaves it in ndo_uninit, before the grace period that precedes its free.
 */
static DEFINE_XARRAY(vpcpeer_vnis);

struct vpcpeer_pcpu_stats {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t drops[VPCPEER_DROP_MAX];
	struct u64_stats_sync syncp;
};

/*
 * Where an active device's packets may go; never changed once published.
 * Either to @peer, a device of this host, or, for a peering across
 * regions, into @region's tunnel with VNI @tx_vni (@peer is then NULL).
 */
struct vpcpeer_path {
	struct net_device *peer;
	struct vpcpeer_region *region;
	u32 tx_vni;
	/* The sending VPC's blocks and the peer VPC's: [0] IPv4, [1] IPv6. */
	const struct vpcpeer_lpm *src[2];
	const struct vpcpeer_lpm *dst[2];
	struct rcu_head rcu;
};

struct vpcpeer_dev {
	struct vpcpeer_path __rcu *path;
	struct vpcpeer_pcpu_stats __percpu *stats;
	/* The peering code's, under vpcpeer_lock: what it made the device for. */
	void *owner;
	u32 vni;	/* a remote device's receive VNI; 0 for a local one */
};

static void vpcpeer_count_drop(struct net_device *dev, enum vpcpeer_drop why)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	struct vpcpeer_pcpu_stats *s = this_cpu_ptr(priv->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[why]);
	u64_stats_update_end(&s->syncp);
}

/*
 * Malformed means the checks below could not trust the addresses they read:
 * the header is not whole, is not of the skb's own family, or disagrees
 * with the length of what is carried, so that the bytes judged would not
 * be the datagram delivered. A link carries no padding, so a datagram
 * shorter than the packet is as wrong as a longer one. IPv4 options are
 * carried unread, and checksums are the receiver's to verify, as on any
 * link. A GSO packet over 64 KiB (BIG TCP) has 0 for its length.
 */
static bool vpcpeer_ip4_whole(const struct sk_buff *skb,
			      const struct iphdr *iph)
{
	unsigned int len = ntohs(iph->tot_len);

	if (!len && skb_is_gso(skb))
		len = skb->len;
	return iph->version == 4 && iph->ihl >= 5 && len == skb->len &&
	       iph->ihl * 4 <= len;
}

/*
 * In IPv6 the header goes on in extension headers, and the whole chain
 * must lie in the packet, as an IPv4 header's options must (RFC 7112 asks
 * the same of a first fragment). The walk stops at the first header that
 * is not an extension header (upper layer, ESP, No Next Header), and at
 * the fragment header of a fragment other than the first: what follows is
 * the middle of a payload. Each step reads 8 bytes through
 * skb_header_pointer() and advances by 8 at least, so a hostile chain
 * costs no more than its length; ordinary traffic takes no step.
 */
static bool vpcpeer_ip6_whole(const struct sk_buff *skb,
			      const struct ipv6hdr *ip6h)
{
	unsigned int off = sizeof(*ip6h), plen = ntohs(ip6h->payload_len);
	u8 nexthdr = ip6h->nexthdr;

	if (ip6h->version != 6)
		return false;
	if (off + plen != skb->len && (plen || !skb_is_gso(skb)))
		return false;
	for (;;) {
		const struct frag_hdr *fh;
		struct frag_hdr _fh;

		switch (nexthdr) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_FRAGMENT:
		case NEXTHDR_AUTH:
		case NEXTHDR_DEST:
			break;
		default:
			return true;
		}
		/* Every extension header is 8 bytes at least. */
		fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
		if (!fh)
			return false;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			if (fh->frag_off & htons(IP6_OFFSET))
				return true;
			off += sizeof(*fh);
		} else if (nexthdr == NEXTHDR_AUTH) {
			off += ipv6_authlen((const struct ipv6_opt_hdr *)fh);
		} else {
			off += ipv6_optlen((const struct ipv6_opt_hdr *)fh);
		}
		if (off > skb->len)
			return false;
		nexthdr = fh->nexthdr;
	}
}

/*
 * Whether every packet this one stands for fits the MTU: itself, or each
 * segment of a GSO packet. With BIG TCP over IPv6 (gso_max_size above
 * 64 KiB) the stack carries the length of a GSO packet in a jumbo
 * hop-by-hop option that segmentation removes again, so the segments are
 * that option's 8 bytes shorter than the header chain
 * skb_gso_validate_network_len() adds up (ip6_finish_output_gso() skips
 * the check for such packets altogether).
 */
static bool vpcpeer_fits(struct sk_buff *skb, unsigned int mtu)
{
	if (!skb_is_gso(skb))
		return skb->len <= mtu;
	if (unlikely(ipv6_has_hopopt_jumbo(skb)))
		mtu += sizeof(struct hop_jumbo_hdr);
	return skb_gso_validate_network_len(skb, mtu);
}

/*
 * Header validation: the IP header starts at skb->data and is whole, and
 * @saddr/@daddr point into it; @fam is 0 for IPv4, 1 for IPv6. False for
 * a malformed packet.
 */
static bool vpcpeer_parse(struct sk_buff *skb, const u8 **saddr,
			  const u8 **daddr, int *fam)
{
	int off;

	/*
	 * The stack hands an L3 device its packets at the IP header. A sender
	 * that built a link-layer header anyway (pktgen does, for any device)
	 * has said where the IP header starts: skip to it.
	 */
	off = skb_network_offset(skb);
	if (unlikely(off > 0)) {
		if (!pskb_may_pull(skb, off))
			return false;
		__skb_pull(skb, off);
	}
	skb_reset_network_header(skb);
	switch (skb->protocol) {
	case htons(ETH_P_IP): {
		const struct iphdr *iph;

		if (unlikely(!pskb_may_pull(skb, sizeof(*iph))))
			return false;
		iph = ip_hdr(skb);
		if (unlikely(!vpcpeer_ip4_whole(skb, iph)))
			return false;
		*saddr = (const u8 *)&iph->saddr;
		*daddr = (const u8 *)&iph->daddr;
		*fam = 0;
		return true;
	}
	case htons(ETH_P_IPV6): {
		const struct ipv6hdr *ip6h;

		if (unlikely(!pskb_may_pull(skb, sizeof(*ip6h))))
			return false;
		ip6h = ipv6_hdr(skb);
		if (unlikely(!vpcpeer_ip6_whole(skb, ip6h)))
			return false;
		*saddr = ip6h->saddr.s6_addr;
		*daddr = ip6h->daddr.s6_addr;
		*fam = 1;
		return true;
	}
	}
	return false;
}

/*
 * The check step. Returns the reason to drop, or VPCPEER_DROP_MAX to pass
 * along @path. Cheapest tests first; the CIDR lookups are RCU reads of
 * the VPCs' prefix sets.
 */
static enum vpcpeer_drop vpcpeer_check(struct sk_buff *skb,
				       struct net_device *dev,
				       const struct vpcpeer_path *path)
{
	const u8 *saddr, *daddr;
	int fam;

	if (unlikely(!path))
		return VPCPEER_DROP_NOT_ACTIVE;
	if (unlikely(!vpcpeer_parse(skb, &saddr, &daddr, &fam)))
		return VPCPEER_DROP_MALFORMED;
	/* R8: what did not come from this VPC does not cross (no transit). */
	if (!vpcpeer_lpm_contains(path->src[fam], saddr))
		return VPCPEER_DROP_SRC_NOT_IN_VPC;
	/* R9: only the peer VPC's own addresses (no edge-to-edge routing). */
	if (!vpcpeer_lpm_contains(path->dst[fam], daddr))
		return VPCPEER_DROP_DST_NOT_IN_PEER;

	/*
	 * R13. The local stack already fragments or refuses to this MTU; this
	 * catches what bypassed it (raw and packet sockets) and says so.
	 */
	if (unlikely(!vpcpeer_fits(skb, dev->mtu))) {
		if (fam)
			icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, dev->mtu);
		else if (ip_hdr(skb)->frag_off & htons(IP_DF))
			icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				      htonl(dev->mtu));
		return VPCPEER_DROP_TOO_BIG;
	}
	return VPCPEER_DROP_MAX;
}

/* The deliver step: into the peer's namespace as if received there. */
static void vpcpeer_deliver(struct sk_buff *skb, struct net_device *dev,
			    struct net_device *peer)
{
	struct vpcpeer_dev *ppriv = netdev_priv(peer);
	struct vpcpeer_dev *priv = netdev_priv(dev);
	struct vpcpeer_pcpu_stats *s;
	unsigned int len = skb->len;

	skb_scrub_packet(skb, !net_eq(dev_net(dev), dev_net(peer)));
	skb->priority = 0;
	skb->dev = peer;
	skb_reset_mac_header(skb);
	skb->mac_len = 0;

	if (unlikely(__netif_rx(skb) != NET_RX_SUCCESS)) {
		vpcpeer_count_drop(dev, VPCPEER_DROP_RX);
		return;
	}

	s = this_cpu_ptr(priv->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);

	s = this_cpu_ptr(ppriv->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

/* What dropwatch and perf's skb:kfree_skb see for each of our reasons. */
static const enum skb_drop_reason vpcpeer_skb_reason[VPCPEER_DROP_MAX] = {
	[VPCPEER_DROP_NOT_ACTIVE]	= SKB_DROP_REASON_DEV_READY,
	[VPCPEER_DROP_SRC_NOT_IN_VPC]	= SKB_DROP_REASON_IP_RPFILTER,
	[VPCPEER_DROP_DST_NOT_IN_PEER]	= SKB_DROP_REASON_IP_OUTNOROUTES,
	[VPCPEER_DROP_TOO_BIG]		= VPCPEER_SKB_DROP_TOO_BIG,
	[VPCPEER_DROP_MALFORMED]	= SKB_DROP_REASON_IP_INHDR,
	[VPCPEER_DROP_RX_NOT_ACTIVE]	= SKB_DROP_REASON_DEV_READY,
	[VPCPEER_DROP_RX_SRC_NOT_IN_PEER] = SKB_DROP_REASON_IP_RPFILTER,
	[VPCPEER_DROP_RX_DST_NOT_IN_VPC] = SKB_DROP_REASON_IP_INADDRERRORS,
	[VPCPEER_DROP_RX_MALFORMED]	= SKB_DROP_REASON_IP_INHDR,
	[VPCPEER_DROP_UNDERLAY]		= SKB_DROP_REASON_IP_OUTNOROUTES,
};

static void vpcpeer_count(struct net_device *dev, bool tx, unsigned int len)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	struct vpcpeer_pcpu_stats *s = this_cpu_ptr(priv->stats);

	u64_stats_update_begin(&s->syncp);
	if (tx) {
		u64_stats_inc(&s->tx_packets);
		u64_stats_add(&s->tx_bytes, len);
	} else {
		u64_stats_inc(&s->rx_packets);
		u64_stats_add(&s->rx_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
}

/* The deliver step of a peering across regions: into the tunnel. */
static void vpcpeer_deliver_remote(struct sk_buff *skb, struct net_device *dev,
				   const struct vpcpeer_path *path)
{
	unsigned int len = skb->len;

	if (unlikely(vpcpeer_region_xmit(path->region, path->tx_vni, skb))) {
		vpcpeer_count_drop(dev, VPCPEER_DROP_UNDERLAY);
		return;
	}
	vpcpeer_count(dev, true, len);
}

int vpcpeer_dev_tunnel_rx(const struct vpcpeer_region *region, u32 vni,
			  struct sk_buff *skb)
{
	const struct vpcpeer_path *path;
	const u8 *saddr, *daddr;
	struct net_device *dev;
	enum vpcpeer_drop why;
	unsigned int len;
	int fam;

	dev = xa_load(&vpcpeer_vnis, vni);
	if (!dev) {
		kfree_skb(skb);
		return -ENOENT;
	}
	path = rcu_dereference(((struct vpcpeer_dev *)netdev_priv(dev))->path);
	if (unlikely(!path)) {
		why = VPCPEER_DROP_RX_NOT_ACTIVE;
		goto drop;
	}
	if (unlikely(path->region != region)) {
		kfree_skb(skb);
		return -EXDEV;
	}
	if (unlikely(!vpcpeer_parse(skb, &saddr, &daddr, &fam))) {
		why = VPCPEER_DROP_RX_MALFORMED;
		goto drop;
	}
	/* The sender checked the same; the receiver trusts no sender. */
	if (!vpcpeer_lpm_contains(path->dst[fam], saddr)) {
		why = VPCPEER_DROP_RX_SRC_NOT_IN_PEER;
		goto drop;
	}
	if (!vpcpeer_lpm_contains(path->src[fam], daddr)) {
		why = VPCPEER_DROP_RX_DST_NOT_IN_VPC;
		goto drop;
	}
	len = skb->len;
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	skb->mac_len = 0;
	if (unlikely(__netif_rx(skb) != NET_RX_SUCCESS)) {
		vpcpeer_count_drop(dev, VPCPEER_DROP_RX);
		return 1;
	}
	vpcpeer_count(dev, false, len);
	return 0;

drop:
	vpcpeer_count_drop(dev, why);
	kfree_skb_reason(skb, vpcpeer_skb_reason[why]);
	return 1;
}

static netdev_tx_t vpcpeer_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	const struct vpcpeer_path *path;
	enum vpcpeer_drop why;

	rcu_read_lock();
	path = rcu_dereference(priv->path);
	why = vpcpeer_check(skb, dev, path);
	if (likely(why == VPCPEER_DROP_MAX)) {
		if (path->peer)
			vpcpeer_deliver(skb, dev, path->peer);
		else
			vpcpeer_deliver_remote(skb, dev, path);
	} else {
		vpcpeer_count_drop(dev, why);
		kfree_skb_reason(skb, vpcpeer_skb_reason[why]);
	}
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

void vpcpeer_dev_stats(struct net_device *dev, struct vpcpeer_stats *sum)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct vpcpeer_pcpu_stats *s = per_cpu_ptr(priv->stats, cpu);
		struct vpcpeer_stats one;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			one.tx_packets = u64_stats_read(&s->tx_packets);
			one.tx_bytes = u64_stats_read(&s->tx_bytes);
			one.rx_packets = u64_stats_read(&s->rx_packets);
			one.rx_bytes = u64_stats_read(&s->rx_bytes);
			for (i = 0; i < VPCPEER_DROP_MAX; i++)
				one.drops[i] = u64_stats_read(&s->drops[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		sum->tx_packets += one.tx_packets;
		sum->tx_bytes += one.tx_bytes;
		sum->rx_packets += one.rx_packets;
		sum->rx_bytes += one.rx_bytes;
		for (i = 0; i < VPCPEER_DROP_MAX; i++)
			sum->drops[i] += one.drops[i];
	}
}

static void vpcpeer_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *st)
{
	struct vpcpeer_stats s;
	int i;

	vpcpeer_dev_stats(dev, &s);
	st->tx_packets = s.tx_packets;
	st->tx_bytes = s.tx_bytes;
	st->rx_packets = s.rx_packets;
	st->rx_bytes = s.rx_bytes;
	for (i = 0; i < VPCPEER_DROP_MAX; i++)
		st->tx_dropped += s.drops[i];
}

static int vpcpeer_dev_init(struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	int cpu;

	priv->stats = alloc_percpu(struct vpcpeer_pcpu_stats);
	if (!priv->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(priv->stats, cpu)->syncp);
	return 0;
}

/* After the last reference: no reader can be counting into it any more. */
static void vpcpeer_dev_destructor(struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);

	/* Detached before unregistering, always; but never leak it. */
	kfree(rcu_dereference_protected(priv->path, true));
	free_percpu(priv->stats);
	pr_debug("%s: destroyed\n", dev->name);
}

static void vpcpeer_dev_uninit(struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);

	if (priv->vni)
		xa_erase(&vpcpeer_vnis, priv->vni);
}

static const struct net_device_ops vpcpeer_netdev_ops = {
	.ndo_init		= vpcpeer_dev_init,
	.ndo_uninit		= vpcpeer_dev_uninit,
	.ndo_start_xmit		= vpcpeer_xmit,
	.ndo_get_stats64	= vpcpeer_get_stats64,
};

#define VPCPEER_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
			  NETIF_F_RXCSUM | NETIF_F_HIGHDMA | \
			  NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL)

static void vpcpeer_setup(struct net_device *dev)
{
	dev->netdev_ops = &vpcpeer_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->mtu = VPCPEER_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	/* As veth and netkit: BIG TCP once the user raises gso_max_size. */
	netif_set_tso_max_size(dev, GSO_MAX_SIZE);
	dev->features |= VPCPEER_FEATURES;
	dev->hw_features |= VPCPEER_FEATURES;
	dev->hw_enc_features |= VPCPEER_FEATURES;
	dev->needs_free_netdev = true;
	dev->priv_destructor = vpcpeer_dev_destructor;
	vpcpeer_dev_set_lltx(dev);
	/* A pcx device belongs to its VPC; moving it would leak the peering. */
	vpcpeer_dev_set_netns_immutable(dev);
}

/*
 * No link-local address: a peering carries the VPCs' CIDR blocks and
 * nothing else, and the router solicitations IPv6 would send from one
 * could only be dropped, as src_not_in_vpc noise in the counters.
 */
static void vpcpeer_dev_no_addrconf(struct net_device *dev)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct inet6_dev *idev = __in6_dev_get(dev);

	if (idev)
		WRITE_ONCE(idev->cnf.addr_gen_mode, IN6_ADDR_GEN_MODE_NONE);
#endif
}

/*
 * A remote device: AWS's inter-region MTU, room for the outer headers,
 * no BIG TCP (a GSO packet is segmented before the encrypting device),
 * and no nested tunnel GSO. Its receive VNI is drawn at registration.
 */
static void vpcpeer_setup_remote(struct net_device *dev)
{
	netdev_features_t f = VPCPEER_FEATURES & ~NETIF_F_GSO_ENCAP_ALL;

	dev->mtu = VPCPEER_REMOTE_MTU;
	dev->needed_headroom = VPCPEER_TUNNEL_OVERHEAD6 + 16;
	netif_set_tso_max_size(dev, GSO_LEGACY_MAX_SIZE);
	dev->features = f;
	dev->hw_features = f;
	dev->hw_enc_features = f;
}

static int vpcpeer_vni_alloc(struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	u32 vni;
	int err;

	do {
		vni = get_random_u32() & VPCPEER_XP_VNI_MAX;
		err = vni ? xa_insert(&vpcpeer_vnis, vni, dev, GFP_KERNEL) : -EBUSY;
	} while (err == -EBUSY);
	if (!err)
		priv->vni = vni;
	return err;
}

u32 vpcpeer_dev_vni(struct net_device *dev)
{
	return ((struct vpcpeer_dev *)netdev_priv(dev))->vni;
}

struct net_device *vpcpeer_dev_create(struct net *net, u32 id, void *owner,
				      bool remote, struct rtnl_link_ops *ops,
				      struct netlink_ext_ack *extack)
{
	char name[IFNAMSIZ];
	struct vpcpeer_dev *priv;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	snprintf(name, sizeof(name), VPCPEER_PCX_ID_PREFIX "%08x", id);
	dev = alloc_netdev(sizeof(*priv), name, NET_NAME_PREDICTABLE,
			   vpcpeer_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev_net_set(dev, net);
	dev->rtnl_link_ops = ops;
	priv = netdev_priv(dev);
	priv->owner = owner;
	if (remote)
		vpcpeer_setup_remote(dev);

	err = register_netdevice(dev);
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "cannot create the pcx device in the VPC's namespace (a device of that name exists?)");
		free_netdev(dev);
		return ERR_PTR(err);
	}
	/* Only now: an operstate change queues a linkwatch event holding
	 * the device, and free_netdev() above must never free a device
	 * still on that list (the fuzzer's list corruption).
	 */
	netif_dormant_on(dev);
	vpcpeer_dev_no_addrconf(dev);
	err = remote ? vpcpeer_vni_alloc(dev) : 0;
	if (err) {
		unregister_netdevice(dev);
		return ERR_PTR(err);
	}
	err = dev_change_flags(dev, dev->flags | IFF_UP, extack);
	if (err) {
		unregister_netdevice(dev);
		return ERR_PTR(err);
	}
	pr_debug("%s: created\n", dev->name);
	return dev;
}

void *vpcpeer_dev_owner(struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);

	lockdep_assert_held(&vpcpeer_lock);
	return priv->owner;
}

static struct vpcpeer_path *vpcpeer_path_new(struct net_device *peer,
					     const struct vpcpeer_lpm *src4,
					     const struct vpcpeer_lpm *src6,
					     const struct vpcpeer_lpm *dst4,
					     const struct vpcpeer_lpm *dst6)
{
	struct vpcpeer_path *path = kzalloc(sizeof(*path), GFP_KERNEL);

	if (path) {
		path->peer = peer;
		path->src[0] = src4;
		path->src[1] = src6;
		path->dst[0] = dst4;
		path->dst[1] = dst6;
	}
	return path;
}

int vpcpeer_dev_join(struct net_device *a, struct net_device *b,
		     const struct vpcpeer_lpm *a4, const struct vpcpeer_lpm *a6,
		     const struct vpcpeer_lpm *b4, const struct vpcpeer_lpm *b6)
{
	struct vpcpeer_dev *pa = netdev_priv(a), *pb = netdev_priv(b);
	struct vpcpeer_path *ab, *ba;

	ASSERT_RTNL();
	ab = vpcpeer_path_new(b, a4, a6, b4, b6);
	ba = vpcpeer_path_new(a, b4, b6, a4, a6);
	if (!ab || !ba) {
		kfree(ab);
		kfree(ba);
		return -ENOMEM;
	}
	/* The path is whole before a transmit can see it. */
	rcu_assign_pointer(pa->path, ab);
	rcu_assign_pointer(pb->path, ba);
	netif_dormant_off(a);
	netif_dormant_off(b);
	return 0;
}

int vpcpeer_dev_join_remote(struct net_device *dev,
			    struct vpcpeer_region *region, u32 tx_vni,
			    const struct vpcpeer_lpm *src4,
			    const struct vpcpeer_lpm *src6,
			    const struct vpcpeer_lpm *dst4,
			    const struct vpcpeer_lpm *dst6)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	struct vpcpeer_path *path;

	ASSERT_RTNL();
	path = vpcpeer_path_new(NULL, src4, src6, dst4, dst6);
	if (!path)
		return -ENOMEM;
	path->region = region;
	path->tx_vni = tx_vni;
	/* Or replaces it (the peer's blocks changed): freed after readers. */
	path = rcu_replace_pointer(priv->path, path, lockdep_rtnl_is_held());
	if (path)
		kfree_rcu(path, rcu);
	netif_dormant_off(dev);
	return 0;
}

void vpcpeer_dev_detach(struct net_device *dev)
{
	struct vpcpeer_dev *priv = netdev_priv(dev);
	struct vpcpeer_path *path;

	ASSERT_RTNL();
	lockdep_assert_held(&vpcpeer_lock);
	path = rcu_replace_pointer(priv->path, NULL,
				   lockdep_is_held(&vpcpeer_lock));
	if (path)
		kfree_rcu(path, rcu);
	priv->owner = NULL;
	netif_dormant_on(dev);
}

void vpcpeer_dev_link_ops_init(struct rtnl_link_ops *ops)
{
	ops->setup = vpcpeer_setup;
	ops->priv_size = sizeof(struct vpcpeer_dev);
}

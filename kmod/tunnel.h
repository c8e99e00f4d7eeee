/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP sockets of the inter-region links (tunnel.c): one per address
 * family, in the initial namespace, bound to module parameter udp_port,
 * and the encapsulated transmit. The bottom of the inter-region code: it
 * knows routes and sockets, not regions; what arrives goes to the
 * receive function its opener gave it.
 */
#ifndef _VPCPEER_TUNNEL_H
#define _VPCPEER_TUNNEL_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <net/dst.h>

/* Outer IPv4 + UDP + GENEVE, and the same over IPv6. */
#define VPCPEER_TUNNEL_OVERHEAD4	(20 + 8 + 8)
#define VPCPEER_TUNNEL_OVERHEAD6	(40 + 8 + 8)

/* An underlay address: IPv4 in the first 4 bytes of v6's place. */
union vpcpeer_inaddr {
	__be32 v4;
	struct in6_addr v6;
};

/* The flow of a region's packets: what a route is looked up for. */
struct vpcpeer_flow {
	u8 family;			/* AF_INET or AF_INET6 */
	union vpcpeer_inaddr local, remote;
	__be16 rport;
};

/*
 * Open the socket of @family (refcounted: every region of that family
 * holds it). @rcv is udp_tunnel's encap_rcv: it runs in softirq, under
 * RCU, with skb->data at the UDP header, and must consume the skb.
 */
int vpcpeer_tunnel_get(u8 family, int (*rcv)(struct sock *sk, struct sk_buff *skb));
void vpcpeer_tunnel_put(u8 family);
/* The UDP port the sockets are bound to (module parameter udp_port). */
__be16 vpcpeer_tunnel_port(void);

/*
 * The route for @flow, or an ERR_PTR: -ENETUNREACH without one,
 * -EADDRNOTAVAIL when flow->local is not this host's. IPsec policies
 * apply (the dst may be an xfrm bundle). The caller owns the reference.
 */
/* The flowi of @flow's outer packets leaving through device @oif. */
void vpcpeer_tunnel_flowi(const struct vpcpeer_flow *flow, int oif,
			  struct flowi *fl);
struct dst_entry *vpcpeer_tunnel_route(const struct vpcpeer_flow *flow);
/*
 * Send @skb (data at the GENEVE header) along @dst (whose reference is
 * taken over) to @flow: outer DF clear, the host fragments what the route
 * cannot carry whole. Returns 0 or -ENOTCONN without a socket; the skb
 * is consumed either way.
 */
int vpcpeer_tunnel_xmit(const struct vpcpeer_flow *flow, struct dst_entry *dst,
			struct sk_buff *skb);

#endif /* _VPCPEER_TUNNEL_H */

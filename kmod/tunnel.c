// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP sockets of the inter-region links and the encapsulated
 * transmit, as WireGuard's socket.c and ovpn's udp.c do it: kernel
 * sockets in the initial namespace, our own route lookups (which IPsec
 * policies apply to, so a route may be an xfrm bundle), and
 * udp_tunnel_xmit_skb(). One socket per family serves every region of
 * that family; the first region opens it and the last one closes it
 * (publish, synchronize_net(), release: no receive runs on a released
 * socket). Nothing here encrypts: region.c refuses a route that is not
 * encrypted before anything is sent along it.
 */

#include <linux/inetdevice.h>
#include <linux/module.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "tunnel.h"
#include "vpcpeer.h"

static unsigned int udp_port = 6081;
module_param(udp_port, uint, 0444);
MODULE_PARM_DESC(udp_port,
		 "UDP port of the inter-region links, on every address (default 6081, GENEVE's)");

/* [0] IPv4, [1] IPv6; written under vpcpeer_lock, read under RCU. */
static struct socket __rcu *socks[2];
static unsigned int users[2];

static int family_index(u8 family)
{
	return family == AF_INET6;
}

__be16 vpcpeer_tunnel_port(void)
{
	return htons(udp_port);
}

int vpcpeer_tunnel_get(u8 family, int (*rcv)(struct sock *sk, struct sk_buff *skb))
{
	struct udp_tunnel_sock_cfg cfg = {
		.encap_type = 1,
		.encap_rcv = rcv,
	};
	struct udp_port_cfg pcfg = {
		.family = family,
		.local_udp_port = htons(udp_port),
	};
	int i = family_index(family);
	struct socket *sock;
	int err;

	lockdep_assert_held(&vpcpeer_lock);
	if (users[i]) {
		users[i]++;
		return 0;
	}
	if (family == AF_INET6) {
		pcfg.local_ip6 = in6addr_any;
		pcfg.ipv6_v6only = 1;
	} else {
		pcfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(&init_net, &pcfg, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(&init_net, sock, &cfg);
	rcu_assign_pointer(socks[i], sock);
	users[i] = 1;
	return 0;
}

void vpcpeer_tunnel_put(u8 family)
{
	int i = family_index(family);
	struct socket *sock;

	lockdep_assert_held(&vpcpeer_lock);
	if (WARN_ON(!users[i]) || --users[i])
		return;
	sock = rcu_dereference_protected(socks[i], lockdep_is_held(&vpcpeer_lock));
	RCU_INIT_POINTER(socks[i], NULL);
	synchronize_net();
	udp_tunnel_sock_release(sock);
}

static struct dst_entry *route4(const struct vpcpeer_flow *flow)
{
	struct flowi4 fl4 = {
		.saddr = flow->local.v4,
		.daddr = flow->remote.v4,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = htons(udp_port),
		.fl4_dport = flow->rport,
	};
	struct rtable *rt;

	/* As WireGuard does: a source that is no longer ours sends nothing. */
	if (!inet_confirm_addr(&init_net, NULL, 0, fl4.saddr, RT_SCOPE_HOST))
		return ERR_PTR(-EADDRNOTAVAIL);
	rt = ip_route_output_flow(&init_net, &fl4, NULL);
	if (IS_ERR(rt))
		return ERR_PTR(-ENETUNREACH);
	return &rt->dst;
}

static struct dst_entry *route6(const struct vpcpeer_flow *flow)
{
	struct flowi6 fl6 = {
		.saddr = flow->local.v6,
		.daddr = flow->remote.v6,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = htons(udp_port),
		.fl6_dport = flow->rport,
	};
	struct dst_entry *dst;
	struct socket *sock;

	if (!ipv6_chk_addr(&init_net, &fl6.saddr, NULL, 0))
		return ERR_PTR(-EADDRNOTAVAIL);
	rcu_read_lock();
	sock = rcu_dereference(socks[1]);
	dst = sock ? ipv6_stub->ipv6_dst_lookup_flow(&init_net, sock->sk, &fl6, NULL) :
		     ERR_PTR(-ENOTCONN);
	rcu_read_unlock();
	if (IS_ERR(dst))
		return ERR_PTR(-ENETUNREACH);
	return dst;
}

/* The flow of @flow's outer packets, as an xfrm lookup sees them. */
void vpcpeer_tunnel_flowi(const struct vpcpeer_flow *flow, int oif,
			  struct flowi *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (flow->family == AF_INET6) {
		fl->u.ip6.saddr = flow->local.v6;
		fl->u.ip6.daddr = flow->remote.v6;
		fl->u.ip6.flowi6_proto = IPPROTO_UDP;
		fl->u.ip6.flowi6_oif = oif;
		fl->u.ip6.fl6_sport = htons(udp_port);
		fl->u.ip6.fl6_dport = flow->rport;
	} else {
		fl->u.ip4.saddr = flow->local.v4;
		fl->u.ip4.daddr = flow->remote.v4;
		fl->u.ip4.flowi4_proto = IPPROTO_UDP;
		fl->u.ip4.flowi4_oif = oif;
		fl->u.ip4.fl4_sport = htons(udp_port);
		fl->u.ip4.fl4_dport = flow->rport;
	}
}

struct dst_entry *vpcpeer_tunnel_route(const struct vpcpeer_flow *flow)
{
	return flow->family == AF_INET6 ? route6(flow) : route4(flow);
}

int vpcpeer_tunnel_xmit(const struct vpcpeer_flow *flow, struct dst_entry *dst,
			struct sk_buff *skb)
{
	struct socket *sock;
	int err = 0;

	/*
	 * No device counts the outer packet: iptunnel_xmit() of 6.1 would
	 * take a device's tstats, which ours has not (region.c counts).
	 */
	skb->dev = NULL;
	/* AWS's inner MTU is delivered whole: the outer packet may fragment. */
	skb->ignore_df = 1;
	local_bh_disable();
	sock = rcu_dereference_bh(socks[family_index(flow->family)]);
	if (unlikely(!sock)) {
		dst_release(dst);
		kfree_skb(skb);
		err = -ENOTCONN;
	} else if (flow->family == AF_INET6) {
		udp_tunnel6_xmit_skb(dst, sock->sk, skb, NULL,
				     (struct in6_addr *)&flow->local.v6,
				     (struct in6_addr *)&flow->remote.v6, 0,
				     ip6_dst_hoplimit(dst), 0, htons(udp_port),
				     flow->rport, false);
	} else {
		struct rtable *rt = container_of(dst, struct rtable, dst);

		udp_tunnel_xmit_skb(rt, sock->sk, skb, flow->local.v4,
				    flow->remote.v4, 0, ip4_dst_hoplimit(dst), 0,
				    htons(udp_port), flow->rport, false, false);
	}
	local_bh_enable();
	return err;
}

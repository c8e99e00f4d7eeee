/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every file of the vpcpeer module shares: the lock and the
 * generation. Each file has its own header for its own API, and the
 * includes show the layering, from the bottom:
 *
 *   lpm.h, pcx_fsm.h   prefix sets; the peering state machine's rules
 *   xproto.h           the inter-region control protocol's codec (pure)
 *   vpc.h              the VPC registry and CIDR blocks
 *   device.h           the pcx netdevice and its fast path
 *   peering.h          peering connections: their life, their devices'
 *                      link ops, and the end of a VPC or namespace
 *   netlink.h          the generic netlink family and its events
 *
 * A file calls only into the files below it. The one call that runs
 * upward is the event notification from peering.c into netlink.c, as
 * ovpn's peer code calls its netlink code.
 *
 * R1 to R15 in comments are the rules of AWS VPC peering the module
 * follows, as Documentation/peering-lifecycle.md numbers them.
 *
 * Locking: every change to VPCs and peerings happens under rtnl and then
 * vpcpeer_lock (that order, always: device creation and removal need rtnl
 * anyway, and dellink arrives with rtnl held). The transmit fast path reads
 * under RCU only.
 */
#ifndef _VPCPEER_H
#define _VPCPEER_H

#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/vpcpeer.h>

#define VPCPEER_VERSION "0.1.0"

extern struct mutex vpcpeer_lock;
/* Bumped on every change, so that a dump can tell it was not consistent. */
extern u32 vpcpeer_generation;

/*
 * The kernel_param_ops @ops of an unsigned int module parameter that
 * takes only @min to @max: a write outside them fails with EINVAL and
 * changes nothing.
 */
#define VPCPEER_UINT_RANGE_OPS(ops, min, max)				\
	static int ops##_set(const char *val, const struct kernel_param *kp) \
	{								\
		return param_set_uint_minmax(val, kp, (min), (max));	\
	}								\
	static const struct kernel_param_ops ops = {			\
		.set = ops##_set,					\
		.get = param_get_uint,					\
	}

#endif /* _VPCPEER_H */

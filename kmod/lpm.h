/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of IPv4 or IPv6 prefixes (one family per set) that answers, for the
 * transmit fast path, whether an address lies inside any of them, and for
 * the control path whether a new CIDR block would overlap the stored ones.
 * Callers only see this interface; struct vpcpeer_lpm is public so that it
 * can be embedded in a VPC, but its members are private to lpm.c, which is
 * free to change the structure behind them.
 *
 * Addresses are byte arrays in network order (4 or 16 bytes, no alignment
 * needed), exactly as they sit in an IP header. Writers (insert, remove,
 * free) hold the caller's update mutex and pass it so that lockdep can check
 * it; they may sleep. vpcpeer_lpm_contains() is an RCU reader: call it under
 * rcu_read_lock() or rcu_read_lock_bh(); it takes no lock, allocates nothing
 * and does no atomic operation. vpcpeer_lpm_overlaps() and vpcpeer_lpm_walk()
 * run either under the update mutex or under rcu_read_lock();
 * vpcpeer_lpm_count() anywhere. Memory a writer unlinks is freed after an
 * RCU grace period, through kfree_rcu() and kvfree_rcu_mightsleep() only, so
 * module unload needs no rcu_barrier() on this file's account.
 *
 *   vpcpeer_lpm_init(t, bits)     empty set of 32- or 128-bit addresses
 *   vpcpeer_lpm_insert(t, a, len, lock)
 *                                 0, -EINVAL (len > bits, or host bits set),
 *                                 -EEXIST (this exact prefix is there),
 *                                 -ENOMEM (and the set is unchanged)
 *   vpcpeer_lpm_remove(t, a, len, lock)
 *                                 0, -EINVAL, -ENOENT (not this exact prefix),
 *                                 -ENOMEM (and the set is unchanged)
 *   vpcpeer_lpm_contains(t, a)    is address a inside a stored prefix?
 *   vpcpeer_lpm_overlaps(t, a, len, lock)
 *                                 does a/len contain or lie inside a stored
 *                                 prefix? (host bits of a are ignored)
 *   vpcpeer_lpm_walk(t, cb, arg, lock)
 *                                 cb(arg, addr, len) for each prefix, sorted
 *                                 by address then length; a non-zero return
 *                                 stops the walk and is returned, so a dump
 *                                 resumes by skipping what it already sent
 *   vpcpeer_lpm_count(t)          number of prefixes
 *   vpcpeer_lpm_free(t, lock)     remove everything; t is reusable as is
 */
#ifndef _VPCPEER_LPM_H
#define _VPCPEER_LPM_H

#include <linux/types.h>

struct mutex;
struct vpcpeer_lpm_block;
struct vpcpeer_lpm_dir;

struct vpcpeer_lpm {
	/* private to lpm.c */
	struct vpcpeer_lpm_block __rcu *root;
	struct vpcpeer_lpm_dir __rcu *dir;
	unsigned int count;
	u8 bits;
	bool all;
};

void vpcpeer_lpm_init(struct vpcpeer_lpm *t, unsigned int bits);
int vpcpeer_lpm_insert(struct vpcpeer_lpm *t, const u8 *addr,
		       u8 cidr, struct mutex *lock);
int vpcpeer_lpm_remove(struct vpcpeer_lpm *t, const u8 *addr,
		       u8 cidr, struct mutex *lock);
bool vpcpeer_lpm_contains(const struct vpcpeer_lpm *t, const u8 *addr);
bool vpcpeer_lpm_overlaps(const struct vpcpeer_lpm *t, const u8 *addr,
			  u8 cidr, struct mutex *lock);
int vpcpeer_lpm_walk(const struct vpcpeer_lpm *t,
		     int (*cb)(void *arg, const u8 *addr, u8 cidr),
		     void *arg, struct mutex *lock);
unsigned int vpcpeer_lpm_count(const struct vpcpeer_lpm *t);
void vpcpeer_lpm_free(struct vpcpeer_lpm *t, struct mutex *lock);

#endif /* _VPCPEER_LPM_H */

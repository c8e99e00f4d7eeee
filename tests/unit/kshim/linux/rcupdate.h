/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel shim: RCU for single-threaded tests. Read-side sections are
 * empty, dereferences are plain loads and a grace period has always
 * elapsed already, so deferred frees happen at once (which lets ASan see
 * any use of memory a writer has unlinked).
 */
#ifndef _KSHIM_LINUX_RCUPDATE_H
#define _KSHIM_LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/slab.h>

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define rcu_read_lock_bh() do { } while (0)
#define rcu_read_unlock_bh() do { } while (0)
#define rcu_read_lock_held() 1
#define rcu_read_lock_bh_held() 1

#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_dereference_check(p, c) ((void)(c), READ_ONCE(p))
#define rcu_dereference_protected(p, c) ((void)(c), (p))
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_access_pointer(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) ((p) = (v))

#define kfree_rcu(p, field) kfree(p)
#define kvfree_rcu_mightsleep(p) kvfree(p)

#endif /* _KSHIM_LINUX_RCUPDATE_H */

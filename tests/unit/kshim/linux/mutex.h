/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: tests are single-threaded, so a mutex only names a lock. */
#ifndef _KSHIM_LINUX_MUTEX_H
#define _KSHIM_LINUX_MUTEX_H

struct mutex {
	int held;
};

#define DEFINE_MUTEX(m) struct mutex m = { 0 }
#define mutex_init(m) ((m)->held = 0)
#define mutex_lock(m) ((m)->held = 1)
#define mutex_unlock(m) ((m)->held = 0)

#endif /* _KSHIM_LINUX_MUTEX_H */

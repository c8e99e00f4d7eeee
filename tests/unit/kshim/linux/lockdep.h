/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: lockdep is off; the lock expression is still type-checked. */
#ifndef _KSHIM_LINUX_LOCKDEP_H
#define _KSHIM_LINUX_LOCKDEP_H

#include <linux/mutex.h>

#define lockdep_is_held(l) ((void)(l), 1)
#define lockdep_assert_held(l) ((void)(l))

#endif /* _KSHIM_LINUX_LOCKDEP_H */

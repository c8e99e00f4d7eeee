/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: one-time accesses, branch hints and attributes. */
#ifndef _KSHIM_LINUX_COMPILER_H
#define _KSHIM_LINUX_COMPILER_H

#include <linux/types.h>

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __packed __attribute__((__packed__))

#endif /* _KSHIM_LINUX_COMPILER_H */

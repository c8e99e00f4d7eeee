/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel shim: bit helpers. The kernel patches in the popcnt instruction
 * at boot on CPUs that have it; build with -mpopcnt to match that here.
 */
#ifndef _KSHIM_LINUX_BITOPS_H
#define _KSHIM_LINUX_BITOPS_H

#include <linux/types.h>

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define hweight64(w) ((unsigned int)__builtin_popcountll(w))
#define __ffs64(w) ((unsigned int)__builtin_ctzll(w))

#endif /* _KSHIM_LINUX_BITOPS_H */

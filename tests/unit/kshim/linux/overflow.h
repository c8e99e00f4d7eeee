/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: struct_size() without the kernel's overflow saturation. */
#ifndef _KSHIM_LINUX_OVERFLOW_H
#define _KSHIM_LINUX_OVERFLOW_H

#include <stddef.h>

#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof((p)->member[0]) * (size_t)(n))

#endif /* _KSHIM_LINUX_OVERFLOW_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: static_assert() with the kernel's optional message. */
#ifndef _KSHIM_LINUX_BUILD_BUG_H
#define _KSHIM_LINUX_BUILD_BUG_H

#undef static_assert
#define static_assert(expr, ...) __kshim_static_assert(expr, ##__VA_ARGS__, #expr)
#define __kshim_static_assert(expr, msg, ...) _Static_assert(expr, msg)

#endif /* _KSHIM_LINUX_BUILD_BUG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: fixed-width types and the annotations sparse checks. */
#ifndef _KSHIM_LINUX_TYPES_H
#define _KSHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint64_t __be64;

#define __rcu
#define __force
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

#endif /* _KSHIM_LINUX_TYPES_H */

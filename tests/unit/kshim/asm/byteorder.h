/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: byte order conversions for the host's endianness. */
#ifndef _KSHIM_ASM_BYTEORDER_H
#define _KSHIM_ASM_BYTEORDER_H

#include <linux/types.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define cpu_to_be32(x) ((__be32)__builtin_bswap32(x))
#define cpu_to_be64(x) ((__be64)__builtin_bswap64(x))
#define be32_to_cpu(x) ((u32)__builtin_bswap32(x))
#define be64_to_cpu(x) ((u64)__builtin_bswap64(x))
#else
#define cpu_to_be32(x) ((__be32)(x))
#define cpu_to_be64(x) ((__be64)(x))
#define be32_to_cpu(x) ((u32)(x))
#define be64_to_cpu(x) ((u64)(x))
#endif

#endif /* _KSHIM_ASM_BYTEORDER_H */

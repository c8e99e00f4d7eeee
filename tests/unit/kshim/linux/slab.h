/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: kmalloc() through the accounting, fault-injecting hooks. */
#ifndef _KSHIM_LINUX_SLAB_H
#define _KSHIM_LINUX_SLAB_H

#include <linux/types.h>
#include "../kshim.h"

typedef unsigned int gfp_t;
#define GFP_KERNEL 0U
#define GFP_ATOMIC 1U

#define kmalloc(size, gfp) ((void)(gfp), kshim_kmalloc(size, 0))
#define kzalloc(size, gfp) ((void)(gfp), kshim_kmalloc(size, 1))
#define kfree(p) kshim_kfree(p)
#define kvmalloc(size, gfp) kmalloc(size, gfp)
#define kvfree(p) kfree(p)

#endif /* _KSHIM_LINUX_SLAB_H */

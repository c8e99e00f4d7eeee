/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test hooks of the kernel shim: allocation accounting and fault injection.
 * Every kmalloc() counts as one allocation; kshim_fail_nth(n) makes the
 * n-th allocation from now return NULL (once), so a test can fail each
 * allocation of an operation in turn. Live counts let tests prove that a
 * failed operation leaked nothing and that a freed set is gone entirely;
 * slab bytes round each request up to the kernel's kmalloc size classes,
 * which is what the same allocation would really cost in the kernel.
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <stddef.h>

extern unsigned long kshim_alloc_calls;	/* kmalloc() calls so far */
extern unsigned long kshim_fail_at;	/* call number to fail, 0: none */
extern long kshim_live_allocs;		/* objects not yet freed */
extern size_t kshim_live_bytes;		/* bytes requested (KSHIM_SLAB: classes) */
extern size_t kshim_live_slab_bytes;	/* same, in kmalloc size classes */
extern unsigned long kshim_warnings;	/* WARN_ON()s that fired */

static inline void kshim_fail_nth(unsigned long n)
{
	kshim_fail_at = n ? kshim_alloc_calls + n : 0;
}

size_t kshim_slab_size(size_t size);
void *kshim_kmalloc(size_t size, int zero);
void kshim_kfree(const void *p);
void kshim_warn(const char *file, int line, const char *cond);

#endif /* _KSHIM_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator and warning hooks behind the kernel shim (see kshim.h).
 * By default each object is its own malloc() block behind a 64-byte header
 * that records its size, so that ASan checks every object's bounds and
 * lifetime. Benchmarks build with -DKSHIM_SLAB instead: objects are carved,
 * packed and naturally aligned, from 2 MiB arenas of one kmalloc size class
 * each, the way SLUB lays them out, so that cache and TLB behaviour is what
 * the kernel would see rather than that of a header per object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kshim.h"

#define KSHIM_HDR 64
#define KSHIM_ARENA (2UL << 20)

unsigned long kshim_alloc_calls;
unsigned long kshim_fail_at;
long kshim_live_allocs;
size_t kshim_live_bytes;
size_t kshim_live_slab_bytes;
unsigned long kshim_warnings;

/* SLUB's kmalloc caches on x86-64; beyond 8 KiB, whole page orders. */
size_t kshim_slab_size(size_t size)
{
	static const size_t classes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	size_t i, pages = 4096;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (size <= classes[i])
			return classes[i];
	while (pages < size)
		pages *= 2;
	return pages;
}

#ifdef KSHIM_SLAB
/* An arena's first slot holds its class; the rest are objects. */
struct kshim_cache {
	size_t size;
	void *free;
	unsigned char *next, *end;
};

static struct kshim_cache kshim_caches[16];

static void *kshim_obj_alloc(size_t size)
{
	size_t slab = kshim_slab_size(size), first;
	struct kshim_cache *c;
	unsigned char *a;
	unsigned int i;
	void *p;

	if (slab > 8192) {
		/* Page-sized and larger: an arena of its own, page aligned. */
		if (slab > KSHIM_ARENA - 4096)
			abort();
		a = aligned_alloc(KSHIM_ARENA, KSHIM_ARENA);
		if (!a)
			return NULL;
		memcpy(a, &slab, sizeof(slab));
		return a + 4096;
	}
	for (i = 0; kshim_caches[i].size && kshim_caches[i].size != slab; i++)
		;
	c = &kshim_caches[i];
	c->size = slab;
	if (c->free) {
		p = c->free;
		memcpy(&c->free, p, sizeof(void *));
		return p;
	}
	if (c->next == c->end) {
		a = aligned_alloc(KSHIM_ARENA, KSHIM_ARENA);
		if (!a)
			return NULL;
		memcpy(a, &slab, sizeof(slab));
		first = slab < 64 ? 64 : slab;
		c->next = a + first;
		c->end = a + first + (KSHIM_ARENA - first) / slab * slab;
	}
	p = c->next;
	c->next += slab;
	return p;
}

static size_t kshim_obj_free(const void *obj)
{
	unsigned char *a = (unsigned char *)((uintptr_t)obj & ~(KSHIM_ARENA - 1));
	unsigned int i;
	size_t slab;

	memcpy(&slab, a, sizeof(slab));
	if (slab > 8192) {
		free(a);
		return slab;
	}
	for (i = 0; kshim_caches[i].size != slab; i++)
		;
	memcpy((void *)obj, &kshim_caches[i].free, sizeof(void *));
	kshim_caches[i].free = (void *)obj;
	return slab;
}
#else
static void *kshim_obj_alloc(size_t size)
{
	unsigned char *p;

	if (posix_memalign((void **)&p, KSHIM_HDR, KSHIM_HDR + size))
		return NULL;
	memcpy(p, &size, sizeof(size));
	return p + KSHIM_HDR;
}

static size_t kshim_obj_free(const void *obj)
{
	unsigned char *p = (unsigned char *)obj - KSHIM_HDR;
	size_t size;

	memcpy(&size, p, sizeof(size));
	free(p);
	return size;
}
#endif

/*
 * The slab build cannot tell a freed object's requested size from its
 * class, so it keeps kshim_live_bytes in size classes as well.
 */
void *kshim_kmalloc(size_t size, int zero)
{
	void *p;

	if (++kshim_alloc_calls == kshim_fail_at) {
		kshim_fail_at = 0;
		return NULL;
	}
	p = kshim_obj_alloc(size);
	if (!p)
		return NULL;
	kshim_live_allocs++;
#ifdef KSHIM_SLAB
	kshim_live_bytes += kshim_slab_size(size);
#else
	kshim_live_bytes += size;
#endif
	kshim_live_slab_bytes += kshim_slab_size(size);
	if (zero)
		memset(p, 0, size);
	return p;
}

void kshim_kfree(const void *obj)
{
	size_t size;

	if (!obj)
		return;
	size = kshim_obj_free(obj);
	kshim_live_allocs--;
	kshim_live_bytes -= size;
	kshim_live_slab_bytes -= kshim_slab_size(size);
}

void kshim_warn(const char *file, int line, const char *cond)
{
	kshim_warnings++;
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

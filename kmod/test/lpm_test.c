// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the CIDR set (kmod/lpm.c), one source for two harnesses (see
 * vtest.h): KUnit in a kernel, and cmocka on the host, where lpm.c is
 * built unchanged through the kernel shim in tests/unit/kshim/. Every
 * check compares the set with a brute-force reference, a plain array of
 * prefixes: lookups of random addresses and of each prefix's first and
 * last address and their neighbours, overlap queries, the walk's order and
 * completeness, the count. Random sets nest heavily (prefixes drawn around
 * a few base addresses) and cover every length from /0 to /32 or /128, so
 * every stride boundary of the trie is crossed. Sets past 4096 prefixes
 * get a direct table of the first 12 bits, checked entry by entry against
 * the trie after every change. Seeds are fixed and printed with any
 * failure (on the host, LPM_SEED overrides the base).
 *
 * The shim sees more than the kernel lets a test see, and the host run
 * uses it (LPM_SHIM): allocation failures are injected at each allocation
 * of inserts and removes in turn, and a failed operation must leave the
 * set and the allocator exactly as they were; after any history of
 * changes a set must occupy exactly what a fresh build of the same
 * prefixes does (the trie has one shape per set); nothing may stay
 * allocated; no WARN_ON() may fire. The shim also frees RCU-deferred
 * memory at once, so under ASan any reader path left pointing at unlinked
 * memory fails loudly. In the kernel, KASAN, kmemleak, lockdep and the
 * splat check of tools/vm/run watch the same code instead.
 */
#include "vtest.h"

#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "../lpm.h"

#ifdef VTEST_HOST
#include <stdio.h>
#include <sys/types.h>
#include <kshim.h>

#define LPM_SHIM		1
#define shim_allocs()		kshim_live_allocs
#define shim_bytes()		kshim_live_bytes
#define shim_slab_bytes()	kshim_live_slab_bytes
#define shim_warnings()		kshim_warnings
#define shim_fail_nth(n)	kshim_fail_nth(n)
#else
/* Nothing to see: the checks of the shim's counters hold trivially. */
#define LPM_SHIM		0
#define shim_allocs()		0L
#define shim_bytes()		((size_t)0)
#define shim_slab_bytes()	((size_t)0)
#define shim_warnings()		0UL
#define shim_fail_nth(n)	((void)(n))
#endif

static DEFINE_MUTEX(test_lock);
static unsigned long long seed_base = 0x5eed1e55ULL;
static unsigned long long cur_seed;
static unsigned long long rng;
/* What earlier, failed tests may have left allocated. */
static long live_base;
static size_t slab_base, bytes_base;

#define CHECK(test, cond, fmt, ...)					\
	VT_ASSERT(test, cond, "seed %llu: " fmt, cur_seed, ##__VA_ARGS__)

/* The shim's count of live allocations is back where the case began. */
#define CHECK_NO_LEAK(test)						\
	CHECK(test, shim_allocs() == live_base, "%ld allocations left",	\
	      shim_allocs() - live_base)

static void seed(unsigned long long s)
{
	cur_seed = seed_base + s;
	rng = cur_seed;
}

/* splitmix64 */
static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

/* ---- addresses and the brute-force reference ---- */

struct pfx {
	u8 a[16];
	u8 cidr;
};

struct ref {
	unsigned int bits;
	struct pfx *p;
	size_t n, cap;
};

static const char *fmt(const u8 *a, unsigned int bits, int cidr)
{
	static char buf[4][64];
	static int which;
	char *s = buf[which++ & 3];
	size_t i, o = 0;

	for (i = 0; i < bits / 8; i++)
		o += snprintf(s + o, 64 - o, bits == 32 ? "%s%u" : "%s%02x",
			      i ? (bits == 32 ? "." : (i & 1 ? "" : ":")) : "",
			      a[i]);
	if (cidr >= 0)
		snprintf(s + o, 64 - o, "/%d", cidr);
	return s;
}

static bool match(const u8 *a, const u8 *b, unsigned int cidr)
{
	unsigned int full = cidr / 8, rem = cidr % 8;

	if (memcmp(a, b, full))
		return false;
	return !rem || !((a[full] ^ b[full]) & (0xff00 >> rem));
}

static void mask(u8 *a, unsigned int cidr, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bits / 8; i++) {
		if (cidr >= 8 * i + 8)
			continue;
		a[i] &= cidr <= 8 * i ? 0 : 0xff00 >> (cidr - 8 * i);
	}
}

static void last_addr(u8 *a, const struct pfx *p, unsigned int bits)
{
	unsigned int i;

	memcpy(a, p->a, 16);
	for (i = 0; i < bits / 8; i++) {
		if (p->cidr >= 8 * i + 8)
			continue;
		a[i] |= p->cidr <= 8 * i ? 0xff : 0xff >> (p->cidr - 8 * i);
	}
}

/* Add @d (+1 or -1) to @a in place; false when it wrapped around. */
static bool step(u8 *a, unsigned int bits, int d)
{
	int i;

	for (i = bits / 8 - 1; i >= 0; i--) {
		a[i] += d;
		if (a[i] != (d > 0 ? 0 : 0xff))
			return true;
	}
	return false;
}

static int pfx_cmp(const void *x, const void *y)
{
	const struct pfx *a = x, *b = y;
	int c = memcmp(a->a, b->a, 16);

	return c ? c : a->cidr - b->cidr;
}

static void ref_init(struct ref *r, unsigned int bits)
{
	memset(r, 0, sizeof(*r));
	r->bits = bits;
}

static void ref_free(struct ref *r)
{
	vt_free(r->p);
	r->p = NULL;
	r->n = 0;
	r->cap = 0;
}

static ssize_t ref_find(const struct ref *r, const struct pfx *p)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->p[i].cidr == p->cidr && !memcmp(r->p[i].a, p->a, 16))
			return i;
	return -1;
}

static void ref_add(struct kunit *test, struct ref *r, const struct pfx *p)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->p = vt_realloc(r->p, r->cap * sizeof(*r->p));
		VT_ASSERT(test, r->p, "out of memory");
	}
	r->p[r->n++] = *p;
}

static void ref_del(struct ref *r, size_t i)
{
	r->p[i] = r->p[--r->n];
}

static bool ref_contains(const struct ref *r, const u8 *a)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (match(r->p[i].a, a, r->p[i].cidr))
			return true;
	return false;
}

static bool ref_overlaps(const struct ref *r, const u8 *a, unsigned int cidr)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (match(r->p[i].a, a, r->p[i].cidr < cidr ? r->p[i].cidr : cidr))
			return true;
	return false;
}

/*
 * A random prefix near one of @nbases base addresses: the bits after a
 * random point are random, and lengths are spread over the whole range
 * (with /0 and very short prefixes rare, or everything would be covered).
 */
static void rand_prefix(struct pfx *p, unsigned int bits,
			const u8 (*bases)[16], unsigned int nbases)
{
	unsigned int i, from, r = rnd_below(100);

	memset(p, 0, sizeof(*p));
	memcpy(p->a, bases[rnd_below(nbases)], 16);
	from = rnd_below(bits + 1);
	for (i = from; i < bits; i++)
		if (rnd() & 1)
			p->a[i / 8] ^= 0x80 >> (i % 8);
	if (r < 1)
		p->cidr = 0;
	else if (r < 4)
		p->cidr = 1 + rnd_below(bits / 4);
	else if (r < 12)
		p->cidr = bits;
	else
		p->cidr = bits / 4 + rnd_below(bits - bits / 4 + 1);
	mask(p->a, p->cidr, bits);
	memset(p->a + bits / 8, 0, 16 - bits / 8);
}

/*
 * A prefix close to @q: as long or longer, and differing from it only in
 * one of the bits just past @q's length or in its last bit, so that the
 * two share a long path and the trie must grow a chain of nodes for them.
 */
static void near_prefix(struct pfx *p, const struct pfx *q, unsigned int bits)
{
	unsigned int flip;

	*p = *q;
	if (q->cidr == bits || rnd_below(2)) {
		flip = q->cidr ? q->cidr - 1 : 0;
	} else {
		p->cidr = q->cidr + 1 + rnd_below(bits - q->cidr);
		flip = q->cidr + rnd_below(p->cidr - q->cidr);
	}
	p->a[flip / 8] ^= 0x80 >> (flip % 8);
	mask(p->a, p->cidr, bits);
}

static void rand_bases(u8 (*bases)[16], unsigned int n, unsigned int bits)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		memset(bases[i], 0, 16);
		for (j = 0; j < bits / 8; j++)
			bases[i][j] = rnd();
	}
}

/* ---- comparing the set with the reference ---- */

struct collect {
	struct kunit *test;
	struct pfx *p;
	size_t n, cap, stop_after;
	unsigned int bits;
};

static int collect_cb(void *arg, const u8 *addr, u8 cidr)
{
	struct collect *c = arg;

	if (c->stop_after && c->n == c->stop_after)
		return 42;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->p = vt_realloc(c->p, c->cap * sizeof(*c->p));
		VT_ASSERT(c->test, c->p, "out of memory");
	}
	memset(&c->p[c->n], 0, sizeof(c->p[0]));
	memcpy(c->p[c->n].a, addr, c->bits / 8);
	c->p[c->n++].cidr = cidr;
	return 0;
}

static void check_walk(struct kunit *test, struct vpcpeer_lpm *t, struct ref *r)
{
	struct collect c = { .test = test, .bits = r->bits };
	size_t i;

	CHECK(test, vpcpeer_lpm_walk(t, collect_cb, &c, &test_lock) == 0, "walk");
	if (r->n)
		vt_sort(r->p, r->n, sizeof(*r->p), pfx_cmp);
	CHECK(test, c.n == r->n, "walk gave %zu prefixes, reference has %zu",
	      c.n, r->n);
	for (i = 0; i < c.n; i++)
		CHECK(test, !pfx_cmp(&c.p[i], &r->p[i]), "walk[%zu] = %s, want %s", i,
		      fmt(c.p[i].a, r->bits, c.p[i].cidr),
		      fmt(r->p[i].a, r->bits, r->p[i].cidr));
	vt_free(c.p);
}

/* The fast path's lookup, as the fast path calls it. */
static bool contains_bh(const struct vpcpeer_lpm *t, const u8 *a)
{
	bool ret;

	rcu_read_lock_bh();
	ret = vpcpeer_lpm_contains(t, a);
	rcu_read_unlock_bh();
	return ret;
}

static void check_addr(struct kunit *test, struct vpcpeer_lpm *t,
		       struct ref *r, const u8 *a)
{
	bool want = ref_contains(r, a), got;

	got = contains_bh(t, a);
	CHECK(test, got == want, "contains(%s) = %d, want %d",
	      fmt(a, r->bits, -1), got, want);
}

static void check_overlap(struct kunit *test, struct vpcpeer_lpm *t,
			  struct ref *r, const u8 *a, unsigned int cidr)
{
	bool want = ref_overlaps(r, a, cidr);
	bool got = vpcpeer_lpm_overlaps(t, a, cidr, &test_lock);

	CHECK(test, got == want, "overlaps(%s) = %d, want %d",
	      fmt(a, r->bits, cidr), got, want);
}

/*
 * Lookups at every prefix's edges and just outside them, random addresses
 * near the bases, overlap queries shorter and longer than stored prefixes,
 * the walk and the count.
 */
static void check_all(struct kunit *test, struct vpcpeer_lpm *t, struct ref *r,
		      const u8 (*bases)[16], unsigned int nbases,
		      unsigned int probes)
{
	struct pfx q;
	u8 a[16];
	size_t i;

	CHECK(test, vpcpeer_lpm_count(t) == r->n, "count %u, want %zu",
	      vpcpeer_lpm_count(t), r->n);
	for (i = 0; i < r->n; i++) {
		vt_yield();
		memcpy(a, r->p[i].a, 16);
		check_addr(test, t, r, a);
		if (step(a, r->bits, -1))
			check_addr(test, t, r, a);
		last_addr(a, &r->p[i], r->bits);
		check_addr(test, t, r, a);
		if (step(a, r->bits, 1))
			check_addr(test, t, r, a);
		check_overlap(test, t, r, r->p[i].a, r->p[i].cidr);
		check_overlap(test, t, r, r->p[i].a, rnd_below(r->bits + 1));
	}
	for (i = 0; i < probes; i++) {
		vt_yield();
		rand_prefix(&q, r->bits, bases, nbases);
		check_overlap(test, t, r, q.a, q.cidr);
		last_addr(a, &q, r->bits);
		check_addr(test, t, r, a);
		check_addr(test, t, r, q.a);
	}
	check_walk(test, t, r);
	CHECK(test, shim_warnings() == 0, "WARN_ON fired");
}

static void insert_ok(struct kunit *test, struct vpcpeer_lpm *t, struct ref *r,
		      const u8 *a, unsigned int cidr)
{
	struct pfx p = { .cidr = cidr };
	int err;

	memcpy(p.a, a, r->bits / 8);
	err = vpcpeer_lpm_insert(t, p.a, cidr, &test_lock);
	CHECK(test, err == (ref_find(r, &p) < 0 ? 0 : -EEXIST), "insert %s: %d",
	      fmt(p.a, r->bits, cidr), err);
	if (!err)
		ref_add(test, r, &p);
}

/*
 * The trie has one shape per set (a subtree with one prefix is a leaf, and
 * arrays are exactly as long as their bitmaps say), so after any history
 * of changes @t must occupy exactly what a fresh build of @r does.
 */
static void check_canonical(struct kunit *test, struct vpcpeer_lpm *t,
			    struct ref *r)
{
	long allocs = shim_allocs() - live_base;
	size_t bytes = shim_bytes() - bytes_base;
	struct vpcpeer_lpm fresh;
	size_t i;

	/* @t is the only set alive here. */
	CHECK(test, vpcpeer_lpm_count(t) == r->n, "count");
	vpcpeer_lpm_init(&fresh, r->bits);
	for (i = 0; i < r->n; i++)
		CHECK(test, !vpcpeer_lpm_insert(&fresh, r->p[i].a, r->p[i].cidr, &test_lock),
		      "fresh insert");
	CHECK(test, shim_allocs() - live_base - allocs == allocs &&
	      shim_bytes() - bytes_base - bytes == bytes,
	      "set after changes: %ld allocations, %zu bytes; built afresh: %ld, %zu",
	      allocs, bytes, shim_allocs() - live_base - allocs,
	      shim_bytes() - bytes_base - bytes);
	vpcpeer_lpm_free(&fresh, &test_lock);
}

/* ---- tests ---- */

static const u8 v4_10_0[4] = { 10, 0, 0, 0 };

static void test_errors(struct kunit *test)
{
	struct vpcpeer_lpm t4, t6;
	u8 a[16] = { 10, 0, 0, 1 };
	u8 b[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	vpcpeer_lpm_init(&t4, 32);
	vpcpeer_lpm_init(&t6, 128);
	mutex_lock(&test_lock);

	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, a, 24, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, a, 33, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, a, 255, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, a, 0, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, a, 32, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, a, 32, &test_lock), -EEXIST);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, a, 24, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, a, 33, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, v4_10_0, 8, &test_lock), -ENOENT);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, v4_10_0, 0, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t4, v4_10_0, 8, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, v4_10_0, 16, &test_lock), -ENOENT);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, v4_10_0, 7, &test_lock), -ENOENT);
	VT_ASSERT_EQ(test, vpcpeer_lpm_count(&t4), 2);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, a, 32, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t4, a, 32, &test_lock), -ENOENT);
	VT_ASSERT_EQ(test, vpcpeer_lpm_count(&t4), 1);

	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t6, b, 28, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t6, b, 129, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t6, b, 32, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t6, b, 32, &test_lock), -EEXIST);
	b[15] = 1;
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t6, b, 127, &test_lock), -EINVAL);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t6, b, 128, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t6, b, 127, &test_lock), -EINVAL);
	b[15] = 0;
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t6, b, 127, &test_lock), -ENOENT);
	VT_ASSERT_EQ(test, vpcpeer_lpm_count(&t6), 2);
	/* A failed call must not have touched the count or the contents. */
	VT_ASSERT_FALSE(test, vpcpeer_lpm_overlaps(&t6, b, 129, &test_lock));

	vpcpeer_lpm_free(&t4, &test_lock);
	vpcpeer_lpm_free(&t6, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
}

/* The shapes a VPC really has: a few disjoint blocks, checked by hand. */
static void test_vpc_blocks(struct kunit *test)
{
	static const u8 blocks[][4] = {
		{ 10, 0, 0, 0 }, { 10, 1, 0, 0 }, { 172, 16, 0, 0 },
		{ 192, 168, 4, 0 }, { 100, 64, 0, 0 },
	};
	static const u8 cidrs[] = { 16, 16, 12, 24, 10 };
	static const struct {
		u8 a[4];
		bool in;
	} probes[] = {
		{ { 10, 0, 0, 0 }, true }, { { 10, 0, 255, 255 }, true },
		{ { 10, 1, 7, 9 }, true }, { { 10, 2, 0, 0 }, false },
		{ { 9, 255, 255, 255 }, false }, { { 172, 31, 255, 255 }, true },
		{ { 172, 32, 0, 0 }, false }, { { 172, 15, 255, 255 }, false },
		{ { 192, 168, 4, 77 }, true }, { { 192, 168, 5, 0 }, false },
		{ { 100, 127, 1, 1 }, true }, { { 100, 128, 0, 0 }, false },
		{ { 0, 0, 0, 0 }, false }, { { 255, 255, 255, 255 }, false },
	};
	struct vpcpeer_lpm t;
	unsigned int i;

	vpcpeer_lpm_init(&t, 32);
	mutex_lock(&test_lock);
	for (i = 0; i < 5; i++)
		VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t, blocks[i], cidrs[i],
						      &test_lock), 0);
	for (i = 0; i < ARRAY_SIZE(probes); i++)
		VT_ASSERT_EQ(test, contains_bh(&t, probes[i].a),
			     probes[i].in);
	VT_ASSERT_TRUE(test, vpcpeer_lpm_overlaps(&t, v4_10_0, 8, &test_lock));
	VT_ASSERT_TRUE(test, vpcpeer_lpm_overlaps(&t, probes[2].a, 30, &test_lock));
	VT_ASSERT_FALSE(test, vpcpeer_lpm_overlaps(&t, probes[3].a, 16, &test_lock));
	VT_ASSERT_FALSE(test, vpcpeer_lpm_overlaps(&t, probes[3].a, 15, &test_lock));
	VT_ASSERT_TRUE(test, vpcpeer_lpm_overlaps(&t, probes[3].a, 14, &test_lock));

	/*
	 * Small sets must stay small: a host may hold a thousand VPCs, so
	 * five blocks (in kmalloc size classes) stay well under 4 KiB.
	 */
	if (LPM_SHIM) {
		vt_info(test, "5 IPv4 blocks: %zu bytes in %ld allocations",
			shim_slab_bytes() - slab_base, shim_allocs() - live_base);
		VT_ASSERT_TRUE(test, shim_slab_bytes() - slab_base + sizeof(t) < 2048);
	}

	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
}

static void test_v6_blocks_memory(struct kunit *test)
{
	struct vpcpeer_lpm t;
	u8 a[16] = { 0x26, 0x00, 0x1f, 0x18, 0x4a, 0x00 };
	unsigned int i;

	vpcpeer_lpm_init(&t, 128);
	mutex_lock(&test_lock);
	/* AWS hands out /56s; five of them, far apart. */
	for (i = 0; i < 5; i++) {
		a[3] = 0x18 + 0x11 * i;
		a[5] = 0x40 * i;
		VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t, a, 56, &test_lock), 0);
	}
	if (LPM_SHIM) {
		vt_info(test, "5 IPv6 /56s: %zu bytes in %ld allocations",
			shim_slab_bytes() - slab_base, shim_allocs() - live_base);
		VT_ASSERT_TRUE(test, shim_slab_bytes() - slab_base + sizeof(t) < 4096);
	}
	a[7] = 0x12;
	VT_ASSERT_TRUE(test, contains_bh(&t, a));
	a[6] ^= 1;
	VT_ASSERT_FALSE(test, contains_bh(&t, a));
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
}

static void test_default_route(struct kunit *test)
{
	struct vpcpeer_lpm t;
	u8 a[16] = { 0 }, b[16] = { 0xff, 0xff, 0xff, 0xff };
	struct collect c = { .test = test, .bits = 32 };

	vpcpeer_lpm_init(&t, 32);
	mutex_lock(&test_lock);
	VT_ASSERT_FALSE(test, contains_bh(&t, b));
	VT_ASSERT_FALSE(test, vpcpeer_lpm_overlaps(&t, a, 0, &test_lock));
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t, a, 0, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t, a, 0, &test_lock), -EEXIST);
	VT_ASSERT_TRUE(test, contains_bh(&t, b));
	VT_ASSERT_TRUE(test, vpcpeer_lpm_overlaps(&t, b, 32, &test_lock));
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t, b, 32, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_walk(&t, collect_cb, &c, &test_lock), 0);
	VT_ASSERT_EQ(test, c.n, 2);
	VT_ASSERT_EQ(test, c.p[0].cidr, 0);
	VT_ASSERT_EQ(test, c.p[1].cidr, 32);
	vt_free(c.p);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t, a, 0, &test_lock), 0);
	VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t, a, 0, &test_lock), -ENOENT);
	VT_ASSERT_FALSE(test, contains_bh(&t, a));
	VT_ASSERT_TRUE(test, contains_bh(&t, b));
	VT_ASSERT_TRUE(test, vpcpeer_lpm_overlaps(&t, a, 0, &test_lock));
	VT_ASSERT_EQ(test, vpcpeer_lpm_count(&t), 1);
	vpcpeer_lpm_free(&t, &test_lock);
	VT_ASSERT_EQ(test, vpcpeer_lpm_count(&t), 0);
	VT_ASSERT_FALSE(test, contains_bh(&t, b));
	/* A freed set is empty and usable again. */
	VT_ASSERT_EQ(test, vpcpeer_lpm_insert(&t, b, 32, &test_lock), 0);
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
}

/*
 * Every length from /1 to /32 or /128, alternating between two nested
 * chains (an address and its complement), so every position relative to
 * the 6-bit strides is covered, including /32 and /128 and the IPv6
 * strides that straddle the two 64-bit halves (bits 60-65) or run past the
 * end (bits 126-131).
 */
static void test_all_lengths(struct kunit *test)
{
	static const unsigned int fam[] = { 32, 128 };
	unsigned int f, cidr;

	seed(1);
	for (f = 0; f < 2; f++) {
		unsigned int bits = fam[f];
		u8 bases[2][16] = { { 0 } };
		struct vpcpeer_lpm t;
		struct ref r;
		unsigned int i;

		ref_init(&r, bits);
		vpcpeer_lpm_init(&t, bits);
		for (i = 0; i < bits / 8; i++) {
			bases[0][i] = 0xa5 ^ (i * 0x3b);
			bases[1][i] = ~bases[0][i];
		}
		mutex_lock(&test_lock);
		for (cidr = 1; cidr <= bits; cidr++) {
			u8 a[16];

			memcpy(a, bases[cidr & 1], 16);
			mask(a, cidr, bits);
			insert_ok(test, &t, &r, a, cidr);
			if (cidr % 6 == 0 || cidr % 6 == 1 || cidr == bits)
				check_all(test, &t, &r, (const u8 (*)[16])bases, 2, 64);
		}
		check_all(test, &t, &r, (const u8 (*)[16])bases, 2, 512);
		/* Tear down from the shortest, so nodes empty out one by one. */
		vt_sort(r.p, r.n, sizeof(*r.p), pfx_cmp);
		while (r.n) {
			size_t k = 0;

			for (i = 1; i < r.n; i++)
				if (r.p[i].cidr < r.p[k].cidr)
					k = i;
			VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t, r.p[k].a, r.p[k].cidr,
							      &test_lock), 0);
			ref_del(&r, k);
			check_all(test, &t, &r, (const u8 (*)[16])bases, 2, 16);
		}
		CHECK_NO_LEAK(test);
		vpcpeer_lpm_free(&t, &test_lock);
		mutex_unlock(&test_lock);
		ref_free(&r);
	}
}

/* Random nested sets: build, verify, then take apart in random order. */
static void random_sets(struct kunit *test, unsigned int bits,
			unsigned int rounds, unsigned int n)
{
	unsigned int round, i;

	for (round = 0; round < rounds; round++) {
		u8 bases[4][16];
		struct vpcpeer_lpm t;
		struct ref r;
		struct pfx p;

		seed(100 + bits * 1000 + round);
		rand_bases(bases, 4, bits);
		ref_init(&r, bits);
		vpcpeer_lpm_init(&t, bits);
		mutex_lock(&test_lock);
		for (i = 0; i < n; i++) {
			rand_prefix(&p, bits, (const u8 (*)[16])bases, 4);
			insert_ok(test, &t, &r, p.a, p.cidr);
		}
		check_all(test, &t, &r, (const u8 (*)[16])bases, 4, 4 * n);
		check_canonical(test, &t, &r);
		while (r.n) {
			size_t k = rnd_below(r.n);

			vt_yield();
			CHECK(test, !vpcpeer_lpm_remove(&t, r.p[k].a, r.p[k].cidr,
							&test_lock), "remove %s",
			      fmt(r.p[k].a, bits, r.p[k].cidr));
			ref_del(&r, k);
			if (r.n % (n / 8 + 1) == 0) {
				check_all(test, &t, &r, (const u8 (*)[16])bases, 4, 256);
				check_canonical(test, &t, &r);
			}
		}
		CHECK_NO_LEAK(test);
		vpcpeer_lpm_free(&t, &test_lock);
		mutex_unlock(&test_lock);
		ref_free(&r);
	}
}

static void test_random_sets_v4(struct kunit *test)
{
	random_sets(test, 32, VT_SIZE(12, 3), 600);
}

static void test_random_sets_v6(struct kunit *test)
{
	random_sets(test, 128, VT_SIZE(12, 3), 600);
}

/*
 * Interleaved inserts and removes, including duplicates (-EEXIST) and
 * absent prefixes (-ENOENT), with the set checked along the way.
 */
static void random_ops(struct kunit *test, unsigned int bits, unsigned int ops)
{
	unsigned int i, dup = 0, missing = 0;
	u8 bases[3][16];
	struct vpcpeer_lpm t;
	struct ref r;
	struct pfx p;
	ssize_t k;
	int err;

	seed(7 + bits);
	rand_bases(bases, 3, bits);
	ref_init(&r, bits);
	vpcpeer_lpm_init(&t, bits);
	mutex_lock(&test_lock);
	for (i = 0; i < ops; i++) {
		vt_yield();
		if (r.n && rnd_below(100) < 45) {
			p = r.p[rnd_below(r.n)];
			if (rnd_below(4) == 0) {
				err = vpcpeer_lpm_insert(&t, p.a, p.cidr, &test_lock);
				CHECK(test, err == -EEXIST, "dup insert: %d", err);
				dup++;
				continue;
			}
		} else {
			rand_prefix(&p, bits, (const u8 (*)[16])bases, 3);
		}
		k = ref_find(&r, &p);
		if (rnd_below(100) < 55) {
			insert_ok(test, &t, &r, p.a, p.cidr);
		} else {
			err = vpcpeer_lpm_remove(&t, p.a, p.cidr, &test_lock);
			CHECK(test, err == (k < 0 ? -ENOENT : 0), "remove %s: %d",
			      fmt(p.a, bits, p.cidr), err);
			if (k >= 0)
				ref_del(&r, k);
			else
				missing++;
		}
		if (i % 97 == 0)
			check_all(test, &t, &r, (const u8 (*)[16])bases, 3, 64);
	}
	check_all(test, &t, &r, (const u8 (*)[16])bases, 3, 2048);
	CHECK(test, dup && missing, "exercised -EEXIST %u and -ENOENT %u times",
	      dup, missing);
	check_canonical(test, &t, &r);
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
	ref_free(&r);
}

static void test_random_ops_v4(struct kunit *test)
{
	random_ops(test, 32, VT_SIZE(6000, 1500));
}

static void test_random_ops_v6(struct kunit *test)
{
	random_ops(test, 128, VT_SIZE(6000, 1500));
}

/*
 * All 65536 addresses of 10.0.0.0/16 (and its neighbours) against a set
 * of random prefixes inside it, after each of many random changes.
 */
static void test_exhaustive_v4_16(struct kunit *test)
{
	u8 bases[1][16] = { { 10, 0, 0, 0 } };
	struct vpcpeer_lpm t;
	unsigned int i, round;
	struct ref r;
	struct pfx p;
	u8 *bitmap;
	u8 a[4];

	bitmap = vt_alloc(65536);
	VT_ASSERT(test, bitmap, "out of memory");
	seed(3);
	ref_init(&r, 32);
	vpcpeer_lpm_init(&t, 32);
	mutex_lock(&test_lock);
	for (round = 0; round < VT_SIZE(24, 6); round++) {
		for (i = 0; i < 40; i++) {
			memset(&p, 0, sizeof(p));
			p.a[0] = 10;
			p.a[2] = rnd();
			p.a[3] = rnd();
			p.cidr = 16 + rnd_below(17);
			mask(p.a, p.cidr, 32);
			if (ref_find(&r, &p) >= 0 && rnd() & 1) {
				VT_ASSERT_EQ(test, vpcpeer_lpm_remove(&t, p.a, p.cidr,
								      &test_lock), 0);
				ref_del(&r, ref_find(&r, &p));
			} else {
				insert_ok(test, &t, &r, p.a, p.cidr);
			}
		}
		/* Paint the reference once, rather than scan it per address. */
		memset(bitmap, 0, 65536);
		for (i = 0; i < r.n; i++) {
			unsigned int lo = r.p[i].a[2] << 8 | r.p[i].a[3];
			unsigned int len = 1U << (32 - r.p[i].cidr), j;

			for (j = 0; j < len; j++)
				bitmap[lo + j] = 1;
		}
		a[0] = 10;
		a[1] = 0;
		for (i = 0; i < 65536; i++) {
			if (i % 4096 == 0)
				vt_yield();
			a[2] = i >> 8;
			a[3] = i;
			CHECK(test, contains_bh(&t, a) == bitmap[i],
			      "round %u: contains(%s)", round, fmt(a, 32, -1));
		}
		check_all(test, &t, &r, (const u8 (*)[16])bases, 1, 128);
	}
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	ref_free(&r);
	vt_free(bitmap);
	CHECK_NO_LEAK(test);
}

#ifdef VTEST_HOST
/*
 * Host only: the kernel cannot fail a chosen allocation.
 *
 * Fail each allocation of an operation in turn (1st, 2nd, ...) until the
 * operation goes through; after every failure the set must read exactly as
 * before and the allocator must hold exactly the same objects.
 */
static void fault_injection(struct kunit *test, unsigned int bits, bool removing)
{
	unsigned int i, nth, ops = 0, most = 0, failures = 0;
	u8 bases[3][16];
	struct vpcpeer_lpm t;
	size_t bytes;
	struct ref r;
	struct pfx p;
	long live;
	ssize_t k;
	int err;

	seed(11 + bits + removing);
	rand_bases(bases, 3, bits);
	ref_init(&r, bits);
	vpcpeer_lpm_init(&t, bits);
	mutex_lock(&test_lock);
	for (i = 0; i < 300; i++) {
		rand_prefix(&p, bits, (const u8 (*)[16])bases, 3);
		insert_ok(test, &t, &r, p.a, p.cidr);
	}
	for (i = 0; i < 400; i++) {
		if (removing) {
			if (!r.n)
				break;
			k = rnd_below(r.n);
			p = r.p[k];
		} else {
			rand_prefix(&p, bits, (const u8 (*)[16])bases, 3);
			if (r.n && rnd_below(3) == 0)
				near_prefix(&p, &r.p[rnd_below(r.n)], bits);
			if (ref_find(&r, &p) >= 0)
				continue;
		}
		for (nth = 1; ; nth++) {
			live = shim_allocs();
			bytes = shim_bytes();
			shim_fail_nth(nth);
			err = removing ?
			      vpcpeer_lpm_remove(&t, p.a, p.cidr, &test_lock) :
			      vpcpeer_lpm_insert(&t, p.a, p.cidr, &test_lock);
			shim_fail_nth(0);
			if (err != -ENOMEM)
				break;
			failures++;
			CHECK(test, shim_allocs() == live &&
			      shim_bytes() == bytes,
			      "%s %s failing allocation %u leaked",
			      removing ? "remove" : "insert",
			      fmt(p.a, bits, p.cidr), nth);
			check_all(test, &t, &r, (const u8 (*)[16])bases, 3, 8);
		}
		CHECK(test, !err, "%s %s: %d", removing ? "remove" : "insert",
		      fmt(p.a, bits, p.cidr), err);
		/* check_all() sorts the reference: find the prefix again. */
		if (removing)
			ref_del(&r, ref_find(&r, &p));
		else
			ref_add(test, &r, &p);
		if (nth > most)
			most = nth;
		ops++;
		if (i % 50 == 0)
			check_all(test, &t, &r, (const u8 (*)[16])bases, 3, 64);
	}
	check_all(test, &t, &r, (const u8 (*)[16])bases, 3, 256);
	vt_info(test, "%s v%u: %u ops, %u injected failures, up to %u allocations per op",
		removing ? "remove" : "insert", bits == 32 ? 4 : 6, ops,
		failures, most - 1);
	/*
	 * Splitting a leaf for a near neighbour builds a chain of nodes;
	 * a removal rebuilds at most two arrays.
	 */
	CHECK(test, removing ? most - 1 == 2 : most - 1 >= 4,
	      "deepest op used %u allocations", most - 1);
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
	ref_free(&r);
}

static void test_fault_insert_v4(struct kunit *test)
{
	fault_injection(test, 32, false);
}

static void test_fault_insert_v6(struct kunit *test)
{
	fault_injection(test, 128, false);
}

static void test_fault_remove_v4(struct kunit *test)
{
	fault_injection(test, 32, true);
}

static void test_fault_remove_v6(struct kunit *test)
{
	fault_injection(test, 128, true);
}
#endif /* VTEST_HOST */

/*
 * A dump cut short resumes by skipping what it already sent; stitched
 * together, the pieces are the whole sorted set.
 */
static void test_walk_resume(struct kunit *test)
{
	u8 bases[4][16];
	struct collect all = { .test = test, .bits = 128 }, part;
	struct vpcpeer_lpm t;
	struct ref r;
	struct pfx p;
	size_t sent = 0, i;
	int ret;

	seed(5);
	rand_bases(bases, 4, 128);
	ref_init(&r, 128);
	vpcpeer_lpm_init(&t, 128);
	mutex_lock(&test_lock);
	for (i = 0; i < 500; i++) {
		rand_prefix(&p, 128, (const u8 (*)[16])bases, 4);
		insert_ok(test, &t, &r, p.a, p.cidr);
	}
	while (sent < r.n) {
		/* Each "message" holds 37 prefixes after the ones skipped. */
		memset(&part, 0, sizeof(part));
		part.test = test;
		part.bits = 128;
		part.stop_after = sent + 37;
		ret = vpcpeer_lpm_walk(&t, collect_cb, &part, &test_lock);
		VT_ASSERT_TRUE(test, ret == 0 || ret == 42);
		VT_ASSERT_EQ(test, ret ? 37 : r.n - sent, part.n - sent);
		for (i = sent; i < part.n; i++)
			collect_cb(&all, part.p[i].a, part.p[i].cidr);
		sent = part.n;
		vt_free(part.p);
	}
	vt_sort(r.p, r.n, sizeof(*r.p), pfx_cmp);
	VT_ASSERT_EQ(test, all.n, r.n);
	for (i = 0; i < r.n; i++)
		VT_ASSERT_EQ(test, pfx_cmp(&all.p[i], &r.p[i]), 0);
	vt_free(all.p);
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	ref_free(&r);
	CHECK_NO_LEAK(test);
}

/*
 * Lookups through the direct table against a walk of the trie itself:
 * overlaps() with a full-length query never uses the table, and asks the
 * same question. One address in each of the 4096 regions the table
 * covers, so every entry is used; an entry left pointing into an array a
 * writer replaced reads freed memory, which ASan reports.
 */
static void check_table(struct kunit *test, struct vpcpeer_lpm *t,
			unsigned int bits)
{
	unsigned int i, j;
	u8 a[16];

	vt_yield();
	for (i = 0; i < 4096; i++) {
		for (j = 0; j < 16; j++)
			a[j] = rnd();
		a[0] = i >> 4;
		a[1] = (a[1] & 0x0f) | (i & 0x0f) << 4;
		CHECK(test, contains_bh(t, a) ==
		      vpcpeer_lpm_overlaps(t, a, bits, &test_lock),
		      "contains(%s) disagrees with the trie", fmt(a, bits, -1));
	}
}

/* A prefix anywhere: random bits, lengths over the whole range. */
static void any_prefix(struct pfx *p, unsigned int bits)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < bits / 8; i++)
		p->a[i] = rnd();
	p->cidr = rnd_below(8) ? bits / 4 + rnd_below(bits - bits / 4 + 1) :
				 1 + rnd_below(bits / 4);
	mask(p->a, p->cidr, bits);
}

/* Whether @t has its direct table (a peek at a member private to lpm.c). */
static bool has_table(const struct vpcpeer_lpm *t)
{
	return rcu_access_pointer(t->dir);
}

/*
 * Large sets get a direct table of the first 12 bits (32 KiB): grow past
 * the threshold (on the host, failing the table's allocation once on the
 * way, which must only mean doing without), change the set while the
 * table is in use (on the host, including allocation failures), then
 * shrink until it is dropped.
 */
static void direct_table(struct kunit *test, unsigned int bits)
{
	struct vpcpeer_lpm t;
	unsigned int i, nth;
	bool failed_table = false;
	long allocs;
	struct ref r;
	struct pfx p;
	size_t bytes;
	ssize_t k;
	int err;

	seed(21 + bits);
	ref_init(&r, bits);
	vpcpeer_lpm_init(&t, bits);
	mutex_lock(&test_lock);
	while (r.n < 4095) {
		vt_yield();
		any_prefix(&p, bits);
		if (p.cidr > 12 && ref_find(&r, &p) < 0)
			insert_ok(test, &t, &r, p.a, p.cidr);
	}
	CHECK(test, !has_table(&t), "direct table at %zu", r.n);
	check_table(test, &t, bits);

	/* The 4096th prefix brings the table; fail each allocation first. */
	do
		any_prefix(&p, bits);
	while (ref_find(&r, &p) >= 0);
	for (nth = 1; ; nth++) {
		allocs = shim_allocs();
		bytes = shim_bytes();
		shim_fail_nth(nth);
		err = vpcpeer_lpm_insert(&t, p.a, p.cidr, &test_lock);
		shim_fail_nth(0);
		if (err != -ENOMEM)
			break;
		CHECK(test, shim_allocs() == allocs && shim_bytes() == bytes,
		      "failed insert leaked");
	}
	CHECK(test, !err, "insert: %d", err);
	ref_add(test, &r, &p);
	if (LPM_SHIM && shim_bytes() - bytes < 32768) {
		/* The table's allocation was the one that failed. */
		failed_table = true;
		check_table(test, &t, bits);
		do
			any_prefix(&p, bits);
		while (ref_find(&r, &p) >= 0);
		bytes = shim_bytes();
		insert_ok(test, &t, &r, p.a, p.cidr);
	}
	CHECK(test, failed_table || !LPM_SHIM,
	      "the table's allocation was never failed");
	CHECK(test, has_table(&t) && (shim_bytes() - bytes >= 32768 || !LPM_SHIM),
	      "no direct table at %zu", r.n);
	check_table(test, &t, bits);

	/* Changes of every depth, some short prefixes, failures included. */
	for (i = 0; i < 300; i++) {
		bool removing = rnd_below(2);

		if (removing) {
			p = r.p[rnd_below(r.n)];
		} else {
			any_prefix(&p, bits);
			if (rnd_below(4) == 0)
				near_prefix(&p, &r.p[rnd_below(r.n)], bits);
			if (ref_find(&r, &p) >= 0)
				continue;
		}
		nth = rnd_below(4);
		shim_fail_nth(nth);
		err = removing ? vpcpeer_lpm_remove(&t, p.a, p.cidr, &test_lock) :
				 vpcpeer_lpm_insert(&t, p.a, p.cidr, &test_lock);
		shim_fail_nth(0);
		CHECK(test, !err || (err == -ENOMEM && nth), "%s %s: %d",
		      removing ? "remove" : "insert", fmt(p.a, bits, p.cidr),
		      err);
		if (!err && removing)
			ref_del(&r, ref_find(&r, &p));
		else if (!err)
			ref_add(test, &r, &p);
		check_table(test, &t, bits);
		if (i % 100 == 0)
			check_walk(test, &t, &r);
		CHECK(test, has_table(&t), "direct table dropped at %zu", r.n);
	}

	/* Shrink: the table goes once the set is small again. */
	bytes = shim_bytes();
	while (r.n > 1000) {
		k = rnd_below(r.n);
		CHECK(test, !vpcpeer_lpm_remove(&t, r.p[k].a, r.p[k].cidr, &test_lock),
		      "remove");
		ref_del(&r, k);
		if (r.n % 256 == 0)
			check_table(test, &t, bits);
	}
	check_table(test, &t, bits);
	CHECK(test, !has_table(&t) && (bytes - shim_bytes() > 32768 || !LPM_SHIM),
	      "direct table not dropped");
	check_canonical(test, &t, &r);
	vpcpeer_lpm_free(&t, &test_lock);
	mutex_unlock(&test_lock);
	CHECK_NO_LEAK(test);
	ref_free(&r);
}

static void test_direct_table_v4(struct kunit *test)
{
	direct_table(test, 32);
}

static void test_direct_table_v6(struct kunit *test)
{
	direct_table(test, 128);
}

/*
 * Before each case: a lock no earlier, failed case can have left held,
 * and the shim's counters as the baseline of what this case allocates.
 */
static int lpm_test_init(struct kunit *test)
{
#ifdef VTEST_HOST
	const char *s = getenv("LPM_SEED");

	if (s)
		seed_base = strtoull(s, NULL, 0);
	kshim_warnings = 0;
#endif
	mutex_init(&test_lock);
	shim_fail_nth(0);
	live_base = shim_allocs();
	slab_base = shim_slab_bytes();
	bytes_base = shim_bytes();
	return 0;
}

static struct kunit_case lpm_test_cases[] = {
	VTEST_CASE(test_errors),
	VTEST_CASE(test_vpc_blocks),
	VTEST_CASE(test_v6_blocks_memory),
	VTEST_CASE(test_default_route),
	VTEST_CASE(test_all_lengths),
	VTEST_CASE_SLOW(test_random_sets_v4),
	VTEST_CASE_SLOW(test_random_sets_v6),
	VTEST_CASE_SLOW(test_random_ops_v4),
	VTEST_CASE_SLOW(test_random_ops_v6),
	VTEST_CASE_SLOW(test_exhaustive_v4_16),
#ifdef VTEST_HOST
	VTEST_CASE(test_fault_insert_v4),
	VTEST_CASE(test_fault_insert_v6),
	VTEST_CASE(test_fault_remove_v4),
	VTEST_CASE(test_fault_remove_v6),
#endif
	VTEST_CASE(test_walk_resume),
	VTEST_CASE_SLOW(test_direct_table_v4),
	VTEST_CASE_SLOW(test_direct_table_v6),
	{}
};

VTEST_SUITE(lpm, lpm_test_cases, lpm_test_init);

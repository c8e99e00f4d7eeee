// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the CIDR set (kmod/lpm.c, compiled unchanged through
 * the kernel shim tests/unit/kshim/) driven by the input as a sequence of
 * inserts, removes, lookups, overlap queries, walks (whole or stopped
 * early), bulk inserts that push a set past the size where it grows a
 * direct table, and allocation failures injected into the next change.
 * After every step the set must agree with a brute-force model (a plain
 * array of prefixes); a failed change must leave the set as it was; at
 * the end, freeing the set must return every allocation. Any disagreement
 * aborts with the step that showed it.
 *
 * Input: byte 0 picks the family (bit 0: IPv6); then each step is an
 * opcode byte and its operands, a missing byte reading as zero.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <kshim.h>

#include "lpm.h"

#define MODEL_MAX	6000	/* past 4096 prefixes lpm.c adds a direct table */
#define BULK_MAX	1024

static DEFINE_MUTEX(lock);

/*
 * The model's loops are not instrumented for coverage: they are the
 * reference, not the code under test, and their comparisons would
 * otherwise cost most of the time of each run.
 */
#define MODEL __attribute__((no_sanitize("coverage")))

struct pfx {
	u8 a[16];
	u8 cidr;
};

static struct pfx model[MODEL_MAX];
static size_t nmodel;
static unsigned int bits;

/* The input, read a byte at a time. */
static const uint8_t *in;
static size_t in_left;
static unsigned int step_no;

static uint8_t byte(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_lpm: step %u (%u bits, %zu prefixes): %s: ", \
			step_no, bits, nmodel, #cond);			\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		abort();						\
	}								\
} while (0)

MODEL static bool match(const u8 *a, const u8 *b, unsigned int cidr)
{
	unsigned int full = cidr / 8, rem = cidr % 8;

	if (memcmp(a, b, full))
		return false;
	return !rem || !((a[full] ^ b[full]) & (0xff00 >> rem));
}

MODEL static bool host_bits_clear(const u8 *a, unsigned int cidr)
{
	unsigned int i;

	for (i = cidr; i < bits; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

MODEL static void mask(u8 *a, unsigned int cidr)
{
	unsigned int i;

	for (i = cidr; i < bits; i++)
		a[i / 8] &= ~(0x80 >> (i % 8));
}

MODEL static ssize_t model_find(const u8 *a, unsigned int cidr)
{
	size_t i;

	for (i = 0; i < nmodel; i++)
		if (model[i].cidr == cidr && !memcmp(model[i].a, a, 16))
			return i;
	return -1;
}

MODEL static bool model_contains(const u8 *a)
{
	size_t i;

	for (i = 0; i < nmodel; i++)
		if (match(model[i].a, a, model[i].cidr))
			return true;
	return false;
}

MODEL static bool model_overlaps(const u8 *a, unsigned int cidr)
{
	size_t i;

	for (i = 0; i < nmodel; i++)
		if (match(model[i].a, a, model[i].cidr < cidr ? model[i].cidr : cidr))
			return true;
	return false;
}

MODEL static int pfx_cmp(const void *x, const void *y)
{
	const struct pfx *a = x, *b = y;
	int c = memcmp(a->a, b->a, 16);

	return c ? c : a->cidr - b->cidr;
}

/*
 * A prefix from the input: a length (not always a valid one), and an
 * address that is either new bytes or a stored prefix's address with its
 * tail changed, so that prefixes nest and share long paths.
 */
static void read_prefix(struct pfx *p, bool keep_host_bits)
{
	unsigned int i, from, mode = byte();

	memset(p, 0, sizeof(*p));
	p->cidr = byte();
	if (!(mode & 0x40))
		p->cidr %= bits + 1;
	if (nmodel && (mode & 0x80)) {
		memcpy(p->a, model[byte() % nmodel].a, 16);
		from = byte() % (bits / 8);
		for (i = from; i < bits / 8 && (mode & 0x3f) > i - from; i++)
			p->a[i] = byte();
	} else {
		for (i = 0; i < bits / 8; i++)
			p->a[i] = byte();
	}
	if (!keep_host_bits && p->cidr <= bits)
		mask(p->a, p->cidr);
}

static int expect_insert(const struct pfx *p)
{
	if (p->cidr > bits || !host_bits_clear(p->a, p->cidr))
		return -EINVAL;
	if (model_find(p->a, p->cidr) >= 0)
		return -EEXIST;
	return 0;
}

static int expect_remove(const struct pfx *p)
{
	if (p->cidr > bits || !host_bits_clear(p->a, p->cidr))
		return -EINVAL;
	if (model_find(p->a, p->cidr) < 0)
		return -ENOENT;
	return 0;
}

static void model_apply(bool insert, const struct pfx *p)
{
	ssize_t i;

	if (insert) {
		model[nmodel++] = *p;
	} else {
		i = model_find(p->a, p->cidr);
		model[i] = model[--nmodel];
	}
}

struct walk_ctx {
	struct pfx got[MODEL_MAX];
	size_t n;
	size_t stop_at;		/* return non-zero after this many */
};

static struct walk_ctx walk;

static int walk_cb(void *arg, const u8 *addr, u8 cidr)
{
	struct walk_ctx *w = arg;

	CHECK(w->n < MODEL_MAX, "the walk gives more prefixes than were stored");
	memset(&w->got[w->n], 0, sizeof(w->got[0]));
	memcpy(w->got[w->n].a, addr, bits / 8);
	w->got[w->n].cidr = cidr;
	w->n++;
	return w->n == w->stop_at ? 1000 + (int)w->n : 0;
}

/* The walk: every prefix, once, sorted by address then length. */
static void check_walk(struct vpcpeer_lpm *t, size_t stop_at)
{
	static struct pfx sorted[MODEL_MAX];
	size_t i, want;
	int ret;

	walk.n = 0;
	walk.stop_at = stop_at;
	ret = vpcpeer_lpm_walk(t, walk_cb, &walk, &lock);
	want = stop_at && stop_at <= nmodel ? stop_at : nmodel;
	CHECK(walk.n == want, "the walk gave %zu prefixes, not %zu", walk.n, want);
	CHECK(ret == (stop_at && stop_at <= nmodel ? 1000 + (int)stop_at : 0),
	      "the walk returned %d", ret);
	memcpy(sorted, model, nmodel * sizeof(model[0]));
	qsort(sorted, nmodel, sizeof(sorted[0]), pfx_cmp);
	for (i = 0; i < walk.n; i++)
		CHECK(!pfx_cmp(&walk.got[i], &sorted[i]),
		      "walk entry %zu is not the %zu-th stored prefix in order", i, i);
}

/* A failed change (-ENOMEM) must leave the set and the allocator alone. */
static void change(struct vpcpeer_lpm *t, bool insert, struct pfx *p,
		   unsigned int fail_nth)
{
	long live = kshim_live_allocs;
	int want = insert ? expect_insert(p) : expect_remove(p), ret;

	kshim_fail_nth(fail_nth);
	ret = insert ? vpcpeer_lpm_insert(t, p->a, p->cidr, &lock) :
		       vpcpeer_lpm_remove(t, p->a, p->cidr, &lock);
	kshim_fail_nth(0);
	if (ret == -ENOMEM && fail_nth) {
		CHECK(kshim_live_allocs == live,
		      "a failed %s leaked %ld allocations", insert ? "insert" : "remove",
		      kshim_live_allocs - live);
		CHECK(vpcpeer_lpm_count(t) == nmodel, "a failed change changed the count");
		return;
	}
	CHECK(ret == want, "%s /%u returned %d, the model says %d",
	      insert ? "insert" : "remove", p->cidr, ret, want);
	if (!ret)
		model_apply(insert, p);
	CHECK(vpcpeer_lpm_count(t) == nmodel, "count %u, the model has %zu",
	      vpcpeer_lpm_count(t), nmodel);
}

/* Many prefixes from a seed: a quick way past the direct table's size. */
static void bulk(struct vpcpeer_lpm *t)
{
	uint64_t s = byte() | (uint64_t)byte() << 8;
	unsigned int i, j, n = (byte() | byte() << 8) % BULK_MAX;
	uint8_t base = byte();
	struct pfx p;

	for (i = 0; i < n && nmodel < MODEL_MAX; i++) {
		uint64_t z = (s += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memset(&p, 0, sizeof(p));
		p.a[0] = base;
		for (j = 1; j < bits / 8; j++)
			p.a[j] = z >> (8 * (j % 8)) ^ j * (z >> 61);
		p.cidr = 8 + (z >> 56) % (bits - 7);
		mask(p.a, p.cidr);
		change(t, true, &p, 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpcpeer_lpm t;
	long live0 = kshim_live_allocs;
	unsigned long warn0 = kshim_warnings;
	struct pfx p;
	u8 probe[16];
	unsigned int i;

	in = data;
	in_left = size;
	bits = byte() & 1 ? 128 : 32;
	nmodel = 0;
	vpcpeer_lpm_init(&t, bits);

	for (step_no = 0; in_left; step_no++) {
		uint8_t op = byte();

		switch (op % 8) {
		case 0:
		case 1:		/* insert, with or without host bits */
			read_prefix(&p, op & 0x10);
			if (nmodel < MODEL_MAX)
				change(&t, true, &p, op & 0x20 ? 1 + byte() % 8 : 0);
			break;
		case 2:		/* remove */
			read_prefix(&p, op & 0x10);
			change(&t, false, &p, op & 0x20 ? 1 + byte() % 8 : 0);
			break;
		case 3:		/* lookups: the prefix's first and last address, a neighbour */
			read_prefix(&p, true);
			memcpy(probe, p.a, 16);
			for (i = 0; i < 3; i++) {
				if (i == 1 && p.cidr <= bits)
					for (unsigned int b = p.cidr; b < bits; b++)
						probe[b / 8] |= 0x80 >> (b % 8);
				if (i == 2)
					probe[bits / 8 - 1] ^= 1 << (byte() % 8);
				rcu_read_lock();
				CHECK(vpcpeer_lpm_contains(&t, probe) == model_contains(probe),
				      "contains() disagrees with the model (probe %u)", i);
				rcu_read_unlock();
			}
			break;
		case 4:		/* overlaps: host bits ignored */
			read_prefix(&p, true);
			if (p.cidr > bits)
				p.cidr = bits;
			CHECK(vpcpeer_lpm_overlaps(&t, p.a, p.cidr, &lock) ==
			      model_overlaps(p.a, p.cidr),
			      "overlaps(/%u) disagrees with the model", p.cidr);
			break;
		case 5:		/* the walk, whole or stopped */
			check_walk(&t, op & 0x10 ? byte() : 0);
			break;
		case 6:
			bulk(&t);
			break;
		default:	/* free everything; the set is reusable as is */
			if (op & 0x10) {
				vpcpeer_lpm_free(&t, &lock);
				nmodel = 0;
				CHECK(vpcpeer_lpm_count(&t) == 0, "not empty after free");
			}
			break;
		}
	}
	check_walk(&t, 0);
	vpcpeer_lpm_free(&t, &lock);
	nmodel = 0;
	CHECK(kshim_live_allocs == live0, "%ld allocations left after free",
	      kshim_live_allocs - live0);
	CHECK(kshim_warnings == warn0, "a WARN_ON fired in lpm.c");
	return 0;
}

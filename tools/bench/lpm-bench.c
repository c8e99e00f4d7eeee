// SPDX-License-Identifier: GPL-2.0
/*
 * Host microbenchmark of the CIDR set (kmod/lpm.c, compiled unchanged
 * through tests/unit/kshim with its slab-like allocator) against two
 * baselines that answer the same membership question: a linear scan of the
 * prefixes, and a binary search over the sorted, merged address intervals
 * they cover. For 1, 1k, 100k and 1M random prefixes of each family it
 * reports lookup cost for three address streams, memory per prefix, and
 * update cost. All inputs come from fixed seeds, so runs are comparable.
 *
 * Prefixes: uniformly random addresses (IPv6 inside 2000::/3) with lengths
 * drawn from a table shaped like a routing table (IPv4 /16 to /32, mostly
 * /24; IPv6 /16 to /128, mostly /48 and /64), host routes included. Streams: "random" addresses (IPv6
 * again inside 2000::/3), a mix of hits and misses; "hit", an address
 * inside a randomly chosen stored prefix; "deepest", an address inside one
 * of the longest stored prefixes, which walks the trie to its bottom.
 *
 * "ns" is throughput: a loop of independent lookups, as a busy transmit
 * path runs them; the best 64k-lookup chunk of five passes over 1M
 * addresses. "dep ns" chains every lookup's address on the previous
 * result, so no two lookups overlap: the latency of a single lookup.
 *
 * lpm-bench --insn [MAX], under valgrind --tool=callgrind
 * --instr-atstart=no (make bench-lpm does this): instead of timing, each
 * structure looks up the "random" and "deepest" streams with callgrind
 * collecting only around the loop, one dump per measurement named
 * "ipv4 1000 trie random 1000" (family, prefixes, structure, stream,
 * lookups); instructions per lookup = the dump's Ir / lookups, loop
 * included (a few instructions). Counts, unlike times, do not depend on
 * what else the machine runs.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include <linux/errno.h>
#include <linux/mutex.h>
#include <kshim.h>

#include "lpm.h"

#define LOOKUPS		(1U << 20)
#define RUNS		5
#define LINEAR_BUDGET	200000000ULL	/* prefix comparisons per run */

static DEFINE_MUTEX(lock);
static uint64_t rng;
static bool insn;	/* --insn: count instructions under callgrind */
#define INSN_LOOKUPS	1000U
#define INSN_LINEAR_CMPS 4000000U	/* prefix comparisons, at most */

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Addresses as 128-bit numbers (IPv4 in the top 32 bits), as lpm.c does. */
struct addr {
	uint64_t hi, lo;
};

struct pfx {
	struct addr a;
	unsigned int cidr;
};

static void to_bytes(const struct addr *a, unsigned int bits, uint8_t *b)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = a->hi >> (56 - 8 * i);
	for (i = 0; i < 8 && bits > 64; i++)
		b[8 + i] = a->lo >> (56 - 8 * i);
}

static struct addr mask_of(unsigned int cidr)
{
	struct addr m;

	m.hi = cidr >= 64 ? ~0ULL : cidr ? ~0ULL << (64 - cidr) : 0;
	m.lo = cidr >= 128 ? ~0ULL : cidr > 64 ? ~0ULL << (128 - cidr) : 0;
	return m;
}

static int addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static struct addr rand_addr(unsigned int bits)
{
	struct addr a = { rnd(), rnd() };

	if (bits == 32) {
		a.hi &= ~0ULL << 32;
		a.lo = 0;
	} else {
		a.hi = (a.hi >> 3) | (1ULL << 61);	/* 2000::/3 */
	}
	return a;
}

/* Cumulative percentages of prefix lengths. */
static const struct {
	unsigned int upto, cidr_lo, cidr_hi;
} len4[] = {
	{ 1, 16, 16 }, { 10, 17, 21 }, { 20, 22, 22 }, { 30, 23, 23 },
	{ 85, 24, 24 }, { 95, 25, 31 }, { 100, 32, 32 },
}, len6[] = {
	{ 1, 16, 31 }, { 11, 32, 32 }, { 26, 33, 47 }, { 71, 48, 48 },
	{ 81, 49, 63 }, { 96, 64, 64 }, { 98, 65, 127 }, { 100, 128, 128 },
};

static struct pfx rand_pfx(unsigned int bits)
{
	unsigned int r = rnd() % 100, i = 0;
	struct pfx p;
	struct addr m;

	if (bits == 32)
		while (r >= len4[i].upto)
			i++;
	else
		while (r >= len6[i].upto)
			i++;
	p.a = rand_addr(bits);
	p.cidr = bits == 32 ?
		 len4[i].cidr_lo + rnd() % (len4[i].cidr_hi - len4[i].cidr_lo + 1) :
		 len6[i].cidr_lo + rnd() % (len6[i].cidr_hi - len6[i].cidr_lo + 1);
	m = mask_of(p.cidr);
	p.a.hi &= m.hi;
	p.a.lo &= m.lo;
	return p;
}

static struct addr inside(const struct pfx *p, unsigned int bits)
{
	struct addr r = rand_addr(bits), m = mask_of(p->cidr);

	r.hi = (p->a.hi & m.hi) | (r.hi & ~m.hi);
	r.lo = (p->a.lo & m.lo) | (r.lo & ~m.lo);
	if (bits == 32) {
		r.hi &= ~0ULL << 32;
		r.lo = 0;
	}
	return r;
}

/* ---- baseline: sorted disjoint intervals, binary search ---- */

struct ival {
	struct addr lo, hi;
};

static int pfx_cmp(const void *x, const void *y)
{
	const struct pfx *a = x, *b = y;
	int c = addr_cmp(&a->a, &b->a);

	return c ? c : (int)a->cidr - (int)b->cidr;
}

static size_t build_ivals(struct pfx *p, size_t n, unsigned int bits,
			  struct ival *iv)
{
	size_t i, k = 0;

	qsort(p, n, sizeof(*p), pfx_cmp);
	for (i = 0; i < n; i++) {
		struct addr m = mask_of(p[i].cidr), last;

		last.hi = p[i].a.hi | ~m.hi;
		last.lo = p[i].a.lo | ~m.lo;
		if (bits == 32) {
			last.hi &= ~0ULL << 32;
			last.lo = 0;
		}
		if (k && addr_cmp(&p[i].a, &iv[k - 1].hi) <= 0) {
			if (addr_cmp(&last, &iv[k - 1].hi) > 0)
				iv[k - 1].hi = last;
			continue;
		}
		iv[k].lo = p[i].a;
		iv[k++].hi = last;
	}
	return k;
}

static bool bs_contains(const struct ival *iv, size_t n, const struct addr *a)
{
	size_t lo = 0, hi = n;

	/* the last interval starting at or before a */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr_cmp(&iv[mid].lo, a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && addr_cmp(a, &iv[lo - 1].hi) <= 0;
}

static bool lin_contains(const struct pfx *p, size_t n, const struct addr *a)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct addr m = mask_of(p[i].cidr);

		if ((a->hi & m.hi) == p[i].a.hi && (a->lo & m.lo) == p[i].a.lo)
			return true;
	}
	return false;
}

/* ---- measurements ---- */

struct stream {
	struct addr *a;
	uint8_t *bytes;		/* the same addresses, network order, 16 apart */
};

/*
 * Lookups are timed in chunks of CHUNK; a run's result is its best chunk,
 * so that a chunk during which another task had the CPU is discarded
 * rather than averaged in (the host this was written on is shared).
 */
#define CHUNK	(1U << 16)

static double time_trie(const struct vpcpeer_lpm *t, const struct stream *s,
			unsigned int *hits)
{
	unsigned int r, c, i, h = 0;
	double best = 1e30;

	for (r = 0; r < RUNS; r++) {
		for (c = 0; c < LOOKUPS; c += CHUNK) {
			double t0 = now_ns();

			for (i = c; i < c + CHUNK; i++)
				h += vpcpeer_lpm_contains(t, s->bytes + 16 * i);
			t0 = now_ns() - t0;
			if (t0 < best)
				best = t0;
		}
	}
	*hits = h / RUNS;
	return best / CHUNK;
}

static double time_trie_dep(const struct vpcpeer_lpm *t,
			    const struct stream *s)
{
	unsigned int r, c, i, j = 0;
	double best = 1e30;

	for (r = 0; r < RUNS; r++) {
		for (c = 0; c < LOOKUPS; c += CHUNK) {
			double t0 = now_ns();

			for (i = 0; i < CHUNK; i++)
				j = (j + 1 + vpcpeer_lpm_contains(t, s->bytes + 16 * j)) &
				    (LOOKUPS - 1);
			t0 = now_ns() - t0;
			if (t0 < best)
				best = t0;
		}
	}
	if (j == ~0U)
		puts("");
	return best / CHUNK;
}

static double time_bs(const struct ival *iv, size_t n, const struct stream *s)
{
	unsigned int r, c, i, h = 0;
	double best = 1e30;

	for (r = 0; r < RUNS; r++) {
		for (c = 0; c < LOOKUPS; c += CHUNK) {
			double t0 = now_ns();

			for (i = c; i < c + CHUNK; i++)
				h += bs_contains(iv, n, &s->a[i]);
			t0 = now_ns() - t0;
			if (t0 < best)
				best = t0;
		}
	}
	if (h == ~0U)
		puts("");
	return best / CHUNK;
}

static double time_linear(const struct pfx *p, size_t n, const struct stream *s)
{
	unsigned int i, h = 0, lookups = LINEAR_BUDGET / n;
	double t0;

	if (lookups > LOOKUPS)
		lookups = LOOKUPS;
	t0 = now_ns();
	for (i = 0; i < lookups; i++)
		h += lin_contains(p, n, &s->a[i]);
	t0 = now_ns() - t0;
	if (h == ~0U)
		puts("");
	return t0 / lookups;
}

/*
 * --insn: K lookups of each structure, callgrind collecting only inside
 * the loop; the dump's name says what was counted. The results are summed
 * into a variable the compiler must keep.
 */
static volatile unsigned int insn_sink;

static void insn_count(unsigned int bits, size_t n, const char *stream,
		       const struct vpcpeer_lpm *t, const struct ival *iv,
		       size_t nivals, const struct pfx *p, const struct stream *s)
{
	unsigned int i, h = 0, lin = INSN_LINEAR_CMPS / n;
	char name[96];
	int fam = bits == 32 ? 4 : 6;

	lin = lin < 1 ? 1 : lin > INSN_LOOKUPS ? INSN_LOOKUPS : lin;

#define INSN_COUNT(what, k, lookup)					\
	do {								\
		snprintf(name, sizeof(name), "ipv%d %zu %s %s %u",	\
			 fam, n, what, stream, k);			\
		CALLGRIND_START_INSTRUMENTATION;			\
		CALLGRIND_ZERO_STATS;					\
		for (i = 0; i < (k); i++)				\
			h += lookup;					\
		CALLGRIND_DUMP_STATS_AT(name);				\
		CALLGRIND_STOP_INSTRUMENTATION;				\
	} while (0)

	INSN_COUNT("trie", INSN_LOOKUPS, vpcpeer_lpm_contains(t, s->bytes + 16 * i));
	INSN_COUNT("bsearch", INSN_LOOKUPS, bs_contains(iv, nivals, &s->a[i]));
	INSN_COUNT("linear", lin, lin_contains(p, n, &s->a[i]));
#undef INSN_COUNT
	insn_sink += h;
}

static void bench_family(unsigned int bits, size_t n)
{
	static const char *const names[] = { "random", "hit", "deepest" };
	size_t i, k, nr, maxlen = 0, nlong = 0, nivals;
	double t0, build, ins = 0, rem = 0, ins_max = 0, rem_max = 0;
	struct pfx *p = calloc(n, sizeof(*p)), *longest;
	struct ival *iv = calloc(n, sizeof(*iv));
	struct stream s;
	struct vpcpeer_lpm t;
	size_t slab0 = kshim_live_slab_bytes;
	uint8_t b[16] = { 0 };
	unsigned int st, updates = 0;

	s.a = calloc(LOOKUPS, sizeof(*s.a));
	s.bytes = calloc(LOOKUPS, 16);
	if (!p || !iv || !s.a || !s.bytes)
		abort();
	rng = 0x1b5eed00 + bits * 7919 + n;

	/* Distinct prefixes, inserted in random order. */
	vpcpeer_lpm_init(&t, bits);
	mutex_lock(&lock);
	t0 = now_ns();
	for (i = 0; i < n; ) {
		p[i] = rand_pfx(bits);
		to_bytes(&p[i].a, bits, b);
		if (!vpcpeer_lpm_insert(&t, b, p[i].cidr, &lock))
			i++;
	}
	build = (now_ns() - t0) / n / 1e3;

	/* One update at this size: add a new prefix, then take it away. */
	for (i = 0; i < 2000; i++) {
		struct pfx q = rand_pfx(bits);
		double a, r;

		to_bytes(&q.a, bits, b);
		a = now_ns();
		if (vpcpeer_lpm_insert(&t, b, q.cidr, &lock))
			continue;
		r = now_ns();
		if (vpcpeer_lpm_remove(&t, b, q.cidr, &lock))
			abort();
		r = now_ns() - r;
		a = (now_ns() - a) - r;
		ins += a;
		rem += r;
		ins_max = a > ins_max ? a : ins_max;
		rem_max = r > rem_max ? r : rem_max;
		updates++;
	}
	mutex_unlock(&lock);

	nivals = build_ivals(p, n, bits, iv);
	for (i = 0; i < n; i++)
		if (p[i].cidr > maxlen)
			maxlen = p[i].cidr;
	longest = calloc(n, sizeof(*p));
	for (i = 0; i < n; i++)
		if (p[i].cidr == maxlen)
			longest[nlong++] = p[i];

	for (st = 0; st < 3; st++) {
		double ns, dep, bs, lin = -1;
		unsigned int hits;

		if (insn && st == 1)
			continue;

		for (i = 0; i < LOOKUPS; i++) {
			if (st == 0)
				s.a[i] = rand_addr(bits);
			else if (st == 1)
				s.a[i] = inside(&p[rnd() % n], bits);
			else
				s.a[i] = inside(&longest[rnd() % nlong], bits);
			to_bytes(&s.a[i], bits, s.bytes + 16 * i);
		}
		if (insn) {
			insn_count(bits, n, names[st], &t, iv, nivals, p, &s);
			continue;
		}
		ns = time_trie(&t, &s, &hits);
		dep = time_trie_dep(&t, &s);
		bs = time_bs(iv, nivals, &s);
		if (n <= 100000)
			lin = time_linear(p, n, &s);
		printf("ipv%u %9zu  %-8s %5.1f %9.2f %9.1f %8.2f %9.2f ",
		       bits == 32 ? 4 : 6, n, names[st], 100.0 * hits / LOOKUPS,
		       ns, 1e3 / ns, dep, bs);
		if (lin >= 0)
			printf("%10.2f", lin);
		else
			printf("%10s", "-");
		if (st == 2)
			printf("   (/%zu)", maxlen);
		printf("\n");
	}

	if (insn)
		goto out;
	k = kshim_live_slab_bytes - slab0;
	nr = nivals * sizeof(struct ival) / (bits == 32 ? 4 : 1);
	printf("ipv%u %9zu  memory %.1f B/prefix (%zu KiB), sorted intervals %.1f B/prefix; "
	       "insert %.2f us (building), at this size insert %.2f/%.1f us, remove %.2f/%.1f us (avg/max)\n",
	       bits == 32 ? 4 : 6, n, (double)k / n, k >> 10, (double)nr / n,
	       build, ins / updates / 1e3, ins_max / 1e3, rem / updates / 1e3,
	       rem_max / 1e3);

out:
	mutex_lock(&lock);
	vpcpeer_lpm_free(&t, &lock);
	mutex_unlock(&lock);
	free(p);
	free(iv);
	free(longest);
	free(s.a);
	free(s.bytes);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1, 1000, 100000, 1000000 };
	size_t max = 1000000;
	unsigned int f, i;

	if (argc > 1 && !strcmp(argv[1], "--insn")) {
		insn = true;
		argc--;
		argv++;
	}
	if (argc > 1)
		max = strtoul(argv[1], NULL, 0);
	if (insn) {
		for (f = 0; f < 2; f++)
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
				if (sizes[i] <= max)
					bench_family(f ? 128 : 32, sizes[i]);
		return 0;
	}

	printf("lpm-bench: kmod/lpm.c via tests/unit/kshim; %u addresses per stream, "
	       "%d passes, best %u-lookup chunk;\nns = independent lookups, "
	       "dep ns = each lookup's address depends on the previous result\n",
	       LOOKUPS, RUNS, CHUNK);
	printf("(sorted intervals: IPv4 bytes counted at 4 per bound; linear scan skipped above 100k)\n\n");
	printf("fam   prefixes  stream    hit%%   trie ns  Mlookup/s  dep ns  bsearch ns  linear ns\n");
	for (f = 0; f < 2; f++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			if (sizes[i] <= max)
				bench_family(f ? 128 : 32, sizes[i]);
		printf("\n");
	}
	return 0;
}

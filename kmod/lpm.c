// SPDX-License-Identifier: GPL-2.0
/*
 * The CIDR set behind the transmit fast path: every packet a pcx device
 * sends asks whether its source lies in the local VPC's blocks and its
 * destination in the peer's, so membership must cost a few dependent memory
 * accesses even with many prefixes. A one-bit-per-level trie pays a cache
 * miss per bit; this is a multibit trie in the manner of Tree Bitmap and
 * Poptrie instead. Each inner node consumes a 6-bit stride of the address:
 * it records the prefixes that end inside its stride as bitmaps, one bit
 * per prefix, and its children sit packed in one array indexed by the
 * popcount of a 64-bit child bitmap, so a level costs one node load and a
 * lookup stops at the first node whose prefixes cover the address. A
 * subtree that would hold a single prefix is a leaf holding that prefix
 * instead, so sparse prefixes (most of IPv6) cost one node and one compare
 * rather than a chain of nearly empty levels, and a set of one prefix is
 * one node. A large set also gets a table indexed by the top 12 address
 * bits that points straight at the node a lookup would reach after the
 * first two levels. Every stored prefix is kept exactly (nothing is
 * expanded), so removal needs no side bookkeeping and the same structure
 * answers overlap checks and sorted dumps. Writers copy the one array a
 * change touches and publish it with rcu_assign_pointer(); readers never
 * lock, allocate or write.
 */

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#include "lpm.h"

/*
 * An inner node at depth d looks at address bits [6d, 6d + 6) and holds
 * the prefixes whose length lies in (6d, 6d + 6]. Six bits make the child
 * bitmap exactly one u64, and IPv4 then needs at most six levels.
 */
#define LPM_STRIDE	6
#define LPM_SLOTS	BIT(LPM_STRIDE)
#define LPM_MAX_DEPTH	((128 + LPM_STRIDE - 1) / LPM_STRIDE)
#define LPM_LEAF	BIT_ULL(63)
#define LPM_LEAF_CIDR	0xffU

/*
 * The direct table costs 32 KiB, so only sets that are big enough for the
 * first two levels to matter get one; a gap between the two thresholds
 * keeps a set near them from allocating and freeing it over and over.
 */
#define LPM_DIR_DEPTH	2
#define LPM_DIR_BITS	(LPM_DIR_DEPTH * LPM_STRIDE)
#define LPM_DIR_SLOTS	BIT(LPM_DIR_BITS)
#define LPM_DIR_MIN	4096
#define LPM_DIR_DROP	1024

/*
 * Inner node:
 * full: the prefixes of length 6d + 6, one bit per slot.
 * part: the shorter ones; a prefix of relative length l (1..5) whose bits
 *       in this stride are v sits at bit 2^l - 2 + v, bits 0 to 61.
 * kids_map, kids: the slots that continue in a child node, and the packed
 *       children. The pair changes together, so it is never written in
 *       place: a writer replaces the whole array holding this node.
 * Leaf (LPM_LEAF set in the word that is part in an inner node, so one load
 * tells them apart): the one prefix of its subtree, with host bits clear.
 * Leaves are never written in place.
 * 32 bytes: two nodes per cache line, none straddling one.
 */
struct lpm_node {
	union {
		struct {
			u64 full;
			u64 part;
			u64 kids_map;
			struct vpcpeer_lpm_block __rcu *kids;
		};
		struct {
			u64 hi;
			u64 tag;	/* LPM_LEAF | prefix length */
			u64 lo;
		} leaf;
	};
};

/*
 * A node array, freed after a grace period. Padding the header to a
 * node's size keeps nodes from straddling cache lines.
 */
struct vpcpeer_lpm_block {
	union {
		struct rcu_head rcu;
		u64 pad[4];
	};
	struct lpm_node n[];
};

/*
 * dir->e[i]: the node a lookup of an address whose top 12 bits are i
 * reaches after two levels; a leaf on the way, or a node that settles the
 * answer at once (lpm_none, lpm_every), if the walk ends sooner. Entries
 * are rewritten in place whenever the first levels change.
 */
struct vpcpeer_lpm_dir {
	const struct lpm_node __rcu *e[LPM_DIR_SLOTS];
};

/* Neither a prefix nor a child in any slot, and every slot covered. */
static const struct lpm_node lpm_none;
static const struct lpm_node lpm_every = { .full = ~0ULL };

/*
 * lpm_cover[s / 2]: the part bits of the five prefixes (one per relative
 * length 1..5) that contain slot s. Adjacent slots share a row because the
 * finest part prefix spans two slots.
 */
static const u64 lpm_cover[LPM_SLOTS / 2] = {
	0x0000000040004045ULL, 0x0000000080004045ULL,
	0x0000000100008045ULL, 0x0000000200008045ULL,
	0x0000000400010085ULL, 0x0000000800010085ULL,
	0x0000001000020085ULL, 0x0000002000020085ULL,
	0x0000004000040109ULL, 0x0000008000040109ULL,
	0x0000010000080109ULL, 0x0000020000080109ULL,
	0x0000040000100209ULL, 0x0000080000100209ULL,
	0x0000100000200209ULL, 0x0000200000200209ULL,
	0x0000400000400412ULL, 0x0000800000400412ULL,
	0x0001000000800412ULL, 0x0002000000800412ULL,
	0x0004000001000812ULL, 0x0008000001000812ULL,
	0x0010000002000812ULL, 0x0020000002000812ULL,
	0x0040000004001022ULL, 0x0080000004001022ULL,
	0x0100000008001022ULL, 0x0200000008001022ULL,
	0x0400000010002022ULL, 0x0800000010002022ULL,
	0x1000000020002022ULL, 0x2000000020002022ULL,
};

/* An address as a 128-bit big-endian number; IPv4 fills the top 32 bits. */
struct lpm_key {
	u64 hi;
	u64 lo;
};

/*
 * A writer's view of one change: where it found each node of the path, to
 * copy and republish it; the shallowest depth where the direct table may
 * now be stale (an array of nodes of that depth was replaced, or bits of
 * a node above the table's depth changed), which says how much of it to
 * redo; and the arrays the change unlinked. Those are handed to RCU only
 * once the direct table no longer points into them.
 */
struct lpm_path {
	struct vpcpeer_lpm_block *blk[LPM_MAX_DEPTH];
	u8 rank[LPM_MAX_DEPTH];
	u8 nr[LPM_MAX_DEPTH];
	u8 changed;
	u8 ndead;
	struct vpcpeer_lpm_block *dead[LPM_MAX_DEPTH + 2];
};

/* How lpm_block_edit() changes an array. */
enum lpm_edit { LPM_PUT, LPM_ADD, LPM_DEL };

/* Writers hold the mutex; overlaps and walk may hold it or be RCU readers. */
#define lpm_writer(p, lock) rcu_dereference_protected(p, lockdep_is_held(lock))
#define lpm_reader(p, lock) rcu_dereference_check(p, lockdep_is_held(lock))

/* Inlined: the fast path must not pay a call (and return thunk) per level. */
static __always_inline unsigned int lpm_rank(u64 map, unsigned int slot)
{
	return hweight64(map & (BIT_ULL(slot) - 1));
}

static unsigned int lpm_depth(unsigned int cidr)
{
	return (cidr - 1) / LPM_STRIDE;
}

static bool lpm_is_leaf(const struct lpm_node *n)
{
	return READ_ONCE(n->part) & LPM_LEAF;
}

static unsigned int lpm_leaf_cidr(const struct lpm_node *n)
{
	return n->leaf.tag & LPM_LEAF_CIDR;
}

/* Do @hi:@lo and the leaf's prefix agree on their first @len bits? */
static __always_inline bool lpm_leaf_match(const struct lpm_node *n, u64 hi,
					   u64 lo, unsigned int len)
{
	hi ^= n->leaf.hi;
	lo ^= n->leaf.lo;
	if (!len)
		return true;
	if (len <= 64)
		return !(hi & ~0ULL << (64 - len));
	return !hi && !(lo & ~0ULL << (128 - len));
}

/*
 * Big-endian loads spelled out byte by byte (lpm_get_be32() leaves the
 * address in the top half, as struct lpm_key wants it): the compiler turns
 * them into one load and a byte swap, and unlike a memcpy() into a local
 * they leave no address-taken variable for the stack protector to guard in
 * the fast path.
 */
static __always_inline u64 lpm_get_be32(const u8 *p)
{
	return (u64)p[0] << 56 | (u64)p[1] << 48 | (u64)p[2] << 40 |
	       (u64)p[3] << 32;
}

static __always_inline u64 lpm_get_be64(const u8 *p)
{
	return lpm_get_be32(p) | (u64)p[4] << 24 | (u64)p[5] << 16 |
	       (u64)p[6] << 8 | p[7];
}

static void lpm_put_be(u8 *p, u64 v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = v >> (56 - 8 * i);
}

static void lpm_key_load(struct lpm_key *k, const u8 *addr, unsigned int bits)
{
	if (bits == 32) {
		k->hi = lpm_get_be32(addr);
		k->lo = 0;
		return;
	}
	k->hi = lpm_get_be64(addr);
	k->lo = lpm_get_be64(addr + 8);
}

static void lpm_key_store(const struct lpm_key *k, u8 *addr, unsigned int bits)
{
	if (bits == 32) {
		lpm_put_be(addr, k->hi, 4);
		return;
	}
	lpm_put_be(addr, k->hi, 8);
	lpm_put_be(addr + 8, k->lo, 8);
}

/* Keep the first @len bits of @k, zero the rest. */
static void lpm_key_trunc(struct lpm_key *k, unsigned int len)
{
	if (len < 64) {
		k->hi = len ? k->hi & ~0ULL << (64 - len) : 0;
		k->lo = 0;
	} else if (len < 128) {
		k->lo = len > 64 ? k->lo & ~0ULL << (128 - len) : 0;
	}
}

/*
 * The stride at depth @d starts @d * 6 bits from the top; sh is where its
 * lowest bit falls, counted from the key's lowest bit. Only depth 10
 * straddles the two words, and only depth 21 runs past the end of an IPv6
 * address (those bits read as zero).
 */
static unsigned int lpm_chunk(const struct lpm_key *k, unsigned int d)
{
	int sh = 128 - LPM_STRIDE - LPM_STRIDE * d;

	if (sh >= 64)
		return (k->hi >> (sh - 64)) & (LPM_SLOTS - 1);
	if (sh > 64 - LPM_STRIDE)
		return ((k->hi << (64 - sh)) | (k->lo >> sh)) & (LPM_SLOTS - 1);
	if (sh >= 0)
		return (k->lo >> sh) & (LPM_SLOTS - 1);
	return (k->lo << -sh) & (LPM_SLOTS - 1);
}

/* Set the stride at depth @d to @c and zero every bit after it. */
static void lpm_key_put(struct lpm_key *k, unsigned int d, u64 c)
{
	int sh = 128 - LPM_STRIDE - LPM_STRIDE * d;

	lpm_key_trunc(k, LPM_STRIDE * d);
	if (sh >= 64) {
		k->hi |= c << (sh - 64);
	} else if (sh > 64 - LPM_STRIDE) {
		k->hi |= c >> (64 - sh);
		k->lo |= c << sh;
	} else if (sh >= 0) {
		k->lo |= c << sh;
	} else {
		k->lo |= c >> -sh;
	}
}

/* Load @addr/@cidr, refusing what is not a prefix of this set's family. */
static int lpm_key_parse(const struct vpcpeer_lpm *t, const u8 *addr, u8 cidr,
			 struct lpm_key *k)
{
	struct lpm_key net;

	if (cidr > t->bits)
		return -EINVAL;
	lpm_key_load(k, addr, t->bits);
	net = *k;
	lpm_key_trunc(&net, cidr);
	if (net.hi != k->hi || net.lo != k->lo)
		return -EINVAL;
	return 0;
}

static void lpm_make_leaf(struct lpm_node *n, const struct lpm_key *k,
			  unsigned int cidr)
{
	memset(n, 0, sizeof(*n));
	n->leaf.hi = k->hi;
	n->leaf.lo = k->lo;
	n->leaf.tag = LPM_LEAF | cidr;
}

static bool lpm_leaf_is(const struct lpm_node *n, const struct lpm_key *k,
			unsigned int cidr)
{
	return lpm_leaf_cidr(n) == cidr && n->leaf.hi == k->hi &&
	       n->leaf.lo == k->lo;
}

/* The bitmap word and bit that stand for prefix @k/@cidr in its node. */
static u64 *lpm_word(struct lpm_node *n, const struct lpm_key *k,
		     unsigned int cidr, u64 *bit)
{
	unsigned int depth = lpm_depth(cidr);
	unsigned int rel = cidr - LPM_STRIDE * depth;
	unsigned int c = lpm_chunk(k, depth);

	if (rel == LPM_STRIDE) {
		*bit = BIT_ULL(c);
		return &n->full;
	}
	*bit = BIT_ULL((1U << rel) - 2 + (c >> (LPM_STRIDE - rel)));
	return &n->part;
}

static bool lpm_covers(const struct lpm_node *n, unsigned int slot)
{
	return (READ_ONCE(n->full) >> slot) & 1 ||
	       READ_ONCE(n->part) & lpm_cover[slot / 2];
}

/* Every slot some part prefix of @part covers. */
static u64 lpm_expand(u64 part)
{
	unsigned int s;
	u64 m = 0;

	for (s = 0; s < LPM_SLOTS; s++)
		if (part & lpm_cover[s / 2])
			m |= BIT_ULL(s);
	return m;
}

static struct vpcpeer_lpm_block *lpm_block_alloc(unsigned int nr)
{
	struct vpcpeer_lpm_block *b;

	return kmalloc(struct_size(b, n, nr), GFP_KERNEL);
}

/*
 * A new array made of the @nr nodes of @old (which may be NULL when @nr is
 * 0) with @v put in place of node @r, or added before it, or node @r
 * dropped instead. The result must not be empty.
 */
static struct vpcpeer_lpm_block *
lpm_block_edit(const struct vpcpeer_lpm_block *old, unsigned int nr,
	       unsigned int r, enum lpm_edit op, const struct lpm_node *v)
{
	unsigned int from = r + (op != LPM_ADD), to = r + (op != LPM_DEL);
	struct vpcpeer_lpm_block *b;

	b = lpm_block_alloc(nr + (op == LPM_ADD) - (op == LPM_DEL));
	if (!b)
		return NULL;
	if (nr) {
		memcpy(b->n, old->n, r * sizeof(b->n[0]));
		memcpy(b->n + to, old->n + from, (nr - from) * sizeof(b->n[0]));
	}
	if (op != LPM_DEL)
		b->n[r] = *v;
	return b;
}

/*
 * Free every array below node @top (not the one holding @top): at once
 * if they were never published, else after a grace period. Post-order, so
 * that no array is read after it was let go.
 */
static void lpm_free_below(const struct lpm_node *top, bool published,
			   struct mutex *lock)
{
	struct {
		struct vpcpeer_lpm_block *b;
		unsigned int nr, i;
	} st[LPM_MAX_DEPTH];
	const struct lpm_node *n = top;
	int d = -1;

	for (;;) {
		if (!lpm_is_leaf(n) && n->kids_map &&
		    !WARN_ON_ONCE(d + 1 >= LPM_MAX_DEPTH)) {
			d++;
			st[d].b = lpm_writer(n->kids, lock);
			st[d].nr = hweight64(n->kids_map);
			st[d].i = 0;
		}
		while (d >= 0 && st[d].i == st[d].nr) {
			if (published)
				kfree_rcu(st[d].b, rcu);
			else
				kfree(st[d].b);
			d--;
		}
		if (d < 0)
			return;
		n = &st[d].b->n[st[d].i++];
	}
}

/* The pointer that publishes the array holding node @d of @path. */
static struct vpcpeer_lpm_block __rcu **
lpm_ref(struct vpcpeer_lpm *t, const struct lpm_path *path, unsigned int d)
{
	if (!d)
		return &t->root;
	return &path->blk[d - 1]->n[path->rank[d - 1]].kids;
}

static void lpm_changed(struct lpm_path *path, unsigned int depth)
{
	path->changed = min_t(unsigned int, path->changed, depth);
}

static void lpm_unlinked(struct lpm_path *path, struct vpcpeer_lpm_block *b,
			 unsigned int depth)
{
	path->dead[path->ndead++] = b;
	lpm_changed(path, depth);
}

/* Publish a copy of the array holding node @d of @path, with @v in it. */
static int lpm_replace(struct vpcpeer_lpm *t, struct lpm_path *path,
		       unsigned int d, const struct lpm_node *v)
{
	struct vpcpeer_lpm_block *b;

	b = lpm_block_edit(path->blk[d], path->nr[d], path->rank[d], LPM_PUT, v);
	if (!b)
		return -ENOMEM;
	rcu_assign_pointer(*lpm_ref(t, path, d), b);
	lpm_unlinked(path, path->blk[d], d);
	return 0;
}

/*
 * Record the nodes from the root towards the inner node at @depth, which
 * would hold @k's prefix; stop early at a leaf or where a child is
 * missing. Returns how many nodes were recorded.
 */
static unsigned int lpm_descend(const struct vpcpeer_lpm *t,
				const struct lpm_key *k, unsigned int depth,
				struct lpm_path *path, struct mutex *lock)
{
	struct vpcpeer_lpm_block *b = lpm_writer(t->root, lock);
	unsigned int d, slot, rank = 0, nr = 1;
	const struct lpm_node *n;

	for (d = 0; b; d++) {
		path->blk[d] = b;
		path->rank[d] = rank;
		path->nr[d] = nr;
		n = &b->n[rank];
		slot = lpm_chunk(k, d);
		if (lpm_is_leaf(n) || d == depth ||
		    !(n->kids_map & BIT_ULL(slot)))
			return d + 1;
		rank = lpm_rank(n->kids_map, slot);
		nr = hweight64(n->kids_map);
		b = lpm_writer(n->kids, lock);
	}
	return d;
}

/*
 * Build, unpublished, the subtree at depth @d that holds exactly the two
 * different prefixes @ka/@ca and @kb/@cb, both longer than 6 * @d bits and
 * equal on their first 6 * @d: single-child nodes while they go the same
 * way, then one node holding each as a bit or as a leaf child. The top
 * node goes to @top; the nodes below are in new arrays.
 */
static int lpm_build_pair(unsigned int d, const struct lpm_key *ka,
			  unsigned int ca, const struct lpm_key *kb,
			  unsigned int cb, struct lpm_node *top,
			  struct mutex *lock)
{
	unsigned int da = lpm_depth(ca), db = lpm_depth(cb), e, sa, sb, nk;
	struct vpcpeer_lpm_block *b;
	struct lpm_node la, lb;
	u64 *word, bit;

	for (e = d; e < da && e < db; e++)
		if (lpm_chunk(ka, e) != lpm_chunk(kb, e))
			break;

	memset(top, 0, sizeof(*top));
	nk = 0;
	if (da == e) {
		word = lpm_word(top, ka, ca, &bit);
		*word |= bit;
	} else {
		lpm_make_leaf(&la, ka, ca);
		nk++;
	}
	if (db == e) {
		word = lpm_word(top, kb, cb, &bit);
		*word |= bit;
	} else {
		lpm_make_leaf(&lb, kb, cb);
		nk++;
	}
	if (nk) {
		b = lpm_block_alloc(nk);
		if (!b)
			return -ENOMEM;
		sa = lpm_chunk(ka, e);
		sb = lpm_chunk(kb, e);
		if (nk == 2) {
			b->n[sa > sb] = la;
			b->n[sa < sb] = lb;
		} else {
			b->n[0] = da == e ? lb : la;
		}
		top->kids_map = (da == e ? 0 : BIT_ULL(sa)) |
				(db == e ? 0 : BIT_ULL(sb));
		RCU_INIT_POINTER(top->kids, b);
	}

	while (e-- > d) {
		b = lpm_block_alloc(1);
		if (!b) {
			lpm_free_below(top, false, lock);
			return -ENOMEM;
		}
		b->n[0] = *top;
		memset(top, 0, sizeof(*top));
		top->kids_map = BIT_ULL(lpm_chunk(ka, e));
		RCU_INIT_POINTER(top->kids, b);
	}
	return 0;
}

/*
 * If inner node @n at depth @d on @k's path, ignoring its children in
 * @gone, holds exactly one prefix, make @leaf that prefix's leaf. Children
 * that are inner nodes hold two prefixes or more, so only a lone bit or a
 * lone leaf child qualifies.
 */
static bool lpm_single(const struct lpm_node *n, u64 gone, unsigned int d,
		       const struct lpm_key *k, struct lpm_node *leaf,
		       struct mutex *lock)
{
	u64 kids = n->kids_map & ~gone;
	const struct vpcpeer_lpm_block *b;
	unsigned int bit, rel;
	struct lpm_key q;

	if (hweight64(n->full) + hweight64(n->part) + hweight64(kids) != 1)
		return false;
	if (kids) {
		b = lpm_writer(n->kids, lock);
		n = &b->n[lpm_rank(n->kids_map, __ffs64(kids))];
		if (!lpm_is_leaf(n))
			return false;
		*leaf = *n;
		return true;
	}
	q = *k;
	if (n->full) {
		lpm_key_put(&q, d, __ffs64(n->full));
		lpm_make_leaf(leaf, &q, LPM_STRIDE * d + LPM_STRIDE);
		return true;
	}
	bit = __ffs64(n->part);
	for (rel = 1; bit >= (2U << rel) - 2; rel++)
		;
	lpm_key_put(&q, d, (u64)(bit + 2 - (1U << rel)) << (LPM_STRIDE - rel));
	lpm_make_leaf(leaf, &q, LPM_STRIDE * d + rel);
	return true;
}

/*
 * Node @d of @path goes away (@leaf NULL: it was the leaf being removed)
 * or becomes @leaf (it was an inner node left with one prefix). Keep the
 * trie canonical: a parent left with one prefix becomes a leaf too, and
 * so on up. The first ancestor that keeps two prefixes or more either
 * loses the child (new child array, new copy of the array holding it) or
 * sees it replaced (new copy of the array holding the child). Both arrays
 * are allocated before anything is published, so a failure changes
 * nothing.
 */
static int lpm_settle(struct vpcpeer_lpm *t, const struct lpm_key *k,
		      struct lpm_path *path, unsigned int d,
		      const struct lpm_node *leaf, struct mutex *lock)
{
	struct vpcpeer_lpm_block *dead[LPM_MAX_DEPTH + 1], *kids = NULL;
	const struct lpm_node *n = &path->blk[d]->n[path->rank[d]];
	unsigned int ndead = 0, j, s, nk;
	bool gone = !leaf;
	struct lpm_node v;

	if (leaf)
		v = *leaf;
	if (!lpm_is_leaf(n) && n->kids_map)
		dead[ndead++] = lpm_writer(n->kids, lock);

	for (j = d; j; j--) {
		n = &path->blk[j - 1]->n[path->rank[j - 1]];
		s = lpm_chunk(k, j - 1);
		if (gone) {
			dead[ndead++] = path->blk[j];
			if (lpm_single(n, BIT_ULL(s), j - 1, k, &v, lock)) {
				gone = false;
				continue;
			}
			nk = hweight64(n->kids_map);
			if (nk > 1) {
				kids = lpm_block_edit(path->blk[j], nk,
						      path->rank[j], LPM_DEL,
						      NULL);
				if (!kids)
					return -ENOMEM;
			}
			v = *n;
			v.kids_map &= ~BIT_ULL(s);
			RCU_INIT_POINTER(v.kids, kids);
			gone = false;
			j--;
			break;
		}
		if (n->full || n->part || n->kids_map != BIT_ULL(s))
			break;
		dead[ndead++] = path->blk[j];
	}

	if (gone) {
		RCU_INIT_POINTER(t->root, NULL);
		lpm_unlinked(path, path->blk[0], 0);
	} else if (lpm_replace(t, path, j, &v)) {
		kfree(kids);
		return -ENOMEM;
	}
	/* Everything unlinked lay below the replaced node, at depth > j. */
	while (ndead)
		path->dead[path->ndead++] = dead[--ndead];
	return 0;
}

static const struct lpm_node *lpm_dir_step(const struct lpm_node *n,
					   unsigned int slot,
					   struct mutex *lock)
{
	if (lpm_is_leaf(n))
		return n;
	if (lpm_covers(n, slot))
		return &lpm_every;
	if (!(n->kids_map & BIT_ULL(slot)))
		return &lpm_none;
	return &lpm_writer(n->kids, lock)->n[lpm_rank(n->kids_map, slot)];
}

/* Recompute the direct table for first strides @first to @last. */
static void lpm_dir_fill(struct vpcpeer_lpm *t, struct vpcpeer_lpm_dir *dir,
			 unsigned int first, unsigned int last,
			 struct mutex *lock)
{
	const struct vpcpeer_lpm_block *b = lpm_writer(t->root, lock);
	const struct lpm_node *root = b ? &b->n[0] : &lpm_none, *n;
	unsigned int s0, s1;

	for (s0 = first; s0 <= last; s0++) {
		n = lpm_dir_step(root, s0, lock);
		for (s1 = 0; s1 < LPM_SLOTS; s1++)
			rcu_assign_pointer(dir->e[s0 << LPM_STRIDE | s1],
					   lpm_dir_step(n, s1, lock));
	}
}

/*
 * Finish a change: count it, bring the direct table in line (creating or
 * dropping it as the set crosses the thresholds; an allocation failure
 * only means doing without), and only then hand the unlinked arrays to
 * RCU, since until now the table could still point into them.
 */
static void lpm_commit(struct vpcpeer_lpm *t, struct lpm_path *path,
		       const struct lpm_key *k, int delta, struct mutex *lock)
{
	struct vpcpeer_lpm_dir *dir = lpm_writer(t->dir, lock);
	unsigned int s0 = lpm_chunk(k, 0);

	WRITE_ONCE(t->count, t->count + delta);
	if (dir && t->count < LPM_DIR_DROP) {
		RCU_INIT_POINTER(t->dir, NULL);
		kvfree_rcu_mightsleep(dir);
	} else if (!dir && t->count >= LPM_DIR_MIN) {
		dir = kvmalloc(sizeof(*dir), GFP_KERNEL);
		if (dir) {
			lpm_dir_fill(t, dir, 0, LPM_SLOTS - 1, lock);
			rcu_assign_pointer(t->dir, dir);
		}
	} else if (dir && path->changed < LPM_DIR_DEPTH) {
		lpm_dir_fill(t, dir, 0, LPM_SLOTS - 1, lock);
	} else if (dir && path->changed == LPM_DIR_DEPTH) {
		/* Only the arrays below the first-level node at @s0 moved. */
		lpm_dir_fill(t, dir, s0, s0, lock);
	}
	while (path->ndead)
		kfree_rcu(path->dead[--path->ndead], rcu);
}

/**
 * vpcpeer_lpm_init() - make @t an empty set
 * @t: the set, typically embedded in its owner
 * @bits: 32 for IPv4, 128 for IPv6; fixes the address length for good
 */
void vpcpeer_lpm_init(struct vpcpeer_lpm *t, unsigned int bits)
{
	WARN_ON(bits != 32 && bits != 128);
	RCU_INIT_POINTER(t->root, NULL);
	RCU_INIT_POINTER(t->dir, NULL);
	t->count = 0;
	t->bits = bits;
	t->all = false;
}

/**
 * vpcpeer_lpm_insert() - add a prefix to the set
 * @t: the set
 * @addr: network-order address of bits / 8 bytes, host bits clear
 * @cidr: prefix length, 0 to bits
 * @lock: the update mutex, held
 *
 * May sleep (it allocates with GFP_KERNEL).
 *
 * Return: 0; -EINVAL if @cidr is longer than the address or host bits are
 * set; -EEXIST if exactly this prefix is stored already (a covering or a
 * covered prefix is no conflict: overlap policy is the caller's); -ENOMEM,
 * leaving the set unchanged.
 */
int vpcpeer_lpm_insert(struct vpcpeer_lpm *t, const u8 *addr, u8 cidr,
		       struct mutex *lock)
{
	struct vpcpeer_lpm_block *b, *kids, *old;
	unsigned int depth, have, d, slot, nk;
	struct lpm_node *n, v, leaf;
	struct lpm_path path;
	struct lpm_key k, q;
	u64 *word, bit;
	int err;

	lockdep_assert_held(lock);
	err = lpm_key_parse(t, addr, cidr, &k);
	if (err)
		return err;

	path.changed = LPM_MAX_DEPTH;
	path.ndead = 0;
	if (!cidr) {
		if (t->all)
			return -EEXIST;
		WRITE_ONCE(t->all, true);
		goto done;
	}

	lpm_make_leaf(&leaf, &k, cidr);
	depth = lpm_depth(cidr);
	have = lpm_descend(t, &k, depth, &path, lock);
	if (!have) {
		b = lpm_block_alloc(1);
		if (!b)
			return -ENOMEM;
		b->n[0] = leaf;
		rcu_assign_pointer(t->root, b);
		path.changed = 0;
		goto done;
	}

	d = have - 1;
	n = &path.blk[d]->n[path.rank[d]];
	if (lpm_is_leaf(n)) {
		/* Split the leaf into a subtree holding both prefixes. */
		if (lpm_leaf_is(n, &k, cidr))
			return -EEXIST;
		q.hi = n->leaf.hi;
		q.lo = n->leaf.lo;
		err = lpm_build_pair(d, &q, lpm_leaf_cidr(n), &k, cidr, &v, lock);
		if (err)
			return err;
		err = lpm_replace(t, &path, d, &v);
		if (err) {
			lpm_free_below(&v, false, lock);
			return err;
		}
		goto done;
	}

	if (d == depth) {
		/* The node exists: one word store publishes the prefix. */
		word = lpm_word(n, &k, cidr, &bit);
		if (*word & bit)
			return -EEXIST;
		WRITE_ONCE(*word, *word | bit);
		if (d < LPM_DIR_DEPTH)
			lpm_changed(&path, d);
		goto done;
	}

	/* A new leaf child, in a new child array of a new copy of @n. */
	slot = lpm_chunk(&k, d);
	nk = hweight64(n->kids_map);
	old = lpm_writer(n->kids, lock);
	kids = lpm_block_edit(old, nk, lpm_rank(n->kids_map, slot), LPM_ADD,
			      &leaf);
	if (!kids)
		return -ENOMEM;
	v = *n;
	v.kids_map |= BIT_ULL(slot);
	RCU_INIT_POINTER(v.kids, kids);
	if (lpm_replace(t, &path, d, &v)) {
		kfree(kids);
		return -ENOMEM;
	}
	if (old)
		lpm_unlinked(&path, old, d + 1);

done:
	lpm_commit(t, &path, &k, 1, lock);
	return 0;
}

/**
 * vpcpeer_lpm_remove() - remove a prefix from the set
 * @t: the set
 * @addr: network-order address, host bits clear
 * @cidr: prefix length
 * @lock: the update mutex, held
 *
 * May sleep.
 *
 * Return: 0; -EINVAL as for vpcpeer_lpm_insert(); -ENOENT if exactly this
 * prefix is not stored; -ENOMEM (when a child array must be rebuilt),
 * leaving the set unchanged.
 */
int vpcpeer_lpm_remove(struct vpcpeer_lpm *t, const u8 *addr, u8 cidr,
		       struct mutex *lock)
{
	struct lpm_node *n, rest, lone;
	unsigned int depth, have, d;
	struct lpm_path path;
	struct lpm_key k;
	u64 *word, bit;
	int err;

	lockdep_assert_held(lock);
	err = lpm_key_parse(t, addr, cidr, &k);
	if (err)
		return err;

	path.changed = LPM_MAX_DEPTH;
	path.ndead = 0;
	if (!cidr) {
		if (!t->all)
			return -ENOENT;
		WRITE_ONCE(t->all, false);
		goto done;
	}

	depth = lpm_depth(cidr);
	have = lpm_descend(t, &k, depth, &path, lock);
	if (!have)
		return -ENOENT;
	d = have - 1;
	n = &path.blk[d]->n[path.rank[d]];
	if (lpm_is_leaf(n)) {
		if (!lpm_leaf_is(n, &k, cidr))
			return -ENOENT;
		err = lpm_settle(t, &k, &path, d, NULL, lock);
	} else {
		if (d != depth)
			return -ENOENT;
		word = lpm_word(n, &k, cidr, &bit);
		if (!(*word & bit))
			return -ENOENT;
		rest = *n;
		*lpm_word(&rest, &k, cidr, &bit) &= ~bit;
		if (!lpm_single(&rest, 0, d, &k, &lone, lock)) {
			/* Two prefixes or more stay: clear the bit in place. */
			WRITE_ONCE(*word, *word & ~bit);
			if (d < LPM_DIR_DEPTH)
				lpm_changed(&path, d);
			goto done;
		}
		err = lpm_settle(t, &k, &path, d, &lone, lock);
	}
	if (err)
		return err;

done:
	lpm_commit(t, &path, &k, -1, lock);
	return 0;
}

/*
 * The fast path proper. Only nodes that lead to a prefix exist, so the
 * first slot with neither a covering prefix nor a child ends the search.
 * @hi:@lo is the whole address, for leaves; @h:@l what is left of it below
 * node @n.
 */
static __always_inline bool lpm_lookup(const struct lpm_node *n,
				       const u64 hi, const u64 lo, u64 h, u64 l)
{
	const struct vpcpeer_lpm_block *b;
	unsigned int slot;
	u64 part, map;

	for (;;) {
		part = READ_ONCE(n->part);
		if (part & LPM_LEAF)
			return lpm_leaf_match(n, hi, lo, part & LPM_LEAF_CIDR);
		slot = h >> (64 - LPM_STRIDE);
		if ((READ_ONCE(n->full) >> slot) & 1 ||
		    part & lpm_cover[slot / 2])
			return true;
		map = n->kids_map;
		if (!(map & BIT_ULL(slot)))
			return false;
		b = rcu_dereference_check(n->kids, rcu_read_lock_bh_held());
		n = &b->n[lpm_rank(map, slot)];
		h = h << LPM_STRIDE | l >> (64 - LPM_STRIDE);
		l <<= LPM_STRIDE;
	}
}

/* Inlined twice, so that the IPv4 copy drops the second key word. */
static __always_inline bool lpm_contains(const struct vpcpeer_lpm *t,
					 const u64 hi, const u64 lo)
{
	const struct vpcpeer_lpm_block *b;
	const struct vpcpeer_lpm_dir *dir;
	const struct lpm_node *n;

	dir = rcu_dereference_check(t->dir, rcu_read_lock_bh_held());
	if (dir) {
		n = rcu_dereference_check(dir->e[hi >> (64 - LPM_DIR_BITS)],
					  rcu_read_lock_bh_held());
		return lpm_lookup(n, hi, lo, hi << LPM_DIR_BITS |
				  lo >> (64 - LPM_DIR_BITS), lo << LPM_DIR_BITS);
	}
	b = rcu_dereference_check(t->root, rcu_read_lock_bh_held());
	return b && lpm_lookup(&b->n[0], hi, lo, hi, lo);
}

/**
 * vpcpeer_lpm_contains() - is @addr inside some prefix of the set?
 * @t: the set
 * @addr: network-order address of the set's family
 *
 * Caller holds rcu_read_lock() or rcu_read_lock_bh().
 *
 * Return: true if a stored prefix contains @addr.
 */
bool vpcpeer_lpm_contains(const struct vpcpeer_lpm *t, const u8 *addr)
{
	if (READ_ONCE(t->all))
		return true;
	if (t->bits == 32)
		return lpm_contains(t, lpm_get_be32(addr), 0);
	return lpm_contains(t, lpm_get_be64(addr), lpm_get_be64(addr + 8));
}

/**
 * vpcpeer_lpm_overlaps() - does @addr/@cidr share an address with the set?
 * @t: the set
 * @addr: network-order address; host bits beyond @cidr are ignored
 * @cidr: prefix length
 * @lock: the update mutex, held, or else the caller is an RCU reader
 *
 * CIDR blocks either nest or are disjoint, so this asks whether a stored
 * prefix contains @addr/@cidr or lies inside it.
 *
 * Return: true if they overlap; false for a @cidr longer than the address.
 */
bool vpcpeer_lpm_overlaps(const struct vpcpeer_lpm *t, const u8 *addr,
			  u8 cidr, struct mutex *lock)
{
	const struct vpcpeer_lpm_block *b = lpm_reader(t->root, lock);
	unsigned int depth, d, slot, rel, len;
	const struct lpm_node *n;
	struct lpm_key k;
	u64 span;

	if (cidr > t->bits)
		return false;
	if (READ_ONCE(t->all))
		return true;
	if (!b)
		return false;
	if (!cidr)
		return true;

	lpm_key_load(&k, addr, t->bits);
	depth = lpm_depth(cidr);
	n = &b->n[0];
	for (d = 0; ; d++) {
		if (lpm_is_leaf(n)) {
			len = min_t(unsigned int, cidr, lpm_leaf_cidr(n));
			return lpm_leaf_match(n, k.hi, k.lo, len);
		}
		if (d == depth)
			break;
		slot = lpm_chunk(&k, d);
		if (lpm_covers(n, slot))
			return true;
		if (!(n->kids_map & BIT_ULL(slot)))
			return false;
		b = lpm_reader(n->kids, lock);
		n = &b->n[lpm_rank(n->kids_map, slot)];
	}

	/*
	 * In the query's own node, anything touching the slots it spans
	 * overlaps: a prefix of this stride, or a child, which is never empty.
	 */
	rel = cidr - LPM_STRIDE * depth;
	slot = lpm_chunk(&k, depth) & ~((1U << (LPM_STRIDE - rel)) - 1);
	span = (BIT_ULL(1U << (LPM_STRIDE - rel)) - 1) << slot;
	return (READ_ONCE(n->full) | n->kids_map |
		lpm_expand(READ_ONCE(n->part))) & span;
}

/* Report the prefixes of inner node @n (at depth @d) that start at @slot. */
static int lpm_walk_slot(const struct vpcpeer_lpm *t, const struct lpm_node *n,
			 unsigned int d, unsigned int slot, struct lpm_key *k,
			 int (*cb)(void *arg, const u8 *addr, u8 cidr),
			 void *arg)
{
	u64 part = READ_ONCE(n->part);
	unsigned int rel, shift;
	u8 addr[16];
	int ret;

	for (rel = 1; rel <= LPM_STRIDE; rel++) {
		shift = LPM_STRIDE - rel;
		if (slot & ((1U << shift) - 1))
			continue;
		if (rel < LPM_STRIDE ?
		    !(part & BIT_ULL((1U << rel) - 2 + (slot >> shift))) :
		    !(READ_ONCE(n->full) & BIT_ULL(slot)))
			continue;
		lpm_key_put(k, d, slot);
		lpm_key_store(k, addr, t->bits);
		ret = cb(arg, addr, LPM_STRIDE * d + rel);
		if (ret)
			return ret;
	}
	return 0;
}

static int lpm_walk_leaf(const struct vpcpeer_lpm *t, const struct lpm_node *n,
			 int (*cb)(void *arg, const u8 *addr, u8 cidr),
			 void *arg)
{
	struct lpm_key k = { n->leaf.hi, n->leaf.lo };
	u8 addr[16];

	lpm_key_store(&k, addr, t->bits);
	return cb(arg, addr, lpm_leaf_cidr(n));
}

/**
 * vpcpeer_lpm_walk() - report every stored prefix
 * @t: the set
 * @cb: called with each prefix (network-order address, length); a non-zero
 *	return stops the walk and becomes its result
 * @arg: passed to @cb
 * @lock: the update mutex, held, or else the caller is an RCU reader (and
 *	then sees concurrent updates, or not, prefix by prefix)
 *
 * The order is by address, then by length, shortest first, and stays the
 * same between calls as long as the set does; so a dump cut short can
 * resume by skipping the number of prefixes it has already sent.
 *
 * Return: 0 once every prefix was reported, else what @cb returned.
 */
int vpcpeer_lpm_walk(const struct vpcpeer_lpm *t,
		     int (*cb)(void *arg, const u8 *addr, u8 cidr), void *arg,
		     struct mutex *lock)
{
	const struct vpcpeer_lpm_block *b = lpm_reader(t->root, lock);
	struct {
		const struct lpm_node *n;
		unsigned int slot;
	} st[LPM_MAX_DEPTH];
	const struct lpm_node *n, *c;
	struct lpm_key k = {};
	unsigned int slot;
	u8 addr[16] = {};
	int d = 0, ret;

	if (READ_ONCE(t->all)) {
		ret = cb(arg, addr, 0);
		if (ret)
			return ret;
	}
	if (!b)
		return 0;
	if (lpm_is_leaf(&b->n[0]))
		return lpm_walk_leaf(t, &b->n[0], cb, arg);

	st[0].n = &b->n[0];
	st[0].slot = 0;
	while (d >= 0) {
		n = st[d].n;
		slot = st[d].slot;
		if (slot == LPM_SLOTS) {
			if (--d >= 0)
				st[d].slot++;
			continue;
		}
		ret = lpm_walk_slot(t, n, d, slot, &k, cb, arg);
		if (ret)
			return ret;
		if (!(n->kids_map & BIT_ULL(slot))) {
			st[d].slot++;
			continue;
		}
		b = lpm_reader(n->kids, lock);
		c = &b->n[lpm_rank(n->kids_map, slot)];
		if (lpm_is_leaf(c) || WARN_ON_ONCE(d + 1 >= LPM_MAX_DEPTH)) {
			ret = lpm_is_leaf(c) ? lpm_walk_leaf(t, c, cb, arg) : 0;
			if (ret)
				return ret;
			st[d].slot++;
			continue;
		}
		/* Children share the path key up to and including @slot. */
		lpm_key_put(&k, d, slot);
		st[d + 1].n = c;
		st[d + 1].slot = 0;
		d++;
	}
	return 0;
}

/**
 * vpcpeer_lpm_count() - how many prefixes the set holds
 * @t: the set
 *
 * Return: the number of prefixes, /0 included.
 */
unsigned int vpcpeer_lpm_count(const struct vpcpeer_lpm *t)
{
	return READ_ONCE(t->count);
}

/**
 * vpcpeer_lpm_free() - empty the set
 * @t: the set; it may be reused without another vpcpeer_lpm_init()
 * @lock: the update mutex, held
 *
 * Readers still inside the set keep working on the old contents; its memory
 * is returned after an RCU grace period. May sleep.
 */
void vpcpeer_lpm_free(struct vpcpeer_lpm *t, struct mutex *lock)
{
	struct vpcpeer_lpm_dir *dir = lpm_writer(t->dir, lock);
	struct vpcpeer_lpm_block *b = lpm_writer(t->root, lock);

	lockdep_assert_held(lock);
	if (dir) {
		RCU_INIT_POINTER(t->dir, NULL);
		kvfree_rcu_mightsleep(dir);
	}
	RCU_INIT_POINTER(t->root, NULL);
	WRITE_ONCE(t->all, false);
	WRITE_ONCE(t->count, 0);
	if (!b)
		return;
	lpm_free_below(&b->n[0], true, lock);
	kfree_rcu(b, rcu);
}

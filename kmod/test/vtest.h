/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One test source, two harnesses. The unit tests of the module's portable
 * core (the CIDR trie, the peering state machine) are written once against
 * this header and run both as KUnit suites inside a (debug) kernel, built
 * against that kernel's own headers, and as cmocka tests on the host,
 * built through the kernel shim in tests/unit/kshim/. Test code has KUnit's
 * shape: a case is a function of a struct kunit *, cases sit in an array of
 * struct kunit_case closed by {}, and a suite names them. On the host this
 * file supplies those structs itself, and tests/unit/vtest_cmocka.c runs
 * the program's one suite under cmocka, a cmocka test per case.
 *
 *   VTEST_CASE(fn)                 an entry of the case array
 *   VTEST_CASE_SLOW(fn)            one that takes seconds in a debug kernel
 *                                  (KUnit's speed attribute, where it has one)
 *   VTEST_SUITE(name, cases, init) the suite: KUnit's vpcpeer_name (in
 *                                  struct kunit_suite vpcpeer_name_suite),
 *                                  cmocka's group name; init(test) runs
 *                                  before each case (may be NULL), returns 0
 *   VT_ASSERT(test, cond, fmt, ...)
 *                                  fails the case at once unless cond holds;
 *                                  the message says what was being checked
 *   VT_EXPECT(test, cond, fmt, ...)
 *                                  records a failure and carries on
 *   VT_ASSERT_EQ, VT_EXPECT_EQ (integers), VT_ASSERT_TRUE, VT_ASSERT_FALSE
 *   vtest_streq(a, b)              string equality, NULL allowed
 *   vt_info(test, fmt, ...)        a "# ..." diagnostic line (no newline)
 *   vt_alloc(n), vt_realloc(p, n), vt_free(p)
 *                                  the test's own memory (the code under test
 *                                  allocates the kernel's way, or the shim's)
 *   vt_sort(base, n, size, cmp)    qsort()
 *   vt_yield()                     long loops call it: the kernel's soft
 *                                  lockup and RCU stall detectors are watching
 *
 * VTEST_HOST is defined on the host only: it marks what only the shim can
 * observe (exact allocator accounting, injected allocation failures,
 * counted WARN_ON()s). In the kernel, KASAN, kmemleak, lockdep and
 * tools/vm/run's splat check watch the same code instead.
 */
#ifndef _VPCPEER_VTEST_H
#define _VPCPEER_VTEST_H

#ifdef __KERNEL__

#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>

#define VTEST_KUNIT		1
#define VTEST_CASE(fn)		KUNIT_CASE(fn)
#ifdef KUNIT_CASE_SLOW
#define VTEST_CASE_SLOW(fn)	KUNIT_CASE_SLOW(fn)
#else
#define VTEST_CASE_SLOW(fn)	KUNIT_CASE(fn)
#endif
#define VTEST_SUITE(sname, cases, init_fn)				\
	static struct kunit_suite vpcpeer_##sname##_suite = {		\
		.name = "vpcpeer_" #sname,				\
		.init = init_fn,					\
		.test_cases = cases,					\
	}

#define VT_ASSERT(test, cond, fmt, ...)					\
	KUNIT_ASSERT_TRUE_MSG(test, cond, fmt, ##__VA_ARGS__)
#define VT_EXPECT(test, cond, fmt, ...)					\
	KUNIT_EXPECT_TRUE_MSG(test, cond, fmt, ##__VA_ARGS__)
#define VT_ASSERT_EQ(test, a, b)					\
	KUNIT_ASSERT_EQ(test, (long long)(a), (long long)(b))
#define VT_EXPECT_EQ(test, a, b)					\
	KUNIT_EXPECT_EQ(test, (long long)(a), (long long)(b))
#define VT_ASSERT_TRUE(test, cond)	KUNIT_ASSERT_TRUE(test, cond)
#define VT_ASSERT_FALSE(test, cond)	KUNIT_ASSERT_FALSE(test, cond)
#define vt_info(test, fmt, ...)	kunit_info(test, fmt "\n", ##__VA_ARGS__)

#define vt_alloc(n)		kmalloc(n, GFP_KERNEL)
#define vt_realloc(p, n)	krealloc(p, n, GFP_KERNEL)
#define vt_free(p)		kfree(p)
#define vt_sort(base, n, size, cmp)	sort(base, n, size, cmp, NULL)
#define vt_yield()		cond_resched()

#else /* host: cmocka, run by tests/unit/vtest_cmocka.c */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/compiler.h>		/* the shim's, for __printf */

#define VTEST_HOST 1
#define VTEST_KUNIT		0

/*
 * The kernel builds with -Wno-unused-parameter (an init may ignore its
 * test, for one); so are the tests here.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

struct kunit {
	const char *name;
	unsigned int failed;	/* VT_EXPECT()s that did not hold */
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char name[256];
	int (*init)(struct kunit *test);
	struct kunit_case *test_cases;
};

/* The program's one suite, which vtest_cmocka.c's main() runs. */
extern struct kunit_suite vtest_suite;

__printf(5, 6)
void vtest_fail(struct kunit *test, bool fatal, const char *file, int line,
		const char *fmt, ...);
__printf(2, 3)
void vtest_info(struct kunit *test, const char *fmt, ...);

#define VTEST_CASE(fn)		{ .run_case = fn, .name = #fn }
#define VTEST_CASE_SLOW(fn)	VTEST_CASE(fn)
#define VTEST_SUITE(sname, cases, init_fn)				\
	struct kunit_suite vtest_suite = {				\
		.name = #sname,						\
		.init = init_fn,					\
		.test_cases = cases,					\
	}

#define VT_ASSERT(test, cond, fmt, ...) do {				\
	if (!(cond))							\
		vtest_fail(test, true, __FILE__, __LINE__, "%s: " fmt,	\
			   #cond, ##__VA_ARGS__);			\
} while (0)
#define VT_EXPECT(test, cond, fmt, ...) do {				\
	if (!(cond))							\
		vtest_fail(test, false, __FILE__, __LINE__, "%s: " fmt,	\
			   #cond, ##__VA_ARGS__);			\
} while (0)
#define vtest_cmp_eq(test, fatal, a, b) do {				\
	long long __a = (long long)(a), __b = (long long)(b);		\
									\
	if (__a != __b)							\
		vtest_fail(test, fatal, __FILE__, __LINE__,		\
			   "%s == %s: %lld != %lld", #a, #b, __a, __b);	\
} while (0)
#define VT_ASSERT_EQ(test, a, b)	vtest_cmp_eq(test, true, a, b)
#define VT_EXPECT_EQ(test, a, b)	vtest_cmp_eq(test, false, a, b)
#define VT_ASSERT_TRUE(test, cond)	VT_ASSERT(test, cond, "not true")
#define VT_ASSERT_FALSE(test, cond)	VT_ASSERT(test, !(cond), "not false")
#define vt_info(test, fmt, ...)	vtest_info(test, fmt, ##__VA_ARGS__)

#define vt_alloc(n)		malloc(n)
#define vt_realloc(p, n)	realloc(p, n)
#define vt_free(p)		free(p)
#define vt_sort(base, n, size, cmp)	qsort(base, n, size, cmp)
#define vt_yield()		do { } while (0)

#endif /* __KERNEL__ */

static inline bool vtest_streq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * VT_SIZE(HOST, KUNIT): how many rounds of a randomised test. The KUnit
 * run is under the debug kernel's KASAN, lockdep and kmemleak, in a TCG
 * guest, where a round costs a hundred times what it does on the host:
 * it runs about a quarter of the host's rounds, enough to put the same
 * code through the kernel's allocator and detectors.
 */
#define VT_SIZE(host, kunit)	(VTEST_KUNIT ? (kunit) : (host))

#endif /* _VPCPEER_VTEST_H */

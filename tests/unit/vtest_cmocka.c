// SPDX-License-Identifier: GPL-2.0
/*
 * The host harness of the tests written against kmod/test/vtest.h: runs
 * the program's one suite (vtest_suite) under cmocka, a cmocka test per
 * case, with TAP output when CMOCKA_MESSAGE_OUTPUT=TAP. The suite's init
 * runs before each case; a VT_ASSERT() that fails ends its case at once,
 * a VT_EXPECT() that fails is reported and fails the case when it ends.
 */
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "vtest.h"

void vtest_fail(struct kunit *test, bool fatal, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;

	print_error("%s:%d: %s: ", file, line, test->name);
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	print_error("\n");
	if (fatal)
		fail();
	test->failed++;
}

void vtest_info(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	print_message("# ");
	va_start(ap, fmt);
	vprint_message(fmt, ap);
	va_end(ap);
	print_message("\n");
}

/* cmocka's state for each test is its case. */
static void vtest_run_case(void **state)
{
	const struct kunit_case *c = *state;
	struct kunit test = { .name = c->name };

	if (vtest_suite.init && vtest_suite.init(&test))
		fail_msg("%s: init failed", c->name);
	c->run_case(&test);
	if (test.failed)
		fail_msg("%s: %u expectation(s) failed", c->name, test.failed);
}

int main(void)
{
	struct CMUnitTest *tests;
	size_t i, n = 0;
	int ret;

	while (vtest_suite.test_cases[n].run_case)
		n++;
	tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	for (i = 0; i < n; i++) {
		tests[i].name = vtest_suite.test_cases[i].name;
		tests[i].test_func = vtest_run_case;
		tests[i].initial_state = &vtest_suite.test_cases[i];
	}
	ret = _cmocka_run_group_tests(vtest_suite.name, tests, n, NULL, NULL);
	free(tests);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vpcpeer-ctl's JSON writer (tools/vpcpeer-ctl/json.c): the
 * escaping of every kind of byte a string can hold (one TAP case per
 * input), commas and nesting, number limits, and that misuse and write
 * errors are reported by json_finish() instead of yielding invalid JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Output captured in memory. */
struct capture {
	char *buf;
	size_t len;
	struct json j;
};

static void capture_start(struct capture *c)
{
	FILE *f = open_memstream(&c->buf, &c->len);

	assert_non_null(f);
	json_init(&c->j, f);
}

/* Finishes the writer, checks its result and output, frees the capture. */
static void capture_check(struct capture *c, int ret, const char *want)
{
	assert_int_equal(json_finish(&c->j), ret);
	fclose(c->j.out);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

/* --- string escaping ---------------------------------------------------- */

struct escape_case {
	const char *name;
	const char *in;
	const char *want;	/* the JSON text */
};

static const struct escape_case escape_cases[] = {
	{ "empty", "", "\"\"" },
	{ "plain", "vpc-prod", "\"vpc-prod\"" },
	{ "quote", "a\"b", "\"a\\\"b\"" },
	{ "backslash", "a\\b", "\"a\\\\b\"" },
	{ "slash unescaped", "10.0.0.0/8", "\"10.0.0.0/8\"" },
	{ "named controls", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	{ "other controls", "\x01\x1f\x1b", "\"\\u0001\\u001f\\u001b\"" },
	{ "DEL", "\x7f", "\"\\u007f\"" },
	{ "printable ASCII", " !~", "\" !~\"" },
	{ "2-byte UTF-8", "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	{ "3-byte UTF-8", "\xe2\x82\xac", "\"\xe2\x82\xac\"" },
	{ "4-byte UTF-8", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
	{ "U+10FFFF", "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },
	{ "U+FFFF", "\xef\xbf\xbf", "\"\xef\xbf\xbf\"" },
	{ "U+0800", "\xe0\xa0\x80", "\"\xe0\xa0\x80\"" },
	{ "lone continuation", "\x80", "\"\\ufffd\"" },
	{ "byte FF", "a\xff" "b", "\"a\\ufffdb\"" },
	{ "byte F5", "\xf5\x80\x80\x80",
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "overlong NUL", "\xc0\x80", "\"\\ufffd\\ufffd\"" },
	{ "overlong C1", "\xc1\xbf", "\"\\ufffd\\ufffd\"" },
	{ "overlong 3-byte", "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "overlong 4-byte", "\xf0\x8f\xbf\xbf",
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "UTF-16 surrogate", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "above U+10FFFF", "\xf4\x90\x80\x80",
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "truncated at end", "a\xe2\x82", "\"a\\ufffd\\ufffd\"" },
	{ "truncated before ASCII", "\xe2\x82z", "\"\\ufffd\\ufffdz\"" },
	{ "quote after bad byte", "\xc3\"", "\"\\ufffd\\\"\"" },
};

static void test_escape(void **state)
{
	const struct escape_case *c = *state;
	struct capture cap;
	char want[256];

	capture_start(&cap);
	json_string(&cap.j, c->in);
	snprintf(want, sizeof(want), "%s\n", c->want);
	capture_check(&cap, 0, want);
}

/* Keys are strings too. */
static void test_escape_key(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_kv_bool(&cap.j, "a\"\n\xff", true);
	json_object_end(&cap.j);
	capture_check(&cap, 0, "{\"a\\\"\\n\\ufffd\":true}\n");
}

/* --- structure ---------------------------------------------------------- */

static void test_empty_containers(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_object_end(&cap.j);
	json_array_start(&cap.j);
	json_array_end(&cap.j);
	capture_check(&cap, 0, "{}\n[]\n");
}

static void test_nesting(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_key(&cap.j, "a");
	json_array_start(&cap.j);
	json_u64(&cap.j, 1);
	json_u64(&cap.j, 2);
	json_object_start(&cap.j);
	json_kv_bool(&cap.j, "b", false);
	json_object_end(&cap.j);
	json_array_start(&cap.j);
	json_array_end(&cap.j);
	json_array_end(&cap.j);
	json_key(&cap.j, "c");
	json_null(&cap.j);
	json_kv_s64(&cap.j, "d", -5);
	json_kv_string(&cap.j, "e", "");
	json_kv_string(&cap.j, "f", NULL);
	json_object_end(&cap.j);
	capture_check(&cap, 0,
		      "{\"a\":[1,2,{\"b\":false},[]],\"c\":null,\"d\":-5,"
		      "\"e\":\"\",\"f\":null}\n");
}

static void test_numbers(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_array_start(&cap.j);
	json_u64(&cap.j, 0);
	json_u64(&cap.j, UINT64_MAX);
	json_s64(&cap.j, INT64_MIN);
	json_s64(&cap.j, INT64_MAX);
	json_s64(&cap.j, 0);
	json_bool(&cap.j, true);
	json_array_end(&cap.j);
	capture_check(&cap, 0,
		      "[0,18446744073709551615,-9223372036854775808,"
		      "9223372036854775807,0,true]\n");
}

/* The shape of "vpcpeer-ctl -j version". */
static void test_version_object(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_kv_string(&cap.j, "tool", "0.1.0");
	json_kv_string(&cap.j, "family", "vpcpeer");
	json_kv_u64(&cap.j, "family_version", 1);
	json_kv_u64(&cap.j, "family_id", 34);
	json_object_end(&cap.j);
	capture_check(&cap, 0,
		      "{\"tool\":\"0.1.0\",\"family\":\"vpcpeer\","
		      "\"family_version\":1,\"family_id\":34}\n");
}

static void test_max_depth(void **state)
{
	char want[2 * JSON_MAX_DEPTH + 2];
	struct capture cap;
	int i;

	(void)state;
	capture_start(&cap);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_start(&cap.j);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_end(&cap.j);
	memset(want, '[', JSON_MAX_DEPTH);
	memset(want + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	strcpy(want + 2 * JSON_MAX_DEPTH, "\n");
	capture_check(&cap, 0, want);
}

static void test_too_deep(void **state)
{
	char want[JSON_MAX_DEPTH + 1];
	struct capture cap;
	int i;

	(void)state;
	capture_start(&cap);
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_start(&cap.j);
	memset(want, '[', JSON_MAX_DEPTH);
	want[JSON_MAX_DEPTH] = '\0';
	capture_check(&cap, -E2BIG, want);
}

/* --- misuse ------------------------------------------------------------- */

static void test_value_without_key(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_u64(&cap.j, 1);
	json_kv_u64(&cap.j, "later", 2);
	json_object_end(&cap.j);
	capture_check(&cap, -EINVAL, "{");
}

static void test_key_in_array(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_array_start(&cap.j);
	json_key(&cap.j, "k");
	json_array_end(&cap.j);
	capture_check(&cap, -EINVAL, "[");
}

static void test_key_at_top(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_key(&cap.j, "k");
	capture_check(&cap, -EINVAL, "");
}

static void test_two_keys(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_key(&cap.j, "a");
	json_key(&cap.j, "b");
	capture_check(&cap, -EINVAL, "{\"a\":");
}

static void test_null_key(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_key(&cap.j, NULL);
	capture_check(&cap, -EINVAL, "{");
}

static void test_key_then_end(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_key(&cap.j, "a");
	json_object_end(&cap.j);
	capture_check(&cap, -EINVAL, "{\"a\":");
}

static void test_mismatched_end(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_array_start(&cap.j);
	json_object_end(&cap.j);
	capture_check(&cap, -EINVAL, "[");
}

static void test_end_without_start(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_array_end(&cap.j);
	capture_check(&cap, -EINVAL, "");
}

static void test_unclosed(void **state)
{
	struct capture cap;

	(void)state;
	capture_start(&cap);
	json_object_start(&cap.j);
	json_kv_u64(&cap.j, "a", 1);
	capture_check(&cap, -EINVAL, "{\"a\":1");
}

static void test_write_error(void **state)
{
	struct json j;
	FILE *f;

	(void)state;
	f = fopen("/dev/full", "w");
	if (!f)
		skip();
	json_init(&j, f);
	json_object_start(&j);
	json_kv_string(&j, "tool", "0.1.0");
	json_object_end(&j);
	assert_int_equal(json_finish(&j), -EIO);
	fclose(f);
}

/* --- main --------------------------------------------------------------- */

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_escape_key),
		cmocka_unit_test(test_empty_containers),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_version_object),
		cmocka_unit_test(test_max_depth),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_value_without_key),
		cmocka_unit_test(test_key_in_array),
		cmocka_unit_test(test_key_at_top),
		cmocka_unit_test(test_two_keys),
		cmocka_unit_test(test_null_key),
		cmocka_unit_test(test_key_then_end),
		cmocka_unit_test(test_mismatched_end),
		cmocka_unit_test(test_end_without_start),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_write_error),
	};
	struct CMUnitTest tests[ARRAY_SIZE(escape_cases) + ARRAY_SIZE(fixed)];
	char names[ARRAY_SIZE(escape_cases)][64];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(escape_cases); i++) {
		snprintf(names[i], sizeof(names[i]), "escape: %s",
			 escape_cases[i].name);
		tests[n++] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_escape,
			.initial_state = (void *)&escape_cases[i],
		};
	}
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("json", tests, n, NULL, NULL);
}

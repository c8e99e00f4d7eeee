// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vpcpeer-ctl's argument parsers (tools/vpcpeer-ctl/parse.c).
 * Every case is one row of a table and one TAP line, named after its
 * input, so that a failure says which input broke. Error rows check the
 * errno, a part of the message (or all of it where the wording is part of
 * the interface), that the message is one line, and that the output
 * argument was left untouched.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Inputs too long to write inline; filled in by make_long_inputs(). */
static char long_ones[4097];			/* "111...1" */
static char long_vpc_id[4 + 100 + 1];		/* "vpc-000...0" */
static char name63[64], name64[65];
static char tag255[256], tag256[257];

static void make_long_inputs(void)
{
	memset(tag255, '~', 255);
	memset(tag256, ' ', 256);
	memset(long_ones, '1', sizeof(long_ones) - 1);
	memcpy(long_vpc_id, "vpc-", 4);
	memset(long_vpc_id + 4, '0', 100);
	memset(name63, 'a', 63);
	memset(name64, 'b', 64);
}

/* --- helpers ------------------------------------------------------------ */

/* A message must say something, on one line. */
static void check_message(const char *err, const char *want, bool exact)
{
	if (!*err)
		fail_msg("empty error message");
	if (strchr(err, '\n'))
		fail_msg("message has a newline: %s", err);
	if (exact && strcmp(err, want))
		fail_msg("message \"%s\"\n   wanted \"%s\"", err, want);
	if (!exact && !strstr(err, want))
		fail_msg("message \"%s\"\n   lacks \"%s\"", err, want);
}

static struct CMUnitTest *tests;
static size_t ntests;

/*
 * One TAP case, named "<group> <row>: [<input>]" (or "<group>: <what>" for
 * row 0) with bytes that TAP or a terminal would trip on written as \xNN,
 * and long inputs cut.
 */
static void add_case(const char *group, size_t row_nr, const char *in,
		     CMUnitTestFunction fn, const void *row)
{
	const unsigned char *s = (const unsigned char *)in;
	char shown[4 * 64 + 4], *p = shown, *name;
	size_t i;

	for (i = 0; s[i] && i < 64; i++) {
		if (s[i] > 0x20 && s[i] < 0x7f && s[i] != '#' && s[i] != '\\')
			*p++ = s[i];
		else
			p += sprintf(p, "\\x%02x", s[i]);
	}
	strcpy(p, s[i] ? "..." : "");
	if ((row_nr ? asprintf(&name, "%s %zu: [%s]", group, row_nr, shown) :
		      asprintf(&name, "%s: %s", group, shown)) < 0)
		abort();
	tests = realloc(tests, (ntests + 1) * sizeof(*tests));
	if (!tests)
		abort();
	tests[ntests++] = (struct CMUnitTest){
		.name = name,
		.test_func = fn,
		.initial_state = (void *)row,
	};
}

/* --- CIDR prefixes ------------------------------------------------------ */

struct prefix_case {
	const char *in;
	int ret;
	int family;		/* when ret == 0 */
	const char *want;	/* canonical text (NULL: in), or the message */
	bool exact;		/* the message must be exactly want */
};

static const struct prefix_case prefix_cases[] = {
	/* IPv4 that parses */
	{ "0.0.0.0/0", 0, AF_INET, NULL, false },
	{ "10.0.0.0/8", 0, AF_INET, NULL, false },
	{ "10.0.0.0/16", 0, AF_INET, NULL, false },
	{ "172.16.0.0/12", 0, AF_INET, NULL, false },
	{ "192.168.1.0/24", 0, AF_INET, NULL, false },
	{ "10.0.0.128/25", 0, AF_INET, NULL, false },
	{ "10.1.2.3/32", 0, AF_INET, NULL, false },
	{ "0.0.0.0/32", 0, AF_INET, NULL, false },
	{ "255.255.255.255/32", 0, AF_INET, NULL, false },
	{ "128.0.0.0/1", 0, AF_INET, NULL, false },
	/* IPv6 that parses, with its RFC 5952 text */
	{ "::/0", 0, AF_INET6, NULL, false },
	{ "::/128", 0, AF_INET6, NULL, false },
	{ "::1/128", 0, AF_INET6, NULL, false },
	{ "::/96", 0, AF_INET6, NULL, false },
	{ "2001:db8::/32", 0, AF_INET6, NULL, false },
	{ "2001:DB8::/32", 0, AF_INET6, "2001:db8::/32", false },
	{ "2001:0db8:0000:0000:0000:0000:0000:0000/32", 0, AF_INET6,
	  "2001:db8::/32", false },
	{ "2001:db8:0:0:1:0:0:1/128", 0, AF_INET6, "2001:db8::1:0:0:1/128",
	  false },
	{ "2001:db8:0:1:1:1:1:1/128", 0, AF_INET6, NULL, false },
	{ "fe80::/10", 0, AF_INET6, NULL, false },
	{ "fd00:1234:5678::/48", 0, AF_INET6, NULL, false },
	{ "64:ff9b::/96", 0, AF_INET6, NULL, false },
	{ "8000::/1", 0, AF_INET6, NULL, false },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0, AF_INET6, NULL,
	  false },
	/* the longest text that can be valid: 49 characters */
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", 0, AF_INET6,
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", false },

	/* text */
	{ "", -EINVAL, 0, "empty CIDR prefix (expected ADDRESS/LEN", false },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/0128", -EINVAL, 0,
	  "is too long (at most 49 characters)", false },
	{ long_ones, -EINVAL, 0, "is too long (at most 49 characters)", false },
	{ " 10.0.0.0/8", -EINVAL, 0,
	  "CIDR prefix \" 10.0.0.0/8\" contains whitespace", true },
	{ "10.0.0.0/8 ", -EINVAL, 0, "contains whitespace", false },
	{ "10.0.0.0 /8", -EINVAL, 0, "contains whitespace", false },
	{ "10.0.0.0\t/8", -EINVAL, 0, "\"10.0.0.0\\t/8\" contains whitespace",
	  false },
	{ "10.0.0.0/8\n", -EINVAL, 0, "\"10.0.0.0/8\\n\" contains whitespace",
	  false },
	{ "10.0.0.0", -EINVAL, 0,
	  "CIDR prefix \"10.0.0.0\" has no /LEN (expected ADDRESS/LEN, e.g. 10.0.0.0/16)",
	  true },
	{ "2001:db8::", -EINVAL, 0, "has no /LEN", false },
	{ "/8", -EINVAL, 0, "\"/8\" has no address before the /", false },
	{ "/", -EINVAL, 0, "has no address before the /", false },
	/* IPv4 addresses */
	{ "10.0.0/8", -EINVAL, 0,
	  "CIDR prefix \"10.0.0/8\": \"10.0.0\" is not an IPv4 address (need four decimal octets a.b.c.d)",
	  true },
	{ "10.0.0.0.0/8", -EINVAL, 0, "need four decimal octets", false },
	{ "10..0.0/16", -EINVAL, 0, "need four decimal octets", false },
	{ "10.0.0.0./8", -EINVAL, 0, "need four decimal octets", false },
	{ ".10.0.0.0/8", -EINVAL, 0, "need four decimal octets", false },
	{ "a.b.c.d/8", -EINVAL, 0, "need four decimal octets", false },
	{ "0x0a.0.0.0/8", -EINVAL, 0, "need four decimal octets", false },
	{ "-1.0.0.0/8", -EINVAL, 0, "need four decimal octets", false },
	{ "10/8", -EINVAL, 0, "need four decimal octets", false },
	{ "\"/8", -EINVAL, 0, "CIDR prefix \"\\\"/8\": \"\\\"\" is not",
	  false },
	{ "10.0.0.256/32", -EINVAL, 0, "an octet is over 255", false },
	{ "10.0.0.1000/32", -EINVAL, 0, "an octet is over 255", false },
	{ "10.0.0.99999/32", -EINVAL, 0, "an octet is over 255", false },
	{ "010.0.0.0/8", -EINVAL, 0,
	  "\"010.0.0.0\" is not an IPv4 address (an octet has a leading zero)",
	  false },
	{ "10.00.0.0/16", -EINVAL, 0, "an octet has a leading zero", false },
	{ "10.0.0.00/32", -EINVAL, 0, "an octet has a leading zero", false },
	/* IPv6 addresses */
	{ "2001:db8::g/64", -EINVAL, 0,
	  "\"2001:db8::g\" is not an IPv6 address", false },
	{ "2001:db8:::/64", -EINVAL, 0, "is not an IPv6 address", false },
	{ "1:2:3:4:5:6:7:8:9/128", -EINVAL, 0, "is not an IPv6 address",
	  false },
	{ "12345::/16", -EINVAL, 0, "is not an IPv6 address", false },
	{ "fe80::1%eth0/64", -EINVAL, 0, "is not an IPv6 address", false },
	{ "[2001:db8::]/32", -EINVAL, 0, "is not an IPv6 address", false },
	{ ":/0", -EINVAL, 0, "is not an IPv6 address", false },
	/* lengths */
	{ "10.0.0.0/", -EINVAL, 0,
	  "CIDR prefix \"10.0.0.0/\" has no length after the /", true },
	{ "10.0.0.0/33", -ERANGE, 0,
	  "CIDR prefix \"10.0.0.0/33\": length \"33\" is out of range for IPv4 (0-32)",
	  true },
	{ "0.0.0.0/4294967296", -ERANGE, 0, "out of range for IPv4 (0-32)",
	  false },
	{ "10.0.0.0/99999999999999999999999", -ERANGE, 0,
	  "out of range for IPv4 (0-32)", false },
	{ "::/129", -ERANGE, 0, "length \"129\" is out of range for IPv6 (0-128)",
	  false },
	{ "10.0.0.0/-1", -EINVAL, 0, "length \"-1\" must not have a sign",
	  false },
	{ "10.0.0.0/+8", -EINVAL, 0, "must not have a sign", false },
	{ "10.0.0.0/08", -EINVAL, 0, "length \"08\" has a leading zero", false },
	{ "::/00", -EINVAL, 0, "has a leading zero", false },
	{ "10.0.0.0/0x8", -EINVAL, 0, "length \"0x8\" is not a decimal number",
	  false },
	{ "10.0.0.0/abc", -EINVAL, 0, "is not a decimal number", false },
	{ "10.0.0.0/8x", -EINVAL, 0,
	  "CIDR prefix \"10.0.0.0/8x\" has trailing garbage \"x\" after the length",
	  true },
	{ "10.0.0.0/8/8", -EINVAL, 0, "has trailing garbage \"/8\"", false },
	{ "10.0.0.0/8.0", -EINVAL, 0, "has trailing garbage \".0\"", false },
	{ "10.0.0.0/8\x01", -EINVAL, 0, "has trailing garbage \"\\x01\"",
	  false },
	{ "10.0.0.0/8\xc2\xa0", -EINVAL, 0,
	  "has trailing garbage \"\\xc2\\xa0\"", false },
	/* host bits */
	{ "10.0.0.1/16", -EINVAL, 0,
	  "10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?", true },
	{ "10.0.0.129/25", -EINVAL, 0, "did you mean 10.0.0.128/25?", false },
	{ "10.0.0.1/31", -EINVAL, 0, "did you mean 10.0.0.0/31?", false },
	{ "0.0.0.1/0", -EINVAL, 0, "did you mean 0.0.0.0/0?", false },
	{ "255.255.255.255/1", -EINVAL, 0, "did you mean 128.0.0.0/1?", false },
	{ "2001:db8::1/32", -EINVAL, 0,
	  "2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?",
	  true },
	{ "::1/0", -EINVAL, 0, "did you mean ::/0?", false },
	{ "::1/127", -EINVAL, 0, "did you mean ::/127?", false },
	{ "::ffff:0:0/95", -EINVAL, 0, "did you mean ::fffe:0:0/95?", false },
	/* IPv4-mapped IPv6 */
	{ "::ffff:10.0.0.0/104", -EINVAL, 0,
	  "::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 prefix; use 10.0.0.0/8 instead",
	  true },
	{ "::ffff:0:0/96", -EINVAL, 0, "use 0.0.0.0/0 instead", false },
	{ "::FFFF:10.1.2.3/128", -EINVAL, 0, "use 10.1.2.3/32 instead", false },
	{ "0:0:0:0:0:ffff:a00:0/104", -EINVAL, 0, "use 10.0.0.0/8 instead",
	  false },
	{ "::ffff:10.0.0.1/104", -EINVAL, 0, "use 10.0.0.0/8 instead", false },
};

static void test_prefix(void **state)
{
	const struct prefix_case *c = *state;
	char err[PARSE_ERRLEN] = "", text[PREFIX_STRLEN];
	struct prefix p, sentinel, again;
	int ret;

	memset(&p, 0xa5, sizeof(p));
	sentinel = p;
	ret = parse_prefix(c->in, &p, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret) {
		check_message(err, c->want, c->exact);
		assert_memory_equal(&p, &sentinel, sizeof(p));
		return;
	}
	assert_string_equal(err, "");
	assert_int_equal(p.family, c->family);
	assert_int_equal(format_prefix(&p, text, sizeof(text)), 0);
	assert_string_equal(text, c->want ? c->want : c->in);
	/* The canonical text parses back to the same prefix. */
	assert_int_equal(parse_prefix(text, &again, err, sizeof(err)), 0);
	assert_int_equal(again.family, p.family);
	assert_int_equal(again.len, p.len);
	assert_memory_equal(again.addr, p.addr, p.family == AF_INET ? 4 : 16);
}

static void test_prefix_fields(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t v4[4] = { 10, 1, 0, 0 };
	struct prefix p;

	(void)state;
	assert_int_equal(parse_prefix("10.1.0.0/16", &p, NULL, 0), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.len, 16);
	assert_memory_equal(p.addr, v4, sizeof(v4));
	assert_int_equal(parse_prefix("2001:db8::/32", &p, NULL, 0), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.len, 32);
	assert_memory_equal(p.addr, v6, sizeof(v6));
}

/* No err buffer, or a tiny one: still the right errno, no overflow. */
static void test_prefix_err_buffers(void **state)
{
	char small[8];
	struct prefix p;

	(void)state;
	assert_int_equal(parse_prefix("10.0.0.1/16", &p, NULL, 0), -EINVAL);
	assert_int_equal(parse_prefix("10.0.0.0/33", &p, small, 0), -ERANGE);
	assert_int_equal(parse_prefix("10.0.0.1/16", &p, small, sizeof(small)),
			 -EINVAL);
	assert_string_equal(small, "10.0.0.");
}

static void test_format_prefix_errors(void **state)
{
	struct prefix p = { .family = AF_INET, .len = 0 };
	char buf[PREFIX_STRLEN];

	(void)state;
	assert_int_equal(format_prefix(&p, buf, 10), 0);
	assert_string_equal(buf, "0.0.0.0/0");
	assert_int_equal(format_prefix(&p, buf, 9), -ENOSPC);
	p.len = 33;
	assert_int_equal(format_prefix(&p, buf, sizeof(buf)), -EINVAL);
	p.family = AF_INET6;
	p.len = 129;
	assert_int_equal(format_prefix(&p, buf, sizeof(buf)), -EINVAL);
	p.family = 12345;
	p.len = 0;
	assert_int_equal(format_prefix(&p, buf, sizeof(buf)), -EINVAL);
}

/* --- keywords ----------------------------------------------------------- */

static const char *const objects[] = { "vpc", "version", "peering", "help",
				       NULL };
static const char *const verbs[] = { "del", "delete", "dns", NULL };
static const char *const exact_last[] = { "delete", "del", NULL };
static const char *const empty_table[] = { NULL };

struct keyword_case {
	const char *const *table;
	const char *in;
	int ret;
	unsigned int idx;	/* when ret == 0 */
	const char *msg;	/* the whole message when ret != 0 */
};

static const struct keyword_case keyword_cases[] = {
	{ objects, "vpc", 0, 0, NULL },
	{ objects, "vp", 0, 0, NULL },
	{ objects, "version", 0, 1, NULL },
	{ objects, "vers", 0, 1, NULL },
	{ objects, "ve", 0, 1, NULL },
	{ objects, "p", 0, 2, NULL },
	{ objects, "help", 0, 3, NULL },
	{ objects, "h", 0, 3, NULL },
	{ objects, "v", -ENOTUNIQ, 0,
	  "ambiguous command \"v\": could be vpc, version" },
	{ objects, "", -EINVAL, 0,
	  "missing command; expected one of: vpc, version, peering, help" },
	{ objects, "foo", -ENOENT, 0,
	  "unknown command \"foo\"; expected one of: vpc, version, peering, help" },
	{ objects, "versions", -ENOENT, 0,
	  "unknown command \"versions\"; expected one of: vpc, version, peering, help" },
	{ objects, "VPC", -ENOENT, 0,
	  "unknown command \"VPC\"; expected one of: vpc, version, peering, help" },
	{ objects, "vpc\n", -ENOENT, 0,
	  "unknown command \"vpc\\n\"; expected one of: vpc, version, peering, help" },
	{ objects, " vpc", -ENOENT, 0,
	  "unknown command \" vpc\"; expected one of: vpc, version, peering, help" },
	{ verbs, "del", 0, 0, NULL },
	{ verbs, "dele", 0, 1, NULL },
	{ verbs, "delete", 0, 1, NULL },
	{ verbs, "dn", 0, 2, NULL },
	{ verbs, "d", -ENOTUNIQ, 0,
	  "ambiguous command \"d\": could be del, delete, dns" },
	{ verbs, "de", -ENOTUNIQ, 0,
	  "ambiguous command \"de\": could be del, delete" },
	{ exact_last, "del", 0, 1, NULL },
	{ exact_last, "dele", 0, 0, NULL },
	{ empty_table, "x", -ENOENT, 0,
	  "unknown command \"x\"; expected one of: " },
};

static void test_keyword(void **state)
{
	const struct keyword_case *c = *state;
	char err[PARSE_ERRLEN] = "";
	unsigned int idx = 12345;
	int ret;

	ret = parse_keyword(c->in, c->table, "command", &idx, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret) {
		assert_int_equal(idx, 12345);
		assert_string_equal(err, c->msg);
		return;
	}
	assert_int_equal(idx, c->idx);
	assert_string_equal(err, "");
}

/* A candidate list longer than the buffer is cut, never overflowed. */
static void test_keyword_truncated(void **state)
{
	char err[24];
	unsigned int idx;

	(void)state;
	assert_int_equal(parse_keyword("zzz", objects, "command", &idx,
				       err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "unknown command \"zzz\"; ");
	assert_int_equal(parse_keyword("v", objects, "command", &idx, NULL, 0),
			 -ENOTUNIQ);
}

/* --- object ids --------------------------------------------------------- */

struct id_case {
	bool pcx;
	const char *in;
	int ret;
	uint32_t id;		/* when ret == 0 */
	const char *want;	/* canonical text, or a part of the message */
};

static const struct id_case id_cases[] = {
	{ false, "vpc-0000abcd", 0, 0xabcd, "vpc-0000abcd" },
	{ false, "vpc-ABCDEF01", 0, 0xabcdef01, "vpc-abcdef01" },
	{ false, "VPC-00000001", 0, 1, "vpc-00000001" },
	{ false, "Vpc-DeadBeef", 0, 0xdeadbeef, "vpc-deadbeef" },
	{ false, "vpc-00000000", 0, 0, "vpc-00000000" },
	{ false, "vpc-ffffffff", 0, 0xffffffff, "vpc-ffffffff" },
	{ true, "pcx-1a2b3c4d", 0, 0x1a2b3c4d, "pcx-1a2b3c4d" },
	{ true, "PCX-FFFFFFFE", 0, 0xfffffffe, "pcx-fffffffe" },
	{ false, "", -EINVAL, 0,
	  "\"\" is not a VPC id (expected vpc-XXXXXXXX, 8 hex digits)" },
	{ false, "pcx-0000abcd", -EINVAL, 0,
	  "\"pcx-0000abcd\" is not a VPC id" },
	{ true, "vpc-0000abcd", -EINVAL, 0,
	  "\"vpc-0000abcd\" is not a peering connection id (expected pcx-XXXXXXXX" },
	{ false, "vpc0000abcd", -EINVAL, 0, "is not a VPC id" },
	{ false, "vpc", -EINVAL, 0, "is not a VPC id" },
	{ false, "prod", -EINVAL, 0, "\"prod\" is not a VPC id" },
	{ false, "vpc-", -EINVAL, 0,
	  "VPC id \"vpc-\" has 0 hex digits (expected vpc- and exactly 8)" },
	{ false, "vpc-abc", -EINVAL, 0, "has 3 hex digits" },
	{ false, "vpc-0000abc", -EINVAL, 0, "has 7 hex digits" },
	{ false, "vpc-123456789", -EINVAL, 0, "has 9 hex digits" },
	{ false, long_vpc_id, -EINVAL, 0, "has 100 hex digits" },
	{ false, "vpc-0000abcg", -EINVAL, 0,
	  "VPC id \"vpc-0000abcg\": \"g\" is not a hex digit" },
	{ false, "vpc-0x00abcd", -EINVAL, 0, "\"x\" is not a hex digit" },
	{ false, "vpc-+000abcd", -EINVAL, 0, "\"+\" is not a hex digit" },
	{ false, "vpc- 000abcd", -EINVAL, 0, "\" \" is not a hex digit" },
	{ false, "vpc-0000abcd ", -EINVAL, 0, "\" \" is not a hex digit" },
	{ false, "vpc-0000abcd\n", -EINVAL, 0, "\"\\n\" is not a hex digit" },
	{ true, "pcx-0000abcz", -EINVAL, 0,
	  "peering connection id \"pcx-0000abcz\": \"z\" is not a hex digit" },
};

static void test_id(void **state)
{
	const struct id_case *c = *state;
	char err[PARSE_ERRLEN] = "", text[OBJECT_ID_STRLEN];
	uint32_t id = 0x5a5a5a5a;
	int ret;

	if (c->pcx)
		ret = parse_pcx_id(c->in, &id, err, sizeof(err));
	else
		ret = parse_vpc_id(c->in, &id, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret) {
		check_message(err, c->want, false);
		assert_int_equal(id, 0x5a5a5a5a);
		return;
	}
	assert_int_equal(id, c->id);
	if (c->pcx)
		format_pcx_id(id, text);
	else
		format_vpc_id(id, text);
	assert_string_equal(text, c->want);
}

/* --- VPC names ---------------------------------------------------------- */

struct name_case {
	const char *in;
	int ret;
	const char *msg;	/* a part of the message */
};

static const struct name_case name_cases[] = {
	{ "a", 0, NULL },
	{ "0", 0, NULL },
	{ "prod", 0, NULL },
	{ "Prod-VPC_1.2", 0, NULL },
	{ "9lives", 0, NULL },
	{ "a.", 0, NULL },
	{ "a-", 0, NULL },
	{ name63, 0, NULL },
	/* near the form of an id, but names */
	{ "vpc-prod", 0, NULL },
	{ "vpc-0000abc", 0, NULL },
	{ "vpc-0000abcd0", 0, NULL },
	{ "vpc-0000abcg", 0, NULL },
	{ "vpc_0000abcd", 0, NULL },
	{ "pcx-", 0, NULL },
	{ "vpc0000abcd", 0, NULL },
	/* of the form of an id, in any case: refused */
	{ "vpc-0000abcd", -EINVAL,
	  "VPC name \"vpc-0000abcd\" is the form of an id; choose another name" },
	{ "pcx-0000abcd", -EINVAL, "is the form of an id; choose another name" },
	{ "VPC-0000ABCD", -EINVAL, "is the form of an id" },
	{ "Pcx-DeadBeef", -EINVAL, "is the form of an id" },
	{ "", -EINVAL, "empty VPC name" },
	{ name64, -ENAMETOOLONG,
	  "is too long (64 characters; at most 63)" },
	{ long_ones, -ENAMETOOLONG, "\"...", },
	{ "-a", -EINVAL,
	  "VPC name \"-a\" must start with a letter or a digit" },
	{ ".a", -EINVAL, "must start with a letter or a digit" },
	{ "_a", -EINVAL, "must start with a letter or a digit" },
	{ " a", -EINVAL, "must start with a letter or a digit" },
	{ "a b", -EINVAL,
	  "VPC name \"a b\": character \" \" at position 2 is not allowed (use A-Z a-z 0-9 . _ -)" },
	{ "a/b", -EINVAL, "character \"/\" at position 2" },
	{ "ab:c", -EINVAL, "character \":\" at position 3" },
	{ "a@b", -EINVAL, "character \"@\" at position 2" },
	{ "ab\n", -EINVAL, "character \"\\n\" at position 3" },
	{ "caf\xc3\xa9", -EINVAL, "character \"\\xc3\" at position 4" },
	{ "\xc3\xa9", -EINVAL, "must start with a letter or a digit" },
};

static void test_name(void **state)
{
	const struct name_case *c = *state;
	char err[PARSE_ERRLEN] = "";
	int ret;

	ret = check_vpc_name(c->in, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret)
		check_message(err, c->msg, false);
	else
		assert_string_equal(err, "");
}

/* --- region names ------------------------------------------------------- */

struct region_name_case {
	const char *in;
	int ret;
	const char *msg;	/* a part of the message */
};

static const struct region_name_case region_name_cases[] = {
	{ "b", 0, NULL },
	{ "ap-southeast-2", 0, NULL },
	{ "eu_west.1", 0, NULL },
	{ "0", 0, NULL },
	{ "abcdefghijklmno", 0, NULL },	/* 15 */
	/* not VPC names: the id form means nothing here */
	{ "vpc-0a1b2c3d", 0, NULL },
	{ "abcdefghijklmnop", -ENAMETOOLONG,
	  "region name \"abcdefghijklmnop\" is too long (16 characters; at most 15)" },
	{ "", -EINVAL, "empty region name" },
	{ "-b", -EINVAL, "region name \"-b\" must start with a letter or a digit" },
	{ ".b", -EINVAL, "must start with a letter or a digit" },
	{ "a b", -EINVAL,
	  "region name \"a b\": character \" \" at position 2 is not allowed (use A-Z a-z 0-9 . _ -)" },
	{ "us/east", -EINVAL, "character \"/\" at position 3" },
	{ "b\n", -EINVAL, "character \"\\n\" at position 2" },
};

static void test_region_name(void **state)
{
	const struct region_name_case *c = *state;
	char err[PARSE_ERRLEN] = "";
	int ret;

	ret = check_region_name(c->in, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret)
		check_message(err, c->msg, false);
	else
		assert_string_equal(err, "");
}

/* --- underlay addresses ------------------------------------------------- */

struct endpoint_case {
	const char *in;
	bool port_ok;		/* a remote address, else a local one */
	int ret;
	int family;		/* when ret == 0 */
	int port;		/* when ret == 0: 0 for none */
	const char *want;	/* canonical text (NULL: in), or the message */
	bool exact;		/* the message must be exactly want */
};

static const struct endpoint_case endpoint_cases[] = {
	/* good */
	{ "10.255.0.2", true, 0, AF_INET, 0, NULL, false },
	{ "10.255.0.2:6081", true, 0, AF_INET, 6081, NULL, false },
	{ "10.255.0.2:1", true, 0, AF_INET, 1, NULL, false },
	{ "10.255.0.2:65535", true, 0, AF_INET, 65535, NULL, false },
	{ "fd00::2", true, 0, AF_INET6, 0, NULL, false },
	/* bare IPv6 never has a port: this is an address */
	{ "fd00::2:6081", true, 0, AF_INET6, 0, NULL, false },
	{ "[fd00::2]:6081", true, 0, AF_INET6, 6081, NULL, false },
	{ "[fd00::2]", true, 0, AF_INET6, 0, "fd00::2", false },
	{ "[FD00:0::2]:443", true, 0, AF_INET6, 443, "[fd00::2]:443", false },
	{ "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535", true, 0,
	  AF_INET6, 65535,
	  "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", false },
	{ "10.255.0.1", false, 0, AF_INET, 0, NULL, false },
	{ "fd00::1", false, 0, AF_INET6, 0, NULL, false },
	{ "[fd00::1]", false, 0, AF_INET6, 0, "fd00::1", false },
	/* text */
	{ "", true, -EINVAL, 0, 0,
	  "empty remote address (expected ADDR or ADDR:PORT, e.g. 10.255.0.2:6081 or [fd00::2]:6081)",
	  true },
	{ "", false, -EINVAL, 0, 0,
	  "empty local address (expected an IPv4 or IPv6 address, e.g. 10.255.0.1 or fd00::1)",
	  true },
	{ "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:065535", true,
	  -EINVAL, 0, 0, "is too long (at most 53 characters)", false },
	{ long_ones, true, -EINVAL, 0, 0, "is too long", false },
	{ "10.0.0.1 ", true, -EINVAL, 0, 0,
	  "remote address \"10.0.0.1 \" contains whitespace", true },
	{ "10.0.0.1:\t80", true, -EINVAL, 0, 0, "contains whitespace", false },
	/* addresses */
	{ "10.0.0", true, -EINVAL, 0, 0,
	  "remote address \"10.0.0\" is not an IPv4 address (need four decimal octets a.b.c.d)",
	  true },
	{ "10.0.0.256:80", true, -EINVAL, 0, 0,
	  "remote address \"10.0.0.256:80\": \"10.0.0.256\" is not an IPv4 address (an octet is over 255)",
	  true },
	{ "010.0.0.1", false, -EINVAL, 0, 0,
	  "local address \"010.0.0.1\" is not an IPv4 address (an octet has a leading zero)",
	  true },
	{ "host:6081", true, -EINVAL, 0, 0,
	  "\"host\" is not an IPv4 address", false },
	{ "remote.example", true, -EINVAL, 0, 0, "is not an IPv4 address",
	  false },
	{ "fd00::g", true, -EINVAL, 0, 0,
	  "remote address \"fd00::g\" is not an IPv6 address", true },
	{ "fe80::1%eth0", true, -EINVAL, 0, 0, "is not an IPv6 address",
	  false },
	{ "1:2:3:4:5:6:7:8:9", true, -EINVAL, 0, 0, "is not an IPv6 address",
	  false },
	{ "[10.0.0.1]:80", true, -EINVAL, 0, 0,
	  "remote address \"[10.0.0.1]:80\": \"10.0.0.1\" is not an IPv6 address",
	  true },
	{ "[fd00::2", true, -EINVAL, 0, 0,
	  "remote address \"[fd00::2\" has no ] after the IPv6 address", true },
	{ "[fd00::2]6081", true, -EINVAL, 0, 0,
	  "remote address \"[fd00::2]6081\" has trailing garbage \"6081\" after the ]",
	  true },
	{ "[]:6081", true, -EINVAL, 0, 0, "\"[]:6081\" has no address", false },
	{ ":6081", true, -EINVAL, 0, 0, "\":6081\" has no address", false },
	{ "::ffff:10.0.0.1", true, -EINVAL, 0, 0,
	  "remote address \"::ffff:10.0.0.1\" is an IPv4-mapped IPv6 address; use 10.0.0.1 instead",
	  true },
	{ "[::ffff:a00:1]:80", true, -EINVAL, 0, 0, "use 10.0.0.1 instead",
	  false },
	/* ports */
	{ "10.0.0.1:", true, -EINVAL, 0, 0,
	  "remote address \"10.0.0.1:\" has no port after the :", true },
	{ "[fd00::2]:", true, -EINVAL, 0, 0, "has no port after the :", false },
	{ "10.0.0.1:0", true, -ERANGE, 0, 0,
	  "remote address \"10.0.0.1:0\": port \"0\" is out of range (1-65535)",
	  true },
	{ "10.0.0.1:65536", true, -ERANGE, 0, 0,
	  "port \"65536\" is out of range (1-65535)", false },
	{ "[fd00::2]:99999999999999999999999", true, -ERANGE, 0, 0,
	  "is out of range (1-65535)", false },
	{ "10.0.0.1:06081", true, -EINVAL, 0, 0,
	  "port \"06081\" has a leading zero", false },
	{ "10.0.0.1:-1", true, -EINVAL, 0, 0, "port \"-1\" must not have a sign",
	  false },
	{ "10.0.0.1:0x17c1", true, -EINVAL, 0, 0, "is not a decimal number",
	  false },
	{ "10.0.0.1:geneve", true, -EINVAL, 0, 0,
	  "port \"geneve\" is not a decimal number", false },
	{ "10.0.0.1:80x", true, -EINVAL, 0, 0,
	  "remote address \"10.0.0.1:80x\": port \"80x\" has trailing garbage \"x\"",
	  true },
	/* a local address takes no port */
	{ "10.0.0.1:6081", false, -EINVAL, 0, 0,
	  "local address \"10.0.0.1:6081\" takes no port", true },
	{ "[fd00::1]:6081", false, -EINVAL, 0, 0, "takes no port", false },
};

static void test_endpoint(void **state)
{
	const struct endpoint_case *c = *state;
	const char *what = c->port_ok ? "remote address" : "local address";
	char err[PARSE_ERRLEN] = "", text[ENDPOINT_STRLEN];
	struct endpoint e, sentinel, again;
	int ret;

	memset(&e, 0xa5, sizeof(e));
	sentinel = e;
	ret = parse_endpoint(c->in, what, c->port_ok, &e, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret) {
		check_message(err, c->want, c->exact);
		assert_memory_equal(&e, &sentinel, sizeof(e));
		return;
	}
	assert_string_equal(err, "");
	assert_int_equal(e.family, c->family);
	assert_int_equal(e.has_port, c->port != 0);
	if (c->port)
		assert_int_equal(e.port, c->port);
	assert_int_equal(format_endpoint(&e, text, sizeof(text)), 0);
	assert_string_equal(text, c->want ? c->want : c->in);
	/* The canonical text reads back the same. */
	assert_int_equal(parse_endpoint(text, what, c->port_ok, &again, err,
					sizeof(err)), 0);
	assert_int_equal(again.family, e.family);
	assert_int_equal(again.has_port, e.has_port);
	assert_int_equal(again.port, e.port);
	assert_memory_equal(again.addr, e.addr, e.family == AF_INET ? 4 : 16);
}

static void test_endpoint_fields(void **state)
{
	static const uint8_t v6[16] = { 0xfd, [15] = 2 };
	static const uint8_t v4[4] = { 10, 255, 0, 2 };
	char small[8], text[ENDPOINT_STRLEN];
	struct endpoint e;

	(void)state;
	assert_int_equal(parse_endpoint("10.255.0.2:6081", "x", true, &e,
					NULL, 0), 0);
	assert_memory_equal(e.addr, v4, sizeof(v4));
	assert_int_equal(e.port, 6081);
	assert_int_equal(parse_endpoint("[fd00::2]:6081", "x", true, &e, NULL,
					0), 0);
	assert_memory_equal(e.addr, v6, sizeof(v6));
	/* Errors with no buffer, or a tiny one. */
	assert_int_equal(parse_endpoint("10.0.0.1:0", "x", true, &e, NULL, 0),
			 -ERANGE);
	assert_int_equal(parse_endpoint("10.0.0.1:0", "x", true, &e, small,
					sizeof(small)), -ERANGE);
	assert_string_equal(small, "x \"10.0");
	/* Formatting: a family it does not know, a buffer too small. */
	e.family = 0;
	assert_int_equal(format_endpoint(&e, text, sizeof(text)), -EINVAL);
	assert_int_equal(parse_endpoint("[fd00::2]:6081", "x", true, &e, NULL,
					0), 0);
	assert_int_equal(format_endpoint(&e, small, sizeof(small)), -ENOSPC);
}

/* --- VPCs by id or name ------------------------------------------------- */

struct ref_case {
	const char *in;
	int ret;
	bool by_name;		/* when ret == 0 */
	uint32_t id;		/* when ret == 0 and !by_name */
	const char *msg;	/* a part of the message */
};

static const struct ref_case ref_cases[] = {
	{ "blue", 0, true, 0, NULL },
	{ "vpc-prod", 0, true, 0, NULL },
	{ "vpc-0000abc", 0, true, 0, NULL },
	{ "vpc-0a1b2c3d", 0, false, 0x0a1b2c3d, NULL },
	{ "VPC-0A1B2C3D", 0, false, 0x0a1b2c3d, NULL },
	{ "vpc-00000000", 0, false, 0, NULL },
	{ "pcx-11223344", -EINVAL, false, 0,
	  "\"pcx-11223344\" is a peering connection id, not a VPC (expected vpc-XXXXXXXX or a VPC name)" },
	{ "PCX-11223344", -EINVAL, false, 0, "is a peering connection id" },
	{ "", -EINVAL, false, 0, "empty VPC name" },
	{ "a b", -EINVAL, false, 0, "character \" \" at position 2" },
	{ "-a", -EINVAL, false, 0, "must start with a letter or a digit" },
	{ name64, -ENAMETOOLONG, false, 0, "is too long" },
};

static void test_ref(void **state)
{
	const struct ref_case *c = *state;
	struct vpc_ref ref = { .name = "untouched", .id = 77 };
	char err[PARSE_ERRLEN] = "";
	int ret;

	ret = parse_vpc_ref(c->in, &ref, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret) {
		check_message(err, c->msg, false);
		assert_string_equal(ref.name, "untouched");
		assert_int_equal(ref.id, 77);
		return;
	}
	assert_string_equal(err, "");
	if (c->by_name) {
		/* The argument itself, not a copy. */
		assert_ptr_equal(ref.name, c->in);
		return;
	}
	assert_null(ref.name);
	assert_int_equal(ref.id, c->id);
}

/* --- integers ----------------------------------------------------------- */

struct uint_case {
	const char *in;
	uint64_t min, max;	/* max == 0: parse_u32() */
	int ret;
	uint64_t val;		/* when ret == 0 */
	const char *msg;	/* a part of the message */
};

static const struct uint_case uint_cases[] = {
	{ "0", 0, 0, 0, 0, NULL },
	{ "1", 0, 0, 0, 1, NULL },
	{ "9001", 0, 0, 0, 9001, NULL },
	{ "4294967295", 0, 0, 0, UINT32_MAX, NULL },
	{ "4294967296", 0, 0, -ERANGE, 0,
	  "value \"4294967296\" is out of range (0-4294967295)" },
	{ "18446744073709551615", 0, 0, -ERANGE, 0, "is out of range" },
	{ "18446744073709551616", 0, 0, -ERANGE, 0, "is out of range" },
	{ "99999999999999999999999999", 0, 0, -ERANGE, 0, "is out of range" },
	{ "", 0, 0, -EINVAL, 0,
	  "value \"\" is empty (expected a decimal number)" },
	{ "-1", 0, 0, -EINVAL, 0, "value \"-1\" must not have a sign" },
	{ "-0", 0, 0, -EINVAL, 0, "must not have a sign" },
	{ "+1", 0, 0, -EINVAL, 0, "must not have a sign" },
	{ "01", 0, 0, -EINVAL, 0, "value \"01\" has a leading zero" },
	{ "00", 0, 0, -EINVAL, 0, "has a leading zero" },
	{ "0x10", 0, 0, -EINVAL, 0, "\"0x10\" is not a decimal number" },
	{ "0X10", 0, 0, -EINVAL, 0, "is not a decimal number" },
	{ "abc", 0, 0, -EINVAL, 0, "is not a decimal number" },
	{ "\xd9\xa3", 0, 0, -EINVAL, 0,
	  "\"\\xd9\\xa3\" is not a decimal number" },
	{ "1e3", 0, 0, -EINVAL, 0, "\"1e3\" has trailing garbage \"e3\"" },
	{ "12abc", 0, 0, -EINVAL, 0, "has trailing garbage \"abc\"" },
	{ "1.5", 0, 0, -EINVAL, 0, "has trailing garbage \".5\"" },
	{ "1-", 0, 0, -EINVAL, 0, "has trailing garbage \"-\"" },
	{ " 1", 0, 0, -EINVAL, 0, "value \" 1\" contains whitespace" },
	{ "1 ", 0, 0, -EINVAL, 0, "contains whitespace" },
	{ "1\t", 0, 0, -EINVAL, 0, "\"1\\t\" contains whitespace" },
	{ long_ones, 0, 0, -ERANGE, 0, "is out of range" },
	/* bounded */
	{ "68", 68, 65535, 0, 68, NULL },
	{ "65535", 68, 65535, 0, 65535, NULL },
	{ "67", 68, 65535, -ERANGE, 0,
	  "mtu \"67\" is out of range (68-65535)" },
	{ "65536", 68, 65535, -ERANGE, 0, "is out of range (68-65535)" },
	{ "0", 68, 65535, -ERANGE, 0, "is out of range (68-65535)" },
	{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
	{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0,
	  "is out of range (0-18446744073709551615)" },
};

static void test_uint(void **state)
{
	const struct uint_case *c = *state;
	char err[PARSE_ERRLEN] = "";
	uint64_t v64 = 77;
	uint32_t v32 = 77;
	int ret;

	if (c->max) {
		ret = parse_uint_range(c->in, "mtu", c->min, c->max, &v64,
				       err, sizeof(err));
	} else {
		ret = parse_u32(c->in, NULL, &v32, err, sizeof(err));
		v64 = v32;
	}
	assert_int_equal(ret, c->ret);
	if (ret) {
		check_message(err, c->msg, false);
		assert_int_equal(v64, 77);
		return;
	}
	assert_int_equal(v64, c->val);
	assert_string_equal(err, "");
}

/* --- on/off and name tags ---------------------------------------------- */

struct on_off_case {
	const char *in;
	int ret;
	bool val;
	const char *msg;	/* exact */
};

static const struct on_off_case on_off_cases[] = {
	{ "on", 0, true, NULL },
	{ "off", 0, false, NULL },
	{ "of", 0, false, NULL },
	{ "o", -ENOTUNIQ, false,
	  "ambiguous allow-dns-resolution value \"o\": could be on, off" },
	{ "", -EINVAL, false,
	  "missing allow-dns-resolution value; expected one of: on, off" },
	{ "yes", -ENOENT, false,
	  "unknown allow-dns-resolution value \"yes\"; expected one of: on, off" },
	{ "ON", -ENOENT, false,
	  "unknown allow-dns-resolution value \"ON\"; expected one of: on, off" },
	{ "1", -ENOENT, false,
	  "unknown allow-dns-resolution value \"1\"; expected one of: on, off" },
	{ "onn", -ENOENT, false,
	  "unknown allow-dns-resolution value \"onn\"; expected one of: on, off" },
};

static void test_on_off(void **state)
{
	const struct on_off_case *c = *state;
	char err[PARSE_ERRLEN] = "";
	bool v = !c->val;
	int ret;

	ret = parse_on_off(c->in, "allow-dns-resolution", &v, err,
			   sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret) {
		check_message(err, c->msg, true);
		assert_int_equal(v, !c->val);
		return;
	}
	assert_int_equal(v, c->val);
	assert_string_equal(err, "");
}

struct tag_case {
	const char *in;
	int ret;
	const char *msg;	/* a part of it */
};

static const struct tag_case tag_cases[] = {
	{ "blue side", 0, NULL },
	{ "", 0, NULL },	/* clears the tag */
	{ tag255, 0, NULL },
	{ " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", 0, NULL },
	{ tag256, -ENAMETOOLONG, "is too long (256 characters; at most 255)" },
	{ "a\tb", -EINVAL,
	  "name \"a\\tb\": character \"\\t\" at position 2 is not printable ASCII" },
	{ "caf\xc3\xa9", -EINVAL,
	  "character \"\\xc3\" at position 4 is not printable ASCII" },
	{ "del\x7f", -EINVAL, "character \"\\x7f\" at position 4" },
	{ "\n", -EINVAL, "character \"\\n\" at position 1" },
};

static void test_tag(void **state)
{
	const struct tag_case *c = *state;
	char err[PARSE_ERRLEN] = "";
	int ret;

	ret = check_tag(c->in, err, sizeof(err));
	assert_int_equal(ret, c->ret);
	if (ret)
		check_message(err, c->msg, false);
	else
		assert_string_equal(err, "");
}

/* --- quote_arg ---------------------------------------------------------- */

struct quote_case {
	const char *in;
	const char *want;
};

static const struct quote_case quote_cases[] = {
	{ "abc", "\"abc\"" },
	{ "", "\"\"" },
	{ "a b", "\"a b\"" },
	{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "\t\n\r", "\"\\t\\n\\r\"" },
	{ "\x01\x1b[2J\x7f\xff", "\"\\x01\\x1b[2J\\x7f\\xff\"" },
	{ "123456789012345678901234567890123456789012345678",
	  "\"123456789012345678901234567890123456789012345678\"" },
	{ "1234567890123456789012345678901234567890123456789",
	  "\"123456789012345678901234567890123456789012345678\"..." },
};

static void test_quote(void **state)
{
	const struct quote_case *c = *state;
	char buf[QUOTE_BUFLEN];

	assert_string_equal(quote_arg(c->in, buf), c->want);
}

/* The worst case fills QUOTE_BUFLEN exactly. */
static void test_quote_worst_case(void **state)
{
	char in[QUOTE_SHOW_MAX + 2], buf[QUOTE_BUFLEN + 1];

	(void)state;
	memset(in, 0xff, sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	buf[QUOTE_BUFLEN] = 'Z';
	quote_arg(in, buf);
	assert_int_equal(strlen(buf), QUOTE_BUFLEN - 1);
	assert_int_equal(buf[QUOTE_BUFLEN], 'Z');
}

/* --- main --------------------------------------------------------------- */

#define ADD_TABLE(group, table, fn) do {				\
	size_t i_;							\
	for (i_ = 0; i_ < ARRAY_SIZE(table); i_++)			\
		add_case(group, i_ + 1, (table)[i_].in, fn, &(table)[i_]); \
} while (0)

int main(void)
{
	size_t i;
	int ret;

	make_long_inputs();
	ADD_TABLE("prefix", prefix_cases, test_prefix);
	add_case("prefix", 0, "fields", test_prefix_fields, NULL);
	add_case("prefix", 0, "err buffers", test_prefix_err_buffers, NULL);
	add_case("format_prefix", 0, "errors", test_format_prefix_errors, NULL);
	ADD_TABLE("keyword", keyword_cases, test_keyword);
	add_case("keyword", 0, "truncated", test_keyword_truncated, NULL);
	ADD_TABLE("id", id_cases, test_id);
	ADD_TABLE("name", name_cases, test_name);
	ADD_TABLE("region_name", region_name_cases, test_region_name);
	ADD_TABLE("endpoint", endpoint_cases, test_endpoint);
	add_case("endpoint", 0, "fields, small buffers", test_endpoint_fields,
		 NULL);
	ADD_TABLE("vpc_ref", ref_cases, test_ref);
	ADD_TABLE("uint", uint_cases, test_uint);
	ADD_TABLE("on_off", on_off_cases, test_on_off);
	ADD_TABLE("tag", tag_cases, test_tag);
	ADD_TABLE("quote", quote_cases, test_quote);
	add_case("quote", 0, "worst case", test_quote_worst_case, NULL);

	ret = _cmocka_run_group_tests("parse", tests, ntests, NULL, NULL);
	for (i = 0; i < ntests; i++)
		free((char *)tests[i].name);
	free(tests);
	return ret;
}

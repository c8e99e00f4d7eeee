// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: vpcpeer-ctl's argument parsers (tools/vpcpeer-ctl/
 * parse.c, compiled as the tool compiles it) on arbitrary text, each
 * checked against an independent statement of its rule:
 *
 *   prefixes   inet_pton() for the address (glibc's IPv4 form is the
 *              tool's: four decimal octets, no leading zeros), a decimal
 *              length without sign or leading zero, no host bits, not
 *              IPv4-mapped; what parses formats back to text that parses
 *              to the same prefix, within PREFIX_TEXT_MAX characters
 *   ids        "vpc-"/"pcx-" in any case and exactly 8 hex digits; the
 *              formatted id reads back the same
 *   names      the rules of <uapi/linux/vpcpeer.h> for VPCs and regions,
 *              as the kernel states them
 *   endpoints  inet_pton() for the address: bare IPv4 or IPv6, or IPv6 in
 *              brackets; one colon outside brackets is IPv4 and a port,
 *              a decimal 1 to 65535 without leading zero; not
 *              IPv4-mapped; a port only where one is allowed; what
 *              parses formats back to text that parses to the same
 *   integers   digits only, no leading zero, within the bounds
 *   keywords   an exact match, or a prefix of exactly one entry
 *
 * Every error message must fit the caller's buffer, whatever its size
 * (the buffer is a heap block of exactly that size, so ASan sees any
 * overrun), be NUL-terminated, and not be empty when there was room.
 *
 * Input: byte 0 picks the parser (modulo 9; for endpoints, byte 0 / 9
 * odd refuses a port), byte 1 the size of the error buffer, the rest is
 * the argument (cut at the first NUL).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uapi/linux/vpcpeer.h>

#include "parse.h"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_parse: \"%s\": %s: ", arg_shown(), #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		abort();						\
	}								\
} while (0)

static const char *cur_arg;

static const char *arg_shown(void)
{
	static char buf[QUOTE_BUFLEN];

	return quote_arg(cur_arg, buf);
}

static bool ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool ascii_alnum(char c)
{
	return ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decimal number as the tool takes it: "0", or no leading zero. */
static bool ref_decimal(const char *s, uint64_t *v)
{
	size_t i, n = strlen(s);

	if (!n || n > 20 || (s[0] == '0' && n > 1))
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (!ascii_digit(s[i]))
			return false;
		if (*v > (UINT64_MAX - (s[i] - '0')) / 10)
			return false;	/* overflow: out of any range */
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

static bool ref_prefix(const char *s, struct prefix *p)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char addr[64];
	const char *slash = strchr(s, '/');
	unsigned int i, max;
	uint64_t len;

	memset(p, 0, sizeof(*p));
	if (!slash || strlen(s) > PREFIX_TEXT_MAX || (size_t)(slash - s) >= sizeof(addr))
		return false;
	memcpy(addr, s, slash - s);
	addr[slash - s] = '\0';
	p->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(p->family, addr, p->addr) != 1)
		return false;
	max = p->family == AF_INET ? 32 : 128;
	if (!ref_decimal(slash + 1, &len) || len > max)
		return false;
	p->len = len;
	for (i = len; i < max; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return !(p->family == AF_INET6 && len >= 96 &&
		 !memcmp(p->addr, mapped, sizeof(mapped)));
}

static bool ref_object_id(const char *s, const char *prefix, uint32_t *id)
{
	size_t i;

	if (strlen(s) != 12 || strncasecmp(s, prefix, 4))
		return false;
	for (i = 4; i < 12; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	*id = strtoul(s + 4, NULL, 16);
	return true;
}

/* <uapi/linux/vpcpeer.h>: 1 to 63 of [A-Za-z0-9._-], alnum first, no id shape. */
static int ref_name(const char *s)
{
	size_t i, n = strlen(s);
	uint32_t id;

	if (!n)
		return -EINVAL;
	if (n >= VPCPEER_NAME_MAX)
		return -ENAMETOOLONG;
	if (!ascii_alnum(s[0]))
		return -EINVAL;
	for (i = 1; i < n; i++)
		if (!ascii_alnum(s[i]) && !strchr("._-", s[i]))
			return -EINVAL;
	if (ref_object_id(s, VPCPEER_VPC_ID_PREFIX, &id) ||
	    ref_object_id(s, VPCPEER_PCX_ID_PREFIX, &id))
		return -EINVAL;
	return 0;
}

/* <uapi/linux/vpcpeer.h> region-name-max: 1 to 15 of [A-Za-z0-9._-], alnum first. */
static int ref_region_name(const char *s)
{
	size_t i, n = strlen(s);

	if (!n)
		return -EINVAL;
	if (n >= VPCPEER_REGION_NAME_MAX)
		return -ENAMETOOLONG;
	if (!ascii_alnum(s[0]))
		return -EINVAL;
	for (i = 1; i < n; i++)
		if (!ascii_alnum(s[i]) && !strchr("._-", s[i]))
			return -EINVAL;
	return 0;
}

static bool ref_port(const char *s, struct endpoint *e)
{
	uint64_t v;

	if (!ref_decimal(s, &v) || v < 1 || v > 65535)
		return false;
	e->has_port = true;
	e->port = v;
	return true;
}

/* n bytes at s as an address of family, not IPv4-mapped. */
static bool ref_addr(const char *s, size_t n, int family, struct endpoint *e)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char addr[64];

	if (n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	e->family = family;
	if (inet_pton(family, addr, e->addr) != 1)
		return false;
	return family == AF_INET || memcmp(e->addr, mapped, sizeof(mapped));
}

static bool ref_endpoint(const char *s, bool port_ok, struct endpoint *e)
{
	const char *close, *colon = strchr(s, ':');
	size_t colons = 0, i;

	memset(e, 0, sizeof(*e));
	if (strlen(s) > ENDPOINT_TEXT_MAX)
		return false;
	for (i = 0; s[i]; i++)
		colons += s[i] == ':';
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || !ref_addr(s + 1, close - s - 1, AF_INET6, e))
			return false;
		if (close[1] && (close[1] != ':' || !ref_port(close + 2, e)))
			return false;
	} else if (colons == 1) {
		if (!ref_addr(s, colon - s, AF_INET, e) || !ref_port(colon + 1, e))
			return false;
	} else if (!ref_addr(s, strlen(s), colons ? AF_INET6 : AF_INET, e)) {
		return false;
	}
	return port_ok || !e->has_port;
}

/* The error buffer: exactly errlen bytes, checked after each failure. */
static void check_err(int ret, const char *err, size_t errlen)
{
	size_t n;

	if (!ret || !err)
		return;
	n = strnlen(err, errlen);
	CHECK(n < errlen, "the error message is not NUL-terminated in %zu bytes", errlen);
	CHECK(errlen < 2 || n > 0, "an error (%d) with an empty message", ret);
}

static void fuzz_prefix(const char *arg, char *err, size_t errlen)
{
	char text[PREFIX_STRLEN];
	struct prefix p, q, r;
	int ret;

	memset(&p, 0xa5, sizeof(p));
	ret = parse_prefix(arg, &p, err, errlen);
	check_err(ret, err, errlen);
	CHECK(!ret == ref_prefix(arg, &r), "parse_prefix() returned %d, the rule says %s",
	      ret, ret ? "valid" : "invalid");
	if (ret) {
		CHECK(ret == -EINVAL || ret == -ERANGE, "parse_prefix() returned %d", ret);
		return;
	}
	CHECK(p.family == r.family && p.len == r.len &&
	      !memcmp(p.addr, r.addr, p.family == AF_INET ? 4 : 16),
	      "parsed to another prefix than inet_pton() reads");
	CHECK(!format_prefix(&p, text, sizeof(text)), "cannot format what parsed");
	CHECK(strlen(text) <= PREFIX_TEXT_MAX, "formatted as %zu characters", strlen(text));
	CHECK(!parse_prefix(text, &q, NULL, 0), "its canonical form %s does not parse", text);
	CHECK(q.family == p.family && q.len == p.len &&
	      !memcmp(q.addr, p.addr, sizeof(p.addr)),
	      "%s parses to another prefix", text);
}

static void fuzz_id(const char *arg, bool pcx, char *err, size_t errlen)
{
	char text[OBJECT_ID_STRLEN];
	uint32_t id = 0, want = 0;
	bool ok;
	int ret;

	ret = pcx ? parse_pcx_id(arg, &id, err, errlen) :
		    parse_vpc_id(arg, &id, err, errlen);
	check_err(ret, err, errlen);
	ok = ref_object_id(arg, pcx ? VPCPEER_PCX_ID_PREFIX : VPCPEER_VPC_ID_PREFIX,
			   &want);
	CHECK(!ret == ok, "parse_%s_id() returned %d", pcx ? "pcx" : "vpc", ret);
	if (ret)
		return;
	CHECK(id == want, "read %08x, not %08x", id, want);
	if (pcx)
		format_pcx_id(id, text);
	else
		format_vpc_id(id, text);
	CHECK(!strcasecmp(text, arg), "formatted back as %s", text);
}

static void fuzz_name(const char *arg, char *err, size_t errlen)
{
	struct vpc_ref ref;
	uint32_t id;
	int ret, want = ref_name(arg);

	ret = check_vpc_name(arg, err, errlen);
	check_err(ret, err, errlen);
	CHECK(ret == want, "check_vpc_name() returned %d, the rule says %d", ret, want);

	memset(&ref, 0xa5, sizeof(ref));
	ret = parse_vpc_ref(arg, &ref, err, errlen);
	check_err(ret, err, errlen);
	if (ref_object_id(arg, VPCPEER_VPC_ID_PREFIX, &id)) {
		CHECK(!ret && !ref.name && ref.id == id, "a VPC id not read as one");
	} else if (ref_object_id(arg, VPCPEER_PCX_ID_PREFIX, &id)) {
		CHECK(ret == -EINVAL, "a peering id taken for a VPC");
	} else {
		CHECK(ret == want, "parse_vpc_ref() returned %d, the rule says %d", ret, want);
		CHECK(ret || ref.name == arg, "a name not kept as given");
	}
}

static void fuzz_region_name(const char *arg, char *err, size_t errlen)
{
	int ret, want = ref_region_name(arg);

	ret = check_region_name(arg, err, errlen);
	check_err(ret, err, errlen);
	CHECK(ret == want, "check_region_name() returned %d, the rule says %d",
	      ret, want);
}

static void fuzz_endpoint(const char *arg, bool port_ok, char *err,
			  size_t errlen)
{
	char text[ENDPOINT_STRLEN];
	struct endpoint e, q, r;
	bool ok;
	int ret;

	memset(&e, 0xa5, sizeof(e));
	ret = parse_endpoint(arg, "address", port_ok, &e, err, errlen);
	check_err(ret, err, errlen);
	ok = ref_endpoint(arg, port_ok, &r);
	CHECK(!ret == ok, "parse_endpoint(port %s) returned %d, the rule says %s",
	      port_ok ? "allowed" : "refused", ret, ok ? "valid" : "invalid");
	if (ret) {
		CHECK(ret == -EINVAL || ret == -ERANGE, "parse_endpoint() returned %d",
		      ret);
		return;
	}
	CHECK(e.family == r.family && e.has_port == r.has_port &&
	      (!e.has_port || e.port == r.port) &&
	      !memcmp(e.addr, r.addr, e.family == AF_INET ? 4 : 16),
	      "parsed to another endpoint than the rule reads");
	CHECK(!format_endpoint(&e, text, sizeof(text)), "cannot format what parsed");
	CHECK(!parse_endpoint(text, "address", port_ok, &q, NULL, 0),
	      "its canonical form %s does not parse", text);
	CHECK(q.family == e.family && q.has_port == e.has_port &&
	      q.port == e.port &&
	      !memcmp(q.addr, e.addr, e.family == AF_INET ? 4 : 16),
	      "%s parses to another endpoint", text);
}

static void fuzz_uint(const char *arg, const uint8_t *b, char *err, size_t errlen)
{
	uint64_t min = b[0] % 4 ? b[1] : 0, max, v = 0, want = 0;
	bool ok;
	int ret;

	max = b[0] & 4 ? UINT64_MAX : min + ((uint64_t)b[2] << (b[3] % 56));
	ret = parse_uint_range(arg, "value", min, max, &v, err, errlen);
	check_err(ret, err, errlen);
	ok = ref_decimal(arg, &want) && want >= min && want <= max;
	CHECK(!ret == ok, "parse_uint_range(%llu-%llu) returned %d",
	      (unsigned long long)min, (unsigned long long)max, ret);
	CHECK(ret || v == want, "read %llu, not %llu", (unsigned long long)v,
	      (unsigned long long)want);
	CHECK(!ret || ret == -EINVAL || ret == -ERANGE, "returned %d", ret);
}

static void fuzz_keyword(const char *arg, char *err, size_t errlen)
{
	static const char *const table[] = {
		"add", "del", "delete", "set", "show", "list", "request",
		"accept", "reject", "peering", "vpc", "version", "help", NULL
	};
	unsigned int i, idx = ~0u, exact = ~0u, prefixed = 0, last = 0;
	size_t n = strlen(arg);
	int ret;

	ret = parse_keyword(arg, table, "command", &idx, err, errlen);
	check_err(ret, err, errlen);
	for (i = 0; table[i]; i++) {
		if (!strcmp(table[i], arg))
			exact = i;
		if (!strncmp(table[i], arg, n)) {
			prefixed++;
			last = i;
		}
	}
	if (!n) {
		CHECK(ret == -EINVAL, "an empty keyword returned %d", ret);
	} else if (exact != ~0u) {
		CHECK(!ret && idx == exact, "an exact match returned %d (%u)", ret, idx);
	} else if (prefixed == 1) {
		CHECK(!ret && idx == last, "a unique prefix returned %d (%u)", ret, idx);
	} else {
		CHECK(ret == (prefixed ? -ENOTUNIQ : -ENOENT),
		      "%u matches returned %d", prefixed, ret);
	}
}

static void fuzz_quote(const char *arg)
{
	char buf[QUOTE_BUFLEN];
	size_t n;

	quote_arg(arg, buf);
	n = strnlen(buf, sizeof(buf));
	CHECK(n < sizeof(buf) && buf[0] == '"', "quote_arg() made %zu bytes", n);
	for (size_t i = 0; i < n; i++)
		CHECK(buf[i] >= 0x20 && buf[i] < 0x7f, "a raw byte %#x in the quote",
		      (unsigned char)buf[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t ops[4] = { 0 };
	size_t errlen, n, used;
	char *arg, *err;

	if (size < 2)
		return 0;
	errlen = data[1] < 200 ? data[1] % 16 : PARSE_ERRLEN;
	n = strnlen((const char *)data + 2, size - 2);
	/* Exactly sized blocks: reading or writing past them is an ASan error. */
	arg = malloc(n + 1);
	err = errlen ? malloc(errlen) : NULL;
	memcpy(arg, data + 2, n);
	arg[n] = '\0';
	cur_arg = arg;
	/* After the argument's NUL: operands (the bounds of an integer). */
	used = 2 + n + (2 + n < size);
	memcpy(ops, data + used, size - used < 4 ? size - used : 4);

	switch (data[0] % 9) {
	case 0:
		fuzz_prefix(arg, err, errlen);
		break;
	case 1:
		fuzz_id(arg, false, err, errlen);
		break;
	case 2:
		fuzz_id(arg, true, err, errlen);
		break;
	case 3:
		fuzz_name(arg, err, errlen);
		break;
	case 4:
		fuzz_uint(arg, ops, err, errlen);
		break;
	case 5:
		fuzz_keyword(arg, err, errlen);
		break;
	case 7:
		fuzz_endpoint(arg, !(data[0] / 9 % 2), err, errlen);
		break;
	case 8:
		fuzz_region_name(arg, err, errlen);
		break;
	default:
		fuzz_quote(arg);
		break;
	}
	free(err);
	free(arg);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The argument parsers of vpcpeer-ctl (see parse.h). They are strict on
 * purpose: what a user types is either exactly one value or an error that
 * says which argument is wrong and why, never a silent reinterpretation
 * (no octal or hex, no skipped whitespace, no masked host bits). Character
 * classes are plain ASCII so that the locale cannot change what parses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <uapi/linux/vpcpeer.h>

#include "parse.h"

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool has_space(const char *s)
{
	return s[strcspn(s, " \t\n\v\f\r")] != '\0';
}

static int __attribute__((format(printf, 4, 5)))
fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* An err buffer filled piece by piece, truncated safely when full. */
struct msg {
	char *buf;
	size_t len;
	size_t pos;
};

static void __attribute__((format(printf, 2, 3)))
msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!m->buf || m->pos >= m->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->pos, m->len - m->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->pos += n;
}

static char *quote_byte(char *p, unsigned char c)
{
	static const char named[] = { ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r' };

	if (c == '"' || c == '\\') {
		*p++ = '\\';
		*p++ = c;
	} else if (c < sizeof(named) && named[c]) {
		*p++ = '\\';
		*p++ = named[c];
	} else if (c < 0x20 || c >= 0x7f) {
		p += sprintf(p, "\\x%02x", c);
	} else {
		*p++ = c;
	}
	return p;
}

const char *quote_arg(const char *arg, char buf[QUOTE_BUFLEN])
{
	const unsigned char *s = (const unsigned char *)arg;
	char *p = buf;
	size_t i;

	*p++ = '"';
	for (i = 0; i < QUOTE_SHOW_MAX && s[i]; i++)
		p = quote_byte(p, s[i]);
	*p++ = '"';
	if (s[i])
		p = stpcpy(p, "...");
	*p = '\0';
	return buf;
}

static const char *quote_char(char c, char buf[QUOTE_BUFLEN])
{
	const char s[2] = { c, '\0' };

	return quote_arg(s, buf);
}

/* Why scan_decimal() refused a number, as the end of a sentence. */
enum scan_result {
	SCAN_OK,
	SCAN_EMPTY,
	SCAN_SIGN,
	SCAN_NOT_NUMBER,
	SCAN_LEADING_ZERO,
	SCAN_OVERFLOW,
};

static const char *const scan_why[] = {
	[SCAN_EMPTY] = "is empty (expected a decimal number)",
	[SCAN_SIGN] = "must not have a sign",
	[SCAN_NOT_NUMBER] = "is not a decimal number",
	[SCAN_LEADING_ZERO] = "has a leading zero",
};

/*
 * The decimal digits at the start of s. Leading zeros are refused because
 * iproute2 reads "010" as octal 8: the same text must not mean two things.
 */
static enum scan_result scan_decimal(const char *s, uint64_t *val,
				     const char **end)
{
	bool overflow = false;
	uint64_t v = 0;

	if (!*s)
		return SCAN_EMPTY;
	if (*s == '+' || *s == '-')
		return SCAN_SIGN;
	if (!is_digit(*s) || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		return SCAN_NOT_NUMBER;
	if (s[0] == '0' && is_digit(s[1]))
		return SCAN_LEADING_ZERO;
	for (; is_digit(*s); s++) {
		unsigned int d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	*val = v;
	*end = s;
	return overflow ? SCAN_OVERFLOW : SCAN_OK;
}

int parse_uint_range(const char *arg, const char *what, uint64_t min,
		     uint64_t max, uint64_t *val, char *err, size_t errlen)
{
	char q[QUOTE_BUFLEN], g[QUOTE_BUFLEN];
	enum scan_result r;
	const char *end;
	uint64_t v;

	what = what ? what : "value";
	quote_arg(arg, q);
	if (has_space(arg))
		return fail(-EINVAL, err, errlen, "%s %s contains whitespace",
			    what, q);
	r = scan_decimal(arg, &v, &end);
	if (r != SCAN_OK && r != SCAN_OVERFLOW)
		return fail(-EINVAL, err, errlen, "%s %s %s", what, q, scan_why[r]);
	if (*end)
		return fail(-EINVAL, err, errlen, "%s %s has trailing garbage %s",
			    what, q, quote_arg(end, g));
	if (r == SCAN_OVERFLOW || v < min || v > max)
		return fail(-ERANGE, err, errlen,
			    "%s %s is out of range (%" PRIu64 "-%" PRIu64 ")",
			    what, q, min, max);
	*val = v;
	return 0;
}

int parse_u32(const char *arg, const char *what, uint32_t *val,
	      char *err, size_t errlen)
{
	uint64_t v;
	int ret;

	ret = parse_uint_range(arg, what, 0, UINT32_MAX, &v, err, errlen);
	if (!ret)
		*val = v;
	return ret;
}

/* NULL when s is four decimal octets, else why it is not. */
static const char *parse_ipv4(const char *s, uint8_t out[4])
{
	static const char need4[] = "need four decimal octets a.b.c.d";
	unsigned int i, n, v;

	for (i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return need4;
		if (!is_digit(*s))
			return need4;
		if (s[0] == '0' && is_digit(s[1]))
			return "an octet has a leading zero";
		for (v = 0, n = 0; is_digit(*s) && n < 4; s++, n++)
			v = v * 10 + (*s - '0');
		if (v > 255)
			return "an octet is over 255";
		out[i] = v;
	}
	return *s ? need4 : NULL;
}

/* The address part, n bytes at arg, into p->family and p->addr. */
static int parse_addr(const char *arg, size_t n, const char *q,
		      struct prefix *p, char *err, size_t errlen)
{
	char addr[PREFIX_STRLEN], qa[QUOTE_BUFLEN];
	const char *why;

	memcpy(addr, arg, n);
	addr[n] = '\0';
	quote_arg(addr, qa);
	if (strchr(addr, ':')) {
		p->family = AF_INET6;
		if (inet_pton(AF_INET6, addr, p->addr) != 1)
			return fail(-EINVAL, err, errlen,
				    "CIDR prefix %s: %s is not an IPv6 address",
				    q, qa);
		return 0;
	}
	p->family = AF_INET;
	why = parse_ipv4(addr, p->addr);
	if (why)
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s: %s is not an IPv4 address (%s)",
			    q, qa, why);
	return 0;
}

/* The length after the slash, checked against p->family. */
static int parse_len(const char *s, const char *q, struct prefix *p,
		     char *err, size_t errlen)
{
	unsigned int max = p->family == AF_INET ? 32 : 128;
	char g[QUOTE_BUFLEN];
	enum scan_result r;
	const char *end;
	uint64_t v;

	r = scan_decimal(s, &v, &end);
	if (r == SCAN_EMPTY)
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s has no length after the /", q);
	if (r != SCAN_OK && r != SCAN_OVERFLOW)
		return fail(-EINVAL, err, errlen, "CIDR prefix %s: length %s %s",
			    q, quote_arg(s, g), scan_why[r]);
	if (*end)
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s has trailing garbage %s after the length",
			    q, quote_arg(end, g));
	if (r == SCAN_OVERFLOW || v > max)
		return fail(-ERANGE, err, errlen,
			    "CIDR prefix %s: length %s is out of range for IPv%d (0-%u)",
			    q, quote_arg(s, g), p->family == AF_INET ? 4 : 6, max);
	p->len = v;
	return 0;
}

static void mask_prefix(struct prefix *p)
{
	unsigned int i, bits, bytes = p->family == AF_INET ? 4 : 16;

	for (i = 0; i < bytes; i++) {
		bits = p->len > i * 8 ? p->len - i * 8 : 0;
		if (bits < 8)
			p->addr[i] &= (uint8_t)(0xff00 >> bits);
	}
}

/* Within ::ffff:0:0/96, where IPv4 hosts are written as IPv6 ones. */
static bool is_v4_mapped(const struct prefix *p)
{
	static const uint8_t head[12] = { [10] = 0xff, [11] = 0xff };

	return p->family == AF_INET6 && p->len >= 96 &&
	       !memcmp(p->addr, head, sizeof(head));
}

/* The rules for a prefix that parsed; arg is known to be plain text. */
static int check_prefix_rules(const char *arg, const struct prefix *p,
			      char *err, size_t errlen)
{
	char want[PREFIX_STRLEN];
	struct prefix m = *p;

	mask_prefix(&m);
	if (is_v4_mapped(&m)) {
		struct prefix v4 = { .family = AF_INET, .len = m.len - 96 };

		memcpy(v4.addr, m.addr + 12, 4);
		format_prefix(&v4, want, sizeof(want));
		return fail(-EINVAL, err, errlen,
			    "%s is an IPv4-mapped IPv6 prefix; use %s instead",
			    arg, want);
	}
	if (memcmp(m.addr, p->addr, sizeof(m.addr))) {
		format_prefix(&m, want, sizeof(want));
		return fail(-EINVAL, err, errlen,
			    "%s has host bits set; did you mean %s?", arg, want);
	}
	return 0;
}

/* What can be said of the text before parsing it. */
static int check_prefix_text(const char *arg, const char *q,
			     char *err, size_t errlen)
{
	if (!*arg)
		return fail(-EINVAL, err, errlen,
			    "empty CIDR prefix (expected ADDRESS/LEN, e.g. 10.0.0.0/16)");
	if (strlen(arg) > PREFIX_TEXT_MAX)
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s is too long (at most %d characters)",
			    q, PREFIX_TEXT_MAX);
	if (has_space(arg))
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s contains whitespace", q);
	if (!strchr(arg, '/'))
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s has no /LEN (expected ADDRESS/LEN, e.g. 10.0.0.0/16)",
			    q);
	if (arg[0] == '/')
		return fail(-EINVAL, err, errlen,
			    "CIDR prefix %s has no address before the /", q);
	return 0;
}

int parse_prefix(const char *arg, struct prefix *p, char *err, size_t errlen)
{
	struct prefix tmp = { 0 };
	char q[QUOTE_BUFLEN];
	const char *slash;
	int ret;

	quote_arg(arg, q);
	ret = check_prefix_text(arg, q, err, errlen);
	if (ret)
		return ret;
	slash = strchr(arg, '/');
	ret = parse_addr(arg, slash - arg, q, &tmp, err, errlen);
	if (ret)
		return ret;
	ret = parse_len(slash + 1, q, &tmp, err, errlen);
	if (ret)
		return ret;
	ret = check_prefix_rules(arg, &tmp, err, errlen);
	if (ret)
		return ret;
	*p = tmp;
	return 0;
}

int format_prefix(const struct prefix *p, char *buf, size_t buflen)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	if (!(p->family == AF_INET && p->len <= 32) &&
	    !(p->family == AF_INET6 && p->len <= 128))
		return -EINVAL;
	if (!inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		return -EINVAL;
	n = snprintf(buf, buflen, "%s/%u", addr, p->len);
	return n < 0 || (size_t)n >= buflen ? -ENOSPC : 0;
}

/* --- underlay addresses, with or without a port ------------------------ */

/* The port after "ADDR:", 1 to 65535; q is the whole argument, quoted. */
static int parse_port(const char *s, const char *what, const char *q,
		      struct endpoint *e, char *err, size_t errlen)
{
	char p[QUOTE_BUFLEN], g[QUOTE_BUFLEN];
	enum scan_result r;
	const char *end;
	uint64_t v;

	quote_arg(s, p);
	r = scan_decimal(s, &v, &end);
	if (r == SCAN_EMPTY)
		return fail(-EINVAL, err, errlen,
			    "%s %s has no port after the :", what, q);
	if (r != SCAN_OK && r != SCAN_OVERFLOW)
		return fail(-EINVAL, err, errlen, "%s %s: port %s %s",
			    what, q, p, scan_why[r]);
	if (*end)
		return fail(-EINVAL, err, errlen,
			    "%s %s: port %s has trailing garbage %s",
			    what, q, p, quote_arg(end, g));
	if (r == SCAN_OVERFLOW || v < 1 || v > UINT16_MAX)
		return fail(-ERANGE, err, errlen,
			    "%s %s: port %s is out of range (1-65535)",
			    what, q, p);
	e->has_port = true;
	e->port = v;
	return 0;
}

/*
 * The n bytes of an address at s, of family (AF_UNSPEC: by its colons).
 * q is the whole argument, quoted; the address is named apart only when
 * it is a part of it.
 */
static int parse_host(const char *s, size_t n, int family, const char *what,
		      const char *q, struct endpoint *e, char *err,
		      size_t errlen)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char addr[ENDPOINT_STRLEN], qa[QUOTE_BUFLEN + 2] = "";
	const char *why;

	memcpy(addr, s, n);
	addr[n] = '\0';
	if (n != strlen(s)) {
		qa[0] = ':';
		qa[1] = ' ';
		quote_arg(addr, qa + 2);
	}
	if (!n)
		return fail(-EINVAL, err, errlen, "%s %s has no address",
			    what, q);
	if (family == AF_INET6 || (family == AF_UNSPEC && strchr(addr, ':'))) {
		e->family = AF_INET6;
		if (inet_pton(AF_INET6, addr, e->addr) != 1)
			return fail(-EINVAL, err, errlen,
				    "%s %s%s is not an IPv6 address",
				    what, q, qa);
		if (!memcmp(e->addr, mapped, sizeof(mapped))) {
			inet_ntop(AF_INET, e->addr + 12, addr, sizeof(addr));
			return fail(-EINVAL, err, errlen,
				    "%s %s is an IPv4-mapped IPv6 address; use %s instead",
				    what, q, addr);
		}
		return 0;
	}
	e->family = AF_INET;
	why = parse_ipv4(addr, e->addr);
	if (why)
		return fail(-EINVAL, err, errlen,
			    "%s %s%s is not an IPv4 address (%s)",
			    what, q, qa, why);
	return 0;
}

/* "[ADDR]" or "[ADDR]:PORT": an IPv6 address in brackets. */
static int parse_bracketed(const char *arg, const char *what, const char *q,
			   struct endpoint *e, char *err, size_t errlen)
{
	const char *close = strchr(arg, ']');
	char g[QUOTE_BUFLEN];
	int ret;

	if (!close)
		return fail(-EINVAL, err, errlen,
			    "%s %s has no ] after the IPv6 address", what, q);
	ret = parse_host(arg + 1, close - arg - 1, AF_INET6, what, q, e, err,
			 errlen);
	if (ret)
		return ret;
	if (!close[1])
		return 0;
	if (close[1] != ':')
		return fail(-EINVAL, err, errlen,
			    "%s %s has trailing garbage %s after the ]",
			    what, q, quote_arg(close + 1, g));
	return parse_port(close + 2, what, q, e, err, errlen);
}

int parse_endpoint(const char *arg, const char *what, bool port_ok,
		   struct endpoint *e, char *err, size_t errlen)
{
	struct endpoint tmp = { 0 };
	const char *colon = strchr(arg, ':');
	char q[QUOTE_BUFLEN];
	int ret;

	quote_arg(arg, q);
	if (!*arg)
		return fail(-EINVAL, err, errlen,
			    "empty %s (expected %s, e.g. %s)", what,
			    port_ok ? "ADDR or ADDR:PORT" : "an IPv4 or IPv6 address",
			    port_ok ? "10.255.0.2:6081 or [fd00::2]:6081" :
				      "10.255.0.1 or fd00::1");
	if (strlen(arg) > ENDPOINT_TEXT_MAX)
		return fail(-EINVAL, err, errlen,
			    "%s %s is too long (at most %d characters)",
			    what, q, ENDPOINT_TEXT_MAX);
	if (has_space(arg))
		return fail(-EINVAL, err, errlen, "%s %s contains whitespace",
			    what, q);
	/*
	 * Every IPv6 address has two colons at least, so one colon is an
	 * IPv4 address and its port; an IPv6 address takes a port only in
	 * brackets, as in URLs.
	 */
	if (arg[0] == '[')
		ret = parse_bracketed(arg, what, q, &tmp, err, errlen);
	else if (colon && !strchr(colon + 1, ':'))
		ret = parse_host(arg, colon - arg, AF_INET, what, q, &tmp, err,
				 errlen) ?:
		      parse_port(colon + 1, what, q, &tmp, err, errlen);
	else
		ret = parse_host(arg, strlen(arg), AF_UNSPEC, what, q, &tmp,
				 err, errlen);
	if (ret)
		return ret;
	if (tmp.has_port && !port_ok)
		return fail(-EINVAL, err, errlen, "%s %s takes no port", what,
			    q);
	*e = tmp;
	return 0;
}

int format_endpoint(const struct endpoint *e, char *buf, size_t buflen)
{
	char addr[INET6_ADDRSTRLEN];
	bool v6 = e->family == AF_INET6;
	int n;

	if ((e->family != AF_INET && !v6) ||
	    !inet_ntop(e->family, e->addr, addr, sizeof(addr)))
		return -EINVAL;
	if (!e->has_port)
		n = snprintf(buf, buflen, "%s", addr);
	else
		n = snprintf(buf, buflen, "%s%s%s:%u", v6 ? "[" : "", addr,
			     v6 ? "]" : "", e->port);
	return n < 0 || (size_t)n >= buflen ? -ENOSPC : 0;
}

/* Entries of table that start with the first n bytes of arg, ", "-separated. */
static void list_keywords(struct msg *m, const char *const *table,
			  const char *arg, size_t n)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; table[i]; i++) {
		if (strncmp(table[i], arg, n))
			continue;
		msg_add(m, "%s%s", sep, table[i]);
		sep = ", ";
	}
}

/* How many entries arg selects: 1 for an exact match, with *idx set. */
static unsigned int match_keyword(const char *arg, const char *const *table,
				  unsigned int *idx)
{
	unsigned int i, count = 0;
	size_t n = strlen(arg);

	for (i = 0; table[i]; i++) {
		if (strncmp(table[i], arg, n))
			continue;
		*idx = i;
		if (!table[i][n])
			return 1;
		count++;
	}
	return count;
}

int parse_keyword(const char *arg, const char *const *table, const char *what,
		  unsigned int *idx, char *err, size_t errlen)
{
	struct msg m = { .buf = err, .len = errlen };
	char q[QUOTE_BUFLEN];
	unsigned int count, i;

	quote_arg(arg, q);
	if (!*arg) {
		msg_add(&m, "missing %s; expected one of: ", what);
		list_keywords(&m, table, "", 0);
		return -EINVAL;
	}
	count = match_keyword(arg, table, &i);
	if (count == 1) {
		*idx = i;
		return 0;
	}
	if (!count) {
		msg_add(&m, "unknown %s %s; expected one of: ", what, q);
		list_keywords(&m, table, "", 0);
		return -ENOENT;
	}
	msg_add(&m, "ambiguous %s %s: could be ", what, q);
	list_keywords(&m, table, arg, strlen(arg));
	return -ENOTUNIQ;
}

static int parse_object_id(const char *arg, const char *prefix,
			   const char *what, uint32_t *id,
			   char *err, size_t errlen)
{
	char q[QUOTE_BUFLEN], c[QUOTE_BUFLEN];
	size_t plen = strlen(prefix), n;
	const char *s = arg + plen;
	uint32_t v = 0;
	int d;

	quote_arg(arg, q);
	if (strncasecmp(arg, prefix, plen))
		return fail(-EINVAL, err, errlen,
			    "%s is not a %s id (expected %sXXXXXXXX, 8 hex digits)",
			    q, what, prefix);
	for (n = 0; s[n]; n++) {
		d = hex_value(s[n]);
		if (d < 0)
			return fail(-EINVAL, err, errlen,
				    "%s id %s: %s is not a hex digit",
				    what, q, quote_char(s[n], c));
		v = v << 4 | d;
	}
	if (n != 8)
		return fail(-EINVAL, err, errlen,
			    "%s id %s has %zu hex digits (expected %s and exactly 8)",
			    what, q, n, prefix);
	*id = v;
	return 0;
}

int parse_vpc_id(const char *arg, uint32_t *id, char *err, size_t errlen)
{
	return parse_object_id(arg, VPCPEER_VPC_ID_PREFIX, "VPC", id,
			       err, errlen);
}

int parse_pcx_id(const char *arg, uint32_t *id, char *err, size_t errlen)
{
	return parse_object_id(arg, VPCPEER_PCX_ID_PREFIX, "peering connection",
			       id, err, errlen);
}

void format_vpc_id(uint32_t id, char buf[OBJECT_ID_STRLEN])
{
	snprintf(buf, OBJECT_ID_STRLEN, VPCPEER_VPC_ID_PREFIX "%08" PRIx32, id);
}

void format_pcx_id(uint32_t id, char buf[OBJECT_ID_STRLEN])
{
	snprintf(buf, OBJECT_ID_STRLEN, VPCPEER_PCX_ID_PREFIX "%08" PRIx32, id);
}

/* "vpc-" or "pcx-" and 8 hex digits, in any case. */
static bool is_object_id(const char *s)
{
	uint32_t id;

	return !parse_vpc_id(s, &id, NULL, 0) || !parse_pcx_id(s, &id, NULL, 0);
}

static bool is_name_char(int c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

/*
 * The rule VPC and region names share: 1 to size - 1 characters from
 * [A-Za-z0-9._-], starting with a letter or a digit. kind names them in
 * messages ("VPC", "region").
 */
static int check_name(const char *kind, const char *name, size_t size,
		      char *err, size_t errlen)
{
	char q[QUOTE_BUFLEN], c[QUOTE_BUFLEN];
	size_t i, n = strlen(name);

	quote_arg(name, q);
	if (!n)
		return fail(-EINVAL, err, errlen, "empty %s name", kind);
	if (n >= size)
		return fail(-ENAMETOOLONG, err, errlen,
			    "%s name %s is too long (%zu characters; at most %zu)",
			    kind, q, n, size - 1);
	if (!is_alnum(name[0]))
		return fail(-EINVAL, err, errlen,
			    "%s name %s must start with a letter or a digit",
			    kind, q);
	for (i = 1; i < n; i++) {
		if (!is_name_char(name[i]))
			return fail(-EINVAL, err, errlen,
				    "%s name %s: character %s at position %zu is not allowed (use A-Z a-z 0-9 . _ -)",
				    kind, q, quote_char(name[i], c), i + 1);
	}
	return 0;
}

int check_vpc_name(const char *name, char *err, size_t errlen)
{
	char q[QUOTE_BUFLEN];
	int ret;

	ret = check_name("VPC", name, VPCPEER_NAME_MAX, err, errlen);
	if (ret)
		return ret;
	/* In any case: the tool reads "VPC-0A1B2C3D" as an id too. */
	if (is_object_id(name))
		return fail(-EINVAL, err, errlen,
			    "VPC name %s is the form of an id; choose another name",
			    quote_arg(name, q));
	return 0;
}

int check_region_name(const char *name, char *err, size_t errlen)
{
	return check_name("region", name, VPCPEER_REGION_NAME_MAX, err, errlen);
}

int parse_vpc_ref(const char *arg, struct vpc_ref *ref, char *err,
		  size_t errlen)
{
	char q[QUOTE_BUFLEN];
	uint32_t id;
	int ret;

	if (!parse_vpc_id(arg, &id, NULL, 0)) {
		*ref = (struct vpc_ref){ .id = id };
		return 0;
	}
	if (!parse_pcx_id(arg, &id, NULL, 0))
		return fail(-EINVAL, err, errlen,
			    "%s is a peering connection id, not a VPC (expected " VPCPEER_VPC_ID_PREFIX "XXXXXXXX or a VPC name)",
			    quote_arg(arg, q));
	ret = check_vpc_name(arg, err, errlen);
	if (ret)
		return ret;
	*ref = (struct vpc_ref){ .name = arg };
	return 0;
}

int parse_on_off(const char *arg, const char *what, bool *val, char *err,
		 size_t errlen)
{
	static const char *const on_off[] = { "on", "off", NULL };
	char kind[PARSE_ERRLEN];
	unsigned int i;
	int ret;

	snprintf(kind, sizeof(kind), "%s value", what);
	ret = parse_keyword(arg, on_off, kind, &i, err, errlen);
	if (!ret)
		*val = i == 0;
	return ret;
}

int check_tag(const char *tag, char *err, size_t errlen)
{
	char q[QUOTE_BUFLEN], c[QUOTE_BUFLEN];
	size_t i, n = strlen(tag);

	quote_arg(tag, q);
	if (n >= VPCPEER_TAG_MAX)
		return fail(-ENAMETOOLONG, err, errlen,
			    "name %s is too long (%zu characters; at most %d)",
			    q, n, VPCPEER_TAG_MAX - 1);
	for (i = 0; i < n; i++) {
		if (tag[i] < 0x20 || tag[i] > 0x7e)
			return fail(-EINVAL, err, errlen,
				    "name %s: character %s at position %zu is not printable ASCII",
				    q, quote_char(tag[i], c), i + 1);
	}
	return 0;
}

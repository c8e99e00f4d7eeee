/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The argument parsers of vpcpeer-ctl: CIDR prefixes, keywords matched by
 * unique prefix, vpc-/pcx- object ids, VPC and region names, VPCs named
 * either way, underlay addresses with or without a port, bounded
 * integers, on/off switches and the name tags of peering sides.
 * Plain C with no netlink, so that every error path is unit-tested on the
 * host. Each parser returns 0 or a negative errno and, on error, writes one
 * line (no newline) into the caller's err buffer that names the bad
 * argument and says what is wrong with it. Raw user input is shown in
 * double quotes, escaped and truncated (see quote_arg()); a value that
 * parsed but breaks a rule is shown as the tool would print it.
 */
#ifndef VPCPEER_CTL_PARSE_H
#define VPCPEER_CTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A good size for the err buffers of the parsers. */
#define PARSE_ERRLEN		512

/* Longest possible CIDR text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128". */
#define PREFIX_TEXT_MAX		49
#define PREFIX_STRLEN		(PREFIX_TEXT_MAX + 1)

/*
 * Longest underlay address with a port:
 * "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535".
 */
#define ENDPOINT_TEXT_MAX	53
#define ENDPOINT_STRLEN		(ENDPOINT_TEXT_MAX + 1)

/* "vpc-0123abcd" or "pcx-0123abcd" and the NUL. */
#define OBJECT_ID_STRLEN	13

/* quote_arg() shows at most this many bytes of the argument. */
#define QUOTE_SHOW_MAX		48
#define QUOTE_BUFLEN		(2 + 4 * QUOTE_SHOW_MAX + 3 + 1)

struct prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];	/* network byte order; AF_INET uses 4 bytes */
};

/*
 * "ADDRESS/LEN" to a prefix. IPv4 addresses are four decimal octets without
 * leading zeros; IPv6 addresses are anything inet_pton() takes. Host bits
 * must be clear, and IPv4-mapped IPv6 prefixes (within ::ffff:0:0/96) are
 * refused in favour of the IPv4 prefix they stand for.
 */
int parse_prefix(const char *arg, struct prefix *p, char *err, size_t errlen);

/* The canonical text of p (RFC 5952 for IPv6): 0, -EINVAL or -ENOSPC. */
int format_prefix(const struct prefix *p, char *buf, size_t buflen);

/*
 * Match arg against the NULL-terminated table: an exact match wins, else a
 * prefix of exactly one entry. what names the kind of keyword in messages
 * ("command"). Returns 0 and sets *idx, -EINVAL (empty arg: "missing"),
 * -ENOENT (unknown) or -ENOTUNIQ (ambiguous); the messages list the
 * candidates.
 */
int parse_keyword(const char *arg, const char *const *table, const char *what,
		  unsigned int *idx, char *err, size_t errlen);

/* "vpc-XXXXXXXX" / "pcx-XXXXXXXX", 8 hex digits in any case, to an id. */
int parse_vpc_id(const char *arg, uint32_t *id, char *err, size_t errlen);
int parse_pcx_id(const char *arg, uint32_t *id, char *err, size_t errlen);

/* The canonical (lowercase) text of an id. */
void format_vpc_id(uint32_t id, char buf[OBJECT_ID_STRLEN]);
void format_pcx_id(uint32_t id, char buf[OBJECT_ID_STRLEN]);

/*
 * The VPC name rule of <uapi/linux/vpcpeer.h>: 0, -EINVAL or -ENAMETOOLONG.
 * A name of the form of an id ("vpc-" or "pcx-" and 8 hex digits, in any
 * case, as parse_vpc_id() reads them) is refused.
 */
int check_vpc_name(const char *name, char *err, size_t errlen);

/*
 * The region name rule of <uapi/linux/vpcpeer.h> (region-name-max): 1 to
 * VPCPEER_REGION_NAME_MAX - 1 characters from [A-Za-z0-9._-], starting
 * with a letter or a digit. Returns 0, -EINVAL or -ENAMETOOLONG.
 */
int check_region_name(const char *name, char *err, size_t errlen);

/* An underlay address, and the UDP port that may follow it. */
struct endpoint {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; AF_INET uses 4 bytes */
	bool has_port;
	uint16_t port;		/* 1 to 65535, when has_port */
};

/*
 * ADDR or ADDR:PORT to an endpoint: an IPv4 address as in a prefix
 * (a.b.c.d, optionally ":PORT"), an IPv6 address bare ("fd00::2", never
 * with a port: "fd00::2:6081" is an address) or in brackets
 * ("[fd00::2]", "[fd00::2]:6081"). PORT is decimal, 1 to 65535, without
 * a leading zero. IPv4-mapped IPv6 addresses are refused in favour of
 * the IPv4 one. what names the argument in messages ("remote address");
 * with !port_ok a port is refused. Returns 0, -EINVAL or -ERANGE (port).
 */
int parse_endpoint(const char *arg, const char *what, bool port_ok,
		   struct endpoint *e, char *err, size_t errlen);

/*
 * The canonical text of e: "10.255.0.2:6081", "[fd00::2]:6081", or the
 * bare address without a port. 0, -EINVAL or -ENOSPC.
 */
int format_endpoint(const struct endpoint *e, char *buf, size_t buflen);

/* A VPC named on the command line: by id, or by name when name is set. */
struct vpc_ref {
	const char *name;	/* the argument itself, or NULL */
	uint32_t id;		/* when name is NULL */
};

/*
 * "vpc-XXXXXXXX" is an id; anything else is a name and must pass
 * check_vpc_name(). A peering connection id is refused with a hint.
 * Returns 0, -EINVAL or -ENAMETOOLONG; ref->name points into arg.
 */
int parse_vpc_ref(const char *arg, struct vpc_ref *ref, char *err,
		  size_t errlen);

/*
 * A decimal integer in [min, max]: digits only (no sign, no whitespace, no
 * leading zero, no base prefix). what names the value in messages ("mtu").
 * Returns 0, -EINVAL (syntax) or -ERANGE.
 */
int parse_uint_range(const char *arg, const char *what, uint64_t min,
		     uint64_t max, uint64_t *val, char *err, size_t errlen);
int parse_u32(const char *arg, const char *what, uint32_t *val,
	      char *err, size_t errlen);

/*
 * "on" or "off" (or a unique prefix: "of") to true or false. what names
 * the setting in messages ("allow-dns-resolution"). Returns 0, -EINVAL
 * (empty), -ENOENT (neither) or -ENOTUNIQ ("o").
 */
int parse_on_off(const char *arg, const char *what, bool *val, char *err,
		 size_t errlen);

/*
 * The name tag of a peering side (VPCPEER_A_SIDE_TAG): at most
 * VPCPEER_TAG_MAX - 1 bytes of printable ASCII (space to tilde). Empty is
 * good: it clears the tag. Returns 0, -EINVAL or -ENAMETOOLONG.
 */
int check_tag(const char *tag, char *err, size_t errlen);

/*
 * arg in double quotes for a message, with C escapes for quotes,
 * backslashes, control and non-ASCII bytes, cut after QUOTE_SHOW_MAX bytes
 * with "..." after the closing quote. buf holds QUOTE_BUFLEN bytes; returns
 * buf.
 */
const char *quote_arg(const char *arg, char buf[QUOTE_BUFLEN]);

#endif /* VPCPEER_CTL_PARSE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * pcx-pkt [-n NETNS] [-c CPU] COMMAND...: put exactly the bytes a test chooses into a pcx device's
 * ndo_start_xmit, and watch what comes out of the other end. The pcx
 * devices have no link-layer header (ARPHRD_NONE), so an AF_PACKET
 * SOCK_DGRAM socket hands its payload to the device as the skb's data,
 * with skb->protocol taken from sll_protocol: any protocol, any bytes,
 * any length the socket layer allows (1 to MTU bytes).
 *
 * -n runs in the named network namespace (ip netns), -c on one CPU: a
 * packet socket's transmissions from one CPU reach the peer through one
 * backlog queue, in order. Both save the test a process under TCG.
 *
 *   pcx-pkt send DEV [-n COUNT] PROTO:HEX... [-n COUNT PROTO:HEX...]...
 *	send each packet COUNT times (default 1, or as the last -n before
 *	it said); PROTO is a number
 *	(0x0800) or ip, ipv6, arp; exits 1 if a send fails, with errno's
 *	name on stderr ("send: EINVAL")
 *   pcx-pkt capture DEV
 *	print "ready" once bound, then one "PROTO HEX" line for each packet
 *	the device receives (not those it sends), until killed
 *   pcx-pkt fuzz DEV SEED COUNT SRC4 DST4 SRC6 DST6 EXPECT-FILE
 *	send COUNT seeded pseudo-random packets (garbage, and IPv4/IPv6
 *	packets built right then damaged) from the VPC holding SRC4/SRC6 to
 *	the one holding DST4/DST6 (CIDR prefixes); classify each with a
 *	reference model of the device's checks; print how many each reason
 *	should get, and write the packets that should be delivered, in
 *	capture's format, to EXPECT-FILE
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXPKT 2048

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "pcx-pkt: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: pcx-pkt [-n NETNS] [-c CPU] COMMAND...\n"
		"       pcx-pkt send DEV [-n COUNT] PROTO:HEX...\n"
		"       pcx-pkt capture DEV\n"
		"       pcx-pkt fuzz DEV SEED COUNT SRC4 DST4 SRC6 DST6 EXPECT-FILE\n");
	exit(2);
}

static int packet_socket(const char *dev, struct sockaddr_ll *sll, int proto)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(proto));

	if (fd < 0)
		die("socket");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(proto);
	sll->sll_ifindex = if_nametoindex(dev);
	if (!sll->sll_ifindex)
		die(dev);
	return fd;
}

static int parse_proto(const char *s)
{
	char *end;
	long v;

	if (!strcmp(s, "ip"))
		return ETH_P_IP;
	if (!strcmp(s, "ipv6"))
		return ETH_P_IPV6;
	if (!strcmp(s, "arp"))
		return ETH_P_ARP;
	v = strtol(s, &end, 0);
	if (*end || v < 0 || v > 0xffff) {
		fprintf(stderr, "pcx-pkt: bad protocol '%s'\n", s);
		exit(2);
	}
	return v;
}

static size_t parse_hex(const char *s, uint8_t *buf)
{
	size_t n = 0;
	unsigned int b;

	while (*s) {
		if (*s == ' ' || *s == '.' || *s == '_') {
			s++;
			continue;
		}
		if (n == MAXPKT || sscanf(s, "%2x", &b) != 1 || !s[1]) {
			fprintf(stderr, "pcx-pkt: bad hex at '%s'\n", s);
			exit(2);
		}
		buf[n++] = b;
		s += 2;
	}
	return n;
}

static int xsend(int fd, struct sockaddr_ll *sll, int proto,
		 const uint8_t *buf, size_t len)
{
	sll->sll_protocol = htons(proto);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)sll, sizeof(*sll)) == (ssize_t)len)
		return 0;
	fprintf(stderr, "send: %s\n", strerrorname_np(errno) ?: strerror(errno));
	return -1;
}

static int cmd_send(int argc, char **argv)
{
	struct sockaddr_ll sll;
	uint8_t buf[MAXPKT];
	int fd, i, n, rc = 0;
	long count = 1;

	if (argc < 2)
		usage();
	fd = packet_socket(argv[1], &sll, 0);
	argc -= 2;
	argv += 2;
	for (i = 0; i < argc; i++) {
		char *colon = strchr(argv[i], ':');
		size_t len;
		int proto;

		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			count = atol(argv[++i]);
			continue;
		}
		if (!colon)
			usage();
		*colon = 0;
		proto = parse_proto(argv[i]);
		len = parse_hex(colon + 1, buf);
		for (n = 0; n < count; n++)
			if (xsend(fd, &sll, proto, buf, len))
				rc = 1;
	}
	return rc;
}

static int cmd_capture(int argc, char **argv)
{
	struct sockaddr_ll sll, from;
	int fd, size = 64 << 20;
	uint8_t buf[65536];

	if (argc != 2)
		usage();
	fd = packet_socket(argv[1], &sll, ETH_P_ALL);
	/* Room for a whole fuzz run: the test compares counts, not samples. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		die("SO_RCVBUFFORCE");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t n, i;

		n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC,
			     (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recvfrom");
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		printf("%04x ", ntohs(from.sll_protocol));
		for (i = 0; i < n && i < (ssize_t)sizeof(buf); i++)
			printf("%02x", buf[i]);
		printf("\n");
		if (fflush(stdout))
			return 1;
	}
}

/* --- fuzz: a reference model of the device's checks ------------------- */

enum verdict { PASS, MALFORMED, SRC_NOT_IN_VPC, DST_NOT_IN_PEER, NVERDICTS };
static const char *const verdict_name[NVERDICTS] = {
	"pass", "malformed", "src_not_in_vpc", "dst_not_in_peer",
};

struct prefix {
	uint8_t addr[16];
	int plen;
};

static void parse_prefix(const char *s, int family, struct prefix *p)
{
	char tmp[64], *slash;

	snprintf(tmp, sizeof(tmp), "%s", s);
	slash = strchr(tmp, '/');
	if (!slash)
		usage();
	*slash = 0;
	p->plen = atoi(slash + 1);
	memset(p->addr, 0, sizeof(p->addr));
	if (inet_pton(family, tmp, p->addr) != 1)
		usage();
}

static bool in_prefix(const struct prefix *p, const uint8_t *a)
{
	int full = p->plen / 8, rest = p->plen % 8;

	if (memcmp(p->addr, a, full))
		return false;
	return !rest || !((p->addr[full] ^ a[full]) & (0xff00 >> rest));
}

/*
 * What the device must do with LEN bytes of protocol PROTO, written from
 * the rules, not from device.c: a complete, self-consistent IP header of
 * the skb's own family, then the source, then the destination.
 */
static enum verdict classify(int proto, const uint8_t *p, size_t len,
			     const struct prefix *s4, const struct prefix *d4,
			     const struct prefix *s6, const struct prefix *d6)
{
	size_t off, hl;
	int nh;

	if (proto == ETH_P_IP) {
		if (len < 20 || p[0] >> 4 != 4 || (p[0] & 15) < 5)
			return MALFORMED;
		hl = (p[0] & 15) * 4;
		if ((size_t)(p[2] << 8 | p[3]) != len || hl > len)
			return MALFORMED;
		if (!in_prefix(s4, p + 12))
			return SRC_NOT_IN_VPC;
		return in_prefix(d4, p + 16) ? PASS : DST_NOT_IN_PEER;
	}
	if (proto != ETH_P_IPV6)
		return MALFORMED;
	if (len < 40 || p[0] >> 4 != 6 || (size_t)(p[4] << 8 | p[5]) + 40 != len)
		return MALFORMED;
	for (nh = p[6], off = 40;;) {
		if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60)
			break;
		if (off + 8 > len)
			return MALFORMED;
		if (nh == 44) {
			if ((p[off + 2] << 8 | p[off + 3]) & ~7)
				break;	/* not the first fragment: data follows */
			hl = 8;
		} else if (nh == 51) {
			hl = (p[off + 1] + 2) * 4;
		} else {
			hl = (p[off + 1] + 1) * 8;
		}
		nh = p[off];
		off += hl;
		if (off > len)
			return MALFORMED;
	}
	if (!in_prefix(s6, p + 8))
		return SRC_NOT_IN_VPC;
	return in_prefix(d6, p + 24) ? PASS : DST_NOT_IN_PEER;
}

static uint64_t rng;

static uint32_t rnd(uint32_t n)	/* 0..n-1, xorshift64* */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32) % n;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd(256);
}

/* An address in P, in the other VPC's block Q, or anywhere. */
static void rnd_addr(uint8_t *a, int bytes, const struct prefix *p,
		     const struct prefix *q)
{
	const struct prefix *pick = NULL;
	int i;

	switch (rnd(4)) {
	case 0: case 1: pick = p; break;
	case 2: pick = q; break;
	}
	rnd_bytes(a, bytes);
	if (!pick)
		return;
	for (i = 0; i < pick->plen / 8; i++)
		a[i] = pick->addr[i];
	if (pick->plen % 8) {
		uint8_t m = 0xff00 >> (pick->plen % 8);

		a[i] = (pick->addr[i] & m) | (a[i] & ~m);
	}
}

static size_t build4(uint8_t *p, const struct prefix *s4, const struct prefix *d4)
{
	size_t hl = rnd(4) ? 20 : 4 * (5 + rnd(11)), len;

	len = hl + rnd(64);
	rnd_bytes(p, len);
	p[0] = 0x40 | hl / 4;
	p[2] = len >> 8;
	p[3] = len & 255;
	if (rnd(2))
		p[6] = p[7] = 0;	/* not a fragment */
	if (hl > 20 && rnd(2))
		memset(p + 20, 1, hl - 20);	/* NOP options */
	rnd_addr(p + 12, 4, s4, d4);
	rnd_addr(p + 16, 4, d4, s4);
	return len;
}

static size_t build6(uint8_t *p, const struct prefix *s6, const struct prefix *d6)
{
	static const uint8_t ext[] = { 0, 43, 44, 51, 60 };
	static const uint8_t last[] = { 6, 17, 58, 59, 50, 4 };
	size_t off = 40, hl, len;
	int i, n = rnd(3) ? rnd(5) : 0;
	uint8_t *nh = p + 6;

	rnd_bytes(p, 40);
	p[0] = 0x60 | (p[0] & 15);
	for (i = 0; i < n && off < 1000; i++) {
		*nh = ext[rnd(sizeof(ext))];
		if (*nh == 44) {
			hl = 8;
			rnd_bytes(p + off, 8);
			if (rnd(2))
				p[off + 2] = p[off + 3] = 0;	/* first fragment */
		} else if (*nh == 51) {
			hl = 4 * (2 + 1 + rnd(4));
			rnd_bytes(p + off, hl);
			p[off + 1] = hl / 4 - 2;
		} else {
			hl = 8 * (1 + rnd(3));
			rnd_bytes(p + off, hl);
			p[off + 1] = hl / 8 - 1;
		}
		nh = p + off;
		off += hl;
	}
	*nh = last[rnd(sizeof(last))];
	len = off + rnd(64);
	rnd_bytes(p + off, len - off);
	p[4] = (len - 40) >> 8;
	p[5] = (len - 40) & 255;
	rnd_addr(p + 8, 16, s6, d6);
	rnd_addr(p + 24, 16, d6, s6);
	return len;
}

static int cmd_fuzz(int argc, char **argv)
{
	static const int protos[] = { ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, 0x88b5, 0, 0x8100 };
	struct prefix s4, d4, s6, d6;
	unsigned long tally[NVERDICTS] = { 0 }, count, i, failed = 0;
	struct sockaddr_ll sll;
	uint8_t p[MAXPKT];
	FILE *expect;
	int fd, v;

	if (argc != 9)
		usage();
	fd = packet_socket(argv[1], &sll, 0);
	rng = strtoull(argv[2], NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
	count = strtoul(argv[3], NULL, 0);
	parse_prefix(argv[4], AF_INET, &s4);
	parse_prefix(argv[5], AF_INET, &d4);
	parse_prefix(argv[6], AF_INET6, &s6);
	parse_prefix(argv[7], AF_INET6, &d6);
	expect = fopen(argv[8], "w");
	if (!expect)
		die(argv[8]);

	for (i = 0; i < count; i++) {
		int proto, k = rnd(10);
		size_t len;

		if (k < 4) {
			proto = ETH_P_IP;
			len = build4(p, &s4, &d4);
		} else if (k < 8) {
			proto = ETH_P_IPV6;
			len = build6(p, &s6, &d6);
		} else {
			proto = protos[rnd(sizeof(protos) / sizeof(protos[0]))];
			len = rnd(100);
			rnd_bytes(p, len);
		}
		/* Damage half of them: a byte, the length, the protocol. */
		switch (k < 8 ? rnd(8) : 7) {
		case 0:
			p[rnd(len)] = rnd(256);
			break;
		case 1:
			p[rnd(len < 48 ? len : 48)] ^= 1 << rnd(8);
			break;
		case 2:
			len = rnd(len + 1);
			break;
		case 3:
			proto = protos[rnd(sizeof(protos) / sizeof(protos[0]))];
			break;
		}
		if (!len)	/* the socket layer refuses empty packets */
			len = 1;
		if (xsend(fd, &sll, proto, p, len)) {
			failed++;
			continue;
		}
		v = classify(proto, p, len, &s4, &d4, &s6, &d6);
		tally[v]++;
		if (v == PASS) {
			size_t j;

			fprintf(expect, "%04x ", proto);
			for (j = 0; j < len; j++)
				fprintf(expect, "%02x", p[j]);
			fprintf(expect, "\n");
		}
	}
	if (fclose(expect))
		die(argv[8]);
	printf("sent %lu\n", count - failed);
	for (v = 0; v < NVERDICTS; v++)
		printf("%s %lu\n", verdict_name[v], tally[v]);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "+n:c:")) != -1) {
		char path[256];
		cpu_set_t set;
		int fd;

		switch (opt) {
		case 'n':
			snprintf(path, sizeof(path), "/run/netns/%s", optarg);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, CLONE_NEWNET))
				die(path);
			close(fd);
			break;
		case 'c':
			CPU_ZERO(&set);
			CPU_SET(atoi(optarg), &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				die("sched_setaffinity");
			break;
		default:
			usage();
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "capture"))
		return cmd_capture(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argc - 1, argv + 1);
	usage();
	return 2;
}

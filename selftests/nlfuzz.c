// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: hostile input for the "vpcpeer" generic netlink family. It
 * resolves the family and sends N messages over a raw netlink socket:
 * random bytes, random attribute trees (types, lengths, nesting depth,
 * NLA_F_NESTED set or not, oversize payloads), and, to reach the code
 * behind the policy checks, valid requests of every command built from
 * what the kernel has answered so far (VPC names and ids, CIDR blocks,
 * peering ids), sent as they are or with a few mutations (bits, bytes,
 * lengths, types, flags, ids, truncation, duplicates). Every message is
 * followed by an acknowledged NLMSG_NOOP, so that each one's answer is
 * known without guessing whether the kernel will reply; every wait is
 * bounded, and an alarm ends the program if the kernel stops answering.
 *
 * The run is seeded (--seed; the seed is printed first) and the choices
 * depend only on the seed and on what the kernel answered. State stays
 * bounded: past a number of VPCs the next request is a valid delete, and
 * the spare namespaces that VPCs are bound to are replaced from time to
 * time, which ends their VPCs (R15). With --userns the whole run happens
 * after unshare(CLONE_NEWUSER | CLONE_NEWNET), as the unprivileged owner
 * of a namespace of its own. The end is a summary: answers by errno, and
 * how many requests of each command succeeded.
 *
 * Valid requests of the mutating commands are sometimes dry runs
 * (VPCPEER_A_DRY_RUN); when one succeeds unmutated, the fuzzer checks
 * that it changed nothing (the VPC it would have made does not exist, the
 * one it would have deleted does, the connection kept its state). A
 * second socket listens to the "events" group, where the caller may, and
 * every event must be one of the event commands with its object's nest.
 * Exit status 1 when a check fails: a name against the rule, a dry run
 * that changed something, a malformed event, or an event's command
 * (VPCPEER_CMD_*_NTF) answered as a request.
 *
 *   nlfuzz [-n COUNT] [--seed N] [--userns] [--peer NAME] [--timeout S] [-v]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <uapi/linux/vpcpeer.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK	12
#endif

#define MSG_MAX		16384	/* what one fuzz message may grow to */
#define RECV_MAX	65536
#define MAX_VPCS	12	/* past this, the next request is a delete */
#define VPC_SLOTS	32
#define PCX_SLOTS	32
#define CIDR_SLOTS	10
#define SPARE_NETNS	2
#define MAX_ATTRS	256	/* attribute offsets kept for the mutator */
#define ERRNO_MAX	4096
/*
 * Attribute types tried by random trees and mutations: past the largest
 * of every attribute set a request may carry (VPCPEER_A_STATS_MAX, 16,
 * is the largest), so that each set's unknown types are tried too.
 */
#define FUZZ_TYPES	18
_Static_assert(FUZZ_TYPES > VPCPEER_A_REGION_MAX && FUZZ_TYPES > VPCPEER_A_PCX_MAX &&
	       FUZZ_TYPES > VPCPEER_A_STATS_MAX && FUZZ_TYPES > VPCPEER_A_MAX,
	       "FUZZ_TYPES must pass every attribute set's largest type");

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* --- options and the random stream ---------------------------------------- */

static unsigned long long opt_count = 100000;
static unsigned long long opt_seed;
static bool opt_userns, opt_verbose;
static const char *opt_peer;
static unsigned int opt_timeout = 10;	/* seconds without an answer */

static uint64_t rng;

/* splitmix64: small, fast, and the same on every machine */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* --- what the kernel told us ------------------------------------------------- */

struct cidr {
	uint8_t len;		/* 4 or 16 */
	uint8_t plen;
	uint8_t addr[16];
};

struct vpc {
	bool used;
	uint32_t id;
	char name[VPCPEER_NAME_MAX];
	unsigned int ncidrs;
	struct cidr cidrs[CIDR_SLOTS];
};

static struct vpc vpcs[VPC_SLOTS];
static uint32_t pcxs[PCX_SLOTS];
static int pcx_states[PCX_SLOTS];	/* as last answered, or -1 */
static uint32_t last_pcx_id;	/* of the last PCX nest learned */
static int last_pcx_state = -1;
static unsigned int npcx;
static unsigned int name_seq;
static char name_tag[16];
static int spare_ns[SPARE_NETNS] = { -1, -1 };
static int foreign_ns = -1;	/* a namespace we do not administer (--userns) */

/* --- counters ---------------------------------------------------------------- */

static unsigned long long by_errno[ERRNO_MAX];
static unsigned long long n_data, n_done, n_none, n_stray, n_timeout;
static unsigned long long ok_by_cmd[256];
static unsigned long long sent_by_kind[4];
static unsigned long long cur_msg;

static const char *const cmd_name[] = {
	[0] = "UNSPEC",
	[VPCPEER_CMD_VPC_NEW] = "VPC_NEW",
	[VPCPEER_CMD_VPC_DEL] = "VPC_DEL",
	[VPCPEER_CMD_VPC_GET] = "VPC_GET",
	[VPCPEER_CMD_VPC_CIDR_ADD] = "VPC_CIDR_ADD",
	[VPCPEER_CMD_VPC_CIDR_DEL] = "VPC_CIDR_DEL",
	[VPCPEER_CMD_PCX_REQUEST] = "PCX_REQUEST",
	[VPCPEER_CMD_PCX_ACCEPT] = "PCX_ACCEPT",
	[VPCPEER_CMD_PCX_REJECT] = "PCX_REJECT",
	[VPCPEER_CMD_PCX_DEL] = "PCX_DEL",
	[VPCPEER_CMD_PCX_GET] = "PCX_GET",
	[VPCPEER_CMD_PCX_SET] = "PCX_SET",
	[VPCPEER_CMD_PCX_STATE_NTF] = "PCX_STATE_NTF",
	[VPCPEER_CMD_VPC_NEW_NTF] = "VPC_NEW_NTF",
	[VPCPEER_CMD_VPC_DEL_NTF] = "VPC_DEL_NTF",
	[VPCPEER_CMD_VPC_CIDR_ADD_NTF] = "VPC_CIDR_ADD_NTF",
	[VPCPEER_CMD_VPC_CIDR_DEL_NTF] = "VPC_CIDR_DEL_NTF",
	[VPCPEER_CMD_PCX_REQUEST_NTF] = "PCX_REQUEST_NTF",
	[VPCPEER_CMD_PCX_SET_NTF] = "PCX_SET_NTF",
	[VPCPEER_CMD_PCX_DEL_NTF] = "PCX_DEL_NTF",
	[VPCPEER_CMD_REGION_NEW] = "REGION_NEW",
	[VPCPEER_CMD_REGION_SET] = "REGION_SET",
	[VPCPEER_CMD_REGION_DEL] = "REGION_DEL",
	[VPCPEER_CMD_REGION_GET] = "REGION_GET",
	[VPCPEER_CMD_REGION_STATE_NTF] = "REGION_STATE_NTF",
};

_Static_assert(ARRAY_SIZE(cmd_name) == VPCPEER_CMD_MAX + 1,
	       "a command without a name in cmd_name[]");

/*
 * Commands that change state: none of them may succeed without rights,
 * dry run or not. The *_NTF ids are events, never requests: they must
 * never succeed at all.
 */
static bool cmd_changes(unsigned int cmd)
{
	return cmd >= VPCPEER_CMD_VPC_NEW && cmd <= VPCPEER_CMD_MAX &&
	       cmd != VPCPEER_CMD_VPC_GET && cmd != VPCPEER_CMD_PCX_GET &&
	       cmd != VPCPEER_CMD_REGION_GET;
}

/* --- building messages -------------------------------------------------------- */

struct msg {
	uint8_t b[MSG_MAX + 256];
	size_t len;			/* bytes to send */
	size_t attr_off[MAX_ATTRS];	/* every attribute header, for mutations */
	unsigned int nattrs;
};

static struct nlmsghdr *msg_nlh(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

static void msg_init(struct msg *m, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	msg_nlh(m)->nlmsg_type = type;
	msg_nlh(m)->nlmsg_flags = flags;
	g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = VPCPEER_FAMILY_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nattrs = 0;
}

static void msg_finish(struct msg *m)
{
	msg_nlh(m)->nlmsg_len = m->len;
}

/* An attribute with a payload; false (and nothing added) when full. */
static bool put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + total > MSG_MAX || NLA_HDRLEN + len > 0xffff)
		return false;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	memset(m->b + m->len + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	if (m->nattrs < MAX_ATTRS)
		m->attr_off[m->nattrs++] = m->len;
	m->len += total;
	return true;
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, 1);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, 4);
}

static void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, 8);
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

/* Open a nest: returns its offset (or 0 when full) for nest_end(). */
static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t off = m->len;

	if (!put(m, type | NLA_F_NESTED, NULL, 0))
		return 0;
	return off;
}

static void nest_end(struct msg *m, size_t off)
{
	if (off)
		((struct nlattr *)(m->b + off))->nla_len = m->len - off;
}

/* --- netlink I/O ----------------------------------------------------------------- */

static int nl_fd = -1;
static uint16_t family_id;
static uint32_t seq = 1;
static uint8_t rbuf[RECV_MAX];

static void die(const char *what)
{
	fprintf(stderr, "nlfuzz: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void on_alarm(int sig)
{
	static const char m[] = "nlfuzz: the kernel stopped answering: hang suspected\n";

	(void)sig;
	if (write(STDERR_FILENO, m, sizeof(m) - 1) < 0)
		_exit(3);
	_exit(3);
}

static void sock_open(void)
{
	int big = 4 << 20, v;

	if (nl_fd >= 0)
		close(nl_fd);
	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0)
		die("socket(NETLINK_GENERIC)");
	setsockopt(nl_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	/* Each socket answers in a different way: with or without extack,
	 * the request echoed in errors or not, strict checks or not.
	 */
	v = chance(80);
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof(v));
	v = chance(50);
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v));
	v = chance(50);
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, sizeof(v));
}

static int nl_send(const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(nl_fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* One datagram, or 0 after the timeout. */
static ssize_t nl_recv(int timeout_ms)
{
	struct pollfd p = { .fd = nl_fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	n = recv(nl_fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n;
}

/* --- replies: learn names, ids and blocks --------------------------------------- */

static struct vpc *vpc_by_id(uint32_t id)
{
	int i;

	for (i = 0; i < VPC_SLOTS; i++)
		if (vpcs[i].used && vpcs[i].id == id)
			return &vpcs[i];
	return NULL;
}

static unsigned int vpc_count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < VPC_SLOTS; i++)
		n += vpcs[i].used;
	return n;
}

static void learn_pcx(uint32_t id, int state)
{
	unsigned int i;

	if (!id)	/* a dry run's would-be connection */
		return;
	for (i = 0; i < npcx; i++)
		if (pcxs[i] == id)
			break;
	if (i == npcx && npcx < PCX_SLOTS)
		npcx++;
	else if (i == npcx)
		i = below(PCX_SLOTS);
	pcxs[i] = id;
	pcx_states[i] = state;
}

#define for_each_attr(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (uint8_t *)(a) + NLA_HDRLEN <= (uint8_t *)(start) + (len) &&	\
	     a->nla_len >= NLA_HDRLEN &&					\
	     (uint8_t *)(a) + a->nla_len <= (uint8_t *)(start) + (len);	\
	     a = (struct nlattr *)((uint8_t *)(a) + NLA_ALIGN(a->nla_len)))

static void *attr_data(struct nlattr *a)
{
	return (uint8_t *)a + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/*
 * The name rule of <uapi/linux/vpcpeer.h>, in ASCII: whatever the kernel
 * accepted must follow it, or vpcpeer-ctl could not name the VPC.
 */
static bool name_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
		    !(c >= 'A' && c <= 'Z') && (!i || !strchr("._-", c)))
			return false;
	}
	return n;
}

static bool name_ok(const char *s)
{
	size_t i, n = strlen(s);
	bool hex = true;

	for (i = 4; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			hex = false;
	return name_chars_ok(s, n) && n < VPCPEER_NAME_MAX &&
	       !(n == 12 && hex && (!strncasecmp(s, "vpc-", 4) ||
				    !strncasecmp(s, "pcx-", 4)));
}

static unsigned long long n_bad_names;

static void bad_name(const char *what, const char *name, size_t n)
{
	size_t i;

	if (n_bad_names++)
		return;
	fprintf(stderr, "nlfuzz: message %llu: the kernel has a %s named \"", cur_msg, what);
	for (i = 0; i < n && name[i]; i++)
		fprintf(stderr, (unsigned char)name[i] < 0x80 ? "%c" : "\\x%02x",
			(unsigned char)name[i]);
	fprintf(stderr, "\", against the rule of <uapi/linux/vpcpeer.h>\n");
}

/* A region's name, in a reply or an event: the same characters, < 16 bytes. */
static void learn_region(struct nlattr *nest)
{
	struct nlattr *a;

	for_each_attr(a, attr_data(nest), attr_len(nest)) {
		const char *name = attr_data(a);
		size_t n;

		if ((a->nla_type & NLA_TYPE_MASK) != VPCPEER_A_REGION_NAME)
			continue;
		n = strnlen(name, attr_len(a));
		if (!name_chars_ok(name, n) || n >= VPCPEER_REGION_NAME_MAX)
			bad_name("region", name, n);
	}
}

static void learn_vpc(struct nlattr *nest)
{
	struct vpc v = { .used = true }, *slot;
	struct nlattr *a, *c;
	int i;

	for_each_attr(a, attr_data(nest), attr_len(nest)) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case VPCPEER_A_VPC_ID:
			if (attr_len(a) == 4)
				memcpy(&v.id, attr_data(a), 4);
			break;
		case VPCPEER_A_VPC_NAME:
			snprintf(v.name, sizeof(v.name), "%.*s", attr_len(a),
				 (char *)attr_data(a));
			break;
		case VPCPEER_A_VPC_CIDR:
			if (v.ncidrs == CIDR_SLOTS)
				break;
			for_each_attr(c, attr_data(a), attr_len(a)) {
				struct cidr *x = &v.cidrs[v.ncidrs];

				if ((c->nla_type & NLA_TYPE_MASK) == VPCPEER_A_CIDR_ADDR &&
				    (attr_len(c) == 4 || attr_len(c) == 16)) {
					x->len = attr_len(c);
					memcpy(x->addr, attr_data(c), x->len);
				} else if ((c->nla_type & NLA_TYPE_MASK) ==
					   VPCPEER_A_CIDR_PREFIXLEN && attr_len(c) >= 1) {
					x->plen = *(uint8_t *)attr_data(c);
				}
			}
			if (v.cidrs[v.ncidrs].len)
				v.ncidrs++;
			break;
		}
	}
	if (!v.id || !v.name[0])
		return;
	if (!name_ok(v.name))
		bad_name("VPC", v.name, sizeof(v.name));
	slot = vpc_by_id(v.id);
	for (i = 0; !slot && i < VPC_SLOTS; i++)
		if (!vpcs[i].used)
			slot = &vpcs[i];
	if (!slot)
		slot = &vpcs[below(VPC_SLOTS)];
	*slot = v;
}

/* From a reply or, with @events, an event (whose VPC_DEL must not be learned). */
static void learn(struct nlmsghdr *nlh, bool event)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr *a, *b;

	if (nlh->nlmsg_type != family_id || nlh->nlmsg_len < hdr)
		return;
	for_each_attr(a, (uint8_t *)nlh + hdr, nlh->nlmsg_len - hdr) {
		if ((a->nla_type & NLA_TYPE_MASK) == VPCPEER_A_VPC && !event)
			learn_vpc(a);
		if ((a->nla_type & NLA_TYPE_MASK) == VPCPEER_A_REGION)
			learn_region(a);
		if ((a->nla_type & NLA_TYPE_MASK) != VPCPEER_A_PCX)
			continue;
		last_pcx_id = 0;
		last_pcx_state = -1;
		for_each_attr(b, attr_data(a), attr_len(a)) {
			if ((b->nla_type & NLA_TYPE_MASK) == VPCPEER_A_PCX_ID &&
			    attr_len(b) == 4)
				memcpy(&last_pcx_id, attr_data(b), 4);
			if ((b->nla_type & NLA_TYPE_MASK) == VPCPEER_A_PCX_STATE &&
			    attr_len(b) == 1)
				last_pcx_state = *(uint8_t *)attr_data(b);
		}
		learn_pcx(last_pcx_id, last_pcx_state);
	}
}

/* --- one exchange: the message, a NOOP barrier, every answer to both ---------- */

enum outcome { OUT_NONE = -1, OUT_DATA = -2, OUT_DONE = -3, OUT_TIMEOUT = -4 };

static bool is_dump(const struct msg *m)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->b;

	return m->len >= NLMSG_HDRLEN &&
	       (nlh->nlmsg_type == family_id || nlh->nlmsg_type == GENL_ID_CTRL) &&
	       (nlh->nlmsg_flags & NLM_F_REQUEST) &&
	       (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
	       nlh->nlmsg_len >= NLMSG_HDRLEN && nlh->nlmsg_len <= m->len;
}

/*
 * Send @m and return what answered it: an errno (0 for success), OUT_DATA
 * (a reply without an ack), OUT_DONE (a dump that ended), OUT_NONE or
 * OUT_TIMEOUT. Replies are parsed to learn ids and names.
 */
static int exchange(struct msg *m)
{
	struct nlmsghdr *nlh = msg_nlh(m), barrier = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};
	bool dump = is_dump(m), barrier_seen = false, dump_end = false;
	uint32_t my_seq = seq++, bar_seq = seq++;
	int res = OUT_NONE, err;
	ssize_t n;

	nlh->nlmsg_seq = my_seq;
	nlh->nlmsg_pid = 0;
	barrier.nlmsg_seq = bar_seq;
	err = nl_send(m->b, m->len);
	if (err)	/* refused by the socket layer (EINVAL, EMSGSIZE) */
		return -err;
	if (nl_send(&barrier, sizeof(barrier)))
		die("send(NLMSG_NOOP)");

	while (!barrier_seen || (dump && !dump_end)) {
		struct nlmsghdr *h;
		size_t left;

		n = nl_recv(opt_timeout * 1000);
		if (n < 0 && n != -ENOBUFS)
			die("recv");
		if (n == -ENOBUFS) {	/* overrun: the dump is lost, not hung */
			n_stray++;
			continue;
		}
		if (!n) {
			n_timeout++;
			fprintf(stderr, "nlfuzz: message %llu: no answer in %u s\n",
				cur_msg, opt_timeout);
			return OUT_TIMEOUT;
		}
		left = n;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq == bar_seq) {
				barrier_seen = true;
				continue;
			}
			if (h->nlmsg_seq != my_seq) {
				n_stray++;
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					continue;
				res = -e->error;
				dump_end = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				if (res == OUT_NONE || res == OUT_DATA)
					res = OUT_DONE;
				dump_end = true;
			} else {
				learn(h, false);
				if (res == OUT_NONE)
					res = OUT_DATA;
			}
		}
	}
	return res;
}

static void count(struct msg *m, int res)
{
	struct nlmsghdr *nlh = msg_nlh(m);
	uint8_t cmd = m->len > NLMSG_HDRLEN ? m->b[NLMSG_HDRLEN] : 0;

	if (res >= 0 && res < ERRNO_MAX)
		by_errno[res]++;
	else if (res == OUT_DATA)
		n_data++;
	else if (res == OUT_DONE)
		n_done++;
	else if (res == OUT_NONE)
		n_none++;
	/* Without NLM_F_REQUEST the kernel only acknowledges, doing nothing. */
	if ((res == 0 || res == OUT_DATA || res == OUT_DONE) &&
	    m->len >= NLMSG_HDRLEN + GENL_HDRLEN && nlh->nlmsg_type == family_id &&
	    (nlh->nlmsg_flags & NLM_F_REQUEST))
		ok_by_cmd[cmd]++;
	if (opt_verbose)
		fprintf(stderr, "%llu: type %u flags %#x cmd %u len %zu -> %d\n",
			cur_msg, nlh->nlmsg_type, nlh->nlmsg_flags, cmd, m->len, res);
}

static uint32_t events_grp;

static int resolve_family(void)
{
	struct msg m;
	struct nlattr *a, *g, *x;
	ssize_t n;
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlmsghdr *h;

	msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, VPCPEER_FAMILY_NAME);
	msg_finish(&m);
	msg_nlh(&m)->nlmsg_seq = seq++;
	if (nl_send(m.b, m.len))
		die("send(CTRL_CMD_GETFAMILY)");
	n = nl_recv(opt_timeout * 1000);
	if (n <= 0)
		die("recv(CTRL_CMD_GETFAMILY)");
	h = (struct nlmsghdr *)rbuf;
	if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type == NLMSG_ERROR ||
	    h->nlmsg_len < hdr)
		return -ENOENT;
	for_each_attr(a, (uint8_t *)h + hdr, h->nlmsg_len - hdr) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID && attr_len(a) == 2)
			family_id = *(uint16_t *)attr_data(a);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		for_each_attr(g, attr_data(a), attr_len(a)) {
			uint32_t id = 0;
			bool ours = false;

			for_each_attr(x, attr_data(g), attr_len(g)) {
				if (x->nla_type == CTRL_ATTR_MCAST_GRP_ID &&
				    attr_len(x) == 4)
					memcpy(&id, attr_data(x), 4);
				if (x->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strncmp(attr_data(x), VPCPEER_MCGRP_EVENTS,
					     attr_len(x)))
					ours = true;
			}
			if (ours)
				events_grp = id;
		}
	}
	return family_id ? 0 : -ENOENT;
}

/* --- the events group ----------------------------------------------------------- */

static int ev_fd = -1;
static int ev_join_err = -1;	/* errno of joining; -1: no group to join */
static unsigned long long n_events, n_bad_events, n_ev_overruns;
static unsigned long long ev_by_cmd[256];

static void events_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int big = 4 << 20;

	if (!events_grp)
		return;
	ev_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (ev_fd < 0)
		die("socket(NETLINK_GENERIC) for events");
	/* A port id of its own: with 0, the kernel's own, it hears nothing. */
	if (bind(ev_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind() of the events socket");
	setsockopt(ev_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	ev_join_err = 0;
	if (setsockopt(ev_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_grp,
		       sizeof(events_grp)) < 0) {
		ev_join_err = errno;
		close(ev_fd);
		ev_fd = -1;
	}
}

static bool is_event_cmd(unsigned int cmd)
{
	switch (cmd) {
	case VPCPEER_CMD_VPC_NEW_NTF:
	case VPCPEER_CMD_VPC_DEL_NTF:
	case VPCPEER_CMD_VPC_CIDR_ADD_NTF:
	case VPCPEER_CMD_VPC_CIDR_DEL_NTF:
	case VPCPEER_CMD_PCX_REQUEST_NTF:
	case VPCPEER_CMD_PCX_STATE_NTF:
	case VPCPEER_CMD_PCX_SET_NTF:
	case VPCPEER_CMD_PCX_DEL_NTF:
	case VPCPEER_CMD_REGION_STATE_NTF:
		return true;
	}
	return false;
}

/* One event: a known event command, and the nest of its object. */
static bool event_ok(struct nlmsghdr *h)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int cmd, want;
	struct nlattr *a;
	bool nest = false, cidr = false;

	if (h->nlmsg_type != family_id || h->nlmsg_len < hdr)
		return false;
	cmd = *((uint8_t *)h + NLMSG_HDRLEN);
	if (!is_event_cmd(cmd))
		return false;
	ev_by_cmd[cmd]++;
	want = cmd == VPCPEER_CMD_VPC_NEW_NTF || cmd == VPCPEER_CMD_VPC_DEL_NTF ||
	       cmd == VPCPEER_CMD_VPC_CIDR_ADD_NTF ||
	       cmd == VPCPEER_CMD_VPC_CIDR_DEL_NTF ? VPCPEER_A_VPC :
	       cmd == VPCPEER_CMD_REGION_STATE_NTF ? VPCPEER_A_REGION : VPCPEER_A_PCX;
	for_each_attr(a, (uint8_t *)h + hdr, h->nlmsg_len - hdr) {
		if ((a->nla_type & NLA_TYPE_MASK) == want)
			nest = true;
		if ((a->nla_type & NLA_TYPE_MASK) == VPCPEER_A_CIDR)
			cidr = true;
	}
	if (cmd == VPCPEER_CMD_VPC_CIDR_ADD_NTF ||
	    cmd == VPCPEER_CMD_VPC_CIDR_DEL_NTF)
		return nest && cidr;
	return nest;
}

/* Read every event queued so far, checking each. */
static void events_drain(void)
{
	struct nlmsghdr *h;
	ssize_t n;
	size_t left;

	if (ev_fd < 0)
		return;
	for (;;) {
		n = recv(ev_fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			n_ev_overruns++;
			continue;
		}
		if (n <= 0)
			return;
		left = n;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			n_events++;
			if (event_ok(h)) {
				learn(h, true);	/* the states of connections */
				continue;
			}
			if (!n_bad_events++)
				fprintf(stderr, "nlfuzz: message %llu: a malformed event: type %u, cmd %u, %u bytes\n",
					cur_msg, h->nlmsg_type,
					h->nlmsg_len > NLMSG_HDRLEN ?
					*((uint8_t *)h + NLMSG_HDRLEN) : 0,
					h->nlmsg_len);
		}
	}
}

/* --- valid requests --------------------------------------------------------------- */

static struct vpc *any_vpc(void)
{
	unsigned int i, n = vpc_count(), k;

	if (!n)
		return NULL;
	k = below(n);
	for (i = 0; i < VPC_SLOTS; i++)
		if (vpcs[i].used && !k--)
			return &vpcs[i];
	return NULL;
}

static void mask_cidr(struct cidr *c)
{
	unsigned int i;

	for (i = c->plen; i < c->len * 8u; i++)
		c->addr[i / 8] &= ~(0x80 >> (i % 8));
}

/*
 * A block from a small pool, so that VPCs often overlap each other and
 * their own blocks: 10.0-15.x.0/16-28 and fd00:0-15:x::/40-64, rarely
 * anything at all (/0 included).
 */
static void rand_cidr(struct cidr *c)
{
	uint32_t r = rnd();

	memset(c, 0, sizeof(*c));
	if (chance(60)) {
		c->len = 4;
		c->addr[0] = 10;
		c->addr[1] = r & 15;
		c->addr[2] = (r >> 8) & 3;
		c->plen = 16 + below(13);
	} else {
		c->len = 16;
		c->addr[0] = 0xfd;
		c->addr[3] = r & 15;
		c->addr[5] = (r >> 8) & 3;
		c->plen = 40 + below(25);
	}
	if (chance(3)) {
		r = rnd();
		memcpy(c->addr, &r, 4);
		c->plen = below(c->len * 8 + 1);
	}
	mask_cidr(c);
}

static void put_cidr(struct msg *m, const struct cidr *c)
{
	size_t n = nest_start(m, VPCPEER_A_VPC_CIDR);

	put(m, VPCPEER_A_CIDR_ADDR, c->addr, c->len);
	put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, c->plen);
	nest_end(m, n);
}

/* A VPC by id, by name, or both (the id wins). */
static void put_vpc_ref(struct msg *m, uint16_t id_type, uint16_t name_type,
			const struct vpc *v)
{
	unsigned int how = below(10);

	if (!v) {
		if (opt_peer && chance(50))
			put_str(m, name_type, opt_peer);
		else
			put_u32(m, id_type, rnd());
		return;
	}
	if (how < 5 || how == 9)
		put_u32(m, id_type, v->id);
	if (how >= 5)
		put_str(m, name_type, v->name);
}

static int netns_fd_choice(void)
{
	unsigned int r = below(10);

	if (r < 6 && spare_ns[r % SPARE_NETNS] >= 0)
		return spare_ns[r % SPARE_NETNS];
	if (r < 8 && foreign_ns >= 0)
		return foreign_ns;
	if (r == 8)
		return nl_fd;		/* a file, but not a namespace */
	return below(1000);		/* probably nothing at all */
}

static uint32_t any_pcx(void)
{
	return npcx && chance(95) ? pcxs[below(npcx)] : (uint32_t)rnd();
}

/*
 * Mostly one last answered to be in @state (what the command needs to
 * get past the state machine), else any.
 */
static uint32_t pcx_in(int state)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < npcx; i++)
		n += pcx_states[i] == state;
	if (!n || chance(25))
		return any_pcx();
	k = below(n);
	for (i = 0; i < npcx; i++)
		if (pcx_states[i] == state && !k--)
			break;
	return pcxs[i];
}

/*
 * A side's name tag: printable ASCII of up to 255 bytes mostly; sometimes
 * one byte too long, a control or non-ASCII byte, or empty (which clears).
 */
static void put_tag(struct msg *m)
{
	static const char bad[] = "\t\n\x01\x7f\x80\xc3\xe9\xff";
	char tag[VPCPEER_TAG_MAX + 8];
	size_t len, i;

	switch (below(10)) {
	case 0:
		len = VPCPEER_TAG_MAX;		/* 256: one too many */
		break;
	case 1:
		len = VPCPEER_TAG_MAX - 1;	/* 255: the most */
		break;
	case 2:
		len = 0;
		break;
	default:
		len = 1 + below(20);
		break;
	}
	for (i = 0; i < len; i++)
		tag[i] = ' ' + below('~' - ' ' + 1);
	if (len && chance(15))
		tag[below(len)] = bad[below(sizeof(bad) - 1)];
	tag[len] = 0;
	if (chance(3))	/* not NUL-terminated */
		put(m, VPCPEER_A_SIDE_TAG, tag, len);
	else
		put(m, VPCPEER_A_SIDE_TAG, tag, len + 1);
}

/* PCX_SET's options of one side, mostly well-formed. */
static void put_side_options(struct msg *m, uint16_t side)
{
	size_t s = nest_start(m, side);
	unsigned int what = below(4);	/* 0: none, 1: dns, 2: tag, 3: both */

	if (what & 1)
		put_u8(m, VPCPEER_A_SIDE_ALLOW_DNS, chance(95) ? below(2) : rnd());
	if (what & 2)
		put_tag(m);
	nest_end(m, s);
}

/* Attributes only replies and events carry, put in a request's PCX nest. */
static void put_reply_only_pcx_attrs(struct msg *m)
{
	if (chance(50))
		put_u64(m, VPCPEER_A_PCX_EXPIRES, rnd());
	if (chance(50))
		put_u64(m, VPCPEER_A_PCX_VISIBLE_UNTIL, rnd());
	if (chance(50))
		put_u8(m, VPCPEER_A_PCX_OLD_STATE, below(__VPCPEER_PCX_STATE_MAX + 2));
	if (chance(30))
		put_u8(m, VPCPEER_A_PCX_STATE, below(__VPCPEER_PCX_STATE_MAX + 2));
}

/*
 * Regions: a few names, mostly valid (1 to 15 bytes of [a-z0-9-]), at
 * times one byte too long, empty, or with a byte the rule forbids.
 */
static unsigned int put_region_name_as(struct msg *m, uint16_t type)
{
	char name[VPCPEER_REGION_NAME_MAX + 8];
	unsigned int k = below(4);

	switch (below(20)) {
	case 0:
		snprintf(name, sizeof(name), "%s", "r23456789012345x");	/* 16 */
		break;
	case 1:
		name[0] = 0;
		break;
	case 2:
		snprintf(name, sizeof(name), "fzr%c", "\x80\xe9\xc0/ .A_"[below(8)]);
		break;
	default:
		snprintf(name, sizeof(name), "fzr%u", k);
		break;
	}
	if (chance(3))		/* not NUL-terminated */
		put(m, type, name, strlen(name));
	else
		put_str(m, type, name);
	return k;
}

static unsigned int put_region_name(struct msg *m)
{
	return put_region_name_as(m, VPCPEER_A_REGION_NAME);
}

/*
 * An underlay address: IPv4 or IPv6, mostly unicast in 10.255.0.0/24 or
 * fd00:ff::/64; at times loopback, unspecified, multicast, or a length
 * that is neither 4 nor 16. @v6 picks the family, so that most pairs
 * agree.
 */
static void put_region_addr(struct msg *m, uint16_t type, bool v6)
{
	static const size_t odd[] = { 0, 1, 3, 5, 15, 17 };
	uint8_t a[17] = { 0 };
	size_t len = v6 ? 16 : 4;

	if (v6) {
		a[0] = 0xfd;
		a[3] = 0xff;
		a[15] = below(4);
	} else {
		a[0] = 10;
		a[1] = 255;
		a[3] = below(4);
	}
	switch (below(20)) {
	case 0:			/* loopback */
		memset(a, 0, sizeof(a));
		if (v6)
			a[15] = 1;
		else
			a[0] = 127, a[3] = 1;
		break;
	case 1:			/* unspecified */
		memset(a, 0, sizeof(a));
		break;
	case 2:			/* multicast */
		a[0] = v6 ? 0xff : 224;
		break;
	case 3:
		len = odd[below(ARRAY_SIZE(odd))];
		break;
	}
	put(m, type, a, len);
}

/*
 * REGION_NEW/SET's link: any of the three parts, mostly of one family,
 * the family mostly region @k's own (fzr0 and fzr1 IPv4, the others
 * IPv6), so that changes of a region's addresses can succeed.
 */
static void put_region_flow(struct msg *m, unsigned int k, bool all)
{
	bool v6 = chance(90) ? k >= 2 : k < 2;

	if (all || chance(70))
		put_region_addr(m, VPCPEER_A_REGION_REMOTE_ADDR, v6);
	if (all || chance(50))
		put_region_addr(m, VPCPEER_A_REGION_LOCAL_ADDR,
				chance(90) ? v6 : !v6);
	if (chance(all ? 40 : 30)) {
		static const uint16_t ports[] = { 0, 1, 6081, 6082, 65535 };

		put(m, VPCPEER_A_REGION_REMOTE_PORT, &ports[below(ARRAY_SIZE(ports))],
		    chance(95) ? 2 : 4);
	}
}

/* What the last template was, for checking a dry run's answer. */
static struct {
	bool dry;
	unsigned int cmd;
	char name[VPCPEER_NAME_MAX];	/* VPC_NEW: the name */
	size_t nest_len;		/* the object's nest, first after the headers */
	uint32_t pcx;			/* PCX commands: the id */
} tpl;

/* A well-formed request for @cmd, from what is known. */
static void build_template(struct msg *m, unsigned int cmd)
{
	uint16_t flags = NLM_F_REQUEST | (chance(90) ? NLM_F_ACK : 0);
	struct vpc *v = any_vpc(), *w;
	struct cidr c;
	size_t n, s;
	char name[VPCPEER_NAME_MAX];
	unsigned int i, k;

	if ((cmd == VPCPEER_CMD_VPC_GET || cmd == VPCPEER_CMD_PCX_GET ||
	     cmd == VPCPEER_CMD_REGION_GET) && chance(40))
		flags |= NLM_F_DUMP;
	msg_init(m, family_id, flags, cmd);
	memset(&tpl, 0, sizeof(tpl));
	tpl.cmd = cmd;
	switch (cmd) {
	case VPCPEER_CMD_VPC_NEW:
		n = nest_start(m, VPCPEER_A_VPC);
		if (v && chance(10))
			snprintf(name, sizeof(name), "%s", v->name);	/* EEXIST */
		else
			snprintf(name, sizeof(name), "fz%s-%u", name_tag, name_seq++);
		if (chance(5))		/* one byte the rule forbids */
			name[2] = "\x80\xe9\xc0\xff/ :+"[below(8)];
		put_str(m, VPCPEER_A_VPC_NAME, name);
		snprintf(tpl.name, sizeof(tpl.name), "%s", name);
		if (chance(40))
			put_u32(m, VPCPEER_A_VPC_NETNS_FD, netns_fd_choice());
		k = chance(90) ? 1 + below(3) : below(13);
		for (i = 0; i < k; i++) {
			rand_cidr(&c);
			put_cidr(m, &c);
		}
		nest_end(m, n);
		break;
	case VPCPEER_CMD_VPC_DEL:
	case VPCPEER_CMD_VPC_GET:
		if ((flags & NLM_F_DUMP) == NLM_F_DUMP && chance(70))
			break;
		n = nest_start(m, VPCPEER_A_VPC);
		put_vpc_ref(m, VPCPEER_A_VPC_ID, VPCPEER_A_VPC_NAME, v);
		nest_end(m, n);
		break;
	case VPCPEER_CMD_VPC_CIDR_ADD:
	case VPCPEER_CMD_VPC_CIDR_DEL:
		n = nest_start(m, VPCPEER_A_VPC);
		put_vpc_ref(m, VPCPEER_A_VPC_ID, VPCPEER_A_VPC_NAME, v);
		if (cmd == VPCPEER_CMD_VPC_CIDR_DEL && v && v->ncidrs &&
		    chance(80))
			c = v->cidrs[below(v->ncidrs)];
		else
			rand_cidr(&c);
		put_cidr(m, &c);
		nest_end(m, n);
		if (chance(5)) {	/* the events' top-level block */
			s = nest_start(m, VPCPEER_A_CIDR);
			put(m, VPCPEER_A_CIDR_ADDR, c.addr, c.len);
			put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, c.plen);
			nest_end(m, s);
		}
		break;
	case VPCPEER_CMD_PCX_REQUEST:
		w = any_vpc();
		n = nest_start(m, VPCPEER_A_PCX);
		s = nest_start(m, VPCPEER_A_PCX_REQUESTER);
		put_vpc_ref(m, VPCPEER_A_SIDE_VPC_ID, VPCPEER_A_SIDE_VPC_NAME, v);
		if (chance(5))	/* options belong to PCX_SET, not here */
			put_u8(m, VPCPEER_A_SIDE_ALLOW_DNS, 1);
		nest_end(m, s);
		s = nest_start(m, VPCPEER_A_PCX_ACCEPTER);
		put_vpc_ref(m, VPCPEER_A_SIDE_VPC_ID, VPCPEER_A_SIDE_VPC_NAME,
			    opt_peer && chance(20) ? NULL : w);
		if (chance(4))	/* a VPC in another region, if it is one */
			put_region_name_as(m, VPCPEER_A_SIDE_REGION);
		if (chance(5))
			put_tag(m);
		nest_end(m, s);
		if (chance(5))
			put_reply_only_pcx_attrs(m);
		nest_end(m, n);
		break;
	case VPCPEER_CMD_PCX_ACCEPT:
	case VPCPEER_CMD_PCX_REJECT:
	case VPCPEER_CMD_PCX_DEL:
	case VPCPEER_CMD_PCX_GET:
		if ((flags & NLM_F_DUMP) == NLM_F_DUMP && chance(70))
			break;
		n = nest_start(m, VPCPEER_A_PCX);
		tpl.pcx = cmd == VPCPEER_CMD_PCX_ACCEPT || cmd == VPCPEER_CMD_PCX_REJECT ?
			  pcx_in(VPCPEER_PCX_STATE_PENDING_ACCEPTANCE) :
			  cmd == VPCPEER_CMD_PCX_DEL ? pcx_in(VPCPEER_PCX_STATE_ACTIVE) :
			  any_pcx();
		put_u32(m, VPCPEER_A_PCX_ID, tpl.pcx);
		if (chance(5))
			put_reply_only_pcx_attrs(m);
		nest_end(m, n);
		break;
	case VPCPEER_CMD_PCX_SET:
		n = nest_start(m, VPCPEER_A_PCX);
		tpl.pcx = pcx_in(VPCPEER_PCX_STATE_ACTIVE);
		put_u32(m, VPCPEER_A_PCX_ID, tpl.pcx);
		k = below(10);	/* one side, or both; a side's nest may be empty */
		if (k < 4 || k >= 8)
			put_side_options(m, VPCPEER_A_PCX_REQUESTER);
		if ((k >= 4 && k < 8) || k == 8)
			put_side_options(m, VPCPEER_A_PCX_ACCEPTER);
		if (chance(5))
			put_reply_only_pcx_attrs(m);
		nest_end(m, n);
		break;
	case VPCPEER_CMD_REGION_NEW:
	case VPCPEER_CMD_REGION_SET:
	case VPCPEER_CMD_REGION_DEL:
	case VPCPEER_CMD_REGION_GET:
		if ((flags & NLM_F_DUMP) == NLM_F_DUMP && chance(70))
			break;
		n = nest_start(m, VPCPEER_A_REGION);
		k = chance(97) ? put_region_name(m) : below(4);
		if (cmd == VPCPEER_CMD_REGION_NEW || cmd == VPCPEER_CMD_REGION_SET)
			put_region_flow(m, k, cmd == VPCPEER_CMD_REGION_NEW && chance(90));
		if (chance(3))	/* what only replies carry */
			put_u8(m, VPCPEER_A_REGION_STATE, below(6));
		nest_end(m, n);
		break;
	}
	tpl.nest_len = m->len - NLMSG_HDRLEN - GENL_HDRLEN;
	/* A dry run, for every command that changes something. */
	if (cmd_changes(cmd) && chance(15)) {
		put(m, VPCPEER_A_DRY_RUN, NULL, 0);
		tpl.dry = true;
	}
	/* And rarely the flag on a request it means nothing to. */
	if (!cmd_changes(cmd) && chance(3))
		put(m, VPCPEER_A_DRY_RUN, NULL, 0);
	msg_finish(m);
}

/* --- random messages ----------------------------------------------------------------- */

static size_t rand_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17,
				       31, 32, 62, 63, 64, 65, 128, 255, 256 };

	if (chance(3))
		return 1000 + below(8000);	/* oversize */
	if (chance(70))
		return lens[below(ARRAY_SIZE(lens))];
	return below(300);
}

static void rand_payload(uint8_t *p, size_t len)
{
	size_t i;
	unsigned int style = below(4);

	for (i = 0; i < len; i++) {
		switch (style) {
		case 0:
			p[i] = rnd();
			break;
		case 1:		/* a name, NUL-terminated or not */
			p[i] = "abcXYZ019._-/ \xff"[below(16)];
			break;
		case 2:
			p[i] = 0;
			break;
		default:
			p[i] = chance(50) ? 0xff : 0;
			break;
		}
	}
	if (style == 1 && len && chance(60))
		p[len - 1] = 0;
}

/* Random attributes, nested up to @depth more levels. */
static void put_rand_attrs(struct msg *m, unsigned int depth)
{
	unsigned int i, k = below(7);
	uint8_t data[9000];

	for (i = 0; i < k && m->len < MSG_MAX - 64; i++) {
		uint16_t type = chance(90) ? below(FUZZ_TYPES) : below(0x4000);
		size_t len;

		if (depth && chance(45)) {
			size_t n = nest_start(m, type);

			if (chance(15) && n)	/* a nest without the flag */
				((struct nlattr *)(m->b + n))->nla_type &= ~NLA_F_NESTED;
			put_rand_attrs(m, depth - 1);
			nest_end(m, n);
			continue;
		}
		if (chance(10))
			type |= NLA_F_NESTED;
		if (chance(3))
			type |= NLA_F_NET_BYTEORDER;
		len = rand_len();
		rand_payload(data, len);
		put(m, type, data, len);
	}
}

static void build_tree(struct msg *m)
{
	unsigned int cmd = chance(85) ? below(VPCPEER_CMD_MAX + 1) : below(256);
	uint16_t flags = NLM_F_REQUEST | (chance(80) ? NLM_F_ACK : 0);

	if (chance(20))
		flags |= NLM_F_DUMP;
	msg_init(m, family_id, flags, cmd);
	if (chance(10))
		m->b[NLMSG_HDRLEN + 1] = below(256);	/* genl version */
	put_rand_attrs(m, 1 + below(6));
	msg_finish(m);
}

static void build_random(struct msg *m)
{
	size_t len = below(chance(90) ? 128 : 4096);

	msg_init(m, chance(90) ? family_id : below(0x40),
		 rnd() & (chance(50) ? 0x0fff : 0xffff), below(256));
	if (chance(50))
		msg_nlh(m)->nlmsg_flags |= NLM_F_REQUEST;
	rand_payload(m->b + m->len, len);
	m->len += len;
	msg_finish(m);
	if (chance(10))	/* the header lies about the length */
		msg_nlh(m)->nlmsg_len = below(m->len + 64);
	if (chance(5))	/* shorter than a genl header, or than a netlink one */
		m->len = below(m->len + 1);
}

/* --- mutations of valid requests ---------------------------------------------------- */

static struct nlattr *pick_attr(struct msg *m)
{
	size_t off;

	if (!m->nattrs)
		return NULL;
	off = m->attr_off[below(m->nattrs)];
	if (off + NLA_HDRLEN > m->len)
		return NULL;
	return (struct nlattr *)(m->b + off);
}

static void mutate_one(struct msg *m)
{
	struct nlattr *a = pick_attr(m);
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN, pos;
	uint32_t v;

	switch (below(14)) {
	case 0:		/* flip a bit of the attributes */
		if (m->len > hdr) {
			pos = hdr + below(m->len - hdr);
			m->b[pos] ^= 1 << below(8);
		}
		break;
	case 1:		/* a random byte anywhere past the netlink header */
		pos = NLMSG_HDRLEN + below(m->len - NLMSG_HDRLEN);
		m->b[pos] = rnd();
		break;
	case 2:		/* an attribute's length */
		if (a)
			a->nla_len = chance(20) ? (uint16_t)rnd() :
				     a->nla_len + (int)below(17) - 8;
		break;
	case 3:		/* NLA_F_NESTED, on or off */
		if (a)
			a->nla_type ^= NLA_F_NESTED;
		break;
	case 4:		/* another attribute type */
		if (a)
			a->nla_type = (a->nla_type & ~NLA_TYPE_MASK) |
				      (chance(90) ? below(FUZZ_TYPES) : below(0x4000));
		break;
	case 5:		/* cut short, the header telling the truth or not */
		m->len = hdr + below(m->len - hdr + 1);
		if (chance(70))
			msg_finish(m);
		break;
	case 6:		/* junk at the end */
		v = m->len < MSG_MAX ? below(64) : 0;
		rand_payload(m->b + m->len, v);
		m->len += v;
		if (chance(70))
			msg_finish(m);
		break;
	case 7:		/* a u32 payload (an id, an fd) replaced, or a flag added */
		if (chance(20)) {
			put(m, VPCPEER_A_DRY_RUN, NULL, 0);
			msg_finish(m);
			break;
		}
		if (a && a->nla_len == NLA_HDRLEN + 4) {
			static const uint32_t odd[] = { 0, 1, 0xffffffff,
							0x80000000, 0x7fffffff };

			v = chance(50) ? odd[below(5)] : (uint32_t)rnd();
			memcpy(attr_data(a), &v, 4);
		}
		break;
	case 8:		/* an attribute repeated at the end */
		if (a && (uint8_t *)a + NLA_ALIGN(a->nla_len) <= m->b + m->len &&
		    a->nla_len >= NLA_HDRLEN)
			put(m, a->nla_type, attr_data(a), a->nla_len - NLA_HDRLEN);
		msg_finish(m);
		break;
	case 9:		/* another command with the same attributes */
		m->b[NLMSG_HDRLEN] = chance(90) ? below(VPCPEER_CMD_MAX + 2) :
						  below(256);
		break;
	case 10:	/* other netlink flags */
		msg_nlh(m)->nlmsg_flags ^= 1 << below(chance(80) ? 6 : 16);
		break;
	case 11:	/* the genl version or reserved field */
		m->b[NLMSG_HDRLEN + 1 + below(3)] = rnd();
		break;
	case 12:	/* an attribute's payload cut to zero */
		if (a)
			a->nla_len = NLA_HDRLEN;
		break;
	default:	/* an oversize attribute appended inside the message */
		{
			uint8_t big[4096];

			rand_payload(big, sizeof(big));
			put(m, below(FUZZ_TYPES), big, 16 + below(sizeof(big) - 16));
			msg_finish(m);
		}
		break;
	}
}

/* --- the run ------------------------------------------------------------------------- */

/* Valid deletes keep the number of VPCs bounded. */
static void build_delete(struct msg *m, struct vpc *v)
{
	size_t n;

	msg_init(m, family_id, NLM_F_REQUEST | NLM_F_ACK, VPCPEER_CMD_VPC_DEL);
	n = nest_start(m, VPCPEER_A_VPC);
	put_u32(m, VPCPEER_A_VPC_ID, v->id);
	nest_end(m, n);
	msg_finish(m);
}

/* Weights of the commands in valid templates: creation first. */
static unsigned int template_cmd(void)
{
	static const uint8_t w[] = {
		VPCPEER_CMD_VPC_NEW, VPCPEER_CMD_VPC_NEW, VPCPEER_CMD_VPC_NEW,
		VPCPEER_CMD_VPC_DEL, VPCPEER_CMD_VPC_GET, VPCPEER_CMD_VPC_GET,
		VPCPEER_CMD_VPC_CIDR_ADD, VPCPEER_CMD_VPC_CIDR_ADD,
		VPCPEER_CMD_VPC_CIDR_DEL, VPCPEER_CMD_VPC_CIDR_DEL,
		VPCPEER_CMD_PCX_REQUEST, VPCPEER_CMD_PCX_REQUEST,
		VPCPEER_CMD_PCX_REQUEST, VPCPEER_CMD_PCX_ACCEPT,
		VPCPEER_CMD_PCX_ACCEPT, VPCPEER_CMD_PCX_REJECT,
		VPCPEER_CMD_PCX_DEL, VPCPEER_CMD_PCX_GET, VPCPEER_CMD_PCX_GET,
		VPCPEER_CMD_PCX_SET, VPCPEER_CMD_PCX_SET,
		VPCPEER_CMD_REGION_NEW, VPCPEER_CMD_REGION_SET,
		VPCPEER_CMD_REGION_DEL,	/* or REGION_GET, as often */
	};
	unsigned int cmd = w[below(ARRAY_SIZE(w))];

	if (cmd == VPCPEER_CMD_REGION_DEL && chance(50))
		cmd = VPCPEER_CMD_REGION_GET;
	return cmd;
}

/* Forget a VPC we deleted ourselves, or one the kernel no longer knows. */
static void forget_vpc(const struct msg *m, int res)
{
	const struct nlattr *a;
	uint32_t id;
	struct vpc *v;

	if (m->b[NLMSG_HDRLEN] != VPCPEER_CMD_VPC_DEL &&
	    m->b[NLMSG_HDRLEN] != VPCPEER_CMD_VPC_GET)
		return;
	if ((res != 0 && res != ENOENT) || m->nattrs < 2)
		return;
	a = (const struct nlattr *)(m->b + m->attr_off[1]);
	if (a->nla_type != VPCPEER_A_VPC_ID || a->nla_len != NLA_HDRLEN + 4)
		return;
	if (m->b[NLMSG_HDRLEN] == VPCPEER_CMD_VPC_GET && res == 0)
		return;
	memcpy(&id, (const uint8_t *)a + NLA_HDRLEN, 4);
	v = vpc_by_id(id);
	if (v)
		v->used = false;
}

/* --- dry runs change nothing ------------------------------------------------------- */

static unsigned long long n_dry_ok, n_dry_checked, n_dry_broken;

/* The state of connection @id as PCX_GET tells it now, or -1. */
static int pcx_state_now(uint32_t id)
{
	struct msg *g = malloc(sizeof(*g));
	size_t n;
	int res, st = -1;

	if (!g)
		die("malloc");
	msg_init(g, family_id, NLM_F_REQUEST | NLM_F_ACK, VPCPEER_CMD_PCX_GET);
	n = nest_start(g, VPCPEER_A_PCX);
	put_u32(g, VPCPEER_A_PCX_ID, id);
	nest_end(g, n);
	msg_finish(g);
	last_pcx_id = 0;
	last_pcx_state = -1;
	res = exchange(g);
	if ((res == 0 || res == OUT_DATA) && last_pcx_id == id)
		st = last_pcx_state;
	free(g);
	return st;
}

/* Does the VPC named by the nest of @m (a template's) exist? */
static int vpc_exists_like(const struct msg *m, const char *name)
{
	struct msg *g = malloc(sizeof(*g));
	size_t n;
	int res;

	if (!g)
		die("malloc");
	msg_init(g, family_id, NLM_F_REQUEST | NLM_F_ACK, VPCPEER_CMD_VPC_GET);
	if (name) {
		n = nest_start(g, VPCPEER_A_VPC);
		put_str(g, VPCPEER_A_VPC_NAME, name);
		nest_end(g, n);
	} else {
		memcpy(g->b + g->len, m->b + NLMSG_HDRLEN + GENL_HDRLEN,
		       tpl.nest_len);
		g->len += tpl.nest_len;
	}
	msg_finish(g);
	res = exchange(g);
	free(g);
	if (res == 0 || res == OUT_DATA)
		return 1;
	return res == ENOENT ? 0 : -1;
}

static void dry_broken(const char *what)
{
	if (!n_dry_broken++)
		fprintf(stderr, "nlfuzz: message %llu: a dry run of %s changed something\n",
			cur_msg, what);
}

/* Before an unmutated dry template is sent: what it must leave as it is. */
static int dry_before(void)
{
	switch (tpl.cmd) {
	case VPCPEER_CMD_PCX_ACCEPT:
	case VPCPEER_CMD_PCX_REJECT:
	case VPCPEER_CMD_PCX_DEL:
	case VPCPEER_CMD_PCX_SET:
		return pcx_state_now(tpl.pcx);
	}
	return -1;
}

/* After it succeeded: check it changed nothing. */
static void dry_after(const struct msg *m, int before)
{
	int after;

	n_dry_ok++;
	switch (tpl.cmd) {
	case VPCPEER_CMD_VPC_NEW:
		n_dry_checked++;
		if (vpc_exists_like(m, tpl.name) != 0)
			dry_broken("VPC_NEW (the VPC exists, or cannot be looked up)");
		break;
	case VPCPEER_CMD_VPC_DEL:
		n_dry_checked++;
		if (vpc_exists_like(m, NULL) != 1)
			dry_broken("VPC_DEL (the VPC is gone)");
		break;
	case VPCPEER_CMD_PCX_ACCEPT:
	case VPCPEER_CMD_PCX_REJECT:
	case VPCPEER_CMD_PCX_DEL:
	case VPCPEER_CMD_PCX_SET:
		if (before < 0)
			break;
		n_dry_checked++;
		after = pcx_state_now(tpl.pcx);
		/* Only the timer may have moved it: a request expiring. */
		if (after != before &&
		    !(before == VPCPEER_PCX_STATE_PENDING_ACCEPTANCE &&
		      after == VPCPEER_PCX_STATE_EXPIRED))
			dry_broken(cmd_name[tpl.cmd]);
		break;
	}
}

/* A namespace to bind VPCs to: made, then we return to our own. */
static int new_spare_netns(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	if (self < 0)
		die("open(/proc/self/ns/net)");
	if (unshare(CLONE_NEWNET)) {
		close(self);
		return -1;
	}
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(self, CLONE_NEWNET))
		die("setns(back)");
	close(self);
	return fd;
}

/* Closing the last reference ends the namespace, and with it its VPCs. */
static void renew_spare_netns(void)
{
	unsigned int i = below(SPARE_NETNS);

	if (spare_ns[i] >= 0)
		close(spare_ns[i]);
	spare_ns[i] = new_spare_netns();
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void enter_userns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	/* Held from before: a namespace this process will not administer. */
	foreign_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		die("unshare(CLONE_NEWUSER | CLONE_NEWNET)");
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/uid_map", map))
		die("uid_map");
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (write_file("/proc/self/gid_map", map))
		die("gid_map");
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: nlfuzz [-n COUNT] [--seed N] [--userns] [--peer NAME] [--timeout S] [-v]\n"
		"  -n, --count N   messages to send (default 100000)\n"
		"  --seed N        the random seed (default: from the clock; printed)\n"
		"  --userns        run as the root of a new user and network namespace\n"
		"  --peer NAME     a VPC made by someone else, named in requests\n"
		"  --timeout S     seconds to wait for an answer (default 10)\n"
		"  -v              one line per message\n");
	exit(status);
}

static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "userns", no_argument, NULL, 'u' },
		{ "peer", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct timespec ts;
	char *end;
	int c;

	clock_gettime(CLOCK_REALTIME, &ts);
	opt_seed = (unsigned long long)ts.tv_sec * 1000003ULL ^ ts.tv_nsec ^ getpid();
	while ((c = getopt_long(argc, argv, "n:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			opt_count = strtoull(optarg, &end, 0);
			if (*end || !*optarg)
				usage(2);
			break;
		case 's':
			opt_seed = strtoull(optarg, &end, 0);
			if (*end || !*optarg)
				usage(2);
			break;
		case 'u':
			opt_userns = true;
			break;
		case 'p':
			opt_peer = optarg;
			break;
		case 't':
			opt_timeout = strtoul(optarg, &end, 0);
			if (*end || !opt_timeout)
				usage(2);
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(double secs)
{
	unsigned long long changes = 0;
	unsigned int i;

	printf("nlfuzz: sent %llu messages in %.1f s (%.0f/s): random %llu, tree %llu, template %llu, mutated %llu\n",
	       cur_msg, secs, secs > 0 ? cur_msg / secs : 0.0,
	       sent_by_kind[0], sent_by_kind[1], sent_by_kind[2], sent_by_kind[3]);
	printf("nlfuzz: answers:");
	for (i = 0; i < ERRNO_MAX; i++)
		if (by_errno[i])
			printf(" %s %llu", i ? strerrorname_np(i) ?: "?" : "ok",
			       by_errno[i]);
	printf(" reply %llu done %llu none %llu stray %llu timeout %llu\n",
	       n_data, n_done, n_none, n_stray, n_timeout);
	printf("nlfuzz: succeeded:");
	for (i = 1; i <= VPCPEER_CMD_MAX; i++) {
		printf(" %s %llu", cmd_name[i], ok_by_cmd[i]);
		if (cmd_changes(i))
			changes += ok_by_cmd[i];
	}
	printf("\nnlfuzz: changes %llu\n", changes);
	printf("nlfuzz: names against the rule %llu\n", n_bad_names);
	printf("nlfuzz: dry runs succeeded %llu checked %llu changed something %llu\n",
	       n_dry_ok, n_dry_checked, n_dry_broken);
	if (ev_join_err < 0)
		printf("nlfuzz: events joined no (no group \"%s\")\n", VPCPEER_MCGRP_EVENTS);
	else if (ev_join_err)
		printf("nlfuzz: events joined no (%s)\n", strerrorname_np(ev_join_err) ?: "?");
	else
		printf("nlfuzz: events joined yes\n");
	printf("nlfuzz: events %llu malformed %llu overruns %llu:", n_events,
	       n_bad_events, n_ev_overruns);
	for (i = 1; i <= VPCPEER_CMD_MAX; i++)
		if (is_event_cmd(i))
			printf(" %s %llu", cmd_name[i], ev_by_cmd[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct msg *m = malloc(sizeof(*m));
	unsigned int i, kind;
	unsigned long long n_ntf_ok = 0;
	double t0;
	int res;

	if (!m)
		die("malloc");
	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("nlfuzz: seed %llu\n", opt_seed);
	rng = opt_seed;
	snprintf(name_tag, sizeof(name_tag), "%x", (unsigned int)(opt_seed & 0xffff));
	signal(SIGALRM, on_alarm);

	if (opt_userns)
		enter_userns();
	for (i = 0; i < SPARE_NETNS; i++)
		spare_ns[i] = new_spare_netns();
	sock_open();
	if (resolve_family()) {
		fprintf(stderr, "nlfuzz: genl family \"%s\" not found\n",
			VPCPEER_FAMILY_NAME);
		return 2;
	}
	events_open();

	t0 = now();
	for (cur_msg = 0; cur_msg < opt_count; cur_msg++) {
		int before = -1;
		struct vpc *v;

		/*
		 * Twice the wait for the answers of one message (up to
		 * three exchanges with a dry run's checks): stuck.
		 */
		alarm(6 * opt_timeout + 5);
		if (cur_msg && !(cur_msg % 10000))
			sock_open();
		if (cur_msg && !(cur_msg % 3000))
			renew_spare_netns();
		v = vpc_count() > MAX_VPCS ? any_vpc() : NULL;
		memset(&tpl, 0, sizeof(tpl));
		if (v) {
			build_delete(m, v);
			v->used = false;
			kind = 2;
		} else {
			kind = below(100);
			kind = kind < 10 ? 0 : kind < 30 ? 1 : kind < 55 ? 2 : 3;
			if (kind == 0)
				build_random(m);
			else if (kind == 1)
				build_tree(m);
			else
				build_template(m, template_cmd());
		}
		if (kind == 3) {
			unsigned int k = 1 + below(3);

			while (k--)
				mutate_one(m);
		}
		if (kind == 2 && tpl.dry)
			before = dry_before();
		sent_by_kind[kind]++;
		res = exchange(m);
		if (res == OUT_TIMEOUT && n_timeout >= 3) {
			fprintf(stderr, "nlfuzz: %llu answers missing: giving up\n",
				n_timeout);
			report(now() - t0);
			return 3;
		}
		count(m, res);
		if (kind == 2 && tpl.dry && (res == 0 || res == OUT_DATA))
			dry_after(m, before);
		else if (kind == 2)
			forget_vpc(m, res);
		events_drain();
	}
	alarm(0);
	events_drain();
	report(now() - t0);
	for (i = 1; i <= VPCPEER_CMD_MAX; i++) {
		if (!is_event_cmd(i) || !ok_by_cmd[i])
			continue;
		fprintf(stderr, "nlfuzz: %s, an event, was answered as a request %llu times\n",
			cmd_name[i], ok_by_cmd[i]);
		n_ntf_ok += ok_by_cmd[i];
	}
	return n_timeout ? 3 :
	       n_bad_names || n_dry_broken || n_bad_events || n_ntf_ok ? 1 : 0;
}

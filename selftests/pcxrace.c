// SPDX-License-Identifier: GPL-2.0
/*
 * pcxrace: accept and delete the same peering connection from two threads
 * at once, over and over, and check that every round ends in a state the
 * state machine allows (stress.sh runs it). Each round the main thread
 * requests a connection from REQUESTER to ACCEPTER; one thread accepts it
 * while the other deletes it, released together by a barrier, with a
 * random head start for one of them so that both orders happen. rtnl and
 * vpcpeer_lock serialise the two, so there are exactly two outcomes:
 *
 *   delete first: the pending request is withdrawn (0); the accept finds
 *                 it no longer pending (EINVAL)
 *   accept first: it becomes active (0); the delete then ends it (0)
 *
 * and either way the connection ends "deleted", "Deleted by" the
 * requester, with no device left on either side. Anything else (another
 * errno, another state, a device left behind) fails the run at once.
 *
 * Plain rtnetlink-style sockets, no libnl: three sockets, one per thread,
 * so that replies never cross.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <uapi/linux/vpcpeer.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUFLEN		32768
#define MSGLEN		1024

struct nl {
	int fd;
	uint32_t seq;
	char ext[256];		/* the extack message of the last answer */
	char buf[BUFLEN];	/* the last reply, if any */
	size_t len;
};

struct req {
	union {
		struct nlmsghdr nlh;
		char buf[MSGLEN];
	};
};

static uint16_t family;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("pcxrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink socket: %s", strerror(errno));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->seq = 1;
}

static void req_init(struct req *r, uint16_t type, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = NLMSG_DATA(&r->nlh);
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : VPCPEER_FAMILY_VERSION;
}

static struct nlattr *put(struct req *r, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->buf + NLMSG_ALIGN(r->nlh.nlmsg_len));

	if (NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len) > MSGLEN)
		die("request too long");
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static struct nlattr *nest_start(struct req *r, uint16_t type)
{
	return put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r, struct nlattr *a)
{
	a->nla_len = r->buf + r->nlh.nlmsg_len - (char *)a;
}

/* The extack message of an NLMSG_ERROR, if it carries one. */
static void read_extack(struct nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *a;
	size_t off, end = h->nlmsg_len;

	nl->ext[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= end) {
		a = (const struct nlattr *)((const char *)h + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(nl->ext, sizeof(nl->ext), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Send the request; keep its reply (if any) in nl->buf. Returns 0 or the
 * negative errno of the answer.
 */
static int transact(struct nl *nl, struct req *r)
{
	char buf[BUFLEN];
	uint32_t seq = ++nl->seq;
	ssize_t n;

	r->nlh.nlmsg_seq = seq;
	nl->len = 0;
	nl->ext[0] = '\0';
	if (send(nl->fd, r->buf, r->nlh.nlmsg_len, 0) < 0)
		die("send: %s", strerror(errno));
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv: %s", strerror(errno));
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				read_extack(nl, h);
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			}
			memcpy(nl->buf, h, h->nlmsg_len);
			nl->len = h->nlmsg_len;
		}
	}
}

/* The attributes of a nest (or of the reply, for @a == NULL) by type. */
static void parse(const struct nl *nl, const struct nlattr *nest,
		  const struct nlattr **tb, int max)
{
	const char *p, *end;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (nest) {
		p = (const char *)nest + NLA_HDRLEN;
		end = (const char *)nest + nest->nla_len;
	} else {
		p = nl->buf + NLMSG_HDRLEN + GENL_HDRLEN;
		end = nl->buf + nl->len;
	}
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if (type <= max)
			tb[type] = a;
		p += NLA_ALIGN(a->nla_len);
	}
}

static const void *data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static void resolve_family(struct nl *nl)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct req r;
	int err;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put(&r, CTRL_ATTR_FAMILY_NAME, VPCPEER_FAMILY_NAME,
	    sizeof(VPCPEER_FAMILY_NAME));
	err = transact(nl, &r);
	if (err)
		die("family \"" VPCPEER_FAMILY_NAME "\": %s", strerror(-err));
	parse(nl, NULL, tb, CTRL_ATTR_MAX);
	if (!tb[CTRL_ATTR_FAMILY_ID])
		die("no family id in the controller's reply");
	family = *(const uint16_t *)data(tb[CTRL_ATTR_FAMILY_ID]);
}

struct pcx_view {
	uint32_t id;
	uint8_t state;
	int reason;		/* enum vpcpeer_pcx_reason */
	uint32_t vpc_id[2];
	bool has_dev[2];
};

static void read_pcx(const struct nl *nl, struct pcx_view *v)
{
	static const int sides[2] = { VPCPEER_A_PCX_REQUESTER,
				      VPCPEER_A_PCX_ACCEPTER };
	const struct nlattr *top[VPCPEER_A_MAX + 1];
	const struct nlattr *tb[VPCPEER_A_PCX_MAX + 1];
	const struct nlattr *st[VPCPEER_A_SIDE_MAX + 1];
	int i;

	memset(v, 0, sizeof(*v));
	parse(nl, NULL, top, VPCPEER_A_MAX);
	if (!top[VPCPEER_A_PCX])
		die("a reply without a PCX attribute");
	parse(nl, top[VPCPEER_A_PCX], tb, VPCPEER_A_PCX_MAX);
	if (!tb[VPCPEER_A_PCX_ID] || !tb[VPCPEER_A_PCX_STATE] ||
	    !tb[VPCPEER_A_PCX_REASON])
		die("a PCX without id, state or reason");
	v->id = *(const uint32_t *)data(tb[VPCPEER_A_PCX_ID]);
	v->state = *(const uint8_t *)data(tb[VPCPEER_A_PCX_STATE]);
	v->reason = *(const uint8_t *)data(tb[VPCPEER_A_PCX_REASON]);
	for (i = 0; i < 2; i++) {
		if (!tb[sides[i]])
			die("pcx-%08x: a side is missing", v->id);
		parse(nl, tb[sides[i]], st, VPCPEER_A_SIDE_MAX);
		if (st[VPCPEER_A_SIDE_VPC_ID])
			v->vpc_id[i] = *(const uint32_t *)data(st[VPCPEER_A_SIDE_VPC_ID]);
		v->has_dev[i] = st[VPCPEER_A_SIDE_IFINDEX] ||
				st[VPCPEER_A_SIDE_IFNAME];
	}
}

static int pcx_request(struct nl *nl, const char *req, const char *acc,
		       struct pcx_view *v)
{
	struct nlattr *pcx, *side;
	struct req r;
	int err;

	req_init(&r, family, VPCPEER_CMD_PCX_REQUEST);
	pcx = nest_start(&r, VPCPEER_A_PCX);
	side = nest_start(&r, VPCPEER_A_PCX_REQUESTER);
	put(&r, VPCPEER_A_SIDE_VPC_NAME, req, strlen(req) + 1);
	nest_end(&r, side);
	side = nest_start(&r, VPCPEER_A_PCX_ACCEPTER);
	put(&r, VPCPEER_A_SIDE_VPC_NAME, acc, strlen(acc) + 1);
	nest_end(&r, side);
	nest_end(&r, pcx);
	err = transact(nl, &r);
	if (!err)
		read_pcx(nl, v);
	return err;
}

/* ACCEPT, DEL or GET of one connection by id. */
static int pcx_cmd(struct nl *nl, uint8_t cmd, uint32_t id)
{
	struct nlattr *pcx;
	struct req r;

	req_init(&r, family, cmd);
	pcx = nest_start(&r, VPCPEER_A_PCX);
	put(&r, VPCPEER_A_PCX_ID, &id, sizeof(id));
	nest_end(&r, pcx);
	return transact(nl, &r);
}

/* --- the race ------------------------------------------------------------ */

struct racer {
	pthread_t thread;
	uint8_t cmd;
	struct nl nl;
	int err;		/* the last round's answer */
	unsigned int delay_us;	/* the last round's head start for the other */
};

/* Written before, read after a barrier: the barrier orders them. */
static pthread_barrier_t go, done;
static uint32_t round_id;
static bool stop;

static void spin_us(unsigned int us)
{
	double end = now() + us / 1e6;

	while (now() < end)
		;
}

static void *racer_main(void *arg)
{
	struct racer *r = arg;

	for (;;) {
		pthread_barrier_wait(&go);
		if (stop)
			return NULL;
		spin_us(r->delay_us);
		r->err = pcx_cmd(&r->nl, r->cmd, round_id);
		pthread_barrier_wait(&done);
	}
}

static const char *state_name(uint8_t s)
{
	static const char *const names[] = {
		"initiating-request", "pending-acceptance", "provisioning",
		"active", "rejected", "expired", "failed", "deleting", "deleted",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void usage(void)
{
	fputs("usage: pcxrace [-i ITERATIONS] [-s SEED] [-p EVERY] REQUESTER_VPC ACCEPTER_VPC\n"
	      "  accept and delete a fresh connection from two threads, ITERATIONS\n"
	      "  times (default 10000); -p prints the time of every EVERY rounds\n",
	      stderr);
	exit(2);
}

int main(int argc, char *argv[])
{
	unsigned long iterations = 10000, every = 1000, i;
	unsigned long accept_first = 0, delete_first = 0;
	struct racer acc = { .cmd = VPCPEER_CMD_PCX_ACCEPT };
	struct racer del = { .cmd = VPCPEER_CMD_PCX_DEL };
	double t0, tp, slowest = 0;
	unsigned int seed = 1;
	struct pcx_view v;
	struct nl nl;
	int c, err;

	while ((c = getopt(argc, argv, "i:s:p:")) != -1) {
		switch (c) {
		case 'i':
			iterations = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			every = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || !every)
		usage();

	nl_open(&nl);
	nl_open(&acc.nl);
	nl_open(&del.nl);
	resolve_family(&nl);
	if (pthread_barrier_init(&go, NULL, 3) ||
	    pthread_barrier_init(&done, NULL, 3) ||
	    pthread_create(&acc.thread, NULL, racer_main, &acc) ||
	    pthread_create(&del.thread, NULL, racer_main, &del))
		die("cannot start the threads");

	t0 = now();
	tp = t0;
	for (i = 0; i < iterations; i++) {
		unsigned int r = rand_r(&seed);
		double t1 = now();

		err = pcx_request(&nl, argv[optind], argv[optind + 1], &v);
		if (err)
			die("round %lu: request: %s (%s)", i, strerror(-err),
			    nl.ext);
		if (v.state != VPCPEER_PCX_STATE_PENDING_ACCEPTANCE || !v.has_dev[0] ||
		    v.has_dev[1])
			die("round %lu: pcx-%08x requested as %s, devices %d/%d",
			    i, v.id, state_name(v.state), v.has_dev[0],
			    v.has_dev[1]);

		/* Up to 100 us of head start, for either side, or none. */
		acc.delay_us = r % 3 == 0 ? (r >> 2) % 100 : 0;
		del.delay_us = r % 3 == 1 ? (r >> 2) % 100 : 0;
		round_id = v.id;
		pthread_barrier_wait(&go);
		pthread_barrier_wait(&done);

		if (del.err)
			die("round %lu: pcx-%08x: delete: %s (%s); accept: %s",
			    i, v.id, strerror(-del.err), del.nl.ext,
			    strerror(-acc.err));
		if (acc.err && acc.err != -EINVAL)
			die("round %lu: pcx-%08x: accept: %s (%s)", i, v.id,
			    strerror(-acc.err), acc.nl.ext);
		if (acc.err)
			delete_first++;
		else
			accept_first++;

		err = pcx_cmd(&nl, VPCPEER_CMD_PCX_GET, v.id);
		if (err)
			die("round %lu: pcx-%08x: show: %s (%s)", i, v.id,
			    strerror(-err), nl.ext);
		read_pcx(&nl, &v);
		if (v.state != VPCPEER_PCX_STATE_DELETED ||
		    v.reason != VPCPEER_PCX_REASON_DELETED_BY_REQUESTER ||
		    v.has_dev[0] || v.has_dev[1])
			die("round %lu: pcx-%08x ended %s (reason %d, not deleted-by-requester), devices %d/%d, after accept %s, delete %s",
			    i, v.id, state_name(v.state), v.reason,
			    v.has_dev[0], v.has_dev[1],
			    acc.err ? strerror(-acc.err) : "ok",
			    del.err ? strerror(-del.err) : "ok");

		if (now() - t1 > slowest)
			slowest = now() - t1;
		if ((i + 1) % every == 0) {
			printf("rounds %lu-%lu: %.1f s\n", i + 1 - every, i,
			       now() - tp);
			fflush(stdout);
			tp = now();
		}
	}
	stop = true;
	pthread_barrier_wait(&go);
	pthread_join(acc.thread, NULL);
	pthread_join(del.thread, NULL);
	printf("rounds %lu accept_first %lu delete_first %lu seconds %.1f slowest_ms %.0f\n",
	       iterations, accept_first, delete_first, now() - t0,
	       slowest * 1000);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vpcpeer-ctl end to end, without a kernel: whole command lines run
 * in-process (main() of tools/vpcpeer-ctl/main.c is built as
 * vpcpeer_ctl_main()) against a small fake of the vpcpeer module that
 * sits behind libnl's send and receive hooks of every socket the tool
 * opens (nl_socket_alloc() is wrapped at link time). The fake answers the
 * generic netlink controller, keeps VPCs, peering connections and
 * regions, checks
 * requests as strictly as the kernel's policies would (nested flags,
 * exact sizes, no unknown attributes), and can misbehave on demand: split
 * or merged datagrams, interrupted dumps, echoed error requests, extack
 * warnings, a failing dump, a malformed reply, a closed socket. It counts
 * the sockets the tool opens and its family lookups, so that a batch can
 * be shown to use one of each. Each case checks the exit status, stdout
 * and stderr exactly.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int vpcpeer_ctl_main(int argc, char *argv[]);

#define FAKE_FAMILY	0x1d
#define FAKE_GROUP	0x17	/* the id of the family's "events" group */
#define MAX_VPCS	8
#define MAX_PCXS	8
#define MAX_CIDRS	16
#define MAX_REGIONS	4

/* --- the fake kernel: state and faults ------------------------------------ */

struct fake_vpc {
	bool used;
	uint32_t id;
	char name[VPCPEER_NAME_MAX];
	int32_t netnsid;
	struct prefix cidrs[MAX_CIDRS];
	size_t ncidrs;
};

struct fake_pcx {
	bool used;
	uint32_t id;
	uint8_t state;
	uint8_t reason;			/* enum vpcpeer_pcx_reason */
	struct prefix overlap;		/* reason overlap: the requester's block */
	uint32_t requester, accepter;	/* VPC ids */
	char req_name[VPCPEER_NAME_MAX], acc_name[VPCPEER_NAME_MAX];
	bool allow_dns[2];		/* requester, accepter */
	char tag[2][VPCPEER_TAG_MAX];
	/* across regions: the accepter's, and its VPC's blocks once known */
	char acc_region[VPCPEER_REGION_NAME_MAX];
	struct prefix acc_cidrs[2];
	size_t acc_ncidrs;
};

/*
 * A region as the module keeps one. What the module would find on the
 * route is decided by the remote address: 192.0.2.0/24 has no encrypted
 * route (unencrypted), 198.51.100.0/24 one over WireGuard with a small
 * MTU (1384 inside), anything else one over wg0 with 8884 inside.
 */
struct fake_region {
	bool used;
	char name[VPCPEER_REGION_NAME_MAX];
	int family;
	uint8_t remote[16], local[16];
	uint16_t port;
	uint8_t state, underlay;
	uint32_t inner_mtu;	/* 0: no verified route */
	bool heard;		/* the remote module answered */
	uint32_t pcx_count;
};

struct dgram {
	unsigned char *buf;
	size_t len;
	struct dgram *next;
};

static struct {
	struct fake_vpc vpcs[MAX_VPCS];
	struct fake_pcx pcxs[MAX_PCXS];
	unsigned int next_vpc, next_pcx;
	struct fake_region regions[MAX_REGIONS];
	uint64_t unknown_region_drops;	/* VPCPEER_A_RX_DROP_UNKNOWN_REGION */

	/* faults */
	bool merge;		/* the reply and its ACK in one datagram */
	int per_dgram;		/* dump messages per datagram (0: 1) */
	int dump_intr;		/* dumps to mark NLM_F_DUMP_INTR */
	bool uncapped;		/* errors echo the request */
	const char *warning;	/* an extack message on ACKs */
	int dump_error;		/* NLMSG_DONE carries this error */
	bool no_family;		/* the controller does not know vpcpeer */
	bool silent;		/* answer nothing: the socket "closes" */
	bool bad_reply;		/* VPC replies lack their id */
	uint8_t force_state;	/* peering replies say this state (if set) */
	bool not_requester;	/* the caller may not act for the requester's
				 * owner: a delete is the accepter's */
	bool r14;		/* sides carry ALLOW_DNS and TAG (issue 5) */
	bool no_group;		/* the family has no "events" group */
	int join_error;		/* nl_socket_add_membership() fails so */
	int garble_request;	/* request number N (of requests) is
				 * answered without its VPC id */
	int silent_request;	/* request number N is not answered */

	/* monitor: events queued once the group is joined; SIGTERM once read */
	struct nl_msg *events[16];
	int nevents;
	bool stop_when_read;
	uint32_t joined;	/* the group joined */
	bool dry;		/* the request being handled is a dry run */

	/* what the tool did */
	int sockets;		/* sockets it opened */
	int lookups;		/* CTRL_CMD_GETFAMILY requests by name */
	int ctrl_dumps;		/* dumps of every family */
	int requests;
	uint8_t last_cmd;
	uint16_t last_flags;
	bool last_dry_run;	/* it carried VPCPEER_A_DRY_RUN */
	/* the accepter nest of the last PCX_REQUEST, as sent */
	bool acc_has_id;
	uint32_t acc_id;
	char acc_name[VPCPEER_NAME_MAX];
	char acc_region[VPCPEER_REGION_NAME_MAX];

	struct dgram *queue, **tail;
} fk;

static const uint32_t vpc_ids[] = { 0x0a1b2c3d, 0x99887766, 0x00c0ffee,
				      0x0000beef };
static const uint32_t pcx_ids[] = { 0x11223344, 0x55667788, 0x0badcafe };

/* Drops what a socket left unread, as closing it would. */
static void fake_drain(void)
{
	struct dgram *d, *next;

	for (d = fk.queue; d; d = next) {
		next = d->next;
		free(d->buf);
		free(d);
	}
	fk.queue = NULL;
	fk.tail = &fk.queue;
}

static void fake_reset(void)
{
	int i;

	fake_drain();
	for (i = 0; i < fk.nevents; i++)
		nlmsg_free(fk.events[i]);
	memset(&fk, 0, sizeof(fk));
	fk.tail = &fk.queue;
}

/* --- the fake kernel: datagrams ------------------------------------------- */

/* Messages waiting to go out, grouped into datagrams by flush(). */
struct batch {
	struct nl_msg *m[64];
	int n;
};

static void batch_add(struct batch *b, struct nl_msg *m)
{
	assert_true(b->n < (int)ARRAY_SIZE(b->m));
	b->m[b->n++] = m;
}

/* Queues the batch, per messages a datagram (0: all in one). */
static void flush(struct batch *b, int per)
{
	struct dgram *d = NULL;
	int i;

	for (i = 0; i < b->n; i++) {
		struct nlmsghdr *h = nlmsg_hdr(b->m[i]);
		size_t len = NLMSG_ALIGN(h->nlmsg_len);

		if (!d || (per && i % per == 0)) {
			d = calloc(1, sizeof(*d));
			assert_non_null(d);
			*fk.tail = d;
			fk.tail = &d->next;
		}
		d->buf = realloc(d->buf, d->len + len);
		assert_non_null(d->buf);
		memset(d->buf + d->len, 0, len);
		memcpy(d->buf + d->len, h, h->nlmsg_len);
		d->len += len;
		nlmsg_free(b->m[i]);
	}
	b->n = 0;
}

static struct nl_msg *answer(const struct nlmsghdr *req, int type, int flags)
{
	struct nl_msg *m = nlmsg_alloc_size(16384);

	assert_non_null(m);
	assert_non_null(nlmsg_put(m, req->nlmsg_pid, req->nlmsg_seq, type, 0,
				  flags));
	return m;
}

static struct nl_msg *genl_answer(const struct nlmsghdr *req, int family,
				  uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc_size(16384);

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, req->nlmsg_pid, req->nlmsg_seq, family,
				    0, flags, cmd, 1));
	return m;
}

/* NLMSG_ERROR as netlink_ack() makes it: error 0 is the ACK. */
static struct nl_msg *ack(const struct nlmsghdr *req, int error,
			  const char *ext_msg)
{
	bool capped = !error || !fk.uncapped;
	struct nlmsgerr e = { .error = error, .msg = *req };
	struct nl_msg *m;

	/* The warning is the module's; the controller has none. */
	if (!error && req->nlmsg_type != GENL_ID_CTRL)
		ext_msg = fk.warning;
	m = answer(req, NLMSG_ERROR, (capped ? NLM_F_CAPPED : 0) |
				      (ext_msg ? NLM_F_ACK_TLVS : 0));
	assert_int_equal(nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped)
		assert_int_equal(nlmsg_append(m, (void *)(req + 1),
					      req->nlmsg_len - NLMSG_HDRLEN,
					      NLMSG_ALIGNTO), 0);
	if (ext_msg) {
		nla_put_string(m, NLMSGERR_ATTR_MSG, ext_msg);
		nla_put_u32(m, NLMSGERR_ATTR_OFFS, NLMSG_HDRLEN + GENL_HDRLEN);
	}
	return m;
}

static void send_error(const struct nlmsghdr *req, int error,
		       const char *ext_msg)
{
	struct batch b = { .n = 0 };

	batch_add(&b, ack(req, error, ext_msg));
	flush(&b, 0);
}

/* --- the fake kernel: strict attribute checks ----------------------------- */

enum kind { K_NONE, K_U8, K_U16, K_U32, K_STRING, K_NEST, K_ADDR, K_FLAG };

/*
 * As the kernel's strict genl validation: known types only, nests flagged
 * NLA_F_NESTED and nothing else flagged, exact sizes. Returns NULL or why.
 */
static const char *strict(struct nlattr **tb, int max, const enum kind *kinds,
			  struct nlattr *head, int len)
{
	struct nlattr *a;
	int rem, t;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	nla_for_each_attr(a, head, len, rem) {
		t = nla_type(a);
		if (t < 1 || t > max || kinds[t] == K_NONE)
			return "fake: unknown attribute type";
		if (!!(a->nla_type & NLA_F_NESTED) != (kinds[t] == K_NEST))
			return "fake: NLA_F_NESTED wrong";
		if ((kinds[t] == K_U8 && nla_len(a) != 1) ||
		    (kinds[t] == K_U16 && nla_len(a) != 2) ||
		    (kinds[t] == K_FLAG && nla_len(a) != 0) ||
		    (kinds[t] == K_U32 && nla_len(a) != 4) ||
		    (kinds[t] == K_ADDR && nla_len(a) != 4 && nla_len(a) != 16))
			return "fake: attribute of the wrong size";
		if (kinds[t] == K_STRING &&
		    (nla_len(a) < 1 ||
		     memchr(nla_data(a), '\0', nla_len(a)) !=
			     (char *)nla_data(a) + nla_len(a) - 1))
			return "fake: string without its NUL";
		if (kinds[t] != K_NEST && kinds[t] != K_ADDR && tb[t] &&
		    t != VPCPEER_A_VPC_CIDR)
			return "fake: attribute given twice";
		tb[t] = a;
	}
	return rem ? "fake: trailing bytes" : NULL;
}

static const enum kind top_kinds[] = {
	[VPCPEER_A_VPC] = K_NEST, [VPCPEER_A_PCX] = K_NEST,
	[VPCPEER_A_DRY_RUN] = K_FLAG, [VPCPEER_A_REGION] = K_NEST,
};
/* A request's: the attributes only replies carry are refused. */
static const enum kind region_kinds[] = {
	[VPCPEER_A_REGION_NAME] = K_STRING,
	[VPCPEER_A_REGION_REMOTE_ADDR] = K_ADDR,
	[VPCPEER_A_REGION_REMOTE_PORT] = K_U16,
	[VPCPEER_A_REGION_LOCAL_ADDR] = K_ADDR,
};
static const enum kind vpc_kinds[] = {
	[VPCPEER_A_VPC_ID] = K_U32, [VPCPEER_A_VPC_NAME] = K_STRING,
	[VPCPEER_A_VPC_NETNS_FD] = K_U32, [VPCPEER_A_VPC_CIDR] = K_NEST,
};
static const enum kind cidr_kinds[] = {
	[VPCPEER_A_CIDR_ADDR] = K_ADDR, [VPCPEER_A_CIDR_PREFIXLEN] = K_U8,
};
static const enum kind pcx_kinds[] = {
	[VPCPEER_A_PCX_ID] = K_U32, [VPCPEER_A_PCX_REQUESTER] = K_NEST,
	[VPCPEER_A_PCX_ACCEPTER] = K_NEST,
};
static const enum kind side_kinds[] = {
	[VPCPEER_A_SIDE_VPC_ID] = K_U32, [VPCPEER_A_SIDE_VPC_NAME] = K_STRING,
	[VPCPEER_A_SIDE_ALLOW_DNS] = K_U8, [VPCPEER_A_SIDE_TAG] = K_STRING,
	[VPCPEER_A_SIDE_REGION] = K_STRING,
};

/* --- the fake kernel: VPCs ------------------------------------------------ */

/* @n CIDR nests of type @type { ADDR, PREFIXLEN }. */
static void put_cidrs(struct nl_msg *m, int type, const struct prefix *p,
		      size_t n)
{
	struct nlattr *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = nla_nest_start(m, type);
		nla_put(m, VPCPEER_A_CIDR_ADDR, p[i].family == AF_INET ? 4 : 16,
			p[i].addr);
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, p[i].len);
		nla_nest_end(m, c);
	}
}

static void put_vpc(struct nl_msg *m, const struct fake_vpc *v)
{
	struct nlattr *vpc = nla_nest_start(m, VPCPEER_A_VPC);

	if (!fk.bad_reply &&
	    !(fk.garble_request && fk.requests == fk.garble_request))
		nla_put_u32(m, VPCPEER_A_VPC_ID, v->id);
	nla_put_string(m, VPCPEER_A_VPC_NAME, v->name);
	nla_put_s32(m, VPCPEER_A_VPC_NETNSID, v->netnsid);
	put_cidrs(m, VPCPEER_A_VPC_CIDR, v->cidrs, v->ncidrs);
	/* What a newer module might add: the tool must skip it. */
	nla_put_u32(m, VPCPEER_A_VPC_MAX + 1, 1);
	nla_nest_end(m, vpc);
}

static struct fake_vpc *vpc_find(struct nlattr *id, struct nlattr *name)
{
	unsigned int i;

	for (i = 0; i < MAX_VPCS; i++) {
		struct fake_vpc *v = &fk.vpcs[i];

		if (!v->used)
			continue;
		if (id ? v->id == nla_get_u32(id) :
			 name && !strcmp(v->name, nla_data(name)))
			return v;
	}
	return NULL;
}

static const char *cidr_read(struct nlattr *a, struct prefix *p)
{
	struct nlattr *tb[VPCPEER_A_CIDR_MAX + 1];
	const char *why;

	why = strict(tb, VPCPEER_A_CIDR_MAX, cidr_kinds, nla_data(a),
		     nla_len(a));
	if (why)
		return why;
	if (!tb[VPCPEER_A_CIDR_ADDR] || !tb[VPCPEER_A_CIDR_PREFIXLEN])
		return "fake: CIDR incomplete";
	memset(p, 0, sizeof(*p));
	p->family = nla_len(tb[VPCPEER_A_CIDR_ADDR]) == 4 ? AF_INET : AF_INET6;
	memcpy(p->addr, nla_data(tb[VPCPEER_A_CIDR_ADDR]),
	       nla_len(tb[VPCPEER_A_CIDR_ADDR]));
	p->len = nla_get_u8(tb[VPCPEER_A_CIDR_PREFIXLEN]);
	return NULL;
}

static bool overlap(const struct prefix *a, const struct prefix *b)
{
	unsigned int bits = a->len < b->len ? a->len : b->len, i;

	if (a->family != b->family)
		return false;
	for (i = 0; i < bits; i++)
		if ((a->addr[i / 8] ^ b->addr[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static void vpc_reply(const struct nlmsghdr *req, const struct fake_vpc *v)
{
	struct batch b = { .n = 0 };
	struct nl_msg *m;

	/* A dry run is acknowledged, with nothing to show. */
	if (fk.dry)
		return send_error(req, 0, NULL);
	m = genl_answer(req, FAKE_FAMILY, VPCPEER_CMD_VPC_GET, 0);

	put_vpc(m, v);
	batch_add(&b, m);
	batch_add(&b, ack(req, 0, NULL));
	flush(&b, fk.merge ? 0 : 1);
}

static void vpc_new(const struct nlmsghdr *req, struct nlattr **vtb,
		    struct nlattr *vpc)
{
	struct fake_vpc *v = NULL;
	struct nlattr *a;
	unsigned int i;
	const char *why;
	char msg[128];
	int rem, fd;

	if (!vtb[VPCPEER_A_VPC_NAME] || vtb[VPCPEER_A_VPC_ID])
		return send_error(req, -EINVAL, "fake: VPC_NEW wants a name and no id");
	if (vpc_find(NULL, vtb[VPCPEER_A_VPC_NAME])) {
		snprintf(msg, sizeof(msg), "VPC name \"%s\" is taken",
			 (char *)nla_data(vtb[VPCPEER_A_VPC_NAME]));
		return send_error(req, -EEXIST, msg);
	}
	for (i = 0; i < MAX_VPCS && !v; i++)
		if (!fk.vpcs[i].used)
			v = &fk.vpcs[i];
	assert_non_null(v);
	memset(v, 0, sizeof(*v));
	v->netnsid = -1;
	if (vtb[VPCPEER_A_VPC_NETNS_FD]) {
		fd = nla_get_u32(vtb[VPCPEER_A_VPC_NETNS_FD]);
		if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
			return send_error(req, -EINVAL,
					  "fake: NETNS_FD is not a netns");
		v->netnsid = 0;
	}
	nla_for_each_nested(a, vpc, rem) {
		if (nla_type(a) != VPCPEER_A_VPC_CIDR)
			continue;
		assert_true(v->ncidrs < MAX_CIDRS);
		why = cidr_read(a, &v->cidrs[v->ncidrs++]);
		if (why)
			return send_error(req, -EINVAL, why);
	}
	if (!v->ncidrs)
		return send_error(req, -EINVAL, "fake: a VPC needs a CIDR block");
	v->used = true;
	v->id = vpc_ids[fk.next_vpc++ % ARRAY_SIZE(vpc_ids)];
	snprintf(v->name, sizeof(v->name), "%s",
		 (char *)nla_data(vtb[VPCPEER_A_VPC_NAME]));
	vpc_reply(req, v);
}

static void vpc_cidr(const struct nlmsghdr *req, uint8_t cmd,
		     struct fake_vpc *v, struct nlattr *vpc)
{
	struct nlattr *a, *cidr = NULL;
	struct prefix p;
	const char *why;
	size_t i;
	int rem, n = 0;

	nla_for_each_nested(a, vpc, rem) {
		if (nla_type(a) == VPCPEER_A_VPC_CIDR) {
			cidr = a;
			n++;
		}
	}
	if (n != 1)
		return send_error(req, -EINVAL, "fake: exactly one CIDR");
	why = cidr_read(cidr, &p);
	if (why)
		return send_error(req, -EINVAL, why);
	for (i = 0; i < v->ncidrs; i++)
		if (v->cidrs[i].family == p.family &&
		    v->cidrs[i].len == p.len &&
		    !memcmp(v->cidrs[i].addr, p.addr, 16))
			break;
	if (cmd == VPCPEER_CMD_VPC_CIDR_ADD) {
		if (i < v->ncidrs)
			return send_error(req, -EEXIST, "CIDR block already in the VPC");
		v->cidrs[v->ncidrs++] = p;
	} else {
		if (i == v->ncidrs)
			return send_error(req, -ENOENT, "no such CIDR block in the VPC");
		v->cidrs[i] = v->cidrs[--v->ncidrs];
	}
	vpc_reply(req, v);
}

/* Every message of a dump, then NLMSG_DONE, as netlink_dump() sends them. */
static void dump_done(const struct nlmsghdr *req, struct batch *b)
{
	int intr = fk.dump_intr > 0 ? NLM_F_DUMP_INTR : 0;
	struct nl_msg *done;
	int i, error = fk.dump_error;

	if (fk.dump_intr > 0)
		fk.dump_intr--;
	for (i = 0; i < b->n; i++)
		nlmsg_hdr(b->m[i])->nlmsg_flags |= intr;
	done = answer(req, NLMSG_DONE, NLM_F_MULTI | intr |
			(error ? NLM_F_ACK_TLVS : 0));
	nlmsg_append(done, &error, sizeof(error), NLMSG_ALIGNTO);
	if (error)
		nla_put_string(done, NLMSGERR_ATTR_MSG, "fake: dump refused");
	batch_add(b, done);
	flush(b, fk.per_dgram ? fk.per_dgram : 1);
}

static void vpc_cmd(const struct nlmsghdr *req, uint8_t cmd,
		    struct nlattr *vpc)
{
	struct nlattr *vtb[VPCPEER_A_VPC_MAX + 1];
	struct batch b = { .n = 0 };
	struct fake_vpc *v;
	struct nl_msg *m;
	unsigned int i;
	const char *why;

	if (cmd == VPCPEER_CMD_VPC_GET && (req->nlmsg_flags & NLM_F_DUMP)) {
		for (i = 0; i < MAX_VPCS; i++) {
			if (!fk.vpcs[i].used)
				continue;
			m = genl_answer(req, FAKE_FAMILY, cmd, NLM_F_MULTI);
			put_vpc(m, &fk.vpcs[i]);
			batch_add(&b, m);
		}
		return dump_done(req, &b);
	}
	if (!vpc)
		return send_error(req, -EINVAL, "fake: no VPC nest");
	why = strict(vtb, VPCPEER_A_VPC_MAX, vpc_kinds, nla_data(vpc),
		     nla_len(vpc));
	if (why)
		return send_error(req, -EINVAL, why);
	if (cmd == VPCPEER_CMD_VPC_NEW)
		return vpc_new(req, vtb, vpc);
	if (vtb[VPCPEER_A_VPC_NETNS_FD])
		return send_error(req, -EINVAL, "fake: NETNS_FD out of place");
	v = vpc_find(vtb[VPCPEER_A_VPC_ID], vtb[VPCPEER_A_VPC_NAME]);
	if (!v)
		return send_error(req, -ENOENT, "no such VPC");
	if (!strcmp(v->name, "locked"))
		return send_error(req, -EPERM, NULL);
	switch (cmd) {
	case VPCPEER_CMD_VPC_GET:
		return vpc_reply(req, v);
	case VPCPEER_CMD_VPC_DEL:
		for (i = 0; i < MAX_PCXS; i++)
			if (fk.pcxs[i].requester == v->id ||
			    fk.pcxs[i].accepter == v->id)
				fk.pcxs[i].used = false;
		v->used = false;
		return send_error(req, 0, NULL);
	default:
		return vpc_cidr(req, cmd, v, vpc);
	}
}

/* --- the fake kernel: peerings -------------------------------------------- */

static struct fake_region *region_find(const char *name);

/* The id region b's module gives the VPC a request names there. */
#define REMOTE_VPC_ID	0x1a2b3c4d

static void put_side(struct nl_msg *m, int attr, const struct fake_pcx *x,
		     uint32_t vpc_id, const char *name, uint32_t ifindex,
		     uint64_t base)
{
	struct nlattr *side = nla_nest_start(m, attr), *st;
	char ifname[IFNAMSIZ];
	int a;

	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, vpc_id);
	nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, name);
	if (x->state == VPCPEER_PCX_STATE_ACTIVE) {
		snprintf(ifname, sizeof(ifname), "pcx-%08x", x->id);
		nla_put_u32(m, VPCPEER_A_SIDE_IFINDEX, ifindex);
		nla_put_string(m, VPCPEER_A_SIDE_IFNAME, ifname);
	}
	st = nla_nest_start(m, VPCPEER_A_SIDE_STATS);
	for (a = VPCPEER_A_STATS_TX_PACKETS; a <= VPCPEER_A_STATS_MAX; a++)
		nla_put_u64(m, a, a == VPCPEER_A_STATS_DROP_DST_NOT_IN_PEER ?
				  3 : base * (a <= VPCPEER_A_STATS_RX_BYTES) *
				  (a % 2 ? 84 : 1));
	nla_nest_end(m, st);
	if (fk.r14) {
		int i = attr == VPCPEER_A_PCX_ACCEPTER;

		nla_put_u8(m, VPCPEER_A_SIDE_ALLOW_DNS, x->allow_dns[i]);
		if (x->tag[i][0])
			nla_put_string(m, VPCPEER_A_SIDE_TAG, x->tag[i]);
	}
	nla_nest_end(m, side);
}

/* The accepter in another region: its id, region and blocks, no more. */
static void put_remote_side(struct nl_msg *m, const struct fake_pcx *x)
{
	struct nlattr *side = nla_nest_start(m, VPCPEER_A_PCX_ACCEPTER);

	nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, x->accepter);
	nla_put_string(m, VPCPEER_A_SIDE_REGION, x->acc_region);
	put_cidrs(m, VPCPEER_A_SIDE_CIDR, x->acc_cidrs, x->acc_ncidrs);
	nla_nest_end(m, side);
}

static void put_pcx(struct nl_msg *m, const struct fake_pcx *x)
{
	struct nlattr *pcx = nla_nest_start(m, VPCPEER_A_PCX), *c;

	nla_put_u32(m, VPCPEER_A_PCX_ID, x->id);
	nla_put_u8(m, VPCPEER_A_PCX_STATE,
		   fk.force_state ? fk.force_state : x->state);
	/* As the module: always the reason, and for an overlap the block. */
	nla_put_u8(m, VPCPEER_A_PCX_REASON, x->reason);
	if (x->reason == VPCPEER_PCX_REASON_OVERLAP) {
		c = nla_nest_start(m, VPCPEER_A_PCX_REASON_CIDR);
		nla_put(m, VPCPEER_A_CIDR_ADDR,
			x->overlap.family == AF_INET ? 4 : 16, x->overlap.addr);
		nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, x->overlap.len);
		nla_nest_end(m, c);
	}
	put_side(m, VPCPEER_A_PCX_REQUESTER, x, x->requester, x->req_name, 5,
		 12);
	if (x->acc_region[0])
		put_remote_side(m, x);
	else
		put_side(m, VPCPEER_A_PCX_ACCEPTER, x, x->accepter, x->acc_name,
			 7, 12);
	nla_nest_end(m, pcx);
}

static void pcx_reply(const struct nlmsghdr *req, const struct fake_pcx *x)
{
	struct genlmsghdr *g = nlmsg_data(req);
	struct batch b = { .n = 0 };
	struct fake_pcx would;
	struct nl_msg *m;

	/* A dry run: a request shows what it would make, with id 0. */
	if (fk.dry && g->cmd != VPCPEER_CMD_PCX_REQUEST)
		return send_error(req, 0, NULL);
	if (fk.dry) {
		would = *x;
		would.id = 0;
		x = &would;
	}
	m = genl_answer(req, FAKE_FAMILY, VPCPEER_CMD_PCX_GET, 0);
	put_pcx(m, x);
	batch_add(&b, m);
	batch_add(&b, ack(req, 0, NULL));
	flush(&b, fk.merge ? 0 : 1);
}

/*
 * A side of a request: its VPC, here; or with a region (the accepter's
 * only) NULL, and the region in *region, the VPC being that region's.
 */
static const char *side_vpc(struct nlattr *a, bool accepter,
			    struct fake_vpc **v, const char **region)
{
	struct nlattr *tb[VPCPEER_A_SIDE_MAX + 1];
	const char *why;

	why = strict(tb, VPCPEER_A_SIDE_MAX, side_kinds, nla_data(a),
		     nla_len(a));
	if (why)
		return why;
	*v = NULL;
	*region = NULL;
	if (tb[VPCPEER_A_SIDE_REGION] && !accepter)
		return "fake: a region on the requester";
	if (tb[VPCPEER_A_SIDE_ALLOW_DNS] || tb[VPCPEER_A_SIDE_TAG])
		return "fake: options in a request";
	if (accepter) {
		fk.acc_has_id = tb[VPCPEER_A_SIDE_VPC_ID];
		fk.acc_id = fk.acc_has_id ?
			    nla_get_u32(tb[VPCPEER_A_SIDE_VPC_ID]) : 0;
		snprintf(fk.acc_name, sizeof(fk.acc_name), "%s",
			 tb[VPCPEER_A_SIDE_VPC_NAME] ?
			 (char *)nla_data(tb[VPCPEER_A_SIDE_VPC_NAME]) : "");
		snprintf(fk.acc_region, sizeof(fk.acc_region), "%s",
			 tb[VPCPEER_A_SIDE_REGION] ?
			 (char *)nla_data(tb[VPCPEER_A_SIDE_REGION]) : "");
	}
	if (tb[VPCPEER_A_SIDE_REGION]) {
		if (!tb[VPCPEER_A_SIDE_VPC_ID] && !tb[VPCPEER_A_SIDE_VPC_NAME])
			return "fake: no VPC in the region";
		*region = nla_data(tb[VPCPEER_A_SIDE_REGION]);
		return region_find(*region) ? NULL : "no such region";
	}
	*v = vpc_find(tb[VPCPEER_A_SIDE_VPC_ID], tb[VPCPEER_A_SIDE_VPC_NAME]);
	return *v ? NULL : "no such VPC";
}

/*
 * A request across regions: made "initiating-request" until the other
 * region answers, which a test plays by changing the fake's state.
 */
static void pcx_request_remote(const struct nlmsghdr *req,
			       struct fake_pcx *x, const char *region)
{
	x->state = VPCPEER_PCX_STATE_INITIATING_REQUEST;
	x->accepter = fk.acc_has_id ? fk.acc_id : REMOTE_VPC_ID;
	snprintf(x->acc_region, sizeof(x->acc_region), "%s", region);
	pcx_reply(req, x);
}

static void pcx_request(const struct nlmsghdr *req, struct nlattr **ptb)
{
	struct fake_vpc *r, *a = NULL;
	struct fake_pcx *x = NULL;
	const char *why, *region = NULL, *none;
	unsigned int i;
	size_t j, k;

	if (!ptb[VPCPEER_A_PCX_REQUESTER] || !ptb[VPCPEER_A_PCX_ACCEPTER] ||
	    ptb[VPCPEER_A_PCX_ID])
		return send_error(req, -EINVAL, "fake: REQUEST wants two sides");
	why = side_vpc(ptb[VPCPEER_A_PCX_REQUESTER], false, &r, &none);
	if (!why)
		why = side_vpc(ptb[VPCPEER_A_PCX_ACCEPTER], true, &a, &region);
	if (why)
		return send_error(req, strncmp(why, "fake", 4) ? -ENOENT :
								 -EINVAL, why);
	if (r == a)
		return send_error(req, -EINVAL, "a VPC cannot peer with itself");
	for (i = 0; i < MAX_PCXS && !x; i++)
		if (!fk.pcxs[i].used)
			x = &fk.pcxs[i];
	assert_non_null(x);
	*x = (struct fake_pcx){
		.used = true,
		.id = pcx_ids[fk.next_pcx++ % ARRAY_SIZE(pcx_ids)],
		.state = VPCPEER_PCX_STATE_PENDING_ACCEPTANCE,
		.reason = VPCPEER_PCX_REASON_REQUESTED,
		.requester = r->id,
	};
	snprintf(x->req_name, sizeof(x->req_name), "%s", r->name);
	if (region)
		return pcx_request_remote(req, x, region);
	x->accepter = a->id;
	snprintf(x->acc_name, sizeof(x->acc_name), "%s", a->name);
	for (j = 0; j < r->ncidrs; j++) {
		for (k = 0; k < a->ncidrs; k++) {
			if (!overlap(&r->cidrs[j], &a->cidrs[k]))
				continue;
			/* The requester's block is the one named. */
			x->state = VPCPEER_PCX_STATE_FAILED;
			x->reason = VPCPEER_PCX_REASON_OVERLAP;
			x->overlap = r->cidrs[j];
			return pcx_reply(req, x);
		}
	}
	pcx_reply(req, x);
}

/* PCX_SET: the options of the sides given; NULL or why not. */
static const char *pcx_set(struct fake_pcx *x, struct nlattr **ptb)
{
	struct nlattr *tb[VPCPEER_A_SIDE_MAX + 1];
	bool any = false;
	const char *why;
	int i;

	if (x->state != VPCPEER_PCX_STATE_ACTIVE)
		return "options can be set only while the peering connection is active";
	for (i = 0; i < 2; i++) {
		struct nlattr *side = ptb[VPCPEER_A_PCX_REQUESTER + i];

		if (!side)
			continue;
		why = strict(tb, VPCPEER_A_SIDE_MAX, side_kinds, nla_data(side),
			     nla_len(side));
		if (why)
			return why;
		if (tb[VPCPEER_A_SIDE_VPC_ID] || tb[VPCPEER_A_SIDE_VPC_NAME] ||
		    tb[VPCPEER_A_SIDE_REGION])
			return "fake: PCX_SET names no VPC";
		if (tb[VPCPEER_A_SIDE_ALLOW_DNS]) {
			if (nla_get_u8(tb[VPCPEER_A_SIDE_ALLOW_DNS]) > 1)
				return "fake: ALLOW_DNS is 0 or 1";
			any = true;
			if (!fk.dry)
				x->allow_dns[i] = nla_get_u8(tb[VPCPEER_A_SIDE_ALLOW_DNS]);
		}
		if (tb[VPCPEER_A_SIDE_TAG]) {
			if (nla_len(tb[VPCPEER_A_SIDE_TAG]) > VPCPEER_TAG_MAX)
				return "fake: TAG too long";
			any = true;
			if (!fk.dry)
				snprintf(x->tag[i], sizeof(x->tag[i]), "%s",
					 (char *)nla_data(tb[VPCPEER_A_SIDE_TAG]));
		}
	}
	return any ? NULL : "fake: nothing to set";
}

static void pcx_cmd(const struct nlmsghdr *req, uint8_t cmd,
		    struct nlattr *pcx)
{
	struct nlattr *ptb[VPCPEER_A_PCX_MAX + 1];
	struct batch b = { .n = 0 };
	struct fake_pcx *x = NULL;
	struct nl_msg *m;
	unsigned int i;
	const char *why;

	if (cmd == VPCPEER_CMD_PCX_GET && (req->nlmsg_flags & NLM_F_DUMP)) {
		for (i = 0; i < MAX_PCXS; i++) {
			if (!fk.pcxs[i].used)
				continue;
			m = genl_answer(req, FAKE_FAMILY, cmd, NLM_F_MULTI);
			put_pcx(m, &fk.pcxs[i]);
			batch_add(&b, m);
		}
		return dump_done(req, &b);
	}
	if (!pcx)
		return send_error(req, -EINVAL, "fake: no PCX nest");
	why = strict(ptb, VPCPEER_A_PCX_MAX, pcx_kinds, nla_data(pcx),
		     nla_len(pcx));
	if (why)
		return send_error(req, -EINVAL, why);
	if (cmd == VPCPEER_CMD_PCX_REQUEST)
		return pcx_request(req, ptb);
	if (!ptb[VPCPEER_A_PCX_ID] ||
	    (cmd != VPCPEER_CMD_PCX_SET && (ptb[VPCPEER_A_PCX_REQUESTER] ||
					    ptb[VPCPEER_A_PCX_ACCEPTER])))
		return send_error(req, -EINVAL, "fake: wants the id alone");
	for (i = 0; i < MAX_PCXS && !x; i++)
		if (fk.pcxs[i].used &&
		    fk.pcxs[i].id == nla_get_u32(ptb[VPCPEER_A_PCX_ID]))
			x = &fk.pcxs[i];
	if (!x)
		return send_error(req, -ENOENT, "no such peering connection");
	/* As the module: the accepter's region accepts or rejects. */
	if (x->acc_region[0] && (cmd == VPCPEER_CMD_PCX_ACCEPT ||
				 cmd == VPCPEER_CMD_PCX_REJECT))
		return send_error(req, -EPERM,
				  "the accepter VPC is in another region: accept or reject the peering connection there");
	switch (cmd) {
	case VPCPEER_CMD_PCX_ACCEPT:
		if (x->state != VPCPEER_PCX_STATE_PENDING_ACCEPTANCE)
			return send_error(req, -EINVAL,
					  "the peering connection is not pending acceptance");
		/* Provisioning passes at once: the devices are made. */
		x->state = VPCPEER_PCX_STATE_ACTIVE;
		x->reason = VPCPEER_PCX_REASON_PROVISIONED;
		break;
	case VPCPEER_CMD_PCX_REJECT:
		x->state = VPCPEER_PCX_STATE_REJECTED;
		x->reason = VPCPEER_PCX_REASON_REJECTED;
		break;
	case VPCPEER_CMD_PCX_DEL:
		/* As the module: for the requester, if the caller may. */
		x->state = VPCPEER_PCX_STATE_DELETED;
		x->reason = fk.not_requester ?
			    VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER :
			    VPCPEER_PCX_REASON_DELETED_BY_REQUESTER;
		break;
	case VPCPEER_CMD_PCX_SET:
		why = pcx_set(x, ptb);
		if (why)
			return send_error(req, -EINVAL, why);
		break;
	}
	pcx_reply(req, x);
}

/* --- the fake kernel: regions -------------------------------------------- */

static void put_region(struct nl_msg *m, const struct fake_region *r,
		       bool gone)
{
	struct nlattr *nest, *st;
	int alen = r->family == AF_INET ? 4 : 16, a;

	nest = nla_nest_start(m, VPCPEER_A_REGION);
	nla_put_string(m, VPCPEER_A_REGION_NAME, r->name);
	if (gone) {
		nla_nest_end(m, nest);
		return;
	}
	nla_put(m, VPCPEER_A_REGION_REMOTE_ADDR, alen, r->remote);
	nla_put_u16(m, VPCPEER_A_REGION_REMOTE_PORT, r->port);
	nla_put(m, VPCPEER_A_REGION_LOCAL_ADDR, alen, r->local);
	nla_put_u8(m, VPCPEER_A_REGION_STATE, r->state);
	nla_put_u8(m, VPCPEER_A_REGION_UNDERLAY, r->underlay);
	nla_put_u32(m, VPCPEER_A_REGION_PCX_COUNT, r->pcx_count);
	if (r->inner_mtu) {
		nla_put_string(m, VPCPEER_A_REGION_UNDERLAY_IFNAME, "wg0");
		nla_put_u32(m, VPCPEER_A_REGION_INNER_MTU, r->inner_mtu);
	}
	if (r->heard) {
		nla_put_string(m, VPCPEER_A_REGION_PEER_NAME, r->name);
		nla_put_u64(m, VPCPEER_A_REGION_PEER_EPOCH, 0x5c1e00000000009aULL);
		nla_put_u32(m, VPCPEER_A_REGION_LAST_RX_MS, 1234);
	}
	/* What a newer module might add: the tool must skip it. */
	nla_put_u32(m, VPCPEER_A_REGION_MAX + 1, 1);
	st = nla_nest_start(m, VPCPEER_A_REGION_STATS);
	for (a = VPCPEER_A_RSTATS_TX_PACKETS; a <= VPCPEER_A_RSTATS_MAX; a++)
		nla_put_u64(m, a, r->heard ? 100 + a : 0);
	nla_nest_end(m, st);
	nla_nest_end(m, nest);
}

/* A reply or dump message of a region, with the module-wide counter. */
static struct nl_msg *region_msg(const struct nlmsghdr *req, uint8_t cmd,
				 int flags, const struct fake_region *r)
{
	struct nl_msg *m = genl_answer(req, FAKE_FAMILY, cmd, flags);

	put_region(m, r, false);
	nla_put_u64(m, VPCPEER_A_RX_DROP_UNKNOWN_REGION,
		    fk.unknown_region_drops);
	return m;
}

static void region_reply(const struct nlmsghdr *req, uint8_t cmd,
			 const struct fake_region *r)
{
	struct batch b = { .n = 0 };

	/* A dry run only acknowledges, as the module's only_check(). */
	if (fk.dry)
		return send_error(req, 0, NULL);
	batch_add(&b, region_msg(req, cmd, 0, r));
	batch_add(&b, ack(req, 0, NULL));
	flush(&b, fk.merge ? 0 : 1);
}

static struct fake_region *region_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < MAX_REGIONS; i++)
		if (fk.regions[i].used && !strcmp(fk.regions[i].name, name))
			return &fk.regions[i];
	return NULL;
}

/* The route the module would verify to r's remote address. */
static void region_verify(struct fake_region *r)
{
	static const uint8_t unencrypted[3] = { 192, 0, 2 };
	static const uint8_t small_mtu[3] = { 198, 51, 100 };

	r->state = VPCPEER_REGION_STATE_CONNECTING;
	r->underlay = VPCPEER_UNDERLAY_WIREGUARD;
	r->inner_mtu = r->family == AF_INET ? 8884 : 8864;
	if (r->family == AF_INET && !memcmp(r->remote, small_mtu, 3))
		r->inner_mtu = 1384;
	if (r->family == AF_INET && !memcmp(r->remote, unencrypted, 3)) {
		r->state = VPCPEER_REGION_STATE_UNENCRYPTED;
		r->underlay = VPCPEER_UNDERLAY_NONE;
		r->inner_mtu = 0;
	}
}

/* The addresses and port of the request onto r; NULL or why not. */
static const char *region_flow(struct fake_region *r, struct nlattr **rtb,
			       int *error)
{
	struct nlattr *ra = rtb[VPCPEER_A_REGION_REMOTE_ADDR];
	struct nlattr *la = rtb[VPCPEER_A_REGION_LOCAL_ADDR];
	int rfam = r->family, lfam = r->family;
	unsigned int i;

	*error = -EINVAL;
	if (ra) {
		rfam = nla_len(ra) == 4 ? AF_INET : AF_INET6;
		memcpy(r->remote, nla_data(ra), nla_len(ra));
	}
	if (la) {
		lfam = nla_len(la) == 4 ? AF_INET : AF_INET6;
		memcpy(r->local, nla_data(la), nla_len(la));
	}
	if (!rfam || !lfam)
		return "a region needs a remote address and a local address";
	if (rfam != lfam)
		return "the remote and local addresses must be of one family";
	r->family = rfam;
	if (rtb[VPCPEER_A_REGION_REMOTE_PORT])
		r->port = nla_get_u16(rtb[VPCPEER_A_REGION_REMOTE_PORT]);
	if (!r->port)
		r->port = 6081;
	for (i = 0; i < MAX_REGIONS; i++) {
		struct fake_region *o = &fk.regions[i];

		if (o->used && strcmp(o->name, r->name) &&
		    o->family == r->family &&
		    !memcmp(o->remote, r->remote, r->family == AF_INET ? 4 : 16)) {
			*error = -EEXIST;
			return "another region has that remote address: packets from it would be whose?";
		}
	}
	region_verify(r);
	return NULL;
}

static void region_cmd(const struct nlmsghdr *req, uint8_t cmd,
		       struct nlattr *nest)
{
	struct nlattr *rtb[VPCPEER_A_REGION_MAX + 1];
	struct batch b = { .n = 0 };
	struct fake_region *r, tmp;
	const char *why, *name;
	unsigned int i;
	int error;

	if (cmd == VPCPEER_CMD_REGION_GET && (req->nlmsg_flags & NLM_F_DUMP)) {
		for (i = 0; i < MAX_REGIONS; i++)
			if (fk.regions[i].used)
				batch_add(&b, region_msg(req, cmd, NLM_F_MULTI,
							 &fk.regions[i]));
		return dump_done(req, &b);
	}
	if (!nest)
		return send_error(req, -EINVAL, "the request has no region attribute");
	why = strict(rtb, VPCPEER_A_REGION_MAX, region_kinds, nla_data(nest),
		     nla_len(nest));
	if (why)
		return send_error(req, -EINVAL, why);
	if (!rtb[VPCPEER_A_REGION_NAME])
		return send_error(req, -EINVAL, "a region is named by its name");
	name = nla_data(rtb[VPCPEER_A_REGION_NAME]);
	r = region_find(name);
	if (cmd == VPCPEER_CMD_REGION_NEW) {
		if (r)
			return send_error(req, -EEXIST, "a region of that name exists");
		memset(&tmp, 0, sizeof(tmp));
		snprintf(tmp.name, sizeof(tmp.name), "%s", name);
		why = region_flow(&tmp, rtb, &error);
		if (why)
			return send_error(req, error, why);
		for (i = 0; i < MAX_REGIONS && !r; i++)
			if (!fk.regions[i].used)
				r = &fk.regions[i];
		assert_non_null(r);
		*r = tmp;
		r->used = true;
		return region_reply(req, cmd, r);
	}
	if (!r)
		return send_error(req, -ENOENT, "no such region");
	switch (cmd) {
	case VPCPEER_CMD_REGION_SET:
		if (!rtb[VPCPEER_A_REGION_REMOTE_ADDR] &&
		    !rtb[VPCPEER_A_REGION_LOCAL_ADDR] &&
		    !rtb[VPCPEER_A_REGION_REMOTE_PORT])
			return send_error(req, -EINVAL,
					  "nothing to change: give a remote address, port or local address");
		tmp = *r;
		why = region_flow(&tmp, rtb, &error);
		if (why)
			return send_error(req, error, why);
		*r = tmp;
		return region_reply(req, cmd, r);
	case VPCPEER_CMD_REGION_DEL:
		if (r->pcx_count)
			return send_error(req, -EBUSY,
					  "live peering connections use the region: delete them first");
		r->used = false;
		return send_error(req, 0, NULL);
	default:
		if (rtb[VPCPEER_A_REGION_REMOTE_ADDR] ||
		    rtb[VPCPEER_A_REGION_LOCAL_ADDR])
			return send_error(req, -EINVAL, "fake: a GET names the region alone");
		return region_reply(req, cmd, r);
	}
}

/* --- the fake kernel: the controller and the hooks ------------------------ */

static void ctrl_dump(const struct nlmsghdr *req)
{
	struct batch b = { .n = 0 };
	struct nl_msg *m;

	fk.ctrl_dumps++;
	m = genl_answer(req, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, NLM_F_MULTI);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	nla_put_u16(m, CTRL_ATTR_FAMILY_ID, GENL_ID_CTRL);
	nla_put_u32(m, CTRL_ATTR_VERSION, 2);
	batch_add(&b, m);
	if (!fk.no_family) {
		m = genl_answer(req, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY,
				NLM_F_MULTI);
		nla_put_string(m, CTRL_ATTR_FAMILY_NAME, VPCPEER_FAMILY_NAME);
		nla_put_u16(m, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
		nla_put_u32(m, CTRL_ATTR_VERSION, VPCPEER_FAMILY_VERSION);
		nla_put_u32(m, CTRL_ATTR_HDRSIZE, 0);
		nla_put_u32(m, CTRL_ATTR_MAXATTR, VPCPEER_A_MAX);
		batch_add(&b, m);
	}
	m = answer(req, NLMSG_DONE, NLM_F_MULTI);
	nlmsg_append(m, &(int){ 0 }, sizeof(int), NLMSG_ALIGNTO);
	batch_add(&b, m);
	flush(&b, 0);
}

/*
 * One request; a dry run is checked all the same, and then everything it
 * changed is put back.
 */
static void fake_dispatch(const struct nlmsghdr *req, uint8_t cmd,
			  struct nlattr **tb)
{
	struct fake_region regions[MAX_REGIONS];
	struct fake_vpc vpcs[MAX_VPCS];
	struct fake_pcx pcxs[MAX_PCXS];
	unsigned int next_vpc = fk.next_vpc, next_pcx = fk.next_pcx;

	fk.dry = fk.last_dry_run;
	memcpy(vpcs, fk.vpcs, sizeof(vpcs));
	memcpy(pcxs, fk.pcxs, sizeof(pcxs));
	memcpy(regions, fk.regions, sizeof(regions));
	if (cmd >= VPCPEER_CMD_VPC_NEW && cmd <= VPCPEER_CMD_VPC_CIDR_DEL &&
	    !tb[VPCPEER_A_PCX])
		vpc_cmd(req, cmd, tb[VPCPEER_A_VPC]);
	else if (cmd >= VPCPEER_CMD_PCX_REQUEST && cmd <= VPCPEER_CMD_PCX_SET &&
		 !tb[VPCPEER_A_VPC])
		pcx_cmd(req, cmd, tb[VPCPEER_A_PCX]);
	else if (cmd >= VPCPEER_CMD_REGION_NEW && cmd <= VPCPEER_CMD_REGION_GET &&
		 !tb[VPCPEER_A_VPC] && !tb[VPCPEER_A_PCX])
		region_cmd(req, cmd, tb[VPCPEER_A_REGION]);
	else
		send_error(req, -EOPNOTSUPP, "fake: unknown command");
	if (fk.dry) {
		memcpy(fk.vpcs, vpcs, sizeof(vpcs));
		memcpy(fk.pcxs, pcxs, sizeof(pcxs));
		memcpy(fk.regions, regions, sizeof(regions));
		fk.next_vpc = next_vpc;
		fk.next_pcx = next_pcx;
	}
	fk.dry = false;
}

/*
 * CTRL_CMD_GETFAMILY by name: the family with its groups, or ENOENT (with
 * no extack message, as the kernel's) when there is no such family.
 */
static void ctrl_get(const struct nlmsghdr *req)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *grps, *g;
	struct batch b = { .n = 0 };
	struct nl_msg *m;

	fk.lookups++;
	assert_int_equal(genlmsg_parse((struct nlmsghdr *)req, 0, tb,
				       CTRL_ATTR_MAX, NULL), 0);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(req))->cmd,
			 CTRL_CMD_GETFAMILY);
	assert_true(req->nlmsg_flags & NLM_F_ACK);
	assert_non_null(tb[CTRL_ATTR_FAMILY_NAME]);
	if (fk.no_family ||
	    strcmp(nla_data(tb[CTRL_ATTR_FAMILY_NAME]), VPCPEER_FAMILY_NAME))
		return send_error(req, -ENOENT, NULL);
	m = genl_answer(req, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 0);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, VPCPEER_FAMILY_NAME);
	nla_put_u16(m, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
	nla_put_u32(m, CTRL_ATTR_VERSION, VPCPEER_FAMILY_VERSION);
	grps = nla_nest_start(m, CTRL_ATTR_MCAST_GROUPS);
	g = nla_nest_start(m, 1);
	nla_put_u32(m, CTRL_ATTR_MCAST_GRP_ID, FAKE_GROUP - 1);
	nla_put_string(m, CTRL_ATTR_MCAST_GRP_NAME, "config");
	nla_nest_end(m, g);
	if (!fk.no_group) {
		g = nla_nest_start(m, 2);
		nla_put_u32(m, CTRL_ATTR_MCAST_GRP_ID, FAKE_GROUP);
		nla_put_string(m, CTRL_ATTR_MCAST_GRP_NAME, VPCPEER_MCGRP_EVENTS);
		nla_nest_end(m, g);
	}
	nla_nest_end(m, grps);
	batch_add(&b, m);
	batch_add(&b, ack(req, 0, NULL));
	flush(&b, 1);
}

static int fake_send(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *req = nlmsg_hdr(msg);
	struct nlattr *tb[VPCPEER_A_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(req);
	const char *why;

	(void)sk;
	if (req->nlmsg_type == GENL_ID_CTRL) {
		if (req->nlmsg_flags & NLM_F_DUMP)
			ctrl_dump(req);
		else
			ctrl_get(req);
		return req->nlmsg_len;
	}
	assert_int_equal(req->nlmsg_type, FAKE_FAMILY);
	assert_true(req->nlmsg_flags & NLM_F_REQUEST);
	assert_true(req->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(g->version, VPCPEER_FAMILY_VERSION);
	fk.requests++;
	fk.last_cmd = g->cmd;
	fk.last_flags = req->nlmsg_flags;
	if (fk.silent || fk.requests == fk.silent_request)
		return req->nlmsg_len;
	why = strict(tb, VPCPEER_A_MAX, top_kinds, genlmsg_attrdata(g, 0),
		     genlmsg_attrlen(g, 0));
	fk.last_dry_run = !why && tb[VPCPEER_A_DRY_RUN];
	if (!why && fk.last_dry_run &&
	    (g->cmd == VPCPEER_CMD_VPC_GET || g->cmd == VPCPEER_CMD_PCX_GET ||
	     g->cmd == VPCPEER_CMD_REGION_GET))
		why = "fake: DRY_RUN on a GET";
	if (why) {
		send_error(req, -EINVAL, why);
		return req->nlmsg_len;
	}
	fake_dispatch(req, g->cmd, tb);
	return req->nlmsg_len;
}

static int fake_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
		     unsigned char **buf, struct ucred **creds)
{
	struct dgram *d = fk.queue;
	int len;

	(void)sk;
	if (creds)
		*creds = NULL;
	if (!d && fk.joined && fk.stop_when_read) {
		/* All events read: the monitor is told to stop, as by kill. */
		fk.stop_when_read = false;
		raise(SIGTERM);
	}
	if (!d)
		return 0;
	fk.queue = d->next;
	if (!fk.queue)
		fk.tail = &fk.queue;
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	*buf = d->buf;
	len = d->len;
	free(d);
	return len;
}

struct nl_sock *__real_nl_socket_alloc(void);
struct nl_sock *__wrap_nl_socket_alloc(void);
int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group);

/* The fake's group is joined in the fake only; its events come then. */
int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group)
{
	struct batch b = { .n = 0 };
	int i;

	(void)sk;
	if (fk.join_error)
		return fk.join_error;
	fk.joined = group;
	for (i = 0; i < fk.nevents; i++)
		batch_add(&b, fk.events[i]);
	fk.nevents = 0;
	flush(&b, 1);
	return 0;
}

struct nl_sock *__wrap_nl_socket_alloc(void)
{
	struct nl_sock *sk = __real_nl_socket_alloc();
	struct nl_cb *cb;

	if (!sk)
		return NULL;
	/* One socket at a time: a new one starts with nothing to read. */
	fake_drain();
	fk.joined = 0;
	fk.sockets++;
	cb = nl_socket_get_cb(sk);
	nl_cb_overwrite_send(cb, fake_send);
	nl_cb_overwrite_recv(cb, fake_recv);
	nl_cb_put(cb);
	return sk;
}

/* --- running the tool ----------------------------------------------------- */

struct run {
	int rc;
	char out[8192];
	char err[4096];
};

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The tool with these arguments (NULL-terminated), stdout and stderr kept. */
static void ctl(struct run *r, ...)
{
	char *argv[32] = { "vpcpeer-ctl" };
	int argc = 1, so, se;
	FILE *fo, *fe;
	va_list ap;

	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	fo = tmpfile();
	fe = tmpfile();
	assert_non_null(fo);
	assert_non_null(fe);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	memset(&opt, 0, sizeof(opt));
	optind = 0;
	r->rc = vpcpeer_ctl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	slurp(fo, r->out, sizeof(r->out));
	slurp(fe, r->err, sizeof(r->err));
}

static void expect(const struct run *r, int rc, const char *out,
		   const char *err)
{
	if (r->rc != rc || strcmp(r->out, out) || strcmp(r->err, err))
		fail_msg("exit %d, wanted %d\n--- stdout:\n%s--- wanted:\n%s"
			 "--- stderr:\n%s--- wanted:\n%s",
			 r->rc, rc, r->out, out, r->err, err);
}

#define CTL(rc, out, err, ...) do {			\
	struct run r_;					\
	ctl(&r_, __VA_ARGS__, NULL);			\
	expect(&r_, rc, out, err);			\
} while (0)

static int setup(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

/* What a failed command left unread is dropped, as a closed socket's. */
static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static const char blue_green[] =
	"vpc-0a1b2c3d blue netnsid self\n"
	"\tcidr 10.0.0.0/16\n"
	"\tcidr fd00:b::/48\n"
	"vpc-99887766 green netnsid 0\n"
	"\tcidr 10.1.0.0/16\n"
	"\tcidr fd00:9::/48\n";

static void make_blue_green(void)
{
	CTL(0, "vpc-0a1b2c3d\n", "", "vpc", "add", "blue", "cidr",
	    "10.0.0.0/16", "cidr", "fd00:b::/48");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_NEW);
	CTL(0, "vpc-99887766\n", "", "vpc", "add", "green", "netns",
	    "/proc/self/ns/net", "cidr", "10.1.0.0/16", "cidr",
	    "fd00:9::/48");
}

/* --- cases ---------------------------------------------------------------- */

/* The demo flow of the man page. */
static void test_demo(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, blue_green, "", "vpc", "show");
	assert_true(fk.last_flags & NLM_F_DUMP);
	CTL(0, blue_green, "", "vpc");
	CTL(0, "[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":-1,"
	    "\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]},"
	    "{\"id\":\"vpc-99887766\",\"name\":\"green\",\"netnsid\":0,"
	    "\"cidrs\":[\"10.1.0.0/16\",\"fd00:9::/48\"]}]\n", "",
	    "-j", "vpc", "show");
	CTL(0, "vpc-99887766 green netnsid 0\n\tcidr 10.1.0.0/16\n"
	    "\tcidr fd00:9::/48\n", "", "vpc", "sh", "green");
	assert_false(fk.last_flags & NLM_F_DUMP);
	CTL(0, "vpc-0a1b2c3d blue netnsid self\n\tcidr 10.0.0.0/16\n"
	    "\tcidr fd00:b::/48\n", "", "vpc", "show", "VPC-0A1B2C3D");

	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue",
	    "vpc-99887766");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_REQUEST);
	CTL(0, "pcx-11223344 pending-acceptance \"Pending Acceptance by "
	    "vpc-99887766\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-99887766 green\n", "", "peering", "show");
	CTL(0, "", "", "peering", "accept", "pcx-11223344");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_ACCEPT);
	CTL(0, "pcx-11223344 active \"Active\"\n"
	    "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
	    "\taccepter  vpc-99887766 green dev pcx-11223344\n", "",
	    "pe", "sh", "pcx-11223344");
	CTL(0, "pcx-11223344 active \"Active\"\n"
	    "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
	    "\t\ttx 12 packets 1008 bytes  rx 12 packets 1008 bytes\n"
	    "\t\tdropped not_active 0 src_not_in_vpc 0 dst_not_in_peer 3 too_big 0 malformed 0 rx 0"
	    " rx_not_active 0 rx_src_not_in_peer 0 rx_dst_not_in_vpc 0 rx_malformed 0 underlay 0\n"
	    "\taccepter  vpc-99887766 green dev pcx-11223344\n"
	    "\t\ttx 12 packets 1008 bytes  rx 12 packets 1008 bytes\n"
	    "\t\tdropped not_active 0 src_not_in_vpc 0 dst_not_in_peer 3 too_big 0 malformed 0 rx 0"
	    " rx_not_active 0 rx_src_not_in_peer 0 rx_dst_not_in_vpc 0 rx_malformed 0 underlay 0\n",
	    "", "-s", "peering", "show");
	CTL(0, "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
	    "\"reason\":\"provisioned\",\"message\":\"Active\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	    "\"ifname\":\"pcx-11223344\",\"ifindex\":5,\"stats\":{"
	    "\"tx_packets\":12,\"tx_bytes\":1008,\"rx_packets\":12,"
	    "\"rx_bytes\":1008,\"drop_not_active\":0,\"drop_src_not_in_vpc\":0,"
	    "\"drop_dst_not_in_peer\":3,\"drop_too_big\":0,"
	    "\"drop_malformed\":0,\"drop_rx\":0,"
	    "\"rx_drop_not_active\":0,\"rx_drop_src_not_in_peer\":0,"
	    "\"rx_drop_dst_not_in_vpc\":0,\"rx_drop_malformed\":0,\"drop_underlay\":0}},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	    "\"ifname\":\"pcx-11223344\",\"ifindex\":7,\"stats\":{"
	    "\"tx_packets\":12,\"tx_bytes\":1008,\"rx_packets\":12,"
	    "\"rx_bytes\":1008,\"drop_not_active\":0,\"drop_src_not_in_vpc\":0,"
	    "\"drop_dst_not_in_peer\":3,\"drop_too_big\":0,"
	    "\"drop_malformed\":0,\"drop_rx\":0,"
	    "\"rx_drop_not_active\":0,\"rx_drop_src_not_in_peer\":0,"
	    "\"rx_drop_dst_not_in_vpc\":0,\"rx_drop_malformed\":0,\"drop_underlay\":0}}}]\n",
	    "", "-j", "-s", "peering", "show");

	CTL(0, "", "", "peering", "delete", "pcx-11223344");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_DEL);
	CTL(0, "[{\"id\":\"pcx-11223344\",\"state\":\"deleted\","
	    "\"reason\":\"deleted-by-requester\","
	    "\"message\":\"Deleted by vpc-0a1b2c3d\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}]\n",
	    "", "-j", "peering", "show", "pcx-11223344");
	CTL(0, "pcx-11223344 deleted \"Deleted by vpc-0a1b2c3d\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-99887766 green\n", "", "peering", "show");
	CTL(0, "", "", "vpc", "del", "green");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_DEL);
	CTL(0, "[]\n", "", "-j", "peering", "show");
	CTL(0, "", "", "peering", "show");
}

static void test_cidr_set(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, "", "", "vpc", "set", "blue", "cidr", "add", "10.2.0.0/16");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_CIDR_ADD);
	CTL(0, "vpc-0a1b2c3d blue netnsid self\n\tcidr 10.0.0.0/16\n"
	    "\tcidr fd00:b::/48\n\tcidr 10.2.0.0/16\n", "",
	    "vpc", "show", "blue");
	CTL(0, "", "", "vpc", "se", "vpc-0a1b2c3d", "c", "d", "fd00:b::/48");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_CIDR_DEL);
	CTL(0, "vpc-0a1b2c3d blue netnsid self\n\tcidr 10.0.0.0/16\n"
	    "\tcidr 10.2.0.0/16\n", "", "vpc", "show", "blue");
	CTL(1, "", "vpcpeer-ctl: vpc set: no such CIDR block in the VPC "
	    "(No such file or directory)\n",
	    "vpc", "set", "blue", "cidr", "del", "fd00:b::/48");
	CTL(1, "", "vpcpeer-ctl: vpc set: CIDR block already in the VPC "
	    "(File exists)\n",
	    "vpc", "set", "blue", "cidr", "add", "10.0.0.0/16");
}

/* Overlapping CIDR blocks: the id on stdout, the reason on stderr. */
static void test_request_failed(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, "vpc-00c0ffee\n", "", "vpc", "add", "red", "cidr",
	    "10.0.0.0/8");
	CTL(1, "pcx-11223344\n",
	    "vpcpeer-ctl: pcx-11223344 failed: Failed: overlapping CIDR blocks "
	    "(10.0.0.0/16 of blue overlaps red)\n",
	    "peering", "request", "blue", "red");
	CTL(0, "pcx-11223344 failed \"Failed: overlapping CIDR blocks "
	    "(10.0.0.0/16 of blue overlaps red)\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-00c0ffee red\n", "", "peering", "show");
	CTL(0, "[{\"id\":\"pcx-11223344\",\"state\":\"failed\","
	    "\"reason\":\"overlap\",\"message\":\"Failed: overlapping CIDR "
	    "blocks (10.0.0.0/16 of blue overlaps red)\","
	    "\"reason_cidr\":\"10.0.0.0/16\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-00c0ffee\",\"vpc_name\":\"red\"}}]\n",
	    "", "-j", "peering", "show");
	/* The requester's IPv6 block, when that is the one that overlaps. */
	CTL(0, "vpc-0000beef\n", "", "vpc", "add", "violet", "cidr",
	    "fd00::/16");
	CTL(1, "pcx-55667788\n",
	    "vpcpeer-ctl: pcx-55667788 failed: Failed: overlapping CIDR blocks "
	    "(fd00:9::/48 of green overlaps violet)\n",
	    "peering", "request", "green", "violet");
	CTL(0, "[{\"id\":\"pcx-55667788\",\"state\":\"failed\","
	    "\"reason\":\"overlap\",\"message\":\"Failed: overlapping CIDR "
	    "blocks (fd00:9::/48 of green overlaps violet)\","
	    "\"reason_cidr\":\"fd00:9::/48\","
	    "\"requester\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-0000beef\",\"vpc_name\":\"violet\"}}]\n",
	    "", "-j", "peering", "show", "pcx-55667788");
	CTL(0, "pcx-0badcafe\n", "", "peering", "request", "green", "blue");
	CTL(0, "", "", "peering", "reject", "pcx-0badcafe");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_REJECT);
	CTL(0, "pcx-0badcafe rejected \"Rejected by vpc-0a1b2c3d\"\n"
	    "\trequester vpc-99887766 green\n"
	    "\taccepter  vpc-0a1b2c3d blue\n", "", "peering", "show",
	    "pcx-0badcafe");
	CTL(0, "[{\"id\":\"pcx-0badcafe\",\"state\":\"rejected\","
	    "\"reason\":\"rejected\",\"message\":\"Rejected by vpc-0a1b2c3d\","
	    "\"requester\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"}}]\n",
	    "", "-j", "peering", "show", "pcx-0badcafe");
}

/* A delete names the side that acted: the requester's, or the accepter's. */
static void test_deleted_by(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue", "green");
	CTL(0, "", "", "peering", "accept", "pcx-11223344");
	fk.not_requester = true;
	CTL(0, "", "", "peering", "delete", "pcx-11223344");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_DEL);
	CTL(0, "pcx-11223344 deleted \"Deleted by vpc-99887766\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-99887766 green\n", "", "peering", "show");
	CTL(0, "[{\"id\":\"pcx-11223344\",\"state\":\"deleted\","
	    "\"reason\":\"deleted-by-accepter\","
	    "\"message\":\"Deleted by vpc-99887766\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"}}]\n",
	    "", "-j", "peering", "show");
	/* A pending request withdrawn by its requester. */
	fk.not_requester = false;
	CTL(0, "pcx-55667788\n", "", "peering", "request", "green", "blue");
	CTL(0, "", "", "peering", "delete", "pcx-55667788");
	CTL(0, "pcx-55667788 deleted \"Deleted by vpc-99887766\"\n"
	    "\trequester vpc-99887766 green\n"
	    "\taccepter  vpc-0a1b2c3d blue\n", "", "peering", "show",
	    "pcx-55667788");
	CTL(0, "[{\"id\":\"pcx-55667788\",\"state\":\"deleted\","
	    "\"reason\":\"deleted-by-requester\","
	    "\"message\":\"Deleted by vpc-99887766\","
	    "\"requester\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"}}]\n",
	    "", "-j", "peering", "show", "pcx-55667788");
}

static void test_kernel_errors(void **state)
{
	(void)state;
	make_blue_green();
	CTL(1, "", "vpcpeer-ctl: vpc add: VPC name \"blue\" is taken "
	    "(File exists)\n", "vpc", "add", "blue", "cidr", "10.9.0.0/16");
	CTL(1, "", "vpcpeer-ctl: vpc show: no such VPC (No such file or "
	    "directory)\n", "vpc", "show", "nosuch");
	CTL(1, "", "vpcpeer-ctl: vpc del: no such VPC (No such file or "
	    "directory)\n", "vpc", "del", "vpc-00000001");
	CTL(1, "", "vpcpeer-ctl: peering accept: no such peering connection "
	    "(No such file or directory)\n", "peering", "accept",
	    "pcx-00000001");
	CTL(1, "", "vpcpeer-ctl: peering request: a VPC cannot peer with "
	    "itself (Invalid argument)\n", "peering", "request", "blue",
	    "vpc-0a1b2c3d");
	CTL(0, "vpc-00c0ffee\n", "", "vpc", "add", "locked", "cidr",
	    "10.7.0.0/16");
	/* No extack message: the errno alone. */
	CTL(1, "", "vpcpeer-ctl: vpc del: Operation not permitted\n", "vpc",
	    "del", "locked");
	/* The same when the kernel echoes the whole request. */
	fk.uncapped = true;
	CTL(1, "", "vpcpeer-ctl: vpc del: Operation not permitted\n", "vpc",
	    "del", "locked");
	CTL(1, "", "vpcpeer-ctl: vpc add: VPC name \"green\" is taken "
	    "(File exists)\n", "vpc", "add", "green", "cidr", "10.9.0.0/16");
	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue", "green");
	CTL(0, "", "", "peering", "accept", "pcx-11223344");
	CTL(1, "", "vpcpeer-ctl: peering accept: the peering connection is "
	    "not pending acceptance (Invalid argument)\n",
	    "peering", "accept", "pcx-11223344");
}

/* Usage errors never reach the kernel. */
static void test_usage_errors(void **state)
{
	(void)state;
	CTL(2, "", "vpcpeer-ctl: vpc add: missing cidr: a VPC needs at least "
	    "one CIDR block (usage: vpcpeer-ctl vpc add NAME [netns NS] cidr "
	    "PREFIX [cidr PREFIX]...)\n", "vpc", "add", "blue");
	CTL(2, "", "vpcpeer-ctl: vpc add: VPC name \"pcx-0a1b2c3d\" is the "
	    "form of an id; choose another name\n", "vpc", "add",
	    "pcx-0a1b2c3d", "cidr", "10.0.0.0/16");
	CTL(2, "", "vpcpeer-ctl: peering show: \"vpc-0a1b2c3d\" is not a "
	    "peering connection id (expected pcx-XXXXXXXX, 8 hex digits)\n",
	    "peering", "show", "vpc-0a1b2c3d");
	CTL(2, "", "vpcpeer-ctl: ambiguous command \"v\": could be vpc, "
	    "version\n", "v");
	CTL(2, "", "vpcpeer-ctl: option \"-s\" goes before the command, as in "
	    "\"vpcpeer-ctl -s peering show\"\n", "peering", "show", "-s");
	assert_int_equal(fk.requests, 0);
}

static void test_datagrams(void **state)
{
	static const char three[] =
		"vpc-0a1b2c3d blue netnsid self\n"
		"\tcidr 10.0.0.0/16\n"
		"\tcidr fd00:b::/48\n"
		"vpc-99887766 green netnsid 0\n"
		"\tcidr 10.1.0.0/16\n"
		"\tcidr fd00:9::/48\n"
		"vpc-00c0ffee red netnsid self\n"
		"\tcidr 10.5.0.0/16\n";
	int i;

	(void)state;
	make_blue_green();
	/* Reply and ACK in one datagram, then in two. */
	fk.merge = true;
	CTL(0, "vpc-00c0ffee\n", "", "vpc", "add", "red", "cidr",
	    "10.5.0.0/16");
	fk.merge = false;
	CTL(0, "vpc-99887766 green netnsid 0\n\tcidr 10.1.0.0/16\n"
	    "\tcidr fd00:9::/48\n", "", "vpc", "show", "green");
	/* A dump in one datagram, and one message a datagram. */
	for (i = 0; i < 2; i++) {
		fk.per_dgram = i ? 1 : 64;
		CTL(0, three, "", "vpc", "show");
	}
}

static void test_dump_interrupted(void **state)
{
	(void)state;
	make_blue_green();
	fk.dump_intr = 1;
	fk.requests = 0;
	CTL(0, blue_green, "", "vpc", "show");
	assert_int_equal(fk.requests, 2);
	fk.dump_intr = 1;
	CTL(0, "[{\"id\":\"vpc-0a1b2c3d\",\"name\":\"blue\",\"netnsid\":-1,"
	    "\"cidrs\":[\"10.0.0.0/16\",\"fd00:b::/48\"]},"
	    "{\"id\":\"vpc-99887766\",\"name\":\"green\",\"netnsid\":0,"
	    "\"cidrs\":[\"10.1.0.0/16\",\"fd00:9::/48\"]}]\n", "",
	    "-j", "vpc", "show");
	fk.dump_intr = 100;
	fk.requests = 0;
	CTL(1, "", "vpcpeer-ctl: peering show: changes interrupted the dump "
	    "5 times in a row; try again\n", "peering", "show");
	assert_int_equal(fk.requests, 5);
}

static void test_odd_kernels(void **state)
{
	(void)state;
	make_blue_green();
	fk.warning = "fake: deprecated, but done";
	CTL(0, "", "vpcpeer-ctl: vpc del: warning: fake: deprecated, but "
	    "done\n", "vpc", "del", "green");
	fk.warning = NULL;
	fk.dump_error = -EPERM;
	CTL(1, "", "vpcpeer-ctl: vpc show: fake: dump refused (Operation not "
	    "permitted)\n", "vpc", "show");
	fk.dump_error = 0;
	fk.bad_reply = true;
	CTL(1, "", "vpcpeer-ctl: vpc show: malformed reply from the kernel: "
	    "VPC without VPCPEER_A_VPC_ID\n", "-j", "vpc", "show");
	CTL(1, "", "vpcpeer-ctl: vpc add: malformed reply from the kernel: "
	    "VPC without VPCPEER_A_VPC_ID\n", "vpc", "add", "gray", "cidr",
	    "10.8.0.0/16");
	fk.bad_reply = false;
	CTL(0, "vpc-0000beef\n", "", "vpc", "add", "red", "cidr",
	    "10.5.0.0/16");
	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue", "red");
	fk.force_state = 42;
	CTL(0, "pcx-11223344 state-42 \"Pending Acceptance by vpc-0000beef\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-0000beef red\n", "", "peering", "show");
	fk.force_state = 0;
	fk.silent = true;
	CTL(1, "", "vpcpeer-ctl: peering show: cannot read the kernel's "
	    "answer: connection closed\n", "peering", "show");
	fk.silent = false;
	fk.no_family = true;
	CTL(1, "", "vpcpeer-ctl: generic netlink family \"vpcpeer\" not found: "
	    "is the vpcpeer module loaded?\n", "version");
}

/* --- peerings across regions ------------------------------------------ */

/*
 * "peering request ... region b": the accepter VPC, by id or by name, is
 * sent as typed with the region, never looked up here (green is a VPC of
 * this host too); the remote side shows its region and blocks; accept and
 * reject are the other region's, and the kernel's refusal is shown.
 */
static void test_request_region(void **state)
{
	static const char remote_active[] =
		"pcx-11223344 active \"Active\"\n"
		"\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
		"\taccepter  vpc-1a2b3c4d region b cidr 10.2.0.0/16 fd00:2::/48\n";
	char err[PARSE_ERRLEN];

	(void)state;
	make_blue_green();
	CTL(0, "", "", "region", "add", "b", "remote", "10.255.0.2", "local",
	    "10.255.0.1");
	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue",
	    "VPC-1A2B3C4D", "region", "b");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_REQUEST);
	assert_true(fk.acc_has_id);
	assert_int_equal(fk.acc_id, REMOTE_VPC_ID);
	assert_string_equal(fk.acc_name, "");
	assert_string_equal(fk.acc_region, "b");
	CTL(0, "pcx-11223344 initiating-request \"Initiating Request to "
	    "vpc-1a2b3c4d\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-1a2b3c4d region b\n", "", "peering", "show");
	/* Region b answered, its VPC's owner accepted: active. */
	fk.pcxs[0].state = VPCPEER_PCX_STATE_ACTIVE;
	fk.pcxs[0].reason = VPCPEER_PCX_REASON_PROVISIONED;
	assert_int_equal(parse_prefix("10.2.0.0/16", &fk.pcxs[0].acc_cidrs[0],
				      err, sizeof(err)), 0);
	assert_int_equal(parse_prefix("fd00:2::/48", &fk.pcxs[0].acc_cidrs[1],
				      err, sizeof(err)), 0);
	fk.pcxs[0].acc_ncidrs = 2;
	CTL(0, remote_active, "", "peering", "show", "pcx-11223344");
	CTL(0, "pcx-11223344 active \"Active\"\n"
	    "\trequester vpc-0a1b2c3d blue dev pcx-11223344\n"
	    "\t\ttx 12 packets 1008 bytes  rx 12 packets 1008 bytes\n"
	    "\t\tdropped not_active 0 src_not_in_vpc 0 dst_not_in_peer 3 too_big 0 malformed 0 rx 0"
	    " rx_not_active 0 rx_src_not_in_peer 0 rx_dst_not_in_vpc 0 rx_malformed 0 underlay 0\n"
	    "\taccepter  vpc-1a2b3c4d region b cidr 10.2.0.0/16 fd00:2::/48\n",
	    "", "-s", "peering", "show");
	CTL(0, "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
	    "\"reason\":\"provisioned\",\"message\":\"Active\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	    "\"ifname\":\"pcx-11223344\",\"ifindex\":5},"
	    "\"accepter\":{\"vpc_id\":\"vpc-1a2b3c4d\",\"region\":\"b\","
	    "\"cidrs\":[\"10.2.0.0/16\",\"fd00:2::/48\"]}}]\n", "", "-j",
	    "peering", "show");
	/* Accepting and rejecting are the accepter's region's. */
	CTL(1, "", "vpcpeer-ctl: peering accept: the accepter VPC is in another "
	    "region: accept or reject the peering connection there (Operation "
	    "not permitted)\n", "peering", "accept", "pcx-11223344");
	CTL(1, "", "vpcpeer-ctl: peering reject: the accepter VPC is in another "
	    "region: accept or reject the peering connection there (Operation "
	    "not permitted)\n", "-D", "peering", "reject", "pcx-11223344");
	CTL(0, remote_active, "", "peering", "show");

	/* By name: "green" is region b's VPC, not this host's. */
	CTL(0, "pcx-55667788\n", "", "pe", "req", "vpc-0a1b2c3d", "green",
	    "reg", "b");
	assert_false(fk.acc_has_id);
	assert_string_equal(fk.acc_name, "green");
	assert_string_equal(fk.acc_region, "b");
	/* Region b never answered. */
	fk.pcxs[1].state = VPCPEER_PCX_STATE_FAILED;
	fk.pcxs[1].reason = VPCPEER_PCX_REASON_REGION_NO_ANSWER;
	CTL(0, "pcx-55667788 failed \"Failed: the accepter's region did not "
	    "answer\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-1a2b3c4d region b\n", "", "peering", "show",
	    "pcx-55667788");
	CTL(0, "[{\"id\":\"pcx-55667788\",\"state\":\"failed\","
	    "\"reason\":\"region-no-answer\","
	    "\"message\":\"Failed: the accepter's region did not answer\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-1a2b3c4d\",\"region\":\"b\"}}]\n",
	    "", "-j", "peering", "show", "pcx-55667788");

	/* A dry run says what would be made; nothing is. */
	CTL(0, "dry run: would be initiating-request\n", "", "-D", "peering",
	    "request", "green", "red", "region", "b");
	assert_true(fk.last_dry_run);
	assert_string_equal(fk.acc_name, "red");
	assert_false(fk.pcxs[2].used);
	/* The kernel's refusals, as ever. */
	CTL(1, "", "vpcpeer-ctl: peering request: no such region (No such file "
	    "or directory)\n", "peering", "request", "blue", "green",
	    "region", "c");
	assert_string_equal(fk.acc_region, "c");
	fk.requests = 0;
	/* Usage errors never reach it. */
	CTL(2, "", "vpcpeer-ctl: peering request: missing REGION after "
	    "\"region\" (usage: vpcpeer-ctl peering request REQUESTER_VPC "
	    "ACCEPTER_VPC [region REGION])\n", "peering", "request", "blue",
	    "green", "region");
	CTL(2, "", "vpcpeer-ctl: peering request: region name \"b/c\": "
	    "character \"/\" at position 2 is not allowed (use A-Z a-z 0-9 . _ "
	    "-)\n", "peering",
	    "request", "blue", "green", "region", "b/c");
	CTL(2, "", "vpcpeer-ctl: peering request: region given twice (usage: "
	    "vpcpeer-ctl peering request REQUESTER_VPC ACCEPTER_VPC [region "
	    "REGION])\n", "peering", "request", "blue", "green", "region", "b",
	    "r", "c");
	CTL(2, "", "vpcpeer-ctl: peering request: unknown keyword \"in\"; "
	    "expected one of: region\n", "peering", "request", "blue", "green",
	    "in", "b");
	CTL(2, "", "vpcpeer-ctl: peering request: accepter: VPC name \"-x\" "
	    "must start with a letter or a digit\n", "peering", "request",
	    "blue", "-x", "region", "b");
	assert_int_equal(fk.requests, 0);
}

/* --- issue 5: dry runs, per-side options, events ------------------------ */

/* -D: every check, no change, and a line that says so. */
static void test_dry_run(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, "dry run: vpc add would succeed\n", "", "-D", "vpc", "add", "red",
	    "cidr", "10.0.0.0/8");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_NEW);
	assert_true(fk.last_dry_run);
	CTL(0, blue_green, "", "-D", "vpc", "show");
	assert_false(fk.last_dry_run);
	/* Errors are those of the real request. */
	CTL(1, "", "vpcpeer-ctl: vpc add: VPC name \"blue\" is taken "
	    "(File exists)\n", "--dry-run", "vpc", "add", "blue", "cidr",
	    "10.9.0.0/16");
	assert_true(fk.last_dry_run);
	CTL(0, "dry run: vpc set would succeed\n", "", "-D", "vpc", "set",
	    "blue", "cidr", "add", "10.2.0.0/16");
	assert_true(fk.last_dry_run);
	CTL(0, "dry run: vpc set would succeed\n", "", "-D", "vpc", "set",
	    "blue", "c", "d", "fd00:b::/48");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_CIDR_DEL);
	CTL(0, "dry run: vpc del would succeed\n", "", "-jD", "vpc", "del",
	    "green");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_VPC_DEL);
	CTL(0, blue_green, "", "vpc", "show");

	CTL(0, "dry run: would be pending-acceptance\n", "", "-D", "peering",
	    "request", "blue", "green");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_REQUEST);
	assert_true(fk.last_dry_run);
	CTL(0, "", "", "peering", "show");
	CTL(0, "vpc-00c0ffee\n", "", "vpc", "add", "red", "cidr", "10.0.0.0/8");
	CTL(1, "dry run: would be failed: Failed: overlapping CIDR blocks "
	    "(10.0.0.0/16 of blue overlaps red)\n", "", "-D", "peering",
	    "request", "blue", "red");
	CTL(0, "", "", "peering", "show");

	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue", "green");
	CTL(0, "dry run: peering accept would succeed\n", "", "-D", "pe", "acc",
	    "pcx-11223344");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_ACCEPT);
	assert_true(fk.last_dry_run);
	CTL(1, "", "vpcpeer-ctl: peering set: options can be set only while the "
	    "peering connection is active (Invalid argument)\n", "-D",
	    "peering", "set", "pcx-11223344", "requester",
	    "allow-dns-resolution", "on");
	CTL(0, "dry run: peering reject would succeed\n", "", "-D", "peering",
	    "reject", "pcx-11223344");
	CTL(0, "dry run: peering delete would succeed\n", "", "-D", "peering",
	    "delete", "pcx-11223344");
	CTL(0, "pcx-11223344 pending-acceptance \"Pending Acceptance by "
	    "vpc-99887766\"\n"
	    "\trequester vpc-0a1b2c3d blue\n"
	    "\taccepter  vpc-99887766 green\n", "", "-D", "peering", "show");
	assert_false(fk.last_dry_run);
	CTL(0, "", "", "peering", "accept", "pcx-11223344");
	assert_false(fk.last_dry_run);
	CTL(0, "dry run: peering set would succeed\n", "", "-D", "peering",
	    "set", "pcx-11223344", "acc", "name", "green side");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_SET);
	fk.r14 = true;
	CTL(0, "pcx-11223344 active \"Active\"\n"
	    "\trequester vpc-0a1b2c3d blue dev pcx-11223344 allow-dns-resolution off\n"
	    "\taccepter  vpc-99887766 green dev pcx-11223344 allow-dns-resolution off\n",
	    "", "peering", "show");
	/* Usage errors are still usage errors. */
	CTL(2, "", "vpcpeer-ctl: vpc del: missing VPC (usage: vpcpeer-ctl vpc "
	    "del VPC)\n", "-D", "vpc", "del");
	CTL(2, "", "vpcpeer-ctl: option \"-D\" goes before the command, as in "
	    "\"vpcpeer-ctl -D vpc del\"\n", "vpc", "del", "blue", "-D");
}

/* -D holds for every line of a batch. */
static void test_dry_run_batch(void **state)
{
	char path[] = "/tmp/vpcpeer-ctl-test-XXXXXX", want[256];
	FILE *f;
	int fd;

	(void)state;
	make_blue_green();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("vpc add red cidr 10.5.0.0/16\n"
	      "vpc show green\n"
	      "peering request blue green\n"
	      "vpc del blue\n", f);
	fclose(f);
	fk.requests = 0;
	CTL(0, "dry run: vpc add would succeed\n"
	    "vpc-99887766 green netnsid 0\n\tcidr 10.1.0.0/16\n"
	    "\tcidr fd00:9::/48\n"
	    "dry run: would be pending-acceptance\n"
	    "dry run: vpc del would succeed\n", "", "-D", "-b", path);
	assert_int_equal(fk.requests, 4);
	assert_true(fk.last_dry_run);
	CTL(0, blue_green, "", "vpc", "show");
	CTL(0, "", "", "peering", "show");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("vpc del blue -D\n", f);
	fclose(f);
	snprintf(want, sizeof(want), "vpcpeer-ctl: option \"-D\" cannot be "
		 "given in a batch; put it before -b\n"
		 "vpcpeer-ctl: %s:1: command failed; stopping\n", path);
	fk.requests = 0;
	CTL(2, "", want, "-b", path);
	assert_int_equal(fk.requests, 0);
	unlink(path);
}

/* --- batches: one socket, one family lookup ----------------------------- */

/* A batch file of these lines, in path (a mkstemp() template). */
static void batch_file(char *path, const char *lines)
{
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(lines, f);
	fclose(f);
}

static void count_from_zero(void)
{
	fk.sockets = 0;
	fk.lookups = 0;
	fk.ctrl_dumps = 0;
	fk.requests = 0;
}

/* A single command opens its socket and asks for the family by name. */
static void test_lookup_by_name(void **state)
{
	(void)state;
	CTL(0, "vpc-0a1b2c3d\n", "", "vpc", "add", "blue", "cidr",
	    "10.0.0.0/16");
	assert_int_equal(fk.sockets, 1);
	assert_int_equal(fk.lookups, 1);
	assert_int_equal(fk.ctrl_dumps, 0);
	CTL(0, "", "", "vpc", "del", "blue");
	assert_int_equal(fk.sockets, 2);
	assert_int_equal(fk.lookups, 2);
	assert_int_equal(fk.ctrl_dumps, 0);
	fk.no_family = true;
	CTL(1, "", "vpcpeer-ctl: generic netlink family \"vpcpeer\" not found: "
	    "is the vpcpeer module loaded?\n", "vpc", "show");
	assert_int_equal(fk.lookups, 3);
	assert_int_equal(fk.requests, 2);
}

#define BATCH_CIDRS	12

/*
 * A batch of N lines: one socket and one lookup, each line still its own
 * request with its own verdict; under -n too, the namespace being the
 * batch's.
 */
static void test_batch_one_socket(void **state)
{
	char path[] = "/tmp/vpcpeer-ctl-test-XXXXXX";
	char lines[4096], out[1024];
	size_t n = 0, o = 0;
	int i, nlines = 0;

	(void)state;
	make_blue_green();
	for (i = 0; i < BATCH_CIDRS; i++, nlines++)
		n += snprintf(lines + n, sizeof(lines) - n,
			      "vpc set blue cidr add 10.%d.0.0/16\n", 100 + i);
	for (i = 0; i < BATCH_CIDRS; i++, nlines++)
		n += snprintf(lines + n, sizeof(lines) - n,
			      "vpc set vpc-0a1b2c3d cidr del 10.%d.0.0/16\n",
			      100 + i);
	n += snprintf(lines + n, sizeof(lines) - n,
		      "# a comment\n\n"
		      "vpc show blue\n"
		      "peering request blue green\n"
		      "peering accept pcx-11223344\n"
		      "vpc add red cidr 10.5.0.0/16\n"
		      "vpc show\n"
		      "version\n");
	nlines += 5;		/* version asks the kernel nothing */
	assert_true(n < sizeof(lines));
	batch_file(path, lines);
	o += snprintf(out + o, sizeof(out) - o,
		      "vpc-0a1b2c3d blue netnsid self\n\tcidr 10.0.0.0/16\n"
		      "\tcidr fd00:b::/48\n"
		      "pcx-11223344\n"
		      "vpc-00c0ffee\n"
		      "%s"
		      "vpc-00c0ffee red netnsid self\n\tcidr 10.5.0.0/16\n"
		      "vpcpeer-ctl 0.1.0\n"
		      "kernel: vpcpeer genl family version 1 (id 29)\n",
		      blue_green);
	assert_true(o < sizeof(out));

	count_from_zero();
	CTL(0, out, "", "-b", path);
	assert_int_equal(fk.sockets, 1);
	assert_int_equal(fk.lookups, 1);
	assert_int_equal(fk.ctrl_dumps, 0);
	assert_int_equal(fk.requests, nlines);
	assert_int_equal(fk.vpcs[0].ncidrs, 2);

	/* The same under -n: the batch runs in that namespace, on one socket. */
	CTL(0, "", "", "vpc", "del", "red");
	CTL(0, "", "", "peering", "delete", "pcx-11223344");
	fk.pcxs[0].used = false;
	fk.next_pcx = 0;
	fk.next_vpc = 2;
	count_from_zero();
	CTL(0, out, "", "-n", "/proc/self/ns/net", "--batch", path);
	assert_int_equal(fk.sockets, 1);
	assert_int_equal(fk.lookups, 1);
	assert_int_equal(fk.requests, nlines);
	unlink(path);
}

/*
 * Lines that fail, in every way a request can: a kernel error, a usage
 * error, a reply the tool cannot use (read to its verdict all the same,
 * in one datagram with its ACK or not), a dump refused. With --force the
 * lines after each run on the same socket; without, the batch stops at
 * the first. Only an answer that cannot be read costs the socket: the
 * next line opens another, and looks the family up again.
 */
static void test_batch_failures(void **state)
{
	char path[] = "/tmp/vpcpeer-ctl-test-XXXXXX", err[2048];
	static const char lines[] =
		"vpc set blue cidr add 10.2.0.0/16\n"		/* 1: req 1 */
		"vpc set blue cidr del 10.9.0.0/16\n"		/* 2: req 2, ENOENT */
		"vpc set blue cidr add 10.3.0.0/16\n"		/* 3: req 3 */
		"vpc show blue extra\n"				/* 4: usage */
		"vpc show blue\n"				/* 5: req 4, garbled */
		"vpc show green\n"				/* 6: req 5 */
		"vpc del nosuch\n"				/* 7: req 6, ENOENT */
		"vpc set blue cidr del 10.2.0.0/16\n";		/* 8: req 7 */
	const char *want_err =
		"vpcpeer-ctl: vpc set: no such CIDR block in the VPC "
		"(No such file or directory)\n"
		"vpcpeer-ctl: %s:2: command failed\n"
		"vpcpeer-ctl: vpc show: unexpected argument \"extra\" (usage: "
		"vpcpeer-ctl vpc show [VPC])\n"
		"vpcpeer-ctl: %s:4: command failed\n"
		"vpcpeer-ctl: vpc show: malformed reply from the kernel: VPC "
		"without VPCPEER_A_VPC_ID\n"
		"vpcpeer-ctl: %s:5: command failed\n"
		"vpcpeer-ctl: vpc del: no such VPC (No such file or directory)\n"
		"vpcpeer-ctl: %s:7: command failed\n";
	static const char green[] =
		"vpc-99887766 green netnsid 0\n\tcidr 10.1.0.0/16\n"
		"\tcidr fd00:9::/48\n";
	int merge;

	(void)state;
	make_blue_green();
	batch_file(path, lines);
	for (merge = 0; merge < 2; merge++) {
		/* The reply and its ACK in one datagram, then in two. */
		fk.merge = merge;
		count_from_zero();
		fk.garble_request = 4;
		snprintf(err, sizeof(err), want_err, path, path, path, path);
		CTL(1, green, err, "--force", "-b", path);
		assert_int_equal(fk.sockets, 1);
		assert_int_equal(fk.lookups, 1);
		assert_int_equal(fk.requests, 7);
		assert_int_equal(fk.vpcs[0].ncidrs, 3);
		/* Line 8 took 10.2.0.0/16 away again; 10.3.0.0/16 goes too. */
		fk.garble_request = 0;
		CTL(0, "", "", "vpc", "set", "blue", "cidr", "del",
		    "10.3.0.0/16");
	}
	fk.merge = false;

	/* Without --force the first failure ends it, with its status. */
	count_from_zero();
	snprintf(err, sizeof(err),
		 "vpcpeer-ctl: vpc set: no such CIDR block in the VPC "
		 "(No such file or directory)\n"
		 "vpcpeer-ctl: %s:2: command failed; stopping\n", path);
	CTL(1, "", err, "-b", path);
	assert_int_equal(fk.sockets, 1);
	assert_int_equal(fk.requests, 2);
	CTL(0, "", "", "vpc", "set", "blue", "cidr", "del", "10.2.0.0/16");

	/* A refused dump is read to its end too. */
	unlink(path);
	strcpy(path, "/tmp/vpcpeer-ctl-test-XXXXXX");
	batch_file(path, "vpc show\nvpc show green\n");
	fk.dump_error = -EPERM;
	count_from_zero();
	snprintf(err, sizeof(err),
		 "vpcpeer-ctl: vpc show: fake: dump refused (Operation not "
		 "permitted)\n"
		 "vpcpeer-ctl: %s:1: command failed\n", path);
	CTL(1, green, err, "--force", "-b", path);
	assert_int_equal(fk.sockets, 1);
	assert_int_equal(fk.lookups, 1);
	fk.dump_error = 0;

	/* An answer that never comes: a new socket for the next line. */
	count_from_zero();
	fk.silent_request = 1;
	snprintf(err, sizeof(err),
		 "vpcpeer-ctl: vpc show: cannot read the kernel's answer: "
		 "connection closed\n"
		 "vpcpeer-ctl: %s:1: command failed\n", path);
	CTL(1, green, err, "--force", "-b", path);
	assert_int_equal(fk.sockets, 2);
	assert_int_equal(fk.lookups, 2);
	assert_int_equal(fk.requests, 2);
	fk.silent_request = 0;

	/* No family: each line looks again, and says so, as before. */
	count_from_zero();
	fk.no_family = true;
	snprintf(err, sizeof(err),
		 "vpcpeer-ctl: generic netlink family \"vpcpeer\" not found: "
		 "is the vpcpeer module loaded?\n"
		 "vpcpeer-ctl: %s:1: command failed\n"
		 "vpcpeer-ctl: generic netlink family \"vpcpeer\" not found: "
		 "is the vpcpeer module loaded?\n"
		 "vpcpeer-ctl: %s:2: command failed\n", path, path);
	CTL(1, "", err, "--force", "-b", path);
	assert_int_equal(fk.sockets, 2);
	assert_int_equal(fk.lookups, 2);
	assert_int_equal(fk.requests, 0);
	unlink(path);
}

static void test_pcx_set(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue", "green");
	CTL(0, "", "", "peering", "accept", "pcx-11223344");
	fk.r14 = true;
	CTL(0, "", "", "peering", "set", "pcx-11223344", "requester",
	    "allow-dns-resolution", "on", "name", "blue's side", "acc", "al",
	    "of");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_PCX_SET);
	assert_false(fk.last_dry_run);
	CTL(0, "pcx-11223344 active \"Active\"\n"
	    "\trequester vpc-0a1b2c3d blue dev pcx-11223344 allow-dns-resolution on name blue's side\n"
	    "\taccepter  vpc-99887766 green dev pcx-11223344 allow-dns-resolution off\n",
	    "", "peering", "show");
	CTL(0, "", "", "pe", "se", "PCX-11223344", "a", "n", "green", "r", "n",
	    "");
	CTL(0, "[{\"id\":\"pcx-11223344\",\"state\":\"active\","
	    "\"reason\":\"provisioned\",\"message\":\"Active\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	    "\"ifname\":\"pcx-11223344\",\"ifindex\":5,\"allow_dns_resolution\":true},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	    "\"ifname\":\"pcx-11223344\",\"ifindex\":7,\"allow_dns_resolution\":false,"
	    "\"name\":\"green\"}}]\n", "", "-j", "peering", "show");
	fk.requests = 0;
	CTL(2, "", "vpcpeer-ctl: peering set: ambiguous keyword \"a\": could be "
	    "allow-dns-resolution, accepter\n", "peering", "set",
	    "pcx-11223344", "requester", "a", "on");
	CTL(2, "", "vpcpeer-ctl: peering set: requester: unknown "
	    "allow-dns-resolution value \"true\"; expected one of: on, off\n",
	    "peering", "set", "pcx-11223344", "requester", "allow", "true");
	CTL(2, "", "vpcpeer-ctl: peering set: accepter: name \"a\\x01\": "
	    "character \"\\x01\" at position 2 is not printable ASCII\n",
	    "peering", "set", "pcx-11223344", "accepter", "name", "a\x01");
	CTL(2, "", "vpcpeer-ctl: peering set: missing allow-dns-resolution or "
	    "name after \"requester\" (usage: vpcpeer-ctl peering set PCX SIDE "
	    "[allow-dns-resolution on|off] [name TEXT] [SIDE ...])\n",
	    "peering", "set", "pcx-11223344", "requester", "accepter", "name",
	    "x");
	CTL(2, "", "vpcpeer-ctl: peering set: unknown side \"both\"; expected "
	    "one of: requester, accepter\n", "peering", "set", "pcx-11223344",
	    "both", "name", "x");
	assert_int_equal(fk.requests, 0);
}

/* An event message as the module multicasts it, queued for the monitor. */
static struct nl_msg *event(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(16384);

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, FAKE_FAMILY, 0, 0, cmd, 1));
	assert_true(fk.nevents < (int)ARRAY_SIZE(fk.events));
	fk.events[fk.nevents++] = m;
	return m;
}

/* VPC_CIDR_ADD of 10.2.0.0/16 to blue; PCX_STATE old -> the pcx's state. */
static void queue_events(void)
{
	struct fake_pcx *x = &fk.pcxs[0];
	struct nlattr *pcx, *c;
	struct nl_msg *m;

	put_vpc(event(VPCPEER_CMD_VPC_NEW_NTF), &fk.vpcs[1]);
	m = event(VPCPEER_CMD_VPC_CIDR_ADD_NTF);
	put_vpc(m, &fk.vpcs[0]);
	c = nla_nest_start(m, VPCPEER_A_CIDR);
	nla_put(m, VPCPEER_A_CIDR_ADDR, 4, "\x0a\x02\0\0");
	nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, 16);
	nla_nest_end(m, c);
	put_pcx(event(VPCPEER_CMD_PCX_REQUEST_NTF), x);
	/* Not an event: skipped. */
	put_pcx(event(VPCPEER_CMD_PCX_GET), x);
	put_pcx(event(VPCPEER_CMD_MAX + 1), x);
	/* Malformed: reported, skipped. */
	put_pcx(event(VPCPEER_CMD_PCX_STATE_NTF), x);
	m = event(VPCPEER_CMD_PCX_STATE_NTF);
	pcx = nla_nest_start(m, VPCPEER_A_PCX);
	nla_put_u32(m, VPCPEER_A_PCX_ID, x->id);
	nla_put_u8(m, VPCPEER_A_PCX_STATE, VPCPEER_PCX_STATE_ACTIVE);
	nla_put_u8(m, VPCPEER_A_PCX_REASON, VPCPEER_PCX_REASON_PROVISIONED);
	nla_put_u8(m, VPCPEER_A_PCX_OLD_STATE, VPCPEER_PCX_STATE_PROVISIONING);
	nla_nest_end(m, pcx);
	/* The rest of the nest is added by put_pcx() after the first. */
	put_pcx(event(VPCPEER_CMD_PCX_SET_NTF), x);
	m = event(VPCPEER_CMD_PCX_DEL_NTF);
	pcx = nla_nest_start(m, VPCPEER_A_PCX);
	nla_put_u32(m, VPCPEER_A_PCX_ID, x->id);
	nla_put_u8(m, VPCPEER_A_PCX_STATE, VPCPEER_PCX_STATE_DELETED);
	nla_nest_end(m, pcx);
	put_vpc(event(VPCPEER_CMD_VPC_DEL_NTF), &fk.vpcs[1]);
}

static const char bad_state_event[] =
	"vpcpeer-ctl: monitor: malformed event from the kernel: PCX_STATE "
	"event without VPCPEER_A_PCX_OLD_STATE\n"
	"vpcpeer-ctl: monitor: malformed event from the kernel: peering "
	"without VPCPEER_A_PCX_REQUESTER\n";

static void test_monitor(void **state)
{
	(void)state;
	make_blue_green();
	CTL(0, "pcx-11223344\n", "", "peering", "request", "blue", "green");
	fk.r14 = true;
	fk.pcxs[0].allow_dns[0] = true;
	snprintf(fk.pcxs[0].tag[1], sizeof(fk.pcxs[0].tag[1]), "green side");
	queue_events();
	fk.stop_when_read = true;
	CTL(0, "vpc new vpc-99887766 green 10.1.0.0/16 fd00:9::/48\n"
	    "vpc cidr-add vpc-0a1b2c3d blue 10.2.0.0/16\n"
	    "pcx new pcx-11223344 blue -> green pending-acceptance\n"
	    "pcx set pcx-11223344 requester allow-dns-resolution on accepter "
	    "allow-dns-resolution off name green side\n"
	    "pcx del pcx-11223344\n"
	    "vpc del vpc-99887766 green\n", bad_state_event, "monitor");
	assert_int_equal(fk.joined, FAKE_GROUP);
	assert_int_equal(fk.nevents, 0);
	/* The signal is not left pending, nor its handler installed. */
	{
		struct sigaction sa;
		sigset_t pending;

		sigpending(&pending);
		assert_false(sigismember(&pending, SIGTERM));
		sigaction(SIGTERM, NULL, &sa);
		assert_true(sa.sa_handler == SIG_DFL);
	}

	queue_events();
	fk.stop_when_read = true;
	CTL(0, "{\"event\":\"vpc-new\",\"vpc\":{\"id\":\"vpc-99887766\","
	    "\"name\":\"green\",\"netnsid\":0,"
	    "\"cidrs\":[\"10.1.0.0/16\",\"fd00:9::/48\"]}}\n"
	    "{\"event\":\"vpc-cidr-add\",\"vpc\":{\"id\":\"vpc-0a1b2c3d\","
	    "\"name\":\"blue\",\"netnsid\":-1},\"cidr\":\"10.2.0.0/16\"}\n"
	    "{\"event\":\"pcx-new\",\"pcx\":{\"id\":\"pcx-11223344\","
	    "\"state\":\"pending-acceptance\",\"reason\":\"requested\","
	    "\"message\":\"Pending Acceptance by vpc-99887766\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	    "\"allow_dns_resolution\":true},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	    "\"allow_dns_resolution\":false,\"name\":\"green side\"}}}\n"
	    "{\"event\":\"pcx-set\",\"pcx\":{\"id\":\"pcx-11223344\","
	    "\"state\":\"pending-acceptance\",\"reason\":\"requested\","
	    "\"message\":\"Pending Acceptance by vpc-99887766\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\","
	    "\"allow_dns_resolution\":true},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\",\"vpc_name\":\"green\","
	    "\"allow_dns_resolution\":false,\"name\":\"green side\"}}}\n"
	    "{\"event\":\"pcx-del\",\"pcx\":{\"id\":\"pcx-11223344\","
	    "\"state\":\"deleted\"}}\n"
	    "{\"event\":\"vpc-del\",\"vpc\":{\"id\":\"vpc-99887766\","
	    "\"name\":\"green\",\"netnsid\":0}}\n",
	    bad_state_event, "-j", "monitor");
}

/*
 * A connection ended by the kernel, as the module tells it: into
 * "deleting" already with the reason it ends with, then "deleted". The
 * accepter's name is not the listener's to see.
 */
static void queue_state_events(void)
{
	static const uint8_t states[][2] = {
		{ VPCPEER_PCX_STATE_ACTIVE, VPCPEER_PCX_STATE_DELETING },
		{ VPCPEER_PCX_STATE_DELETING, VPCPEER_PCX_STATE_DELETED },
	};
	struct nlattr *pcx, *side;
	struct nl_msg *m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		m = event(VPCPEER_CMD_PCX_STATE_NTF);
		pcx = nla_nest_start(m, VPCPEER_A_PCX);
		nla_put_u32(m, VPCPEER_A_PCX_ID, 0x11223344);
		nla_put_u8(m, VPCPEER_A_PCX_STATE, states[i][1]);
		nla_put_u8(m, VPCPEER_A_PCX_REASON, VPCPEER_PCX_REASON_VPC_GONE);
		nla_put_u8(m, VPCPEER_A_PCX_OLD_STATE, states[i][0]);
		if (states[i][1] == VPCPEER_PCX_STATE_DELETED)
			nla_put_u64(m, VPCPEER_A_PCX_VISIBLE_UNTIL, 1764151200);
		side = nla_nest_start(m, VPCPEER_A_PCX_REQUESTER);
		nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, 0x0a1b2c3d);
		nla_put_string(m, VPCPEER_A_SIDE_VPC_NAME, "blue");
		nla_nest_end(m, side);
		side = nla_nest_start(m, VPCPEER_A_PCX_ACCEPTER);
		nla_put_u32(m, VPCPEER_A_SIDE_VPC_ID, 0x99887766);
		nla_nest_end(m, side);
		nla_nest_end(m, pcx);
	}
}

static void test_monitor_state_event(void **state)
{
	(void)state;
	queue_state_events();
	fk.stop_when_read = true;
	CTL(0, "pcx state pcx-11223344 active -> deleting: Deleting\n"
	    "pcx state pcx-11223344 deleting -> deleted: Deleted: a VPC of the "
	    "peering was deleted\n", "", "-n", "/proc/self/ns/net", "monitor");
	assert_int_equal(fk.joined, FAKE_GROUP);

	queue_state_events();
	fk.stop_when_read = true;
	CTL(0, "{\"event\":\"pcx-state\",\"pcx\":{\"id\":\"pcx-11223344\","
	    "\"state\":\"deleting\",\"reason\":\"vpc-gone\","
	    "\"message\":\"Deleting\","
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\"}},"
	    "\"old_state\":\"active\"}\n"
	    "{\"event\":\"pcx-state\",\"pcx\":{\"id\":\"pcx-11223344\","
	    "\"state\":\"deleted\",\"reason\":\"vpc-gone\","
	    "\"message\":\"Deleted: a VPC of the peering was deleted\","
	    "\"visible_until\":1764151200,"
	    "\"requester\":{\"vpc_id\":\"vpc-0a1b2c3d\",\"vpc_name\":\"blue\"},"
	    "\"accepter\":{\"vpc_id\":\"vpc-99887766\"}},"
	    "\"old_state\":\"deleting\"}\n", "", "-j", "monitor");
}

static void test_monitor_errors(void **state)
{
	(void)state;
	CTL(2, "", "vpcpeer-ctl: monitor: unexpected argument \"vpc\" (usage: "
	    "vpcpeer-ctl monitor)\n", "monitor", "vpc");
	fk.no_group = true;
	CTL(1, "", "vpcpeer-ctl: monitor: the vpcpeer family has no multicast "
	    "group \"events\": is the module too old?\n", "monitor");
	fk.no_group = false;
	fk.join_error = -NLE_PERM;
	CTL(1, "", "vpcpeer-ctl: monitor: cannot join the multicast group "
	    "\"events\": Operation not permitted\n", "mon");
	fk.join_error = 0;
	fk.no_family = true;
	CTL(1, "", "vpcpeer-ctl: generic netlink family \"vpcpeer\" not found: "
	    "is the vpcpeer module loaded?\n", "monitor");
}

/* "monitor" in a batch has a socket of its own; the others share one. */
static void test_batch_monitor(void **state)
{
	char path[] = "/tmp/vpcpeer-ctl-test-XXXXXX";

	(void)state;
	make_blue_green();
	batch_file(path, "vpc show green\nmonitor\nvpc show green\n");
	put_vpc(event(VPCPEER_CMD_VPC_DEL_NTF), &fk.vpcs[1]);
	fk.stop_when_read = true;
	count_from_zero();
	CTL(0, "vpc-99887766 green netnsid 0\n\tcidr 10.1.0.0/16\n"
	    "\tcidr fd00:9::/48\n"
	    "vpc del vpc-99887766 green\n"
	    "vpc-99887766 green netnsid 0\n\tcidr 10.1.0.0/16\n"
	    "\tcidr fd00:9::/48\n", "", "-b", path);
	assert_int_equal(fk.sockets, 2);
	assert_int_equal(fk.lookups, 2);
	assert_int_equal(fk.requests, 2);
	unlink(path);
}

/* --- regions ------------------------------------------------------------- */

#define B_CONNECTING \
	"region b remote 10.255.0.2:6081 local 10.255.0.1 state connecting underlay wireguard dev wg0\n" \
	"\tinner-mtu 8884 peerings 0\n"
#define B_UP_STATS \
	"\t\ttx 102 packets 103 bytes outer_fragmented 111  rx 104 packets 105 bytes\n" \
	"\t\tctl tx 106 rx 107 retransmits 108\n" \
	"\t\tdropped tx_no_route 109 tx_not_encrypted 110 rx_not_encrypted 112 " \
	"rx_bad_header 113 rx_unknown_pcx 114 rx_wrong_region 115 ctl_invalid 116 " \
	"ctl_queue_full 117 ctl_stale_epoch 118\n"

/* Add, show, set, show, del: the lifecycle of a region, text and JSON. */
static void test_regions(void **state)
{
	(void)state;
	CTL(0, "", "", "region", "add", "b", "remote", "10.255.0.2", "local",
	    "10.255.0.1");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_REGION_NEW);
	assert_false(fk.last_dry_run);
	/* No port given: the module's default. */
	assert_int_equal(fk.regions[0].port, 6081);
	CTL(0, B_CONNECTING, "", "region", "show");
	assert_true(fk.last_flags & NLM_F_DUMP);
	CTL(0, B_CONNECTING, "", "region");
	CTL(0, B_CONNECTING, "", "reg", "sh", "b");
	assert_false(fk.last_flags & NLM_F_DUMP);
	CTL(0, "[{\"name\":\"b\",\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
	    "\"local\":\"10.255.0.1\",\"state\":\"connecting\","
	    "\"underlay\":\"wireguard\",\"underlay_ifname\":\"wg0\","
	    "\"inner_mtu\":8884,\"pcx_count\":0}]\n", "", "-j", "region", "show");

	/* IPv6, with a port, keywords shortened and in another order. */
	CTL(0, "", "", "r", "a", "ap-southeast-2", "l", "fd00::1", "rem",
	    "[fd00::2]:443");
	assert_int_equal(fk.regions[1].port, 443);
	CTL(0, "region ap-southeast-2 remote [fd00::2]:443 local fd00::1 state connecting underlay wireguard dev wg0\n"
	    "\tinner-mtu 8864 peerings 0\n", "", "region", "show",
	    "ap-southeast-2");
	CTL(0, "[{\"name\":\"ap-southeast-2\",\"remote\":\"fd00::2\","
	    "\"remote_port\":443,\"local\":\"fd00::1\",\"state\":\"connecting\","
	    "\"underlay\":\"wireguard\",\"underlay_ifname\":\"wg0\","
	    "\"inner_mtu\":8864,\"pcx_count\":0}]\n", "", "-j", "region",
	    "show", "ap-southeast-2");

	/* set: the remote address and port; the local address stays. */
	CTL(0, "", "", "region", "set", "b", "remote", "10.255.0.22:6082");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_REGION_SET);
	assert_int_equal(fk.regions[0].port, 6082);
	CTL(0, "region b remote 10.255.0.22:6082 local 10.255.0.1 state connecting underlay wireguard dev wg0\n"
	    "\tinner-mtu 8884 peerings 0\n", "", "region", "show", "b");
	/* A remote address without a port keeps the region's port. */
	CTL(0, "", "", "region", "set", "b", "remote", "10.255.0.23");
	assert_int_equal(fk.regions[0].port, 6082);
	assert_int_equal(fk.regions[0].remote[3], 23);
	CTL(0, "", "", "region", "set", "b", "local", "10.255.0.3", "remote",
	    "10.255.0.2:6081");

	/* Heard from, in use, counting: -s. */
	fk.regions[0].state = VPCPEER_REGION_STATE_UP;
	fk.regions[0].heard = true;
	fk.regions[0].pcx_count = 3;
	fk.unknown_region_drops = 7;
	CTL(0, "region b remote 10.255.0.2:6081 local 10.255.0.3 state up underlay wireguard dev wg0\n"
	    "\tinner-mtu 8884 peer \"b\" epoch 5c1e00000000009a last-rx 1.2s peerings 3\n"
	    B_UP_STATS "module dropped rx_unknown_region 7\n", "", "-s",
	    "region", "show", "b");
	CTL(0, "[{\"name\":\"b\",\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
	    "\"local\":\"10.255.0.3\",\"state\":\"up\",\"underlay\":\"wireguard\","
	    "\"underlay_ifname\":\"wg0\",\"inner_mtu\":8884,\"peer_name\":\"b\","
	    "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
	    "\"pcx_count\":3,\"stats\":{\"tx_packets\":102,\"tx_bytes\":103,"
	    "\"rx_packets\":104,\"rx_bytes\":105,\"ctl_tx\":106,\"ctl_rx\":107,"
	    "\"ctl_retransmits\":108,\"tx_drop_no_route\":109,"
	    "\"tx_drop_not_encrypted\":110,\"tx_outer_fragmented\":111,"
	    "\"rx_drop_not_encrypted\":112,\"rx_drop_bad_header\":113,"
	    "\"rx_drop_unknown_pcx\":114,\"rx_drop_wrong_region\":115,"
	    "\"ctl_drop_invalid\":116,\"ctl_drop_queue_full\":117,"
	    "\"ctl_drop_stale_epoch\":118},\"rx_drop_unknown_region\":7}]\n",
	    "", "-j", "-s", "region", "show", "b");
	/* The dump: the module-wide line once, after the last region. */
	CTL(0, "region b remote 10.255.0.2:6081 local 10.255.0.3 state up underlay wireguard dev wg0\n"
	    "\tinner-mtu 8884 peer \"b\" epoch 5c1e00000000009a last-rx 1.2s peerings 3\n"
	    B_UP_STATS
	    "region ap-southeast-2 remote [fd00::2]:443 local fd00::1 state connecting underlay wireguard dev wg0\n"
	    "\tinner-mtu 8864 peerings 0\n"
	    "\t\ttx 0 packets 0 bytes outer_fragmented 0  rx 0 packets 0 bytes\n"
	    "\t\tctl tx 0 rx 0 retransmits 0\n"
	    "\t\tdropped tx_no_route 0 tx_not_encrypted 0 rx_not_encrypted 0 "
	    "rx_bad_header 0 rx_unknown_pcx 0 rx_wrong_region 0 ctl_invalid 0 "
	    "ctl_queue_full 0 ctl_stale_epoch 0\n"
	    "module dropped rx_unknown_region 7\n", "", "-s", "region");

	/* In use: the kernel's refusal, as it words it. */
	CTL(1, "", "vpcpeer-ctl: region del: live peering connections use the "
	    "region: delete them first (Device or resource busy)\n", "region",
	    "del", "b");
	fk.regions[0].pcx_count = 0;
	CTL(0, "", "", "region", "del", "b");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_REGION_DEL);
	CTL(0, "", "", "region", "del", "ap-southeast-2");
	CTL(0, "", "", "region", "show");
	CTL(0, "", "", "-s", "region", "show");
	CTL(0, "[]\n", "", "-j", "region", "show");
}

/* What the kernel's reply says the user must fix: on stderr, exit 0. */
static void test_region_warnings(void **state)
{
	(void)state;
	CTL(0, "", "vpcpeer-ctl: region add: warning: region c is unencrypted: "
	    "its route goes through no WireGuard device or IPsec SA, so nothing "
	    "is sent to it\n", "region", "add", "c", "remote", "192.0.2.2",
	    "local", "192.0.2.1");
	CTL(0, "region c remote 192.0.2.2:6081 local 192.0.2.1 state unencrypted underlay none\n"
	    "\tpeerings 0\n", "", "region", "show", "c");
	CTL(0, "", "vpcpeer-ctl: region set: warning: inner MTU 1384 < 8500: "
	    "packets of peerings will be fragmented outside; raise the "
	    "underlay MTU\n", "region", "set", "c", "remote", "198.51.100.2",
	    "local", "198.51.100.1");
	CTL(0, "region c remote 198.51.100.2:6081 local 198.51.100.1 state connecting underlay wireguard dev wg0\n"
	    "\tinner-mtu 1384 peerings 0\n"
	    "\twarning: inner MTU 1384 < 8500: packets of peerings will be "
	    "fragmented outside; raise the underlay MTU\n", "", "region",
	    "show");
	/* Fixed: no more warning. */
	CTL(0, "", "", "region", "set", "c", "remote", "10.255.0.2", "local",
	    "10.255.0.1");
	/* A dry run says nothing of what it would find. */
	CTL(0, "dry run: region add would succeed\n", "", "-D", "region", "add",
	    "d", "remote", "192.0.2.2", "local", "192.0.2.1");
}

/* The kernel's refusals pass through with its words and exit 1. */
static void test_region_kernel_errors(void **state)
{
	(void)state;
	CTL(0, "", "", "region", "add", "b", "remote", "10.255.0.2", "local",
	    "10.255.0.1");
	CTL(1, "", "vpcpeer-ctl: region add: a region of that name exists "
	    "(File exists)\n", "region", "add", "b", "remote", "10.255.0.3",
	    "local", "10.255.0.1");
	CTL(1, "", "vpcpeer-ctl: region add: another region has that remote "
	    "address: packets from it would be whose? (File exists)\n",
	    "region", "add", "c", "remote", "10.255.0.2:6090", "local",
	    "10.255.0.1");
	/* Only the kernel knows the local address this one would keep. */
	CTL(1, "", "vpcpeer-ctl: region set: the remote and local addresses "
	    "must be of one family (Invalid argument)\n", "region", "set", "b",
	    "remote", "[fd00::2]:6081");
	CTL(1, "", "vpcpeer-ctl: region set: no such region (No such file or "
	    "directory)\n", "region", "set", "nosuch", "local", "10.0.0.1");
	CTL(1, "", "vpcpeer-ctl: region show: no such region (No such file or "
	    "directory)\n", "-j", "region", "show", "nosuch");
	CTL(1, "", "vpcpeer-ctl: region del: no such region (No such file or "
	    "directory)\n", "region", "del", "nosuch");
	fk.uncapped = true;
	CTL(1, "", "vpcpeer-ctl: region del: no such region (No such file or "
	    "directory)\n", "region", "del", "nosuch");
	fk.uncapped = false;
	fk.dump_error = -EPERM;
	CTL(1, "", "vpcpeer-ctl: region show: fake: dump refused (Operation "
	    "not permitted)\n", "region", "show");
	fk.dump_error = 0;
	/* A dump that a change interrupted is read again, whole. */
	fk.dump_intr = 1;
	fk.requests = 0;
	CTL(0, B_CONNECTING, "", "region");
	assert_int_equal(fk.requests, 2);
	assert_int_equal(fk.regions[0].port, 6081);
}

/* -D: the region commands that change something carry the flag. */
static void test_region_dry_run(void **state)
{
	(void)state;
	CTL(0, "dry run: region add would succeed\n", "", "-D", "region", "add",
	    "b", "remote", "10.255.0.2", "local", "10.255.0.1");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_REGION_NEW);
	assert_true(fk.last_dry_run);
	CTL(0, "", "", "region", "show");
	CTL(0, "", "", "region", "add", "b", "remote", "10.255.0.2", "local",
	    "10.255.0.1");
	CTL(0, "dry run: region set would succeed\n", "", "-D", "region", "set",
	    "b", "remote", "10.255.0.9:7000");
	assert_true(fk.last_dry_run);
	CTL(1, "", "vpcpeer-ctl: region set: no such region (No such file or "
	    "directory)\n", "-D", "region", "set", "c", "local", "10.0.0.1");
	CTL(0, "dry run: region del would succeed\n", "", "-D", "region", "del",
	    "b");
	assert_int_equal(fk.last_cmd, VPCPEER_CMD_REGION_DEL);
	assert_true(fk.last_dry_run);
	CTL(0, B_CONNECTING, "", "-D", "region", "show");
	assert_false(fk.last_dry_run);
	CTL(0, B_CONNECTING, "", "-D", "region", "show", "b");
	assert_false(fk.last_dry_run);
}

/* Usage errors never reach the kernel. */
static void test_region_usage_errors(void **state)
{
	static const char add_usage[] =
		" (usage: vpcpeer-ctl region add NAME remote ADDR[:PORT] local ADDR)\n";
	char want[512];

	(void)state;
	snprintf(want, sizeof(want), "vpcpeer-ctl: region add: missing local ADDR%s",
		 add_usage);
	CTL(2, "", want, "region", "add", "b", "remote", "10.255.0.2");
	snprintf(want, sizeof(want),
		 "vpcpeer-ctl: region add: missing remote ADDR[:PORT]%s", add_usage);
	CTL(2, "", want, "region", "add", "b", "local", "10.255.0.1");
	CTL(2, "", "vpcpeer-ctl: region add: remote address \"10.255.0.2:0\": "
	    "port \"0\" is out of range (1-65535)\n", "region", "add", "b",
	    "remote", "10.255.0.2:0", "local", "10.255.0.1");
	CTL(2, "", "vpcpeer-ctl: region add: remote address \"[fd00::2]:65536\": "
	    "port \"65536\" is out of range (1-65535)\n", "region", "add", "b",
	    "remote", "[fd00::2]:65536", "local", "fd00::1");
	CTL(2, "", "vpcpeer-ctl: region add: remote address \"[fd00::2]:6081\" is "
	    "IPv6 but local address \"10.255.0.1\" is IPv4: give both of one "
	    "family\n", "region", "add", "b", "remote", "[fd00::2]:6081",
	    "local", "10.255.0.1");
	CTL(2, "", "vpcpeer-ctl: region add: local address \"10.255.0.1:6081\" "
	    "takes no port\n", "region", "add", "b", "remote", "10.255.0.2",
	    "local", "10.255.0.1:6081");
	CTL(2, "", "vpcpeer-ctl: region add: unknown keyword \"port\"; expected "
	    "one of: remote, local\n", "region", "add", "b", "port", "6081");
	CTL(2, "", "vpcpeer-ctl: region add: region name \"us east\": character "
	    "\" \" at position 3 is not allowed (use A-Z a-z 0-9 . _ -)\n",
	    "region", "add", "us east", "remote", "10.255.0.2", "local",
	    "10.255.0.1");
	CTL(2, "", "vpcpeer-ctl: region set: missing remote or local: nothing "
	    "to change (usage: vpcpeer-ctl region set NAME [remote ADDR[:PORT]] "
	    "[local ADDR])\n", "region", "set", "b");
	CTL(2, "", "vpcpeer-ctl: region set: local given twice (usage: "
	    "vpcpeer-ctl region set NAME [remote ADDR[:PORT]] [local ADDR])\n",
	    "region", "set", "b", "local", "10.0.0.1", "l", "10.0.0.2");
	CTL(2, "", "vpcpeer-ctl: region del: region name \"abcdefghijklmnop\" is "
	    "too long (16 characters; at most 15)\n", "region", "del",
	    "abcdefghijklmnop");
	CTL(2, "", "vpcpeer-ctl: region show: unexpected argument \"c\" (usage: "
	    "vpcpeer-ctl region show [NAME])\n", "region", "show", "b", "c");
	CTL(2, "", "vpcpeer-ctl: unknown region command \"list\"; expected one "
	    "of: add, set, del, show\n", "region", "list");
	assert_int_equal(fk.requests, 0);
}

/* Region events: added, heard from, deleted (the name alone). */
static void queue_region_events(void)
{
	struct fake_region r = {
		.used = true, .name = "b", .family = AF_INET,
		.remote = { 10, 255, 0, 2 }, .local = { 10, 255, 0, 1 },
		.port = 6081,
	};

	region_verify(&r);
	put_region(event(VPCPEER_CMD_REGION_STATE_NTF), &r, false);
	r.state = VPCPEER_REGION_STATE_UP;
	r.heard = true;
	put_region(event(VPCPEER_CMD_REGION_STATE_NTF), &r, false);
	/* Malformed: a state without the addresses. */
	{
		struct nl_msg *m = event(VPCPEER_CMD_REGION_STATE_NTF);
		struct nlattr *nest = nla_nest_start(m, VPCPEER_A_REGION);

		nla_put_string(m, VPCPEER_A_REGION_NAME, "b");
		nla_put_u8(m, VPCPEER_A_REGION_STATE, VPCPEER_REGION_STATE_DOWN);
		nla_nest_end(m, nest);
	}
	put_region(event(VPCPEER_CMD_REGION_STATE_NTF), &r, true);
}

static void test_monitor_regions(void **state)
{
	static const char bad[] =
		"vpcpeer-ctl: monitor: malformed event from the kernel: region "
		"without VPCPEER_A_REGION_REMOTE_ADDR\n";

	(void)state;
	queue_region_events();
	fk.stop_when_read = true;
	CTL(0, "region state b connecting underlay wireguard dev wg0 inner-mtu 8884 "
	    "remote 10.255.0.2:6081 local 10.255.0.1\n"
	    "region state b up underlay wireguard dev wg0 inner-mtu 8884 "
	    "remote 10.255.0.2:6081 local 10.255.0.1\n"
	    "region state b deleted\n", bad, "monitor");
	assert_int_equal(fk.joined, FAKE_GROUP);

	queue_region_events();
	fk.stop_when_read = true;
	CTL(0, "{\"event\":\"region-state\",\"region\":{\"name\":\"b\","
	    "\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
	    "\"local\":\"10.255.0.1\",\"state\":\"connecting\","
	    "\"underlay\":\"wireguard\",\"underlay_ifname\":\"wg0\","
	    "\"inner_mtu\":8884,\"pcx_count\":0}}\n"
	    "{\"event\":\"region-state\",\"region\":{\"name\":\"b\","
	    "\"remote\":\"10.255.0.2\",\"remote_port\":6081,"
	    "\"local\":\"10.255.0.1\",\"state\":\"up\","
	    "\"underlay\":\"wireguard\",\"underlay_ifname\":\"wg0\","
	    "\"inner_mtu\":8884,\"peer_name\":\"b\","
	    "\"peer_epoch\":\"5c1e00000000009a\",\"last_rx_ms\":1234,"
	    "\"pcx_count\":0}}\n"
	    "{\"event\":\"region-state\",\"region\":{\"name\":\"b\"},"
	    "\"deleted\":true}\n", bad, "-j", "monitor");
}

/* A batch of region commands: one socket, each line its own verdict. */
static void test_region_batch(void **state)
{
	char path[] = "/tmp/vpcpeer-ctl-test-XXXXXX", err[512];

	(void)state;
	batch_file(path, "region add b remote 10.255.0.2 local 10.255.0.1\n"
			 "region add c remote 192.0.2.2 local 192.0.2.1\n"
			 "region add b remote 10.255.0.3 local 10.255.0.1\n"
			 "region show b\n"
			 "region del c\n");
	count_from_zero();
	snprintf(err, sizeof(err),
		 "vpcpeer-ctl: region add: warning: region c is unencrypted: "
		 "its route goes through no WireGuard device or IPsec SA, so "
		 "nothing is sent to it\n"
		 "vpcpeer-ctl: region add: a region of that name exists (File "
		 "exists)\n"
		 "vpcpeer-ctl: %s:3: command failed\n", path);
	CTL(1, B_CONNECTING, err, "--force", "-b", path);
	assert_int_equal(fk.sockets, 1);
	assert_int_equal(fk.requests, 5);
	assert_null(region_find("c"));
	unlink(path);
}

static void test_version(void **state)
{
	struct run r;

	(void)state;
	ctl(&r, "-j", "version", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\"family\":\"vpcpeer\","
				      "\"family_version\":1,\"family_id\":29}\n"));
	assert_string_equal(r.err, "");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cidr_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_failed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deleted_by, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_datagrams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_interrupted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_odd_kernels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_region, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_batch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pcx_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_by_name, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_one_socket, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_monitor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_state_event, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_warnings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_region_kernel_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_region_dry_run, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_region_usage_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor_regions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_region_batch, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}

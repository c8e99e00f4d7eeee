// SPDX-License-Identifier: GPL-2.0
/*
 * The vpcpeer netlink messages without the socket (see msg.h). Replies are
 * checked by hand rather than by libnl's policies so that a bad one is
 * named precisely ("VPCPEER_A_CIDR_ADDR of 5 bytes"): integers must have
 * their exact size, strings must end at their NUL, and the attributes
 * this tool cannot do without (ids, the state, both sides) must be there.
 * Attribute types above those this version knows are skipped, as the ABI
 * promises they are only ever appended.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "msg.h"

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* --- requests ----------------------------------------------------------- */

int msg_put_vpc_ref(struct nl_msg *m, int id_attr, int name_attr,
		    const struct vpc_ref *ref)
{
	if (ref->name)
		return nla_put_string(m, name_attr, ref->name);
	return nla_put_u32(m, id_attr, ref->id);
}

int msg_put_cidr(struct nl_msg *m, const struct prefix *p)
{
	struct nlattr *nest;
	int len = p->family == AF_INET ? 4 : 16;

	nest = nla_nest_start(m, VPCPEER_A_VPC_CIDR);
	if (!nest)
		return -NLE_NOMEM;
	if (nla_put(m, VPCPEER_A_CIDR_ADDR, len, p->addr) < 0 ||
	    nla_put_u8(m, VPCPEER_A_CIDR_PREFIXLEN, p->len) < 0) {
		nla_nest_cancel(m, nest);
		return -NLE_NOMEM;
	}
	return nla_nest_end(m, nest);
}

int msg_put_side(struct nl_msg *m, int attr, const struct vpc_ref *ref,
		 const char *region)
{
	struct nlattr *side = nla_nest_start(m, attr);

	if (!side ||
	    msg_put_vpc_ref(m, VPCPEER_A_SIDE_VPC_ID, VPCPEER_A_SIDE_VPC_NAME,
			    ref) < 0 ||
	    (region && nla_put_string(m, VPCPEER_A_SIDE_REGION, region) < 0))
		return -NLE_NOMEM;
	return nla_nest_end(m, side);
}

static int put_endpoint(struct nl_msg *m, int attr, const struct endpoint *e)
{
	return nla_put(m, attr, e->family == AF_INET ? 4 : 16, e->addr);
}

int msg_put_region(struct nl_msg *m, const char *name,
		   const struct endpoint *remote, const struct endpoint *local)
{
	struct nlattr *nest = nla_nest_start(m, VPCPEER_A_REGION);

	if (!nest || nla_put_string(m, VPCPEER_A_REGION_NAME, name) < 0 ||
	    (remote &&
	     put_endpoint(m, VPCPEER_A_REGION_REMOTE_ADDR, remote) < 0) ||
	    (remote && remote->has_port &&
	     nla_put_u16(m, VPCPEER_A_REGION_REMOTE_PORT, remote->port) < 0) ||
	    (local && put_endpoint(m, VPCPEER_A_REGION_LOCAL_ADDR, local) < 0))
		return -NLE_NOMEM;
	return nla_nest_end(m, nest);
}

size_t msg_request_size(size_t ncidrs)
{
	/* A CIDR nest: header, 16 address bytes, a padded u8. */
	size_t cidr = nla_total_size(nla_total_size(16) + nla_total_size(1));

	/*
	 * Headers, the outer nest, the largest of what a request names
	 * (two side nests with a name each, and the accepter's region),
	 * and slack for libnl.
	 */
	return NLMSG_HDRLEN + GENL_HDRLEN + 4 * nla_total_size(0) +
	       2 * nla_total_size(VPCPEER_NAME_MAX) + 2 * nla_total_size(4) +
	       nla_total_size(VPCPEER_REGION_NAME_MAX) + ncidrs * cidr + 256;
}

bool msg_cmd_mutates(uint8_t cmd)
{
	switch (cmd) {
	case VPCPEER_CMD_VPC_NEW:
	case VPCPEER_CMD_VPC_DEL:
	case VPCPEER_CMD_VPC_CIDR_ADD:
	case VPCPEER_CMD_VPC_CIDR_DEL:
	case VPCPEER_CMD_PCX_REQUEST:
	case VPCPEER_CMD_PCX_ACCEPT:
	case VPCPEER_CMD_PCX_REJECT:
	case VPCPEER_CMD_PCX_DEL:
	case VPCPEER_CMD_PCX_SET:
	case VPCPEER_CMD_REGION_NEW:
	case VPCPEER_CMD_REGION_SET:
	case VPCPEER_CMD_REGION_DEL:
		return true;
	default:
		return false;
	}
}

/* --- reply attributes --------------------------------------------------- */

static int get_u32(const struct nlattr *a, const char *what, uint32_t *v,
		   char *err, size_t errlen)
{
	if (nla_len(a) != sizeof(*v))
		return fail(err, errlen, "%s of %d bytes (expected 4)", what,
			    nla_len(a));
	memcpy(v, nla_data(a), sizeof(*v));
	return 0;
}

static int get_u8(const struct nlattr *a, const char *what, uint8_t *v,
		  char *err, size_t errlen)
{
	if (nla_len(a) != sizeof(*v))
		return fail(err, errlen, "%s of %d bytes (expected 1)", what,
			    nla_len(a));
	*v = *(const uint8_t *)nla_data(a);
	return 0;
}

static int get_u16(const struct nlattr *a, const char *what, uint16_t *v,
		   char *err, size_t errlen)
{
	if (nla_len(a) != sizeof(*v))
		return fail(err, errlen, "%s of %d bytes (expected 2)", what,
			    nla_len(a));
	memcpy(v, nla_data(a), sizeof(*v));
	return 0;
}

static int get_u64(const struct nlattr *a, const char *what, uint64_t *v,
		   char *err, size_t errlen)
{
	if (nla_len(a) != sizeof(*v))
		return fail(err, errlen, "%s of %d bytes (expected 8)", what,
			    nla_len(a));
	memcpy(v, nla_data(a), sizeof(*v));
	return 0;
}

/*
 * A NUL-terminated string of at most size bytes with the NUL (0: any
 * length), with nothing after its NUL.
 */
static int get_str(const struct nlattr *a, const char *what, size_t size,
		   const char **s, char *err, size_t errlen)
{
	const char *d = nla_data(a);
	int len = nla_len(a);

	if (len < 1 || memchr(d, '\0', len) != d + len - 1)
		return fail(err, errlen, "%s is not a NUL-terminated string",
			    what);
	if (size && (size_t)len > size)
		return fail(err, errlen, "%s is %d bytes long (at most %zu)",
			    what, len - 1, size - 1);
	*s = d;
	return 0;
}

static int get_nest(struct nlattr *a, const char *what, int maxtype,
		    struct nlattr **tb, char *err, size_t errlen)
{
	if (nla_parse_nested(tb, maxtype, a, NULL) < 0)
		return fail(err, errlen, "%s is not a nest of attributes",
			    what);
	return 0;
}

int msg_parse(struct nlmsghdr *nlh, struct nlattr *tb[VPCPEER_A_MAX + 1],
	      char *err, size_t errlen)
{
	if (genlmsg_parse(nlh, 0, tb, VPCPEER_A_MAX, NULL) < 0)
		return fail(err, errlen,
			    "message of %" PRIu32 " bytes is too short for its headers",
			    nlh->nlmsg_len);
	return 0;
}

/* --- VPC ---------------------------------------------------------------- */

static int cidr_decode(struct nlattr *a, const char *what, struct prefix *p,
		       char *err, size_t errlen)
{
	struct nlattr *tb[VPCPEER_A_CIDR_MAX + 1];
	int ret, len;

	ret = get_nest(a, what, VPCPEER_A_CIDR_MAX, tb, err, errlen);
	if (ret)
		return ret;
	if (!tb[VPCPEER_A_CIDR_ADDR] || !tb[VPCPEER_A_CIDR_PREFIXLEN])
		return fail(err, errlen, "CIDR without %s",
			    tb[VPCPEER_A_CIDR_ADDR] ? "VPCPEER_A_CIDR_PREFIXLEN" :
						      "VPCPEER_A_CIDR_ADDR");
	len = nla_len(tb[VPCPEER_A_CIDR_ADDR]);
	if (len != 4 && len != 16)
		return fail(err, errlen,
			    "VPCPEER_A_CIDR_ADDR of %d bytes (expected 4 or 16)",
			    len);
	memset(p, 0, sizeof(*p));
	p->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(p->addr, nla_data(tb[VPCPEER_A_CIDR_ADDR]), len);
	ret = get_u8(tb[VPCPEER_A_CIDR_PREFIXLEN], "VPCPEER_A_CIDR_PREFIXLEN",
		     &p->len, err, errlen);
	if (ret)
		return ret;
	if (p->len > len * 8)
		return fail(err, errlen,
			    "VPCPEER_A_CIDR_PREFIXLEN %u is too long for IPv%d",
			    p->len, len == 4 ? 4 : 6);
	return 0;
}

/*
 * The CIDR nests in nest whose attribute type is type (named what in
 * messages), repeated, into *cidrs, malloc'd, and their number into *n:
 * the caller frees *cidrs, whatever this returns.
 */
static int cidrs_decode(struct nlattr *nest, int type, const char *what,
			struct prefix **cidrs, size_t *n, char *err,
			size_t errlen)
{
	struct nlattr *a;
	size_t count = 0;
	int rem, ret;

	nla_for_each_nested(a, nest, rem)
		count += nla_type(a) == type;
	if (!count)
		return 0;
	*cidrs = calloc(count, sizeof(**cidrs));
	if (!*cidrs)
		return fail(err, errlen, "out of memory");
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		ret = cidr_decode(a, what, &(*cidrs)[*n], err, errlen);
		if (ret)
			return ret;
		(*n)++;
	}
	return 0;
}

int vpc_decode(struct nlattr **top, struct vpc_info *v, char *err,
	       size_t errlen)
{
	struct nlattr *tb[VPCPEER_A_VPC_MAX + 1];
	uint32_t u = 0;
	int ret;

	memset(v, 0, sizeof(*v));
	if (!top[VPCPEER_A_VPC])
		return fail(err, errlen, "no VPCPEER_A_VPC");
	ret = get_nest(top[VPCPEER_A_VPC], "VPCPEER_A_VPC", VPCPEER_A_VPC_MAX,
		       tb, err, errlen);
	if (ret)
		return ret;
	if (!tb[VPCPEER_A_VPC_ID])
		return fail(err, errlen, "VPC without VPCPEER_A_VPC_ID");
	ret = get_u32(tb[VPCPEER_A_VPC_ID], "VPCPEER_A_VPC_ID", &v->id, err,
		      errlen);
	if (ret)
		return ret;
	if (!tb[VPCPEER_A_VPC_NAME])
		return fail(err, errlen, "VPC without VPCPEER_A_VPC_NAME");
	ret = get_str(tb[VPCPEER_A_VPC_NAME], "VPCPEER_A_VPC_NAME",
		      VPCPEER_NAME_MAX, &v->name, err, errlen);
	if (ret)
		return ret;
	if (tb[VPCPEER_A_VPC_NETNSID]) {
		ret = get_u32(tb[VPCPEER_A_VPC_NETNSID],
			      "VPCPEER_A_VPC_NETNSID", &u, err, errlen);
		if (ret)
			return ret;
		v->has_netnsid = true;
		v->netnsid = (int32_t)u;
	}
	ret = cidrs_decode(top[VPCPEER_A_VPC], VPCPEER_A_VPC_CIDR,
			   "VPCPEER_A_VPC_CIDR", &v->cidrs, &v->ncidrs, err,
			   errlen);
	if (ret)
		vpc_info_free(v);
	return ret;
}

void vpc_info_free(struct vpc_info *v)
{
	free(v->cidrs);
	v->cidrs = NULL;
	v->ncidrs = 0;
}

/* --- PCX ---------------------------------------------------------------- */

static int stats_decode(struct nlattr *a, struct pcx_side *s, char *err,
			size_t errlen)
{
#define STAT_NAME(name) [STAT_##name] = "VPCPEER_A_STATS_" #name
	static const char *const names[NR_SIDE_STATS] = {
		STAT_NAME(TX_PACKETS), STAT_NAME(TX_BYTES),
		STAT_NAME(RX_PACKETS), STAT_NAME(RX_BYTES),
		STAT_NAME(DROP_NOT_ACTIVE), STAT_NAME(DROP_SRC_NOT_IN_VPC),
		STAT_NAME(DROP_DST_NOT_IN_PEER), STAT_NAME(DROP_TOO_BIG),
		STAT_NAME(DROP_MALFORMED), STAT_NAME(DROP_RX),
		STAT_NAME(RX_DROP_NOT_ACTIVE), STAT_NAME(RX_DROP_SRC_NOT_IN_PEER),
		STAT_NAME(RX_DROP_DST_NOT_IN_VPC), STAT_NAME(RX_DROP_MALFORMED),
		STAT_NAME(DROP_UNDERLAY),
	};
#undef STAT_NAME
	struct nlattr *tb[VPCPEER_A_STATS_MAX + 1];
	unsigned int i;
	int ret;

	ret = get_nest(a, "VPCPEER_A_SIDE_STATS", VPCPEER_A_STATS_MAX, tb, err,
		       errlen);
	if (ret)
		return ret;
	for (i = 0; i < NR_SIDE_STATS; i++) {
		struct nlattr *c = tb[VPCPEER_A_STATS_TX_PACKETS + i];

		if (!c)
			continue;
		ret = get_u64(c, names[i], &s->stats[i], err, errlen);
		if (ret)
			return ret;
	}
	s->has_stats = true;
	return 0;
}

static int side_decode(struct nlattr *a, const char *what,
		       struct pcx_side *s, char *err, size_t errlen)
{
	struct nlattr *tb[VPCPEER_A_SIDE_MAX + 1];
	int ret;

	ret = get_nest(a, what, VPCPEER_A_SIDE_MAX, tb, err, errlen);
	if (ret)
		return ret;
	if (!tb[VPCPEER_A_SIDE_VPC_ID])
		return fail(err, errlen, "%s without VPCPEER_A_SIDE_VPC_ID",
			    what);
	ret = get_u32(tb[VPCPEER_A_SIDE_VPC_ID], "VPCPEER_A_SIDE_VPC_ID",
		      &s->vpc_id, err, errlen);
	if (!ret && tb[VPCPEER_A_SIDE_VPC_NAME])
		ret = get_str(tb[VPCPEER_A_SIDE_VPC_NAME],
			      "VPCPEER_A_SIDE_VPC_NAME", VPCPEER_NAME_MAX,
			      &s->vpc_name, err, errlen);
	if (!ret && tb[VPCPEER_A_SIDE_IFNAME])
		ret = get_str(tb[VPCPEER_A_SIDE_IFNAME], "VPCPEER_A_SIDE_IFNAME",
			      IFNAMSIZ, &s->ifname, err, errlen);
	if (!ret && tb[VPCPEER_A_SIDE_IFINDEX]) {
		ret = get_u32(tb[VPCPEER_A_SIDE_IFINDEX],
			      "VPCPEER_A_SIDE_IFINDEX", &s->ifindex, err,
			      errlen);
		s->has_ifindex = !ret;
	}
	if (!ret && tb[VPCPEER_A_SIDE_STATS])
		ret = stats_decode(tb[VPCPEER_A_SIDE_STATS], s, err, errlen);
	if (!ret && tb[VPCPEER_A_SIDE_ALLOW_DNS]) {
		uint8_t v = 0;

		ret = get_u8(tb[VPCPEER_A_SIDE_ALLOW_DNS],
			     "VPCPEER_A_SIDE_ALLOW_DNS", &v, err, errlen);
		s->has_allow_dns = !ret;
		s->allow_dns = v;
	}
	if (!ret && tb[VPCPEER_A_SIDE_TAG])
		ret = get_str(tb[VPCPEER_A_SIDE_TAG], "VPCPEER_A_SIDE_TAG",
			      VPCPEER_TAG_MAX, &s->tag, err, errlen);
	/* A remote side: its region, and its VPC's blocks. */
	if (!ret && tb[VPCPEER_A_SIDE_REGION])
		ret = get_str(tb[VPCPEER_A_SIDE_REGION], "VPCPEER_A_SIDE_REGION",
			      VPCPEER_REGION_NAME_MAX, &s->region, err, errlen);
	if (!ret)
		ret = cidrs_decode(a, VPCPEER_A_SIDE_CIDR, "VPCPEER_A_SIDE_CIDR",
				   &s->cidrs, &s->ncidrs, err, errlen);
	s->present = !ret;
	return ret;
}

/* The u64 times of a PCX nest, and the old state of a PCX_STATE event. */
static int pcx_extras_decode(struct nlattr **tb, struct pcx_info *p,
			     char *err, size_t errlen)
{
	int ret = 0;

	if (tb[VPCPEER_A_PCX_EXPIRES]) {
		ret = get_u64(tb[VPCPEER_A_PCX_EXPIRES],
			      "VPCPEER_A_PCX_EXPIRES", &p->expires, err,
			      errlen);
		p->has_expires = !ret;
	}
	if (!ret && tb[VPCPEER_A_PCX_VISIBLE_UNTIL]) {
		ret = get_u64(tb[VPCPEER_A_PCX_VISIBLE_UNTIL],
			      "VPCPEER_A_PCX_VISIBLE_UNTIL", &p->visible_until,
			      err, errlen);
		p->has_visible_until = !ret;
	}
	if (!ret && tb[VPCPEER_A_PCX_OLD_STATE]) {
		ret = get_u8(tb[VPCPEER_A_PCX_OLD_STATE],
			     "VPCPEER_A_PCX_OLD_STATE", &p->old_state, err,
			     errlen);
		p->has_old_state = !ret;
	}
	return ret;
}

/*
 * The PCX nest of a reply, or with lenient (a PCX_DEL event) of a message
 * that may name the connection by its id alone.
 */
static int pcx_nest_decode(struct nlattr **top, struct pcx_info *p,
			   bool lenient, char *err, size_t errlen)
{
	struct nlattr *tb[VPCPEER_A_PCX_MAX + 1];
	int ret;

	memset(p, 0, sizeof(*p));
	if (!top[VPCPEER_A_PCX])
		return fail(err, errlen, "no VPCPEER_A_PCX");
	ret = get_nest(top[VPCPEER_A_PCX], "VPCPEER_A_PCX", VPCPEER_A_PCX_MAX,
		       tb, err, errlen);
	if (ret)
		return ret;
	if (!tb[VPCPEER_A_PCX_ID])
		return fail(err, errlen, "peering without VPCPEER_A_PCX_ID");
	if (!lenient && !tb[VPCPEER_A_PCX_STATE])
		return fail(err, errlen, "peering without VPCPEER_A_PCX_STATE");
	if (!lenient &&
	    (!tb[VPCPEER_A_PCX_REQUESTER] || !tb[VPCPEER_A_PCX_ACCEPTER]))
		return fail(err, errlen, "peering without VPCPEER_A_PCX_%s",
			    tb[VPCPEER_A_PCX_REQUESTER] ? "ACCEPTER" :
							  "REQUESTER");
	ret = get_u32(tb[VPCPEER_A_PCX_ID], "VPCPEER_A_PCX_ID", &p->id, err,
		      errlen);
	if (!ret && tb[VPCPEER_A_PCX_STATE]) {
		ret = get_u8(tb[VPCPEER_A_PCX_STATE], "VPCPEER_A_PCX_STATE",
			     &p->state, err, errlen);
		p->has_state = !ret;
	}
	if (!ret && tb[VPCPEER_A_PCX_REASON]) {
		ret = get_u8(tb[VPCPEER_A_PCX_REASON], "VPCPEER_A_PCX_REASON",
			     &p->reason, err, errlen);
		p->has_reason = !ret;
	}
	if (!ret && tb[VPCPEER_A_PCX_REASON_CIDR]) {
		ret = cidr_decode(tb[VPCPEER_A_PCX_REASON_CIDR],
				  "VPCPEER_A_PCX_REASON_CIDR", &p->reason_cidr,
				  err, errlen);
		p->has_reason_cidr = !ret;
	}
	if (!ret)
		ret = pcx_extras_decode(tb, p, err, errlen);
	if (!ret && tb[VPCPEER_A_PCX_REQUESTER])
		ret = side_decode(tb[VPCPEER_A_PCX_REQUESTER],
				  "VPCPEER_A_PCX_REQUESTER", &p->requester, err,
				  errlen);
	if (!ret && tb[VPCPEER_A_PCX_ACCEPTER])
		ret = side_decode(tb[VPCPEER_A_PCX_ACCEPTER],
				  "VPCPEER_A_PCX_ACCEPTER", &p->accepter, err,
				  errlen);
	if (ret)
		pcx_info_free(p);
	return ret;
}

int pcx_decode(struct nlattr **top, struct pcx_info *p, char *err,
	       size_t errlen)
{
	return pcx_nest_decode(top, p, false, err, errlen);
}

void pcx_info_free(struct pcx_info *p)
{
	free(p->requester.cidrs);
	p->requester.cidrs = NULL;
	p->requester.ncidrs = 0;
	free(p->accepter.cidrs);
	p->accepter.cidrs = NULL;
	p->accepter.ncidrs = 0;
}

const char *pcx_state_name(unsigned int state, char buf[PCX_STATE_STRLEN])
{
	static const char *const names[] = {
		[VPCPEER_PCX_STATE_INITIATING_REQUEST] = "initiating-request",
		[VPCPEER_PCX_STATE_PENDING_ACCEPTANCE] = "pending-acceptance",
		[VPCPEER_PCX_STATE_PROVISIONING] = "provisioning",
		[VPCPEER_PCX_STATE_ACTIVE] = "active",
		[VPCPEER_PCX_STATE_REJECTED] = "rejected",
		[VPCPEER_PCX_STATE_EXPIRED] = "expired",
		[VPCPEER_PCX_STATE_FAILED] = "failed",
		[VPCPEER_PCX_STATE_DELETING] = "deleting",
		[VPCPEER_PCX_STATE_DELETED] = "deleted",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
		       __VPCPEER_PCX_STATE_MAX, "a state without a name");
	if (state < __VPCPEER_PCX_STATE_MAX)
		return names[state];
	snprintf(buf, PCX_STATE_STRLEN, "state-%u", state);
	return buf;
}

const char *pcx_reason_name(unsigned int reason, char buf[PCX_STATE_STRLEN])
{
	static const char *const names[] = {
		[VPCPEER_PCX_REASON_REQUESTED] = "requested",
		[VPCPEER_PCX_REASON_ACCEPTED] = "accepted",
		[VPCPEER_PCX_REASON_PROVISIONED] = "provisioned",
		[VPCPEER_PCX_REASON_OVERLAP] = "overlap",
		[VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP] = "no-such-vpc-or-overlap",
		[VPCPEER_PCX_REASON_REJECTED] = "rejected",
		[VPCPEER_PCX_REASON_EXPIRED] = "expired",
		[VPCPEER_PCX_REASON_DELETED_BY_REQUESTER] = "deleted-by-requester",
		[VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER] = "deleted-by-accepter",
		[VPCPEER_PCX_REASON_DEVICE_GONE] = "device-gone",
		[VPCPEER_PCX_REASON_VPC_GONE] = "vpc-gone",
		[VPCPEER_PCX_REASON_NETNS_GONE] = "netns-gone",
		[VPCPEER_PCX_REASON_REGION_REFUSED] = "region-refused",
		[VPCPEER_PCX_REASON_REGION_NO_ANSWER] = "region-no-answer",
		[VPCPEER_PCX_REASON_REGION_RESTARTED] = "region-restarted",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
		       VPCPEER_PCX_REASON_MAX + 1, "a reason without a name");
	if (reason <= VPCPEER_PCX_REASON_MAX)
		return names[reason];
	snprintf(buf, PCX_STATE_STRLEN, "reason-%u", reason);
	return buf;
}

/* A side's VPC as AWS's messages name it: its name where we have it. */
static const char *side_words(const struct pcx_side *s,
			      char buf[OBJECT_ID_STRLEN])
{
	if (s->vpc_name)
		return s->vpc_name;
	format_vpc_id(s->vpc_id, buf);
	return buf;
}

const char *pcx_message(const struct pcx_info *p, char buf[PCX_MESSAGE_LEN])
{
	char req[OBJECT_ID_STRLEN], acc[OBJECT_ID_STRLEN];
	char cidr[PREFIX_STRLEN] = "a block";
	const char *words = NULL;

	buf[0] = '\0';
	if (!p->has_reason)
		return buf;
	if (p->has_state && p->state == VPCPEER_PCX_STATE_DELETING)
		return strcpy(buf, "Deleting");
	format_vpc_id(p->requester.vpc_id, req);
	format_vpc_id(p->accepter.vpc_id, acc);
	/* Across regions, until the accepter's region answers. */
	if (p->has_state && p->state == VPCPEER_PCX_STATE_INITIATING_REQUEST) {
		snprintf(buf, PCX_MESSAGE_LEN, "Initiating Request to %s", acc);
		return buf;
	}
	switch (p->reason) {
	case VPCPEER_PCX_REASON_REQUESTED:
		snprintf(buf, PCX_MESSAGE_LEN, "Pending Acceptance by %s", acc);
		return buf;
	case VPCPEER_PCX_REASON_ACCEPTED:
		words = "Provisioning";
		break;
	case VPCPEER_PCX_REASON_PROVISIONED:
		words = "Active";
		break;
	case VPCPEER_PCX_REASON_OVERLAP:
		if (p->has_reason_cidr)
			format_prefix(&p->reason_cidr, cidr, sizeof(cidr));
		snprintf(buf, PCX_MESSAGE_LEN, PCX_OVERLAP_WORDS,
			 cidr, side_words(&p->requester, req),
			 side_words(&p->accepter, acc));
		return buf;
	case VPCPEER_PCX_REASON_NO_SUCH_VPC_OR_OVERLAP:
		words = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";
		break;
	case VPCPEER_PCX_REASON_REJECTED:
		snprintf(buf, PCX_MESSAGE_LEN, "Rejected by %s", acc);
		return buf;
	case VPCPEER_PCX_REASON_EXPIRED:
		words = "Expired";
		break;
	case VPCPEER_PCX_REASON_DELETED_BY_REQUESTER:
		snprintf(buf, PCX_MESSAGE_LEN, "Deleted by %s", req);
		return buf;
	case VPCPEER_PCX_REASON_DELETED_BY_ACCEPTER:
		snprintf(buf, PCX_MESSAGE_LEN, "Deleted by %s", acc);
		return buf;
	case VPCPEER_PCX_REASON_DEVICE_GONE:
		words = "Deleted: its device was removed";
		break;
	case VPCPEER_PCX_REASON_VPC_GONE:
		words = "Deleted: a VPC of the peering was deleted";
		break;
	case VPCPEER_PCX_REASON_NETNS_GONE:
		words = "Deleted: a VPC's network namespace was deleted";
		break;
	case VPCPEER_PCX_REASON_REGION_REFUSED:
		words = "Failed: refused by the accepter's region";
		break;
	case VPCPEER_PCX_REASON_REGION_NO_ANSWER:
		words = "Failed: the accepter's region did not answer";
		break;
	case VPCPEER_PCX_REASON_REGION_RESTARTED:
		words = "Deleted: the peer's region restarted";
		break;
	default:
		snprintf(buf, PCX_MESSAGE_LEN, "reason %u", p->reason);
		return buf;
	}
	snprintf(buf, PCX_MESSAGE_LEN, "%s", words);
	return buf;
}

/* --- regions ------------------------------------------------------------ */

static int region_stats_decode(struct nlattr *a, struct region_info *r,
			       char *err, size_t errlen)
{
#define RSTAT_NAME(name) [RSTAT_##name] = "VPCPEER_A_RSTATS_" #name
	static const char *const names[NR_REGION_STATS] = {
		RSTAT_NAME(TX_PACKETS), RSTAT_NAME(TX_BYTES),
		RSTAT_NAME(RX_PACKETS), RSTAT_NAME(RX_BYTES),
		RSTAT_NAME(CTL_TX), RSTAT_NAME(CTL_RX),
		RSTAT_NAME(CTL_RETRANSMITS), RSTAT_NAME(TX_DROP_NO_ROUTE),
		RSTAT_NAME(TX_DROP_NOT_ENCRYPTED),
		RSTAT_NAME(TX_OUTER_FRAGMENTED),
		RSTAT_NAME(RX_DROP_NOT_ENCRYPTED),
		RSTAT_NAME(RX_DROP_BAD_HEADER), RSTAT_NAME(RX_DROP_UNKNOWN_PCX),
		RSTAT_NAME(RX_DROP_WRONG_REGION), RSTAT_NAME(CTL_DROP_INVALID),
		RSTAT_NAME(CTL_DROP_QUEUE_FULL),
		RSTAT_NAME(CTL_DROP_STALE_EPOCH),
	};
#undef RSTAT_NAME
	struct nlattr *tb[VPCPEER_A_RSTATS_MAX + 1];
	unsigned int i;
	int ret;

	ret = get_nest(a, "VPCPEER_A_REGION_STATS", VPCPEER_A_RSTATS_MAX, tb,
		       err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < NR_REGION_STATS; i++) {
		struct nlattr *c = tb[VPCPEER_A_RSTATS_TX_PACKETS + i];

		if (!c)
			continue;
		ret = get_u64(c, names[i], &r->stats[i], err, errlen);
		if (ret)
			return ret;
	}
	r->has_stats = true;
	return 0;
}

/* An address of 4 (IPv4) or 16 (IPv6) bytes. */
static int addr_decode(const struct nlattr *a, const char *what,
		       struct endpoint *e, char *err, size_t errlen)
{
	int len = nla_len(a);

	if (len != 4 && len != 16)
		return fail(err, errlen, "%s of %d bytes (expected 4 or 16)",
			    what, len);
	e->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(e->addr, nla_data(a), len);
	return 0;
}

/* Addresses, state and underlay; the port beside the remote address. */
static int region_link_decode(struct nlattr **tb, struct region_info *r,
			      char *err, size_t errlen)
{
	int ret = 0;

	if (tb[VPCPEER_A_REGION_REMOTE_ADDR]) {
		ret = addr_decode(tb[VPCPEER_A_REGION_REMOTE_ADDR],
				  "VPCPEER_A_REGION_REMOTE_ADDR", &r->remote,
				  err, errlen);
		r->has_remote = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_REMOTE_PORT]) {
		ret = get_u16(tb[VPCPEER_A_REGION_REMOTE_PORT],
			      "VPCPEER_A_REGION_REMOTE_PORT", &r->remote.port,
			      err, errlen);
		r->remote.has_port = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_LOCAL_ADDR]) {
		ret = addr_decode(tb[VPCPEER_A_REGION_LOCAL_ADDR],
				  "VPCPEER_A_REGION_LOCAL_ADDR", &r->local, err,
				  errlen);
		r->has_local = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_STATE]) {
		ret = get_u8(tb[VPCPEER_A_REGION_STATE], "VPCPEER_A_REGION_STATE",
			     &r->state, err, errlen);
		r->has_state = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_UNDERLAY]) {
		ret = get_u8(tb[VPCPEER_A_REGION_UNDERLAY],
			     "VPCPEER_A_REGION_UNDERLAY", &r->underlay, err,
			     errlen);
		r->has_underlay = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_UNDERLAY_IFNAME])
		ret = get_str(tb[VPCPEER_A_REGION_UNDERLAY_IFNAME],
			      "VPCPEER_A_REGION_UNDERLAY_IFNAME", IFNAMSIZ,
			      &r->underlay_ifname, err, errlen);
	if (!ret && tb[VPCPEER_A_REGION_INNER_MTU]) {
		ret = get_u32(tb[VPCPEER_A_REGION_INNER_MTU],
			      "VPCPEER_A_REGION_INNER_MTU", &r->inner_mtu, err,
			      errlen);
		r->has_inner_mtu = !ret;
	}
	return ret;
}

/* What the remote module said of itself, the peerings, the counters. */
static int region_peer_decode(struct nlattr **tb, struct region_info *r,
			      char *err, size_t errlen)
{
	int ret = 0;

	if (tb[VPCPEER_A_REGION_PEER_NAME])
		ret = get_str(tb[VPCPEER_A_REGION_PEER_NAME],
			      "VPCPEER_A_REGION_PEER_NAME",
			      VPCPEER_REGION_NAME_MAX, &r->peer_name, err,
			      errlen);
	if (!ret && tb[VPCPEER_A_REGION_PEER_EPOCH]) {
		ret = get_u64(tb[VPCPEER_A_REGION_PEER_EPOCH],
			      "VPCPEER_A_REGION_PEER_EPOCH", &r->peer_epoch, err,
			      errlen);
		r->has_peer_epoch = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_LAST_RX_MS]) {
		ret = get_u32(tb[VPCPEER_A_REGION_LAST_RX_MS],
			      "VPCPEER_A_REGION_LAST_RX_MS", &r->last_rx_ms, err,
			      errlen);
		r->has_last_rx = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_PCX_COUNT]) {
		ret = get_u32(tb[VPCPEER_A_REGION_PCX_COUNT],
			      "VPCPEER_A_REGION_PCX_COUNT", &r->pcx_count, err,
			      errlen);
		r->has_pcx_count = !ret;
	}
	if (!ret && tb[VPCPEER_A_REGION_STATS])
		ret = region_stats_decode(tb[VPCPEER_A_REGION_STATS], r, err,
					  errlen);
	if (!ret && tb[VPCPEER_A_REGION_OLD_STATE]) {
		ret = get_u8(tb[VPCPEER_A_REGION_OLD_STATE],
			     "VPCPEER_A_REGION_OLD_STATE", &r->old_state, err,
			     errlen);
		r->has_old_state = !ret;
	}
	return ret;
}

/*
 * The REGION nest, and beside it the module-wide counter; with lenient
 * (a region-state-ntf), a nest that names the region alone is a deleted
 * one. Whatever else it holds, a region with a state must be whole.
 */
static int region_nest_decode(struct nlattr **top, struct region_info *r,
			      bool lenient, char *err, size_t errlen)
{
	struct nlattr *tb[VPCPEER_A_REGION_MAX + 1];
	int ret;

	memset(r, 0, sizeof(*r));
	if (!top[VPCPEER_A_REGION])
		return fail(err, errlen, "no VPCPEER_A_REGION");
	ret = get_nest(top[VPCPEER_A_REGION], "VPCPEER_A_REGION",
		       VPCPEER_A_REGION_MAX, tb, err, errlen);
	if (ret)
		return ret;
	if (!tb[VPCPEER_A_REGION_NAME])
		return fail(err, errlen, "region without VPCPEER_A_REGION_NAME");
	ret = get_str(tb[VPCPEER_A_REGION_NAME], "VPCPEER_A_REGION_NAME",
		      VPCPEER_REGION_NAME_MAX, &r->name, err, errlen);
	if (ret)
		return ret;
	if (!lenient || tb[VPCPEER_A_REGION_STATE]) {
		if (!tb[VPCPEER_A_REGION_STATE])
			return fail(err, errlen,
				    "region without VPCPEER_A_REGION_STATE");
		if (!tb[VPCPEER_A_REGION_REMOTE_ADDR] ||
		    !tb[VPCPEER_A_REGION_LOCAL_ADDR])
			return fail(err, errlen, "region without VPCPEER_A_REGION_%s",
				    tb[VPCPEER_A_REGION_REMOTE_ADDR] ?
				    "LOCAL_ADDR" : "REMOTE_ADDR");
	}
	ret = region_link_decode(tb, r, err, errlen) ?:
	      region_peer_decode(tb, r, err, errlen);
	if (!ret && top[VPCPEER_A_RX_DROP_UNKNOWN_REGION]) {
		ret = get_u64(top[VPCPEER_A_RX_DROP_UNKNOWN_REGION],
			      "VPCPEER_A_RX_DROP_UNKNOWN_REGION",
			      &r->rx_drop_unknown_region, err, errlen);
		r->has_unknown_drops = !ret;
	}
	return ret;
}

int region_decode(struct nlattr **top, struct region_info *r, char *err,
		  size_t errlen)
{
	return region_nest_decode(top, r, false, err, errlen);
}

const char *region_state_name(unsigned int state,
			      char buf[REGION_WORD_STRLEN])
{
	static const char *const names[] = {
		[VPCPEER_REGION_STATE_CONNECTING] = "connecting",
		[VPCPEER_REGION_STATE_UP] = "up",
		[VPCPEER_REGION_STATE_DOWN] = "down",
		[VPCPEER_REGION_STATE_UNENCRYPTED] = "unencrypted",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
		       __VPCPEER_REGION_STATE_MAX, "a region state without a name");
	if (state < __VPCPEER_REGION_STATE_MAX)
		return names[state];
	snprintf(buf, REGION_WORD_STRLEN, "state-%u", state);
	return buf;
}

const char *underlay_name(unsigned int underlay,
			  char buf[REGION_WORD_STRLEN])
{
	static const char *const names[] = {
		[VPCPEER_UNDERLAY_NONE] = "none",
		[VPCPEER_UNDERLAY_WIREGUARD] = "wireguard",
		[VPCPEER_UNDERLAY_IPSEC] = "ipsec",
		[VPCPEER_UNDERLAY_XFRM_INTERFACE] = "xfrm-interface",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
		       __VPCPEER_UNDERLAY_MAX, "an underlay without a name");
	if (underlay < __VPCPEER_UNDERLAY_MAX)
		return names[underlay];
	snprintf(buf, REGION_WORD_STRLEN, "underlay-%u", underlay);
	return buf;
}

const char *region_mtu_warning(const struct region_info *r,
			       char buf[REGION_WARNING_LEN])
{
	bool sends = r->has_state &&
		     (r->state == VPCPEER_REGION_STATE_CONNECTING ||
		      r->state == VPCPEER_REGION_STATE_UP ||
		      r->state == VPCPEER_REGION_STATE_DOWN);

	buf[0] = '\0';
	if (sends && r->has_inner_mtu && r->inner_mtu < REGION_PEERING_MTU)
		snprintf(buf, REGION_WARNING_LEN,
			 "inner MTU %" PRIu32 " < %u: packets of peerings will be fragmented outside; raise the underlay MTU",
			 r->inner_mtu, REGION_PEERING_MTU);
	return buf;
}

/* --- events ------------------------------------------------------------- */

int event_decode(uint8_t cmd, struct nlattr **tb, struct vp_event *e,
		 char *err, size_t errlen)
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->cmd = cmd;
	switch (cmd) {
	case VPCPEER_CMD_VPC_NEW_NTF:
	case VPCPEER_CMD_VPC_DEL_NTF:
		return vpc_decode(tb, &e->vpc, err, errlen);
	case VPCPEER_CMD_VPC_CIDR_ADD_NTF:
	case VPCPEER_CMD_VPC_CIDR_DEL_NTF:
		if (!tb[VPCPEER_A_CIDR])
			return fail(err, errlen, "%s event without VPCPEER_A_CIDR",
				    cmd == VPCPEER_CMD_VPC_CIDR_ADD_NTF ?
				    "VPC_CIDR_ADD" : "VPC_CIDR_DEL");
		ret = cidr_decode(tb[VPCPEER_A_CIDR], "VPCPEER_A_CIDR",
				  &e->cidr, err, errlen);
		if (!ret)
			ret = vpc_decode(tb, &e->vpc, err, errlen);
		return ret;
	case VPCPEER_CMD_PCX_REQUEST_NTF:
	case VPCPEER_CMD_PCX_SET_NTF:
		return pcx_decode(tb, &e->pcx, err, errlen);
	case VPCPEER_CMD_PCX_STATE_NTF:
		ret = pcx_decode(tb, &e->pcx, err, errlen);
		if (!ret && !e->pcx.has_old_state) {
			pcx_info_free(&e->pcx);
			return fail(err, errlen,
				    "PCX_STATE event without VPCPEER_A_PCX_OLD_STATE");
		}
		return ret;
	case VPCPEER_CMD_PCX_DEL_NTF:
		return pcx_nest_decode(tb, &e->pcx, true, err, errlen);
	case VPCPEER_CMD_REGION_STATE_NTF:
		ret = region_nest_decode(tb, &e->region, true, err, errlen);
		e->region_gone = !ret && !e->region.has_state;
		return ret;
	default:
		return -EOPNOTSUPP;
	}
}

void vp_event_free(struct vp_event *e)
{
	vpc_info_free(&e->vpc);
	pcx_info_free(&e->pcx);
}

/* --- the generic netlink controller ------------------------------------- */

int msg_mcast_group(struct nlmsghdr *nlh, const char *group, uint32_t *id)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *g[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *a;
	const char *name;
	int rem;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0)
		return -EINVAL;
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return -ENOENT;
	nla_for_each_nested(a, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		if (nla_parse_nested(g, CTRL_ATTR_MCAST_GRP_MAX, a, NULL) < 0 ||
		    !g[CTRL_ATTR_MCAST_GRP_NAME] ||
		    !g[CTRL_ATTR_MCAST_GRP_ID] ||
		    get_str(g[CTRL_ATTR_MCAST_GRP_NAME], "", 0, &name, NULL,
			    0) ||
		    strcmp(name, group))
			continue;
		return get_u32(g[CTRL_ATTR_MCAST_GRP_ID], "", id, NULL, 0);
	}
	return -ENOENT;
}

int msg_family(struct nlmsghdr *nlh, uint16_t *id, uint32_t *version,
	       char *err, size_t errlen)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CTRL_CMD_NEWFAMILY)
		return fail(err, errlen, "not a family of the controller");
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return fail(err, errlen, "family without CTRL_ATTR_FAMILY_ID");
	if (nla_len(tb[CTRL_ATTR_FAMILY_ID]) != sizeof(*id))
		return fail(err, errlen,
			    "CTRL_ATTR_FAMILY_ID of %d bytes (expected 2)",
			    nla_len(tb[CTRL_ATTR_FAMILY_ID]));
	memcpy(id, nla_data(tb[CTRL_ATTR_FAMILY_ID]), sizeof(*id));
	*version = 0;
	if (tb[CTRL_ATTR_VERSION])
		return get_u32(tb[CTRL_ATTR_VERSION], "CTRL_ATTR_VERSION",
			       version, err, errlen);
	return 0;
}

/* --- errors ------------------------------------------------------------- */

/* The extended ACK message in the TLVs at off bytes into nlh's payload. */
static const char *ext_ack_msg(const struct nlmsghdr *nlh, size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *s;
	size_t plen;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	off = NLMSG_ALIGN(off);
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (off >= plen)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
		      plen - off, NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return NULL;
	if (get_str(tb[NLMSGERR_ATTR_MSG], "", 0, &s, NULL, 0) || !*s)
		return NULL;
	return s;
}

int msg_status(const struct nlmsghdr *nlh, int *error, const char **ext_msg)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off;

	*ext_msg = NULL;
	*error = 0;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EINVAL;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* Old kernels may send an empty NLMSG_DONE. */
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
			return 0;
		memcpy(error, NLMSG_DATA(nlh), sizeof(int));
		*ext_msg = ext_ack_msg(nlh, sizeof(int));
		return 0;
	}
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EINVAL;
	*error = e->error;
	/* Without NETLINK_CAP_ACK an error echoes the whole request. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	*ext_msg = ext_ack_msg(nlh, off);
	return 0;
}

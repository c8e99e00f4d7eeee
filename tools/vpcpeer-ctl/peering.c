// SPDX-License-Identifier: GPL-2.0
/*
 * The "peering" commands: request, accept, reject, delete, set and show.
 * A request names its two VPCs by id or name and prints the new
 * connection's id; when the kernel created it in state "failed"
 * (overlapping CIDR blocks, as AWS does), the id is still printed, for
 * "peering show" and "peering delete", and the reason goes to stderr with
 * exit status 1. With "region REGION" the accepter VPC is in that
 * region, another host's: its id or name is sent as typed, for that
 * region's module to look up. The other verbs name a connection by its pcx- id and
 * print nothing; "set" changes the per-side options (R14). With -D each
 * says what it would have done instead ("dry run: ...").
 */
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "msg.h"
#include "netlink.h"
#include "parse.h"
#include "print.h"

static int arg_pcx(const struct command *cmd, const char *arg, uint32_t *id)
{
	char err[PARSE_ERRLEN];

	if (parse_pcx_id(arg, id, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s", err);
	return RC_OK;
}

/* A request with PCX { ... } filled by put(), sent; replies go to fn. */
/* What pcx_send_size() puts in the request: put(msg, data) in a PCX nest. */
struct pcx_put {
	int (*put)(struct nl_msg *msg, const void *data);
	const void *data;
};

static int put_in_pcx(struct nl_msg *msg, const void *data)
{
	const struct pcx_put *p = data;
	struct nlattr *pcx = nla_nest_start(msg, VPCPEER_A_PCX);

	if (!pcx || p->put(msg, p->data) < 0)
		return -1;
	return nla_nest_end(msg, pcx);
}

static int pcx_send_size(const struct command *cmd, uint8_t nlcmd,
			 int (*put)(struct nl_msg *msg, const void *data),
			 const void *data, size_t size, vp_reply_fn fn,
			 void *arg)
{
	const struct pcx_put p = { put, data };
	char title[CMD_TITLE_MAX];

	return vp_send(nlcmd, size, put_in_pcx, &p, cmd_title(cmd, title), fn,
		       arg);
}

static int pcx_send(const struct command *cmd, uint8_t nlcmd,
		    int (*put)(struct nl_msg *msg, const void *data),
		    const void *data, vp_reply_fn fn, void *arg)
{
	return pcx_send_size(cmd, nlcmd, put, data, msg_request_size(0), fn,
			     arg);
}

static int put_pcx_id(struct nl_msg *msg, const void *data)
{
	return nla_put_u32(msg, VPCPEER_A_PCX_ID, *(const uint32_t *)data);
}

/* --- peering request ---------------------------------------------------- */

struct sides {
	struct vpc_ref requester, accepter;
	const char *region;	/* the accepter's, another host's; or NULL */
};

static int put_sides(struct nl_msg *msg, const void *data)
{
	const struct sides *s = data;

	if (msg_put_side(msg, VPCPEER_A_PCX_REQUESTER, &s->requester,
			 NULL) < 0)
		return -1;
	return msg_put_side(msg, VPCPEER_A_PCX_ACCEPTER, &s->accepter,
			    s->region);
}

struct new_pcx {
	const char *title;
	bool have;
	uint32_t id;
	uint8_t state;
	char message[PCX_MESSAGE_LEN];	/* "" when the reply had no reason */
};

static int request_reply(struct nlattr **tb, void *arg)
{
	struct new_pcx *n = arg;
	char err[PARSE_ERRLEN];
	struct pcx_info x;

	if (pcx_decode(tb, &x, err, sizeof(err))) {
		complain("%s: malformed reply from the kernel: %s", n->title,
			 err);
		return -1;
	}
	pcx_message(&x, n->message);
	n->have = true;
	n->id = x.id;
	n->state = x.state;
	pcx_info_free(&x);
	return 0;
}

/*
 * The connection a dry run would have made: "dry run: would be
 * pending-acceptance", or failed with the reason and exit status 1, as
 * the request itself would.
 */
static int request_dry_run(const struct new_pcx *n)
{
	char state[PCX_STATE_STRLEN];

	if (!n->have) {
		printf("dry run: would succeed\n");
		return RC_OK;
	}
	printf("dry run: would be %s%s%s\n", pcx_state_name(n->state, state),
	       *n->message && n->state == VPCPEER_PCX_STATE_FAILED ? ": " : "",
	       n->state == VPCPEER_PCX_STATE_FAILED ? n->message : "");
	return n->state == VPCPEER_PCX_STATE_FAILED ? RC_FAIL : RC_OK;
}

/* After the two VPCs: "region NAME", at most once. */
static const char *const request_keywords[] = { "region", NULL };

/*
 * REQUESTER_VPC ACCEPTER_VPC [region REGION]. With a region, the accepter
 * is named as typed, a VPC of that region, and looked up there.
 */
static int request_parse(const struct command *cmd, int argc, char *argv[],
			 struct sides *s)
{
	char err[PARSE_ERRLEN];
	unsigned int kw;
	int i, rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "REQUESTER_VPC");
	if (parse_vpc_ref(argv[1], &s->requester, err, sizeof(err)))
		return cmd_arg_error(cmd, "requester: %s", err);
	if (argc < 3)
		return cmd_missing_arg(cmd, "ACCEPTER_VPC");
	if (parse_vpc_ref(argv[2], &s->accepter, err, sizeof(err)))
		return cmd_arg_error(cmd, "accepter: %s", err);
	for (i = 3; i < argc; i += 2) {
		rc = cmd_keyword(cmd, argv[i], request_keywords, "keyword",
				 &kw);
		if (rc)
			return rc;
		if (i + 1 == argc)
			return cmd_usage_error(cmd, "missing REGION after \"%s\"",
					       request_keywords[kw]);
		if (s->region)
			return cmd_usage_error(cmd, "%s given twice",
					       request_keywords[kw]);
		if (check_region_name(argv[i + 1], err, sizeof(err)))
			return cmd_arg_error(cmd, "%s", err);
		s->region = argv[i + 1];
	}
	return RC_OK;
}

/* request REQUESTER_VPC ACCEPTER_VPC [region REGION] */
static int peering_request(const struct command *cmd, int argc,
			   char *argv[])
{
	char title[CMD_TITLE_MAX], id[OBJECT_ID_STRLEN];
	struct new_pcx n = { .title = cmd_title(cmd, title) };
	struct sides s = { .region = NULL };
	int rc;

	rc = request_parse(cmd, argc, argv, &s);
	if (rc)
		return rc;
	rc = pcx_send(cmd, VPCPEER_CMD_PCX_REQUEST, put_sides, &s,
		      request_reply, &n);
	if (!rc && opt.dry_run)
		rc = request_dry_run(&n);
	else if (!rc && !n.have) {
		complain("%s: the kernel's reply named no peering connection",
			 title);
		rc = RC_FAIL;
	}
	else if (!rc) {
		format_pcx_id(n.id, id);
		printf("%s\n", id);
	}
	if (!rc && !opt.dry_run && n.state == VPCPEER_PCX_STATE_FAILED) {
		/* The id first: the connection exists, to show or delete. */
		fflush(stdout);
		if (*n.message)
			complain("%s failed: %s", id, n.message);
		else
			complain("%s failed", id);
		rc = RC_FAIL;
	}
	return rc;
}

/* --- peering accept / reject / delete ----------------------------------- */

/* accept|reject|delete PCX */
static int peering_verb(const struct command *cmd, int argc, char *argv[],
			uint8_t nlcmd)
{
	uint32_t id;
	int rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "PCX");
	rc = arg_pcx(cmd, argv[1], &id);
	if (rc)
		return rc;
	if (argc > 2)
		return cmd_unexpected_arg(cmd, argv[2]);
	rc = pcx_send(cmd, nlcmd, put_pcx_id, &id, NULL, NULL);
	if (!rc && opt.dry_run)
		rc = dry_run_done(cmd);
	return rc;
}

static int peering_accept(const struct command *cmd, int argc, char *argv[])
{
	return peering_verb(cmd, argc, argv, VPCPEER_CMD_PCX_ACCEPT);
}

static int peering_reject(const struct command *cmd, int argc, char *argv[])
{
	return peering_verb(cmd, argc, argv, VPCPEER_CMD_PCX_REJECT);
}

static int peering_delete(const struct command *cmd, int argc, char *argv[])
{
	return peering_verb(cmd, argc, argv, VPCPEER_CMD_PCX_DEL);
}

/* --- peering set -------------------------------------------------------- */

enum { SIDE_REQUESTER, SIDE_ACCEPTER, NR_SIDES };
static const char *const side_names[] = { "requester", "accepter", NULL };

/* After a side: its options, or the next side. */
enum { SET_ALLOW_DNS, SET_NAME, SET_REQUESTER, SET_ACCEPTER };
static const char *const set_keywords[] = {
	"allow-dns-resolution", "name", "requester", "accepter", NULL,
};

struct side_options {
	bool given;		/* the side was named */
	bool has_allow_dns;
	bool allow_dns;
	const char *tag;	/* NULL: unchanged */
};

struct pcx_set_args {
	uint32_t id;
	struct side_options side[NR_SIDES];
};

/* One option of a side: "allow-dns-resolution on|off" or "name TEXT". */
static int set_option(const struct command *cmd, unsigned int kw,
		      const char *role, const char *val,
		      struct side_options *o)
{
	char err[PARSE_ERRLEN];

	if (!val)
		return cmd_usage_error(cmd, "missing %s after \"%s\"",
				       kw == SET_NAME ? "TEXT" : "on|off",
				       set_keywords[kw]);
	if (kw == SET_ALLOW_DNS) {
		if (o->has_allow_dns)
			return cmd_usage_error(cmd,
					       "%s: allow-dns-resolution given twice",
					       role);
		if (parse_on_off(val, set_keywords[kw], &o->allow_dns, err,
				 sizeof(err)))
			return cmd_arg_error(cmd, "%s: %s", role, err);
		o->has_allow_dns = true;
		return RC_OK;
	}
	if (o->tag)
		return cmd_usage_error(cmd, "%s: name given twice", role);
	if (check_tag(val, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s: %s", role, err);
	o->tag = val;
	return RC_OK;
}

/*
 * set PCX {requester|accepter} [allow-dns-resolution on|off] [name TEXT]
 * [{requester|accepter} ...]: each side once, with at least one option.
 */
static int pcx_set_parse(const struct command *cmd, int argc, char *argv[],
			 struct pcx_set_args *a)
{
	struct side_options *o = NULL;
	unsigned int kw, sd;
	int i = 2, rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "PCX");
	rc = arg_pcx(cmd, argv[1], &a->id);
	if (rc)
		return rc;
	if (argc < 3)
		return cmd_missing_arg(cmd, "SIDE (requester or accepter)");
	rc = cmd_keyword(cmd, argv[2], side_names, "side", &sd);
	while (!rc) {
		if (o && !o->has_allow_dns && !o->tag)
			return cmd_usage_error(cmd,
					       "missing allow-dns-resolution or name after \"%s\"",
					       side_names[o - a->side]);
		o = &a->side[sd];
		if (o->given)
			return cmd_usage_error(cmd, "%s given twice",
					       side_names[sd]);
		o->given = true;
		for (i++; i < argc; i += 2) {
			rc = cmd_keyword(cmd, argv[i], set_keywords, "keyword",
					 &kw);
			if (rc)
				return rc;
			if (kw == SET_REQUESTER || kw == SET_ACCEPTER)
				break;
			rc = set_option(cmd, kw, side_names[sd],
					i + 1 < argc ? argv[i + 1] : NULL, o);
			if (rc)
				return rc;
		}
		if (i >= argc)
			break;
		sd = kw == SET_REQUESTER ? SIDE_REQUESTER : SIDE_ACCEPTER;
	}
	if (rc)
		return rc;
	if (!o->has_allow_dns && !o->tag)
		return cmd_usage_error(cmd,
				       "missing allow-dns-resolution or name after \"%s\"",
				       side_names[o - a->side]);
	return RC_OK;
}

static int put_side_options(struct nl_msg *msg, int attr,
			    const struct side_options *o)
{
	struct nlattr *side;

	if (!o->given)
		return 0;
	side = nla_nest_start(msg, attr);
	if (!side ||
	    (o->has_allow_dns &&
	     nla_put_u8(msg, VPCPEER_A_SIDE_ALLOW_DNS, o->allow_dns) < 0) ||
	    (o->tag && nla_put_string(msg, VPCPEER_A_SIDE_TAG, o->tag) < 0))
		return -1;
	return nla_nest_end(msg, side);
}

static int put_pcx_set(struct nl_msg *msg, const void *data)
{
	const struct pcx_set_args *a = data;

	if (nla_put_u32(msg, VPCPEER_A_PCX_ID, a->id) < 0 ||
	    put_side_options(msg, VPCPEER_A_PCX_REQUESTER,
			     &a->side[SIDE_REQUESTER]) < 0)
		return -1;
	return put_side_options(msg, VPCPEER_A_PCX_ACCEPTER,
				&a->side[SIDE_ACCEPTER]);
}

static int peering_set(const struct command *cmd, int argc, char *argv[])
{
	/* Two side nests, each with the longest tag and the flag. */
	size_t size = msg_request_size(0) +
		      2 * (nla_total_size(0) + nla_total_size(VPCPEER_TAG_MAX) +
			   nla_total_size(1));
	struct pcx_set_args a = { 0 };
	int rc;

	rc = pcx_set_parse(cmd, argc, argv, &a);
	if (rc)
		return rc;
	rc = pcx_send_size(cmd, VPCPEER_CMD_PCX_SET, put_pcx_set, &a, size,
			   NULL, NULL);
	if (!rc && opt.dry_run)
		rc = dry_run_done(cmd);
	return rc;
}

/* --- peering show ------------------------------------------------------- */

static int pcx_print(struct printer *pr, struct nlattr **tb, char *err,
		     size_t len)
{
	struct pcx_info x;

	if (pcx_decode(tb, &x, err, len))
		return -1;
	print_pcx(pr, &x);
	pcx_info_free(&x);
	return 0;
}

/* show [PCX] */
static int peering_show(const struct command *cmd, int argc, char *argv[])
{
	char title[CMD_TITLE_MAX];
	struct printer pr;
	struct show s = { cmd_title(cmd, title), &pr, pcx_print };
	struct pcx_put p = { put_pcx_id, NULL };
	uint32_t id;
	int rc;

	if (argc > 2)
		return cmd_unexpected_arg(cmd, argv[2]);
	if (argc < 2)
		return vp_show(&s, VPCPEER_CMD_PCX_GET, NULL, NULL);
	rc = arg_pcx(cmd, argv[1], &id);
	if (rc)
		return rc;
	p.data = &id;
	return vp_show(&s, VPCPEER_CMD_PCX_GET, put_in_pcx, &p);
}

const struct command peering_commands[] = {
	{ "request", peering_request,
	  "REQUESTER_VPC ACCEPTER_VPC [region REGION]",
	  "request a peering connection; prints its id",
	  "peering", NULL },
	{ "accept", peering_accept, "PCX",
	  "accept a peering connection requested of your VPC", "peering",
	  NULL },
	{ "reject", peering_reject, "PCX",
	  "reject a peering connection requested of your VPC", "peering",
	  NULL },
	{ "delete", peering_delete, "PCX",
	  "delete a peering connection, or withdraw a request", "peering",
	  NULL },
	{ "set", peering_set,
	  "PCX SIDE [allow-dns-resolution on|off] [name TEXT] [SIDE ...]",
	  "set a side's options of an active peering connection", "peering",
	  NULL },
	{ "show", peering_show, "[PCX]",
	  "show one peering connection or all yours (-s: counters)",
	  "peering", NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

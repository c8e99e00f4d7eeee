// SPDX-License-Identifier: GPL-2.0
/*
 * The "vpc" commands: add, set (its CIDR blocks), del and show. Each
 * handler reads its whole command line first, so that a usage error
 * (exit 2) never depends on the module being loaded, then opens the
 * socket, sends one request and reads the kernel's verdict. "vpc add"
 * prints the new VPC's id for scripts; "vpc show" prints what the kernel
 * sends, held back until the reply is complete. With -D the kernel
 * checks a change without making it, and "dry run: vpc add would
 * succeed" is all that is printed.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "msg.h"
#include "netlink.h"
#include "netns.h"
#include "parse.h"
#include "print.h"

/* --- vpc add ------------------------------------------------------------ */

enum { ADD_CIDR, ADD_NETNS };
static const char *const add_keywords[] = { "cidr", "netns", NULL };

struct vpc_add_args {
	const char *name;
	const char *netns;
	struct prefix *cidrs;
	size_t ncidrs;
};

/* add NAME [netns NS] cidr PREFIX [cidr PREFIX]..., in any order. */
static int vpc_add_parse(const struct command *cmd, int argc, char *argv[],
			 struct vpc_add_args *a)
{
	char err[PARSE_ERRLEN];
	unsigned int kw;
	int i, rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "NAME");
	a->name = argv[1];
	if (check_vpc_name(a->name, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s", err);
	/* At most one CIDR per two arguments. */
	a->cidrs = calloc(argc / 2, sizeof(*a->cidrs));
	if (!a->cidrs) {
		complain("out of memory");
		return RC_FAIL;
	}
	for (i = 2; i < argc; i += 2) {
		rc = cmd_keyword(cmd, argv[i], add_keywords, "keyword", &kw);
		if (rc)
			return rc;
		if (i + 1 == argc)
			return cmd_usage_error(cmd, "missing %s after \"%s\"",
					       kw == ADD_CIDR ? "PREFIX" : "NS",
					       add_keywords[kw]);
		if (kw == ADD_NETNS) {
			if (a->netns)
				return cmd_usage_error(cmd,
						       "netns given twice");
			a->netns = argv[i + 1];
			continue;
		}
		if (parse_prefix(argv[i + 1], &a->cidrs[a->ncidrs], err,
				 sizeof(err)))
			return cmd_arg_error(cmd, "%s", err);
		a->ncidrs++;
	}
	if (!a->ncidrs)
		return cmd_usage_error(cmd,
				       "missing cidr: a VPC needs at least one CIDR block");
	return RC_OK;
}

static int vpc_add_request(struct nl_msg *msg, const struct vpc_add_args *a,
			   int netns_fd)
{
	struct nlattr *vpc;
	size_t i;

	vpc = nla_nest_start(msg, VPCPEER_A_VPC);
	if (!vpc || nla_put_string(msg, VPCPEER_A_VPC_NAME, a->name) < 0)
		return -ENOBUFS;
	if (netns_fd >= 0 &&
	    nla_put_u32(msg, VPCPEER_A_VPC_NETNS_FD, netns_fd) < 0)
		return -ENOBUFS;
	for (i = 0; i < a->ncidrs; i++)
		if (msg_put_cidr(msg, &a->cidrs[i]) < 0)
			return -ENOBUFS;
	return nla_nest_end(msg, vpc) < 0 ? -ENOBUFS : 0;
}

struct new_vpc {
	const char *title;
	bool have;
	uint32_t id;
};

static int vpc_add_reply(struct nlattr **tb, void *arg)
{
	struct new_vpc *n = arg;
	char err[PARSE_ERRLEN];
	struct vpc_info v;

	if (vpc_decode(tb, &v, err, sizeof(err))) {
		complain("%s: malformed reply from the kernel: %s", n->title,
			 err);
		return -1;
	}
	n->have = true;
	n->id = v.id;
	vpc_info_free(&v);
	return 0;
}

static int vpc_add(const struct command *cmd, int argc, char *argv[])
{
	struct vpc_add_args a = { 0 };
	char title[CMD_TITLE_MAX], id[OBJECT_ID_STRLEN];
	struct new_vpc n = { .title = cmd_title(cmd, title) };
	struct nl_msg *msg;
	struct vp_conn c;
	int rc, fd = -1;

	rc = vpc_add_parse(cmd, argc, argv, &a);
	if (rc)
		goto out;
	if (a.netns) {
		fd = netns_open(a.netns, &rc);
		if (fd < 0)
			goto out;
	}
	rc = vp_connect(&c);
	if (rc)
		goto out;
	msg = vp_request(&c, VPCPEER_CMD_VPC_NEW, 0, msg_request_size(a.ncidrs));
	rc = RC_FAIL;
	if (msg && vpc_add_request(msg, &a, fd)) {
		complain("%s: out of memory for the request", title);
		nlmsg_free(msg);
	} else if (msg) {
		rc = vp_transact(&c, msg, title, vpc_add_reply, &n);
	}
	vp_close(&c);
	if (!rc && opt.dry_run) {
		rc = dry_run_done(cmd);
	} else if (!rc && !n.have) {
		complain("%s: the kernel's reply named no VPC", title);
		rc = RC_FAIL;
	} else if (!rc) {
		format_vpc_id(n.id, id);
		printf("%s\n", id);
	}
out:
	if (fd >= 0)
		close(fd);
	free(a.cidrs);
	return rc;
}

/* --- vpc set / del: requests that name one VPC -------------------------- */

struct vpc_put {
	const struct vpc_ref *ref;
	const struct prefix *cidr;
};

static int put_vpc_simple(struct nl_msg *msg, const void *data)
{
	const struct vpc_put *v = data;
	struct nlattr *vpc = nla_nest_start(msg, VPCPEER_A_VPC);

	if (!vpc ||
	    msg_put_vpc_ref(msg, VPCPEER_A_VPC_ID, VPCPEER_A_VPC_NAME, v->ref) < 0 ||
	    (v->cidr && msg_put_cidr(msg, v->cidr) < 0))
		return -1;
	return nla_nest_end(msg, vpc);
}

/* VPC { ID | NAME [, CIDR] } for cmd; the reply, if any, is not shown. */
static int vpc_simple(const struct command *cmd, uint8_t nlcmd,
		      const struct vpc_ref *ref, const struct prefix *cidr)
{
	const struct vpc_put v = { ref, cidr };
	char title[CMD_TITLE_MAX];
	int rc;

	rc = vp_send(nlcmd, msg_request_size(1), put_vpc_simple, &v,
		     cmd_title(cmd, title), NULL, NULL);
	if (!rc && opt.dry_run)
		rc = dry_run_done(cmd);
	return rc;
}

static int arg_vpc(const struct command *cmd, const char *arg,
		   struct vpc_ref *ref)
{
	char err[PARSE_ERRLEN];

	if (parse_vpc_ref(arg, ref, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s", err);
	return RC_OK;
}

static const char *const set_keywords[] = { "cidr", NULL };
static const char *const cidr_ops[] = { "add", "del", NULL };

/* set VPC cidr add|del PREFIX */
static int vpc_set(const struct command *cmd, int argc, char *argv[])
{
	char err[PARSE_ERRLEN];
	struct vpc_ref ref;
	struct prefix p;
	unsigned int kw, op;
	int rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "VPC");
	rc = arg_vpc(cmd, argv[1], &ref);
	if (rc)
		return rc;
	if (argc < 3)
		return cmd_missing_arg(cmd, "\"cidr add|del PREFIX\"");
	rc = cmd_keyword(cmd, argv[2], set_keywords, "keyword", &kw);
	if (rc)
		return rc;
	if (argc < 4)
		return cmd_usage_error(cmd, "missing add|del after \"cidr\"");
	rc = cmd_keyword(cmd, argv[3], cidr_ops, "cidr operation", &op);
	if (rc)
		return rc;
	if (argc < 5)
		return cmd_usage_error(cmd, "missing PREFIX after \"%s\"",
				       cidr_ops[op]);
	if (parse_prefix(argv[4], &p, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s", err);
	if (argc > 5)
		return cmd_unexpected_arg(cmd, argv[5]);
	return vpc_simple(cmd, op ? VPCPEER_CMD_VPC_CIDR_DEL :
				    VPCPEER_CMD_VPC_CIDR_ADD, &ref, &p);
}

/* del VPC */
static int vpc_del(const struct command *cmd, int argc, char *argv[])
{
	struct vpc_ref ref;
	int rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "VPC");
	rc = arg_vpc(cmd, argv[1], &ref);
	if (rc)
		return rc;
	if (argc > 2)
		return cmd_unexpected_arg(cmd, argv[2]);
	return vpc_simple(cmd, VPCPEER_CMD_VPC_DEL, &ref, NULL);
}

/* --- vpc show ----------------------------------------------------------- */

static int vpc_print(struct printer *pr, struct nlattr **tb, char *err,
		     size_t len)
{
	struct vpc_info v;

	if (vpc_decode(tb, &v, err, len))
		return -1;
	print_vpc(pr, &v);
	vpc_info_free(&v);
	return 0;
}

/* show [VPC] */
static int vpc_show(const struct command *cmd, int argc, char *argv[])
{
	char title[CMD_TITLE_MAX];
	struct printer pr;
	struct show s = { cmd_title(cmd, title), &pr, vpc_print };
	struct vpc_ref ref;
	struct vpc_put v = { &ref, NULL };
	int rc;

	if (argc > 2)
		return cmd_unexpected_arg(cmd, argv[2]);
	if (argc < 2)
		return vp_show(&s, VPCPEER_CMD_VPC_GET, NULL, NULL);
	rc = arg_vpc(cmd, argv[1], &ref);
	if (rc)
		return rc;
	return vp_show(&s, VPCPEER_CMD_VPC_GET, put_vpc_simple, &v);
}

const struct command vpc_commands[] = {
	{ "add", vpc_add, "NAME [netns NS] cidr PREFIX [cidr PREFIX]...",
	  "create a VPC in this namespace or in NS; prints its id",
	  "vpc", NULL },
	{ "set", vpc_set, "VPC cidr add|del PREFIX",
	  "add a CIDR block to a VPC, or remove one", "vpc", NULL },
	{ "del", vpc_del, "VPC",
	  "delete a VPC and every peering connection it is in", "vpc", NULL },
	{ "show", vpc_show, "[VPC]",
	  "show one VPC, or every VPC you administer", "vpc", NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

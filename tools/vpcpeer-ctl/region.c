// SPDX-License-Identifier: GPL-2.0
/*
 * The "region" commands: add, set, del and show. A region is this host's
 * link to the vpcpeer module of another host, over a route that WireGuard
 * or IPsec must encrypt; the kernel verifies the route and says in the
 * region's state what it found. As in vpc.c, each handler reads its whole
 * command line first, so that a usage error (exit 2) never depends on
 * the module, then sends one request. "add" and "set" print nothing on
 * success, but what the kernel's reply says the user must act on goes to
 * stderr as a warning (exit status 0: the region is there): a route that
 * is not encrypted, so nothing will be sent, and an inner MTU too small
 * for the peerings' packets. With -D the kernel checks a change without
 * making it, and "dry run: region add would succeed" is all that is
 * printed.
 */
#include <errno.h>
#include <string.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "msg.h"
#include "netlink.h"
#include "parse.h"
#include "print.h"

static int arg_region(const struct command *cmd, const char *arg)
{
	char err[PARSE_ERRLEN];

	if (check_region_name(arg, err, sizeof(err)))
		return cmd_arg_error(cmd, "%s", err);
	return RC_OK;
}

/* REGION { NAME [, REMOTE_ADDR [, REMOTE_PORT]] [, LOCAL_ADDR] }; to fn. */
struct region_put {
	const char *name;
	const struct endpoint *remote, *local;
};

static int put_region(struct nl_msg *msg, const void *data)
{
	const struct region_put *r = data;

	return msg_put_region(msg, r->name, r->remote, r->local);
}

static int region_send(const struct command *cmd, uint8_t nlcmd,
		       const char *name, const struct endpoint *remote,
		       const struct endpoint *local, vp_reply_fn fn, void *arg)
{
	const struct region_put r = { name, remote, local };
	char title[CMD_TITLE_MAX];

	return vp_send(nlcmd, msg_request_size(0), put_region, &r,
		       cmd_title(cmd, title), fn, arg);
}

/* --- region add / set --------------------------------------------------- */

enum { KW_REMOTE, KW_LOCAL };
static const char *const link_keywords[] = { "remote", "local", NULL };

struct region_args {
	const char *name;
	const char *remote_arg, *local_arg;	/* as typed, for messages */
	bool has_remote, has_local;
	struct endpoint remote, local;
};

/*
 * NAME [remote ADDR[:PORT]] [local ADDR], in any order, each at most once;
 * add needs both, set one at least. The kernel refuses a remote and a
 * local address of two families; when both are given here, so does this.
 */
static int region_parse(const struct command *cmd, int argc, char *argv[],
			bool add, struct region_args *a)
{
	char err[PARSE_ERRLEN];
	unsigned int kw;
	int i, rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "NAME");
	a->name = argv[1];
	rc = arg_region(cmd, a->name);
	if (rc)
		return rc;
	for (i = 2; i < argc; i += 2) {
		rc = cmd_keyword(cmd, argv[i], link_keywords, "keyword", &kw);
		if (rc)
			return rc;
		if (i + 1 == argc)
			return cmd_usage_error(cmd, "missing %s after \"%s\"",
					       kw == KW_REMOTE ? "ADDR[:PORT]" :
								 "ADDR",
					       link_keywords[kw]);
		if (kw == KW_REMOTE ? a->has_remote : a->has_local)
			return cmd_usage_error(cmd, "%s given twice",
					       link_keywords[kw]);
		if (parse_endpoint(argv[i + 1],
				   kw == KW_REMOTE ? "remote address" :
						     "local address",
				   kw == KW_REMOTE,
				   kw == KW_REMOTE ? &a->remote : &a->local,
				   err, sizeof(err)))
			return cmd_arg_error(cmd, "%s", err);
		if (kw == KW_REMOTE) {
			a->has_remote = true;
			a->remote_arg = argv[i + 1];
		} else {
			a->has_local = true;
			a->local_arg = argv[i + 1];
		}
	}
	if (add && !a->has_remote)
		return cmd_usage_error(cmd, "missing remote ADDR[:PORT]");
	if (add && !a->has_local)
		return cmd_usage_error(cmd, "missing local ADDR");
	if (!a->has_remote && !a->has_local)
		return cmd_usage_error(cmd, "missing remote or local: nothing to change");
	if (a->has_remote && a->has_local &&
	    a->remote.family != a->local.family) {
		char qr[QUOTE_BUFLEN], ql[QUOTE_BUFLEN];

		return cmd_arg_error(cmd,
				     "remote address %s is IPv%d but local address %s is IPv%d: give both of one family",
				     quote_arg(a->remote_arg, qr),
				     a->remote.family == AF_INET ? 4 : 6,
				     quote_arg(a->local_arg, ql),
				     a->local.family == AF_INET ? 4 : 6);
	}
	return RC_OK;
}

struct new_region {
	const char *title;
	bool have;
	bool unencrypted;
	char mtu_warning[REGION_WARNING_LEN];
};

static int region_change_reply(struct nlattr **tb, void *arg)
{
	struct new_region *n = arg;
	char err[PARSE_ERRLEN];
	struct region_info r;

	if (region_decode(tb, &r, err, sizeof(err))) {
		complain("%s: malformed reply from the kernel: %s", n->title,
			 err);
		return -1;
	}
	n->have = true;
	n->unencrypted = r.state == VPCPEER_REGION_STATE_UNENCRYPTED;
	region_mtu_warning(&r, n->mtu_warning);
	return 0;
}

/* What the region the kernel made or changed needs from the user. */
static void region_warnings(const struct new_region *n,
			    const struct region_args *a)
{
	if (n->unencrypted)
		complain("%s: warning: region %s is unencrypted: its route goes through no WireGuard device or IPsec SA, so nothing is sent to it",
			 n->title, a->name);
	if (*n->mtu_warning)
		complain("%s: warning: %s", n->title, n->mtu_warning);
}

static int region_change(const struct command *cmd, int argc, char *argv[],
			 bool add)
{
	struct region_args a = { 0 };
	char title[CMD_TITLE_MAX];
	struct new_region n = { .title = cmd_title(cmd, title) };
	int rc;

	rc = region_parse(cmd, argc, argv, add, &a);
	if (rc)
		return rc;
	rc = region_send(cmd, add ? VPCPEER_CMD_REGION_NEW :
				    VPCPEER_CMD_REGION_SET, a.name,
			 a.has_remote ? &a.remote : NULL,
			 a.has_local ? &a.local : NULL,
			 region_change_reply, &n);
	if (!rc && opt.dry_run)
		return dry_run_done(cmd);
	if (!rc && !n.have) {
		complain("%s: the kernel's reply named no region", title);
		return RC_FAIL;
	}
	if (!rc)
		region_warnings(&n, &a);
	return rc;
}

/* add NAME remote ADDR[:PORT] local ADDR */
static int region_add(const struct command *cmd, int argc, char *argv[])
{
	return region_change(cmd, argc, argv, true);
}

/* set NAME [remote ADDR[:PORT]] [local ADDR] */
static int region_set(const struct command *cmd, int argc, char *argv[])
{
	return region_change(cmd, argc, argv, false);
}

/* --- region del --------------------------------------------------------- */

/* del NAME */
static int region_del(const struct command *cmd, int argc, char *argv[])
{
	int rc;

	if (argc < 2)
		return cmd_missing_arg(cmd, "NAME");
	rc = arg_region(cmd, argv[1]);
	if (rc)
		return rc;
	if (argc > 2)
		return cmd_unexpected_arg(cmd, argv[2]);
	rc = region_send(cmd, VPCPEER_CMD_REGION_DEL, argv[1], NULL, NULL,
			 NULL, NULL);
	if (!rc && opt.dry_run)
		rc = dry_run_done(cmd);
	return rc;
}

/* --- region show -------------------------------------------------------- */

static int region_print(struct printer *pr, struct nlattr **tb, char *err,
			size_t len)
{
	struct region_info r;

	if (region_decode(tb, &r, err, len))
		return -1;
	print_region(pr, &r);
	return 0;
}

/* show [NAME] */
static int region_show(const struct command *cmd, int argc, char *argv[])
{
	char title[CMD_TITLE_MAX];
	struct printer pr;
	struct show s = { cmd_title(cmd, title), &pr, region_print };
	struct region_put r = { NULL, NULL, NULL };
	int rc;

	if (argc > 2)
		return cmd_unexpected_arg(cmd, argv[2]);
	if (argc < 2)
		return vp_show(&s, VPCPEER_CMD_REGION_GET, NULL, NULL);
	rc = arg_region(cmd, argv[1]);
	if (rc)
		return rc;
	r.name = argv[1];
	return vp_show(&s, VPCPEER_CMD_REGION_GET, put_region, &r);
}

const struct command region_commands[] = {
	{ "add", region_add, "NAME remote ADDR[:PORT] local ADDR",
	  "link this host to another host's vpcpeer, a region", "region",
	  NULL },
	{ "set", region_set, "NAME [remote ADDR[:PORT]] [local ADDR]",
	  "change a region's addresses or port",
	  "region", NULL },
	{ "del", region_del, "NAME",
	  "remove a region that no live peering connection uses", "region",
	  NULL },
	{ "show", region_show, "[NAME]",
	  "show one region or all (-s: counters)", "region", NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

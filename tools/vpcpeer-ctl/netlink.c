// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink plumbing of vpcpeer-ctl (see netlink.h). libnl's
 * receive loop does the reading, the sequence checks and the multi-part
 * bookkeeping; the callbacks here only record what ends a request: the
 * ACK (extack warnings are shown), the error with its extack message, or
 * the NLMSG_DONE of a dump, whose payload is the dump's own error. libnl
 * 3.7 has no extack support of its own, so the socket option is set
 * directly and the TLVs are read by msg_status() (msg.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "msg.h"
#include "netlink.h"
#include "netns.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* --- the socket and the family ------------------------------------------ */

/* The id and version of the family, from the controller's dump. */
static int family_lookup(struct vp_conn *c, const char *name)
{
	struct nl_cache *cache;
	struct genl_family *fam;
	int err;

	err = genl_ctrl_alloc_cache(c->sk, &cache);
	if (err < 0) {
		complain("cannot list generic netlink families: %s",
			 nl_geterror(err));
		return RC_FAIL;
	}
	fam = genl_ctrl_search_by_name(cache, name);
	if (!fam) {
		complain("generic netlink family \"%s\" not found: is the vpcpeer module loaded?",
			 name);
		nl_cache_free(cache);
		return RC_FAIL;
	}
	c->family = genl_family_get_id(fam);
	c->version = genl_family_get_version(fam);
	genl_family_put(fam);
	nl_cache_free(cache);
	return RC_OK;
}

/*
 * Extended ACKs carry the kernel's reason for a refusal; capped ACKs keep
 * a refused request from being echoed back whole. Both are best effort:
 * without them errors are still reported, by their errno alone.
 */
static void set_ack_options(struct nl_sock *sk)
{
	int one = 1, fd = nl_socket_get_fd(sk);

	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

int vp_connect(struct vp_conn *c)
{
	int err, rc;

	*c = (struct vp_conn){ 0 };
	if (opt.netns) {
		rc = netns_enter(opt.netns);
		if (rc)
			return rc;
	}
	c->sk = nl_socket_alloc();
	if (!c->sk) {
		complain("out of memory");
		return RC_FAIL;
	}
	err = genl_connect(c->sk);
	if (err < 0) {
		complain("cannot open a generic netlink socket: %s",
			 nl_geterror(err));
		vp_close(c);
		return RC_FAIL;
	}
	/* Replies larger than a page are read whole, not cut. */
	nl_socket_enable_msg_peek(c->sk);
	set_ack_options(c->sk);
	rc = family_lookup(c, VPCPEER_GENL_NAME);
	if (rc)
		vp_close(c);
	return rc;
}

void vp_close(struct vp_conn *c)
{
	nl_socket_free(c->sk);
	c->sk = NULL;
}

struct nl_msg *vp_request(const struct vp_conn *c, uint8_t cmd, int flags,
			  size_t size)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + size);
	if (!msg) {
		complain("out of memory");
		return NULL;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, flags,
			 cmd, VPCPEER_GENL_VERSION) ||
	    (opt.dry_run && msg_cmd_mutates(cmd) &&
	     nla_put_flag(msg, VPCPEER_A_DRY_RUN) < 0)) {
		complain("out of memory");
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* --- one request, its replies and its verdict --------------------------- */

struct xact {
	const char *title;
	vp_reply_fn fn;
	/* instead of fn: every message, whatever its type; 0 or -1 as fn */
	int (*raw)(struct nlmsghdr *nlh, void *arg);
	void *arg;
	int family;
	bool done;		/* the ACK, an error or NLMSG_DONE came */
	bool failed;		/* a reply was of no use (reported) */
	bool intr;		/* NLM_F_DUMP_INTR: the dump is inconsistent */
	int error;		/* the kernel's errno, positive */
	char ext_msg[256];	/* its extack message, or "" */
};

/* Records the status of an NLMSG_ERROR or NLMSG_DONE; shows warnings. */
static void record_status(struct xact *x, const struct nlmsghdr *nlh)
{
	const char *ext_msg;
	int error;

	x->done = true;
	if (msg_status(nlh, &error, &ext_msg)) {
		x->error = EBADMSG;
		return;
	}
	if (!error) {
		if (ext_msg)
			complain("%s: warning: %s", x->title, ext_msg);
		return;
	}
	x->error = error < 0 ? -error : error;
	if (ext_msg)
		snprintf(x->ext_msg, sizeof(x->ext_msg), "%s", ext_msg);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xact *x = arg;
	char err[256];

	if (x->raw) {
		if (x->raw(nlh, x->arg))
			x->failed = true;
	} else if (nlh->nlmsg_type != x->family || !x->fn) {
		return NL_SKIP;
	} else if (msg_parse(nlh, tb, err, sizeof(err))) {
		complain("%s: malformed reply from the kernel: %s", x->title,
			 err);
		x->failed = true;
	} else if (x->fn(tb, x->arg)) {
		x->failed = true;
	}
	if (!x->failed)
		return NL_OK;
	x->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	record_status(arg, nlmsg_hdr(msg));
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	record_status(arg, nlmsg_hdr(msg));
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	(void)msg;
	x->intr = true;
	return NL_OK;
}

/*
 * libnl hands the error callback the nlmsgerr, which is the payload of
 * the NLMSG_ERROR message: the header is just before it (iw does the same).
 */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)e - 1;

	(void)nla;
	record_status(arg, nlh);
	return NL_STOP;
}

static struct nl_cb *xact_callbacks(struct nl_sock *sk, struct xact *x)
{
	struct nl_cb *sock_cb = nl_socket_get_cb(sk), *cb;

	/* A clone keeps whatever the socket's callbacks override. */
	cb = nl_cb_clone(sock_cb);
	nl_cb_put(sock_cb);
	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, x);
	return cb;
}

/* Sends msg and receives until the verdict. Returns an exit status. */
static int xact_run(struct vp_conn *c, struct nl_msg *msg, struct xact *x)
{
	struct nl_cb *cb;
	int ret;

	cb = xact_callbacks(c->sk, x);
	if (!cb) {
		nlmsg_free(msg);
		complain("out of memory");
		return RC_FAIL;
	}
	ret = nl_send_auto(c->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		complain("%s: cannot send the request: %s", x->title,
			 nl_geterror(ret));
		nl_cb_put(cb);
		return RC_FAIL;
	}
	while (!x->done) {
		ret = nl_recvmsgs_report(c->sk, cb);
		if (x->done)
			break;
		if (ret <= 0) {
			complain("%s: cannot read the kernel's answer: %s",
				 x->title,
				 ret ? nl_geterror(ret) : "connection closed");
			nl_cb_put(cb);
			return RC_FAIL;
		}
	}
	nl_cb_put(cb);
	if (x->failed)
		return RC_FAIL;
	if (!x->error)
		return RC_OK;
	if (x->ext_msg[0])
		complain("%s: %s (%s)", x->title, x->ext_msg,
			 strerror(x->error));
	else
		complain("%s: %s", x->title, strerror(x->error));
	return RC_FAIL;
}

int vp_transact(struct vp_conn *c, struct nl_msg *msg, const char *title,
		vp_reply_fn fn, void *arg)
{
	struct xact x = {
		.title = title, .fn = fn, .arg = arg, .family = c->family,
	};

	return xact_run(c, msg, &x);
}

int vp_dump(struct vp_conn *c, uint8_t cmd, const char *title,
	    vp_reply_fn fn, int (*restart)(void *arg), void *arg)
{
	struct nl_msg *msg;
	struct xact x;
	int tries, rc;

	for (tries = 1;; tries++) {
		msg = vp_request(c, cmd, NLM_F_DUMP, 0);
		if (!msg)
			return RC_FAIL;
		x = (struct xact){
			.title = title, .fn = fn, .arg = arg,
			.family = c->family,
		};
		rc = xact_run(c, msg, &x);
		if (rc || !x.intr)
			return rc;
		if (tries == VP_DUMP_TRIES)
			break;
		if (restart && restart(arg))
			return RC_FAIL;
	}
	complain("%s: changes interrupted the dump %d times in a row; try again",
		 title, VP_DUMP_TRIES);
	return RC_FAIL;
}

/* --- multicast groups --------------------------------------------------- */

struct group_lookup {
	const char *group;
	bool found;
	uint32_t id;
};

static int group_reply(struct nlmsghdr *nlh, void *arg)
{
	struct group_lookup *g = arg;

	if (!msg_mcast_group(nlh, g->group, &g->id))
		g->found = true;
	return 0;
}

int vp_subscribe(struct vp_conn *c, const char *group, const char *title)
{
	struct group_lookup g = { .group = group };
	struct xact x = {
		.title = title, .raw = group_reply, .arg = &g,
		.family = GENL_ID_CTRL,
	};
	struct nl_msg *msg;
	int err, rc;

	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, VPCPEER_GENL_NAME) < 0) {
		nlmsg_free(msg);
		complain("out of memory");
		return RC_FAIL;
	}
	rc = xact_run(c, msg, &x);
	if (rc)
		return rc;
	if (!g.found) {
		complain("%s: the " VPCPEER_GENL_NAME
			 " family has no multicast group \"%s\": is the module too old?",
			 title, group);
		return RC_FAIL;
	}
	err = nl_socket_add_membership(c->sk, g.id);
	if (err < 0) {
		complain("%s: cannot join the multicast group \"%s\": %s", title,
			 group, nl_geterror(err));
		return RC_FAIL;
	}
	return RC_OK;
}

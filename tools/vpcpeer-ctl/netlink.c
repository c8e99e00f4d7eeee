// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink plumbing of vpcpeer-ctl (see netlink.h). libnl's
 * receive loop does the reading, the sequence checks and the multi-part
 * bookkeeping; the callbacks here only record what ends a request: the
 * ACK (extack warnings are shown), the error with its extack message, or
 * the NLMSG_DONE of a dump, whose payload is the dump's own error. libnl
 * 3.7 has no extack support of its own, so the socket option is set
 * directly and the TLVs are read by msg_status() (msg.c). Every request is
 * read to its verdict, even after a reply the command could not use, so
 * that a socket shared by the commands of a batch never holds what one
 * command left for the next to trip over (libnl checks that replies come
 * in the order of the requests).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
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

/* With -b: the connection every command of the batch shares (vp_share()). */
static struct vp_conn shared;
static bool sharing;

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

static int family_lookup(struct vp_conn *c, const char *name);

int vp_open(struct vp_conn *c)
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
	rc = family_lookup(c, VPCPEER_FAMILY_NAME);
	if (rc)
		vp_close(c);
	return rc;
}

int vp_connect(struct vp_conn *c)
{
	int rc;

	if (shared.sk) {
		*c = shared;
		return RC_OK;
	}
	rc = vp_open(c);
	if (!rc && sharing)
		shared = *c;
	return rc;
}

void vp_close(struct vp_conn *c)
{
	if (c->sk && c->sk == shared.sk) {
		if (!c->broken) {
			/* Kept for the next command of the batch. */
			c->sk = NULL;
			return;
		}
		shared = (struct vp_conn){ 0 };
	}
	nl_socket_free(c->sk);
	c->sk = NULL;
}

void vp_share(bool on)
{
	sharing = on;
	if (on || !shared.sk)
		return;
	nl_socket_free(shared.sk);
	shared = (struct vp_conn){ 0 };
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
			 cmd, VPCPEER_FAMILY_VERSION) ||
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
		/* Once a reply failed, the command has said all it will. */
		if (ext_msg && !x->failed)
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

	if (x->failed)
		return NL_SKIP;
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
	/*
	 * A failure does not end the reading: the rest of the replies and
	 * the verdict are read all the same, so that the socket is left
	 * with nothing of this request for the next one (a batch's).
	 */
	return x->failed ? NL_SKIP : NL_OK;
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

/*
 * Sends msg and receives until the verdict, which is recorded in x.
 * Returns RC_OK, or RC_FAIL after reporting that the request could not be
 * sent or its answer read (the socket is then of no further use).
 */
static int xact_exchange(struct vp_conn *c, struct nl_msg *msg,
			 struct xact *x)
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
		c->broken = true;
		return RC_FAIL;
	}
	while (!x->done) {
		ret = nl_recvmsgs_report(c->sk, cb);
		if (x->done)
			break;
		if (ret > 0)
			continue;
		/* After a failed reply the command has said all it will. */
		if (!x->failed)
			complain("%s: cannot read the kernel's answer: %s",
				 x->title,
				 ret ? nl_geterror(ret) : "connection closed");
		nl_cb_put(cb);
		/* What is left of the answer would be the next request's. */
		c->broken = true;
		return RC_FAIL;
	}
	nl_cb_put(cb);
	return RC_OK;
}

/* The exit status of a request read to its verdict; errors reported. */
static int xact_verdict(const struct xact *x)
{
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

static int xact_run(struct vp_conn *c, struct nl_msg *msg, struct xact *x)
{
	int rc = xact_exchange(c, msg, x);

	return rc ? rc : xact_verdict(x);
}

int vp_transact(struct vp_conn *c, struct nl_msg *msg, const char *title,
		vp_reply_fn fn, void *arg)
{
	struct xact x = {
		.title = title, .fn = fn, .arg = arg, .family = c->family,
	};

	return xact_run(c, msg, &x);
}

int vp_send(uint8_t cmd, size_t size,
	    int (*put)(struct nl_msg *msg, const void *data), const void *data,
	    const char *title, vp_reply_fn fn, void *arg)
{
	struct nl_msg *msg;
	struct vp_conn c;
	int rc;

	rc = vp_connect(&c);
	if (rc)
		return rc;
	msg = vp_request(&c, cmd, 0, size);
	if (!msg) {
		rc = RC_FAIL;
	} else if (put(msg, data) < 0) {
		complain("%s: out of memory for the request", title);
		nlmsg_free(msg);
		rc = RC_FAIL;
	} else {
		rc = vp_transact(&c, msg, title, fn, arg);
	}
	vp_close(&c);
	return rc;
}

int vp_show(struct show *s, uint8_t cmd,
	    int (*put)(struct nl_msg *msg, const void *data), const void *data)
{
	struct vp_conn c;
	int rc;

	rc = show_begin(s->pr);
	if (!rc && put) {
		rc = vp_send(cmd, msg_request_size(0), put, data, s->title,
			     show_reply, s);
	} else if (!rc) {
		rc = vp_connect(&c);
		if (!rc) {
			rc = vp_dump(&c, cmd, s->title, show_reply, show_again, s);
			vp_close(&c);
		}
	}
	return show_end(s->pr, s->title, rc);
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

/* --- the family and its multicast group ------------------------------- */

struct family_reply {
	const char *title;
	struct vp_conn *c;
	bool found;
};

static int family_reply(struct nlmsghdr *nlh, void *arg)
{
	struct family_reply *f = arg;
	char err[PARSE_ERRLEN];
	uint32_t version;
	uint16_t id;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return 0;
	if (msg_family(nlh, &id, &version, err, sizeof(err))) {
		complain("%s: malformed reply from the kernel: %s", f->title,
			 err);
		return -1;
	}
	f->found = true;
	f->c->family = id;
	f->c->version = version;
	f->c->has_events = !msg_mcast_group(nlh, VPCPEER_MCGRP_EVENTS,
					    &f->c->events_group);
	return 0;
}

/*
 * The id, version and events group of the family, from the controller's
 * answer about it alone (CTRL_CMD_GETFAMILY by name, not a dump of every
 * family). ENOENT is the answer when no such family is registered, or
 * none that serves this network namespace.
 */
static int family_lookup(struct vp_conn *c, const char *name)
{
	char title[64];
	struct family_reply f = { .title = title, .c = c };
	struct xact x = {
		.title = title, .raw = family_reply, .arg = &f,
		.family = GENL_ID_CTRL,
	};
	struct nl_msg *msg;
	int rc;

	snprintf(title, sizeof(title), "generic netlink family \"%s\"", name);
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0) {
		nlmsg_free(msg);
		complain("out of memory");
		return RC_FAIL;
	}
	rc = xact_exchange(c, msg, &x);
	if (rc)
		return rc;
	if (x.error == ENOENT && !x.failed) {
		complain("generic netlink family \"%s\" not found: is the vpcpeer module loaded?",
			 name);
		return RC_FAIL;
	}
	rc = xact_verdict(&x);
	if (!rc && !f.found) {
		complain("%s: the kernel's reply named no family", title);
		rc = RC_FAIL;
	}
	return rc;
}

int vp_subscribe(struct vp_conn *c, const char *title)
{
	int err;

	if (!c->has_events) {
		complain("%s: the " VPCPEER_FAMILY_NAME
			 " family has no multicast group \"%s\": is the module too old?",
			 title, VPCPEER_MCGRP_EVENTS);
		return RC_FAIL;
	}
	err = nl_socket_add_membership(c->sk, c->events_group);
	if (err < 0) {
		complain("%s: cannot join the multicast group \"%s\": %s", title,
			 VPCPEER_MCGRP_EVENTS, nl_geterror(err));
		return RC_FAIL;
	}
	return RC_OK;
}

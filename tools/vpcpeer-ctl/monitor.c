// SPDX-License-Identifier: GPL-2.0
/*
 * "vpcpeer-ctl monitor", as "ip monitor": joins the family's multicast
 * group of events and prints one line (or with -j one JSON object) per
 * event as it comes, flushed, until SIGINT or SIGTERM, which end it with
 * exit status 0. libnl retries a read that a signal interrupted, so the
 * socket is read without blocking and the wait is a ppoll() that alone
 * lets the two signals in: a signal is never lost between the check of
 * the flag and the wait. Events of a command this version does not know
 * are skipped, as the ABI only ever appends; a malformed one is reported
 * and skipped; lost ones (the receive buffer overflowed) are reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netlink/genl/genl.h>
#include <netlink/handlers.h>

#include <uapi/linux/vpcpeer.h>

#include "ctl.h"
#include "msg.h"
#include "netlink.h"
#include "print.h"

/* More than the default, for bursts: a VPC deleted with many peerings. */
#define MONITOR_RCVBUF	(1 << 20)

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct monitor {
	const char *title;
	int family;
	bool failed;		/* stdout is gone */
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VPCPEER_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct monitor *m = arg;
	char err[PARSE_ERRLEN];
	struct vp_event e;
	int ret;

	if (nlh->nlmsg_type != m->family)
		return NL_SKIP;
	if (msg_parse(nlh, tb, err, sizeof(err))) {
		complain("%s: malformed event from the kernel: %s", m->title,
			 err);
		return NL_SKIP;
	}
	ret = event_decode(((struct genlmsghdr *)nlmsg_data(nlh))->cmd, tb,
			   &e, err, sizeof(err));
	if (ret == -EOPNOTSUPP)
		return NL_SKIP;
	if (ret) {
		complain("%s: malformed event from the kernel: %s", m->title,
			 err);
		return NL_SKIP;
	}
	ret = print_event(stdout, opt.json, opt.stats, &e);
	vp_event_free(&e);
	if (!ret)
		return NL_OK;
	m->failed = true;
	return NL_STOP;
}

/* Reads and prints until a signal; returns an exit status. */
static int monitor_loop(struct vp_conn *c, struct monitor *m,
			const sigset_t *wait_mask)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(c->sk), .events = POLLIN };
	struct nl_cb *sock_cb, *cb;
	int ret;

	nl_socket_disable_seq_check(c->sk);
	sock_cb = nl_socket_get_cb(c->sk);
	cb = nl_cb_clone(sock_cb);
	nl_cb_put(sock_cb);
	if (!cb) {
		complain("out of memory");
		return RC_FAIL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, m);
	for (;;) {
		ret = nl_recvmsgs_report(c->sk, cb);
		if (m->failed)
			break;
		if (ret > 0)
			continue;
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: events were dropped; go on as ip monitor. */
			complain("%s: events were lost: the receive buffer overflowed",
				 m->title);
			continue;
		}
		/* Nothing to read: libnl 3.7 says so with NLE_AGAIN, others 0. */
		if (ret < 0 && ret != -NLE_AGAIN) {
			complain("%s: cannot read events: %s", m->title,
				 nl_geterror(ret));
			m->failed = true;
			break;
		}
		if (stop_signal)
			break;
		if (ppoll(&pfd, 1, NULL, wait_mask) < 0 && errno != EINTR) {
			complain("%s: cannot wait for events: %s", m->title,
				 strerror(errno));
			m->failed = true;
			break;
		}
	}
	nl_cb_put(cb);
	return m->failed ? RC_FAIL : RC_OK;
}

/* SIGINT and SIGTERM are blocked but in ppoll(), and caught there. */
static int monitor_run(struct vp_conn *c, struct monitor *m)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	const struct timespec zero = { 0 };
	sigset_t sigs, old_mask, wait_mask;
	int rc;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old_mask);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	stop_signal = 0;

	rc = monitor_loop(c, m, &wait_mask);

	/* A second signal that came meanwhile ends nothing more. */
	while (sigtimedwait(&sigs, NULL, &zero) > 0)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return rc;
}

/* monitor */
int cmd_monitor(const struct command *cmd, int argc, char *argv[])
{
	char title[CMD_TITLE_MAX];
	struct monitor m = { .title = cmd_title(cmd, title) };
	struct vp_conn c;
	int rc;

	if (argc > 1)
		return cmd_unexpected_arg(cmd, argv[1]);
	/* Its own socket: one that joins a group is no batch's to share. */
	rc = vp_open(&c);
	if (rc)
		return rc;
	m.family = c.family;
	rc = vp_subscribe(&c, title);
	if (!rc) {
		/* Best effort: the default buffer works, only smaller. */
		nl_socket_set_buffer_size(c.sk, MONITOR_RCVBUF, 0);
		if (nl_socket_set_nonblocking(c.sk) < 0) {
			complain("%s: cannot make the socket non-blocking",
				 title);
			rc = RC_FAIL;
		}
	}
	if (!rc)
		rc = monitor_run(&c, &m);
	vp_close(&c);
	return rc;
}

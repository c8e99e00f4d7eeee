/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink plumbing of vpcpeer-ctl: a socket with extended
 * ACKs on, the vpcpeer family resolved by name through the controller
 * (one CTRL_CMD_GETFAMILY request, which also names the family's
 * multicast groups), requests with the family's header, and one receive
 * loop for every command that hands each reply to a callback and ends at
 * the kernel's ACK, error or NLMSG_DONE; and the multicast group of
 * events. Kernel errors are reported here, once, as
 * "vpcpeer-ctl: <command>: <extack message> (<strerror>)". A batch (-b)
 * shares one socket and one lookup between all its commands.
 */
#ifndef VPCPEER_CTL_NETLINK_H
#define VPCPEER_CTL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

/* How often a dump is retried when a change interrupted it. */
#define VP_DUMP_TRIES	5

struct vp_conn {
	struct nl_sock *sk;
	int family;		/* the genl family id, the nlmsg_type */
	unsigned int version;	/* the kernel family's version */
	bool has_events;	/* the family has VPCPEER_MCGRP_EVENTS, */
	uint32_t events_group;	/* whose id this is */
	bool broken;		/* a request was not read to its end */
};

/*
 * A socket and the vpcpeer family, or an error on stderr ("not found: is
 * the vpcpeer module loaded?"). With -n, the process first moves into
 * that network namespace: commands call this once their command line is
 * known to be good, so that a usage error never depends on -n or on the
 * module. Returns an exit status.
 */
int vp_connect(struct vp_conn *c);
void vp_close(struct vp_conn *c);

/*
 * As vp_connect(), but always a socket of its own, never the shared one
 * of a batch: for "monitor", which joins a group and reads events.
 */
int vp_open(struct vp_conn *c);

/*
 * A batch: from vp_share(true) on, vp_connect() hands every command the
 * same socket and family, opened and resolved by the first command that
 * needs them, and vp_close() leaves that socket open for the next one.
 * Each command still sends its own requests and reads each to its verdict,
 * so one that fails leaves nothing behind; only a socket that could not be
 * read to the end of a request (a send or receive failed) is closed, and
 * the next command opens another. A failed vp_connect() shares nothing:
 * the next command tries again, with the same messages. vp_share(false)
 * closes the shared socket.
 */
void vp_share(bool on);

/*
 * A request for cmd with room for size bytes of attributes, or NULL
 * (reported). flags are NLM_F_ flags beyond NLM_F_REQUEST and NLM_F_ACK.
 * With -D, a command that changes something carries VPCPEER_A_DRY_RUN.
 */
struct nl_msg *vp_request(const struct vp_conn *c, uint8_t cmd, int flags,
			  size_t size);

/*
 * Called with the top-level attributes of each reply (tb is indexed by
 * enum vpcpeer_a). Returns 0, or -1 after reporting why the reply is of
 * no use, which ends the command with exit status 1.
 */
typedef int (*vp_reply_fn)(struct nlattr **tb, void *arg);

/*
 * Sends msg (and frees it), hands every reply to fn (may be NULL) and
 * waits for the kernel's verdict. title names the command in messages
 * ("vpc add"). Returns an exit status.
 */
int vp_transact(struct vp_conn *c, struct nl_msg *msg, const char *title,
		vp_reply_fn fn, void *arg);

/*
 * One request from start to end, as every command that changes something
 * makes it: vp_connect(), a request for cmd with room for size bytes of
 * attributes, filled by put(msg, data) (which returns < 0 when it ran out
 * of room: reported as such), vp_transact() with fn and arg, vp_close().
 * Returns an exit status.
 */
int vp_send(uint8_t cmd, size_t size,
	    int (*put)(struct nl_msg *msg, const void *data), const void *data,
	    const char *title, vp_reply_fn fn, void *arg);

struct show;

/*
 * A show command's request (ctl.h's struct show prints the replies): the
 * one object that put(msg, data) names, or the dump of them all when put
 * is NULL. Output is printed only if the whole command succeeds. Returns
 * an exit status.
 */
int vp_show(struct show *s, uint8_t cmd,
	    int (*put)(struct nl_msg *msg, const void *data), const void *data);

/*
 * Dumps cmd (NLM_F_DUMP, no attributes), handing every object to fn. When
 * the kernel marks the dump as interrupted by a change (NLM_F_DUMP_INTR),
 * calls restart(arg) to discard what fn was given (it returns 0, or -1
 * after reporting a failure) and dumps again, at most VP_DUMP_TRIES times
 * in all. Returns an exit status.
 */
int vp_dump(struct vp_conn *c, uint8_t cmd, const char *title,
	    vp_reply_fn fn, int (*restart)(void *arg), void *arg);

/*
 * Joins the family's multicast group of events (VPCPEER_MCGRP_EVENTS),
 * whose id came with the family. title names the command in messages.
 * Returns an exit status.
 */
int vp_subscribe(struct vp_conn *c, const char *title);

#endif /* VPCPEER_CTL_NETLINK_H */

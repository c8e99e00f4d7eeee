/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network namespaces named on the command line: a name in /run/netns (as
 * "ip -n" takes) or, when it holds a '/', a path such as /proc/PID/ns/net.
 * Used by the global -n option, which moves the process before any socket
 * is opened, and by "vpc add ... netns NS", which hands the kernel a file
 * descriptor. Errors are reported with complain().
 */
#ifndef VPCPEER_CTL_NETNS_H
#define VPCPEER_CTL_NETNS_H

#include <limits.h>

#define NETNS_RUN_DIR		"/run/netns"

/* The file of NETNS into path. Returns an exit status (RC_USAGE: bad name). */
int netns_path(const char *name, char path[PATH_MAX]);

/* An O_RDONLY descriptor of NETNS, or -1 (reported) with the exit status in *rc. */
int netns_open(const char *name, int *rc);

/* Move this process into NETNS. Returns an exit status. */
int netns_enter(const char *name);

#endif /* VPCPEER_CTL_NETNS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces named on the command line (see netns.h): resolving a
 * name to its file, opening it, and entering it. The messages tell a name
 * that is not in /run/netns from a path that does not exist and from a
 * file that is not a network namespace, since those are the three
 * mistakes people make.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/nsfs.h>

#include "ctl.h"
#include "netns.h"
#include "parse.h"

int netns_path(const char *name, char path[PATH_MAX])
{
	char q[QUOTE_BUFLEN];
	int n;

	quote_arg(name, q);
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		complain("bad network namespace name %s", q);
		return RC_USAGE;
	}
	if (strchr(name, '/'))
		n = snprintf(path, PATH_MAX, "%s", name);
	else
		n = snprintf(path, PATH_MAX, NETNS_RUN_DIR "/%s", name);
	if (n >= PATH_MAX) {
		complain("network namespace name %s is too long", q);
		return RC_USAGE;
	}
	return RC_OK;
}

/*
 * Whether fd is a network namespace. nsfs answers NS_GET_NSTYPE (Linux
 * 4.11); when it cannot, a file of nsfs is given the benefit of the doubt
 * and the kernel's own check decides.
 */
static bool is_netns(int fd)
{
	int type = ioctl(fd, NS_GET_NSTYPE);
	struct statfs sfs;

	if (type >= 0)
		return type == CLONE_NEWNET;
	return !fstatfs(fd, &sfs) && sfs.f_type == NSFS_MAGIC;
}

int netns_open(const char *name, int *rc)
{
	char path[PATH_MAX], q[QUOTE_BUFLEN];
	int fd, err;

	*rc = netns_path(name, path);
	if (*rc)
		return -1;
	*rc = RC_FAIL;
	quote_arg(name, q);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (is_netns(fd))
			return fd;
		close(fd);
		complain("%s is not a network namespace", q);
		return -1;
	}
	err = errno;
	if (err == ENOENT && strchr(name, '/'))
		complain("network namespace %s not found: no such file", q);
	else if (err == ENOENT)
		complain("network namespace %s not found in " NETNS_RUN_DIR
			 " (see \"ip netns list\")", q);
	else
		complain("cannot open network namespace %s: %s", q,
			 strerror(err));
	return -1;
}

int netns_enter(const char *name)
{
	char q[QUOTE_BUFLEN];
	int fd, ret, err, rc;

	fd = netns_open(name, &rc);
	if (fd < 0)
		return rc;
	ret = setns(fd, CLONE_NEWNET);
	err = errno;
	close(fd);
	if (!ret)
		return RC_OK;
	quote_arg(name, q);
	if (err == EINVAL)
		complain("%s is not a network namespace", q);
	else
		complain("cannot enter network namespace %s: %s", q,
			 strerror(err));
	return RC_FAIL;
}

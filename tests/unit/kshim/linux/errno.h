/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel shim: error numbers (Linux's values). Not taken from <errno.h>:
 * glibc's own errno.h includes <linux/errno.h>, which would be this file.
 */
#ifndef _KSHIM_LINUX_ERRNO_H
#define _KSHIM_LINUX_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define EINTR		4
#define EIO		5
#define E2BIG		7
#define EAGAIN		11
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define EBADMSG		74
#define EMSGSIZE	90
#define EPROTOTYPE	91
#define EPROTONOSUPPORT	93
#define EOPNOTSUPP	95

#endif /* _KSHIM_LINUX_ERRNO_H */

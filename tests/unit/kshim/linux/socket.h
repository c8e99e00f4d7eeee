/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel shim: the address family numbers (Linux's values). Guarded, as
 * a host program may also have <sys/socket.h>, which defines the same.
 */
#ifndef _KSHIM_LINUX_SOCKET_H
#define _KSHIM_LINUX_SOCKET_H

#ifndef AF_INET
#define AF_INET		2
#endif
#ifndef AF_INET6
#define AF_INET6	10
#endif

#endif /* _KSHIM_LINUX_SOCKET_H */

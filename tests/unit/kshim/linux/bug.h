/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel shim: warnings are counted (kshim_warnings) so tests can fail. */
#ifndef _KSHIM_LINUX_BUG_H
#define _KSHIM_LINUX_BUG_H

#include "../kshim.h"

#define WARN_ON(cond) ({ \
	int __c = !!(cond); \
	if (__c) \
		kshim_warn(__FILE__, __LINE__, #cond); \
	__c; \
})
#define WARN_ON_ONCE(cond) WARN_ON(cond)

#endif /* _KSHIM_LINUX_BUG_H */

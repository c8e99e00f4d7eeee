/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family (netlink.c): the door every request comes
 * through, and the events. The top of the module: only main.c calls it,
 * and peering.c for the events it alone knows of.
 */
#ifndef _VPCPEER_NETLINK_H
#define _VPCPEER_NETLINK_H

#include "peering.h"
#include "region.h"
#include "vpc.h"

int vpcpeer_genl_init(void);
void vpcpeer_genl_exit(void);
bool vpcpeer_name_chars_valid(const char *name, size_t len);

/*
 * Events (VPCPEER_MCGRP_EVENTS), under vpcpeer_lock. A VPC's event reaches
 * the listeners in its namespace and in the initial one. A peering's
 * reaches those in the namespace of a side in @hear (bits) and of none in
 * @deaf, and the initial namespace's when it hears any side and is deaf to
 * none; @old_state is for VPCPEER_CMD_PCX_STATE_NTF. @cmd: the
 * notification, VPCPEER_CMD_*_NTF.
 */
void vpcpeer_notify_vpc(u8 cmd, const struct vpcpeer_vpc *vpc,
			const struct vpcpeer_cidr *c);
void vpcpeer_notify_pcx(u8 cmd, const struct vpcpeer_pcx *pcx, int old_state,
			unsigned int hear, unsigned int deaf);
/*
 * A region's, to the initial namespace's listeners; @gone: its name only;
 * @old_state: the state it left, or -1 when the state did not change.
 */
void vpcpeer_notify_region(u8 cmd, const struct vpcpeer_region *r, bool gone,
			   int old_state);

#endif /* _VPCPEER_NETLINK_H */

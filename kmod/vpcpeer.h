/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of the vpcpeer module. Each file
 * owns one concern (netlink.c the generic netlink family, device.c the
 * per-peering netdevice); main.c only wires them together.
 */
#ifndef _VPCPEER_H
#define _VPCPEER_H

#define VPCPEER_VERSION "0.1.0"

int vpcpeer_genl_init(void);
void vpcpeer_genl_exit(void);

int vpcpeer_device_init(void);
void vpcpeer_device_exit(void);

#endif /* _VPCPEER_H */

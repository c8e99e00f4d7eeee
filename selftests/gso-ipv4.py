#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Set a device's gso_ipv4_max_size (IPv4 BIG TCP, Linux 6.3 and later).

Debian 12's iproute2 (6.1) predates the attribute, so "ip link set DEV
gso_ipv4_max_size N" is not there; this sends the RTM_NEWLINK that newer
iproute2 does, in the caller's namespace (run it under "ip netns exec").

    gso-ipv4.py DEV SIZE

Exits 0 when the kernel accepted it; else prints the kernel's errno and
extack message and exits 1. A kernel older than the attribute ignores it
and says 0: the caller checks the effect.
"""
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
NLA_F_NESTED = 1 << 15
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270
IFLA_GSO_IPV4_MAX_SIZE = 63     # include/uapi/linux/if_link.h (6.3+)


def extack_message(msg, off):
    while off + 4 <= len(msg):
        alen, kind = struct.unpack_from("=HH", msg, off)
        if alen < 4:
            break
        if kind & ~NLA_F_NESTED == NLMSGERR_ATTR_MSG:
            return msg[off + 4:off + alen].split(b"\0")[0].decode(errors="replace")
        off += (alen + 3) & ~3
    return ""


def main(argv):
    if len(argv) != 3 or not argv[2].isdigit():
        print("usage: gso-ipv4.py DEV SIZE", file=sys.stderr)
        return 2
    dev, size = argv[1], int(argv[2])
    try:
        index = socket.if_nametoindex(dev)
    except OSError:
        print(f"gso-ipv4.py: no device {dev}", file=sys.stderr)
        return 1
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, 0, 0)
    body += struct.pack("=HHI", 8, IFLA_GSO_IPV4_MAX_SIZE, size)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    sock.send(struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK,
                          NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body)
    msg = sock.recv(65536)
    _, mtype, mflags = struct.unpack_from("=IHH", msg)
    if mtype != NLMSG_ERROR:
        print(f"gso-ipv4.py: unexpected netlink reply type {mtype}", file=sys.stderr)
        return 1
    err = -struct.unpack_from("=i", msg, 16)[0]
    if err == 0:
        return 0
    echoed = 16 if mflags & 0x100 else struct.unpack_from("=I", msg, 20)[0]
    why = extack_message(msg, 20 + ((echoed + 3) & ~3))
    print(f"gso-ipv4.py: {dev} gso_ipv4_max_size {size}: {os.strerror(err)}"
          + (f" ({why})" if why else ""), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

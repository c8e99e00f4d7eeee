#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Create a netkit pair over rtnetlink, for the benchmark's netkit scenario.

Debian 12's iproute2 (6.1) predates netkit (6.7), so "ip link add type
netkit" is not there; this sends the RTM_NEWLINK that newer iproute2 does.
The primary device is created in the caller's namespace (run it under
"ip netns exec"), the peer directly in the namespace whose /run/netns file
is given, so that nothing has to move afterwards.

    netkit.py NAME PEER PEER_NETNS [l3|l2]

Mode l3 (the default, and netkit's own) has no link-layer addresses and
no ARP; the policy of both ends is "pass" (forward to the peer), as with no
BPF program attached. Exits 0 on success; on failure prints the kernel's
errno and extack message and exits 1 (2 when the kernel has no netkit).
"""
import errno
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLMSG_ERROR = 2
NLA_F_NESTED = 1 << 15
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270

IFLA_IFNAME = 3
IFLA_LINKINFO = 18
IFLA_NET_NS_FD = 28
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
# include/uapi/linux/if_link.h (6.7+)
IFLA_NETKIT_PEER_INFO = 1
IFLA_NETKIT_POLICY = 3
IFLA_NETKIT_PEER_POLICY = 4
IFLA_NETKIT_MODE = 5
NETKIT_PASS = 0
NETKIT_MODES = {"l2": 0, "l3": 1}

IFINFOMSG = struct.Struct("=BxHiII")   # family, type, index, flags, change


def attr(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    pad = b"\0" * (-len(payload) % 4)
    return hdr + payload + pad


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b"".join(attrs))


def u32(kind, value):
    return attr(kind, struct.pack("=I", value))


def string(kind, value):
    return attr(kind, value.encode() + b"\0")


def ifinfomsg():
    return IFINFOMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0)


def request(name, peer, peer_ns_fd, mode):
    peer_info = attr(IFLA_NETKIT_PEER_INFO,
                     ifinfomsg() + string(IFLA_IFNAME, peer) +
                     u32(IFLA_NET_NS_FD, peer_ns_fd))
    body = (ifinfomsg() + string(IFLA_IFNAME, name) +
            nest(IFLA_LINKINFO,
                 string(IFLA_INFO_KIND, "netkit"),
                 nest(IFLA_INFO_DATA, peer_info,
                      u32(IFLA_NETKIT_MODE, mode),
                      u32(IFLA_NETKIT_POLICY, NETKIT_PASS),
                      u32(IFLA_NETKIT_PEER_POLICY, NETKIT_PASS))))
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    return struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0) + body


def extack_message(msg, off):
    # After struct nlmsgerr (errno + the request's header, its payload
    # capped), TLVs; NLMSGERR_ATTR_MSG holds the text.
    while off + 4 <= len(msg):
        alen, kind = struct.unpack_from("=HH", msg, off)
        if alen < 4:
            break
        if kind & ~NLA_F_NESTED == NLMSGERR_ATTR_MSG:
            return msg[off + 4:off + alen].split(b"\0")[0].decode(errors="replace")
        off += (alen + 3) & ~3
    return ""


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] not in NETKIT_MODES):
        print("usage: netkit.py NAME PEER PEER_NETNS [l3|l2]", file=sys.stderr)
        return 2
    name, peer, netns = argv[1:4]
    mode = NETKIT_MODES[argv[4] if len(argv) == 5 else "l3"]
    path = netns if "/" in netns else "/run/netns/" + netns
    ns_fd = os.open(path, os.O_RDONLY)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    sock.send(request(name, peer, ns_fd, mode))
    msg = sock.recv(65536)
    os.close(ns_fd)
    _, mtype, mflags = struct.unpack_from("=IHH", msg)
    if mtype != NLMSG_ERROR:
        print(f"netkit.py: unexpected netlink reply type {mtype}", file=sys.stderr)
        return 1
    err = -struct.unpack_from("=i", msg, 16)[0]
    if err == 0:
        return 0
    # The echoed request: its header only when the kernel capped it
    # (NLM_F_CAPPED, 0x100), else the whole request.
    echoed = 16 if mflags & 0x100 else struct.unpack_from("=I", msg, 20)[0]
    why = extack_message(msg, 20 + ((echoed + 3) & ~3))
    print(f"netkit.py: creating netkit {name}/{peer}: {os.strerror(err)}"
          + (f" ({why})" if why else ""), file=sys.stderr)
    # "Unknown device type": this kernel has no netkit.
    return 2 if err == errno.EOPNOTSUPP else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

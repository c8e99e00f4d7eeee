#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""RTM_NEWLINK requests that Debian 12's iproute2 (6.1) cannot make, sent
by hand (stdlib only) in the caller's namespace (run it under "ip netns
exec").

  rtlink.py netkit NAME PEER PEER_NETNS [l3|l2]
      Create a netkit pair (Linux 6.7+; iproute2 6.1 predates netkit), for
      the benchmark's netkit scenario: NAME here, PEER directly in the
      namespace whose /run/netns file (or path) is given. Mode l3 (the
      default, and netkit's own) has no link-layer addresses and no ARP;
      the policy of both ends is "pass", as with no BPF program attached.
      Exits 2 when the kernel has no netkit.

  rtlink.py gso-ipv4 DEV SIZE
      Set DEV's gso_ipv4_max_size (IPv4 BIG TCP, Linux 6.3+), for the
      selftests. A kernel older than the attribute ignores it and says 0:
      the caller checks the effect.

Exits 0 when the kernel accepted the request; else prints the kernel's
errno and extack message and exits 1.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLM_F_CAPPED = 0x100
NLMSG_ERROR = 2
NLA_F_NESTED = 1 << 15
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270

# include/uapi/linux/if_link.h
IFLA_IFNAME = 3
IFLA_LINKINFO = 18
IFLA_NET_NS_FD = 28
IFLA_GSO_IPV4_MAX_SIZE = 63     # 6.3+
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
IFLA_NETKIT_PEER_INFO = 1       # 6.7+
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


def ifinfomsg(index=0):
    return IFINFOMSG.pack(socket.AF_UNSPEC, 0, index, 0, 0)


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


def newlink(body, flags=0):
    """Send one RTM_NEWLINK; return (0, "") or (errno, extack message)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    sock.send(struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK,
                          NLM_F_REQUEST | NLM_F_ACK | flags, 1, 0) + body)
    msg = sock.recv(65536)
    _, mtype, mflags = struct.unpack_from("=IHH", msg)
    if mtype != NLMSG_ERROR:
        return errno.EPROTO, f"unexpected netlink reply type {mtype}"
    err = -struct.unpack_from("=i", msg, 16)[0]
    if err == 0:
        return 0, ""
    # The echoed request: its header only when the kernel capped it.
    echoed = 16 if mflags & NLM_F_CAPPED else struct.unpack_from("=I", msg, 20)[0]
    return err, extack_message(msg, 20 + ((echoed + 3) & ~3))


def netkit(name, peer, netns, mode="l3"):
    if mode not in NETKIT_MODES:
        return usage()
    path = netns if "/" in netns else "/run/netns/" + netns
    ns_fd = os.open(path, os.O_RDONLY)
    peer_info = attr(IFLA_NETKIT_PEER_INFO,
                     ifinfomsg() + string(IFLA_IFNAME, peer) +
                     u32(IFLA_NET_NS_FD, ns_fd))
    body = (ifinfomsg() + string(IFLA_IFNAME, name) +
            nest(IFLA_LINKINFO,
                 string(IFLA_INFO_KIND, "netkit"),
                 nest(IFLA_INFO_DATA, peer_info,
                      u32(IFLA_NETKIT_MODE, NETKIT_MODES[mode]),
                      u32(IFLA_NETKIT_POLICY, NETKIT_PASS),
                      u32(IFLA_NETKIT_PEER_POLICY, NETKIT_PASS))))
    err, why = newlink(body, NLM_F_CREATE | NLM_F_EXCL)
    os.close(ns_fd)
    if err:
        fail(f"creating netkit {name}/{peer}", err, why)
        # "Unknown device type": this kernel has no netkit.
        return 2 if err == errno.EOPNOTSUPP else 1
    return 0


def gso_ipv4(dev, size):
    if not size.isdigit():
        return usage()
    try:
        index = socket.if_nametoindex(dev)
    except OSError:
        print(f"rtlink.py: no device {dev}", file=sys.stderr)
        return 1
    err, why = newlink(ifinfomsg(index) + u32(IFLA_GSO_IPV4_MAX_SIZE, int(size)))
    if err:
        fail(f"{dev} gso_ipv4_max_size {size}", err, why)
        return 1
    return 0


def fail(what, err, why):
    print(f"rtlink.py: {what}: {os.strerror(err)}" + (f" ({why})" if why else ""),
          file=sys.stderr)


def usage():
    print("usage: rtlink.py netkit NAME PEER PEER_NETNS [l3|l2]\n"
          "       rtlink.py gso-ipv4 DEV SIZE", file=sys.stderr)
    return 2


def main(argv):
    if len(argv) in (5, 6) and argv[1] == "netkit":
        return netkit(*argv[2:])
    if len(argv) == 4 and argv[1] == "gso-ipv4":
        return gso_ipv4(*argv[2:])
    return usage()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

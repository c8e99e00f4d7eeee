#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink requests to the vpcpeer family, built by hand (stdlib
only), to prove that the KERNEL refuses what vpcpeer-ctl would never send:
host bits, bad lengths, bad names, missing or unknown attributes.

  nlraw.py bad-vpc-new EXISTING_VPC_NAME
  nlraw.py bad-pcx-set ACTIVE_PCX_ID

First a well-formed VPC_NEW (and its VPC_DEL) must succeed, so that the
encoding is known to be right; then each bad request must be refused, an
-EINVAL with an extack message (or the missing attribute's type) that says
why. Prints one line per request; exits 1 if any was not refused.

bad-pcx-set does the same for PCX_SET (R14) on an active connection the
caller administers both sides of: a well-formed request (and its dry run,
which must change nothing) first, then bad tags and option sets, each
refused with nothing changed, not even a well-formed side sent with it.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_MISS_TYPE = 1, 2, 5
NLA_F_NESTED = 0x8000
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

# <uapi/linux/vpcpeer.h>
CMD_VPC_NEW, CMD_VPC_DEL = 1, 2
CMD_PCX_REQUEST = 6
CMD_PCX_GET, CMD_PCX_SET = 10, 11
A_VPC, A_PCX, A_DRY_RUN = 1, 2, 3
A_VPC_ID, A_VPC_NAME, A_VPC_NETNS_FD, A_VPC_NETNSID, A_VPC_CIDR = 1, 2, 3, 4, 5
A_CIDR_ADDR, A_CIDR_PREFIXLEN = 1, 2
A_PCX_ID, A_PCX_STATE, A_PCX_REQUESTER, A_PCX_ACCEPTER = 1, 2, 4, 5
A_SIDE_VPC_ID, A_SIDE_VPC_NAME, A_SIDE_ALLOW_DNS, A_SIDE_TAG = 1, 2, 6, 7
PCX_ACTIVE = 3


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b"".join(attrs))


def u8(atype, v):
    return attr(atype, struct.pack("=B", v))


def u32(atype, v):
    return attr(atype, struct.pack("=I", v))


def string(atype, s):
    return attr(atype, s.encode() + b"\0")


def cidr(addr, plen, addr_bytes=None):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    raw = addr_bytes if addr_bytes is not None else socket.inet_pton(family, addr)
    return nest(A_VPC_CIDR, attr(A_CIDR_ADDR, raw), u8(A_CIDR_PREFIXLEN, plen))


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack_from("=HH", data)
        if alen < 4:
            break
        out[atype & 0x3FFF] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sk.bind((0, 0))
        self.sk.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
        self.sk.setsockopt(270, NETLINK_CAP_ACK, 1)
        self.seq = 0
        self.family = self.resolve("vpcpeer")

    def request(self, family, cmd, payload, version=1):
        """Send one request; return (errno, extack message, reply attrs)."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + payload
        msg = struct.pack("=IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        self.sk.send(msg)
        reply = {}
        while True:
            data = self.sk.recv(65536)
            while len(data) >= 16:
                mlen, mtype, mflags, seq, _ = struct.unpack_from("=IHHII", data)
                m, data = data[:mlen], data[(mlen + 3) & ~3:]
                if seq != self.seq:
                    continue
                if mtype != NLMSG_ERROR:
                    reply = parse_attrs(m[20:])
                    continue
                err = -struct.unpack_from("=i", m, 16)[0]
                why = ""
                if mflags & NLM_F_ACK_TLVS:
                    # error, then the request's header (CAP_ACK), then TLVs
                    tlv = parse_attrs(m[16 + 4 + 16:])
                    if NLMSGERR_ATTR_MSG in tlv:
                        why = tlv[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode(errors="replace")
                    elif NLMSGERR_ATTR_MISS_TYPE in tlv:
                        why = "missing attribute type %d" % struct.unpack(
                            "=I", tlv[NLMSGERR_ATTR_MISS_TYPE][:4])[0]
                    elif NLMSGERR_ATTR_OFFS in tlv:
                        why = "bad attribute at offset %d" % struct.unpack(
                            "=I", tlv[NLMSGERR_ATTR_OFFS][:4])[0]
                return err, why, reply

    def resolve(self, name):
        err, why, reply = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                       string(CTRL_ATTR_FAMILY_NAME, name))
        if err:
            sys.exit("nlraw: family %s not found: %s %s" % (name, os.strerror(err), why))
        return struct.unpack("=H", reply[CTRL_ATTR_FAMILY_ID][:2])[0]


def bad_vpc_new(existing):
    g = Genl()
    good = "nlraw%d" % os.getpid()

    # The control: the same encoding, well-formed, is accepted.
    err, why, _ = g.request(g.family, CMD_VPC_NEW,
                            nest(A_VPC, string(A_VPC_NAME, good),
                                 cidr("10.99.0.0", 16), cidr("fd00:99::", 48)))
    if err:
        sys.exit("nlraw: a well-formed VPC_NEW was refused (%s: %s); the encoding "
                 "or the ABI is wrong, so the refusals below would prove nothing"
                 % (errno.errorcode.get(err, err), why))
    err, why, _ = g.request(g.family, CMD_VPC_DEL, nest(A_VPC, string(A_VPC_NAME, good)))
    if err:
        sys.exit("nlraw: VPC_DEL of %s failed: %s %s" % (good, os.strerror(err), why))
    print("ok - well-formed VPC_NEW accepted, VPC_DEL removed it")

    name = "nlrawbad%d" % os.getpid()
    v4 = cidr("10.98.0.0", 16)
    cases = [
        ("IPv4 host bits set", nest(A_VPC, string(A_VPC_NAME, name), cidr("10.98.0.1", 16))),
        ("IPv6 host bits set", nest(A_VPC, string(A_VPC_NAME, name), cidr("fd00:98::1", 48))),
        ("IPv4 prefix length 33", nest(A_VPC, string(A_VPC_NAME, name), cidr("10.98.0.0", 33))),
        ("IPv6 prefix length 129", nest(A_VPC, string(A_VPC_NAME, name), cidr("fd00:98::", 129))),
        ("address of 5 bytes", nest(A_VPC, string(A_VPC_NAME, name),
                                    cidr("10.98.0.0", 16, b"\x0a\x62\0\0\0"))),
        ("address of 0 bytes", nest(A_VPC, string(A_VPC_NAME, name), cidr("10.98.0.0", 0, b""))),
        ("CIDR without a prefix length", nest(A_VPC, string(A_VPC_NAME, name),
                                              nest(A_VPC_CIDR, attr(A_CIDR_ADDR, bytes(4))))),
        ("CIDR without an address", nest(A_VPC, string(A_VPC_NAME, name),
                                         nest(A_VPC_CIDR, u8(A_CIDR_PREFIXLEN, 8)))),
        ("no name", nest(A_VPC, v4)),
        ("empty name", nest(A_VPC, string(A_VPC_NAME, ""), v4)),
        ("name of 64 characters", nest(A_VPC, string(A_VPC_NAME, "n" * 64), v4)),
        ("name with a space", nest(A_VPC, string(A_VPC_NAME, "bad name"), v4)),
        ("name starting with '-'", nest(A_VPC, string(A_VPC_NAME, "-bad"), v4)),
        ("name of the form of an id", nest(A_VPC, string(A_VPC_NAME, "vpc-0000abcd"), v4)),
        ("no CIDR block", nest(A_VPC, string(A_VPC_NAME, name))),
        ("netns fd that is not open", nest(A_VPC, string(A_VPC_NAME, name),
                                           u32(A_VPC_NETNS_FD, 1000), v4)),
        ("netns fd that is not a namespace", nest(A_VPC, string(A_VPC_NAME, name),
                                                  u32(A_VPC_NETNS_FD, 0), v4)),
        ("unknown attribute in the VPC nest", nest(A_VPC, string(A_VPC_NAME, name), v4,
                                                    u32(99, 1))),
        ("no VPC nest", b""),
        ("duplicate name", nest(A_VPC, string(A_VPC_NAME, existing), v4)),
    ]
    bad = 0
    for what, payload in cases:
        err, why, _ = g.request(g.family, CMD_VPC_NEW, payload)
        if not err:
            print("not ok - VPC_NEW with %s was accepted" % what)
            g.request(g.family, CMD_VPC_DEL, nest(A_VPC, string(A_VPC_NAME, name)))
            bad += 1
        elif err == errno.EINVAL and not why:
            print("not ok - VPC_NEW with %s: EINVAL without an extack message" % what)
            bad += 1
        else:
            print("ok - VPC_NEW with %s: %s (%s)" % (what, errno.errorcode.get(err, err), why))

    pcx_cases = [
        ("no accepter", nest(A_PCX, nest(A_PCX_REQUESTER, string(A_SIDE_VPC_NAME, existing)))),
        ("no requester", nest(A_PCX, nest(A_PCX_ACCEPTER, string(A_SIDE_VPC_NAME, existing)))),
        ("an unknown accepter id", nest(A_PCX, nest(A_PCX_REQUESTER, string(A_SIDE_VPC_NAME, existing)),
                                        nest(A_PCX_ACCEPTER, u32(A_SIDE_VPC_ID, 1)))),
    ]
    for what, payload in pcx_cases:
        err, why, _ = g.request(g.family, CMD_PCX_REQUEST, payload)
        if not err:
            print("not ok - PCX_REQUEST with %s was accepted" % what)
            bad += 1
        elif err == errno.EINVAL and not why:
            print("not ok - PCX_REQUEST with %s: EINVAL without an extack message" % what)
            bad += 1
        else:
            print("ok - PCX_REQUEST with %s: %s (%s)" % (what, errno.errorcode.get(err, err), why))
    return 1 if bad else 0


def bad_pcx_set(pcx_name):
    g = Genl()
    pid = int(pcx_name[len("pcx-"):], 16)

    def options():
        """Each side's (allow_dns, tag) as PCX_GET tells them."""
        err, why, reply = g.request(g.family, CMD_PCX_GET, nest(A_PCX, u32(A_PCX_ID, pid)))
        if err:
            sys.exit("nlraw: PCX_GET of %s failed: %s %s" % (pcx_name, os.strerror(err), why))
        pcx = parse_attrs(reply[A_PCX])
        if pcx[A_PCX_STATE][0] != PCX_ACTIVE:
            sys.exit("nlraw: %s is not active" % pcx_name)
        out = []
        for side in (A_PCX_REQUESTER, A_PCX_ACCEPTER):
            a = parse_attrs(pcx[side])
            if A_SIDE_ALLOW_DNS not in a:
                sys.exit("nlraw: %s: a side without ALLOW_DNS" % pcx_name)
            out.append((a[A_SIDE_ALLOW_DNS][0], a.get(A_SIDE_TAG, b"").rstrip(b"\0")))
        return out

    def pcx_set(*sides, dry=False):
        payload = nest(A_PCX, u32(A_PCX_ID, pid), *sides)
        if dry:
            payload += attr(A_DRY_RUN, b"")
        return g.request(g.family, CMD_PCX_SET, payload)

    def tag(t):
        return attr(A_SIDE_TAG, t + b"\0")

    # The controls: well-formed requests are taken, a dry run changes nothing.
    err, why, reply = pcx_set(nest(A_PCX_REQUESTER, u8(A_SIDE_ALLOW_DNS, 1), tag(b"raw control")))
    if err:
        sys.exit("nlraw: a well-formed PCX_SET was refused (%s: %s); the encoding "
                 "or the ABI is wrong, so the refusals below would prove nothing"
                 % (errno.errorcode.get(err, err), why))
    if A_PCX not in reply:
        print("not ok - PCX_SET replied without the PCX")
        return 1
    before = options()
    if before[0] != (1, b"raw control"):
        print("not ok - PCX_SET did not set the requester's options: %r" % (before,))
        return 1
    print("ok - well-formed PCX_SET taken and replied with the PCX")
    bad = 0
    err, why, reply = pcx_set(nest(A_PCX_ACCEPTER, tag(b"dry")), dry=True)
    if err or reply or options() != before:
        print("not ok - a dry-run PCX_SET: %s %s, reply %r, options %r (before %r)"
              % (errno.errorcode.get(err, err), why, reply, options(), before))
        bad += 1
    else:
        print("ok - a dry-run PCX_SET acknowledged, nothing changed")

    good = nest(A_PCX_REQUESTER, tag(b"changed"))
    cases = [
        ("a tag of 256 bytes", nest(A_PCX_ACCEPTER, tag(b"t" * 256))),
        ("a tag with a tab", nest(A_PCX_ACCEPTER, tag(b"a\tb"))),
        ("a tag with a control byte", nest(A_PCX_ACCEPTER, tag(b"a\x01b"))),
        ("a tag with DEL", nest(A_PCX_ACCEPTER, tag(b"a\x7fb"))),
        ("a tag in UTF-8", nest(A_PCX_ACCEPTER, tag("caf\u00e9".encode()))),
        ("a tag with a newline", nest(A_PCX_ACCEPTER, tag(b"a\nb"))),
        ("no option at all", b""),
        ("two empty sides", nest(A_PCX_REQUESTER) + nest(A_PCX_ACCEPTER)),
        ("an ALLOW_DNS of 4 bytes", nest(A_PCX_ACCEPTER, u32(A_SIDE_ALLOW_DNS, 1))),
    ]
    for what, sides in cases:
        # Alone, and after a well-formed side: neither may be applied.
        for with_good in (False, True):
            if with_good and not sides:
                continue
            desc = what + (" beside a good requester side" if with_good else "")
            err, why, _ = pcx_set(*((good, sides) if with_good else (sides,)))
            now = options()
            if not err:
                print("not ok - PCX_SET with %s was accepted" % desc)
                bad += 1
            elif err == errno.EINVAL and not why:
                print("not ok - PCX_SET with %s: EINVAL without an extack message" % desc)
                bad += 1
            elif now != before:
                print("not ok - PCX_SET with %s was refused, but changed %r to %r"
                      % (desc, before, now))
                bad += 1
            else:
                print("ok - PCX_SET with %s: %s (%s)" % (desc, errno.errorcode.get(err, err), why))
    err, why, _ = pcx_set(nest(A_PCX_REQUESTER, u8(A_SIDE_ALLOW_DNS, 0), tag(b"t" * 255)))
    if err or options()[0] != (0, b"t" * 255):
        print("not ok - a 255-byte tag: %s %s" % (errno.errorcode.get(err, err), why))
        bad += 1
    else:
        print("ok - a 255-byte tag taken")
    return 1 if bad else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "bad-vpc-new":
        return bad_vpc_new(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "bad-pcx-set":
        return bad_pcx_set(sys.argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

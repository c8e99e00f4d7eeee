#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A stand-in for another host's vpcpeer module, for the one-guest tests.

It speaks the inter-region control protocol (Documentation/inter-region.md,
"Wire format") from an implementation of its own, written from the
document and not from the module's code, so that the two check each
other. Python's standard library only.

  fakeregion.py serve --listen ADDR[:PORT] --peer ADDR[:PORT] --name NAME
                      [--epoch N] [--hello-ms MS] [--log FILE]
      answers every HELLO with its own, sends one every MS (0: never),
      and logs each message it receives as one line:
      "rx HELLO seq=3 epoch=0x... name=a inner_mtu=8884" (a bad one:
      "rx bad REASON").
  fakeregion.py send --bind ADDR --peer ADDR[:PORT] [--name NAME]
                     [--epoch N] [--ctl-bit 0|1] [--proto HEX]
                     [--vni N] [--ipv4 SRC,DST]
      sends one HELLO (or, with --ctl-bit/--proto, a GENEVE header the
      module must refuse; with --ipv4, a data frame carrying an ICMP echo
      from SRC to DST on VNI N) and exits.
"""
import argparse
import os
import socket
import struct
import sys
import time

GENEVE_P_CTL = 0x88B5
HDR = struct.Struct("!BBHIIIQ")         # version type length pcx seq ack epoch
TYPES = {1: "HELLO", 2: "REQUEST", 3: "RESULT", 4: "ACCEPT", 5: "ACTIVATED",
         6: "REJECT", 7: "DELETE", 8: "EXPIRE", 9: "UPDATE", 10: "ACK"}
T_NAME, T_INNER_MTU, T_FEATURES = 1, 10, 11


def addr_port(s, default=6081):
    if s.startswith("["):
        host, _, rest = s[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default
    if s.count(":") == 1:
        host, port = s.split(":")
        return host, int(port)
    return s, default


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tlv(t, value):
    pad = (-len(value)) % 4
    return struct.pack("!HH", t, len(value)) + value + b"\0" * pad


def geneve(ctl=True, proto=GENEVE_P_CTL, vni=0):
    return struct.pack("!BBHI", 0, 0x80 if ctl else 0, proto, vni << 8)


def hello(seq, epoch, name, inner_mtu=8884):
    body = tlv(T_NAME, name.encode()) + tlv(T_INNER_MTU, struct.pack("!H", inner_mtu)) \
        + tlv(T_FEATURES, struct.pack("!I", 0))
    return HDR.pack(1, 1, HDR.size + len(body), 0, seq, 0, epoch) + body


def inet_csum(b):
    b += b"\0" * (len(b) % 2)
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


def ipv4_echo(src, dst):
    """An ICMP echo request from SRC to DST, checksums right."""
    fold = inet_csum
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"vpcpeer"
    icmp = icmp[:2] + struct.pack("!H", fold(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", fold(hdr)) + hdr[12:]
    return hdr + icmp


def decode(buf):
    """(type name, header fields, {tlv type: [values]}) or raises ValueError."""
    if len(buf) < 8:
        raise ValueError("short GENEVE header")
    b0, b1, proto, vni = struct.unpack_from("!BBHI", buf)
    if b0 >> 6 or not b1 & 0x80 or b1 & 0x40 or proto != GENEVE_P_CTL:
        raise ValueError("not a control frame")
    msg = buf[8 + (b0 & 0x3f) * 4:]
    if len(msg) < HDR.size:
        raise ValueError("short message")
    ver, typ, length, pcx, seq, ack, epoch = HDR.unpack_from(msg)
    if ver != 1 or length != len(msg) or typ not in TYPES:
        raise ValueError(f"bad header ver={ver} type={typ} length={length}/{len(msg)}")
    tlvs, off = {}, HDR.size
    while off < length:
        if off + 4 > length:
            raise ValueError("truncated TLV")
        t, n = struct.unpack_from("!HH", msg, off)
        end = off + 4 + n + (-n % 4)
        if end > length:
            raise ValueError("TLV overruns")
        tlvs.setdefault(t, []).append(msg[off + 4:off + 4 + n])
        off = end
    return TYPES[typ], dict(pcx=pcx, seq=seq, ack=ack, epoch=epoch), tlvs


def describe(typ, h, tlvs):
    words = [f"rx {typ}", f"pcx={h['pcx']:#x}", f"seq={h['seq']}", f"ack={h['ack']}",
             f"epoch={h['epoch']:#x}"]
    if T_NAME in tlvs:
        words.append("name=" + tlvs[T_NAME][0].decode(errors="replace"))
    if T_INNER_MTU in tlvs:
        words.append(f"inner_mtu={struct.unpack('!H', tlvs[T_INNER_MTU][0])[0]}")
    return " ".join(words)


def serve(a):
    host, port = addr_port(a.listen)
    peer = addr_port(a.peer)
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    s.bind((host, port))
    log = open(a.log, "a", buffering=1) if a.log else sys.stdout
    epoch = a.epoch or int.from_bytes(os.urandom(8), "big") | 1
    seq, next_hello = 0, 0.0
    print(f"ready epoch={epoch:#x}", file=log, flush=True)
    while True:
        now = time.monotonic()
        if a.hello_ms and now >= next_hello:
            seq += 1
            s.sendto(geneve() + hello(seq, epoch, a.name), peer)
            next_hello = now + a.hello_ms / 1000
        s.settimeout(max(0.05, next_hello - now) if a.hello_ms else None)
        try:
            buf, src = s.recvfrom(65535)
        except socket.timeout:
            continue
        try:
            typ, h, tlvs = decode(buf)
        except ValueError as e:
            print(f"rx bad {e}", file=log, flush=True)
            continue
        print(describe(typ, h, tlvs), file=log, flush=True)
        if typ == "HELLO":
            seq += 1
            s.sendto(geneve() + hello(seq, epoch, a.name), src)


def send(a):
    peer = addr_port(a.peer)
    s = socket.socket(family_of(peer[0]), socket.SOCK_DGRAM)
    s.bind((a.bind, 6081 if a.from_port is None else a.from_port))
    epoch = a.epoch or int.from_bytes(os.urandom(8), "big") | 1
    if a.ipv4:
        src, dst = a.ipv4.split(",")
        s.sendto(geneve(False, 0x0800, a.vni) + ipv4_echo(src, dst), peer)
        return
    s.sendto(geneve(bool(a.ctl_bit), int(a.proto, 16), a.vni) + hello(1, epoch, a.name), peer)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("--listen", required=True)
    sv.add_argument("--peer", required=True)
    sv.add_argument("--name", default="b")
    sv.add_argument("--epoch", type=lambda x: int(x, 0), default=0)
    sv.add_argument("--hello-ms", type=int, default=500)
    sv.add_argument("--log")
    sd = sub.add_parser("send")
    sd.add_argument("--bind", required=True)
    sd.add_argument("--from-port", type=int)
    sd.add_argument("--peer", required=True)
    sd.add_argument("--name", default="b")
    sd.add_argument("--epoch", type=lambda x: int(x, 0), default=0)
    sd.add_argument("--ctl-bit", type=int, default=1)
    sd.add_argument("--proto", default="88b5")
    sd.add_argument("--vni", type=int, default=0)
    sd.add_argument("--ipv4")
    a = p.parse_args()
    serve(a) if a.cmd == "serve" else send(a)


if __name__ == "__main__":
    main()

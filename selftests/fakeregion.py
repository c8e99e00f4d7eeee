#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A stand-in for another host's vpcpeer module, for the one-guest tests.

It speaks the inter-region control protocol (Documentation/inter-region.md,
"Wire format") from an implementation of its own, written from the
document and not from the module's code, so that the two check each
other. Python's standard library only.

Numbers may be given in decimal or with a 0x prefix.

  fakeregion.py serve --listen ADDR[:PORT] --peer ADDR[:PORT] --name NAME
                      [--epoch N] [--hello-ms MS] [--log FILE]
                      [--reply-echo VNI] [--cmd FIFO]
      answers every HELLO with its own (epoch N, or random), sends one
      every MS (0: never) to the peer, and logs "ready epoch=0x..." and
      then one line per datagram it receives (flushed at once):
        rx TYPE pcx=0x%08x seq=N ack=N epoch=0x%016x [TLVS]
            a control message that decodes by the document's rules. TLVS:
            one token per TLV present, in this order: name=S req_vpc=0x%08x
            req_name=S acc_vpc=0x%08x acc_name=S cidr=ADDR/PLEN (one per
            CIDR, in message order) expires=N code=N dns=N inner_mtu=N
            features=N vni=N, then tlvT=HEX for each TLV of unknown type T
            (in message order). A space or backslash in a name is written
            \\x20 or \\x5c.
        rx bad REASON
            what does not decode: REASON is the first rule broken, named as
            in the document's "What the decoder refuses" (SHORT, VERSION,
            LENGTH, TOO_LONG, TYPE, EPOCH, PCX_ID, ACK, TLV_TRUNC, TLV_PAD,
            TLV_DUP, TLV_LEN, STRING, CIDR_FAMILY, CIDR_RSVD, CIDR_COUNT,
            CIDR_PLEN, CIDR_HOST, VNI, CODE, FLAG, MISSING, CONFLICT) or, for
            the GENEVE header, GENEVE_SHORT, GENEVE_VERSION, GENEVE_CRITICAL,
            GENEVE_PROTO, GENEVE_VNI; for a data frame's inner packet,
            INNER_VERSION (not the GENEVE type's IP version) or INNER_SHORT
            (shorter than its IP header).
        rx DATA vni=N proto=0x0800|0x86dd src=A dst=B len=N
            [icmp=echo|reply id=N seq=N [csum=bad]]
            a data frame; len is the inner packet's length as carried; the
            icmp words for an ICMP or ICMPv6 echo request or reply
            (csum=bad: its IPv4 header or ICMP checksum is wrong).
      With --reply-echo VNI, an echo request (IPv4 or IPv6) in a data
      frame whose checksums are right is answered with its echo reply
      (addresses swapped, same id, seq and payload, checksums right) in a
      data frame on VNI, sent back to where the frame came from.
      With --cmd FIFO (a named pipe, kept open), serve also does the
      commands written to it, one a line:
        send ARGS       what "fakeregion.py send ARGS" sends (any of its
                        options but --bind and --from-port), from serve's
                        own socket to its --peer (or send's --peer), with
                        serve's epoch unless --epoch is given
        echo-vni VNI    from now on as --reply-echo VNI ("off": no replies)
      A command that fails is logged "cmd bad: LINE: WHY"; nothing else
      serve sends is logged.

  fakeregion.py send --bind ADDR --peer ADDR[:PORT] [--from-port P]
                     [--name NAME] [--epoch N] [--ctl-bit 0|1] [--proto HEX]
                     [--vni N] [--ipv4 SRC,DST | --ipv6 SRC,DST]
                     [--count K] [--interval-ms MS]
      sends one HELLO (or, with --ctl-bit/--proto/--vni, a HELLO behind a
      GENEVE header the module must refuse; with --ipv4 or --ipv6, a data
      frame of type 0x0800 or 0x86DD on VNI N carrying an ICMP or ICMPv6
      echo request from SRC to DST, id 1, checksums right) and exits.
      --epoch 0 (the default) is a random epoch. From port P (6081).
      --count K sends K of them (the echo's seq 1..K), MS apart (0).

  fakeregion.py send --type TYPE --bind ADDR --peer ADDR[:PORT]
                     [--from-port P] [--pcx N] [--seq N] [--ack N]
                     [--epoch N] [--name S] [--req-vpc N] [--req-name S]
                     [--acc-vpc N] [--acc-name S] [--cidr A/P]...
                     [--expires N] [--code N] [--dns N] [--inner-mtu N]
                     [--features N] [--vni N] [--tlv T:HEX]...
                     [--count K] [--pcx-step D] [--interval-ms MS]
                     [--ctl-bit 0|1] [--proto HEX]
      sends a control message of TYPE (HELLO, REQUEST, RESULT, ACCEPT,
      ACTIVATED, REJECT, DELETE, EXPIRE, UPDATE, ACK, or a number, valid
      or not) as it is told, checking nothing: the header's pcx, seq and
      ack are 0 unless given, its epoch random unless given (--epoch 0
      sends 0); each TLV option adds its TLV (--vni here is the VNI TLV,
      the GENEVE header's VNI is 0), in order of TLV type, the CIDRs in
      the order given, written as given (host bits, plen over the
      family's, anything), then the raw TLVs of --tlv (type T, value HEX)
      in the order given. --count K sends K, the pcx id D more at each
      (--pcx-step, default 0), MS apart.

  fakeregion.py fuzz --bind ADDR --peer ADDR[:PORT] [--from-port P]
                     [--epoch N] [--seed S] --count N [--pcx N...]
                     [--name S] [--interval-ms MS] [--log FILE]
      sends N control frames, the same ones for the same seed (and
      arguments): well-formed messages of every type with random valid
      TLVs ("valid"; pcx ids mostly from the --pcx list, seq small, epoch
      N, HELLO's name mostly S), such messages broken by one mutation
      ("mutated": a byte flipped outside the epoch, a truncation, a wrong
      length field, non-zero padding, a TLV length off by one, CIDRs with
      host bits set, a bad family, reserved bits, a plen too long or too
      many, a duplicate TLV, version 2, epoch 0, an unknown TLV type
      (which a receiver skips), a bad type, pcx id, ack, string, VNI,
      code or flag, a missing or conflicting TLV, over 1400 bytes, or a
      bad GENEVE header), and random bytes ("random"). Prints
      "fuzz: sent N (valid V, mutated M, random R)". --log FILE writes one
      line per frame, "N KIND WHAT -> ok TYPE|bad REASON" (this decoder's
      verdict, as serve would log it) and a last line
      "verdicts: ok A, bad B".
"""
import argparse
import os
import random
import select
import shlex
import socket
import struct
import sys
import time

GENEVE_P_CTL = 0x88B5
GENEVE_P_IPV4, GENEVE_P_IPV6 = 0x0800, 0x86DD
HDR = struct.Struct("!BBHIIIQ")         # version type length pcx seq ack epoch
MAX_LEN = 1400
MAX_CIDRS = 50
TYPES = {1: "HELLO", 2: "REQUEST", 3: "RESULT", 4: "ACCEPT", 5: "ACTIVATED",
         6: "REJECT", 7: "DELETE", 8: "EXPIRE", 9: "UPDATE", 10: "ACK"}
TYPE_NO = {v: k for k, v in TYPES.items()}
HELLO, REQUEST, ACK = 1, 2, 10
(T_NAME, T_REQ_VPC_ID, T_REQ_VPC_NAME, T_ACC_VPC_ID, T_ACC_VPC_NAME, T_CIDR,
 T_EXPIRES, T_CODE, T_ALLOW_DNS, T_INNER_MTU, T_FEATURES, T_VNI) = range(1, 13)
# TLV type: (log word, struct format of a number or None, name length limit)
TLVS = {T_NAME: ("name", None, 15), T_REQ_VPC_ID: ("req_vpc", "!I", 0),
        T_REQ_VPC_NAME: ("req_name", None, 63), T_ACC_VPC_ID: ("acc_vpc", "!I", 0),
        T_ACC_VPC_NAME: ("acc_name", None, 63), T_CIDR: ("cidr", None, 0),
        T_EXPIRES: ("expires", "!Q", 0), T_CODE: ("code", "!B", 0),
        T_ALLOW_DNS: ("dns", "!B", 0), T_INNER_MTU: ("inner_mtu", "!H", 0),
        T_FEATURES: ("features", "!I", 0), T_VNI: ("vni", "!I", 0)}
STRINGS = (T_NAME, T_REQ_VPC_NAME, T_ACC_VPC_NAME)
# Message type: (required TLVs, optional TLVs); REQUEST's accepter (exactly
# one of ACC_VPC_ID and ACC_VPC_NAME) is checked on its own.
USES = {1: ((T_NAME,), (T_INNER_MTU, T_FEATURES)),
        2: ((T_REQ_VPC_ID, T_EXPIRES, T_VNI, T_CIDR), (T_REQ_VPC_NAME,)),
        3: ((T_CODE,), (T_ACC_VPC_ID, T_ACC_VPC_NAME)),
        4: ((T_VNI, T_CIDR), (T_ALLOW_DNS,)),
        5: ((T_CODE,), ()), 6: ((), ()), 7: ((), ()), 8: ((), ()),
        9: ((T_CIDR,), (T_ALLOW_DNS,)), 10: ((), ())}


def num(s):
    """An integer in decimal (leading zeros too) or with a 0x/0o/0b prefix."""
    try:
        return int(s, 0)
    except ValueError:
        return int(s, 10)


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


def random_epoch():
    return int.from_bytes(os.urandom(8), "big") | 1


# --- encoding -----------------------------------------------------------------

def tlv(t, value, length=None, pad=None):
    """A TLV: its len field LENGTH (default: the value's), then the value and
    its padding (default: zeros to a multiple of 4)."""
    if pad is None:
        pad = b"\0" * ((-len(value)) % 4)
    return struct.pack("!HH", t, len(value) if length is None else length) + value + pad


def geneve(ctl=True, proto=GENEVE_P_CTL, vni=0, options=b""):
    return struct.pack("!BBHI", len(options) // 4, 0x80 if ctl else 0, proto, vni << 8) \
        + options


def ctl_msg(typ, pcx, seq, ack, epoch, body, version=1, length=None):
    """A control message: the 24-byte header and BODY (the TLVs, encoded)."""
    if length is None:
        length = HDR.size + len(body)
    return HDR.pack(version, typ, length, pcx, seq, ack, epoch) + body


def hello(seq, epoch, name, inner_mtu=8884):
    body = tlv(T_NAME, name.encode()) + tlv(T_INNER_MTU, struct.pack("!H", inner_mtu)) \
        + tlv(T_FEATURES, struct.pack("!I", 0))
    return ctl_msg(1, 0, seq, 0, epoch, body)


def cidr_value(text):
    """A CIDR TLV's value from "ADDR/PLEN", as given: no check of plen or
    host bits."""
    addr, _, plen = text.partition("/")
    fam = 6 if ":" in addr else 4
    raw = socket.inet_pton(socket.AF_INET6 if fam == 6 else socket.AF_INET, addr)
    plen = num(plen) if plen else 32 if fam == 4 else 128
    return struct.pack("!BBH", fam, plen, 0) + raw


# --- inner packets ------------------------------------------------------------

def inet_csum(b):
    b += b"\0" * (len(b) % 2)
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


def with_csum(b, at, csum):
    return b[:at] + struct.pack("!H", csum) + b[at + 2:]


def ipv4_packet(src, dst, icmp, ident=1):
    """An IPv4 packet of protocol ICMP from SRC to DST (raw 4-byte addresses)
    around ICMP, its header checksum right."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), ident, 0, 64, 1, 0, src, dst)
    return with_csum(hdr, 10, inet_csum(hdr)) + icmp


def icmp6_csum(src, dst, icmp):
    return inet_csum(src + dst + struct.pack("!I3xB", len(icmp), 58) + icmp)


def ipv6_packet(src, dst, icmp):
    """An IPv6 packet of next header ICMPv6 from SRC to DST (raw 16-byte
    addresses) around ICMP, whose checksum it fills in."""
    icmp = with_csum(icmp, 2, icmp6_csum(src, dst, with_csum(icmp, 2, 0)))
    return struct.pack("!IHBB16s16s", 0x60000000, len(icmp), 58, 64, src, dst) + icmp


def ipv4_echo(src, dst, seq=1):
    """An ICMP echo request from SRC to DST, checksums right."""
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, seq) + b"vpcpeer"
    icmp = with_csum(icmp, 2, inet_csum(icmp))
    return ipv4_packet(socket.inet_aton(src), socket.inet_aton(dst), icmp)


def ipv6_echo(src, dst, seq=1):
    """An ICMPv6 echo request from SRC to DST, checksum right."""
    icmp = struct.pack("!BBHHH", 128, 0, 0, 1, seq) + b"vpcpeer"
    return ipv6_packet(socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst), icmp)


class Bad(Exception):
    """What does not decode; its argument is the first rule broken."""


def inner_info(proto, pkt):
    """(src, dst, echo) of an inner packet: echo is None, or (kind, id, seq,
    checksums_right, reply) for an ICMP(v6) echo request ("echo") or reply
    ("reply"), reply the echo reply to a request. Raises Bad."""
    if not pkt or pkt[0] >> 4 != (4 if proto == GENEVE_P_IPV4 else 6):
        raise Bad("INNER_VERSION")
    if proto == GENEVE_P_IPV4:
        ihl = (pkt[0] & 0xf) * 4
        if ihl < 20 or len(pkt) < ihl:
            raise Bad("INNER_SHORT")
        total, ident, frag, p = struct.unpack_from("!2xHHH1xB", pkt)
        src, dst = pkt[12:16], pkt[16:20]
        text = socket.inet_ntop(socket.AF_INET, src), socket.inet_ntop(socket.AF_INET, dst)
        icmp = pkt[ihl:min(total, len(pkt))]
        if p != 1 or frag & 0x3fff or len(icmp) < 8 or icmp[0] not in (8, 0):
            return text + (None,)
        ok = inet_csum(pkt[:ihl]) == 0 and inet_csum(icmp) == 0 and total <= len(pkt)
        reply = None
        if icmp[0] == 8:
            r = b"\0\0\0\0" + icmp[4:]
            r = with_csum(r, 2, inet_csum(r))
            reply = ipv4_packet(dst, src, r, ident)
        kind = "echo" if icmp[0] == 8 else "reply"
    else:
        if len(pkt) < 40:
            raise Bad("INNER_SHORT")
        plen, nh = struct.unpack_from("!4xHB", pkt)
        src, dst = pkt[8:24], pkt[24:40]
        text = socket.inet_ntop(socket.AF_INET6, src), socket.inet_ntop(socket.AF_INET6, dst)
        icmp = pkt[40:40 + plen]
        if nh != 58 or len(icmp) < 8 or icmp[0] not in (128, 129):
            return text + (None,)
        ok = icmp6_csum(src, dst, icmp) == 0 and 40 + plen <= len(pkt)
        reply = ipv6_packet(dst, src, bytes([129, 0, 0, 0]) + icmp[4:]) \
            if icmp[0] == 128 else None
        kind = "echo" if icmp[0] == 128 else "reply"
    ident, seq = struct.unpack_from("!HH", icmp, 4)
    return text + ((kind, ident, seq, ok, reply),)


# --- decoding -----------------------------------------------------------------

def parse_geneve(buf):
    """(control?, protocol type, VNI, payload) of a GENEVE frame, checked as
    vpcpeer_geneve_parse() is documented to. Raises Bad."""
    if len(buf) < 8:
        raise Bad("GENEVE_SHORT")
    b0, b1, proto, vni = struct.unpack_from("!BBHI", buf)
    if b0 >> 6:
        raise Bad("GENEVE_VERSION")
    start = 8 + (b0 & 0x3f) * 4
    if len(buf) < start:
        raise Bad("GENEVE_SHORT")
    if b1 & 0x40:
        raise Bad("GENEVE_CRITICAL")
    ctl = bool(b1 & 0x80)
    if (ctl and proto != GENEVE_P_CTL) or \
            (not ctl and proto not in (GENEVE_P_IPV4, GENEVE_P_IPV6)):
        raise Bad("GENEVE_PROTO")
    if ctl and vni >> 8:
        raise Bad("GENEVE_VNI")
    return ctl, proto, vni >> 8, buf[start:]


def check_tlv(t, v, ncidrs):
    """Checks a known TLV's value (the rules after TLV_DUP, in the document's
    order) and returns it decoded: an int, a str or (family, plen, addr)."""
    word, fmt, maxlen = TLVS[t]
    if t in STRINGS:
        if not 1 <= len(v) <= maxlen:
            raise Bad("TLV_LEN")
        if any(c < 0x20 or c > 0x7e for c in v):
            raise Bad("STRING")
        return v.decode("ascii")
    if t == T_CIDR:
        if len(v) not in (8, 20) or (v[0] == 4 and len(v) != 8) or (v[0] == 6 and len(v) != 20):
            raise Bad("TLV_LEN")
        fam, plen, rsvd = struct.unpack_from("!BBH", v)
        if fam not in (4, 6):
            raise Bad("CIDR_FAMILY")
        if rsvd:
            raise Bad("CIDR_RSVD")
        if ncidrs >= MAX_CIDRS:
            raise Bad("CIDR_COUNT")
        bits = 32 if fam == 4 else 128
        if plen > bits:
            raise Bad("CIDR_PLEN")
        if int.from_bytes(v[4:], "big") & ((1 << (bits - plen)) - 1):
            raise Bad("CIDR_HOST")
        return fam, plen, v[4:]
    if len(v) != struct.calcsize(fmt):
        raise Bad("TLV_LEN")
    n = struct.unpack(fmt, v)[0]
    if t == T_VNI and not 1 <= n <= 0xFFFFFF:
        raise Bad("VNI")
    if t == T_CODE and n > 7:
        raise Bad("CODE")
    if t == T_ALLOW_DNS and n > 1:
        raise Bad("FLAG")
    return n


def decode_ctl(msg):
    """A control message (the GENEVE payload), decoded by the document's
    rules in their order: (type, pcx, seq, ack, epoch, {TLV type: value;
    T_CIDR: [values]}, [(unknown type, value)]). Raises Bad."""
    if len(msg) < HDR.size:
        raise Bad("SHORT")
    ver, typ, length, pcx, seq, ack, epoch = HDR.unpack_from(msg)
    if ver != 1:
        raise Bad("VERSION")
    if length != len(msg):
        raise Bad("LENGTH")
    if length > MAX_LEN:
        raise Bad("TOO_LONG")
    if typ not in TYPES:
        raise Bad("TYPE")
    if epoch == 0:
        raise Bad("EPOCH")
    if (pcx == 0) != (typ == HELLO):
        raise Bad("PCX_ID")
    if ack and typ != ACK:
        raise Bad("ACK")
    got, unknown, off = {T_CIDR: []}, [], HDR.size
    while off < length:
        if off + 4 > length:
            raise Bad("TLV_TRUNC")
        t, n = struct.unpack_from("!HH", msg, off)
        end = off + 4 + n + (-n % 4)
        if end > length:
            raise Bad("TLV_TRUNC")
        v = msg[off + 4:off + 4 + n]
        if any(msg[off + 4 + n:end]):
            raise Bad("TLV_PAD")
        off = end
        if t not in TLVS:
            unknown.append((t, v))
            continue
        if t != T_CIDR and t in got:
            raise Bad("TLV_DUP")
        value = check_tlv(t, v, len(got[T_CIDR]))
        if t == T_CIDR:
            got[T_CIDR].append(value)
        else:
            got[t] = value
    need, _ = USES[typ]
    if any(not got[t] if t == T_CIDR else t not in got for t in need) or \
            (typ == REQUEST and T_ACC_VPC_ID not in got and T_ACC_VPC_NAME not in got):
        raise Bad("MISSING")
    if typ == REQUEST and T_ACC_VPC_ID in got and T_ACC_VPC_NAME in got:
        raise Bad("CONFLICT")
    return typ, pcx, seq, ack, epoch, got, unknown


def word(s):
    return s.replace("\\", "\\x5c").replace(" ", "\\x20")


def describe_ctl(typ, pcx, seq, ack, epoch, got, unknown):
    words = [f"rx {TYPES[typ]} pcx=0x{pcx:08x} seq={seq} ack={ack} epoch=0x{epoch:016x}"]
    for t, (name, fmt, _) in TLVS.items():
        if t == T_CIDR:
            for fam, plen, addr in got[T_CIDR]:
                af = socket.AF_INET if fam == 4 else socket.AF_INET6
                words.append(f"cidr={socket.inet_ntop(af, addr)}/{plen}")
        elif t in got:
            v = got[t]
            words.append(f"{name}={word(v)}" if t in STRINGS else
                         f"{name}=0x{v:08x}" if t in (T_REQ_VPC_ID, T_ACC_VPC_ID) else
                         f"{name}={v}")
    words += [f"tlv{t}={v.hex()}" for t, v in unknown]
    return " ".join(words)


def describe_data(proto, vni, pkt, info):
    src, dst, echo = info
    line = f"rx DATA vni={vni} proto=0x{proto:04x} src={src} dst={dst} len={len(pkt)}"
    if echo:
        kind, ident, seq, ok, _ = echo
        line += f" icmp={kind} id={ident} seq={seq}" + ("" if ok else " csum=bad")
    return line


def verdict(frame):
    """What serve makes of a received FRAME: (log line, data echo or None)."""
    try:
        ctl, proto, vni, payload = parse_geneve(frame)
        if ctl:
            return describe_ctl(*decode_ctl(payload)), None
        info = inner_info(proto, payload)
        return describe_data(proto, vni, payload, info), info[2]
    except Bad as e:
        return f"rx bad {e.args[0]}", None


# --- serve ----------------------------------------------------------------------

class CmdParser(argparse.ArgumentParser):
    """A parser of serve's commands: errors raise ValueError, not exit."""

    def error(self, message):
        raise ValueError(message)


def command(line, s, peer, epoch, state):
    """Does one line of serve's --cmd FIFO; raises ValueError."""
    words = shlex.split(line)
    if not words:
        return
    if words[0] == "send":
        p = CmdParser(prog="send", add_help=False)
        add_send_args(p, standalone=False)
        a = p.parse_args(words[1:])
        send_all(s, frames_of(a, epoch), addr_port(a.peer) if a.peer else peer, a.interval_ms)
    elif words[0] == "echo-vni" and len(words) == 2:
        state["reply_echo"] = None if words[1] == "off" else num(words[1])
    else:
        raise ValueError("unknown command")


def serve(a):
    host, port = addr_port(a.listen)
    peer = addr_port(a.peer)
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    s.bind((host, port))
    log = open(a.log, "a", buffering=1) if a.log else sys.stdout
    # Read and write, so that the FIFO never reads end of file between writers.
    cmd = os.open(a.cmd, os.O_RDWR | os.O_NONBLOCK) if a.cmd else None
    pending = b""
    state = {"reply_echo": a.reply_echo}
    epoch = a.epoch or random_epoch()
    seq, next_hello = 0, 0.0
    print(f"ready epoch={epoch:#x}", file=log, flush=True)
    while True:
        now = time.monotonic()
        if a.hello_ms and now >= next_hello:
            seq += 1
            s.sendto(geneve() + hello(seq, epoch, a.name), peer)
            next_hello = now + a.hello_ms / 1000
        ready, _, _ = select.select([s] + ([cmd] if cmd is not None else []), [], [],
                                    max(0.05, next_hello - now) if a.hello_ms else None)
        if cmd in ready:
            try:
                pending += os.read(cmd, 65536)
            except BlockingIOError:
                pass
            *lines, pending = pending.split(b"\n")
            for line in lines:
                try:
                    command(line.decode(errors="replace"), s, peer, epoch, state)
                except (ValueError, struct.error, OSError) as e:
                    print(f"cmd bad: {line.decode(errors='replace')}: {e}", file=log, flush=True)
        if s not in ready:
            continue
        buf, src = s.recvfrom(65535)
        line, echo = verdict(buf)
        print(line, file=log, flush=True)
        if line.startswith("rx HELLO "):
            seq += 1
            s.sendto(geneve() + hello(seq, epoch, a.name), src)
        elif echo and state["reply_echo"] is not None and echo[0] == "echo" and echo[3]:
            proto = GENEVE_P_IPV4 if echo[4][0] >> 4 == 4 else GENEVE_P_IPV6
            s.sendto(geneve(False, proto, state["reply_echo"]) + echo[4], src)


# --- send -----------------------------------------------------------------------

def tlvs_of(a):
    """The TLVs send's options ask for, encoded, in order of TLV type."""
    out = []
    for t, opt in ((T_NAME, a.name), (T_REQ_VPC_ID, a.req_vpc), (T_REQ_VPC_NAME, a.req_name),
                   (T_ACC_VPC_ID, a.acc_vpc), (T_ACC_VPC_NAME, a.acc_name)):
        if opt is not None:
            out.append(tlv(t, opt.encode() if t in STRINGS else struct.pack("!I", opt)))
    out += [tlv(T_CIDR, cidr_value(c)) for c in a.cidr]
    for t, opt in ((T_EXPIRES, a.expires), (T_CODE, a.code), (T_ALLOW_DNS, a.dns),
                   (T_INNER_MTU, a.inner_mtu), (T_FEATURES, a.features), (T_VNI, a.vni)):
        if opt is not None:
            out.append(tlv(t, struct.pack(TLVS[t][1], opt)))
    for raw in a.tlv:
        t, _, value = raw.partition(":")
        out.append(tlv(num(t), bytes.fromhex(value)))
    return b"".join(out)


def frames_of(a, epoch):
    """The frames send's options A ask for; EPOCH is the epoch when --epoch
    is not given (and, without --type, when it is 0)."""
    if a.type is not None and (a.ipv4 or a.ipv6):
        raise ValueError("--type and --ipv4/--ipv6 exclude each other")
    if a.ipv4 and a.ipv6:
        raise ValueError("--ipv4 and --ipv6 exclude each other")
    if a.type is not None:
        typ = TYPE_NO.get(a.type.upper())
        typ = num(a.type) if typ is None else typ
        epoch = epoch if a.epoch is None else a.epoch
        hdr, body = geneve(bool(a.ctl_bit), int(a.proto, 16)), tlvs_of(a)
        return [hdr + ctl_msg(typ, a.pcx if not i else (a.pcx + i * a.pcx_step) & 0xffffffff,
                              a.seq, a.ack, epoch, body) for i in range(a.count)]
    if a.ipv4 or a.ipv6:
        src, dst = (a.ipv4 or a.ipv6).split(",")
        proto, echo = (GENEVE_P_IPV4, ipv4_echo) if a.ipv4 else (GENEVE_P_IPV6, ipv6_echo)
        return [geneve(False, proto, a.vni or 0) + echo(src, dst, i + 1) for i in range(a.count)]
    return [geneve(bool(a.ctl_bit), int(a.proto, 16), a.vni or 0)
            + hello(1, a.epoch or epoch, "b" if a.name is None else a.name)] * a.count


def send_all(s, frames, peer, interval_ms):
    for i, f in enumerate(frames):
        if i and interval_ms:
            time.sleep(interval_ms / 1000)
        s.sendto(f, peer)


def send(a):
    peer = addr_port(a.peer)
    frames = frames_of(a, random_epoch())
    s = socket.socket(family_of(peer[0]), socket.SOCK_DGRAM)
    s.bind((a.bind, 6081 if a.from_port is None else a.from_port))
    send_all(s, frames, peer, a.interval_ms)


# --- fuzz -----------------------------------------------------------------------

PRINTABLE = bytes(range(0x20, 0x7f))


class Msg:
    """A control message being built: header fields and [tlv type, value,
    len field or None, padding or None] in message order."""

    def __init__(self, typ, pcx, seq, ack, epoch, tlvs):
        self.version, self.typ, self.pcx = 1, typ, pcx
        self.seq, self.ack, self.epoch = seq, ack, epoch
        self.tlvs, self.length = [[t, v, None, None] for t, v in tlvs], None

    def encode(self):
        body = b"".join(tlv(t, v, n, p) for t, v, n, p in self.tlvs)
        return ctl_msg(self.typ, self.pcx, self.seq, self.ack, self.epoch, body,
                       self.version, self.length)

    def index(self, types):
        return [i for i, x in enumerate(self.tlvs) if x[0] in types]


class Fuzzer:
    def __init__(self, a):
        self.r, self.a = random.Random(a.seed), a

    def string(self, maxlen):
        return bytes(self.r.choice(PRINTABLE) for _ in range(self.r.randint(1, maxlen)))

    def cidr(self, fam=None):
        r = self.r
        fam = fam or r.choice((4, 6))
        bits = 32 if fam == 4 else 128
        plen = r.choice((0, bits, r.randint(0, bits), r.randint(8, 24 if fam == 4 else 64)))
        addr = r.getrandbits(bits) & ~((1 << (bits - plen)) - 1)
        return struct.pack("!BBH", fam, plen, 0) + addr.to_bytes(bits // 8, "big")

    def value(self, t):
        """A valid value of a known TLV."""
        r = self.r
        if t == T_NAME:
            return self.a.name.encode() if r.random() < 0.7 else self.string(15)
        if t in (T_REQ_VPC_NAME, T_ACC_VPC_NAME):
            return self.string(63)
        if t == T_CIDR:
            return self.cidr()
        n = {T_REQ_VPC_ID: lambda: r.getrandbits(32),
             T_ACC_VPC_ID: lambda: r.getrandbits(32),
             T_EXPIRES: lambda: r.choice((0, 1700000000 + r.randint(0, 10 ** 8),
                                          r.getrandbits(64))),
             T_CODE: lambda: r.randint(0, 7), T_ALLOW_DNS: lambda: r.randint(0, 1),
             T_INNER_MTU: lambda: r.choice((1280, 8500, 8884, r.getrandbits(16))),
             T_FEATURES: lambda: r.choice((0, r.getrandbits(32))),
             T_VNI: lambda: r.randint(1, 0xFFFFFF)}[t]()
        return struct.pack(TLVS[t][1], n)

    def valid(self, typ=None):
        """A well-formed message of a random type (or TYPE)."""
        r, a = self.r, self.a
        typ = typ or r.randint(1, 10)
        if typ == HELLO:
            pcx = 0
        elif a.pcx and r.random() < 0.8:
            pcx = r.choice(a.pcx)
        else:
            pcx = r.randint(1, 0xffffffff)
        need, maybe = USES[typ]
        types = list(need) + [t for t in maybe if r.random() < 0.5]
        if typ == REQUEST:
            types.append(r.choice((T_ACC_VPC_ID, T_ACC_VPC_NAME)))
        elif r.random() < 0.1:          # a known TLV the type does not use
            types.append(r.choice([t for t in TLVS if t not in need + maybe]))
        tlvs = []
        for t in sorted(set(types)):
            k = r.choice((1, 1, 2, r.randint(1, 8))) if t == T_CIDR else 1
            tlvs += [(t, self.value(t)) for _ in range(k)]
        if r.random() < 0.2:
            r.shuffle(tlvs)
        return Msg(typ, pcx, r.randint(0, 20), r.randint(0, 20) if typ == ACK else 0,
                   a.epoch, tlvs)

    def tlv_of(self, m, t, make=None):
        """The index of a TLV of type T in M, appending one if there is none."""
        found = m.index((t,))
        if found:
            return self.r.choice(found)
        m.tlvs.append([t, make() if make else self.value(t), None, None])
        return len(m.tlvs) - 1

    def mutated(self):
        """(what, frame): a well-formed message broken by one mutation."""
        r = self.r
        what = r.choice(("flip", "truncate", "length", "pad", "tlv_len", "cidr_host",
                         "cidr_family", "dup", "version", "epoch0", "unknown_tlv",
                         "type", "pcx", "ack", "string", "vni", "code", "flag", "missing",
                         "conflict", "cidr_rsvd", "cidr_plen", "cidr_count", "too_long",
                         "geneve"))
        m = self.valid(REQUEST if what == "conflict" else
                       r.choice([t for t in USES if USES[t][0]]) if what == "missing" else
                       r.choice((2, 3)) if what == "string" else None)
        hdr = geneve()
        if what == "flip":
            b = bytearray(m.encode())
            i = r.choice([i for i in range(len(b)) if not 16 <= i < 24])
            b[i] ^= r.randint(1, 255)
            return what, hdr + bytes(b)
        if what == "truncate":
            b = m.encode()
            return what, hdr + b[:r.randint(0, len(b) - 1)]
        if what == "length":
            n = len(m.encode())
            m.length = r.choice([x for x in (0, 23, 24, n - 4, n - 1, n + 1, n + 4,
                                             r.getrandbits(16)) if x != n and 0 <= x < 65536])
        elif what == "pad":
            odd = [i for i in range(len(m.tlvs)) if len(m.tlvs[i][1]) % 4]
            if not odd:
                m.tlvs.append([r.randint(13, 0xffff),
                               bytes(r.getrandbits(8) for _ in range(r.randint(1, 3))),
                               None, None])
                odd = [len(m.tlvs) - 1]
            x = m.tlvs[r.choice(odd)]
            pad = bytearray((-len(x[1])) % 4)
            pad[r.randrange(len(pad))] = r.randint(1, 255)
            x[3] = bytes(pad)
        elif what == "tlv_len":
            if not m.tlvs:
                m.tlvs.append([T_FEATURES, self.value(T_FEATURES), None, None])
            x = r.choice(m.tlvs)
            x[2] = len(x[1]) + r.choice((-1, 1)) if x[1] else 1
        elif what == "cidr_host":
            x = m.tlvs[self.tlv_of(m, T_CIDR)]
            fam = x[1][0]
            bits = 32 if fam == 4 else 128
            plen = r.randint(0, bits - 1)
            addr = int.from_bytes(x[1][4:], "big") | (1 << r.randint(0, bits - plen - 1))
            x[1] = struct.pack("!BBH", fam, plen, 0) + addr.to_bytes(bits // 8, "big")
        elif what == "cidr_family":
            x = m.tlvs[self.tlv_of(m, T_CIDR)]
            x[1] = bytes([r.choice((0, 1, 2, 5, 10, 255))]) + x[1][1:]
        elif what == "cidr_rsvd":
            x = m.tlvs[self.tlv_of(m, T_CIDR)]
            x[1] = x[1][:2] + struct.pack("!H", r.randint(1, 0xffff)) + x[1][4:]
        elif what == "cidr_plen":
            x = m.tlvs[self.tlv_of(m, T_CIDR)]
            x[1] = x[1][:1] + bytes([r.randint((32 if x[1][0] == 4 else 128) + 1, 255)]) + x[1][2:]
        elif what == "cidr_count":
            self.tlv_of(m, T_CIDR)
            m.tlvs += [[T_CIDR, self.cidr(4), None, None] for _ in range(MAX_CIDRS + 1)]
        elif what == "dup":
            single = [x for x in m.tlvs if x[0] != T_CIDR] or \
                [m.tlvs[self.tlv_of(m, T_FEATURES)]]
            x = r.choice(single)
            dup = [x[0], x[1] if r.random() < 0.5 else self.value(x[0]), None, None]
            m.tlvs.insert(r.randint(m.tlvs.index(x) + 1, len(m.tlvs)), dup)
        elif what == "version":
            m.version = r.choice((0, 2, 2, 255))
        elif what == "epoch0":
            m.epoch = 0
        elif what == "unknown_tlv":
            t = r.choice((0, 13, r.randint(13, 0xffff)))
            m.tlvs.insert(r.randint(0, len(m.tlvs)),
                          [t, bytes(r.getrandbits(8) for _ in range(r.randint(0, 40))), None, None])
        elif what == "type":
            m.typ = r.choice((0, 11, r.randint(11, 255)))
        elif what == "pcx":
            m.pcx = r.randint(1, 0xffffffff) if m.typ == HELLO else 0
        elif what == "ack":
            if m.typ == ACK:
                m.typ = r.randint(2, 9)
            m.ack = r.randint(1, 0xffffffff)
        elif what == "string":
            x = m.tlvs[self.tlv_of(m, T_ACC_VPC_NAME if m.typ == 3 else T_REQ_VPC_NAME)]
            b = bytearray(x[1])
            b[r.randrange(len(b))] = r.choice((0, 0x1f, 0x7f, 0x80, 0xff))
            x[1] = bytes(b)
        elif what == "vni":
            x = m.tlvs[self.tlv_of(m, T_VNI)]
            x[1] = struct.pack("!I", r.choice((0, 0x1000000, r.randint(0x1000000, 0xffffffff))))
        elif what == "code":
            x = m.tlvs[self.tlv_of(m, T_CODE)]
            x[1] = bytes([r.randint(8, 255)])
        elif what == "flag":
            x = m.tlvs[self.tlv_of(m, T_ALLOW_DNS)]
            x[1] = bytes([r.randint(2, 255)])
        elif what == "missing":
            need = USES[m.typ][0] + (tuple(x[0] for x in m.tlvs if x[0] in
                                           (T_ACC_VPC_ID, T_ACC_VPC_NAME))
                                     if m.typ == REQUEST else ())
            t = r.choice(need)
            m.tlvs = [x for x in m.tlvs if x[0] != t]
        elif what == "conflict":
            self.tlv_of(m, T_ACC_VPC_ID)
            self.tlv_of(m, T_ACC_VPC_NAME)
        elif what == "too_long":
            room = MAX_LEN + 1 - len(m.encode()) - 4
            n = r.randint(room, room + 200)
            m.tlvs.append([r.randint(13, 0xffff), bytes(n), None, None])
        elif what == "geneve":
            hdr = bytearray(hdr)
            how = r.choice(("version", "critical", "proto", "vni", "optlen", "data"))
            if how == "version":
                hdr[0] |= r.randint(1, 3) << 6
            elif how == "critical":
                hdr[1] |= 0x40
            elif how == "proto":
                hdr[2:4] = struct.pack("!H", r.choice((0x0800, 0x86dd, 0x88b6, 0)))
            elif how == "vni":
                hdr[4:7] = r.randint(1, 0xffffff).to_bytes(3, "big")
            elif how == "optlen":
                hdr[0] = 63
            else:
                hdr[1] = 0
            what = "geneve_" + how
            hdr = bytes(hdr)
        return what, hdr + m.encode()

    def random(self):
        """(what, frame): random bytes after a control header, sometimes
        under a plausible message header."""
        r = self.r
        body = bytes(r.getrandbits(8) for _ in range(r.choice((0, 8, 23, r.randint(0, 300)))))
        if r.random() < 0.5:
            body = ctl_msg(r.randint(1, 10), r.getrandbits(32), r.randint(0, 20), 0,
                           self.a.epoch, body[:(len(body) // 4) * 4])
            return "random_tlvs", geneve() + body
        return "random", geneve() + body

    def frame(self):
        """(kind, what, frame)."""
        r = self.r.random()
        if r < 0.35:
            m = self.valid()
            if self.r.random() < 0.05:          # GENEVE options, skipped
                opts = bytes(self.r.getrandbits(8) for _ in range(4 * self.r.randint(1, 4)))
                return "valid", TYPES[m.typ] + "+options", geneve(options=opts) + m.encode()
            return "valid", TYPES[m.typ], geneve() + m.encode()
        if r < 0.85:
            return ("mutated",) + self.mutated()
        return ("random",) + self.random()


def fuzz(a):
    peer = addr_port(a.peer)
    s = socket.socket(family_of(peer[0]), socket.SOCK_DGRAM)
    s.bind((a.bind, a.from_port))
    a.epoch = a.epoch or 1
    f = Fuzzer(a)
    log = open(a.log, "w", buffering=1) if a.log else None
    kinds, ok = {"valid": 0, "mutated": 0, "random": 0}, 0
    for i in range(a.count):
        kind, what, frame = f.frame()
        kinds[kind] += 1
        line = verdict(frame)[0]
        ok += not line.startswith("rx bad ")
        if log:
            print(f"{i} {kind} {what} -> "
                  + (f"ok {line.split()[1]}" if not line.startswith("rx bad ") else line[3:]),
                  file=log)
        if i and a.interval_ms:
            time.sleep(a.interval_ms / 1000)
        s.sendto(frame, peer)
    if log:
        print(f"verdicts: ok {ok}, bad {a.count - ok}", file=log)
        log.close()
    print(f"fuzz: sent {a.count} (valid {kinds['valid']}, mutated {kinds['mutated']}, "
          f"random {kinds['random']})")


# --- command line -----------------------------------------------------------------

def add_send_args(p, standalone):
    """send's options; not STANDALONE (a command of serve's), no --bind,
    --from-port, and --peer is optional."""
    if standalone:
        p.add_argument("--bind", required=True, metavar="ADDR", help="send from this address")
        p.add_argument("--from-port", type=int, metavar="P", help="and this port (6081)")
    p.add_argument("--peer", required=standalone, metavar="ADDR[:PORT]",
                   help="send here (port 6081)")
    p.add_argument("--epoch", type=num,
                   help="the epoch (default random; without --type 0 is random too)")
    p.add_argument("--ctl-bit", type=int, default=1, help="the GENEVE O bit (1)")
    p.add_argument("--proto", default="88b5", metavar="HEX",
                   help="the GENEVE protocol type (88b5)")
    p.add_argument("--vni", type=num,
                   help="the GENEVE VNI (0); with --type, a VNI TLV")
    p.add_argument("--ipv4", metavar="SRC,DST", help="a data frame: ICMP echo SRC -> DST")
    p.add_argument("--ipv6", metavar="SRC,DST", help="a data frame: ICMPv6 echo SRC -> DST")
    p.add_argument("--count", type=int, default=1, metavar="K", help="send K (1)")
    p.add_argument("--interval-ms", type=int, default=0, metavar="MS",
                   help="MS between them (0)")
    g = p.add_argument_group("control messages (--type)")
    g.add_argument("--type", metavar="TYPE",
                   help="HELLO, REQUEST, RESULT, ACCEPT, ACTIVATED, REJECT, DELETE, EXPIRE, "
                   "UPDATE, ACK or a number")
    g.add_argument("--pcx", type=num, default=0, help="the header's pcx_id (0)")
    g.add_argument("--pcx-step", type=num, default=0, metavar="D",
                   help="the pcx_id grows by D for each of --count (0)")
    g.add_argument("--seq", type=num, default=0, help="the header's seq (0)")
    g.add_argument("--ack", type=num, default=0, help="the header's ack (0)")
    g.add_argument("--name", help="a NAME TLV (without --type: the HELLO's name, b)")
    g.add_argument("--req-vpc", type=num, metavar="N", help="a REQ_VPC_ID TLV")
    g.add_argument("--req-name", metavar="S", help="a REQ_VPC_NAME TLV")
    g.add_argument("--acc-vpc", type=num, metavar="N", help="an ACC_VPC_ID TLV")
    g.add_argument("--acc-name", metavar="S", help="an ACC_VPC_NAME TLV")
    g.add_argument("--cidr", action="append", default=[], metavar="A/P",
                   help="a CIDR TLV, repeatable, written as given")
    g.add_argument("--expires", type=num, metavar="N", help="an EXPIRES TLV")
    g.add_argument("--code", type=num, metavar="N", help="a CODE TLV")
    g.add_argument("--dns", type=num, metavar="N", help="an ALLOW_DNS TLV")
    g.add_argument("--inner-mtu", type=num, metavar="N", help="an INNER_MTU TLV")
    g.add_argument("--features", type=num, metavar="N", help="a FEATURES TLV")
    g.add_argument("--tlv", action="append", default=[], metavar="T:HEX",
                   help="a raw TLV of type T and value HEX, after the others, repeatable")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="subcommand", required=True)

    sv = sub.add_parser("serve", help="play region b's module: answer HELLOs, log what arrives",
                        description="Answer HELLOs, send them every --hello-ms, log every "
                        "datagram received (see fakeregion.py --help for the formats).")
    sv.add_argument("--listen", required=True, metavar="ADDR[:PORT]", help="bind here (port 6081)")
    sv.add_argument("--peer", required=True, metavar="ADDR[:PORT]", help="send HELLOs there")
    sv.add_argument("--name", default="b", help="the region name in our HELLOs (b)")
    sv.add_argument("--epoch", type=num, default=0, help="our epoch (0: random)")
    sv.add_argument("--hello-ms", type=int, default=500, metavar="MS",
                    help="a HELLO every MS (500; 0: only in answer)")
    sv.add_argument("--log", metavar="FILE", help="append the log here (default: stdout)")
    sv.add_argument("--reply-echo", type=num, metavar="VNI",
                    help="answer ICMP/ICMPv6 echo requests in data frames, on VNI")
    sv.add_argument("--cmd", metavar="FIFO",
                    help="take commands from FIFO: 'send ARGS', 'echo-vni VNI|off'")

    sd = sub.add_parser("send", help="send a HELLO, a bad header, a data frame or any control "
                        "message, and exit",
                        description="Without --type: a HELLO (or a bad GENEVE header with "
                        "--ctl-bit/--proto/--vni, or an echo request with --ipv4/--ipv6). With "
                        "--type: that control message, as told.")
    add_send_args(sd, standalone=True)

    fz = sub.add_parser("fuzz", help="send fuzzed control messages, deterministic for a seed",
                        description="Valid, mutated and random control messages "
                        "(see fakeregion.py --help).")
    fz.add_argument("--bind", required=True, metavar="ADDR", help="send from this address")
    fz.add_argument("--from-port", type=int, default=6081, metavar="P",
                    help="and this port (6081)")
    fz.add_argument("--peer", required=True, metavar="ADDR[:PORT]", help="send here (port 6081)")
    fz.add_argument("--epoch", type=num, default=1,
                    help="the epoch of the messages (1; 0 is 1: epoch 0 is a mutation)")
    fz.add_argument("--seed", type=num, default=0, help="the random seed (0)")
    fz.add_argument("--count", type=int, required=True, metavar="N", help="send N")
    fz.add_argument("--pcx", type=num, action="extend", nargs="+", default=[], metavar="N",
                    help="pcx ids to use mostly (repeatable)")
    fz.add_argument("--name", default="b", help="the name in most HELLOs (b)")
    fz.add_argument("--interval-ms", type=int, default=0, metavar="MS",
                    help="MS between messages (0)")
    fz.add_argument("--log", metavar="FILE", help="one line per message and our verdict")

    a = p.parse_args()
    try:
        {"serve": serve, "send": send, "fuzz": fuzz}[a.subcommand](a)
    except (struct.error, ValueError, OSError) as e:
        sys.exit(f"fakeregion.py {a.subcommand}: {e}")


if __name__ == "__main__":
    main()

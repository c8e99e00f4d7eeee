#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""spec-check: what of the netlink spec no generator checks.

  tools/spec-check.py [SPEC]
  (default: Documentation/netlink/specs/vpcpeer.yaml)

The spec is the source of the uapi header and of the module's policies and
ops (make gen; make gen-check proves the committed files are what the
spec gives), so the header, the policies and the ops need no check here
any more: this script used to compare a hand-written header with the spec
entry by entry, and shrank to what is still written by hand.

  - Docs: every definition, enum entry, attribute set, attribute (but
    pads) and operation has one, as the house style wants; the generator
    does not care.
  - vpcpeer-ctl's decoders (tools/vpcpeer-ctl/) cover the spec: every
    attribute a reply or a notification may carry is named in msg.c, the
    decoders' file (but the request-only ones, listed below; a name is
    all this looks for); every counter of the stats set (a side's) and of
    the rstats set (a region's) has its enum entry in msg.h (side_stat,
    region_stat), its name in msg.c and its key in print.c; every pcx
    state and reason, region state and underlay its name in msg.c, the
    spec's, and every reason its words (AWS's message) in pcx_message();
    every notification is decoded in msg.c and named in print.c. The CLI takes
    every id from the generated header, so a counter or a notification
    added to the spec compiles; this is what says the CLI shows it.

Standard library and PyYAML only: without PyYAML the check is skipped
(exit 0, with a message). Exit 1 and one line per problem otherwise.
"""
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("spec-check: SKIP: python3-yaml is not installed (apt-get install python3-yaml)")
    sys.exit(0)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CTL = os.path.join(TOP, "tools/vpcpeer-ctl")
# Attributes only requests carry: no decoder needs them.
REQUEST_ONLY = {("vpcpeer", "dry-run"), ("vpc", "netns-fd")}
# Counter sets: the prefix of their enum in msg.h (and of the NAME macro
# in msg.c and the keys in print.c), and the macro that numbers them.
COUNTERS = {"stats": ("STAT", "SIDE_STAT"), "rstats": ("RSTAT", "REGION_STAT")}
# Enums whose every entry msg.c names, with the spec's name.
NAMED_ENUMS = ("pcx-state", "pcx-reason", "region-state", "underlay")

errors = []


def c_upper(s):
    return s.upper().replace("-", "_")


def read(name):
    with open(os.path.join(CTL, name)) as f:
        return f.read()


def check_docs(spec):
    for d in spec.get("definitions", []):
        if not d.get("doc"):
            errors.append("definition %s has no doc" % d["name"])
        for e in d.get("entries", []) if d["type"] in ("enum", "flags") else []:
            if not (isinstance(e, dict) and e.get("doc")):
                errors.append("entry %s of %s has no doc" %
                              (e["name"] if isinstance(e, dict) else e, d["name"]))
    for s in spec["attribute-sets"]:
        if not s.get("doc"):
            errors.append("attribute-set %s has no doc" % s["name"])
        for a in s["attributes"]:
            if a.get("type") != "pad" and not a.get("doc"):
                errors.append("attribute %s.%s has no doc" % (s["name"], a["name"]))
    for op in spec["operations"]["list"]:
        if not op.get("doc"):
            errors.append("operation %s has no doc" % op["name"])


def attr_enum(spec, aset, attr):
    fam = spec["name"]
    s = next(x for x in spec["attribute-sets"] if x["name"] == aset)
    prefix = s.get("name-prefix", fam + "-a-" if aset == fam else "%s-a-%s-" % (fam, aset))
    return c_upper(prefix + attr)


def check_decoders(spec):
    msg_c, msg_h, print_c = read("msg.c"), read("msg.h"), read("print.c")
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    ops = {op["name"]: op for op in spec["operations"]["list"]}

    # The attributes replies and notifications carry, nests followed.
    todo = []
    for op in ops.values():
        parts = [op.get(k, {}).get("reply", {}) for k in ("do", "dump")]
        parts.append(op.get("event", {}))
        if "notify" in op:
            parts.append(ops[op["notify"]].get("do", {}).get("reply", {}))
        aset = op.get("attribute-set") or ops.get(op.get("notify"), {}).get("attribute-set")
        todo += [(aset, a) for p in parts for a in p.get("attributes", [])]
    seen = set()
    while todo:
        aset, name = todo.pop()
        if (aset, name) in seen:
            continue
        seen.add((aset, name))
        a = next(x for x in sets[aset]["attributes"] if x["name"] == name)
        if "nested-attributes" in a:
            todo += [(a["nested-attributes"], x["name"])
                     for x in sets[a["nested-attributes"]]["attributes"]]
    for aset, name in sorted(seen):
        a = next(x for x in sets[aset]["attributes"] if x["name"] == name)
        if a["type"] == "pad" or (aset, name) in REQUEST_ONLY or aset in COUNTERS:
            continue
        if not re.search(r"\b%s\b" % attr_enum(spec, aset, name), msg_c):
            errors.append("vpcpeer-ctl: msg.c decodes no %s (%s.%s), which replies carry" %
                          (attr_enum(spec, aset, name), aset, name))

    # Counters: their enum entries, their names, their keys.
    for aset, (prefix, macro) in COUNTERS.items():
        for a in sets[aset]["attributes"]:
            if a["type"] == "pad":
                continue
            n = c_upper(a["name"])
            for where, text, pat in (
                    ("msg.h", msg_h, r"\b%s_%s = %s\(%s\)" % (prefix, n, macro, n)),
                    ("msg.c", msg_c, r"\b%s_NAME\(%s\)" % (prefix, n)),
                    ("print.c", print_c, r"\[%s_%s\] = \"%s\"" %
                     (prefix, n, a["name"].replace("-", "_")))):
                if not re.search(pat, text):
                    errors.append("vpcpeer-ctl: %s has no %s for counter %s.%s" %
                                  (where, pat, aset, a["name"]))

    # States, reasons, underlays: the spec's names; every pcx reason its
    # words too (a case in pcx_message()).
    words = msg_c[msg_c.index("const char *pcx_message("):]
    words = words[:words.index("\n}\n")]
    for d in spec.get("definitions", []):
        if d["name"] not in NAMED_ENUMS:
            continue
        kind = d["name"]
        for e in d["entries"]:
            e = e["name"] if isinstance(e, dict) else e
            enum = "VPCPEER_%s_%s" % (c_upper(d["name"]), c_upper(e))
            pat = r"\[%s\] = \"%s\"" % (enum, e)
            if not re.search(pat, msg_c):
                errors.append("vpcpeer-ctl: msg.c does not name %s %s %s" % (kind, e, pat))
            if kind == "pcx-reason" and not re.search(r"\bcase %s:" % enum, words):
                errors.append("vpcpeer-ctl: pcx_message() in msg.c has no words for reason %s" % e)

    # Notifications: decoded and named.
    decode = msg_c[msg_c.index("int event_decode("):]
    decode = decode[:decode.index("\n}\n")]
    names = print_c[print_c.index("event_name("):]
    names = names[:names.index("\n}\n")]
    for op in ops.values():
        if "notify" not in op and "event" not in op:
            continue
        cmd = "VPCPEER_CMD_" + c_upper(op["name"])
        if not re.search(r"case %s:" % cmd, decode):
            errors.append("vpcpeer-ctl: msg.c's event_decode() has no case %s" % cmd)
        if not re.search(r"case %s:" % cmd, names):
            errors.append("vpcpeer-ctl: print.c's event_name() does not name %s" % cmd)


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        TOP, "Documentation/netlink/specs/vpcpeer.yaml")
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    check_docs(spec)
    check_decoders(spec)
    if errors:
        for e in errors:
            print("spec-check: " + e)
        print("spec-check: FAIL: %d problems" % len(errors))
        return 1
    print("spec-check: OK: %s is documented throughout, and vpcpeer-ctl decodes "
          "what it describes" % os.path.relpath(spec_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""spec-check: the netlink spec and the uapi header must describe one API.

  tools/spec-check.py [SPEC [HEADER]]
  (default: Documentation/netlink/specs/vpcpeer.yaml and
  include/uapi/linux/vpcpeer.h)

Derives from the YAML spec the C names and values the kernel's
ynl-gen-c.py would give them (genetlink-c rules: name-prefix, enum-name,
c-family-name, max-by-define...) and compares them with the header, both
ways: every define and every enum, entry by entry, in order, with values.
Also checks what a header cannot show: where the header names a type in an
attribute's comment ("u32", "nest, enum vpcpeer_a_vpc") it must be the
spec's; every attribute, entry, set and operation has a doc; every reference
(nested-attributes, enum, an operation's attributes, notify, mcgrp) resolves.

Multicast groups: each gives the header a #define of its name (as
ynl-gen-c: c-define-name, or <FAMILY>_MCGRP_<NAME>). Every group is named
by some operation's mcgrp and every mcgrp names a group. An operation with
"notify" or "event" is a notification: it needs a mcgrp, and may not also
have "do" or "dump", for ynl would then no longer send it as a request
(events that share a request's command carry mcgrp alone).

Standard library only, plus PyYAML: without it the check is skipped (exit
0, with a message). Exit 1 and one line per mismatch otherwise. When the
jsonschema module and the kernel's schema of the spec's protocol
(Documentation/netlink/genetlink-c.yaml) are both at hand (in the debug
kernel's source tree under build/, or the file $VPCPEER_GENL_SCHEMA), the
spec is also validated against that schema; the last line says whether it
was.
"""
import glob
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("spec-check: SKIP: python3-yaml is not installed (apt-get install python3-yaml)")
    sys.exit(0)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPE_WORDS = {"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
              "uint", "sint", "string", "binary", "nest", "flag"}

errors = []


def err(msg):
    errors.append(msg)


def c_upper(s):
    return s.upper().replace("-", "_")


def c_lower(s):
    return s.lower().replace("-", "_")


# --- the header --------------------------------------------------------------

def parse_header(text):
    """Return (defines {name: value text}, enums [(name, [(entry, value, comment)])])."""
    defines = {}
    for m in re.finditer(r"^#define[ \t]+(\w+)(?:[ \t]+(.*?))?[ \t]*$", text, re.M):
        defines[m.group(1)] = (m.group(2) or "").strip()
    enums = []
    for m in re.finditer(r"\benum\b[ \t]*(\w+)?\s*\{", text):
        # The body ends at the first "}" outside a comment: comments may
        # well say "PCX { ID };".
        pos = m.end()
        while True:
            brace, comment = text.find("}", pos), text.find("/*", pos)
            if brace < 0:
                err("header: enum %s has no end" % m.group(1))
                return defines, enums
            if 0 <= comment < brace:
                pos = text.index("*/", comment) + 2
                continue
            break
        enums.append((m.group(1), parse_enum_body(text[m.end():brace], defines)))
    return defines, enums


def parse_enum_body(body, defines):
    entries = []
    values = {}
    pos, nxt, pending = 0, 0, None
    last_end_line = None
    while pos < len(body):
        ws = re.match(r"\s+", body[pos:])
        if ws:
            pos += ws.end()
            continue
        if body.startswith("/*", pos):
            end = body.index("*/", pos) + 2
            comment = " ".join(body[pos + 2:end - 2].replace("*", " ").split())
            same_line = (entries and last_end_line is not None and
                         "\n" not in body[last_end_line:pos])
            if same_line and entries[-1][2] is None:
                name, val, _ = entries[-1]
                entries[-1] = (name, val, comment)
            else:
                pending = comment
            pos = end
            continue
        m = re.match(r"(\w+)\s*(?:=\s*([^,/]+?))?\s*(,|$|(?=/\*))", body[pos:], re.S)
        if not m:
            err("header: cannot read the enum body near %r" % body[pos:pos + 30])
            break
        name = m.group(1)
        if m.group(2) is not None:
            nxt = eval_c(m.group(2), values)
        values[name] = nxt
        entries.append((name, nxt, pending))
        pending = None
        nxt += 1
        pos += m.end()
        last_end_line = pos
    return entries


def eval_c(expr, values):
    expr = expr.strip()
    expr = re.sub(r"\b([A-Za-z_]\w*)\b",
                  lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(1),
                  expr)
    if not re.fullmatch(r"[0-9()+\-*<|& x]+", expr):
        raise ValueError("cannot evaluate %r" % expr)
    return int(eval(expr, {"__builtins__": {}}))  # digits and operators only


# --- what the spec says the header holds ----------------------------------

def spec_expectations(spec):
    fam = spec["name"]
    fam_c = c_lower(fam)
    by_define = spec.get("max-by-define", False)
    defines = {}
    enums = []          # (enum name or None, [(entry, value)], where)
    enum_c_names = {}   # definition name -> C enum name
    set_c_names = {}    # attribute-set name -> C enum name

    defines[c_upper(spec.get("c-family-name", fam + "-family-name"))] = '"%s"' % fam
    defines[c_upper(spec.get("c-version-name", fam + "-family-version"))] = str(spec.get("version", 1))

    for d in spec.get("definitions", []):
        if d.get("header") or d.get("scope", "uapi") != "uapi":
            continue
        if d["type"] == "const":
            v = d["value"]
            defines[c_upper("%s-%s" % (fam, d["name"]))] = '"%s"' % v if isinstance(v, str) else str(v)
            continue
        prefix = c_upper(d.get("name-prefix", "%s-%s-" % (fam, d["name"])))
        if "enum-name" in d:
            cname = c_lower(d["enum-name"]) if d["enum-name"] else None
        else:
            cname = fam_c + "_" + c_lower(d["name"])
        enum_c_names[d["name"]] = cname
        val = d.get("value-start", 0)
        ents = []
        for i, e in enumerate(d["entries"]):
            e = e if isinstance(e, dict) else {"name": e}
            if "value" in e:
                val = e["value"]
            ents.append((prefix + c_upper(e["name"]), val if d["type"] == "enum" else 1 << val))
            val += 1
        if d.get("render-max"):
            if d["type"] == "enum":
                ents.append(("__" + prefix + "MAX", val))
                ents.append((prefix + "MAX", val - 1))
        enums.append((cname, ents, "definition " + d["name"]))

    for g in spec.get("mcast-groups", {}).get("list", []):
        name = c_upper(g.get("c-define-name", "%s-mcgrp-%s" % (fam, g["name"])))
        defines[name] = '"%s"' % g["name"]

    for s in spec["attribute-sets"]:
        if s.get("subset-of"):
            continue
        if "name-prefix" in s:
            prefix = c_upper(s["name-prefix"])
        elif s["name"] == fam:
            prefix = c_upper(fam + "-a-")
        else:
            prefix = c_upper("%s-a-%s-" % (fam, s["name"]))
        cname = c_lower(s["enum-name"]) if s.get("enum-name") else None
        set_c_names[s["name"]] = cname
        cnt = c_upper(s.get("attr-cnt-name", "__" + prefix + "max"))
        mx = c_upper(s.get("attr-max-name", prefix + "max"))
        val = 1
        ents = []
        for a in s["attributes"]:
            if "value" in a:
                val = a["value"]
            ents.append((prefix + c_upper(a["name"]), val))
            val += 1
        ents.append((cnt, val))
        if by_define:
            defines[mx] = "(%s - 1)" % cnt
        else:
            ents.append((mx, val - 1))
        enums.append((cname, ents, "attribute-set " + s["name"]))

    ops = spec["operations"]
    prefix = c_upper(ops.get("name-prefix", fam + "-cmd-"))
    cnt = c_upper(spec.get("cmd-cnt-name", "__" + prefix + "max"))
    mx = c_upper(spec.get("cmd-max-name", prefix + "max"))
    val = 1
    ents = []
    for op in ops["list"]:
        if "value" in op:
            val = op["value"]
        ents.append((prefix + c_upper(op["name"]), val))
        val += 1
    ents.append((cnt, val))
    if by_define:
        defines[mx] = "(%s - 1)" % cnt
    else:
        ents.append((mx, val - 1))
    cname = c_lower(ops["enum-name"]) if ops.get("enum-name") else None
    enums.append((cname, ents, "operations"))
    return defines, enums, enum_c_names, set_c_names


# --- checks ------------------------------------------------------------------

def check_spec_itself(spec, enum_c_names):
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    if not spec.get("doc"):
        err("spec: the family has no doc")
    for d in spec.get("definitions", []):
        if not d.get("doc"):
            err("spec: definition %s has no doc" % d["name"])
        if d["type"] in ("enum", "flags"):
            for e in d["entries"]:
                if not (isinstance(e, dict) and e.get("doc")):
                    err("spec: entry %s of %s has no doc" %
                        (e["name"] if isinstance(e, dict) else e, d["name"]))
    for s in spec["attribute-sets"]:
        if not s.get("doc"):
            err("spec: attribute-set %s has no doc" % s["name"])
        for a in s["attributes"]:
            if a.get("type") not in ("unused", "pad") and not a.get("doc"):
                err("spec: attribute %s.%s has no doc" % (s["name"], a["name"]))
            if "nested-attributes" in a and a["nested-attributes"] not in sets:
                err("spec: %s.%s: no attribute-set %s" % (s["name"], a["name"], a["nested-attributes"]))
            if "enum" in a and a["enum"] not in enum_c_names:
                err("spec: %s.%s: no enum %s" % (s["name"], a["name"], a["enum"]))
    mcgrps = spec.get("mcast-groups", {}).get("list", [])
    groups = [g["name"] for g in mcgrps]
    for g in set(groups):
        if groups.count(g) > 1:
            err("spec: mcast group %s is listed %d times" % (g, groups.count(g)))
    ops = {op["name"]: op for op in spec["operations"]["list"]}
    used = set()
    for op in spec["operations"]["list"]:
        if not op.get("doc"):
            err("spec: operation %s has no doc" % op["name"])
        if "mcgrp" in op:
            used.add(op["mcgrp"])
            if op["mcgrp"] not in groups:
                err("spec: operation %s: no mcast group %s" % (op["name"], op["mcgrp"]))
        if "notify" in op or "event" in op:
            if "mcgrp" not in op:
                err("spec: operation %s is a notification with no mcgrp" % op["name"])
            if "do" in op or "dump" in op:
                err("spec: operation %s has notify/event and do/dump: ynl would "
                    "not send it as a request (give it mcgrp alone)" % op["name"])
        if "notify" in op:
            target = ops.get(op["notify"])
            if not target:
                err("spec: operation %s: notify names no operation %s" % (op["name"], op["notify"]))
            elif "reply" not in target.get("do", {}):
                err("spec: operation %s: notify %s, which has no do reply" % (op["name"], op["notify"]))
        aset = sets.get(op.get("attribute-set")) if op.get("attribute-set") else None
        if op.get("attribute-set") and not aset:
            err("spec: operation %s: no attribute-set %s" % (op["name"], op["attribute-set"]))
            continue
        names = {a["name"] for a in aset["attributes"]} if aset else set()
        parts = [(kind + " " + part, op.get(kind, {}).get(part, {}))
                 for kind in ("do", "dump") for part in ("request", "reply")]
        parts.append(("event", op.get("event", {})))
        for where, part in parts:
            for a in part.get("attributes", []):
                if a not in names:
                    err("spec: operation %s %s: no attribute %s in %s" %
                        (op["name"], where, a, op.get("attribute-set")))
    for g in groups:
        if g not in used:
            err("spec: mcast group %s: no operation names it (mcgrp)" % g)


def compare(spec, hdr_defines, hdr_enums, exp_defines, exp_enums,
            enum_c_names, set_c_names):
    guard = [d for d in hdr_defines if d.startswith("_UAPI_LINUX_") and d.endswith("_H")]
    for name, val in exp_defines.items():
        if name not in hdr_defines:
            err("header: no #define %s (spec: %s)" % (name, val))
        elif re.sub(r"\s+", " ", hdr_defines[name]) != val:
            err("#define %s: header %s, spec %s" % (name, hdr_defines[name], val))
    for name in hdr_defines:
        if name not in exp_defines and name not in guard:
            err("header: #define %s is not in the spec" % name)

    by_name = {n: e for n, e in hdr_enums if n}
    matched = set()
    hdr_entry = {}  # C entry name -> comment
    for _, ents in hdr_enums:
        for n, _, c in ents:
            hdr_entry[n] = c
    for cname, ents, where in exp_enums:
        hdr = by_name.get(cname) if cname else None
        if cname and hdr is None:
            err("header: no enum %s (spec %s)" % (cname, where))
            continue
        if hdr is None:  # anonymous in the spec: find it by its first entry
            for n, e in hdr_enums:
                if e and e[0][0] == ents[0][0]:
                    hdr, cname = e, n
                    err("spec %s: header's enum is named %s; give it enum-name" % (where, n))
                    break
            else:
                err("header: no enum with %s (spec %s)" % (ents[0][0], where))
                continue
        matched.add(cname)
        got = [(n, v) for n, v, _ in hdr]
        # A count sentinel the spec cannot name (render-max would call it
        # __<PREFIX>MAX and add <PREFIX>MAX): tolerated at the very end.
        if (where.startswith("definition") and len(got) == len(ents) + 1 and
                got[-1] == ("__%s_MAX" % cname.upper(), len(ents))):
            got = got[:-1]
        for i in range(max(len(got), len(ents))):
            g = got[i] if i < len(got) else None
            w = ents[i] if i < len(ents) else None
            if g != w:
                err("enum %s, entry %d: header %s, spec %s" % (
                    cname, i, "%s = %d" % g if g else "(none)", "%s = %d" % w if w else "(none)"))
                break
    for n, _ in hdr_enums:
        if n not in matched:
            err("header: enum %s is not in the spec" % n)

    # Types named in the header's comments.
    fam = spec["name"]
    for s in spec["attribute-sets"]:
        if s.get("subset-of"):
            continue
        if "name-prefix" in s:
            prefix = c_upper(s["name-prefix"])
        elif s["name"] == fam:
            prefix = c_upper(fam + "-a-")
        else:
            prefix = c_upper("%s-a-%s-" % (fam, s["name"]))
        for a in s["attributes"]:
            comment = hdr_entry.get(prefix + c_upper(a["name"]))
            if not comment:
                continue
            words = re.split(r"[\s,;:]+", comment)
            if words[0] in TYPE_WORDS and words[0] != a["type"]:
                err("%s%s: header says %s, spec says %s" % (prefix, c_upper(a["name"]), words[0], a["type"]))
            m = re.search(r"\benum (\w+)", comment)
            if m:
                want = (set_c_names.get(a.get("nested-attributes")) if a["type"] == "nest"
                        else enum_c_names.get(a.get("enum")))
                if want != m.group(1):
                    err("%s%s: header says enum %s, spec gives %s" % (
                        prefix, c_upper(a["name"]), m.group(1), want))
            if "repeated" in comment and not a.get("multi-attr"):
                err("%s%s: header says repeated, spec has no multi-attr" % (prefix, c_upper(a["name"])))


def check_schema(spec):
    """Validate against the kernel's schema for the spec's protocol if possible; say how."""
    try:
        import jsonschema
    except ImportError:
        return "schema not checked: no python3-jsonschema"
    proto = spec.get("protocol", "genetlink")
    path = os.environ.get("VPCPEER_GENL_SCHEMA")
    if path:
        if not os.path.exists(path):
            err("VPCPEER_GENL_SCHEMA=%s: no such file" % path)
            return "schema not checked"
    else:
        found = sorted(glob.glob(os.path.join(
            TOP, "build/debug-kernel/linux-source-*/Documentation/netlink/%s.yaml" % proto)))
        if not found:
            return "schema not checked: no %s.yaml (VPCPEER_GENL_SCHEMA=)" % proto
        path = found[-1]
    with open(path) as f:
        schema = yaml.safe_load(f)
    validator = jsonschema.Draft7Validator(schema)
    for e in sorted(validator.iter_errors(spec), key=lambda e: list(map(str, e.absolute_path))):
        err("schema: %s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)",
                                e.message))
    return "valid against " + os.path.relpath(path)


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        TOP, "Documentation/netlink/specs/vpcpeer.yaml")
    hdr_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        TOP, "include/uapi/linux/vpcpeer.h")
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    with open(hdr_path) as f:
        hdr_defines, hdr_enums = parse_header(f.read())
    exp_defines, exp_enums, enum_c_names, set_c_names = spec_expectations(spec)
    check_spec_itself(spec, enum_c_names)
    compare(spec, hdr_defines, hdr_enums, exp_defines, exp_enums, enum_c_names, set_c_names)
    schema = check_schema(spec)
    rel = os.path.relpath
    if errors:
        for e in errors:
            print("spec-check: " + e)
        print("spec-check: FAIL: %s and %s disagree (%d problems)" % (
            rel(spec_path), rel(hdr_path), len(errors)))
        return 1
    n = sum(len(e) for _, e, _ in exp_enums)
    print("spec-check: OK: %s matches %s (%d enums, %d entries, %d defines; %s)" % (
        rel(spec_path), rel(hdr_path), len(exp_enums), n, len(exp_defines), schema))
    return 0


if __name__ == "__main__":
    sys.exit(main())

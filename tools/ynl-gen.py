#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ynl-gen: the files generated from the netlink spec, by the kernel's own
tools/net/ynl/ynl-gen-c.py (never a copy of it: it is run from a kernel
source tree, read-only).

  tools/ynl-gen.py --ynl YNL_DIR [--out DIR] [--check]

YNL_DIR is a kernel tree's tools/net/ynl (make gen extracts Debian's
linux-source-6.12 one into build/ynl/). Writes, under DIR (default: the
top of this tree):

  include/uapi/linux/vpcpeer.h    ynl-gen-c --mode uapi
  kmod/netlink-gen.h, .c          ynl-gen-c --mode kernel (policies, split ops)

--check generates into a temporary directory instead and fails (exit 1,
with a diff) when a committed file differs: the spec is the source, the
generated files are never edited by hand.

Two things ynl-gen-c.py of 6.12 needs that this tree does not have, and
what is done about them:
  - it names the spec in each file's banner by its path below the kernel
    tree's top, which it finds by walking up to a MAINTAINERS file; the
    spec is run from a scratch directory laid out as a kernel tree
    (MAINTAINERS, Documentation/netlink/specs/vpcpeer.yaml), so that the
    banner says Documentation/netlink/specs/vpcpeer.yaml;
  - it validates the spec against Documentation/netlink/genetlink.yaml
    with python3-jsonschema and fails without that module (ImportError).
    When the module is missing the schema check is turned off (as the
    kernel's cli.py --no-schema does) and a line says so; the generated
    files do not depend on it.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = "Documentation/netlink/specs/vpcpeer.yaml"
OUTPUTS = [
    # (path under the tree, ynl-gen-c arguments)
    ("include/uapi/linux/vpcpeer.h", ["--mode", "uapi", "--header"]),
    ("kmod/netlink-gen.h", ["--mode", "kernel", "--header"]),
    ("kmod/netlink-gen.c", ["--mode", "kernel", "--source"]),
]

# Run inside the child python: ynl-gen-c.py as its own __main__, with the
# schema check off when jsonschema is not installed.
SHIM = r"""
import runpy, sys
ynl, gen = sys.argv[1], sys.argv[2]
sys.path.insert(0, ynl)
try:
    import jsonschema  # noqa: F401
except ImportError:
    from lib import nlspec
    init = nlspec.SpecFamily.__init__

    def no_schema(self, spec_path, schema_path=None, exclude_ops=None):
        init(self, spec_path, '' if schema_path is None else schema_path,
             exclude_ops)
    nlspec.SpecFamily.__init__ = no_schema
sys.argv = [gen] + sys.argv[3:]
runpy.run_path(gen, run_name='__main__')
"""


def have_jsonschema():
    try:
        import jsonschema  # noqa: F401
        return True
    except ImportError:
        return False


def generate(ynl, out):
    gen = os.path.join(ynl, "ynl-gen-c.py")
    if not os.path.isfile(gen):
        sys.exit("ynl-gen: no %s (make gen extracts it from /usr/src/linux-source-6.12.tar.xz)" % gen)
    with tempfile.TemporaryDirectory(prefix="vpcpeer-ynl-") as root:
        open(os.path.join(root, "MAINTAINERS"), "w").close()
        spec = os.path.join(root, SPEC)
        os.makedirs(os.path.dirname(spec))
        shutil.copyfile(os.path.join(TOP, SPEC), spec)
        schema = os.path.join(ynl, "../../../Documentation/netlink/genetlink.yaml")
        if os.path.isfile(schema):
            shutil.copyfile(schema, os.path.join(root, "Documentation/netlink/genetlink.yaml"))
        for path, args in OUTPUTS:
            dst = os.path.join(out, path)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            # ynl-gen-c.py names the header a kernel source includes after
            # the -o file's name, so -o is the final path.
            r = subprocess.run([sys.executable, "-c", SHIM, ynl, gen, "--spec", spec]
                               + args + ["-o", dst])
            if r.returncode:
                sys.exit("ynl-gen: ynl-gen-c.py %s failed" % " ".join(args))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ynl", required=True, help="a kernel tree's tools/net/ynl")
    ap.add_argument("--out", default=TOP)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    ynl = os.path.abspath(args.ynl)
    schema = ("spec validated against genetlink.yaml" if have_jsonschema() else
              "spec NOT validated against genetlink.yaml: no python3-jsonschema")
    if not args.check:
        generate(ynl, os.path.abspath(args.out))
        print("ynl-gen: %s generated (%s)" % (", ".join(p for p, _ in OUTPUTS), schema))
        return 0
    with tempfile.TemporaryDirectory(prefix="vpcpeer-gen-") as tmp:
        generate(ynl, tmp)
        bad = 0
        for path, _ in OUTPUTS:
            with open(os.path.join(tmp, path)) as f:
                want = f.readlines()
            try:
                with open(os.path.join(TOP, path)) as f:
                    have = f.readlines()
            except FileNotFoundError:
                have = []
            if have != want:
                bad += 1
                sys.stdout.writelines(difflib.unified_diff(
                    have, want, "a/" + path, "b/" + path + " (from the spec)"))
    if bad:
        print("ynl-gen: FAIL: %d generated file(s) differ from %s: edit the spec, "
              "then make gen" % (bad, SPEC))
        return 1
    print("ynl-gen: OK: %s match %s (%s)" % (
        ", ".join(p for p, _ in OUTPUTS), SPEC, schema))
    return 0


if __name__ == "__main__":
    sys.exit(main())

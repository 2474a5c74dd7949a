#!/usr/bin/env python3
"""jsw's conformance run: test262 tests through the real `jsw` binary, held
against native QuickJS-NG built from the same engine source.

    python3 scripts/conformance.py                 # ../shared/test262, its tests.txt
    python3 scripts/conformance.py --t262 DIR      # another sample laid out the same way
    python3 scripts/conformance.py --list FILE     # only these tests (paths under DIR/test)

Without a tests.txt (or --list), every test under test/built-ins and test/language
that is a strict-mode script needing only features QuickJS-NG ships is run.

Each test is one classic script, composed as test262's runners do for strict mode:
`"use strict";`, harness/assert.js, harness/sta.js, the harness files its
`includes:` names, then the test. It passes when the process exits 0 and prints no
`Test262Error`. jsw runs it with `jsw run test.js` (bundle, snapshot, run); native
qjs with `qjs --script test.js`.

The target is that jsw passes every test the engine passes natively. A test that
fails under jsw only must be listed, with its reason, in
tests/conformance/known-differences.txt (and the README); the run fails on any
other, and on a listed test that now passes (so the list stays true). Where the
test262 folder is absent the run is skipped with a message.
"""
import argparse
import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import native_qjs  # noqa: E402

KNOWN = os.path.join(ROOT, "tests", "conformance", "known-differences.txt")


def meta(src):
    m = re.search(r"/\*---(.*?)---\*/", src, re.S)
    return m.group(1) if m else ""


def field_list(md, name):
    m = re.search(rf"^{name}:\s*\[(.*?)\]", md, re.M)
    if m:
        return [x.strip() for x in m.group(1).split(",") if x.strip()]
    m = re.search(rf"^{name}:\s*\n((?:\s+-\s*.*\n)+)", md, re.M)
    return [x.strip()[1:].strip() for x in m.group(1).splitlines()] if m else []


def compose(t262, harness, path):
    """The script a test runs as (strict mode, harness first)."""
    src = open(os.path.join(t262, "test", path), encoding="utf-8").read()
    includes = field_list(meta(src), "includes")
    missing = [x for x in includes if x not in harness]
    if missing:
        raise SystemExit(f"conformance: {path} includes {', '.join(missing)}, which {t262}/harness lacks")
    return "\n".join(['"use strict";', harness["assert.js"], harness["sta.js"]] + [harness[x] for x in includes] + [src])


def run(cmd, cwd):
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
        out = (r.stdout + r.stderr).strip()
        return r.returncode == 0 and "Test262Error" not in out, out
    except subprocess.TimeoutExpired:
        return False, "timeout after 120 s"


def read_known():
    """Listed tests: path -> reason."""
    known = {}
    if os.path.exists(KNOWN):
        for line in open(KNOWN, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                path, _, reason = line.partition(" ")
                known[path] = reason.strip()
    return known


def default_sample():
    """`shared/test262` next to the clone, or next to the folder holding it."""
    parent = os.path.dirname(ROOT)
    for folder in (parent, os.path.dirname(parent)):
        candidate = os.path.join(folder, "shared", "test262")
        if os.path.isdir(candidate):
            return candidate
    return os.path.join(parent, "shared", "test262")


# What a sample without a tests.txt is reduced to: strict-mode scripts the engine
# ships the features of, as the sample's own selection was made.
SKIP_FLAGS = {"module", "noStrict", "raw", "async", "CanBlockIsTrue", "CanBlockIsFalse"}
SKIP_FEATURES = {"Temporal", "ShadowRealm", "Atomics.waitAsync", "SharedArrayBuffer", "Atomics",
                 "cross-realm", "IsHTMLDDA", "host-gc-required", "tail-call-optimization", "FinalizationRegistry",
                 "WeakRef", "source-phase-imports", "import-defer", "decorators", "explicit-resource-management",
                 "uint8array-base64", "canonical-tz", "Intl.Locale-info", "regexp-modifiers", "json-parse-with-source"}


def eligible(t262, path):
    src = open(os.path.join(t262, "test", path), encoding="utf-8").read()
    md = meta(src)
    return not (set(field_list(md, "flags")) & SKIP_FLAGS or re.search(r"^negative:", md, re.M)
                or set(field_list(md, "features")) & SKIP_FEATURES or "$262" in src or "print(" in src)


def all_tests(t262):
    paths = []
    for top in ("built-ins", "language"):
        for folder, _, files in os.walk(os.path.join(t262, "test", top)):
            for f in files:
                if f.endswith(".js") and "_FIXTURE" not in f:
                    paths.append(os.path.relpath(os.path.join(folder, f), os.path.join(t262, "test")))
    return sorted(p for p in paths if eligible(t262, p))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--t262", default=os.environ.get("JSW_TEST262") or default_sample())
    ap.add_argument("--list", help="tests to run (default: DIR/tests.txt)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--jsw", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                  "release", "jsw"))
    ap.add_argument("--show", type=int, default=20, help="failures to print in full")
    a = ap.parse_args()
    t262 = os.path.abspath(a.t262)
    listing = a.list or os.path.join(t262, "tests.txt")
    if not os.path.isdir(os.path.join(t262, "test")) or not os.path.isdir(os.path.join(t262, "harness")):
        print(f"conformance: skipped, no test262 sample at {t262} (a folder with test/ and harness/, and "
              "optionally tests.txt; set JSW_TEST262 or --t262)")
        return 0
    if not os.path.exists(a.jsw):
        raise SystemExit(f"conformance: {a.jsw} not found; build first (./x build)")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    qjs = native_qjs.build(os.path.join(target, "native"))
    if qjs is None:
        raise SystemExit("conformance: native qjs could not be built (see above); it is the reference")

    if os.path.exists(listing):
        paths = [line.strip() for line in open(listing, encoding="utf-8") if line.strip()]
    else:
        # No list: every strict-mode script test under test/built-ins and test/language.
        paths = all_tests(t262)
    harness = {n: open(os.path.join(t262, "harness", n), encoding="utf-8").read()
               for n in os.listdir(os.path.join(t262, "harness")) if n.endswith(".js")}
    work = tempfile.mkdtemp(prefix="jsw-conformance-")
    # A cache of its own: thousands of one-off modules should not fill the user's.
    os.environ["JSW_CACHE_DIR"] = os.path.join(work, "cache")
    # Each test is a new module (4 MiB of machine code): keep only the latest.
    os.environ["JSW_CACHE_MAX_MB"] = "256"

    def one(item):
        i, path = item
        d = os.path.join(work, str(i))
        os.makedirs(d)
        # The file keeps the test's name, so that failures and stack traces say it.
        js = os.path.join(d, os.path.basename(path))
        with open(js, "w", encoding="utf-8") as f:
            f.write(compose(t262, harness, path))
        native_ok, _ = run([qjs, "--script", js], d)
        jsw_ok, out = run([a.jsw, "run", js], d)
        return path, native_ok, jsw_ok, out

    started = time.time()
    results = []
    try:
        with cf.ThreadPoolExecutor(a.jobs) as ex:
            for r in ex.map(one, enumerate(paths)):
                results.append(r)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    known = read_known()
    native_pass = sum(1 for _, n, _, _ in results if n)
    jsw_pass = sum(1 for _, _, j, _ in results if j)
    worse = [(p, out) for p, n, j, out in results if n and not j]
    unexpected = [(p, out) for p, out in worse if p not in known]
    fixed = [p for p, n, j, _ in results if p in known and j]
    better = [p for p, n, j, _ in results if j and not n]

    for p, out in unexpected[: a.show]:
        last = out.splitlines()[-3:] if out else ["(no output)"]
        print(f"FAIL {p}\n    " + "\n    ".join(last))
    if len(unexpected) > a.show:
        print(f"... and {len(unexpected) - a.show} more")
    for p in fixed:
        print(f"NOW PASSES {p}: remove it from tests/conformance/known-differences.txt")
    print(f"conformance: {len(paths)} tests from {t262} in {time.time() - started:.0f} s")
    print(f"  native qjs passes {native_pass}, jsw passes {jsw_pass}; jsw fails {len(worse)} that native passes "
          f"({len(worse) - len(unexpected)} listed as known), passes {len(better)} that native fails")
    return 1 if unexpected or fixed else 0


if __name__ == "__main__":
    sys.exit(main())

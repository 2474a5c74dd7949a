#!/usr/bin/env python3
"""jsw's Web Platform Tests run: the web APIs' own tests, through the real `jsw`
binary, held against Node 20 running the same files.

    python3 scripts/wpt.py                      # ../shared/wpt, every folder below
    python3 scripts/wpt.py --wpt DIR            # another WPT checkout laid out the same way
    python3 scripts/wpt.py url encoding/api     # only files under these paths
    python3 scripts/wpt.py --show-all url       # every jsw-only failure, with its message

Each `*.any.js` file is composed into one classic script, as a shell runner does:
a small prelude (`self`, a `fetch()` that answers the file's own `resources/*.json`
from disk, `location` for files split into variants), testharness.js, a reporter
that prints one line per subtest as it finishes, the scripts its `// META:
script=` lines name (relative to the file, or to the WPT root for `/common/...`),
then the test. Node runs it with `node FILE`, jsw with `jsw run FILE` (bundle,
snapshot, run). A subtest that never finishes prints nothing and counts as failed.

The target is that jsw passes every subtest Node passes. A subtest Node passes and
jsw fails must be listed, with its reason, in tests/wpt/known-differences.txt (a
line `FILE<TAB>SUBTEST<TAB>REASON`; `*` in SUBTEST matches any text, so
`*SharedArrayBuffer*` lists every subtest that names it);
the run fails on any other, and on a listed subtest that now passes (so the list
stays true). Where the WPT folder is absent the run is skipped with a message.
"""
import argparse
import collections
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KNOWN = os.path.join(ROOT, "tests", "wpt", "known-differences.txt")

# The folders measured: the web APIs jsw ships (the WPT README lists them).
FOLDERS = [
    "url",
    "encoding",
    "fetch/api/headers", "fetch/api/request", "fetch/api/response", "fetch/api/body", "fetch/api/basic",
    "streams",
    "dom/abort", "dom/events",
    "html/webappapis/structured-clone", "html/webappapis/atob",
    "FileAPI/blob", "FileAPI/file", "xhr/formdata",
    "WebCryptoAPI/digest", "WebCryptoAPI/getRandomValues.any.js", "WebCryptoAPI/randomUUID.https.any.js",
    "WebCryptoAPI/sign_verify/hmac.https.any.js",
    "compression", "console", "hr-time",
]

# How a folder is reported (the README's Conformance table groups them so).
GROUPS = [
    ("url", "url"),
    ("encoding", "encoding"),
    ("fetch/api", "fetch/api (headers, request, response, body, basic)"),
    ("streams", "streams"),
    ("dom", "dom/abort, dom/events"),
    ("html/webappapis", "structured-clone, atob"),
    ("FileAPI", "FileAPI, xhr/formdata"),
    ("xhr", "FileAPI, xhr/formdata"),
    ("WebCryptoAPI", "WebCryptoAPI (digest, getRandomValues, randomUUID, HMAC)"),
    ("compression", "compression"),
    ("console", "console, hr-time"),
    ("hr-time", "console, hr-time"),
]

PRELUDE = r"""
globalThis.self = globalThis;
globalThis.__wpt_resources = %(resources)s;
(function () {
  const original = globalThis.fetch;
  // The file's own data (`fetch("resources/x.json")`) comes from disk, inlined by the runner.
  globalThis.fetch = function (input, init) {
    const key = typeof input === "string" ? input : null;
    if (key !== null && Object.prototype.hasOwnProperty.call(globalThis.__wpt_resources, key)) {
      return Promise.resolve(new Response(globalThis.__wpt_resources[key], { headers: { "content-type": "application/json" } }));
    }
    return original.apply(this, arguments);
  };
})();
%(location)s
"""

REPORTER = r"""
(function () {
  const out = (line) => {
    if (typeof process === "object" && process.stdout && process.stdout.write) process.stdout.write(line + "\n");
    else console.log(line);
  };
  const names = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
  add_result_callback(function (t) {
    out("WPT-RESULT " + JSON.stringify([names[t.status] || String(t.status), t.name, t.message || ""]));
  });
  add_completion_callback(function (tests, status) {
    out("WPT-DONE " + JSON.stringify([status.status, status.message || ""]));
  });
})();
"""


def metas(src):
    return re.findall(r"^//\s*META:\s*(\w+)=(.*)$", src, re.M)


def resolve(wpt, test_dir, ref):
    ref = ref.strip()
    if ref.startswith("/"):
        return os.path.normpath(os.path.join(wpt, ref.lstrip("/")))
    return os.path.normpath(os.path.join(test_dir, ref))


def compose(wpt, path):
    """The classic script a `.any.js` file runs as, or None when it is out of scope."""
    full = os.path.join(wpt, path)
    src = open(full, encoding="utf-8").read()
    test_dir = os.path.dirname(full)
    scripts, variants = [], False
    for key, value in metas(src):
        if key == "script":
            scripts.append(resolve(wpt, test_dir, value))
        elif key == "variant":
            variants = True
    resources = {}
    for m in re.finditer(r"""fetch\(\s*["'`](resources/[^"'`]+\.json)["'`]""", src):
        data = os.path.join(test_dir, m.group(1))
        if os.path.exists(data):
            resources[m.group(1)] = open(data, encoding="utf-8").read()
    parts = [PRELUDE % {
        "resources": json.dumps(resources),
        # Files split into `?1-1000` variants run whole: one run, every subtest.
        "location": 'globalThis.location = { search: "" };' if variants else "",
    }]
    parts.append(open(os.path.join(wpt, "resources", "testharness.js"), encoding="utf-8").read())
    parts.append(REPORTER)
    for s in scripts:
        if not os.path.exists(s):
            # The subset leaves out some helpers (idlharness's WebIDL parser):
            # such a file is out of scope.
            return None
        parts.append(open(s, encoding="utf-8").read())
    parts.append(src)
    return "\n;\n".join(parts)


def collect(wpt, only):
    paths = []
    for entry in FOLDERS:
        full = os.path.join(wpt, entry)
        if os.path.isfile(full):
            paths.append(entry)
            continue
        for folder, _, files in os.walk(full):
            for f in files:
                if f.endswith(".any.js"):
                    paths.append(os.path.relpath(os.path.join(folder, f), wpt))
    paths = sorted(set(paths))
    if only:
        paths = [p for p in paths if any(p == o or p.startswith(o.rstrip("/") + "/") or p.startswith(o) for o in only)]
    return paths


def parse(out):
    """Subtest results in order: [(name, status, message)], and whether the harness finished."""
    results, done = [], False
    for line in out.splitlines():
        if line.startswith("WPT-RESULT "):
            try:
                status, name, message = json.loads(line[len("WPT-RESULT "):])
            except ValueError:
                continue
            results.append((name, status, message))
        elif line.startswith("WPT-DONE "):
            done = True
    return results, done


def run(cmd, cwd, timeout):
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                           errors="replace")
        return r.stdout + "\n" + r.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return out + f"\n(timeout after {timeout} s)"


def keyed(results):
    """name -> status; a name repeated in one file is told apart by its count."""
    seen, keys = collections.Counter(), {}
    for name, status, message in results:
        seen[name] += 1
        key = name if seen[name] == 1 else f"{name} #{seen[name]}"
        keys[key] = (status, message)
    return keys


def listed(known, path, name):
    """The known-differences pattern that lists this subtest, if any."""
    for (file, pattern), _ in known.items():
        if file != path:
            continue
        if pattern == name or ("*" in pattern and re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), name, re.S)):
            return (file, pattern)
    return None


def read_known():
    known = {}
    if os.path.exists(KNOWN):
        for n, line in enumerate(open(KNOWN, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not fields[2].strip():
                raise SystemExit(f"{KNOWN}:{n}: expected FILE<TAB>SUBTEST<TAB>REASON")
            known[(fields[0], fields[1])] = fields[2]
    return known


def default_wpt():
    parent = os.path.dirname(ROOT)
    for folder in (parent, os.path.dirname(parent)):
        candidate = os.path.join(folder, "shared", "wpt")
        if os.path.isdir(candidate):
            return candidate
    return os.path.join(parent, "shared", "wpt")


def group_of(path):
    for prefix, label in GROUPS:
        if path.startswith(prefix):
            return label
    return path.split("/")[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("only", nargs="*", help="files or folders (relative to the WPT root) to run")
    ap.add_argument("--wpt", default=os.environ.get("JSW_WPT") or default_wpt())
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--jsw", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                  "release", "jsw"))
    ap.add_argument("--node", default="node")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--show", type=int, default=30, help="jsw-only failures to print")
    ap.add_argument("--show-all", action="store_true")
    ap.add_argument("--json", help="write every subtest's two results to this file")
    ap.add_argument("--keep", help="keep the composed files in this folder")
    a = ap.parse_args()
    # Subtest names hold lone surrogates (JSON-escaped by the reporter).
    sys.stdout.reconfigure(errors="backslashreplace")
    wpt = os.path.abspath(a.wpt)
    if not os.path.exists(os.path.join(wpt, "resources", "testharness.js")):
        print(f"wpt: skipped, no Web Platform Tests at {wpt} (a folder with resources/testharness.js; "
              "set JSW_WPT or --wpt)")
        return 0
    if not os.path.exists(a.jsw):
        raise SystemExit(f"wpt: {a.jsw} not found; build first (./x build)")
    paths = collect(wpt, a.only)
    if not paths:
        raise SystemExit(f"wpt: no .any.js files under {', '.join(a.only) or 'the measured folders'}")
    work = a.keep or tempfile.mkdtemp(prefix="jsw-wpt-")
    os.makedirs(work, exist_ok=True)
    os.environ["JSW_CACHE_DIR"] = os.path.join(work, "cache")
    os.environ["JSW_CACHE_MAX_MB"] = "256"

    def one(item):
        i, path = item
        d = os.path.join(work, str(i))
        os.makedirs(d, exist_ok=True)
        js = os.path.join(d, os.path.basename(path))
        composed = compose(wpt, path)
        if composed is None:
            return path, None, None
        with open(js, "w", encoding="utf-8") as f:
            f.write(composed)
        node_out = run([a.node, js], d, a.timeout)
        jsw_out = run([a.jsw, "run", js], d, a.timeout)
        return path, node_out, jsw_out

    started = time.time()
    rows = []
    try:
        with cf.ThreadPoolExecutor(a.jobs) as ex:
            for r in ex.map(one, enumerate(paths)):
                rows.append(r)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    known = read_known()
    per_group = collections.OrderedDict()
    unexpected, fixed, n_listed, record, used = [], [], 0, [], set()
    skipped = [path for path, node_out, _ in rows if node_out is None]
    for path, node_out, jsw_out in rows:
        if node_out is None:
            continue
        node_res, _ = parse(node_out)
        jsw_res, _ = parse(jsw_out)
        node_k, jsw_k = keyed(node_res), keyed(jsw_res)
        g = per_group.setdefault(group_of(path), collections.Counter())
        for name in list(node_k) + [n for n in jsw_k if n not in node_k]:
            n_status = node_k.get(name, ("MISSING", ""))[0]
            j_status, j_msg = jsw_k.get(name, ("MISSING", ""))
            g["subtests"] += 1
            g["node"] += n_status == "PASS"
            g["jsw"] += j_status == "PASS"
            record.append({"file": path, "subtest": name, "node": n_status, "jsw": j_status, "message": j_msg})
            entry = listed(known, path, name)
            if n_status == "PASS" and j_status != "PASS":
                g["jsw_only"] += 1
                if entry is not None:
                    n_listed += 1
                    used.add(entry)
                else:
                    tail = j_msg or (jsw_out.strip().splitlines() or ["(no output)"])[-1]
                    unexpected.append((path, name, j_status, tail))
            elif entry is not None and j_status == "PASS" and "*" not in entry[1]:
                fixed.append((path, name))
        if not node_k and not jsw_k:
            g["empty"] += 1
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=0)
    shown = unexpected if a.show_all else unexpected[: a.show]
    for path, name, status, msg in shown:
        print(f"FAIL {path} :: {name} [{status}]\n    {msg[:300]}")
    if len(unexpected) > len(shown):
        print(f"... and {len(unexpected) - len(shown)} more (--show-all)")
    for path, name in fixed:
        print(f"NOW PASSES {path} :: {name}: remove it from tests/wpt/known-differences.txt")
    # A pattern no failure matched is stale too (when its file ran).
    ran = {path for path, node_out, _ in rows if node_out is not None}
    stale = [k for k in known if k[0] in ran and k not in used]
    for path, pattern in stale:
        print(f"NOT NEEDED {path} :: {pattern}: nothing fails there now; remove it from tests/wpt/known-differences.txt")
    print(f"wpt: {len(paths) - len(skipped)} files from {wpt} in {time.time() - started:.0f} s ({len(skipped)} "
          "skipped: a helper they load is not in the subset)")
    print(f"| folder | subtests | Node passes | jsw passes | fail on jsw only |")
    print(f"| --- | --- | --- | --- | --- |")
    total = collections.Counter()
    for label, c in per_group.items():
        total.update(c)
        print(f"| {label} | {c['subtests']:,} | {c['node']:,} | {c['jsw']:,} | {c['jsw_only']:,} |")
    print(f"| **total** | **{total['subtests']:,}** | **{total['node']:,}** | **{total['jsw']:,}** | "
          f"**{total['jsw_only']:,}** |")
    share = 100.0 * total["jsw_only"] / max(1, total["node"])
    print(f"  jsw fails {total['jsw_only']} subtests Node passes ({share:.2f}% of them; {n_listed} listed as known, "
          f"{len(unexpected)} not listed)")
    return 1 if unexpected or fixed or stale else 0


if __name__ == "__main__":
    sys.exit(main())

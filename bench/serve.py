#!/usr/bin/env python3
"""The HTTP serving benchmark: a hello handler under `jsw serve` (one worker
per core, and one worker), under `wasmtime serve` (jsw's component and a
ComponentizeJS 0.23 component) and as a Node `http` server, each driven by
`wrk` with the same settings in one run. Prints a markdown table (requests/s,
p50/p99 latency, build time, module size) and the in-process cost of one
request from `jsw bench`.

    python3 bench/serve.py [--duration 10] [--connections 16] [--no-componentize-js]

ComponentizeJS is installed with npm into ~/.cache/jsw/bench-componentize-js
the first time (about 400 MB); --quick and --no-componentize-js skip it.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "bench" / "programs"
sys.path.insert(0, str(ROOT / "bench"))
from run import jsw_binary  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc, timeout=120):
    start = time.time()
    while time.time() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listened on port {port}")


def wrk(port, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"\s(50|99)%\s+([\d.]+\w+)", out))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failed responses:\n{out}")
    return rps, lat.get("50", "?"), lat.get("99", "?")


def serve(cmd, port, duration, connections, cwd=None):
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, proc)
        # Warm-up: compiled code loaded, pools filled.
        subprocess.run(["wrk", "-t1", "-c2", "-d1s", f"http://127.0.0.1:{port}/"], capture_output=True)
        return wrk(port, duration, connections)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def componentize_js_dir():
    """Where ComponentizeJS 0.23 is installed (with npm, the first time), or
    None when node/npm are missing."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jsw" / "bench-componentize-js"
    if not (cache / "node_modules" / "@bytecodealliance" / "componentize-js").exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                        "@bytecodealliance/componentize-js@0.23.0"], check=True, stdout=subprocess.DEVNULL)
    return cache


def componentize_js(out):
    """Builds the Service Worker form of the hello handler with ComponentizeJS;
    returns the build time in seconds, or None when node/npm are missing."""
    cache = componentize_js_dir()
    if cache is None:
        return None
    shutil.copy(ROOT / "bench" / "componentize_js.mjs", cache / "componentize_js.mjs")
    seconds = subprocess.run(["node", "componentize_js.mjs", str(PROGRAMS / "hello_handler_sw.js"), str(out)],
                             cwd=cache, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return float(seconds)


def wasmtime_cli():
    path = os.environ.get("JSW_WASMTIME") or shutil.which("wasmtime")
    return path if path and os.path.exists(path) else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    parser.add_argument("--no-componentize-js", action="store_true", help="do not measure ComponentizeJS")
    args = parser.parse_args()
    if args.quick:
        args.duration = 1
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (scripts/setup.sh installs it)")
    jsw = jsw_binary()
    work = Path(tempfile.mkdtemp(prefix="jsw-serve-bench-"))
    rows = []
    try:
        app = work / "hello.wasm"
        start = time.time()
        subprocess.run([jsw, "compile", str(PROGRAMS / "hello_handler.js"), "-o", str(app), "-q", "--no-cache"], check=True)
        build = time.time() - start
        size = app.stat().st_size

        cores = os.cpu_count() or 1
        port = free_port()
        rows.append((f"`jsw serve`, {cores} workers (fresh instance per request)", build, size,
                     serve([jsw, "serve", str(app), "--addr", f"127.0.0.1:{port}", "-q"], port, args.duration, args.connections)))
        port = free_port()
        rows.append(("`jsw serve --workers 1`", build, size,
                     serve([jsw, "serve", str(app), "--addr", f"127.0.0.1:{port}", "-q", "--workers", "1"],
                           port, args.duration, args.connections)))
        wasmtime = wasmtime_cli()
        if wasmtime:
            port = free_port()
            rows.append(("`wasmtime serve` 49, jsw's component", build, size,
                         serve([wasmtime, "serve", "-S", "cli=y", "--addr", f"127.0.0.1:{port}", str(app)], port, args.duration, args.connections)))
        if wasmtime and not args.quick and not args.no_componentize_js:
            cjs = work / "componentize-js.wasm"
            cjs_build = componentize_js(cjs)
            if cjs_build is not None:
                port = free_port()
                rows.append(("`wasmtime serve` 49, ComponentizeJS 0.23 component", cjs_build, cjs.stat().st_size,
                             serve([wasmtime, "serve", "-S", "cli=y", "--addr", f"127.0.0.1:{port}", str(cjs)],
                                   port, args.duration, args.connections)))
        if shutil.which("node"):
            port = free_port()
            rows.append(("Node `http` (one shared process)", None, None,
                         serve(["node", str(PROGRAMS / "hello_node.mjs"), str(port)], port, args.duration, args.connections)))
        per_request = json.loads(subprocess.run(
            [jsw, "bench", str(app), "-n", "50" if args.quick else "1000", "--json"],
            check=True, capture_output=True, text=True).stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"hello handler, wrk -t2 -c{args.connections} -d{args.duration}s, one run\n")
    print("| server | requests/s | p50 | p99 | build | module |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, build, size, (rps, p50, p99) in rows:
        b = f"{build:.2f} s" if build is not None else "–"
        s = f"{size / 1048576:.2f} MiB" if size is not None else "–"
        print(f"| {name} | {rps:,.0f} | {p50} | {p99} | {b} | {s} |")
    print("\nOne request in-process (`jsw bench`: instantiate, handle `GET /`, return the instance to the pool):\n")
    print("| component | median | p10–p90 | wasm instructions | page faults |")
    print("| --- | --- | --- | --- | --- |")
    for r in per_request:
        t = r["total"]
        name = "hello handler" if r["name"] == str(app) else r["name"]
        faults = r["faults"] if r["faults"] is not None else "–"
        print(f"| {name} | {t['median_ns'] / 1000:.0f} µs | {t['p10_ns'] / 1000:.0f}–{t['p90_ns'] / 1000:.0f} µs | "
              f"{r['fuel']:,} | {faults} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The HTTP serving benchmark: three apps, each served the same way in one run
and driven by `wrk` with the same settings:

- hello: a hello handler (`hello_handler.js`; Node twin `hello_node.mjs`, a
  plain `http` server);
- Hono: a Hono 4 app with a 5,000-user table built at its top level and a
  build-time warm-up (`hono/app.mjs`, routes `GET /` and `GET /users/42`; on
  Node the same file under @hono/node-server);
- index: a handler whose top level builds a 20,000-row index
  (`index_handler.mjs`, `GET /hello`; on Node under @hono/node-server).

Each under `jsw serve` (one worker per core, and one worker), `wasmtime serve`
(default, and with its pooling allocator) and Node, plus a ComponentizeJS 0.23
build of the hello handler under `wasmtime serve`. Then the in-process cost of
one request (`jsw bench`), a neighbour test (p99 of a cheap route while one
client keeps a CPU hog running) and the table of targets.

    python3 bench/serve.py [--duration 10] [--connections 16] [--no-componentize-js]

Hono and @hono/node-server (pinned in bench/programs/hono/package.json) and
ComponentizeJS are installed with npm into ~/.cache/jsw the first time;
--quick (a smoke run: hello and index under jsw serve and wasmtime serve, no
npm) skips them, as --no-componentize-js skips ComponentizeJS (~400 MB).
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
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "bench" / "programs"
sys.path.insert(0, str(ROOT / "bench"))
from run import jsw_binary  # noqa: E402


def cache_dir(name):
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jsw" / name


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


def millis(text):
    """wrk's latency (`1.98ms`, `759.00us`, `1.01s`) in milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return None
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]


def wrk(port, path, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"\s(50|99)%\s+([\d.]+\w+)", out))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failed responses from {path}:\n{out}")
    return {"rps": rps, "p50": lat.get("50", "?"), "p99": lat.get("99", "?")}


class Server:
    """A server process, started and waited for; stopped on exit."""

    def __init__(self, cmd, port, cwd=None):
        self.port = port
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def __enter__(self):
        wait_for(self.port, self.proc)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def load(self, paths, duration, connections):
        out = {}
        for path in paths:
            # Warm-up: compiled code loaded, pools filled, Node's JIT warm.
            subprocess.run(["wrk", "-t1", "-c2", "-d1s", f"http://127.0.0.1:{self.port}{path}"], capture_output=True)
            out[path] = wrk(self.port, path, duration, connections)
        return out


def npm_install(name, package_json):
    """Installs a package.json's pinned dependencies into ~/.cache/jsw/<name>
    (the first time, or when the pins change); None without node and npm."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    cache = cache_dir(name)
    cache.mkdir(parents=True, exist_ok=True)
    pins = package_json.read_text()
    if not (cache / "node_modules").exists() or (cache / "package.json").read_text() != pins:
        (cache / "package.json").write_text(pins)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    return cache


def componentize_js_dir():
    """Where ComponentizeJS 0.23 is installed (with npm, the first time), or
    None when node/npm are missing. bench/plugin.py uses it too."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    cache = cache_dir("bench-componentize-js")
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


def compile_app(jsw, source, out):
    start = time.time()
    subprocess.run([jsw, "compile", str(source), "-o", str(out), "-q", "--no-cache"], check=True)
    return time.time() - start, out.stat().st_size


def in_process(jsw, wasm, path, iterations):
    report = json.loads(subprocess.run(
        [jsw, "bench", str(wasm), "--path", path, "-n", str(iterations), "--json"],
        check=True, capture_output=True, text=True).stdout)[0]
    return {
        "median_us": report["total"]["median_ns"] / 1000,
        "p10_us": report["total"]["p10_ns"] / 1000,
        "p90_us": report["total"]["p90_ns"] / 1000,
        "fuel": report["fuel"],
        "faults": report["faults"],
    }


def neighbours(jsw, work, duration, connections):
    """p99 of `GET /` alone, then while one client keeps sending `GET /spin`
    (a loop that only the limits end) one request after another."""
    app = work / "hog.wasm"
    compile_app(jsw, PROGRAMS / "hog_handler.mjs", app)
    port = free_port()
    limits = ["--timeout", "1s", "--cpu-limit", "200ms"]
    with Server([jsw, "serve", str(app), "--addr", f"127.0.0.1:{port}", "-q", *limits], port) as server:
        alone = server.load(["/"], duration, connections)["/"]
        stop = threading.Event()
        hogs = [0]

        def hog():
            while not stop.is_set():
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/spin", timeout=5).read()
                except Exception:  # noqa: BLE001 (the hog is answered 5xx by design)
                    pass
                hogs[0] += 1

        thread = threading.Thread(target=hog, daemon=True)
        thread.start()
        time.sleep(0.5)
        beside = wrk(port, "/", duration, connections)
        stop.set()
        thread.join(timeout=10)
    return {"limits": " ".join(limits), "alone": alone, "beside": beside, "hog_requests": hogs[0]}


class Collector:
    """An OTLP/HTTP endpoint on loopback that takes every export and answers
    200, counting the bytes: what a local collector costs the server is only
    the sending."""

    def __enter__(self):
        import http.server

        received = self.received = [0]

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                received[0] += len(self.rfile.read(int(self.headers.get("content-length", 0))))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()


def telemetry(jsw, work, duration, connections):
    """req/s of the hello handler under `jsw serve --workers 1` with telemetry
    off, with traces and metrics sent to a local collector, with Prometheus
    scrapes answered, and with every request profiled, side by side."""
    app = work / "hello-telemetry.wasm"
    compile_app(jsw, PROGRAMS / "hello_handler.js", app)
    out = {}
    with Collector() as collector:
        variants = [
            ("off", []),
            ("--otlp (traces + metrics)", ["--otlp", f"http://127.0.0.1:{collector.port}"]),
            ("--metrics", ["--metrics", f"127.0.0.1:{free_port()}"]),
            ("--cpu-prof (every 1000 µs)", ["--cpu-prof-dir", str(work / "profiles")]),
        ]
        for name, flags in variants:
            port = free_port()
            with Server([jsw, "serve", str(app), "--addr", f"127.0.0.1:{port}", "-q", "--workers", "1", *flags],
                        port) as server:
                out[name] = server.load(["/"], duration, connections)["/"]
        out["exported_bytes"] = collector.received[0]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="short runs without npm, for a smoke test")
    parser.add_argument("--no-componentize-js", action="store_true", help="do not measure ComponentizeJS")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON to FILE")
    parser.add_argument("--telemetry-only", action="store_true",
                        help="only the cost of --otlp, --metrics and --cpu-prof on the hello handler")
    args = parser.parse_args()
    if args.quick:
        args.duration = 1
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (scripts/setup.sh installs it)")
    jsw = jsw_binary()
    wasmtime = wasmtime_cli()
    node = shutil.which("node")
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="jsw-serve-bench-"))
    if args.telemetry_only:
        t = telemetry(jsw, work, args.duration, args.connections)
        off = t["off"]["rps"]
        print("| `jsw serve --workers 1`, hello | req/s | p99 | vs off |")
        print("| --- | --- | --- | --- |")
        for name in ["off", "--otlp (traces + metrics)", "--metrics", "--cpu-prof (every 1000 µs)"]:
            print(f"| {name} | {t[name]['rps']:.0f} | {t[name]['p99']} | {t[name]['rps'] / off:.2f}× |")
        print(f"\n{t['exported_bytes']} bytes of OTLP received by the collector")
        if args.json:
            Path(args.json).write_text(json.dumps(t, indent=2))
        return
    hono = None if args.quick else npm_install("bench-hono", PROGRAMS / "hono" / "package.json")
    if hono is not None:
        for f in ["hono/app.mjs", "hono/node.mjs", "index_handler.mjs", "index_node.mjs"]:
            shutil.copy(PROGRAMS / f, hono / Path(f).name)

    # (name, source for jsw, Node twin or None, routes)
    apps = [("hello", PROGRAMS / "hello_handler.js", [node, str(PROGRAMS / "hello_node.mjs")] if node else None, ["/"])]
    if hono is not None:
        apps.append(("Hono", hono / "app.mjs", [node, str(hono / "node.mjs")], ["/", "/users/42"]))
        apps.append(("index", hono / "index_handler.mjs", [node, str(hono / "index_node.mjs")], ["/hello"]))
    else:
        apps.append(("index", PROGRAMS / "index_handler.mjs", None, ["/hello"]))

    results = {"duration": args.duration, "connections": args.connections, "apps": {}}
    try:
        for name, source, twin, routes in apps:
            wasm = work / f"{name}.wasm"
            build, size = compile_app(jsw, source, wasm)
            servers = {}
            port = free_port()
            with Server([jsw, "serve", str(wasm), "--addr", f"127.0.0.1:{port}", "-q"], port) as s:
                servers[f"`jsw serve`, {cores} workers"] = s.load(routes, args.duration, args.connections)
            port = free_port()
            with Server([jsw, "serve", str(wasm), "--addr", f"127.0.0.1:{port}", "-q", "--workers", "1"], port) as s:
                servers["`jsw serve --workers 1`"] = s.load(routes, args.duration, args.connections)
            if wasmtime:
                for label, extra in [("`wasmtime serve` 49", []), ("`wasmtime serve` 49, pooling", ["-O", "pooling-allocator=y"])]:
                    port = free_port()
                    # config=y: Hono's app.fetch takes `env`, so its component
                    # imports wasi:config (README: Configuration and storage).
                    with Server([wasmtime, "serve", "-S", "cli=y", "-S", "config=y", *extra,
                                 "--addr", f"127.0.0.1:{port}", str(wasm)], port) as s:
                        servers[label] = s.load(routes, args.duration, args.connections)
            if twin:
                port = free_port()
                with Server([*twin, str(port)], port) as s:
                    servers["Node 20 (one shared process)"] = s.load(routes, args.duration, args.connections)
            results["apps"][name] = {
                "build_s": build, "size": size, "routes": routes, "servers": servers,
                "in_process": {r: in_process(jsw, wasm, r, 50 if args.quick else 1000) for r in routes},
            }
        if wasmtime and not args.quick and not args.no_componentize_js:
            cjs = work / "componentize-js.wasm"
            cjs_build = componentize_js(cjs)
            if cjs_build is not None:
                servers = {}
                for label, extra in [("`wasmtime serve` 49", []), ("`wasmtime serve` 49, pooling", ["-O", "pooling-allocator=y"])]:
                    port = free_port()
                    with Server([wasmtime, "serve", "-S", "cli=y", *extra, "--addr", f"127.0.0.1:{port}", str(cjs)], port) as s:
                        servers[label] = s.load(["/"], args.duration, args.connections)
                results["componentize_js"] = {"build_s": cjs_build, "size": cjs.stat().st_size, "servers": servers}
        if not args.quick:
            results["neighbours"] = neighbours(jsw, work, args.duration, 32)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    report(results)


def report(results):
    print(f"wrk -t2 -c{results['connections']} -d{results['duration']}s per route, one run\n")
    print("| app | route | server | requests/s | p50 | p99 | vs Node |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, app in results["apps"].items():
        node = app["servers"].get("Node 20 (one shared process)")
        for route in app["routes"]:
            for server, by_route in app["servers"].items():
                r = by_route[route]
                ratio = f"{r['rps'] / node[route]['rps']:.2f}×" if node else "–"
                print(f"| {name} | `GET {route}` | {server} | {r['rps']:,.0f} | {r['p50']} | {r['p99']} | {ratio} |")
    cjs = results.get("componentize_js")
    if cjs:
        for server, by_route in cjs["servers"].items():
            r = by_route["/"]
            print(f"| hello (ComponentizeJS 0.23) | `GET /` | {server} | {r['rps']:,.0f} | {r['p50']} | {r['p99']} | – |")
    print("\nBuilds:\n")
    print("| app | build | module |")
    print("| --- | --- | --- |")
    for name, app in results["apps"].items():
        print(f"| {name} | {app['build_s']:.2f} s | {app['size'] / 1048576:.2f} MiB |")
    if cjs:
        print(f"| hello (ComponentizeJS 0.23) | {cjs['build_s']:.2f} s | {cjs['size'] / 1048576:.2f} MiB |")
    print("\nOne request in-process (`jsw bench --path`: instantiate, handle, read the body, return the instance to the pool):\n")
    print("| app | route | median | p10–p90 | wasm instructions | page faults |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, app in results["apps"].items():
        for route, r in app["in_process"].items():
            faults = r["faults"] if r["faults"] is not None else "–"
            print(f"| {name} | `GET {route}` | {r['median_us']:.0f} µs | {r['p10_us']:.0f}–{r['p90_us']:.0f} µs | "
                  f"{r['fuel']:,} | {faults} |")
    n = results.get("neighbours")
    if n:
        print(f"\nNeighbours (`jsw serve` {n['limits']}, wrk -c32 on `GET /`):\n")
        print("| | requests/s | p50 | p99 |")
        print("| --- | --- | --- | --- |")
        print(f"| alone | {n['alone']['rps']:,.0f} | {n['alone']['p50']} | {n['alone']['p99']} |")
        print(f"| while one client loops on `GET /spin` ({n['hog_requests']} hog requests) | "
              f"{n['beside']['rps']:,.0f} | {n['beside']['p50']} | {n['beside']['p99']} |")
    targets(results)


def targets(results):
    apps = results["apps"]
    cores = next(iter(apps["hello"]["servers"]))
    rows = []

    def rps(app, server, route):
        try:
            return apps[app]["servers"][server][route]["rps"]
        except KeyError:
            return None

    node = "Node 20 (one shared process)"
    hello_ratio = (rps("hello", cores, "/") or 0) / (rps("hello", node, "/") or float("inf"))
    if rps("hello", node, "/"):
        rows.append(("`jsw serve` hello vs Node `http`", f"{hello_ratio:.2f}×", "≥ 0.5×", hello_ratio >= 0.5))
    if "Hono" in apps and rps("Hono", node, "/users/42"):
        r = rps("Hono", cores, "/users/42") / rps("Hono", node, "/users/42")
        rows.append(("`jsw serve` Hono `GET /users/42` vs Hono on Node", f"{r:.2f}×", "≥ 0.4×", r >= 0.4))
    hello = apps["hello"]["in_process"]["/"]
    index = apps["index"]["in_process"]["/hello"]
    r = index["median_us"] / hello["median_us"]
    rows.append(("index app per request vs hello per request (in-process)", f"{r:.2f}×", "≤ 1.2×", r <= 1.2))
    rows.append(("hello per request in-process", f"{hello['median_us']:.0f} µs", "≤ 60 µs", hello["median_us"] <= 60))
    if "Hono" in apps:
        h = apps["Hono"]["in_process"]["/"]["median_us"]
        rows.append(("Hono `GET /` per request in-process, with warm-up", f"{h:.0f} µs", "≤ 100 µs", h <= 100))
    cjs = results.get("componentize_js")
    pooling = "`wasmtime serve` 49, pooling"
    if cjs and rps("hello", pooling, "/"):
        r = rps("hello", pooling, "/") / cjs["servers"][pooling]["/"]["rps"]
        rows.append(("`wasmtime serve` (pooling) hello: jsw component vs ComponentizeJS", f"{r:.2f}×", "≥ 4×", r >= 4))
    n = results.get("neighbours")
    if n:
        alone, beside = millis(n["alone"]["p99"]), millis(n["beside"]["p99"])
        if alone and beside:
            r = beside / alone
            rows.append(("p99 of a cheap route while one client loops on a CPU hog vs alone",
                         f"{n['beside']['p99']} vs {n['alone']['p99']} ({r:.1f}×)", "≤ 3×", r <= 3))
    print("\nTargets:\n")
    print("| | measured | target | |")
    print("| --- | --- | --- | --- |")
    for what, measured, target, met in rows:
        print(f"| {what} | {measured} | {target} | {'met' if met else 'not met'} |")


if __name__ == "__main__":
    main()

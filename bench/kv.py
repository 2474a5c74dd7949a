#!/usr/bin/env python3
"""The key-value benchmark: a handler doing one `get` and one `put` per
request (bench/programs/kv/handler.mjs) on jsw serve's embedded store and on
Redis, beside the same handler on Node with the same Redis (the `redis`
client; the embedded store has no Node twin, compare it with Redis). Each is
driven by `wrk` with the same settings, in one run, with a private
`redis-server` on a free port.

The latency a KV operation adds is measured with one connection (`wrk -c1`):
the mean latency of `GET /` (get + put) minus that of `GET /?kv=0` (the same
handler, no store), halved.

    python3 bench/kv.py [--duration 10] [--connections 16] [--workers N]

The Node client is installed with npm into ~/.cache/jsw/bench-kv the first
time (skipped without node and npm).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import jsw_binary  # noqa: E402
from serve import PROGRAMS, Server, free_port, millis, npm_install, wait_for, wrk  # noqa: E402


def mean_latency_ms(port, path, duration):
    """wrk -c1's mean latency of `path`, in ms."""
    out = subprocess.run(
        ["wrk", "-t1", "-c1", f"-d{duration}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "Latency":
            return millis(parts[1])
    raise SystemExit(f"no latency in wrk's output:\n{out}")


def measure(server, duration, connections):
    # Warm-up: compiled code loaded, pools filled, Node's JIT warm.
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", f"http://127.0.0.1:{server.port}/"], capture_output=True)
    load = wrk(server.port, "/", duration, connections)
    load["rps_no_kv"] = wrk(server.port, "/?kv=0", duration, connections)["rps"]
    with_kv = mean_latency_ms(server.port, "/", max(2, duration // 2))
    without = mean_latency_ms(server.port, "/?kv=0", max(2, duration // 2))
    return {**load, "added_ms": (with_kv - without) / 2}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    for tool in ["wrk", "redis-server"]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (scripts/setup.sh installs it)")
    jsw = jsw_binary()
    work = Path(tempfile.mkdtemp(prefix="jsw-kv-bench-"))
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    rows = {}
    try:
        wait_for(redis_port, redis)
        url = f"redis://127.0.0.1:{redis_port}"
        wasm = work / "kv.wasm"
        subprocess.run([jsw, "compile", str(PROGRAMS / "kv" / "handler.mjs"), "--kv", "STORE", "-o", str(wasm), "-q"],
                       check=True)
        base = [jsw, "serve", str(wasm), "-q", "--workers", str(args.workers)]
        port = free_port()
        with Server([*base, "--addr", f"127.0.0.1:{port}", "--kv", "STORE", "--data-dir", str(work / "data")], port) as s:
            rows[f"`jsw serve`, embedded store, {args.workers} workers"] = measure(s, args.duration, args.connections)
        port = free_port()
        with Server([*base, "--addr", f"127.0.0.1:{port}", "--kv", f"STORE={url}/1"], port) as s:
            rows[f"`jsw serve`, Redis, {args.workers} workers"] = measure(s, args.duration, args.connections)
        node = shutil.which("node")
        twin = npm_install("bench-kv", PROGRAMS / "kv" / "package.json")
        if node and twin is not None:
            shutil.copy(PROGRAMS / "kv" / "node.mjs", twin / "node.mjs")
            port = free_port()
            with Server([node, str(twin / "node.mjs"), str(port), f"{url}/2"], port) as s:
                rows["Node 20 + `redis` 5.10, Redis (one process)"] = measure(s, args.duration, args.connections)
    finally:
        redis.terminate()
        redis.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(f"`GET /`: one get and one put; wrk -t2 -c{args.connections} -d{args.duration}s, one run\n")
    print("| server | req/s | p50 | p99 | req/s without the store (`?kv=0`) | added per KV op (wrk -c1) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in rows.items():
        print(f"| {name} | {r['rps']:,.0f} | {r['p50']} | {r['p99']} | {r['rps_no_kv']:,.0f} "
              f"| {r['added_ms'] * 1000:.0f} µs |")


if __name__ == "__main__":
    main()

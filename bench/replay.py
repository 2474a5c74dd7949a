#!/usr/bin/env python3
"""What recording costs (`jsw serve --record`, `jsw run --record`), measured
side by side in one run.

- Serving: req/s of the hello handler and of the index handler (a 20,000-row
  table built at its top level) under `jsw serve --workers 1`, driven by `wrk`,
  with recording off, with `--record-errors` (every request taped, none
  failing, so none kept), with `--record-sample 0.01` and with `--record`
  (every request kept). The variants take turns, `--rounds` times, and each
  figure is the median of its rounds.
- Commands: the median wall time of `jsw run` of a program with and without
  `--record FILE`, and of `jsw replay FILE`.

    python3 bench/replay.py [--duration 5] [--connections 16] [--rounds 3] [-n 15]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "bench" / "programs"
sys.path.insert(0, str(ROOT / "bench"))
from run import jsw_binary  # noqa: E402
from serve import Server, compile_app, free_port  # noqa: E402


def serving(jsw, work, duration, connections, rounds):
    apps = {
        "hello": (PROGRAMS / "hello_handler.js", "/"),
        "index": (PROGRAMS / "index_handler.mjs", "/hello"),
    }
    variants = [
        ("off", []),
        ("--record-errors", ["--record", str(work / "records-errors"), "--record-errors"]),
        ("--record-sample 0.01", ["--record", str(work / "records-sample"), "--record-sample", "0.01"]),
        ("--record (all)", ["--record", str(work / "records-all")]),
    ]
    results = {}
    for app, (source, path) in apps.items():
        wasm = work / f"{app}.wasm"
        compile_app(jsw, source, wasm)
        figures = {name: [] for name, _ in variants}
        for _ in range(rounds):
            for name, flags in variants:
                port = free_port()
                cmd = [jsw, "serve", str(wasm), "--addr", f"127.0.0.1:{port}", "-q", "--workers", "1", *flags]
                with Server(cmd, port) as server:
                    figures[name].append(server.load([path], duration, connections)[path]["rps"])
        results[app] = {name: statistics.median(rps) for name, rps in figures.items()}
    kept = {name: len(list((work / d).glob("*.json")))
            for name, d in [("--record-errors", "records-errors"), ("--record-sample 0.01", "records-sample"),
                            ("--record (all)", "records-all")]}
    return results, kept


def median_seconds(cmd, runs, cwd):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def commands(jsw, work, runs):
    program = PROGRAMS / "compute.mjs"
    wasm = work / "compute.wasm"
    subprocess.run([jsw, "compile", str(program), "-o", str(wasm), "-q"], check=True)
    run = [jsw, "run", str(wasm)]
    subprocess.run(run, check=True, stdout=subprocess.DEVNULL)  # compiled code cached
    record = work / "compute.record.json"
    off = median_seconds(run, runs, work)
    on = median_seconds(run + ["--record", str(record)], runs, work)
    replay = median_seconds([jsw, "replay", str(record)], runs, work)
    return {"off": off, "record": on, "replay": replay, "record_bytes": record.stat().st_size}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-n", type=int, default=15)
    args = parser.parse_args()
    jsw = jsw_binary()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        served, kept = serving(jsw, work, args.duration, args.connections, args.rounds)
        ran = commands(jsw, work, args.n)
    print(f"| `jsw serve --workers 1`, wrk {args.connections} connections, median of {args.rounds} × "
          f"{args.duration} s | hello req/s | vs off | index req/s | vs off | records kept |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in served["hello"]:
        h, i = served["hello"][name], served["index"][name]
        ratio_h = h / served["hello"]["off"]
        ratio_i = i / served["index"]["off"]
        print(f"| {name} | {h:,.0f} | {ratio_h:.3f}× | {i:,.0f} | {ratio_i:.3f}× | {kept.get(name, 0):,} |")
    print()
    print(f"| `jsw run` compute.mjs | median of {args.n} | vs off |")
    print("| --- | --- | --- |")
    print(f"| without --record | {ran['off'] * 1000:.1f} ms | 1.00× |")
    print(f"| --record FILE ({ran['record_bytes']:,} bytes) | {ran['record'] * 1000:.1f} ms | "
          f"{ran['record'] / ran['off']:.3f}× |")
    print(f"| jsw replay FILE | {ran['replay'] * 1000:.1f} ms | {ran['replay'] / ran['off']:.3f}× |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""What `jsw run --cpu-prof` costs: the median wall time of a compiled
program run with and without the profiler, side by side, in one run.

    python3 bench/profile.py [-n RUNS] [--interval MICROSECONDS] [PROGRAM]
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def jsw_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "release" / "jsw")


def median_seconds(cmd, runs, cwd):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("program", nargs="?", default=str(ROOT / "bench" / "programs" / "compute.mjs"))
    parser.add_argument("-n", type=int, default=15)
    parser.add_argument("--interval", type=int, default=1000)
    args = parser.parse_args()
    jsw = jsw_binary()
    with tempfile.TemporaryDirectory() as work:
        wasm = Path(work) / "program.wasm"
        subprocess.run([jsw, "compile", args.program, "-o", str(wasm), "-q"], check=True)
        run = [jsw, "run", str(wasm)]
        subprocess.run(run, check=True, stdout=subprocess.DEVNULL)  # compiled code cached
        off = median_seconds(run, args.n, work)
        on = median_seconds(run + ["--cpu-prof", "--cpu-prof-interval", str(args.interval)], args.n, work)
    print(f"| `jsw run` {Path(args.program).name} | median of {args.n} | vs off |")
    print("| --- | --- | --- |")
    print(f"| without --cpu-prof | {off * 1000:.1f} ms | 1.00× |")
    print(f"| --cpu-prof (every {args.interval} µs) | {on * 1000:.1f} ms | {on / off:.3f}× |")


if __name__ == "__main__":
    main()

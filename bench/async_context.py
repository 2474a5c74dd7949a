#!/usr/bin/env python3
"""What the async context (AsyncLocalStorage, vendor/README.md) costs: the
median wall time of bench/programs/async_chain.mjs, a chain of async layers
awaited 220,000 times, with no store ever set and with every layer inside
AsyncLocalStorage.run(), side by side in one run, the runs interleaved
in a new order each round.

    python3 bench/async_context.py [-n RUNS] [--against OTHER_JSW]

`--against` adds the same program built by another jsw binary (one built
without the QuickJS patch, say) run with no store: the cost of the patch to
a program that never uses AsyncLocalStorage. Node runs it too, for scale.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "bench" / "programs" / "async_chain.mjs"


def jsw_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "release" / "jsw")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=15)
    parser.add_argument("--against", help="another jsw binary, run without a store")
    args = parser.parse_args()
    jsw = jsw_binary()
    with tempfile.TemporaryDirectory() as work:
        rows = []
        wasm = Path(work) / "chain.wasm"
        subprocess.run([jsw, "compile", str(PROGRAM), "-o", str(wasm), "-q"], check=True)
        rows.append(("jsw, no store", [jsw, "run", str(wasm)]))
        rows.append(("jsw, inside AsyncLocalStorage.run()", [jsw, "run", str(wasm), "--", "--store"]))
        if args.against:
            other = Path(work) / "other.wasm"
            subprocess.run([args.against, "compile", str(PROGRAM), "-o", str(other), "-q"], check=True)
            rows.append((f"{args.against}, no store", [args.against, "run", str(other)]))
        node = shutil.which("node")
        if node:
            rows.append(("node, no store", [node, str(PROGRAM)]))
            rows.append(("node, inside AsyncLocalStorage.run()", [node, str(PROGRAM), "--store"]))
        outputs = set()
        for _, cmd in rows:  # warm up: compiled code cached, outputs agree
            outputs.add(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, cwd=work).stdout)
        if len(outputs) != 1:
            raise SystemExit(f"the runs disagree: {outputs}")
        if args.against:
            # In one process, alternately: the wasm instructions (fuel) of one
            # run without a store, on both, exactly.
            bench = subprocess.run([jsw, "bench", "-n", "10", "--warmup", "1", str(other), str(wasm)],
                                   check=True, stdout=subprocess.PIPE, text=True).stdout
            fuel = {}
            for line in bench.splitlines():
                cols = line.split()
                # The first table's rows end in: fuel, faults, vs first, vs empty.
                name = Path(cols[0]).name if cols else None
                if name in (other.name, wasm.name) and name not in fuel:
                    fuel[name] = int(cols[-4])
        times = {name: [] for name, _ in rows}
        for _ in range(args.n):
            # A new order each round, so that no row always runs after another.
            for name, cmd in random.sample(rows, len(rows)):
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=work)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["jsw, no store"])
    print(f"| {PROGRAM.name} | median of {args.n} | vs jsw, no store |")
    print("| --- | --- | --- |")
    for name, _ in rows:
        m = statistics.median(times[name])
        print(f"| {name} | {m * 1000:.1f} ms | {m / base:.3f}× |")
    if args.against:
        print()
        print(f"wasm instructions of one run without a store: {fuel['other.wasm']:,} ({args.against}), "
              f"{fuel['chain.wasm']:,} (jsw): {fuel['chain.wasm'] / fuel['other.wasm']:.4f}×")


if __name__ == "__main__":
    main()

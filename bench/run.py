#!/usr/bin/env python3
"""jsw's benchmark: builds each program in bench/programs with and without the
snapshot and prints a markdown table of compile time (cold and warm cache), module
size, in-process instantiate+run medians (from `jsw bench`, all modules measured
alternately in one process) and whole-process times against Node.

    python3 bench/run.py                 # the table in README.md
    python3 bench/run.py -n 20 --quick   # a smoke run (CI)

Ratios, not absolute times, are the point: machines are noisy, but programs
measured in the same run see the same noise.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import native_qjs  # noqa: E402
ORACLE = os.path.join(ROOT, "tests", "support", "oracle.mjs")


def jsw_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    path = os.path.join(target, "release", "jsw")
    if not os.path.exists(path):
        sys.exit(f"bench: {path} not found; build first (./x build)")
    return path


def timed(cmd, env=None, cwd=None):
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{out.stderr.decode()}")
    return elapsed, out.stdout


def install_marked(work):
    """The npm-library program needs marked; None when npm cannot get it."""
    if os.path.isdir(os.path.join(work, "node_modules", "marked")):
        return True
    with open(os.path.join(work, "package.json"), "w") as f:
        json.dump({"private": True, "dependencies": {"marked": "14.1.4"}}, f)
    out = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                         cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return out.returncode == 0


def qjs_driver(work, name):
    """A module that runs the program as jsw does (top level, then main) under qjs."""
    path = os.path.join(work, f"{name}.qjs.mjs")
    with open(path, "w") as f:
        f.write(f'import * as m from "./{name}.mjs";\n'
                'const f = typeof m.main === "function" ? m.main : m.default;\n'
                'if (typeof f === "function") await f();\n')
    return path


def ms(seconds):
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200, help="instances per module in `jsw bench`")
    parser.add_argument("--processes", type=int, default=20, help="whole-process runs per program")
    parser.add_argument("--quick", action="store_true", help="few runs, for a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.n, args.processes = min(args.n, 20), 3
    jsw = jsw_binary()
    work = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "bench")
    os.makedirs(work, exist_ok=True)

    programs = []
    for name in ["hello", "compute"]:
        shutil.copy(os.path.join(HERE, "programs", f"{name}.mjs"), work)
        programs.append(name)
    subprocess.run([sys.executable, os.path.join(HERE, "programs", "gen_big.py"), os.path.join(work, "big.mjs")], check=True)
    programs.insert(1, "big")
    if install_marked(work):
        shutil.copy(os.path.join(HERE, "programs", "markdown.mjs"), work)
        programs.insert(2, "markdown")
    else:
        print("bench: npm could not install marked; the npm-library row is left out", file=sys.stderr)

    rows = []
    modules = []
    for name in programs:
        src = os.path.join(work, f"{name}.mjs")
        snap = os.path.join(work, f"{name}.wasm")
        lazy = os.path.join(work, f"{name}.nosnap.wasm")
        cache = tempfile.mkdtemp(prefix="jsw-bench-cache-")
        env = dict(os.environ, JSW_CACHE_DIR=cache)
        cold, _ = timed([jsw, "compile", "-q", src, "-o", snap], env=env)
        warm, _ = timed([jsw, "compile", "-q", src, "-o", snap], env=env)
        timed([jsw, "compile", "-q", "--no-snapshot", src, "-o", lazy], env=env)
        shutil.rmtree(cache, ignore_errors=True)
        modules += [snap, lazy]
        rows.append({"name": name, "src": src, "snap": snap, "lazy": lazy, "cold": cold, "warm": warm,
                     "size": os.path.getsize(snap), "js": os.path.getsize(src)})

    # In-process: every module in one `jsw bench` run, the empty module as floor.
    _, out = timed([jsw, "bench", "--json", "-n", str(args.n), "--warmup", "5", *modules])
    report = {r["name"]: r for r in json.loads(out)}
    floor = report["(empty module)"]["total"]["median_ns"] / 1e9
    for row in rows:
        row["in_snap"] = report[row["snap"]]["total"]["median_ns"] / 1e9
        row["in_lazy"] = report[row["lazy"]]["total"]["median_ns"] / 1e9

    # Whole processes, alternating jsw, native qjs and node so that all see the
    # same machine. qjs runs the programs that need no npm package.
    qjs = native_qjs.build(work)
    subprocess.run([jsw, "run", rows[0]["snap"]], stdout=subprocess.DEVNULL)  # fill the code cache
    have_node = shutil.which("node") is not None
    for row in rows:
        subprocess.run([jsw, "run", row["snap"]], stdout=subprocess.DEVNULL)
        driver = qjs_driver(work, row["name"]) if qjs and row["name"] != "markdown" else None
        jsw_times, node_times, qjs_times = [], [], []
        for _ in range(args.processes):
            jsw_times.append(timed([jsw, "run", row["snap"]])[0])
            if driver:
                qjs_times.append(timed([qjs, driver], cwd=work)[0])
            if have_node:
                node_times.append(timed(["node", ORACLE, row["src"]])[0])
        row["proc_jsw"] = statistics.median(jsw_times)
        row["proc_node"] = statistics.median(node_times) if node_times else None
        row["proc_qjs"] = statistics.median(qjs_times) if qjs_times else None

    hello = rows[0]
    print(f"jsw bench, {args.n} instances per module; {args.processes} whole processes per program; empty-module floor {ms(floor)}\n")
    print("| program | JS | compile cold / warm | module | instantiate+run (snapshot) | no snapshot | snapshot speed-up | vs floor | `jsw run` process | `node` process | node / jsw | native `qjs` process | jsw / qjs |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        node = ms(r["proc_node"]) if r["proc_node"] else "n/a"
        ratio = f"{r['proc_node'] / r['proc_jsw']:.1f}×" if r["proc_node"] else "n/a"
        native = ms(r["proc_qjs"]) if r["proc_qjs"] else "n/a"
        vs_native = f"{r['proc_jsw'] / r['proc_qjs']:.2f}×" if r["proc_qjs"] else "n/a"
        print(f"| {r['name']} | {r['js'] / 1024:.0f} KiB | {ms(r['cold'])} / {ms(r['warm'])} | {r['size'] / 1048576:.2f} MiB "
              f"| {ms(r['in_snap'])} | {ms(r['in_lazy'])} | {r['in_lazy'] / r['in_snap']:.0f}× | {r['in_snap'] / floor:.0f}× "
              f"| {ms(r['proc_jsw'])} | {node} | {ratio} | {native} | {vs_native} |")
    big = next((r for r in rows if r["name"] == "big"), None)
    compute = next((r for r in rows if r["name"] == "compute"), None)
    print("\nTargets:")
    if hello["proc_qjs"]:
        print(f"- hello `jsw run` process vs native qjs: {hello['proc_jsw'] / hello['proc_qjs']:.2f}× (target ≤ 2×)")
    if compute and compute["proc_qjs"]:
        print(f"- compute `jsw run` process vs native qjs: {compute['proc_jsw'] / compute['proc_qjs']:.2f}× (target ≤ 1.25×)")
    print(f"- hello in-process vs floor: {hello['in_snap'] / floor:.1f}× (target ≤ 3×)")
    if hello["proc_node"]:
        print(f"- hello `jsw run` process vs `node`: {hello['proc_jsw'] / hello['proc_node']:.3f}× (target ≤ 0.1×)")
    if big:
        print(f"- big program snapshot vs no snapshot in-process: {big['in_lazy'] / big['in_snap']:.0f}× faster (target ≥ 100×)")
        if big["proc_node"]:
            print(f"- big program `jsw run` vs `node`: {big['proc_node'] / big['proc_jsw']:.1f}× faster (target ≥ 20×)")
        print(f"- big program process vs hello process: {big['proc_jsw'] / hello['proc_jsw']:.2f}× (target ≤ 1.5×)")
    print(f"- warm `jsw compile hello`: {ms(hello['warm'])} (target ≤ 0.3 s)")


if __name__ == "__main__":
    main()

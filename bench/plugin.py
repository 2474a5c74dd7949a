#!/usr/bin/env python3
"""The plugin benchmark: the README's example (bench/programs/plugin, the same
WIT and the same JS) built by jsw and by ComponentizeJS 0.23, side by side in
one run. Prints a markdown table: component size, build time, instantiate +
first call and calls per second of `transform` on 1,000 items (and of
`version()`), measured in-process by `jsw bench --invoke` (wasmtime, the same
engine settings for both; host functions are stubs).

    python3 bench/plugin.py [-n 50] [--pooling] [--no-componentize-js] [--quick]

ComponentizeJS is installed with npm into ~/.cache/jsw/bench-componentize-js
the first time (about 400 MB).
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "bench" / "programs" / "plugin"
sys.path.insert(0, str(ROOT / "bench"))
from run import jsw_binary  # noqa: E402
from serve import componentize_js_dir  # noqa: E402


def items_call(n):
    """`transform([...])` in WAVE with n items: some without a price, some
    with banned tags, some discounted."""
    tags = [["sale"], [], ["spam"], ["clearance", "sale"], ["new"]]
    items = []
    for i in range(n):
        price = "none" if i % 7 == 0 else f"some({(i * 13) % 1200}.5)"
        t = ", ".join(f'"{x}"' for x in tags[i % 5])
        items.append(f'{{id: {i}, name: " Item {i} ", tags: [{t}], price: {price}}}')
    return "transform([" + ", ".join(items) + "])"


def build_jsw(jsw, out, runs, cache):
    """Median build time; without `cache`, the engine is compiled by Cranelift
    again (what the first build on a machine pays)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([jsw, "compile", str(PLUGIN / "plugin.js"), "--wit", str(PLUGIN / "wit"),
                        "--world", "transformer", "-o", str(out), "-q"] + ([] if cache else ["--no-cache"]),
                       check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_componentize_js(out, runs):
    cache = componentize_js_dir()
    if cache is None:
        return None
    shutil.copy(ROOT / "bench" / "componentize_plugin.mjs", cache / "componentize_plugin.mjs")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["node", "componentize_plugin.mjs", str(PLUGIN / "plugin.js"), str(PLUGIN / "wit"),
                        "transformer", str(out)], cwd=cache, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def invoke(jsw, call_file, components, n, pooling):
    cmd = [jsw, "bench", "--invoke", f"@{call_file}", "-n", str(n), "--json", *map(str, components)]
    if pooling:
        cmd.insert(2, "--pooling")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {r["name"]: r for r in json.loads(out)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50, help="measured instances and calls per figure")
    parser.add_argument("--builds", type=int, default=3, help="builds per tool (median)")
    parser.add_argument("--pooling", action="store_true", help="wasmtime's pooling allocator, as jsw serve uses it")
    parser.add_argument("--no-componentize-js", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: few samples, jsw only")
    args = parser.parse_args()
    if args.quick:
        args.n, args.builds, args.no_componentize_js = 3, 1, True
    jsw = jsw_binary()
    work = Path(tempfile.mkdtemp(prefix="jsw-plugin-bench-"))
    try:
        cold = build_jsw(jsw, work / "jsw.wasm", args.builds, cache=False)
        built = {"jsw": (work / "jsw.wasm", build_jsw(jsw, work / "jsw.wasm", args.builds, cache=True))}
        if not args.no_componentize_js:
            seconds = build_componentize_js(work / "componentize-js.wasm", args.builds)
            if seconds is not None:
                built["ComponentizeJS 0.23"] = (work / "componentize-js.wasm", seconds)
        paths = [p for p, _ in built.values()]
        (work / "items.wave").write_text(items_call(1000))
        (work / "version.wave").write_text("version()")
        figures = {
            "transform(1,000 items)": invoke(jsw, work / "items.wave", paths, args.n, args.pooling),
            "version()": invoke(jsw, work / "version.wave", paths, args.n if args.quick else max(args.n, 200),
                                args.pooling),
        }
        print(f"| | size | build | instantiate + first `transform` (1,000 items) | `transform` calls/s "
              f"| instantiate + first `version()` | `version()` calls/s |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        rows = {}
        for name, (path, seconds) in built.items():
            t = figures["transform(1,000 items)"][str(path)]
            v = figures["version()"][str(path)]
            rows[name] = (path.stat().st_size, seconds, t["total_us"], t["calls_per_second"], v["total_us"],
                          v["calls_per_second"])
            size, build, t_total, t_calls, v_total, v_calls = rows[name]
            print(f"| {name} | {size / 1048576:.2f} MiB | {build:.2f} s | {t_total / 1000:.2f} ms | {t_calls:,.0f} "
                  f"| {v_total:.0f} µs | {v_calls:,.0f} |")
        if len(rows) == 2:
            j, c = rows["jsw"], rows["ComponentizeJS 0.23"]
            print(f"| ComponentizeJS / jsw | {c[0] / j[0]:.1f}× | {c[1] / j[1]:.0f}× | {c[2] / j[2]:.1f}× "
                  f"| {j[3] / c[3]:.1f}× | {c[4] / j[4]:.1f}× | {j[5] / c[5]:.1f}× |")
        allocator = "pooling allocator (as `jsw serve`)" if args.pooling else "default allocator"
        peer = f" ({rows['ComponentizeJS 0.23'][1] / cold:.1f}× less than ComponentizeJS)" if len(rows) == 2 else ""
        print(f"\n(medians; `jsw bench --invoke`, wasmtime 48 in-process, {allocator}. jsw's build uses its cache "
              f"of the compiled engine; the first build on a machine, without it, took {cold:.2f} s{peer}.)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

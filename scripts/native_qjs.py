"""Native QuickJS-NG, built from the very source jsw's engine embeds (the
rquickjs-sys crate that Cargo.lock pins), optimised as QuickJS's own CMake release
build (-O3): the interpreter jsw runs, without WebAssembly. The benchmark compares
speed with it and the conformance run compares behaviour."""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(work):
    """The path of the qjs binary (built into `work` once), or None with the reason
    printed when there is no C compiler or no QuickJS source."""
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if meta.returncode != 0:
        print("native qjs: `cargo metadata` failed, so the QuickJS source was not found", file=sys.stderr)
        return None
    pkg = next((p for p in json.loads(meta.stdout)["packages"] if p["name"] == "rquickjs-sys"), None)
    cc = shutil.which("clang-19") or shutil.which("cc")
    if pkg is None or cc is None:
        print("native qjs: no rquickjs-sys package or no C compiler", file=sys.stderr)
        return None
    src = os.path.join(os.path.dirname(pkg["manifest_path"]), "quickjs")
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, f"qjs-from-rquickjs-sys-{pkg['version']}")
    if os.path.exists(exe):
        return exe
    files = ["qjs.c", "quickjs.c", "libregexp.c", "libunicode.c", "dtoa.c", "quickjs-libc.c",
             "gen/repl.c", "gen/standalone.c"]
    print(f"native qjs: building {exe} from {src}", file=sys.stderr)
    out = subprocess.run([cc, "-O3", "-DNDEBUG", "-funsigned-char", "-D_GNU_SOURCE", "-I", src, "-o", exe + ".tmp",
                          *[os.path.join(src, f) for f in files], "-lm", "-lpthread"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if out.returncode != 0:
        print(f"native qjs: building failed:\n{out.stderr.decode()[-2000:]}", file=sys.stderr)
        return None
    os.replace(exe + ".tmp", exe)
    return exe

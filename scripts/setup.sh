#!/usr/bin/env bash
# Prepares a machine to build jsw: the C toolchain QuickJS needs for wasm32-wasip1,
# the Rust target, and a clang sysroot in which Debian's wasi-libc is found under
# the target name clang-19 asks for. Idempotent: every step checks before it acts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sysroot="$here/.toolchain/wasi-sysroot"

need_apt=()
command -v clang-19 >/dev/null 2>&1 || need_apt+=(clang-19)
command -v llvm-ar-19 >/dev/null 2>&1 || need_apt+=(llvm-19)
[ -d /usr/include/wasm32-wasi ] || need_apt+=(wasi-libc)
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

# clang-19 --target=wasm32-wasip1 looks in <sysroot>/include/wasm32-wasip1; Debian ships
# wasi-libc as the multiarch name wasm32-wasi. Without both names clang silently falls
# back to glibc's headers and the build fails far from the cause.
mkdir -p "$sysroot/include" "$sysroot/lib"
for triple in wasm32-wasip1 wasm32-wasi; do
  ln -sfn /usr/include/wasm32-wasi "$sysroot/include/$triple"
  ln -sfn /usr/lib/wasm32-wasi "$sysroot/lib/$triple"
done
echo "setup: toolchain ready (sysroot $sysroot)" >&2

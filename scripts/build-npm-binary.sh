#!/usr/bin/env bash
# Builds the jsw binary that goes into the npm package @jsw/linux-x64, linked
# against glibc 2.17 (with cargo-zigbuild and Zig) instead of this machine's, so
# that the glibc of every distribution since 2014 can load it (RHEL/CentOS 7,
# Amazon Linux 2, Ubuntu 14.04, Debian 8 and later), then checks that floor and
# packs:
#
#   scripts/build-npm-binary.sh            build, check, pack (into <target>/npm)
#   scripts/build-npm-binary.sh --no-pack  build and check only
#
# The build has its own target dir ($JSW_NPM_TARGET_DIR, else
# ~/.cache/jsw/target-glibc): it is a second full build of jsw (wasmtime, swc and
# the engines: 17 minutes on 2 cores from nothing, sharing them with another
# build) and must not take the everyday build's place or its cargo lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The floor the package promises (README, launcher), kept in one place.
glibc="$(node --input-type=module -e 'import { FLOOR } from "./npm/scripts/glibc-floor.mjs"; console.log(FLOOR)')"
triple=x86_64-unknown-linux-gnu
pack=1
[ "${1:-}" = "--no-pack" ] && pack=0

if [ "$(uname -s) $(uname -m)" != "Linux x86_64" ]; then
  echo "build-npm-binary: builds the linux-x64 package, on a Linux x86_64 machine" >&2
  exit 2
fi
bash scripts/setup.sh --zigbuild

target_dir="${JSW_NPM_TARGET_DIR:-$HOME/.cache/jsw/target-glibc}"
mkdir -p "$target_dir"

# compiler/build.rs asks the linker to pack relocations as RELR
# (-z pack-relative-relocs). Only glibc 2.36 and later apply RELR relocations (the
# linker records that as a need of GLIBC_ABI_DT_RELR), and zig's linker driver
# rejects the flag anyway: the wrapper drops it and hands the rest to
# cargo-zigbuild's zig cc for the glibc floor. (The engines are built for wasm32
# with clang-19 by build.rs's nested cargo, whose environment is cleared: this
# linker setting does not reach them.)
zigbuild="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/cargo-zigbuild"
linker="$target_dir/zig-linker.sh"
cat >"$linker.tmp" <<EOF
#!/bin/sh
# Written by scripts/build-npm-binary.sh.
for a; do shift; [ "\$a" = "-Wl,-z,pack-relative-relocs" ] || set -- "\$@" "\$a"; done
exec "$zigbuild" zig cc -- -g -fno-sanitize=all -target x86_64-linux-gnu.$glibc "\$@"
EOF
chmod +x "$linker.tmp"
mv "$linker.tmp" "$linker"

start=$(date +%s)
CARGO_TARGET_DIR="$target_dir" \
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$linker" \
  "$zigbuild" zigbuild --release --locked -p jsw --target "$triple.$glibc"
binary="$target_dir/$triple/release/jsw"
echo "build-npm-binary: built $binary in $(($(date +%s) - start))s" >&2

# The floor, read from the binary itself; then that it runs here.
node npm/scripts/glibc-floor.mjs "$binary" --max "$glibc"
"$binary" --version >/dev/null

if [ "$pack" = 1 ]; then
  # pack.mjs checks the floor again, on the binary it copies into the package.
  node npm/scripts/pack.mjs --binary "$binary"
fi

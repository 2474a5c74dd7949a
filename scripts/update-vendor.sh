#!/usr/bin/env bash
# Refreshes the JS packages the engine embeds (engine/src/node/vendor/): each is
# a pinned npm release, copied unmodified with its licence. jsw's own additions
# to them live beside, in engine/src/node/*.js. Change a version here, run this,
# and commit what changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dest=engine/src/node/vendor
packages=(
  "buffer@6.0.3:index.js:buffer.js"
  "base64-js@1.5.1:index.js:base64-js.js"
  "ieee754@1.2.1:index.js:ieee754.js"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/VERSIONS"
for entry in "${packages[@]}"; do
  IFS=: read -r spec file target <<< "$entry"
  name=${spec%@*}
  (cd "$work" && npm pack --silent "$spec" > /dev/null)
  mkdir -p "$work/$name"
  tar -xzf "$work/${name}-${spec##*@}.tgz" -C "$work/$name" --strip-components=1
  cp "$work/$name/$file" "$dest/$target"
  cp "$work/$name/LICENSE" "$dest/LICENSE-$name"
  echo "$spec ($target, licence LICENSE-$name)" >> "$work/VERSIONS"
done
# Multi-file packages become one part each (scripts/vendor-bundle.mjs), with
# their licence: name@version:part name.
bundled=(
  "readable-stream@4.7.0:readable-stream"
)
for entry in "${bundled[@]}"; do
  IFS=: read -r spec target <<< "$entry"
  name=${spec%@*}
  (cd "$work" && npm pack --silent "$spec" > /dev/null)
  mkdir -p "$work/$name"
  tar -xzf "$work/${name}-${spec##*@}.tgz" -C "$work/$name" --strip-components=1
  node scripts/vendor-bundle.mjs "$work/$name" "$name" "$dest/$target.js"
  cp "$work/$name/LICENSE" "$dest/LICENSE-$name"
  echo "$spec ($target.js: lib/ wrapped by vendor-bundle.mjs, licence LICENSE-$name)" >> "$work/VERSIONS"
done
cp "$work/VERSIONS" "$dest/VERSIONS"
echo "updated $dest:"
cat "$dest/VERSIONS"

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
# Web streams: the WHATWG reference implementation's port, its UMD ponyfill
# build wrapped as one part (the glue is engine/src/globals/streams.js).
webstreams="web-streams-polyfill@4.3.0"
(cd "$work" && npm pack --silent "$webstreams" > /dev/null)
mkdir -p "$work/web-streams"
tar -xzf "$work/web-streams-polyfill-4.3.0.tgz" -C "$work/web-streams" --strip-components=1
{ echo "// $webstreams dist/ponyfill.js (see VERSIONS), wrapped by scripts/update-vendor.sh. Generated."
  echo "(jsw) => {"; echo "const exports = {}; const module = { exports };"
  cat "$work/web-streams/dist/ponyfill.js"; echo; echo "jsw.webStreams = exports;"; echo "};"; } > "$dest/web-streams.js"
cp "$work/web-streams/LICENSE" "$dest/LICENSE-web-streams-polyfill"
echo "$webstreams (web-streams.js: dist/ponyfill.js wrapped, licence LICENSE-web-streams-polyfill)" >> "$work/VERSIONS"
# Intl: FormatJS's ECMA-402 polyfills with their English locale data and the
# IANA time zones, bundled by esbuild into three parts that the compiler adds to
# programs that use them (compiler/src/bundle/builtins.rs).
formatjs=(
  "@formatjs/intl-getcanonicallocales@3.2.12"
  "@formatjs/intl-locale@5.3.12"
  "@formatjs/intl-pluralrules@6.3.16"
  "@formatjs/intl-numberformat@9.4.3"
  "@formatjs/intl-datetimeformat@7.8.1"
  "@formatjs/intl-relativetimeformat@13.0.1"
  "@formatjs/intl-listformat@8.3.15"
  "@formatjs/intl-segmenter@12.2.15"
  "@formatjs/intl-displaynames@7.3.15"
  "@formatjs/intl-supportedvaluesof@2.3.11"
)
mkdir -p "$work/intl"
(cd "$work/intl" && npm init -y > /dev/null && npm install --silent --no-audit --no-fund esbuild@0.24.0 "${formatjs[@]}")
bundle() { # name, then the modules it imports, in order
  local name=$1; shift
  : > "$work/intl/$name.entry.js"
  for m in "$@"; do echo "import \"$m\";" >> "$work/intl/$name.entry.js"; done
  (cd "$work/intl" && npx esbuild "$name.entry.js" --bundle --format=iife --minify-whitespace --minify-syntax \
    --legal-comments=none --log-level=warning --outfile="$name.iife.js")
  { echo "// $name: FormatJS polyfills (see VERSIONS), bundled by scripts/update-vendor.sh. Generated."
    echo "(jsw) => {"; cat "$work/intl/$name.iife.js"; echo "};"; } > "$dest/$name.js"
}
# Intl.Locale is in the core: the locale matching of the others needs it.
bundle intl-core @formatjs/intl-getcanonicallocales/polyfill-force.js @formatjs/intl-locale/polyfill-force.js \
  @formatjs/intl-pluralrules/polyfill-force.js @formatjs/intl-pluralrules/locale-data/en.js \
  @formatjs/intl-numberformat/polyfill-force.js @formatjs/intl-numberformat/locale-data/en.js \
  @formatjs/intl-listformat/polyfill-force.js @formatjs/intl-listformat/locale-data/en.js \
  @formatjs/intl-relativetimeformat/polyfill-force.js @formatjs/intl-relativetimeformat/locale-data/en.js \
  @formatjs/intl-displaynames/polyfill-force.js @formatjs/intl-displaynames/locale-data/en.js \
  @formatjs/intl-supportedvaluesof/polyfill-force.js
bundle intl-datetime @formatjs/intl-datetimeformat/polyfill-force.js \
  @formatjs/intl-datetimeformat/locale-data/en.js
# The IANA zones stay packed until a zone is used (globals/intl.js,
# installTimeZones): unpacked, all of them would be megabytes of every snapshot.
(cd "$work/intl" && node -e '
  let data;
  globalThis.Intl = { DateTimeFormat: { __addTZData: (d) => (data = d) } };
  require("@formatjs/intl-datetimeformat/add-all-tz.js");
  process.stdout.write("jsw.installTimeZones(" + JSON.stringify(data) + ");\n");
') > "$work/intl/tz.js"
sed -i '$d' "$dest/intl-datetime.js"
{ cat "$work/intl/tz.js"; echo "};"; } >> "$dest/intl-datetime.js"
bundle intl-segmenter @formatjs/intl-segmenter/polyfill-force.js
# Other locales, one part per locale and API group (jsw_wire::locales lists
# them): the compiler adds a locale's parts to programs that name it, or are
# built with --locale. Bundled as UTF-8 (half the size of escaped text).
locale_bundle() { # part name, then the locale-data modules
  local name=$1; shift
  : > "$work/intl/$name.entry.js"
  for m in "$@"; do
    [ -f "$work/intl/node_modules/$m" ] && echo "import \"$m\";" >> "$work/intl/$name.entry.js"
  done
  (cd "$work/intl" && npx esbuild "$name.entry.js" --bundle --format=iife --minify-whitespace --minify-syntax \
    --charset=utf8 --legal-comments=none --log-level=warning --outfile="$name.iife.js")
  { echo "// $name: FormatJS locale data (see VERSIONS), bundled by scripts/update-vendor.sh. Generated."
    echo "(jsw) => {"; cat "$work/intl/$name.iife.js"; echo "jsw.hideIntlTables();"; echo "};"; } > "$dest/$name.js"
}
for part in en-GB de fr es ja zh ar hi pt ru; do
  case $part in ar) tags="ar ar-EG";; *) tags=$part;; esac
  core=(); dt=()
  for api in pluralrules numberformat listformat relativetimeformat displaynames; do
    for t in $tags; do core+=("@formatjs/intl-$api/locale-data/$t.js"); done
  done
  for t in $tags; do dt+=("@formatjs/intl-datetimeformat/locale-data/$t.js"); done
  locale_bundle "intl-locale-$part" "${core[@]}"
  locale_bundle "intl-locale-$part-datetime" "${dt[@]}"
done
cp "$work/intl/node_modules/@formatjs/intl-numberformat/LICENSE.md" "$dest/LICENSE-formatjs"
for spec in "${formatjs[@]}"; do
  echo "$spec (intl-*.js, bundled with esbuild, licence LICENSE-formatjs)" >> "$work/VERSIONS"
done
cp "$work/VERSIONS" "$dest/VERSIONS"
echo "updated $dest:"
cat "$dest/VERSIONS"

// Property tests of the runtime's parsers, run inside a jsw module:
//   jsw run runtime.wasm -- <seed> <iterations>
// Inputs come from a seeded generator, so a failure is reproducible from the
// printed seed and iteration. Properties:
// - URL: parsing never throws anything but TypeError; serializing is idempotent
//   (new URL(u.href).href === u.href), and so is every component setter.
// - TextDecoder: decoding in random stream chunks equals decoding at once (fatal
//   and replacement modes); encode→decode round-trips any well-formed string.
// - console/inspect: formatting random nested values never throws.
// - atob/btoa: btoa(atob(x)) round-trips canonical base64.
// - output: strings with lone surrogates are written as Node writes them (U+FFFD
//   for each); after the summary line, every such string is printed raw (by
//   console.log and process.stdout.write) and as JSON of its well-formed form,
//   and tests/property.rs checks that the two agree byte for byte; inspect
//   escapes lone surrogates, so its output is always well-formed.
import { inspect, format } from "node:util";

let state = 0;
function rand() {
  // xorshift32: deterministic across engines.
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (n) => Math.floor(rand() * n);

const urlPieces = ["http", "https", "file", "ws", "mailto", "data", "blob", "x", ":", "//", "/", "\\", "?", "#", "@", ".", "..", "%", "%2e", "%41", "%zz", "[", "]", "::1", "127.0.0.1", "0x7f", "256", "example.com", "EXAMPLE.com", "münchen", "ñ", "😀", " ", "\t", "\n", "user:pw", ":80", ":443", ":99999", "a", "b", "&", "=", "+", "'", "\"", "<", "`", "{", "|", "\u0000", "\ud800"];
function randomUrl() {
  let s = "";
  const n = 1 + int(12);
  for (let i = 0; i < n; i++) s += pick(urlPieces);
  return s;
}

function randomBytes() {
  const n = int(40);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() < 0.5 ? int(128) : pick([0xc2, 0xc3, 0xe2, 0xf0, 0x80, 0xbf, 0xff, 0xed, 0xa0, 0xf4, 0x90, 0xe0]);
  return out;
}

function randomString() {
  let s = "";
  const n = int(20);
  for (let i = 0; i < n; i++) {
    const r = rand();
    s += r < 0.6 ? String.fromCharCode(32 + int(95)) : r < 0.8 ? String.fromCodePoint(0x80 + int(0x800)) : r < 0.9 ? String.fromCodePoint(0x10000 + int(0x1000)) : pick(["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"]);
  }
  return s;
}

function randomValue(depth) {
  const r = rand();
  if (depth > 3 || r < 0.3) return pick([0, -0, 1.5, NaN, 10n, "str", "it's", "", true, null, undefined, Symbol("s")]);
  if (r < 0.45) return Array.from({ length: int(8) }, () => randomValue(depth + 1));
  if (r < 0.55) return new Map([[randomValue(depth + 1), randomValue(depth + 1)]]);
  if (r < 0.6) return new Set([randomValue(depth + 1)]);
  if (r < 0.65) return new Date(int(1e12));
  if (r < 0.7) return new Error(randomString());
  const o = {};
  for (let i = 0; i < int(5); i++) o[randomString() || "k"] = randomValue(depth + 1);
  if (rand() < 0.1) o.self = o;
  return o;
}

function fail(what, input) {
  throw new Error(`property failed: ${what}; input ${JSON.stringify(input)}`);
}

export function main() {
  const [seedArg, itersArg] = process.argv.slice(2);
  const seed = Number(seedArg ?? 1) >>> 0 || 1;
  const iterations = Number(itersArg ?? 1000);
  let checks = 0;
  for (let i = 0; i < iterations; i++) {
    state = (seed * 2654435761 + i * 40503) >>> 0 || 1;
    const where = `seed ${seed} iteration ${i}`;
    // URL
    const input = randomUrl();
    const base = rand() < 0.5 ? "https://base.example/dir/page?q#h" : undefined;
    let url;
    try {
      url = new URL(input, base);
    } catch (e) {
      if (!(e instanceof TypeError)) fail(`${where}: URL threw ${e}`, input);
    }
    if (url) {
      const again = new URL(url.href);
      if (again.href !== url.href) fail(`${where}: URL not idempotent (${url.href} -> ${again.href})`, input);
      for (const key of ["protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"]) {
        // An empty search or hash reads as "" and setting "" removes the "?"/"#":
        // that is the standard's behaviour, not a bug.
        if ((key === "search" || key === "hash") && url[key] === "") continue;
        const copy = new URL(url.href);
        copy[key] = url[key];
        if (copy.href !== url.href) fail(`${where}: setting ${key} to itself changed ${url.href} to ${copy.href}`, input);
      }
      new URLSearchParams(url.search).toString();
      checks += 11;
    }
    // TextDecoder
    const bytes = randomBytes();
    for (const fatal of [false, true]) {
      let whole;
      try {
        whole = new TextDecoder("utf-8", { fatal }).decode(bytes);
      } catch (e) {
        if (!(e instanceof TypeError) || !fatal) fail(`${where}: decode threw ${e}`, Array.from(bytes));
        whole = e;
      }
      const d = new TextDecoder("utf-8", { fatal });
      let streamed = "";
      try {
        let at = 0;
        while (at < bytes.length) {
          const n = 1 + int(4);
          streamed += d.decode(bytes.subarray(at, at + n), { stream: true });
          at += n;
        }
        streamed += d.decode();
      } catch (e) {
        streamed = e;
      }
      const same = whole instanceof Error ? streamed instanceof Error : streamed === whole;
      if (!same) fail(`${where}: streamed decode differs (fatal=${fatal})`, Array.from(bytes));
      checks += 1;
    }
    const s = randomString();
    if (new TextDecoder().decode(new TextEncoder().encode(s)) !== s.toWellFormed()) fail(`${where}: UTF-8 round trip`, s);
    // base64
    const b64 = btoa(String.fromCharCode(...bytes));
    if (btoa(atob(b64)) !== b64) fail(`${where}: base64 round trip`, b64);
    // inspect / format / structuredClone
    const value = randomValue(0);
    try {
      inspect(value);
      inspect(value, { depth: 0 });
      // (%d %i %f %j coerce, and may throw exactly as they do in Node.)
      format("%s %o %O %c %%", value, value, value, value);
    } catch (e) {
      fail(`${where}: formatting threw ${e}`, "");
    }
    try {
      structuredClone(value);
    } catch (e) {
      if (!(e instanceof DOMException)) fail(`${where}: structuredClone threw ${e}`, "");
    }
    checks += 4;
  }
  console.log(`ok ${iterations} iterations, ${checks} checks`);
  state = seed;
  for (let i = 0; i < Math.min(iterations, 500); i++) {
    const s = randomString().replace(/\n/g, " ");
    if (!inspect([s, { [s]: s }]).isWellFormed()) fail("inspect left a lone surrogate", s);
    const expected = JSON.stringify(s.toWellFormed());
    console.log(`L ${s}`);
    process.stdout.write(`W ${s}\n`);
    console.log(`J ${expected}`);
  }
}

// Runs a jsw program under Node with jsw's semantics, so Node can produce (and
// keep checking) a fixture's expected output: the module's top level, then its
// exported `main` (or default function), awaited.
//   node oracle.mjs app.js [args...]
//   node oracle.mjs --script app.js [args...]   (a classic script: global code)
import { pathToFileURL } from "node:url";
import { resolve, basename } from "node:path";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const script = process.argv[2] === "--script";
if (script) process.argv.splice(2, 1);
const entry = resolve(process.argv[2]);
// The program sees [node, its own path, ...args], as under `node app.js args`.
process.argv.splice(1, 2, entry);
if (script) {
  // Node runs a file as CommonJS; vm.runInThisContext runs it as browsers and
  // jsw run a classic script entry, in the global scope.
  vm.runInThisContext(readFileSync(entry, "utf8"), { filename: basename(entry) });
} else {
  const m = await import(pathToFileURL(entry).href);
  const f = typeof m.main === "function" ? m.main : typeof m.default === "function" ? m.default : undefined;
  if (f) await f();
}

// Runs a jsw program under Node with jsw's semantics, so Node can produce (and
// keep checking) a fixture's expected output: the module's top level, then its
// exported `main` (or default function), awaited.
//   node oracle.mjs app.js [args...]
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const entry = resolve(process.argv[2]);
// The program sees [node, its own path, ...args], as under `node app.js args`.
process.argv.splice(1, 2, entry);
const m = await import(pathToFileURL(entry).href);
const f = typeof m.main === "function" ? m.main : typeof m.default === "function" ? m.default : undefined;
if (f) await f();

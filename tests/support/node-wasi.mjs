// Runs a WASI preview 1 command module under Node's built-in WASI, with stdio
// connected and the module's exit status passed through.
import { WASI } from "node:wasi";
import { readFileSync } from "node:fs";

const [path, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [path, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);

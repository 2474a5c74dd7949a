// Builds bench/programs/plugin with ComponentizeJS for bench/plugin.py:
// `node componentize_plugin.mjs <plugin.js> <wit dir> <world> <out.wasm>`, run
// from a directory where @bytecodealliance/componentize-js 0.23 is installed.
// Prints the build time in seconds.
import { componentize } from "@bytecodealliance/componentize-js";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";

const [source, wit, world, out] = process.argv.slice(2);
const start = Date.now();
const { component } = await componentize({ sourcePath: resolve(source), witPath: resolve(wit), worldName: world });
const seconds = (Date.now() - start) / 1000;
await writeFile(resolve(out), component);
console.log(seconds.toFixed(2));

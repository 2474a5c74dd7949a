// Builds a handler with ComponentizeJS for bench/serve.py, the SpiderMonkey-based
// peer: `node componentize_js.mjs <handler.js> <out.wasm>`, run from a directory
// where @bytecodealliance/componentize-js 0.23 is installed (serve.py copies this
// file there). Prints the build time in seconds.
//
// ComponentizeJS 0.23's engine (StarlingMonkey) is built against WASI 0.2.10 and
// handles `wasi:http/incoming-handler` through its fetch-event feature. The world
// is wasi:http/proxy; its WIT comes from the jco package ComponentizeJS depends
// on, which ships WASI 0.2.12's: the interfaces are the same, so the package
// versions are rewritten to the 0.2.10 the engine imports.
import { componentize } from "@bytecodealliance/componentize-js";
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const [source, out] = process.argv.slice(2).map((p) => resolve(p));
const builtin = "node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12";
const wit = resolve("wit");
await rm(wit, { recursive: true, force: true });
await mkdir(join(wit, "deps"), { recursive: true });
for (const pkg of ["wasi-http", "wasi-io", "wasi-clocks", "wasi-random", "wasi-cli", "wasi-filesystem", "wasi-sockets"]) {
  await cp(join(builtin, pkg), join(wit, "deps", pkg), { recursive: true });
}
async function rewrite(dir) {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) await rewrite(path);
    else if (name.endsWith(".wit")) await writeFile(path, (await readFile(path, "utf8")).replaceAll("@0.2.12", "@0.2.10"));
  }
}
await rewrite(join(wit, "deps"));
await writeFile(join(wit, "world.wit"), "package local:bench;\nworld app { include wasi:http/proxy@0.2.10; }\n");
const start = Date.now();
const { component } = await componentize({ sourcePath: source, witPath: wit, worldName: "app" });
const seconds = (Date.now() - start) / 1000;
await writeFile(out, component);
console.log(seconds.toFixed(2));

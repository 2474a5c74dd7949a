// End to end: pack the real packages, install the tarballs into a fresh project
// without the registry, then use `npx jsw` and the JS API there.
// Needs a built jsw (JSW_BUILT_BINARY, or target/release/jsw).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const binary = process.env.JSW_BUILT_BINARY ?? path.join(target, "release", "jsw");

test("packed tarballs install offline and work through npx and the API", { skip: !fs.existsSync(binary) && `no jsw binary at ${binary}` }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "jsw-npm-e2e-"));
  const out = path.join(work, "tarballs");
  const packed = execFileSync(process.execPath, [path.join(root, "npm", "scripts", "pack.mjs"), "--binary", binary, "--out", out, "--allow-newer-glibc"], { encoding: "utf8" })
    .trim()
    .split("\n");
  assert.equal(packed.length, 2);

  const project = path.join(work, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "e2e", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", ...packed], { cwd: project, stdio: "pipe" });

  fs.writeFileSync(path.join(project, "app.ts"), 'const n: number = 21;\nexport function main(): void { console.log("from npx", n * 2, process.argv.slice(2)); }\n');
  const compile = spawnSync("npx", ["jsw", "compile", "-q", "app.ts", "-o", "app.wasm"], { cwd: project, encoding: "utf8" });
  assert.equal(compile.status, 0, compile.stderr);
  const run = spawnSync("npx", ["jsw", "run", "app.wasm", "--", "x"], { cwd: project, encoding: "utf8" });
  assert.equal(run.stdout, "from npx 42 [ 'x' ]\n");
  assert.equal(run.status, 0);

  fs.writeFileSync(path.join(project, "bad.ts"), "let x: number = ;\n");
  fs.writeFileSync(path.join(project, "calc.wit"), "package acme:calc;\nworld calc {\n  export add: func(a: s32, b: s32) -> s32;\n}\n");
  fs.writeFileSync(path.join(project, "calc.ts"), "export function add(a: number, b: number): number { return a + b; }\n");
  fs.writeFileSync(
    path.join(project, "api.mjs"),
    `import { compile, run, JswCompileError } from "@jsw/cli";
const { wasm, buildOutput } = await compile({ input: "app.ts", output: "api.wasm" });
console.log(wasm[0] === 0 && wasm[1] === 0x61, buildOutput.stdout === "");
const result = await run({ module: "api.wasm", args: ["y"] });
console.log(result.status, JSON.stringify(result.stdout));
try {
  await compile({ input: "bad.ts" });
} catch (e) {
  console.log(e instanceof JswCompileError, JSON.stringify(e.diagnostics));
}
const plugin = await compile({ input: "calc.ts", wit: "calc.wit", world: "calc", output: "calc.wasm" });
const added = await run({ module: "calc.wasm", invoke: "add(40, 2)" });
console.log(plugin.wasm[4] === 0x0d, added.status, JSON.stringify(added.stdout));
`,
  );
  const api = spawnSync(process.execPath, ["api.mjs"], { cwd: project, encoding: "utf8" });
  assert.equal(api.stderr, "");
  assert.equal(
    api.stdout,
    'true true\n0 "from npx 42 [ \'y\' ]\\n"\ntrue [{"message":"Expression expected","file":"bad.ts","line":1,"column":17,"sourceLine":"let x: number = ;"}]\ntrue 0 "42\\n"\n',
  );
  fs.rmSync(work, { recursive: true, force: true });
});

test("npm package versions follow Cargo.toml", () => {
  execFileSync(process.execPath, [path.join(root, "npm", "scripts", "pack.mjs"), "--check"], { stdio: "pipe" });
});

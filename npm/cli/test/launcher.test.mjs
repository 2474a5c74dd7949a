// The launcher (bin/jsw) and the binary lookup, with a fake jsw binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { findBinary, linuxLibc, BinaryNotFound } = require("../lib/binary.js");
const launcher = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "jsw");

// A stand-in for jsw: prints its arguments, exits with $FAKE_STATUS, and on
// SIGTERM prints a line and exits 42.
function fakeBinary() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jsw-fake-"));
  const file = path.join(dir, "jsw");
  fs.writeFileSync(
    file,
    `#!/bin/sh
trap 'echo "fake got TERM"; exit 42' TERM
if [ "$1" = "wait" ]; then echo ready; while true; do sleep 0.05; done; fi
for a in "$@"; do echo "arg:$a"; done
read -r line && echo "stdin:$line"
exit \${FAKE_STATUS:-0}
`,
  );
  fs.chmodSync(file, 0o755);
  return file;
}

test("arguments, stdin and stdout pass through", () => {
  const binary = fakeBinary();
  const r = spawnSync(process.execPath, [launcher, "compile", "app.ts", "--out dir"], {
    env: { ...process.env, JSW_BINARY: binary },
    input: "piped\n",
    encoding: "utf8",
  });
  assert.equal(r.stdout, "arg:compile\narg:app.ts\narg:--out dir\nstdin:piped\n");
  assert.equal(r.status, 0);
});

test("the exit status comes back", () => {
  const binary = fakeBinary();
  const r = spawnSync(process.execPath, [launcher, "run"], {
    env: { ...process.env, JSW_BINARY: binary, FAKE_STATUS: "7" },
    input: "",
    encoding: "utf8",
  });
  assert.equal(r.status, 7);
});

test("signals are forwarded to the binary", async () => {
  const binary = fakeBinary();
  const child = spawn(process.execPath, [launcher, "wait"], { env: { ...process.env, JSW_BINARY: binary } });
  let out = "";
  await new Promise((resolve) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("ready")) resolve();
    });
  });
  child.kill("SIGTERM");
  const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
  assert.match(out, /fake got TERM/);
  assert.equal(code, 42);
});

test("JSW_BINARY overrides the platform package", () => {
  const binary = fakeBinary();
  assert.equal(findBinary({ env: { JSW_BINARY: binary } }), binary);
  assert.throws(() => findBinary({ env: { JSW_BINARY: "/nonexistent/jsw" } }), {
    message: "JSW_BINARY is set to /nonexistent/jsw, but there is no file there.",
  });
});

test("a missing platform package gets an explanation", () => {
  const missing = () => {
    throw new Error("not found");
  };
  assert.throws(() => findBinary({ env: {}, platform: "linux", arch: "x64", resolve: missing }), (e) => {
    assert.ok(e instanceof BinaryNotFound);
    assert.equal(
      e.message,
      "The package @jsw/linux-x64, which holds the jsw binary for linux x64, is not installed. It is an optional dependency of @jsw/cli: reinstall without --no-optional / --omit=optional. (Or set JSW_BINARY to a jsw binary.)",
    );
    return true;
  });
  // node_modules copied from a Mac: the darwin package is there, ours is not.
  const fromMac = (spec) => {
    if (spec === "@jsw/darwin-arm64/package.json") return "/x/package.json";
    throw new Error("not found");
  };
  assert.throws(() => findBinary({ env: {}, platform: "linux", arch: "x64", resolve: fromMac }), {
    message: /Found @jsw\/darwin-arm64 instead: node_modules was probably copied from another platform; run npm install here\./,
  });
  assert.throws(() => findBinary({ env: {}, platform: "aix", arch: "ppc64" }), { message: /jsw has no binary for aix ppc64/ });
});

test("the launcher prints the problem and exits 1 without a binary", () => {
  const r = spawnSync(process.execPath, [launcher, "--help"], {
    env: { ...process.env, JSW_BINARY: "/nonexistent/jsw" },
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "jsw: JSW_BINARY is set to /nonexistent/jsw, but there is no file there.\n");
});

test("on musl the launcher says the binary needs glibc, and what to do", () => {
  const expected =
    "jsw's Linux binary (@jsw/linux-x64) is built for glibc 2.17 or later, and this system uses musl libc (Alpine Linux?), which cannot run it. " +
    "Run jsw on a glibc-based system or container image (Debian, Ubuntu, RHEL, Amazon Linux; e.g. node:20-slim instead of node:20-alpine), " +
    "or set JSW_BINARY to a jsw built for this system.";
  // npm skipped the glibc-only package...
  const missing = () => {
    throw new Error("not found");
  };
  assert.throws(() => findBinary({ env: {}, platform: "linux", arch: "x64", resolve: missing, libc: () => "musl" }), { message: expected });
  // ...or node_modules came from a glibc machine, with a binary that cannot start here.
  const copied = (spec) => `/x/node_modules/${spec}`;
  assert.throws(() => findBinary({ env: {}, platform: "linux", arch: "x64", resolve: copied, libc: () => "musl" }), { message: expected });
  // JSW_BINARY (a jsw built for musl) still wins; glibc finds the package.
  const binary = fakeBinary();
  assert.equal(findBinary({ env: { JSW_BINARY: binary }, platform: "linux", arch: "x64", libc: () => "musl" }), binary);
  assert.equal(findBinary({ env: {}, platform: "linux", arch: "x64", resolve: copied, libc: () => "glibc" }), "/x/node_modules/@jsw/linux-x64/bin/jsw");
});

test("the C library is told by the loader's file, else by Node's report", () => {
  let asked = 0;
  const report = (header) => () => {
    asked++;
    return { header };
  };
  assert.equal(linuxLibc({ arch: "x64", exists: (f) => f === "/lib64/ld-linux-x86-64.so.2", report: report({}) }), "glibc");
  assert.equal(asked, 0, "the report is not made when the loader is there");
  assert.equal(linuxLibc({ arch: "x64", exists: () => false, report: report({ glibcVersionRuntime: "2.31" }) }), "glibc");
  assert.equal(linuxLibc({ arch: "arm64", exists: () => false, report: report({}) }), "musl");
  const broken = () => {
    throw new Error("no report");
  };
  assert.equal(linuxLibc({ arch: "x64", exists: () => false, report: broken }), "unknown");
  // This machine (CI's too) is glibc.
  if (process.platform === "linux") assert.equal(linuxLibc(), "glibc");
});

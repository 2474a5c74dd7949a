// The glibc floor of the Linux binary that goes into @jsw/linux-x64: read from
// the ELF file by npm/scripts/glibc-floor.mjs, enforced by pack.mjs, and met by
// the binary scripts/build-npm-binary.sh builds (checked when it is there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { versionNeeds, glibcFloor, checkFloor, compare, FLOOR } from "../../scripts/glibc-floor.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const linux = process.platform === "linux";
const hasObjdump = linux && spawnSync("objdump", ["--version"]).status === 0;

test("the floor is the newest GLIBC_ version a binary needs", () => {
  assert.deepEqual(glibcFloor([]), { floor: "0", by: null });
  const needs = (...names) => names.map((name) => ({ file: "libc.so.6", name }));
  assert.deepEqual(glibcFloor(needs("GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.3.4", "GCC_3.0")), { floor: "2.17", by: "GLIBC_2.17" });
  assert.deepEqual(glibcFloor(needs("GLIBC_2.9", "GLIBC_2.10")), { floor: "2.10", by: "GLIBC_2.10" });
  // RELR relocations (-z pack-relative-relocs) are applied by glibc 2.36 on.
  assert.deepEqual(glibcFloor(needs("GLIBC_2.34", "GLIBC_ABI_DT_RELR")), { floor: "2.36", by: "GLIBC_ABI_DT_RELR" });
  assert.equal(glibcFloor(needs("GLIBC_2.17", "GLIBC_PRIVATE")).floor, "Infinity");
});

test("the versions read from the ELF file are the ones objdump shows", { skip: !hasObjdump && "needs Linux and objdump" }, () => {
  for (const binary of [process.execPath, "/bin/sh"]) {
    const ours = new Set(versionNeeds(fs.readFileSync(fs.realpathSync(binary))).map((n) => n.name));
    const theirs = new Set(execFileSync("objdump", ["-T", fs.realpathSync(binary)], { encoding: "utf8", maxBuffer: 64 << 20 }).match(/\bGLIBC_[A-Z_]*[0-9.]*[0-9]\b|\bGLIBC_[A-Z_]+\b/g));
    for (const name of theirs) assert.ok(ours.has(name), `${binary}: ${name} missing from ${[...ours]}`);
    assert.ok([...ours].some((n) => n.startsWith("GLIBC_")), binary);
  }
  assert.throws(() => versionNeeds(Buffer.from("#!/bin/sh\n")), { message: "not an ELF file" });
});

test("pack.mjs refuses a Linux binary that needs a newer glibc than the package promises", { skip: !linux && "Linux only" }, () => {
  // Node itself needs glibc 2.28 here: newer than the floor, as any binary built
  // against this machine's glibc is.
  const { floor } = glibcFloor(versionNeeds(fs.readFileSync(process.execPath)));
  assert.ok(compare(floor, FLOOR) > 0, floor);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "jsw-pack-"));
  const r = spawnSync(process.execPath, [path.join(root, "npm", "scripts", "pack.mjs"), "--binary", process.execPath, "--out", out], { encoding: "utf8" });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`needs glibc ${floor.replace(".", "\\.")} \\(it uses GLIBC_${floor.replace(".", "\\.")}\\), but the npm package promises glibc 2\\.17: build it with scripts/build-npm-binary\\.sh`));
  assert.deepEqual(fs.readdirSync(out), []);
});

// The binary scripts/build-npm-binary.sh made (not built by ./x test: see the README).
const target = process.env.JSW_NPM_TARGET_DIR ?? path.join(os.homedir(), ".cache", "jsw", "target-glibc");
const npmBinary = process.env.JSW_NPM_BINARY ?? path.join(target, "x86_64-unknown-linux-gnu", "release", "jsw");
test("the package's binary needs no glibc newer than the floor, and runs", { skip: !fs.existsSync(npmBinary) && `no ${npmBinary} (scripts/build-npm-binary.sh builds it)` }, () => {
  const { floor } = checkFloor(npmBinary, FLOOR);
  assert.ok(compare(floor, FLOOR) <= 0, floor);
  const r = spawnSync(npmBinary, ["--version"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^jsw /);
});

test("the launcher names the same floor as the packer", async () => {
  const { GLIBC_FLOOR } = (await import("../lib/binary.js")).default;
  assert.equal(GLIBC_FLOOR, FLOOR);
});

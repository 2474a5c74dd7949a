#!/usr/bin/env node
// Builds the npm packages from a freshly built jsw binary:
//   node npm/scripts/pack.mjs [--binary PATH] [--out DIR]   sync versions, copy the binary, npm pack
//   node npm/scripts/pack.mjs --check                        fail if versions drifted from Cargo.toml
// A Linux binary must run on glibc FLOOR (glibc-floor.mjs): one that needs a newer
// glibc (any binary built the everyday way, against this machine's) is refused,
// unless --allow-newer-glibc (for tests that pack a development build). The
// published one comes from scripts/build-npm-binary.sh, which builds and packs it.
// Versions follow Cargo.toml's [workspace.package] version, in lock-step: the main
// package pins each platform package to exactly its own version.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkFloor, FLOOR } from "./glibc-floor.mjs";

const npmDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(npmDir);
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const cargo = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
const version = /\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(cargo)?.[1];
if (!version) throw new Error("no [workspace.package] version in Cargo.toml");

const platforms = fs.readdirSync(path.join(npmDir, "platforms")).sort();
const manifests = [path.join(npmDir, "cli", "package.json"), ...platforms.map((p) => path.join(npmDir, "platforms", p, "package.json"))];

let drift = [];
for (const file of manifests) {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const before = JSON.stringify(json);
  json.version = version;
  if (json.optionalDependencies) {
    for (const dep of Object.keys(json.optionalDependencies)) json.optionalDependencies[dep] = version;
  }
  if (JSON.stringify(json) !== before) {
    drift.push(path.relative(root, file));
    if (!args.includes("--check")) fs.writeFileSync(file, JSON.stringify(json, null, 2) + "\n");
  }
}
if (args.includes("--check")) {
  if (drift.length > 0) {
    console.error(`versions differ from Cargo.toml (${version}) in: ${drift.join(", ")}; run node npm/scripts/pack.mjs`);
    process.exit(1);
  }
  console.log(`npm package versions match Cargo.toml (${version})`);
  process.exit(0);
}

const current = `${process.platform}-${process.arch}`;
if (!platforms.includes(current)) throw new Error(`no platform package for ${current}`);
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const binary = opt("--binary") ?? path.join(target, "release", process.platform === "win32" ? "jsw.exe" : "jsw");
if (!fs.existsSync(binary)) throw new Error(`${binary} not found: build jsw first (./x build)`);
if (process.platform === "linux" && !args.includes("--allow-newer-glibc")) {
  try {
    checkFloor(binary, FLOOR);
  } catch (e) {
    console.error(`${e.message} (or pass --allow-newer-glibc for a package that stays on this machine)`);
    process.exit(1);
  }
}
const binDir = path.join(npmDir, "platforms", current, "bin");
fs.mkdirSync(binDir, { recursive: true });
const dest = path.join(binDir, path.basename(binary));
fs.copyFileSync(binary, dest);
fs.chmodSync(dest, 0o755);

const out = path.resolve(opt("--out") ?? path.join(target, "npm"));
fs.mkdirSync(out, { recursive: true });
for (const dir of [path.join(npmDir, "cli"), path.join(npmDir, "platforms", current)]) {
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop();
  console.log(path.join(out, name));
}

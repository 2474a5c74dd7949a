"use strict";
// The JS API of jsw: compile programs and run modules from Node, through the
// native binary the launcher uses.
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { findBinary } = require("./lib/binary.js");

/** A failed compile: `diagnostics` says where, `buildOutput` what the top level printed. */
class JswCompileError extends Error {
  constructor(report, status) {
    super(report.error.message);
    this.name = "JswCompileError";
    this.status = status;
    const { message, file, line, column, sourceLine } = report.error;
    this.diagnostics = [file === undefined ? { message } : { message, file, line, column, sourceLine }];
    this.buildOutput = report.buildOutput;
  }
}

function exec(binary, args, { cwd, stdin, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env: env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (status, signal) =>
      resolve({ status: status ?? 128, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(stdin ?? "");
  });
}

function buildLines(stderr) {
  const output = { stdout: "", stderr: "" };
  for (const line of stderr.split("\n")) {
    const m = /^\[build (stdout|stderr)\] (.*)$/.exec(line);
    if (m) output[m[1]] += `${m[2]}\n`;
  }
  return output;
}

/**
 * Compiles `input` into a WASI module (or, with `wit`, a component of a WIT
 * world). Writes it to `output` when given; always returns its bytes.
 */
async function compile(options) {
  const { input, output, minify = false, snapshot = true, sourcePositions = true, cache = true, wit, world, cwd } = options ?? {};
  if (typeof input !== "string") throw new TypeError("compile: `input` (the entry file) is required");
  const binary = options.binary ?? findBinary();
  const tmp = output === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "jsw-")) : undefined;
  const target = output ?? path.join(tmp, "module.wasm");
  const args = ["compile", "-q", "--error-format", "json", input, "-o", target];
  if (minify) args.push("--minify");
  if (!snapshot) args.push("--no-snapshot");
  if (!sourcePositions) args.push("--no-source-positions");
  if (!cache) args.push("--no-cache");
  if (wit !== undefined) args.push("--wit", wit);
  if (world !== undefined) args.push("--world", world);
  try {
    const result = await exec(binary, args, { cwd });
    const stderr = result.stderr.toString("utf8");
    if (result.status !== 0) {
      const last = stderr.trim().split("\n").pop() ?? "";
      let report;
      try {
        report = JSON.parse(last);
      } catch {
        report = { error: { message: stderr.trim() || `jsw exited with status ${result.status}` }, buildOutput: { stdout: "", stderr: "" } };
      }
      throw new JswCompileError(report, result.status);
    }
    const wasm = new Uint8Array(fs.readFileSync(path.resolve(cwd ?? ".", target)));
    return { wasm, output, buildOutput: buildLines(stderr) };
  } finally {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs a module (or a source file) with `jsw run`; resolves with its status and output. */
async function run(options) {
  const { module, args = [], env = {}, stdin, timeout, maxMemory, fuel, dirs = [], invoke, cwd } = options ?? {};
  if (typeof module !== "string") throw new TypeError("run: `module` (a .wasm file or a source file) is required");
  const binary = options.binary ?? findBinary();
  const argv = ["run", module];
  if (invoke !== undefined) argv.push("--invoke", invoke);
  for (const [k, v] of Object.entries(env)) argv.push("--env", `${k}=${v}`);
  for (const d of dirs) argv.push("--dir", d);
  if (timeout !== undefined) argv.push("--timeout", typeof timeout === "number" ? `${timeout}ms` : timeout);
  if (maxMemory !== undefined) argv.push("--max-memory", String(maxMemory));
  if (fuel !== undefined) argv.push("--fuel", String(fuel));
  argv.push("--", ...args);
  const result = await exec(binary, argv, { cwd, stdin });
  return { status: result.status, stdout: result.stdout.toString("utf8"), stderr: result.stderr.toString("utf8") };
}

module.exports = { compile, run, JswCompileError, findBinary };

"use strict";
// Finds the native jsw binary: $JSW_BINARY, else the platform package that npm
// installed through optionalDependencies.
const path = require("node:path");
const fs = require("node:fs");

const PLATFORMS = {
  "linux x64": "@jsw/linux-x64",
  "linux arm64": "@jsw/linux-arm64",
  "darwin x64": "@jsw/darwin-x64",
  "darwin arm64": "@jsw/darwin-arm64",
  "win32 x64": "@jsw/win32-x64",
};

function platformPackage(platform = process.platform, arch = process.arch) {
  return PLATFORMS[`${platform} ${arch}`];
}

class BinaryNotFound extends Error {}

/** The glibc the Linux binaries are built for (npm/scripts/glibc-floor.mjs FLOOR). */
const GLIBC_FLOOR = "2.17";

/** The dynamic loader each Linux binary names: there on every glibc system of that arch. */
const GLIBC_LOADER = { x64: "/lib64/ld-linux-x86-64.so.2", arm64: "/lib/ld-linux-aarch64.so.1" };

/**
 * The C library of this Linux system: "glibc", "musl" or "unknown". The loader's
 * file answers at no cost for glibc; only without it is Node's report asked
 * (~5 ms), whose header names glibc's version on glibc alone.
 */
function linuxLibc({ arch = process.arch, exists = fs.existsSync, report = () => process.report.getReport() } = {}) {
  if (GLIBC_LOADER[arch] && exists(GLIBC_LOADER[arch])) return "glibc";
  try {
    return report().header.glibcVersionRuntime ? "glibc" : "musl";
  } catch {
    return "unknown";
  }
}

function findBinary({
  env = process.env,
  platform = process.platform,
  arch = process.arch,
  resolve = require.resolve,
  libc = () => linuxLibc({ arch }),
} = {}) {
  if (env.JSW_BINARY) {
    if (!fs.existsSync(env.JSW_BINARY)) {
      throw new BinaryNotFound(`JSW_BINARY is set to ${env.JSW_BINARY}, but there is no file there.`);
    }
    return env.JSW_BINARY;
  }
  const pkg = platformPackage(platform, arch);
  if (!pkg) {
    throw new BinaryNotFound(
      `jsw has no binary for ${platform} ${arch}. Supported: ${Object.keys(PLATFORMS).join(", ")}. ` +
        "Build it from source (cargo install --path compiler) and set JSW_BINARY to its path.",
    );
  }
  // npm leaves out the glibc-only package on musl (its `libc` field), or a
  // node_modules copied from a glibc machine has a binary that cannot start
  // here: either way, say what the system lacks instead of "not installed".
  if (platform === "linux" && libc() === "musl") {
    throw new BinaryNotFound(
      `jsw's Linux binary (${pkg}) is built for glibc ${GLIBC_FLOOR} or later, and this system uses musl libc ` +
        "(Alpine Linux?), which cannot run it. Run jsw on a glibc-based system or container image " +
        "(Debian, Ubuntu, RHEL, Amazon Linux; e.g. node:20-slim instead of node:20-alpine), " +
        "or set JSW_BINARY to a jsw built for this system.",
    );
  }
  const exe = platform === "win32" ? "jsw.exe" : "jsw";
  try {
    return resolve(`${pkg}/bin/${exe}`);
  } catch {
    // Name the two usual causes: optional dependencies skipped, or node_modules
    // copied from a machine of another platform.
    const installed = Object.values(PLATFORMS).filter((p) => {
      try {
        resolve(`${p}/package.json`);
        return true;
      } catch {
        return false;
      }
    });
    let msg = `The package ${pkg}, which holds the jsw binary for ${platform} ${arch}, is not installed.`;
    if (installed.length > 0) {
      msg += ` Found ${installed.join(", ")} instead: node_modules was probably copied from another platform; run npm install here.`;
    } else {
      msg += " It is an optional dependency of @jsw/cli: reinstall without --no-optional / --omit=optional.";
    }
    msg += " (Or set JSW_BINARY to a jsw binary.)";
    throw new BinaryNotFound(msg);
  }
}

module.exports = { findBinary, platformPackage, linuxLibc, BinaryNotFound, PLATFORMS, GLIBC_FLOOR, packageDir: path.dirname(__dirname) };

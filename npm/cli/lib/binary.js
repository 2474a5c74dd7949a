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

function findBinary({ env = process.env, platform = process.platform, arch = process.arch, resolve = require.resolve } = {}) {
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

module.exports = { findBinary, platformPackage, BinaryNotFound, PLATFORMS, packageDir: path.dirname(__dirname) };

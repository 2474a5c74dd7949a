#!/usr/bin/env node
// The oldest glibc a Linux binary can run on, read from the binary itself: the
// symbol versions it needs from glibc (its ELF .gnu.version_r section, what
// `objdump -T` shows), without objdump.
//
//   node npm/scripts/glibc-floor.mjs BINARY [--max 2.17]
//
// prints the floor and what sets it; with --max, exits 1 when the binary needs a
// newer glibc than that. pack.mjs runs the same check on the binary it packs.
import fs from "node:fs";
import { fileURLToPath } from "node:url";

/** The glibc the npm package's linux binaries are built for (scripts/build-npm-binary.sh). */
export const FLOOR = "2.17";

/** Version needs that mean "only this exact glibc" or "RELR relocations" (2.36). */
const SPECIAL = { GLIBC_ABI_DT_RELR: "2.36" };

/**
 * The version needs of an ELF64 little-endian binary: [{ file, name }], e.g.
 * { file: "libc.so.6", name: "GLIBC_2.17" }. Throws on a file that is not one.
 */
export function versionNeeds(bytes) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error("not a 64-bit little-endian ELF file");
  const num = (off, size) => (size === 8 ? Number(buf.readBigUInt64LE(off)) : size === 4 ? buf.readUInt32LE(off) : buf.readUInt16LE(off));
  const shoff = num(0x28, 8);
  const shentsize = num(0x3a, 2);
  const shnum = num(0x3c, 2);
  const section = (i) => {
    const at = shoff + i * shentsize;
    return { type: num(at + 4, 4), offset: num(at + 0x18, 8), size: num(at + 0x20, 8), link: num(at + 0x28, 4), info: num(at + 0x2c, 4) };
  };
  const cstr = (at) => buf.toString("latin1", at, buf.indexOf(0, at));
  const needs = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== 0x6ffffffe) continue; // SHT_GNU_verneed
    const strtab = section(s.link).offset;
    let vn = s.offset;
    for (let n = 0; n < s.info; n++) {
      const file = cstr(strtab + num(vn + 4, 4));
      let aux = vn + num(vn + 8, 4);
      for (let a = 0; a < num(vn + 2, 2); a++) {
        needs.push({ file, name: cstr(strtab + num(aux + 8, 4)) });
        const next = num(aux + 12, 4);
        if (next === 0) break;
        aux += next;
      }
      const next = num(vn + 12, 4);
      if (next === 0) break;
      vn += next;
    }
  }
  return needs;
}

export function compare(a, b) {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The oldest glibc that has every version `needs` names: { floor, by }, `by`
 * being the need that sets it (floor "0" for a binary that needs none).
 * GLIBC_PRIVATE ties a binary to the glibc it was linked with: floor Infinity.
 */
export function glibcFloor(needs) {
  let floor = "0";
  let by = null;
  for (const { name } of needs) {
    let version;
    if (name === "GLIBC_PRIVATE") return { floor: "Infinity", by: name };
    if (name in SPECIAL) version = SPECIAL[name];
    else if (/^GLIBC_\d+(\.\d+)*$/.test(name)) version = name.slice("GLIBC_".length);
    else continue;
    if (compare(version, floor) > 0) {
      floor = version;
      by = name;
    }
  }
  return { floor, by };
}

/** Fails, saying why, when `binary` needs a glibc newer than `max`. */
export function checkFloor(binary, max = FLOOR) {
  const { floor, by } = glibcFloor(versionNeeds(fs.readFileSync(binary)));
  if (floor === "Infinity" || compare(floor, max) > 0) {
    throw new Error(
      `${binary} needs glibc ${floor === "Infinity" ? "of exactly the version it was linked with" : floor} (it uses ${by}), ` +
        `but the npm package promises glibc ${max}: build it with scripts/build-npm-binary.sh`,
    );
  }
  return { floor, by };
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const binary = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--max");
  const maxAt = args.indexOf("--max");
  if (!binary) {
    console.error("usage: node npm/scripts/glibc-floor.mjs BINARY [--max VERSION]");
    process.exit(2);
  }
  try {
    if (maxAt >= 0) {
      const { floor, by } = checkFloor(binary, args[maxAt + 1]);
      console.log(`${binary}: needs glibc ${floor} (${by}), within ${args[maxAt + 1]}`);
    } else {
      const { floor, by } = glibcFloor(versionNeeds(fs.readFileSync(binary)));
      console.log(`${binary}: needs glibc ${floor}${by ? ` (${by})` : ""}`);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

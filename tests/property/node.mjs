// Node APIs on generated inputs, printed so that the same program under Node
// and under jsw must print the same thing (tests/property.rs compares them):
// Buffer encodings (and their round trips), hashes and HMACs, zlib round trips.
//   node.mjs SEED N
import { Buffer } from "node:buffer";
import { createHash, createHmac } from "node:crypto";
import zlib from "node:zlib";

export function main() {
  let state = BigInt(process.argv[2] ?? 1);
  const next = () => {
    state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(state >> 33n);
  };
  const n = Number(process.argv[3] ?? 200);
  const lines = [];
  for (let i = 0; i < n; i++) {
    const length = next() % (i % 10 === 0 ? 5000 : 64);
    const bytes = Buffer.alloc(length);
    // Mostly ASCII, sometimes any byte: both kinds of text and binary.
    for (let j = 0; j < length; j++) bytes[j] = next() % 4 === 0 ? next() % 256 : 32 + (next() % 95);
    const line = [i, length];
    for (const encoding of ["hex", "base64", "base64url", "latin1", "utf16le", "utf8", "ascii"]) {
      const text = bytes.toString(encoding);
      const back = Buffer.from(text, encoding);
      line.push(encoding === "hex" || encoding === "base64" || encoding === "base64url" ? text.length : createHash("md5").update(text).digest("hex").slice(0, 8));
      line.push(back.equals(bytes) ? "=" : createHash("md5").update(back).digest("hex").slice(0, 8));
    }
    for (const algorithm of ["md5", "sha1", "sha256", "sha512"]) line.push(createHash(algorithm).update(bytes).digest("base64"));
    line.push(createHmac("sha256", bytes.subarray(0, next() % 100)).update(bytes).digest("hex"));
    // Split updates hash the same as one.
    const cut = next() % (length + 1);
    line.push(createHash("sha1").update(bytes.subarray(0, cut)).update(bytes.subarray(cut)).digest("hex") === createHash("sha1").update(bytes).digest("hex"));
    line.push(zlib.gunzipSync(zlib.gzipSync(bytes, { level: next() % 10 })).equals(bytes));
    line.push(zlib.inflateRawSync(zlib.deflateRawSync(bytes)).equals(bytes));
    lines.push(line.join(" "));
  }
  console.log(lines.join("\n"));
}

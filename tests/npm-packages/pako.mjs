// pako: zlib in JS; its output must inflate with node:zlib and the other way.
import pako from "pako";
import zlib from "node:zlib";
export function main() {
  const text = "pako and node:zlib agree. ".repeat(40);
  const packed = pako.gzip(text);
  console.log(packed.length, zlib.gunzipSync(packed).toString() === text);
  console.log(pako.inflate(zlib.deflateSync(text), { to: "string" }) === text, pako.ungzip(zlib.gzipSync(text), { to: "string" }) === text);
  console.log(Buffer.from(pako.deflate("abc")).toString("hex"));
}

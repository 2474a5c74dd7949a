// iconv-lite: Buffer-based codecs.
import iconv from "iconv-lite";
export function main() {
  for (const enc of ["win1252", "latin1", "utf16le", "utf16be", "koi8-r", "shift_jis", "gbk", "cp437"]) {
    const bytes = iconv.encode("Grüße, Привет, 日本 €", enc);
    console.log(enc, bytes.length, bytes.toString("hex").slice(0, 40), iconv.decode(bytes, enc));
  }
  console.log(iconv.encodingExists("big5"), iconv.encodingExists("nope"));
}

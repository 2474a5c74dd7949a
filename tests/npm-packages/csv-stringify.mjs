// csv-stringify (sync API).
import { stringify } from "csv-stringify/sync";
export function main() {
  console.log(stringify([["id", "note"], [1, "plain"], [2, "with, comma"], [3, 'quote "q"'], [4, "line\nbreak"]]));
  console.log(stringify([{ a: 1, b: true }, { a: 2, b: false }], { header: true, cast: { boolean: (v) => (v ? "yes" : "no") } }));
}

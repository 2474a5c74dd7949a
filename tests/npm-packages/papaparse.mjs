// papaparse: CSV parse and unparse.
import Papa from "papaparse";
export function main() {
  const r = Papa.parse("name,qty\nbolt,10\n\"nut, hex\",20\n", { header: true, dynamicTyping: true, skipEmptyLines: true });
  console.log(r.data, r.errors, r.meta.fields);
  console.log(Papa.unparse([{ a: 1, b: "x,y" }, { a: 2, b: 'q"' }]));
}

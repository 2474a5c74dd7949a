// csv-parse (sync API, Buffer and streams inside).
import { parse } from "csv-parse/sync";
export function main() {
  const input = 'id,name,price\n1,"Widget, large",9.99\n2,"Quote ""here""",0.5\n3,Plain,12\n';
  console.log(parse(input, { columns: true, cast: true }));
  console.log(parse("a;b\nc;d", { delimiter: ";" }));
  try {
    parse('a,b\n"unterminated', {});
  } catch (e) {
    console.log(e.code, e.message);
  }
}

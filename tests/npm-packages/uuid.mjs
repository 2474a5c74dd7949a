// uuid: v5 (SHA-1 via node:crypto), v3 (MD5), validate/parse/stringify, random v4.
import { v3, v4, v5, validate, version, parse, stringify, NIL } from "uuid";
export function main() {
  console.log(v5("jsw.example", v5.DNS), v3("jsw.example", v3.URL));
  const id = v4();
  console.log(validate(id), version(id), validate("nope"), NIL);
  console.log(stringify(parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")), parse(NIL).length);
}

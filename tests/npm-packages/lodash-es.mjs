// ESM-only ("type": "module"), hundreds of small modules.
import { uniq, merge, kebabCase, range } from "lodash-es";
export function main() {
  console.log(uniq([3, 1, 3, 2, 1]), kebabCase("fooBarBaz"), range(0, 10, 3));
  console.log(merge({ a: { b: 1 } }, { a: { c: 2 } }));
}

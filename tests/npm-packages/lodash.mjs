// CommonJS, one 540 KB file (Node allows only the default import here).
import _ from "lodash";
export function main() {
  console.log(_.chunk([1, 2, 3, 4, 5], 2), _.camelCase("Hello big world"));
  console.log(_.groupBy(["one", "two", "three"], "length"), _.template("hi <%= name %>")({ name: "jsw" }));
  console.log(_.sortBy([{ n: 3 }, { n: 1 }, { n: 2 }], "n").map((x) => x.n), typeof _.debounce, _.VERSION);
}

// Dual-format package (exports with import/require conditions).
import YAML from "yaml";
export function main() {
  const doc = YAML.parse("name: jsw\nlist:\n  - 1\n  - two\nnested:\n  a: true\n");
  console.log(doc);
  console.log(YAML.stringify({ b: [1, 2], c: { d: "e" } }));
}

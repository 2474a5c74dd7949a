// js-yaml: load and dump.
import yaml from "js-yaml";
export function main() {
  const doc = yaml.load("server:\n  port: 8080\n  hosts: [a, b]\n  tls: ~\nwhen: 2024-01-02\nanchors:\n  base: &b {x: 1}\n  copy: *b\n");
  console.log(doc, doc.when instanceof Date);
  console.log(yaml.dump({ list: [1, "two", { three: 3 }], text: "multi\nline" }));
  try {
    yaml.load("a: [1, 2");
  } catch (e) {
    console.log(e.name, e.reason);
  }
}

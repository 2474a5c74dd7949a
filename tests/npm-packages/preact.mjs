// The JS twin of preact.jsx, for Node (which cannot run JSX).
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
function Greeting({ name, items }) {
  return h("section", { class: "greeting" }, h("h1", null, "Hello, ", name, "!"), h("ul", null, items.map((i) => h("li", { key: i }, i))));
}
export function main() {
  console.log(renderToString(h(Greeting, { name: "jsw", items: ["a", "b"] })));
}

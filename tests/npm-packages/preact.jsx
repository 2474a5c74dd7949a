/** @jsxImportSource preact */
// JSX with the automatic runtime from a package.
import { renderToString } from "preact-render-to-string";
function Greeting({ name, items }) {
  return (
    <section class="greeting">
      <h1>Hello, {name}!</h1>
      <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>
    </section>
  );
}
export function main() {
  console.log(renderToString(<Greeting name="jsw" items={["a", "b"]} />));
}

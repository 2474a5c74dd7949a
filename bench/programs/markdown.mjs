// A real npm library doing real work at top level: marked renders a large
// document while the module is built; main only reports on the result.
import { marked } from "marked";
const sections = [];
for (let i = 0; i < 300; i++) {
  sections.push(`## Section ${i}\n\nSome *emphasis*, **strong** text, \`code ${i}\` and a [link](https://example.com/${i}).\n\n- item a${i}\n- item b${i}\n\n> quote ${i}\n`);
}
const html = marked.parse(sections.join("\n"));
export function main() {
  console.log(html.length, html.slice(0, 24));
}

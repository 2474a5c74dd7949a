// handlebars: compiles templates to functions at run time (new Function).
import Handlebars from "handlebars";
const template = Handlebars.compile("<h1>{{title}}</h1><ul>{{#each items}}<li>{{@index}}: {{upper name}}{{#if sale}} (sale){{/if}}</li>{{/each}}</ul>{{{raw}}} {{escaped}}");
Handlebars.registerHelper("upper", (s) => s.toUpperCase());
export function main() {
  console.log(template({ title: "Shop", items: [{ name: "tea", sale: true }, { name: "cake" }], raw: "<b>raw</b>", escaped: "<i>&</i>" }));
  try {
    Handlebars.compile("{{#each}}")();
  } catch (e) {
    console.log(e.message.split("\n")[0]);
  }
}

// cheerio: HTML parsing (parse5, htmlparser2, entities) and jQuery-style queries.
import * as cheerio from "cheerio";
export function main() {
  const $ = cheerio.load('<ul id="fruits"><li class="apple">Apple</li><li class="orange">Orange &amp; co</li><li class="pear">Pear</li></ul>');
  console.log($(".apple", "#fruits").text(), $("li").length, $("ul .pear").attr("class"));
  $("li").last().addClass("last").text("Pear!");
  console.log($("li").map((i, el) => $(el).text()).get());
  console.log($.html("#fruits"));
}

// fast-xml-parser: parse, build and validate XML.
import { XMLParser, XMLBuilder, XMLValidator } from "fast-xml-parser";
export function main() {
  const xml = '<?xml version="1.0"?><catalog><book id="b1" lang="en"><title>Wasm &amp; JS</title><price>29.5</price></book><book id="b2"><title>Snapshots</title><price>12</price></book></catalog>';
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });
  const doc = parser.parse(xml);
  console.log(JSON.stringify(doc));
  console.log(new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true }).build(doc.catalog));
  console.log(XMLValidator.validate("<a><b></a>"));
}

// ESM package that does real work.
import { marked } from "marked";
export function main() {
  console.log(marked.parse("# Title\n\nSome *emphasis*, `code` and a [link](https://example.com).\n\n- one\n- two\n"));
}

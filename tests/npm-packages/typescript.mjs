// typescript: transpileModule (the compiler sees process and require, takes
// itself to be on Node, and asks node:os and node:fs about its platform).
import ts from "typescript";
export function main() {
  const source = "enum Color { Red, Green }\nexport const f = (x: number): string => `${x}`;\nclass A<T> { constructor(private readonly t: T) {} }\n";
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019 } });
  console.log(out.outputText);
  console.log(ts.version.split(".")[0], typeof ts.createSourceFile);
}

// ini: parse and encode.
import ini from "ini";
export function main() {
  const config = ini.parse("; comment\nscope = global\n[database]\nuser = dbuser\npassword = dbpassword\n[paths.default]\ndatadir = /var/lib/data\narray[] = first\narray[] = second\n");
  console.log(config);
  console.log(ini.stringify({ section: { key: "value", n: 1 }, top: "x" }));
}

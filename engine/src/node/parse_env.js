// util.parseEnv: the contents of a .env file as an object, parsed as Node 20
// parses them: KEY=value lines, `export` prefixes, # comments, values in
// single, double or back quotes (double quotes turn \n into a newline and may
// span lines), keys in sorted order. Checked against Node on line-shaped
// input; a line that is not KEY=value (a key with a newline in it, say) can
// come out differently.
(jsw) => {
  "use strict";
  const trim = (s) => s.replace(/^ +| +$/g, "");
  function parseEnv(content) {
    if (typeof content !== "string") throw jsw.invalidArgType("content", "of type string", content);
    const found = {};
    let rest = trim(content.replaceAll("\r", ""));
    while (rest.length > 0) {
      if (rest[0] === "\n" || rest[0] === "#") {
        const newline = rest.indexOf("\n");
        if (newline !== -1) {
          rest = rest.slice(newline + 1);
          continue;
        }
      }
      const equal = rest.indexOf("=");
      if (equal === -1) break;
      let key = trim(rest.slice(0, equal));
      rest = rest.slice(equal + 1);
      if (key === "") break;
      if (key.startsWith("export ")) key = key.slice(7);
      rest = trim(rest);
      if (rest.length === 0) {
        found[key] = "";
        break;
      }
      const quote = rest[0];
      if (quote === '"' || quote === "'" || quote === "`") {
        const close = rest.indexOf(quote, 1);
        if (close === -1) {
          // No closing quote: the line as it is, quote included; on the
          // last line, nothing.
          const newline = rest.indexOf("\n");
          if (newline !== -1) {
            found[key] = rest.slice(0, newline);
            rest = rest.slice(newline);
          }
          continue;
        }
        const value = rest.slice(1, close);
        found[key] = quote === '"' ? value.replaceAll("\\n", "\n") : value;
        const newline = rest.indexOf("\n", close + 1);
        rest = newline === -1 ? "" : rest.slice(newline);
        continue;
      }
      // A plain value ends at the line's end or a #.
      const newline = rest.indexOf("\n");
      let value = newline === -1 ? rest : rest.slice(0, newline);
      const hash = value.indexOf("#");
      if (hash !== -1) value = value.slice(0, hash);
      found[key] = trim(value);
      rest = newline === -1 ? "" : rest.slice(newline);
    }
    const sorted = {};
    for (const key of Object.keys(found).sort()) sorted[key] = found[key];
    return sorted;
  }
  jsw.util.parseEnv = parseEnv;
};

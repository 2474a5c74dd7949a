// node:querystring: Node's URL query string parser and serializer.
(jsw) => {
  "use strict";
  function escape(value) {
    return encodeURIComponent(typeof value === "string" ? value : String(value));
  }
  // Lenient where decodeURIComponent is strict: a malformed escape stays as it is.
  function unescape(text) {
    try {
      return decodeURIComponent(text);
    } catch {
      return text.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
        try {
          return decodeURIComponent(run);
        } catch {
          const bytes = run.split("%").slice(1).map((h) => parseInt(h, 16));
          return new TextDecoder().decode(new Uint8Array(bytes));
        }
      });
    }
  }
  const primitive = (v) => {
    if (typeof v === "string") return v;
    if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
    if (typeof v === "bigint" || typeof v === "boolean") return String(v);
    return "";
  };
  function stringify(obj, sep = "&", eq = "=", options) {
    const encode = options?.encodeURIComponent ?? escape;
    sep = sep || "&";
    eq = eq || "=";
    if (obj === null || typeof obj !== "object") return "";
    const out = [];
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      const k = encode(primitive(key)) + eq;
      if (Array.isArray(value)) {
        for (const v of value) out.push(k + encode(primitive(v)));
      } else {
        out.push(k + encode(primitive(value)));
      }
    }
    return out.join(sep);
  }
  function parse(text, sep = "&", eq = "=", options) {
    const result = Object.create(null);
    if (typeof text !== "string" || text.length === 0) return result;
    sep = sep || "&";
    eq = eq || "=";
    const maxKeys = typeof options?.maxKeys === "number" ? options.maxKeys : 1000;
    const decode = options?.decodeURIComponent ?? unescape;
    let pairs = text.split(sep);
    if (maxKeys > 0) pairs = pairs.slice(0, maxKeys);
    for (const pair of pairs) {
      if (pair.length === 0) continue;
      const at = pair.indexOf(eq);
      const rawKey = at >= 0 ? pair.slice(0, at) : pair;
      const rawValue = at >= 0 ? pair.slice(at + eq.length) : "";
      const key = decode(rawKey.replace(/\+/g, " "));
      const value = decode(rawValue.replace(/\+/g, " "));
      if (!(key in result)) result[key] = value;
      else if (Array.isArray(result[key])) result[key].push(value);
      else result[key] = [result[key], value];
    }
    return result;
  }
  // The work is in node/buffer.js, which is loaded with Buffer, on first use.
  function unescapeBuffer(s, decodeSpaces) {
    jsw.loadBuffer();
    return jsw.unescapeBytes(s, decodeSpaces);
  }
  const exports = { parse, stringify, escape, unescape, unescapeBuffer, decode: parse, encode: stringify };
  jsw.defineBuiltin("node:querystring", () => exports);
};

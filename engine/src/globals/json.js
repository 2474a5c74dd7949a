// JSON.parse/stringify, bounded through jsw.jsonBounded (see json.rs) on hosts
// whose native stack is too small for QuickJS's JSON recursion. Inputs too small
// to nest deeply skip the bound: a string under 256 characters nests at most 128
// levels, and primitives not at all. JSON.parse also gives Node's messages.
(jsw) => {
  "use strict";
  const { parse, stringify } = JSON;
  const SHALLOW = 256;
  let bound = true;
  const bounded = {
    parse(text, reviver) {
      try {
        if (!bound || (typeof text === "string" && text.length < SHALLOW)) {
          return reviver === undefined ? parse(text) : parse(text, reviver);
        }
        return jsw.jsonBounded(parse, text, reviver);
      } catch (e) {
        // Node's messages end at "in JSON at position N"; QuickJS adds the line
        // and column, which its trace already shows.
        if (e instanceof SyntaxError) {
          const message = e.message;
          const node = message.replace(/ \(line \d+ column \d+\)$/, "");
          if (node !== message) {
            e.message = node;
            if (typeof e.stack === "string") e.stack = e.stack.replace(message, node);
          }
        }
        throw e;
      }
    },
    stringify(value, replacer, space) {
      if (value === null || (typeof value !== "object" && typeof value !== "function")) return Reflect.apply(stringify, JSON, arguments);
      return jsw.jsonBounded(stringify, ...arguments);
    },
  };
  const install = (name, value) =>
    Object.defineProperty(JSON, name, { value, writable: true, configurable: true, enumerable: false });
  install("parse", bounded.parse);
  install("stringify", bounded.stringify);
  // On a host with a deep stack (jsw's own) QuickJS's own check suffices.
  jsw.onStart.push(() => {
    bound = jsw.jsonNeedsBound();
    if (!bound && JSON.stringify === bounded.stringify) install("stringify", stringify);
  });
};

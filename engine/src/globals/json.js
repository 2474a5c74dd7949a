// JSON.parse/stringify through jsw.jsonBounded (see json.rs), with their own
// names and lengths.
(jsw) => {
  "use strict";
  const { parse, stringify } = JSON;
  const bounded = {
    parse(text, reviver) {
      try {
        return jsw.jsonBounded(parse, ...arguments);
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
      return jsw.jsonBounded(stringify, ...arguments);
    },
  };
  for (const name of ["parse", "stringify"]) {
    Object.defineProperty(JSON, name, { value: bounded[name], writable: true, configurable: true, enumerable: false });
  }
};

// JSON.parse/stringify through jsw.jsonBounded (see json.rs), with their own
// names and lengths.
(jsw) => {
  "use strict";
  const { parse, stringify } = JSON;
  const bounded = {
    parse(text, reviver) {
      return jsw.jsonBounded(parse, ...arguments);
    },
    stringify(value, replacer, space) {
      return jsw.jsonBounded(stringify, ...arguments);
    },
  };
  for (const name of ["parse", "stringify"]) {
    Object.defineProperty(JSON, name, { value: bounded[name], writable: true, configurable: true, enumerable: false });
  }
};

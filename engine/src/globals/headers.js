// Headers as the Fetch standard defines them: names are case-insensitive and
// kept lowercase, values are byte strings stripped of surrounding whitespace,
// iteration is sorted by name with repeated headers combined by ", " (each
// set-cookie stays its own entry). Error messages are Node's (undici's).
(jsw) => {
  "use strict";
  // Checking and normalizing are native (headers.rs): jsw.headerName and
  // jsw.headerValue answer null for what is invalid, and these say why.
  const headerName = jsw.headerName;
  const headerValue = jsw.headerValue;

  function byteString(value, where) {
    const s = String(value);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        throw new TypeError(
          `Cannot convert argument to a ByteString because the character at index ${i} has a value of ${c} which is greater than 255.`,
        );
      }
    }
    return s;
  }
  function checkName(name, where) {
    const s = typeof name === "string" ? name : String(name);
    const checked = headerName(s);
    if (checked !== null) return checked;
    byteString(s, where);
    throw new TypeError(`${where}: "${s}" is an invalid header name.`);
  }
  function checkValue(value, where) {
    const s = typeof value === "string" ? value : String(value);
    const checked = headerValue(s);
    if (checked !== null) return checked;
    byteString(s, where);
    throw new TypeError(`${where}: "${s.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "")}" is an invalid header value.`);
  }

  // The internal list of a Headers object: [lowercase name, value] in order.
  const lists = new WeakMap();
  const listOf = (headers) => {
    const list = lists.get(headers);
    if (list === undefined) throw new TypeError("Illegal invocation");
    return list;
  };

  // Sorted by name (stably: repeated headers keep their order) and combined.
  // Iterators call this at every step, so it is kept to one sort and one pass.
  function sortedAndCombined(list) {
    const n = list.length;
    if (n === 0) return [];
    if (n === 1) return [[list[0][0], list[0][1]]];
    const order = Array.from(list.keys()).sort((a, b) => {
      const x = list[a][0];
      const y = list[b][0];
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    const out = [];
    for (const i of order) {
      const [name, value] = list[i];
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === name && name !== "set-cookie") last[1] += ", " + value;
      else out.push([name, value]);
    }
    return out;
  }

  const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const HeadersIteratorPrototype = Object.create(IteratorPrototype, {
    next: {
      value: function next() {
        const state = iterators.get(this);
        if (state === undefined) throw new TypeError("Illegal invocation");
        const pairs = sortedAndCombined(listOf(state.headers));
        if (state.index >= pairs.length) return { value: undefined, done: true };
        const [name, value] = pairs[state.index++];
        return { value: state.kind === "keys" ? name : state.kind === "values" ? value : [name, value], done: false };
      },
      writable: true,
      configurable: true,
    },
    [Symbol.toStringTag]: { value: "Headers Iterator", configurable: true },
  });
  const iterators = new WeakMap();
  const iterate = (headers, kind) => {
    listOf(headers);
    const it = Object.create(HeadersIteratorPrototype);
    iterators.set(it, { headers, kind, index: 0 });
    return it;
  };

  class Headers {
    constructor(init = undefined) {
      lists.set(this, []);
      if (init === undefined) return;
      if (init === null || (typeof init !== "object" && typeof init !== "function")) {
        throw new TypeError(
          "Headers constructor: Argument 1 could not be converted to one of: sequence<sequence<ByteString>>, record<ByteString, ByteString>.",
        );
      }
      if (typeof init[Symbol.iterator] === "function") {
        for (const pair of init) {
          const entry = [...pair];
          if (entry.length !== 2) {
            throw new TypeError(`Headers constructor: expected name/value pair to be length 2, found ${entry.length}.`);
          }
          this.append(entry[0], entry[1]);
        }
      } else {
        // A record: own enumerable string keys, in order (what Object.keys gives).
        const keys = Object.keys(init);
        for (let i = 0; i < keys.length; i++) this.append(keys[i], init[keys[i]]);
      }
    }
    append(name, value) {
      const list = listOf(this);
      list.push([checkName(name, "Headers.append"), checkValue(value, "Headers.append")]);
    }
    delete(name) {
      const list = listOf(this);
      name = checkName(name, "Headers.delete");
      for (let i = list.length - 1; i >= 0; i--) if (list[i][0] === name) list.splice(i, 1);
    }
    get(name) {
      const list = listOf(this);
      name = checkName(name, "Headers.get");
      let found = null;
      for (let i = 0; i < list.length; i++) {
        if (list[i][0] === name) found = found === null ? list[i][1] : found + ", " + list[i][1];
      }
      return found;
    }
    getSetCookie() {
      return listOf(this).filter(([n]) => n === "set-cookie").map(([, v]) => v);
    }
    has(name) {
      const list = listOf(this);
      name = checkName(name, "Headers.has");
      for (let i = 0; i < list.length; i++) if (list[i][0] === name) return true;
      return false;
    }
    set(name, value) {
      const list = listOf(this);
      name = checkName(name, "Headers.set");
      value = checkValue(value, "Headers.set");
      let first = -1;
      for (let i = 0; i < list.length; i++) {
        if (list[i][0] === name) {
          first = i;
          break;
        }
      }
      if (first < 0) {
        list.push([name, value]);
        return;
      }
      list[first] = [name, value];
      for (let i = list.length - 1; i > first; i--) if (list[i][0] === name) list.splice(i, 1);
    }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== "function") {
        throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
      }
      const pairs = sortedAndCombined(listOf(this));
      for (let i = 0; i < pairs.length; i++) callback.call(thisArg, pairs[i][1], pairs[i][0], this);
    }
    keys() {
      return iterate(this, "keys");
    }
    values() {
      return iterate(this, "values");
    }
    entries() {
      return iterate(this, "entries");
    }
    [Symbol.iterator]() {
      return iterate(this, "entries");
    }
  }
  Object.defineProperty(Headers.prototype, Symbol.toStringTag, { value: "Headers", configurable: true });
  // For Request and Response: the list behind a Headers object, and a Headers
  // object over a list that needs no checks (lowercase names, byte-string values).
  jsw.headerList = listOf;
  jsw.headersOf = (list) => {
    const headers = new Headers();
    lists.set(headers, list);
    return headers;
  };

  Object.defineProperty(globalThis, "Headers", { value: Headers, writable: true, configurable: true, enumerable: false });
};

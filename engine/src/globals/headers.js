// Headers as the Fetch standard defines them: names are case-insensitive and
// kept lowercase, values are byte strings stripped of surrounding whitespace,
// iteration is sorted by name with repeated headers combined by ", " ("; " for
// cookie; each set-cookie stays its own entry). Error messages are Node's
// (undici's), and so is what console.log shows.
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

  // Headers whose guard is "immutable" (Response.error()'s): changes throw.
  const immutable = new WeakSet();
  const writableList = (headers) => {
    const list = listOf(headers);
    if (immutable.has(headers)) throw new TypeError("Headers are immutable");
    return list;
  };
  jsw.freezeHeaders = (headers) => immutable.add(headers);

  const joiner = (name) => (name === "cookie" ? "; " : ", ");

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
      if (last !== undefined && last[0] === name && name !== "set-cookie") last[1] += joiner(name) + value;
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
      enumerable: true,
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

  // The name each header was first given, where it was not in lower case:
  // console.log shows it (as Node does); nothing else does.
  const spellings = new WeakMap();
  function spell(headers, name, given, replace) {
    let names = spellings.get(headers);
    if (given === name) {
      if (replace) names?.delete(name);
      return;
    }
    if (names === undefined) spellings.set(headers, (names = new Map()));
    if (replace || !names.has(name)) names.set(name, given);
  }

  class Headers {
    constructor(init = undefined) {
      lists.set(this, []);
      if (init === undefined) return;
      if (init === null || (typeof init !== "object" && typeof init !== "function")) {
        throw new TypeError(
          "Headers constructor: Argument 1 could not be converted to one of: sequence<sequence<ByteString>>, record<ByteString, ByteString>.",
        );
      }
      const method = init[Symbol.iterator];
      if (lists.has(init) && method === Headers.prototype[Symbol.iterator]) {
        // Another Headers: its list as it is (what it iterates is the same,
        // and console.log shows the names in their order and spelling).
        lists.set(this, listOf(init).map(([name, value]) => [name, value]));
        const names = spellings.get(init);
        if (names !== undefined) spellings.set(this, new Map(names));
      } else if (method !== undefined && method !== null) {
        if (typeof method !== "function") throw new TypeError("Headers constructor: @@iterator is not a function.");
        for (const pair of { [Symbol.iterator]: () => method.call(init) }) {
          const entry = [...pair];
          if (entry.length !== 2) {
            throw new TypeError(`Headers constructor: expected name/value pair to be length 2, found ${entry.length}.`);
          }
          this.append(entry[0], entry[1]);
        }
      } else {
        // A record (WebIDL): each own key in order, its descriptor then its
        // value read once; a symbol key that is enumerable is a TypeError.
        const pairs = [];
        for (const key of Reflect.ownKeys(init)) {
          const desc = Reflect.getOwnPropertyDescriptor(init, key);
          if (desc === undefined || !desc.enumerable) continue;
          if (typeof key === "symbol") throw new TypeError("Headers constructor: a record key cannot be a symbol.");
          pairs.push([key, init[key]]);
        }
        for (const [name, value] of pairs) this.append(name, value);
      }
    }
    append(name, value) {
      const list = writableList(this);
      const lower = checkName(name, "Headers.append");
      value = checkValue(value, "Headers.append");
      if (lower !== name && !list.some((entry) => entry[0] === lower)) spell(this, lower, String(name), true);
      list.push([lower, value]);
    }
    delete(name) {
      const list = writableList(this);
      name = checkName(name, "Headers.delete");
      for (let i = list.length - 1; i >= 0; i--) if (list[i][0] === name) list.splice(i, 1);
      spellings.get(this)?.delete(name);
    }
    get(name) {
      const list = listOf(this);
      name = checkName(name, "Headers.get");
      let found = null;
      for (let i = 0; i < list.length; i++) {
        if (list[i][0] === name) found = found === null ? list[i][1] : found + joiner(name) + list[i][1];
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
      const list = writableList(this);
      const given = name;
      name = checkName(name, "Headers.set");
      value = checkValue(value, "Headers.set");
      spell(this, name, String(given), true);
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
    // Node prints the headers in the order they were first added, each name
    // as first written, values combined: `Headers { 'Content-Type': 'text/plain' }`.
    [Symbol.for("nodejs.util.inspect.custom")](depth, options, inspect) {
      const list = listOf(this);
      const names = spellings.get(this);
      const shown = {};
      const at = new Map();
      for (const [name, value] of list) {
        const key = names?.get(name) ?? name;
        if (at.has(name)) shown[at.get(name)] += joiner(name) + value;
        else {
          at.set(name, key);
          shown[key] = value;
        }
      }
      options.depth ??= depth;
      return `Headers ${inspect(shown, options)}`;
    }
  }
  Object.defineProperty(Headers.prototype, Symbol.toStringTag, { value: "Headers", configurable: true });
  // WebIDL operations are enumerable properties of the prototype.
  for (const name of ["append", "delete", "get", "getSetCookie", "has", "set", "forEach", "keys", "values", "entries"]) {
    Object.defineProperty(Headers.prototype, name, { enumerable: true });
  }
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

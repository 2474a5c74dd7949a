// QuickJS creates most built-in functions (and the `prototype` of functions)
// the first time a property is read. Left lazy, that work and the memory it
// writes would be paid by every run of the snapshot that reads them: each
// request of an HTTP handler, each start of a command. Reading every property
// of the built-in objects once, here, before the program runs, puts them all
// into the snapshot. Only descriptors are read: no getter runs, and no program
// code has run yet.
(jsw) => {
  "use strict";
  const { getOwnPropertyNames, getOwnPropertySymbols, getOwnPropertyDescriptor, getPrototypeOf } = Object;
  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  const seen = new Set();
  // Intrinsics that no global names: iterator and generator prototypes.
  const stack = [
    globalThis,
    jsw,
    [][Symbol.iterator](),
    new Map().entries(),
    new Set().values(),
    ""[Symbol.iterator](),
    /a/g[Symbol.matchAll](""),
    function* () {},
    async function () {},
    async function* () {},
    (function* () {})(),
    (async function* () {})(),
  ];
  while (stack.length > 0) {
    const object = stack.pop();
    if (seen.has(object)) continue;
    seen.add(object);
    for (const keys of [getOwnPropertyNames(object), getOwnPropertySymbols(object)]) {
      for (const key of keys) {
        const d = getOwnPropertyDescriptor(object, key);
        if (isObject(d.value)) stack.push(d.value);
        if (isObject(d.get)) stack.push(d.get);
        if (isObject(d.set)) stack.push(d.set);
      }
    }
    const proto = getPrototypeOf(object);
    if (proto !== null) stack.push(proto);
  }
  // QuickJS shares an object's shape (its layout) between objects alike, and
  // frees it with the last of them. One object of each kind that runs make all
  // the time is kept alive, so their shapes are in the snapshot instead of made
  // (and written to the heap) by every run.
  jsw.keptShapes = [
    [][Symbol.iterator](),
    [][Symbol.iterator]().next(),
    new Map().entries(),
    new Set().values(),
    Promise.resolve(),
    new Uint8Array(1),
    new ArrayBuffer(1),
    new DataView(new ArrayBuffer(1)),
    Object.entries({ a: 1 }),
  ];
};

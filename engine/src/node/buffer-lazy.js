// The global Buffer and node:buffer, loaded on first use (commonjs.rs,
// load_buffer). A program whose source mentions Buffer or the buffer module has
// them loaded before its top level runs, so they are in its snapshot; any other
// program does not carry them, and loads them the first time something asks.
(jsw) => {
  "use strict";
  Object.defineProperty(globalThis, "Buffer", {
    get() {
      jsw.loadBuffer();
      return globalThis.Buffer;
    },
    set(value) {
      Object.defineProperty(globalThis, "Buffer", { value, writable: true, configurable: true, enumerable: false });
    },
    configurable: true,
    enumerable: false,
  });
  jsw.defineBuiltin("node:buffer", () => {
    jsw.loadBuffer();
    return jsw.bufferExports;
  });
};

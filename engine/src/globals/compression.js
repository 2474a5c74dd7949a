// CompressionStream and DecompressionStream (the Compression Standard):
// "gzip", "deflate" (zlib) and "deflate-raw", over the natives of node:zlib
// (miniz_oxide). A program carries this part, the engine with those natives
// and the web streams when its code names them. A CompressionStream keeps
// what it is given and compresses it in one piece when its writable side
// closes, as node:zlib's stream classes do.
(jsw) => {
  "use strict";
  const FORMATS = { gzip: "gzip", deflate: "zlib", "deflate-raw": "raw" };
  const streams = new WeakMap();
  const sideOf = (object) => {
    const s = streams.get(object);
    if (s === undefined) throw new TypeError("Illegal invocation");
    return s;
  };

  function bytesOf(chunk) {
    if (chunk instanceof Uint8Array) return chunk;
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer || Object.prototype.toString.call(chunk) === "[object SharedArrayBuffer]") {
      return new Uint8Array(chunk);
    }
    throw new TypeError("The chunk must be an ArrayBuffer or an ArrayBufferView");
  }

  function make(object, format, compressing, name) {
    const key = `${format}`;
    if (!Object.hasOwn(FORMATS, key)) {
      throw new TypeError(`Failed to construct '${name}': Unsupported compression format: '${key}'`);
    }
    const chunks = [];
    let total = 0;
    // Decompression answers as soon as the data is complete, without waiting
    // for the writer to close: the input so far is tried whenever it has
    // doubled since the last try (amortized linear), and a stream that ended
    // takes no more input.
    let nextTry = 1;
    let ended = false;
    const joined = () => {
      const input = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        input.set(c, at);
        at += c.length;
      }
      return input;
    };
    const run = (controller, final) => {
      let out;
      try {
        out = compressing ? jsw.zlib.compress(FORMATS[key], joined(), -1) : jsw.zlib.decompress(FORMATS[key], joined(), 0);
      } catch (e) {
        if (!final && e.code === "Z_BUF_ERROR") {
          nextTry = total * 2;
          return;
        }
        throw new TypeError(`The compressed data was not valid: ${e.message}`, { cause: e });
      }
      chunks.length = 0;
      total = 0;
      ended = !compressing;
      if (out.length > 0) controller.enqueue(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    };
    const transform = new TransformStream({
      transform(chunk, controller) {
        // A copy: the caller may reuse its buffer once write() resolves.
        const bytes = bytesOf(chunk).slice();
        if (bytes.length === 0) return;
        if (ended) throw new TypeError("The compressed data has input after its end");
        chunks.push(bytes);
        total += bytes.length;
        if (!compressing && total >= nextTry) run(controller, false);
      },
      flush(controller) {
        if (!ended) run(controller, true);
      },
    });
    streams.set(object, transform);
  }

  class CompressionStream {
    constructor(format) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'CompressionStream': 1 argument required");
      make(this, format, true, "CompressionStream");
    }
    get readable() {
      return sideOf(this).readable;
    }
    get writable() {
      return sideOf(this).writable;
    }
  }
  class DecompressionStream {
    constructor(format) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'DecompressionStream': 1 argument required");
      make(this, format, false, "DecompressionStream");
    }
    get readable() {
      return sideOf(this).readable;
    }
    get writable() {
      return sideOf(this).writable;
    }
  }
  for (const [name, Class] of [["CompressionStream", CompressionStream], ["DecompressionStream", DecompressionStream]]) {
    for (const key of ["readable", "writable"]) {
      Object.defineProperty(Class.prototype, key, { ...Object.getOwnPropertyDescriptor(Class.prototype, key), enumerable: true });
    }
    Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: name, configurable: true });
    Object.defineProperty(globalThis, name, { value: Class, writable: true, configurable: true, enumerable: false });
  }
};

// Web streams (WHATWG Streams) as globals: the reference implementation's port
// (node/vendor/web-streams.js: readable streams with byte streams and BYOB
// readers, writable and transform streams, pipes, tee), and the text streams of
// the Encoding Standard on top. Bodies of requests and responses are
// ReadableStreams. A program carries this part (and the vendored one) when its
// code mentions streams, bodies or fetch (compiler/src/bundle/builtins.rs);
// HTTP handlers always do.
(jsw) => {
  "use strict";
  const ws = jsw.webStreams;
  delete jsw.webStreams;
  const { ReadableStream, WritableStream, TransformStream } = ws;

  // The text streams are objects with a `readable` and a `writable` side, over
  // a TransformStream of their own (not subclasses of it, as the Standard has
  // them).
  const sides = new WeakMap();
  const sideOf = (object) => {
    const s = sides.get(object);
    if (s === undefined) throw new TypeError("Illegal invocation");
    return s;
  };

  class TextEncoderStream {
    constructor() {
      const encoder = new TextEncoder();
      // A lead surrogate at the end of a chunk waits for the next one (the
      // Standard's "pending high surrogate"); any other lone surrogate becomes
      // U+FFFD at once.
      let pending = "";
      const transform = new TransformStream({
        transform(chunk, controller) {
          let text = pending + `${chunk}`;
          pending = "";
          const last = text.charCodeAt(text.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pending = text[text.length - 1];
            text = text.slice(0, -1);
          }
          if (text.length > 0) controller.enqueue(encoder.encode(text));
        },
        flush(controller) {
          if (pending) controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
        },
      });
      sides.set(this, { transform, encoding: "utf-8" });
    }
    get encoding() {
      sideOf(this);
      return "utf-8";
    }
    get readable() {
      return sideOf(this).transform.readable;
    }
    get writable() {
      return sideOf(this).transform.writable;
    }
  }

  const isBufferSource = (chunk) =>
    ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer ||
    Object.prototype.toString.call(chunk) === "[object SharedArrayBuffer]";

  class TextDecoderStream {
    constructor(label = "utf-8", options = {}) {
      const decoder = new TextDecoder(label, options);
      const transform = new TransformStream({
        transform(chunk, controller) {
          if (!isBufferSource(chunk)) {
            throw new TypeError("The \"chunk\" argument must be an ArrayBuffer or an ArrayBufferView");
          }
          const text = decoder.decode(chunk, { stream: true });
          if (text) controller.enqueue(text);
        },
        flush(controller) {
          const text = decoder.decode();
          if (text) controller.enqueue(text);
        },
      });
      sides.set(this, { transform, decoder });
    }
    get encoding() {
      return sideOf(this).decoder.encoding;
    }
    get fatal() {
      return sideOf(this).decoder.fatal;
    }
    get ignoreBOM() {
      return sideOf(this).decoder.ignoreBOM;
    }
    get readable() {
      return sideOf(this).transform.readable;
    }
    get writable() {
      return sideOf(this).transform.writable;
    }
  }
  for (const [Class, name] of [[TextEncoderStream, "TextEncoderStream"], [TextDecoderStream, "TextDecoderStream"]]) {
    for (const key of ["encoding", "fatal", "ignoreBOM", "readable", "writable"]) {
      const d = Object.getOwnPropertyDescriptor(Class.prototype, key);
      if (d) Object.defineProperty(Class.prototype, key, { ...d, enumerable: true });
    }
    Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: name, configurable: true });
  }

  // Bodies ask whether a stream was read from.
  jsw.streamDisturbed = (stream) => stream._disturbed === true;

  // console.log shows a stream as Node does: `ReadableStream { locked: false,
  // state: 'readable', supportsBYOB: true }` (true for byte streams).
  Object.defineProperty(ReadableStream.prototype, Symbol.for("nodejs.util.inspect.custom"), {
    value(depth, options, inspect) {
      // Too deep, Node 20 shows `undefined` (its helper returns no value).
      if (depth < 0) return undefined;
      const shown = {
        locked: this.locked,
        state: this._state,
        supportsBYOB: this._readableStreamController instanceof ws.ReadableByteStreamController,
      };
      return `ReadableStream ${inspect(shown, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
    },
    writable: true,
    configurable: true,
  });

  for (const [name, value] of Object.entries({
    ReadableStream,
    ReadableStreamDefaultReader: ws.ReadableStreamDefaultReader,
    ReadableStreamBYOBReader: ws.ReadableStreamBYOBReader,
    ReadableStreamBYOBRequest: ws.ReadableStreamBYOBRequest,
    ReadableByteStreamController: ws.ReadableByteStreamController,
    ReadableStreamDefaultController: ws.ReadableStreamDefaultController,
    WritableStream,
    WritableStreamDefaultWriter: ws.WritableStreamDefaultWriter,
    WritableStreamDefaultController: ws.WritableStreamDefaultController,
    TransformStream,
    TransformStreamDefaultController: ws.TransformStreamDefaultController,
    TextEncoderStream,
    TextDecoderStream,
    CountQueuingStrategy: ws.CountQueuingStrategy,
    ByteLengthQueuingStrategy: ws.ByteLengthQueuingStrategy,
  })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
};

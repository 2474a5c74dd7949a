// node:string_decoder: StringDecoder turns a stream of byte chunks into text
// without splitting a character between chunks. utf8 goes through the
// streaming TextDecoder; utf16le and base64 hold back an incomplete unit; the
// single-byte encodings and hex need nothing held back.
(jsw) => {
  "use strict";
  const names = {
    utf8: "utf8", "utf-8": "utf8",
    utf16le: "utf16le", "utf-16le": "utf16le", ucs2: "utf16le", "ucs-2": "utf16le",
    latin1: "latin1", binary: "latin1", ascii: "ascii",
    base64: "base64", base64url: "base64url", hex: "hex",
  };
  function normalize(encoding) {
    const name = names[String(encoding ?? "utf8").toLowerCase()];
    if (name === undefined) {
      const error = new TypeError(`Unknown encoding: ${encoding}`);
      error.code = "ERR_UNKNOWN_ENCODING";
      throw error;
    }
    return name;
  }
  const bytesOf = (chunk) => {
    if (typeof chunk === "string") return Buffer.from(chunk);
    if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const error = new TypeError(`The "buf" argument must be an instance of Buffer, TypedArray, or DataView. Received ${chunk === null ? "null" : typeof chunk}`);
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  };

  class StringDecoder {
    #utf8 = null;
    #held = null; // bytes of an incomplete unit (utf16le, base64)
    constructor(encoding) {
      this.encoding = normalize(encoding);
      if (this.encoding === "utf8") this.#utf8 = new TextDecoder("utf-8");
    }
    write(chunk) {
      if (typeof chunk === "string") return chunk;
      return this.#decode(bytesOf(chunk), false);
    }
    end(chunk) {
      const text = chunk === undefined ? "" : this.write(chunk);
      return text + this.#decode(Buffer.alloc(0), true);
    }
    #decode(bytes, flush) {
      switch (this.encoding) {
        case "utf8":
          return this.#utf8.decode(bytes, { stream: !flush });
        case "utf16le": {
          const all = this.#held === null ? bytes : Buffer.concat([this.#held, bytes]);
          this.#held = null;
          // A code unit split between chunks waits for its second byte. (A
          // surrogate pair split between units is passed on in halves, as
          // Node's decoder does.)
          const usable = all.length - (all.length % 2);
          if (!flush && usable < all.length) this.#held = Buffer.from(all.subarray(usable));
          return all.toString("utf16le", 0, usable);
        }
        case "base64":
        case "base64url": {
          const all = this.#held === null ? bytes : Buffer.concat([this.#held, bytes]);
          this.#held = null;
          const usable = flush ? all.length : all.length - (all.length % 3);
          if (usable < all.length) this.#held = Buffer.from(all.subarray(usable));
          return all.toString(this.encoding, 0, usable);
        }
        default:
          return bytes.toString(this.encoding);
      }
    }
  }
  jsw.defineBuiltin("node:string_decoder", () => {
    jsw.loadBuffer();
    return { StringDecoder };
  });
};

// node:buffer and the global Buffer: the `buffer` package (engine/src/node/vendor/,
// a pinned release of the implementation browsers' bundlers use for Node's
// Buffer: a Uint8Array subclass with Node's API), plus what Node has that it
// lacks: the base64url encoding, and the module's other exports.
(jsw) => {
  "use strict";
  const vendored = jsw.vendored.buffer;
  const { Buffer } = vendored;

  // base64url: base64 with "-" and "_" for "+" and "/", without padding.
  const isBase64Url = (encoding) => typeof encoding === "string" && encoding.toLowerCase() === "base64url";
  const toBase64 = (text) => String(text).replace(/-/g, "+").replace(/_/g, "/");
  const toBase64Url = (text) => text.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const base = {
    from: Buffer.from,
    byteLength: Buffer.byteLength,
    isEncoding: Buffer.isEncoding,
    alloc: Buffer.alloc,
    toString: Buffer.prototype.toString,
    write: Buffer.prototype.write,
    fill: Buffer.prototype.fill,
  };
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  define(Buffer, "isEncoding", function isEncoding(encoding) {
    return isBase64Url(encoding) || base.isEncoding.call(this, encoding);
  });
  define(Buffer, "byteLength", function byteLength(value, encoding) {
    if (typeof value === "string" && isBase64Url(encoding)) return base.byteLength.call(this, toBase64(value), "base64");
    return base.byteLength.call(this, value, encoding);
  });
  // Node's errors where programs look at them: bad input, sizes and offsets.
  const nodeError = jsw.nodeError;
  const describe = jsw.describeReceived;
  const badFromInput = (value) =>
    nodeError(
      TypeError,
      "ERR_INVALID_ARG_TYPE",
      "The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. " +
        `Received ${describe(value)}`,
    );
  function checkSize(size) {
    if (typeof size !== "number") {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "size" argument must be of type number. Received ${describe(size)}`);
    }
    if (!(size >= 0 && size <= vendored.kMaxLength)) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "size" is out of range. It must be >= 0 && <= ${vendored.kMaxLength}. Received ${size}`);
    }
  }
  define(Buffer, "from", function from(value, encodingOrOffset, length) {
    if (typeof value === "string" && isBase64Url(encodingOrOffset)) return base.from.call(this, toBase64(value), "base64");
    if (value === null || value === undefined || (typeof value !== "string" && typeof value !== "object")) {
      throw badFromInput(value);
    }
    try {
      return base.from.call(this, value, encodingOrOffset, length);
    } catch (error) {
      // The package's own wording for input it cannot take: Node's instead.
      if (error instanceof TypeError && /^The first argument must be/.test(error.message)) throw badFromInput(value);
      throw error;
    }
  });
  define(Buffer, "alloc", function alloc(size, fill, encoding) {
    checkSize(size);
    if (typeof fill === "string" && isBase64Url(encoding)) return base.alloc.call(this, size, toBase64(fill), "base64");
    return base.alloc.call(this, size, fill, encoding);
  });
  for (const name of ["allocUnsafe", "allocUnsafeSlow"]) {
    const make = Buffer[name];
    define(Buffer, name, {
      [name](size) {
        checkSize(size);
        return make.call(this, size);
      },
    }[name]);
  }
  // Buffer.prototype.toString also serves Uint8Array-like receivers; only the
  // encoding is looked at here.
  define(Buffer.prototype, "toString", function toString(encoding, start, end) {
    if (isBase64Url(encoding)) return toBase64Url(base.toString.call(this, "base64", start, end));
    // UTF-8 natively: faster, and malformed input becomes U+FFFD exactly where
    // Node puts it (the package's decoder replaces differently).
    if (encoding === undefined || encoding === "utf8" || encoding === "utf-8" || (typeof encoding === "string" && /^utf-?8$/i.test(encoding))) {
      const length = this.length;
      if (start === undefined || start < 0) start = 0;
      if (start > length) return "";
      if (end === undefined || end > length) end = length;
      if (end <= 0) return "";
      end >>>= 0;
      start >>>= 0;
      if (end <= start) return "";
      return jsw.utf8Decode(start === 0 && end === length ? this : this.subarray(start, end), false);
    }
    return base.toString.apply(this, arguments);
  });
  // write(string[, offset[, length]][, encoding]): the encoding is the last string argument.
  define(Buffer.prototype, "write", function write(string, ...rest) {
    const at = rest.findIndex((a) => typeof a === "string");
    if (at >= 0 && isBase64Url(rest[at])) {
      rest[at] = "base64";
      return base.write.call(this, toBase64(string), ...rest);
    }
    return base.write.call(this, string, ...rest);
  });
  define(Buffer.prototype, "fill", function fill(value, ...rest) {
    const at = rest.findIndex((a) => typeof a === "string");
    if (typeof value === "string" && at >= 0 && isBase64Url(rest[at])) {
      rest[at] = "base64";
      return base.fill.call(this, toBase64(value), ...rest);
    }
    return base.fill.call(this, value, ...rest);
  });

  function checkOffset(buffer, offset, size) {
    if (typeof offset !== "number") {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "offset" argument must be of type number. Received ${describe(offset)}`);
    }
    if (!Number.isInteger(offset)) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "offset" is out of range. It must be an integer. Received ${offset}`);
    }
    const last = buffer.length - size;
    if (last < 0) throw nodeError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS", "Attempt to access memory outside buffer bounds");
    if (offset < 0 || offset > last) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "offset" is out of range. It must be >= 0 and <= ${last}. Received ${offset}`);
    }
  }
  const sizes = { Int8: 1, UInt8: 1, Uint8: 1, Int16: 2, UInt16: 2, Uint16: 2, Int32: 4, UInt32: 4, Uint32: 4, Float: 4, Double: 8, BigInt64: 8, BigUInt64: 8, BigUint64: 8 };
  for (const name of Object.getOwnPropertyNames(Buffer.prototype)) {
    const m = /^(read|write)(Int8|UInt8|Uint8|Int16|UInt16|Uint16|Int32|UInt32|Uint32|Float|Double|BigInt64|BigUInt64|BigUint64)(LE|BE)?$/.exec(name);
    if (m === null) continue;
    const method = Buffer.prototype[name];
    const size = sizes[m[2]];
    const wrapped =
      m[1] === "read"
        ? { [name](offset = 0) {
            checkOffset(this, offset, size);
            return method.call(this, offset);
          } }[name]
        : { [name](value, offset = 0) {
            checkOffset(this, offset, size);
            return method.call(this, value, offset);
          } }[name];
    define(Buffer.prototype, name, wrapped);
  }
  // How Node's console shows a Buffer: at most INSPECT_MAX_BYTES bytes, then a count.
  define(Buffer.prototype, Symbol.for("nodejs.util.inspect.custom"), function inspect() {
    const max = vendored.INSPECT_MAX_BYTES;
    const shown = this.toString("hex", 0, max).replace(/(.{2})/g, "$1 ").trim();
    const more = this.length > max ? ` ... ${this.length - max} more byte${this.length - max > 1 ? "s" : ""}` : "";
    return `<${this.constructor.name} ${shown}${more}>`;
  });

  // buffer.transcode, as Node does it with ICU: between utf8 and ucs2 the
  // input must be valid (else U_INVALID_CHAR_FOUND); otherwise what cannot be
  // read becomes U+FFFD, and what the target cannot hold becomes '?'.
  const TRANSCODE_NAMES = { utf8: "utf8", "utf-8": "utf8", ucs2: "ucs2", "ucs-2": "ucs2", utf16le: "ucs2", "utf-16le": "ucs2", latin1: "latin1", binary: "latin1", ascii: "ascii" };
  function transcodeError(code, errno) {
    const error = new Error(`Unable to transcode Buffer [${code}]`);
    return Object.assign(error, { code, errno });
  }
  function transcode(source, fromEncoding, toEncoding) {
    if (!(source instanceof Uint8Array)) {
      throw jsw.invalidArgType("source", "an instance of Buffer or Uint8Array", source);
    }
    const from = TRANSCODE_NAMES[String(fromEncoding).toLowerCase()];
    const to = TRANSCODE_NAMES[String(toEncoding).toLowerCase()];
    if (from === undefined || to === undefined) throw transcodeError("U_ILLEGAL_ARGUMENT_ERROR", 1);
    if (source.length === 0) return Buffer.alloc(0);
    const strict = (from === "utf8" && to === "ucs2") || (from === "ucs2" && to === "utf8");
    let text;
    if (from === "utf8") {
      try {
        text = new TextDecoder("utf-8", { fatal: strict }).decode(source);
      } catch {
        throw transcodeError("U_INVALID_CHAR_FOUND", 10);
      }
    } else if (from === "ucs2") {
      text = "";
      for (let i = 0; i + 1 < source.length; i += 2) text += String.fromCharCode(source[i] | (source[i + 1] << 8));
      if (!text.isWellFormed()) {
        if (strict) throw transcodeError("U_INVALID_CHAR_FOUND", 10);
        text = text.toWellFormed();
      }
    } else {
      const ascii = from === "ascii";
      text = "";
      for (const byte of source) text += ascii && byte > 0x7f ? "\ufffd" : String.fromCharCode(byte);
    }
    if (to === "latin1" || to === "ascii") {
      const max = to === "ascii" ? 0x7f : 0xff;
      const bytes = [];
      for (const c of text) bytes.push(c.codePointAt(0) > max ? 0x3f : c.codePointAt(0));
      return Buffer.from(bytes);
    }
    return Buffer.from(text, to);
  }

  // querystring.unescapeBuffer: the bytes of a percent-encoded string (`+` as
  // a space if asked). As in Node, a character that is not an escape gives the
  // low byte of its code.
  jsw.unescapeBytes = function unescapeBuffer(s, decodeSpaces) {
    const out = Buffer.allocUnsafe(s.length);
    const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 43 && decodeSpaces) {
        out[n++] = 32;
      } else if (c === 37 && i < s.length - 2 && hex(s.charCodeAt(i + 1)) >= 0 && hex(s.charCodeAt(i + 2)) >= 0) {
        out[n++] = hex(s.charCodeAt(i + 1)) * 16 + hex(s.charCodeAt(i + 2));
        i += 2;
      } else {
        out[n++] = c;
      }
    }
    return out.subarray(0, n);
  };

  const MAX_STRING_LENGTH = (1 << 30) - 25;
  const exports = {
    Buffer,
    SlowBuffer: vendored.SlowBuffer,
    INSPECT_MAX_BYTES: vendored.INSPECT_MAX_BYTES,
    kMaxLength: vendored.kMaxLength,
    kStringMaxLength: MAX_STRING_LENGTH,
    constants: { MAX_LENGTH: vendored.kMaxLength, MAX_STRING_LENGTH },
    Blob: globalThis.Blob,
    File: globalThis.File,
    atob: globalThis.atob,
    btoa: globalThis.btoa,
    transcode,
    isUtf8(input) {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(input);
        return true;
      } catch {
        return false;
      }
    },
    isAscii(input) {
      const bytes = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
      for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
      return true;
    },
  };
  jsw.bufferExports = exports;
  define(globalThis, "Buffer", Buffer);
};

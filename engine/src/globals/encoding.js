// TextEncoder, TextDecoder (UTF-8, with the Encoding Standard's BOM handling,
// fatal mode and streaming, and windows-1252), atob and btoa.
(jsw) => {
  "use strict";
  const labels = new Map();
  for (const label of ["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]) {
    labels.set(label, "utf-8");
  }
  // The Encoding Standard gives "latin1", "ascii" and "iso-8859-1" to
  // windows-1252, which differs from ISO-8859-1 in 0x80-0x9F.
  for (const label of [
    "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
    "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252",
  ]) {
    labels.set(label, "windows-1252");
  }
  // Other encodings arrive with the part that decodes them (encodings.js), which
  // a program whose code names TextDecoder carries (with every label), and the
  // indexes of the multi-byte ones when it names one of their labels.
  let decoderFor = null;
  jsw.registerEncodings = (table, lookup) => {
    for (const [name, names] of Object.entries(table)) for (const label of names) labels.set(label, name);
    decoderFor = lookup;
  };
  const notCarried = (label, name) =>
    new RangeError(
      `The "${label}" encoding is not supported` +
        ` by this program: jsw carries the ${name} decoder only when the program names one of its labels ` +
        `in a string (new TextDecoder("${name}")) or is built with --encoding ${name}`,
    );
  const cp1252 = "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f" +
    "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178";
  const windows1252 = (bytes) => jsw.latin1Decode(bytes).replace(/[\x80-\x9f]/g, (c) => cp1252[c.charCodeAt(0) - 0x80]);

  function bytesOf(input) {
    if (input === undefined) return new Uint8Array(0);
    if (input instanceof Uint8Array) return input;
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === "[object SharedArrayBuffer]") {
      return new Uint8Array(input);
    }
    throw new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView');
  }

  // Length of the prefix of `b` that ends on a complete UTF-8 sequence; the rest
  // may be completed by the next chunk of a stream.
  function completePrefix(b) {
    const n = b.length;
    for (let back = 1; back <= Math.min(3, n); back++) {
      const byte = b[n - back];
      if ((byte & 0xc0) === 0x80) continue;
      const need = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 1;
      if (back >= need) return n;
      // Held back only while it can still complete: a second byte outside its
      // lead's range is an error now (E0 A0-BF, ED 80-9F, F0 90-BF, F4 80-8F).
      if (back >= 2) {
        const second = b[n - back + 1];
        const lo = byte === 0xe0 ? 0xa0 : byte === 0xf0 ? 0x90 : 0x80;
        const hi = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf;
        if (second < lo || second > hi) return n;
      }
      return n - back;
    }
    return n;
  }

  class TextEncoder {
    get encoding() {
      return "utf-8";
    }
    encode(input = "") {
      return jsw.utf8Encode(String(input));
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('The "dest" argument must be an instance of Uint8Array');
      const [read, bytes] = jsw.utf8EncodePrefix(String(source).toWellFormed(), destination.length);
      destination.set(bytes);
      return { read, written: bytes.length };
    }
  }
  Object.defineProperty(TextEncoder.prototype, Symbol.toStringTag, { value: "TextEncoder" });

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #pending = new Uint8Array(0);
    #started = false;
    #decoder = null;
    constructor(label = "utf-8", options = {}) {
      const name = String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase();
      this.#encoding = labels.get(name);
      if (this.#encoding === undefined || this.#encoding === "replacement") {
        // (Node names the replacement encoding's labels by that name.)
        throw new RangeError(`The "${this.#encoding === "replacement" ? "replacement" : label}" encoding is not supported`);
      }
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
      if (this.#encoding !== "utf-8" && this.#encoding !== "windows-1252") {
        // Made now so that an encoding whose index the program lacks fails here.
        this.#decoder = decoderFor(this.#encoding, this.#fatal);
        if (!this.#decoder) throw notCarried(label, this.#encoding);
      }
    }
    get encoding() {
      return this.#encoding;
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input = undefined, options = {}) {
      const stream = Boolean(options && options.stream);
      let bytes = bytesOf(input);
      // One byte is one character: nothing is carried between chunks.
      if (this.#encoding === "windows-1252") return windows1252(bytes);
      if (this.#decoder !== null) return this.#other(bytes, stream);
      if (this.#pending.length > 0) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
      }
      let end = bytes.length;
      if (stream) {
        end = completePrefix(bytes);
        this.#pending = bytes.slice(end);
      } else {
        this.#pending = new Uint8Array(0);
      }
      let text;
      try {
        text = jsw.utf8Decode(end === bytes.length ? bytes : bytes.subarray(0, end), this.#fatal);
      } catch (e) {
        this.#pending = new Uint8Array(0);
        this.#started = false;
        throw e;
      }
      if (!this.#started && text.length > 0) {
        if (!this.#ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        this.#started = true;
      }
      if (!stream) this.#started = false;
      return text;
    }
    #other(bytes, stream) {
      let text;
      try {
        text = this.#decoder(bytes, !stream);
      } catch (e) {
        this.#decoder = decoderFor(this.#encoding, this.#fatal);
        this.#started = false;
        throw e;
      }
      if (!this.#started && text.length > 0) {
        if (!this.#ignoreBOM && text.charCodeAt(0) === 0xfeff && this.#encoding.startsWith("utf-16")) {
          text = text.slice(1);
        }
        this.#started = true;
      }
      if (!stream) {
        // The next call starts a new stream (the Standard's new decoder).
        this.#decoder = decoderFor(this.#encoding, this.#fatal);
        this.#started = false;
      }
      return text;
    }
  }
  Object.defineProperty(TextDecoder.prototype, Symbol.toStringTag, { value: "TextDecoder" });

  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lookup = new Map(Array.from(alphabet, (c, i) => [c, i]));

  function btoa(data) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    const s = String(data);
    let out = "";
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i);
      const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
      if (a > 255 || b > 255 || c > 255) throw new jsw.DOMException("Invalid character", "InvalidCharacterError");
      const n = (a << 16) | (b << 8) | c;
      out += alphabet[n >> 18] + alphabet[(n >> 12) & 63];
      out += i + 1 < s.length ? alphabet[(n >> 6) & 63] : "=";
      out += i + 2 < s.length ? alphabet[n & 63] : "=";
    }
    return out;
  }

  function atob(data) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    let s = String(data).replace(/[\t\n\f\r ]/g, "");
    if (s.length % 4 === 0) s = s.replace(/={1,2}$/, "");
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
      throw new jsw.DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
    }
    let out = "";
    let buffer = 0;
    let bits = 0;
    for (const c of s) {
      buffer = (buffer << 6) | lookup.get(c);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 255);
      }
    }
    return out;
  }

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  define("TextEncoder", TextEncoder);
  define("TextDecoder", TextDecoder);
  define("btoa", btoa);
  define("atob", atob);
};

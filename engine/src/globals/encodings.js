// The Encoding Standard's decoders beyond UTF-8 and windows-1252 (which the
// resident TextDecoder, encoding.js, has): UTF-16LE/BE, the single-byte
// encodings, x-user-defined, and the CJK multi-byte decoders, written as the
// Standard's algorithms (one byte at a time, with its "prepend" to re-read
// bytes). A program whose code names TextDecoder carries this part; the CJK
// decoders (encodings-cjk.js) and their indexes (encoding-index-*.js) come
// only with the labels of their encodings.
(jsw) => {
  "use strict";
  const EOF = -1;
  const CONTINUE = -1;
  const ERROR = -2;
  const FINISHED = -3;
  const indexes = new Map();
  const decoded = new Map();

  // An index arrives as a string of code points by pointer (NUL: none), turned
  // into numbers the first time a decoder needs it.
  jsw.encodingIndex = (name, data) => indexes.set(name, data);
  function index(name) {
    let table = decoded.get(name);
    if (table === undefined) {
      const data = indexes.get(name);
      if (Array.isArray(data)) {
        table = data;
      } else {
        table = new Uint32Array(data.length);
        let p = 0;
        for (const c of data) table[p++] = c.codePointAt(0);
        table = table.subarray(0, p);
      }
      decoded.set(name, table);
    }
    return table;
  }
  const ascii = (b) => b >= 0 && b <= 0x7f;
  // What the CJK decoders (encodings-cjk.js) share with these.
  jsw.encodingShared = { index, ascii, EOF, CONTINUE, ERROR, FINISHED };

  // The Standard's decoders: `step(byte, prepend)` answers a code point,
  // CONTINUE, ERROR or FINISHED (at EOF); `prepend(...bytes)` re-queues bytes.
  function utf16(be) {
    let leadByte = null;
    let leadSurrogate = null;
    return (byte, prepend) => {
      if (byte === EOF) {
        if (leadByte !== null || leadSurrogate !== null) {
          leadByte = leadSurrogate = null;
          return ERROR;
        }
        return FINISHED;
      }
      if (leadByte === null) {
        leadByte = byte;
        return CONTINUE;
      }
      const unit = be ? (leadByte << 8) + byte : leadByte + (byte << 8);
      leadByte = null;
      if (leadSurrogate !== null) {
        const lead = leadSurrogate;
        leadSurrogate = null;
        if (unit >= 0xdc00 && unit <= 0xdfff) return 0x10000 + ((lead - 0xd800) << 10) + (unit - 0xdc00);
        const b1 = unit >> 8;
        const b2 = unit & 0xff;
        if (be) prepend(b1, b2);
        else prepend(b2, b1);
        return ERROR;
      }
      if (unit >= 0xd800 && unit <= 0xdbff) {
        leadSurrogate = unit;
        return CONTINUE;
      }
      if (unit >= 0xdc00 && unit <= 0xdfff) return ERROR;
      return unit;
    };
  }

  // A decoder over `step`: bytes in, text out, keeping its state (and the bytes
  // it was told to re-read) between the chunks of a stream.
  function streaming(makeStep, name) {
    return (fatal) => {
      const step = makeStep();
      const queue = [];
      const prepend = (...bytes) => {
        for (let i = bytes.length - 1; i >= 0; i--) queue.push(bytes[i]);
      };
      return (bytes, flush) => {
        let units = [];
        let text = "";
        let i = 0;
        for (;;) {
          let byte;
          if (queue.length > 0) byte = queue.pop();
          else if (i < bytes.length) byte = bytes[i++];
          else if (flush) byte = EOF;
          else break;
          const r = step(byte, prepend);
          if (typeof r === "object") {
            units.push(r[0], r[1]);
          } else if (r >= 0) {
            if (r > 0xffff) {
              units.push(0xd800 + ((r - 0x10000) >> 10), 0xdc00 + ((r - 0x10000) & 0x3ff));
            } else {
              units.push(r);
            }
          } else if (r === ERROR) {
            if (fatal) throw new TypeError(`The encoded data was not valid for encoding ${name}`);
            units.push(0xfffd);
          } else if (r === FINISHED) {
            break;
          }
          if (units.length >= 8192) {
            text += String.fromCharCode.apply(null, units);
            units = [];
          }
        }
        return text + String.fromCharCode.apply(null, units);
      };
    };
  }

  // Single-byte encodings decode without state: each byte through its table.
  function singleByte(table, name) {
    const map = new Uint16Array(256);
    for (let b = 0; b < 0x80; b++) map[b] = b;
    for (let b = 0; b < 0x80; b++) map[0x80 + b] = table.charCodeAt(b);
    return (fatal) => (bytes) => {
      let text = "";
      for (let start = 0; start < bytes.length; start += 8192) {
        const units = new Uint16Array(Math.min(8192, bytes.length - start));
        for (let i = 0; i < units.length; i++) {
          const u = map[bytes[start + i]];
          if (u === 0) {
            if (bytes[start + i] === 0) continue;
            if (fatal) throw new TypeError(`The encoded data was not valid for encoding ${name}`);
            units[i] = 0xfffd;
          } else {
            units[i] = u;
          }
        }
        text += String.fromCharCode.apply(null, units);
      }
      return text;
    };
  }

  // What a name needs: its decoder, and the indexes (parts) it reads.
  // (The CJK decoders arrive with their indexes, in encodings-cjk.js.)
  const cjk = (name) => () => jsw.cjkDecoders[name]();
  const multiByte = {
    "utf-16le": [() => utf16(false), []],
    "utf-16be": [() => utf16(true), []],
    gbk: [cjk("gb18030"), ["gb18030"]],
    gb18030: [cjk("gb18030"), ["gb18030"]],
    big5: [cjk("big5"), ["big5"]],
    "euc-jp": [cjk("eucJp"), ["jis0208", "jis0212"]],
    "iso-2022-jp": [cjk("iso2022Jp"), ["jis0208"]],
    shift_jis: [cjk("shiftJis"), ["jis0208"]],
    "euc-kr": [cjk("eucKr"), ["euc-kr"]],
  };

  jsw.defineEncodings = ({ labels, single }) => {
    const decoders = new Map();
    for (const [name, table] of Object.entries(single)) decoders.set(name, singleByte(table, name));
    decoders.set("iso-8859-8-i", singleByte(single["iso-8859-8"], "iso-8859-8-i"));
    decoders.set("x-user-defined", (fatal) => (bytes) => {
      let text = "";
      for (const b of bytes) text += String.fromCharCode(b < 0x80 ? b : 0xf780 + b - 0x80);
      return text;
    });
    // The label table and the decoders reach the resident TextDecoder, which
    // asks for a decoder only of a name it does not decode itself.
    jsw.registerEncodings(labels, (name, fatal) => {
      const make = decoders.get(name);
      if (make) return make(fatal);
      const entry = multiByte[name];
      if (!entry) return undefined;
      if (entry[1].some((i) => !indexes.has(i))) return null;
      return streaming(entry[0], name)(fatal);
    });
  };
};

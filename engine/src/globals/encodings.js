// The Encoding Standard's decoders beyond UTF-8 and windows-1252 (which the
// resident TextDecoder, encoding.js, has): UTF-16LE/BE, the single-byte
// encodings, x-user-defined, and the CJK multi-byte decoders, written as the
// Standard's algorithms (one byte at a time, with its "prepend" to re-read
// bytes). A program carries this part when its code names a label of one of
// them; the CJK indexes are separate parts (encoding-index-*.js), carried for
// the labels of their encodings.
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

  function gb18030Ranges(pointer) {
    if ((pointer > 39419 && pointer < 189000) || pointer > 1237575) return null;
    if (pointer >= 189000) return 0x10000 + pointer - 189000;
    const ranges = index("gb18030-ranges");
    let lo = 0;
    let hi = ranges.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ranges[mid * 2] <= pointer) lo = mid;
      else hi = mid - 1;
    }
    return ranges[lo * 2 + 1] + pointer - ranges[lo * 2];
  }

  function gb18030() {
    const table = index("gb18030");
    let first = 0;
    let second = 0;
    let third = 0;
    return (byte, prepend) => {
      if (byte === EOF) {
        if (first === 0 && second === 0 && third === 0) return FINISHED;
        first = second = third = 0;
        return ERROR;
      }
      if (third !== 0) {
        if (byte < 0x30 || byte > 0x39) {
          prepend(second, third, byte);
          first = second = third = 0;
          return ERROR;
        }
        const cp = gb18030Ranges(((first - 0x81) * 10 + second - 0x30) * 1260 + (third - 0x81) * 10 + byte - 0x30);
        first = second = third = 0;
        return cp === null ? ERROR : cp;
      }
      if (second !== 0) {
        if (byte >= 0x81 && byte <= 0xfe) {
          third = byte;
          return CONTINUE;
        }
        prepend(second, byte);
        first = second = 0;
        return ERROR;
      }
      if (first !== 0) {
        if (byte >= 0x30 && byte <= 0x39) {
          second = byte;
          return CONTINUE;
        }
        const lead = first;
        first = 0;
        const offset = byte < 0x7f ? 0x40 : 0x41;
        const cp = (byte >= 0x40 && byte <= 0x7e) || (byte >= 0x80 && byte <= 0xfe)
          ? table[(lead - 0x81) * 190 + byte - offset] : 0;
        if (cp) return cp;
        if (ascii(byte)) prepend(byte);
        return ERROR;
      }
      if (ascii(byte)) return byte;
      if (byte === 0x80) return 0x20ac;
      if (byte >= 0x81 && byte <= 0xfe) {
        first = byte;
        return CONTINUE;
      }
      return ERROR;
    };
  }

  function big5() {
    const table = index("big5");
    const pairs = { 1133: [0xca, 0x304], 1135: [0xca, 0x30c], 1164: [0xea, 0x304], 1166: [0xea, 0x30c] };
    let lead = 0;
    return (byte, prepend) => {
      if (byte === EOF) {
        if (lead === 0) return FINISHED;
        lead = 0;
        return ERROR;
      }
      if (lead !== 0) {
        const l = lead;
        lead = 0;
        const offset = byte < 0x7f ? 0x40 : 0x62;
        if ((byte >= 0x40 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xfe)) {
          const pointer = (l - 0x81) * 157 + byte - offset;
          if (pointers(pairs, pointer)) return pairs[pointer];
          const cp = table[pointer];
          if (cp) return cp;
        }
        if (ascii(byte)) prepend(byte);
        return ERROR;
      }
      if (ascii(byte)) return byte;
      if (byte >= 0x81 && byte <= 0xfe) {
        lead = byte;
        return CONTINUE;
      }
      return ERROR;
    };
  }
  const pointers = (pairs, p) => Object.prototype.hasOwnProperty.call(pairs, p);

  function eucJp() {
    const jis0208 = index("jis0208");
    const jis0212 = index("jis0212");
    let lead = 0;
    let use0212 = false;
    return (byte, prepend) => {
      if (byte === EOF) {
        if (lead === 0) return FINISHED;
        lead = 0;
        return ERROR;
      }
      if (lead === 0x8e && byte >= 0xa1 && byte <= 0xdf) {
        lead = 0;
        return 0xff61 - 0xa1 + byte;
      }
      if (lead === 0x8f && byte >= 0xa1 && byte <= 0xfe) {
        use0212 = true;
        lead = byte;
        return CONTINUE;
      }
      if (lead !== 0) {
        const l = lead;
        lead = 0;
        let cp = 0;
        if (l >= 0xa1 && l <= 0xfe && byte >= 0xa1 && byte <= 0xfe) {
          cp = (use0212 ? jis0212 : jis0208)[(l - 0xa1) * 94 + byte - 0xa1];
        }
        use0212 = false;
        if (cp) return cp;
        if (ascii(byte)) prepend(byte);
        return ERROR;
      }
      if (ascii(byte)) return byte;
      if (byte === 0x8e || byte === 0x8f || (byte >= 0xa1 && byte <= 0xfe)) {
        lead = byte;
        return CONTINUE;
      }
      return ERROR;
    };
  }

  function iso2022Jp() {
    const jis0208 = index("jis0208");
    const ASCII = 0;
    const ROMAN = 1;
    const KATAKANA = 2;
    const LEAD = 3;
    const TRAIL = 4;
    const ESCAPE_START = 5;
    const ESCAPE = 6;
    let state = ASCII;
    let outputState = ASCII;
    let lead = 0;
    let output = false;
    return (byte, prepend) => {
      switch (state) {
        case ASCII:
          if (byte === 0x1b) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (byte >= 0 && byte <= 0x7f && byte !== 0x0e && byte !== 0x0f) {
            output = false;
            return byte;
          }
          if (byte === EOF) return FINISHED;
          output = false;
          return ERROR;
        case ROMAN:
          if (byte === 0x1b) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (byte === 0x5c) {
            output = false;
            return 0xa5;
          }
          if (byte === 0x7e) {
            output = false;
            return 0x203e;
          }
          if (byte >= 0 && byte <= 0x7f && byte !== 0x0e && byte !== 0x0f) {
            output = false;
            return byte;
          }
          if (byte === EOF) return FINISHED;
          output = false;
          return ERROR;
        case KATAKANA:
          if (byte === 0x1b) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (byte >= 0x21 && byte <= 0x5f) {
            output = false;
            return 0xff61 - 0x21 + byte;
          }
          if (byte === EOF) return FINISHED;
          output = false;
          return ERROR;
        case LEAD:
          if (byte === 0x1b) {
            state = ESCAPE_START;
            return CONTINUE;
          }
          if (byte >= 0x21 && byte <= 0x7e) {
            output = false;
            lead = byte;
            state = TRAIL;
            return CONTINUE;
          }
          if (byte === EOF) return FINISHED;
          output = false;
          return ERROR;
        case TRAIL:
          if (byte === 0x1b) {
            state = ESCAPE_START;
            return ERROR;
          }
          if (byte >= 0x21 && byte <= 0x7e) {
            state = LEAD;
            const cp = jis0208[(lead - 0x21) * 94 + byte - 0x21];
            return cp ? cp : ERROR;
          }
          if (byte === EOF) {
            state = LEAD;
            prepend(byte);
            return ERROR;
          }
          state = LEAD;
          return ERROR;
        case ESCAPE_START:
          if (byte === 0x24 || byte === 0x28) {
            lead = byte;
            state = ESCAPE;
            return CONTINUE;
          }
          prepend(byte);
          output = false;
          state = outputState;
          return ERROR;
        default: {
          const l = lead;
          lead = 0;
          let next = null;
          if (l === 0x28 && byte === 0x42) next = ASCII;
          else if (l === 0x28 && byte === 0x4a) next = ROMAN;
          else if (l === 0x28 && byte === 0x49) next = KATAKANA;
          else if (l === 0x24 && (byte === 0x40 || byte === 0x42)) next = LEAD;
          if (next !== null) {
            state = outputState = next;
            const was = output;
            output = true;
            return was ? ERROR : CONTINUE;
          }
          prepend(l, byte);
          output = false;
          state = outputState;
          return ERROR;
        }
      }
    };
  }

  function shiftJis() {
    const jis0208 = index("jis0208");
    let lead = 0;
    return (byte, prepend) => {
      if (byte === EOF) {
        if (lead === 0) return FINISHED;
        lead = 0;
        return ERROR;
      }
      if (lead !== 0) {
        const l = lead;
        lead = 0;
        const offset = byte < 0x7f ? 0x40 : 0x41;
        const leadOffset = l < 0xa0 ? 0x81 : 0xc1;
        if ((byte >= 0x40 && byte <= 0x7e) || (byte >= 0x80 && byte <= 0xfc)) {
          const pointer = (l - leadOffset) * 188 + byte - offset;
          if (pointer >= 8836 && pointer <= 10715) return 0xe000 - 8836 + pointer;
          const cp = jis0208[pointer];
          if (cp) return cp;
        }
        if (ascii(byte)) prepend(byte);
        return ERROR;
      }
      if (ascii(byte) || byte === 0x80) return byte;
      if (byte >= 0xa1 && byte <= 0xdf) return 0xff61 - 0xa1 + byte;
      if ((byte >= 0x81 && byte <= 0x9f) || (byte >= 0xe0 && byte <= 0xfc)) {
        lead = byte;
        return CONTINUE;
      }
      return ERROR;
    };
  }

  function eucKr() {
    const table = index("euc-kr");
    let lead = 0;
    return (byte, prepend) => {
      if (byte === EOF) {
        if (lead === 0) return FINISHED;
        lead = 0;
        return ERROR;
      }
      if (lead !== 0) {
        const l = lead;
        lead = 0;
        const cp = byte >= 0x41 && byte <= 0xfe ? table[(l - 0x81) * 190 + byte - 0x41] : 0;
        if (cp) return cp;
        if (ascii(byte)) prepend(byte);
        return ERROR;
      }
      if (ascii(byte)) return byte;
      if (byte >= 0x81 && byte <= 0xfe) {
        lead = byte;
        return CONTINUE;
      }
      return ERROR;
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
  const multiByte = {
    "utf-16le": [() => utf16(false), []],
    "utf-16be": [() => utf16(true), []],
    gbk: [gb18030, ["gb18030"]],
    gb18030: [gb18030, ["gb18030"]],
    big5: [big5, ["big5"]],
    "euc-jp": [eucJp, ["jis0208", "jis0212"]],
    "iso-2022-jp": [iso2022Jp, ["jis0208"]],
    shift_jis: [shiftJis, ["jis0208"]],
    "euc-kr": [eucKr, ["euc-kr"]],
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

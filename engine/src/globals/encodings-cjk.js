// The Encoding Standard's CJK decoders (gb18030 and gbk, Big5, EUC-JP,
// ISO-2022-JP, Shift_JIS, EUC-KR), carried with their indexes by programs that
// name one of their labels. encodings.js runs them.
(jsw) => {
  "use strict";
  const { index, ascii, EOF, CONTINUE, ERROR, FINISHED } = jsw.encodingShared;

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

  jsw.cjkDecoders = { gb18030, big5, eucJp, iso2022Jp, shiftJis, eucKr };
};

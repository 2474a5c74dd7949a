// URL and URLSearchParams after the WHATWG URL Standard: the basic URL parser's
// state machine, host parsing (domains, IPv4 in all its legacy forms, IPv6, opaque
// hosts), the percent-encode sets, and the serializer. Domains with non-ASCII
// labels are lowercased, NFC-normalized and Punycode-encoded; the full UTS #46
// mapping table is not carried.
(jsw) => {
  "use strict";
  const special = { "ftp:": 21, "file:": null, "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };
  const isSpecialScheme = (s) => Object.hasOwn(special, s);

  const C0 = (c) => c <= 0x1f || c > 0x7e;
  const FRAGMENT = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
  const QUERY = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
  const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
  const PATH = (c) => QUERY(c) || c === 0x3f || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7d;
  const USERINFO = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 ||
    (c >= 0x5b && c <= 0x5d) || c === 0x7c;
  const COMPONENT = (c) => USERINFO(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
  const FORM = (c) => COMPONENT(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

  const hex = (b) => "%" + b.toString(16).toUpperCase().padStart(2, "0");
  const encoder = new TextEncoder();

  function encodeChar(ch, set) {
    const c = ch.codePointAt(0);
    if (c < 0x80 && !set(c)) return ch;
    let out = "";
    for (const b of encoder.encode(ch)) out += hex(b);
    return out;
  }
  function encodeString(s, set, spaceAsPlus) {
    let out = "";
    for (const ch of s) out += spaceAsPlus && ch === " " ? "+" : encodeChar(ch, set);
    return out;
  }
  function percentDecodeBytes(s) {
    const bytes = encoder.encode(s);
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
        i += 2;
      } else {
        out.push(b);
      }
    }
    return new Uint8Array(out);
  }
  const isHex = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
  // A BOM is text here (a query's U+FEFF stays), not a byte order mark.
  const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  const decodeUtf8 = (bytes) => utf8.decode(bytes);

  const ALPHA = /^[A-Za-z]$/;
  const isAlpha = (c) => c !== undefined && ALPHA.test(c);
  const isDigit = (c) => c !== undefined && c >= "0" && c <= "9";
  const isWindowsDriveLetter = (s, normalizedOnly) =>
    s.length === 2 && isAlpha(s[0]) && (s[1] === ":" || (!normalizedOnly && s[1] === "|"));
  const startsWithWindowsDriveLetter = (cps, i) =>
    cps.length - i >= 2 && isAlpha(cps[i]) && (cps[i + 1] === ":" || cps[i + 1] === "|") &&
    (cps.length - i === 2 || "/\\?#".includes(cps[i + 2]));
  const isSingleDot = (s) => s === "." || s.toLowerCase() === "%2e";
  const isDoubleDot = (s) => ["..", ".%2e", "%2e.", "%2e%2e"].includes(s.toLowerCase());

  function failure(input, base) {
    const err = new TypeError("Invalid URL");
    err.code = "ERR_INVALID_URL";
    err.input = input;
    if (base !== undefined) err.base = base;
    return err;
  }

  // ---- hosts ----
  const FORBIDDEN_HOST = /[\0\t\n\r #/:<>?@[\\\]^|]/;
  const FORBIDDEN_DOMAIN = /[\0-\x1f\t\n\r #%/:<>?@[\\\]^|\x7f]/;

  function parseIPv6(input) {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let piece = 0;
    let compress = null;
    let i = 0;
    const cps = Array.from(input);
    if (cps[i] === ":") {
      if (cps[i + 1] !== ":") return null;
      i += 2;
      piece++;
      compress = piece;
    }
    while (i < cps.length) {
      if (piece === 8) return null;
      if (cps[i] === ":") {
        if (compress !== null) return null;
        i++;
        piece++;
        compress = piece;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && i < cps.length && /[0-9a-fA-F]/.test(cps[i])) {
        value = value * 16 + parseInt(cps[i], 16);
        i++;
        length++;
      }
      if (cps[i] === ".") {
        if (length === 0) return null;
        i -= length;
        if (piece > 6) return null;
        let seen = 0;
        while (i < cps.length) {
          let v4 = null;
          if (seen > 0) {
            if (cps[i] === "." && seen < 4) i++;
            else return null;
          }
          if (!isDigit(cps[i])) return null;
          while (isDigit(cps[i])) {
            const n = Number(cps[i]);
            if (v4 === null) v4 = n;
            else if (v4 === 0) return null;
            else v4 = v4 * 10 + n;
            if (v4 > 255) return null;
            i++;
          }
          address[piece] = address[piece] * 256 + v4;
          seen++;
          if (seen === 2 || seen === 4) piece++;
        }
        if (seen !== 4) return null;
        break;
      } else if (cps[i] === ":") {
        i++;
        if (i >= cps.length) return null;
      } else if (i < cps.length) {
        return null;
      }
      address[piece] = value;
      piece++;
    }
    if (compress !== null) {
      let swaps = piece - compress;
      piece = 7;
      while (piece !== 0 && swaps > 0) {
        const t = address[compress + swaps - 1];
        address[compress + swaps - 1] = address[piece];
        address[piece] = t;
        piece--;
        swaps--;
      }
    } else if (piece !== 8) {
      return null;
    }
    return address;
  }

  function serializeIPv6(address) {
    // The first longest run of two or more zero pieces is compressed.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (address[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && address[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    let out = "";
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && address[i] === 0) continue;
      ignore0 = false;
      if (best === i) {
        out += i === 0 ? "::" : ":";
        ignore0 = true;
        continue;
      }
      out += address[i].toString(16);
      if (i !== 7) out += ":";
    }
    return `[${out}]`;
  }

  function parseIPv4Number(s) {
    if (s === "") return null;
    let radix = 10;
    if (s.length >= 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
      s = s.slice(2);
      radix = 16;
    } else if (s.length >= 2 && s[0] === "0") {
      s = s.slice(1);
      radix = 8;
    }
    if (s === "") return 0;
    const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    if (!valid.test(s)) return null;
    return parseInt(s, radix);
  }

  function endsInNumber(host) {
    const parts = host.split(".");
    if (parts[parts.length - 1] === "") {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== "" && /^[0-9]+$/.test(last)) return true;
    return parseIPv4Number(last) !== null;
  }

  function parseIPv4(host) {
    const parts = host.split(".");
    if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const numbers = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (n === null) return null;
      numbers.push(n);
    }
    for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return null;
    if (numbers[numbers.length - 1] >= 256 ** (5 - numbers.length)) return null;
    let ipv4 = numbers[numbers.length - 1];
    for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    return ipv4;
  }

  const serializeIPv4 = (n) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

  function punycode(label) {
    const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
    const input = Array.from(label, (c) => c.codePointAt(0));
    let n = 128, delta = 0, bias = 72;
    let out = input.filter((c) => c < 128).map((c) => String.fromCharCode(c)).join("");
    const basic = out.length;
    let h = basic;
    if (basic > 0) out += "-";
    const digit = (d) => String.fromCharCode(d + 22 + 75 * (d < 26));
    const adapt = (d, points, first) => {
      d = first ? Math.floor(d / damp) : d >> 1;
      d += Math.floor(d / points);
      let k = 0;
      while (d > ((base - tMin) * tMax) >> 1) {
        d = Math.floor(d / (base - tMin));
        k += base;
      }
      return k + Math.floor(((base - tMin + 1) * d) / (d + skew));
    };
    while (h < input.length) {
      const m = Math.min(...input.filter((c) => c >= n));
      delta += (m - n) * (h + 1);
      n = m;
      for (const c of input) {
        if (c < n) delta++;
        if (c === n) {
          let q = delta;
          for (let k = base; ; k += base) {
            const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
            if (q < t) break;
            out += digit(t + ((q - t) % (base - t)));
            q = Math.floor((q - t) / (base - t));
          }
          out += digit(q);
          bias = adapt(delta, h + 1, h === basic);
          delta = 0;
          h++;
        }
      }
      delta++;
      n++;
    }
    return out;
  }

  // RFC 3492's decoder, to check an "xn--" label: null when it is not valid
  // (node:url's domainToUnicode decodes with it too).
  function punydecode(input) {
    const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
    const cut = input.lastIndexOf("-");
    const out = cut > 0 ? Array.from(input.slice(0, cut), (c) => c.codePointAt(0)) : [];
    if (out.some((c) => c >= 128)) return null;
    let n = 128, i = 0, bias = 72;
    for (let at = cut > 0 ? cut + 1 : 0; at < input.length; ) {
      const old = i;
      for (let w = 1, k = base; ; k += base) {
        if (at >= input.length) return null;
        const c = input.charCodeAt(at++);
        const d = c - 48 < 10 ? c - 22 : c - 65 < 26 ? c - 65 : c - 97 < 26 ? c - 97 : base;
        if (d >= base) return null;
        i += d * w;
        const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
        if (d < t) break;
        w *= base - t;
        if (i > 0x7fffffff || w > 0x7fffffff) return null;
      }
      let delta = old === 0 ? Math.floor((i - old) / damp) : (i - old) >> 1;
      delta += Math.floor(delta / (out.length + 1));
      let k = 0;
      while (delta > ((base - tMin) * tMax) >> 1) {
        delta = Math.floor(delta / (base - tMin));
        k += base;
      }
      bias = k + Math.floor(((base - tMin + 1) * delta) / (delta + skew));
      n += Math.floor(i / (out.length + 1));
      i %= out.length + 1;
      if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
      out.splice(i++, 0, n);
    }
    return String.fromCodePoint(...out);
  }

  jsw.punycodeDecode = punydecode;

  // UTS #46 (as URLs use it: nontransitional, no hyphen or length checks),
  // through Unicode normalization: the characters IDNA ignores (soft hyphen,
  // zero-width space, word joiner, BOM, variation selectors) go, the rest is
  // mapped by NFKC and lower case (fullwidth letters and digits, ideographic
  // full stops and spaces), and each non-ASCII label becomes punycode. An
  // "xn--" label must decode.
  const IDNA_IGNORED = /[\u00ad\u034f\u180b-\u180f\u200b\u2060\u2064\ufe00-\ufe0f\ufeff]|\udb40[\udd00-\uddef]/g;
  // What UTS #46 maps a label to (before punycode).
  const idnaMap = (s) => s.replace(IDNA_IGNORED, "").normalize("NFKC").toLowerCase().normalize("NFKC");
  // Code points IDNA disallows outright: noncharacters and U+FFFD (what an
  // invalid percent-encoded byte decodes to).
  function idnaDisallowed(s) {
    for (const c of s) {
      const cp = c.codePointAt(0);
      if ((cp >= 0x7f && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe || cp === 0xfffd) {
        return true;
      }
    }
    return false;
  }
  function domainToASCII(domain) {
    let d = idnaMap(domain);
    if (idnaDisallowed(d)) return null;
    d = d.replace(/[\u3002\uff0e\uff61]/g, ".");
    const labels = d.split(".");
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (/[^\x00-\x7f]/.test(label)) {
        labels[i] = "xn--" + punycode(label);
      } else if (label.startsWith("xn--")) {
        // An A-label must decode to a label UTS #46 would have made itself.
        const decoded = punydecode(label.slice(4));
        if (decoded === null || decoded === "" || !/[^\x00-\x7f]/.test(decoded)) return null;
        if (idnaMap(decoded) !== decoded || idnaDisallowed(decoded) || decoded.includes(".")) return null;
      }
    }
    return labels.join(".");
  }

  function parseHost(input, notSpecial) {
    if (input.startsWith("[")) {
      if (!input.endsWith("]")) return null;
      const a = parseIPv6(input.slice(1, -1));
      return a === null ? null : serializeIPv6(a);
    }
    if (notSpecial) {
      if (FORBIDDEN_HOST.test(input)) return null;
      return encodeString(input, C0);
    }
    const domain = decodeUtf8(percentDecodeBytes(input));
    const ascii = domainToASCII(domain);
    if (ascii === null || ascii === "" || FORBIDDEN_DOMAIN.test(ascii)) return null;
    if (endsInNumber(ascii)) {
      const v4 = parseIPv4(ascii);
      return v4 === null ? null : serializeIPv4(v4);
    }
    return ascii;
  }

  // ---- the basic URL parser ----
  function newRecord() {
    return { scheme: "", username: "", password: "", host: null, port: null, path: [], opaque: null, query: null, fragment: null };
  }

  function copyAuthority(url, base) {
    url.username = base.username;
    url.password = base.password;
    url.host = base.host;
    url.port = base.port;
  }

  function shortenPath(url) {
    if (url.scheme === "file:" && url.path.length === 1 && isWindowsDriveLetter(url.path[0], true)) return;
    url.path.pop();
  }

  // The common case, an absolute http(s)/ws(s) URL with a plain host and
  // nothing to normalize, is read natively (url.rs): the state machine below
  // costs two orders of magnitude more, on every request a server handles.
  const urlSimple = jsw.urlSimple;
  function parseSimple(input) {
    const parts = urlSimple(input);
    if (parts === undefined) return null;
    return {
      scheme: parts[0],
      username: "",
      password: "",
      host: parts[1],
      port: parts[2],
      path: parts[3],
      opaque: null,
      query: parts[4],
      fragment: parts[5],
    };
  }
  function parse(input, base, url, stateOverride) {
    if (url === undefined && base === undefined && stateOverride === undefined) {
      const simple = parseSimple(input);
      if (simple !== null) return simple;
    }
    if (url === undefined) {
      url = newRecord();
      input = input.replace(/^[\0-\x20]+|[\0-\x20]+$/g, "");
    }
    input = input.replace(/[\t\n\r]/g, "");
    let state = stateOverride || "scheme start";
    let buffer = "";
    let atSign = false, insideBrackets = false, passwordToken = false;
    const cps = Array.from(input);
    for (let p = 0; p <= cps.length; p++) {
      const c = cps[p]; // undefined at EOF
      switch (state) {
        case "scheme start":
          if (isAlpha(c)) {
            buffer += c.toLowerCase();
            state = "scheme";
          } else if (!stateOverride) {
            state = "no scheme";
            p--;
          } else return null;
          break;
        case "scheme":
          if (c !== undefined && /[A-Za-z0-9+\-.]/.test(c)) {
            buffer += c.toLowerCase();
          } else if (c === ":") {
            const scheme = buffer + ":";
            if (stateOverride) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(scheme)) return url;
              if ((url.username !== "" || url.password !== "" || url.port !== null) && scheme === "file:") return url;
              if (url.scheme === "file:" && url.host === "") return url;
            }
            url.scheme = scheme;
            if (stateOverride) {
              if (url.port === special[url.scheme]) url.port = null;
              return url;
            }
            buffer = "";
            if (url.scheme === "file:") state = "file";
            else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) state = "special relative or authority";
            else if (isSpecialScheme(url.scheme)) state = "special authority slashes";
            else if (cps[p + 1] === "/") {
              state = "path or authority";
              p++;
            } else {
              url.opaque = "";
              state = "opaque path";
            }
          } else if (!stateOverride) {
            buffer = "";
            state = "no scheme";
            p = -1;
          } else return null;
          break;
        case "no scheme":
          if (!base || (base.opaque !== null && c !== "#")) return null;
          if (base.opaque !== null && c === "#") {
            url.scheme = base.scheme;
            url.path = base.path.slice();
            url.opaque = base.opaque;
            url.query = base.query;
            url.fragment = "";
            state = "fragment";
          } else if (base.scheme !== "file:") {
            state = "relative";
            p--;
          } else {
            state = "file";
            p--;
          }
          break;
        case "special relative or authority":
          if (c === "/" && cps[p + 1] === "/") {
            state = "special authority ignore slashes";
            p++;
          } else {
            state = "relative";
            p--;
          }
          break;
        case "path or authority":
          if (c === "/") state = "authority";
          else {
            state = "path";
            p--;
          }
          break;
        case "relative":
          url.scheme = base.scheme;
          if (c === "/") state = "relative slash";
          else if (isSpecialScheme(url.scheme) && c === "\\") state = "relative slash";
          else {
            copyAuthority(url, base);
            url.path = base.path.slice();
            url.query = base.query;
            if (c === "?") {
              url.query = "";
              state = "query";
            } else if (c === "#") {
              url.fragment = "";
              state = "fragment";
            } else if (c !== undefined) {
              url.query = null;
              shortenPath(url);
              state = "path";
              p--;
            }
          }
          break;
        case "relative slash":
          if (isSpecialScheme(url.scheme) && (c === "/" || c === "\\")) state = "special authority ignore slashes";
          else if (c === "/") state = "authority";
          else {
            copyAuthority(url, base);
            state = "path";
            p--;
          }
          break;
        case "special authority slashes":
          if (c === "/" && cps[p + 1] === "/") {
            state = "special authority ignore slashes";
            p++;
          } else {
            state = "special authority ignore slashes";
            p--;
          }
          break;
        case "special authority ignore slashes":
          if (c !== "/" && c !== "\\") {
            state = "authority";
            p--;
          }
          break;
        case "authority":
          if (c === "@") {
            if (atSign) buffer = "%40" + buffer;
            atSign = true;
            for (const ch of buffer) {
              if (ch === ":" && !passwordToken) {
                passwordToken = true;
                continue;
              }
              const enc = encodeChar(ch, USERINFO);
              if (passwordToken) url.password += enc;
              else url.username += enc;
            }
            buffer = "";
          } else if (c === undefined || c === "/" || c === "?" || c === "#" || (isSpecialScheme(url.scheme) && c === "\\")) {
            if (atSign && buffer === "") return null;
            p -= Array.from(buffer).length + 1;
            buffer = "";
            state = "host";
          } else buffer += c;
          break;
        case "host":
        case "hostname":
          if (stateOverride && url.scheme === "file:") {
            p--;
            state = "file host";
          } else if (c === ":" && !insideBrackets) {
            if (buffer === "") return null;
            if (stateOverride === "hostname") return null;
            const host = parseHost(buffer, !isSpecialScheme(url.scheme));
            if (host === null) return null;
            url.host = host;
            buffer = "";
            state = "port";
          } else if (c === undefined || c === "/" || c === "?" || c === "#" || (isSpecialScheme(url.scheme) && c === "\\")) {
            p--;
            if (isSpecialScheme(url.scheme) && buffer === "") return null;
            if (stateOverride && buffer === "" && (url.username !== "" || url.password !== "" || url.port !== null)) return null;
            const host = parseHost(buffer, !isSpecialScheme(url.scheme));
            if (host === null) return null;
            url.host = host;
            buffer = "";
            state = "path start";
            if (stateOverride) return url;
          } else {
            if (c === "[") insideBrackets = true;
            if (c === "]") insideBrackets = false;
            buffer += c;
          }
          break;
        case "port":
          if (isDigit(c)) buffer += c;
          else if (c === undefined || c === "/" || c === "?" || c === "#" || (isSpecialScheme(url.scheme) && c === "\\") || stateOverride) {
            if (buffer !== "") {
              const port = parseInt(buffer, 10);
              if (port > 65535) return null;
              url.port = special[url.scheme] === port ? null : port;
              buffer = "";
            }
            if (stateOverride) return url;
            state = "path start";
            p--;
          } else return null;
          break;
        case "file":
          url.scheme = "file:";
          url.host = "";
          if (c === "/" || c === "\\") state = "file slash";
          else if (base && base.scheme === "file:") {
            url.host = base.host;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === "?") {
              url.query = "";
              state = "query";
            } else if (c === "#") {
              url.fragment = "";
              state = "fragment";
            } else if (c !== undefined) {
              url.query = null;
              if (!startsWithWindowsDriveLetter(cps, p)) shortenPath(url);
              else url.path = [];
              state = "path";
              p--;
            }
          } else {
            state = "path";
            p--;
          }
          break;
        case "file slash":
          if (c === "/" || c === "\\") state = "file host";
          else {
            if (base && base.scheme === "file:") {
              url.host = base.host;
              if (!startsWithWindowsDriveLetter(cps, p) && base.path.length > 0 && isWindowsDriveLetter(base.path[0], true)) {
                url.path.push(base.path[0]);
              }
            }
            state = "path";
            p--;
          }
          break;
        case "file host":
          if (c === undefined || c === "/" || c === "\\" || c === "?" || c === "#") {
            p--;
            if (!stateOverride && isWindowsDriveLetter(buffer, false)) {
              state = "path";
            } else if (buffer === "") {
              url.host = "";
              if (stateOverride) return url;
              state = "path start";
            } else {
              let host = parseHost(buffer, false);
              if (host === null) return null;
              if (host === "localhost") host = "";
              url.host = host;
              if (stateOverride) return url;
              buffer = "";
              state = "path start";
            }
          } else buffer += c;
          break;
        case "path start":
          if (isSpecialScheme(url.scheme)) {
            state = "path";
            if (c !== "/" && c !== "\\") p--;
          } else if (!stateOverride && c === "?") {
            url.query = "";
            state = "query";
          } else if (!stateOverride && c === "#") {
            url.fragment = "";
            state = "fragment";
          } else if (c !== undefined) {
            state = "path";
            if (c !== "/") p--;
          } else if (stateOverride && url.host === null) {
            url.path.push("");
          }
          break;
        case "path":
          if (c === undefined || c === "/" || (isSpecialScheme(url.scheme) && c === "\\") || (!stateOverride && (c === "?" || c === "#"))) {
            const slash = c === "/" || (isSpecialScheme(url.scheme) && c === "\\");
            if (isDoubleDot(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push("");
            } else if (isSingleDot(buffer) && !slash) {
              url.path.push("");
            } else if (!isSingleDot(buffer)) {
              if (url.scheme === "file:" && url.path.length === 0 && isWindowsDriveLetter(buffer, false)) {
                buffer = buffer[0] + ":";
              }
              url.path.push(buffer);
            }
            buffer = "";
            if (c === "?") {
              url.query = "";
              state = "query";
            }
            if (c === "#") {
              url.fragment = "";
              state = "fragment";
            }
          } else buffer += encodeChar(c, PATH);
          break;
        case "opaque path":
          if (c === "?") {
            url.query = "";
            state = "query";
          } else if (c === "#") {
            url.fragment = "";
            state = "fragment";
          } else if (c !== undefined) {
            url.opaque += encodeChar(c, C0);
          }
          break;
        case "query":
          if ((!stateOverride && c === "#") || c === undefined) {
            url.query += encodeString(buffer, isSpecialScheme(url.scheme) ? SPECIAL_QUERY : QUERY);
            buffer = "";
            if (c === "#") {
              url.fragment = "";
              state = "fragment";
            }
          } else buffer += c;
          break;
        case "fragment":
          if (c !== undefined) url.fragment += encodeChar(c, FRAGMENT);
          break;
      }
    }
    return url;
  }

  // `bare`: the path alone (pathname), without the "/." the URL serializer
  // puts before a hostless path that starts with "//".
  function serializePath(url, bare = false) {
    if (url.opaque !== null) return url.opaque;
    let out = "";
    if (!bare && url.host === null && url.path.length > 1 && url.path[0] === "") out += "/.";
    for (const seg of url.path) out += "/" + seg;
    return out;
  }

  function serialize(url, excludeFragment) {
    let out = url.scheme;
    if (url.host !== null) {
      out += "//";
      if (url.username !== "" || url.password !== "") {
        out += url.username;
        if (url.password !== "") out += ":" + url.password;
        out += "@";
      }
      out += url.host;
      if (url.port !== null) out += ":" + url.port;
    }
    out += serializePath(url);
    if (url.query !== null) out += "?" + url.query;
    if (!excludeFragment && url.fragment !== null) out += "#" + url.fragment;
    return out;
  }

  // ---- URLSearchParams ----
  function parseForm(input) {
    const out = [];
    for (const seq of input.split("&")) {
      if (seq === "") continue;
      const i = seq.indexOf("=");
      const name = i >= 0 ? seq.slice(0, i) : seq;
      const value = i >= 0 ? seq.slice(i + 1) : "";
      const dec = (s) => decodeUtf8(percentDecodeBytes(s.replace(/\+/g, " ")));
      out.push([dec(name), dec(value)]);
    }
    return out;
  }
  const serializeForm = (list) =>
    list.map(([k, v]) => `${encodeString(k, FORM, true)}=${encodeString(v, FORM, true)}`).join("&");

  const toUSV = (s) => String(s).toWellFormed();

  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = "") {
      if ((typeof init === "object" && init !== null) || typeof init === "function") {
        if (typeof init[Symbol.iterator] === "function") {
          for (const pair of init) {
            const p = Array.from(pair);
            if (p.length !== 2) throw new TypeError("Each query pair must be an iterable [name, value] tuple");
            this.#list.push([toUSV(p[0]), toUSV(p[1])]);
          }
        } else {
          // A record (WebIDL): own enumerable string keys, in order; keys
          // equal once made well-formed are one entry, with the last value.
          const record = new Map();
          for (const k of Reflect.ownKeys(init)) {
            const d = Reflect.getOwnPropertyDescriptor(init, k);
            if (d === undefined || !d.enumerable) continue;
            if (typeof k === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
            record.set(toUSV(k), toUSV(init[k]));
          }
          for (const [k, v] of record) this.#list.push([k, v]);
        }
      } else {
        let s = toUSV(init);
        if (s.startsWith("?")) s = s.slice(1);
        this.#list = parseForm(s);
      }
    }
    static _attach(params, url) {
      params.#url = url;
    }
    static _reset(params, query) {
      params.#list = query === null ? [] : parseForm(query);
    }
    #update() {
      if (this.#url === null) return;
      const s = serializeForm(this.#list);
      this.#url._setQuery(s === "" ? null : s);
    }
    get size() {
      return this.#list.length;
    }
    append(name, value) {
      this.#list.push([toUSV(name), toUSV(value)]);
      this.#update();
    }
    delete(name, value) {
      name = toUSV(name);
      this.#list = this.#list.filter(([k, v]) => !(k === name && (value === undefined || v === toUSV(value))));
      this.#update();
    }
    get(name) {
      name = toUSV(name);
      const e = this.#list.find(([k]) => k === name);
      return e ? e[1] : null;
    }
    getAll(name) {
      name = toUSV(name);
      return this.#list.filter(([k]) => k === name).map(([, v]) => v);
    }
    has(name, value) {
      name = toUSV(name);
      return this.#list.some(([k, v]) => k === name && (value === undefined || v === toUSV(value)));
    }
    set(name, value) {
      name = toUSV(name);
      value = toUSV(value);
      const i = this.#list.findIndex(([k]) => k === name);
      if (i < 0) this.#list.push([name, value]);
      else {
        this.#list[i][1] = value;
        this.#list = this.#list.filter(([k], j) => j <= i || k !== name);
      }
      this.#update();
    }
    sort() {
      const cmp = (a, b) => {
        // Code-unit order, stable.
        return a < b ? -1 : a > b ? 1 : 0;
      };
      this.#list = this.#list.map((e, i) => [e, i]).sort((x, y) => cmp(x[0][0], y[0][0]) || x[1] - y[1]).map((x) => x[0]);
      this.#update();
    }
    // Iteration is live, by index (WebIDL's pair iterators): an entry
    // deleted while iterating is skipped, one appended is visited.
    forEach(callback, thisArg) {
      for (let i = 0; i < this.#list.length; i++) callback.call(thisArg, this.#list[i][1], this.#list[i][0], this);
    }
    *entries() {
      for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]];
    }
    *keys() {
      for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0];
    }
    *values() {
      for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1];
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return serializeForm(this.#list);
    }
  }
  Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag, { value: "URLSearchParams" });

  class URL {
    #url;
    #params;
    constructor(input, base) {
      input = toUSV(input);
      let baseRecord;
      if (base !== undefined) {
        baseRecord = parse(toUSV(base));
        if (baseRecord === null) throw failure(input, String(base));
      }
      const url = parse(input, baseRecord);
      if (url === null) throw failure(input, base === undefined ? undefined : String(base));
      this.#url = url;
      // searchParams is made when first asked for: most URLs never need it.
      this.#params = null;
    }
    static canParse(input, base) {
      try {
        new URL(input, base);
        return true;
      } catch {
        return false;
      }
    }
    static parse(input, base) {
      try {
        return new URL(input, base);
      } catch {
        return null;
      }
    }
    get href() {
      return serialize(this.#url);
    }
    set href(value) {
      const url = parse(toUSV(value));
      if (url === null) throw failure(String(value));
      this.#url = url;
      if (this.#params !== null) URLSearchParams._reset(this.#params, url.query);
    }
    get origin() {
      const u = this.#url;
      if (u.scheme === "blob:") {
        // A blob: URL has its inner URL's origin when that is http(s).
        try {
          const inner = new URL(serializePath(u));
          return inner.protocol === "http:" || inner.protocol === "https:" ? inner.origin : "null";
        } catch {
          return "null";
        }
      }
      if (!["ftp:", "http:", "https:", "ws:", "wss:"].includes(u.scheme)) return "null";
      return `${u.scheme}//${u.host}${u.port !== null ? ":" + u.port : ""}`;
    }
    get protocol() {
      return this.#url.scheme;
    }
    set protocol(value) {
      parse(toUSV(value) + ":", undefined, this.#url, "scheme start");
    }
    get username() {
      return this.#url.username;
    }
    set username(value) {
      const u = this.#url;
      if (u.host === null || u.host === "" || u.scheme === "file:") return;
      u.username = encodeString(toUSV(value), USERINFO);
    }
    get password() {
      return this.#url.password;
    }
    set password(value) {
      const u = this.#url;
      if (u.host === null || u.host === "" || u.scheme === "file:") return;
      u.password = encodeString(toUSV(value), USERINFO);
    }
    get host() {
      const u = this.#url;
      if (u.host === null) return "";
      return u.port === null ? u.host : `${u.host}:${u.port}`;
    }
    set host(value) {
      if (this.#url.opaque !== null) return;
      // An empty host on a URL that has none stays none (as Node's parser does).
      if (toUSV(value) === "" && this.#url.host === null) return;
      const copy = { ...this.#url, path: this.#url.path.slice() };
      if (parse(toUSV(value), undefined, copy, "host") !== null) this.#url = copy;
    }
    get hostname() {
      return this.#url.host ?? "";
    }
    set hostname(value) {
      if (this.#url.opaque !== null) return;
      if (toUSV(value) === "" && this.#url.host === null) return;
      const copy = { ...this.#url, path: this.#url.path.slice() };
      if (parse(toUSV(value), undefined, copy, "hostname") !== null) this.#url = copy;
    }
    get port() {
      return this.#url.port === null ? "" : String(this.#url.port);
    }
    set port(value) {
      const u = this.#url;
      if (u.host === null || u.host === "" || u.scheme === "file:") return;
      value = toUSV(value);
      if (value === "") u.port = null;
      else {
        const copy = { ...u };
        if (parse(value, undefined, copy, "port") !== null) u.port = copy.port;
      }
    }
    get pathname() {
      return serializePath(this.#url, true);
    }
    set pathname(value) {
      const u = this.#url;
      if (u.opaque !== null) return;
      u.path = [];
      parse(toUSV(value), undefined, u, "path start");
    }
    get search() {
      const q = this.#url.query;
      return q === null || q === "" ? "" : "?" + q;
    }
    set search(value) {
      const u = this.#url;
      value = toUSV(value);
      if (value === "") {
        u.query = null;
        if (this.#params !== null) URLSearchParams._reset(this.#params, null);
        return;
      }
      if (value.startsWith("?")) value = value.slice(1);
      u.query = "";
      parse(value, undefined, u, "query");
      if (this.#params !== null) URLSearchParams._reset(this.#params, u.query);
    }
    get searchParams() {
      if (this.#params === null) {
        this.#params = new URLSearchParams();
        URLSearchParams._reset(this.#params, this.#url.query);
        URLSearchParams._attach(this.#params, { _setQuery: (q) => (this.#url.query = q) });
      }
      return this.#params;
    }
    get hash() {
      const f = this.#url.fragment;
      return f === null || f === "" ? "" : "#" + f;
    }
    set hash(value) {
      const u = this.#url;
      value = toUSV(value);
      if (value === "") {
        u.fragment = null;
        return;
      }
      if (value.startsWith("#")) value = value.slice(1);
      u.fragment = "";
      parse(value, undefined, u, "fragment");
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
  }
  Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: "URL" });

  // console.log shows URLs and their parameters as Node does.
  const custom = Symbol.for("nodejs.util.inspect.custom");
  Object.defineProperty(URL.prototype, custom, {
    value: function (depth, options, inspect) {
      const shown = Object.create(URL.prototype);
      for (const key of ["href", "origin", "protocol", "username", "password", "host", "hostname", "port",
        "pathname", "search", "searchParams", "hash"]) {
        Object.defineProperty(shown, key, { value: this[key], enumerable: true });
      }
      Object.defineProperty(shown, custom, { value: undefined });
      return shown;
    },
  });
  Object.defineProperty(URLSearchParams.prototype, custom, {
    value: function (depth, options, inspect) {
      if (typeof depth === "number" && depth < 0) return "[Object]";
      const entries = [...this].map(([k, v]) => `${inspect(k)} => ${inspect(v)}`);
      if (entries.length === 0) return "URLSearchParams {}";
      // Node breaks the line when the entries alone pass breakLength.
      const length = entries.reduce((n, entry) => n + entry.length + 2, -2);
      if (length > (options?.breakLength ?? 80)) return `URLSearchParams {\n  ${entries.join(",\n  ")} }`;
      return `URLSearchParams { ${entries.join(", ")} }`;
    },
  });

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  define("URL", URL);
  define("URLSearchParams", URLSearchParams);
};

// node:url in full: the WHATWG part (misc.js's URL, URLSearchParams,
// fileURLToPath, pathToFileURL) plus Node's legacy API, url.parse,
// url.format, url.resolve and url.resolveObject with their Url objects,
// domainToASCII/domainToUnicode and urlToHttpOptions. The legacy parser is
// lenient by design: it reproduces Node 20's results, quirks included
// (backslashes, auto-escaped characters, a bad port moved into the path).
(jsw) => {
  "use strict";
  const basics = jsw.urlBasics;
  const querystring = jsw.requireAbsolute("node:querystring");
  const { nodeError, invalidArgType } = jsw;

  const invalidUrl = (input) => {
    const error = nodeError(TypeError, "ERR_INVALID_URL", "Invalid URL");
    error.input = input;
    return error;
  };

  // --- domains ----------------------------------------------------------
  // The WHATWG host parser decides what a valid domain is: characters it
  // forbids make the domain invalid here too (it would read them as a port,
  // a path or a user).
  function domainToASCII(domain) {
    domain = `${domain}`;
    if (domain === "" || (!domain.startsWith("[") && /[/?#@:\\]/.test(domain))) return "";
    // An xn-- label is already Punycode: one with other than ASCII in it is
    // invalid (UTS #46), which the URL parser here does not check.
    if (domain.split(/[.\u3002\uff0e\uff61]/).some((label) => /^xn--/i.test(label) && /[^\x00-\x7f]/.test(label))) return "";
    try {
      return new URL(`ws://${domain}`).hostname;
    } catch {
      return "";
    }
  }
  // RFC 3492's decoder, for the xn-- labels of a domain: the URL parser's.
  const punycodeDecode = jsw.punycodeDecode;
  function domainToUnicode(domain) {
    const ascii = domainToASCII(domain);
    if (ascii === "" || ascii.startsWith("[")) return ascii;
    return ascii
      .split(".")
      .map((label) => (label.startsWith("xn--") ? punycodeDecode(label.slice(4)) ?? label : label))
      .join(".");
  }
  // The hostname url.parse keeps: an ASCII one as it is, else its IDNA form.
  function toASCII(hostname) {
    if (!/[^\x00-\x7f]/.test(hostname)) return hostname;
    return domainToASCII(hostname);
  }

  function urlToHttpOptions(url) {
    const { hostname, pathname, port, username, password, search } = url;
    const options = {
      __proto__: null,
      ...url,
      protocol: url.protocol,
      hostname: hostname && hostname[0] === "[" ? hostname.slice(1, -1) : hostname,
      hash: url.hash,
      search,
      pathname,
      path: `${pathname || ""}${search || ""}`,
      href: url.href,
    };
    if (port !== "") options.port = Number(port);
    if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
    return options;
  }

  // --- the legacy parser ------------------------------------------------
  const hostless = new Set(["javascript", "javascript:"]);
  const unsafe = hostless;
  const slashed = new Set(["http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:", "ws", "ws:", "wss", "wss:"]);
  // Characters url.parse escapes wherever they are after the host.
  const AUTO_ESCAPE = { "\t": "%09", "\n": "%0A", "\r": "%0D", " ": "%20", '"': "%22", "'": "%27", "<": "%3C", ">": "%3E", "\\": "%5C", "^": "%5E", "`": "%60", "{": "%7B", "|": "%7C", "}": "%7D" };
  const autoEscape = (s) => s.replace(/[\t\n\r "'<>\\^`{|}]/g, (c) => AUTO_ESCAPE[c]);
  // Spoofing guards: characters a hostname can only have gained from IDNA.
  const forbiddenHost = /[\0\t\n\r #%/:<>?@[\\\]^|]/;
  const forbiddenHostIpv6 = /[\0\t\n\r #%/<>?@\\^|]/;
  const isIpv6 = (h) => h.startsWith("[") && h.endsWith("]");
  // A path without host, query parts only: the common case, parsed at once.
  const simplePath = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/;
  let warnedPort = false;

  function Url() {
    this.protocol = null;
    this.slashes = null;
    this.auth = null;
    this.host = null;
    this.port = null;
    this.hostname = null;
    this.hash = null;
    this.search = null;
    this.query = null;
    this.pathname = null;
    this.path = null;
    this.href = null;
  }

  function urlParse(url, parseQueryString, slashesDenoteHost) {
    if (url instanceof Url) return url;
    const result = new Url();
    result.parse(url, parseQueryString, slashesDenoteHost);
    return result;
  }

  // Trims whitespace (and U+00A0, U+FEFF) at both ends, and turns the
  // backslashes before the query or hash into slashes, as browsers do.
  function prepare(url) {
    const ws = (c) => c < 33 || c === 0xa0 || c === 0xfeff;
    let start = 0;
    let end = url.length;
    while (start < end && ws(url.charCodeAt(start))) start++;
    while (end > start && ws(url.charCodeAt(end - 1))) end--;
    let text = url.slice(start, end);
    const split = text.search(/[?#]/);
    const head = split === -1 ? text : text.slice(0, split);
    text = head.replaceAll("\\", "/") + (split === -1 ? "" : text.slice(split));
    return { text, hasHash: url.includes("#"), hasAt: head.includes("@") };
  }

  Url.prototype.parse = function parse(url, parseQueryString, slashesDenoteHost) {
    if (typeof url !== "string") throw invalidArgType("url", "of type string", url);
    let { text: rest, hasHash, hasAt } = prepare(url);

    if (!slashesDenoteHost && !hasHash && !hasAt) {
      const simple = simplePath.exec(rest);
      if (simple) {
        this.path = rest;
        this.href = rest;
        this.pathname = simple[1];
        if (simple[2]) {
          this.search = simple[2];
          this.query = parseQueryString ? querystring.parse(this.search.slice(1)) : this.search.slice(1);
        } else if (parseQueryString) {
          this.search = null;
          this.query = { __proto__: null };
        }
        return this;
      }
    }

    let proto = /^[a-z0-9.+-]+:/i.exec(rest)?.[0];
    let lowerProto;
    if (proto) {
      lowerProto = proto.toLowerCase();
      this.protocol = lowerProto;
      rest = rest.slice(proto.length);
    }

    // user@server is always a host; //x is one when asked, or after a protocol.
    let slashes = false;
    if (slashesDenoteHost || proto || /^\/\/[^@/]+@[^@/]+/.test(rest)) {
      slashes = rest.startsWith("//");
      if (slashes && !(proto && hostless.has(lowerProto))) {
        rest = rest.slice(2);
        this.slashes = true;
      }
    }

    if (!hostless.has(lowerProto) && (slashes || (proto && !slashed.has(proto)))) {
      // The host ends at the first of / ? #; characters no host may have end
      // it too, unless an @ comes after them (then they were the auth's).
      rest = rest.replace(/[\t\n\r]/g, (c, i) => (/[/?#]/.test(rest.slice(0, i)) ? c : ""));
      let atSign = -1;
      let nonHost = -1;
      for (let i = 0; i < rest.length; i++) {
        const c = rest[i];
        if (c === "#" || c === "/" || c === "?") {
          if (nonHost === -1) nonHost = i;
          break;
        }
        if (c === "@") {
          atSign = i;
          nonHost = -1;
        } else if (nonHost === -1 && ` "%';<>\\^\`{|}`.includes(c)) {
          nonHost = i;
        }
      }
      let start = 0;
      if (atSign !== -1) {
        this.auth = decodeURIComponent(rest.slice(0, atSign));
        start = atSign + 1;
      }
      if (nonHost === -1) {
        this.host = rest.slice(start);
        rest = "";
      } else {
        this.host = rest.slice(start, nonHost);
        rest = rest.slice(nonHost);
      }
      this.parseHost();
      if (typeof this.hostname !== "string") this.hostname = "";
      const ipv6 = isIpv6(this.hostname);
      if (!ipv6) {
        // What follows a character no hostname has goes back to the path.
        const bad = this.hostname.search(/[/\\#?:]/);
        if (bad !== -1) {
          if (this.hostname[bad] === ":" && !warnedPort) {
            warnedPort = true;
            process.emitWarning(`The URL ${url} is invalid. Future versions of Node.js will throw an error.`, "DeprecationWarning", "DEP0170");
          }
          rest = `/${this.hostname.slice(bad)}${rest}`;
          this.hostname = this.hostname.slice(0, bad);
        }
      }
      this.hostname = this.hostname.length > 255 ? "" : this.hostname.toLowerCase();
      if (this.hostname !== "") {
        if (ipv6) {
          if (forbiddenHostIpv6.test(this.hostname)) throw invalidUrl(url);
        } else {
          this.hostname = toASCII(this.hostname);
          if (this.hostname === "" || forbiddenHost.test(this.hostname)) throw invalidUrl(url);
        }
      }
      this.host = this.hostname + (this.port ? `:${this.port}` : "");
      if (ipv6) {
        this.hostname = this.hostname.slice(1, -1);
        if (rest[0] !== "/") rest = `/${rest}`;
      }
    }

    if (!unsafe.has(lowerProto)) rest = autoEscape(rest);

    const hashAt = rest.indexOf("#");
    if (hashAt !== -1) {
      this.hash = rest.slice(hashAt);
      rest = rest.slice(0, hashAt);
    }
    const queryAt = rest.indexOf("?");
    if (queryAt !== -1) {
      this.search = rest.slice(queryAt);
      this.query = rest.slice(queryAt + 1);
      if (parseQueryString) this.query = querystring.parse(this.query);
      rest = rest.slice(0, queryAt);
    } else if (parseQueryString) {
      this.search = null;
      this.query = { __proto__: null };
    }
    if (rest.length > 0) this.pathname = rest;
    if (slashed.has(lowerProto) && this.hostname && !this.pathname) this.pathname = "/";
    if (this.pathname || this.search) this.path = (this.pathname || "") + (this.search || "");
    this.href = this.format();
    return this;
  };

  Url.prototype.parseHost = function parseHost() {
    let host = this.host;
    const port = /:[0-9]*$/.exec(host)?.[0];
    if (port) {
      if (port !== ":") this.port = port.slice(1);
      host = host.slice(0, host.length - port.length);
    }
    if (host) this.hostname = host;
  };

  // The auth keeps what needs no escaping in it (and its ':').
  const escapeAuth = (auth) => auth.replace(/[^A-Za-z0-9!'()*\-._~:]/gu, (c) => encodeURIComponent(c));

  Url.prototype.format = function format() {
    let auth = this.auth || "";
    if (auth) auth = `${escapeAuth(auth)}@`;
    let protocol = this.protocol || "";
    let pathname = this.pathname || "";
    let hash = this.hash || "";
    let host = "";
    let query = "";
    if (this.host) {
      host = auth + this.host;
    } else if (this.hostname) {
      host = auth + (this.hostname.includes(":") && !isIpv6(this.hostname) ? `[${this.hostname}]` : this.hostname);
      if (this.port) host += `:${this.port}`;
    }
    if (this.query !== null && typeof this.query === "object") query = querystring.stringify(this.query);
    let search = this.search || (query && `?${query}`) || "";
    if (protocol && !protocol.endsWith(":")) protocol += ":";
    pathname = pathname.replace(/[?#]/g, (c) => (c === "#" ? "%23" : "%3F"));
    // Only the slashed protocols get the //, unless the URL had them.
    if (this.slashes || slashed.has(protocol)) {
      if (this.slashes || host) {
        if (pathname && pathname[0] !== "/") pathname = `/${pathname}`;
        host = `//${host}`;
      } else if (protocol.startsWith("file")) {
        host = "//";
      }
    }
    search = search.replace(/#/g, "%23");
    if (hash && hash[0] !== "#") hash = `#${hash}`;
    if (search && search[0] !== "?") search = `?${search}`;
    return protocol + host + pathname + search + hash;
  };

  function urlFormat(urlObject, options) {
    if (typeof urlObject === "string") {
      urlObject = urlParse(urlObject);
    } else if (typeof urlObject !== "object" || urlObject === null) {
      throw invalidArgType("urlObject", "one of type object or string", urlObject);
    } else if (urlObject instanceof URL) {
      if (options !== undefined && (options === null || typeof options !== "object")) {
        throw invalidArgType("options", "of type object", options);
      }
      const want = (name, fallback) => (options?.[name] != null ? Boolean(options[name]) : fallback);
      const u = new URL(urlObject.href);
      if (!want("fragment", true)) u.hash = "";
      if (!want("search", true)) u.search = "";
      if (!want("auth", true)) {
        u.username = "";
        u.password = "";
      }
      let href = u.href;
      if (want("unicode", false) && u.hostname !== "") {
        const at = href.indexOf(u.host, u.protocol.length);
        href = href.slice(0, at) + domainToUnicode(u.hostname) + (u.port ? `:${u.port}` : "") + href.slice(at + u.host.length);
      }
      return href;
    }
    return Url.prototype.format.call(urlObject);
  }

  function urlResolve(source, relative) {
    return urlParse(source, false, true).resolve(relative);
  }
  Url.prototype.resolve = function resolve(relative) {
    return this.resolveObject(urlParse(relative, false, true)).format();
  };
  function urlResolveObject(source, relative) {
    if (!source) return relative;
    return urlParse(source, false, true).resolveObject(relative);
  }

  // RFC 1808 resolution as Node has always done it.
  Url.prototype.resolveObject = function resolveObject(relative) {
    if (typeof relative === "string") {
      const parsed = new Url();
      parsed.parse(relative, false, true);
      relative = parsed;
    }
    const result = new Url();
    Object.assign(result, this);
    const finish = () => {
      result.href = result.format();
      return result;
    };
    const setPath = () => {
      if (result.pathname !== null || result.search !== null) {
        result.path = (result.pathname ? result.pathname : "") + (result.search ? result.search : "");
      }
    };
    // The hash always comes from the relative URL, even an empty one.
    result.hash = relative.hash;
    if (relative.href === "") return finish();

    // //host/path takes everything but the protocol.
    if (relative.slashes && !relative.protocol) {
      for (const key of Object.keys(relative)) if (key !== "protocol") result[key] = relative[key];
      if (slashed.has(result.protocol) && result.hostname && !result.pathname) result.path = result.pathname = "/";
      return finish();
    }

    if (relative.protocol && relative.protocol !== result.protocol) {
      if (!slashed.has(relative.protocol)) {
        Object.assign(result, relative);
        return finish();
      }
      result.protocol = relative.protocol;
      if (!relative.host && !/^file:?$/.test(relative.protocol) && !hostless.has(relative.protocol)) {
        const relPath = (relative.pathname || "").split("/");
        while (relPath.length && !(relative.host = relPath.shift()));
        if (!relative.host) relative.host = "";
        if (!relative.hostname) relative.hostname = "";
        if (relPath[0] !== "") relPath.unshift("");
        if (relPath.length < 2) relPath.unshift("");
        result.pathname = relPath.join("/");
      } else {
        result.pathname = relative.pathname;
      }
      result.search = relative.search;
      result.query = relative.query;
      result.host = relative.host || "";
      result.auth = relative.auth;
      result.hostname = relative.hostname || relative.host;
      result.port = relative.port;
      if (result.pathname || result.search) result.path = (result.pathname || "") + (result.search || "");
      result.slashes = result.slashes || relative.slashes;
      return finish();
    }

    const isSourceAbs = result.pathname && result.pathname[0] === "/";
    const isRelAbs = relative.host || (relative.pathname && relative.pathname[0] === "/");
    let mustEndAbs = isRelAbs || isSourceAbs || (result.host && relative.pathname);
    const removeAllDots = mustEndAbs;
    let srcPath = (result.pathname && result.pathname.split("/")) || [];
    const relPath = (relative.pathname && relative.pathname.split("/")) || [];
    // mailto: and the like: ../ may climb into the host.
    const noLeadingSlashes = result.protocol && !slashed.has(result.protocol);
    if (noLeadingSlashes) {
      result.hostname = "";
      result.port = null;
      if (result.host) {
        if (srcPath[0] === "") srcPath[0] = result.host;
        else srcPath.unshift(result.host);
      }
      result.host = "";
      if (relative.protocol) {
        relative.hostname = null;
        relative.port = null;
        result.auth = null;
        if (relative.host) {
          if (relPath[0] === "") relPath[0] = relative.host;
          else relPath.unshift(relative.host);
        }
        relative.host = null;
      }
      mustEndAbs = mustEndAbs && (relPath[0] === "" || srcPath[0] === "");
    }
    // A host stuck with its auth ('mailto:a@b' resolved): split them.
    const splitAuth = () => {
      const parts = result.host && result.host.indexOf("@") > 0 ? result.host.split("@") : false;
      if (parts) {
        result.auth = parts.shift();
        result.host = result.hostname = parts.shift();
      }
    };

    if (isRelAbs) {
      if (relative.host || relative.host === "") {
        if (result.host !== relative.host) result.auth = null;
        result.host = relative.host;
        result.port = relative.port;
      }
      if (relative.hostname || relative.hostname === "") {
        if (result.hostname !== relative.hostname) result.auth = null;
        result.hostname = relative.hostname;
      }
      result.search = relative.search;
      result.query = relative.query;
      srcPath = relPath;
    } else if (relPath.length) {
      srcPath.pop();
      srcPath = srcPath.concat(relPath);
      result.search = relative.search;
      result.query = relative.query;
    } else if (relative.search !== null && relative.search !== undefined) {
      // Only a query ('?x'): the rest stays.
      if (noLeadingSlashes) {
        result.hostname = result.host = srcPath.shift();
        splitAuth();
      }
      result.search = relative.search;
      result.query = relative.query;
      setPath();
      return finish();
    }

    if (!srcPath.length) {
      result.pathname = null;
      result.path = result.search ? `/${result.search}` : null;
      return finish();
    }

    // A path ending in . or .. (or /) keeps a trailing slash.
    let last = srcPath.slice(-1)[0];
    const hasTrailingSlash = ((result.host || relative.host || srcPath.length > 1) && (last === "." || last === "..")) || last === "";
    let up = 0;
    for (let i = srcPath.length - 1; i >= 0; i--) {
      last = srcPath[i];
      if (last === ".") {
        srcPath.splice(i, 1);
      } else if (last === "..") {
        srcPath.splice(i, 1);
        up++;
      } else if (up) {
        srcPath.splice(i, 1);
        up--;
      }
    }
    if (!mustEndAbs && !removeAllDots) while (up--) srcPath.unshift("..");
    if (mustEndAbs && srcPath[0] !== "" && (!srcPath[0] || srcPath[0][0] !== "/")) srcPath.unshift("");
    if (hasTrailingSlash && srcPath.join("/").slice(-1) !== "/") srcPath.push("");
    const isAbsolute = srcPath[0] === "" || (srcPath[0] && srcPath[0][0] === "/");
    if (noLeadingSlashes) {
      result.hostname = result.host = isAbsolute ? "" : srcPath.length ? srcPath.shift() : "";
      splitAuth();
    }
    mustEndAbs = mustEndAbs || (result.host && srcPath.length);
    if (mustEndAbs && !isAbsolute) srcPath.unshift("");
    if (srcPath.length > 0) {
      result.pathname = srcPath.join("/");
    } else {
      result.pathname = null;
      result.path = null;
    }
    setPath();
    result.auth = relative.auth || result.auth;
    result.slashes = result.slashes || relative.slashes;
    return finish();
  };

  const url = {
    Url,
    parse: urlParse,
    resolve: urlResolve,
    resolveObject: urlResolveObject,
    format: urlFormat,
    URL,
    URLSearchParams,
    domainToASCII,
    domainToUnicode,
    pathToFileURL: basics.pathToFileURL,
    fileURLToPath: basics.fileURLToPath,
    urlToHttpOptions,
  };
  jsw.defineBuiltin("node:url", () => url);
};

// The Fetch standard's objects: Blob, File, FormData, Request, Response and
// fetch(). Bodies are kept as bytes while they are bytes (so that a handler's
// `new Response("hi")` is sent without a stream being made) and become a
// ReadableStream the moment anyone asks for `.body`. Messages are Node's (undici's).
(jsw) => {
  "use strict";
  const encoder = new TextEncoder();
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });

  function toBytes(value) {
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) return new Uint8Array(value);
    return null;
  }
  function concat(chunks, total) {
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  const decode = (bytes) => new TextDecoder().decode(bytes);
  const customInspect = Symbol.for("nodejs.util.inspect.custom");

  // ---- Blob and File ----
  const blobBytes = new WeakMap();
  class Blob {
    #type;
    constructor(parts = [], options = {}) {
      if (parts === null || typeof parts !== "object" || typeof parts[Symbol.iterator] !== "function") {
        throw new TypeError("The \"blobParts\" argument must be a sequence.");
      }
      if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
        throw new TypeError(`The "options" argument must be of type object. Received type ${typeof options}`);
      }
      const chunks = [];
      let total = 0;
      for (const part of parts) {
        let bytes;
        if (part instanceof Blob) bytes = blobBytes.get(part);
        else bytes = toBytes(part);
        bytes = bytes ? bytes.slice() : encoder.encode(String(part));
        chunks.push(bytes);
        total += bytes.length;
      }
      blobBytes.set(this, concat(chunks, total).slice());
      const type = options?.type === undefined ? "" : String(options.type);
      this.#type = /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : "";
    }
    get size() {
      return blobBytes.get(this).length;
    }
    get type() {
      return this.#type;
    }
    slice(start = 0, end = this.size, type = "") {
      const bytes = blobBytes.get(this);
      const blob = new Blob([], { type });
      blobBytes.set(blob, bytes.slice(start, end));
      return blob;
    }
    text() {
      return Promise.resolve(decode(blobBytes.get(this)));
    }
    arrayBuffer() {
      return Promise.resolve(blobBytes.get(this).slice().buffer);
    }
    bytes() {
      return Promise.resolve(blobBytes.get(this).slice());
    }
    stream() {
      const bytes = blobBytes.get(this).slice();
      return new ReadableStream({
        type: "bytes",
        start(controller) {
          if (bytes.length > 0) controller.enqueue(bytes);
          controller.close();
        },
      });
    }
    // Too deep, Node shows [Blob] and [File] (their hidden state counts as keys).
    [customInspect](depth, options, inspect) {
      if (depth < 0) return "[Blob]";
      return `Blob ${inspect({ size: this.size, type: this.type }, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
    }
  }
  Object.defineProperty(Blob.prototype, Symbol.toStringTag, { value: "Blob", configurable: true });

  class File extends Blob {
    #name;
    #lastModified;
    constructor(parts, name, options = {}) {
      if (arguments.length < 2) {
        throw new TypeError("The \"fileName\" argument must be specified");
      }
      super(parts, options);
      this.#name = String(name);
      this.#lastModified = options?.lastModified === undefined ? Date.now() : Number(options.lastModified);
    }
    get name() {
      return this.#name;
    }
    get lastModified() {
      return this.#lastModified;
    }
    [customInspect](depth, options, inspect) {
      if (depth < 0) return "[File]";
      const shown = { size: this.size, type: this.type, name: this.#name, lastModified: this.#lastModified };
      return `File ${inspect(shown, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
    }
  }
  Object.defineProperty(File.prototype, Symbol.toStringTag, { value: "File", configurable: true });

  // ---- FormData ----
  const formEntries = new WeakMap();
  function formValue(value, filename) {
    if (value instanceof Blob) {
      if (value instanceof File && filename === undefined) return value;
      const file = new File([], filename === undefined ? "blob" : String(filename), {
        type: value.type,
        lastModified: value instanceof File ? value.lastModified : undefined,
      });
      blobBytes.set(file, blobBytes.get(value));
      return file;
    }
    return String(value);
  }
  class FormData {
    constructor(form) {
      if (form !== undefined) throw new TypeError("FormData: HTML forms are not supported");
      formEntries.set(this, []);
    }
    append(name, value, filename) {
      formEntries.get(this).push([String(name), formValue(value, filename)]);
    }
    delete(name) {
      name = String(name);
      const list = formEntries.get(this);
      formEntries.set(
        this,
        list.filter(([n]) => n !== name),
      );
    }
    get(name) {
      name = String(name);
      const found = formEntries.get(this).find(([n]) => n === name);
      return found === undefined ? null : found[1];
    }
    getAll(name) {
      name = String(name);
      return formEntries
        .get(this)
        .filter(([n]) => n === name)
        .map(([, v]) => v);
    }
    has(name) {
      name = String(name);
      return formEntries.get(this).some(([n]) => n === name);
    }
    set(name, value, filename) {
      name = String(name);
      const entry = [name, formValue(value, filename)];
      const list = formEntries.get(this);
      const at = list.findIndex(([n]) => n === name);
      if (at < 0) list.push(entry);
      else formEntries.set(this, [...list.slice(0, at), entry, ...list.slice(at + 1).filter(([n]) => n !== name)]);
    }
    // Iteration is live, by index: an entry deleted while iterating is
    // skipped, one appended is visited.
    *entries() {
      for (let i = 0; i < formEntries.get(this).length; i++) yield [...formEntries.get(this)[i]];
    }
    *keys() {
      for (let i = 0; i < formEntries.get(this).length; i++) yield formEntries.get(this)[i][0];
    }
    *values() {
      for (let i = 0; i < formEntries.get(this).length; i++) yield formEntries.get(this)[i][1];
    }
    forEach(callback, thisArg) {
      for (let i = 0; i < formEntries.get(this).length; i++) {
        const [name, value] = formEntries.get(this)[i];
        callback.call(thisArg, value, name, this);
      }
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    // As Node shows it: one key per name, repeated names as arrays (and, as
    // there, a name whose first value is "" takes the next value instead).
    [customInspect](depth, options, inspect) {
      const shown = Object.create(null);
      for (const [name, value] of formEntries.get(this)) {
        if (!shown[name]) shown[name] = value;
        else if (Array.isArray(shown[name])) shown[name].push(value);
        else shown[name] = [shown[name], value];
      }
      options.depth ??= depth;
      const output = inspect(shown, options);
      return `FormData ${output.slice(output.indexOf("]") + 2)}`;
    }
  }
  Object.defineProperty(FormData.prototype, Symbol.toStringTag, { value: "FormData", configurable: true });

  function encodeMultipart(form) {
    const boundary = `----formdata-jsw-${String(Math.random()).slice(2, 13)}`;
    const escape = (s) => s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
    const normalize = (s) => s.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n");
    const chunks = [];
    for (const [name, value] of formEntries.get(form)) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escape(normalize(name))}"`;
      if (typeof value === "string") {
        chunks.push(encoder.encode(`${head}\r\n\r\n${normalize(value)}\r\n`));
      } else {
        // As Node does, a file named "" goes without a filename (and is read
        // back as a string).
        if (value.name) head += `; filename="${escape(value.name)}"`;
        head += `\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
        chunks.push(encoder.encode(head), blobBytes.get(value), encoder.encode("\r\n"));
      }
    }
    chunks.push(encoder.encode(`--${boundary}--\r\n`));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    return { bytes: concat(chunks, total), type: `multipart/form-data; boundary=${boundary}` };
  }

  // A MIME type as the Fetch standard parses one: its essence (lower case)
  // and its parameters (names in lower case, the first of each kept), or null.
  function parseMimeType(text) {
    const http = /^[\t\n\r ]+|[\t\n\r ]+$/g;
    const input = text.replace(http, "");
    const slash = input.indexOf("/");
    const semi = input.indexOf(";");
    const end = semi < 0 ? input.length : semi;
    const type = input.slice(0, slash);
    const subtype = input.slice(slash + 1, end).replace(http, "");
    if (slash < 0 || slash > end || !token.test(type) || !token.test(subtype)) return null;
    const parameters = new Map();
    let at = end;
    while (at < input.length) {
      at++;
      while (/[\t\n\r ]/.test(input[at] ?? "")) at++;
      let name = "";
      while (at < input.length && input[at] !== ";" && input[at] !== "=") name += input[at++];
      name = name.toLowerCase();
      if (input[at] === ";") continue;
      at++;
      let value = "";
      if (input[at] === '"') {
        at++;
        while (at < input.length && input[at] !== '"') {
          if (input[at] === "\\" && at + 1 < input.length) at++;
          value += input[at++];
        }
        while (at < input.length && input[at] !== ";") at++;
      } else {
        while (at < input.length && input[at] !== ";") value += input[at++];
        value = value.replace(http, "");
        if (value === "") continue;
      }
      if (name !== "" && token.test(name) && !parameters.has(name)) parameters.set(name, value);
    }
    return { essence: `${type}/${subtype}`.toLowerCase(), parameters };
  }

  // multipart/form-data, parsed as Node 20 (undici) parses it, so that what
  // Node accepts (and what it refuses) is the same here: every part starts
  // with the boundary line, has a Content-Disposition of `form-data;
  // name="…"` (and maybe `; filename="…"`), a file's type defaults to
  // text/plain. It works on the bytes: bodies are views cut from them, found
  // by a native search, and only header lines become strings.
  function parseMultipart(bytes, boundaryString) {
    const failure = () => new TypeError("Failed to parse body as FormData.");
    const CR = 13;
    const LF = 10;
    const boundary = encoder.encode(`--${boundaryString}`);
    // Whether `pattern` (bytes, or a string of ASCII) is at `at`.
    const isAt = (pattern, at) => {
      if (at + pattern.length > bytes.length) return false;
      for (let i = 0; i < pattern.length; i++) {
        if (bytes[at + i] !== (typeof pattern === "string" ? pattern.charCodeAt(i) : pattern[i])) return false;
      }
      return true;
    };
    const latin1 = (start, end) => jsw.latin1Decode(bytes.subarray(start, end));
    let at = 0;
    while (bytes[at] === CR && bytes[at + 1] === LF) at += 2;
    let length = bytes.length;
    while (length >= 2 && bytes[length - 2] === CR && bytes[length - 1] === LF) length -= 2;
    bytes = bytes.subarray(0, length);
    const form = new FormData();
    for (;;) {
      if (!isAt(boundary, at)) throw failure();
      at += boundary.length;
      if ((at === length - 2 && isAt("--", at)) || (at === length - 4 && isAt("--\r\n", at))) return form;
      if (!isAt("\r\n", at)) throw failure();
      at += 2;
      // The part's headers, up to an empty line.
      let name = null;
      let filename = null;
      let contentType = null;
      let encoding = null;
      const endOfLine = (stop) => {
        while (at < length && bytes[at] !== LF && bytes[at] !== CR && bytes[at] !== stop) at++;
      };
      // The rest of the line, without trailing spaces and tabs.
      const restOfLine = () => {
        const start = at;
        endOfLine(-1);
        return latin1(start, at).replace(/[\t ]+$/, "");
      };
      // A quoted name: UTF-8, with the escapes FormData's encoding makes.
      const quoted = () => {
        const start = at;
        endOfLine(0x22);
        if (bytes[at] !== 0x22) return null;
        const raw = decode(bytes.subarray(start, at++));
        return raw.replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%22/g, '"');
      };
      while (!isAt("\r\n", at)) {
        const start = at;
        endOfLine(0x3a);
        const headerName = latin1(start, at).replace(/^[\t ]+|[\t ]+$/g, "");
        if (!token.test(headerName) || bytes[at] !== 0x3a) throw failure();
        at++;
        while (bytes[at] === 0x20 || bytes[at] === 0x09) at++;
        switch (headerName.toLowerCase()) {
          case "content-disposition":
            name = filename = null;
            if (!isAt('form-data; name="', at)) throw failure();
            at += 17;
            name = quoted();
            if (name === null) throw failure();
            if (isAt("; filename", at)) {
              let check = at + 10;
              if (bytes[check] === 0x2a) {
                at += 1;
                check += 1;
              }
              if (bytes[check] !== 0x3d || bytes[check + 1] !== 0x22) throw failure();
              at += 12;
              filename = quoted();
              if (filename === null) throw failure();
            }
            break;
          case "content-type":
            contentType = restOfLine();
            break;
          case "content-transfer-encoding":
            encoding = restOfLine();
            break;
          default:
            restOfLine();
        }
        // (Node checks that the line ends with this leniency: either byte will do.)
        if (bytes[at] !== CR && bytes[at + 1] !== LF) throw failure();
        at += 2;
      }
      if (name === null) throw failure();
      at += 2;
      const next = jsw.bytesIndexOf(bytes, boundary.subarray(2), at);
      if (next < 0) throw failure();
      let body = bytes.subarray(at, Math.max(at, next - 4));
      at += body.length;
      if (encoding === "base64") body = base64Bytes(jsw.latin1Decode(body));
      if (!isAt("\r\n", at)) throw failure();
      at += 2;
      if (filename !== null) {
        contentType ??= "text/plain";
        if (!/^[\x00-\x7f]*$/.test(contentType)) contentType = "";
        const file = new File([], filename, { type: contentType });
        blobBytes.set(file, body.slice());
        form.append(name, file);
      } else {
        form.append(name, decode(body));
      }
    }
  }
  // Base64 read as leniently as Node's Buffer reads it: other characters are
  // skipped, padding is optional.
  function base64Bytes(text) {
    let digits = text.replace(/-/g, "+").replace(/_/g, "/").replace(/[^A-Za-z0-9+/]/g, "");
    if (digits.length % 4 === 1) digits = digits.slice(0, -1);
    return Uint8Array.from(atob(digits), (c) => c.charCodeAt(0));
  }

  // ---- Body ----
  // The body of a Request or Response: { bytes } while it is bytes, { stream }
  // once it is a stream; `used` for bytes bodies read without a stream.
  const bodies = new WeakMap();
  function extractBody(init) {
    if (init === null || init === undefined) return { bytes: null, stream: null, type: null };
    if (typeof init === "string") return { bytes: encoder.encode(init), stream: null, type: "text/plain;charset=UTF-8" };
    const bytes = toBytes(init);
    if (bytes) return { bytes: bytes.slice(), stream: null, type: null };
    if (init instanceof URLSearchParams) {
      return { bytes: encoder.encode(init.toString()), stream: null, type: "application/x-www-form-urlencoded;charset=UTF-8" };
    }
    if (init instanceof Blob) return { bytes: blobBytes.get(init), stream: null, type: init.type || null };
    if (init instanceof FormData) {
      const { bytes, type } = encodeMultipart(init);
      return { bytes, stream: null, type };
    }
    if (typeof ReadableStream === "function" && init instanceof ReadableStream) {
      if (init.locked || jsw.streamDisturbed(init)) {
        throw new TypeError("Response body object should not be disturbed or locked");
      }
      return { bytes: null, stream: init, type: null };
    }
    if (typeof init[Symbol.asyncIterator] === "function") return { bytes: null, stream: ReadableStream.from(init), type: null };
    return { bytes: encoder.encode(String(init)), stream: null, type: "text/plain;charset=UTF-8" };
  }
  function streamOf(body) {
    if (body.stream === null && body.bytes !== null) {
      const bytes = body.bytes;
      body.stream = new ReadableStream({
        type: "bytes",
        start(controller) {
          if (bytes.length > 0) controller.enqueue(body.used ? bytes : bytes.slice());
          controller.close();
        },
      });
      body.bytes = null;
      // A body already consumed as bytes is a stream that was read: locked
      // and disturbed, as if text() or json() had read it from the stream.
      if (body.used) body.stream.getReader().read().catch(() => {});
    }
    return body.stream;
  }
  const bodyOf = (object) => {
    const body = bodies.get(object);
    if (body === undefined) throw new TypeError("Illegal invocation");
    return body;
  };
  const used = (body) => body.used || (body.stream !== null && jsw.streamDisturbed(body.stream));
  async function consume(object) {
    const body = bodyOf(object);
    if (used(body) || (body.stream !== null && body.stream.locked)) {
      throw new TypeError("Body is unusable: Body has already been read");
    }
    if (body.stream === null) {
      // A null body is never used up (as in Node: bodyUsed stays false).
      if (body.bytes === null) return new Uint8Array(0);
      body.used = true;
      return body.bytes.slice();
    }
    const reader = body.stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new TypeError("Received non-Uint8Array chunk");
      chunks.push(value);
      total += value.length;
    }
    return concat(chunks, total);
  }
  const contentType = (object) => object.headers.get("content-type") ?? "";
  const BodyMixin = {
    get body() {
      const body = bodyOf(this);
      return body.bytes === null && body.stream === null ? null : streamOf(body);
    },
    get bodyUsed() {
      return used(bodyOf(this));
    },
    arrayBuffer() {
      return consume(this).then((bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer));
    },
    bytes() {
      return consume(this);
    },
    text() {
      return consume(this).then(decode);
    },
    json() {
      return consume(this).then((bytes) => JSON.parse(decode(bytes)));
    },
    blob() {
      const type = contentType(this);
      return consume(this).then((bytes) => {
        const blob = new Blob([], { type });
        blobBytes.set(blob, bytes);
        return blob;
      });
    },
    formData() {
      const type = contentType(this);
      return consume(this).then((bytes) => {
        const mime = parseMimeType(type);
        if (mime?.essence === "multipart/form-data") {
          const boundary = mime.parameters.get("boundary");
          if (boundary === undefined) throw new TypeError("Failed to parse body as FormData.");
          return parseMultipart(bytes, boundary);
        }
        if (mime?.essence === "application/x-www-form-urlencoded") {
          const form = new FormData();
          // The urlencoded parser keeps a leading U+FEFF: it is text there.
          const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
          for (const [k, v] of new URLSearchParams(text)) form.append(k, v);
          return form;
        }
        throw new TypeError('Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".');
      });
    },
  };
  // The body as console.log shows it: a bytes body stays bytes (to go out
  // whole), so a stream in its place stands in for what `.body` would give.
  function shownBody(body) {
    if (body.stream !== null) return body.stream;
    if (body.bytes === null) return null;
    const stand = new ReadableStream({
      type: "bytes",
      start(controller) {
        if (body.used) controller.close();
      },
    });
    if (body.used) stand.getReader();
    return stand;
  }
  function mixBody(Class) {
    for (const key of Object.keys(BodyMixin)) {
      Object.defineProperty(Class.prototype, key, Object.getOwnPropertyDescriptor(BodyMixin, key));
    }
  }
  function cloneBody(body) {
    if (used(body)) throw new TypeError("Body has already been consumed.");
    if (body.stream === null) return { bytes: body.bytes, stream: null, type: body.type };
    const [a, b] = body.stream.tee();
    body.stream = a;
    return { bytes: null, stream: b, type: body.type };
  }

  // ---- Request ----
  const requests = new WeakMap();
  const methods = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);
  const forbiddenMethods = new Set(["CONNECT", "TRACE", "TRACK"]);
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  class Request {
    constructor(input, init = {}) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
      }
      init = init ?? {};
      let from = input instanceof Request ? requests.get(input) : null;
      let url;
      if (from) {
        url = urlOf(from);
      } else {
        let parsed;
        try {
          parsed = new URL(String(input));
        } catch (cause) {
          throw new TypeError(`Failed to parse URL from ${input}`, { cause });
        }
        if (parsed.username !== "" || parsed.password !== "") {
          throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${input}`);
        }
        url = parsed.href;
      }
      let method = from ? from.method : "GET";
      if (init.method !== undefined) {
        method = String(init.method);
        if (!token.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
        const upper = method.toUpperCase();
        if (forbiddenMethods.has(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
        if (methods.has(upper)) method = upper;
      }
      const state = {
        url,
        raw: null,
        method,
        headers: new Headers(init.headers ?? (from ? input.headers : undefined)),
        // Made when first read (most handlers never look at it).
        signal: init.signal ?? (from ? signalOf(from) : null),
        redirect: init.redirect ?? from?.redirect ?? "follow",
      };
      requests.set(this, state);
      let body;
      if (init.body !== undefined && init.body !== null) {
        if (method === "GET" || method === "HEAD") {
          throw new TypeError("Request with GET/HEAD method cannot have body.");
        }
        body = extractBody(init.body);
      } else if (from) {
        const source = bodies.get(input);
        if (used(source)) throw new TypeError("Cannot construct a Request with a Request object that has already been used.");
        body = { bytes: source.bytes, stream: source.stream, type: source.type };
        source.used = true;
      } else {
        body = { bytes: null, stream: null, type: null };
      }
      body.used = false;
      bodies.set(this, body);
      if (body.type !== null && !state.headers.has("content-type")) state.headers.set("content-type", body.type);
    }
    get method() {
      return requestOf(this).method;
    }
    get url() {
      return urlOf(requestOf(this));
    }
    get headers() {
      return requestOf(this).headers;
    }
    get signal() {
      return signalOf(requestOf(this));
    }
    get redirect() {
      return requestOf(this).redirect;
    }
    get cache() {
      return "default";
    }
    get credentials() {
      return "same-origin";
    }
    get destination() {
      return "";
    }
    get integrity() {
      return "";
    }
    get keepalive() {
      return false;
    }
    get mode() {
      return "cors";
    }
    get referrer() {
      return "about:client";
    }
    get referrerPolicy() {
      return "";
    }
    get duplex() {
      return "half";
    }
    clone() {
      const state = requestOf(this);
      const copy = new Request(urlOf(state), { method: state.method, headers: state.headers, signal: signalOf(state), redirect: state.redirect });
      bodies.set(copy, { ...cloneBody(bodyOf(this)), used: false });
      return copy;
    }
    [customInspect](depth, options, inspect) {
      if (options.depth === null) options.depth = 2;
      const shown = {
        method: this.method,
        url: this.url,
        headers: this.headers,
        destination: this.destination,
        referrer: this.referrer,
        referrerPolicy: this.referrerPolicy,
        mode: this.mode,
        credentials: this.credentials,
        cache: this.cache,
        redirect: this.redirect,
        integrity: this.integrity,
        keepalive: this.keepalive,
        isReloadNavigation: false,
        isHistoryNavigation: false,
        signal: this.signal,
      };
      return `Request ${inspect(shown, options)}`;
    }
  }
  const requestOf = (object) => {
    const state = requests.get(object);
    if (state === undefined) throw new TypeError("Illegal invocation");
    return state;
  };
  // A request from the host keeps its URL as received until it is read: the
  // host has checked it, and a handler that never reads it never pays for the
  // parse that normalizes it.
  function urlOf(state) {
    if (state.url === null) {
      try {
        state.url = jsw.urlIsCanonical(state.raw) ? state.raw : new URL(state.raw).href;
      } catch {
        state.url = state.raw;
      }
      state.raw = null;
    }
    return state.url;
  }
  function signalOf(state) {
    if (state.signal === null) {
      const controller = new AbortController();
      if (state.abortedBy !== undefined) controller.abort(state.abortedBy);
      else state.controller = controller;
      state.signal = controller.signal;
    }
    return state.signal;
  }
  mixBody(Request);
  Object.defineProperty(Request.prototype, Symbol.toStringTag, { value: "Request", configurable: true });

  // ---- Response ----
  const responses = new WeakMap();
  const nullBodyStatus = new Set([101, 103, 204, 205, 304]);
  const redirectStatus = new Set([301, 302, 303, 307, 308]);
  class Response {
    constructor(body = null, init = {}) {
      init = init ?? {};
      const status = init.status === undefined ? 200 : Number(init.status);
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
      }
      const statusText = init.statusText === undefined ? "" : String(init.statusText);
      for (let i = 0; i < statusText.length; i++) {
        const c = statusText.charCodeAt(i);
        if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) throw new TypeError("Invalid statusText");
      }
      const state = { status, statusText, headers: new Headers(init.headers), type: "default", url: "", redirected: false };
      responses.set(this, state);
      const extracted = extractBody(body);
      if (body !== null && body !== undefined && nullBodyStatus.has(status)) {
        throw new TypeError(`Response constructor: Invalid response status code ${status}`);
      }
      extracted.used = false;
      bodies.set(this, extracted);
      if (extracted.type !== null && !state.headers.has("content-type")) state.headers.set("content-type", extracted.type);
    }
    static error() {
      const response = new Response(null, { status: 200 });
      Object.assign(responseOf(response), { status: 0, type: "error" });
      jsw.freezeHeaders(response.headers);
      return response;
    }
    static redirect(url, status = 302) {
      let location;
      try {
        location = new URL(String(url)).href;
      } catch (cause) {
        throw new TypeError(`Failed to parse URL from ${url}`, { cause });
      }
      if (!redirectStatus.has(status)) throw new RangeError(`Invalid status code ${status}`);
      const response = new Response(null, { status, headers: { location } });
      return response;
    }
    static json(data, init = {}) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError("Value is not JSON serializable");
      const headers = new Headers(init?.headers);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      return new Response(text, { ...init, headers });
    }
    get status() {
      return responseOf(this).status;
    }
    get statusText() {
      return responseOf(this).statusText;
    }
    get ok() {
      const { status } = responseOf(this);
      return status >= 200 && status <= 299;
    }
    get headers() {
      return responseOf(this).headers;
    }
    get type() {
      return responseOf(this).type;
    }
    get url() {
      return responseOf(this).url;
    }
    get redirected() {
      return responseOf(this).redirected;
    }
    clone() {
      const state = responseOf(this);
      const copy = new Response(null, { status: 200 });
      Object.assign(responseOf(copy), { ...state, headers: new Headers(state.headers) });
      bodies.set(copy, { ...cloneBody(bodyOf(this)), used: false });
      return copy;
    }
    [customInspect](depth, options, inspect) {
      if (options.depth === null) options.depth = 2;
      const shown = {
        status: this.status,
        statusText: this.statusText,
        headers: this.headers,
        body: shownBody(bodyOf(this)),
        bodyUsed: this.bodyUsed,
        ok: this.ok,
        redirected: this.redirected,
        type: this.type,
        url: this.url,
      };
      return `Response ${inspect(shown, options)}`;
    }
  }
  const responseOf = (object) => {
    const state = responses.get(object);
    if (state === undefined) throw new TypeError("Illegal invocation");
    return state;
  };
  mixBody(Response);
  Object.defineProperty(Response.prototype, Symbol.toStringTag, { value: "Response", configurable: true });

  // For the HTTP server and client inside the engine.
  jsw.fetchInternals = {
    isResponse: (value) => responses.has(value),
    // The body as bytes when it still is bytes (sent without a stream), else null.
    takeBytes(object) {
      const body = bodies.get(object);
      if (body.stream !== null || used(body)) return null;
      body.used = true;
      return body.bytes ?? new Uint8Array(0);
    },
    stream: (object) => {
      const body = bodies.get(object);
      return body.bytes === null && body.stream === null ? null : streamOf(body);
    },
    // A request the host received: method, URL and headers were checked by its
    // HTTP layer (names arrive lowercase), so they are taken as they are.
    incomingRequest(method, url, headerList, stream) {
      const request = Object.create(Request.prototype);
      requests.set(request, {
        url: null,
        raw: url,
        method,
        headers: jsw.headersOf(headerList),
        signal: null,
        redirect: "follow",
      });
      bodies.set(request, { bytes: null, stream, type: null, used: false });
      return request;
    },
    // What goes on the wire: the header list in the order it was built.
    headerList: (object) => jsw.headerList(object.headers),
    // The host's request was abandoned (its client went away): its signal
    // aborts, now or when it is first asked for.
    abortRequest(request, reason) {
      const state = requests.get(request);
      if (state.controller !== undefined) state.controller.abort(reason);
      else if (state.signal === null) state.abortedBy = reason;
    },
    incomingResponse(status, statusText, headerList, stream, url, redirected = false) {
      const response = new Response(null, { status: 200 });
      const state = responseOf(response);
      state.status = status;
      state.statusText = statusText;
      state.url = url;
      state.redirected = redirected;
      for (const [name, value] of headerList) {
        try {
          state.headers.append(name, value);
        } catch {}
      }
      bodies.set(response, { bytes: null, stream, type: null, used: false });
      return response;
    },
  };

  // Outbound requests: the HTTP part (http.js) replaces this where the host has
  // wasi:http; elsewhere there is no network to reach.
  // The Fetch standard's data: URL processor: the bytes after the comma
  // (percent-decoded, base64 when the type says so) with their MIME type.
  function dataUrl(href) {
    let rest = href.slice(5).replace(/#.*$/s, "").replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
    const comma = rest.indexOf(",");
    if (comma < 0) return null;
    let type = rest.slice(0, comma).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
    let bytes = percentDecode(rest.slice(comma + 1));
    const base64 = /;[\t\n\f\r ]*base64[\t\n\f\r ]*$/i.exec(type);
    if (base64) {
      type = type.slice(0, base64.index);
      let text = "";
      for (const b of bytes) text += String.fromCharCode(b);
      try {
        const decoded = atob(text);
        bytes = new Uint8Array(decoded.length);
        for (let i = 0; i < decoded.length; i++) bytes[i] = decoded.charCodeAt(i);
      } catch {
        return null;
      }
    }
    if (type.startsWith(";")) type = "text/plain" + type;
    const [essence, ...params] = type.split(";");
    const [main, sub, extra] = essence.trim().split("/");
    let mime = "text/plain;charset=US-ASCII";
    if (extra === undefined && sub !== undefined && token.test(main) && token.test(sub.trim())) {
      mime = `${main.toLowerCase()}/${sub.trim().toLowerCase()}`;
      for (const p of params) {
        const eq = p.indexOf("=");
        if (eq < 0) continue;
        const name = p.slice(0, eq).trim().toLowerCase();
        const value = p.slice(eq + 1);
        if (name && token.test(name) && value && !mime.includes(`;${name}=`)) mime += `;${name}=${value}`;
      }
    }
    return { bytes, mime };
  }
  function percentDecode(s) {
    const raw = encoder.encode(s);
    const out = new Uint8Array(raw.length);
    let n = 0;
    const hex = (b) => (b >= 48 && b <= 57 ? b - 48 : b >= 65 && b <= 70 ? b - 55 : b >= 97 && b <= 102 ? b - 87 : -1);
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 37 && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
        out[n++] = hex(raw[i + 1]) * 16 + hex(raw[i + 2]);
        i += 2;
      } else {
        out[n++] = raw[i];
      }
    }
    return out.subarray(0, n);
  }
  function fetchData(request) {
    const data = dataUrl(request.url);
    if (data === null) return Promise.reject(new TypeError("fetch failed", { cause: new Error(`invalid data: URL`) }));
    const response = new Response(request.method === "HEAD" ? null : data.bytes, {
      status: 200,
      statusText: "OK",
      headers: { "content-type": data.mime },
    });
    Object.assign(responseOf(response), { type: "basic", url: request.url.replace(/#.*$/s, "") });
    return Promise.resolve(response);
  }

  // Blob URLs (URL.createObjectURL), as Node names them: the Blob they
  // stand for until revoked, fetched with GET.
  const blobUrls = new Map();
  Object.defineProperty(URL, "createObjectURL", {
    value: function createObjectURL(blob) {
      if (!(blob instanceof Blob)) throw new TypeError('The "obj" argument must be an instance of Blob.');
      const url = `blob:nodedata:${crypto.randomUUID()}`;
      blobUrls.set(url, blob);
      return url;
    },
    writable: true,
    configurable: true,
    enumerable: true,
  });
  Object.defineProperty(URL, "revokeObjectURL", {
    value: function revokeObjectURL(url) {
      blobUrls.delete(`${url}`);
    },
    writable: true,
    configurable: true,
    enumerable: true,
  });
  function fetchBlob(request) {
    const blob = blobUrls.get(request.url.replace(/#.*$/s, ""));
    if (request.method !== "GET" || blob === undefined) {
      return Promise.reject(new TypeError("fetch failed", {
        cause: new Error(blob === undefined ? "no Blob behind this blob: URL" : `${request.method} of a blob: URL`),
      }));
    }
    const response = new Response(blob, {
      status: 200,
      statusText: "OK",
      headers: { "content-type": blob.type, "content-length": String(blob.size) },
    });
    Object.assign(responseOf(response), { type: "basic", url: request.url });
    return Promise.resolve(response);
  }

  function fetch(input, init) {
    // data: and blob: URLs are answered here, without a network, as Node
    // answers them.
    const href = input instanceof Request ? input.url : typeof input === "string" ? input : null;
    if (href !== null && /^(data|blob):/i.test(href.trimStart())) {
      try {
        const request = new Request(input, init);
        return /^data:/i.test(request.url) ? fetchData(request) : fetchBlob(request);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (jsw.outboundFetch) return jsw.outboundFetch(input, init);
    return Promise.reject(
      new TypeError("fetch failed", {
        cause: new Error(
          "jsw: this module has no network: outbound fetch() works in HTTP handlers (a program with a fetch handler, or `jsw compile --target http`)",
        ),
      }),
    );
  }

  define("Blob", Blob);
  define("File", File);
  define("FormData", FormData);
  define("Request", Request);
  define("Response", Response);
  define("fetch", fetch);
};

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

  // ---- Blob and File ----
  const blobBytes = new WeakMap();
  class Blob {
    #type;
    constructor(parts = [], options = {}) {
      if (parts === null || typeof parts !== "object" || typeof parts[Symbol.iterator] !== "function") {
        throw new TypeError("The \"blobParts\" argument must be a sequence.");
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
  }
  Object.defineProperty(File.prototype, Symbol.toStringTag, { value: "File", configurable: true });

  // ---- FormData ----
  const formEntries = new WeakMap();
  function formValue(value, filename) {
    if (value instanceof Blob) {
      if (value instanceof File && filename === undefined) return value;
      const file = new File([], filename === undefined ? "blob" : String(filename), { type: value.type });
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
    *entries() {
      for (const [name, value] of formEntries.get(this)) yield [name, value];
    }
    *keys() {
      for (const [name] of formEntries.get(this)) yield name;
    }
    *values() {
      for (const [, value] of formEntries.get(this)) yield value;
    }
    forEach(callback, thisArg) {
      for (const [name, value] of formEntries.get(this)) callback.call(thisArg, value, name, this);
    }
    [Symbol.iterator]() {
      return this.entries();
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
        head += `; filename="${escape(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
        chunks.push(encoder.encode(head), blobBytes.get(value), encoder.encode("\r\n"));
      }
    }
    chunks.push(encoder.encode(`--${boundary}--\r\n`));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    return { bytes: concat(chunks, total), type: `multipart/form-data; boundary=${boundary}` };
  }

  function parseMultipart(bytes, boundary) {
    const form = new FormData();
    const text = new TextDecoder("latin1").decode(bytes);
    const delimiter = `--${boundary}`;
    const utf8 = (latin) => decode(Uint8Array.from(latin, (c) => c.charCodeAt(0)));
    let at = text.indexOf(delimiter);
    if (at < 0) throw new TypeError("Failed to parse body as FormData.");
    for (;;) {
      at += delimiter.length;
      if (text.startsWith("--", at)) break;
      if (text.startsWith("\r\n", at)) at += 2;
      const headEnd = text.indexOf("\r\n\r\n", at);
      const next = text.indexOf(`\r\n${delimiter}`, headEnd);
      if (headEnd < 0 || next < 0) throw new TypeError("Failed to parse body as FormData.");
      const head = text.slice(at, headEnd);
      const content = text.slice(headEnd + 4, next);
      const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head);
      if (!disposition) throw new TypeError("Failed to parse body as FormData.");
      const param = (key) => {
        const m = new RegExp(`;\\s*${key}="([^"]*)"`, "i").exec(`;${disposition[1]}`);
        return m ? utf8(m[1]) : undefined;
      };
      const name = param("name");
      const filename = param("filename");
      if (name === undefined) throw new TypeError("Failed to parse body as FormData.");
      if (filename === undefined) {
        form.append(name, utf8(content));
      } else {
        const type = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? "";
        const file = new File([], filename, { type });
        blobBytes.set(file, Uint8Array.from(content, (c) => c.charCodeAt(0)));
        form.append(name, file);
      }
      at = next + 2;
    }
    return form;
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
    if (init instanceof ReadableStream) {
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
      body.used = true;
      return body.bytes === null ? new Uint8Array(0) : body.bytes.slice();
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
        const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
        if (boundary) return parseMultipart(bytes, boundary[1] ?? boundary[2].trim());
        if (/^application\/x-www-form-urlencoded/i.test(type)) {
          const form = new FormData();
          for (const [k, v] of new URLSearchParams(decode(bytes))) form.append(k, v);
          return form;
        }
        throw new TypeError(`Response.formData: Could not parse content as FormData.`);
      });
    },
  };
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
        try {
          url = new URL(String(input)).href;
        } catch (cause) {
          throw new TypeError(`Failed to parse URL from ${input}`, { cause });
        }
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
    [Symbol.for("nodejs.util.inspect.custom")](depth, options, inspect) {
      const s = requestOf(this);
      return `Request ${inspect({ method: s.method, url: urlOf(s), headers: s.headers, bodyUsed: this.bodyUsed }, options)}`;
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
        state.url = new URL(state.raw).href;
      } catch {
        state.url = state.raw;
      }
      state.raw = null;
    }
    return state.url;
  }
  function signalOf(state) {
    return (state.signal ??= new AbortController().signal);
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
    [Symbol.for("nodejs.util.inspect.custom")](depth, options, inspect) {
      const s = responseOf(this);
      const shown = { status: s.status, statusText: s.statusText, headers: s.headers, bodyUsed: this.bodyUsed, ok: this.ok, redirected: s.redirected, type: s.type, url: s.url };
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
    incomingResponse(status, statusText, headerList, stream, url) {
      const response = new Response(null, { status: 200 });
      const state = responseOf(response);
      state.status = status;
      state.statusText = statusText;
      state.url = url;
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
  function fetch(input, init) {
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

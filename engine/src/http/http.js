// The handler side of HTTP mode: finds the program's fetch handler at build
// time (module form `export default { fetch }`, or the Service Worker form
// `addEventListener("fetch", e => e.respondWith(...))`) and, per request, turns
// the host's request into a Request, calls the handler and sends its Response.
// The natives on `jsw.http` (readBody, respond, write, finish) are mod.rs's.
(jsw) => {
  "use strict";
  const http = jsw.http;
  const internals = jsw.fetchInternals;

  // The Service Worker global scope: globalThis is where "fetch" listeners go.
  const scope = new EventTarget();
  let fetchListeners = 0;
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  define("addEventListener", function addEventListener(type, listener, options) {
    if (String(type) === "fetch" && listener) fetchListeners++;
    return scope.addEventListener(type, listener, options);
  });
  define("removeEventListener", function removeEventListener(type, listener, options) {
    return scope.removeEventListener(type, listener, options);
  });
  define("dispatchEvent", function dispatchEvent(event) {
    return scope.dispatchEvent(event);
  });

  const responded = new WeakMap();
  class FetchEvent extends Event {
    #request;
    #waits = [];
    constructor(type, init = {}) {
      super(type, init);
      if (!init || !(init.request instanceof Request)) {
        throw new TypeError("Failed to construct 'FetchEvent': required member request is undefined.");
      }
      this.#request = init.request;
    }
    get request() {
      return this.#request;
    }
    respondWith(response) {
      if (responded.has(this)) {
        throw new DOMException("respondWith() was already called for this event", "InvalidStateError");
      }
      responded.set(this, Promise.resolve(response));
      this.stopImmediatePropagation();
    }
    waitUntil(promise) {
      this.#waits.push(Promise.resolve(promise).catch((e) => console.error(e)));
    }
  }
  define("FetchEvent", FetchEvent);

  let handler = null;
  // Build time, after the top level ran: is there a handler? (The compiler
  // builds a command module instead when there is none.)
  http.resolve = (namespace) => {
    const candidate = namespace?.default;
    if (candidate !== null && (typeof candidate === "object" || typeof candidate === "function")) {
      if (typeof candidate.fetch === "function") {
        handler = candidate;
        // A handler that takes `env` and was built without its environment:
        // the compiler builds it again with it (compiler/src/bindings/guest.rs,
        // WANTS_ENV_LINE).
        if (candidate.fetch.length >= 2 && !jsw.host?.environ) jsw.write(2, "\u001ejsw-wants-env\n");
        return true;
      }
    }
    if (fetchListeners > 0) {
      handler = "listeners";
      return true;
    }
    return false;
  };

  // Build time: the program's `warmup` export, requests sent through the
  // handler before the snapshot so that what frameworks build lazily on their
  // first request (routers, compiled templates, caches) is in it. Each is sent
  // twice: a handler that answers the second time differently keeps state a
  // request can see, which a warm-up would freeze into every request.
  http.warmUp = (namespace) => {
    let spec = namespace?.warmup;
    if (spec === undefined || spec === null) return undefined;
    return (async () => {
      if (typeof spec === "function") spec = await spec();
      if (spec === null || typeof spec !== "object" || typeof spec[Symbol.iterator] !== "function") {
        throw new TypeError(
          `the \`warmup\` export must list requests ("GET /path", { method, path, headers, body } or Request objects), or be a function that returns such a list, not ${describe(spec)}`,
        );
      }
      let index = 0;
      for (const item of spec) {
        index++;
        const label = warmUpLabel(item, index);
        const timers = jsw.loopState[2];
        const first = await warmUpAnswer(warmUpRequest(item, label), label);
        const second = await warmUpAnswer(warmUpRequest(item, label), label);
        const left = jsw.loopState[2] - timers;
        if (left > 0) {
          throw new Error(
            `warm-up ${label}: the handler left ${left} timer(s) behind (2 requests); they would run in every request's instance: clear them before answering, or leave this request out of \`warmup\``,
          );
        }
        if (item?.same !== false && (first.status !== second.status || first.body !== second.body)) {
          throw new Error(
            `warm-up ${label}: the handler answered differently the second time (${first.status} then ${second.status}${first.body === second.body ? "" : ", with another body"}): it keeps state that requests see, and the warm-up would leave it in every request's instance. Keep per-request state out of module scope, or list the request as { path, same: false } when its answers vary by design (random values)`,
          );
        }
      }
    })();
  };

  const warmUpLabel = (item, index) =>
    typeof item === "string"
      ? item.trim()
      : item instanceof Request
        ? `${item.method} ${new URL(item.url).pathname}`
        : item !== null && typeof item === "object"
          ? `${item.method ?? "GET"} ${item.path ?? item.url ?? "/"}`
          : `(entry ${index} of \`warmup\`)`;

  function warmUpRequest(item, label) {
    if (item instanceof Request) return item.clone();
    if (typeof item === "string") {
      const parts = /^\s*(?:([A-Za-z]+)\s+)?(\S+)\s*$/.exec(item);
      if (parts === null) throw new TypeError(`warm-up request ${JSON.stringify(item)}: expected "METHOD /path" or "/path"`);
      return new Request(new URL(parts[2], "http://localhost"), { method: (parts[1] ?? "GET").toUpperCase() });
    }
    if (item !== null && typeof item === "object") {
      const { method = "GET", headers, body } = item;
      return new Request(new URL(item.path ?? item.url ?? "/", "http://localhost"), { method, headers, body });
    }
    throw new TypeError(`warm-up request ${label}: expected "METHOD /path", { method, path, headers, body } or a Request, not ${describe(item)}`);
  }

  async function warmUpAnswer(request, label) {
    let response;
    try {
      response = await call(request);
    } catch (error) {
      throw new Error(`warm-up ${label}: the handler failed: ${error?.message ?? String(error)}`, { cause: error });
    }
    if (!internals.isResponse(response)) {
      throw new TypeError(`warm-up ${label}: the fetch handler must return a Response, not ${describe(response)}`);
    }
    const body = await response.text();
    if (response.status >= 500) {
      throw new Error(`warm-up ${label}: the handler answered ${response.status}: ${body.slice(0, 300)}`);
    }
    return { status: response.status, body };
  }

  // What a handler's `ctx` gives (the Workers shape): work that outlives the
  // response still runs before the instance goes.
  const context = {
    waitUntil(promise) {
      Promise.resolve(promise).catch((e) => console.error(e));
    },
    passThroughOnException() {},
  };

  // The handler's answer: a Response, or a promise of one.
  function call(request) {
    if (handler === "listeners") {
      const event = new FetchEvent("fetch", { request, cancelable: true });
      scope.dispatchEvent(event);
      const response = responded.get(event);
      if (response === undefined) throw new Error("no \"fetch\" listener called event.respondWith()");
      return response;
    }
    return handler.fetch(request, handlerEnv(), context);
  }

  // The handler's `env` (the Workers shape): the request's environment
  // variables and configuration (what process.env holds), then the program's
  // key-value bindings (`env.NAME.get(key)`). The bindings glue puts them on
  // `jsw.host` (compiler/src/bindings/); without it `env` is empty. Variables
  // are read from the host on first use, so a handler that never looks pays
  // nothing.
  function handlerEnv() {
    const host = jsw.host;
    if (!host) return {};
    const bindings = host.bindings ?? {};
    if (!host.environ) return { ...bindings };
    let loaded = null;
    const load = () => (loaded ??= { ...(globalThis.process?.env ?? host.environ()), ...bindings });
    return new Proxy(
      {},
      {
        get: (_, key) => load()[key],
        has: (_, key) => key in load(),
        set: (_, key, value) => ((load()[key] = value), true),
        deleteProperty: (_, key) => delete load()[key],
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor(_, key) {
          const d = Reflect.getOwnPropertyDescriptor(load(), key);
          if (d) d.configurable = true;
          return d;
        },
        defineProperty: (_, key, d) => Reflect.defineProperty(load(), key, d),
      },
    );
  }

  // What a value is, for messages: `a string ("hi")`, `an object (Map)`, `undefined`.
  const describe = (value) => {
    if (value === null || value === undefined) return String(value);
    switch (typeof value) {
      case "string":
        return `a string (${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)})`;
      case "object":
        return `an object (${value.constructor?.name ?? "Object"})`;
      case "function":
        return `a function (${value.name || "anonymous"})`;
      default:
        return `a ${typeof value} (${String(value)})`;
    }
  };
  const toBytes = (chunk) => {
    if (chunk instanceof Uint8Array) return chunk;
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    if (typeof chunk === "string") return new TextEncoder().encode(chunk);
    throw new TypeError(`a response body chunk must be a Uint8Array, not ${describe(chunk)}`);
  };

  // Outbound fetch() through wasi:http/outgoing-handler (see outbound.rs). The
  // response head and body chunks are awaited, not blocked on, so timers run
  // meanwhile and the request's signal can end the wait (as in Node: the
  // promise rejects with the signal's reason, a body being read errors).
  const redirects = new Set([301, 302, 303, 307, 308]);
  const nullBody = new Set([101, 103, 204, 205, 304]);
  // Node (undici) sends `content-length: 0` for these methods without a body.
  const expectsPayload = new Set(["POST", "PUT", "PATCH"]);
  const failed = (cause) => new TypeError("fetch failed", { cause });
  jsw.outboundFetch = async (input, init) => {
    let request = new Request(input, init);
    if (!http.available()) {
      throw failed(
        new Error(
          "jsw: fetch() cannot reach the network at build time (the top level and `warmup` requests run then): call it while serving, or leave that request out of `warmup`",
        ),
      );
    }
    const signal = request.signal;
    if (signal.aborted) throw signal.reason;
    let body = request.body === null ? null : await request.bytes();
    let redirected = false;
    for (let hops = 0; ; hops++) {
      if (signal.aborted) throw signal.reason;
      const url = new URL(request.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw failed(new Error(`jsw: fetch() reaches http: and https: URLs, not ${url.protocol}`));
      }
      // A body of known length goes with its length (servers that read
      // Content-Length get the body); one the caller set is replaced, as the
      // runtime knows the length better.
      // Bodies arrive as sent and are not decompressed here, so none is asked
      // for compressed: a client's accept-encoding forwarded with the request
      // (`new Request(url, request)`) would give the handler gzip bytes.
      const headers = [...request.headers].filter(([name]) => name !== "content-length" && name !== "accept-encoding");
      if (body !== null || expectsPayload.has(request.method)) {
        headers.push(["content-length", String(body === null ? 0 : body.length)]);
      }
      // The active span's context, where OpenTelemetry spans are recorded (otel.js).
      if (jsw.traceHeaders !== undefined) headers.push(...jsw.traceHeaders(headers));
      let id;
      try {
        id = http.send(request.method, url.protocol.slice(0, -1), url.host, url.pathname + url.search, headers, body);
      } catch (e) {
        throw failed(e);
      }
      const [status, headerList] = await responseHead(id, signal);
      const location = headerList.find(([name]) => name.toLowerCase() === "location")?.[1];
      if (redirects.has(status) && location !== undefined && request.redirect !== "manual") {
        http.closeResponse(id);
        if (request.redirect === "error") throw failed(new Error("unexpected redirect"));
        if (hops >= 20) throw failed(new Error("redirect count exceeded"));
        const method = status === 303 || ((status === 301 || status === 302) && request.method === "POST") ? "GET" : request.method;
        if (method === "GET") body = null;
        const next = new Headers(request.headers);
        if (body === null) for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) next.delete(name);
        request = new Request(new URL(location, url), { method, headers: next, redirect: request.redirect, signal });
        redirected = true;
        continue;
      }
      const stream =
        nullBody.has(status) || request.method === "HEAD" ? (http.closeResponse(id), null) : responseBody(id, signal);
      return internals.incomingResponse(status, "", headerList, stream, url.href, redirected);
    }
  };

  // The response head of outbound request `id`: [status, headers].
  function responseHead(id, signal) {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        http.closeResponse(id);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const check = () => {
        if (signal.aborted) return;
        let head;
        try {
          head = http.head(id);
        } catch (e) {
          signal.removeEventListener("abort", onAbort);
          reject(failed(e));
          return;
        }
        if (head === undefined) {
          http.headReady(id).then(check);
          return;
        }
        signal.removeEventListener("abort", onAbort);
        resolve(head);
      };
      check();
    });
  }

  // The body of outbound response `id`, read as it arrives.
  function responseBody(id, signal) {
    let onAbort;
    const done = () => signal.removeEventListener("abort", onAbort);
    return new ReadableStream({
      type: "bytes",
      start(controller) {
        onAbort = () => {
          http.closeResponse(id);
          try {
            controller.error(signal.reason);
          } catch {}
        };
        signal.addEventListener("abort", onAbort, { once: true });
      },
      async pull(controller) {
        for (;;) {
          if (signal.aborted) return;
          let chunk;
          try {
            chunk = http.readResponse(id);
          } catch (e) {
            done();
            throw new TypeError("terminated", { cause: e });
          }
          if (chunk == null) {
            done();
            controller.close();
            // A BYOB read waiting for this pull ends (done) only when its
            // request is answered: closing alone leaves it pending.
            controller.byobRequest?.respond(0);
            return;
          }
          if (chunk.length > 0) {
            controller.enqueue(chunk);
            return;
          }
          await http.bodyReady(id);
        }
      },
      cancel() {
        done();
        http.closeResponse(id);
      },
    });
  }

  // Per request (mod.rs): calls the handler and sends what it answers. A
  // handler that answers synchronously with a bytes body is sent without a
  // promise or a trip through the job queue; otherwise the returned promise
  // settles once the response is out.
  http.dispatch = (method, url, headerList, hasBody) => {
    const body = hasBody
      ? new ReadableStream({
          type: "bytes",
          async pull(controller) {
            for (;;) {
              const chunk = http.readBody();
              if (chunk == null) {
                controller.close();
                // A BYOB read waiting for this pull ends only when answered.
                controller.byobRequest?.respond(0);
                return;
              }
              if (chunk.length > 0) {
                controller.enqueue(chunk);
                return;
              }
              await http.requestReady();
            }
          },
        })
      : null;
    const request = internals.incomingRequest(method, url, headerList, body);
    let answer;
    try {
      answer = call(request);
    } catch (error) {
      return send(request, failed500(method, url, error));
    }
    if (internals.isResponse(answer)) return send(request, checked(method, url, answer));
    return Promise.resolve(answer).then(
      (response) => send(request, checked(method, url, response)),
      (error) => send(request, failed500(method, url, error)),
    );
  };

  function checked(method, url, response) {
    try {
      if (!internals.isResponse(response)) {
        throw new TypeError(`the fetch handler must return a Response, not ${describe(response)}`);
      }
      if (response.type === "error") throw new TypeError("the fetch handler returned Response.error()");
      return response;
    } catch (error) {
      return failed500(method, url, error);
    }
  }

  function failed500(method, url, error) {
    console.error(`${method} ${url}: the handler failed:`, error);
    return new Response("Internal Server Error\n", {
      status: 500,
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
  }

  // Sends a response: at once when its body is bytes (undefined), else as its
  // stream yields chunks (a promise).
  function send(request, response) {
    const method = request.method;
    const status = response.status;
    const bytes = internals.takeBytes(response);
    let list = internals.headerList(response);
    // No body goes on the wire for these; the head says what GET would send.
    const bodyless = method === "HEAD" || status === 204 || status === 304;
    if (bytes !== null) {
      // The length of a bytes body is known, so the runtime states it (as
      // Workers, Deno and Bun do): a content-length copied from another
      // response (`new Response(text, upstream)`) would cut the body short.
      // A 304 keeps the handler's: it describes the resource, not this body.
      // To HEAD, an empty body says nothing about GET's (a HEAD proxied
      // upstream, `new Response(null, { headers })`): the handler's length stays.
      const known = !(method === "HEAD" && bytes.length === 0);
      if (status !== 304 && known) {
        list = list.filter(([name]) => name !== "content-length");
        if (status !== 204) list.push(["content-length", String(bytes.length)]);
      }
      if (bodyless) http.respondHead(status, list);
      else http.respondWhole(status, list, bytes.length === 0 ? null : bytes);
      return undefined;
    }
    const stream = internals.stream(response);
    if (bodyless) {
      http.respondHead(status, list);
      stream.cancel().catch(() => {});
      return undefined;
    }
    // A stream's length is known at its end: a declared content-length stays,
    // and a body that turns out longer or shorter is cut off by the host
    // (the connection aborted, the log says why), never passed as complete.
    http.respond(status, list);
    const declared = list.find(([name]) => name === "content-length")?.[1];
    return streamBody(request, stream, declared === undefined ? -1 : Number(declared));
  }

  // The client went away: the handler learns it from request.signal (and its
  // stream's cancel()), as in Node and Workers; the host logs it.
  function gone(request, reader) {
    http.cutReported();
    const reason = new DOMException("The client went away.", "AbortError");
    internals.abortRequest(request, reason);
    reader.cancel(reason).catch(() => {});
  }

  // Writes a stream's chunks as they come. With a declared length, the chunk
  // that completes it is held until the stream ends: hosts end a response once
  // its declared length is out, so a stream that went on past it would look
  // complete to the client; unwritten, the body is short, which every host
  // reports as a broken response.
  async function streamBody(request, stream, declared) {
    const reader = stream.getReader();
    let written = 0;
    let held = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const bytes = toBytes(value);
        if (bytes.length === 0) continue;
        if (declared >= 0) {
          if (held !== null || written + bytes.length > declared) {
            throw new RangeError(`the body is longer than its content-length header (${declared} bytes)`);
          }
          written += bytes.length;
          if (written === declared) {
            held = bytes;
            continue;
          }
        }
        if (!http.write(bytes)) return gone(request, reader);
      }
      if (held !== null && !http.write(held)) return gone(request, reader);
      http.finish();
    } catch (error) {
      // The status line is gone already: the body is cut off (the host
      // aborts the connection), which the client sees.
      console.error(`${request.method} ${request.url}: the response body failed:`, error);
      http.cutReported();
      reader.cancel(error).catch(() => {});
    }
  }
};

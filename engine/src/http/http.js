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
        return true;
      }
    }
    if (fetchListeners > 0) {
      handler = "listeners";
      return true;
    }
    return false;
  };

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
    return handler.fetch(request, {}, context);
  }

  const describe = (value) =>
    value === null ? "null" : typeof value === "object" ? `an object (${value?.constructor?.name ?? "Object"})` : `${typeof value} ${String(value)}`;
  const toBytes = (chunk) => {
    if (chunk instanceof Uint8Array) return chunk;
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    if (typeof chunk === "string") return new TextEncoder().encode(chunk);
    throw new TypeError(`a response body chunk must be a Uint8Array, not ${describe(chunk)}`);
  };

  // Outbound fetch() through wasi:http/outgoing-handler (see outbound.rs).
  const redirects = new Set([301, 302, 303, 307, 308]);
  const nullBody = new Set([101, 103, 204, 205, 304]);
  const failed = (cause) => new TypeError("fetch failed", { cause });
  jsw.outboundFetch = async (input, init) => {
    let request = new Request(input, init);
    if (!http.available()) {
      throw failed(new Error("jsw: fetch() cannot reach the network at build time; call it from the handler"));
    }
    let body = request.body === null ? null : await request.bytes();
    for (let hops = 0; ; hops++) {
      if (request.signal.aborted) throw request.signal.reason;
      const url = new URL(request.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw failed(new Error(`jsw: fetch() reaches http: and https: URLs, not ${url.protocol}`));
      }
      let head;
      try {
        head = http.send(request.method, url.protocol.slice(0, -1), url.host, url.pathname + url.search, [...request.headers], body);
      } catch (e) {
        throw failed(e);
      }
      const [status, headerList, id] = head;
      const location = headerList.find(([name]) => name.toLowerCase() === "location")?.[1];
      if (redirects.has(status) && location !== undefined && request.redirect !== "manual") {
        http.closeResponse(id);
        if (request.redirect === "error") throw failed(new Error("unexpected redirect"));
        if (hops >= 20) throw failed(new Error("redirect count exceeded"));
        const method = status === 303 || ((status === 301 || status === 302) && request.method === "POST") ? "GET" : request.method;
        if (method === "GET") body = null;
        request = new Request(new URL(location, url), { method, headers: request.headers, redirect: request.redirect, signal: request.signal });
        continue;
      }
      const stream =
        nullBody.has(status) || request.method === "HEAD"
          ? (http.closeResponse(id), null)
          : new ReadableStream({
              type: "bytes",
              pull(controller) {
                const chunk = http.readResponse(id);
                if (chunk == null) controller.close();
                else controller.enqueue(chunk);
              },
              cancel() {
                http.closeResponse(id);
              },
            });
      const response = internals.incomingResponse(status, "", headerList, stream, url.href);
      return response;
    }
  };

  // Per request (mod.rs): calls the handler and sends what it answers. A
  // handler that answers synchronously with a bytes body is sent without a
  // promise or a trip through the job queue; otherwise the returned promise
  // settles once the response is out.
  http.dispatch = (method, url, headerList, hasBody) => {
    const body = hasBody
      ? new ReadableStream({
          type: "bytes",
          pull(controller) {
            const chunk = http.readBody();
            if (chunk == null) controller.close();
            else controller.enqueue(chunk);
          },
        })
      : null;
    const request = internals.incomingRequest(method, url, headerList, body);
    let answer;
    try {
      answer = call(request);
    } catch (error) {
      return send(method, url, failed500(method, url, error));
    }
    if (internals.isResponse(answer)) return send(method, url, checked(method, url, answer));
    return Promise.resolve(answer).then(
      (response) => send(method, url, checked(method, url, response)),
      (error) => send(method, url, failed500(method, url, error)),
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
  function send(method, url, response) {
    const status = response.status;
    const bytes = internals.takeBytes(response);
    const list = internals.headerList(response);
    const noBody = method === "HEAD" || status === 204 || status === 304;
    if (bytes !== null) {
      let length = false;
      for (let i = 0; i < list.length; i++) if (list[i][0] === "content-length") length = true;
      const headers = length || noBody ? list : list.concat([["content-length", String(bytes.length)]]);
      http.respondWhole(status, headers, noBody || bytes.length === 0 ? null : bytes);
      return undefined;
    }
    http.respond(status, list);
    if (noBody) {
      http.finish();
      return undefined;
    }
    return streamBody(method, url, internals.stream(response));
  }

  async function streamBody(method, url, stream) {
    try {
      const reader = stream.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        http.write(toBytes(value));
      }
      http.finish();
    } catch (error) {
      // The status line is gone already: the body is cut off, which the client sees.
      console.error(`${method} ${url}: the response body failed:`, error);
    }
  }
};

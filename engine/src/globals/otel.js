// OpenTelemetry for programs that bundle `@opentelemetry/api`: jsw registers
// the API's global tracer provider, context manager and W3C propagator, as an
// SDK would, before the program's code runs. The compiler adds this part when
// the API is in the bundle, with the API's version in place of API_VERSION (a
// registration is used only by API copies no newer than it says it is).
//
// The active context follows the program's async flow: it lives in the async
// context frame (async_context.rs) beside AsyncLocalStorage's stores.
//
// Spans are recorded only where the host asks for them: `jsw serve` with
// tracing on gives each request the context of its handler span in a header
// the engine takes out (`jsw-traceparent`, http/mod.rs). Spans then become its children, outbound fetch() carries the
// active span's context, and each ended span goes to the host as one line on
// stderr that starts with SPAN_LINE, which the host takes out of the output and
// exports with its own spans (compiler/src/telemetry/guest.rs). Anywhere else
// (`jsw run`, `wasmtime serve`, the build) spans are not recording, as with the
// API alone: context propagation works, nothing is exported.
(jsw) => {
  "use strict";
  const API_VERSION = "@JSW_OTEL_API_VERSION@";
  const SPAN_LINE = "\u001ejsw-span ";
  const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
  const INVALID_TRACE = "00000000000000000000000000000000";
  const INVALID_SPAN = "0000000000000000";
  const INVALID_CONTEXT = Object.freeze({ traceId: INVALID_TRACE, spanId: INVALID_SPAN, traceFlags: 0 });
  const hex = /^[0-9a-f]+$/;
  const validContext = (sc) =>
    sc != null &&
    typeof sc.traceId === "string" && sc.traceId.length === 32 && hex.test(sc.traceId) && sc.traceId !== INVALID_TRACE &&
    typeof sc.spanId === "string" && sc.spanId.length === 16 && hex.test(sc.spanId) && sc.spanId !== INVALID_SPAN;

  // Contexts: immutable maps, as the API's own.
  class Context {
    #values;
    constructor(values = new Map()) {
      this.#values = values;
    }
    getValue(key) {
      return this.#values.get(key);
    }
    setValue(key, value) {
      const values = new Map(this.#values);
      values.set(key, value);
      return new Context(values);
    }
    deleteValue(key) {
      const values = new Map(this.#values);
      values.delete(key);
      return new Context(values);
    }
  }
  const ROOT = new Context();

  // W3C trace-context tracestate: list-members `key=value`, newest first.
  class TraceState {
    #entries;
    constructor(text) {
      this.#entries = new Map();
      if (typeof text !== "string") return;
      for (const member of text.split(",").reverse()) {
        const i = member.indexOf("=");
        if (i <= 0) continue;
        const key = member.slice(0, i).trim();
        const value = member.slice(i + 1).trim();
        if (/^[a-z0-9][_0-9a-z\-*/@]{0,255}$/.test(key) && /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/.test(value)) {
          this.#entries.delete(key);
          this.#entries.set(key, value);
        }
      }
      while (this.#entries.size > 32) this.#entries.delete(this.#entries.keys().next().value);
    }
    #copy() {
      const next = new TraceState();
      for (const [k, v] of this.#entries) next.#entries.set(k, v);
      return next;
    }
    set(key, value) {
      const next = this.#copy();
      next.#entries.delete(key);
      next.#entries.set(key, value);
      return next;
    }
    unset(key) {
      const next = this.#copy();
      next.#entries.delete(key);
      return next;
    }
    get(key) {
      return this.#entries.get(key);
    }
    serialize() {
      return [...this.#entries].reverse().map(([k, v]) => `${k}=${v}`).join(",");
    }
  }

  const randomHex = (bytes) => {
    const b = crypto.getRandomValues(new Uint8Array(bytes));
    let out = "";
    for (const x of b) out += x.toString(16).padStart(2, "0");
    return /^0+$/.test(out) ? randomHex(bytes) : out;
  };

  // Times as the SDK takes them: [seconds, nanoseconds], a Date, epoch
  // milliseconds, or milliseconds of performance.now(). A request's
  // performance.timeOrigin is when its instance started, so a wall-clock
  // time from before it is not taken for performance.now()'s: numbers from
  // 2001 on (1e12 ms) are epoch milliseconds. Out: epoch microseconds (as a
  // string of nanoseconds for the host).
  const nowMs = () => performance.timeOrigin + performance.now();
  function epochMs(time) {
    if (time === undefined) return nowMs();
    if (Array.isArray(time) && time.length === 2) return time[0] * 1e3 + time[1] / 1e6;
    if (time instanceof Date) return time.getTime();
    if (typeof time === "number") return time >= 1e12 ? time : performance.timeOrigin + time;
    return nowMs();
  }
  const nanos = (ms) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

  // Attribute values the OpenTelemetry spec allows: strings, numbers,
  // booleans and arrays of one of them; others are dropped, as the SDK does.
  function attributeValue(value) {
    const t = typeof value;
    if (t === "string" || t === "boolean" || (t === "number" && Number.isFinite(value))) return value;
    if (Array.isArray(value)) {
      const kinds = new Set(value.filter((v) => v != null).map((v) => typeof v));
      if (kinds.size <= 1 && [...kinds].every((k) => k === "string" || k === "number" || k === "boolean")) return value.slice();
    }
    return undefined;
  }
  function addAttributes(into, attributes) {
    if (attributes === null || typeof attributes !== "object") return;
    for (const key of Object.keys(attributes)) {
      const value = attributeValue(attributes[key]);
      if (key !== "" && value !== undefined) into.set(key, value);
    }
  }

  // A span that records nothing: the parent given by the host or a carrier,
  // or what a tracer gives where nothing is exported.
  class NonRecordingSpan {
    #context;
    constructor(spanContext = INVALID_CONTEXT) {
      this.#context = spanContext;
    }
    spanContext() {
      return this.#context;
    }
    setAttribute() {
      return this;
    }
    setAttributes() {
      return this;
    }
    addEvent() {
      return this;
    }
    addLink() {
      return this;
    }
    addLinks() {
      return this;
    }
    setStatus() {
      return this;
    }
    updateName() {
      return this;
    }
    end() {}
    isRecording() {
      return false;
    }
    recordException() {}
  }

  class RecordingSpan {
    #context;
    #record;
    #ended = false;
    constructor(name, spanContext, parentSpanId, kind, scope, startMs, attributes, links) {
      this.#context = spanContext;
      this.#record = { name, kind, scope, parentSpanId, start: startMs, attributes, events: [], links, status: { code: 0 } };
    }
    spanContext() {
      return this.#context;
    }
    setAttribute(key, value) {
      if (!this.#ended) addAttributes(this.#record.attributes, { [key]: value });
      return this;
    }
    setAttributes(attributes) {
      if (!this.#ended) addAttributes(this.#record.attributes, attributes);
      return this;
    }
    addEvent(name, attributesOrTime, time) {
      if (this.#ended) return this;
      let attributes = attributesOrTime;
      if (Array.isArray(attributesOrTime) || typeof attributesOrTime === "number" || attributesOrTime instanceof Date) {
        time = attributesOrTime;
        attributes = undefined;
      }
      const map = new Map();
      addAttributes(map, attributes);
      this.#record.events.push({ name: String(name), time: epochMs(time), attributes: map });
      return this;
    }
    addLink(link) {
      if (!this.#ended && validContext(link?.context)) {
        const map = new Map();
        addAttributes(map, link.attributes);
        this.#record.links.push({ context: link.context, attributes: map });
      }
      return this;
    }
    addLinks(links) {
      for (const link of links ?? []) this.addLink(link);
      return this;
    }
    setStatus(status) {
      if (this.#ended || this.#record.status.code === 1) return this;
      const code = status?.code;
      // Setting UNSET is ignored, as the specification says.
      if (code === 1) this.#record.status = { code: 1 };
      else if (code === 2) this.#record.status = { code: 2, message: typeof status.message === "string" ? status.message : "" };
      return this;
    }
    updateName(name) {
      if (!this.#ended) this.#record.name = String(name);
      return this;
    }
    isRecording() {
      return !this.#ended;
    }
    recordException(exception, time) {
      const attributes = {};
      if (typeof exception === "string") {
        attributes["exception.message"] = exception;
      } else if (exception) {
        if (exception.code !== undefined) attributes["exception.type"] = String(exception.code);
        else if (exception.name) attributes["exception.type"] = String(exception.name);
        if (exception.message !== undefined) attributes["exception.message"] = String(exception.message);
        if (exception.stack !== undefined) attributes["exception.stacktrace"] = String(exception.stack);
      }
      if (attributes["exception.type"] || attributes["exception.message"]) this.addEvent("exception", attributes, time);
    }
    end(endTime) {
      if (this.#ended) return;
      this.#ended = true;
      const r = this.#record;
      const pairs = (map) => [...map];
      const line = JSON.stringify({
        name: r.name,
        kind: r.kind,
        scope: r.scope,
        traceId: this.#context.traceId,
        spanId: this.#context.spanId,
        parentSpanId: r.parentSpanId,
        start: nanos(r.start),
        end: nanos(Math.max(epochMs(endTime), r.start)),
        attributes: pairs(r.attributes),
        events: r.events.map((e) => ({ name: e.name, time: nanos(e.time), attributes: pairs(e.attributes) })),
        links: r.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: pairs(l.attributes) })),
        status: r.status,
      });
      jsw.write(2, SPAN_LINE + line + "\n");
    }
  }

  // The context manager: the active context is the frame's, else the root,
  // which holds the host's handler span when the host gave one.
  const FRAME_KEY = { name: "OpenTelemetry context" };
  // The request's root context, made again when the host's parent changes
  // (jsw.requestTraceparent is set as each request arrives).
  let root;
  let rootOf;
  function requestRoot() {
    const header = jsw.requestTraceparent;
    if (root !== undefined && rootOf === header) return root;
    rootOf = header;
    root = ROOT;
    const parent = parseTraceparent(header);
    if (parent !== undefined) root = ROOT.setValue(SPAN_KEY, new NonRecordingSpan(parent));
    return root;
  }
  // Whether this run's spans are recorded: the host gave a sampled parent.
  const recording = () => (requestRoot().getValue(SPAN_KEY)?.spanContext().traceFlags & 1) === 1;

  function activeContext() {
    return jsw.asyncContext()?.get(FRAME_KEY) ?? requestRoot();
  }
  function withContext(context, fn, thisArg, ...args) {
    const frame = new Map(jsw.asyncContext() ?? []);
    frame.set(FRAME_KEY, context ?? ROOT);
    return jsw.runInFrame(frame, fn, thisArg, args);
  }
  const contextManager = {
    active: activeContext,
    with: withContext,
    bind(context, target) {
      if (typeof target !== "function") return target;
      return function (...args) {
        return withContext(context, target, this, ...args);
      };
    },
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };

  class Tracer {
    #scope;
    constructor(scope) {
      this.#scope = scope;
    }
    startSpan(name, options = {}, context = activeContext()) {
      const parentSpan = options.root ? undefined : context?.getValue?.(SPAN_KEY);
      const parent = parentSpan?.spanContext?.();
      const parentValid = validContext(parent);
      // The host traces this request but did not sample it: a span that is
      // not recorded, in the same trace (flags 00), as an SDK's sampler makes.
      if (parentValid && (parent.traceFlags & 1) === 0 && requestRoot() !== ROOT) {
        return new NonRecordingSpan({ traceId: parent.traceId, spanId: randomHex(8), traceFlags: 0, traceState: parent.traceState });
      }
      if (!recording() || (parentValid && (parent.traceFlags & 1) === 0)) {
        return new NonRecordingSpan(parentValid && !options.root ? parent : INVALID_CONTEXT);
      }
      const spanContext = {
        traceId: parentValid ? parent.traceId : randomHex(16),
        spanId: randomHex(8),
        traceFlags: 1,
        traceState: parentValid ? parent.traceState : undefined,
      };
      const attributes = new Map();
      addAttributes(attributes, options.attributes);
      const links = [];
      for (const link of options.links ?? []) {
        if (validContext(link?.context)) {
          const map = new Map();
          addAttributes(map, link.attributes);
          links.push({ context: link.context, attributes: map });
        }
      }
      const kind = Number.isInteger(options.kind) && options.kind >= 0 && options.kind <= 4 ? options.kind : 0;
      return new RecordingSpan(String(name), spanContext, parentValid ? parent.spanId : undefined, kind, this.#scope, epochMs(options.startTime), attributes, links);
    }
    startActiveSpan(name, a, b, c) {
      let options = {};
      let context = activeContext();
      let fn;
      if (typeof a === "function") fn = a;
      else if (typeof b === "function") {
        options = a ?? {};
        fn = b;
      } else {
        options = a ?? {};
        context = b ?? activeContext();
        fn = c;
      }
      const span = this.startSpan(name, options, context);
      return withContext(context.setValue(SPAN_KEY, span), fn, undefined, span);
    }
  }

  const tracers = new Map();
  const tracerProvider = {
    getTracer(name, version, options) {
      const key = `${name}@${version ?? ""}`;
      let tracer = tracers.get(key);
      if (tracer === undefined) {
        tracer = new Tracer({ name: String(name ?? ""), version: version === undefined ? undefined : String(version), schemaUrl: options?.schemaUrl });
        tracers.set(key, tracer);
      }
      return tracer;
    },
  };

  function parseTraceparent(header) {
    if (Array.isArray(header)) header = header[0];
    if (typeof header !== "string") return undefined;
    const m = /^\s?([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\s?$/.exec(header);
    if (m === null || m[1] === "ff" || (m[1] === "00" && m[5] !== undefined)) return undefined;
    const sc = { traceId: m[2], spanId: m[3], traceFlags: parseInt(m[4], 16), isRemote: true };
    return validContext(sc) ? sc : undefined;
  }

  const defaultGetter = {
    get(carrier, key) {
      return carrier == null ? undefined : carrier[key];
    },
    keys(carrier) {
      return carrier == null ? [] : Object.keys(carrier);
    },
  };
  const defaultSetter = {
    set(carrier, key, value) {
      if (carrier != null) carrier[key] = value;
    },
  };
  const traceparentOf = (sc) => `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`;
  const propagator = {
    inject(context, carrier, setter = defaultSetter) {
      const sc = context?.getValue?.(SPAN_KEY)?.spanContext?.();
      if (!validContext(sc)) return;
      setter.set(carrier, "traceparent", traceparentOf(sc));
      const state = sc.traceState?.serialize?.();
      if (state) setter.set(carrier, "tracestate", state);
    },
    extract(context, carrier, getter = defaultGetter) {
      const sc = parseTraceparent(getter.get(carrier, "traceparent"));
      if (sc === undefined) return context;
      let state = getter.get(carrier, "tracestate");
      if (Array.isArray(state)) state = state.join(",");
      if (typeof state === "string") sc.traceState = new TraceState(state);
      return context.setValue(SPAN_KEY, new NonRecordingSpan(sc));
    },
    fields() {
      return ["traceparent", "tracestate"];
    },
  };

  // Outbound fetch() carries the active span's context, as Node's fetch
  // instrumentation does, unless the request has its own (http.js).
  jsw.traceHeaders = (headers) => {
    if (!recording() || headers.some(([name]) => name === "traceparent")) return [];
    const out = [];
    propagator.inject(activeContext(), out, { set: (list, key, value) => list.push([key, value]) });
    return out;
  };

  const major = API_VERSION.split(".")[0];
  const key = Symbol.for(`opentelemetry.js.api.${major}`);
  if (globalThis[key] === undefined) {
    Object.defineProperty(globalThis, key, {
      value: { version: API_VERSION, trace: tracerProvider, context: contextManager, propagation: propagator },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
};

// Web streams (WHATWG Streams): ReadableStream with its default reader and
// controller, WritableStream, TransformStream, and the text streams built on them.
// Bodies of requests and responses are ReadableStreams, so this is what makes a
// response go out chunk by chunk and a request body arrive incrementally.
// Byte streams (`type: "bytes"`) are accepted and read through the default
// reader; BYOB readers are not provided.
(jsw) => {
  "use strict";
  const readables = new WeakMap();
  const illegal = () => new TypeError("Illegal constructor");
  let constructing = false;
  const make = (Class, ...args) => {
    constructing = true;
    try {
      return new Class(...args);
    } finally {
      constructing = false;
    }
  };
  const deferred = () => {
    let resolve, reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  const handled = (promise) => {
    promise.catch(() => {});
    return promise;
  };
  function strategyOf(strategy, defaultHwm) {
    const hwm = strategy?.highWaterMark === undefined ? defaultHwm : Number(strategy.highWaterMark);
    if (Number.isNaN(hwm) || hwm < 0) throw new RangeError("Invalid highWaterMark");
    const size = strategy?.size;
    if (size !== undefined && typeof size !== "function") throw new TypeError("size must be a function");
    return { hwm, size: size ?? (() => 1) };
  }

  // ---- ReadableStream ----
  const stateOf = (stream) => {
    const s = readables.get(stream);
    if (s === undefined) throw new TypeError("Illegal invocation");
    return s;
  };

  class ReadableStreamDefaultController {
    constructor() {
      if (!constructing) throw illegal();
    }
    get desiredSize() {
      const s = controllers.get(this);
      if (s.state === "errored") return null;
      if (s.state === "closed") return 0;
      return s.hwm - s.queueSize;
    }
    enqueue(chunk) {
      const s = controllers.get(this);
      if (s.closeRequested || s.state !== "readable") {
        throw new TypeError("Invalid state: Controller is already closed");
      }
      if (s.reads.length > 0) {
        s.reads.shift().resolve({ value: chunk, done: false });
      } else {
        let size;
        try {
          size = Number(s.size(chunk));
        } catch (e) {
          errorStream(s, e);
          throw e;
        }
        s.queue.push([chunk, size]);
        s.queueSize += size;
      }
      pullIfNeeded(s);
    }
    close() {
      const s = controllers.get(this);
      if (s.closeRequested || s.state !== "readable") {
        throw new TypeError("Invalid state: Controller is already closed");
      }
      s.closeRequested = true;
      if (s.queue.length === 0) closeStream(s);
    }
    error(e) {
      errorStream(controllers.get(this), e);
    }
  }
  const controllers = new WeakMap();

  function closeStream(s) {
    if (s.state !== "readable") return;
    s.state = "closed";
    for (const read of s.reads.splice(0)) read.resolve({ value: undefined, done: true });
    s.reader?.closed.resolve();
  }
  function errorStream(s, e) {
    if (s.state !== "readable") return;
    s.state = "errored";
    s.storedError = e;
    s.queue = [];
    s.queueSize = 0;
    for (const read of s.reads.splice(0)) read.reject(e);
    if (s.reader) {
      handled(s.reader.closed.promise);
      s.reader.closed.reject(e);
    }
  }
  function pullIfNeeded(s) {
    if (!s.started || s.state !== "readable" || s.closeRequested || !s.source.pull) return;
    if (s.reads.length === 0 && s.hwm - s.queueSize <= 0) return;
    if (s.pulling) {
      s.pullAgain = true;
      return;
    }
    s.pulling = true;
    let result;
    try {
      result = s.source.pull.call(s.sourceObject, s.controller);
    } catch (e) {
      errorStream(s, e);
      return;
    }
    Promise.resolve(result).then(
      () => {
        s.pulling = false;
        if (s.pullAgain) {
          s.pullAgain = false;
          pullIfNeeded(s);
        }
      },
      (e) => errorStream(s, e),
    );
  }
  function cancelStream(s, reason) {
    s.disturbed = true;
    if (s.state === "closed") return Promise.resolve();
    if (s.state === "errored") return Promise.reject(s.storedError);
    s.queue = [];
    s.queueSize = 0;
    closeStream(s);
    try {
      const cancel = s.source.cancel;
      return Promise.resolve(cancel ? cancel.call(s.sourceObject, reason) : undefined).then(() => undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  function readFrom(s) {
    s.disturbed = true;
    if (s.state === "closed") return Promise.resolve({ value: undefined, done: true });
    if (s.state === "errored") return Promise.reject(s.storedError);
    if (s.queue.length > 0) {
      const [chunk, size] = s.queue.shift();
      s.queueSize -= size;
      if (s.closeRequested && s.queue.length === 0) closeStream(s);
      else pullIfNeeded(s);
      return Promise.resolve({ value: chunk, done: false });
    }
    const read = deferred();
    s.reads.push(read);
    pullIfNeeded(s);
    return read.promise;
  }

  class ReadableStream {
    constructor(source = {}, strategy = {}) {
      if (source === null || (typeof source !== "object" && typeof source !== "function")) {
        throw new TypeError("The underlying source must be an object");
      }
      const type = source.type === undefined ? undefined : String(source.type);
      if (type !== undefined && type !== "bytes") {
        throw new RangeError(`Invalid type: ${type}`);
      }
      const { hwm, size } = strategyOf(strategy, type === "bytes" ? 0 : 1);
      const s = {
        state: "readable",
        queue: [],
        queueSize: 0,
        hwm,
        size: type === "bytes" ? (chunk) => chunk.byteLength : size,
        reads: [],
        reader: null,
        storedError: undefined,
        started: false,
        pulling: false,
        pullAgain: false,
        closeRequested: false,
        disturbed: false,
        source: { pull: source.pull, cancel: source.cancel },
        sourceObject: source,
        controller: make(ReadableStreamDefaultController),
      };
      controllers.set(s.controller, s);
      readables.set(this, s);
      let started;
      try {
        started = source.start ? source.start.call(source, s.controller) : undefined;
      } catch (e) {
        errorStream(s, e);
        throw e;
      }
      Promise.resolve(started).then(
        () => {
          s.started = true;
          pullIfNeeded(s);
        },
        (e) => errorStream(s, e),
      );
    }
    get locked() {
      return stateOf(this).reader !== null;
    }
    cancel(reason) {
      const s = readables.get(this);
      if (s === undefined) return Promise.reject(new TypeError("Illegal invocation"));
      if (s.reader !== null) return Promise.reject(new TypeError("Invalid state: ReadableStream is locked"));
      return cancelStream(s, reason);
    }
    getReader(options = {}) {
      const mode = options?.mode;
      if (mode !== undefined) {
        if (String(mode) === "byob") throw new TypeError("BYOB readers are not supported by jsw");
        throw new TypeError(`Invalid mode: ${mode}`);
      }
      return new ReadableStreamDefaultReader(this);
    }
    pipeThrough(transform, options = {}) {
      const { readable, writable } = transform ?? {};
      if (!(readable instanceof ReadableStream) || !(writable instanceof WritableStream)) {
        throw new TypeError("pipeThrough needs a { readable, writable } pair");
      }
      if (this.locked) throw new TypeError("Invalid state: ReadableStream is locked");
      handled(this.pipeTo(writable, options));
      return readable;
    }
    pipeTo(destination, options = {}) {
      if (!(destination instanceof WritableStream)) {
        return Promise.reject(new TypeError("pipeTo needs a WritableStream"));
      }
      if (this.locked) return Promise.reject(new TypeError("Invalid state: ReadableStream is locked"));
      if (destination.locked) return Promise.reject(new TypeError("Invalid state: WritableStream is locked"));
      const { preventClose, preventAbort, preventCancel, signal } = options ?? {};
      const reader = this.getReader();
      const writer = destination.getWriter();
      return (async () => {
        let aborted = false;
        const onAbort = () => {
          aborted = true;
        };
        signal?.addEventListener?.("abort", onAbort);
        try {
          for (;;) {
            if (aborted || signal?.aborted) throw signal.reason;
            let step;
            try {
              step = await reader.read();
            } catch (e) {
              if (!preventAbort) await writer.abort(e).catch(() => {});
              throw e;
            }
            if (step.done) break;
            try {
              await writer.write(step.value);
            } catch (e) {
              if (!preventCancel) await reader.cancel(e).catch(() => {});
              throw e;
            }
          }
          if (!preventClose) await writer.close();
        } catch (e) {
          if (aborted || signal?.aborted) {
            if (!preventAbort) await writer.abort(e).catch(() => {});
            if (!preventCancel) await reader.cancel(e).catch(() => {});
          }
          throw e;
        } finally {
          signal?.removeEventListener?.("abort", onAbort);
          reader.releaseLock();
          writer.releaseLock();
        }
      })();
    }
    tee() {
      const reader = this.getReader();
      let branches;
      let reading = false;
      let cancelled = 0;
      const reasons = [];
      const pull = () => {
        if (reading) return Promise.resolve();
        reading = true;
        return reader.read().then(
          ({ value, done }) => {
            reading = false;
            for (const b of branches) {
              const s = readables.get(b);
              if (s.state !== "readable" || s.closeRequested) continue;
              if (done) s.controller.close();
              else s.controller.enqueue(value);
            }
          },
          (e) => {
            for (const b of branches) errorStream(readables.get(b), e);
          },
        );
      };
      const branch = (i) =>
        new ReadableStream({
          pull,
          cancel(reason) {
            reasons[i] = reason;
            if (++cancelled === 2) return reader.cancel(reasons);
          },
        });
      branches = [branch(0), branch(1)];
      return branches;
    }
    values(options = {}) {
      const reader = this.getReader();
      const preventCancel = Boolean(options?.preventCancel);
      const iterator = Object.create(AsyncIteratorPrototype);
      iterator.next = () =>
        reader.read().then((step) => {
          if (step.done) reader.releaseLock();
          return step;
        });
      iterator.return = async (value) => {
        if (!preventCancel) await reader.cancel(value);
        reader.releaseLock();
        return { value, done: true };
      };
      return iterator;
    }
    [Symbol.asyncIterator](options) {
      return this.values(options);
    }
    static from(source) {
      if (source instanceof ReadableStream) return source;
      const iterator =
        source?.[Symbol.asyncIterator]?.() ??
        source?.[Symbol.iterator]?.() ??
        (() => {
          throw new TypeError("ReadableStream.from needs an iterable or async iterable");
        })();
      return new ReadableStream(
        {
          async pull(controller) {
            const step = await iterator.next();
            if (step.done) controller.close();
            else controller.enqueue(await step.value);
          },
          async cancel(reason) {
            await iterator.return?.(reason);
          },
        },
        { highWaterMark: 0 },
      );
    }
  }
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
  Object.defineProperty(ReadableStream.prototype, Symbol.toStringTag, { value: "ReadableStream", configurable: true });

  class ReadableStreamDefaultReader {
    #stream;
    #closed;
    constructor(stream) {
      const s = readables.get(stream);
      if (s === undefined) throw new TypeError("The argument must be a ReadableStream");
      if (s.reader !== null) throw new TypeError("Invalid state: ReadableStream is locked");
      this.#stream = stream;
      s.reader = { closed: deferred() };
      this.#closed = s.reader.closed;
      if (s.state === "closed") s.reader.closed.resolve();
      if (s.state === "errored") {
        handled(s.reader.closed.promise);
        s.reader.closed.reject(s.storedError);
      }
    }
    get closed() {
      return this.#closed.promise;
    }
    read() {
      if (this.#stream === undefined) {
        return Promise.reject(new TypeError("Invalid state: The reader is not attached to a stream"));
      }
      return readFrom(readables.get(this.#stream));
    }
    cancel(reason) {
      if (this.#stream === undefined) {
        return Promise.reject(new TypeError("Invalid state: The reader is not attached to a stream"));
      }
      return cancelStream(readables.get(this.#stream), reason);
    }
    releaseLock() {
      if (this.#stream === undefined) return;
      const s = readables.get(this.#stream);
      const released = new TypeError("Invalid state: Releasing reader");
      for (const read of s.reads.splice(0)) read.reject(released);
      if (s.state === "readable") {
        handled(this.#closed.promise);
        this.#closed.reject(released);
      }
      this.#closed = { promise: handled(Promise.reject(released)) };
      s.reader = null;
      this.#stream = undefined;
    }
  }
  Object.defineProperty(ReadableStreamDefaultReader.prototype, Symbol.toStringTag, {
    value: "ReadableStreamDefaultReader",
    configurable: true,
  });

  // ---- WritableStream ----
  const writables = new WeakMap();
  class WritableStreamDefaultController {
    constructor() {
      if (!constructing) throw illegal();
    }
    get signal() {
      return writableControllers.get(this).abort.signal;
    }
    error(e) {
      errorWritable(writableControllers.get(this), e);
    }
  }
  const writableControllers = new WeakMap();
  function errorWritable(w, e) {
    if (w.state !== "writable" && w.state !== "closing") return;
    w.state = "errored";
    w.storedError = e;
    w.writer?.closed.reject(e);
    if (w.writer) handled(w.writer.closed.promise);
  }
  class WritableStream {
    constructor(sink = {}, strategy = {}) {
      const { hwm, size } = strategyOf(strategy, 1);
      const w = {
        state: "writable",
        sink,
        hwm,
        size,
        storedError: undefined,
        writer: null,
        // Writes run one after another, in order, each after the sink's start.
        chain: null,
        pending: 0,
        controller: make(WritableStreamDefaultController),
        abort: new AbortController(),
      };
      writableControllers.set(w.controller, w);
      writables.set(this, w);
      let started;
      try {
        started = sink.start ? sink.start.call(sink, w.controller) : undefined;
      } catch (e) {
        errorWritable(w, e);
        throw e;
      }
      w.chain = Promise.resolve(started).then(undefined, (e) => errorWritable(w, e));
    }
    get locked() {
      return writableOf(this).writer !== null;
    }
    getWriter() {
      return new WritableStreamDefaultWriter(this);
    }
    abort(reason) {
      const w = writables.get(this);
      if (w === undefined) return Promise.reject(new TypeError("Illegal invocation"));
      if (w.writer !== null) return Promise.reject(new TypeError("Invalid state: WritableStream is locked"));
      return abortWritable(w, reason);
    }
    close() {
      const w = writables.get(this);
      if (w === undefined) return Promise.reject(new TypeError("Illegal invocation"));
      if (w.writer !== null) return Promise.reject(new TypeError("Invalid state: WritableStream is locked"));
      return closeWritable(w);
    }
  }
  Object.defineProperty(WritableStream.prototype, Symbol.toStringTag, { value: "WritableStream", configurable: true });
  const writableOf = (stream) => {
    const w = writables.get(stream);
    if (w === undefined) throw new TypeError("Illegal invocation");
    return w;
  };
  function enqueueWrite(w, step) {
    w.pending++;
    const result = w.chain.then(() => {
      if (w.state === "errored") throw w.storedError;
      return step();
    });
    w.chain = result.then(
      () => {
        w.pending--;
      },
      (e) => {
        w.pending--;
        errorWritable(w, e);
      },
    );
    return result;
  }
  function closeWritable(w) {
    if (w.state !== "writable") {
      return Promise.reject(new TypeError("Invalid state: WritableStream is closed"));
    }
    w.state = "closing";
    return enqueueWrite(w, async () => {
      if (w.sink.close) await w.sink.close.call(w.sink);
      w.state = "closed";
      w.writer?.closed.resolve();
    });
  }
  function abortWritable(w, reason) {
    if (w.state === "closed" || w.state === "errored") return Promise.resolve();
    w.abort.abort(reason);
    errorWritable(w, reason);
    return Promise.resolve(w.sink.abort ? w.sink.abort.call(w.sink, reason) : undefined).then(() => undefined);
  }

  class WritableStreamDefaultWriter {
    #stream;
    #closed;
    constructor(stream) {
      const w = writables.get(stream);
      if (w === undefined) throw new TypeError("The argument must be a WritableStream");
      if (w.writer !== null) throw new TypeError("Invalid state: WritableStream is locked");
      this.#stream = stream;
      w.writer = { closed: deferred() };
      this.#closed = w.writer.closed;
      if (w.state === "closed") w.writer.closed.resolve();
      if (w.state === "errored") {
        handled(w.writer.closed.promise);
        w.writer.closed.reject(w.storedError);
      }
    }
    #attached() {
      if (this.#stream === undefined) throw new TypeError("Invalid state: The writer is not attached to a stream");
      return writables.get(this.#stream);
    }
    get closed() {
      return this.#closed.promise;
    }
    get ready() {
      return Promise.resolve();
    }
    get desiredSize() {
      const w = this.#attached();
      if (w.state === "errored") return null;
      if (w.state === "closed") return 0;
      return w.hwm - w.pending;
    }
    write(chunk) {
      let w;
      try {
        w = this.#attached();
      } catch (e) {
        return Promise.reject(e);
      }
      if (w.state !== "writable") {
        return Promise.reject(w.state === "errored" ? w.storedError : new TypeError("Invalid state: WritableStream is closed"));
      }
      return enqueueWrite(w, () => (w.sink.write ? w.sink.write.call(w.sink, chunk, w.controller) : undefined)).then(
        () => undefined,
      );
    }
    close() {
      try {
        return closeWritable(this.#attached());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    abort(reason) {
      try {
        return abortWritable(this.#attached(), reason);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    releaseLock() {
      if (this.#stream === undefined) return;
      const w = writables.get(this.#stream);
      w.writer = null;
      this.#stream = undefined;
    }
  }

  // ---- TransformStream ----
  class TransformStreamDefaultController {
    constructor() {
      if (!constructing) throw illegal();
    }
    get desiredSize() {
      return transformControllers.get(this).readableController.desiredSize;
    }
    enqueue(chunk) {
      transformControllers.get(this).readableController.enqueue(chunk);
    }
    error(e) {
      const t = transformControllers.get(this);
      t.readableController.error(e);
      errorWritable(writables.get(t.writable), e);
    }
    terminate() {
      const t = transformControllers.get(this);
      try {
        t.readableController.close();
      } catch {}
      errorWritable(writables.get(t.writable), new TypeError("TransformStream terminated"));
    }
  }
  const transformControllers = new WeakMap();
  class TransformStream {
    constructor(transformer = {}, writableStrategy = {}, readableStrategy = {}) {
      const t = {};
      const controller = make(TransformStreamDefaultController);
      transformControllers.set(controller, t);
      this.readable = new ReadableStream(
        {
          start(c) {
            t.readableController = c;
          },
          cancel(reason) {
            errorWritable(writables.get(t.writable), reason);
          },
        },
        readableStrategy,
      );
      t.writable = this.writable = new WritableStream(
        {
          start() {
            return transformer.start ? transformer.start.call(transformer, controller) : undefined;
          },
          write(chunk) {
            if (transformer.transform) return transformer.transform.call(transformer, chunk, controller);
            controller.enqueue(chunk);
          },
          async close() {
            if (transformer.flush) await transformer.flush.call(transformer, controller);
            try {
              t.readableController.close();
            } catch {}
          },
          abort(reason) {
            t.readableController.error(reason);
          },
        },
        writableStrategy,
      );
      Object.defineProperty(this, "readable", { value: this.readable, writable: false, enumerable: false });
      Object.defineProperty(this, "writable", { value: this.writable, writable: false, enumerable: false });
    }
  }
  Object.defineProperty(TransformStream.prototype, Symbol.toStringTag, { value: "TransformStream", configurable: true });

  class TextEncoderStream extends TransformStream {
    constructor() {
      const encoder = new TextEncoder();
      super({
        transform(chunk, controller) {
          const bytes = encoder.encode(String(chunk));
          if (bytes.length > 0) controller.enqueue(bytes);
        },
      });
    }
    get encoding() {
      return "utf-8";
    }
  }
  class TextDecoderStream extends TransformStream {
    constructor(label = "utf-8", options = {}) {
      const decoder = new TextDecoder(label, options);
      super({
        transform(chunk, controller) {
          const text = decoder.decode(chunk, { stream: true });
          if (text) controller.enqueue(text);
        },
        flush(controller) {
          const text = decoder.decode();
          if (text) controller.enqueue(text);
        },
      });
      this.decoderEncoding = decoder.encoding;
    }
    get encoding() {
      return this.decoderEncoding;
    }
  }

  class CountQueuingStrategy {
    constructor({ highWaterMark }) {
      this.highWaterMark = highWaterMark;
    }
    get size() {
      return () => 1;
    }
  }
  class ByteLengthQueuingStrategy {
    constructor({ highWaterMark }) {
      this.highWaterMark = highWaterMark;
    }
    get size() {
      return (chunk) => chunk.byteLength;
    }
  }

  // Bodies ask whether a stream was read from.
  jsw.streamDisturbed = (stream) => stateOf(stream).disturbed;

  // console.log shows a stream as Node does: `ReadableStream { locked: false,
  // state: 'readable', supportsBYOB: true }` (true for byte streams).
  Object.defineProperty(ReadableStream.prototype, Symbol.for("nodejs.util.inspect.custom"), {
    value(depth, options, inspect) {
      // Too deep, Node 20 shows `undefined` (its helper returns no value).
      if (depth < 0) return undefined;
      const s = stateOf(this);
      const shown = { locked: s.reader !== null, state: s.state, supportsBYOB: s.sourceObject?.type === "bytes" };
      return `ReadableStream ${inspect(shown, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
    },
    writable: true,
    configurable: true,
  });

  for (const [name, value] of Object.entries({
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadableStreamDefaultController,
    WritableStream,
    WritableStreamDefaultWriter,
    WritableStreamDefaultController,
    TransformStream,
    TransformStreamDefaultController,
    TextEncoderStream,
    TextDecoderStream,
    CountQueuingStrategy,
    ByteLengthQueuingStrategy,
  })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
};

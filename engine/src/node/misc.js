// Small node: modules that are thin views of jsw's globals.
(jsw) => {
  "use strict";
  // node:timers/promises: the timers as promises (with `signal` and `ref`
  // options), setInterval as an async iterator, and the scheduler.
  function timersPromises() {
    function check(delay, options) {
      if (delay !== undefined && typeof delay !== "number") throw jsw.invalidArgType("delay", "of type number", delay);
      if (options === null || typeof options !== "object") throw jsw.invalidArgType("options", "of type object", options);
      jsw.checkAbortSignal(options.signal, "options.signal");
      if (options.ref !== undefined && typeof options.ref !== "boolean") {
        throw jsw.invalidArgType("options.ref", "of type boolean", options.ref);
      }
    }
    // One timer as a promise, cancelled (rejecting with an AbortError) if
    // the signal aborts first.
    function timer(start, clear, delay, value, options) {
      try {
        check(delay, options);
      } catch (e) {
        return Promise.reject(e);
      }
      const { signal, ref = true } = options;
      if (signal?.aborted) return Promise.reject(jsw.abortError(signal.reason));
      return new Promise((resolve, reject) => {
        const handle = start(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        });
        if (!ref) handle.unref();
        function onAbort() {
          clear(handle);
          reject(jsw.abortError(signal.reason));
        }
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    const promises = {
      setTimeout: (delay, value, options = {}) =>
        timer((fire) => setTimeout(fire, delay), clearTimeout, delay, value, options),
      setImmediate: (value, options = {}) => timer((fire) => setImmediate(fire), clearImmediate, undefined, value, options),
      async *setInterval(delay, value, options = {}) {
        check(delay, options);
        const { signal, ref = true } = options;
        if (signal?.aborted) throw jsw.abortError(signal.reason);
        // Ticks not yet taken by the loop, and the loop waiting for one.
        let pending = 0;
        let wake;
        const interval = setInterval(() => {
          pending++;
          wake?.();
          wake = undefined;
        }, delay);
        if (!ref) interval.unref();
        // The loop wakes up, finds the signal aborted and throws.
        const onAbort = () => {
          clearInterval(interval);
          wake?.();
          wake = undefined;
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          while (!signal?.aborted) {
            if (pending === 0) await new Promise((resolve) => (wake = resolve));
            for (; pending > 0; pending--) yield value;
          }
          throw jsw.abortError(signal.reason);
        } finally {
          clearInterval(interval);
          signal?.removeEventListener("abort", onAbort);
        }
      },
    };
    const kScheduler = Symbol("kScheduler");
    class Scheduler {
      constructor() {
        throw jsw.nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
      }
      yield() {
        if (!this?.[kScheduler]) throw jsw.nodeError(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of type Scheduler');
        return promises.setImmediate();
      }
      wait(delay, options) {
        if (!this?.[kScheduler]) throw jsw.nodeError(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of type Scheduler');
        return promises.setTimeout(delay, undefined, options);
      }
    }
    promises.scheduler = Object.create(Scheduler.prototype, { [kScheduler]: { value: true, enumerable: true } });
    return promises;
  }

  jsw.defineBuiltin("node:process", () => process);
  jsw.defineBuiltin("node:console", () => console);
  let promises;
  const timersPromisesOnce = () => (promises ??= timersPromises());
  jsw.defineBuiltin("node:timers", () => ({
    setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, promises: timersPromisesOnce(),
  }));
  jsw.defineBuiltin("node:timers/promises", timersPromisesOnce);
  // util.promisify(setTimeout) and (setImmediate) are timers/promises', as in Node.
  const custom = Symbol.for("nodejs.util.promisify.custom");
  for (const name of ["setTimeout", "setImmediate"]) {
    Object.defineProperty(globalThis[name], custom, {
      configurable: true,
      enumerable: false,
      get: () => timersPromisesOnce()[name],
    });
  }
  jsw.defineBuiltin("node:stream/web", () => ({
    ReadableStream, ReadableStreamDefaultReader, WritableStream, WritableStreamDefaultWriter, TransformStream,
    ByteLengthQueuingStrategy, CountQueuingStrategy, TextEncoderStream, TextDecoderStream,
    ReadableStreamDefaultController, WritableStreamDefaultController, TransformStreamDefaultController,
  }));
  // A module is one thread: this is the main thread, and no worker can start.
  jsw.defineBuiltin("node:worker_threads", () => ({
    isMainThread: true,
    parentPort: null,
    workerData: null,
    threadId: 0,
    resourceLimits: {},
    SHARE_ENV: Symbol("nodejs.worker_threads.SHARE_ENV"),
    // Nothing is ever cloned to another thread, so there is nothing to mark.
    markAsUntransferable() {},
    getEnvironmentData: () => undefined,
    setEnvironmentData() {},
    receiveMessageOnPort: () => undefined,
    Worker: class Worker {
      constructor() {
        throw new Error("node:worker_threads is not available in jsw modules (new Worker() was called): a module runs on one thread");
      }
    },
  }));
  jsw.defineBuiltin("node:perf_hooks", () => ({ performance, constants: {} }));
  jsw.defineBuiltin("node:tty", () => ({
    isatty: (fd) => Number.isInteger(fd) && fd >= 0 && jsw.isatty(fd),
  }));
  // node:url's WHATWG part. A program that imports node:url also gets the
  // legacy API (url.parse, url.format, ...: the node/url.js part), which
  // builds on these.
  jsw.urlBasics = {
    URL,
    URLSearchParams,
    fileURLToPath(url) {
      const u = typeof url === "string" ? new URL(url) : url;
      if (u.protocol !== "file:") throw new TypeError("The URL must be of scheme file");
      return decodeURIComponent(u.pathname);
    },
    pathToFileURL(path) {
      const u = new URL("file://");
      u.pathname = path.startsWith("/") ? path : `/${path}`;
      return u;
    },
  };
  jsw.defineBuiltin("node:url", () => ({ ...jsw.urlBasics }));
};

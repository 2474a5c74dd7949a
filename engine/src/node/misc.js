// Small node: modules that are thin views of jsw's globals.
(jsw) => {
  "use strict";
  jsw.defineBuiltin("node:process", () => process);
  jsw.defineBuiltin("node:console", () => console);
  jsw.defineBuiltin("node:timers", () => ({ setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate }));
  jsw.defineBuiltin("node:timers/promises", () => ({
    setTimeout: (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
    setImmediate: (value) => new Promise((resolve) => setImmediate(() => resolve(value))),
  }));
  jsw.defineBuiltin("node:stream/web", () => ({
    ReadableStream, ReadableStreamDefaultReader, WritableStream, WritableStreamDefaultWriter, TransformStream,
    ByteLengthQueuingStrategy, CountQueuingStrategy, TextEncoderStream, TextDecoderStream,
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
    markAsUncloneable() {},
    isMarkedAsUntransferable: () => false,
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
  jsw.defineBuiltin("node:url", () => ({
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
  }));
};

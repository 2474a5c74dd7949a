// node:async_hooks: AsyncLocalStorage and AsyncResource over the engine's async
// context (globals/async_context.rs). The current frame is a Map from each
// storage to its store, never changed once made: run() makes a new one and puts
// the old one back after, so every promise reaction, job, timer and nextTick
// that kept a frame keeps the stores of the moment it was registered. This is
// how Node 22's AsyncContextFrame works; what programs see matches Node 20's
// async_hooks-based one for run(), exit(), enterWith(), bind() and snapshot().
//
// createHook() is accepted but its callbacks are never called (QuickJS has no
// resource lifecycle to report); enabling one says so once on stderr.
// executionAsyncId() is the id of the AsyncResource whose scope is running,
// else 1 (the main scope) where Node would give a promise's or timer's id.
(jsw) => {
  "use strict";
  const getFrame = jsw.asyncContext;
  const setFrame = jsw.setAsyncContext;
  const EMPTY = new Map();

  // A frame like `frame` with `storage` holding `store` (none when `remove`).
  function frameWith(frame, storage, store, remove = false) {
    const next = new Map(frame ?? EMPTY);
    if (remove) next.delete(storage);
    else next.set(storage, store);
    return next.size === 0 ? undefined : next;
  }

  const validateFunction = (fn, name) => {
    if (typeof fn !== "function") throw jsw.invalidArgType(name, "of type function", fn);
  };

  let nextAsyncId = 2;
  // The ids of the AsyncResources whose scopes are running, innermost last.
  const scopes = [];

  class AsyncResource {
    #frame;
    #asyncId;
    #triggerAsyncId;
    constructor(type, options = {}) {
      if (typeof type !== "string") throw jsw.invalidArgType("type", "of type string", type);
      const trigger = typeof options === "number" ? options : options?.triggerAsyncId;
      if (trigger !== undefined && (!Number.isSafeInteger(trigger) || trigger < -1)) {
        const err = new RangeError(`Invalid triggerAsyncId value: ${trigger}`);
        err.code = "ERR_INVALID_ASYNC_ID";
        throw err;
      }
      this.#frame = getFrame();
      this.#asyncId = nextAsyncId++;
      this.#triggerAsyncId = trigger ?? executionAsyncId();
    }
    runInAsyncScope(fn, thisArg, ...args) {
      scopes.push(this.#asyncId);
      try {
        return jsw.runInFrame(this.#frame, fn, thisArg, args);
      } finally {
        scopes.pop();
      }
    }
    emitDestroy() {
      return this;
    }
    asyncId() {
      return this.#asyncId;
    }
    triggerAsyncId() {
      return this.#triggerAsyncId;
    }
    bind(fn, thisArg) {
      validateFunction(fn, "fn");
      const resource = this;
      const bound = function (...args) {
        return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
      };
      Object.defineProperties(bound, {
        length: { configurable: true, enumerable: false, value: fn.length, writable: false },
        asyncResource: { configurable: true, enumerable: true, value: this, writable: true },
      });
      return bound;
    }
    static bind(fn, type, thisArg) {
      type = type || fn?.name || "bound-anonymous-fn";
      return new AsyncResource(type).bind(fn, thisArg);
    }
  }

  class AsyncLocalStorage {
    #enabled = false;
    static bind(fn) {
      return AsyncResource.bind(fn);
    }
    static snapshot() {
      const frame = getFrame();
      return function runInAsyncScope(fn, ...args) {
        return jsw.runInFrame(frame, fn, this, args);
      };
    }
    disable() {
      if (!this.#enabled) return;
      this.#enabled = false;
      const frame = getFrame();
      if (frame?.has(this)) setFrame(frameWith(frame, this, undefined, true));
    }
    getStore() {
      if (!this.#enabled) return undefined;
      return getFrame()?.get(this);
    }
    enterWith(store) {
      this.#enabled = true;
      setFrame(frameWith(getFrame(), this, store));
    }
    run(store, callback, ...args) {
      this.#enabled = true;
      return jsw.runInFrame(frameWith(getFrame(), this, store), callback, undefined, args);
    }
    exit(callback, ...args) {
      if (!this.#enabled) return Reflect.apply(callback, undefined, args);
      return jsw.runInFrame(frameWith(getFrame(), this, undefined, true), callback, undefined, args);
    }
  }

  function executionAsyncId() {
    return scopes.length === 0 ? 1 : scopes[scopes.length - 1];
  }
  function triggerAsyncId() {
    return 0;
  }
  function executionAsyncResource() {
    return {};
  }

  let warned = false;
  class AsyncHook {
    #callbacks;
    constructor(callbacks) {
      this.#callbacks = callbacks;
    }
    enable() {
      if (!warned) {
        warned = true;
        process.emitWarning("async_hooks.createHook() callbacks are never called in jsw modules; AsyncLocalStorage works");
      }
      return this;
    }
    disable() {
      return this;
    }
  }
  function createHook(callbacks = {}) {
    if (callbacks === null || typeof callbacks !== "object") throw jsw.invalidArgType("callbacks", "of type object", callbacks);
    for (const name of ["init", "before", "after", "destroy", "promiseResolve"]) {
      if (callbacks[name] !== undefined && typeof callbacks[name] !== "function") {
        throw jsw.invalidArgType(`hook.${name}`, "of type function", callbacks[name]);
      }
    }
    return new AsyncHook(callbacks);
  }

  const asyncWrapProviders = Object.freeze(
    Object.assign(
      Object.create(null),
      Object.fromEntries(
        (
          "NONE DIRHANDLE DNSCHANNEL ELDHISTOGRAM FILEHANDLE FILEHANDLECLOSEREQ BLOBREADER FSEVENTWRAP " +
          "FSREQCALLBACK FSREQPROMISE GETADDRINFOREQWRAP GETNAMEINFOREQWRAP HEAPSNAPSHOT HTTP2SESSION " +
          "HTTP2STREAM HTTP2PING HTTP2SETTINGS HTTPINCOMINGMESSAGE HTTPCLIENTREQUEST JSSTREAM JSUDPWRAP " +
          "MESSAGEPORT PIPECONNECTWRAP PIPESERVERWRAP PIPEWRAP PROCESSWRAP PROMISE QUERYWRAP QUIC_LOGSTREAM " +
          "QUIC_PACKET SHUTDOWNWRAP SIGNALWRAP STATWATCHER STREAMPIPE TCPCONNECTWRAP TCPSERVERWRAP TCPWRAP " +
          "TTYWRAP UDPSENDWRAP UDPWRAP SIGINTWATCHDOG WORKER WORKERHEAPSNAPSHOT WRITEWRAP ZLIB " +
          "CHECKPRIMEREQUEST PBKDF2REQUEST KEYPAIRGENREQUEST KEYGENREQUEST KEYEXPORTREQUEST CIPHERREQUEST " +
          "DERIVEBITSREQUEST HASHREQUEST RANDOMBYTESREQUEST RANDOMPRIMEREQUEST SCRYPTREQUEST SIGNREQUEST " +
          "TLSWRAP VERIFYREQUEST"
        )
          .split(" ")
          .map((name, i) => [name, i]),
      ),
    ),
  );

  const exports = {
    AsyncLocalStorage,
    createHook,
    executionAsyncId,
    triggerAsyncId,
    executionAsyncResource,
    asyncWrapProviders,
    AsyncResource,
  };
  jsw.defineBuiltin("node:async_hooks", () => exports);
};

// node:async_hooks: AsyncLocalStorage and AsyncResource over the engine's async
// context (globals/async_context.rs). The current frame is a Map from each
// storage to its store, never changed once made: run() makes a new one, so
// every promise reaction, job, timer and nextTick that kept a frame keeps the
// stores of the moment it was registered (Node 22's AsyncContextFrame).
// Where Node 20's storage, which keeps stores on async resources, differs from
// that, this follows Node 20: run() with the store already current changes
// nothing, leaving run() or exit() puts back only that storage's store (an
// enterWith() of another storage inside stays), an enterWith() inside exit()
// stays after it, and an enterWith() inside an AsyncResource's scope or a
// setInterval callback stays with the resource or the interval.
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
  // The AsyncResources whose scopes are running, innermost last.
  const scopes = [];
  const TOP = {};

  class AsyncResource {
    #frame;
    #asyncId;
    #triggerAsyncId;
    constructor(type, options = {}) {
      if (typeof type !== "string") throw jsw.invalidArgType("type", "of type string", type);
      if (type.length === 0) {
        const err = new TypeError(`Invalid name for async "type": ${type}`);
        err.code = "ERR_ASYNC_TYPE";
        throw err;
      }
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
      const outer = getFrame();
      scopes.push(this);
      setFrame(this.#frame);
      try {
        return Reflect.apply(fn, thisArg, args);
      } finally {
        // An enterWith() in the scope stays with the resource, as in Node 20.
        this.#frame = getFrame();
        scopes.pop();
        setFrame(outer);
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
      let bound;
      if (thisArg === undefined) {
        bound = function (...args) {
          return resource.runInAsyncScope(fn, this, ...args);
        };
        Object.defineProperty(bound, "name", { value: "bound" });
      } else {
        bound = (...args) => resource.runInAsyncScope(fn, thisArg, ...args);
        Object.defineProperty(bound, "name", { value: "bound runInAsyncScope" });
      }
      Object.defineProperties(bound, {
        length: { configurable: true, enumerable: false, value: fn.length, writable: false },
        asyncResource: { configurable: true, enumerable: true, value: this, writable: true },
      });
      return bound;
    }
    static bind(fn, type, thisArg) {
      type = type || fn.name || "bound-anonymous-fn";
      return new AsyncResource(type).bind(fn, thisArg);
    }
  }

  // Leaving run() or exit(): this storage's store as it was before, the
  // others' as they are now.
  function restore(storage, had, store) {
    setFrame(frameWith(getFrame(), storage, store, !had));
  }

  class AsyncLocalStorage {
    #enabled = false;
    static bind(fn) {
      return AsyncResource.bind(fn);
    }
    static snapshot() {
      return new AsyncResource("AsyncLocalStorageSnapshot").bind(function (cb, ...args) {
        return Reflect.apply(cb, this, args);
      });
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
      if (this.#enabled && Object.is(store, this.getStore())) return Reflect.apply(callback, null, args);
      this.#enabled = true;
      const frame = getFrame();
      const had = frame?.has(this) ?? false;
      const old = frame?.get(this);
      setFrame(frameWith(frame, this, store));
      try {
        return Reflect.apply(callback, null, args);
      } finally {
        restore(this, had, old);
      }
    }
    exit(callback, ...args) {
      if (!this.#enabled) return Reflect.apply(callback, null, args);
      const frame = getFrame();
      const had = frame?.has(this) ?? false;
      const old = frame?.get(this);
      setFrame(frameWith(frame, this, undefined, true));
      try {
        return Reflect.apply(callback, null, args);
      } finally {
        // An enterWith() inside stays, as in Node 20.
        if (!getFrame()?.has(this)) restore(this, had, old);
      }
    }
  }

  function executionAsyncId() {
    return scopes.length === 0 ? 1 : scopes[scopes.length - 1].asyncId();
  }
  function triggerAsyncId() {
    return 0;
  }
  function executionAsyncResource() {
    return scopes.length === 0 ? TOP : scopes[scopes.length - 1];
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
  function createHook({ init, before, after, destroy, promiseResolve }) {
    const callbacks = { init, before, after, destroy, promiseResolve };
    for (const name of Object.keys(callbacks)) {
      if (callbacks[name] !== undefined && typeof callbacks[name] !== "function") {
        const err = new TypeError(`hook.${name} must be a function`);
        err.code = "ERR_ASYNC_CALLBACK";
        throw err;
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

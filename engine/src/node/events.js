// node:events: EventEmitter with Node's listener semantics (order, once,
// prepend, the 'error' event, newListener/removeListener, max-listener warning).
(jsw) => {
  "use strict";
  const kCapture = Symbol("kCapture");
  const kShapeMode = Symbol("shapeMode");
  let defaultMaxListeners = 10;
  const errorMonitor = Symbol("events.errorMonitor");

  function EventEmitter(opts) {
    EventEmitter.init.call(this, opts);
  }
  EventEmitter.init = function (opts) {
    if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
      this._eventsCount = 0;
      this[kShapeMode] = false;
    } else {
      // _events came with the object (a class field, say): removing a
      // listener keeps its key, so the object keeps its shape.
      this[kShapeMode] = true;
    }
    this._maxListeners = this._maxListeners || undefined;
    if (opts?.captureRejections) {
      if (typeof opts.captureRejections !== "boolean") {
        throw jsw.invalidArgType("options.captureRejections", "of type boolean", opts.captureRejections);
      }
      this[kCapture] = true;
    } else {
      this[kCapture] = EventEmitter.prototype[kCapture];
    }
  };
  EventEmitter.prototype._events = undefined;
  EventEmitter.prototype._eventsCount = 0;
  EventEmitter.prototype._maxListeners = undefined;
  const checkCount = (n, name) => {
    if (typeof n !== "number") throw jsw.invalidArgType(name, "of type number", n);
    if (!(n >= 0)) throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be >= 0. Received ${n}`);
  };
  Object.defineProperty(EventEmitter, "defaultMaxListeners", {
    enumerable: true,
    get: () => defaultMaxListeners,
    set: (n) => {
      checkCount(n, "defaultMaxListeners");
      defaultMaxListeners = n;
    },
  });
  EventEmitter.errorMonitor = errorMonitor;
  const kRejection = Symbol.for("nodejs.rejection");
  EventEmitter.captureRejectionSymbol = kRejection;
  EventEmitter.usingDomains = false;
  Object.defineProperty(EventEmitter.prototype, kCapture, { value: false, writable: true });
  Object.defineProperty(EventEmitter, "captureRejections", {
    enumerable: true,
    get: () => EventEmitter.prototype[kCapture],
    set: (value) => {
      if (typeof value !== "boolean") throw jsw.invalidArgType("EventEmitter.captureRejections", "of type boolean", value);
      EventEmitter.prototype[kCapture] = value;
    },
  });
  // An EventTarget's own limit, as setMaxListeners(n, target) sets it.
  const kMaxEventTargetListeners = Symbol("events.maxEventTargetListeners");
  const kMaxEventTargetListenersWarned = Symbol("events.maxEventTargetListenersWarned");
  Object.defineProperties(EventEmitter, {
    kMaxEventTargetListeners: { value: kMaxEventTargetListeners },
    kMaxEventTargetListenersWarned: { value: kMaxEventTargetListenersWarned },
  });

  const proto = EventEmitter.prototype;
  proto.setMaxListeners = function (n) {
    checkCount(n, "setMaxListeners");
    this._maxListeners = n;
    return this;
  };
  proto.getMaxListeners = function () {
    return this._maxListeners === undefined ? defaultMaxListeners : this._maxListeners;
  };

  proto.emit = function (type, ...args) {
    const events = this._events;
    if (type === "error" && events !== undefined && events[errorMonitor] !== undefined) {
      this.emit(errorMonitor, ...args);
    }
    const handler = events === undefined ? undefined : events[type];
    if (handler === undefined) {
      if (type === "error") {
        const er = args[0];
        if (er instanceof Error) throw er;
        const err = new Error(`Unhandled error. (${jsw.inspect(er)})`);
        err.code = "ERR_UNHANDLED_ERROR";
        err.context = er;
        throw err;
      }
      return false;
    }
    if (typeof handler === "function") {
      const result = handler.apply(this, args);
      if (result !== undefined && result !== null && this[kCapture]) addCatch(this, result, type, args);
    } else {
      for (const listener of handler.slice()) {
        const result = listener.apply(this, args);
        if (result !== undefined && result !== null && this[kCapture]) addCatch(this, result, type, args);
      }
    }
    return true;
  };
  // captureRejections: a listener's rejected promise becomes an 'error' event
  // (or a call of the emitter's Symbol.for('nodejs.rejection') method).
  function addCatch(emitter, promise, type, args) {
    try {
      const then = promise.then;
      if (typeof then !== "function") return;
      then.call(promise, undefined, (err) => {
        process.nextTick(() => {
          if (typeof emitter[kRejection] === "function") {
            emitter[kRejection](err, type, ...args);
            return;
          }
          const previous = emitter[kCapture];
          try {
            emitter[kCapture] = false;
            emitter.emit("error", err);
          } finally {
            emitter[kCapture] = previous;
          }
        });
      });
    } catch (err) {
      emitter.emit("error", err);
    }
  }

  function addListener(target, type, listener, prepend) {
    if (typeof listener !== "function") {
      throw new TypeError(`The "listener" argument must be of type function. Received ${typeof listener}`);
    }
    let events = target._events;
    if (events === undefined) {
      events = target._events = Object.create(null);
      target._eventsCount = 0;
    } else if (events.newListener !== undefined) {
      target.emit("newListener", type, listener.listener ? listener.listener : listener);
      events = target._events;
    }
    const existing = events[type];
    if (existing === undefined) {
      events[type] = listener;
      target._eventsCount++;
    } else {
      const list = typeof existing === "function" ? [existing] : existing;
      if (prepend) list.unshift(listener);
      else list.push(listener);
      events[type] = list;
      const max = target.getMaxListeners();
      if (max > 0 && list.length > max && !list.warned) {
        list.warned = true;
        process.emitWarning(
          `Possible EventEmitter memory leak detected. ${list.length} ${String(type)} listeners added to ${target.constructor.name}. MaxListeners is ${max}. Use emitter.setMaxListeners() to increase limit`,
        );
      }
    }
    return target;
  }

  proto.addListener = function (type, listener) {
    return addListener(this, type, listener, false);
  };
  proto.on = proto.addListener;
  proto.prependListener = function (type, listener) {
    return addListener(this, type, listener, true);
  };

  function onceWrapper(target, type, listener) {
    const state = { fired: false, target, type, listener };
    function wrapped(...args) {
      if (!state.fired) {
        state.target.removeListener(state.type, wrapped);
        state.fired = true;
        return state.listener.apply(state.target, args);
      }
    }
    wrapped.listener = listener;
    return wrapped;
  }
  proto.once = function (type, listener) {
    if (typeof listener !== "function") {
      throw new TypeError(`The "listener" argument must be of type function. Received ${typeof listener}`);
    }
    return this.on(type, onceWrapper(this, type, listener));
  };
  proto.prependOnceListener = function (type, listener) {
    return this.prependListener(type, onceWrapper(this, type, listener));
  };

  proto.removeListener = function (type, listener) {
    const events = this._events;
    if (events === undefined) return this;
    const list = events[type];
    if (list === undefined) return this;
    if (list === listener || list.listener === listener) {
      this._eventsCount--;
      if (this[kShapeMode]) events[type] = undefined;
      else if (this._eventsCount === 0) this._events = Object.create(null);
      else delete events[type];
      if (events.removeListener) this.emit("removeListener", type, list.listener || listener);
    } else if (typeof list !== "function") {
      let position = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) {
          position = i;
          break;
        }
      }
      if (position < 0) return this;
      list.splice(position, 1);
      if (list.length === 1) events[type] = list[0];
      if (events.removeListener !== undefined) this.emit("removeListener", type, listener);
    }
    return this;
  };
  proto.off = proto.removeListener;

  proto.removeAllListeners = function (type) {
    if (this._events === undefined) return this;
    if (type === undefined) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    } else if (this._events[type] !== undefined) {
      if (--this._eventsCount === 0) this._events = Object.create(null);
      else delete this._events[type];
    }
    return this;
  };

  const unwrap = (l) => l.listener || l;
  proto.listeners = function (type) {
    const l = this._events === undefined ? undefined : this._events[type];
    if (l === undefined) return [];
    return typeof l === "function" ? [unwrap(l)] : l.map(unwrap);
  };
  proto.rawListeners = function (type) {
    const l = this._events === undefined ? undefined : this._events[type];
    if (l === undefined) return [];
    return typeof l === "function" ? [l] : l.slice();
  };
  proto.listenerCount = function (type) {
    const l = this._events === undefined ? undefined : this._events[type];
    return l === undefined ? 0 : typeof l === "function" ? 1 : l.length;
  };
  EventEmitter.listenerCount = (emitter, type) => emitter.listenerCount(type);
  proto.eventNames = function () {
    return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
  };

  // Listening on an EventEmitter or an EventTarget alike.
  function listen(emitter, name, listener, once) {
    if (typeof emitter.on === "function") {
      if (once) emitter.once(name, listener);
      else emitter.on(name, listener);
    } else if (typeof emitter.addEventListener === "function") {
      emitter.addEventListener(name, listener, { once });
    } else {
      throw jsw.invalidArgType("emitter", "an instance of EventEmitter", emitter);
    }
  }
  function unlisten(emitter, name, listener) {
    if (typeof emitter.removeListener === "function") emitter.removeListener(name, listener);
    else if (typeof emitter.removeEventListener === "function") emitter.removeEventListener(name, listener);
    else throw jsw.invalidArgType("emitter", "an instance of EventEmitter", emitter);
  }

  EventEmitter.once = async function once(emitter, name, options = {}) {
    const signal = options?.signal;
    jsw.checkAbortSignal(signal, "options.signal");
    if (signal?.aborted) throw jsw.abortError(signal.reason);
    return new Promise((resolve, reject) => {
      const onError = (err) => {
        unlisten(emitter, name, resolver);
        if (signal) signal.removeEventListener("abort", onAbort);
        reject(err);
      };
      const resolver = (...args) => {
        if (typeof emitter.removeListener === "function") emitter.removeListener("error", onError);
        if (signal) signal.removeEventListener("abort", onAbort);
        resolve(args);
      };
      const onAbort = () => {
        unlisten(emitter, name, resolver);
        unlisten(emitter, "error", onError);
        reject(jsw.abortError(signal.reason));
      };
      listen(emitter, name, resolver, true);
      // EventTargets have no 'error' event of Node's kind.
      if (name !== "error" && typeof emitter.once === "function") emitter.once("error", onError);
      if (signal) signal.addEventListener("abort", onAbort, { once: true });
    });
  };

  // events.on: an async iterator over the event's arguments arrays, until
  // the emitter emits 'error' (it throws), one of `close` events, the signal
  // aborts, or the loop stops. Events that arrive faster than the loop takes
  // them wait in a queue; past `highWaterMark` the emitter is paused, and
  // resumed under `lowWaterMark`.
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
  EventEmitter.on = function on(emitter, event, options = {}) {
    const signal = options.signal;
    jsw.checkAbortSignal(signal, "options.signal");
    if (signal?.aborted) throw jsw.abortError(signal.reason);
    const mark = (value, name, fallback) => {
      value ??= fallback;
      if (!Number.isInteger(value)) {
        if (typeof value !== "number") throw jsw.invalidArgType(name, "of type number", value);
        throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be an integer. Received ${value}`);
      }
      if (value < 1 || value > Number.MAX_SAFE_INTEGER) {
        throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be >= 1 && <= ${Number.MAX_SAFE_INTEGER}. Received ${value}`);
      }
      return value;
    };
    const high = mark(options.highWaterMark ?? options.highWatermark, "options.highWaterMark", Number.MAX_SAFE_INTEGER);
    const low = mark(options.lowWaterMark ?? options.lowWatermark, "options.lowWaterMark", 1);
    const events = [];
    const waiting = [];
    let paused = false;
    let error = null;
    let finished = false;
    const added = [];
    const add = (name, listener) => {
      listen(emitter, name, listener, false);
      added.push([name, listener]);
    };
    const result = (value, done) => ({ value, done });

    function onEvent(...args) {
      if (waiting.length > 0) {
        waiting.shift().resolve(result(args, false));
        return;
      }
      events.push(args);
      if (!paused && events.length > high) {
        paused = true;
        emitter.pause();
      }
    }
    function onError(err) {
      if (waiting.length > 0) waiting.shift().reject(err);
      else error = err;
      close();
    }
    function onAbort() {
      onError(jsw.abortError(signal.reason));
    }
    function close() {
      if (signal) signal.removeEventListener("abort", onAbort);
      while (added.length > 0) unlisten(emitter, ...added.pop());
      finished = true;
      while (waiting.length > 0) waiting.shift().resolve(result(undefined, true));
      return Promise.resolve(result(undefined, true));
    }

    const iterator = Object.setPrototypeOf(
      {
        next() {
          if (events.length > 0) {
            const value = events.shift();
            if (paused && events.length < low) {
              emitter.resume();
              paused = false;
            }
            return Promise.resolve(result(value, false));
          }
          if (error) {
            const rejected = Promise.reject(error);
            error = null;
            return rejected;
          }
          if (finished) return close();
          return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
        },
        return() {
          return close();
        },
        throw(err) {
          if (!(err instanceof Error)) throw jsw.invalidArgType("EventEmitter.AsyncIterator", "an instance of Error", err);
          onError(err);
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      },
      AsyncIteratorPrototype,
    );
    add(event, onEvent);
    if (event !== "error" && typeof emitter.on === "function") add("error", onError);
    for (const name of options?.close ?? []) add(name, close);
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
    return iterator;
  };

  const isEventTarget = (v) => typeof EventTarget === "function" && v instanceof EventTarget;
  EventEmitter.setMaxListeners = function (n = defaultMaxListeners, ...targets) {
    checkCount(n, "setMaxListeners");
    if (targets.length === 0) {
      defaultMaxListeners = n;
      return;
    }
    for (const target of targets) {
      if (isEventTarget(target)) {
        target[kMaxEventTargetListeners] = n;
        target[kMaxEventTargetListenersWarned] = false;
      } else if (typeof target?.setMaxListeners === "function") {
        target.setMaxListeners(n);
      } else {
        throw jsw.invalidArgType("eventTargets", "an instance of EventEmitter or EventTarget", target);
      }
    }
  };
  EventEmitter.getMaxListeners = function (emitterOrTarget) {
    if (typeof emitterOrTarget?.getMaxListeners === "function") return emitterOrTarget.getMaxListeners();
    if (isEventTarget(emitterOrTarget)) return emitterOrTarget[kMaxEventTargetListeners] ?? defaultMaxListeners;
    throw jsw.invalidArgType("emitter", "an instance of EventEmitter or EventTarget", emitterOrTarget);
  };
  EventEmitter.getEventListeners = function (emitterOrTarget, type) {
    if (typeof emitterOrTarget?.listeners === "function") return emitterOrTarget.listeners(type);
    if (isEventTarget(emitterOrTarget)) {
      // The listeners of an EventTarget are the globals' (event_target.js).
      if (typeof jsw.eventTargetListeners === "function") return jsw.eventTargetListeners(emitterOrTarget, type);
      throw jsw.nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", "events.getEventListeners() of an EventTarget is not available in jsw modules");
    }
    throw jsw.invalidArgType("emitter", "an instance of EventEmitter or EventTarget", emitterOrTarget);
  };
  EventEmitter.addAbortListener = (signal, listener) => jsw.addAbortListener(signal, listener);

  // EventEmitterAsyncResource: an EventEmitter that is also an async resource:
  // its listeners run in the async context current when it was made
  // (AsyncLocalStorage sees the stores of that moment), as Node's do.
  let nextAsyncId = 1;
  class EventEmitterAsyncResource extends EventEmitter {
    #resource;
    constructor(options = undefined) {
      let name;
      if (typeof options === "string") {
        name = options;
        options = undefined;
      } else {
        if (new.target === EventEmitterAsyncResource && typeof options?.name !== "string") {
          throw jsw.invalidArgType("options.name", "of type string", options?.name);
        }
        name = options?.name || new.target.name;
      }
      super(options);
      const asyncId = nextAsyncId++;
      const triggerAsyncId = options?.triggerAsyncId ?? 0;
      const eventEmitter = this;
      const frame = jsw.asyncContext();
      this.#resource = {
        type: name,
        eventEmitter,
        asyncId: () => asyncId,
        triggerAsyncId: () => triggerAsyncId,
        runInAsyncScope: (fn, thisArg, ...args) => jsw.runInFrame(frame, fn, thisArg, args),
        emitDestroy() {
          return this;
        },
        bind(fn, thisArg) {
          return function (...args) {
            return jsw.runInFrame(frame, fn, thisArg === undefined ? this : thisArg, args);
          };
        },
      };
    }
    emit(event, ...args) {
      return this.#resource.runInAsyncScope(super.emit, this, event, ...args);
    }
    emitDestroy() {
      this.#resource.emitDestroy();
    }
    get asyncId() {
      return this.#resource.asyncId();
    }
    get triggerAsyncId() {
      return this.#resource.triggerAsyncId();
    }
    get asyncResource() {
      return this.#resource;
    }
  }
  Object.defineProperty(EventEmitter, "EventEmitterAsyncResource", {
    enumerable: true,
    configurable: true,
    get: () => EventEmitterAsyncResource,
  });
  EventEmitter.EventEmitter = EventEmitter;
  jsw.defineBuiltin("node:events", () => EventEmitter);
};

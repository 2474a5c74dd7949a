// node:events: EventEmitter with Node's listener semantics (order, once,
// prepend, the 'error' event, newListener/removeListener, max-listener warning).
(jsw) => {
  "use strict";
  const kCapture = Symbol("kCapture");
  let defaultMaxListeners = 10;
  const errorMonitor = Symbol("events.errorMonitor");

  function EventEmitter(opts) {
    EventEmitter.init.call(this, opts);
  }
  EventEmitter.init = function () {
    if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;
  };
  EventEmitter.prototype._events = undefined;
  EventEmitter.prototype._eventsCount = 0;
  EventEmitter.prototype._maxListeners = undefined;
  Object.defineProperty(EventEmitter, "defaultMaxListeners", {
    enumerable: true,
    get: () => defaultMaxListeners,
    set: (n) => {
      defaultMaxListeners = n;
    },
  });
  EventEmitter.errorMonitor = errorMonitor;
  EventEmitter.captureRejectionSymbol = Symbol.for("nodejs.rejection");
  EventEmitter[kCapture] = false;

  const proto = EventEmitter.prototype;
  proto.setMaxListeners = function (n) {
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
      handler.apply(this, args);
    } else {
      for (const listener of handler.slice()) listener.apply(this, args);
    }
    return true;
  };

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
      if (--this._eventsCount === 0) this._events = Object.create(null);
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

  EventEmitter.once = function (emitter, name) {
    return new Promise((resolve, reject) => {
      const onError = (err) => {
        emitter.removeListener(name, resolver);
        reject(err);
      };
      const resolver = (...args) => {
        if (name !== "error") emitter.removeListener("error", onError);
        resolve(args);
      };
      emitter.once(name, resolver);
      if (name !== "error") emitter.once("error", onError);
    });
  };
  EventEmitter.EventEmitter = EventEmitter;
  jsw.defineBuiltin("node:events", () => EventEmitter);
};

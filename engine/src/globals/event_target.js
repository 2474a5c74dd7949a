// Event, CustomEvent and EventTarget (DOM standard, without a tree: events reach
// the target's own listeners only), with Node's behaviour and messages. A
// listener that throws does not stop the others: its error is reported as an
// uncaught exception afterwards, as in Node.
(jsw) => {
  "use strict";
  const events = new WeakMap();
  const stateOf = (event) => {
    const state = events.get(event);
    if (state === undefined) throw new TypeError("Illegal invocation");
    return state;
  };
  // Events the runtime dispatches itself (abort) are trusted.
  const trusted = new WeakSet();

  class Event {
    constructor(type, options = undefined) {
      if (arguments.length === 0) {
        const err = new TypeError('The "type" argument must be specified');
        err.code = "ERR_MISSING_ARGS";
        throw err;
      }
      const o = options ?? {};
      events.set(this, {
        type: `${type}`,
        bubbles: !!o.bubbles,
        cancelable: !!o.cancelable,
        composed: !!o.composed,
        canceled: false,
        target: null,
        current: null,
        phase: 0,
        stopped: false,
        dispatching: false,
        timeStamp: performance.now(),
      });
    }
    get type() { return stateOf(this).type; }
    get bubbles() { return stateOf(this).bubbles; }
    get cancelable() { return stateOf(this).cancelable; }
    get composed() { return stateOf(this).composed; }
    get defaultPrevented() { return stateOf(this).canceled; }
    get returnValue() { return !stateOf(this).canceled; }
    set returnValue(value) { if (!value) this.preventDefault(); }
    get target() { return stateOf(this).target; }
    get srcElement() { return stateOf(this).target; }
    get currentTarget() { return stateOf(this).current; }
    get eventPhase() { return stateOf(this).phase; }
    get timeStamp() { return stateOf(this).timeStamp; }
    get isTrusted() { return trusted.has(this); }
    get cancelBubble() { return stateOf(this).stopped; }
    set cancelBubble(value) { if (value) stateOf(this).stopped = true; }
    composedPath() {
      const state = stateOf(this);
      return state.dispatching && state.current !== null ? [state.current] : [];
    }
    preventDefault() {
      const state = stateOf(this);
      // A passive listener's preventDefault() is ignored.
      if (state.cancelable && !state.passive) state.canceled = true;
    }
    // The DOM's legacy initializer: type and flags anew, unless dispatching.
    initEvent(type, bubbles = false, cancelable = false) {
      if (arguments.length === 0) {
        const err = new TypeError('The "type" argument must be specified');
        err.code = "ERR_MISSING_ARGS";
        throw err;
      }
      const state = stateOf(this);
      if (state.dispatching) return;
      Object.assign(state, {
        type: `${type}`,
        bubbles: !!bubbles,
        cancelable: !!cancelable,
        canceled: false,
        stopped: false,
        immediate: false,
        target: null,
      });
    }
    stopPropagation() {
      stateOf(this).stopped = true;
    }
    stopImmediatePropagation() {
      const state = stateOf(this);
      state.stopped = true;
      state.immediate = true;
    }
  }
  Object.assign(Event, { NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 });
  Object.defineProperty(Event.prototype, Symbol.toStringTag, { value: "Event", configurable: true });

  class CustomEvent extends Event {
    #detail;
    constructor(type, options = undefined) {
      super(type, options);
      this.#detail = options?.detail ?? null;
    }
    get detail() { return this.#detail; }
  }
  Object.defineProperty(CustomEvent.prototype, Symbol.toStringTag, { value: "CustomEvent", configurable: true });

  // Listeners by target: type → [{ callback, capture, once, removed }].
  const targets = new WeakMap();
  const listenersOf = (target) => {
    let map = targets.get(target);
    if (map === undefined) {
      map = new Map();
      targets.set(target, map);
    }
    return map;
  };
  const flatten = (options) => (typeof options === "boolean" ? { capture: options } : options ?? {});
  // For node:events getEventListeners(target, type).
  jsw.eventTargetListeners = (target, type) =>
    (targets.get(target)?.get(`${type}`) ?? []).filter((l) => !l.removed).map((l) => l.callback);

  class EventTarget {
    constructor() {
      targets.set(this, new Map());
    }
    addEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) {
        const err = new TypeError('The "type" and "listener" arguments must be specified');
        err.code = "ERR_MISSING_ARGS";
        throw err;
      }
      const o = flatten(options);
      // Read in the order the DOM's options dictionary has them.
      const capture = !!o.capture;
      const once = !!o.once;
      const passive = !!o.passive;
      const signal = o.signal;
      if (signal === null) {
        const err = new TypeError('The "options.signal" property must be an instance of AbortSignal. Received null');
        err.code = "ERR_INVALID_ARG_TYPE";
        throw err;
      }
      if (callback === null || callback === undefined) return;
      if (signal?.aborted) return;
      type = `${type}`;
      const map = listenersOf(this);
      const list = map.get(type) ?? [];
      if (list.some((l) => l.callback === callback && l.capture === capture)) return;
      const listener = { callback, capture, once, passive, removed: false };
      list.push(listener);
      map.set(type, list);
      if (signal !== undefined && signal !== null) {
        signal.addEventListener("abort", () => this.removeEventListener(type, callback, { capture }), { once: true });
      }
    }
    removeEventListener(type, callback, options = undefined) {
      const map = listenersOf(this);
      const list = map.get(`${type}`);
      if (list === undefined) return;
      const capture = !!flatten(options).capture;
      const i = list.findIndex((l) => l.callback === callback && l.capture === capture);
      if (i >= 0) {
        list[i].removed = true;
        list.splice(i, 1);
      }
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) {
        const shown = event === null || typeof event !== "object" ? `type ${typeof event}` : `an instance of ${event.constructor?.name ?? "Object"}`;
        const err = new TypeError(`The "event" argument must be an instance of Event. Received ${shown}`);
        err.code = "ERR_INVALID_ARG_TYPE";
        throw err;
      }
      const state = stateOf(event);
      if (state.dispatching) {
        throw new DOMException("The event is already being dispatched", "InvalidStateError");
      }
      state.dispatching = true;
      state.target = this;
      state.current = this;
      state.phase = 2;
      state.stopped = false;
      state.immediate = false;
      const list = listenersOf(this).get(state.type);
      for (const listener of list ? [...list] : []) {
        if (listener.removed) continue;
        if (listener.once) this.removeEventListener(state.type, listener.callback, { capture: listener.capture });
        state.passive = listener.passive;
        try {
          const { callback } = listener;
          if (typeof callback === "function") callback.call(this, event);
          else if (callback !== null && typeof callback.handleEvent === "function") callback.handleEvent(event);
        } catch (err) {
          // Reported once this dispatch is over, as an uncaught exception.
          process.nextTick(() => {
            throw err;
          });
        }
        state.passive = false;
        if (state.immediate) break;
      }
      state.dispatching = false;
      state.current = null;
      state.phase = 0;
      return !state.canceled;
    }
  }
  Object.defineProperty(EventTarget.prototype, Symbol.toStringTag, { value: "EventTarget", configurable: true });

  // For the runtime's own targets (AbortSignal): an event marked trusted.
  jsw.trustedEvent = (type) => {
    const event = new Event(type);
    trusted.add(event);
    return event;
  };

  for (const [name, value] of Object.entries({ Event, CustomEvent, EventTarget })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  // The global scope names itself `self`, as in workers and Deno and Workers.
  Object.defineProperty(globalThis, "self", { value: globalThis, writable: true, configurable: true, enumerable: true });
};

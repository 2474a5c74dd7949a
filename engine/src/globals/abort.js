// AbortController and AbortSignal (DOM standard), with Node's reasons: a
// DOMException AbortError by default, TimeoutError for AbortSignal.timeout().
(jsw) => {
  "use strict";
  const signals = new WeakMap();
  const stateOf = (signal) => {
    const state = signals.get(signal);
    if (state === undefined) throw new TypeError("Illegal invocation");
    return state;
  };
  let constructing = false;

  function signalAbort(signal, reason) {
    const state = stateOf(signal);
    if (state.aborted) return;
    state.aborted = true;
    state.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    const dependents = state.dependents;
    state.dependents = [];
    signal.dispatchEvent(jsw.trustedEvent("abort"));
    for (const dependent of dependents) signalAbort(dependent, state.reason);
  }

  class AbortSignal extends EventTarget {
    constructor() {
      if (!constructing) throw new TypeError("Illegal constructor");
      super();
      signals.set(this, { aborted: false, reason: undefined, onabort: null, dependents: [] });
    }
    get aborted() {
      return stateOf(this).aborted;
    }
    get reason() {
      return stateOf(this).reason;
    }
    throwIfAborted() {
      const state = stateOf(this);
      if (state.aborted) throw state.reason;
    }
    get onabort() {
      return stateOf(this).onabort;
    }
    set onabort(handler) {
      const state = stateOf(this);
      if (state.onabort !== null) this.removeEventListener("abort", state.handler);
      state.onabort = typeof handler === "function" ? handler : null;
      if (state.onabort !== null) {
        state.handler = (event) => state.onabort.call(this, event);
        this.addEventListener("abort", state.handler);
      }
    }
    static abort(reason = undefined) {
      const signal = newSignal();
      signalAbort(signal, reason);
      return signal;
    }
    static timeout(ms) {
      const signal = newSignal();
      // Like Node, a pending timeout does not keep the program alive.
      setTimeout(() => signalAbort(signal, new DOMException("The operation was aborted due to timeout", "TimeoutError")), ms).unref();
      return signal;
    }
    static any(signals) {
      const signal = newSignal();
      for (const source of signals) {
        if (source.aborted) {
          signalAbort(signal, source.reason);
          return signal;
        }
      }
      for (const source of signals) stateOf(source).dependents.push(signal);
      return signal;
    }
  }
  Object.defineProperty(AbortSignal.prototype, Symbol.toStringTag, { value: "AbortSignal", configurable: true });
  const custom = Symbol.for("nodejs.util.inspect.custom");
  // Shown as Node shows them: `AbortSignal { aborted: false }`.
  Object.defineProperty(AbortSignal.prototype, custom, {
    value(depth, options, inspect) {
      return `AbortSignal ${inspect({ aborted: this.aborted }, options)}`;
    },
    configurable: true,
  });
  function newSignal() {
    constructing = true;
    try {
      return new AbortSignal();
    } finally {
      constructing = false;
    }
  }

  class AbortController {
    #signal = newSignal();
    get signal() {
      return this.#signal;
    }
    abort(reason = undefined) {
      signalAbort(this.#signal, reason);
    }
  }
  Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: "AbortController", configurable: true });
  Object.defineProperty(AbortController.prototype, custom, {
    value(depth, options, inspect) {
      return `AbortController ${inspect({ signal: this.signal }, options)}`;
    },
    configurable: true,
  });

  for (const [name, value] of Object.entries({ AbortController, AbortSignal })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
};

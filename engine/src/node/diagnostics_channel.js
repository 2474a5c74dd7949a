// node:diagnostics_channel: named channels that libraries publish to and tools
// subscribe to. Plain synchronous pub/sub, as in Node.
(jsw) => {
  "use strict";
  const channels = new Map();
  class Channel {
    #subscribers = [];
    constructor(name) {
      this.name = name;
    }
    get hasSubscribers() {
      return this.#subscribers.length > 0;
    }
    subscribe(fn) {
      this.#subscribers.push(fn);
    }
    unsubscribe(fn) {
      const i = this.#subscribers.indexOf(fn);
      if (i < 0) return false;
      this.#subscribers.splice(i, 1);
      return true;
    }
    publish(message) {
      for (const fn of this.#subscribers.slice()) {
        try {
          fn(message, this.name);
        } catch (e) {
          queueMicrotask(() => {
            throw e;
          });
        }
      }
    }
    bindStore() {}
    unbindStore() {}
    runStores(data, fn, thisArg, ...args) {
      this.publish(data);
      return fn.apply(thisArg, args);
    }
  }
  const channel = (name) => {
    if (!channels.has(name)) channels.set(name, new Channel(name));
    return channels.get(name);
  };
  const tracingChannel = (name) => {
    const events = ["start", "end", "asyncStart", "asyncEnd", "error"];
    const tc = {};
    for (const e of events) tc[e] = channel(`tracing:${typeof name === "string" ? name : "anonymous"}:${e}`);
    tc.subscribe = (handlers) => events.forEach((e) => handlers[e] && tc[e].subscribe(handlers[e]));
    tc.unsubscribe = (handlers) => events.forEach((e) => handlers[e] && tc[e].unsubscribe(handlers[e]));
    tc.traceSync = (fn, context = {}, thisArg, ...args) => {
      tc.start.publish(context);
      try {
        const result = fn.apply(thisArg, args);
        context.result = result;
        return result;
      } catch (error) {
        context.error = error;
        tc.error.publish(context);
        throw error;
      } finally {
        tc.end.publish(context);
      }
    };
    tc.tracePromise = (fn, context = {}, thisArg, ...args) => tc.traceSync(fn, context, thisArg, ...args);
    return tc;
  };
  const exports = {
    channel,
    hasSubscribers: (name) => channels.get(name)?.hasSubscribers ?? false,
    subscribe: (name, fn) => channel(name).subscribe(fn),
    unsubscribe: (name, fn) => channel(name).unsubscribe(fn),
    tracingChannel,
    Channel,
  };
  jsw.defineBuiltin("node:diagnostics_channel", () => exports);
};

// setTimeout & co. Timers sit in an array sorted by due time (then creation order);
// the engine's loop asks for the delay to the next one, waits, and fires one at a
// time so that promise jobs run between timer callbacks, as in Node.
(jsw) => {
  "use strict";
  const TIMEOUT_MAX = 2 ** 31 - 1;
  const queue = [];
  const byId = new Map();
  let nextId = 1;
  let seq = 0;

  class Timeout {
    constructor(id) {
      this._id = id;
    }
    ref() {
      const t = byId.get(this._id);
      if (t) t.ref = true;
      return this;
    }
    unref() {
      const t = byId.get(this._id);
      if (t) t.ref = false;
      return this;
    }
    hasRef() {
      const t = byId.get(this._id);
      return t !== undefined && t.ref;
    }
    refresh() {
      const t = byId.get(this._id);
      if (t) {
        remove(t);
        t.due = jsw.now() + t.delay;
        insert(t);
      }
      return this;
    }
    [Symbol.toPrimitive]() {
      return this._id;
    }
  }

  function insert(t) {
    t.seq = seq++;
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = queue[mid];
      if (q.due < t.due || (q.due === t.due && q.seq < t.seq)) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, t);
    jsw.loopState[2] = queue.length;
  }

  function remove(t) {
    const i = queue.indexOf(t);
    if (i >= 0) queue.splice(i, 1);
    jsw.loopState[2] = queue.length;
  }

  function schedule(callback, delay, args, repeat) {
    if (typeof callback !== "function") {
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    }
    delay = Number(delay);
    if (!(delay >= 1 && delay <= TIMEOUT_MAX)) delay = 1;
    const id = nextId++;
    // The callback runs in the async context current now (AsyncLocalStorage).
    const frame = jsw.asyncContext();
    const t = { id, callback, args, delay, repeat, due: jsw.now() + delay, ref: true, seq: 0, frame };
    byId.set(id, t);
    insert(t);
    return new Timeout(id);
  }

  function clear(handle) {
    if (handle === undefined || handle === null) return;
    const id = typeof handle === "object" ? handle._id : Number(handle);
    const t = byId.get(id);
    if (t) {
      byId.delete(id);
      remove(t);
    }
  }

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: true });
  define("setTimeout", function setTimeout(callback, delay, ...args) {
    return schedule(callback, delay, args, false);
  });
  define("setInterval", function setInterval(callback, delay, ...args) {
    return schedule(callback, delay, args, true);
  });
  define("setImmediate", function setImmediate(callback, ...args) {
    const t = schedule(callback, 1, args, false);
    // Immediates run before any timer that is due later than now.
    const entry = byId.get(t._id);
    remove(entry);
    entry.due = jsw.now();
    insert(entry);
    return t;
  });
  define("clearTimeout", function clearTimeout(handle) {
    clear(handle);
  });
  define("clearInterval", function clearInterval(handle) {
    clear(handle);
  });
  define("clearImmediate", function clearImmediate(handle) {
    clear(handle);
  });

  // Milliseconds until the next timer may fire, or -1 when no timer keeps the
  // program alive (only unref'ed ones, or none). While something else keeps
  // it alive (`alive`: awaited I/O), unref'ed timers fire too, as in Node
  // (AbortSignal.timeout() during a fetch).
  jsw.nextTimerDelay = (alive = false) => {
    if (queue.length === 0 || (!alive && !queue.some((t) => t.ref))) return -1;
    return Math.max(0, queue[0].due - jsw.now());
  };

  jsw.fireTimer = () => {
    const t = queue.shift();
    jsw.loopState[2] = queue.length;
    if (t === undefined) return;
    if (t.repeat) {
      t.due = Math.max(t.due + t.delay, jsw.now());
      insert(t);
    } else {
      byId.delete(t.id);
    }
    // The callback runs in the async context of its setTimeout() call; if it
    // throws, still in it when `uncaughtException` listeners run (the loop
    // resets it after, event_loop.rs).
    jsw.setAsyncContext(t.frame);
    t.callback.apply(globalThis, t.args);
    // An enterWith() in an interval's callback stays with the interval, as
    // in Node 20.
    if (t.repeat) t.frame = jsw.asyncContext();
    jsw.setAsyncContext(undefined);
  };

  // Timers carried over from the build keep the delay they had left.
  jsw.onStart.push(() => {
    if (queue.length === 0) return;
    const shift = jsw.buildEndMs();
    for (const t of queue) t.due -= shift;
  });
};

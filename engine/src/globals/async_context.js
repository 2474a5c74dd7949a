// Running code in a saved async context (async_context.rs): what timers,
// process.nextTick and async resources do with the frame they kept.
(jsw) => {
  "use strict";
  const get = jsw.asyncContext;
  const set = jsw.setAsyncContext;
  // Calls fn with `frame` current, then makes the frame before it current again
  // (also when fn throws, or set another one with enterWith).
  jsw.runInFrame = (frame, fn, thisArg, args) => {
    const outer = get();
    if (outer === frame) return Reflect.apply(fn, thisArg, args);
    set(frame);
    try {
      return Reflect.apply(fn, thisArg, args);
    } finally {
      set(outer);
    }
  };
};

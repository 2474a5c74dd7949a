// Promise rejections that nothing handles. QuickJS reports a rejection without a
// handler and, if a handler comes later, its handling; whatever is still unhandled
// once the promise jobs have run is an error, as in Node: reported, exit status 1.
(jsw) => {
  "use strict";
  const pending = new Map();
  // jsw.loopState[1] tells the event loop (mod.rs) that some are pending.
  jsw.trackRejection = (promise, reason, handled) => {
    if (handled) pending.delete(promise);
    // With the async context it was rejected in.
    else pending.set(promise, [reason, jsw.asyncContext()]);
    jsw.loopState[1] = pending.size;
  };
  // The next rejection nothing handled; `unhandledRejection` listeners run in
  // its async context, as in Node (the loop resets it after, event_loop.rs).
  jsw.takeUnhandled = () => {
    for (const [promise, [reason, frame]] of pending) {
      pending.delete(promise);
      jsw.loopState[1] = pending.size;
      jsw.setAsyncContext(frame);
      return [reason, promise];
    }
    return undefined;
  };
  jsw.reportUnhandled = (reason) => {
    jsw.write(2, `Uncaught (in promise) ${jsw.inspect(reason)}\n`);
  };
};

// Promise rejections that nothing handles. QuickJS reports a rejection without a
// handler and, if a handler comes later, its handling; whatever is still unhandled
// once the promise jobs have run is an error, as in Node: reported, exit status 1.
(jsw) => {
  "use strict";
  const pending = new Map();
  // jsw.loopState[1] tells the event loop (mod.rs) that some are pending.
  jsw.trackRejection = (promise, reason, handled) => {
    if (handled) pending.delete(promise);
    else pending.set(promise, reason);
    jsw.loopState[1] = pending.size;
  };
  jsw.takeUnhandled = () => {
    for (const [promise, reason] of pending) {
      pending.delete(promise);
      jsw.loopState[1] = pending.size;
      return [reason, promise];
    }
    return undefined;
  };
  jsw.reportUnhandled = (reason) => {
    jsw.write(2, `Uncaught (in promise) ${jsw.inspect(reason)}\n`);
  };
};

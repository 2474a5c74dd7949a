// performance.now(): milliseconds since the module started (the build's own clock
// is frozen, so nothing measured at build time leaks into runs).
(jsw) => {
  "use strict";
  let timeOrigin = 0;
  jsw.onStart.push(() => {
    timeOrigin = jsw.wallClockMs() - jsw.now();
  });
  const performance = {
    now: () => jsw.now(),
    get timeOrigin() {
      return timeOrigin;
    },
    toJSON() {
      return { timeOrigin };
    },
  };
  Object.defineProperty(performance, Symbol.toStringTag, { value: "Performance" });
  Object.defineProperty(globalThis, "performance", { value: performance, writable: true, configurable: true, enumerable: true });
};

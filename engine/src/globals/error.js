// Stack traces in the familiar V8 shape: "Name: message" then "    at fn (file:line:col)".
// QuickJS formats the stack when the error is created, before a subclass constructor
// can set `this.name`; the header is therefore recomputed when the error is printed.
(jsw) => {
  "use strict";
  const headers = new WeakMap();
  const header = (err) => {
    try {
      return Error.prototype.toString.call(err);
    } catch (e) {
      return "Error";
    }
  };
  const frame = (site) => {
    const fn = site.getFunctionName();
    if (site.isNative()) return `${fn || "<anonymous>"} (native)`;
    const file = site.getFileName() || "<anonymous>";
    let line = site.getLineNumber();
    let column = site.getColumnNumber();
    const mapped = jsw.mapPosition(file, line, column);
    if (mapped !== undefined) [line, column] = mapped;
    const loc = `${file}:${line}:${column}`;
    return fn ? `${fn} (${loc})` : loc;
  };
  // The runtime's own JS (files named jsw:...) and the native calls it makes are
  // not the program's business: leave them out of traces.
  const internal = (site) => site !== undefined && !site.isNative() && String(site.getFileName()).startsWith("jsw:");
  const userFrames = (sites) =>
    sites.filter((site, i) => !internal(site) && !(site.isNative() && (internal(sites[i + 1]) || internal(sites[i - 1]))));
  // QuickJS shows where in the JSON text parsing failed as a frame of a file
  // named <input>, followed by the native parse; Node shows one frame for both.
  const jsonInput = (sites, i) =>
    String(sites[i].getFileName()) === "<input>" && sites[i + 1] !== undefined &&
    sites[i + 1].isNative() && sites[i + 1].getFunctionName() === "parse";
  const render = (sites) => {
    const kept = userFrames(sites);
    return sites.flatMap((site, i) => {
      if (jsonInput(sites, i)) return ["JSON.parse (<anonymous>)"];
      if (i > 0 && jsonInput(sites, i - 1)) return [];
      return kept.includes(site) ? [frame(site)] : [];
    });
  };
  Error.prepareStackTrace = (err, sites) => {
    const head = header(err);
    if (err !== null && typeof err === "object") headers.set(err, head);
    return head + render(sites).map((f) => `\n    at ${f}`).join("");
  };
  // `err.stack = anything` works as in V8 (QuickJS's setter takes only strings).
  const stack = Object.getOwnPropertyDescriptor(Error.prototype, "stack");
  if (stack !== undefined && typeof stack.set === "function") {
    Object.defineProperty(Error.prototype, "stack", {
      get: stack.get,
      set(value) {
        if (typeof value === "string") stack.set.call(this, value);
        else Object.defineProperty(this, "stack", { value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true,
      enumerable: false,
    });
  }
  // The stack with the header the error has now (e.g. after `this.name = ...`).
  jsw.currentStack = (err, stack) => {
    const head = headers.get(err);
    if (head !== undefined && stack.startsWith(head)) return header(err) + stack.slice(head.length);
    return stack;
  };
};

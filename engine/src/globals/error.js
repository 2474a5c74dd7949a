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
    // A classic script's top level is QuickJS's "<eval>"; V8 names it no more
    // than a module's top level.
    const fn = site.getFunctionName() === "<eval>" ? "" : site.getFunctionName();
    if (site.isNative()) return `${fn || "<anonymous>"} (native)`;
    const file = site.getFileName() || "<anonymous>";
    let line = site.getLineNumber();
    let column = site.getColumnNumber();
    const mapped = jsw.mapPosition(file, line, column);
    if (mapped !== undefined) [line, column] = mapped;
    const loc = `${file}:${line}:${column}`;
    // V8 names a constructor's frame `new X`.
    const name = fn && site.isConstructor() ? `new ${fn}` : fn;
    return name ? `${name} (${loc})` : loc;
  };
  // V8 starts an error's trace where it was constructed: the frames of its own
  // class constructors (`class NotFound extends Error {}`) are not shown.
  const ownConstructor = (err, site) => {
    if (!site.isConstructor() || err === null || typeof err !== "object") return false;
    const fn = site.getFunction();
    return typeof fn === "function" && fn.prototype !== undefined && Object.prototype.isPrototypeOf.call(fn.prototype, err);
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
  const render = (err, sites) => {
    let first = 0;
    while (first < sites.length && (internal(sites[first]) || ownConstructor(err, sites[first]))) first++;
    // Only skip when a constructor frame was found (internal frames stay for userFrames).
    if (!sites.slice(0, first).some((site) => ownConstructor(err, site))) first = 0;
    sites = sites.slice(first);
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
    return head + render(err, sites).map((f) => `\n    at ${f}`).join("");
  };
  // `err.stack = anything` works as in V8 (QuickJS's setter takes only strings).
  const stack = Object.getOwnPropertyDescriptor(Error.prototype, "stack");
  if (stack !== undefined && typeof stack.set === "function") {
    // Accessors from an object literal, so that they are named `get stack` and
    // `set stack` like the engine's own.
    const accessors = Object.getOwnPropertyDescriptor(
      {
        // V8 formats the header when the stack is first read, so a name set in
        // the constructor (`this.name = "NotFound"`) shows; here it is redone at
        // every read.
        get stack() {
          const value = stack.get.call(this);
          return typeof value === "string" ? jsw.currentStack(this, value) : value;
        },
        set stack(value) {
          // Called without a value (only possible by taking the setter out and
          // calling it, never by assignment), it is the engine's own setter,
          // which throws as the spec says.
          if (arguments.length === 0) return stack.set.call(this);
          if (typeof value === "string") stack.set.call(this, value);
          else Object.defineProperty(this, "stack", { value, writable: true, configurable: true, enumerable: false });
        },
      },
      "stack",
    );
    Object.defineProperty(Error.prototype, "stack", { get: accessors.get, set: accessors.set, configurable: true, enumerable: false });
  }
  // The stack with the header the error has now (e.g. after `this.name = ...`).
  jsw.currentStack = (err, stack) => {
    const head = headers.get(err);
    // Only the header as it was made (followed by the frames, or alone) is
    // replaced, so that applying this twice changes nothing.
    if (head !== undefined && (stack === head || stack.startsWith(head + "\n    at "))) {
      return header(err) + stack.slice(head.length);
    }
    return stack;
  };
};

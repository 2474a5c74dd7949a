// The CPU profiler's JS half (engine/src/profile.rs samples by calling
// jsw.profileSample from QuickJS's interrupt handler): each sample is the JS
// call stack, as call sites, folded into the call tree of a .cpuprofile (the
// format `node --cpu-prof` writes), with original file:line:column positions.
(jsw) => {
  "use strict";
  // Evaluated into every engine's snapshot (a request under `jsw serve
  // --cpu-prof` must not compile it again); a profile starts afresh each time.
  jsw.profileStart = () => {
  const root = { id: 1, callFrame: { functionName: "(root)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] };
  const nodes = [root];
  const children = new Map();
  const ticks = new Map();
  const samples = [];
  const timeDeltas = [];
  const scripts = new Map();
  const startTime = jsw.nowMicros();
  let last = startTime;
  const capture = (_, sites) => sites;
  const scriptId = (url) => {
    let id = scripts.get(url);
    if (id === undefined) scripts.set(url, (id = String(scripts.size + 1)));
    return id;
  };
  // The function's own position (where it is defined), mapped to the source.
  const defined = (site, file) => {
    const fn = site.getFunction();
    if (typeof fn !== "function" || typeof fn.lineNumber !== "number") return [0, 0];
    const mapped = jsw.mapPosition(file, fn.lineNumber, fn.columnNumber);
    return mapped !== undefined ? mapped : [fn.lineNumber, fn.columnNumber];
  };
  jsw.profileSample = () => {
    const saved = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    let sites;
    try {
      Error.prepareStackTrace = capture;
      Error.stackTraceLimit = 200;
      sites = new Error().stack;
    } finally {
      Error.prepareStackTrace = saved;
      Error.stackTraceLimit = limit;
    }
    if (!Array.isArray(sites)) return;
    let parent = root;
    let leafLine = 0;
    // Outermost first; the first site is this function.
    for (let i = sites.length - 1; i >= 1; i--) {
      const site = sites[i];
      if (site.isNative()) continue;
      const file = String(site.getFileName() || "");
      // The runtime's own JS, and the modules the compiler generates
      // (`app.js?main`, `pkg.cjs?esm`), are not the program's.
      if (file.startsWith("jsw:") || file === "" || file.includes("?")) continue;
      // V8 names a module's top level and anonymous functions "" (DevTools
      // shows "(anonymous)"); QuickJS calls the top level "<eval>".
      const raw = site.getFunctionName();
      const name = raw === "<eval>" ? "" : raw || "";
      const [line, column] = defined(site, file);
      const key = `${parent.id}\u0000${name}\u0000${file}\u0000${line}\u0000${column}`;
      let node = children.get(key);
      if (node === undefined) {
        node = {
          id: nodes.length + 1,
          callFrame: { functionName: name, scriptId: scriptId(file), url: `file:///${file.replace(/^\//, "")}`, lineNumber: line - 1, columnNumber: column - 1 },
          hitCount: 0,
          children: [],
        };
        nodes.push(node);
        parent.children.push(node.id);
        children.set(key, node);
      }
      parent = node;
      let at = site.getLineNumber();
      const mapped = jsw.mapPosition(file, at, site.getColumnNumber());
      if (mapped !== undefined) at = mapped[0];
      leafLine = at;
    }
    parent.hitCount++;
    if (parent !== root && leafLine > 0) {
      let lines = ticks.get(parent);
      if (lines === undefined) ticks.set(parent, (lines = new Map()));
      lines.set(leafLine, (lines.get(leafLine) || 0) + 1);
    }
    const now = jsw.nowMicros();
    samples.push(parent.id);
    timeDeltas.push(now - last);
    last = now;
  };
  jsw.profileFinish = () => {
    for (const [node, lines] of ticks) {
      node.positionTicks = [...lines].map(([line, count]) => ({ line, ticks: count }));
    }
    return JSON.stringify({ nodes, startTime, endTime: jsw.nowMicros(), samples, timeDeltas });
  };
  return [jsw.profileSample, jsw.profileFinish];
  };
};

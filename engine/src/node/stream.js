// node:stream and node:stream/promises: Node's own stream implementation as
// published for other platforms (readable-stream, engine/src/node/vendor/).
(jsw) => {
  "use strict";
  const load = (path) => jsw.vendored["readable-stream"](path);
  jsw.defineBuiltin("node:stream", () => load("lib/stream.js"));
  jsw.defineBuiltin("node:stream/promises", () => load("lib/stream/promises.js"));
};

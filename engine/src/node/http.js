// node:http and node:https: what server code reads from them without a
// socket (STATUS_CODES, METHODS, header validation). A module has no sockets: it
// serves HTTP as a handler (`export default { fetch }`, see README: Serving
// HTTP), so createServer, request and get throw and say so.
(jsw) => {
  "use strict";
  const METHODS = Object.freeze(["ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE"]);
  const STATUS_CODES = {"100": "Continue","101": "Switching Protocols","102": "Processing","103": "Early Hints","200": "OK","201": "Created","202": "Accepted","203": "Non-Authoritative Information","204": "No Content","205": "Reset Content","206": "Partial Content","207": "Multi-Status","208": "Already Reported","226": "IM Used","300": "Multiple Choices","301": "Moved Permanently","302": "Found","303": "See Other","304": "Not Modified","305": "Use Proxy","307": "Temporary Redirect","308": "Permanent Redirect","400": "Bad Request","401": "Unauthorized","402": "Payment Required","403": "Forbidden","404": "Not Found","405": "Method Not Allowed","406": "Not Acceptable","407": "Proxy Authentication Required","408": "Request Timeout","409": "Conflict","410": "Gone","411": "Length Required","412": "Precondition Failed","413": "Payload Too Large","414": "URI Too Long","415": "Unsupported Media Type","416": "Range Not Satisfiable","417": "Expectation Failed","418": "I'm a Teapot","421": "Misdirected Request","422": "Unprocessable Entity","423": "Locked","424": "Failed Dependency","425": "Too Early","426": "Upgrade Required","428": "Precondition Required","429": "Too Many Requests","431": "Request Header Fields Too Large","451": "Unavailable For Legal Reasons","500": "Internal Server Error","501": "Not Implemented","502": "Bad Gateway","503": "Service Unavailable","504": "Gateway Timeout","505": "HTTP Version Not Supported","506": "Variant Also Negotiates","507": "Insufficient Storage","508": "Loop Detected","509": "Bandwidth Limit Exceeded","510": "Not Extended","511": "Network Authentication Required"};
  const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
  function validateHeaderName(name) {
    if (typeof name !== "string" || !name || !TOKEN.test(name)) {
      throw jsw.nodeError(TypeError, "ERR_INVALID_HTTP_TOKEN", `Header name must be a valid HTTP token ["${name}"]`);
    }
  }
  function validateHeaderValue(name, value) {
    if (value === undefined) throw jsw.nodeError(TypeError, "ERR_HTTP_INVALID_HEADER_VALUE", `Invalid value "${value}" for header "${name}"`);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(String(value))) throw jsw.nodeError(TypeError, "ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
  }
  const noSockets = (module, name) =>
    function () {
      throw new Error(`${module}.${name}() is not available in jsw modules: a module has no sockets; serve HTTP with a fetch handler (export default { fetch }) and make requests with fetch()`);
    };
  // Node's http.setMaxIdleHTTPParsers: checked as Node checks it; there are
  // no parsers to keep.
  function setMaxIdleHTTPParsers(max) {
    if (typeof max !== "number") {
      throw jsw.nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "max" argument must be of type number. Received ${jsw.describeReceived(max)}`);
    }
    if (!Number.isInteger(max)) {
      throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "max" is out of range. It must be an integer. Received ${max}`);
    }
    if (max < 1) {
      throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "max" is out of range. It must be >= 1 && <= 9007199254740991. Received ${max}`);
    }
  }
  // Each module with Node's own export names.
  function make(module, names, extra) {
    const exports = { ...extra };
    for (const name of names) exports[name] = noSockets(module, name);
    exports.globalAgent = undefined;
    return exports;
  }
  const http = make(
    "http",
    ["createServer", "request", "get", "Server", "Agent", "ClientRequest", "IncomingMessage", "OutgoingMessage", "ServerResponse", "_connectionListener"],
    { METHODS, STATUS_CODES, maxHeaderSize: 16384, validateHeaderName, validateHeaderValue, setMaxIdleHTTPParsers },
  );
  const https = make("https", ["createServer", "request", "get", "Server", "Agent"], {});
  jsw.defineBuiltin("node:http", () => http);
  jsw.defineBuiltin("node:https", () => https);
};

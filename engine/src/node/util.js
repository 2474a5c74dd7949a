// node:util: format/inspect (the console's formatter), promisify, inherits,
// deprecate, isDeepStrictEqual, types.
(jsw) => {
  "use strict";
  // Node's errors where programs look at them: a `code` next to the message.
  // Shared with the other node/*.js parts.
  jsw.nodeError = (Type, code, message) => {
    const error = new Type(message);
    Object.defineProperty(error, "code", { value: code, writable: true, configurable: true, enumerable: true });
    return error;
  };
  // How Node's argument errors describe what they received.
  jsw.describeReceived = (value) => {
    if (value === null) return "null";
    if (value === undefined) return "undefined";
    if (typeof value === "function") return `function ${value.name}`;
    if (typeof value === "object") return `an instance of ${value.constructor?.name ?? "Object"}`;
    let shown = typeof value === "string" ? `'${value.length > 28 ? `${value.slice(0, 25)}...` : value}'` : String(value);
    if (typeof value === "bigint") shown += "n";
    return `type ${typeof value} (${shown})`;
  };
  // Node's argument errors: a dotted name is a "property", else an "argument".
  const kind = (name) => (name.includes(".") ? "property" : "argument");
  jsw.invalidArgType = (name, expected, value) =>
    jsw.nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" ${kind(name)} must be ${expected}. Received ${jsw.describeReceived(value)}`);
  jsw.invalidArgValue = (name, value, reason = "is invalid") => {
    let shown = jsw.inspect(value);
    if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
    return jsw.nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The ${kind(name)} '${name}' ${reason}. Received ${shown}`);
  };
  // Node's "bytes or a string" arguments, as a Uint8Array: the caller's bytes
  // (a view, not a copy) or the string encoded (UTF-8 when `encoding` is
  // unset). Node's modules differ, so options say which: `arrayBuffer` takes an
  // ArrayBuffer too (crypto and zlib do, fs's data does not), and
  // `namesArrayBuffer` ends the error's list of types with it (zlib does;
  // crypto takes one without saying so).
  jsw.bytesArg = (value, name, { encoding, arrayBuffer = false, namesArrayBuffer = false } = {}) => {
    if (typeof value === "string") return Buffer.from(value, encoding);
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (arrayBuffer && value instanceof ArrayBuffer) return new Uint8Array(value);
    const types = namesArrayBuffer ? "DataView, or ArrayBuffer" : "or DataView";
    throw jsw.invalidArgType(name, `of type string or an instance of Buffer, TypedArray, ${types}`, value);
  };
  // Bytes as Node's functions return them: a Buffer over the same memory, or
  // a string in `encoding` (a Buffer when it is unset or "buffer").
  jsw.bytesOut = (bytes, encoding) => {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return encoding === undefined || encoding === "buffer" ? buf : buf.toString(encoding);
  };
  // Node's AbortError (not the DOMException an AbortSignal carries).
  jsw.abortError = (cause) => {
    const error = new Error("The operation was aborted", cause === undefined ? undefined : { cause });
    error.code = "ABORT_ERR";
    error.name = "AbortError";
    return error;
  };
  jsw.checkAbortSignal = (signal, name) => {
    if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal))) {
      throw jsw.invalidArgType(name, "an instance of AbortSignal", signal);
    }
  };
  // events.addAbortListener: `listener` runs once when `signal` aborts (at
  // once, on a microtask, if it already has); disposing the result removes it.
  jsw.addAbortListener = (signal, listener) => {
    if (signal === undefined) throw jsw.invalidArgType("signal", "an instance of AbortSignal", signal);
    jsw.checkAbortSignal(signal, "signal");
    if (typeof listener !== "function") throw jsw.invalidArgType("listener", "of type function", listener);
    let remove = () => {};
    if (signal.aborted) {
      queueMicrotask(() => listener());
    } else {
      signal.addEventListener("abort", listener, { once: true });
      remove = () => signal.removeEventListener("abort", listener);
    }
    return { [Symbol.dispose ?? Symbol.for("nodejs.dispose")]: remove };
  };
  // Brand checks: a built-in method that only works on the real thing.
  const brand = (method) => (v) => {
    if (v === null || typeof v !== "object") return false;
    try {
      method.call(v);
      return true;
    } catch {
      return false;
    }
  };
  const tag = (v) => Object.prototype.toString.call(v);
  const protoOf = (v) => Object.getPrototypeOf(v);
  const mapIterator = protoOf(new Map().entries());
  const setIterator = protoOf(new Set().values());
  const generator = protoOf(function* () {}).prototype;
  const asyncGenerator = protoOf(async function* () {}).prototype;
  const typedArray = (Type) => (v) => v instanceof Type;
  const types = {
    isDate: (v) => v instanceof Date,
    isRegExp: (v) => v instanceof RegExp,
    isMap: (v) => v instanceof Map,
    isSet: (v) => v instanceof Set,
    isPromise: (v) => v instanceof Promise,
    isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
    isUint8Array: (v) => v instanceof Uint8Array,
    isArrayBuffer: (v) => v instanceof ArrayBuffer,
    isAnyArrayBuffer: (v) => v instanceof ArrayBuffer,
    isNativeError: (v) => v instanceof Error,
    isAsyncFunction: (v) => typeof v === "function" && v.constructor && v.constructor.name === "AsyncFunction",
    isGeneratorFunction: (v) => typeof v === "function" && /^(Async)?GeneratorFunction$/.test(v.constructor && v.constructor.name),
    isBoxedPrimitive: (v) => [Number, String, Boolean, BigInt, Symbol].some((T) => v instanceof T),
    isArgumentsObject: (v) => tag(v) === "[object Arguments]",
    isNumberObject: brand(Number.prototype.valueOf),
    isStringObject: brand(String.prototype.valueOf),
    isBooleanObject: brand(Boolean.prototype.valueOf),
    isBigIntObject: brand(BigInt.prototype.valueOf),
    isSymbolObject: brand(Symbol.prototype.valueOf),
    isGeneratorObject: (v) => v !== null && typeof v === "object" && (generator.isPrototypeOf(v) || asyncGenerator.isPrototypeOf(v)),
    isMapIterator: (v) => v !== null && typeof v === "object" && protoOf(v) === mapIterator,
    isSetIterator: (v) => v !== null && typeof v === "object" && protoOf(v) === setIterator,
    isWeakMap: (v) => v instanceof WeakMap,
    isWeakSet: (v) => v instanceof WeakSet,
    isDataView: (v) => v instanceof DataView,
    isSharedArrayBuffer: (v) => typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer,
    isArrayBufferView: (v) => ArrayBuffer.isView(v),
    isUint8ClampedArray: typedArray(Uint8ClampedArray),
    isUint16Array: typedArray(Uint16Array),
    isUint32Array: typedArray(Uint32Array),
    isInt8Array: typedArray(Int8Array),
    isInt16Array: typedArray(Int16Array),
    isInt32Array: typedArray(Int32Array),
    isFloat32Array: typedArray(Float32Array),
    isFloat64Array: typedArray(Float64Array),
    isBigInt64Array: typedArray(BigInt64Array),
    isBigUint64Array: typedArray(BigUint64Array),
    isModuleNamespaceObject: (v) =>
      v !== null && typeof v === "object" && protoOf(v) === null && v[Symbol.toStringTag] === "Module" && !Object.isExtensible(v),
    // No value in a jsw program is a host pointer.
    isExternal: () => false,
    isKeyObject: (v) => jsw.KeyObject !== undefined && v instanceof jsw.KeyObject,
    isCryptoKey: (v) => typeof CryptoKey === "function" && v instanceof CryptoKey,
  };

  const custom = Symbol.for("nodejs.util.promisify.custom");
  function promisify(original) {
    if (typeof original !== "function") throw new TypeError('The "original" argument must be of type function');
    if (original[custom]) return original[custom];
    function fn(...args) {
      return new Promise((resolve, reject) => {
        original.call(this, ...args, (err, ...values) => {
          if (err) reject(err);
          else resolve(values.length > 1 ? values : values[0]);
        });
      });
    }
    Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
    return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
  }
  promisify.custom = custom;

  function callbackify(original) {
    return function (...args) {
      const cb = args.pop();
      original.apply(this, args).then((v) => queueMicrotask(() => cb(null, v)), (e) => queueMicrotask(() => cb(e)));
    };
  }

  function inherits(ctor, superCtor) {
    Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  const warned = new Set();
  function deprecate(fn, msg, code) {
    return function (...args) {
      const key = code || msg;
      if (!warned.has(key)) {
        warned.add(key);
        process.emitWarning(`${code ? `[${code}] ` : ""}DeprecationWarning: ${msg}`);
      }
      return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
    };
  }

  function isDeepStrictEqual(a, b, seen = new Map()) {
    if (Object.is(a, b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (seen.get(a) === b) return true;
    seen.set(a, b);
    const tag = Object.prototype.toString.call(a);
    if (tag !== Object.prototype.toString.call(b)) return false;
    if (a instanceof Date) return Object.is(a.getTime(), b.getTime());
    if (a instanceof RegExp) return a.source === b.source && a.flags === b.flags;
    if (a instanceof Error && (a.message !== b.message || a.name !== b.name)) return false;
    if (ArrayBuffer.isView(a)) {
      if (a.byteLength !== b.byteLength) return false;
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      return x.every((v, i) => v === y[i]);
    }
    if (a instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !isDeepStrictEqual(v, b.get(k), seen)) return false;
      return true;
    }
    if (a instanceof Set) {
      if (a.size !== b.size) return false;
      for (const v of a) {
        if (b.has(v)) continue;
        if (typeof v !== "object" || ![...b].some((w) => isDeepStrictEqual(v, w, seen))) return false;
      }
      return true;
    }
    const ka = Reflect.ownKeys(a).filter((k) => Object.prototype.propertyIsEnumerable.call(a, k));
    const kb = Reflect.ownKeys(b).filter((k) => Object.prototype.propertyIsEnumerable.call(b, k));
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.prototype.propertyIsEnumerable.call(b, k) || !isDeepStrictEqual(a[k], b[k], seen)) return false;
    }
    return true;
  }
  jsw.isDeepStrictEqual = isDeepStrictEqual;

  // util.inspect.colors: each style's opening and closing SGR codes.
  const colors = {
    __proto__: null,
    reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], blink: [5, 25],
    inverse: [7, 27], hidden: [8, 28], strikethrough: [9, 29], doubleunderline: [21, 24], black: [30, 39],
    red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39],
    white: [37, 39], bgBlack: [40, 49], bgRed: [41, 49], bgGreen: [42, 49], bgYellow: [43, 49], bgBlue: [44, 49],
    bgMagenta: [45, 49], bgCyan: [46, 49], bgWhite: [47, 49], framed: [51, 54], overlined: [53, 55], gray: [90, 39],
    redBright: [91, 39], greenBright: [92, 39], yellowBright: [93, 39], blueBright: [94, 39],
    magentaBright: [95, 39], cyanBright: [96, 39], whiteBright: [97, 39], bgGray: [100, 49],
    bgRedBright: [101, 49], bgGreenBright: [102, 49], bgYellowBright: [103, 49], bgBlueBright: [104, 49],
    bgMagentaBright: [105, 49], bgCyanBright: [106, 49], bgWhiteBright: [107, 49],
  };
  // Aliases, left out of the list an unknown style's error shows.
  for (const [alias, name] of Object.entries({
    grey: "gray", blackBright: "gray", bgGrey: "bgGray", bgBlackBright: "bgGray", faint: "dim",
    crossedout: "strikethrough", strikeThrough: "strikethrough", crossedOut: "strikethrough", conceal: "hidden",
    swapColors: "inverse", swapcolors: "inverse", doubleUnderline: "doubleunderline",
  })) {
    Object.defineProperty(colors, alias, { get: () => colors[name], configurable: true });
  }
  // Whether Node would color what goes to `stream`: FORCE_COLOR decides when
  // set (0 and false mean no), else the stream must be a terminal.
  function shouldColorize(stream) {
    const force = process.env.FORCE_COLOR;
    if (force !== undefined) return !["0", "false"].includes(force);
    return Boolean(stream?.isTTY);
  }
  const isStream = (s) =>
    (typeof ReadableStream === "function" && (s instanceof ReadableStream || s instanceof WritableStream)) ||
    (s !== null && typeof s === "object" && (typeof s.write === "function" || typeof s.pipe === "function") && typeof s.on === "function");
  function styleText(format, text, { validateStream = true, stream = process.stdout } = {}) {
    if (typeof text !== "string") throw jsw.invalidArgType("text", "of type string", text);
    if (typeof validateStream !== "boolean") throw jsw.invalidArgType("options.validateStream", "of type boolean", validateStream);
    if (validateStream && !isStream(stream)) {
      throw jsw.invalidArgType("stream", "an instance of ReadableStream, WritableStream, or Stream", stream);
    }
    const codes = (key) => {
      const found = colors[key];
      if (found == null) {
        const allowed = Object.keys(colors).map((k) => `'${k}'`).join(", ");
        throw jsw.invalidArgValue("format", key, `must be one of: ${allowed}`);
      }
      return found;
    };
    // Node 20 styles a list of formats whatever the stream is; a single one
    // only for a stream it would color.
    if (Array.isArray(format)) {
      let left = "";
      let right = "";
      for (const key of format) {
        const [open, close] = codes(key);
        left += `\u001b[${open}m`;
        right = `\u001b[${close}m${right}`;
      }
      return `${left}${text}${right}`;
    }
    const [open, close] = codes(format);
    if (validateStream && (!stream || !shouldColorize(stream))) return text;
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  // util.debuglog: sections named in NODE_DEBUG (commas, `*` wildcards, any
  // case) log to stderr as `SECTION pid: message`. NODE_DEBUG is read when a
  // logger is first used at run time; the build has no environment, so use at
  // build time logs nothing and decides nothing.
  let debugPattern;
  const debugImpls = Object.create(null);
  function debugEnabled(section) {
    if (debugPattern === undefined) {
      const env = process.env.NODE_DEBUG;
      const pattern = env
        ? new RegExp(`^${env.replace(/[|\\{}()[\]^$+?.]/g, "\\$&").replaceAll("*", ".*").replaceAll(",", "$|^")}$`, "i")
        : null;
      if (jsw.isBuild()) return pattern !== null && pattern.test(section);
      debugPattern = pattern;
    }
    return debugPattern !== null && debugPattern.test(section);
  }
  function debugImpl(section) {
    if (debugImpls[section] !== undefined) return debugImpls[section];
    let impl = () => {};
    if (debugEnabled(section)) {
      if (section === "HTTP" || section === "HTTP2") {
        process.emitWarning(
          `Setting the NODE_DEBUG environment variable to '${section.toLowerCase()}' can expose sensitive data (such as passwords, tokens and authentication headers) in the resulting log.`,
        );
      }
      impl = function debug(...args) {
        process.stderr.write(`${section} ${process.pid}: ${jsw.format(args)}\n`);
      };
    }
    if (!jsw.isBuild()) debugImpls[section] = impl;
    return impl;
  }
  function debuglog(set, cb) {
    const section = () => String(set).toUpperCase();
    let impl;
    const logger = (...args) => {
      if (impl === undefined) {
        const found = debugImpl(section());
        if (jsw.isBuild()) return found(...args);
        impl = found;
        if (typeof cb === "function") cb(impl);
      }
      return impl(...args);
    };
    Object.defineProperty(logger, "enabled", {
      get: () => debugEnabled(section()),
      configurable: true,
      enumerable: true,
    });
    return logger;
  }

  // The pre-ES5 type checks Node still exports.
  const isObject = (v) => v !== null && typeof v === "object";
  const isError = (v) => Object.prototype.toString.call(v) === "[object Error]" || v instanceof Error;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n) => String(n).padStart(2, "0");
  function log(...args) {
    const d = new Date();
    const time = [pad(d.getHours()), pad(d.getMinutes()), pad(d.getSeconds())].join(":");
    console.log("%s - %s", `${d.getDate()} ${months[d.getMonth()]} ${time}`, jsw.format(args));
  }
  function _extend(target, source) {
    if (source === null || typeof source !== "object") return target;
    for (const key of Object.keys(source)) target[key] = source[key];
    return target;
  }
  // The ANSI escape sequences Node's stripVTControlCharacters removes.
  const ansi = new RegExp(
    "[\\u001B\\u009B][[\\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]+)*|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]*)*)?" +
      "(?:\\u0007|\\u001B\\u005C|\\u009C))|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-nq-uy=><~]))",
    "g",
  );
  function stripVTControlCharacters(str) {
    if (typeof str !== "string") throw jsw.invalidArgType("str", "of type string", str);
    return str.replace(ansi, "");
  }
  async function aborted(signal, resource) {
    if (signal === undefined) throw jsw.invalidArgType("signal", "an instance of AbortSignal", signal);
    jsw.checkAbortSignal(signal, "signal");
    if (resource === null || (typeof resource !== "object" && typeof resource !== "function")) {
      throw jsw.invalidArgType("resource", "of type object", resource);
    }
    if (signal.aborted) return;
    await new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  const util = {
    format: (...args) => jsw.format(args),
    formatWithOptions: (options, ...args) => jsw.format(args),
    inspect: jsw.inspect,
    promisify,
    callbackify,
    inherits,
    deprecate,
    isDeepStrictEqual: (a, b) => isDeepStrictEqual(a, b),
    types,
    TextEncoder,
    TextDecoder,
    debuglog,
    debug: debuglog,
    styleText,
    isArray: Array.isArray,
    isBoolean: (v) => typeof v === "boolean",
    isBuffer: (v) => Buffer.isBuffer(v),
    isNull: (v) => v === null,
    isNullOrUndefined: (v) => v === null || v === undefined,
    isNumber: (v) => typeof v === "number",
    isString: (v) => typeof v === "string",
    isSymbol: (v) => typeof v === "symbol",
    isUndefined: (v) => v === undefined,
    isRegExp: types.isRegExp,
    isObject,
    isDate: types.isDate,
    isError,
    isFunction: (v) => typeof v === "function",
    isPrimitive: (v) => v === null || (typeof v !== "object" && typeof v !== "function"),
    log,
    _extend,
    stripVTControlCharacters,
    toUSVString: (input) => `${input}`.toWellFormed(),
    // A module is one thread: nothing is ever transferred, so these are the
    // signal and a controller as they are.
    transferableAbortSignal(signal) {
      if (!(signal instanceof AbortSignal)) throw jsw.invalidArgType("signal", "an instance of AbortSignal", signal);
      return signal;
    },
    transferableAbortController: () => new AbortController(),
    aborted,
  };
  jsw.util = util;
  jsw.defineBuiltin("node:util", () => util);
  jsw.defineBuiltin("node:util/types", () => types);
};

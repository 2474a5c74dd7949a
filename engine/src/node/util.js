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
    debuglog: () => {
      const log = () => {};
      log.enabled = false;
      return log;
    },
    isArray: Array.isArray,
  };
  jsw.defineBuiltin("node:util", () => util);
  jsw.defineBuiltin("node:util/types", () => types);
};

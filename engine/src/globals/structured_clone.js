// structuredClone: the HTML structured clone algorithm for the types a JS program
// can hold here. Functions, symbols, WeakMaps and the like throw DataCloneError.
(jsw) => {
  "use strict";
  const typedArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array];
  const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

  function fail(what) {
    throw new jsw.DOMException(`${what} could not be cloned.`, "DataCloneError");
  }

  function clone(value, memory) {
    if (typeof value === "symbol") fail(value.toString());
    if (typeof value === "function") fail(`${value.toString().split("\n")[0].slice(0, 60)}`);
    if (value === null || typeof value !== "object") return value;
    if (memory.has(value)) return memory.get(value);
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    let out;
    switch (tag) {
      case "Boolean": out = Object(Boolean.prototype.valueOf.call(value)); break;
      case "Number": out = Object(Number.prototype.valueOf.call(value)); break;
      case "String": out = Object(String.prototype.valueOf.call(value)); break;
      case "BigInt": out = Object(BigInt.prototype.valueOf.call(value)); break;
      case "Date": out = new Date(value.getTime()); break;
      case "RegExp": out = new RegExp(value.source, value.flags); break;
      case "ArrayBuffer": {
        if (value.detached) fail("An ArrayBuffer is detached and");
        if (value.resizable) {
          out = new ArrayBuffer(value.byteLength, { maxByteLength: value.maxByteLength });
          new Uint8Array(out).set(new Uint8Array(value));
        } else {
          out = value.slice(0);
        }
        break;
      }
      // A Blob's bytes never change, so the clone shares them (as a File's name
      // and date).
      case "Blob": out = new globalThis.Blob([value], { type: value.type }); break;
      case "File":
        out = new globalThis.File([value], value.name, { type: value.type, lastModified: value.lastModified });
        break;
      case "DataView": {
        if (isOutOfBounds(value)) fail("An ArrayBufferView is out of bounds and");
        const buffer = clone(value.buffer, memory);
        out = new DataView(buffer, value.byteOffset, value.byteLength);
        break;
      }
      case "Map": {
        out = new Map();
        memory.set(value, out);
        for (const [k, v] of value) out.set(clone(k, memory), clone(v, memory));
        return out;
      }
      case "Set": {
        out = new Set();
        memory.set(value, out);
        for (const v of value) out.add(clone(v, memory));
        return out;
      }
      case "DOMException": {
        out = new jsw.DOMException(value.message, value.name);
        break;
      }
      case "Error": {
        const name = value.name;
        const Type = Object.hasOwn(errorTypes, name) ? errorTypes[name] : Error;
        out = Object.create(Type.prototype);
        memory.set(value, out);
        const define = (k, v) => Object.defineProperty(out, k, { value: v, writable: true, configurable: true, enumerable: false });
        const message = Object.getOwnPropertyDescriptor(value, "message");
        if (message !== undefined && "value" in message) define("message", String(message.value));
        if (typeof value.stack === "string") define("stack", value.stack);
        if ("cause" in value) define("cause", clone(value.cause, memory));
        return out;
      }
      case "Array": {
        out = new Array(value.length);
        memory.set(value, out);
        for (const k of Object.keys(value)) out[k] = clone(value[k], memory);
        return out;
      }
      case "Object": {
        if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) fail(tag);
        out = {};
        memory.set(value, out);
        for (const k of Object.keys(value)) out[k] = clone(value[k], memory);
        return out;
      }
      default: {
        const T = typedArrays.find((C) => value instanceof C);
        if (T !== undefined) {
          if (isOutOfBounds(value)) fail("An ArrayBufferView is out of bounds and");
          const buffer = clone(value.buffer, memory);
          out = new T(buffer, value.byteOffset, value.length);
          break;
        }
        fail(`#<${tag}>`);
      }
    }
    memory.set(value, out);
    return out;
  }

  // A view whose buffer shrank (or was detached) below its window: a
  // DataView's byteLength throws then, a typed array's methods do.
  const typedArrayAt = Object.getPrototypeOf(Int8Array.prototype).at;
  function isOutOfBounds(view) {
    try {
      if (view instanceof DataView) void view.byteLength;
      else typedArrayAt.call(view, 0);
      return false;
    } catch {
      return true;
    }
  }

  // `transfer` moves ArrayBuffers: the clone gets their contents, the
  // originals are detached.
  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError('The "value" argument must be specified');
    const memory = new Map();
    const transfer = options === undefined || options === null ? undefined : options.transfer;
    if (transfer !== undefined) {
      if (transfer === null || typeof transfer[Symbol.iterator] !== "function") {
        throw new TypeError("The \"options.transfer\" property must be iterable");
      }
      const list = [...transfer];
      for (const [i, item] of list.entries()) {
        if (Object.prototype.toString.call(item) !== "[object ArrayBuffer]") {
          throw new jsw.DOMException(`Value not transferable`, "DataCloneError");
        }
        if (list.indexOf(item) !== i || item.detached) {
          throw new jsw.DOMException("An ArrayBuffer is detached or listed twice and could not be cloned.", "DataCloneError");
        }
      }
      const out = clone(value, memory);
      // The clone holds a copy of each buffer; the original is then detached,
      // as a transfer leaves it.
      for (const item of list) void item.transfer();
      return out;
    }
    return clone(value, memory);
  }
  Object.defineProperty(globalThis, "structuredClone", { value: structuredClone, writable: true, configurable: true, enumerable: true });
};

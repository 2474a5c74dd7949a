// Math.random and the Web Crypto random functions, live at every run.
(jsw) => {
  "use strict";
  Object.defineProperty(Math, "random", {
    // A method, like the built-in it replaces: not a constructor, no `prototype`.
    value: {
      random() {
        return jsw.random();
      },
    }.random,
    writable: true,
    configurable: true,
    enumerable: false,
  });

  const integerArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

  const crypto = {
    getRandomValues(array) {
      if (!integerArrays.some((T) => array instanceof T)) {
        throw new jsw.DOMException("The data argument must be an integer-type TypedArray", "TypeMismatchError");
      }
      if (array.byteLength > 65536) {
        throw new jsw.DOMException(
          `The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
          "QuotaExceededError",
        );
      }
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(jsw.randomBytes(array.byteLength));
      return array;
    },
    randomUUID() {
      const b = jsw.randomBytes(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
  Object.defineProperty(crypto, Symbol.toStringTag, { value: "Crypto" });

  // crypto.subtle: digests and HMAC keys. The hashes are node/crypto.rs's, in
  // the engine the compiler picks for programs whose code mentions `subtle`.
  const natives = () => {
    if (jsw.crypto === undefined) {
      throw new Error("crypto.subtle was reached by a name the compiler could not see: write `crypto.subtle` in the program so that it is built with the hashes");
    }
    return jsw.crypto;
  };
  const bytesOf = (data) => {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    throw new TypeError("Failed to execute: the data is not an ArrayBuffer or ArrayBufferView");
  };
  const hashName = (algorithm) => {
    // An algorithm dictionary must name its algorithm (WebIDL: a required member).
    if (typeof algorithm === "object" && algorithm !== null && algorithm.name === undefined) {
      throw new TypeError("Failed to execute: the algorithm has no 'name'");
    }
    const name = String(typeof algorithm === "object" && algorithm !== null ? algorithm.name : algorithm).toUpperCase();
    if (!["SHA-1", "SHA-256", "SHA-384", "SHA-512"].includes(name)) {
      throw new jsw.DOMException("Unrecognized algorithm name", "NotSupportedError");
    }
    return name;
  };
  const keys = new WeakMap();
  class CryptoKey {
    constructor() {
      throw new TypeError("Illegal constructor");
    }
  }
  const makeKey = (bytes, hash, extractable, usages) => {
    const key = Object.create(CryptoKey.prototype, {
      type: { value: "secret", enumerable: true },
      extractable: { value: Boolean(extractable), enumerable: true },
      algorithm: { value: Object.freeze({ name: "HMAC", length: bytes.length * 8, hash: Object.freeze({ name: hash }) }), enumerable: true },
      usages: { value: Object.freeze([...usages]), enumerable: true },
    });
    keys.set(key, { bytes, hash });
    return key;
  };
  const keyOf = (key, usage) => {
    const k = keys.get(key);
    if (!k) throw new TypeError("The key is not a CryptoKey");
    if (!key.usages.includes(usage)) throw new jsw.DOMException(`The key does not support the '${usage}' operation`, "InvalidAccessError");
    return k;
  };
  const hmacAlgorithm = (algorithm) => {
    if (typeof algorithm === "object" && algorithm !== null && algorithm.name === undefined) {
      throw new TypeError("Failed to execute: the algorithm has no 'name'");
    }
    const name = String(typeof algorithm === "object" && algorithm !== null ? algorithm.name : algorithm).toUpperCase();
    if (name !== "HMAC") throw new jsw.DOMException("Unrecognized algorithm name", "NotSupportedError");
  };
  const async = (fn) => (...args) => {
    try {
      return Promise.resolve(fn(...args));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  // An HMAC key's default length is its hash's block size.
  const BLOCK_BITS = { "SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024 };
  const subtle = {
    generateKey: async((algorithm, extractable, usages) => {
      hmacAlgorithm(algorithm);
      const hash = hashName(algorithm.hash);
      const list = [...usages];
      for (const usage of list) {
        if (usage !== "sign" && usage !== "verify") {
          throw new jsw.DOMException(`Unsupported key usage for an HMAC key: '${usage}'`, "SyntaxError");
        }
      }
      if (list.length === 0) throw new jsw.DOMException("Usages cannot be empty when creating a key.", "SyntaxError");
      const bits = algorithm.length === undefined ? BLOCK_BITS[hash] : Number(algorithm.length);
      if (!Number.isInteger(bits) || bits <= 0) throw new jsw.DOMException("Invalid key length", "OperationError");
      const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(bits / 8)));
      if (bits % 8) bytes[bytes.length - 1] &= 0xff << (8 - (bits % 8));
      return makeKey(bytes, hash, extractable, list);
    }),
    digest: async((algorithm, data) => natives().digest(hashName(algorithm), [Uint8Array.from(bytesOf(data))]).buffer),
    importKey: async((format, keyData, algorithm, extractable, usages) => {
      if (format !== "raw") throw new jsw.DOMException(`Unsupported key format '${format}': only 'raw' HMAC keys are`, "NotSupportedError");
      hmacAlgorithm(algorithm);
      return makeKey(Uint8Array.from(bytesOf(keyData)), hashName(algorithm.hash), extractable, usages);
    }),
    exportKey: async((format, key) => {
      const k = keys.get(key);
      if (format !== "raw" || !k) throw new jsw.DOMException("Unsupported key format", "NotSupportedError");
      if (!key.extractable) throw new jsw.DOMException("key is not extractable", "InvalidAccessError");
      return Uint8Array.from(k.bytes).buffer;
    }),
    sign: async((algorithm, key, data) => {
      hmacAlgorithm(algorithm);
      const k = keyOf(key, "sign");
      return natives().hmac(k.hash, k.bytes, [Uint8Array.from(bytesOf(data))]).buffer;
    }),
    verify: async((algorithm, key, signature, data) => {
      hmacAlgorithm(algorithm);
      const k = keyOf(key, "verify");
      const mac = natives().hmac(k.hash, k.bytes, [Uint8Array.from(bytesOf(data))]);
      const sig = bytesOf(signature);
      let diff = mac.length ^ sig.length;
      for (let i = 0; i < mac.length; i++) diff |= mac[i] ^ (sig[i] ?? 0);
      return diff === 0;
    }),
  };
  Object.defineProperty(subtle, Symbol.toStringTag, { value: "SubtleCrypto" });
  Object.defineProperty(crypto, "subtle", { value: subtle, enumerable: true, configurable: true });
  Object.defineProperty(globalThis, "CryptoKey", { value: CryptoKey, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(globalThis, "crypto", { value: crypto, writable: true, configurable: true, enumerable: true });
};

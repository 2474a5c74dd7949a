// node:crypto: hashes, HMAC and PBKDF2 (RustCrypto, engine/src/node/crypto.rs),
// randomness from WASI, and the Web Crypto object. Ciphers, signatures and key
// pairs are not implemented; their functions throw and say so.
(jsw) => {
  "use strict";
  const native = jsw.crypto;
  const { nodeError, describeReceived, bytesOut } = jsw;
  const HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

  // Crypto takes an ArrayBuffer without naming it in its errors, and reads a
  // string in the "buffer" encoding (its default) as UTF-8.
  const toBytes = (data, encoding, name) =>
    jsw.bytesArg(data, name, { encoding: encoding === "buffer" ? "utf8" : encoding, arrayBuffer: true });
  const finalized = () => nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");

  // The input is kept as chunks and hashed in one native call at digest():
  // nothing native outlives a call, so an abandoned Hash leaks nothing.
  class Hash {
    #algorithm;
    #chunks = [];
    #done = false;
    constructor(algorithm, options) {
      if (typeof algorithm !== "string") {
        throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "algorithm" argument must be of type string. Received ${describeReceived(algorithm)}`);
      }
      if (!native.supported(algorithm)) throw new Error("Digest method not supported");
      this.#algorithm = algorithm;
      void options;
    }
    update(data, encoding) {
      if (this.#done) throw finalized();
      // Copied: the caller may reuse its buffer before digest().
      this.#chunks.push(Uint8Array.from(toBytes(data, encoding, "data")));
      return this;
    }
    digest(encoding) {
      if (this.#done) throw finalized();
      this.#done = true;
      const bytes = native.digest(this.#algorithm, this.#chunks);
      this.#chunks = [];
      return bytesOut(bytes, encoding);
    }
    copy() {
      if (this.#done) throw finalized();
      const copy = new Hash(this.#algorithm);
      for (const chunk of this.#chunks) copy.update(chunk);
      return copy;
    }
  }

  class Hmac {
    #algorithm;
    #key;
    #chunks = [];
    #done = false;
    constructor(algorithm, key) {
      if (typeof algorithm !== "string") {
        throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "hmac" argument must be of type string. Received ${describeReceived(algorithm)}`);
      }
      if (key === undefined || key === null || (typeof key !== "string" && !ArrayBuffer.isView(key) && !(key instanceof ArrayBuffer) && !(key instanceof KeyObject))) {
        throw nodeError(
          TypeError,
          "ERR_INVALID_ARG_TYPE",
          `The "key" argument must be of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey. Received ${describeReceived(key)}`,
        );
      }
      if (!native.supported(algorithm)) throw nodeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${algorithm}`);
      this.#algorithm = algorithm;
      this.#key = Uint8Array.from(key instanceof KeyObject ? key.export() : toBytes(key, "utf8", "key"));
    }
    update(data, encoding) {
      if (this.#done) throw finalized();
      this.#chunks.push(Uint8Array.from(toBytes(data, encoding, "data")));
      return this;
    }
    digest(encoding) {
      // Node returns an empty result for a second digest() of an Hmac.
      if (this.#done) return bytesOut(new Uint8Array(0), encoding);
      this.#done = true;
      const bytes = native.hmac(this.#algorithm, this.#key, this.#chunks);
      this.#chunks = [];
      return bytesOut(bytes, encoding);
    }
  }

  // Secret keys only: what createHmac and the key-derivation functions take.
  class KeyObject {
    #bytes;
    constructor(bytes) {
      this.#bytes = bytes;
    }
    get type() {
      return "secret";
    }
    get symmetricKeySize() {
      return this.#bytes.length;
    }
    export() {
      return Buffer.from(this.#bytes);
    }
    equals(other) {
      return other instanceof KeyObject && timingSafeEqual(this.#bytes, other.export()) && other.symmetricKeySize === this.#bytes.length;
    }
  }
  // util.types.isKeyObject looks for this class.
  jsw.KeyObject = KeyObject;

  function checkSize(size, name = "size") {
    if (typeof size !== "number") {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" argument must be of type number. Received ${describeReceived(size)}`);
    }
    if (!(size >= 0 && size <= 2147483647) || !Number.isInteger(size)) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be >= 0 && <= 2147483647. Received ${size}`);
    }
  }
  const later = (fn) => setTimeout(fn, 0);

  function randomBytes(size, callback) {
    checkSize(size);
    const buf = Buffer.alloc(size);
    for (let at = 0; at < size; at += 65536) crypto.getRandomValues(buf.subarray(at, Math.min(size, at + 65536)));
    if (typeof callback === "function") {
      later(() => callback(null, buf));
      return;
    }
    return buf;
  }
  function randomFillSync(target, offset = 0, size) {
    const view = new Uint8Array(target.buffer ?? target, target.byteOffset ?? 0, target.byteLength);
    const end = size === undefined ? view.length : offset + size;
    for (let at = offset; at < end; at += 65536) crypto.getRandomValues(view.subarray(at, Math.min(end, at + 65536)));
    return target;
  }
  function randomFill(target, offset, size, callback) {
    if (typeof offset === "function") [callback, offset, size] = [offset, 0, undefined];
    else if (typeof size === "function") [callback, size] = [size, undefined];
    randomFillSync(target, offset, size);
    later(() => callback(null, target));
  }
  // Uniform in [min, max) by rejection sampling over 48 random bits, as Node does.
  function randomInt(min, max, callback) {
    if (max === undefined || typeof max === "function") [min, max, callback] = [0, min, max];
    for (const [name, value] of [["min", min], ["max", max]]) {
      if (!Number.isSafeInteger(value)) {
        throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" argument must be a safe integer. Received ${describeReceived(value)}`);
      }
    }
    if (!(max > min)) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
    }
    const range = max - min;
    if (range > 2 ** 48 - 1) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "max - min" is out of range. It must be <= 281474976710655. Received ${range}`);
    }
    const limit = 2 ** 48 - (2 ** 48 % range);
    let n;
    do {
      const b = randomBytes(6);
      n = b.readUIntBE(0, 6);
    } while (n >= limit);
    const result = min + (n % range);
    if (typeof callback === "function") {
      later(() => callback(null, result));
      return;
    }
    return result;
  }

  function timingSafeEqual(a, b) {
    for (const [name, v] of [["buf1", a], ["buf2", b]]) {
      if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) {
        throw nodeError(
          TypeError,
          "ERR_INVALID_ARG_TYPE",
          `The "${name}" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView.`,
        );
      }
    }
    const x = toBytes(a, undefined, "buf1");
    const y = toBytes(b, undefined, "buf2");
    if (x.length !== y.length) throw nodeError(RangeError, "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH", "Input buffers must have the same byte length");
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
  }

  function pbkdf2Sync(password, salt, iterations, keylen, digest) {
    const p = toBytes(password, "utf8", "password");
    const s = toBytes(salt, "utf8", "salt");
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 2147483647) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "iterations" is out of range. It must be >= 1 && <= 2147483647. Received ${iterations}`);
    }
    checkSize(keylen, "keylen");
    if (typeof digest !== "string") {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "digest" argument must be of type string. Received ${describeReceived(digest)}`);
    }
    if (!native.supported(digest)) throw nodeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${digest}`);
    return bytesOut(native.pbkdf2(digest, p, s, iterations, keylen));
  }
  function pbkdf2(password, salt, iterations, keylen, digest, callback) {
    if (typeof callback !== "function") {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "callback" argument must be of type function. Received ${describeReceived(callback)}`);
    }
    const key = pbkdf2Sync(password, salt, iterations, keylen, digest);
    later(() => callback(null, key));
  }

  function notImplemented(name) {
    return function () {
      throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", `crypto.${name}() is not available in jsw modules: only hashes, HMAC, PBKDF2 and randomness are`);
    };
  }

  const exports = {
    createHash: (algorithm, options) => new Hash(algorithm, options),
    createHmac: (algorithm, key, options) => new Hmac(algorithm, key, options),
    createSecretKey: (key, encoding) => new KeyObject(Uint8Array.from(toBytes(key, encoding, "key"))),
    hash: (algorithm, data, encoding = "hex") => new Hash(algorithm).update(data).digest(encoding),
    getHashes: () => HASHES.slice(),
    getCiphers: () => [],
    getCurves: () => [],
    randomBytes,
    randomFill,
    randomFillSync,
    randomInt,
    randomUUID: () => crypto.randomUUID(),
    getRandomValues: (array) => crypto.getRandomValues(array),
    timingSafeEqual,
    pbkdf2,
    pbkdf2Sync,
    Hash,
    Hmac,
    KeyObject,
    webcrypto: crypto,
    subtle: crypto.subtle,
    constants: {},
    getFips: () => 0,
  };
  for (const name of [
    "createCipheriv", "createDecipheriv", "createSign", "createVerify", "sign", "verify", "generateKeyPair",
    "generateKeyPairSync", "generateKey", "generateKeySync", "createPrivateKey", "createPublicKey", "publicEncrypt",
    "privateDecrypt", "privateEncrypt", "publicDecrypt", "createDiffieHellman", "createECDH", "scrypt", "scryptSync",
    "hkdf", "hkdfSync", "generatePrime", "generatePrimeSync", "checkPrime", "checkPrimeSync",
  ]) {
    exports[name] = notImplemented(name);
  }
  // Deprecated: there, but not among the module's keys (nor importable by name).
  Object.defineProperty(exports, "pseudoRandomBytes", { value: randomBytes, writable: true, configurable: true, enumerable: false });
  jsw.defineBuiltin("node:crypto", () => exports);
};

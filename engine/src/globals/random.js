// Math.random and the Web Crypto random functions, live at every run.
(jsw) => {
  "use strict";
  Object.defineProperty(Math, "random", {
    value: function random() {
      return jsw.random();
    },
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
  Object.defineProperty(globalThis, "crypto", { value: crypto, writable: true, configurable: true, enumerable: true });
};

// node:zlib: deflate, zlib, gzip and raw streams (engine/src/node/zlib.rs), in
// sync, callback and stream forms. Headers and trailers are Node's byte for
// byte; the compressed body comes from miniz_oxide, so it can differ from
// Node's (whose own zlib differs from stock zlib too) while every side
// decompresses the other's output. The stream classes compress what they were
// given when they end, in one piece. Brotli is not implemented.
(jsw) => {
  "use strict";
  const native = jsw.zlib;
  const { nodeError, describeReceived, bytesOut } = jsw;

  const constants = Object.freeze({
    Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5, Z_OK: 0,
    Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3, Z_MEM_ERROR: -4,
    Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6, Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1, Z_BEST_COMPRESSION: 9,
    Z_DEFAULT_COMPRESSION: -1, Z_FILTERED: 1, Z_HUFFMAN_ONLY: 2, Z_RLE: 3, Z_FIXED: 4, Z_DEFAULT_STRATEGY: 0,
    ZLIB_VERNUM: 4880, DEFLATE: 1, INFLATE: 2, GZIP: 3, GUNZIP: 4, DEFLATERAW: 5, INFLATERAW: 6, UNZIP: 7,
    Z_MIN_WINDOWBITS: 8, Z_MAX_WINDOWBITS: 15, Z_DEFAULT_WINDOWBITS: 15, Z_MIN_CHUNK: 64, Z_MAX_CHUNK: Infinity,
    Z_DEFAULT_CHUNK: 16384, Z_MIN_MEMLEVEL: 1, Z_MAX_MEMLEVEL: 9, Z_DEFAULT_MEMLEVEL: 8, Z_MIN_LEVEL: -1,
    Z_MAX_LEVEL: 9, Z_DEFAULT_LEVEL: -1,
  });
  const codes = {};
  for (const name of ["Z_OK", "Z_STREAM_END", "Z_NEED_DICT", "Z_ERRNO", "Z_STREAM_ERROR", "Z_DATA_ERROR", "Z_MEM_ERROR", "Z_BUF_ERROR", "Z_VERSION_ERROR"]) {
    codes[name] = constants[name];
    codes[constants[name]] = name;
  }

  function level(options) {
    const value = options?.level ?? -1;
    if (!Number.isInteger(value) || value < -1 || value > 9) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "options.level" is out of range. It must be >= -1 and <= 9. Received ${value}`);
    }
    return value;
  }

  // [format as zlib.rs names it, compressing?] per mode.
  const MODES = {
    Deflate: ["zlib", true],
    Inflate: ["zlib", false],
    Gzip: ["gzip", true],
    Gunzip: ["gzip", false],
    DeflateRaw: ["raw", true],
    InflateRaw: ["raw", false],
    Unzip: ["unzip", false],
  };
  function run(mode, data, options) {
    const [format, compressing] = MODES[mode];
    const bytes = jsw.bytesArg(data, "buffer", { arrayBuffer: true, namesArrayBuffer: true });
    if (compressing) return bytesOut(native.compress(format, bytes, level(options)));
    const limit = options?.maxOutputLength ?? 0;
    try {
      return bytesOut(native.decompress(format, bytes, limit));
    } catch (e) {
      if (e?.code === "ERR_BUFFER_TOO_LARGE") {
        throw nodeError(RangeError, "ERR_BUFFER_TOO_LARGE", `Cannot create a Buffer larger than ${limit} bytes`);
      }
      throw e;
    }
  }

  // zlib.crc32(data, value): the checksum continuing from `value`.
  function crc32(data, value = 0) {
    const bytes = jsw.bytesArg(data, "data");
    if (typeof value !== "number") throw jsw.invalidArgType("value", "of type number", value);
    if (!Number.isInteger(value)) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "value" is out of range. It must be an integer. Received ${value}`);
    }
    if (value < 0 || value > 4294967295) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "value" is out of range. It must be >= 0 && <= 4294967295. Received ${value}`);
    }
    return native.crc32(bytes, value);
  }

  // Built on first require: the stream classes need node:stream.
  function build() {
    const exports = { crc32, constants, codes };
    const { Transform } = jsw.requireAbsolute("node:stream");
    for (const mode of Object.keys(MODES)) {
      const lower = mode[0].toLowerCase() + mode.slice(1);
      exports[`${lower}Sync`] = (data, options) => run(mode, data, options);
      exports[lower] = (data, options, callback) => {
        if (typeof options === "function") [callback, options] = [options, undefined];
        if (typeof callback !== "function") {
          throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "callback" argument must be of type function. Received ${describeReceived(callback)}`);
        }
        let result, error = null;
        try {
          result = run(mode, data, options);
        } catch (e) {
          error = e;
        }
        setTimeout(() => (error ? callback(error) : callback(null, result)), 0);
      };
      // A Transform that takes everything written, then emits its result at the end.
      const Class = {
        [mode]: class extends Transform {
          #chunks = [];
          #options;
          constructor(options) {
            super(options);
            this.#options = options;
          }
          _transform(chunk, encoding, done) {
            this.#chunks.push(typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.from(chunk));
            done();
          }
          _flush(done) {
            let out;
            try {
              out = run(mode, Buffer.concat(this.#chunks), this.#options);
            } catch (e) {
              return done(e);
            }
            this.#chunks = [];
            done(null, out);
          }
        },
      }[mode];
      exports[mode] = Class;
      exports[`create${mode}`] = (options) => new Class(options);
    }
    const noBrotli = (name) => () => {
      throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", `zlib.${name}() is not available in jsw modules: brotli is not implemented`);
    };
    for (const name of ["brotliCompress", "brotliCompressSync", "brotliDecompress", "brotliDecompressSync", "createBrotliCompress", "createBrotliDecompress"]) {
      exports[name] = noBrotli(name);
    }
    return exports;
  }
  jsw.defineBuiltin("node:zlib", build);
};

// node:stream and node:stream/promises: Node's own stream implementation as
// published for other platforms (readable-stream, engine/src/node/vendor/),
// plus what that package leaves to Node: the adapters between Node streams
// and web streams (Readable/Writable/Duplex .toWeb and .fromWeb, whose
// package versions throw), and duplexPair.
(jsw) => {
  "use strict";
  const load = (path) => jsw.vendored["readable-stream"](path);
  let stream;
  function build() {
    if (stream) return stream;
    stream = load("lib/stream.js");
    const { Readable, Writable, Duplex, finished, destroy, isDestroyed, isReadable, isWritable } = stream;
    const encoder = new TextEncoder();
    const premature = (error) => (error?.code === "ERR_STREAM_PREMATURE_CLOSE" ? jsw.abortError(error) : error);
    const deferred = () => {
      let resolve, reject;
      const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
      return { promise, resolve, reject };
    };
    // A callback that throws inside a promise reaction must not become an
    // unhandled rejection: it destroys the stream on the next tick instead.
    const settle = (callback, target) => (error) => {
      try {
        callback(error);
      } catch (thrown) {
        process.nextTick(() => destroy(target, thrown));
      }
    };
    const checkEncoding = (encoding) => {
      // (Node names the value as the argument here, and the reverse.)
      if (encoding !== undefined && !Buffer.isEncoding(encoding)) throw jsw.invalidArgValue(encoding, "options.encoding");
    };
    const checkObjectMode = (objectMode) => {
      if (typeof objectMode !== "boolean") throw jsw.invalidArgType("options.objectMode", "of type boolean", objectMode);
    };
    const checkOptions = (options) => {
      if (options === null || typeof options !== "object") throw jsw.invalidArgType("options", "of type object", options);
    };
    function toBytes(chunk, encoding, decodeStrings, objectMode) {
      if (typeof chunk !== "string" || !decodeStrings || objectMode) return chunk;
      if (!encoding || /^utf-?8$/i.test(encoding)) return encoder.encode(chunk);
      const buf = Buffer.from(chunk, encoding);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }

    // Readable -> ReadableStream: data flows while the web stream wants more,
    // and the Readable pauses when its queue is full.
    function readableToWeb(readable, options = {}) {
      if (typeof readable?._readableState !== "object") throw jsw.invalidArgType("streamReadable", "an stream.Readable", readable);
      if (isDestroyed(readable) || !isReadable(readable)) {
        const closed = new ReadableStream();
        closed.cancel();
        return closed;
      }
      const objectMode = readable.readableObjectMode;
      const highWaterMark = readable.readableHighWaterMark;
      const strategy = options?.strategy ??
        (objectMode ? new CountQueuingStrategy({ highWaterMark }) : new ByteLengthQueuingStrategy({ highWaterMark }));
      let controller;
      let cancelled = false;
      readable.pause();
      const cleanup = finished(readable, (error) => {
        error = premature(error);
        cleanup();
        // Legacy streams may emit 'error' again after finishing.
        readable.on("error", () => {});
        if (error) return controller.error(error);
        if (!cancelled) controller.close();
      });
      readable.on("data", (chunk) => {
        // A copy, so that the web side owns its bytes.
        if (Buffer.isBuffer(chunk) && !objectMode) chunk = new Uint8Array(chunk);
        controller.enqueue(chunk);
        if (controller.desiredSize <= 0) readable.pause();
      });
      return new ReadableStream(
        {
          start(c) {
            controller = c;
          },
          pull() {
            readable.resume();
          },
          cancel(reason) {
            cancelled = true;
            destroy(readable, reason);
          },
        },
        strategy,
      );
    }

    // ReadableStream -> Readable: each _read takes one chunk from the reader.
    function readableFromWeb(readableStream, options = {}) {
      if (!(readableStream instanceof ReadableStream)) {
        throw jsw.invalidArgType("readableStream", "an instance of ReadableStream", readableStream);
      }
      checkOptions(options);
      const { highWaterMark, encoding, objectMode = false, signal } = options;
      checkEncoding(encoding);
      checkObjectMode(objectMode);
      const reader = readableStream.getReader();
      let closed = false;
      const readable = new Readable({
        objectMode,
        highWaterMark,
        encoding,
        signal,
        read: readerRead(reader, () => readable),
        destroy(error, callback) {
          const done = destroyed(callback, error);
          if (closed) return done();
          reader.cancel(error).then(done, done);
        },
      });
      reader.closed.then(
        () => {
          closed = true;
        },
        (error) => {
          closed = true;
          destroy(readable, error);
        },
      );
      return readable;
    }

    // Writable -> WritableStream: each write waits for 'drain' when the
    // Writable asks for it; close ends it and waits for it to finish.
    function writableToWeb(writable) {
      if (!writable || typeof writable.write !== "function" || typeof writable.on !== "function") {
        throw jsw.invalidArgType("streamWritable", "an stream.Writable", writable);
      }
      if (isDestroyed(writable) || !isWritable(writable)) {
        const closed = new WritableStream();
        closed.close();
        return closed;
      }
      const highWaterMark = writable.writableHighWaterMark;
      const strategy = writable.writableObjectMode ? new CountQueuingStrategy({ highWaterMark }) : { highWaterMark };
      let controller;
      let backpressure;
      let closing;
      const cleanup = finished(writable, (error) => {
        error = premature(error);
        cleanup();
        writable.on("error", () => {});
        if (error != null) {
          backpressure?.reject(error);
          if (closing !== undefined) {
            closing.reject(error);
            closing = undefined;
          }
          controller.error(error);
          controller = undefined;
          return;
        }
        if (closing !== undefined) {
          closing.resolve();
          closing = undefined;
          return;
        }
        controller.error(jsw.abortError());
        controller = undefined;
      });
      writable.on("drain", () => backpressure?.resolve());
      return new WritableStream(
        {
          start(c) {
            controller = c;
          },
          write(chunk) {
            if (writable.writableNeedDrain || !writable.write(chunk)) {
              backpressure = deferred();
              return backpressure.promise.finally(() => {
                backpressure = undefined;
              });
            }
          },
          abort(reason) {
            destroy(writable, reason);
          },
          close() {
            if (closing === undefined && !writable.writableEnded) {
              closing = deferred();
              writable.end();
              return closing.promise;
            }
            controller = undefined;
            return Promise.resolve();
          },
        },
        strategy,
      );
    }

    // The write side of a Writable or Duplex made over a WritableStream.
    // read() of a Readable (or Duplex) fed by a web stream's reader.
    function readerRead(reader, target) {
      return function read() {
        reader.read().then(
          (chunk) => target().push(chunk.done ? null : chunk.value),
          (error) => destroy(target(), error),
        );
      };
    }
    // Calls a destroy() callback once the web stream is cancelled; what the
    // callback throws is thrown on the next tick, as in Node.
    function destroyed(callback, error) {
      return () => {
        try {
          callback(error);
        } catch (thrown) {
          process.nextTick(() => {
            throw thrown;
          });
        }
      };
    }
    function writerMethods(writer, options, target, isClosed) {
      const { decodeStrings = true, objectMode = false } = options;
      return {
        writev(chunks, callback) {
          const done = settle(callback, target());
          writer.ready
            .then(() => Promise.all(chunks.map(({ chunk }) => writer.write(chunk))))
            .then(() => done(), done);
        },
        write(chunk, encoding, callback) {
          chunk = toBytes(chunk, encoding, decodeStrings, objectMode);
          const done = settle(callback, target());
          writer.ready.then(() => writer.write(chunk).then(() => done(), done), done);
        },
        final(callback) {
          const done = settle(callback, target());
          if (!isClosed()) writer.close().then(() => done(), done);
        },
      };
    }

    function writableFromWeb(writableStream, options = {}) {
      if (!(writableStream instanceof WritableStream)) {
        throw jsw.invalidArgType("writableStream", "an instance of WritableStream", writableStream);
      }
      checkOptions(options);
      const { highWaterMark, decodeStrings = true, objectMode = false, signal } = options;
      checkObjectMode(objectMode);
      if (typeof decodeStrings !== "boolean") throw jsw.invalidArgType("options.decodeStrings", "of type boolean", decodeStrings);
      const writer = writableStream.getWriter();
      let closed = false;
      const writable = new Writable({
        highWaterMark,
        objectMode,
        decodeStrings,
        signal,
        ...writerMethods(writer, { decodeStrings, objectMode }, () => writable, () => closed),
        destroy(error, callback) {
          const done = () => {
            try {
              callback(error);
            } catch (thrown) {
              process.nextTick(() => {
                throw thrown;
              });
            }
          };
          if (closed) return done();
          (error != null ? writer.abort(error) : writer.close()).then(done, done);
        },
      });
      writer.closed.then(
        () => {
          // The web side closed before the Writable ended.
          closed = true;
          if (!writable.writableEnded) {
            destroy(writable, jsw.nodeError(Error, "ERR_STREAM_PREMATURE_CLOSE", "Premature close"));
          }
        },
        (error) => {
          closed = true;
          destroy(writable, error);
        },
      );
      return writable;
    }

    function duplexToWeb(duplex) {
      if (typeof duplex?._writableState !== "object" || typeof duplex?._readableState !== "object") {
        throw jsw.invalidArgType("duplex", "an stream.Duplex", duplex);
      }
      if (isDestroyed(duplex)) {
        const writable = new WritableStream();
        const readable = new ReadableStream();
        writable.close();
        readable.cancel();
        return { readable, writable };
      }
      const writable = isWritable(duplex) ? writableToWeb(duplex) : new WritableStream();
      if (!isWritable(duplex)) writable.close();
      const readable = isReadable(duplex) ? readableToWeb(duplex) : new ReadableStream();
      if (!isReadable(duplex)) readable.cancel();
      return { writable, readable };
    }

    function duplexFromWeb(pair = {}, options = {}) {
      if (pair === null || typeof pair !== "object") throw jsw.invalidArgType("pair", "of type object", pair);
      const { readable: readableStream, writable: writableStream } = pair;
      if (!(readableStream instanceof ReadableStream)) {
        throw jsw.invalidArgType("pair.readable", "an instance of ReadableStream", readableStream);
      }
      if (!(writableStream instanceof WritableStream)) {
        throw jsw.invalidArgType("pair.writable", "an instance of WritableStream", writableStream);
      }
      checkOptions(options);
      const { allowHalfOpen = false, objectMode = false, encoding, decodeStrings = true, highWaterMark, signal } = options;
      checkObjectMode(objectMode);
      checkEncoding(encoding);
      const writer = writableStream.getWriter();
      const reader = readableStream.getReader();
      let writableClosed = false;
      let readableClosed = false;
      const duplex = new Duplex({
        allowHalfOpen,
        highWaterMark,
        objectMode,
        encoding,
        decodeStrings,
        signal,
        ...writerMethods(writer, { decodeStrings, objectMode }, () => duplex, () => writableClosed),
        read: readerRead(reader, () => duplex),
        destroy(error, callback) {
          const done = destroyed(callback, error);
          if (writableClosed && readableClosed) return done();
          Promise.all([
            writableClosed ? undefined : writer.abort(error),
            readableClosed ? undefined : reader.cancel(error),
          ]).then(done, done);
        },
      });
      writer.closed.then(
        () => {
          writableClosed = true;
          if (!duplex.writableEnded) destroy(duplex, jsw.nodeError(Error, "ERR_STREAM_PREMATURE_CLOSE", "Premature close"));
        },
        (error) => {
          writableClosed = readableClosed = true;
          destroy(duplex, error);
        },
      );
      reader.closed.then(
        () => {
          readableClosed = true;
        },
        (error) => {
          writableClosed = readableClosed = true;
          destroy(duplex, error);
        },
      );
      return duplex;
    }

    Readable.toWeb = readableToWeb;
    Readable.fromWeb = readableFromWeb;
    Writable.toWeb = writableToWeb;
    Writable.fromWeb = writableFromWeb;
    Duplex.toWeb = duplexToWeb;
    Duplex.fromWeb = duplexFromWeb;

    // duplexPair: two Duplexes, each reading what the other writes.
    const kOther = Symbol("kOther");
    const kCallback = Symbol("kCallback");
    class DuplexSide extends Duplex {
      _read() {
        const callback = this[kCallback];
        if (callback) {
          this[kCallback] = null;
          callback();
        }
      }
      _write(chunk, encoding, callback) {
        if (chunk.length === 0) {
          process.nextTick(callback);
        } else {
          this[kOther].push(chunk);
          this[kOther][kCallback] = callback;
        }
      }
      _final(callback) {
        this[kOther].on("end", callback);
        this[kOther].push(null);
      }
    }
    stream.duplexPair = function duplexPair(options) {
      const a = new DuplexSide(options);
      const b = new DuplexSide(options);
      a[kOther] = b;
      b[kOther] = a;
      return [a, b];
    };
    stream._isArrayBufferView = ArrayBuffer.isView;
    return stream;
  }
  jsw.defineBuiltin("node:stream", build);
  jsw.defineBuiltin("node:stream/promises", () => {
    build();
    return load("lib/stream/promises.js");
  });
};

// stdin and raw writes: the `jsw:io` module and Javy's `Javy.IO`.
(jsw) => {
  "use strict";
  const view = (data) => {
    if (typeof data === "string") return jsw.utf8Encode(data);
    if (data instanceof Uint8Array) return data;
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw new TypeError("expected a string, an ArrayBuffer or an ArrayBufferView");
  };
  const readAllSync = () => jsw.readStdin();
  const readTextSync = () => new TextDecoder().decode(jsw.readStdin());

  jsw.ioModule = {
    readAllSync,
    readTextSync,
    readAll: async () => readAllSync(),
    readText: async () => readTextSync(),
    write(fd, data) {
      if (fd !== 1 && fd !== 2) throw new RangeError(`write: fd must be 1 (stdout) or 2 (stderr), got ${fd}`);
      const bytes = view(data);
      jsw.writeBytes(fd, bytes);
      return bytes.length;
    },
  };

  const Javy = {
    IO: {
      readSync(fd, data) {
        if (fd !== 0) throw new RangeError(`readSync: only fd 0 (stdin) can be read, got ${fd}`);
        const target = view(data);
        const chunk = jsw.readStdinChunk(target.length);
        target.set(chunk);
        return chunk.length;
      },
      writeSync(fd, data) {
        return jsw.ioModule.write(fd, data);
      },
    },
  };
  Object.defineProperty(globalThis, "Javy", { value: Javy, writable: true, configurable: true, enumerable: false });
};

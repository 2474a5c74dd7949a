// process: the part of Node's process object programs and packages reach for.
// argv and env are read from WASI at run time and never cached during the build,
// so a snapshot can never freeze the build's (empty) values.
(jsw) => {
  "use strict";
  let argv = null;
  let env = null;

  const exitStatus = () => {
    const code = process.exitCode;
    if (code === undefined || code === null) return 0;
    const n = Number(code);
    return Number.isInteger(n) ? n : 1;
  };
  jsw.exitStatus = exitStatus;

  function toBytes(chunk, encoding) {
    if (typeof chunk === "string") return jsw.utf8Encode(chunk.toWellFormed());
    if (chunk instanceof Uint8Array) return chunk;
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    throw new TypeError(`The "chunk" argument must be of type string or Uint8Array. Received ${typeof chunk}`);
  }

  const stream = (fd) => ({
    fd,
    isTTY: false,
    writable: true,
    write(chunk, encoding, callback) {
      if (typeof encoding === "function") callback = encoding;
      jsw.writeBytes(fd, toBytes(chunk, encoding));
      if (typeof callback === "function") queueMicrotask(callback);
      return true;
    },
    end(chunk, encoding, callback) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== "function") this.write(chunk, encoding);
      const cb = [chunk, encoding, callback].find((f) => typeof f === "function");
      if (cb) queueMicrotask(cb);
    },
    on() { return this; },
    once() { return this; },
    off() { return this; },
    emit() { return false; },
  });

  const startNs = () => BigInt(Math.round(jsw.now() * 1e6));
  function hrtime(previous) {
    const ns = startNs();
    let s = Number(ns / 1000000000n);
    let n = Number(ns % 1000000000n);
    if (Array.isArray(previous)) {
      s -= previous[0];
      n -= previous[1];
      if (n < 0) {
        s -= 1;
        n += 1e9;
      }
    }
    return [s, n];
  }
  hrtime.bigint = startNs;

  const process = {
    get argv() {
      if (argv !== null) return argv;
      const args = jsw.args();
      const value = [args[0] ?? "jsw", jsw.entryName(), ...args.slice(1)];
      if (!jsw.isBuild()) argv = value;
      return value;
    },
    set argv(value) {
      argv = value;
    },
    get env() {
      if (env !== null) return env;
      const value = jsw.environ();
      if (!jsw.isBuild()) env = value;
      return value;
    },
    set env(value) {
      env = value;
    },
    exitCode: undefined,
    exit(code) {
      if (code !== undefined) process.exitCode = code;
      jsw.exit(exitStatus());
    },
    stdout: stream(1),
    stderr: stream(2),
    platform: "wasi",
    arch: "wasm32",
    versions: { jsw: jsw.version },
    release: { name: "jsw" },
    pid: 1,
    ppid: 0,
    title: "jsw",
    execArgv: [],
    cwd: () => "/",
    hrtime,
    uptime: () => jsw.now() / 1000,
    nextTick(callback, ...args) {
      queueMicrotask(() => callback(...args));
    },
    emitWarning(warning) {
      const text = warning instanceof Error ? `${warning.name}: ${warning.message}` : String(warning);
      jsw.write(2, `(jsw) Warning: ${text}\n`);
    },
    on() { return process; },
    once() { return process; },
    off() { return process; },
    addListener() { return process; },
    removeListener() { return process; },
    removeAllListeners() { return process; },
    listeners: () => [],
    emit: () => false,
  };
  Object.defineProperty(process, Symbol.toStringTag, { value: "process" });

  Object.defineProperty(globalThis, "process", { value: process, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(globalThis, "global", { value: globalThis, writable: true, configurable: true, enumerable: false });
};

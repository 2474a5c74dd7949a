// process: the part of Node's process object programs and packages reach for.
// argv and env are read from WASI at run time and never cached during the build,
// so a snapshot can never freeze the build's (empty) values.
(jsw) => {
  "use strict";
  let argv = null;

  // process.env is one object for the whole run, as in Node, so that a
  // reference kept from the top level sees the run's values. Behind it is the
  // run's environment, read from the host on first use: WASI's for a command;
  // for an HTTP handler the host's wasi:cli environment and wasi:config store
  // (compiler/src/bindings/), once per request, since every request is a
  // fresh instance. The top level runs while jsw compiles, where the
  // environment is empty: what it reads there it gets from that, and the
  // build says so once per name. What the program assigns is a string, as in
  // Node, and an assignment made at build time stays over the run's values.
  let replaced = null;
  let runEnv = null;
  const buildEnv = jsw.environ();
  const assigned = new Map();
  const warned = new Set();
  const variable = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
  function warn(key) {
    if (!jsw.isBuild() || typeof key !== "string" || assigned.has(key) || warned.has(key)) return;
    if (!variable.test(key) || key in Object.prototype) return;
    warned.add(key);
    jsw.write(
      2,
      `jsw: warning: the top level read process.env.${key} while building (unset there); ` +
        `the snapshot keeps what it made of that. Read it at run time (in main() or the handler) to see the running host's value\n`,
    );
  }
  function backing() {
    if (jsw.isBuild()) return buildEnv;
    if (runEnv === null) {
      runEnv = jsw.host?.environ ? jsw.host.environ() : jsw.environ();
      for (const [key, value] of assigned) {
        if (value === undefined) delete runEnv[key];
        else runEnv[key] = value;
      }
    }
    return runEnv;
  }
  const record = (key, value) => {
    if (jsw.isBuild() && typeof key === "string") assigned.set(key, value);
  };
  const envObject = new Proxy(
    {},
    {
      get(_, key) {
        warn(key);
        return backing()[key];
      },
      has(_, key) {
        warn(key);
        return key in backing();
      },
      set(_, key, value) {
        const text = typeof key === "symbol" ? value : String(value);
        record(key, text);
        backing()[key] = text;
        return true;
      },
      deleteProperty(_, key) {
        record(key, undefined);
        return delete backing()[key];
      },
      defineProperty(_, key, descriptor) {
        const text = "value" in descriptor ? String(descriptor.value) : undefined;
        record(key, text);
        backing()[key] = text;
        return true;
      },
      ownKeys() {
        if (jsw.isBuild() && !warned.has("*")) {
          warned.add("*");
          jsw.write(
            2,
            "jsw: warning: the top level listed process.env while building, where it holds only what the program set; " +
              "the snapshot keeps what it made of that. List it at run time (in main() or the handler)\n",
          );
        }
        return Reflect.ownKeys(backing());
      },
      getOwnPropertyDescriptor(_, key) {
        const d = Reflect.getOwnPropertyDescriptor(backing(), key);
        if (d) d.configurable = true;
        return d;
      },
    },
  );

  // Exit codes are validated as Node validates them (integers, or strings of
  // one); the status is the code's low byte (-1 → 255, 300 → 44), as on POSIX.
  let exitCode;
  function validCode(code) {
    if (code === undefined || code === null) return code;
    if (typeof code === "string" && /^\s*-?\d+\s*$/.test(code)) return Number(code);
    if (typeof code !== "number") {
      const shown = typeof code === "object" || typeof code === "function" ? "an instance of " + (code.constructor?.name ?? "Object") : `type ${typeof code} (${jsw.inspect(code)})`;
      const err = new TypeError(`The "code" argument must be of type number. Received ${shown}`);
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    if (!Number.isInteger(code)) {
      const err = new RangeError(`The value of "code" is out of range. It must be an integer. Received ${code}`);
      err.code = "ERR_OUT_OF_RANGE";
      throw err;
    }
    return code;
  }
  const exitStatus = () => (exitCode === undefined || exitCode === null ? 0 : Number(exitCode) & 0xff);
  jsw.exitStatus = exitStatus;

  // Listeners of process events ('exit', 'beforeExit', 'uncaughtException',
  // 'unhandledRejection', and any the program emits itself).
  const events = new Map();
  // The event loop reads whether anyone listens for 'beforeExit' from here (mod.rs).
  const noteBeforeExit = () => {
    jsw.loopState[3] = events.has("beforeExit") ? 1 : 0;
  };
  const listenersOf = (name) => events.get(name) ?? [];
  function listen(name, fn, once, prepend) {
    if (typeof fn !== "function") {
      const err = new TypeError(`The "listener" argument must be of type function. Received ${fn === null ? "null" : typeof fn}`);
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    const list = events.get(name) ?? [];
    const entry = { fn, once };
    if (prepend) list.unshift(entry);
    else list.push(entry);
    events.set(name, list);
    noteBeforeExit();
    return process;
  }
  function unlisten(name, fn) {
    const list = events.get(name);
    if (list === undefined) return process;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].fn === fn) {
        list.splice(i, 1);
        break;
      }
    }
    if (list.length === 0) events.delete(name);
    noteBeforeExit();
    return process;
  }
  function emit(name, ...args) {
    const list = events.get(name);
    if (list === undefined || list.length === 0) return false;
    for (const entry of [...list]) {
      if (entry.once) unlisten(name, entry.fn);
      entry.fn.apply(process, args);
    }
    return true;
  }

  // The end of a run: 'exit' listeners see the code (once), then the status is
  // what process.exitCode says (listeners may change it, or call process.exit).
  // `failed` is the status of a run that ended in an uncaught error.
  let exiting = false;
  jsw.emitExit = (failed) => {
    if (exiting) return exitStatus();
    exiting = true;
    if (failed !== undefined) exitCode = failed;
    emit("exit", exitCode ?? 0);
    return exitStatus();
  };
  // The loop ran dry: 'beforeExit' listeners may schedule more work. True when
  // there were listeners.
  jsw.emitBeforeExit = () => !exiting && emit("beforeExit", exitCode ?? 0);
  // An error nothing caught: 'uncaughtException' listeners take it, if any.
  jsw.dispatchUncaught = (error, origin) => emit("uncaughtException", error, origin);
  // A rejection nothing handled: 'unhandledRejection' listeners, else
  // 'uncaughtException' ones (origin 'unhandledRejection'), as in Node.
  jsw.dispatchUnhandled = (reason, promise) =>
    emit("unhandledRejection", reason, promise) || emit("uncaughtException", reason, "unhandledRejection");

  // process.nextTick callbacks run before promise jobs, as in Node: the engine
  // drains this queue, then the promise jobs, until both are empty.
  const ticks = [];
  // jsw.loopState[0] tells the event loop (mod.rs) that ticks are queued.
  jsw.runTicks = () => {
    if (ticks.length === 0) return false;
    const outer = jsw.asyncContext();
    try {
      while (ticks.length !== 0) {
        const [callback, args, frame] = ticks.shift();
        // Each callback in the async context of its nextTick call (still
        // current for `uncaughtException` listeners if it throws).
        jsw.setAsyncContext(frame);
        callback(...args);
      }
      jsw.setAsyncContext(outer);
    } finally {
      jsw.loopState[0] = ticks.length;
    }
    return true;
  };

  function toBytes(chunk, encoding) {
    if (typeof chunk === "string") return jsw.utf8Encode(chunk);
    if (chunk instanceof Uint8Array) return chunk;
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    throw new TypeError(`The "chunk" argument must be of type string or Uint8Array. Received ${typeof chunk}`);
  }

  // process.stdout and process.stderr: writes go out at once (buffered by the
  // engine, flushed in program order). They are event emitters, as Node's are,
  // so that stream code can pipe into them: `end()` emits 'finish' (which is
  // what `pipeline(..., process.stdout)` waits for) and they stay writable,
  // as Node's are on a terminal.
  const stream = (fd) => {
    let emitter;
    const events = () => (emitter ??= new (jsw.requireAbsolute("node:events").EventEmitter)());
    const out = {
      fd,
      // true on a terminal; absent (undefined) otherwise, as in Node.
      get isTTY() {
        return jsw.isatty(fd) || undefined;
      },
      writable: true,
      writableEnded: false,
      writableFinished: false,
      destroyed: false,
      writableLength: 0,
      writableHighWaterMark: 16384,
      writableNeedDrain: false,
      write(chunk, encoding, callback) {
        if (typeof encoding === "function") callback = encoding;
        jsw.writeBytes(fd, toBytes(chunk, encoding));
        if (typeof callback === "function") queueMicrotask(callback);
        return true;
      },
      end(chunk, encoding, callback) {
        if (chunk !== undefined && chunk !== null && typeof chunk !== "function") this.write(chunk, encoding);
        const cb = [chunk, encoding, callback].find((f) => typeof f === "function");
        queueMicrotask(() => {
          if (emitter) emitter.emit("finish");
          if (cb) cb();
        });
        return this;
      },
      cork() {},
      uncork() {},
      setDefaultEncoding() {
        return this;
      },
      destroy() {
        return this;
      },
      emit: (name, ...args) => (emitter ? emitter.emit(name, ...args) : false),
      listenerCount: (name) => (emitter ? emitter.listenerCount(name) : 0),
      listeners: (name) => (emitter ? emitter.listeners(name) : []),
    };
    for (const name of ["on", "addListener", "once", "prependListener", "prependOnceListener", "off", "removeListener", "removeAllListeners"]) {
      out[name] = function (...args) {
        events()[name](...args);
        return this;
      };
    }
    return out;
  };

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
      return replaced ?? envObject;
    },
    set env(value) {
      replaced = value;
    },
    get exitCode() {
      return exitCode;
    },
    set exitCode(code) {
      exitCode = validCode(code);
    },
    exit(code) {
      if (code !== undefined && code !== null) process.exitCode = code;
      jsw.exit(jsw.emitExit());
    },
    stdout: stream(1),
    stderr: stream(2),
    platform: "wasi",
    arch: "wasm32",
    // The Node release whose API the runtime follows (documented in the README);
    // Packages that look for Node find it: jsw provides the Node APIs server code
    // uses (README: Runtime API), and the unavailable ones say so when called.
    version: "v20.0.0",
    versions: { node: "20.0.0", jsw: jsw.version },
    release: { name: "jsw" },
    pid: 1,
    ppid: 0,
    title: "jsw",
    execArgv: [],
    cwd: () => "/",
    chdir(directory) {
      throw jsw.nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", `process.chdir('${directory}') is not available in jsw modules: the working directory is always /`);
    },
    memoryUsage: Object.assign(
      function memoryUsage() {
        const [used, memory] = jsw.memoryUsage();
        // One linear memory holds everything: it is the resident set and the heap.
        return { rss: memory, heapTotal: memory, heapUsed: used, external: 0, arrayBuffers: 0 };
      },
      { rss: () => jsw.memoryUsage()[1] },
    ),
    // stdin as a Readable stream (node:stream), made on first use.
    get stdin() {
      let stream;
      try {
        stream = jsw.requireAbsolute("node:stream");
      } catch {}
      if (!stream?.Readable) {
        throw new Error("process.stdin was reached by a name the compiler could not see: write `process.stdin` in the program so that it is built with node:stream");
      }
      // The stream asks for data (_read) while it still holds data it has not
      // delivered; reading right there would hold back what came in until the
      // next input arrives. So _read only notes that a read is wanted, and the
      // read happens as an immediate: when ticks, promise jobs and due timers
      // have run, i.e. when everything the last chunk caused is done. It waits
      // for input and for the next timer together.
      const { setImmediate, clearImmediate } = globalThis;
      let wanted = false;
      let pending = null;
      const cancel = () => {
        wanted = false;
        if (pending !== null) clearImmediate(pending);
        pending = null;
      };
      function pump() {
        pending = null;
        let chunk;
        try {
          // Input, or a timer that is due first (then this runs again after it).
          if (!jsw.waitStdin(jsw.nextTimerDelay())) {
            pending = setImmediate(pump);
            return;
          }
          chunk = jsw.readStdinChunk(65536);
        } catch (e) {
          wanted = false;
          return stdin.destroy(e);
        }
        wanted = false;
        stdin.push(chunk.length === 0 ? null : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      }
      const stdin = new stream.Readable({
        highWaterMark: 65536,
        read() {
          wanted = true;
          pending ??= setImmediate(pump);
        },
        destroy(error, callback) {
          cancel();
          callback(error);
        },
      });
      // A pending read keeps the program alive. Node stops reading stdin a tick
      // after pause() unless the stream flows again by then (a pause inside a
      // 'data' listener does not stop it: the stream reads ahead into its
      // buffer); then the program can end, as after readline's close().
      stdin.on("pause", () => {
        process.nextTick(() => {
          if (wanted && !stdin.readableFlowing) {
            cancel();
            stdin._readableState.reading = false;
          }
        });
      });
      stdin.fd = 0;
      Object.defineProperty(stdin, "isTTY", { get: () => jsw.isatty(0) || undefined });
      Object.defineProperty(process, "stdin", { value: stdin, writable: true, configurable: true, enumerable: true });
      return stdin;
    },
    hrtime,
    uptime: () => jsw.now() / 1000,
    nextTick(callback, ...args) {
      if (typeof callback !== "function") {
        const err = new TypeError(`The "callback" argument must be of type function. Received ${callback === null ? "null" : typeof callback}`);
        err.code = "ERR_INVALID_ARG_TYPE";
        throw err;
      }
      ticks.push([callback, args, jsw.asyncContext()]);
      jsw.loopState[0] = ticks.length;
    },
    emitWarning(warning) {
      const text = warning instanceof Error ? `${warning.name}: ${warning.message}` : String(warning);
      jsw.write(2, `(jsw) Warning: ${text}\n`);
    },
    on: (name, fn) => listen(name, fn, false, false),
    addListener: (name, fn) => listen(name, fn, false, false),
    once: (name, fn) => listen(name, fn, true, false),
    prependListener: (name, fn) => listen(name, fn, false, true),
    prependOnceListener: (name, fn) => listen(name, fn, true, true),
    off: unlisten,
    removeListener: unlisten,
    removeAllListeners(name) {
      if (name === undefined) events.clear();
      else events.delete(name);
      noteBeforeExit();
      return process;
    },
    emit,
    listeners: (name) => listenersOf(name).map((e) => e.fn),
    rawListeners: (name) => listenersOf(name).map((e) => e.fn),
    listenerCount: (name) => listenersOf(name).length,
    eventNames: () => [...events.keys()],
    setMaxListeners() { return process; },
    getMaxListeners: () => 10,
  };
  Object.defineProperty(process, Symbol.toStringTag, { value: "process" });

  Object.defineProperty(globalThis, "process", { value: process, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(globalThis, "global", { value: globalThis, writable: true, configurable: true, enumerable: false });
};

// node:readline and node:readline/promises: lines from a readable input (most
// often process.stdin), as `line` events, `question()` and `for await`.
(jsw) => {
  "use strict";
  const { EventEmitter } = jsw.requireAbsolute("node:events");
  const { StringDecoder } = jsw.requireAbsolute("node:string_decoder");

  class Interface extends EventEmitter {
    #input;
    #output;
    #decoder = new StringDecoder("utf8");
    #pending = "";
    #questions = [];
    #prompt = "> ";
    #onData;
    #onEnd;
    closed = false;
    line = "";
    cursor = 0;
    terminal = false;
    constructor(input, output, completer, terminal) {
      super();
      const options = input && typeof input.on === "function" && !("input" in input) ? { input, output, completer, terminal } : input ?? {};
      this.#input = options.input;
      this.#output = options.output;
      if (options.prompt !== undefined) this.#prompt = String(options.prompt);
      this.terminal = Boolean(options.terminal);
      this.#onData = (chunk) => this.#take(typeof chunk === "string" ? chunk : this.#decoder.write(chunk));
      this.#onEnd = () => {
        this.#take(this.#decoder.end());
        if (this.#pending.length > 0) {
          const last = this.#pending;
          this.#pending = "";
          this.#line(last);
        }
        this.close();
      };
      if (this.#input) {
        this.#input.on("data", this.#onData);
        this.#input.on("end", this.#onEnd);
        if (typeof this.#input.resume === "function") this.#input.resume();
      }
    }
    get input() {
      return this.#input;
    }
    get output() {
      return this.#output;
    }
    #take(text) {
      this.#pending += text;
      let at;
      while ((at = this.#pending.search(/\r\n|\n|\r/)) >= 0) {
        // A lone \r at the end may be the start of \r\n: wait for the next chunk.
        if (this.#pending[at] === "\r" && at === this.#pending.length - 1) break;
        const line = this.#pending.slice(0, at);
        this.#pending = this.#pending.slice(this.#pending.startsWith("\r\n", at) ? at + 2 : at + 1);
        this.#line(line);
        if (this.closed) return;
      }
    }
    #line(line) {
      const question = this.#questions.shift();
      if (question) question(line);
      else this.emit("line", line);
    }
    setPrompt(prompt) {
      this.#prompt = String(prompt);
    }
    getPrompt() {
      return this.#prompt;
    }
    prompt() {
      if (this.closed) throw jsw.nodeError(Error, "ERR_USE_AFTER_CLOSE", "readline was closed");
      this.#output?.write?.(this.#prompt);
    }
    question(query, options, callback) {
      if (typeof options === "function") callback = options;
      if (this.closed) throw jsw.nodeError(Error, "ERR_USE_AFTER_CLOSE", "readline was closed");
      this.#output?.write?.(String(query));
      this.#questions.push((answer) => callback(answer));
    }
    write(data) {
      if (typeof data === "string") this.#take(data);
    }
    pause() {
      this.#input?.pause?.();
      this.emit("pause");
      return this;
    }
    resume() {
      this.#input?.resume?.();
      this.emit("resume");
      return this;
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      if (this.#input) {
        this.#input.removeListener("data", this.#onData);
        this.#input.removeListener("end", this.#onEnd);
        this.#input.pause?.();
      }
      this.emit("close");
    }
    getCursorPos() {
      return { rows: 0, cols: this.cursor };
    }
    [Symbol.asyncIterator]() {
      const lines = [];
      const waiting = [];
      let done = this.closed;
      this.on("line", (line) => (waiting.length ? waiting.shift()({ value: line, done: false }) : lines.push(line)));
      this.on("close", () => {
        done = true;
        while (waiting.length) waiting.shift()({ value: undefined, done: true });
      });
      return {
        next: () => {
          if (lines.length) return Promise.resolve({ value: lines.shift(), done: false });
          if (done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => waiting.push(resolve));
        },
        return: () => {
          this.close();
          return Promise.resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    }
    [Symbol.dispose]() {
      this.close();
    }
  }
  class PromisesInterface extends Interface {
    question(query, options) {
      return new Promise((resolve) => super.question(query, options, resolve));
    }
  }
  // The terminal's control sequences (ECMA-48), which Node writes whatever
  // the stream is.
  const CSI = "\u001b[";
  const clearCode = (dir) => (dir < 0 ? `${CSI}1K` : dir > 0 ? `${CSI}0K` : `${CSI}2K`);
  const cursorToCode = (x, y) => (typeof y !== "number" ? `${CSI}${x + 1}G` : `${CSI}${y + 1};${x + 1}H`);
  function moveCode(dx, dy) {
    let data = "";
    if (dx < 0) data += `${CSI}${-dx}D`;
    else if (dx > 0) data += `${CSI}${dx}C`;
    if (dy < 0) data += `${CSI}${-dy}A`;
    else if (dy > 0) data += `${CSI}${dy}B`;
    return data;
  }
  const checkCallback = (callback) => {
    if (callback !== undefined && typeof callback !== "function") throw jsw.invalidArgType("callback", "of type function", callback);
  };
  // Nothing to write: the callback still runs, on the next tick.
  const nothing = (callback) => {
    if (typeof callback === "function") process.nextTick(callback, null);
    return true;
  };
  function cursorTo(stream, x, y, callback) {
    checkCallback(callback);
    if (typeof y === "function") [callback, y] = [y, undefined];
    if (Number.isNaN(x)) throw jsw.invalidArgValue("x", x);
    if (Number.isNaN(y)) throw jsw.invalidArgValue("y", y);
    if (stream == null || (typeof x !== "number" && typeof y !== "number")) return nothing(callback);
    if (typeof x !== "number") throw jsw.nodeError(TypeError, "ERR_INVALID_CURSOR_POS", "Cannot set cursor row without setting its column");
    return stream.write(cursorToCode(x, y), callback);
  }
  function moveCursor(stream, dx, dy, callback) {
    if (stream == null || !(dx || dy)) return nothing(callback);
    return stream.write(moveCode(dx, dy), callback);
  }
  function clearLine(stream, dir, callback) {
    checkCallback(callback);
    if (stream == null) return nothing(callback);
    return stream.write(clearCode(dir), callback);
  }
  function clearScreenDown(stream, callback) {
    checkCallback(callback);
    if (stream == null) return nothing(callback);
    return stream.write(`${CSI}0J`, callback);
  }

  function checkInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
    if (typeof value !== "number") throw jsw.invalidArgType(name, "of type number", value);
    if (!Number.isInteger(value)) {
      throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be an integer. Received ${value}`);
    }
    if (value < min || value > max) {
      throw jsw.nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be >= ${min} && <= ${max}. Received ${value}`);
    }
  }
  // readline/promises' Readline: cursor actions queued, then written in one
  // piece by commit() (or each on the next tick, with autoCommit).
  class Readline {
    #autoCommit = false;
    #stream;
    #todo = [];
    constructor(stream, options = undefined) {
      const writable = stream && typeof stream.write === "function" && typeof stream.on === "function" &&
        stream.writable === true && !stream.destroyed && !stream.writableEnded;
      if (!writable) throw jsw.invalidArgType("stream", "an instance of Writable", stream);
      this.#stream = stream;
      if (options?.autoCommit != null) {
        if (typeof options.autoCommit !== "boolean") throw jsw.invalidArgType("options.autoCommit", "of type boolean", options.autoCommit);
        this.#autoCommit = options.autoCommit;
      }
    }
    #queue(data) {
      if (this.#autoCommit) process.nextTick(() => this.#stream.write(data));
      else this.#todo.push(data);
      return this;
    }
    cursorTo(x, y = undefined) {
      checkInteger(x, "x");
      if (y != null) checkInteger(y, "y");
      return this.#queue(cursorToCode(x, y ?? undefined));
    }
    moveCursor(dx, dy) {
      if (!(dx || dy)) return this;
      checkInteger(dx, "dx");
      checkInteger(dy, "dy");
      return this.#queue(moveCode(dx, dy));
    }
    clearLine(dir) {
      checkInteger(dir, "dir", -1, 1);
      return this.#queue(clearCode(dir));
    }
    clearScreenDown() {
      return this.#queue(`${CSI}0J`);
    }
    commit() {
      return new Promise((resolve) => {
        this.#stream.write(this.#todo.join(""), resolve);
        this.#todo = [];
      });
    }
    rollback() {
      this.#todo = [];
      return this;
    }
  }

  const readline = {
    Interface,
    createInterface: (...args) => new Interface(...args),
    clearLine,
    clearScreenDown,
    cursorTo,
    moveCursor,
    emitKeypressEvents() {},
  };
  const promises = { Interface: PromisesInterface, Readline, createInterface: (...args) => new PromisesInterface(...args) };
  readline.promises = promises;
  jsw.defineBuiltin("node:readline", () => readline);
  jsw.defineBuiltin("node:readline/promises", () => promises);
};

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
  const terminalOnly = () => true;
  const readline = {
    Interface,
    createInterface: (...args) => new Interface(...args),
    clearLine: terminalOnly,
    clearScreenDown: terminalOnly,
    cursorTo: terminalOnly,
    moveCursor: terminalOnly,
    emitKeypressEvents() {},
  };
  const promises = { Interface: PromisesInterface, createInterface: (...args) => new PromisesInterface(...args) };
  readline.promises = promises;
  jsw.defineBuiltin("node:readline", () => readline);
  jsw.defineBuiltin("node:readline/promises", () => promises);
};

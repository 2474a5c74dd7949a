// `jsw:kv`: key-value namespaces in the shape of Workers KV, over a
// wasi:keyvalue@0.2.0-draft bucket, so that the same component keeps its data
// in `jsw serve`'s embedded store or Redis, the wasmtime CLI's in-memory
// store, Spin's or wasmCloud's.
//
// The handler's `env.NAME` is the namespace of binding NAME (declared with
// `--kv NAME[=BUCKET]`: it opens bucket BUCKET, NAME by default); `open(id)`
// gives the namespace of any bucket identifier. A bucket is opened on first
// use in a request (every request is a fresh instance). Every method returns a
// promise; a host that refuses (no such store, Redis down, a value too large)
// rejects it with a KVError the handler can catch.
//
// The compiler (compiler/src/bindings/guest.rs) adds this module, with the
// program's bindings in place of BINDINGS, when the program has bindings or
// imports `jsw:kv`.
import { open as openBucket } from "wasi:keyvalue/store@0.2.0-draft";
import { increment as incrementKey } from "wasi:keyvalue/atomics@0.2.0-draft";
import { getMany, setMany, deleteMany } from "wasi:keyvalue/batch@0.2.0-draft";
import { host } from "jsw:wit";

const BINDINGS = "@JSW_KV_BINDINGS@";

// Workers KV's limits: keys up to 512 bytes, values up to 25 MiB, 1000 keys a
// list page. Hosts may allow less (jsw serve says so in its error).
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const MAX_LIST = 1000;
const TYPES = new Set(["text", "json", "arrayBuffer", "stream"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class KVError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(KVError.prototype, "name", { value: "KVError", writable: true, configurable: true });

function checkKey(key) {
  if (typeof key !== "string") throw new TypeError(`a key must be a string, not ${key === null ? "null" : typeof key}`);
  if (key === "") throw new TypeError("a key must not be empty");
  if (key === "." || key === "..") throw new TypeError(`"${key}" is not a valid key`);
  const bytes = encoder.encode(key).length;
  if (bytes > MAX_KEY_BYTES) {
    throw new KVError(`a key is at most ${MAX_KEY_BYTES} bytes; this one has ${bytes}`, "ERR_KV_KEY_TOO_LARGE");
  }
  return key;
}

const tooLarge = (size) =>
  new KVError(`a value is at most ${MAX_VALUE_BYTES} bytes; this one has ${size}`, "ERR_KV_VALUE_TOO_LARGE");

// A stream's bytes, read no further than the limit (a request body may be
// far larger than any value).
async function readLimited(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = typeof value === "string" ? encoder.encode(value) : new Uint8Array(value.buffer ?? value, value.byteOffset ?? 0, value.byteLength);
    size += chunk.length;
    if (size > MAX_VALUE_BYTES) {
      reader.cancel(tooLarge(`more than ${MAX_VALUE_BYTES}`)).catch(() => {});
      throw tooLarge(`more than ${MAX_VALUE_BYTES}`);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// Keys in code point order, which is UTF-8 byte order, the order hosts list
// them in (JS's own string order is UTF-16's and differs above U+D7FF).
function byCodePoint(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(i);
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

// list()'s cursor: the host's page and the last key given, so that keys
// deleted or added meanwhile make it skip nothing.
const base64url = (text) =>
  btoa(Array.from(encoder.encode(text), (b) => String.fromCharCode(b)).join(""))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
const fromBase64url = (text) =>
  decoder.decode(Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0)));

async function toBytes(value) {
  let bytes;
  if (typeof value === "string") bytes = encoder.encode(value);
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  else if (value instanceof ReadableStream) bytes = await readLimited(value);
  else {
    throw new TypeError(
      "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values",
    );
  }
  if (bytes.length > MAX_VALUE_BYTES) throw tooLarge(bytes.length);
  return bytes;
}

function fromBytes(bytes, type) {
  switch (type) {
    case "text":
      return decoder.decode(bytes);
    case "json":
      return JSON.parse(decoder.decode(bytes));
    case "arrayBuffer":
      return bytes.slice().buffer;
    case "stream":
      return new ReadableStream({
        start(controller) {
          if (bytes.length > 0) controller.enqueue(bytes.slice());
          controller.close();
        },
      });
  }
}

function typeOf(options) {
  const type = typeof options === "string" ? options : (options?.type ?? "text");
  if (!TYPES.has(type)) throw new TypeError(`unknown KV value type "${type}": use "text", "json", "arrayBuffer" or "stream"`);
  return type;
}

export class KVNamespace {
  #name;
  #identifier;
  #bucket = null;

  constructor(name, identifier = name) {
    this.#name = String(name);
    this.#identifier = String(identifier);
  }

  // The host's refusal, as an error that names the binding and the bucket.
  #fail(op, e) {
    const p = e?.payload;
    const where = this.#name === this.#identifier ? `KV ${this.#name}` : `KV ${this.#name} (bucket "${this.#identifier}")`;
    if (p && typeof p === "object" && typeof p.tag === "string") {
      switch (p.tag) {
        case "no-such-store":
          return new KVError(
            `${where}: the host has no store for bucket "${this.#identifier}" ` +
              `(jsw serve: --kv ${this.#name}; wasmtime serve: -S keyvalue=y, which serves only the bucket "")`,
            "ERR_KV_NO_SUCH_STORE",
          );
        case "access-denied":
          return new KVError(`${where}: ${op}: the host denied access`, "ERR_KV_ACCESS_DENIED");
        default: {
          const message = String(p.val ?? p.tag);
          // The host's own limits (jsw serve says them so).
          const code = message.startsWith("a value is at most")
            ? "ERR_KV_VALUE_TOO_LARGE"
            : message.startsWith("a key is at most")
              ? "ERR_KV_KEY_TOO_LARGE"
              : "ERR_KV";
          return new KVError(`${where}: ${op}: ${message}`, code);
        }
      }
    }
    return e;
  }

  #call(op, f) {
    try {
      if (this.#bucket === null) this.#bucket = openBucket(this.#identifier);
      return f(this.#bucket);
    } catch (e) {
      throw this.#fail(op, e);
    }
  }

  async get(key, options) {
    if (Array.isArray(key)) return this.#getMany(key, options);
    checkKey(key);
    const type = typeOf(options);
    const bytes = this.#call("get", (b) => b.get(key));
    return bytes === undefined || bytes === null ? null : fromBytes(bytes, type);
  }

  async #getMany(keys, options) {
    keys.forEach(checkKey);
    const type = typeOf(options);
    if (type === "arrayBuffer" || type === "stream") {
      throw new TypeError(`get() of several keys gives "text" or "json" values, not "${type}"`);
    }
    const found = this.#call("getMany", (b) => getMany(b, keys));
    const out = new Map();
    keys.forEach((key, i) => {
      const entry = found[i];
      out.set(key, entry === undefined || entry === null ? null : fromBytes(entry[1], type));
    });
    return out;
  }

  async getWithMetadata(key, options) {
    // wasi:keyvalue keeps no metadata beside a value.
    return { value: await this.get(key, options), metadata: null };
  }

  async put(key, value, options) {
    checkKey(key);
    if (options != null && (options.expiration !== undefined || options.expirationTtl !== undefined || options.metadata !== undefined)) {
      throw new TypeError("KV put(): expiration, expirationTtl and metadata are not supported: wasi:keyvalue stores values only");
    }
    const bytes = await toBytes(value);
    this.#call("put", (b) => b.set(key, bytes));
  }

  async putMany(entries) {
    const list = Array.isArray(entries) ? entries : Object.entries(entries ?? {});
    const pairs = [];
    for (const [key, value] of list) pairs.push([checkKey(key), await toBytes(value)]);
    this.#call("putMany", (b) => setMany(b, pairs));
  }

  async delete(key) {
    checkKey(key);
    this.#call("delete", (b) => b.delete(key));
  }

  async deleteMany(keys) {
    keys = Array.from(keys, checkKey);
    this.#call("deleteMany", (b) => deleteMany(b, keys));
  }

  // Keys in order, `prefix` filtered here: wasi:keyvalue lists the whole
  // bucket by pages (sorted, on jsw serve; each page is sorted here too). The
  // cursor is this module's own: the host's page and the last key given. A
  // later call skips keys up to that one, and when keys before it were
  // deleted meanwhile (the host's page, a position, then starts past it),
  // steps back a page at a time, so that nothing is skipped.
  async list(options = {}) {
    const prefix = options?.prefix == null ? "" : String(options.prefix);
    const limit = options?.limit == null ? MAX_LIST : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
      throw new TypeError(`list() limit must be an integer from 1 to ${MAX_LIST}`);
    }
    let page;
    let after;
    if (options?.cursor) {
      const m = /^(\d*)\.([A-Za-z0-9_-]*)$/.exec(String(options.cursor));
      if (!m) throw new TypeError(`"${options.cursor}" is not a cursor list() gave`);
      page = m[1] === "" ? undefined : BigInt(m[1]);
      if (page !== undefined && page > 0xffffffffffffffffn) throw new TypeError(`"${options.cursor}" is not a cursor list() gave`);
      after = fromBase64url(m[2]);
    }
    const keys = [];
    // Only where the call resumes: a later page starts past the key anyway.
    let resuming = after !== undefined;
    for (;;) {
      const response = this.#call("list", (b) => b.listKeys(page));
      const names = [...response.keys].sort(byCodePoint);
      if (resuming && page !== undefined && page > 0n && (names.length === 0 || byCodePoint(names[0], after) > 0)) {
        const back = BigInt(Math.max(names.length, MAX_LIST));
        page = page > back ? page - back : 0n;
        continue;
      }
      resuming = false;
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if ((after !== undefined && byCodePoint(name, after) <= 0) || !name.startsWith(prefix)) continue;
        keys.push({ name });
        if (keys.length === limit) {
          const inPage = i + 1 < names.length;
          if (!inPage && response.cursor === undefined) return { keys, list_complete: true, cacheStatus: null };
          const next = inPage ? page : response.cursor;
          return { keys, list_complete: false, cursor: `${next ?? ""}.${base64url(name)}`, cacheStatus: null };
        }
      }
      if (response.cursor === undefined) return { keys, list_complete: true, cacheStatus: null };
      page = response.cursor;
    }
  }

  // Atomic: concurrent increments from many requests all count. The value is
  // a decimal number (a missing key counts from 0), as `get` reads it.
  async increment(key, delta = 1) {
    checkKey(key);
    let by;
    try {
      by = BigInt(delta);
    } catch {
      by = -1n;
    }
    if (by < 0n || by > 0xffffffffffffffffn) throw new RangeError("increment() adds an integer from 0 to 2^64 - 1");
    const value = this.#call("increment", (b) => incrementKey(b, key, by));
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
}

/** The namespace of bucket `identifier` (as `wasi:keyvalue/store.open` names it). */
export function open(identifier) {
  if (typeof identifier !== "string") throw new TypeError("open() takes a bucket identifier (a string)");
  return new KVNamespace(identifier, identifier);
}

/** The program's bindings, as the handler's `env` holds them. */
export const bindings = {};
for (const [name, identifier] of Object.entries(BINDINGS)) {
  bindings[name] = new KVNamespace(name, identifier);
}
host("bindings", bindings);

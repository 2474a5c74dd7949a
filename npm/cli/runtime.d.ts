// Types for code that runs inside a jsw module. Add to tsconfig.json:
//   "compilerOptions": { "types": ["@jsw/cli/runtime"] }
// (the usual lib.dom / @types/node cover console, timers, URL, TextEncoder, ...;
// this file declares what is jsw's own).

declare module "jsw:io" {
  /** All of stdin as bytes. Only at run time (in `main`), not at build time. */
  export function readAll(): Promise<Uint8Array>;
  export function readAllSync(): Uint8Array;
  /** All of stdin decoded as UTF-8. */
  export function readText(): Promise<string>;
  export function readTextSync(): string;
  /** Writes a string (UTF-8) or bytes to stdout (1) or stderr (2); returns bytes written. */
  export function write(fd: 1 | 2, data: string | ArrayBuffer | ArrayBufferView): number;
}

declare namespace Javy {
  namespace IO {
    /** Reads up to `data.length` bytes from fd 0 into `data`; 0 at end of input. */
    function readSync(fd: 0, data: Uint8Array): number;
    /** Writes `data` to fd 1 or 2; returns bytes written. */
    function writeSync(fd: 1 | 2, data: Uint8Array): number;
  }
}

declare module "jsw:kv" {
  /** How `get` returns a value. */
  export type KVType = "text" | "json" | "arrayBuffer" | "stream";

  /** Why a key-value call was refused (`code`: ERR_KV_NO_SUCH_STORE, ERR_KV_ACCESS_DENIED, ERR_KV, ERR_KV_VALUE_TOO_LARGE, ERR_KV_KEY_TOO_LARGE). */
  export class KVError extends Error {
    code: string;
  }

  /**
   * A key-value namespace over a wasi:keyvalue bucket, in the shape of Workers KV
   * (`env.NAME` of a handler served with `jsw serve --kv NAME`). Keys are 1 to 512
   * bytes; values at most 25 MiB. Every method returns a promise that rejects with
   * a KVError when the host refuses.
   */
  export class KVNamespace {
    constructor(name: string, identifier?: string);
    get(key: string, type?: "text" | { type: "text" }): Promise<string | null>;
    get<T = unknown>(key: string, type: "json" | { type: "json" }): Promise<T | null>;
    get(key: string, type: "arrayBuffer" | { type: "arrayBuffer" }): Promise<ArrayBuffer | null>;
    get(key: string, type: "stream" | { type: "stream" }): Promise<ReadableStream<Uint8Array> | null>;
    /** Several keys in one call: a Map of key → value (null when missing). */
    get(keys: string[], type?: "text" | "json" | { type: "text" | "json" }): Promise<Map<string, unknown>>;
    getWithMetadata(key: string, type?: KVType | { type: KVType }): Promise<{ value: unknown; metadata: null }>;
    /** Stores a string, bytes or a stream's bytes. Expiration and metadata are not supported. */
    put(key: string, value: string | ArrayBuffer | ArrayBufferView | ReadableStream): Promise<void>;
    putMany(entries: Array<[string, string | ArrayBuffer | ArrayBufferView]> | Record<string, string>): Promise<void>;
    delete(key: string): Promise<void>;
    deleteMany(keys: Iterable<string>): Promise<void>;
    /** Keys in order, at most `limit` (1 to 1000, default 1000); pass `cursor` back for the next page. */
    list(options?: { prefix?: string; limit?: number; cursor?: string }): Promise<{
      keys: { name: string }[];
      list_complete: boolean;
      cursor?: string;
      cacheStatus: null;
    }>;
    /** Adds `delta` atomically to the decimal number stored at `key` (missing: 0) and returns the sum. */
    increment(key: string, delta?: number | bigint): Promise<number | bigint>;
  }

  /** The namespace of a bucket identifier, as wasi:keyvalue/store.open names it. */
  export function open(identifier: string): KVNamespace;
  /** The program's bindings (`jsw compile --kv NAME`), as the handler's `env` holds them. */
  export const bindings: Record<string, KVNamespace>;
}

/** A handler's key-value binding (`env.NAME`), as the README's examples name its type. */
type KVNamespace = import("jsw:kv").KVNamespace;

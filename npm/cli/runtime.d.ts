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

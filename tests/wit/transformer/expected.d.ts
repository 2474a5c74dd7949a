/// <reference lib="esnext.disposable" />
// TypeScript declarations for the WIT world acme:plugin/transformer, written by `jsw types`.
// A plugin's exports are checked with:
//   import * as plugin from "./plugin";
//   plugin satisfies typeof import("acme:plugin/transformer");

declare module "acme:plugin/host" {
  /**
   * Writes a line to the host's log.
   */
  export function log(level: number, msg: string): void;
}

declare module "acme:plugin/store" {
  export class Blob {
    constructor(init: Uint8Array);
    write(bytes: Uint8Array): void;
    read(n: number): Uint8Array;
    static merge(lhs: Blob, rhs: Blob): Blob;
    /** Drops the handle now; otherwise it is dropped once the object is collected. */
    [Symbol.dispose](): void;
  }
  export type Color = "red" | "dark-green";
  export interface Perms {
    read?: boolean;
    writeAll?: boolean;
  }
  export interface Point {
    x: bigint;
    y: number;
  }
  export function lookup(key: string): string | undefined;
  export function pair(): [number, string];
}

declare module "acme:plugin/transformer" {
  import type { Color } from "acme:plugin/store";
  export type { Color };
  export interface Item {
    id: number;
    name: string;
    tags: Array<string>;
    price?: number;
    color: Color;
  }
  export type Outcome = OutcomeKept | OutcomeDropped | OutcomeSkipped;
  export interface OutcomeKept { tag: "kept"; val: Item; }
  export interface OutcomeDropped { tag: "dropped"; val: string; }
  export interface OutcomeSkipped { tag: "skipped"; }
  export function transform(items: Array<Item>): Array<Outcome>;
  export function version(): string;
  export function checked(x: number): number;
}

import { log, scalars as hostScalars, lookup, bytes, mirror, wide as hostWide, Blob, liveBlobs } from "acme:suite/host@0.1.0";
import type * as World from "acme:suite/everything@0.1.0";

// Runs at build time: the snapshot holds the table, not the code that built it.
const discounts = new Map<string, number>([["sale", 0.5], ["clearance", 0.25]]);
let calls = 0;

export const calc = {
  add(a: number, b: number): number {
    return (a + b) | 0;
  },
  divide(a: number, b: number): number {
    if (b === 0) throw new Error("division by zero");
    return a / b;
  },
};

export function transform(items: World.Item[]): World.Outcome[] {
  log(`transform: ${items.length} items`);
  return items.map((item) => {
    if (item.price === undefined) return { tag: "dropped", val: item.name };
    if (item.tags.length === 0) return { tag: "skipped" };
    const factor = item.tags.reduce((f, t) => f * (discounts.get(t) ?? 1), 1);
    return { tag: "kept", val: { ...item, name: item.name.toUpperCase(), price: item.price * factor } };
  });
}

export function scalars(...values: unknown[]) {
  return values;
}

export function roundtrip(...values: unknown[]) {
  return values;
}

export function wide(...values: number[]): bigint {
  return values.reduce((sum, v, i) => sum + BigInt(v) * BigInt(i + 1), 0n);
}

export function useHost(key: string): string {
  const found = lookup(key);
  return found === undefined ? "(none)" : found;
}

export function hostRound(): string {
  const s = hostScalars(true, 255, -128, 65535, -32768, 4294967295, -2147483648, 18446744073709551615n, -9223372036854775808n, 1.5, Math.PI, "🦀");
  const m = mirror({ x: -5n, y: 0.25 }, { read: true, exec: true }, "dark-green", { tag: "rect", val: { x: 7n, y: 2 } });
  const b = bytes(5);
  const w = hostWide(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
  const replacer = (_: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v);
  return JSON.stringify({ s, m, b: Array.from(b), bytesType: b.constructor.name, w }, replacer);
}

export function counter(): number {
  return ++calls;
}

export async function later(ms: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return `after ${ms} ms`;
}

export function fails(): number {
  throw new TypeError("this export always fails");
}

export function wrongShape(): World.Outcome {
  return { tag: "bogus" } as unknown as World.Outcome;
}

export function badArgument(): string {
  try {
    log(42 as unknown as string);
    return "no error";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

export function blobs(): string {
  const a = new Blob(new Uint8Array([1, 2]));
  a.write(new Uint8Array([3]));
  const b = new Blob(new Uint8Array([9]));
  const merged = Blob.merge(a, b);
  const live = liveBlobs();
  const sizes = [a.size(), b.size(), merged.size()];
  const read = Array.from(merged.read(10));
  a[Symbol.dispose]();
  b[Symbol.dispose]();
  merged[Symbol.dispose]();
  let afterDispose = "usable";
  try {
    a.size();
  } catch (e) {
    afterDispose = `${(e as Error).name}: ${(e as Error).message}`;
  }
  let noConstructor = "";
  try {
    Blob.merge(a, b);
  } catch (e) {
    noConstructor = (e as Error).message;
  }
  return JSON.stringify({ live, sizes, read, after: liveBlobs(), afterDispose, isBlob: merged instanceof Blob, noConstructor });
}

export function blobSize(b: Blob): number {
  return b.size();
}

export function takeBlob(b: Blob): number {
  const n = b.size();
  b[Symbol.dispose]();
  return n;
}

export function giveBlob(): Blob {
  const b = new Blob(new Uint8Array([4, 5]));
  b.write(new Uint8Array([6]));
  return b;
}

let disposed = 0;

class Counter {
  #n: number;
  constructor(start: number) {
    this.#n = start;
  }
  inc(by: number): number {
    this.#n += by;
    return this.#n;
  }
  label(): string {
    return `counter at ${this.#n}`;
  }
  static pair(a: number, b: number): [Counter, Counter] {
    return [new Counter(a), new Counter(b)];
  }
  static sum(a: Counter, b: Counter): number {
    return a.#n + b.#n;
  }
  [Symbol.dispose]() {
    disposed++;
  }
}

export const counters = {
  Counter,
  make(start: number): Counter {
    return new Counter(start);
  },
  disposed(): number {
    return disposed;
  },
};

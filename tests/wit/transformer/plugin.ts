import { log } from "acme:plugin/host";
import { Blob } from "acme:plugin/store";
import type { Item, Outcome } from "acme:plugin/transformer";

export function transform(items: Item[]): Outcome[] {
  log(1, `transforming ${items.length}`);
  return items.map((item) =>
    item.price === undefined ? { tag: "dropped", val: item.name } : item.tags.length ? { tag: "kept", val: item } : { tag: "skipped" },
  );
}
export function version(): string {
  return "1.0.0";
}
export function checked(x: number): number {
  if (x > 10) throw new Error("too big");
  return x + new Blob(new Uint8Array([1])).read(1).length;
}

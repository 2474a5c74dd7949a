// The plugin of the README's example, in plain JS so that jsw and
// ComponentizeJS build the same source (bench/plugin.py).
import { log } from "acme:plugin/host";

// Top level: at build time under jsw (the snapshot holds the result).
const rules = compileRules();

function compileRules() {
  const banned = new Set(["spam", "counterfeit", "recalled"]);
  const discounts = new Map([["sale", 0.8], ["clearance", 0.5]]);
  return { banned, discounts, maxPrice: 1000 };
}

export function transform(items) {
  let kept = 0;
  const out = items.map((item) => {
    if (item.price === undefined || item.price > rules.maxPrice) return { tag: "dropped", val: item.name };
    if (item.tags.some((t) => rules.banned.has(t))) return { tag: "dropped", val: item.name };
    const factor = item.tags.reduce((f, t) => f * (rules.discounts.get(t) ?? 1), 1);
    kept++;
    return { tag: "kept", val: { ...item, name: item.name.trim().toLowerCase(), price: Math.round(item.price * factor * 100) / 100 } };
  });
  log(1, `kept ${kept} of ${items.length}`);
  return out;
}

export function version() {
  return "1.0.0";
}

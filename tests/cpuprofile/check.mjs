// Checks a .cpuprofile against Chrome DevTools' own definition of it: the
// Profiler.Profile type of the DevTools protocol (devtools-protocol's
// js_protocol.json), recursively: every required property present, every
// property of the declared type, nothing undeclared.
// Usage: node check.mjs PROFILE (from a folder with devtools-protocol installed)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const protocol = require("devtools-protocol/json/js_protocol.json");
const profiler = protocol.domains.find((d) => d.domain === "Profiler");
const runtime = protocol.domains.find((d) => d.domain === "Runtime");
const types = new Map();
for (const domain of [profiler, runtime]) {
  for (const t of domain.types) types.set(`${domain.domain}.${t.id}`, t);
}
const problems = [];
function check(value, spec, path, domain) {
  if (spec.$ref) {
    const name = spec.$ref.includes(".") ? spec.$ref : `${domain}.${spec.$ref}`;
    const type = types.get(name);
    if (!type) throw new Error(`unknown type ${name}`);
    return check(value, type, path, name.split(".")[0]);
  }
  switch (spec.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return problems.push(`${path}: not an object`);
      const declared = new Set((spec.properties || []).map((p) => p.name));
      for (const p of spec.properties || []) {
        if (!(p.name in value)) {
          if (!p.optional) problems.push(`${path}.${p.name}: missing`);
          continue;
        }
        check(value[p.name], p, `${path}.${p.name}`, domain);
      }
      for (const key of Object.keys(value)) if (!declared.has(key)) problems.push(`${path}.${key}: not in the protocol`);
      return;
    }
    case "array":
      if (!Array.isArray(value)) return problems.push(`${path}: not an array`);
      value.forEach((v, i) => check(v, spec.items, `${path}[${i}]`, domain));
      return;
    case "integer":
      if (!Number.isInteger(value)) problems.push(`${path}: not an integer (${value})`);
      return;
    case "number":
      if (typeof value !== "number") problems.push(`${path}: not a number`);
      return;
    case "string":
      if (typeof value !== "string") problems.push(`${path}: not a string`);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${path}: not a boolean`);
      return;
    default:
      throw new Error(`unhandled type ${spec.type} at ${path}`);
  }
}
const profile = JSON.parse(readFileSync(process.argv[2], "utf8"));
check(profile, { $ref: "Profiler.Profile" }, "profile", "Profiler");
if (problems.length) {
  console.error(problems.slice(0, 20).join("\n"));
  process.exit(1);
}
console.log(`ok: a Profiler.Profile of ${profile.nodes.length} nodes and ${profile.samples.length} samples`);

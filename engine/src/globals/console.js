// console and the value formatter behind it. The layout rules (when an object
// fits on one line, how long arrays are grouped into columns, how deep nesting
// goes) follow Node's util.inspect, so that programs print what users expect.
(jsw) => {
  "use strict";

  const customInspect = Symbol.for("nodejs.util.inspect.custom");
  const defaults = { depth: 2, breakLength: 80, compact: 3, maxArrayLength: 100, maxStringLength: 10000 };

  const identifier = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const getProto = Object.getPrototypeOf;
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const objectToString = (v) => Object.prototype.toString.call(v);
  const typedArrayProto = getProto(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
  const isTypedArray = (v) => typedArrayTag.call(v) !== undefined;
  const isError = (v) => v instanceof Error || objectToString(v) === "[object Error]";

  // Quote with ' unless the string holds one; then " or `, as Node does.
  const escapes = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\v": "\\v", "\\": "\\\\" };
  function quote(str) {
    let q = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) q = '"';
      else if (!str.includes("`") && !str.includes("${")) q = "`";
    }
    let out = "";
    for (const ch of str) {
      const code = ch.codePointAt(0);
      if (ch === q) out += "\\" + q;
      else if (escapes[ch] !== undefined) out += escapes[ch];
      else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
      else if (code >= 0xd800 && code <= 0xdfff) out += "\\u" + code.toString(16);
      else out += ch;
    }
    return q + out + q;
  }

  function formatKey(key) {
    if (typeof key === "symbol") return `[${key.toString()}]`;
    // An own "__proto__" key, shown so it cannot be taken for the prototype.
    if (key === "__proto__") return "['__proto__']";
    if (identifier.test(key)) return key;
    return quote(key);
  }

  function formatNumber(n) {
    return Object.is(n, -0) ? "-0" : String(n);
  }

  function formatPrimitive(v, ctx) {
    switch (typeof v) {
      case "string": {
        let trailer = "";
        if (v.length > ctx.maxStringLength) {
          const rest = v.length - ctx.maxStringLength;
          v = v.slice(0, ctx.maxStringLength);
          trailer = `... ${rest} more character${rest > 1 ? "s" : ""}`;
        }
        return quote(v) + trailer;
      }
      case "number": return formatNumber(v);
      case "bigint": return `${v}n`;
      case "boolean": return String(v);
      case "undefined": return "undefined";
      case "symbol": return v.toString();
    }
    return String(v);
  }

  // The name of the nearest constructor on the prototype chain, or null.
  function constructorName(obj) {
    let o = obj;
    while (o !== null && o !== undefined) {
      const desc = Object.getOwnPropertyDescriptor(o, "constructor");
      if (desc !== undefined && typeof desc.value === "function" && desc.value.name !== "") {
        return desc.value.name;
      }
      o = getProto(o);
    }
    return null;
  }

  function prefix(ctor, tag, fallback, size) {
    const sz = size === undefined ? "" : `(${size})`;
    if (ctor === null) {
      if (tag !== "" && fallback !== tag) return `[${fallback}${sz}: null prototype] [${tag}] `;
      return `[${fallback}${sz}: null prototype] `;
    }
    if (tag !== "" && ctor !== tag) return `${ctor}${sz} [${tag}] `;
    return `${ctor}${sz} `;
  }

  function functionBase(fn, ctor, tag) {
    const src = Function.prototype.toString.call(fn);
    if (src.startsWith("class") && /^class(\s|\{)/.test(src)) {
      let base = `[class ${fn.name || "(anonymous)"}`;
      const sup = getProto(fn);
      if (sup !== Function.prototype && sup !== null && sup.name) base += ` extends ${sup.name}`;
      return base + "]";
    }
    let type = "Function";
    const t = objectToString(fn).slice(8, -1);
    if (t === "AsyncFunction" || t === "GeneratorFunction" || t === "AsyncGeneratorFunction") type = t;
    let base = `[${type}`;
    if (ctor === null) base += " (null prototype)";
    base += fn.name === "" ? " (anonymous)" : `: ${fn.name}`;
    base += "]";
    if (ctor !== type && ctor !== null && ctor !== "Function") base += ` ${ctor}`;
    if (tag !== "" && ctor !== tag && tag !== type) base += ` [${tag}]`;
    return base;
  }

  function errorBase(err, ctx) {
    let stack = err.stack ? String(err.stack) : Error.prototype.toString.call(err);
    stack = jsw.currentStack(err, stack);
    stack = stack.replace(/\n+$/, "");
    // Like Node, an error without a trace is shown in brackets (but not the
    // uncaught error itself, which Node prints from its stack).
    if (!stack.includes("\n    at") && err !== reporting) stack = `[${stack}]`;
    if (ctx.indentationLvl !== 0) stack = stack.split("\n").join("\n" + " ".repeat(ctx.indentationLvl));
    return stack;
  }

  function formatValue(ctx, value, depth, typedArrayEntry) {
    if (value === null) return "null";
    if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(value, ctx);

    if (ctx.seen.includes(value)) {
      let index = ctx.circular.get(value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      }
      return `[Circular *${index}]`;
    }
    // A class's own inspect method is not used to show its prototype (which is
    // no instance of it), as in Node. It gets the depth left and a copy of the
    // options, whose depth is the one asked for (null for no limit).
    const custom = ctx.customInspect === false ? undefined : value[customInspect];
    if (typeof custom === "function" && custom !== inspect && !(value.constructor && value.constructor.prototype === value)) {
      const options = Object.assign({}, ctx, {
        depth: ctx.depth === Infinity ? null : ctx.depth,
        seen: undefined,
        circular: undefined,
      });
      const result = custom.call(value, ctx.depth === Infinity ? null : ctx.depth - depth, options, inspect);
      if (result !== value) {
        if (typeof result === "string") {
          return ctx.indentationLvl === 0 ? result : result.split("\n").join("\n" + " ".repeat(ctx.indentationLvl));
        }
        return formatValue(ctx, result, depth);
      }
    }
    return formatRaw(ctx, value, depth, typedArrayEntry);
  }

  // Own keys to show: enumerable ones, or all of them with showHidden (%o).
  let showHidden = false;
  function ownKeys(value, filter) {
    let keys;
    if (showHidden) {
      keys = [...Object.getOwnPropertyNames(value), ...Object.getOwnPropertySymbols(value)];
    } else {
      keys = Object.keys(value);
      for (const sym of Object.getOwnPropertySymbols(value)) {
        if (Object.getOwnPropertyDescriptor(value, sym).enumerable) keys.push(sym);
      }
    }
    return filter === undefined ? keys : keys.filter(filter);
  }

  const isIndex = (k) => typeof k === "string" && /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295;

  function formatRaw(ctx, value, depth) {
    const ctor = constructorName(value);
    let tag = value[Symbol.toStringTag];
    // An own enumerable tag is listed with the keys; shown twice it would be noise.
    const ownTag = showHidden ? hasOwn : (o, k) => Object.prototype.propertyIsEnumerable.call(o, k);
    if (typeof tag !== "string" || (tag !== "" && ownTag(value, Symbol.toStringTag))) tag = "";
    let keys;
    let base = "";
    let braces;
    let formatter = formatObjectEntries;
    let extrasType = "object";
    let noIterator = false;

    if (Array.isArray(value)) {
      keys = ownKeys(value, (k) => !isIndex(k));
      const p = ctor !== "Array" || tag !== "" ? prefix(ctor, tag, "Array", value.length) : "";
      braces = [`${p}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = "array";
      formatter = formatArray;
    } else if (value instanceof Set && ctor !== null) {
      keys = ownKeys(value);
      const p = prefix(ctor, tag, "Set", value.size);
      formatter = formatSet;
      if (value.size === 0 && keys.length === 0) return `${p}{}`;
      braces = [`${p}{`, "}"];
    } else if (value instanceof Map && ctor !== null) {
      keys = ownKeys(value);
      const p = prefix(ctor, tag, "Map", value.size);
      formatter = formatMap;
      if (value.size === 0 && keys.length === 0) return `${p}{}`;
      braces = [`${p}{`, "}"];
    } else if (isTypedArray(value)) {
      keys = ownKeys(value, (k) => !isIndex(k));
      const name = typedArrayTag.call(value);
      const p = prefix(ctor, tag === name ? "" : tag, name, value.length);
      braces = [`${p}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = "array";
    } else {
      noIterator = true;
    }

    if (noIterator) {
      keys = ownKeys(value);
      braces = ["{", "}"];
      if (typeof value === "function") {
        base = functionBase(value, ctor, tag);
        if (keys.length === 0) return base;
      } else if (ctor === "Object" && tag === "" && !isError(value)) {
        const t = objectToString(value);
        if (t === "[object Arguments]") {
          // Node 20 lists arguments objects by key.
          braces[0] = "[Arguments] {";
          if (keys.length === 0) return "[Arguments] {}";
        } else if (keys.length === 0) {
          return "{}";
        }
      } else if (value instanceof RegExp) {
        base = RegExp.prototype.toString.call(value);
        const p = prefix(ctor, tag, "RegExp");
        if (p !== "RegExp ") base = `${p}${base}`;
        if (keys.length === 0) return base;
      } else if (value instanceof Date) {
        base = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
        const p = prefix(ctor, tag, "Date");
        if (p !== "Date ") base = `${p}${base}`;
        if (keys.length === 0) return base;
      } else if (isError(value)) {
        base = errorBase(value, ctx);
        // Like Node, leave out name/message/stack when the stack already shows them.
        keys = keys.filter((k) => !((k === "name" || k === "message" || k === "stack") &&
          typeof value[k] === "string" && base.includes(value[k])));
        // The chain behind an error matters most: Node shows `[cause]` and an
        // AggregateError's `[errors]` though neither is enumerable.
        if ("cause" in value && !keys.includes("cause")) keys.push("cause");
        if (Array.isArray(value.errors) && !keys.includes("errors")) keys.push("errors");
        if (keys.length === 0) return base;
      } else if (value instanceof DataView) {
        braces[0] = `${prefix(ctor, tag, "DataView")}{`;
        formatter = formatDataView;
      } else if (value instanceof ArrayBuffer) {
        keys = ownKeys(value);
        braces[0] = `${prefix(ctor, tag, "ArrayBuffer")}{`;
        formatter = formatArrayBuffer;
      } else if (value instanceof Promise) {
        braces[0] = `${prefix(ctor, tag, "Promise")}{`;
        formatter = formatPromise;
      } else if (value instanceof WeakSet || value instanceof WeakMap) {
        const name = value instanceof WeakSet ? "WeakSet" : "WeakMap";
        return `${prefix(ctor, tag, name)}{ <items unknown> }`;
      } else if (value instanceof Number || value instanceof String || value instanceof Boolean ||
                 value instanceof BigInt || value instanceof Symbol) {
        const [type, prim] = boxed(value);
        base = `[${type}`;
        if (type !== ctor) base += ctor === null ? " (null prototype)" : ` (${ctor})`;
        base += `: ${formatPrimitive(prim, defaults)}]`;
        if (tag !== "" && tag !== ctor) base += ` [${tag}]`;
        if (type === "String") keys = keys.filter((k) => !isIndex(k));
        if (keys.length === 0) return base;
      } else if (value === globalThis) {
        braces[0] = "Object [global] {";
      } else {
        if (ctor === null) braces[0] = `${prefix(ctor, tag, "Object")}{`;
        else if (ctor !== "Object" || tag !== "") braces[0] = `${prefix(ctor, tag, "Object")}{`;
        if (keys.length === 0 && formatter === formatObjectEntries) return `${braces[0]}}`;
      }
    }

    if (depth > ctx.depth) {
      const name = (ctor || tag || "Object");
      return Array.isArray(value) ? "[Array]" : `[${name}]`;
    }

    depth += 1;
    ctx.seen.push(value);
    ctx.currentDepth = depth;
    let output;
    try {
      output = formatter(ctx, value, depth);
      for (const key of keys) output.push(formatProperty(ctx, value, depth, key, extrasType));
    } finally {
      ctx.seen.pop();
    }
    if (ctx.sorted) {
      const comparator = ctx.sorted === true ? undefined : ctx.sorted;
      if (extrasType === "object") output.sort(comparator);
      else if (keys.length > 1) {
        const extras = output.splice(output.length - keys.length).sort(comparator);
        output.push(...extras);
      }
    }

    const ref = ctx.circular.get(value);
    if (ref !== undefined) {
      const r = `<ref *${ref}>`;
      if (base === "") braces[0] = `${r} ${braces[0]}`;
      else base = `${r} ${base}`;
    }
    return reduceToSingleString(ctx, output, base, braces, extrasType, depth, value);
  }

  function boxed(v) {
    if (v instanceof Number) return ["Number", Number.prototype.valueOf.call(v)];
    if (v instanceof String) return ["String", String.prototype.valueOf.call(v)];
    if (v instanceof Boolean) return ["Boolean", Boolean.prototype.valueOf.call(v)];
    if (v instanceof BigInt) return ["BigInt", BigInt.prototype.valueOf.call(v)];
    return ["Symbol", Symbol.prototype.valueOf.call(v)];
  }

  function formatProperty(ctx, value, depth, key, type) {
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    let str;
    if (desc.value !== undefined || !("get" in desc)) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, depth);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
    } else {
      str = desc.set !== undefined ? "[Setter]" : "undefined";
    }
    if (type === "array-entry") return str;
    const name = desc.enumerable === false ? `[${typeof key === "symbol" ? key.toString() : key}]` : formatKey(key);
    return `${name}: ${str}`;
  }

  function formatObjectEntries() {
    return [];
  }

  function formatList(ctx, value, depth, length, get) {
    const output = [];
    const max = Math.min(ctx.maxArrayLength, length);
    let i = 0;
    let holes = 0;
    const flushHoles = () => {
      if (holes > 0) {
        output.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
        holes = 0;
      }
    };
    for (; i < length && output.length < max; i++) {
      if (!hasOwn(value, i)) {
        holes++;
        continue;
      }
      flushHoles();
      output.push(get(i));
    }
    flushHoles();
    if (i < length) {
      const rest = length - i;
      output.push(`... ${rest} more item${rest > 1 ? "s" : ""}`);
    }
    return output;
  }

  function formatArray(ctx, value, depth) {
    return formatList(ctx, value, depth, value.length, (i) => formatProperty(ctx, value, depth, String(i), "array-entry"));
  }


  function formatTypedArray(ctx, value, depth) {
    const output = [];
    const max = Math.min(ctx.maxArrayLength, value.length);
    for (let i = 0; i < max; i++) {
      output.push(typeof value[i] === "bigint" ? `${value[i]}n` : formatNumber(value[i]));
    }
    if (value.length > max) {
      const rest = value.length - max;
      output.push(`... ${rest} more item${rest > 1 ? "s" : ""}`);
    }
    return output;
  }

  function formatArrayBuffer(ctx, value) {
    const bytes = new Uint8Array(value);
    let hex = Array.from(bytes.subarray(0, Math.min(50, bytes.length)), (b) => b.toString(16).padStart(2, "0")).join(" ");
    if (bytes.length > 50) hex += ` ... ${bytes.length - 50} more byte${bytes.length - 50 > 1 ? "s" : ""}`;
    return [`[Uint8Contents]: <${hex}>`, `byteLength: ${bytes.length}`];
  }

  function formatDataView(ctx, value, depth) {
    ctx.indentationLvl += 2;
    const buffer = formatValue(ctx, value.buffer, depth);
    ctx.indentationLvl -= 2;
    return [`byteLength: ${value.byteLength}`, `byteOffset: ${value.byteOffset}`, `buffer: ${buffer}`];
  }

  function formatSet(ctx, value, depth) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const v of value) output.push(formatValue(ctx, v, depth));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, depth) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const [k, v] of value) output.push(`${formatValue(ctx, k, depth)} => ${formatValue(ctx, v, depth)}`);
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatPromise(ctx, value, depth) {
    const [state, result] = jsw.promiseState(value);
    if (state === 0) return ["<pending>"];
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, result, depth);
    ctx.indentationLvl -= 2;
    return [state === 2 ? `<rejected> ${str}` : str];
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let total = output.length + start;
    if (total + output.length > ctx.breakLength) return false;
    for (const entry of output) {
      total += entry.length;
      if (total > ctx.breakLength) return false;
    }
    return base === "" || !base.includes("\n");
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, depth, value) {
    const entries = output.length;
    if (extrasType === "array" && entries > 6) output = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - depth < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(", ");
        if (!joined.includes("\n")) {
          return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  // Lays out many short array entries in aligned columns, roughly square.
  function groupArrayElements(ctx, output, value) {
    let total = 0;
    let maxLength = 0;
    let count = output.length;
    if (ctx.maxArrayLength < output.length) count--; // the "... more items" line stays alone
    const separatorSpace = 2;
    const lengths = [];
    for (let i = 0; i < count; i++) {
      const len = output[i].length;
      lengths.push(len);
      total += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl >= ctx.breakLength || !(total / actualMax > 5 || maxLength <= 6)) {
      return output;
    }
    const averageBias = Math.sqrt(actualMax - total / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * count) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const widths = [];
    for (let c = 0; c < columns; c++) {
      let width = 0;
      for (let j = c; j < count; j += columns) if (lengths[j] > width) width = lengths[j];
      widths.push(width + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== "number" && typeof value[i] !== "bigint") {
          padStart = false;
          break;
        }
      }
    }
    const grouped = [];
    for (let i = 0; i < count; i += columns) {
      const end = Math.min(i + columns, count);
      let line = "";
      let j = i;
      for (; j < end - 1; j++) {
        const cell = `${output[j]}, `;
        line += padStart ? cell.padStart(widths[j - i]) : cell.padEnd(widths[j - i]);
      }
      line += padStart ? output[j].padStart(widths[j - i] - separatorSpace) : output[j];
      grouped.push(line);
    }
    if (ctx.maxArrayLength < output.length) grouped.push(output[count]);
    return grouped;
  }

  function inspect(value, options) {
    const ctx = Object.assign({}, defaults, options, { seen: [], circular: new Map(), indentationLvl: 0, currentDepth: 0 });
    if (ctx.depth === null) ctx.depth = Infinity;
    const saved = showHidden;
    showHidden = ctx.showHidden === true;
    try {
      return formatValue(ctx, value, 0);
    } finally {
      showHidden = saved;
    }
  }

  // %s prints objects with inspect unless they (or a class of theirs) define
  // their own toString; the built-in ones (Array, Date, Error, ...) do not count.
  const builtinPrototypes = new Set([
    Object.prototype, Array.prototype, Error.prototype, Date.prototype, RegExp.prototype, Function.prototype,
    Map.prototype, Set.prototype, Promise.prototype, Number.prototype, String.prototype, Boolean.prototype,
    Symbol.prototype, BigInt.prototype, typedArrayProto, ArrayBuffer.prototype,
  ]);
  function hasUserToString(v) {
    let o = v;
    while (o !== null && !builtinPrototypes.has(o)) {
      if (hasOwn(o, "toString")) return true;
      o = getProto(o);
    }
    return false;
  }

  // printf-style formatting as console.log and util.format do it.
  function format(args) {
    const first = args[0];
    let out = "";
    let next = 0;
    // A lone string is printed as it is (`a%%b` stays `a%%b`), as Node does.
    if (typeof first === "string" && args.length === 1) return first;
    if (typeof first === "string") {
      next = 1;
      let last = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue; // '%'
        const c = first[i + 1];
        if (c === "%") {
          out += first.slice(last, i) + "%";
          last = i + 2;
          i++;
          continue;
        }
        if (next >= args.length || !"sdifjoOc".includes(c)) continue;
        const arg = args[next];
        let s;
        switch (c) {
          case "s":
            if (typeof arg === "bigint") s = `${arg}n`;
            else if (typeof arg === "number") s = formatNumber(arg);
            else if (typeof arg === "symbol") s = String(arg);
            else if (arg !== null && typeof arg === "object" && !hasUserToString(arg)) s = inspect(arg, { depth: 0 });
            else s = String(arg);
            break;
          case "d":
            s = typeof arg === "bigint" ? `${arg}n` : typeof arg === "symbol" ? "NaN" : formatNumber(Number(arg));
            break;
          case "i":
            s = typeof arg === "bigint" ? `${arg}n` : typeof arg === "symbol" ? "NaN" : formatNumber(parseInt(arg));
            break;
          case "f":
            s = typeof arg === "symbol" ? "NaN" : formatNumber(parseFloat(arg));
            break;
          case "j":
            try {
              s = JSON.stringify(arg);
            } catch (e) {
              s = "[Circular]";
            }
            break;
          case "o":
            s = inspect(arg, { depth: 4, showHidden: true });
            break;
          case "O":
            s = inspect(arg);
            break;
          case "c":
            s = "";
            break;
        }
        out += first.slice(last, i) + s;
        last = i + 2;
        i++;
        next++;
      }
      out += first.slice(last);
    }
    for (; next < args.length; next++) {
      const arg = args[next];
      if (out !== "" || next > 0) out += " ";
      out += typeof arg === "string" ? arg : inspect(arg);
    }
    return out;
  }

  inspect.custom = customInspect;
  inspect.defaultOptions = defaults;
  jsw.inspect = inspect;
  jsw.format = format;

  // Node prints an uncaught error through inspect, so own properties show too.
  let reporting;
  jsw.reportUncaught = (error) => {
    let text;
    reporting = error;
    try {
      text = `Uncaught ${inspect(error)}`;
    } catch (e) {
      text = "Uncaught exception (it could not be printed)";
    } finally {
      reporting = undefined;
    }
    jsw.write(2, text + "\n");
  };

  const counts = new Map();
  const timers = new Map();
  let groupIndent = "";
  // Under `jsw serve` exporting logs, each line says the method's level
  // (http/mod.rs sets jsw.logLevels from the request; the server takes the
  // mark off again, compiler/src/telemetry/console.rs).
  const MARK = "\u001e";
  const print = (fd, args, level = fd === 1 ? "I" : "E") => {
    let text = format(args);
    if (groupIndent !== "") text = groupIndent + text.split("\n").join("\n" + groupIndent);
    if (jsw.logLevels === true) text = MARK + level + text.split("\n").join("\n" + MARK + level);
    jsw.write(fd, text + "\n");
  };

  const console = {
    log: (...args) => print(1, args),
    info: (...args) => print(1, args),
    debug: (...args) => print(1, args, "D"),
    warn: (...args) => print(2, args, "W"),
    error: (...args) => print(2, args),
    trace: (...args) => {
      // The runtime's own frames are already left out of the trace: every frame
      // after the header is the program's, the innermost first.
      const stack = String(new Error().stack);
      const at = stack.indexOf("\n    at ");
      const frames = at < 0 ? "" : stack.slice(at);
      print(2, [`Trace${args.length ? ": " + format(args) : ""}${frames}`], "T");
    },
    assert: (condition, ...args) => {
      if (condition) return;
      // Node's console.assert is a console.warn.
      if (args.length === 0) print(2, ["Assertion failed"], "W");
      else if (typeof args[0] === "string") print(2, [`Assertion failed: ${args[0]}`, ...args.slice(1)], "W");
      else print(2, ["Assertion failed:", ...args], "W");
    },
    // Node's console.dir shows objects as they are, not as their own inspect
    // methods would (unless asked with customInspect: true).
    dir: (value, options) => print(1, [inspect(value, { customInspect: false, ...options })]),
    count: (label = "default") => {
      label = `${label}`;
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      print(1, [`${label}: ${n}`]);
    },
    countReset: (label = "default") => {
      counts.delete(`${label}`);
    },
    time: (label = "default") => {
      timers.set(`${label}`, performance.now());
    },
    timeLog: (label = "default", ...data) => {
      label = `${label}`;
      const start = timers.get(label);
      if (start === undefined) return print(2, [`Warning: No such label '${label}' for console.timeLog()`], "W");
      print(1, [`${label}: ${formatDuration(performance.now() - start)}`, ...data]);
    },
    timeEnd: (label = "default") => {
      label = `${label}`;
      const start = timers.get(label);
      if (start === undefined) return print(2, [`Warning: No such label '${label}' for console.timeEnd()`], "W");
      timers.delete(label);
      print(1, [`${label}: ${formatDuration(performance.now() - start)}`]);
    },
    group: (...args) => {
      if (args.length) print(1, args);
      groupIndent += "  ";
    },
    groupEnd: () => {
      groupIndent = groupIndent.slice(2);
    },
  };
  console.table = (data, properties) => table(data, properties);
  console.groupCollapsed = console.group;
  console.dirxml = console.log;

  // console.table: Node 20's layout (columns of inspected cells, left-aligned).
  function table(data, properties) {
    if (properties !== undefined && !Array.isArray(properties)) {
      const err = new TypeError(`The "properties" argument must be an instance of Array. Received ${inspect(properties)}`);
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    if (data === null || typeof data !== "object") return print(1, [data]);
    const cell = (v) => {
      const depth = v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 2 ? -1 : 0;
      return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity });
    };
    const indexes = (n) => Array.from({ length: n }, (_, i) => cell(i));
    if (data instanceof Map) {
      const keys = [];
      const values = [];
      for (const [k, v] of data) {
        keys.push(cell(k));
        values.push(cell(v));
      }
      return print(1, [renderTable(["(iteration index)", "Key", "Values"], [indexes(keys.length), keys, values])]);
    }
    if (data instanceof Set) {
      const values = [...data].map(cell);
      return print(1, [renderTable(["(iteration index)", "Values"], [indexes(values.length), values])]);
    }
    const columns = new Map();
    let hasPrimitives = false;
    const primitives = [];
    const rowKeys = Object.keys(data);
    rowKeys.forEach((rowKey, i) => {
      const item = data[rowKey];
      const primitive = item === null || (typeof item !== "function" && typeof item !== "object");
      if (properties === undefined && primitive) {
        hasPrimitives = true;
        primitives[i] = cell(item);
        return;
      }
      for (const key of properties || Object.keys(item)) {
        if (!columns.has(key)) columns.set(key, []);
        columns.get(key)[i] = (primitive && properties) || !hasOwn(item, key) ? "" : cell(item[key]);
      }
    });
    const head = ["(index)", ...columns.keys()];
    const values = [rowKeys, ...columns.values()];
    if (hasPrimitives) {
      head.push("Values");
      values.push(primitives);
    }
    print(1, [renderTable(head, values)]);
  }

  function renderTable(head, columns) {
    const width = (s) => [...s].length;
    const widths = head.map(width);
    const longest = Math.max(...columns.map((c) => c.length));
    const rows = [];
    head.forEach((_, i) => {
      for (let j = 0; j < longest; j++) {
        rows[j] ??= [];
        const value = (rows[j][i] = hasOwn(columns[i], j) ? columns[i][j] : "");
        widths[i] = Math.max(widths[i] || 0, width(value));
      }
    });
    const row = (cells) =>
      "│ " +
      cells
        .map((c, i) => c + " ".repeat(widths[i] - width(c)))
        .join(" │ ") +
      " │";
    const divider = widths.map((w) => "─".repeat(w + 2));
    let out = `┌${divider.join("┬")}┐\n${row(head)}\n├${divider.join("┼")}┤\n`;
    for (const r of rows) out += `${row(r)}\n`;
    return out + `└${divider.join("┴")}┘`;
  }

  function formatDuration(ms) {
    if (ms >= 1000) return `${(ms / 1000).toFixed(3)}s`;
    return `${ms.toFixed(3)}ms`;
  }

  // A namespace object as WebIDL makes it: its prototype an empty object, and
  // `Object.prototype.toString` says `[object console]`.
  Object.setPrototypeOf(console, Object.create(Object.prototype));
  Object.defineProperty(console, Symbol.toStringTag, { value: "console", writable: false, enumerable: false, configurable: true });
  Object.defineProperty(globalThis, "console", { value: console, writable: true, configurable: true, enumerable: false });
};

// util.parseArgs: Node's command-line parser (options, short groups,
// `--name=value`, `--` ends the options, negated booleans, defaults,
// tokens), with its validation and its ERR_PARSE_ARGS_* errors. A part of
// its own: only programs that import node:util carry it.
(jsw) => {
  "use strict";
  const { nodeError, invalidArgType, invalidArgValue } = jsw;
  const own = (object, key) => (Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined);
  const optionOwn = (options, name, key) => (Object.prototype.hasOwnProperty.call(options, name) ? own(options[name], key) : undefined);

  function checkBoolean(value, name) {
    if (typeof value !== "boolean") throw invalidArgType(name, "of type boolean", value);
  }
  function checkString(value, name) {
    if (typeof value !== "string") throw invalidArgType(name, "of type string", value);
  }
  function checkObject(value, name) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidArgType(name, "of type object", value);
  }
  function checkArrayOf(value, name, check) {
    if (!Array.isArray(value)) throw invalidArgType(name, "an instance of Array", value);
    value.forEach((item, i) => check(item, `${name}[${i}]`));
  }

  // The long name configured for a short one (or the short one itself).
  function longFor(short, options) {
    for (const [name, config] of Object.entries(options)) {
      if (own(config, "short") === short) return name;
    }
    return short;
  }
  const isStringOption = (name, options) => optionOwn(options, name, "type") === "string";

  // Phase 1: the arguments as tokens (options with their values,
  // positionals, the `--` terminator), each with its index in `args`.
  function tokenize(args, options) {
    const tokens = [];
    const remaining = args.slice();
    let index = -1;
    // Arguments expanded from a short group share the group's index.
    let grouped = 0;
    while (remaining.length > 0) {
      const arg = remaining.shift();
      const next = remaining[0];
      if (grouped > 0) grouped--;
      else index++;

      if (arg === "--") {
        tokens.push({ kind: "option-terminator", index });
        for (const value of remaining) tokens.push({ kind: "positional", index: ++index, value });
        break;
      }
      const short = arg.length >= 2 && arg[0] === "-" && arg[1] !== "-";
      if (short && arg.length === 2) {
        // -f, and its value as the next argument when it takes one.
        const name = longFor(arg[1], options);
        let value;
        let inlineValue;
        if (isStringOption(name, options) && next != null) {
          value = remaining.shift();
          inlineValue = false;
        }
        tokens.push({ kind: "option", name, rawName: arg, index, value, inlineValue });
        if (value != null) index++;
        continue;
      }
      if (short && !isStringOption(longFor(arg[1], options), options)) {
        // -abc: -a -b -c; a string option inside takes the rest as its value.
        const expanded = [];
        for (let i = 1; i < arg.length; i++) {
          const name = longFor(arg[i], options);
          if (!isStringOption(name, options) || i === arg.length - 1) {
            expanded.push(`-${arg[i]}`);
          } else {
            expanded.push(`-${arg.slice(i)}`);
            break;
          }
        }
        remaining.unshift(...expanded);
        grouped = expanded.length;
        continue;
      }
      if (short) {
        // -fVALUE
        tokens.push({ kind: "option", name: longFor(arg[1], options), rawName: `-${arg[1]}`, index, value: arg.slice(2), inlineValue: true });
        continue;
      }
      if (arg.length > 2 && arg.startsWith("--")) {
        if (!arg.includes("=", 3)) {
          const name = arg.slice(2);
          let value;
          let inlineValue;
          if (isStringOption(name, options) && next != null) {
            value = remaining.shift();
            inlineValue = false;
          }
          tokens.push({ kind: "option", name, rawName: arg, index, value, inlineValue });
          if (value != null) index++;
        } else {
          const equals = arg.indexOf("=");
          const name = arg.slice(2, equals);
          tokens.push({ kind: "option", name, rawName: `--${name}`, index, value: arg.slice(equals + 1), inlineValue: true });
        }
        continue;
      }
      tokens.push({ kind: "positional", index, value: arg });
    }
    return tokens;
  }

  // Strict mode: unknown options, missing or unexpected values, and values
  // that look like options (`--port --verbose`) are errors.
  function checkToken(token, config) {
    let name = token.name;
    if (!Object.prototype.hasOwnProperty.call(config.options, name)) {
      const negated = config.allowNegative && name.startsWith("no-");
      if (negated) name = name.slice(3);
      if (!negated || !Object.prototype.hasOwnProperty.call(config.options, name) || optionOwn(config.options, name, "type") !== "boolean") {
        const hint = config.allowPositionals
          ? `. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${JSON.stringify(token.rawName)}`
          : "";
        throw nodeError(TypeError, "ERR_PARSE_ARGS_UNKNOWN_OPTION", `Unknown option '${token.rawName}'${hint}`);
      }
    }
    const short = optionOwn(config.options, name, "short");
    const shown = `${short ? `-${short}, ` : ""}--${name}`;
    const type = optionOwn(config.options, name, "type");
    if (type === "string" && typeof token.value !== "string") {
      throw nodeError(TypeError, "ERR_PARSE_ARGS_INVALID_OPTION_VALUE", `Option '${shown} <value>' argument missing`);
    }
    if (type === "boolean" && token.value != null) {
      throw nodeError(TypeError, "ERR_PARSE_ARGS_INVALID_OPTION_VALUE", `Option '${shown}' does not take an argument`);
    }
    if (!token.inlineValue && typeof token.value === "string" && token.value.length > 1 && token.value[0] === "-") {
      const example = token.rawName.startsWith("--") ? `'${token.rawName}=-XYZ'` : `'--${token.name}=-XYZ' or '${token.rawName}-XYZ'`;
      throw nodeError(
        TypeError,
        "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
        `Option '${token.rawName}' argument is ambiguous.\nDid you forget to specify the option argument for '${token.rawName}'?\nTo specify an option argument starting with a dash use ${example}.`,
      );
    }
  }

  function store(token, options, values, allowNegative) {
    let name = token.name;
    let value = token.value;
    if (name === "__proto__") return;
    if (allowNegative && name.startsWith("no-") && value === undefined) {
      name = name.slice(3);
      token.name = name;
      value = false;
    }
    // The value as given (true for a flag), whatever the option's type.
    const stored = value ?? true;
    if (optionOwn(options, name, "multiple")) {
      if (values[name]) values[name].push(stored);
      else values[name] = [stored];
    } else {
      values[name] = stored;
    }
  }

  function parseArgs(config = {}) {
    const args = own(config, "args") ?? process.argv.slice(2);
    const strict = own(config, "strict") ?? true;
    const allowPositionals = own(config, "allowPositionals") ?? !strict;
    const returnTokens = own(config, "tokens") ?? false;
    const allowNegative = own(config, "allowNegative") ?? false;
    const options = own(config, "options") ?? { __proto__: null };

    if (!Array.isArray(args)) throw invalidArgType("args", "an instance of Array", args);
    checkBoolean(strict, "strict");
    checkBoolean(allowPositionals, "allowPositionals");
    checkBoolean(returnTokens, "tokens");
    checkBoolean(allowNegative, "allowNegative");
    checkObject(options, "options");
    for (const [name, option] of Object.entries(options)) {
      checkObject(option, `options.${name}`);
      const type = own(option, "type");
      if (type !== "string" && type !== "boolean") {
        throw invalidArgType(`options.${name}.type`, "('string|boolean')", type);
      }
      if (Object.prototype.hasOwnProperty.call(option, "short")) {
        checkString(option.short, `options.${name}.short`);
        if (option.short.length !== 1) throw invalidArgValue(`options.${name}.short`, option.short, "must be a single character");
      }
      const multiple = own(option, "multiple");
      if (Object.prototype.hasOwnProperty.call(option, "multiple")) checkBoolean(multiple, `options.${name}.multiple`);
      const fallback = own(option, "default");
      if (fallback !== undefined) {
        const check = type === "string" ? checkString : checkBoolean;
        if (multiple) checkArrayOf(fallback, `options.${name}.default`, check);
        else check(fallback, `options.${name}.default`);
      }
    }

    const tokens = tokenize(args, options);
    const result = { values: { __proto__: null }, positionals: [] };
    if (returnTokens) result.tokens = tokens;
    const checks = { options, allowPositionals, allowNegative };
    for (const token of tokens) {
      if (token.kind === "option") {
        if (strict) checkToken(token, checks);
        store(token, options, result.values, allowNegative);
      } else if (token.kind === "positional") {
        if (!allowPositionals) {
          throw nodeError(TypeError, "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL", `Unexpected argument '${token.value}'. This command does not take positional arguments`);
        }
        result.positionals.push(token.value);
      }
    }
    for (const [name, option] of Object.entries(options)) {
      const fallback = own(option, "default");
      if (fallback !== undefined && result.values[name] === undefined && name !== "__proto__") result.values[name] = fallback;
    }
    return result;
  }

  jsw.util.parseArgs = parseArgs;
};

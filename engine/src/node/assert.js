// node:assert (and assert/strict): the common assertions with AssertionError.
(jsw) => {
  "use strict";
  class AssertionError extends Error {
    constructor(options) {
      super(options.message);
      this.name = "AssertionError";
      this.code = "ERR_ASSERTION";
      this.actual = options.actual;
      this.expected = options.expected;
      this.operator = options.operator;
      this.generatedMessage = options.generated;
    }
  }
  const show = (v) => jsw.inspect(v);

  // The messages of failed comparisons, laid out as Node 20 lays them out: both
  // values inspected one property per line, then a line diff ("+ actual
  // - expected") that keeps a little context and skips long identical runs.
  const headers = {
    deepStrictEqual: "Expected values to be strictly deep-equal:",
    strictEqual: "Expected values to be strictly equal:",
    strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
    deepEqual: "Expected values to be loosely deep-equal:",
    sameStructure: "Values have same structure but are not reference-equal:",
  };
  const lines = (v) =>
    jsw.inspect(v, { compact: false, customInspect: false, depth: 1000, maxArrayLength: Infinity, sorted: true }).split("\n");
  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  function diffMessage(actual, expected, operator) {
    const actualLines = lines(actual);
    const expectedLines = lines(expected);
    if (operator === "strictEqual" && isObject(actual) && isObject(expected) &&
        typeof actual === typeof expected) operator = "strictEqualObject";
    let same = 0;
    let indicator = "";
    if (actualLines.length === 1 && expectedLines.length === 1 && actualLines[0] !== expectedLines[0]) {
      const [a, b] = [actualLines[0], expectedLines[0]];
      if (a.length + b.length <= 12) {
        if (!isObject(actual) && !isObject(expected) && (actual !== 0 || expected !== 0)) {
          return `${headers[operator]}\n\n${a} !== ${b}\n`;
        }
      } else if (operator !== "strictEqualObject" && a.length + b.length < 80) {
        while (a[same] === b[same]) same++;
        // A caret under the first difference, unless it is right at the start.
        if (same > 2) {
          indicator = `\n  ${" ".repeat(same)}^`;
          same = 0;
        }
      }
    }
    // Identical lines at the end: up to three stay as context.
    let end = "";
    let lastSkipped = "";
    while (actualLines.length > 0 && expectedLines.length > 0 &&
           actualLines[actualLines.length - 1] === expectedLines[expectedLines.length - 1]) {
      const line = actualLines.pop();
      expectedLines.pop();
      if (same++ < 3) end = `\n  ${line}${end}`;
      else lastSkipped = line;
    }
    const total = Math.max(actualLines.length, expectedLines.length);
    if (total === 0) {
      const all = lines(actual);
      if (all.length > 50) all.splice(46, all.length, "...");
      return `${headers.sameStructure}\n\n${all.join("\n")}\n`;
    }
    let skipped = false;
    if (same >= 5) {
      end = `\n...${end}`;
      skipped = true;
    }
    if (lastSkipped !== "") end = `\n  ${lastSkipped}${end}`;

    let out = "";
    // Expected lines wait here so that a run of changes reads +++--- not +-+-.
    let pending = "";
    let identical = 0;
    let printed = 0;
    const longer = actualLines.length >= expectedLines.length ? actualLines : expectedLines;
    const shorterLength = Math.min(actualLines.length, expectedLines.length);
    // Before a difference, show the identical lines that led to it: all of up
    // to five, else "..." and the last two.
    const context = (from, i) => {
      if (identical > 2) {
        if (identical > 3) {
          if (identical > 4) {
            if (identical === 5) {
              out += `\n  ${from[i - 3]}`;
              printed++;
            } else {
              out += "\n...";
              skipped = true;
            }
          }
          out += `\n  ${from[i - 2]}`;
          printed++;
        }
        out += `\n  ${from[i - 1]}`;
        printed++;
      }
      identical = 0;
    };
    for (let i = 0; i < total; i++) {
      if (i >= shorterLength) {
        context(longer, i);
        if (longer === actualLines) out += `\n+ ${longer[i]}`;
        else pending += `\n- ${longer[i]}`;
        printed++;
      } else {
        const wanted = expectedLines[i];
        let got = actualLines[i];
        // "1," against "1" differ only by the comma a following line added.
        let differs = got !== wanted && !(got.endsWith(",") && got.slice(0, -1) === wanted);
        if (differs && wanted.endsWith(",") && wanted.slice(0, -1) === got) {
          differs = false;
          got += ",";
        }
        if (differs) {
          context(actualLines, i);
          out += `\n+ ${got}`;
          pending += `\n- ${wanted}`;
          printed += 2;
        } else {
          out += pending;
          pending = "";
          identical++;
          if (identical <= 2) {
            out += `\n  ${got}`;
            printed++;
          }
        }
      }
      if (printed > 50 && i < total - 2) {
        return `${headers[operator]}\n+ actual - expected ... Lines skipped\n${out}\n...${pending}\n...`;
      }
    }
    return `${headers[operator]}\n+ actual - expected${skipped ? " ... Lines skipped" : ""}\n${out}${pending}${end}${indicator}`;
  }
  const looseMessage = (a, b) =>
    `${headers.deepEqual}\n\n${lines(a).join("\n")}\n\nshould loosely deep-equal\n\n${lines(b).join("\n")}`;
  function fail(actual, expected, message, operator, generated) {
    if (message instanceof Error) throw message;
    throw new AssertionError({ message: message ?? generated, actual, expected, operator, generated: message === undefined });
  }
  function ok(value, message) {
    if (!value) fail(value, true, message, "==", `The expression evaluated to a falsy value:\n\n  assert.ok(${show(value)})\n`);
  }
  const deep = (a, b) => jsw.isDeepStrictEqual(a, b);
  const loose = (a, b) => a == b || (typeof a === "object" && typeof b === "object" && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));

  function matches(error, expected) {
    if (expected === undefined) return true;
    if (typeof expected === "function") {
      if (expected.prototype !== undefined && error instanceof expected) return true;
      if (Error.isPrototypeOf(expected) || expected === Error) return false;
      return expected(error) === true;
    }
    if (expected instanceof RegExp) return expected.test(String(error));
    if (typeof expected === "object") {
      return Object.keys(expected).every((k) =>
        expected[k] instanceof RegExp && typeof error[k] === "string" ? expected[k].test(error[k]) : deep(error[k], expected[k]),
      );
    }
    return true;
  }

  function matchOrFail(string, regexp, message, operator) {
    if (!(regexp instanceof RegExp)) throw jsw.invalidArgType("regexp", "an instance of RegExp", regexp);
    const wanted = operator === "match";
    if (typeof string === "string" && regexp.test(string) === wanted) return;
    if (message instanceof Error) throw message;
    const generated = typeof string !== "string"
      ? `The "string" argument must be of type string. Received type ${typeof string} (${show(string)})`
      : `${wanted ? "The input did not match" : "The input was expected to not match"} the regular expression ${show(regexp)}. Input:\n\n${show(string)}\n`;
    throw new AssertionError({ message: message || generated, actual: string, expected: regexp, operator, generated: !message });
  }
  const isPromise = (v) => v instanceof Promise || (v !== null && typeof v === "object" && typeof v.then === "function" && typeof v.catch === "function");
  // doesNotThrow/doesNotReject: an error that matches `expected` (any, without
  // one) fails the assertion; any other is thrown as it is.
  function unwanted(actual, expected, message, operator, what) {
    if (typeof expected === "string") [message, expected] = [expected, undefined];
    if (!expected || matches(actual, expected)) {
      const details = message ? `: ${message}` : ".";
      throw new AssertionError({
        message: `Got unwanted ${what}${details}\nActual message: "${actual?.message}"`,
        actual, expected, operator, generated: false,
      });
    }
    throw actual;
  }

  const assert = (value, message) => ok(value, message);
  Object.assign(assert, {
    AssertionError,
    ok,
    fail: (message = "Failed") => fail(undefined, undefined, message, "fail"),
    equal: (a, b, m) => (a == b || (a !== a && b !== b)) || fail(a, b, m, "==", `${show(a)} == ${show(b)}`),
    notEqual: (a, b, m) => a != b || fail(a, b, m, "!=", `${show(a)} != ${show(b)}`),
    strictEqual: (a, b, m) => Object.is(a, b) || fail(a, b, m, "strictEqual", diffMessage(a, b, "strictEqual")),
    notStrictEqual: (a, b, m) => !Object.is(a, b) || fail(a, b, m, "notStrictEqual", `Expected "actual" to be strictly unequal to: ${show(b)}`),
    deepEqual: (a, b, m) => loose(a, b) || deep(a, b) || fail(a, b, m, "deepEqual", looseMessage(a, b)),
    deepStrictEqual: (a, b, m) => deep(a, b) || fail(a, b, m, "deepStrictEqual", diffMessage(a, b, "deepStrictEqual")),
    notDeepStrictEqual: (a, b, m) => !deep(a, b) || fail(a, b, m, "notDeepStrictEqual", `Expected "actual" not to be strictly deep-equal to: ${show(b)}`),
    notDeepEqual: (a, b, m) => !(loose(a, b) || deep(a, b)) || fail(a, b, m, "notDeepEqual", `"actual" deepEqual "expected"`),
    match: (s, re, m) => matchOrFail(s, re, m, "match"),
    doesNotMatch: (s, re, m) => matchOrFail(s, re, m, "doesNotMatch"),
    ifError(err) {
      if (err === null || err === undefined) return;
      const shown = typeof err === "object" && typeof err.message === "string"
        ? (err.message.length === 0 && err.constructor ? err.constructor.name : err.message)
        : show(err);
      throw new AssertionError({ message: `ifError got unwanted exception: ${shown}`, actual: err, expected: null, operator: "ifError", generated: false });
    },
    throws(fn, expected, message) {
      if (typeof expected === "string") [message, expected] = [expected, undefined];
      try {
        fn();
      } catch (e) {
        if (!matches(e, expected)) throw e;
        return;
      }
      fail(undefined, expected, message, "throws", "Missing expected exception.");
    },
    doesNotThrow(fn, expected, message) {
      if (typeof fn !== "function") throw jsw.invalidArgType("fn", "of type function", fn);
      try {
        fn();
      } catch (e) {
        unwanted(e, expected, message, "doesNotThrow", "exception");
      }
    },
    async doesNotReject(promiseOrFn, expected, message) {
      let promise = promiseOrFn;
      if (typeof promiseOrFn === "function") {
        promise = promiseOrFn();
        if (!isPromise(promise)) {
          throw jsw.nodeError(TypeError, "ERR_INVALID_RETURN_VALUE", `Expected instance of Promise to be returned from the "promiseFn" function but got ${jsw.describeReceived(promise)}.`);
        }
      } else if (!isPromise(promiseOrFn)) {
        throw jsw.invalidArgType("promiseFn", "of type function or an instance of Promise", promiseOrFn);
      }
      try {
        await promise;
      } catch (e) {
        unwanted(e, expected, message, "doesNotReject", "rejection");
      }
    },
    async rejects(promiseOrFn, expected, message) {
      try {
        await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
      } catch (e) {
        if (!matches(e, expected)) throw e;
        return;
      }
      fail(undefined, expected, message, "rejects", "Missing expected rejection.");
    },
  });
  // assert.strict (node:assert/strict): the same, with the loose comparisons
  // replaced by the strict ones.
  const strict = (value, message) => ok(value, message);
  Object.assign(strict, assert, {
    equal: assert.strictEqual,
    notEqual: assert.notStrictEqual,
    deepEqual: assert.deepStrictEqual,
    notDeepEqual: assert.notDeepStrictEqual,
  });
  assert.strict = strict;
  strict.strict = strict;
  jsw.defineBuiltin("node:assert", () => assert);
  jsw.defineBuiltin("node:assert/strict", () => strict);
};

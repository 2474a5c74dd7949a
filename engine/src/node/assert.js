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

  const assert = (value, message) => ok(value, message);
  Object.assign(assert, {
    AssertionError,
    ok,
    fail: (message = "Failed") => fail(undefined, undefined, message, "fail"),
    equal: (a, b, m) => (a == b || (a !== a && b !== b)) || fail(a, b, m, "==", `${show(a)} == ${show(b)}`),
    notEqual: (a, b, m) => a != b || fail(a, b, m, "!=", `${show(a)} != ${show(b)}`),
    strictEqual: (a, b, m) => Object.is(a, b) || fail(a, b, m, "strictEqual", `Expected values to be strictly equal:\n\n${show(a)} !== ${show(b)}\n`),
    notStrictEqual: (a, b, m) => !Object.is(a, b) || fail(a, b, m, "notStrictEqual", `Expected "actual" to be strictly unequal to: ${show(b)}`),
    deepEqual: (a, b, m) => loose(a, b) || deep(a, b) || fail(a, b, m, "deepEqual", `Expected values to be loosely deep-equal:\n\n${show(a)}\n\nshould loosely deep-equal\n\n${show(b)}`),
    deepStrictEqual: (a, b, m) => deep(a, b) || fail(a, b, m, "deepStrictEqual", `Expected values to be strictly deep-equal:\n${show(a)}\n\nshould equal\n\n${show(b)}`),
    notDeepStrictEqual: (a, b, m) => !deep(a, b) || fail(a, b, m, "notDeepStrictEqual", `Expected "actual" not to be strictly deep-equal to: ${show(b)}`),
    notDeepEqual: (a, b, m) => !(loose(a, b) || deep(a, b)) || fail(a, b, m, "notDeepEqual", `"actual" deepEqual "expected"`),
    match: (s, re, m) => re.test(s) || fail(s, re, m, "match", `The input did not match the regular expression ${re}. Input:\n\n${show(s)}\n`),
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
    doesNotThrow(fn, message) {
      try {
        fn();
      } catch (e) {
        fail(e, undefined, typeof message === "string" ? message : undefined, "doesNotThrow", `Got unwanted exception.\nActual message: "${e && e.message}"`);
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
  assert.strict = assert;
  jsw.defineBuiltin("node:assert", () => assert);
  jsw.defineBuiltin("node:assert/strict", () => assert);
};

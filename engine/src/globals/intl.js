// Intl, with the FormatJS polyfills (engine/src/node/vendor/intl-*.js) that the
// compiler adds to programs whose code uses Intl or the toLocale* methods.
// This part adds what FormatJS has no polyfill for, Intl.Collator (and
// localeCompare on top of it), and takes the default time zone from TZ at run time.
(jsw) => {
  "use strict";
  const Intl = globalThis.Intl;

  // Collation in the spirit of the Unicode root collation (CLDR's default, what
  // Node's ICU uses for English): spaces, then punctuation, symbols, digits and
  // letters; letters compared first without accents or case (primary), then by
  // accents (secondary), then lower case before upper (tertiary). Characters are
  // decomposed (NFD) so that "ä" is "a" plus an accent. Letters of one script
  // keep their Unicode order, which is the alphabet's for Latin, Greek and
  // Cyrillic; it is not the full collation table (no contractions, no
  // language-specific tailorings).
  const MARK = /\p{M}/u;
  const classOf = (c) =>
    /\s/u.test(c) ? 0 : /\p{P}/u.test(c) ? 1 : /\p{S}/u.test(c) ? 2 : /\p{N}/u.test(c) ? 3 : 4;
  function keysOf(text, numeric, ignorePunctuation) {
    const primary = [];
    const secondary = [];
    const tertiary = [];
    const chars = [...text.normalize("NFD")];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (MARK.test(c)) {
        if (secondary.length) secondary[secondary.length - 1] += c.codePointAt(0);
        continue;
      }
      const cls = classOf(c);
      if (ignorePunctuation && (cls === 0 || cls === 1)) continue;
      if (numeric && cls === 3 && /\d/.test(c)) {
        let run = c;
        while (i + 1 < chars.length && /\d/.test(chars[i + 1])) run += chars[++i];
        const digits = run.replace(/^0+(?=\d)/, "");
        // Longer numbers sort after shorter ones, then digit by digit.
        primary.push(3 * 0x200000 + digits.length, ...[...digits].map((d) => 3 * 0x200000 + d.charCodeAt(0)));
        secondary.push(0);
        tertiary.push(0);
        continue;
      }
      const lower = c.toLowerCase();
      primary.push(cls * 0x200000 + lower.codePointAt(0));
      secondary.push(0);
      tertiary.push(lower === c ? 0 : 1);
    }
    return [primary, secondary, tertiary];
  }
  const compareLists = (a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  };
  const SENSITIVITY = ["base", "accent", "case", "variant"];

  class Collator {
    #options;
    constructor(locales, options) {
      options = options === undefined ? {} : Object(options);
      const requested = Intl.getCanonicalLocales(locales);
      const usage = options.usage === undefined ? "sort" : String(options.usage);
      if (usage !== "sort" && usage !== "search") throw new RangeError(`Value ${usage} out of range for Intl.Collator options property usage`);
      const sensitivity = options.sensitivity === undefined ? "variant" : String(options.sensitivity);
      if (!SENSITIVITY.includes(sensitivity)) throw new RangeError(`Value ${sensitivity} out of range for Intl.Collator options property sensitivity`);
      const caseFirst = options.caseFirst === undefined ? "false" : String(options.caseFirst);
      this.#options = {
        locale: requested.length ? requested[0].replace(/-u-.*$/, "") : "en-US",
        usage,
        sensitivity,
        ignorePunctuation: Boolean(options.ignorePunctuation),
        collation: "default",
        numeric: Boolean(options.numeric),
        caseFirst,
      };
      Object.defineProperty(this, "compare", { value: (a, b) => this.#compare(String(a), String(b)), configurable: true });
    }
    #compare(a, b) {
      const { sensitivity, numeric, ignorePunctuation, caseFirst } = this.#options;
      const [pa, sa, ta] = keysOf(a, numeric, ignorePunctuation);
      const [pb, sb, tb] = keysOf(b, numeric, ignorePunctuation);
      let r = compareLists(pa, pb);
      if (r !== 0) return r;
      if (sensitivity === "accent" || sensitivity === "variant") {
        r = compareLists(sa, sb);
        if (r !== 0) return r;
      }
      if (sensitivity === "case" || sensitivity === "variant") {
        r = compareLists(ta, tb);
        if (r !== 0) return caseFirst === "upper" ? -r : r;
      }
      return 0;
    }
    resolvedOptions() {
      return { ...this.#options };
    }
    static supportedLocalesOf(locales) {
      return Intl.getCanonicalLocales(locales).filter((l) => /^en(-|$)/.test(l));
    }
  }
  Object.defineProperty(Collator.prototype, Symbol.toStringTag, { value: "Intl.Collator", configurable: true });
  Object.defineProperty(Intl, "Collator", { value: Collator, writable: true, configurable: true, enumerable: false });

  // FormatJS keeps its locale and zone tables as static properties of the
  // constructors (`Intl.DateTimeFormat.tzData`: ~90,000 objects). Code that
  // walks the built-ins (test262's intrinsics walk, inspectors) would visit all
  // of them; behind an accessor they stay reachable for FormatJS only by name.
  jsw.hideIntlTables = () => {
    for (const name of Reflect.ownKeys(Intl)) {
      const ctor = Intl[name];
      if (typeof ctor !== "function") continue;
      for (const key of Reflect.ownKeys(ctor)) {
        const d = Object.getOwnPropertyDescriptor(ctor, key);
        if (key === "prototype" || !("value" in d) || d.value === null || typeof d.value !== "object") continue;
        let table = d.value;
        Object.defineProperty(ctor, key, {
          get: { get [key]() { return table; } }.__lookupGetter__(key),
          set: { set [key](value) { table = value; } }.__lookupSetter__(key),
          configurable: true,
          enumerable: d.enumerable,
        });
      }
    }
  };
  jsw.hideIntlTables();

  // FormatJS installs Number's and BigInt's toLocaleString as plain functions
  // (constructors, named "value", of length 2) that format any `this`; the
  // built-ins are methods of length 0 that only take their own type.
  const localeMethod = (proto, thisValue) => {
    const format = proto.toLocaleString;
    Object.defineProperty(proto, "toLocaleString", {
      value: {
        toLocaleString(locales = undefined, options = undefined) {
          return format.call(thisValue.call(this), locales, options);
        },
      }.toLocaleString,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  };
  localeMethod(Number.prototype, Number.prototype.valueOf);
  if (typeof BigInt === "function") localeMethod(BigInt.prototype, BigInt.prototype.valueOf);

  let defaultCollator;
  Object.defineProperty(String.prototype, "localeCompare", {
    // A method, like the built-in it replaces: not a constructor, length 1.
    value: {
      localeCompare(that, locales = undefined, options = undefined) {
        if (this === null || this === undefined) throw new TypeError("String.prototype.localeCompare called on null or undefined");
        const collator = locales === undefined && options === undefined ? (defaultCollator ??= new Collator()) : new Collator(locales, options);
        return collator.compare(String(this), String(that));
      },
    }.localeCompare,
    writable: true,
    configurable: true,
    enumerable: false,
  });

  // The IANA zones (intl-datetime.js calls this with FormatJS's packed data):
  // each zone's transitions are unpacked the first time the zone is used, not
  // all ~600 of them into every snapshot.
  jsw.installTimeZones = (data) => {
    const abbreviations = data.abbrvs.split("|");
    const offsets = data.offsets.split("|").map((n) => parseInt(n, 36));
    const packed = new Map();
    for (const entry of data.zones) {
      const bar = entry.indexOf("|");
      packed.set(entry.slice(0, bar), entry.slice(bar + 1));
    }
    const unpacked = new Map();
    const zone = (name) => {
      let transitions = unpacked.get(name);
      if (transitions === undefined && packed.has(name)) {
        transitions = packed
          .get(name)
          .split("|")
          .map((t) => {
            const [at, abbreviation, offset, dst] = t.split(",");
            return [at === "" ? -Infinity : parseInt(at, 36), abbreviations[+abbreviation], offsets[+offset], dst === "1"];
          });
        unpacked.set(name, transitions);
      }
      return transitions;
    };
    // Node 20 (its ICU's English data) puts an ASCII space before AM/PM where
    // FormatJS's CLDR data has a narrow no-break space.
    const proto = Intl.DateTimeFormat.prototype;
    const ascii = (text) => text.replace(/\u202f(AM|PM)/g, " $1");
    const formatGetter = Object.getOwnPropertyDescriptor(proto, "format")?.get;
    if (formatGetter) {
      Object.defineProperty(proto, "format", {
        get() {
          const format = formatGetter.call(this);
          return (date) => ascii(format(date));
        },
        configurable: true,
      });
    }
    for (const name of ["formatToParts", "formatRangeToParts"]) {
      const original = proto[name];
      if (typeof original !== "function") continue;
      Object.defineProperty(proto, name, {
        value: {
          [name](...args) {
            const parts = original.apply(this, args);
            for (const part of parts) if (part.type === "literal") part.value = part.value.replace(/\u202f/g, " ");
            return parts;
          },
        }[name],
        writable: true,
        configurable: true,
      });
    }
    const formatRange = proto.formatRange;
    if (typeof formatRange === "function") {
      Object.defineProperty(proto, "formatRange", {
        value: {
          formatRange(a, b) {
            return ascii(formatRange.call(this, a, b));
          },
        }.formatRange,
        writable: true,
        configurable: true,
      });
    }
    Intl.DateTimeFormat.tzData = new Proxy(
      {},
      {
        get: (_, name) => (typeof name === "string" ? zone(name) : undefined),
        has: (_, name) => packed.has(name),
        ownKeys: () => [...packed.keys()],
        getOwnPropertyDescriptor: (_, name) =>
          packed.has(name) ? { value: zone(name), writable: false, enumerable: true, configurable: true } : undefined,
      },
    );
  };

  // The local time zone of Intl's date formatting: TZ when the module runs
  // (the build has no environment), UTC otherwise. Date's own local-time
  // methods stay UTC: QuickJS asks WASI, which has no time zone.
  jsw.onStart.push(() => {
    const zone = process.env.TZ;
    const set = Intl.DateTimeFormat?.__setDefaultTimeZone;
    if (zone && typeof set === "function") {
      try {
        set(zone.replace(/^:/, ""));
      } catch {
        // An unknown zone leaves UTC, as Node does.
      }
    }
  });
};

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

  // A locale whose data the program does not carry would format as en-US
  // (FormatJS falls back to its default without a word): say so on stderr,
  // once per tag, so that no other locale passes silently for English. The
  // list is jsw_wire::locales's.
  const carriedByJsw = ["en-GB", "de", "fr", "es", "ja", "zh", "ar", "hi", "pt", "ru"];
  const LIKELY = { en: "US", de: "DE", fr: "FR", es: "ES", ja: "JP", zh: "CN", ar: "EG", hi: "IN", pt: "BR", ru: "RU" };
  const warnedLocales = new Set();
  jsw.checkLocales = (Ctor, locales) => {
    if (locales === undefined) return;
    let tags;
    try {
      tags = Intl.getCanonicalLocales(locales);
    } catch {
      return; // the constructor throws what Node throws
    }
    const tag = tags[0];
    if (tag === undefined || warnedLocales.has(tag)) return;
    // The data FormatJS has is by locale ("de", "de-DE", "en-GB"): a tag is
    // served by its own data, or by its language's when it names no region
    // or script. Plural rules are the language's alone.
    const base = tag.split(/-[a-wyz0-9]-/i)[0].split("-x-")[0];
    const language = base.split("-")[0];
    const available = Ctor.availableLocales;
    if (!(available instanceof Set)) return;
    const has = (t) => available.has(t);
    // A language's data is its CLDR default region's (de is de-DE's).
    const own = [language, `${language}-${LIKELY[language]}`];
    if (language === "zh") own.push("zh-Hans", "zh-Hans-CN");
    if (has(base) || (has(language) && (String(Ctor.name).endsWith("PluralRules") || own.includes(base)))) return;
    if (language === "en" && (base === "en-US" || base === "en")) return;
    warnedLocales.add(tag);
    const fallback = has(language) ? language : "en-US";
    const known = carriedByJsw.includes(base) || (carriedByJsw.includes(language) && own.includes(base));
    jsw.write(
      2,
      `jsw: warning: this program has no Intl data for "${tag}", so it formats as ${fallback}; ` +
        (known
          ? `name the locale in its source (new Intl.NumberFormat("${tag}")) or build with --locale ${tag}\n`
          : `jsw carries en-US, ${carriedByJsw.join(", ")} (each as its CLDR default region)\n`),
    );
  };
  // The constructors check their locales first (a Proxy keeps their
  // prototypes, statics and identity as FormatJS made them).
  jsw.guardIntl = (names) => {
    for (const name of names) {
      const Ctor = Intl[name];
      if (typeof Ctor !== "function") continue;
      const guarded = new Proxy(Ctor, {
        construct(target, args, newTarget) {
          jsw.checkLocales(target, args[0]);
          const made = Reflect.construct(target, args, newTarget === guarded ? target : newTarget);
          if (args[1] !== null && typeof args[1] === "object") jsw.intlRequested?.set(made, args[1]);
          return made;
        },
        apply(target, thisArg, args) {
          jsw.checkLocales(target, args[0]);
          const made = Reflect.apply(target, thisArg, args);
          if (args[1] !== null && typeof args[1] === "object") jsw.intlRequested?.set(made, args[1]);
          return made;
        },
      });
      Object.defineProperty(Intl, name, { value: guarded, writable: true, configurable: true, enumerable: false });
    }
  };
  jsw.guardIntl(["NumberFormat", "PluralRules", "RelativeTimeFormat", "ListFormat", "DisplayNames"]);

  // FormatJS installs Number's and BigInt's toLocaleString as plain functions
  // (constructors, named "value", of length 2) that format any `this`; the
  // built-ins are methods of length 0 that only take their own type.
  const localeMethod = (proto, thisValue) => {
    const format = proto.toLocaleString;
    Object.defineProperty(proto, "toLocaleString", {
      value: {
        toLocaleString(locales = undefined, options = undefined) {
          const value = thisValue.call(this);
          jsw.checkLocales(Intl.NumberFormat, locales);
          return format.call(value, locales, options);
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

  // Where FormatJS's date formats differ from Node's (ICU's), formats are
  // mended here, after FormatJS made them:
  // - a time zone name with date fields and no time fields reads as ICU
  //   writes it, the date then the zone ("3/10/2024, EST"), where FormatJS's
  //   best match adds an hour ("3/10/2024, 1 AM EST");
  // - a date with a long month and a time are joined by " at " ("March 10,
  //   2024 at 6:30 AM"), as dateStyle long and full with a timeStyle are;
  // - longOffset zone names have two-digit hours and minutes ("GMT+01:00");
  // - AM/PM follow an ASCII space, as in Node's data (FormatJS's CLDR data
  //   has a narrow no-break space).
  // Date's toLocale*String go through the same formats (and so throw what
  // the constructor throws, as in Node).
  function fixDateTimeFormat() {
    const Original = Intl.DateTimeFormat;
    const proto = Original.prototype;
    const originalFormat = Object.getOwnPropertyDescriptor(proto, "format").get;
    const originalParts = proto.formatToParts;
    const originalResolved = proto.resolvedOptions;
    const DATE_PARTS = new Set(["weekday", "era", "year", "month", "day", "relatedYear", "yearName"]);
    const TIME_PARTS = new Set(["hour", "minute", "second", "fractionalSecond", "dayPeriod", "timeZoneName"]);
    const TIME_OPTIONS = ["hour", "minute", "second", "fractionalSecondDigits", "dayPeriod"];
    const ZONE_ONLY_KEEPS = ["localeMatcher", "calendar", "numberingSystem", "timeZone", "formatMatcher", "weekday", "era", "year", "month", "day"];

    // What an instance needs mended (null: nothing), decided once.
    const plans = new WeakMap();
    function zoneOnlyPlan(locales, options) {
      const dateOptions = {};
      for (const key of ZONE_ONLY_KEEPS) if (options[key] !== undefined) dateOptions[key] = options[key];
      const date = Reflect.construct(Original, [locales, dateOptions]);
      const zoneOptions = { timeZone: options.timeZone, timeZoneName: options.timeZoneName, hour: "numeric" };
      const zone = Reflect.construct(Original, [locales, zoneOptions]);
      const resolved = originalResolved.call(date);
      return {
        date,
        zone,
        glue: resolved.month === "long" ? " at " : ", ",
        timeZoneName: String(options.timeZoneName),
        at: false,
        longOffset: String(options.timeZoneName) === "longOffset",
      };
    }
    // The options each instance was made with (the guard in jsw.guardIntl
    // records them), where resolvedOptions says too little.
    const requested = new WeakMap();
    jsw.intlRequested = requested;
    // [between the date and the time, after the time] by language.
    const AT_TIME = {
      en: [" at ", ""], de: [" um ", ""], fr: [" à ", ""], es: [" a las ", ""], pt: [" às ", ""],
      ru: [" в ", ""], ar: [" في ", ""], hi: [" को ", " बजे"],
    };
    function splitPlan(r) {
      const pick = (keys) => {
        const o = { timeZone: r.timeZone, calendar: r.calendar, numberingSystem: r.numberingSystem };
        for (const key of keys) if (r[key] !== undefined) o[key] = r[key];
        return Reflect.construct(Original, [r.locale, o]);
      };
      return {
        date: pick(["weekday", "era", "year", "month", "day"]),
        time: pick(["hourCycle", "hour", "minute", "second", "fractionalSecondDigits", "dayPeriod", "timeZoneName"]),
      };
    }
    function planOf(dtf) {
      let plan = plans.get(dtf);
      if (plan === undefined) {
        const r = originalResolved.call(dtf);
        const timed = TIME_OPTIONS.some((key) => r[key] !== undefined) || r.timeZoneName !== undefined;
        const language = r.locale.split("-")[0];
        const dated = r.dateStyle !== undefined || r.year !== undefined || r.month !== undefined || r.day !== undefined;
        const timedOrStyled = timed || r.timeStyle !== undefined;
        // Read without running a getter of the caller's options object.
        const askedMonth = Object.getOwnPropertyDescriptor(requested.get(dtf) ?? {}, "month")?.value;
        // A long date and a time: Node's data (CLDR's "atTime" patterns) joins
        // them with a word FormatJS's data lacks.
        const atTime = r.timeStyle !== undefined
          ? r.dateStyle === "long" || r.dateStyle === "full"
          : r.month === "long" && timed;
        // (Spanish has none after a full date with its weekday.)
        const at = atTime && Object.hasOwn(AT_TIME, language) && !(language === "es" && (r.dateStyle === "full" || r.weekday))
          ? AT_TIME[language]
          : null;
        // Other dates and times: Portuguese joins them with ", ", and Japanese
        // and Chinese write a numeric date as their short date ("2024/3/10").
        const comma = !at && language === "pt" && dated && timedOrStyled;
        const split = (language === "ja" || language === "zh") && r.dateStyle === undefined &&
          (askedMonth === "numeric" || askedMonth === "2-digit" || (askedMonth === undefined && r.month === "numeric")) &&
          timed ? splitPlan(r) : null;
        const longOffset = r.timeZoneName === "longOffset";
        plan = at || comma || split || longOffset ? { date: null, at, comma, split, longOffset } : null;
        plans.set(dtf, plan);
      }
      return plan;
    }

    function mendZone(part) {
      const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(part.value);
      if (m) part.value = `GMT${m[1] ?? "+"}${(m[2] ?? "0").padStart(2, "0")}:${m[3] ?? "00"}`;
    }
    function partsOf(dtf, plan, date) {
      let parts;
      if (plan?.date) {
        const x = date === undefined ? Date.now() : date;
        parts = originalParts.call(plan.date, x);
        const zone = originalParts.call(plan.zone, x).find((part) => part.type === "timeZoneName");
        if (zone !== undefined) parts.push({ type: "literal", value: plan.glue }, zone);
      } else if (plan?.split) {
        const x = date === undefined ? Date.now() : date;
        parts = [...originalParts.call(plan.split.date, x), { type: "literal", value: " " }, ...originalParts.call(plan.split.time, x)];
      } else {
        parts = originalParts.call(dtf, date);
      }
      let lastDate = -1;
      let firstTime = -1;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.type === "literal") part.value = part.value.replace(/\u202f/g, " ");
        else if (DATE_PARTS.has(part.type)) lastDate = i;
        else if (TIME_PARTS.has(part.type) && firstTime < 0) firstTime = i;
        if (part.type === "timeZoneName" && plan?.longOffset) mendZone(part);
      }
      if (plan !== null && lastDate >= 0 && firstTime === lastDate + 2 && parts[lastDate + 1].type === "literal") {
        if (plan.at) {
          // What the date ends with stays (Russian "г."); the joiner goes.
          const head = parts[lastDate + 1].value.replace(/[\s\u00a0]*[,\u060c]?[\s\u00a0]*$/u, "");
          parts[lastDate + 1].value = head + plan.at[0];
          if (plan.at[1]) parts.push({ type: "literal", value: plan.at[1] });
        } else if (plan.comma) {
          parts[lastDate + 1].value = ", ";
        }
      }
      return parts;
    }

    const bound = new WeakMap();
    Object.defineProperty(proto, "format", {
      get() {
        let format = bound.get(this);
        if (format === undefined) {
          const plan = planOf(this);
          if (plan === null) {
            const original = originalFormat.call(this);
            // Node's data has plain spaces where FormatJS's has narrow no-break
            // ones (before AM/PM, before Russian "г.").
            format = (date) => original(date).replace(/\u202f/g, " ");
          } else {
            format = (date) => partsOf(this, plan, date).map((part) => part.value).join("");
          }
          bound.set(this, format);
        }
        return format;
      },
      configurable: true,
    });
    Object.defineProperty(proto, "formatToParts", {
      value: {
        formatToParts(date) {
          return partsOf(this, planOf(this), date);
        },
      }.formatToParts,
      writable: true,
      configurable: true,
    });
    Object.defineProperty(proto, "resolvedOptions", {
      value: {
        resolvedOptions() {
          const plan = planOf(this);
          if (!plan?.date) return originalResolved.call(this);
          const resolved = originalResolved.call(plan.date);
          resolved.timeZoneName = plan.timeZoneName;
          return resolved;
        },
      }.resolvedOptions,
      writable: true,
      configurable: true,
    });

    // The constructor notes the options FormatJS would match with an hour.
    function DateTimeFormat(locales = undefined, options = undefined) {
      let dtf;
      try {
        dtf = Reflect.construct(Original, [locales, options], new.target ?? DateTimeFormat);
      } catch (e) {
        // Node's words: "Can't set option timeZoneName when dateStyle is used".
        if (e instanceof TypeError) e.message = e.message.replace(/^Intl\.DateTimeFormat can't/, "Can't");
        throw e;
      }
      if (options !== undefined && options !== null) {
        const o = Object(options);
        if (o.timeZoneName !== undefined && o.dateStyle === undefined && o.timeStyle === undefined && TIME_OPTIONS.every((key) => o[key] === undefined)) {
          plans.set(dtf, zoneOnlyPlan(locales, o));
        }
      }
      return dtf;
    }
    // FormatJS's statics (supportedLocalesOf, its tables, ...) stay FormatJS's:
    // functions are shared, values are read and written through.
    for (const key of Reflect.ownKeys(Original)) {
      if (key === "prototype" || key === "length" || key === "name") continue;
      const d = Object.getOwnPropertyDescriptor(Original, key);
      if (typeof d.value === "function" || !("value" in d)) {
        Object.defineProperty(DateTimeFormat, key, d);
      } else {
        Object.defineProperty(DateTimeFormat, key, {
          get: () => Original[key],
          set: (value) => {
            Original[key] = value;
          },
          enumerable: d.enumerable,
          configurable: true,
        });
      }
    }
    Object.defineProperty(DateTimeFormat, "prototype", { value: proto, writable: false, enumerable: false, configurable: false });
    Object.defineProperty(proto, "constructor", { value: DateTimeFormat, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(Intl, "DateTimeFormat", { value: DateTimeFormat, writable: true, enumerable: false, configurable: true });

    // Date's locale methods, as ECMA-402 defines them (ToDateTimeOptions),
    // through the constructor above.
    function toDateTimeOptions(options, required, defaults) {
      options = Object.create(options === undefined ? null : Object(options));
      let needDefaults = true;
      if (required !== "time") for (const key of ["weekday", "year", "month", "day"]) if (options[key] !== undefined) needDefaults = false;
      if (required !== "date") for (const key of TIME_OPTIONS) if (options[key] !== undefined) needDefaults = false;
      const dateStyle = options.dateStyle;
      const timeStyle = options.timeStyle;
      if (dateStyle !== undefined || timeStyle !== undefined) needDefaults = false;
      if (required === "date" && timeStyle !== undefined) throw new TypeError("Invalid option : timeStyle");
      if (required === "time" && dateStyle !== undefined) throw new TypeError("Invalid option : dateStyle");
      if (needDefaults && defaults !== "time") for (const key of ["year", "month", "day"]) options[key] = "numeric";
      if (needDefaults && defaults !== "date") for (const key of ["hour", "minute", "second"]) options[key] = "numeric";
      return options;
    }
    for (const [name, required, defaults] of [
      ["toLocaleString", "any", "all"],
      ["toLocaleDateString", "date", "date"],
      ["toLocaleTimeString", "time", "time"],
    ]) {
      Object.defineProperty(Date.prototype, name, {
        value: {
          [name](locales = undefined, options = undefined) {
            return new DateTimeFormat(locales, toDateTimeOptions(options, required, defaults)).format(this);
          },
        }[name],
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }

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
    const original = proto.formatRangeToParts;
    if (typeof original === "function") {
      Object.defineProperty(proto, "formatRangeToParts", {
        value: {
          formatRangeToParts(...args) {
            const parts = original.apply(this, args);
            for (const part of parts) if (part.type === "literal") part.value = part.value.replace(/\u202f/g, " ");
            return parts;
          },
        }.formatRangeToParts,
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
    fixDateTimeFormat();
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

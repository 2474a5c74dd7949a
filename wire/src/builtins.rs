//! Node's built-in modules as jsw has them, in one table that the bundler
//! (resolving imports, building `import * as` facades, choosing the JS parts a
//! program carries) and the engine (evaluating its resident parts, telling a
//! missing on-demand module from one jsw lacks) both read.
//!
//! A built-in's module object is made by a JS part (`jsw.defineBuiltin(name,
//! make)` in `engine/src/<part>.js`). Resident parts are evaluated by every
//! engine when it starts; the others are put into a program by the compiler only
//! when the program imports their module, so a program that does not use
//! node:crypto carries none of its JS. `compiler/src/bundle/builtins.rs` checks
//! this table against the parts' sources in its unit tests.

/// Where a built-in's module object comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defined {
    /// By a resident part (one of [`RESIDENT`]), in every engine.
    Engine(&'static str),
    /// By a part the compiler adds to the programs that import the module.
    Program(&'static str),
    /// By the engine's Rust code (a native module).
    Native,
    /// Node has it, jsw does not: importing it works (packages often only
    /// probe for it), calling any of its functions throws and says which.
    Absent,
    /// Not a module: a group of parts a program carries when its code mentions
    /// what they implement (Intl's locale data), reached through `needs`.
    Parts,
}

/// One built-in.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Canonical name: `node:path`, `jsw:io`.
    pub name: &'static str,
    pub defined: Defined,
    /// The names its module object has (for `import * as`, `export * from` and
    /// the build-time check of named imports); empty unless implemented in JS.
    pub exports: &'static [&'static str],
    /// The engine's JS parts (paths under `engine/src/`, no extension) that a
    /// program importing it carries, in order.
    pub parts: &'static [&'static str],
    /// Other built-ins whose parts its parts use.
    pub needs: &'static [&'static str],
    /// Its parts call the engine's optional natives (hashes, deflate, fs), so
    /// the program needs the engine built with them.
    pub natives: bool,
    /// Only `node:<name>` names it; a bare `<name>` is a package (`node:test`).
    pub prefix_only: bool,
}

impl Builtin {
    /// Whether a program can import it at all.
    pub fn is_module(&self) -> bool {
        self.defined != Defined::Parts
    }

    /// Whether jsw implements it in JS, so that its exports are known.
    pub fn exports(&self) -> Option<&'static [&'static str]> {
        matches!(self.defined, Defined::Engine(_) | Defined::Program(_)).then_some(self.exports)
    }

    /// Whether it exists in a program only when the compiler saw it imported:
    /// a computed `require` of it finds nothing, and the engine says why.
    pub fn on_demand(&self) -> bool {
        matches!(self.defined, Defined::Program(_))
    }
}

/// The resident parts, in the order every engine evaluates them.
pub const RESIDENT: &[&str] = &[
    "node/path",
    "node/events",
    "node/util",
    "node/assert",
    "node/misc",
    "node/buffer-lazy",
    "node/os",
    "node/diagnostics_channel",
    "node/string_decoder",
];

const fn absent(name: &'static str) -> Builtin {
    Builtin {
        name,
        defined: Defined::Absent,
        exports: &[],
        parts: &[],
        needs: &[],
        natives: false,
        prefix_only: false,
    }
}

const fn engine(
    name: &'static str,
    part: &'static str,
    exports: &'static [&'static str],
) -> Builtin {
    Builtin {
        defined: Defined::Engine(part),
        exports,
        ..absent(name)
    }
}

const fn program(
    name: &'static str,
    parts: &'static [&'static str],
    exports: &'static [&'static str],
) -> Builtin {
    Builtin {
        defined: Defined::Program(parts[parts.len() - 1]),
        exports,
        parts,
        ..absent(name)
    }
}

impl Builtin {
    const fn parts(self, parts: &'static [&'static str]) -> Builtin {
        Builtin { parts, ..self }
    }
    const fn needs(self, needs: &'static [&'static str]) -> Builtin {
        Builtin { needs, ..self }
    }
    const fn natives(self) -> Builtin {
        Builtin {
            natives: true,
            ..self
        }
    }
    const fn prefix_only(self) -> Builtin {
        Builtin {
            prefix_only: true,
            ..self
        }
    }
}

const STREAM_PARTS: &[&str] = &["node/vendor/readable-stream", "node/stream"];

/// Every built-in: Node 20's (those jsw lacks too), jsw's own, and the Intl
/// part groups.
pub const BUILTINS: &[Builtin] = &[
    engine("node:assert", "node/assert", ASSERT),
    engine("node:assert/strict", "node/assert", ASSERT),
    program("node:async_hooks", &["node/async_hooks"], ASYNC_HOOKS),
    engine("node:buffer", "node/buffer-lazy", BUFFER),
    absent("node:child_process"),
    absent("node:cluster"),
    engine("node:console", "node/misc", CONSOLE),
    absent("node:constants"),
    program("node:crypto", &["node/crypto"], CRYPTO).natives(),
    absent("node:dgram"),
    engine(
        "node:diagnostics_channel",
        "node/diagnostics_channel",
        DIAGNOSTICS_CHANNEL,
    ),
    absent("node:dns"),
    absent("node:dns/promises"),
    absent("node:domain"),
    engine("node:events", "node/events", EVENTS),
    program("node:fs", &["node/fs"], FS)
        .needs(&["node:stream"])
        .natives(),
    program("node:fs/promises", &["node/fs"], FS_PROMISES)
        .needs(&["node:stream"])
        .natives(),
    program("node:http", &["node/http"], HTTP),
    absent("node:http2"),
    program("node:https", &["node/http"], HTTPS),
    absent("node:inspector"),
    absent("node:inspector/promises"),
    absent("node:module"),
    absent("node:net"),
    engine("node:os", "node/os", OS),
    engine("node:path", "node/path", PATH),
    engine("node:path/posix", "node/path", PATH),
    absent("node:path/win32"),
    engine("node:perf_hooks", "node/misc", PERF_HOOKS),
    engine("node:process", "node/misc", PROCESS),
    absent("node:punycode"),
    program("node:querystring", &["node/querystring"], QUERYSTRING),
    program("node:readline", &["node/readline"], READLINE),
    program(
        "node:readline/promises",
        &["node/readline"],
        READLINE_PROMISES,
    ),
    absent("node:repl"),
    absent("node:sea").prefix_only(),
    program("node:stream", STREAM_PARTS, STREAM).needs(&["jsw:streams"]),
    program(
        "node:stream/consumers",
        &["node/stream_consumers"],
        STREAM_CONSUMERS,
    ),
    program("node:stream/promises", STREAM_PARTS, STREAM_PROMISES),
    engine("node:stream/web", "node/misc", STREAM_WEB).needs(&["jsw:streams"]),
    engine("node:string_decoder", "node/string_decoder", STRING_DECODER),
    absent("node:sys"),
    absent("node:test").prefix_only(),
    absent("node:test/reporters").prefix_only(),
    engine("node:timers", "node/misc", TIMERS),
    engine("node:timers/promises", "node/misc", TIMERS_PROMISES),
    absent("node:tls"),
    absent("node:trace_events"),
    engine("node:tty", "node/misc", TTY),
    // The WHATWG URL in every engine; the legacy url.parse/format/resolve in a
    // part that replaces the module (querystring parses their queries).
    engine("node:url", "node/misc", URL)
        .parts(&["node/url"])
        .needs(&["node:querystring"]),
    // util.parseArgs, util.parseEnv and the system error names are parts.
    engine("node:util", "node/util", UTIL).parts(&[
        "node/parse_args",
        "node/parse_env",
        "node/system_errors",
    ]),
    engine("node:util/types", "node/util", UTIL_TYPES),
    absent("node:v8"),
    absent("node:vm"),
    absent("node:wasi"),
    engine("node:worker_threads", "node/misc", WORKER_THREADS),
    program("node:zlib", &["node/zlib"], ZLIB)
        .needs(&["node:stream"])
        .natives(),
    Builtin {
        defined: Defined::Native,
        ..absent("jsw:io")
    },
    // Intl (FormatJS polyfills and jsw's Collator) in three groups; the
    // compiler adds each to programs whose code names what it implements.
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-core", "globals/intl"],
        ..absent("jsw:intl")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-datetime", "globals/intl-date"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-segmenter"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-segmenter")
    },
    // Web streams: the reference implementation's port and the globals over
    // it, for programs that mention streams, bodies or fetch (every HTTP
    // handler does).
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/web-streams", "globals/streams"],
        ..absent("jsw:streams")
    },
    // CompressionStream and DecompressionStream, over node:zlib's natives
    // (the compiler picks the engine with them for programs that name these).
    Builtin {
        defined: Defined::Parts,
        parts: &["globals/compression"],
        needs: &["jsw:streams"],
        natives: true,
        ..absent("jsw:compression")
    },
    // TextDecoder's encodings beyond UTF-8 and windows-1252, in groups the
    // compiler adds to programs that name one of their labels (encodings.rs).
    Builtin {
        defined: Defined::Parts,
        parts: &["globals/encodings", "globals/encoding-tables"],
        ..absent("jsw:encodings")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &[
            "globals/encodings-cjk",
            "globals/encoding-index-jis0208",
            "globals/encoding-index-jis0212",
        ],
        needs: &["jsw:encodings"],
        ..absent("jsw:encoding-japanese")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["globals/encodings-cjk", "globals/encoding-index-euc-kr"],
        needs: &["jsw:encodings"],
        ..absent("jsw:encoding-korean")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["globals/encodings-cjk", "globals/encoding-index-big5"],
        needs: &["jsw:encodings"],
        ..absent("jsw:encoding-big5")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["globals/encodings-cjk", "globals/encoding-index-gb18030"],
        needs: &["jsw:encodings"],
        ..absent("jsw:encoding-gb18030")
    },
    // Intl's other locales (locales.rs), each in two groups.
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-en-GB"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-en-GB")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-en-GB-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-en-GB-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-de"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-de")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-de-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-de-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-fr"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-fr")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-fr-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-fr-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-es"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-es")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-es-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-es-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-ja"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-ja")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-ja-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-ja-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-zh"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-zh")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-zh-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-zh-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-ar"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-ar")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-ar-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-ar-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-hi"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-hi")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-hi-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-hi-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-pt"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-pt")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-pt-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-pt-datetime")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-ru"],
        needs: &["jsw:intl"],
        ..absent("jsw:intl-locale-ru")
    },
    Builtin {
        defined: Defined::Parts,
        parts: &["node/vendor/intl-locale-ru-datetime"],
        needs: &["jsw:intl-datetime"],
        ..absent("jsw:intl-locale-ru-datetime")
    },
    // The OpenTelemetry API's global provider, for programs that bundle
    // `@opentelemetry/api`.
    Builtin {
        defined: Defined::Parts,
        parts: &["globals/otel"],
        ..absent("jsw:otel")
    },
];

/// The built-in named exactly `name` (canonical: `node:fs`, `jsw:io`).
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// The canonical name of the built-in module `specifier` names, as an import
/// or `require` writes it (`fs`, `node:fs`, `node:test`, `jsw:io`), if any.
pub fn canonical(specifier: &str) -> Option<&'static str> {
    let module = |name: &str| find(name).filter(|b| b.is_module());
    if specifier.starts_with("node:") || specifier.starts_with("jsw:") {
        return module(specifier).map(|b| b.name);
    }
    BUILTINS
        .iter()
        .find(|b| {
            b.is_module() && !b.prefix_only && b.name.strip_prefix("node:") == Some(specifier)
        })
        .map(|b| b.name)
}

const PATH: &[&str] = &[
    "basename",
    "delimiter",
    "dirname",
    "extname",
    "format",
    "isAbsolute",
    "join",
    "normalize",
    "parse",
    "posix",
    "relative",
    "resolve",
    "sep",
    "toNamespacedPath",
    "win32",
    "_makeLong",
];

const EVENTS: &[&str] = &[
    "EventEmitter",
    "once",
    "on",
    "defaultMaxListeners",
    "errorMonitor",
    "captureRejectionSymbol",
    "captureRejections",
    "usingDomains",
    "init",
    "listenerCount",
    "getEventListeners",
    "getMaxListeners",
    "setMaxListeners",
    "addAbortListener",
    "EventEmitterAsyncResource",
];

const UTIL: &[&str] = &[
    "format",
    "formatWithOptions",
    "inspect",
    "inherits",
    "promisify",
    "callbackify",
    "deprecate",
    "isDeepStrictEqual",
    "types",
    "TextEncoder",
    "TextDecoder",
    "debuglog",
    "debug",
    "styleText",
    "parseArgs",
    "parseEnv",
    "getSystemErrorName",
    "getSystemErrorMap",
    "_errnoException",
    "_exceptionWithHostPort",
    "isArray",
    "isBoolean",
    "isBuffer",
    "isNull",
    "isNullOrUndefined",
    "isNumber",
    "isString",
    "isSymbol",
    "isUndefined",
    "isRegExp",
    "isObject",
    "isDate",
    "isError",
    "isFunction",
    "isPrimitive",
    "log",
    "_extend",
    "stripVTControlCharacters",
    "toUSVString",
    "transferableAbortSignal",
    "transferableAbortController",
    "aborted",
];

const ASSERT: &[&str] = &[
    "ok",
    "equal",
    "notEqual",
    "strictEqual",
    "notStrictEqual",
    "deepEqual",
    "deepStrictEqual",
    "notDeepStrictEqual",
    "notDeepEqual",
    "throws",
    "doesNotThrow",
    "rejects",
    "doesNotReject",
    "fail",
    "match",
    "doesNotMatch",
    "ifError",
    "AssertionError",
    "strict",
];

const URL: &[&str] = &[
    "Url",
    "parse",
    "resolve",
    "resolveObject",
    "format",
    "URL",
    "URLSearchParams",
    "domainToASCII",
    "domainToUnicode",
    "fileURLToPath",
    "pathToFileURL",
    "urlToHttpOptions",
];

const STRING_DECODER: &[&str] = &["StringDecoder"];

const OS: &[&str] = &[
    "EOL",
    "devNull",
    "constants",
    "arch",
    "platform",
    "type",
    "release",
    "version",
    "machine",
    "endianness",
    "hostname",
    "homedir",
    "tmpdir",
    "uptime",
    "loadavg",
    "cpus",
    "availableParallelism",
    "totalmem",
    "freemem",
    "networkInterfaces",
    "userInfo",
    "getPriority",
    "setPriority",
];

const BUFFER: &[&str] = &[
    "Buffer",
    "SlowBuffer",
    "INSPECT_MAX_BYTES",
    "kMaxLength",
    "kStringMaxLength",
    "constants",
    "Blob",
    "File",
    "atob",
    "btoa",
    "transcode",
    "isUtf8",
    "isAscii",
];

const TIMERS_PROMISES: &[&str] = &["setTimeout", "setImmediate", "setInterval", "scheduler"];

const CONSOLE: &[&str] = &[
    "assert",
    "count",
    "countReset",
    "debug",
    "dir",
    "dirxml",
    "error",
    "group",
    "groupCollapsed",
    "groupEnd",
    "info",
    "log",
    "table",
    "time",
    "timeEnd",
    "timeLog",
    "trace",
    "warn",
];

const UTIL_TYPES: &[&str] = &[
    "isAnyArrayBuffer",
    "isArrayBuffer",
    "isAsyncFunction",
    "isBoxedPrimitive",
    "isDate",
    "isGeneratorFunction",
    "isMap",
    "isNativeError",
    "isPromise",
    "isRegExp",
    "isSet",
    "isTypedArray",
    "isUint8Array",
    "isArgumentsObject",
    "isNumberObject",
    "isStringObject",
    "isBooleanObject",
    "isBigIntObject",
    "isSymbolObject",
    "isGeneratorObject",
    "isMapIterator",
    "isSetIterator",
    "isWeakMap",
    "isWeakSet",
    "isDataView",
    "isSharedArrayBuffer",
    "isArrayBufferView",
    "isUint8ClampedArray",
    "isUint16Array",
    "isUint32Array",
    "isInt8Array",
    "isInt16Array",
    "isInt32Array",
    "isFloat32Array",
    "isFloat64Array",
    "isBigInt64Array",
    "isBigUint64Array",
    "isModuleNamespaceObject",
    "isExternal",
    "isKeyObject",
    "isCryptoKey",
];

const TIMERS: &[&str] = &[
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "clearImmediate",
    "promises",
];

const PROCESS: &[&str] = &[
    "argv",
    "env",
    "exit",
    "exitCode",
    "nextTick",
    "platform",
    "arch",
    "pid",
    "ppid",
    "title",
    "version",
    "versions",
    "release",
    "execArgv",
    "stdout",
    "stderr",
    "cwd",
    "chdir",
    "hrtime",
    "uptime",
    "memoryUsage",
    "emitWarning",
    "on",
    "addListener",
    "once",
    "prependListener",
    "prependOnceListener",
    "off",
    "removeListener",
    "removeAllListeners",
    "emit",
    "listeners",
    "rawListeners",
    "listenerCount",
    "eventNames",
    "setMaxListeners",
    "getMaxListeners",
];

const QUERYSTRING: &[&str] = &[
    "parse",
    "stringify",
    "escape",
    "unescape",
    "unescapeBuffer",
    "decode",
    "encode",
];

const STREAM: &[&str] = &[
    "isDestroyed",
    "isDisturbed",
    "isErrored",
    "isReadable",
    "isWritable",
    "Readable",
    "Writable",
    "Duplex",
    "Transform",
    "PassThrough",
    "pipeline",
    "addAbortSignal",
    "finished",
    "destroy",
    "compose",
    "setDefaultHighWaterMark",
    "getDefaultHighWaterMark",
    "promises",
    "Stream",
    "duplexPair",
    "_isArrayBufferView",
    "_isUint8Array",
    "_uint8ArrayToBuffer",
];

const STREAM_PROMISES: &[&str] = &["finished", "pipeline"];

const STREAM_CONSUMERS: &[&str] = &["arrayBuffer", "blob", "buffer", "text", "json"];

const STREAM_WEB: &[&str] = &[
    "ReadableStream",
    "ReadableStreamDefaultReader",
    "WritableStream",
    "WritableStreamDefaultWriter",
    "TransformStream",
    "ByteLengthQueuingStrategy",
    "CountQueuingStrategy",
    "TextEncoderStream",
    "TextDecoderStream",
    "ReadableStreamDefaultController",
    "WritableStreamDefaultController",
    "TransformStreamDefaultController",
];

const CRYPTO: &[&str] = &[
    "createHash",
    "createHmac",
    "createSecretKey",
    "hash",
    "getHashes",
    "getCiphers",
    "getCurves",
    "randomBytes",
    "randomFill",
    "randomFillSync",
    "randomInt",
    "randomUUID",
    "getRandomValues",
    "timingSafeEqual",
    "pbkdf2",
    "pbkdf2Sync",
    "Hash",
    "Hmac",
    "KeyObject",
    "webcrypto",
    "subtle",
    "constants",
    "getFips",
    "createCipheriv",
    "createDecipheriv",
    "createSign",
    "createVerify",
    "sign",
    "verify",
    "generateKeyPair",
    "generateKeyPairSync",
    "generateKey",
    "generateKeySync",
    "createPrivateKey",
    "createPublicKey",
    "publicEncrypt",
    "privateDecrypt",
    "privateEncrypt",
    "publicDecrypt",
    "createDiffieHellman",
    "createECDH",
    "scrypt",
    "scryptSync",
    "hkdf",
    "hkdfSync",
    "generatePrime",
    "generatePrimeSync",
    "checkPrime",
    "checkPrimeSync",
];

const ZLIB: &[&str] = &[
    "crc32",
    "constants",
    "codes",
    "deflateSync",
    "deflate",
    "Deflate",
    "createDeflate",
    "inflateSync",
    "inflate",
    "Inflate",
    "createInflate",
    "gzipSync",
    "gzip",
    "Gzip",
    "createGzip",
    "gunzipSync",
    "gunzip",
    "Gunzip",
    "createGunzip",
    "deflateRawSync",
    "deflateRaw",
    "DeflateRaw",
    "createDeflateRaw",
    "inflateRawSync",
    "inflateRaw",
    "InflateRaw",
    "createInflateRaw",
    "unzipSync",
    "unzip",
    "Unzip",
    "createUnzip",
    "brotliCompress",
    "brotliCompressSync",
    "brotliDecompress",
    "brotliDecompressSync",
    "createBrotliCompress",
    "createBrotliDecompress",
];

const FS: &[&str] = &[
    "constants",
    "F_OK",
    "R_OK",
    "W_OK",
    "X_OK",
    "Stats",
    "Dirent",
    "Dir",
    "opendir",
    "opendirSync",
    "link",
    "linkSync",
    "readv",
    "readvSync",
    "writev",
    "writevSync",
    "openAsBlob",
    "lchmod",
    "lchmodSync",
    "FileReadStream",
    "FileWriteStream",
    "_toUnixTimestamp",
    "accessSync",
    "appendFileSync",
    "chmodSync",
    "chownSync",
    "closeSync",
    "copyFileSync",
    "cpSync",
    "existsSync",
    "fchmodSync",
    "fchownSync",
    "fstatSync",
    "fsyncSync",
    "fdatasyncSync",
    "ftruncateSync",
    "futimesSync",
    "lchownSync",
    "lstatSync",
    "lutimesSync",
    "mkdirSync",
    "mkdtempSync",
    "openSync",
    "readdirSync",
    "readFileSync",
    "readlinkSync",
    "readSync",
    "realpathSync",
    "renameSync",
    "rmdirSync",
    "rmSync",
    "statSync",
    "symlinkSync",
    "truncateSync",
    "unlinkSync",
    "utimesSync",
    "writeFileSync",
    "writeSync",
    "access",
    "appendFile",
    "chmod",
    "chown",
    "close",
    "copyFile",
    "cp",
    "fchmod",
    "fchown",
    "fstat",
    "fsync",
    "fdatasync",
    "ftruncate",
    "futimes",
    "lchown",
    "lstat",
    "lutimes",
    "mkdir",
    "mkdtemp",
    "open",
    "readdir",
    "readFile",
    "readlink",
    "read",
    "realpath",
    "rename",
    "rmdir",
    "rm",
    "stat",
    "symlink",
    "truncate",
    "unlink",
    "utimes",
    "writeFile",
    "write",
    "exists",
    "watch",
    "watchFile",
    "unwatchFile",
    "promises",
    "createReadStream",
    "createWriteStream",
    "ReadStream",
    "WriteStream",
];

const FS_PROMISES: &[&str] = &[
    "constants",
    "opendir",
    "link",
    "lchmod",
    "access",
    "appendFile",
    "chmod",
    "chown",
    "copyFile",
    "cp",
    "lchown",
    "lstat",
    "lutimes",
    "mkdir",
    "mkdtemp",
    "open",
    "readdir",
    "readFile",
    "readlink",
    "realpath",
    "rename",
    "rmdir",
    "rm",
    "stat",
    "symlink",
    "truncate",
    "unlink",
    "utimes",
    "writeFile",
    "watch",
];

const WORKER_THREADS: &[&str] = &[
    "isMainThread",
    "parentPort",
    "workerData",
    "threadId",
    "resourceLimits",
    "SHARE_ENV",
    "markAsUntransferable",
    "getEnvironmentData",
    "setEnvironmentData",
    "receiveMessageOnPort",
    "Worker",
];

const DIAGNOSTICS_CHANNEL: &[&str] = &[
    "channel",
    "hasSubscribers",
    "subscribe",
    "unsubscribe",
    "tracingChannel",
    "Channel",
];

const READLINE: &[&str] = &[
    "Interface",
    "createInterface",
    "clearLine",
    "clearScreenDown",
    "cursorTo",
    "moveCursor",
    "emitKeypressEvents",
    "promises",
];

const READLINE_PROMISES: &[&str] = &["Interface", "Readline", "createInterface"];

const ASYNC_HOOKS: &[&str] = &[
    "AsyncLocalStorage",
    "createHook",
    "executionAsyncId",
    "triggerAsyncId",
    "executionAsyncResource",
    "asyncWrapProviders",
    "AsyncResource",
];

const HTTP: &[&str] = &[
    "METHODS",
    "STATUS_CODES",
    "maxHeaderSize",
    "validateHeaderName",
    "validateHeaderValue",
    "createServer",
    "request",
    "get",
    "Server",
    "Agent",
    "ClientRequest",
    "IncomingMessage",
    "OutgoingMessage",
    "ServerResponse",
    "globalAgent",
    "_connectionListener",
    "setMaxIdleHTTPParsers",
];

const HTTPS: &[&str] = &[
    "Agent",
    "Server",
    "createServer",
    "get",
    "globalAgent",
    "request",
];

const PERF_HOOKS: &[&str] = &["performance", "constants"];

const TTY: &[&str] = &["isatty"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_canonical_and_unique() {
        for (i, b) in BUILTINS.iter().enumerate() {
            assert!(
                b.name.starts_with("node:") || b.name.starts_with("jsw:"),
                "{}",
                b.name
            );
            assert!(
                BUILTINS[..i].iter().all(|o| o.name != b.name),
                "{} twice",
                b.name
            );
        }
    }

    #[test]
    fn specifiers_resolve_as_node_does() {
        assert_eq!(canonical("fs"), Some("node:fs"));
        assert_eq!(canonical("node:fs/promises"), Some("node:fs/promises"));
        assert_eq!(canonical("node:test"), Some("node:test"));
        assert_eq!(canonical("test"), None, "a bare test is a package");
        assert_eq!(canonical("jsw:io"), Some("jsw:io"));
        assert_eq!(canonical("jsw:intl"), None, "part groups are not modules");
        assert_eq!(canonical("node:nope"), None);
        assert_eq!(canonical("lodash"), None);
    }

    #[test]
    fn every_definition_is_reachable() {
        for b in BUILTINS {
            match b.defined {
                Defined::Engine(part) => assert!(
                    RESIDENT.contains(&part),
                    "{}: {part} is not resident",
                    b.name
                ),
                Defined::Program(part) => assert!(
                    b.parts.contains(&part),
                    "{}: {part} is not among its parts",
                    b.name
                ),
                _ => {}
            }
            for need in b.needs {
                assert!(
                    find(need).is_some_and(|n| !n.parts.is_empty()),
                    "{} needs {need}, which has no parts",
                    b.name
                );
            }
            assert!(
                b.exports().is_some() || b.exports.is_empty(),
                "{}: exports without JS",
                b.name
            );
            assert!(
                !(b.natives && b.parts.is_empty()),
                "{}: natives without parts",
                b.name
            );
        }
        for part in RESIDENT {
            assert!(
                BUILTINS.iter().any(|b| b.defined == Defined::Engine(part)),
                "{part} defines no built-in"
            );
        }
    }
}

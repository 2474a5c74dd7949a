//! Node's built-in modules as the bundle sees them: the names each one exports
//! (for the facades of `import * as` and `export *`), and the JS parts of the
//! engine that implement the larger ones, which a program carries only when it
//! imports them.

use std::collections::BTreeSet;

use super::{BundledModule, ModuleKind};

/// Exports of the Node built-ins the engine implements, for `import * as`,
/// `export * from` and `import()` (tests/cli.rs checks them against the engine).
pub(super) fn builtin_exports(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "node:path" | "node:path/posix" => &[
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
        ],
        "node:events" => &[
            "EventEmitter",
            "once",
            "on",
            "defaultMaxListeners",
            "errorMonitor",
            "captureRejectionSymbol",
            "init",
            "listenerCount",
        ],
        "node:util" => &[
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
            "isArray",
        ],
        "node:assert" | "node:assert/strict" => &[
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
            "fail",
            "match",
            "AssertionError",
            "strict",
        ],
        "node:url" => &["URL", "URLSearchParams", "fileURLToPath", "pathToFileURL"],
        "node:string_decoder" => &["StringDecoder"],
        "node:os" => &[
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
        ],
        "node:buffer" => &[
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
            "isUtf8",
            "isAscii",
        ],
        "node:timers/promises" => &["setTimeout", "setImmediate"],
        "node:console" => &[
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
        ],
        "node:util/types" => &[
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
        ],
        "node:timers" => &[
            "setTimeout",
            "clearTimeout",
            "setInterval",
            "clearInterval",
            "setImmediate",
            "clearImmediate",
        ],
        "node:process" => &[
            "argv", "env", "exit", "nextTick", "platform", "stdout", "stderr", "cwd", "hrtime",
        ],
        "node:querystring" => &[
            "parse",
            "stringify",
            "escape",
            "unescape",
            "decode",
            "encode",
        ],
        "node:stream" => &[
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
            "_isUint8Array",
            "_uint8ArrayToBuffer",
        ],
        "node:stream/promises" => &["finished", "pipeline"],
        "node:stream/web" => &[
            "ReadableStream",
            "ReadableStreamDefaultReader",
            "WritableStream",
            "WritableStreamDefaultWriter",
            "TransformStream",
            "ByteLengthQueuingStrategy",
            "CountQueuingStrategy",
            "TextEncoderStream",
            "TextDecoderStream",
        ],
        "node:crypto" => &[
            "createHash",
            "createHmac",
            "createSecretKey",
            "hash",
            "getHashes",
            "getCiphers",
            "getCurves",
            "randomBytes",
            "pseudoRandomBytes",
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
        ],
        "node:zlib" => &[
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
        ],
        "node:fs" => &[
            "constants",
            "Stats",
            "Dirent",
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
        ],
        "node:fs/promises" => &[
            "constants",
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
        ],
        "node:worker_threads" => &[
            "isMainThread",
            "parentPort",
            "workerData",
            "threadId",
            "resourceLimits",
            "SHARE_ENV",
            "markAsUntransferable",
            "markAsUncloneable",
            "isMarkedAsUntransferable",
            "getEnvironmentData",
            "setEnvironmentData",
            "receiveMessageOnPort",
            "Worker",
        ],
        "node:diagnostics_channel" => &[
            "channel",
            "hasSubscribers",
            "subscribe",
            "unsubscribe",
            "tracingChannel",
            "Channel",
        ],
        "node:readline" => &[
            "Interface",
            "createInterface",
            "clearLine",
            "clearScreenDown",
            "cursorTo",
            "moveCursor",
            "emitKeypressEvents",
            "promises",
        ],
        "node:readline/promises" => &["Interface", "createInterface"],
        "node:http" | "node:https" => &[
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
        ],
        "node:perf_hooks" => &["performance", "constants"],
        "node:tty" => &["isatty"],
        _ => return None,
    })
}

/// The engine's JS parts behind a built-in, and the built-ins those parts use.
/// Smaller built-ins (path, events, util, os, buffer, ...) live in the engine
/// itself; these are carried by the programs that import them only.
fn parts_of(
    builtin: &str,
) -> (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
) {
    macro_rules! part {
        ($name:literal) => {
            (
                concat!("node/", $name),
                include_str!(concat!("../../../engine/src/node/", $name, ".js")),
            )
        };
    }
    macro_rules! global {
        ($name:literal) => {
            (
                concat!("globals/", $name),
                include_str!(concat!("../../../engine/src/globals/", $name, ".js")),
            )
        };
    }
    match builtin {
        // Intl (FormatJS polyfills and jsw's Collator), in three parts; see parts().
        "jsw:intl" => (&[], &[part!("vendor/intl-core"), global!("intl")]),
        "jsw:intl-datetime" => (
            &["jsw:intl"],
            &[part!("vendor/intl-datetime"), global!("intl-date")],
        ),
        "jsw:intl-segmenter" => (&["jsw:intl"], &[part!("vendor/intl-segmenter")]),
        "node:crypto" => (&[], &[part!("crypto")]),
        "node:zlib" => (&["node:stream"], &[part!("zlib")]),
        "node:fs" | "node:fs/promises" => (&["node:stream"], &[part!("fs")]),
        "node:querystring" => (&[], &[part!("querystring")]),
        "node:http" | "node:https" => (&[], &[part!("http")]),
        "node:readline" | "node:readline/promises" => (&[], &[part!("readline")]),
        "node:stream" | "node:stream/promises" => {
            (&[], &[part!("vendor/readable-stream"), part!("stream")])
        }
        _ => (&[], &[]),
    }
}

/// The parts a program needs for the built-ins it reaches (node:stream when its
/// code mentions `stdin`, Intl's when it mentions Intl or a locale method), each
/// once, every part after those it uses.
pub(super) fn parts(reached: &BTreeSet<String>, modules: &[BundledModule]) -> Vec<BundledModule> {
    fn visit(builtin: &str, seen: &mut BTreeSet<String>, out: &mut Vec<BundledModule>) {
        if !seen.insert(builtin.to_string()) {
            return;
        }
        let (needs, parts) = parts_of(builtin);
        for need in needs {
            visit(need, seen, out);
        }
        for (name, source) in parts {
            if !out.iter().any(|m| m.name == *name) {
                out.push(BundledModule {
                    name: name.to_string(),
                    kind: ModuleKind::Part,
                    code: source.to_string(),
                    positions: Vec::new(),
                    verbatim: None,
                    imports: Vec::new(),
                });
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for builtin in reached {
        visit(builtin, &mut seen, &mut out);
    }
    let mentions = |needles: &[&str]| {
        modules
            .iter()
            .any(|m| needles.iter().any(|n| m.code.contains(n)))
    };
    // process.stdin is a node:stream Readable.
    if mentions(&["stdin"]) {
        visit("node:stream", &mut seen, &mut out);
    }
    // Intl is big (the locale and time zone data): a program carries the parts
    // its code names. `toLocaleString` may be a date's, so it brings dates too.
    if mentions(&["Intl", "toLocale", "localeCompare"]) {
        visit("jsw:intl", &mut seen, &mut out);
    }
    if mentions(&[
        "DateTimeFormat",
        "toLocaleString",
        "toLocaleDateString",
        "toLocaleTimeString",
    ]) {
        visit("jsw:intl-datetime", &mut seen, &mut out);
    }
    if mentions(&["Segmenter"]) {
        visit("jsw:intl-segmenter", &mut seen, &mut out);
    }
    out
}

/// Whether a program needs the engine built with the natives of node:crypto,
/// node:zlib and node:fs: it reaches one of them, or its code mentions
/// `subtle` (the global `crypto.subtle`, whose digests and HMAC are those natives).
pub(super) fn needs_natives(reached: &BTreeSet<String>, modules: &[BundledModule]) -> bool {
    const NATIVE: &[&str] = &["node:crypto", "node:zlib", "node:fs", "node:fs/promises"];
    reached.iter().any(|b| NATIVE.contains(&b.as_str()))
        || modules.iter().any(|m| m.code.contains("subtle"))
}

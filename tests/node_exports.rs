//! Node's built-in modules as jsw provides them, against Node 20 itself.
//!
//! For every built-in the engine defines, the names it exports (the keys of
//! the module object, and the names of its `import * as` namespace) must be
//! Node's. The only differences allowed are the gaps listed in `GAPS`, each
//! with its reason; a listed gap that is no longer a difference fails too, so
//! the list stays true. Other tests here run what the export lists name
//! where the fixtures cannot (a granted directory, a TypeScript build).
//! Needs Node; without it a test says SKIPPED, except under CI.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use support::{jsw, text};

/// Names jsw's built-ins lack (or have where Node has not), by module, with
/// the reason. Each name must differ, or the test fails.
const GAPS: &[(&str, &[&str], &str)] = &[
    (
        "node:assert",
        &["CallTracker"],
        "deprecated in Node 20 (DEP0173)",
    ),
    (
        "node:assert/strict",
        &["CallTracker"],
        "deprecated in Node 20 (DEP0173)",
    ),
    (
        "node:buffer",
        &["resolveObjectURL"],
        "no blob: URLs (URL.createObjectURL) to resolve",
    ),
    (
        "node:console",
        &[
            "Console",
            "clear",
            "context",
            "createTask",
            "profile",
            "profileEnd",
            "timeStamp",
        ],
        "the global console (engine/src/globals/console.js) has no Console class, clear or inspector hooks",
    ),
    (
        "node:crypto",
        &[
            "Certificate",
            "Cipher",
            "Cipheriv",
            "Decipher",
            "Decipheriv",
            "DiffieHellman",
            "DiffieHellmanGroup",
            "ECDH",
            "Sign",
            "Verify",
            "X509Certificate",
            "createDiffieHellmanGroup",
            "diffieHellman",
            "getCipherInfo",
            "getDiffieHellman",
        ],
        "ciphers, signatures, key agreement and X.509 are not implemented (their factories throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM)",
    ),
    (
        "node:crypto",
        &["secureHeapUsed", "setEngine", "setFips"],
        "OpenSSL's controls: jsw's hashes are RustCrypto's",
    ),
    (
        "node:fs",
        &["statfs", "statfsSync"],
        "WASI preview 1 has no file-system statistics",
    ),
    (
        "node:fs/promises",
        &["statfs"],
        "WASI preview 1 has no file-system statistics",
    ),
    ("node:path", &["matchesGlob"], "experimental in Node 20"),
    (
        "node:path/posix",
        &["matchesGlob"],
        "experimental in Node 20",
    ),
    (
        "node:perf_hooks",
        &[
            "Performance",
            "PerformanceEntry",
            "PerformanceMark",
            "PerformanceMeasure",
            "PerformanceObserver",
            "PerformanceObserverEntryList",
            "PerformanceResourceTiming",
            "createHistogram",
            "monitorEventLoopDelay",
        ],
        "performance has now() and timeOrigin only: no marks, measures, observers or histograms",
    ),
    (
        "node:process",
        &[
            "_debugEnd",
            "_debugProcess",
            "_events",
            "_eventsCount",
            "_exiting",
            "_fatalException",
            "_getActiveHandles",
            "_getActiveRequests",
            "_kill",
            "_linkedBinding",
            "_maxListeners",
            "_preload_modules",
            "_rawDebug",
            "_startProfilerIdleNotifier",
            "_stopProfilerIdleNotifier",
            "_tickCallback",
            "allowedNodeEnvironmentFlags",
            "assert",
            "binding",
            "config",
            "debugPort",
            "dlopen",
            "domain",
            "features",
            "moduleLoadList",
            "openStdin",
            "reallyExit",
            "report",
            "setSourceMapsEnabled",
            "sourceMapsEnabled",
        ],
        "Node's internals and runtime controls (bindings, native addons, inspector, reports, flags)",
    ),
    (
        "node:process",
        &[
            "getegid",
            "geteuid",
            "getgid",
            "getgroups",
            "getuid",
            "initgroups",
            "setegid",
            "seteuid",
            "setgid",
            "setgroups",
            "setuid",
            "umask",
        ],
        "WASI has no users, groups or file mode mask",
    ),
    (
        "node:process",
        &["abort", "kill"],
        "a WASI module cannot signal processes",
    ),
    (
        "node:process",
        &[
            "argv0",
            "availableMemory",
            "constrainedMemory",
            "cpuUsage",
            "execPath",
            "getActiveResourcesInfo",
            "getBuiltinModule",
            "hasUncaughtExceptionCaptureCallback",
            "loadEnvFile",
            "resourceUsage",
            "setUncaughtExceptionCaptureCallback",
        ],
        "not implemented by jsw's process object (engine/src/globals/process.js)",
    ),
    (
        "node:process",
        &[
            "addListener",
            "emit",
            "eventNames",
            "getMaxListeners",
            "listenerCount",
            "listeners",
            "off",
            "on",
            "once",
            "prependListener",
            "prependOnceListener",
            "rawListeners",
            "removeAllListeners",
            "removeListener",
            "setMaxListeners",
        ],
        "jsw's process has its EventEmitter methods as own properties (Node's inherits them)",
    ),
    (
        "node:stream/web",
        &["CompressionStream", "DecompressionStream"],
        "not implemented (zlib's natives are only in the engine build for node:zlib)",
    ),
    (
        "node:stream/web",
        &[
            "ReadableByteStreamController",
            "ReadableStreamBYOBReader",
            "ReadableStreamBYOBRequest",
        ],
        "no BYOB readers: byte streams are read through the default reader",
    ),
    (
        "node:timers",
        &["_unrefActive", "active", "enroll", "unenroll"],
        "deprecated timer internals (DEP0095, DEP0096, DEP0126, DEP0127)",
    ),
    (
        "node:tty",
        &["ReadStream", "WriteStream"],
        "WASI gives no terminal control (raw mode, window size)",
    ),
    (
        "node:util",
        &["MIMEParams", "MIMEType"],
        "experimental in Node 20",
    ),
    (
        "node:util/types",
        &["isProxy"],
        "QuickJS gives JS no way to tell a Proxy from its target",
    ),
    (
        "node:worker_threads",
        &[
            "BroadcastChannel",
            "MessageChannel",
            "MessagePort",
            "moveMessagePortToContext",
            "postMessageToThread",
        ],
        "a module is one thread: there are no message ports",
    ),
    (
        "node:zlib",
        &["BrotliCompress", "BrotliDecompress"],
        "brotli is not implemented",
    ),
];

/// Exports a module has that its `import * as` namespace leaves out, and why.
const NOT_IN_NAMESPACE: &[(&str, &[&str], &str)] = &[(
    "node:process",
    &["stdin"],
    "a facade reading it would build process.stdin, carrying node:stream into every program importing node:process",
)];

fn node_available() -> bool {
    let found = Command::new("node").arg("--version").output().is_ok();
    if !found {
        support::skip("node is not installed");
    }
    found
}

/// Every built-in the engine implements in JS (jsw_wire::builtins, whose
/// unit tests check it against the parts that define them), so that a new one
/// is compared as soon as it exists.
fn builtins() -> Vec<String> {
    jsw_wire::builtins::BUILTINS
        .iter()
        .filter(|b| b.exports().is_some())
        .map(|b| b.name.to_string())
        .collect()
}

/// A program printing, for each built-in, one JSON line: its name, the keys
/// of the module object and the names of its namespace.
fn program(names: &[String]) -> String {
    let mut code = String::new();
    for (i, name) in names.iter().enumerate() {
        code.push_str(&format!("import * as m{i} from {name:?};\n"));
    }
    code.push_str("const all = [\n");
    for (i, name) in names.iter().enumerate() {
        code.push_str(&format!("  [{name:?}, m{i}],\n"));
    }
    code.push_str(
        "];\nexport function main() {\n  for (const [name, ns] of all) {\n    const keys = Object.keys(ns.default).sort();\n    const named = Object.keys(ns).filter((k) => k !== \"default\").sort();\n    console.log(JSON.stringify([name, keys, named]));\n  }\n}\n",
    );
    code
}

type Exports = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn parse(stdout: &str) -> Exports {
    stdout
        .lines()
        .map(|line| {
            let (name, keys, named): (String, BTreeSet<String>, BTreeSet<String>) =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            (name, (keys, named))
        })
        .collect()
}

/// Node running `entry` as jsw would (tests/support/oracle.mjs). Without
/// --no-warnings, which would add process.noProcessWarnings.
fn run_node(dir: &Path, entry: &str, args: &[&str]) -> std::process::Output {
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/support/oracle.mjs");
    Command::new("node")
        .current_dir(dir)
        .arg(oracle)
        .arg(entry)
        .args(args)
        .output()
        .unwrap()
}

fn compile(dir: &Path, entry: &str) -> std::process::Output {
    jsw()
        .current_dir(dir)
        .args(["compile", "-q", entry, "-o", "app.wasm"])
        .output()
        .unwrap()
}

#[test]
fn export_names_match_node_20_but_for_the_listed_gaps() {
    if !node_available() {
        return;
    }
    let names = builtins();
    assert!(names.len() >= 30, "{names:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.mjs"), program(&names)).unwrap();

    let node = run_node(dir.path(), "app.mjs", &[]);
    assert!(node.status.success(), "{}", text(&node.stderr));
    let node = parse(&text(&node.stdout));

    let built = compile(dir.path(), "app.mjs");
    assert!(built.status.success(), "{}", text(&built.stderr));
    let run = jsw()
        .current_dir(dir.path())
        .args(["run", "app.wasm"])
        .output()
        .unwrap();
    assert_eq!(text(&run.stderr), "");
    let ours = parse(&text(&run.stdout));

    let mut problems = Vec::new();
    let mut listed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (module, gaps, reason) in GAPS {
        assert!(!reason.is_empty(), "{module}: a gap needs its reason");
        for gap in *gaps {
            if !listed.entry(module).or_default().insert(gap) {
                problems.push(format!("{module}: {gap} is listed twice"));
            }
        }
    }
    for name in &names {
        let (Some((node_keys, _)), Some((keys, named))) = (node.get(name), ours.get(name)) else {
            problems.push(format!("{name}: missing from the output"));
            continue;
        };
        // The compiler's export list (compiler/src/bundle/builtins.rs) is
        // what a namespace has: it must be the module's own keys.
        let left_out: BTreeSet<String> = NOT_IN_NAMESPACE
            .iter()
            .filter(|(m, _, _)| m == name)
            .flat_map(|(_, names, _)| names.iter().map(|n| n.to_string()))
            .collect();
        let keys_in_namespace: BTreeSet<String> = keys.difference(&left_out).cloned().collect();
        if keys_in_namespace != *named {
            problems.push(format!(
                "{name}: the namespace has {:?} that the module has not, and lacks {:?} (compiler/src/bundle/builtins.rs)",
                named.difference(&keys_in_namespace).collect::<Vec<_>>(),
                keys_in_namespace.difference(named).collect::<Vec<_>>(),
            ));
        }
        let gaps = listed.remove(name.as_str()).unwrap_or_default();
        let differ: BTreeSet<&str> = node_keys
            .symmetric_difference(keys)
            .map(String::as_str)
            .collect();
        let lacking: Vec<_> = node_keys
            .difference(keys)
            .filter(|k| !gaps.contains(k.as_str()))
            .collect();
        let extra: Vec<_> = keys
            .difference(node_keys)
            .filter(|k| !gaps.contains(k.as_str()))
            .collect();
        if !lacking.is_empty() {
            problems.push(format!("{name}: jsw lacks {lacking:?} (implement them, or list them in GAPS with the reason)"));
        }
        if !extra.is_empty() {
            problems.push(format!("{name}: jsw has {extra:?}, which Node 20 has not"));
        }
        let stale: Vec<_> = gaps.iter().filter(|g| !differ.contains(*g)).collect();
        if !stale.is_empty() {
            problems.push(format!(
                "{name}: {stale:?} listed in GAPS are no longer gaps: take them off the list"
            ));
        }
    }
    for (module, gaps) in listed {
        problems.push(format!(
            "{module} (gaps {gaps:?}) is not a built-in jsw defines"
        ));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// fs.opendir and the other fs additions, on a directory: the program runs
/// under Node on a temp dir, and under jsw on another one granted as /data.
const FS_PROGRAM: &str = r#"
import fs from "node:fs";
import fsp from "node:fs/promises";
import { join, relative } from "node:path";

export async function main() {
  const root = process.argv[2];
  const at = (p) => join(root, p);
  const rel = (p) => relative(root, p) || ".";
  const hide = (message) => message.replaceAll(root, "<root>");
  const show = (d) => `${rel(d.parentPath)}/${d.name}:${d.isDirectory() ? "dir" : "file"}`;
  fs.mkdirSync(at("d/sub"), { recursive: true });
  fs.writeFileSync(at("d/a.txt"), "alpha");
  fs.writeFileSync(at("d/sub/b.txt"), "beta");

  const dir = fs.opendirSync(at("d"));
  console.log(rel(dir.path), dir instanceof fs.Dir);
  const names = [];
  for (let e; (e = dir.readSync()) !== null; ) names.push(show(e));
  console.log(names.sort());
  dir.closeSync();
  try { dir.closeSync(); } catch (err) { console.log(err.code, err.message); }
  try { dir.readSync(); } catch (err) { console.log(err.code); }
  await dir.close().catch((err) => console.log("async close", err.code));

  const recursive = fs.opendirSync(at("d"), { recursive: true });
  const all = [];
  for (let e; (e = recursive.readSync()) !== null; ) all.push(show(e));
  console.log(all.sort());
  recursive.closeSync();

  const looped = await fsp.opendir(at("d"));
  const seen = [];
  for await (const e of looped) seen.push(show(e));
  console.log(seen.sort());
  await looped.close().catch((err) => console.log("closed by the loop", err.code));

  await new Promise((resolve) => fs.opendir(at("d"), (err, d) => {
    console.log("callback", err, rel(d.path));
    d.read((err2, first) => {
      console.log("read", err2, first !== null);
      d.close((err3) => { console.log("closed", err3); resolve(); });
    });
  }));
  const busy = fs.opendirSync(at("d"));
  const pending = busy.read();
  try { busy.readSync(); } catch (err) { console.log(err.code, err.message); }
  console.log((await pending) !== null);
  busy.closeSync();

  try { fs.opendirSync(at("missing")); } catch (err) { console.log(err.code, err.syscall, hide(err.message), err.path); }
  await fsp.opendir(at("missing")).catch((err) => console.log(err.code, err.syscall, hide(err.message), rel(err.path)));
  try { fs.opendirSync(at("d/a.txt")); } catch (err) { console.log(err.code, err.syscall); }
  try { fs.opendirSync(at("d"), { bufferSize: 0 }); } catch (err) { console.log(err.code, err.message); }

  fs.linkSync(at("d/a.txt"), at("d/hard.txt"));
  console.log(fs.readFileSync(at("d/hard.txt"), "utf8"));
  try { fs.linkSync(at("d/a.txt"), at("d/hard.txt")); } catch (err) { console.log(err.code, err.syscall, hide(err.message)); }
  await fsp.link(at("d/a.txt"), at("d/hard2.txt"));
  await new Promise((resolve) => fs.link(at("d/nope"), at("d/x"), (err) => { console.log(err.code); resolve(); }));
  console.log(fs.readdirSync(at("d")).sort());

  const fd = fs.openSync(at("d/v.txt"), "w+");
  console.log(fs.writevSync(fd, [Buffer.from("one "), Buffer.from("two")]));
  const a = Buffer.alloc(4);
  const b = Buffer.alloc(10);
  console.log(fs.readvSync(fd, [a, b], 0), a.toString(), b.toString("utf8", 0, 3));
  await new Promise((resolve) => fs.writev(fd, [Buffer.from("!")], 7, (err, n, buffers) => { console.log("writev", err, n, buffers.length); resolve(); }));
  await new Promise((resolve) => fs.readv(fd, [Buffer.alloc(8)], 0, (err, n, buffers) => { console.log("readv", err, n, buffers[0].toString()); resolve(); }));
  fs.closeSync(fd);

  const blob = await fs.openAsBlob(at("d/v.txt"), { type: "text/plain" });
  console.log(blob instanceof Blob, blob.size, blob.type, await blob.text());
  console.log(fs.F_OK, fs.R_OK, fs.W_OK, fs.X_OK, fs.constants.W_OK);
  fs.accessSync(at("d/v.txt"), fs.R_OK | fs.W_OK);
  console.log(typeof fs.lchmod, fs.FileReadStream === fs.ReadStream, fs._toUnixTimestamp(new Date(2000)));
}
"#;

#[test]
fn fs_opendir_link_readv_writev_and_open_as_blob_match_node() {
    if !node_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.mjs"), FS_PROGRAM).unwrap();

    let node_data = tempfile::tempdir().unwrap();
    let node_root = node_data.path().to_string_lossy().into_owned();
    let node = run_node(dir.path(), "app.mjs", &[&node_root]);
    assert!(node.status.success(), "{}", text(&node.stderr));

    let built = compile(dir.path(), "app.mjs");
    assert!(built.status.success(), "{}", text(&built.stderr));
    let data = tempfile::tempdir().unwrap();
    let run = jsw()
        .current_dir(dir.path())
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", data.path().display()))
        .args(["app.wasm", "--", "/data"])
        .output()
        .unwrap();
    assert_eq!(text(&run.stderr), "");
    assert_eq!(text(&run.stdout), text(&node.stdout));
    // The hard link is one on the host too.
    assert_eq!(
        std::fs::read_to_string(data.path().join("d/hard.txt")).unwrap(),
        "alpha"
    );
}

/// A TypeScript import of a type from a built-in is not an import of a value:
/// it builds, though the module has no such export.
#[test]
fn type_only_imports_from_builtins_build() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.ts"),
        "import { readFileSync, PathLike, Stats } from \"node:fs\";\nimport { type ParsedUrlQuery } from \"node:querystring\";\nexport function main(): void {\n  const p: PathLike = \"x\";\n  const s: Stats | undefined = undefined;\n  const q: ParsedUrlQuery = {};\n  console.log(typeof readFileSync, p, s, q);\n}\n",
    )
    .unwrap();
    let built = compile(dir.path(), "app.ts");
    assert!(built.status.success(), "{}", text(&built.stderr));
    let run = jsw()
        .current_dir(dir.path())
        .args(["run", "app.wasm"])
        .output()
        .unwrap();
    assert_eq!(text(&run.stdout), "function x undefined {}\n");
}

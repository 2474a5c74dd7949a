//! Helpers shared by the integration tests: the real `jsw` binary, files in temp
//! dirs, and the other hosts modules must behave the same under.
#![allow(dead_code)]

pub mod cdp;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn jsw() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jsw"));
    cmd.stdin(Stdio::null());
    cmd
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `jsw ARGS` in the test's own working directory.
pub fn jsw_output(args: &[&str]) -> Output {
    jsw().args(args).output().unwrap()
}

/// Runs `jsw ARGS` in `dir`.
pub fn jsw_in(dir: &Path, args: &[&str]) -> Output {
    jsw().current_dir(dir).args(args).output().unwrap()
}

pub fn compile(dir: &Path, args: &[&str]) -> Output {
    jsw()
        .current_dir(dir)
        .arg("compile")
        .args(args)
        .output()
        .unwrap()
}

/// What a run printed, for the message of a failed assertion.
fn outputs(out: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// Asserts that the process exited with `code`.
#[track_caller]
pub fn expect_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "expected exit status {code}, got {}\n{}",
        out.status,
        outputs(out)
    );
}

/// Asserts that the process succeeded.
#[track_caller]
pub fn expect_success(out: &Output) {
    assert!(
        out.status.success(),
        "expected success, got {}\n{}",
        out.status,
        outputs(out)
    );
}

/// Asserts that the process exited with `code` and printed exactly `stderr`.
#[track_caller]
pub fn expect_failure(out: &Output, code: i32, stderr: &str) {
    expect_code(out, code);
    assert_eq!(
        text(&out.stderr),
        stderr,
        "unexpected stderr (exit status {code})\n{}",
        outputs(out)
    );
}

/// Asserts that the process exited with `code` and that its stderr contains
/// each of `needles`.
#[track_caller]
pub fn expect_failure_containing(out: &Output, code: i32, needles: &[&str]) {
    expect_code(out, code);
    let stderr = text(&out.stderr);
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?} (exit status {code})\n{}",
            outputs(out)
        );
    }
}

/// Asserts that the process exited with `code` and that its stderr starts
/// with `prefix`.
#[track_caller]
pub fn expect_failure_starting(out: &Output, code: i32, prefix: &str) {
    expect_code(out, code);
    assert!(
        text(&out.stderr).starts_with(prefix),
        "stderr does not start with {prefix:?} (exit status {code})\n{}",
        outputs(out)
    );
}

pub fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Runs a module (with `args`) under Node's built-in WASI
/// (tests/support/node-wasi.mjs).
pub fn node_wasi(module: &Path, args: &[&str]) -> Output {
    Command::new("node")
        .arg("--no-warnings")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/support/node-wasi.mjs"))
        .arg(module)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn compiled(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", source);
    expect_success(&compile(dir.path(), &["-q", "app.js", "-o", "app.wasm"]));
    dir
}

pub fn run_in(dir: &Path, extra: &[&str]) -> Output {
    jsw()
        .current_dir(dir)
        .args(["run", "app.wasm"])
        .args(extra)
        .output()
        .unwrap()
}

/// A test that cannot reach what it needs says SKIPPED and checks nothing,
/// except under CI (`CI` set, as .ci/run does), where an unchecked test would
/// pass for the wrong reason: there it fails.
pub fn skip(why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "this test cannot run under CI: {why}"
    );
    eprintln!("SKIPPED: {why}");
}

/// tests/npm-packages: the pinned real packages and the programs using them.
pub fn npm_packages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/npm-packages")
}

/// Installs the pinned packages of tests/npm-packages (once, into a temp folder
/// keyed by the pins, with `npm ci`); None when npm or the registry is
/// unavailable (see `skip`).
pub fn npm_packages() -> Option<PathBuf> {
    npm_install(&npm_packages_dir(), "npm-packages")
}

/// Installs the pinned packages of `source` (a folder with package.json and
/// package-lock.json) once, into a temp folder keyed by the pins, with `npm
/// ci`; None when npm or the registry is unavailable (see `skip`).
pub fn npm_install(source: &Path, name: &str) -> Option<PathBuf> {
    let manifest = std::fs::read_to_string(source.join("package.json")).unwrap();
    let lock = std::fs::read_to_string(source.join("package-lock.json")).unwrap();
    // A folder keyed by the pins, so a changed pin installs afresh.
    let key = manifest
        .bytes()
        .chain(lock.bytes())
        .fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        });
    let dir = std::env::temp_dir().join(format!("jsw-{name}-{key:016x}"));
    if dir.join("node_modules/.jsw-installed").exists() {
        return Some(dir);
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("package.json"), &manifest).unwrap();
    std::fs::write(dir.join("package-lock.json"), &lock).unwrap();
    let out = Command::new("npm")
        .current_dir(&dir)
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
        ])
        .stdin(Stdio::null())
        .output();
    let why = match out {
        Ok(o) if o.status.success() => {
            std::fs::write(dir.join("node_modules/.jsw-installed"), "").unwrap();
            return Some(dir);
        }
        Ok(o) => format!(
            "npm ci failed (is the npm registry reachable?):\n{}",
            text(&o.stderr)
        ),
        Err(e) => format!("npm is not available: {e}"),
    };
    skip(&why);
    None
}

/// The wasmtime CLI, when present: `$JSW_WASMTIME`, else `wasmtime` on PATH.
/// Under CI (`CI` set) it must be there: scripts/setup.sh installs it.
pub fn wasmtime_cli() -> Option<PathBuf> {
    let candidate = std::env::var_os("JSW_WASMTIME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("wasmtime"));
    let found = Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(candidate);
    }
    skip("the wasmtime CLI is not installed (scripts/setup.sh installs it)");
    None
}

/// Runs a module (with `args`) under the wasmtime CLI with its default settings.
pub fn wasmtime_run(wasmtime: &Path, module: &Path, args: &[&str]) -> Output {
    Command::new(wasmtime)
        .arg("run")
        .arg(module)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Checks a `.cpuprofile` against Chrome DevTools' own definition of it, the
/// `Profiler.Profile` type of the pinned `devtools-protocol` package
/// (tests/cpuprofile/check.mjs, run by Node); skipped without npm.
pub fn check_cpuprofile(profile: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cpuprofile");
    let Some(installed) = npm_install(&source, "cpuprofile") else {
        return;
    };
    std::fs::copy(source.join("check.mjs"), installed.join("check.mjs")).unwrap();
    let out = Command::new("node")
        .arg(installed.join("check.mjs"))
        .arg(profile)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A `.cpuprofile`'s samples by function name (each node's own hits).
pub fn self_time_by_function(
    profile: &serde_json::Value,
) -> std::collections::BTreeMap<String, u64> {
    let mut by_function = std::collections::BTreeMap::<String, u64>::new();
    for n in profile["nodes"].as_array().unwrap() {
        *by_function
            .entry(n["callFrame"]["functionName"].as_str().unwrap().to_string())
            .or_default() += n["hitCount"].as_u64().unwrap();
    }
    by_function
}

/// The records (`*.json`) `jsw serve --record` wrote into `dir`, in name
/// (so time) order; none when it has no such folder yet.
pub fn records(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

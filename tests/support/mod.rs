//! Helpers shared by the integration tests: the real `jsw` binary, files in temp
//! dirs, and the other hosts modules must behave the same under.
#![allow(dead_code)]

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

pub fn compile(dir: &Path, args: &[&str]) -> Output {
    jsw()
        .current_dir(dir)
        .arg("compile")
        .args(args)
        .output()
        .unwrap()
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
    let out = compile(dir.path(), &["-q", "app.js", "-o", "app.wasm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
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
    assert!(
        std::env::var_os("CI").is_none(),
        "the wasmtime CLI is not installed (scripts/setup.sh installs it)"
    );
    eprintln!("note: the wasmtime CLI is not installed; its checks are skipped");
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

//! One module, several hosts: `jsw run`, the wasmtime CLI with its default
//! settings, and Node's `node:wasi`. What a program can observe (errors it can
//! catch, exit statuses) must hold on each of them, within what each host carries.

mod support;

use std::path::Path;
use std::process::Output;

use support::*;

/// Runs `module` (with `args`) under jsw, the wasmtime CLI and node:wasi, each
/// when present; returns (host name, output).
fn on_every_host(dir: &Path, module: &str, args: &[&str]) -> Vec<(&'static str, Output)> {
    let path = dir.join(module);
    let mut outs = vec![(
        "jsw run",
        jsw()
            .current_dir(dir)
            .args(["run", module, "--"])
            .args(args)
            .output()
            .unwrap(),
    )];
    if let Some(wasmtime) = wasmtime_cli() {
        outs.push(("wasmtime", wasmtime_run(&wasmtime, &path, args)));
    }
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok()
    {
        outs.push(("node:wasi", node_wasi(&path, args)));
    }
    outs
}

const DEEP: &str = r#"
const depth = (f) => { let d = 0; const g = () => { d++; f(g); }; try { g(); } catch (e) { return [d, e.name]; } };
export function main() {
  const [plainDepth, plainError] = depth((g) => g());
  const [methodDepth, methodError] = depth((g) => [1].map(g));
  const nested = (n) => "[".repeat(n) + "]".repeat(n);
  const parsed = JSON.parse(nested(1000));
  let a = [];
  for (let i = 0; i < 1000; i++) a = [a];
  const text = JSON.stringify(a);
  let deepJson;
  try { JSON.parse(nested(200000)); deepJson = "parsed"; } catch (e) { deepJson = e.name; }
  let deepValue = [];
  for (let i = 0; i < 30000; i++) deepValue = [deepValue];
  let deepText;
  try { deepText = JSON.stringify(deepValue).length; } catch (e) { deepText = e.name; }
  console.log(plainError, methodError, Array.isArray(parsed), text.length, deepJson, deepText);
  console.error(plainDepth, methodDepth);
}
"#;

#[test]
fn deep_recursion_is_a_range_error_on_every_host() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "deep.js", DEEP);
    let out = compile(dir.path(), &["-q", "deep.js", "-o", "deep.wasm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (host, out) in on_every_host(dir.path(), "deep.wasm", &[]) {
        assert_eq!(out.status.code(), Some(0), "{host}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        // 1,000 levels of JSON work everywhere; 200,000 are a RangeError on small
        // stacks and parse on jsw's deep one.
        assert!(
            stdout.starts_with("RangeError RangeError true 2002 "),
            "{host}: {stdout}"
        );
        let depths: Vec<u32> = text(&out.stderr)
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let expected_plain = if host == "jsw run" { 5_000 } else { 200 };
        assert!(depths[0] >= expected_plain, "{host}: {depths:?}");
    }
}

#[test]
fn exit_codes_are_carried_as_node_maps_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "exit.js",
        "export function main() {\n  const [how, code] = process.argv.slice(2);\n  process.on('exit', (c) => console.log('exit', c));\n  if (how === 'set') process.exitCode = Number(code);\n  else process.exit(Number(code));\n}\n",
    );
    let out = compile(dir.path(), &["-q", "exit.js", "-o", "exit.wasm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // (how, code, what Node exits with, what a host limited to 0–125 gets)
    for (how, code, node, limited) in [
        ("exit", "-1", 255, 125),
        ("exit", "126", 126, 125),
        ("exit", "255", 255, 125),
        ("exit", "256", 0, 0),
        ("set", "300", 44, 44),
        ("exit", "7", 7, 7),
    ] {
        for (host, out) in on_every_host(dir.path(), "exit.wasm", &[how, code]) {
            // Only jsw's own host says (through `jsw-configure`) that it carries 0–255.
            let want = if host == "jsw run" { node } else { limited };
            assert_eq!(
                out.status.code(),
                Some(want),
                "{host}: {how} {code}: {}",
                text(&out.stderr)
            );
            assert_eq!(text(&out.stdout), format!("exit {code}\n"), "{host}");
            assert_eq!(text(&out.stderr), "", "{host}: never a trap");
        }
    }
}

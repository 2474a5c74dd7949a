//! Real packages from the npm registry (pinned in tests/npm-packages/package.json)
//! bundled by jsw and compared with Node.js running the same program.
//!
//! The packages are installed once into a temp folder with `npm ci`, exactly as
//! tests/npm-packages/package-lock.json pins them. When npm or the registry is
//! unavailable the test says SKIPPED and checks nothing, except under CI (`CI`
//! set), where an unchecked test would pass for the wrong reason: it fails.

mod support;

use std::path::Path;
use std::process::Command;

use support::{npm_packages as install, npm_packages_dir as here, text};

#[test]
fn real_packages_match_node() {
    let Some(dir) = install() else { return };
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/support/oracle.mjs");
    let cases = [
        "lodash",
        "lodash-es",
        "dayjs",
        "semver",
        "ms",
        "marked",
        "yaml",
        "zod",
        "immer",
        "preact",
        // Packages that need Node's APIs (Buffer, crypto, zlib, stream, ...).
        "jsonwebtoken",
        "csv-parse",
        "csv-stringify",
        "uuid",
        "iconv-lite",
        "handlebars",
        "ajv",
        "fast-xml-parser",
        "cheerio",
        "qs",
        "mime-types",
        "bcryptjs",
        "js-yaml",
        "nanoid",
        "date-fns",
        "cookie",
        "validator",
        "papaparse",
        "pako",
        "ini",
        "typescript",
    ];
    let mut failures = Vec::new();
    for case in cases {
        // JSX cases have a JS twin for Node.
        let jsx = here().join(format!("{case}.jsx"));
        let source = if jsx.exists() {
            jsx
        } else {
            here().join(format!("{case}.mjs"))
        };
        let ext = source.extension().unwrap().to_str().unwrap().to_string();
        let program = dir.join(format!("{case}.{ext}"));
        std::fs::copy(&source, &program).unwrap();
        let twin = dir.join(format!("{case}.mjs"));
        std::fs::copy(here().join(format!("{case}.mjs")), &twin).unwrap();

        let node = Command::new("node")
            .arg("--no-warnings")
            .arg(&oracle)
            .arg(&twin)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            node.status.success(),
            "{case}: node failed: {}",
            text(&node.stderr)
        );
        let module = dir.join(format!("{case}.wasm"));
        let compile = Command::new(env!("CARGO_BIN_EXE_jsw"))
            .current_dir(&dir)
            .args(["compile", "-q"])
            .arg(&program)
            .arg("-o")
            .arg(&module)
            .output()
            .unwrap();
        if !compile.status.success() {
            failures.push(format!(
                "{case}: compile failed:\n{}",
                text(&compile.stderr)
            ));
            continue;
        }
        let run = Command::new(env!("CARGO_BIN_EXE_jsw"))
            .arg("run")
            .arg(&module)
            .output()
            .unwrap();
        if text(&run.stdout) != text(&node.stdout) || !run.status.success() {
            failures.push(format!(
                "{case}: output differs\n--- node\n{}--- jsw (status {:?})\n{}{}",
                text(&node.stdout),
                run.status.code(),
                text(&run.stdout),
                text(&run.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

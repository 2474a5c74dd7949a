//! Walks `fixtures/<case>/`, compiles each program with the real `jsw` binary, runs
//! it with `jsw run` and compares what comes out with the expectation files:
//!
//! - `app.ts` / `app.tsx` / `app.js` / `app.mjs` / `app.jsx`: the entry file
//! - `expected.stdout`, `expected.stderr`, `expected.status` (default 0) of the run;
//!   a missing `expected.stderr` means stderr must be empty
//! - `stdin`, `args` (one argument per line), `env` (NAME=VALUE per line) for the run
//! - `expected.compile.stderr`, `expected.compile.status`: what `jsw compile -q`
//!   prints (build-time output, errors) and its status; without them compile must
//!   succeed silently. A failed compile must leave no module behind.
//! - `compile.args`: extra flags for `jsw compile`, one per line
//! - `oracle`: Node.js produced the expected output; the test runs the program
//!   under Node again (tests/support/oracle.mjs) and checks it still agrees
//!   (`node script`: Node runs the entry as a classic script, vm.runInThisContext)
//!
//! One named test per folder; a mismatch prints a line diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use libtest_mimic::{Arguments, Failed, Trial};

const ENTRIES: &[&str] = &["app.ts", "app.tsx", "app.js", "app.mjs", "app.jsx"];

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let trials = dirs
        .into_iter()
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            Trial::test(name, move || run_fixture(&dir))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn read_opt(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(name)).ok()
}

fn lines(dir: &Path, name: &str) -> Vec<String> {
    read_opt(dir, name)
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

fn status_of(dir: &Path, name: &str) -> i32 {
    read_opt(dir, name)
        .map(|s| s.trim().parse().expect("a status is a number"))
        .unwrap_or(0)
}

fn run_fixture(dir: &Path) -> Result<(), Failed> {
    let jsw = env!("CARGO_BIN_EXE_jsw");
    let entry = ENTRIES
        .iter()
        .find(|e| dir.join(e).is_file())
        .ok_or_else(|| format!("{}: no entry file (one of {ENTRIES:?})", dir.display()))?;
    let work = tempfile::tempdir()?;
    let module = work.path().join("app.wasm");

    let compile = Command::new(jsw)
        .current_dir(dir)
        .args(["compile", "-q", entry, "-o"])
        .arg(&module)
        .args(lines(dir, "compile.args"))
        .stdin(Stdio::null())
        .output()?;
    let mut problems = Vec::new();
    compare(
        &mut problems,
        "compile stderr",
        &read_opt(dir, "expected.compile.stderr").unwrap_or_default(),
        &String::from_utf8_lossy(&compile.stderr),
    );
    let want_compile = status_of(dir, "expected.compile.status");
    let got_compile = compile.status.code().unwrap_or(-1);
    if want_compile != got_compile {
        problems.push(format!(
            "compile status: expected {want_compile}, got {got_compile}"
        ));
    }
    if got_compile != 0 {
        if module.exists() {
            problems.push("a failed compile left a module behind".into());
        }
        return finish(problems);
    }

    let mut run = Command::new(jsw);
    run.arg("run").arg(&module);
    for pair in lines(dir, "env") {
        run.arg("--env").arg(pair);
    }
    run.arg("--").args(lines(dir, "args"));
    run.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = run.spawn()?;
    let stdin = std::fs::read(dir.join("stdin")).unwrap_or_default();
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        // The program may exit without reading its input; that is not an error here.
        let _ = pipe.write_all(&stdin);
    }
    let out = child.wait_with_output()?;
    if dir.join("oracle").exists() {
        check_oracle(&mut problems, dir, entry, &stdin);
    }
    compare(
        &mut problems,
        "stdout",
        &read_opt(dir, "expected.stdout").unwrap_or_default(),
        &String::from_utf8_lossy(&out.stdout),
    );
    compare(
        &mut problems,
        "stderr",
        &read_opt(dir, "expected.stderr").unwrap_or_default(),
        &String::from_utf8_lossy(&out.stderr),
    );
    let want = status_of(dir, "expected.status");
    let got = out.status.code().unwrap_or(-1);
    if want != got {
        problems.push(format!("exit status: expected {want}, got {got}"));
    }
    finish(problems)
}

fn compare(problems: &mut Vec<String>, what: &str, expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    let diff = similar::TextDiff::from_lines(expected, actual);
    let mut text = format!("{what} differs (- expected, + actual):\n");
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => " ",
        };
        text.push_str(&format!("{sign}{}", change));
        if change.missing_newline() {
            text.push_str("\n\\ no newline at end\n");
        }
    }
    problems.push(text);
}

fn finish(problems: Vec<String>) -> Result<(), Failed> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// Node, running the same program with the same args, env and stdin, must print
/// exactly the expected stdout and exit with the expected status.
fn check_oracle(problems: &mut Vec<String>, dir: &Path, entry: &str, stdin: &[u8]) {
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/support/oracle.mjs");
    let mut node = Command::new("node");
    node.current_dir(dir).arg("--no-warnings").arg(&oracle);
    // `oracle` saying "script": Node runs the entry as a classic script.
    if read_opt(dir, "oracle").is_some_and(|o| o.split_whitespace().any(|w| w == "script")) {
        node.arg("--script");
    }
    node.arg(entry).args(lines(dir, "args"));
    for pair in lines(dir, "env") {
        if let Some((k, v)) = pair.split_once('=') {
            node.env(k, v);
        }
    }
    node.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let Ok(mut child) = node.spawn() else {
        // Under CI a missing Node would make every oracle check vanish
        // unnoticed: that is a failure, as `support::skip` makes it elsewhere.
        if std::env::var_os("CI").is_some() {
            problems.push(format!(
                "node cannot start, so the oracle check of {} cannot run (CI requires it; scripts/setup.sh installs Node)",
                dir.display()
            ));
        } else {
            eprintln!(
                "note: node is not installed; the oracle check of {} is skipped",
                dir.display()
            );
        }
        return;
    };
    {
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(stdin);
    }
    let Ok(out) = child.wait_with_output() else {
        return;
    };
    let expected = read_opt(dir, "expected.stdout").unwrap_or_default();
    compare(
        problems,
        "node's stdout (oracle)",
        &expected,
        &String::from_utf8_lossy(&out.stdout),
    );
    let want = status_of(dir, "expected.status");
    if out.status.code() != Some(want) {
        problems.push(format!(
            "node exited with {:?}, expected {want}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
}

//! node:fs over directories granted with `jsw run --dir`, against Node running
//! the same program on a directory of its own (tests/node-fs/). Needs Node;
//! without it the test says SKIPPED, except under CI, where it fails.

mod support;

use std::path::Path;
use std::process::Command;

use support::{jsw, text};

fn node_available() -> bool {
    let found = Command::new("node").arg("--version").output().is_ok();
    if !found {
        support::skip("node is not installed");
    }
    found
}

fn program(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/node-fs/{name}"))
}

/// Compiles tests/node-fs/<name> and runs it with `dir` granted as /data.
fn run_jsw(name: &str, dir: &Path) -> std::process::Output {
    let out_dir = tempfile::tempdir().unwrap();
    let module = out_dir.path().join("app.wasm");
    let compile = jsw()
        .args(["compile", "-q"])
        .arg(program(name))
        .arg("-o")
        .arg(&module)
        .output()
        .unwrap();
    assert!(compile.status.success(), "{}", text(&compile.stderr));
    jsw()
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", dir.display()))
        .arg(&module)
        .args(["--", "/data"])
        .output()
        .unwrap()
}

#[test]
fn file_operations_and_errors_match_node() {
    if !node_available() {
        return;
    }
    let node_dir = tempfile::tempdir().unwrap();
    let node = Command::new("node")
        .arg(program("operations.js"))
        .arg(node_dir.path())
        .output()
        .unwrap();
    assert!(node.status.success(), "{}", text(&node.stderr));
    let jsw_dir = tempfile::tempdir().unwrap();
    let run = run_jsw("operations.js", jsw_dir.path());
    assert_eq!(text(&run.stderr), "");
    assert_eq!(text(&run.stdout), text(&node.stdout));
    // What the module wrote is on the host, in the granted directory.
    let mut names: Vec<String> = std::fs::read_dir(jsw_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["b.txt", "c.txt", "p.txt", "s.txt"]);
    assert_eq!(
        std::fs::read_to_string(jsw_dir.path().join("s.txt")).unwrap(),
        "one two"
    );
}

#[test]
fn nothing_outside_the_granted_directory_is_reachable() {
    let outer = tempfile::tempdir().unwrap();
    let granted = outer.path().join("granted");
    std::fs::create_dir(&granted).unwrap();
    std::fs::write(outer.path().join("secret.txt"), "secret").unwrap();
    std::fs::write(granted.join("inside.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(
        outer.path().join("secret.txt"),
        granted.join("link-absolute"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../secret.txt", granted.join("link-relative")).unwrap();
    let run = run_jsw("escape.js", &granted);
    let stdout = text(&run.stdout);
    assert!(
        !stdout.contains("READ") && !stdout.contains("ALLOWED"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("refused")).count(),
        11,
        "{stdout}"
    );
    assert!(stdout.ends_with("inside\n"), "{stdout}");
    // Nothing was created or moved outside the grant.
    let mut names: Vec<String> = std::fs::read_dir(outer.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["granted", "secret.txt"]);
    assert!(granted.join("inside.txt").exists());
}

#[test]
fn the_top_level_sees_no_files_at_build_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.js"),
        "import fs from 'node:fs';\nconst config = fs.readFileSync('/data/config.json', 'utf8');\nexport function main() { console.log(config); }\n",
    )
    .unwrap();
    let out = jsw()
        .current_dir(dir.path())
        .args(["compile", "app.js", "-o", "app.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fs.readFile('/data/config.json') was called while the program's top level runs at build time")
            && stderr.contains("app.js:2:"),
        "{stderr}"
    );
    assert!(!dir.path().join("app.wasm").exists());
}

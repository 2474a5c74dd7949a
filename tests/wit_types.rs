//! `jsw types`: TypeScript declarations for a WIT world. The output for
//! tests/wit/transformer/plugin.wit (every kind of WIT type, a resource, a `use`,
//! docs) is compared with expected.d.ts, and TypeScript itself (5.7.2, the pinned
//! copy of tests/npm-packages) must accept the plugin written against it and
//! reject one whose export has the wrong type or is missing, naming it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{jsw, text, write};

fn case() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/wit/transformer")
}

fn types(wit: &Path, world: Option<&str>) -> std::process::Output {
    let mut cmd = jsw();
    cmd.arg("types").arg("--wit").arg(wit);
    if let Some(w) = world {
        cmd.args(["--world", w]);
    }
    cmd.output().unwrap()
}

#[test]
fn declarations_follow_jco_names_and_shapes() {
    let out = types(&case(), Some("transformer"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = std::fs::read_to_string(case().join("expected.d.ts")).unwrap();
    assert_eq!(text(&out.stdout), expected);
    // The only world is chosen without --world, and -o writes the file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plugin.d.ts");
    let out = jsw()
        .arg("types")
        .arg("--wit")
        .arg(case().join("plugin.wit"))
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
}

#[test]
fn bad_worlds_are_clear_errors() {
    let out = types(&case(), Some("nope"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no such world") && err.contains("transformer"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.wit",
        "package a:b;\n\nworld w {\n  export f: func(x: nosuch);\n}\n",
    );
    let out = types(dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("nosuch") && err.contains("broken.wit:4:"),
        "{err}"
    );

    let out = types(&dir.path().join("missing"), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );
}

/// tsc from the pinned real packages (tests/npm-packages: TypeScript 5.7.2);
/// None (a skip) when npm cannot install them.
fn tsc() -> Option<PathBuf> {
    Some(support::npm_packages()?.join("node_modules/.bin/tsc"))
}

#[test]
fn typescript_checks_a_plugin_against_the_world() {
    let Some(tsc) = tsc() else { return };
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("plugin");
    std::fs::create_dir(&project).unwrap();
    let out = jsw()
        .arg("types")
        .arg("--wit")
        .arg(case())
        .arg("-o")
        .arg(project.join("plugin.d.ts"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plugin = std::fs::read_to_string(case().join("plugin.ts")).unwrap();
    write(
        &project,
        "check.ts",
        "import * as plugin from \"./plugin\";\nplugin satisfies typeof import(\"acme:plugin/transformer\");\n",
    );
    write(
        &project,
        "tsconfig.json",
        r#"{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "es2022", "moduleResolution": "bundler" }, "files": ["plugin.d.ts", "plugin.ts", "check.ts"] }"#,
    );
    let check = |source: &str| {
        write(&project, "plugin.ts", source);
        Command::new(&tsc)
            .current_dir(&project)
            .arg("-p")
            .arg(".")
            .output()
            .unwrap()
    };
    let out = check(&plugin);
    assert!(out.status.success(), "{}", text(&out.stdout));

    let wrong = plugin.replace(
        "export function version(): string {\n  return \"1.0.0\";",
        "export function version(): number {\n  return 1;",
    );
    assert_ne!(wrong, plugin);
    let out = check(&wrong);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.contains("version()") && said.contains("not assignable to type 'string'"),
        "{said}"
    );

    let missing = plugin.replace("export function checked", "function checked");
    let out = check(&missing);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(said.contains("checked"), "{said}");
}

//! The `jsw` command line, driven as a user drives it: the real binary, real files
//! in a temp dir, exact messages and exit statuses.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::*;

#[test]
fn help_lists_the_subcommands() {
    let out = jsw_output(&["--help"]);
    expect_success(&out);
    let help = text(&out.stdout);
    for sub in ["compile", "run"] {
        assert!(help.contains(sub), "help does not mention {sub}:\n{help}");
    }
}

#[test]
fn compile_missing_input_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = compile(dir.path(), &["nope.ts", "-o", "out.wasm"]);
    expect_failure(
        &out,
        1,
        "error: cannot read nope.ts\n  caused by: No such file or directory (os error 2)\n",
    );
    assert!(!dir.path().join("out.wasm").exists());
}

#[test]
fn compile_a_directory_says_to_give_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let out = compile(dir.path(), &["src", "-o", "out.wasm"]);
    expect_failure_starting(&out, 1, "error: ");
    expect_failure_containing(
        &out,
        1,
        &["src is a directory: give the program's entry file"],
    );
}

#[test]
fn compile_into_a_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", "console.log(1)\n");
    let out = compile(dir.path(), &["-q", "app.js", "-o", "missing/app.wasm"]);
    expect_failure(
        &out,
        1,
        "error: cannot write missing/app.wasm: the directory missing does not exist\n",
    );
}

#[test]
fn failed_compile_keeps_the_previous_module_and_leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.ts", "let x: number = ;\n");
    write(dir.path(), "app.wasm", "previous build");
    expect_code(&compile(dir.path(), &["-q", "app.ts"]), 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.wasm")).unwrap(),
        "previous build"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "unexpected files: {names:?}");
}

#[test]
fn compile_defaults_the_output_name_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.ts",
        "export function main() { console.log('hi') }\n",
    );
    let out = compile(dir.path(), &["app.ts"]);
    expect_success(&out);
    let summary = text(&out.stderr);
    assert!(
        summary.starts_with("compiled app.ts -> app.wasm ("),
        "{summary}"
    );
    assert!(summary.contains("`main` runs at start"), "{summary}");
    assert!(dir.path().join("app.wasm").is_file());
}

#[test]
fn unresolvable_import_points_at_the_import() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.ts",
        "import { x } from './missing';\nconsole.log(x);\n",
    );
    let out = compile(dir.path(), &["-q", "app.ts", "-o", "app.wasm"]);
    expect_failure_starting(
        &out,
        1,
        "error: cannot resolve \"./missing\": no such file (tried ",
    );
    expect_failure_containing(&out, 1, &["--> app.ts:1:19\n"]);
    assert!(!dir.path().join("app.wasm").exists());
}

#[test]
fn relative_imports_are_linked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    write(
        dir.path(),
        "lib/math.ts",
        "export const double = (n: number): number => n * 2;\n",
    );
    write(
        dir.path(),
        "app.ts",
        "import { double } from './lib/math';\nexport function main() { console.log(double(21)); }\n",
    );
    expect_success(&compile(dir.path(), &["-q", "app.ts", "-o", "app.wasm"]));
    let run = jsw_in(dir.path(), &["run", "app.wasm"]);
    assert_eq!(text(&run.stdout), "42\n");
}

#[test]
fn run_rejects_a_file_that_is_not_wasm() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", "console.log(1)\n");
    let out = jsw_in(dir.path(), &["run", "notes.txt"]);
    expect_failure(
        &out,
        1,
        "error: notes.txt is not a WebAssembly module (compile a program first: jsw compile app.ts)\n",
    );
}

#[test]
fn run_reports_a_missing_module() {
    let out = jsw_output(&["run", "/nonexistent/app.wasm"]);
    expect_failure(
        &out,
        1,
        "error: cannot read /nonexistent/app.wasm\n  caused by: No such file or directory (os error 2)\n",
    );
}

#[test]
fn same_input_gives_byte_identical_modules() {
    // Time and randomness used by the top level must not make builds differ.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.js",
        "const made = [Date.now(), performance.now(), Math.random(), crypto.randomUUID(), new Date().toString()];\n\
         const table = Array.from({ length: 5000 }, (_, i) => ({ i, r: Math.random() }));\n\
         setTimeout(() => {}, 10);\n\
         export function main() { console.log(made.length, table.length); }\n",
    );
    expect_success(&compile(dir.path(), &["-q", "app.js", "-o", "a.wasm"]));
    expect_success(&compile(dir.path(), &["-q", "app.js", "-o", "b.wasm"]));
    let a = std::fs::read(dir.path().join("a.wasm")).unwrap();
    let b = std::fs::read(dir.path().join("b.wasm")).unwrap();
    assert!(a == b, "two builds of the same program differ");
}

#[test]
fn no_snapshot_build_prints_the_same_and_is_smaller() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixtures().join("heavy-top-level/app.ts");
    let src = src.to_str().unwrap();
    expect_success(&compile(dir.path(), &["-q", src, "-o", "snap.wasm"]));
    expect_success(&compile(
        dir.path(),
        &["-q", "--no-snapshot", src, "-o", "lazy.wasm"],
    ));
    let expected =
        std::fs::read_to_string(fixtures().join("heavy-top-level/expected.stdout")).unwrap();
    for module in ["snap.wasm", "lazy.wasm"] {
        let out = jsw_in(dir.path(), &["run", module]);
        assert_eq!(text(&out.stdout), expected, "{module}");
        expect_success(&out);
    }
    // The snapshot carries the table the top level built; the lazy module builds it at start.
    let snap = std::fs::metadata(dir.path().join("snap.wasm"))
        .unwrap()
        .len();
    let lazy = std::fs::metadata(dir.path().join("lazy.wasm"))
        .unwrap()
        .len();
    assert!(snap > lazy, "snapshot {snap} bytes, lazy {lazy} bytes");
}

#[test]
fn modules_run_unchanged_under_node_wasi() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for case in ["hello", "console-basics", "heavy-top-level", "async-main"] {
        let case_dir = fixtures().join(case);
        let entry = ["app.ts", "app.js"]
            .iter()
            .find(|e| case_dir.join(e).exists())
            .unwrap();
        let module = dir.path().join(format!("{case}.wasm"));
        let out = jsw()
            .current_dir(&case_dir)
            .args(["compile", "-q", entry, "-o"])
            .arg(&module)
            .output()
            .unwrap();
        expect_success(&out);
        let node = node_wasi(&module, &[]);
        let expected = std::fs::read_to_string(case_dir.join("expected.stdout")).unwrap();
        assert_eq!(
            text(&node.stdout),
            expected,
            "{case} under node:wasi; stderr: {}",
            text(&node.stderr)
        );
        assert_eq!(node.status.code(), Some(0), "{case}");
    }
}

/// Compiles `source` (as app.js) in a temp dir and returns the dir.
#[test]
fn randomness_is_fresh_at_every_run_of_a_snapshot() {
    // The top level draws too: those values are frozen at build time by design,
    // but main's must differ between runs.
    let dir = compiled(
        "const atBuild = Math.random();\n\
         export function main() {\n\
           const bytes = crypto.getRandomValues(new Uint8Array(8)).join(',');\n\
           console.log(Math.random(), Math.random() !== atBuild, crypto.randomUUID(), bytes);\n\
         }\n",
    );
    let a = text(&run_in(dir.path(), &[]).stdout);
    let b = text(&run_in(dir.path(), &[]).stdout);
    assert_ne!(a, b, "two runs printed the same random values");
    let fields: Vec<&str> = a.split_whitespace().collect();
    assert_eq!(fields[1], "true");
    let uuid = fields[2];
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "version 4 UUID: {uuid}");
    assert!("89ab".contains(&uuid[19..20]), "RFC 4122 variant: {uuid}");
}

#[test]
fn clocks_run_at_run_time_and_stand_still_at_build_time() {
    let dir = compiled(
        "const builtAt = Date.now();\n\
         const perfAtBuild = performance.now();\n\
         export function main() {\n\
           console.log(builtAt, perfAtBuild, Date.now() > builtAt + 1e12, performance.now() < 10000);\n\
         }\n",
    );
    let out = text(&run_in(dir.path(), &[]).stdout);
    assert_eq!(out, "0 0 true true\n");
}

#[test]
fn build_environment_does_not_leak_into_the_module() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.js",
        "const atBuild = JSON.stringify([process.argv.length, Object.keys(process.env)]);\n\
         export function main() { console.log(atBuild, process.env.SECRET); }\n",
    );
    let out = jsw()
        .current_dir(dir.path())
        .env("SECRET", "from-the-build-machine")
        .args(["compile", "-q", "app.js", "-o", "app.wasm"])
        .output()
        .unwrap();
    expect_success(&out);
    let run = run_in(dir.path(), &["--env", "SECRET=given-at-run-time"]);
    assert_eq!(text(&run.stdout), "[2,[]] given-at-run-time\n");
    let wasm = std::fs::read(dir.path().join("app.wasm")).unwrap();
    assert!(!wasm.windows(22).any(|w| w == b"from-the-build-machine"));
}

#[test]
fn exit_status_reaches_every_host() {
    let dir = compiled("export function main() { console.log('bye'); process.exit(42); }\n");
    let out = run_in(dir.path(), &[]);
    expect_code(&out, 42);
    assert_eq!(text(&out.stdout), "bye\n");
    if Command::new("node").arg("--version").output().is_ok() {
        let node = node_wasi(&dir.path().join("app.wasm"), &[]);
        assert_eq!(node.status.code(), Some(42));
        assert_eq!(text(&node.stdout), "bye\n");
    }
}

#[test]
fn args_and_env_are_passed_by_jsw_run() {
    let dir = compiled(
        "export function main() { console.log(JSON.stringify([process.argv.slice(2), process.env.K, process.env.OTHER])); }\n",
    );
    let out = run_in(dir.path(), &["--env", "K=v=1", "--", "a", "b c"]);
    assert_eq!(text(&out.stdout), "[[\"a\",\"b c\"],\"v=1\",null]\n");
    let bad = run_in(dir.path(), &["--env", "NOEQUALS"]);
    expect_failure(&bad, 1, "error: --env NOEQUALS: expected NAME=VALUE\n");
}

#[test]
fn the_runtime_exposes_no_host_file_access() {
    let dir = tempfile::tempdir().unwrap();
    // No fs API is part of the runtime; a module gets host directories only through
    // `jsw run --dir`, and nothing is given by default.
    write(
        dir.path(),
        "app.js",
        "export function main() { console.log(typeof require, typeof Deno, typeof process.binding); }\n",
    );
    expect_success(&compile(dir.path(), &["-q", "app.js", "-o", "app.wasm"]));
    let out = run_in(dir.path(), &[]);
    assert_eq!(text(&out.stdout), "undefined undefined undefined\n");
}

#[test]
fn run_limits_name_the_limit_and_exit_non_zero() {
    let dir = compiled("export function main() { let i = 0; while (true) i++; }\n");
    let out = run_in(dir.path(), &["--timeout", "200ms"]);
    expect_failure(
        &out,
        124,
        "error: the module ran longer than --timeout 200ms\n",
    );
    let out = run_in(dir.path(), &["--fuel", "50000"]);
    expect_failure(
        &out,
        1,
        "error: the module executed more than --fuel 50000 instructions\n",
    );

    let dir = compiled(
        "export function main() { const keep = []; while (true) keep.push(new Array(1e5).fill(1)); }\n",
    );
    let out = run_in(dir.path(), &["--max-memory", "32MiB"]);
    expect_failure_starting(&out, 1, "Uncaught InternalError: out of memory\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr.ends_with("\nerror: the module needed more memory than --max-memory 32MiB\n"),
        "{stderr}"
    );
}

#[test]
fn running_out_of_memory_is_an_error_the_program_can_catch() {
    let dir = compiled(
        "export function main() {\n  let keep = [];\n  try { while (true) keep.push(new Array(1e5).fill(1)); }\n  catch (e) { keep = null; console.log(`caught ${e.name}: ${e.message}`); }\n}\n",
    );
    let out = run_in(dir.path(), &["--max-memory", "32MiB"]);
    assert_eq!(text(&out.stderr), "");
    assert_eq!(text(&out.stdout), "caught InternalError: out of memory\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn run_rejects_malformed_limits() {
    let dir = compiled("export function main() {}\n");
    let out = run_in(dir.path(), &["--timeout", "soon"]);
    expect_failure_containing(&out, 2, &["`soon` is not a duration (e.g. 500ms, 2s, 1m)"]);
    let out = run_in(dir.path(), &["--max-memory", "64XB"]);
    expect_failure_containing(
        &out,
        2,
        &["unknown unit `xb` in `64XB` (use KiB, MiB or GiB)"],
    );
}

#[test]
fn run_inherits_the_environment_only_when_asked() {
    let dir =
        compiled("export function main() { console.log(process.env.JSW_TEST_VAR ?? 'unset'); }\n");
    let plain = jsw()
        .current_dir(dir.path())
        .env("JSW_TEST_VAR", "host")
        .args(["run", "app.wasm"])
        .output()
        .unwrap();
    assert_eq!(text(&plain.stdout), "unset\n");
    let inherited = jsw()
        .current_dir(dir.path())
        .env("JSW_TEST_VAR", "host")
        .args(["run", "--inherit-env", "app.wasm"])
        .output()
        .unwrap();
    assert_eq!(text(&inherited.stdout), "host\n");
}

#[test]
fn run_a_source_file_directly_prints_top_level_output_too() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.ts",
        "console.log('top level');\nexport function main(): void { console.log('main', process.argv.slice(2)); }\n",
    );
    let out = jsw_in(dir.path(), &["run", "app.ts", "--", "x"]);
    expect_success(&out);
    assert_eq!(text(&out.stdout), "top level\nmain [ 'x' ]\n");
}

/// Runs `jsw ARGS` in `dir` with its code cache in `cache`.
fn jsw_cached(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    jsw()
        .current_dir(dir)
        .env("JSW_CACHE_DIR", cache)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn compiled_code_is_cached_and_the_cache_can_be_bypassed() {
    let dir = compiled("export function main() { console.log('cached'); }\n");
    let cache = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = jsw_cached(dir.path(), cache.path(), &["run", "app.wasm"]);
        assert_eq!(text(&out.stdout), "cached\n");
    }
    let entries = std::fs::read_dir(cache.path().join("code"))
        .unwrap()
        .count();
    assert_eq!(entries, 1, "one module, one cache entry");
    let fresh = tempfile::tempdir().unwrap();
    let out = jsw_cached(dir.path(), fresh.path(), &["run", "--no-cache", "app.wasm"]);
    assert_eq!(text(&out.stdout), "cached\n");
    assert!(
        !fresh.path().join("code").exists(),
        "--no-cache wrote to the cache"
    );
}

#[test]
fn compile_precompile_writes_a_cwasm_too() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", "export function main() {}\n");
    expect_success(&compile(
        dir.path(),
        &["-q", "--precompile", "app.js", "-o", "app.wasm"],
    ));
    let cwasm = std::fs::read(dir.path().join("app.cwasm")).unwrap();
    assert!(cwasm.starts_with(b"\x7fELF"), "a .cwasm is an ELF image");

    // Machine code runs only when the user vouches for it, as with wasmtime.
    write(
        dir.path(),
        "app.js",
        "export function main() { console.log('precompiled', process.argv.slice(2)); }\n",
    );
    expect_success(&compile(
        dir.path(),
        &["-q", "--precompile", "app.js", "-o", "pre.wasm"],
    ));
    assert!(
        dir.path().join("pre.cwasm").is_file(),
        "-o pre.wasm writes pre.cwasm"
    );
    let refused = jsw_in(dir.path(), &["run", "pre.cwasm"]);
    expect_failure_containing(
        &refused,
        1,
        &[
            "pre.cwasm is precompiled machine code (a .cwasm)",
            "--allow-precompiled",
        ],
    );
    let ran = jsw_in(
        dir.path(),
        &["run", "--allow-precompiled", "pre.cwasm", "--", "x"],
    );
    assert_eq!(text(&ran.stderr), "");
    assert_eq!(text(&ran.stdout), "precompiled [ 'x' ]\n");
}

#[cfg(unix)]
#[test]
fn outputs_get_the_usual_mode_for_new_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", "export function main() {}\n");
    // umask is per process: the shell sets it for jsw alone.
    for (umask, mode) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let out = Command::new("sh")
            .current_dir(dir.path())
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" compile -q --precompile app.js -o app.wasm"
            ))
            .arg(env!("CARGO_BIN_EXE_jsw"))
            .output()
            .unwrap();
        expect_success(&out);
        for file in ["app.wasm", "app.cwasm"] {
            let got = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(got, mode, "{file} under umask {umask}: {got:o}");
        }
    }
}

#[test]
fn lone_surrogates_in_errors_and_build_output_print_as_node_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.js",
        "const half = '\\u{1F600}'.slice(0, 1);\nconsole.log(`build ${half}`, [half]);\nexport function main() { throw new Error(`bad ${half}`); }\n",
    );
    let out = compile(dir.path(), &["-q", "app.js", "-o", "app.wasm"]);
    expect_success(&out);
    assert_eq!(
        text(&out.stderr),
        "[build stdout] build \u{FFFD} [ '\\ud83d' ]\n"
    );
    let out = run_in(dir.path(), &[]);
    expect_failure_starting(
        &out,
        1,
        "Uncaught Error: bad \u{FFFD}\n    at main (app.js:3:",
    );
}

#[test]
fn bench_reports_json_for_modules_and_the_floor() {
    let dir = compiled("export function main() { console.log(1); }\n");
    let out = jsw_in(
        dir.path(),
        &[
            "bench",
            "--json",
            "-n",
            "5",
            "--warmup",
            "1",
            "app.js",
            "--compare-no-snapshot",
        ],
    );
    expect_success(&out);
    let json = text(&out.stdout);
    for name in [
        "\"app.js (snapshot)\"",
        "\"app.js (no snapshot)\"",
        "\"(empty module)\"",
    ] {
        assert!(json.contains(name), "{json}");
    }
    assert!(
        json.contains("\"median_ns\":") && json.contains("\"fuel\":"),
        "{json}"
    );
    // jsw modules split their run at the engine's main; every module reports
    // what a live instance keeps resident.
    let reports: serde_json::Value = serde_json::from_str(&json).unwrap();
    for report in reports.as_array().unwrap() {
        let name = report["name"].as_str().unwrap();
        let phases = &report["phases"];
        if name == "(empty module)" {
            assert!(phases.is_null(), "{json}");
            continue;
        }
        for phase in ["before_main", "main", "exit"] {
            assert!(
                phases[phase]["median_ns"].as_u64().is_some(),
                "{name}: {json}"
            );
        }
        assert!(phases["main"]["median_ns"].as_u64() > Some(0), "{json}");
        assert!(report["resident"].as_u64() > Some(0), "{json}");
    }
    let table = jsw_in(
        dir.path(),
        &["bench", "-n", "3", "--warmup", "0", "app.wasm"],
    );
    assert!(
        text(&table.stdout).starts_with("module "),
        "{}",
        text(&table.stdout)
    );
    let missing = jsw_in(dir.path(), &["bench", "nope.wasm"]);
    expect_failure(
        &missing,
        1,
        "error: cannot read nope.wasm\n  caused by: No such file or directory (os error 2)\n",
    );
}

#[test]
fn deep_recursion_is_a_catchable_range_error() {
    let dir = compiled(
        "function down(n) { return n === 0 ? 0 : 1 + down(n - 1); }\n\
         function forever(n) { return forever(n + 1) + 1; }\n\
         export function main() {\n\
           console.log(down(10000));\n\
           try { forever(0); } catch (e) { console.log(e instanceof RangeError, e.message); }\n\
           forever(0);\n\
         }\n",
    );
    let out = run_in(dir.path(), &[]);
    assert_eq!(
        text(&out.stdout),
        "10000\ntrue Maximum call stack size exceeded\n"
    );
    expect_failure_starting(
        &out,
        1,
        "Uncaught RangeError: Maximum call stack size exceeded\n",
    );
}

#[test]
fn non_utf8_source_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.js"), b"console.log('caf\xe9');\n").unwrap();
    let out = compile(dir.path(), &["-q", "app.js", "-o", "app.wasm"]);
    expect_failure_starting(&out, 1, "error: ");
    expect_failure_containing(
        &out,
        1,
        &["app.js is not UTF-8 text (invalid byte at offset 16)"],
    );
}

#[test]
fn build_time_limits_fail_the_build_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "loop.js",
        "while (true) {}\nexport function main() {}\n",
    );
    let out = compile(
        dir.path(),
        &[
            "-q",
            "--build-timeout",
            "500ms",
            "loop.js",
            "-o",
            "loop.wasm",
        ],
    );
    expect_failure(
        &out,
        1,
        "error: the top level of loop.js did not finish within 0.5s at build time (an endless loop? work that belongs in main()?); raise the limit with --build-timeout\n",
    );
    assert!(!dir.path().join("loop.wasm").exists());

    write(
        dir.path(),
        "oom.js",
        "const keep = [];\nwhile (true) keep.push(new Array(1e5).fill(1));\nexport function main() {}\n",
    );
    let out = compile(
        dir.path(),
        &[
            "-q",
            "--build-max-memory",
            "64MiB",
            "oom.js",
            "-o",
            "oom.wasm",
        ],
    );
    expect_failure_starting(
        &out,
        1,
        "[build stderr] Uncaught InternalError: out of memory\n",
    );

    write(
        dir.path(),
        "deep.js",
        "function f(n) { return f(n + 1) + 1; }\nf(0);\nexport function main() {}\n",
    );
    let out = compile(dir.path(), &["-q", "deep.js", "-o", "deep.wasm"]);
    expect_failure(
        &out,
        1,
        "[build stderr] Uncaught RangeError: Maximum call stack size exceeded\nerror: the top level of deep.js failed at build time (exit status 1)\n",
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = jsw_output(&["compile", "--frobnicate", "app.ts"]);
    expect_failure_containing(&out, 2, &["unexpected argument '--frobnicate'"]);
    expect_code(&jsw_output(&["compile"]), 2);
    expect_code(
        &jsw_output(&["compile", "--error-format", "xml", "a.ts"]),
        2,
    );
    expect_code(&jsw_output(&["frobnicate"]), 2);
}

#[test]
fn unwritable_output_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", "export function main() {}\n");
    let out = compile(dir.path(), &["-q", "app.js", "-o", "/proc/jsw-test.wasm"]);
    expect_failure_starting(&out, 1, "error: cannot write /proc/jsw-test.wasm");
}

#[test]
fn run_refuses_a_module_that_is_not_a_wasi_command() {
    let dir = tempfile::tempdir().unwrap();
    // A valid module with nothing in it: no `_start`.
    std::fs::write(dir.path().join("lib.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let out = jsw_in(dir.path(), &["run", "lib.wasm"]);
    expect_failure_containing(
        &out,
        1,
        &["the module has no `_start` export: it is not a WASI command"],
    );
}

#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    let dir = compiled(
        "export function main() { for (let i = 0; i < 200000; i++) console.log('line', i); }\n",
    );
    let mut child = jsw()
        .current_dir(dir.path())
        .args(["run", "app.wasm"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    use std::io::Read;
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(&first, b"line 0\nline 1\nli");
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn huge_stdin_is_read_whole() {
    let dir = compiled(
        "import { readAll } from 'jsw:io';\nexport async function main() { const b = await readAll(); console.log(b.length, b[b.length - 1]); }\n",
    );
    let mut child = jsw()
        .current_dir(dir.path())
        .args(["run", "app.wasm"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let data = vec![7u8; 32 << 20];
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&data).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(text(&out.stdout), format!("{} 7\n", 32 << 20));
}

/// The imports (`module::name`, sorted) of `source` compiled.
fn imports_of(source: &str) -> Vec<String> {
    let dir = compiled(source);
    let wasm = std::fs::read(dir.path().join("app.wasm")).unwrap();
    let module = wasmtime::Module::new(&wasmtime::Engine::default(), &wasm).unwrap();
    let mut imports: Vec<String> = module
        .imports()
        .map(|i| format!("{}::{}", i.module(), i.name()))
        .collect();
    imports.sort();
    imports
}

/// What a compiled module asks of its host. A change here is a change of the
/// sandbox: update README's list with it.
#[test]
fn modules_import_only_these_wasi_functions() {
    let imports = imports_of("export function main() {}\n");
    let expected = [
        "args_get",
        "args_sizes_get",
        "clock_time_get",
        "environ_get",
        "environ_sizes_get",
        "fd_close",
        "fd_fdstat_get",
        "fd_read",
        "fd_seek",
        "fd_write",
        "poll_oneoff",
        "proc_exit",
        "random_get",
    ]
    .map(|f| format!("wasi_snapshot_preview1::{f}"));
    assert_eq!(imports, expected);
}

/// A program that imports node:fs is built with the engine that has the file
/// system natives: the same list plus exactly what those need, and no more.
#[test]
fn modules_using_node_fs_import_only_these_wasi_functions() {
    let imports =
        imports_of("import fs from 'node:fs';\nexport function main() { fs.existsSync('/'); }\n");
    let expected = [
        "args_get",
        "args_sizes_get",
        "clock_time_get",
        "environ_get",
        "environ_sizes_get",
        "fd_close",
        "fd_fdstat_get",
        // node:fs
        "fd_filestat_get",
        "fd_filestat_set_size",
        "fd_prestat_dir_name",
        "fd_prestat_get",
        "fd_read",
        "fd_readdir",
        "fd_seek",
        "fd_write",
        // node:fs
        "path_create_directory",
        "path_filestat_get",
        "path_link",
        "path_open",
        "path_readlink",
        "path_remove_directory",
        "path_rename",
        "path_symlink",
        "path_unlink_file",
        "poll_oneoff",
        "proc_exit",
        "random_get",
    ]
    .map(|f| format!("wasi_snapshot_preview1::{f}"));
    assert_eq!(imports, expected);
}

#[test]
fn builds_do_not_depend_on_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    write(
        dir.path(),
        "src/app.ts",
        "import { x } from './x';\nexport function main() { console.log(x); }\n",
    );
    write(dir.path(), "src/x.ts", "export const x: number = 1;\n");
    expect_success(&compile(dir.path(), &["-q", "src/app.ts", "-o", "a.wasm"]));
    expect_success(&compile(
        &dir.path().join("src"),
        &["-q", "app.ts", "-o", "../b.wasm"],
    ));
    assert!(
        std::fs::read(dir.path().join("a.wasm")).unwrap()
            == std::fs::read(dir.path().join("b.wasm")).unwrap()
    );
}

#[test]
fn a_rebuilt_module_never_runs_stale_cached_code() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    for (i, word) in ["first", "bravo", "delta"].iter().enumerate() {
        if i < 2 {
            write(
                dir.path(),
                "app.js",
                &format!("export function main() {{ console.log('{word}'); }}\n"),
            );
            expect_success(&compile(dir.path(), &["-q", "app.js", "-o", "app.wasm"]));
        } else {
            // A different module of exactly the same size, rewritten in place
            // rather than replaced: the previous one with its word changed.
            let path = dir.path().join("app.wasm");
            let before = std::fs::read(&path).unwrap();
            let mut after = before.clone();
            let mut patched = 0;
            for at in 0..after.len() - 5 {
                if &after[at..at + 5] == b"bravo" {
                    after[at..at + 5].copy_from_slice(b"delta");
                    patched += 1;
                }
            }
            assert!(patched > 0);
            assert_eq!(before.len(), after.len());
            std::fs::write(&path, &after).unwrap();
        }
        for _ in 0..2 {
            let out = jsw_cached(dir.path(), cache.path(), &["run", "app.wasm"]);
            assert_eq!(
                text(&out.stdout),
                format!("{word}\n"),
                "{}",
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn the_code_cache_stays_within_its_budget() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        write(
            dir.path(),
            "app.js",
            &format!("export function main() {{ console.log({i}); }}\n"),
        );
        let out = jsw()
            .current_dir(dir.path())
            .env("JSW_CACHE_DIR", cache.path())
            .env("JSW_CACHE_MAX_MB", "1")
            .args(["run", "app.js"])
            .output()
            .unwrap();
        assert_eq!(text(&out.stdout), format!("{i}\n"));
    }
    let total: u64 = std::fs::read_dir(cache.path().join("code"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(
        total <= 1 << 20,
        "cache holds {total} bytes over a 1 MiB budget"
    );
}

#[test]
fn side_effect_free_packages_lose_what_is_not_imported() {
    for (side_effects, modules) in [("false", 3), ("true", 4)] {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_modules/lib");
        std::fs::create_dir_all(&pkg).unwrap();
        write(
            &pkg,
            "package.json",
            &format!(
                "{{ \"name\": \"lib\", \"type\": \"module\", \"main\": \"index.js\", \"sideEffects\": {side_effects} }}"
            ),
        );
        write(
            &pkg,
            "index.js",
            "export { a } from './a.js';\nexport { b } from './b.js';\n",
        );
        write(&pkg, "a.js", "export const a = 'a';\n");
        write(&pkg, "b.js", "export const b = 'b';\n");
        write(
            dir.path(),
            "app.js",
            "import { a } from 'lib';\nexport function main() { console.log(a); }\n",
        );
        let out = compile(dir.path(), &["app.js", "-o", "app.wasm"]);
        expect_success(&out);
        let summary = text(&out.stderr);
        assert!(
            summary.contains(&format!(" in {modules} modules;")),
            "sideEffects {side_effects}: {summary}"
        );
        assert_eq!(text(&run_in(dir.path(), &[]).stdout), "a\n");
    }
}

/// Build paths (the clone, the target dir, cargo's home) would make modules differ
/// between machines; the engine maps them to fixed names.
#[test]
fn modules_carry_no_build_machine_paths() {
    let dir = compiled("export function main() {}\n");
    let wasm = std::fs::read(dir.path().join("app.wasm")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    for needle in [root.as_str(), "/.cargo/registry", "/target/engine/"] {
        assert!(
            !wasm.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "the module contains {needle}"
        );
    }
}

#[test]
fn dynamic_imports_of_builtins_have_every_named_export() {
    // Every built-in the engine defines, found in its sources, so that a new one
    // (or a new export of one) cannot be missed by the compiler's export lists.
    let node_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/src");
    let mut names = Vec::new();
    for entry in walk(&node_dir) {
        let source = std::fs::read_to_string(&entry).unwrap_or_default();
        for part in source.split("defineBuiltin(\"").skip(1) {
            names.push(part.split('"').next().unwrap().to_string());
        }
    }
    names.retain(|n| n != "node:process");
    assert!(names.len() >= 10, "{names:?}");
    let mut program = String::from("export async function main() {\n  const all = [\n");
    for name in &names {
        program.push_str(&format!("    [{name:?}, await import({name:?})],\n"));
    }
    program.push_str(
        "  ];\n  for (const [name, ns] of all) {\n    const named = Object.keys(ns).filter((k) => k !== 'default');\n    const missing = Object.keys(ns.default).filter((k) => !named.includes(k));\n    if (missing.length) console.log(name, 'lacks', missing.join(', '));\n  }\n  const { setTimeout: sleep } = await import('node:timers/promises');\n  console.log('slept', await sleep(1, 'ok'));\n}\n",
    );
    let dir = compiled(&program);
    let out = run_in(dir.path(), &[]);
    assert_eq!(text(&out.stderr), "");
    assert_eq!(text(&out.stdout), "slept ok\n");

    // A computed import() of a module the build never saw says how to include it.
    let dir = compiled(
        "export async function main() { const name = './other.js'; await import(name); }\n",
    );
    let out = run_in(dir.path(), &[]);
    expect_failure_containing(
        &out,
        1,
        &["follows only import() of a string literal; to include it"],
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn run_hints_that_program_arguments_go_after_a_double_dash() {
    let dir = compiled("export function main() {}\n");
    let out = run_in(dir.path(), &["a", "b"]);
    expect_failure_containing(
        &out,
        2,
        &["tip: arguments for the program go after `--`: jsw run MODULE -- a ..."],
    );
}

#[test]
fn json_errors_locate_build_time_failures() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "top.mjs",
        "const x = 1;\nnull.boom;\nexport function main() {}\n",
    );
    let out = compile(
        dir.path(),
        &["--error-format", "json", "top.mjs", "-o", "t.wasm"],
    );
    expect_code(&out, 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(json["error"]["file"], "top.mjs");
    assert_eq!(json["error"]["line"], 2);
    assert_eq!(json["error"]["column"], 1);
    assert_eq!(json["error"]["sourceLine"], "null.boom;");
    assert_eq!(
        json["error"]["message"],
        "TypeError: cannot read property 'boom' of null"
    );
}

#[test]
fn bench_stops_at_a_module_whose_run_fails() {
    let dir = compiled("export function main() { throw new Error('broken'); }\n");
    let out = jsw_in(dir.path(), &["bench", "-n", "2", "app.wasm"]);
    expect_failure_containing(
        &out,
        1,
        &["app.wasm exited with status 1: jsw bench measures runs that succeed"],
    );
}

#[test]
fn compile_help_says_types_are_stripped_not_checked() {
    let out = jsw_output(&["compile", "--help"]);
    assert!(text(&out.stdout).contains("TypeScript types are stripped, not checked"));
}

/// `jsw run --cpu-prof`: a `.cpuprofile` as Node writes it, whose hottest
/// function is the program's hot one, at its own line in the TypeScript source;
/// the run's output and exit status are the program's.
#[test]
fn cpu_prof_writes_a_profile_with_the_hot_function_on_top() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.ts",
        "type N = number;\n\
         function fib(n: N): N {\n\
           return n < 2 ? n : fib(n - 1) + fib(n - 2);\n\
         }\n\
         export function main() {\n\
           console.log(fib(27));\n\
           process.exit(3);\n\
         }\n",
    );
    let out = jsw_in(
        dir.path(),
        &[
            "run",
            "--cpu-prof-dir",
            "profiles",
            "--cpu-prof-interval",
            "200",
            "app.ts",
        ],
    );
    expect_code(&out, 3);
    assert_eq!(text(&out.stdout), "196418\n");
    let profiles: Vec<_> = std::fs::read_dir(dir.path().join("profiles"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(profiles.len(), 1, "{profiles:?}");
    let name = profiles[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("CPU.") && name.ends_with(".0.001.cpuprofile"),
        "{name}"
    );
    let profile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&profiles[0]).unwrap()).unwrap();
    let nodes = profile["nodes"].as_array().unwrap();
    let samples = profile["samples"].as_array().unwrap();
    assert_eq!(
        samples.len(),
        profile["timeDeltas"].as_array().unwrap().len()
    );
    assert!(samples.len() >= 20, "{} samples", samples.len());
    assert!(profile["endTime"].as_f64() > profile["startTime"].as_f64());
    // Every sample and child is a node; node 1 is the root.
    let ids: Vec<u64> = nodes.iter().map(|n| n["id"].as_u64().unwrap()).collect();
    assert_eq!(nodes[0]["callFrame"]["functionName"], "(root)");
    for s in samples {
        assert!(ids.contains(&s.as_u64().unwrap()));
    }
    for n in nodes {
        for c in n["children"].as_array().unwrap() {
            assert!(ids.contains(&c.as_u64().unwrap()));
        }
    }
    // Self time by function: fib has nearly all of it.
    let by_function = support::self_time_by_function(&profile);
    let total: u64 = by_function.values().sum();
    assert!(by_function["fib"] * 10 >= total * 8, "{by_function:?}");
    let fibs: Vec<_> = nodes
        .iter()
        .filter(|n| n["callFrame"]["functionName"] == "fib")
        .collect();
    for fib in &fibs {
        // Where fib is defined (0-based, as in Node's profiles): line 2 of app.ts.
        assert_eq!(fib["callFrame"]["url"], "file:///app.ts");
        assert_eq!(fib["callFrame"]["lineNumber"], 1);
    }
    let lines: Vec<u64> = fibs
        .iter()
        .filter_map(|n| n["positionTicks"].as_array())
        .flatten()
        .map(|t| t["line"].as_u64().unwrap())
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|&l| l == 3),
        "the time is spent on line 3: {lines:?}"
    );
    // What Chrome DevTools reads: the protocol's own Profiler.Profile type.
    support::check_cpuprofile(&profiles[0]);
}

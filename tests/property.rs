//! Property tests (the fuzzing jsw does without cargo-fuzz):
//!
//! - the compile pipeline, fed mutated copies of every fixture's sources, never
//!   panics: each input either compiles or fails with an error;
//! - the runtime's parsers (URL, TextDecoder, base64, inspect/format,
//!   structuredClone) keep their properties on generated inputs, checked inside a
//!   jsw module by tests/property/runtime.mjs.
//!
//! `JSW_FUZZ_ITERATIONS` and `JSW_FUZZ_SEED` scale and vary a run;
//! scripts/fuzz.sh runs both for a given time.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

fn iterations(default: usize) -> usize {
    std::env::var("JSW_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("JSW_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// splitmix64: a reproducible stream from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    "=>",
    "import",
    "export",
    "from",
    "\"./x\"",
    "'",
    "\"",
    "`",
    "${",
    "async",
    "await",
    "function",
    "class",
    "@",
    "<div>",
    "</div>",
    "<>",
    "as",
    ":",
    "?",
    "enum",
    "namespace",
    "require(\"./y\")",
    "module.exports",
    "/*",
    "*/",
    "//",
    "\n",
    "\u{feff}",
    "\u{1F600}",
    "\\",
    "0x",
    "1e",
    "#",
    "yield",
    "let",
    "new",
    "super",
    "import(",
    "type",
    "interface",
    "declare",
    "<T>",
    "satisfies",
    "!",
    "...",
];

fn mutate(rng: &mut Rng, source: &str) -> String {
    let mut s: Vec<char> = source.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(4) {
            0 if !s.is_empty() => {
                let end = (at + rng.below(20)).min(s.len());
                s.drain(at.min(end)..end);
            }
            1 => s
                .splice(at..at, TOKENS[rng.below(TOKENS.len())].chars())
                .for_each(drop),
            2 if !s.is_empty() => {
                let from = rng.below(s.len());
                let len = rng.below(40).min(s.len() - from);
                let piece: Vec<char> = s[from..from + len].to_vec();
                s.splice(at..at, piece).for_each(drop);
            }
            _ => s.insert(
                at,
                char::from_u32(rng.next() as u32 % 0x2_0000).unwrap_or('x'),
            ),
        }
    }
    s.into_iter().collect()
}

fn fixture_sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != "node_modules") {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|e| ["ts", "tsx", "js", "mjs", "jsx"].iter().any(|x| e == *x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn mutated_sources_never_crash_the_compiler() {
    let sources = fixture_sources();
    assert!(sources.len() > 20);
    let mut rng = Rng(seed());
    let work = tempfile::tempdir().unwrap();
    let n = iterations(300);
    let mut compiled = 0;
    let mut rejected = 0;
    for i in 0..n {
        let original = &sources[rng.below(sources.len())];
        let text = std::fs::read_to_string(original).unwrap();
        let mutated = mutate(&mut rng, &text);
        let ext = original.extension().unwrap().to_str().unwrap();
        let entry = work.path().join(format!("app.{ext}"));
        std::fs::write(&entry, &mutated).unwrap();
        // Bundling every input; the full snapshot for one in ten (it runs the program).
        let full = i % 10 == 0;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if full {
                let options = jsw::Options {
                    limits: jsw::snapshot::BuildLimits {
                        timeout: std::time::Duration::from_secs(5),
                        max_memory: 256 << 20,
                    },
                    ..Default::default()
                };
                jsw::compile(&entry, &options).map(drop)
            } else {
                jsw::bundle::bundle(&entry, &Default::default()).map(drop)
            }
        }));
        match outcome {
            Ok(Ok(())) => compiled += 1,
            Ok(Err(_)) => rejected += 1,
            Err(_) => {
                let keep = std::env::temp_dir().join(format!("jsw-crash-{}-{i}.{ext}", seed()));
                std::fs::write(&keep, &mutated).unwrap();
                panic!(
                    "the compiler panicked on a mutation of {} (saved as {})",
                    original.display(),
                    keep.display()
                );
            }
        }
    }
    eprintln!("{n} inputs: {compiled} compiled, {rejected} rejected with an error, 0 crashes");
}

fn property_program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/property/{name}"))
}

/// Compiles `program` with the real jsw and runs it with `args`.
fn compile_and_run(program: &Path, args: &[&str]) -> std::process::Output {
    let work = tempfile::tempdir().unwrap();
    let module = work.path().join("program.wasm");
    let jsw = env!("CARGO_BIN_EXE_jsw");
    let out = Command::new(jsw)
        .args(["compile", "-q"])
        .arg(program)
        .arg("-o")
        .arg(&module)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Command::new(jsw)
        .arg("run")
        .arg(&module)
        .arg("--")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn runtime_parsers_keep_their_properties() {
    let n = iterations(3000);
    let run = compile_and_run(
        &property_program("runtime.mjs"),
        &[&seed().to_string(), &n.to_string()],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}{}",
        stdout,
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.starts_with(&format!("ok {n} iterations, ")),
        "{stdout}"
    );
    // Strings with lone surrogates, written raw (console.log, then
    // process.stdout.write), then as JSON of their well-formed form: the raw bytes
    // must be exactly that form's UTF-8 (U+FFFD for each lone surrogate, as Node).
    let bytes = run
        .stdout
        .split(|&b| b == b'\n')
        .skip(1)
        .collect::<Vec<_>>();
    let mut cases = 0;
    for triple in bytes.chunks(3).filter(|t| t.len() == 3) {
        let expected: String = serde_json::from_slice(&triple[2][2..]).unwrap();
        for raw in &triple[..2] {
            assert_eq!(
                &raw[2..],
                expected.as_bytes(),
                "{} printed {:?}, expected {expected:?}",
                String::from_utf8_lossy(&raw[..1]),
                String::from_utf8_lossy(raw)
            );
        }
        cases += 1;
    }
    assert!(cases >= n.min(500) - 1, "{cases} output cases");
    eprintln!("{}", stdout.lines().next().unwrap_or_default());
}

/// Buffer encodings, hashes, HMACs and zlib round trips on generated inputs:
/// tests/property/node.mjs prints them, and jsw must print what Node prints.
/// Needs Node; without it the test says SKIPPED, except under CI.
#[test]
fn node_apis_agree_with_node_on_generated_inputs() {
    let program = property_program("node.mjs");
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/support/oracle.mjs");
    let (seed, n) = (seed().to_string(), iterations(300).to_string());
    let Ok(node) = Command::new("node")
        .arg(&oracle)
        .arg(&program)
        .args([&seed, &n])
        .output()
    else {
        support::skip("node is not installed");
        return;
    };
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let run = compile_and_run(&program, &[&seed, &n]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (ours, theirs) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&node.stdout),
    );
    for (a, b) in ours.lines().zip(theirs.lines()) {
        assert_eq!(a, b, "jsw (left) and Node (right) differ");
    }
    assert_eq!(ours.lines().count(), theirs.lines().count());
}

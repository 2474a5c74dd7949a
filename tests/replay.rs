//! Record and replay with the real `jsw` binary: `jsw run --record` and
//! `jsw serve --record` over real loopback (with a real upstream HTTP server
//! and the embedded key-value store), then `jsw replay` reproducing the
//! output, the response, the console and the stack trace, and refusing
//! records that do not match.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use support::server::{Server, get, request};
use support::{jsw, records, text};

fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/replay")
}

/// A temp dir with the test program compiled to `program.wasm` and the file
/// it reads in `data/`.
fn program_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sources().join("program.ts"), dir.path().join("program.ts")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/input.txt"), "from the file\n").unwrap();
    let out = support::compile(dir.path(), &["program.ts", "-o", "program.wasm"]);
    support::expect_success(&out);
    dir
}

/// `jsw ARGS` in `dir` with `stdin` on its standard input.
fn jsw_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = jsw()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn record_run(dir: &Path, record: &str, extra: &[&str], args: &[&str]) -> Output {
    let mut all = vec![
        "run",
        "program.wasm",
        "--dir",
        "data::/data",
        "--record",
        record,
    ];
    all.extend(extra);
    all.push("--");
    all.extend(args);
    jsw_with_stdin(dir, &all, "from stdin\n")
}

#[test]
fn a_run_replays_exactly() {
    let dir = program_dir();
    let d = dir.path();
    let run = record_run(
        d,
        "run.json",
        &["--env", "TOKEN=hunter22", "--record-secrets"],
        &["a", "b c"],
    );
    support::expect_success(&run);
    assert!(
        text(&run.stderr).contains("recorded the run in run.json"),
        "{}",
        text(&run.stderr)
    );
    // The replay needs none of the run's inputs: no stdin, no directory, no env.
    std::fs::remove_dir_all(d.join("data")).unwrap();
    let replay = support::jsw_in(d, &["replay", "run.json"]);
    support::expect_success(&replay);
    assert_eq!(text(&replay.stdout), text(&run.stdout));
    let stdout = text(&replay.stdout);
    for line in [
        "args [\"a\",\"b c\"]",
        "token hunter22",
        "stdin \"from stdin\\n\" file \"from the file\\n\"",
    ] {
        assert!(stdout.contains(line), "{line:?} not in {stdout}");
    }
    assert!(
        text(&replay.stderr).contains("reproduced the recorded run"),
        "{}",
        text(&replay.stderr)
    );
}

#[test]
fn a_failed_run_replays_its_stack_trace_and_status() {
    let dir = program_dir();
    let d = dir.path();
    let run = record_run(d, "fail.json", &[], &["fail"]);
    support::expect_code(&run, 1);
    let replay = support::jsw_in(d, &["replay", "fail.json"]);
    support::expect_code(&replay, 1);
    assert_eq!(text(&replay.stdout), text(&run.stdout));
    let error = "Uncaught RangeError: failed with from stdin\n    at program.ts:";
    assert!(text(&run.stderr).contains(error), "{}", text(&run.stderr));
    assert!(
        text(&replay.stderr).contains(error),
        "{}",
        text(&replay.stderr)
    );
}

#[test]
fn environment_values_stay_out_of_records_unless_asked() {
    let dir = program_dir();
    let d = dir.path();
    let run = record_run(d, "masked.json", &["--env", "TOKEN=hunter22"], &[]);
    support::expect_success(&run);
    let record = std::fs::read_to_string(d.join("masked.json")).unwrap();
    assert!(!record.contains("hunter22"), "the secret is in the record");
    let replay = support::jsw_in(d, &["replay", "masked.json"]);
    support::expect_success(&replay);
    let stderr = text(&replay.stderr);
    assert!(
        stderr.contains("without --record-secrets: the values of TOKEN were masked"),
        "{stderr}"
    );
    // The program saw the masked value, and printed it where it printed the secret.
    assert!(text(&replay.stdout).contains("token ********\n"));
}

#[test]
fn kept_variables_are_not_masked() {
    let dir = program_dir();
    let d = dir.path();
    let run = record_run(
        d,
        "kept.json",
        &["--env", "TOKEN=plainvalue", "--record-keep", "TOKEN"],
        &[],
    );
    support::expect_success(&run);
    let replay = support::jsw_in(d, &["replay", "kept.json"]);
    support::expect_success(&replay);
    assert_eq!(text(&replay.stdout), text(&run.stdout));
    assert!(
        !text(&replay.stderr).contains("masked"),
        "{}",
        text(&replay.stderr)
    );
    // The record is not written over anything that is not a record.
    let out = record_run(d, "program.ts", &[], &[]);
    support::expect_failure_containing(
        &out,
        1,
        &["--record program.ts: the file exists and is not a jsw record"],
    );
    assert!(
        std::fs::read_to_string(d.join("program.ts"))
            .unwrap()
            .contains("node:fs")
    );
}

#[test]
fn a_record_that_does_not_match_is_refused() {
    let dir = program_dir();
    let d = dir.path();
    support::expect_success(&record_run(d, "run.json", &[], &[]));
    // A host call changed: the replay stops at it and names it.
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("run.json")).unwrap()).unwrap();
    let mut tampered = recorded.clone();
    let calls = tampered["calls"].as_array_mut().unwrap();
    let at = calls.iter().position(|c| c["f"] == "random_get").unwrap();
    calls[at]["args"][1] = serde_json::json!(99);
    let total = calls.len();
    std::fs::write(d.join("tampered.json"), tampered.to_string()).unwrap();
    let out = support::jsw_in(d, &["replay", "tampered.json"]);
    let expected = format!(
        "error: the replay diverged from the record at host call {} of {}",
        at + 1,
        total
    );
    support::expect_failure_containing(
        &out,
        3,
        &[
            &expected,
            "where the recorded run asked for 99 random bytes",
        ],
    );

    // A module that changed since.
    let other = support::write(d, "other.ts", "console.log('another program');\n");
    support::expect_success(&support::compile(
        d,
        &[other.to_str().unwrap(), "-o", "program.wasm"],
    ));
    let out = support::jsw_in(d, &["replay", "run.json"]);
    support::expect_failure_containing(
        &out,
        1,
        &["program.wasm is not the module the record run.json was made with"],
    );

    // Not a record at all, or a damaged one.
    std::fs::write(d.join("broken.json"), "{\"jsw_record\": 1,\n  \"calls\": [").unwrap();
    let out = support::jsw_in(d, &["replay", "broken.json"]);
    support::expect_failure_containing(&out, 1, &["broken.json:2:"]);
}

#[test]
fn a_replay_can_be_profiled() {
    let dir = program_dir();
    let d = dir.path();
    support::expect_success(&record_run(d, "run.json", &[], &[]));
    let out = support::jsw_in(
        d,
        &[
            "replay",
            "run.json",
            "--cpu-prof",
            "--cpu-prof-dir",
            "profiles",
        ],
    );
    support::expect_success(&out);
    assert!(text(&out.stderr).contains("reproduced the recorded run"));
    let profile = std::fs::read_dir(d.join("profiles"))
        .unwrap()
        .next()
        .expect("a profile")
        .unwrap()
        .path();
    support::check_cpuprofile(&profile);
}

/// A tiny upstream HTTP server: answers every request with `body`, until
/// dropped (its port is then closed).
struct Upstream {
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Upstream {
    fn start(body: &'static str) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Ok(mut stream) = stream else { break };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Upstream {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

fn handler_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sources().join("handler.ts"), dir.path().join("handler.ts")).unwrap();
    let out = support::compile(
        dir.path(),
        &["handler.ts", "-o", "handler.wasm", "--kv", "STORE"],
    );
    support::expect_success(&out);
    dir
}

#[test]
fn a_failed_request_is_recorded_and_replays_the_same_failure() {
    let dir = handler_dir();
    let d = dir.path();
    let server = Server::start(
        d,
        "handler.wasm",
        &[
            "--record",
            "records",
            "--record-errors",
            "--workers",
            "1",
            "--kv",
            "STORE",
        ],
    );
    assert_eq!(get(server.addr, "/").status, 200);
    let failed = request(server.addr, "POST", "/fail", &[], b"this body").unwrap();
    assert_eq!(failed.status, 500);
    server.expect("recorded POST /fail (500) in records/");
    drop(server);
    let kept = records(&d.join("records"));
    assert_eq!(kept.len(), 1, "only the failed request is kept: {kept:?}");
    // The module that ran is kept beside the records.
    assert_eq!(
        std::fs::read_dir(d.join("records/modules"))
            .unwrap()
            .count(),
        1
    );
    std::fs::remove_file(d.join("handler.wasm")).unwrap();
    let out = support::jsw_in(d, &["replay", kept[0].to_str().unwrap()]);
    support::expect_success(&out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the handler failed: TypeError: cannot take this body ("),
        "{stderr}"
    );
    assert!(stderr.contains("at fetch (handler.ts:"), "{stderr}");
    assert!(
        stderr.contains("reproduced the recorded request: status 500"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("HTTP/1.1 500 Internal Server Error"));
}

#[test]
fn a_request_with_fetch_and_storage_replays_without_them() {
    let upstream = Upstream::start("from upstream");
    let dir = handler_dir();
    let d = dir.path();
    let mut server = Server::start(
        d,
        "handler.wasm",
        &[
            "--record",
            "records",
            "--workers",
            "1",
            "--kv",
            "STORE",
            "--allow-host",
            "127.0.0.1",
            "--env",
            "API_KEY=abcd1234",
        ],
    );
    let target = format!("/upstream?at={}", upstream.addr);
    let first = get(server.addr, &target);
    let second = request(
        server.addr,
        "GET",
        &target,
        &[("authorization", "Bearer tok3n-value")],
        b"",
    )
    .unwrap();
    assert_eq!(second.status, 200, "{}", second.text());
    assert!(second.text().contains("\"seen\":2"), "{}", second.text());
    server.terminate();
    drop(upstream);
    // Every request is kept with --record alone.
    let kept = records(&d.join("records"));
    assert_eq!(kept.len(), 2, "{kept:?}");
    let record = std::fs::read_to_string(&kept[1]).unwrap();
    assert!(!record.contains("abcd1234"), "the secret is in the record");
    assert!(
        !record.contains("tok3n-value"),
        "the credentials are in the record"
    );
    // The upstream is gone and the store untouched: the replay answers the same.
    std::fs::remove_dir_all(d.join(".jsw-data")).unwrap();
    for (file, response) in kept.iter().zip([&first, &second]) {
        let out = support::jsw_in(d, &["replay", file.to_str().unwrap()]);
        support::expect_success(&out);
        let stdout = text(&out.stdout);
        let body = stdout.split("\n\n").nth(1).unwrap_or_default();
        // The body the client got, with the secret masked as the instance saw it.
        assert_eq!(
            body.trim_end(),
            response.text().replace("abcd1234", "********"),
            "{}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("upstream answered 200 13"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = support::jsw_in(d, &["replay", kept[1].to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("the values of API_KEY, the authorization header were masked"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_request_stopped_by_its_timeout_replays_to_the_same_answer() {
    // An upstream that accepts connections and never answers.
    let stalled = TcpListener::bind("127.0.0.1:0").unwrap();
    let at = stalled.local_addr().unwrap();
    let dir = handler_dir();
    let d = dir.path();
    let server = Server::start(
        d,
        "handler.wasm",
        &[
            "--record",
            "records",
            "--record-errors",
            "--workers",
            "1",
            "--timeout",
            "1s",
            "--allow-host",
            "127.0.0.1",
        ],
    );
    let answer = get(server.addr, &format!("/stalled?at={at}"));
    assert_eq!(answer.status, 504);
    server.expect("recorded GET /stalled");
    drop(server);
    drop(stalled);
    let kept = records(&d.join("records"));
    assert_eq!(kept.len(), 1);
    let record = std::fs::read_to_string(&kept[0]).unwrap();
    assert!(record.contains("\"answer\":\"pending\""), "{record}");
    let out = support::jsw_in(d, &["replay", kept[0].to_str().unwrap()]);
    support::expect_success(&out);
    assert!(
        text(&out.stderr).contains("reproduced the recorded request: status 504: timeout"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_sample_of_requests_is_kept() {
    let dir = handler_dir();
    let d = dir.path();
    let server = Server::start(
        d,
        "handler.wasm",
        &[
            "--record",
            "records",
            "--record-sample",
            "0.25",
            "--workers",
            "1",
        ],
    );
    for _ in 0..8 {
        assert_eq!(get(server.addr, "/").status, 200);
    }
    server.expect("recorded GET / (200)");
    drop(server);
    assert_eq!(records(&d.join("records")).len(), 2);
    let out = support::jsw_in(d, &["serve", "handler.wasm", "--record-sample", "2"]);
    support::expect_code(&out, 2);
}

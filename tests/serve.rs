//! `jsw serve` and HTTP components, over real loopback: the real `jsw` binary
//! serving, a plain HTTP/1.1 client, and the wasmtime CLI's `serve` on the same
//! component where it is installed.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use support::{jsw, text};

fn app_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/serve/app.ts")
}

/// Compiles the test app into `dir/app.wasm`.
fn compile_app(dir: &Path) -> PathBuf {
    std::fs::copy(app_source(), dir.join("app.ts")).unwrap();
    let out = jsw()
        .current_dir(dir)
        .args(["compile", "app.ts", "-o", "app.wasm"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("wasi:http component"),
        "{}",
        text(&out.stderr)
    );
    dir.join("app.wasm")
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        text(&self.body)
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {line:?}")))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"").unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// A running `jsw serve`, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(dir: &Path, input: &str, extra: &[&str]) -> Server {
        let mut child = jsw()
            .current_dir(dir)
            .args(["serve", input, "--addr", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(rest) = line.split(" on http://").nth(1) {
                        let _ = tx.send(rest.trim_end_matches('/').to_string());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let addr = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(addr) => addr.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "jsw serve did not start: {}",
                    log.lock().unwrap().join("\n")
                );
            }
        };
        Server { child, addr, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits until a log line contains `needle`.
    fn wait_for(&self, needle: &str, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The behaviour both hosts must show for the test app.
fn check_app(addr: SocketAddr) {
    let hello = get(addr, "/");
    assert_eq!(hello.status, 200);
    assert_eq!(hello.text(), "hello\n");
    assert_eq!(hello.header("content-type"), Some("text/plain"));

    // Nothing survives a request: the counter the handler bumps is 1 every time.
    for _ in 0..3 {
        assert_eq!(get(addr, "/count").text(), "1");
    }
    // The top level ran at build time; its data is there.
    assert_eq!(get(addr, "/table?k=k12").text(), "v144");

    // Fresh randomness per request.
    let a = get(addr, "/random").text();
    let b = get(addr, "/random").text();
    assert_ne!(a, b, "two requests drew the same random numbers");
    // A live clock.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i128;
    let seen: i128 = get(addr, "/time").text().parse().unwrap();
    assert!((seen - now).abs() < 60_000, "clock: {seen} vs {now}");

    let echo = request(
        addr,
        "POST",
        "/echo",
        &[("content-type", "application/json"), ("x-custom", "abc")],
        br#"{"x":[1,2,3],"s":"caf\u00e9"}"#,
    )
    .unwrap();
    assert_eq!(echo.status, 201);
    assert_eq!(echo.header("x-echo"), Some("yes"));
    assert_eq!(echo.header("content-type"), Some("application/json"));
    assert_eq!(
        echo.text(),
        r#"{"body":{"x":[1,2,3],"s":"café"},"method":"POST","type":"application/json","custom":"abc"}"#
    );

    let big = vec![b'z'; 300_000];
    let upload = request(addr, "POST", "/upload", &[], &big).unwrap();
    assert_eq!(upload.text(), r#"{"total":300000,"chunks":true}"#);

    let stream = get(addr, "/stream");
    assert_eq!(stream.status, 200);
    assert_eq!(stream.text(), "chunk 0\nchunk 1\nchunk 2\n");

    assert_eq!(get(addr, "/sleep?ms=30").text(), "slept");

    let redirect = get(addr, "/redirect");
    assert_eq!(redirect.status, 307);
    assert_eq!(
        redirect.header("location"),
        Some("https://example.com/next")
    );

    assert_eq!(get(addr, "/nowhere").status, 404);
    for path in ["/throw", "/reject"] {
        let failed = get(addr, path);
        assert_eq!(failed.status, 500, "{path}");
        assert_eq!(failed.text(), "Internal Server Error\n");
    }
    // ... and the server is alive after them.
    assert_eq!(get(addr, "/").status, 200);
}

#[test]
fn jsw_serve_answers_over_loopback() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let mut server = Server::start(dir.path(), "app.wasm", &[]);
    check_app(server.addr);

    // The handler's error, with its place in the source, is on the server's stderr.
    assert!(
        server.wait_for("Error: boom", Duration::from_secs(5)),
        "{}",
        server.log()
    );
    assert!(server.log().contains("app.ts:"), "{}", server.log());
    // One access-log line per request: method, path, status, µs.
    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.starts_with("GET /table?k=k12 "))
        .unwrap_or_else(|| panic!("no access-log line: {log}"));
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(parts[2], "200", "{line}");
    assert!(parts[3].ends_with("µs"), "{line}");
    assert!(log.contains("GET /throw 500 "), "{log}");
    assert!(log.contains("POST /echo 201 "), "{log}");

    assert_eq!(server.terminate().code(), Some(0));
}

#[test]
fn wasmtime_serve_runs_the_same_component() {
    let Some(wasmtime) = support::wasmtime_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let app = compile_app(dir.path());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut child = Command::new(&wasmtime)
        .args(["serve", "-S", "cli=y", "--addr", &addr.to_string()])
        .arg(&app)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "wasmtime serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = std::panic::catch_unwind(|| check_app(addr));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn limits_fail_the_request_not_the_server() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &["--timeout", "1s", "--max-memory", "64MiB"],
    );
    let looped = get(server.addr, "/loop");
    assert_eq!(looped.status, 504);
    let slow = get(server.addr, "/sleep?ms=3000");
    assert_eq!(slow.status, 504);
    let oom = get(server.addr, "/oom");
    assert_eq!(oom.status, 500);
    assert_eq!(get(server.addr, "/").status, 200);
    assert!(
        server.wait_for("GET /oom 500 ", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    let log = server.log();
    assert!(log.contains("GET /loop 504 "), "{log}");
    assert!(log.contains("timeout"), "{log}");
    assert!(log.contains("out of memory"), "{log}");
}

#[test]
fn fuel_limit_answers_500() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(dir.path(), "app.wasm", &["--fuel", "50000000"]);
    assert_eq!(get(server.addr, "/").status, 200);
    assert_eq!(get(server.addr, "/loop").status, 500);
    assert!(
        server.wait_for("fuel", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    assert_eq!(get(server.addr, "/").status, 200);
}

#[test]
fn outbound_fetch_is_denied_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    // A plain HTTP server for the handler to reach.
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in upstream.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: close\r\n\r\nupstream",
            );
        }
    });
    let target = format!("/fetch?url=http://{upstream_addr}/x");

    let denied = Server::start(dir.path(), "app.wasm", &[]);
    let response = get(denied.addr, &target);
    assert_eq!(response.status, 502);
    assert!(
        response.text().contains("TypeError: fetch failed"),
        "{}",
        response.text()
    );
    assert!(
        response.text().contains("--allow-host"),
        "{}",
        response.text()
    );
    drop(denied);

    let allowed = Server::start(dir.path(), "app.wasm", &["--allow-host", "127.0.0.1"]);
    let response = get(allowed.addr, &target);
    assert_eq!(response.text(), "200 upstream");
}

#[test]
fn hot_swap_under_load_drops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = "export default { fetch() { return new Response('v1'); } };\n";
    let v2 = "export default { fetch() { return new Response('v2'); } };\n";
    support::write(dir.path(), "v1.js", v1);
    support::write(dir.path(), "v2.js", v2);
    for (src, out) in [("v1.js", "app.wasm"), ("v2.js", "next.wasm")] {
        let o = jsw()
            .current_dir(dir.path())
            .args(["compile", src, "-o", out])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let server = Server::start(dir.path(), "app.wasm", &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (stop, failures, seen, addr) =
                (stop.clone(), failures.clone(), seen.clone(), server.addr);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match request(addr, "GET", "/", &[], b"") {
                        Ok(r) if r.status == 200 => seen.lock().unwrap().push(r.text()),
                        _ => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // Replace the module the way deployments do: rename a new file into place.
    std::fs::rename(dir.path().join("next.wasm"), dir.path().join("app.wasm")).unwrap();
    let start = Instant::now();
    while !seen.lock().unwrap().iter().any(|t| t == "v2") {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "never swapped: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // "reloaded" is said once every worker serves v2: requests after it get v2
    // (at most the 4 in flight at that moment were answered by v1).
    assert!(
        server.wait_for("reloaded", Duration::from_secs(60)),
        "{}",
        server.log()
    );
    let mark = seen.lock().unwrap().len();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(failures.load(Ordering::Relaxed), 0, "{}", server.log());
    let seen = seen.lock().unwrap();
    assert!(seen.iter().any(|t| t == "v1"));
    assert!(seen.len() > mark + 10, "too few requests after the swap");
    assert!(seen[mark..].iter().filter(|t| *t == "v1").count() <= 4);
}

#[test]
fn serving_a_source_recompiles_it_and_keeps_the_old_version_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |body: &str| {
        // Written elsewhere and renamed, so the watcher never sees half a file.
        support::write(dir.path(), "tmp.ts", body);
        std::fs::rename(dir.path().join("tmp.ts"), dir.path().join("app.ts")).unwrap();
    };
    support::write(dir.path(), "msg.ts", "export const msg: string = 'one';\n");
    write("import { msg } from './msg';\nexport default { fetch: () => new Response(msg) };\n");
    let server = Server::start(dir.path(), "app.ts", &[]);
    assert_eq!(get(server.addr, "/").text(), "one");

    // A change to an imported file is a change of the program.
    std::thread::sleep(Duration::from_millis(1100));
    support::write(dir.path(), "msg.ts", "export const msg: string = 'two';\n");
    let start = Instant::now();
    while get(server.addr, "/").text() != "two" {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // A broken version is reported and not served.
    std::thread::sleep(Duration::from_millis(1100));
    write("export default { fetch: () => new Response( };\n");
    assert!(
        server.wait_for("cannot be served", Duration::from_secs(60)),
        "{}",
        server.log()
    );
    assert!(server.log().contains("app.ts:1:"), "{}", server.log());
    assert_eq!(get(server.addr, "/").text(), "two");
}

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let mut server = Server::start(dir.path(), "app.wasm", &[]);
    let addr = server.addr;
    let in_flight = std::thread::spawn(move || get(addr, "/sleep?ms=700"));
    std::thread::sleep(Duration::from_millis(250));
    let status = server.terminate();
    let response = in_flight.join().unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "slept");
    assert_eq!(status.code(), Some(0), "{}", server.log());
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    // A command, not a handler.
    support::write(
        dir.path(),
        "cli.js",
        "export function main() { console.log('hi'); }\n",
    );
    let o = jsw()
        .current_dir(dir.path())
        .args(["compile", "cli.js", "-o", "cli.wasm"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = jsw()
        .current_dir(dir.path())
        .args(["serve", "cli.wasm", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("not an HTTP component"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    // --target http without a handler.
    let o = jsw()
        .current_dir(dir.path())
        .args(["compile", "cli.js", "--target", "http", "-o", "x.wasm"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("no fetch handler"),
        "{}",
        text(&o.stderr)
    );
    assert!(!dir.path().join("x.wasm").exists());

    // A port in use.
    compile_app(dir.path());
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let o = jsw()
        .current_dir(dir.path())
        .args(["serve", "app.wasm", "--addr", &port])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("in use"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    // `jsw run` on a component says what to do instead.
    let o = jsw()
        .current_dir(dir.path())
        .args(["run", "app.wasm"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("jsw serve"), "{}", text(&o.stderr));
}

#[test]
fn components_are_reproducible_and_import_only_the_proxy_world() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let wasm_a = std::fs::read(compile_app(a.path())).unwrap();
    let wasm_b = std::fs::read(compile_app(b.path())).unwrap();
    assert!(wasm_a == wasm_b, "two builds of one program differ");
    for path in [a.path().to_str().unwrap(), env!("CARGO_MANIFEST_DIR")] {
        assert!(
            !wasm_a.windows(path.len()).any(|w| w == path.as_bytes()),
            "the component contains the path {path}"
        );
    }
    // The component's own imports (not those of the components nested in it).
    let mut imports = Vec::new();
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&wasm_a) {
        match payload.unwrap() {
            wasmparser::Payload::ModuleSection { .. }
            | wasmparser::Payload::ComponentSection { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    imports.push(import.unwrap().name.name.to_string());
                }
            }
            _ => {}
        }
    }
    assert!(!imports.is_empty());
    let allowed = [
        "wasi:io/",
        "wasi:clocks/",
        "wasi:random/random",
        "wasi:cli/stdout",
        "wasi:cli/stderr",
        "wasi:cli/stdin",
        "wasi:http/types",
        "wasi:http/outgoing-handler",
    ];
    for import in &imports {
        assert!(
            allowed.iter().any(|a| import.starts_with(a)),
            "{import} is not in the wasi:http/proxy world ({imports:?})"
        );
    }
}

/// `jsw bench` on a component measures requests in-process against the empty
/// handler, and refuses to mix commands and components in one run.
#[test]
fn bench_measures_a_component_per_request() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let o = jsw()
        .current_dir(dir.path())
        .args(["bench", "app.wasm", "-n", "3", "--warmup", "1", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let reports: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 2, "{out}");
    assert_eq!(reports[0]["name"], "app.wasm");
    assert_eq!(reports[1]["name"], "(empty handler)");
    // The app's handler runs JS; the empty one runs a handful of instructions.
    let fuel = |r: &serde_json::Value| r["fuel"].as_u64().unwrap();
    assert!(fuel(&reports[0]) > 1000 * fuel(&reports[1]), "{out}");
    assert!(fuel(&reports[1]) > 0, "{out}");

    support::write(dir.path(), "cli.js", "export function main() {}\n");
    let o = jsw()
        .current_dir(dir.path())
        .args(["bench", "app.wasm", "cli.js", "-n", "1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("not both"), "{}", text(&o.stderr));
}

/// A handler that answers synchronously (no promise), and what it sees of the
/// request: the URL normalized as the URL standard does, a signal, lowercase
/// header names in sorted order, a HEAD without a body, a 204 without a length.
#[test]
fn synchronous_handlers_and_the_incoming_request() {
    let dir = tempfile::tempdir().unwrap();
    support::write(
        dir.path(),
        "sync.js",
        r#"export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/empty") return new Response(null, { status: 204 });
    const names = [...request.headers.keys()].filter((n) => n.startsWith("x-"));
    return new Response(
      [request.method, request.url, request.signal.aborted, names.join(","), request.headers.get("X-Two"), request.headers.has("jsw-resident-pool")].join(" ") + "\n",
      { headers: { "X-Answer": " yes " } },
    );
  },
};
"#,
    );
    let server = Server::start(dir.path(), "sync.js", &[]);
    let addr = server.addr;
    let r = request(
        addr,
        "GET",
        "/a/./b/../c?q=%41",
        &[
            ("X-Two", "2"),
            ("x-one", "1"),
            ("x-two", "22"),
            // jsw serve's hint to the engine never reaches the handler.
            ("jsw-resident-pool", "1"),
        ],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text(),
        format!("GET http://{addr}/a/c?q=%41 false x-one,x-two 2, 22 false\n")
    );
    assert_eq!(r.header("x-answer"), Some("yes"));
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    assert_eq!(r.header("content-type"), Some("text/plain;charset=UTF-8"));

    let head = request(addr, "HEAD", "/", &[], b"").unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    let empty = get(addr, "/empty");
    assert_eq!(empty.status, 204);
    assert!(empty.body.is_empty());
    assert_eq!(empty.header("content-length"), None);
}

/// `--workers 2`: two processes serve; one killed outright is replaced, and
/// requests keep being answered meanwhile.
#[test]
fn a_dead_worker_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(dir.path(), "app.wasm", &["--workers", "2"]);
    let workers = || -> Vec<String> {
        let out = Command::new("pgrep")
            .args(["-P", &server.child.id().to_string()])
            .output()
            .unwrap();
        text(&out.stdout)
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    let start = Instant::now();
    while workers().len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..20 {
        assert_eq!(get(server.addr, "/count").text(), "1");
    }
    let first = workers();
    let status = Command::new("kill")
        .args(["-KILL", &first[0]])
        .status()
        .unwrap();
    assert!(status.success());
    // Every request is answered, by the survivor or the replacement.
    for _ in 0..50 {
        assert_eq!(get(server.addr, "/").status, 200);
    }
    assert!(
        server.wait_for("starting another", Duration::from_secs(30)),
        "{}",
        server.log()
    );
    let start = Instant::now();
    loop {
        let now = workers();
        if now.len() == 2 && !now.contains(&first[0]) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(get(server.addr, "/").text(), "hello\n");
}

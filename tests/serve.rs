//! `jsw serve` and HTTP components, over real loopback: the real `jsw` binary
//! serving, a plain HTTP/1.1 client, and the wasmtime CLI's `serve` on the same
//! component where it is installed.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::server::{Server, get, request};
use support::{jsw, text};

fn app_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/serve/app.ts")
}

/// Compiles the test app into `dir/app.wasm`.
/// `jsw compile SRC -o OUT` in `dir`, which must succeed; its stderr.
fn compile(dir: &Path, src: &str, out: &str) -> String {
    let o = jsw()
        .current_dir(dir)
        .args(["compile", src, "-o", out])
        .output()
        .unwrap();
    assert!(o.status.success(), "{src}: {}", text(&o.stderr));
    text(&o.stderr)
}

fn compile_app(dir: &Path) -> PathBuf {
    std::fs::copy(app_source(), dir.join("app.ts")).unwrap();
    let stderr = compile(dir, "app.ts", "app.wasm");
    assert!(stderr.contains("wasi:http component"), "{stderr}");
    dir.join("app.wasm")
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
    server.expect("app.ts:");
    // One access-log line per request: method, path, status, µs.
    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.starts_with("GET /table?k=k12 "))
        .unwrap_or_else(|| panic!("no access-log line: {log}"));
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(parts[2], "200", "{line}");
    assert!(parts[3].ends_with("µs"), "{line}");
    server.expect("GET /throw 500 ");
    server.expect("POST /echo 201 ");

    assert_eq!(server.terminate().code(), Some(0));
}

/// `wasmtime serve -S cli=y` on a free loopback port, once it accepts.
fn wasmtime_serve(wasmtime: &Path, component: &Path) -> (Child, SocketAddr) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new(wasmtime)
        .args(["serve", "-S", "cli=y", "--addr", &addr.to_string()])
        .arg(component)
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
    (child, addr)
}

#[test]
fn wasmtime_serve_runs_the_same_component() {
    let Some(wasmtime) = support::wasmtime_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let app = compile_app(dir.path());
    let (mut child, addr) = wasmtime_serve(&wasmtime, &app);
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
        // 2 s, not less: filling 64 MiB must finish within the timeout even
        // on a machine busy with the other tests.
        &["--timeout", "2s", "--max-memory", "64MiB"],
    );
    let looped = get(server.addr, "/loop");
    assert_eq!(looped.status, 504);
    let slow = get(server.addr, "/sleep?ms=5000");
    assert_eq!(slow.status, 504);
    let oom = get(server.addr, "/oom");
    assert_eq!(oom.status, 500);
    assert_eq!(get(server.addr, "/").status, 200);
    assert!(
        server.wait_for("GET /oom 500 ", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    server.expect("GET /loop 504 ");
    server.expect("timeout");
    server.expect("out of memory");
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
        compile(dir.path(), src, out);
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
    compile(dir.path(), "cli.js", "cli.wasm");
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
      [request.method, request.url, request.signal.aborted, names.join(","), request.headers.get("X-Two")].join(" ") + "\n",
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
        &[("X-Two", "2"), ("x-one", "1"), ("x-two", "22")],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text(),
        format!("GET http://{addr}/a/c?q=%41 false x-one,x-two 2, 22\n")
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

// ---------------------------------------------------------------------------
// The edges of HTTP (tests/serve/edges.ts): bodies whose length is wrong,
// streams cut by limits, outbound requests, and handlers that end oddly.

/// Compiles tests/serve/edges.ts into `dir/edges.wasm`.
fn compile_edges(dir: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/serve/edges.ts");
    std::fs::copy(source, dir.join("edges.ts")).unwrap();
    compile(dir, "edges.ts", "edges.wasm");
}

/// A plain HTTP/1.1 upstream on loopback for outbound fetch(). Like Python's
/// `http.server`, it reads a request body by its Content-Length only.
/// `/twenty`: 20 bytes; `/slow`: answers after 2 s; `/length`: the number of
/// body bytes Content-Length announced and it read ("none" without the
/// header); `/redirect`: 302 to `/twenty`.
fn upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut length = None;
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some((n, v)) = l.split_once(':')
                        && n.eq_ignore_ascii_case("content-length")
                    {
                        length = v.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap_or(0)];
                let _ = reader.read_exact(&mut body);
                let (status, extra, text) = match path.as_str() {
                    "/twenty" => ("200 OK", "", "twenty bytes long!!!".to_string()),
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(2));
                        ("200 OK", "", "slow".to_string())
                    }
                    "/length" => (
                        "200 OK",
                        "",
                        length.map_or("none".into(), |_| body.len().to_string()),
                    ),
                    "/redirect" => ("302 Found", "location: /twenty\r\n", String::new()),
                    _ => ("404 Not Found", "", String::new()),
                };
                let mut stream = stream;
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{text}",
                        text.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    addr
}

/// What a client saw of one GET: the raw bytes until the server closed the
/// connection, and whether it ended in an error (a reset) rather than a close.
fn raw_get(addr: SocketAddr, path: &str) -> (String, bool) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (text(&bytes), false),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(_) => return (text(&bytes), true),
        }
    }
}

/// Whether a raw response arrived whole: a chunked body ends with its
/// terminator, a body with a content-length has exactly that many bytes.
fn complete(raw: &str) -> bool {
    let Some((head, body)) = raw.split_once("\r\n\r\n") else {
        return false;
    };
    let head = head.to_ascii_lowercase();
    if head.contains("transfer-encoding: chunked") {
        return body.ends_with("0\r\n\r\n");
    }
    match head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        Some(n) => body.len() == n,
        None => true,
    }
}

#[test]
fn a_copied_content_length_never_truncates_a_body() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let up = upstream();
    let server = Server::start(dir.path(), "edges.wasm", &["--allow-host", &up.to_string()]);
    // The runtime states the length of a body it knows.
    let rewritten = get(server.addr, "/rewrite");
    assert_eq!(rewritten.status, 200);
    assert_eq!(rewritten.text(), "thirty, rewritten bytes long!!!");
    assert_eq!(rewritten.header("content-length"), Some("31"));
    assert_eq!(rewritten.header("x-kept"), Some("yes"));
    let proxied = get(
        server.addr,
        &format!("/rewrite-upstream?upstream=http://{up}"),
    );
    assert_eq!(proxied.text(), "twenty bytes long!!! and ten more");
    assert_eq!(proxied.header("content-length"), Some("33"));
    let shrunk = get(server.addr, "/shrunk");
    assert_eq!(shrunk.text(), "short");
    assert_eq!(shrunk.header("content-length"), Some("5"));
    // HEAD says what GET sends.
    let head = request(server.addr, "HEAD", "/rewrite", &[], b"").unwrap();
    assert_eq!(head.header("content-length"), Some("31"));
    assert!(head.body.is_empty());
    let head = request(server.addr, "HEAD", "/", &[], b"").unwrap();
    assert_eq!(head.header("content-length"), Some("12"));
    let head = request(server.addr, "HEAD", "/head-null", &[], b"").unwrap();
    assert_eq!(head.header("content-length"), Some("1234"));
}

#[test]
fn a_stream_that_breaks_its_declared_length_is_cut_not_completed() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let server = Server::start(dir.path(), "edges.wasm", &[]);
    let (exact, _) = raw_get(server.addr, "/stream-exact");
    assert!(complete(&exact), "{exact}");
    assert!(exact.ends_with("01234567890123456789"), "{exact}");
    for path in ["/stream-short", "/stream-long", "/stream-error"] {
        let (raw, _) = raw_get(server.addr, path);
        assert!(!complete(&raw), "{path} looked complete: {raw:?}");
        assert!(
            server.wait_for(&format!("GET {path} 200 "), Duration::from_secs(10)),
            "{}",
            server.log()
        );
        let log = server.log();
        let line = log
            .lines()
            .find(|l| l.starts_with(&format!("GET {path} 200 ")))
            .unwrap();
        assert!(line.contains("response cut off"), "{line}");
    }
    assert!(server.log().contains("content-length"), "{}", server.log());
    // An HTTP/1.0 client reads a body until the connection closes: a cut one
    // ends with a reset, never a normal close.
    for path in ["/stream-error", "/stream-short"] {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut bytes = Vec::new();
        let ended = stream.read_to_end(&mut bytes);
        // (A failure before the head went out is an honest 500.)
        assert!(
            ended.is_err() || !text(&bytes).starts_with("HTTP/1.0 200"),
            "{path} over HTTP/1.0 closed normally: {:?}",
            text(&bytes)
        );
    }
    // The server goes on.
    assert_eq!(get(server.addr, "/").status, 200);
}

#[test]
fn a_limit_during_a_streamed_response_aborts_it() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let server = Server::start(dir.path(), "edges.wasm", &["--timeout", "1s"]);
    let started = Instant::now();
    let (raw, _) = raw_get(server.addr, "/endless");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(raw.contains("chunk"), "{raw}");
    assert!(
        !complete(&raw),
        "a cut stream ended like a whole one: {raw:?}"
    );
    assert!(
        server.wait_for("GET /endless 200 ", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    let log = server.log();
    let line = log.lines().find(|l| l.starts_with("GET /endless")).unwrap();
    assert!(
        line.contains("response cut off") && line.contains("timeout"),
        "{line}"
    );

    // A stream that never produces, with nothing left to run.
    let (raw, _) = raw_get(server.addr, "/silent");
    assert!(!complete(&raw), "{raw:?}");
    assert!(
        server.wait_for("GET /silent 200 ", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.starts_with("GET /silent 200"))
        .unwrap();
    assert!(line.contains("response cut off"), "{line}");
    server.expect("stopped before its end");
    assert_eq!(get(server.addr, "/").status, 200);
}

#[test]
fn outbound_fetch_sends_lengths_follows_signals_and_redirects() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let up = upstream();
    let server = Server::start(dir.path(), "edges.wasm", &["--allow-host", &up.to_string()]);
    let q = format!("upstream=http://{up}");
    // Node sends each of these with its content-length (checked with Node 20's
    // fetch against the same upstream: the multipart length depends on the
    // boundary, so only its presence is compared).
    assert_eq!(get(server.addr, &format!("/post-json?{q}")).text(), "29");
    let kinds = get(server.addr, &format!("/post-kinds?{q}")).text();
    assert!(
        kinds.starts_with("string=3 bytes=4 blob=5 params=5 form="),
        "{kinds}"
    );
    assert!(kinds.ends_with(" none=0"), "{kinds}");
    assert!(!kinds.contains("form=none"), "{kinds}");

    // An aborted signal ends the wait at once (Node: AbortError /
    // TimeoutError after ~100 ms, not the upstream's 2 s).
    for (how, name) in [("controller", "AbortError"), ("timeout", "TimeoutError")] {
        let text = get(server.addr, &format!("/abort?how={how}&{q}")).text();
        let (seen, ms) = text.split_once(" after ").unwrap();
        assert_eq!(seen, name, "{text}");
        let ms: u64 = ms.trim_end_matches("ms").parse().unwrap();
        assert!((90..1500).contains(&ms), "{text}");
    }
    assert_eq!(
        get(server.addr, &format!("/timer-during-fetch?{q}")).text(),
        "timer fired during the fetch"
    );
    assert_eq!(
        get(server.addr, &format!("/redirected?{q}")).text(),
        "200 true true twenty bytes long!!!"
    );
}

#[test]
fn handlers_that_end_oddly_get_clear_answers() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let server = Server::start(dir.path(), "edges.wasm", &[]);
    // process.exit() ends the request, not the server, and cannot be caught.
    for path in ["/exit", "/exit-later"] {
        let r = get(server.addr, path);
        assert_eq!(r.status, 500, "{path}: {}", r.text());
        assert_eq!(r.text(), "Internal Server Error\n");
    }
    let never = get(server.addr, "/never");
    assert_eq!(never.status, 500);
    let string = get(server.addr, "/string");
    assert_eq!(string.status, 500);
    assert!(
        server.wait_for("GET /string 500", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    let log = server.log();
    server.expect("process.exit(3)");
    server.expect("process.exit(4)");
    assert!(
        !log.contains("caught the exit") && !log.contains("unreachable"),
        "{log}"
    );
    server.expect("promise never settled");
    server.expect("must return a Response, not a string (\"just a string\")");
    assert!(!log.contains("see the server's stderr"), "{log}");
    // Handlers see the Host header, as in Node.
    assert_eq!(get(server.addr, "/host").text(), server.addr.to_string());
    assert_eq!(get(server.addr, "/").status, 200);
}

#[test]
fn a_client_that_goes_away_aborts_request_signal_quietly() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let server = Server::start(dir.path(), "edges.wasm", &[]);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"GET /events HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 256];
    let n = stream.read(&mut buf).unwrap();
    assert!(text(&buf[..n]).contains("200"), "{}", text(&buf[..n]));
    std::thread::sleep(Duration::from_millis(100));
    drop(stream);
    assert!(
        server.wait_for(
            "request.signal aborted (AbortError)",
            Duration::from_secs(10)
        ),
        "{}",
        server.log()
    );
    assert!(
        server.wait_for("GET /events 200", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    let log = server.log();
    server.expect("client went away");
    assert!(!log.contains("Uncaught"), "{log}");
}

#[test]
fn serve_accepts_host_names_and_bare_ports() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    // A free port, then released for the server.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for addr in [
        format!("localhost:{port}"),
        format!(":{port}"),
        port.to_string(),
    ] {
        let mut child = jsw()
            .current_dir(dir.path())
            .args(["serve", "app.wasm", "--workers", "1", "--addr", &addr])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.contains(&format!(":{port}/")), "{addr}: {line}");
        let response = get(SocketAddr::from(([127, 0, 0, 1], port)), "/");
        assert_eq!(response.text(), "hello\n", "{addr}");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().unwrap();
    }
    let o = jsw()
        .args(["serve", "app.wasm", "--addr", "localhost:http"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("not a port number"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn hot_swap_ends_on_the_last_version_written() {
    let dir = tempfile::tempdir().unwrap();
    let version =
        |n: u32| format!("export default {{ fetch() {{ return new Response('v{n}'); }} }};\n");
    let write = |n: u32| {
        support::write(dir.path(), "tmp.ts", &version(n));
        std::fs::rename(dir.path().join("tmp.ts"), dir.path().join("app.ts")).unwrap();
    };
    write(1);
    let server = Server::start(dir.path(), "app.ts", &["--no-cache"]);
    assert_eq!(get(server.addr, "/").text(), "v1");
    // v2, then v3 while v2 is still building.
    write(2);
    std::thread::sleep(Duration::from_millis(400));
    write(3);
    let start = Instant::now();
    while get(server.addr, "/").text() != "v3" {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "still serving {} : {}",
            get(server.addr, "/").text(),
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // A component replaced twice in quick succession, with workers.
    for (n, name) in [(1, "a.wasm"), (2, "b.wasm")] {
        support::write(dir.path(), "src.js", &version(n));
        compile(dir.path(), "src.js", name);
    }
    std::fs::copy(dir.path().join("a.wasm"), dir.path().join("live.wasm")).unwrap();
    let server = Server::start(dir.path(), "live.wasm", &["--workers", "2", "--no-cache"]);
    assert_eq!(get(server.addr, "/").text(), "v1");
    std::fs::copy(dir.path().join("b.wasm"), dir.path().join("live.wasm")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::copy(dir.path().join("a.wasm"), dir.path().join("live.wasm")).unwrap();
    // It must settle on v1, what is on disk, on every worker.
    std::thread::sleep(Duration::from_secs(1));
    let start = Instant::now();
    loop {
        let seen: Vec<String> = (0..20).map(|_| get(server.addr, "/").text()).collect();
        if seen.iter().all(|t| t == "v1") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{seen:?}: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_top_level_that_fails_says_why_at_start_and_on_reload() {
    let dir = tempfile::tempdir().unwrap();
    support::write(
        dir.path(),
        "hs.ts",
        "const table = JSON.parse('{');\nexport default { fetch: () => new Response(String(table)) };\n",
    );
    let o = jsw()
        .current_dir(dir.path())
        .args(["serve", "hs.ts", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("SyntaxError"), "{err}");
    assert!(err.contains("hs.ts:1:"), "{err}");

    support::write(
        dir.path(),
        "hs.ts",
        "export default { fetch: () => new Response('ok') };\n",
    );
    let server = Server::start(dir.path(), "hs.ts", &[]);
    assert_eq!(get(server.addr, "/").text(), "ok");
    std::thread::sleep(Duration::from_millis(1100));
    support::write(
        dir.path(),
        "tmp.ts",
        "throw new RangeError('bad config');\nexport default { fetch: () => new Response('x') };\n",
    );
    std::fs::rename(dir.path().join("tmp.ts"), dir.path().join("hs.ts")).unwrap();
    assert!(
        server.wait_for("cannot be served", Duration::from_secs(60)),
        "{}",
        server.log()
    );
    server.expect("RangeError: bad config");
    server.expect("hs.ts:1:");
    assert_eq!(get(server.addr, "/").text(), "ok");
}

#[test]
fn access_log_lines_stay_whole_with_workers() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(dir.path(), "app.wasm", &["--workers", "2"]);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let addr = server.addr;
            std::thread::spawn(move || {
                for _ in 0..150 {
                    assert_eq!(get(addr, "/").status, 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let log = server.log();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| !l.starts_with("jsw serve:"))
        .collect();
    assert_eq!(lines.len(), 1200, "{log}");
    for line in lines {
        let parts: Vec<&str> = line.split(' ').collect();
        assert!(
            parts.len() == 4
                && parts[0] == "GET"
                && parts[1] == "/"
                && parts[2] == "200"
                && parts[3].ends_with("µs"),
            "a malformed log line: {line:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Abusive clients: slow heads, idle connections, slow and oversize bodies,
// too many connections, huge heads.

/// Reads from `stream` until the server closes it (or `limit` passes): the
/// bytes, and how long it took.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
    (text(&bytes), started.elapsed())
}

#[test]
fn slow_heads_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &[
            "--workers",
            "1",
            "--header-timeout",
            "1s",
            "--keepalive-timeout",
            "1s",
            "--body-timeout",
            "1s",
        ],
    );
    // A head that never ends (slowloris).
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    // A connection that never sends anything: idle, closed as keep-alive ones are.
    let mut silent = TcpStream::connect(server.addr).unwrap();
    // A keep-alive connection after one request.
    let mut kept = TcpStream::connect(server.addr).unwrap();
    kept.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (reply, _) = {
        kept.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = kept.read(&mut buf).unwrap();
        (text(&buf[..n]), ())
    };
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    for (name, stream) in [
        ("slow head", &mut slow),
        ("silent", &mut silent),
        ("idle keep-alive", &mut kept),
    ] {
        let (_, took) = read_until_closed(stream, Duration::from_secs(30));
        assert!(
            took < Duration::from_secs(15),
            "{name}: still open after {took:?}"
        );
    }
    assert!(
        server.wait_for("--header-timeout", Duration::from_secs(15)),
        "{}",
        server.log()
    );
    // A body that stops arriving: 408, the connection closes.
    let mut body = TcpStream::connect(server.addr).unwrap();
    body.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\ncontent-length: 100\r\n\r\n{\"x\":")
        .unwrap();
    let (reply, took) = read_until_closed(&mut body, Duration::from_secs(30));
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(took < Duration::from_secs(15), "{took:?}");
    // The log is read from the server's stderr by another thread: wait for it.
    assert!(
        server.wait_for("--body-timeout", Duration::from_secs(15)),
        "{}",
        server.log()
    );
    // Everyone else is served.
    assert_eq!(get(server.addr, "/").status, 200);
}

#[test]
fn oversize_bodies_get_413_and_huge_heads_431() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &["--workers", "1", "--max-body", "1MiB"],
    );
    // Declared: refused before any of it is sent or an instance runs.
    let mut declared = TcpStream::connect(server.addr).unwrap();
    declared
        .write_all(b"POST /upload HTTP/1.1\r\nHost: x\r\ncontent-length: 300000000\r\n\r\n")
        .unwrap();
    let (reply, _) = read_until_closed(&mut declared, Duration::from_secs(10));
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    // Chunked: cut at the limit.
    let mut chunked = TcpStream::connect(server.addr).unwrap();
    chunked
        .write_all(b"POST /upload HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'z'; 64 * 1024];
    let mut sent = 0;
    while sent < 4 << 20 {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        if chunked.write_all(&piece).is_err() {
            break;
        }
        sent += chunk.len();
    }
    let (reply, _) = read_until_closed(&mut chunked, Duration::from_secs(10));
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    // Under the limit, a body is the handler's.
    let upload = request(server.addr, "POST", "/upload", &[], &vec![b'a'; 500_000]).unwrap();
    assert_eq!(upload.text(), r#"{"total":500000,"chunks":true}"#);
    // Too many header fields, or too big a head.
    let many: Vec<(String, String)> = (0..150).map(|i| (format!("x-h{i}"), "v".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(
        request(server.addr, "GET", "/", &many, b"").unwrap().status,
        431
    );
    let big = "v".repeat(80 * 1024);
    let status = request(server.addr, "GET", "/", &[("x-big", &big)], b"")
        .map(|r| r.status)
        .unwrap_or(431);
    assert_eq!(status, 431);
    assert_eq!(get(server.addr, "/").status, 200);
    server.expect("POST /upload 413");
    server.expect("--max-body");
}

#[test]
fn connections_past_the_cap_get_503_and_the_rest_are_served() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &[
            "--workers",
            "1",
            "--max-connections",
            "3",
            "--keepalive-timeout",
            "30s",
        ],
    );
    let held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    // Once the server has taken the three (a busy machine may take a moment).
    let start = Instant::now();
    let refused = loop {
        let r = request(server.addr, "GET", "/", &[], b"");
        if r.as_ref().is_ok_and(|r| r.status == 503) || start.elapsed() > Duration::from_secs(20) {
            break r.unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("1"));
    // A held connection still works.
    let mut first = held.into_iter().next().unwrap();
    first
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    let (reply, _) = read_until_closed(&mut first, Duration::from_secs(10));
    assert!(
        reply.starts_with("HTTP/1.1 200") && reply.ends_with("hello\n"),
        "{reply}"
    );
    assert!(
        server.wait_for("--max-connections", Duration::from_secs(15)),
        "{}",
        server.log()
    );
}

/// Resident memory (KiB) and open descriptors of a process, from /proc.
fn usage(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    (rss, fds)
}

/// Normal clients under load while abusive ones (half-open connections,
/// endless handlers, oversize bodies, throwing handlers) hit the same server:
/// every normal request succeeds, and the server's memory and descriptors
/// return to their baseline. Prints its figures (README: "Under abuse").
#[test]
fn soak_normal_clients_beside_abusive_ones() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &[
            "--workers",
            "1",
            "--timeout",
            "1s",
            "--header-timeout",
            "2s",
            "--keepalive-timeout",
            "2s",
            "--max-body",
            "1MiB",
        ],
    );
    let pid = server.child.id();
    // Warm up, then the baseline.
    for _ in 0..200 {
        assert_eq!(get(server.addr, "/").status, 200);
    }
    std::thread::sleep(Duration::from_secs(3));
    let (rss_before, fds_before) = usage(pid);
    let run_for = Duration::from_secs(
        std::env::var("JSW_SOAK_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut threads = Vec::new();
    for _ in 0..4 {
        let (stop, latencies, failures, addr) = (
            stop.clone(),
            latencies.clone(),
            failures.clone(),
            server.addr,
        );
        threads.push(std::thread::spawn(move || {
            let paths = ["/", "/count", "/table?k=k7"];
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let path = paths[i % paths.len()];
                i += 1;
                let started = Instant::now();
                match request(addr, "GET", path, &[], b"") {
                    Ok(r) if r.status == 200 => latencies.lock().unwrap().push(started.elapsed()),
                    Ok(r) => failures
                        .lock()
                        .unwrap()
                        .push(format!("{path}: {}", r.status)),
                    Err(e) => failures.lock().unwrap().push(format!("{path}: {e}")),
                }
            }
        }));
    }
    // Abusers.
    let abuse = Arc::new(AtomicUsize::new(0));
    {
        // Half-open connections, renewed as the server closes them.
        let (stop, addr, abuse) = (stop.clone(), server.addr, abuse.clone());
        threads.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let held: Vec<TcpStream> = (0..50)
                    .filter_map(|_| TcpStream::connect(addr).ok())
                    .map(|mut s| {
                        let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
                        s
                    })
                    .collect();
                abuse.fetch_add(held.len(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_secs(3));
                drop(held);
            }
        }));
    }
    for kind in ["loop", "oversize", "throw"] {
        let (stop, addr, abuse) = (stop.clone(), server.addr, abuse.clone());
        threads.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = match kind {
                    "loop" => request(addr, "GET", "/loop", &[], b""),
                    "oversize" => request(addr, "POST", "/upload", &[], &vec![b'x'; 2 << 20]),
                    _ => request(addr, "GET", "/throw", &[], b""),
                };
                abuse.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    std::thread::sleep(run_for);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    // Let the server close what the abusers left and settle.
    std::thread::sleep(Duration::from_secs(4));
    let (rss_after, fds_after) = usage(pid);
    let failures = failures.lock().unwrap();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let served = latencies.len();
    let p99 = latencies[served * 99 / 100];
    println!(
        "soak: {served} normal requests in {run_for:?}, {} failures, p99 {:.1} ms; {} abusive requests/connections; RSS {} -> {} MiB; open descriptors {fds_before} -> {fds_after}",
        failures.len(),
        p99.as_secs_f64() * 1e3,
        abuse.load(Ordering::Relaxed),
        rss_before / 1024,
        rss_after / 1024,
    );
    assert!(
        failures.is_empty(),
        "{:?}",
        &failures[..failures.len().min(10)]
    );
    assert!(served > 100, "only {served} requests served");
    assert!(
        fds_after <= fds_before + 2,
        "descriptors {fds_before} -> {fds_after}"
    );
    assert!(
        rss_after < rss_before + 64 * 1024,
        "RSS {rss_before} KiB -> {rss_after} KiB"
    );
}

#[test]
fn under_wasmtime_serve_a_body_past_its_length_is_cut_too() {
    let Some(wasmtime) = support::wasmtime_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let (mut child, addr) = wasmtime_serve(&wasmtime, &dir.path().join("edges.wasm"));
    let result = std::panic::catch_unwind(|| {
        // The engine holds back the bytes that complete a declared length
        // until the stream ends, so a longer stream is short on the wire.
        for path in ["/stream-long", "/stream-short"] {
            let (raw, _) = raw_get(addr, path);
            assert!(!complete(&raw), "{path}: {raw:?}");
        }
        let (raw, _) = raw_get(addr, "/stream-exact");
        assert!(complete(&raw), "{raw:?}");
        assert_eq!(get(addr, "/rewrite").header("content-length"), Some("31"));
        assert_eq!(get(addr, "/host").text(), addr.to_string());
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn multipart_uploads_reach_form_data() {
    let dir = tempfile::tempdir().unwrap();
    compile_edges(dir.path());
    let server = Server::start(dir.path(), "edges.wasm", &["--workers", "1"]);
    // What `curl -F a=1 -F f=@x.bin` sends: a field and a binary file.
    let file: Vec<u8> = (0..400).flat_map(|_| 0..=255u8).collect();
    let boundary = "------------------------d74496d66958873e";
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"a\"\r\n\r\n1\r\n--{boundary}\r\ncontent-disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\ncontent-type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let r = request(
        server.addr,
        "POST",
        "/form",
        &[("content-type", &content_type)],
        &body,
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.text(),
        "a=1\nf:x.bin:application/octet-stream:102400:13056000"
    );
}

// ---------------------------------------------------------------------------
// Build-time warm-up: the `warmup` export's requests go through the handler
// before the snapshot.

/// A handler that builds its "router" on first use, as frameworks do; `lazy`
/// says when (the build's clock stands at 0).
const LAZY: &str = r#"
let routes: Map<string, string> | null = null;
let builtAt = -1;
function build() {
  const m = new Map<string, string>();
  m.set("/", "home");
  for (let i = 0; i < 3000; i++) m.set(`/item/${i}`, `item ${i}`.repeat(3));
  builtAt = Date.now();
  return m;
}
export default {
  fetch(request: Request) {
    routes ??= build();
    const path = new URL(request.url).pathname;
    if (path === "/built-at") return new Response(String(builtAt));
    return new Response(routes.get(path) ?? "none", { status: routes.has(path) ? 200 : 404 });
  },
};
"#;

/// `jsw bench -n 3 --json` on components in `dir`.
fn bench_json(dir: &Path, modules: &[&str]) -> serde_json::Value {
    let o = jsw()
        .current_dir(dir)
        .arg("bench")
        .args(modules)
        .args(["-n", "3", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    serde_json::from_str(&text(&o.stdout)).unwrap()
}

/// A number from the report of module `name` in `jsw bench --json` output.
fn report_field(reports: &serde_json::Value, name: &str, key: &str) -> u64 {
    reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .and_then(|r| r[key].as_u64())
        .unwrap_or_else(|| panic!("no {key} for {name}: {reports}"))
}

#[test]
fn warmup_requests_put_lazy_initialisation_in_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    support::write(dir.path(), "cold.ts", LAZY);
    support::write(
        dir.path(),
        "warm.ts",
        &format!(
            "{LAZY}\nexport const warmup = [\"GET /item/1\", {{ method: \"GET\", path: \"/built-at\" }}];\n"
        ),
    );
    for name in ["cold", "warm"] {
        compile(dir.path(), &format!("{name}.ts"), &format!("{name}.wasm"));
    }
    let server = Server::start(dir.path(), "warm.wasm", &["--workers", "1"]);
    // Built at build time (the build's clock is at 0), not per request.
    assert_eq!(get(server.addr, "/built-at").text(), "0");
    assert_eq!(get(server.addr, "/item/7").text(), "item 7item 7item 7");
    drop(server);
    let server = Server::start(dir.path(), "cold.wasm", &["--workers", "1"]);
    assert_ne!(get(server.addr, "/built-at").text(), "0");
    drop(server);
    // Counted, not timed: the warmed handler runs far fewer instructions.
    let reports = bench_json(dir.path(), &["cold.wasm", "warm.wasm"]);
    let fuel = |name: &str| report_field(&reports, name, "fuel");
    assert!(
        fuel("warm.wasm") * 3 < fuel("cold.wasm"),
        "warm {} vs cold {}",
        fuel("warm.wasm"),
        fuel("cold.wasm")
    );
}

#[test]
fn a_warmup_that_would_leak_state_or_fails_fails_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "counter.ts",
            "let n = 0;\nexport default { fetch: () => new Response(String(++n)) };\nexport const warmup = ['/'];\n",
            "answered differently the second time",
        ),
        (
            "fails.ts",
            "export default { fetch: () => { throw new Error('no database at build time'); } };\nexport const warmup = ['GET /'];\n",
            "warm-up GET /: the handler failed: no database at build time",
        ),
        (
            "timer.ts",
            "export default { fetch: () => { setTimeout(() => {}, 60000); return new Response('ok'); } };\nexport const warmup = ['/'];\n",
            "left 2 timer(s) behind",
        ),
        (
            "shape.ts",
            "export default { fetch: () => new Response('ok') };\nexport const warmup = 'GET /';\n",
            "must list requests",
        ),
    ];
    for (file, source, expected) in cases {
        support::write(dir.path(), file, source);
        let o = jsw()
            .current_dir(dir.path())
            .args(["compile", file, "-o", "out.wasm"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{file}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(expected),
            "{file}: {}",
            text(&o.stderr)
        );
        assert!(!dir.path().join("out.wasm").exists(), "{file}");
    }
    // A request whose answers vary by design can say so.
    support::write(
        dir.path(),
        "random.ts",
        "export default { fetch: () => new Response(String(Math.random())) };\nexport const warmup = [{ path: '/', same: false }];\n",
    );
    compile(dir.path(), "random.ts", "out.wasm");
}

#[test]
fn cpu_limit_stops_a_computing_handler_but_not_a_waiting_one() {
    let dir = tempfile::tempdir().unwrap();
    compile_app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &["--workers", "1", "--cpu-limit", "100ms", "--timeout", "10s"],
    );
    // Computing: stopped by the CPU limit long before the wall clock.
    let started = Instant::now();
    assert_eq!(get(server.addr, "/loop").status, 500);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Waiting 400 ms (a timer) uses almost no CPU: not stopped.
    assert_eq!(get(server.addr, "/sleep?ms=400").text(), "slept");
    assert!(
        server.wait_for("--cpu-limit", Duration::from_secs(10)),
        "{}",
        server.log()
    );
    let log = server.log();
    let line = log.lines().find(|l| l.starts_with("GET /loop")).unwrap();
    assert!(
        line.contains("cpu: the handler computed for more than 100ms"),
        "{line}"
    );
}

#[test]
fn per_request_cost_does_not_grow_with_the_snapshot_heap() {
    let dir = tempfile::tempdir().unwrap();
    let handler = "export default { fetch() { return new Response('hello\\n', { headers: { 'content-type': 'text/plain' } }); } };\n";
    support::write(dir.path(), "hello.js", handler);
    // The same handler beside a top level that leaves ~8 MiB more heap, and
    // beside the same top level with a tenth of the rows.
    let index = |rows: u32| {
        format!(
            "const rows = Array.from({{ length: {rows} }}, (_, i) => ({{ id: i, name: `user${{i}}`, email: `user${{i}}@example.com`, tags: [`t${{i % 7}}`] }}));\nconst byName = new Map(rows.map((r) => [r.name, r]));\nglobalThis.keep = byName;\n{handler}"
        )
    };
    support::write(dir.path(), "index.js", &index(20000));
    support::write(dir.path(), "small.js", &index(2000));
    for name in ["hello", "index", "small"] {
        compile(dir.path(), &format!("{name}.js"), &format!("{name}.wasm"));
    }
    let reports = bench_json(dir.path(), &["hello.wasm", "index.wasm", "small.wasm"]);
    let field = |name: &str, key: &str| report_field(&reports, name, key);
    // Counted, not timed: the instructions a request runs (anything that
    // walks the heap per request, as a write to each of its pages did, shows
    // here) and the memory it needs. The two heaps of the same code are
    // compared: a top level that allocated at all costs a request a fixed few
    // thousand instructions more than hello's (the allocator's state; the
    // same with 5,000 rows as with 40,000), which is not growth with the heap.
    let (small, index) = (field("small.wasm", "fuel"), field("index.wasm", "fuel"));
    assert!(
        index * 100 <= small * 102,
        "instructions: index {index} vs the same code with a tenth of the heap {small}"
    );
    assert!(
        field("index.wasm", "memory") > field("hello.wasm", "memory") + (4 << 20),
        "the index app's heap is not bigger: {reports}"
    );
    // And the pages: the pool resets every page a request wrote in place, so
    // a bigger heap brings no page faults of its own (with wasmtime's scan
    // stopping at 32 regions, the index app took ~25 more than hello).
    let (hello, index) = (field("hello.wasm", "faults"), field("index.wasm", "faults"));
    assert!(
        index <= hello + 8,
        "page faults per request: index {index} vs hello {hello}"
    );
    // Where the kernel has PAGEMAP_SCAN (Linux 6.7), the pool finds every
    // dirty page, and no request faults at all.
    if kernel_at_least(6, 7) {
        assert_eq!(
            (hello, index),
            (0, 0),
            "page faults per request (hello, index)"
        );
    }
}

fn kernel_at_least(major: u32, minor: u32) -> bool {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse::<u32>().ok());
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (major, minor)
}

/// AsyncLocalStorage in a handler: concurrent tasks of one request, and
/// concurrent requests, each keep their own store across timers, outbound
/// fetch() and reading the response.
#[test]
fn async_local_storage_keeps_each_task_store_across_fetch() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/serve/context.ts");
    std::fs::copy(source, dir.path().join("context.ts")).unwrap();
    compile(dir.path(), "context.ts", "context.wasm");
    let up = upstream();
    let server = Server::start(
        dir.path(),
        "context.wasm",
        &["--allow-host", &up.to_string()],
    );
    let addr = server.addr;
    let clients: Vec<_> = (0..6)
        .map(|n| {
            std::thread::spawn(move || {
                let r = get(addr, &format!("/?upstream=http://{up}&id=r{n}"));
                (n, r.status, r.text())
            })
        })
        .collect();
    for client in clients {
        let (n, status, text) = client.join().unwrap();
        assert_eq!(status, 200, "{text}");
        assert_eq!(
            text,
            format!("r{n}.0/r{n}.0:20 r{n}.1/r{n}.1:20 r{n}.2/r{n}.2:20 outside=true")
        );
    }
}

/// `jsw serve --cpu-prof`: every request profiles itself (asked by a request
/// header the engine takes out) and the server writes them as one profile
/// when it stops, the hot function on top at its own line, in the form
/// Chrome DevTools reads.
#[test]
fn cpu_prof_writes_one_profile_of_the_requests_served() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hot.ts"),
        "// A handler that computes.\nfunction fib(n: number): number {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\nexport default {\n  fetch(request: Request): Response {\n    const seen = request.headers.has(\"jsw-cpu-profile\");\n    process.stderr.write(\"left without a newline\");\n    return new Response(`${fib(24)} ${seen}`);\n  },\n};\n",
    )
    .unwrap();
    compile(dir.path(), "hot.ts", "hot.wasm");
    let profiles = dir.path().join("profiles");
    let mut server = Server::start(
        dir.path(),
        "hot.wasm",
        &[
            "--workers",
            "1",
            "--cpu-prof-dir",
            profiles.to_str().unwrap(),
            "--cpu-prof-interval",
            "200",
        ],
    );
    for i in 0..6 {
        // A client's own header changes nothing and never reaches the handler.
        let r = request(server.addr, "GET", "/", &[("jsw-cpu-profile", "10")], b"").unwrap();
        assert_eq!(r.text(), "46368 false");
        if i == 0 {
            // Requests one after another stay apart in the profile's time.
            std::thread::sleep(Duration::from_millis(300));
        }
    }
    assert!(server.terminate().success(), "{}", server.log());
    assert!(
        server
            .log()
            .contains("--cpu-prof: the profile of 6 request(s) is in "),
        "{}",
        server.log()
    );
    let files: Vec<_> = std::fs::read_dir(&profiles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let profile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let nodes = profile["nodes"].as_array().unwrap();
    let samples = profile["samples"].as_array().unwrap();
    let deltas = profile["timeDeltas"].as_array().unwrap();
    assert_eq!(samples.len(), deltas.len());
    assert!(samples.len() >= 20, "{} samples", samples.len());
    assert!(
        deltas.iter().all(|d| d.as_i64().unwrap() >= 0),
        "time goes forward"
    );
    let span = profile["endTime"].as_i64().unwrap() - profile["startTime"].as_i64().unwrap();
    assert!(span >= 300_000, "the profile spans the pause: {span} µs");
    let by_function = support::self_time_by_function(&profile);
    let total: u64 = by_function.values().sum();
    assert!(by_function["fib"] * 10 >= total * 8, "{by_function:?}");
    for n in nodes
        .iter()
        .filter(|n| n["callFrame"]["functionName"] == "fib")
    {
        assert_eq!(n["callFrame"]["url"], "file:///hot.ts");
        assert_eq!(n["callFrame"]["lineNumber"], 1, "fib is defined on line 2");
    }
    // The requests' trees are one: fib under fetch, once.
    let fetches = nodes
        .iter()
        .filter(|n| n["callFrame"]["functionName"] == "fetch")
        .count();
    assert_eq!(fetches, 1, "{nodes:#?}");
    support::check_cpuprofile(&files[0]);
}

#[test]
fn a_request_body_read_with_a_byob_reader_ends() {
    // A byte stream's BYOB read waiting when the body ends is answered (done),
    // not left pending until the request is failed as stuck.
    let dir = tempfile::tempdir().unwrap();
    support::write(
        dir.path(),
        "byob.js",
        r#"export default {
  async fetch(request) {
    const reader = request.body.getReader({ mode: "byob" });
    let n = 0, reads = 0, buffer = new ArrayBuffer(1000);
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      n += value.byteLength;
      reads++;
      buffer = value.buffer;
    }
    return new Response(`${n} ${reads > 0}\n`);
  },
};
"#,
    );
    let server = Server::start(dir.path(), "byob.js", &[]);
    let body = vec![7u8; 100_000];
    let r = request(server.addr, "POST", "/", &[], &body).unwrap();
    assert_eq!((r.status, r.text()), (200, "100000 true\n".to_string()));
    let r = request(server.addr, "POST", "/", &[], b"").unwrap();
    assert_eq!((r.status, r.text()), (200, "0 false\n".to_string()));
}

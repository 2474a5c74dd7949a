//! Bindings of HTTP handlers, through the real `jsw` binary over loopback:
//! the environment and configuration (`--env`, `--env-file`, `--config`),
//! key-value namespaces on the embedded store (real SQLite files in temp
//! dirs) and on a real `redis-server`, and the same component under the
//! wasmtime CLI's `serve` with its wasi:config and wasi:keyvalue.

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::server::{Server, get, request};
use support::{jsw, text};

fn app(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bindings/app.ts");
    std::fs::copy(src, dir.join("app.ts")).unwrap();
    dir.join("app.ts")
}

/// `jsw compile` in `dir`, which must succeed; its stderr.
fn compile(dir: &Path, args: &[&str]) -> String {
    let o = jsw()
        .current_dir(dir)
        .arg("compile")
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stderr)
}

/// The interfaces a component imports (its top-level import names).
fn imports(wasm: &Path) -> Vec<String> {
    let bytes = std::fs::read(wasm).unwrap();
    let mut out = Vec::new();
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            wasmparser::Payload::Version { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ComponentImportSection(s) if depth == 1 => {
                for import in s {
                    out.push(import.unwrap().name.name.to_string());
                }
            }
            _ => {}
        }
    }
    out.sort();
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(addr: SocketAddr, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_plain_handler_imports_the_proxy_world_alone() {
    let dir = tempfile::tempdir().unwrap();
    support::write(
        dir.path(),
        "plain.js",
        "export default { fetch() { return new Response('hi'); } };\n",
    );
    compile(dir.path(), &["plain.js", "-o", "plain.wasm"]);
    let plain = imports(&dir.path().join("plain.wasm"));
    assert!(
        plain.iter().all(|i| !i.contains("config")
            && !i.contains("keyvalue")
            && !i.contains("environment")),
        "{plain:?}"
    );
    // Reading process.env brings the environment and configuration...
    support::write(
        dir.path(),
        "env.js",
        "export default { fetch() { return new Response(process.env.X); } };\n",
    );
    compile(dir.path(), &["env.js", "-o", "env.wasm"]);
    let env = imports(&dir.path().join("env.wasm"));
    assert!(
        // (wit-component merges 0.2.0 into the proxy world's newer 0.2.x.)
        env.iter()
            .any(|i| i.starts_with("wasi:cli/environment@0.2."))
            && env.contains(&"wasi:config/store@0.2.0-rc.1".to_string())
            && !env.iter().any(|i| i.contains("keyvalue")),
        "{env:?}"
    );
    // ... and a binding, the key-value interfaces too.
    app(dir.path());
    compile(dir.path(), &["app.ts", "--kv", "STORE", "-o", "app.wasm"]);
    let kv = imports(&dir.path().join("app.wasm"));
    for needed in [
        "wasi:keyvalue/store@0.2.0-draft",
        "wasi:keyvalue/atomics@0.2.0-draft",
        "wasi:keyvalue/batch@0.2.0-draft",
    ] {
        assert!(kv.contains(&needed.to_string()), "{kv:?}");
    }
}

#[test]
fn environment_and_configuration_reach_the_handler_per_request() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    support::write(
        dir.path(),
        "prod.env",
        "# the production settings\nGREETING=\"hello there\"\nexport API_TOKEN=s3cret-token-123 # not logged\nSHARED=from-file\n",
    );
    let mut server = Server::start(
        dir.path(),
        "app.ts",
        &[
            "--kv",
            "STORE",
            "--data-dir",
            "data",
            "--env-file",
            "prod.env",
            "--env",
            "SHARED=from-flag",
            "--config",
            "colour=blue",
            "--config",
            "SHARED=from-config",
            "--workers",
            "2",
        ],
    );
    let env = |name: &str| get(server.addr, &format!("/env?name={name}")).text();
    assert_eq!(
        env("GREETING"),
        r#"{"env":"hello there","process":"hello there"}"#
    );
    assert_eq!(
        env("API_TOKEN"),
        r#"{"env":"s3cret-token-123","process":"s3cret-token-123"}"#
    );
    // --env wins over the file; the environment over the configuration.
    assert_eq!(
        env("SHARED"),
        r#"{"env":"from-flag","process":"from-flag"}"#
    );
    assert_eq!(env("colour"), r#"{"env":"blue","process":"blue"}"#);
    assert_eq!(env("MISSING"), r#"{"env":null,"process":null}"#);
    assert_eq!(
        get(server.addr, "/keys").text(),
        r#"["API_TOKEN","GREETING","SHARED","colour"]"#
    );
    // process.env kept from the top level is the run's.
    assert_eq!(
        get(server.addr, "/kept?name=GREETING").text(),
        r#"{"kept":"hello there","same":true}"#
    );
    // The workers got the values, and no other process can see them.
    let workers = Command::new("pgrep")
        .args(["-P", &server.child.id().to_string()])
        .output()
        .unwrap();
    let pids = text(&workers.stdout);
    assert_eq!(pids.lines().count(), 2, "{pids}");
    for pid in pids.lines() {
        for file in ["cmdline", "environ"] {
            let seen = std::fs::read(format!("/proc/{pid}/{file}")).unwrap();
            assert!(!text(&seen).contains("s3cret"), "{file} of worker {pid}");
        }
    }
    // A new version (hot swap) keeps them.
    let source = std::fs::read_to_string(dir.path().join("app.ts")).unwrap();
    std::fs::write(
        dir.path().join("app.ts"),
        source.replace("case \"/keys\":", "case \"/keys\": case \"/keys2\":"),
    )
    .unwrap();
    assert!(
        server.wait_for("reloaded app.ts", Duration::from_secs(60)),
        "{}",
        server.log()
    );
    assert_eq!(
        get(server.addr, "/keys2").text(),
        r#"["API_TOKEN","GREETING","SHARED","colour"]"#
    );
    // The access log holds no value.
    let _ = get(server.addr, "/env?name=API_TOKEN");
    assert_eq!(server.terminate().code(), Some(0));
    let log = server.log();
    assert!(!log.contains("s3cret"), "{log}");
    assert!(!log.contains("from-config"), "{log}");
}

#[test]
fn the_build_says_when_the_top_level_reads_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    support::write(
        dir.path(),
        "top.js",
        "const port = process.env.PORT ?? '8080';\nexport default { fetch() { return new Response(port); } };\n",
    );
    let stderr = compile(dir.path(), &["top.js", "-o", "top.wasm"]);
    assert!(
        stderr.contains("the top level read process.env.PORT while building (unset there)"),
        "{stderr}"
    );
}

#[test]
fn environment_flags_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let serve = |args: &[&str]| {
        jsw()
            .current_dir(dir.path())
            .args(["serve", "app.ts", "--addr", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap()
    };
    let o = serve(&["--env", "NOVALUE"]);
    support::expect_failure_containing(&o, 2, &["--env takes NAME=VALUE", "this one has no `=`"]);
    // A value given by mistake is not repeated: it may be a secret.
    let o = serve(&["--config", "=hunter2"]);
    support::expect_failure_containing(
        &o,
        2,
        &["--config takes NAME=VALUE", "the name is missing"],
    );
    assert!(!text(&o.stderr).contains("hunter2"), "{}", text(&o.stderr));
    let o = serve(&["--kv", "S=redis://user:hunter2@cache:6379"]);
    support::expect_failure_containing(&o, 2, &["passwords in the URL are not supported"]);
    assert!(!text(&o.stderr).contains("hunter2"), "{}", text(&o.stderr));
    let o = serve(&["--kv", "STORE", "--env", "STORE=x"]);
    support::expect_failure_containing(&o, 2, &["`STORE` is both a key-value binding"]);
    let o = serve(&["--env", "__proto__=x"]);
    support::expect_failure_containing(&o, 2, &["`__proto__` cannot be a variable name"]);
    let o = serve(&["--kv-max-value", "50MiB"]);
    support::expect_failure_containing(&o, 2, &["--kv-max-value is at most 25MiB"]);
    let o = serve(&["--kv", "1bad"]);
    support::expect_failure_containing(&o, 2, &["`1bad` is not a binding name"]);
    let o = serve(&["--kv", "X=http://cache:80"]);
    support::expect_failure_containing(&o, 2, &["redis://HOST:PORT[/DB]"]);
    // A line that is not NAME=VALUE (Node would drop the rest of the file).
    support::write(
        dir.path(),
        "bad.env",
        "A=1\nB=\"two\nlines\"\nsecret-unclosed\nC=3\n",
    );
    let o = serve(&["--env-file", "bad.env"]);
    support::expect_failure_containing(&o, 1, &["bad.env:4: expected NAME=VALUE"]);
    assert!(
        !text(&o.stderr).contains("secret-unclosed"),
        "{}",
        text(&o.stderr)
    );
    // A command has no bindings.
    support::write(
        dir.path(),
        "cmd.js",
        "import { open } from 'jsw:kv';\nconsole.log(open('x'));\n",
    );
    let o = jsw()
        .current_dir(dir.path())
        .args(["compile", "cmd.js"])
        .output()
        .unwrap();
    support::expect_failure_containing(&o, 1, &["imports \"jsw:kv\"", "no fetch handler"]);
}

#[test]
fn the_embedded_store_keeps_acknowledged_writes_across_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let args = ["--kv", "STORE", "--data-dir", "data", "--workers", "1"];
    let mut server = Server::start(dir.path(), "app.ts", &args);
    let addr = server.addr;
    assert_eq!(get(addr, "/get?k=greeting").text(), "null");
    assert_eq!(get(addr, "/put?k=greeting&v=h%C3%A9llo").text(), "stored\n");
    let binary: Vec<u8> = (0..=255).collect();
    let stored = request(addr, "POST", "/put?k=bytes", &[], &binary).unwrap();
    assert_eq!(stored.status, 200);
    assert_eq!(get(addr, "/inc?k=n&by=5").text(), "5");
    // Killed outright: no shutdown runs.
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let server = Server::start(dir.path(), "app.ts", &args);
    let addr = server.addr;
    assert_eq!(get(addr, "/get?k=greeting").text(), r#""héllo""#);
    assert_eq!(
        get(addr, "/get?k=bytes&type=arrayBuffer").text(),
        serde_json::to_string(&binary).unwrap()
    );
    assert_eq!(get(addr, "/get?k=greeting&type=stream").text(), "héllo");
    assert_eq!(get(addr, "/inc?k=n").text(), "6");
    assert_eq!(get(addr, "/get?k=n&type=json").text(), "6");
    assert_eq!(get(addr, "/del?k=n").text(), "deleted\n");
    assert_eq!(get(addr, "/get?k=n").text(), "null");
    assert_eq!(
        get(addr, "/many?keys=greeting,missing").text(),
        r#"{"greeting":"héllo","missing":null}"#
    );
    assert!(dir.path().join("data/kv.sqlite3").exists());
}

#[test]
fn list_pages_by_cursor_and_prefix() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.ts",
        &["--kv", "STORE", "--data-dir", "data", "--workers", "1"],
    );
    let addr = server.addr;
    assert_eq!(get(addr, "/fill?prefix=user:&n=1500").text(), "1500\n");
    assert_eq!(get(addr, "/fill?prefix=order:&n=20").text(), "20\n");
    // All 1,500 users, in order, over pages of at most 1,000.
    let mut names = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page: serde_json::Value =
            serde_json::from_str(&get(addr, &format!("/list?prefix=user:&cursor={cursor}")).text())
                .unwrap();
        pages += 1;
        for key in page["keys"].as_array().unwrap() {
            names.push(key["name"].as_str().unwrap().to_string());
        }
        if page["list_complete"].as_bool().unwrap() {
            break;
        }
        cursor = page["cursor"].as_str().unwrap().to_string();
    }
    assert_eq!(pages, 2);
    let expected: Vec<String> = (0..1500).map(|i| format!("user:{i:05}")).collect();
    assert_eq!(names, expected);
    // A small limit stops inside a page and goes on from there.
    let page: serde_json::Value =
        serde_json::from_str(&get(addr, "/list?prefix=order:&limit=15").text()).unwrap();
    assert_eq!(page["keys"].as_array().unwrap().len(), 15);
    assert_eq!(page["list_complete"], false);
    let rest: serde_json::Value = serde_json::from_str(
        &get(
            addr,
            &format!(
                "/list?prefix=order:&limit=15&cursor={}",
                page["cursor"].as_str().unwrap()
            ),
        )
        .text(),
    )
    .unwrap();
    assert_eq!(rest["keys"][0]["name"], "order:00015", "{rest}");
    assert_eq!(rest["keys"].as_array().unwrap().len(), 5, "{rest}");
    assert_eq!(rest["list_complete"], true);
    // Deleting every key while paging through them skips none.
    assert_eq!(
        get(addr, "/drain?prefix=user:").text(),
        r#"{"deleted":1500,"left":0}"#
    );
    // Pages follow the host's (UTF-8) order across their boundaries.
    assert_eq!(get(addr, "/fillmix?n=3000").text(), "3000\n");
    assert_eq!(
        get(addr, "/drain?prefix=tag:").text(),
        r#"{"deleted":3000,"left":0}"#
    );
}

#[test]
fn refusals_are_catchable_errors() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    compile(dir.path(), &["app.ts", "--kv", "STORE", "-o", "app.wasm"]);
    // Served without a store for its binding.
    let server = Server::start(dir.path(), "app.wasm", &["--workers", "1"]);
    let missing = get(server.addr, "/get?k=a");
    assert_eq!(missing.status, 503);
    assert!(
        missing.text().starts_with(
            "KVError ERR_KV_NO_SUCH_STORE: KV STORE: the host has no store for bucket \"STORE\""
        ),
        "{}",
        missing.text()
    );
    drop(server);
    let server = Server::start(
        dir.path(),
        "app.wasm",
        &[
            "--kv",
            "STORE",
            "--data-dir",
            "data",
            "--kv-max-value",
            "32",
            "--workers",
            "1",
        ],
    );
    let addr = server.addr;
    let big = get(
        addr,
        "/put?k=big&v=0123456789012345678901234567890123456789",
    );
    assert_eq!(big.status, 503);
    assert!(
        big.text().starts_with("KVError ERR_KV_VALUE_TOO_LARGE: ")
            && big.text().contains(
                "a value is at most 32 bytes on this server (--kv-max-value); this one has 40"
            ),
        "{}",
        big.text()
    );
    // A request body stored as a stream is read no further than 25 MiB.
    let upload = vec![b'x'; (25 << 20) + 1];
    let streamed = request(addr, "POST", "/putstream?k=upload", &[], &upload).unwrap();
    assert_eq!(streamed.status, 503);
    assert!(
        streamed
            .text()
            .starts_with("KVError ERR_KV_VALUE_TOO_LARGE: a value is at most 26214400 bytes"),
        "{}",
        streamed.text()
    );
    let long_key = "k".repeat(513);
    let key = get(addr, &format!("/get?k={long_key}"));
    assert_eq!(key.status, 503);
    assert!(
        key.text().contains("a key is at most 512 bytes"),
        "{}",
        key.text()
    );
    let number = get(addr, "/putnumber?k=n");
    assert!(
        number.text().contains("KV put() accepts only strings"),
        "{}",
        number.text()
    );
    check_counters(addr);
    // An identifier nothing is bound to, through jsw:kv.
    let other = get(addr, "/open?bucket=elsewhere&k=a");
    assert!(
        other.text().contains("ERR_KV_NO_SUCH_STORE"),
        "{}",
        other.text()
    );
    // The server lives on.
    assert_eq!(get(addr, "/get?k=word").text(), r#""007""#);
}

/// What `increment` takes, the same on every store.
fn check_counters(addr: SocketAddr) {
    for bad in ["abc", "-10", "%205", "007"] {
        assert_eq!(get(addr, &format!("/put?k=word&v={bad}")).status, 200);
        let inc = get(addr, "/inc?k=word");
        assert_eq!(inc.status, 503, "{bad}: {}", inc.text());
        assert!(
            inc.text()
                .contains("the value of word is not a whole number from 0 to 2^63 - 1"),
            "{bad}: {}",
            inc.text()
        );
    }
    assert_eq!(get(addr, "/put?k=c&v=9223372036854775806").status, 200);
    assert_eq!(get(addr, "/inc?k=c").text(), "9223372036854775807");
    let past = get(addr, "/inc?k=c");
    assert!(
        past.text().contains("incrementing c would pass 2^63 - 1"),
        "{}",
        past.text()
    );
}

/// Many clients incrementing one counter at once through `workers` worker
/// processes: every increment counts.
fn increments_from_many_clients(addr: SocketAddr) {
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..25 {
                    assert_eq!(get(addr, "/inc?k=hits").status, 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(get(addr, "/get?k=hits&type=json").text(), "200");
}

#[test]
fn parallel_increments_on_the_embedded_store_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let server = Server::start(
        dir.path(),
        "app.ts",
        &["--kv", "STORE", "--data-dir", "data", "--workers", "2"],
    );
    increments_from_many_clients(server.addr);
}

/// A `redis-server` of its own on a free port, stopped when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start(port: u16) -> Option<Redis> {
        let child = match Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(_) => {
                support::skip("redis-server is not installed (scripts/setup.sh installs it)");
                return None;
            }
        };
        wait_for_port(format!("127.0.0.1:{port}").parse().unwrap(), "redis-server");
        Some(Redis { child, port })
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn redis_is_shared_by_workers_and_survives_an_outage() {
    let port = free_port();
    let Some(redis) = Redis::start(port) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let url = format!("STORE=redis://127.0.0.1:{}/2", redis.port);
    let server = Server::start(dir.path(), "app.ts", &["--kv", &url, "--workers", "2"]);
    let addr = server.addr;
    increments_from_many_clients(addr);
    // The data is Redis's, in database 2.
    let seen = Command::new("redis-cli")
        .args(["-p", &port.to_string(), "-n", "2", "GET", "hits"])
        .output()
        .unwrap();
    assert_eq!(text(&seen.stdout).trim(), "200");
    check_counters(addr);
    assert_eq!(get(addr, "/fill?prefix=user:&n=1500").text(), "1500\n");
    assert_eq!(
        get(addr, "/drain?prefix=user:").text(),
        r#"{"deleted":1500,"left":0}"#
    );
    assert_eq!(get(addr, "/put?k=a&v=1").status, 200);
    // Redis goes away: requests get an error they can answer with.
    drop(redis);
    for _ in 0..3 {
        let down = get(addr, "/get?k=a");
        assert_eq!(down.status, 503);
        assert!(
            down.text().starts_with(&format!(
                "KVError ERR_KV: KV STORE: get: redis at 127.0.0.1:{port}"
            )),
            "{}",
            down.text()
        );
    }
    // It comes back (empty: it saved nothing): the server reconnects.
    let _redis = Redis::start(port).unwrap();
    assert_eq!(get(addr, "/put?k=a&v=back").status, 200);
    assert_eq!(get(addr, "/get?k=a").text(), r#""back""#);
}

#[test]
fn wasmtime_serve_runs_the_same_component() {
    let Some(wasmtime) = support::wasmtime_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    // The wasmtime CLI's in-memory store answers only the bucket "".
    compile(dir.path(), &["app.ts", "--kv", "STORE=", "-o", "app.wasm"]);
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut child = Command::new(&wasmtime)
        .args(["serve", "-S", "cli=y", "-S", "config=y", "-S", "keyvalue=y"])
        .args(["-S", "keyvalue-in-memory-data=seeded=41"])
        .args(["-S", "config-var=colour=red", "--env", "GREETING=hi"])
        .args(["--addr", &addr.to_string(), "app.wasm"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(addr, "wasmtime serve");
    let result = std::panic::catch_unwind(|| {
        assert_eq!(
            get(addr, "/env?name=GREETING").text(),
            r#"{"env":"hi","process":"hi"}"#
        );
        assert_eq!(
            get(addr, "/env?name=colour").text(),
            r#"{"env":"red","process":"red"}"#
        );
        assert_eq!(get(addr, "/get?k=seeded").text(), r#""41""#);
        // Its store lives per instance: each request starts from the seed.
        assert_eq!(get(addr, "/inc?k=seeded").text(), "42");
        assert_eq!(
            get(addr, "/many?keys=seeded,x").text(),
            r#"{"seeded":"41","x":null}"#
        );
        let other = get(addr, "/open?bucket=elsewhere&k=a");
        assert!(
            other.text().contains("ERR_KV_NO_SUCH_STORE"),
            "{}",
            other.text()
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

//! OpenTelemetry and Prometheus from `jsw serve`, received as a collector and a
//! scraper receive them: an OTLP/HTTP endpoint on loopback whose payloads are
//! decoded with OpenTelemetry's own protobuf types, an upstream server that sees
//! the trace context an outbound fetch carries, and the Prometheus text read by
//! Prometheus's Python parser.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::{Span, span::SpanKind, status::StatusCode};
use prost::Message as _;
use support::server::{Server, request};
use support::{compile, expect_success, write};

/// One request an HTTP server on loopback received: path, headers, body.
type Hit = (String, Vec<(String, String)>, Vec<u8>);
/// What an HTTP server on loopback received.
type Received = Arc<Mutex<Vec<Hit>>>;

/// A minimal HTTP/1.1 server (keep-alive, content-length bodies) answering
/// every request with `answer`; what it receives is kept.
fn http_server(answer: &'static str) -> (SocketAddr, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let received: Received = Arc::default();
    let keep = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let keep = keep.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    let mut headers = Vec::new();
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 {
                            return;
                        }
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        if let Some((n, v)) = h.split_once(':') {
                            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
                        }
                    }
                    let length = headers
                        .iter()
                        .find(|(n, _)| n == "content-length")
                        .and_then(|(_, v)| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    keep.lock().unwrap().push((path, headers, body));
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if writer.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, received)
}

/// Waits until `done` holds for what a server received.
fn wait_until(received: &Received, what: &str, done: impl Fn(&[Hit]) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if done(&received.lock().unwrap()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what}: not received within 30 s");
}

fn spans(received: &[Hit]) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for (path, _, body) in received {
        if path != "/v1/traces" {
            continue;
        }
        let request = ExportTraceServiceRequest::decode(&body[..]).expect("an OTLP trace export");
        for resource in request.resource_spans {
            let service = resource
                .resource
                .as_ref()
                .and_then(|r| string_attr(&r.attributes, "service.name"))
                .unwrap_or_default();
            for scope in resource.scope_spans {
                for span in scope.spans {
                    out.push((service.clone(), span));
                }
            }
        }
    }
    out
}

/// The first SERVER span the collector receives, waited for.
fn server_span(received: &Received) -> Span {
    let server = |hits: &[Hit]| {
        spans(hits)
            .into_iter()
            .map(|(_, s)| s)
            .find(|s| s.kind == SpanKind::Server as i32)
    };
    wait_until(received, "a SERVER span", |r| server(r).is_some());
    server(&received.lock().unwrap()).unwrap()
}

fn attr<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v: &AnyValue| v.value.as_ref())
}

fn string_attr(attributes: &[KeyValue], key: &str) -> Option<String> {
    match attr(attributes, key)? {
        any_value::Value::StringValue(s) => Some(s.clone()),
        _ => None,
    }
}

fn int_attr(attributes: &[KeyValue], key: &str) -> Option<i64> {
    match attr(attributes, key)? {
        any_value::Value::IntValue(i) => Some(*i),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const HANDLER: &str = r#"
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/throw") {
      await Promise.resolve();
      throw new TypeError(`no item ${url.pathname}`);
    }
    if (url.pathname === "/log") {
      console.log("hello from", url.pathname);
      console.error("oops: %d", 42);
      console.warn("careful\ntwice");
      console.debug("details");
      console.info("fyi");
      console.trace("here");
      process.stdout.write("raw line\n");
      return new Response("logged");
    }
    if (url.pathname === "/slow") {
      await new Promise((resolve) => setTimeout(resolve, 10000));
    }
    const upstream = request.headers.get("x-upstream");
    if (upstream) {
      const answer = await fetch(`http://${upstream}/hello`);
      return new Response(`upstream said ${await answer.text()}`);
    }
    return new Response("hello");
  },
};
"#;

fn compile_handler(dir: &Path) {
    write(dir, "app.js", HANDLER);
    expect_success(&compile(dir, &["-q", "app.js", "-o", "app.wasm"]));
}

/// Fast exports, so that a test does not wait for the SDK's default intervals.
const FAST: &[(&str, &str)] = &[
    ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ("OTEL_METRIC_EXPORT_INTERVAL", "300"),
];

/// `jsw serve dir/app.wasm`, one worker, tracing to a collector of its own
/// and allowed to reach `upstream`; what the collector receives.
fn traced_server(dir: &Path, upstream: SocketAddr) -> (Server, Received) {
    let (collector, received) = http_server("");
    let otlp = format!("http://{collector}");
    let server = Server::start_with_env(
        dir,
        "app.wasm",
        &[
            "--workers",
            "1",
            "--otlp",
            &otlp,
            "--allow-host",
            &upstream.to_string(),
        ],
        FAST,
    );
    (server, received)
}

#[test]
fn a_request_is_one_trace_from_the_caller_through_its_fetch() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    let (upstream, upstream_saw) = http_server("hi");
    let (server, received) = traced_server(dir.path(), upstream);
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let traceparent = format!("00-{trace_id}-{caller_span}-01");
    let up = upstream.to_string();
    let response = request(
        server.addr,
        "GET",
        "/items?x=1",
        &[
            ("traceparent", &traceparent),
            ("user-agent", "probe/1.0"),
            ("x-upstream", &up),
        ],
        b"",
    )
    .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "upstream said hi");
    // The access log names the trace.
    server.expect("GET /items?x=1 200");
    server.expect(&format!("trace={trace_id}"));

    wait_until(&received, "the request's spans", |r| {
        r.iter().filter(|(p, _, _)| p == "/v1/traces").count() > 0 && spans(r).len() >= 4
    });
    let all = spans(&received.lock().unwrap());
    let find = |kind: SpanKind| {
        all.iter()
            .find(|(_, s)| s.kind == kind as i32)
            .map(|(service, s)| (service.clone(), s.clone()))
            .unwrap_or_else(|| panic!("no {kind:?} span in {all:#?}"))
    };
    let (service, server_span) = find(SpanKind::Server);
    assert_eq!(service, "app", "the service is named after the program");
    assert_eq!(
        hex(&server_span.trace_id),
        trace_id,
        "the caller's trace goes on"
    );
    assert_eq!(hex(&server_span.parent_span_id), caller_span);
    assert_eq!(server_span.name, "GET");
    let a = &server_span.attributes;
    assert_eq!(
        string_attr(a, "http.request.method").as_deref(),
        Some("GET")
    );
    assert_eq!(string_attr(a, "url.path").as_deref(), Some("/items"));
    assert_eq!(string_attr(a, "url.query").as_deref(), Some("x=1"));
    assert_eq!(string_attr(a, "url.scheme").as_deref(), Some("http"));
    assert_eq!(int_attr(a, "http.response.status_code"), Some(200));
    assert_eq!(
        string_attr(a, "server.address").as_deref(),
        Some("127.0.0.1")
    );
    assert_eq!(
        int_attr(a, "server.port"),
        Some(i64::from(server.addr.port()))
    );
    assert_eq!(
        string_attr(a, "client.address").as_deref(),
        Some("127.0.0.1")
    );
    assert_eq!(
        string_attr(a, "user_agent.original").as_deref(),
        Some("probe/1.0")
    );
    assert!(
        int_attr(a, "jsw.instance.memory").is_some_and(|m| m > 0),
        "{a:?}"
    );

    for name in ["instantiate", "handler"] {
        let child = all
            .iter()
            .map(|(_, s)| s)
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no {name} span"));
        assert_eq!(child.trace_id, server_span.trace_id);
        assert_eq!(
            child.parent_span_id, server_span.span_id,
            "{name} is the request's child"
        );
    }
    let (_, client) = find(SpanKind::Client);
    assert_eq!(client.trace_id, server_span.trace_id);
    assert_eq!(client.parent_span_id, server_span.span_id);
    assert_eq!(
        int_attr(&client.attributes, "http.response.status_code"),
        Some(200)
    );
    assert_eq!(
        string_attr(&client.attributes, "url.full"),
        Some(format!("http://{upstream}/hello"))
    );
    // The upstream was called within the same trace, by the CLIENT span.
    let saw = upstream_saw.lock().unwrap();
    let sent = saw[0]
        .1
        .iter()
        .find(|(n, _)| n == "traceparent")
        .map(|(_, v)| v.clone())
        .expect("the outbound request carries a traceparent");
    assert_eq!(sent, format!("00-{trace_id}-{}-01", hex(&client.span_id)));
}

#[test]
fn a_limit_makes_the_span_an_error_and_sigterm_flushes_it() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    let (collector, received) = http_server("");
    let otlp = format!("http://{collector}");
    // Spans wait a minute in the batch: only the drain's flush sends them.
    let mut server = Server::start_with_env(
        dir.path(),
        "app.wasm",
        &["--workers", "1", "--otlp", &otlp, "--timeout", "300ms"],
        &[
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
            ("OTEL_SERVICE_NAME", "checkout"),
        ],
    );
    let response = request(server.addr, "GET", "/slow", &[], b"").unwrap();
    assert_eq!(response.status, 504);
    server.expect("GET /slow 504");
    assert!(server.terminate().success());
    let all = spans(&received.lock().unwrap());
    let (service, span) = all
        .iter()
        .find(|(_, s)| s.kind == SpanKind::Server as i32)
        .unwrap_or_else(|| panic!("the drain did not flush the span: {all:#?}"));
    assert_eq!(service, "checkout", "OTEL_SERVICE_NAME names the service");
    assert_eq!(
        int_attr(&span.attributes, "http.response.status_code"),
        Some(504)
    );
    assert_eq!(
        string_attr(&span.attributes, "error.type").as_deref(),
        Some("timeout")
    );
    let status = span.status.as_ref().expect("a status");
    assert_eq!(status.code, StatusCode::Error as i32);
    let event = span
        .events
        .iter()
        .find(|e| e.name == "exception")
        .expect("an exception event");
    assert!(
        string_attr(&event.attributes, "exception.message")
            .is_some_and(|m| m.contains("--timeout")),
        "{event:?}"
    );
}

/// Prometheus's own parser (the Python client's), as JSON: name, labels, value.
fn parse_prometheus(text: &str) -> Option<Vec<(String, serde_json::Value, f64)>> {
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append([s.name, s.labels, s.value])
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No module named 'prometheus_client'") {
            support::skip(
                "the Python package prometheus-client is not installed (scripts/setup.sh)",
            );
            return None;
        }
        panic!("the Prometheus parser refused the text: {err}\n{text}");
    }
    let samples: Vec<(String, serde_json::Value, f64)> =
        serde_json::from_slice(&out.stdout).unwrap();
    Some(samples)
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn scrape(addr: SocketAddr) -> String {
    let response = request(addr, "GET", "/metrics", &[], b"").unwrap();
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        response.headers
    );
    response.text()
}

fn count(samples: &[(String, serde_json::Value, f64)], name: &str, status: &str) -> f64 {
    samples
        .iter()
        .filter(|(n, labels, _)| n == name && labels["http_response_status_code"] == status)
        .map(|(_, _, v)| v)
        .sum()
}

#[test]
fn metrics_reach_the_collector_and_prometheus_across_workers() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    let (collector, received) = http_server("");
    let otlp = format!("http://{collector}");
    let metrics = free_port();
    let server = Server::start_with_env(
        dir.path(),
        "app.wasm",
        &[
            "--workers",
            "2",
            "--otlp",
            &otlp,
            "--metrics",
            &metrics.to_string(),
            "--timeout",
            "300ms",
        ],
        FAST,
    );
    for _ in 0..6 {
        assert_eq!(
            request(server.addr, "GET", "/", &[], b"").unwrap().status,
            200
        );
    }
    assert_eq!(
        request(server.addr, "GET", "/slow", &[], b"")
            .unwrap()
            .status,
        504
    );
    server.expect("GET /slow 504");

    // Prometheus: one text for the service, every worker's requests added up.
    let start = Instant::now();
    let samples = loop {
        let text = scrape(metrics);
        let Some(samples) = parse_prometheus(&text) else {
            return;
        };
        if count(
            &samples,
            "http_server_request_duration_seconds_count",
            "200",
        ) >= 6.0
            || start.elapsed() > Duration::from_secs(20)
        {
            break samples;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        count(
            &samples,
            "http_server_request_duration_seconds_count",
            "200"
        ),
        6.0
    );
    assert_eq!(
        count(
            &samples,
            "http_server_request_duration_seconds_count",
            "504"
        ),
        1.0
    );
    let timeout = samples
        .iter()
        .find(|(n, l, _)| {
            n == "http_server_request_duration_seconds_count" && l["error_type"] == "timeout"
        })
        .expect("the timed-out request is counted with error.type");
    assert_eq!(timeout.2, 1.0);
    let active: f64 = samples
        .iter()
        .filter(|(n, _, _)| n == "http_server_active_requests")
        .map(|(_, _, v)| v)
        .sum();
    assert_eq!(active, 0.0, "no request is in flight");
    assert!(
        samples
            .iter()
            .any(|(n, _, v)| n == "jsw_instance_start_duration_seconds_count" && *v >= 7.0),
        "every instance's start is measured"
    );

    // OTLP: the same histogram, exported by the workers.
    wait_until(&received, "the request metrics", |r| {
        let mut points = 0;
        for (path, _, body) in r {
            if path != "/v1/metrics" {
                continue;
            }
            let export =
                ExportMetricsServiceRequest::decode(&body[..]).expect("an OTLP metrics export");
            for resource in export.resource_metrics {
                for scope in resource.scope_metrics {
                    for metric in scope.metrics {
                        if metric.name == "http.server.request.duration" {
                            points += 1;
                        }
                    }
                }
            }
        }
        points > 0
    });
}

#[test]
fn telemetry_flags_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    // A usage error (exit 2), before anything listens.
    let out = support::jsw_in(
        dir.path(),
        &["serve", "app.wasm", "--otlp", "localhost:4318"],
    );
    support::expect_failure_containing(
        &out,
        2,
        &["`localhost:4318`: expected the collector's http:// URL, e.g. http://localhost:4318"],
    );
    // No TLS in the exporter: refused, not dropped in silence.
    let out = support::jsw_in(
        dir.path(),
        &["serve", "app.wasm", "--otlp", "https://collector:4318"],
    );
    support::expect_failure_containing(&out, 2, &["jsw sends OTLP over plain http:// only"]);
    // The environment is checked as the flag is.
    let out = support::jsw()
        .current_dir(dir.path())
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector")
        .args(["serve", "app.wasm", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    support::expect_failure(
        &out,
        1,
        "error: OTEL_EXPORTER_OTLP_ENDPOINT=`ftp://collector`: expected the collector's http:// URL, e.g. http://localhost:4318\n",
    );
    // --metrics on a port in use names --metrics, before any worker starts.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let out = support::jsw_in(
        dir.path(),
        &[
            "serve",
            "app.wasm",
            "--addr",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--metrics",
            &port,
        ],
    );
    support::expect_failure(
        &out,
        1,
        &format!(
            "error: cannot listen on {port} for --metrics: the address is in use (choose another with --metrics)\n"
        ),
    );
}

#[test]
fn console_lines_are_log_records_of_their_request() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    let (collector, received) = http_server("");
    let otlp = format!("http://{collector}");
    let server = Server::start_with_env(
        dir.path(),
        "app.wasm",
        &["--workers", "1", "--otlp", &otlp],
        &[
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
        ],
    );
    let trace_id = "0af7651916cd43dd8448eb211c80319c";
    let traceparent = format!("00-{trace_id}-b7ad6b7169203331-01");
    let response = request(
        server.addr,
        "GET",
        "/log",
        &[("traceparent", &traceparent)],
        b"",
    )
    .unwrap();
    assert_eq!(response.text(), "logged");
    // The output still reaches the server's own streams as it did.
    server.expect("oops: 42");
    let logs = || {
        let mut out = Vec::new();
        for (path, _, body) in received.lock().unwrap().iter() {
            if path != "/v1/logs" {
                continue;
            }
            let export = ExportLogsServiceRequest::decode(&body[..]).expect("an OTLP logs export");
            for resource in export.resource_logs {
                for scope in resource.scope_logs {
                    out.extend(scope.log_records);
                }
            }
        }
        out
    };
    let start = Instant::now();
    while logs().len() < 8 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let server_span = server_span(&received);
    let records = logs();
    let body = |r: &opentelemetry_proto::tonic::logs::v1::LogRecord| match r
        .body
        .as_ref()
        .and_then(|b| b.value.as_ref())
    {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        other => panic!("a log body that is not a string: {other:?}"),
    };
    let line = |text: &str| {
        records
            .iter()
            .find(|r| body(r) == text)
            .unwrap_or_else(|| panic!("no record {text:?} in {records:#?}"))
    };
    let info = line("hello from /log");
    assert_eq!(info.severity_number, 9, "stdout is INFO");
    assert_eq!(info.severity_text, "INFO");
    assert_eq!(
        string_attr(&info.attributes, "log.iostream").as_deref(),
        Some("stdout")
    );
    let error = line("oops: 42");
    assert_eq!(error.severity_number, 17, "console.error is ERROR");
    // Each console method's own severity, every line of a call.
    for (text, number, severity) in [
        ("careful", 13, "WARN"),
        ("twice", 13, "WARN"),
        ("details", 5, "DEBUG"),
        ("fyi", 9, "INFO"),
        ("Trace: here", 1, "TRACE"),
        ("raw line", 9, "INFO"),
    ] {
        let record = line(text);
        assert_eq!(
            (record.severity_number, record.severity_text.as_str()),
            (number, severity),
            "{text}"
        );
    }
    // The server's own streams carry the lines without the engine's marks.
    server.expect("careful");
    assert!(!server.log().contains('\u{1e}'), "{:?}", server.log());
    for record in [info, error] {
        assert_eq!(
            hex(&record.trace_id),
            trace_id,
            "the record belongs to the request's trace"
        );
        assert_eq!(
            record.span_id, server_span.span_id,
            "and to its SERVER span"
        );
    }
}

#[test]
fn a_handler_that_throws_leaves_its_stack_in_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    let (collector, received) = http_server("");
    let otlp = format!("http://{collector}");
    let server = Server::start_with_env(
        dir.path(),
        "app.wasm",
        &["--workers", "1", "--otlp", &otlp],
        FAST,
    );
    let response = request(server.addr, "GET", "/throw", &[], b"").unwrap();
    assert_eq!(response.status, 500);
    server.expect("GET /throw 500");
    let span = server_span(&received);
    assert_eq!(
        string_attr(&span.attributes, "error.type").as_deref(),
        Some("500")
    );
    assert_eq!(span.status.as_ref().unwrap().code, StatusCode::Error as i32);
    let event = span
        .events
        .iter()
        .find(|e| e.name == "exception")
        .expect("an exception event");
    assert_eq!(
        string_attr(&event.attributes, "exception.type").as_deref(),
        Some("TypeError")
    );
    assert_eq!(
        string_attr(&event.attributes, "exception.message").as_deref(),
        Some("no item /throw")
    );
    let stack = string_attr(&event.attributes, "exception.stacktrace").unwrap();
    // The line of the throw in app.js, as the engine's stack traces give it.
    let line = HANDLER
        .lines()
        .position(|l| l.contains("throw new TypeError"))
        .unwrap()
        + 1;
    assert!(
        stack.starts_with("TypeError: no item /throw\n    at "),
        "{stack}"
    );
    assert!(stack.contains(&format!("app.js:{line}:")), "{stack}");
}

/// tests/otel/app.ts with the `@opentelemetry/api` it pins, compiled into
/// `app.wasm` in a new directory (None, the test skipped, without npm).
fn compile_otel_app() -> Option<tempfile::TempDir> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/otel");
    let installed = support::npm_install(&source, "otel")?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(source.join("app.ts"), dir.path().join("app.ts")).unwrap();
    std::os::unix::fs::symlink(
        installed.join("node_modules"),
        dir.path().join("node_modules"),
    )
    .unwrap();
    expect_success(&compile(dir.path(), &["-q", "app.ts", "-o", "app.wasm"]));
    Some(dir)
}

/// A handler that bundles the real `@opentelemetry/api` (tests/otel/): its
/// spans reach the collector as children of the request's handler span, with
/// their attributes, events, status and instrumentation scope, the active
/// span follows the handler across await and timers, and the outbound fetch
/// made inside a span is that span's CLIENT child, its context sent upstream.
#[test]
fn spans_from_the_opentelemetry_api_join_the_request_trace() {
    let Some(dir) = compile_otel_app() else {
        return;
    };
    let (upstream, upstream_saw) = http_server("stock");
    let (server, received) = traced_server(dir.path(), upstream);
    let up = upstream.to_string();
    let response = request(server.addr, "GET", "/buy", &[("x-upstream", &up)], b"").unwrap();
    assert_eq!(response.status, 200);
    let text = response.text();
    let parts: Vec<&str> = text.split('|').collect();
    assert_eq!(parts[..3], ["stock", "active=true", "true"], "{text}");
    let (trace_id, checkout_id) = parts[3].split_once(' ').unwrap();

    wait_until(&received, "the program's spans", |r| {
        let all = spans(r);
        ["checkout", "lookup", "handler", "GET"]
            .iter()
            .all(|name| all.iter().any(|(_, s)| s.name == *name))
            && all.iter().any(|(_, s)| s.kind == SpanKind::Server as i32)
    });
    let hits = received.lock().unwrap().clone();
    let all: Vec<Span> = spans(&hits).into_iter().map(|(_, s)| s).collect();
    let named = |name: &str| {
        all.iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no {name} span in {all:#?}"))
    };
    let server_span = all
        .iter()
        .find(|s| s.kind == SpanKind::Server as i32)
        .unwrap();
    let handler = named("handler");
    let checkout = named("checkout");
    let lookup = named("lookup");
    let client = all
        .iter()
        .find(|s| s.kind == SpanKind::Client as i32 && s.name == "GET")
        .expect("the outbound fetch's CLIENT span");
    assert_eq!(hex(&server_span.trace_id), trace_id, "one trace");
    assert_eq!(
        hex(&checkout.span_id),
        checkout_id,
        "the ids the program saw"
    );
    assert_eq!(checkout.trace_id, server_span.trace_id);
    assert_eq!(
        checkout.parent_span_id, handler.span_id,
        "checkout is the handler's child"
    );
    assert_eq!(
        lookup.parent_span_id, checkout.span_id,
        "lookup is checkout's child"
    );
    assert_eq!(lookup.kind, SpanKind::Client as i32);
    assert_eq!(
        client.parent_span_id, lookup.span_id,
        "the fetch is lookup's child"
    );
    // The upstream saw the CLIENT span's context.
    let sent = upstream_saw.lock().unwrap().clone();
    let traceparent = sent[0]
        .1
        .iter()
        .find(|(k, _)| k == "traceparent")
        .map(|(_, v)| v.clone())
        .expect("the fetch carried traceparent");
    assert_eq!(
        traceparent,
        format!("00-{trace_id}-{}-01", hex(&client.span_id))
    );
    // What the program recorded.
    let a = &checkout.attributes;
    assert_eq!(string_attr(a, "shop.user").as_deref(), Some("ada"));
    assert!(matches!(attr(a, "shop.total"), Some(any_value::Value::DoubleValue(v)) if *v == 12.5));
    assert!(matches!(
        attr(a, "shop.express"),
        Some(any_value::Value::BoolValue(true))
    ));
    assert!(
        matches!(attr(&lookup.attributes, "shop.items"), Some(any_value::Value::ArrayValue(v)) if v.values.len() == 3)
    );
    assert_eq!(
        int_attr(&lookup.attributes, "shop.upstream.status"),
        Some(200)
    );
    let status = checkout.status.as_ref().unwrap();
    assert_eq!(status.code, StatusCode::Error as i32);
    assert_eq!(status.message, "coupon expired");
    let event = |name: &str| {
        checkout
            .events
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no {name} event"))
    };
    assert_eq!(
        int_attr(&event("cart loaded").attributes, "shop.lines"),
        Some(2)
    );
    let exception = &event("exception").attributes;
    assert_eq!(
        string_attr(exception, "exception.type").as_deref(),
        Some("RangeError")
    );
    assert_eq!(
        string_attr(exception, "exception.message").as_deref(),
        Some("coupon expired")
    );
    assert!(string_attr(exception, "exception.stacktrace").is_some_and(|s| s.contains("app.ts")));
    assert!(checkout.start_time_unix_nano >= handler.start_time_unix_nano);
    assert!(checkout.end_time_unix_nano >= lookup.end_time_unix_nano);
    assert!(lookup.end_time_unix_nano > lookup.start_time_unix_nano);
    // The instrumentation scope is the program's tracer.
    let scope = hits
        .iter()
        .filter(|(p, _, _)| p == "/v1/traces")
        .flat_map(|(_, _, body)| {
            ExportTraceServiceRequest::decode(&body[..])
                .unwrap()
                .resource_spans
        })
        .flat_map(|r| r.scope_spans)
        .find(|s| s.spans.iter().any(|span| span.name == "checkout"))
        .and_then(|s| s.scope)
        .unwrap();
    assert_eq!(
        (scope.name.as_str(), scope.version.as_str()),
        ("shop", "2.1.0")
    );
    // The span lines are the host's, not output; the program's unfinished
    // line stays whole.
    assert!(!server.log().contains("jsw-span"), "{}", server.log());
    server.expect("unfinished||finished");
    // A request the server traces but does not sample: the program's spans
    // record nothing, in the caller's trace.
    let unsampled = "5bf92f3577b34da6a3ce929d0e0e4736";
    let response = request(
        server.addr,
        "GET",
        "/buy",
        &[
            ("x-upstream", &up),
            (
                "traceparent",
                &format!("00-{unsampled}-00f067aa0ba902b7-00"),
            ),
        ],
        b"",
    )
    .unwrap();
    let text = response.text();
    assert!(text.contains(&format!("|{unsampled} ")), "{text}");
    std::thread::sleep(Duration::from_millis(500));
    let exported = spans(&received.lock().unwrap());
    assert!(
        exported.iter().all(|(_, s)| hex(&s.trace_id) != unsampled),
        "nothing of an unsampled request is exported"
    );
}

/// The same component without jsw serve's tracing: under jsw serve with
/// telemetry off (a client's own `jsw-traceparent` is dropped) and under the
/// wasmtime CLI, the API works and records nothing, as with no SDK in Node.
#[test]
fn the_opentelemetry_api_records_nothing_without_tracing() {
    let Some(dir) = compile_otel_app() else {
        return;
    };
    let (upstream, _) = http_server("stock");
    let up = upstream.to_string();
    let untraced = "stock|active=true|false|00000000000000000000000000000000 0000000000000000";
    let server = Server::start(dir.path(), "app.wasm", &["--allow-host", &up]);
    let forged = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let response = request(
        server.addr,
        "GET",
        "/buy",
        &[("x-upstream", &up), ("jsw-traceparent", forged)],
        b"",
    )
    .unwrap();
    assert_eq!(response.text(), untraced);
    server.expect("GET /buy 200");
    assert!(!server.log().contains("jsw-span"), "{}", server.log());

    let Some(wasmtime) = support::wasmtime_cli() else {
        return;
    };
    let addr = free_port();
    let mut child = std::process::Command::new(wasmtime)
        .args(["serve", "-S", "cli=y", "--addr", &addr.to_string()])
        .arg(dir.path().join("app.wasm"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "wasmtime serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let response = request(addr, "GET", "/buy", &[("x-upstream", &up)], b"");
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert_eq!(response.unwrap().text(), untraced);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("jsw-span"), "{stderr}");
}

/// A collector that does not answer is said on stderr while the server runs,
/// once, and requests are served all the same.
#[test]
fn an_unreachable_collector_is_said_not_hidden() {
    let dir = tempfile::tempdir().unwrap();
    compile_handler(dir.path());
    // A port nothing listens on.
    let closed = free_port();
    let otlp = format!("http://{closed}");
    let server = Server::start_with_env(
        dir.path(),
        "app.wasm",
        &["--workers", "1", "--otlp", &otlp],
        FAST,
    );
    for _ in 0..3 {
        let response = request(server.addr, "GET", "/", &[], b"").unwrap();
        assert_eq!(response.text(), "hello");
    }
    assert!(
        server.wait_for(
            "jsw serve: telemetry: sending traces to the collector failed (",
            Duration::from_secs(20)
        ),
        "{}",
        server.log()
    );
    std::thread::sleep(Duration::from_millis(500));
    let said = server
        .log()
        .matches("sending traces to the collector failed")
        .count();
    assert_eq!(said, 1, "said once, not per batch: {}", server.log());
}

//! One request's telemetry: its SERVER span (continuing the caller's trace
//! when a `traceparent` came with it), the spans inside it, and the metric
//! points it records when it is over.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracer, Span};

use super::{HeaderExtractor, HeaderInjector, Telemetry};

/// The telemetry of one request, from its head to the end of its response.
pub struct RequestTrace {
    telemetry: Telemetry,
    /// The SERVER span's context (the span itself when tracing is on).
    cx: Context,
    tracing: bool,
    method: KeyValue,
    scheme: KeyValue,
    started: Instant,
    ended: bool,
    /// What the instance wrote on stderr (see console.rs).
    errors: Arc<Mutex<Vec<u8>>>,
}

/// Records a request's instance figures (see [`RequestTrace::recorder`]).
pub struct InstanceRecorder {
    telemetry: Telemetry,
    cx: Context,
    tracing: bool,
}

impl InstanceRecorder {
    /// The instance's own figures: how long it took to start, the most
    /// memory it asked for, the fuel it used.
    pub fn record(self, start: Duration, memory: usize, fuel: Option<u64>) {
        if let Some(i) = self
            .telemetry
            .inner
            .as_ref()
            .and_then(|i| i.instruments.as_ref())
        {
            i.instantiate.record(start.as_secs_f64(), &[]);
            i.memory.record(memory as u64, &[]);
            if let Some(fuel) = fuel {
                i.fuel.record(fuel, &[]);
            }
        }
        if self.tracing {
            let span = self.cx.span();
            span.set_attribute(KeyValue::new("jsw.instance.memory", memory as i64));
            if let Some(fuel) = fuel {
                span.set_attribute(KeyValue::new("jsw.instance.fuel", fuel as i64));
            }
        }
    }
}

/// What a request's outbound `fetch()` calls need to be traced.
#[derive(Clone)]
pub struct Outgoing {
    tracer: SdkTracer,
    cx: Context,
}

/// The CLIENT span of one outbound request.
pub struct ClientSpan(Span);

/// A span inside a request's.
pub struct ChildSpan(Span);

impl ChildSpan {
    pub fn end(mut self) {
        self.0.end();
    }

    /// Its context as a W3C `traceparent`: the parent of the program's own
    /// spans (see guest.rs), which record only when it is sampled.
    pub fn traceparent(&self) -> Option<String> {
        let sc = self.0.span_context();
        sc.is_valid().then(|| {
            format!(
                "00-{}-{}-{:02x}",
                sc.trace_id(),
                sc.span_id(),
                sc.trace_flags().to_u8()
            )
        })
    }
}

/// Where the request came from and went to, for the span's attributes.
#[derive(Clone, Copy, Debug)]
pub struct Peers {
    pub local: Option<SocketAddr>,
    pub remote: Option<SocketAddr>,
}

/// A method the HTTP conventions know by name; others are `_OTHER`, so that
/// a client inventing methods cannot inflate the metrics' cardinality.
fn known_method(method: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE",
    ];
    KNOWN
        .iter()
        .find(|m| **m == method)
        .copied()
        .unwrap_or("_OTHER")
}

impl RequestTrace {
    /// Starts the request's telemetry; None when telemetry is off.
    pub fn begin(
        telemetry: &Telemetry,
        request: &http::request::Parts,
        peers: &Peers,
    ) -> Option<RequestTrace> {
        let inner = telemetry.inner.as_ref()?;
        let method = known_method(request.method.as_str());
        let path = request.uri.path().to_string();
        if let Some(i) = &inner.instruments {
            i.active.add(
                1,
                &[
                    KeyValue::new("http.request.method", method),
                    KeyValue::new("url.scheme", "http"),
                ],
            );
        }
        let (cx, tracing) = match &inner.tracer {
            Some(tracer) => {
                let parent =
                    TraceContextPropagator::new().extract(&HeaderExtractor(&request.headers));
                let mut attributes = vec![
                    KeyValue::new("http.request.method", method),
                    KeyValue::new("url.path", path.clone()),
                    KeyValue::new("url.scheme", "http"),
                    KeyValue::new("network.protocol.version", version(request.version)),
                ];
                if let Some(query) = request.uri.query() {
                    attributes.push(KeyValue::new("url.query", query.to_string()));
                }
                if method == "_OTHER" {
                    attributes.push(KeyValue::new(
                        "http.request.method_original",
                        request.method.to_string(),
                    ));
                }
                let host = request
                    .headers
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok());
                match (host, peers.local) {
                    (Some(host), _) => {
                        let (name, port) = split_host(host);
                        attributes.push(KeyValue::new("server.address", name.to_string()));
                        if let Some(port) = port.or(peers.local.map(|a| a.port())) {
                            attributes.push(KeyValue::new("server.port", i64::from(port)));
                        }
                    }
                    (None, Some(local)) => {
                        attributes.push(KeyValue::new("server.address", local.ip().to_string()));
                        attributes.push(KeyValue::new("server.port", i64::from(local.port())));
                    }
                    (None, None) => {}
                }
                if let Some(remote) = peers.remote {
                    attributes.push(KeyValue::new("client.address", remote.ip().to_string()));
                    attributes.push(KeyValue::new("client.port", i64::from(remote.port())));
                }
                if let Some(agent) = request
                    .headers
                    .get(http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                {
                    attributes.push(KeyValue::new("user_agent.original", agent.to_string()));
                }
                // The span is named `METHOD` (no route: a handler routes itself).
                let name = if method == "_OTHER" { "HTTP" } else { method };
                let span = tracer
                    .span_builder(name)
                    .with_kind(SpanKind::Server)
                    .with_attributes(attributes)
                    .start_with_context(tracer, &parent);
                (parent.with_span(span), true)
            }
            None => (Context::new(), false),
        };
        Some(RequestTrace {
            telemetry: telemetry.clone(),
            cx,
            tracing,
            method: KeyValue::new("http.request.method", method),
            scheme: KeyValue::new("url.scheme", "http"),
            started: Instant::now(),
            ended: false,
            errors: Arc::default(),
        })
    }

    /// The trace id, for the access log (None when not tracing).
    pub fn trace_id(&self) -> Option<String> {
        self.tracing
            .then(|| self.cx.span().span_context().trace_id().to_string())
    }

    /// A span inside the request's (the instance's start, the handler).
    pub fn child(&self, name: &'static str) -> Option<ChildSpan> {
        let inner = self.telemetry.inner.as_ref()?;
        let tracer = inner.tracer.as_ref()?;
        Some(ChildSpan(
            tracer
                .span_builder(name)
                .with_kind(SpanKind::Internal)
                .start_with_context(tracer, &self.cx),
        ))
    }

    /// Where the instance's console output goes besides the process's streams
    /// (None when neither logs are exported nor the request traced).
    pub fn log_sink(&self) -> Option<super::console::LogSink> {
        let logger = self.telemetry.inner.as_ref()?.logger.clone();
        let spans = self
            .tracing
            .then(|| self.telemetry.inner.as_ref()?.tracers.clone())
            .flatten();
        (logger.is_some() || self.tracing).then(|| super::console::LogSink {
            logger,
            spans,
            cx: self.cx.clone(),
            errors: self.errors.clone(),
            ..Default::default()
        })
    }

    /// Whether the instance's console lines become log records.
    pub fn logs_exported(&self) -> bool {
        self.telemetry
            .inner
            .as_ref()
            .is_some_and(|i| i.logger.is_some())
    }

    /// For the instance's outbound requests.
    pub fn outgoing(&self) -> Option<Outgoing> {
        let inner = self.telemetry.inner.as_ref()?;
        let tracer = inner.tracer.clone()?;
        Some(Outgoing {
            tracer,
            cx: self.cx.clone(),
        })
    }

    /// Where the request's instance reports its figures from, once it is over.
    pub fn recorder(&self) -> InstanceRecorder {
        InstanceRecorder {
            telemetry: self.telemetry.clone(),
            cx: self.cx.clone(),
            tracing: self.tracing,
        }
    }

    /// The request is over: `status` went out (0: none did), `failure` says
    /// what went wrong (a limit, a trap, a response cut off).
    pub fn end(mut self, status: u16, failure: Option<&str>, bytes_in: u64, bytes_out: u64) {
        self.ended = true;
        let took = self.started.elapsed();
        let error_type = error_type(status, failure);
        if self.tracing {
            let span = self.cx.span();
            if status != 0 {
                span.set_attribute(KeyValue::new(
                    "http.response.status_code",
                    i64::from(status),
                ));
            }
            if let Some(kind) = &error_type {
                span.set_attribute(KeyValue::new("error.type", kind.clone()));
                if failure.is_none()
                    && let Some(event) =
                        handler_error(&self.errors.lock().unwrap_or_else(|e| e.into_inner()))
                {
                    // The handler threw: its error, with the stack the engine
                    // printed (source-mapped), as the conventions' exception event.
                    span.add_event("exception", event);
                }
                if let Some(message) = failure {
                    span.add_event(
                        "exception",
                        vec![
                            KeyValue::new("exception.type", kind.clone()),
                            KeyValue::new("exception.message", message.to_string()),
                        ],
                    );
                }
                // A server span is an error for 5xx answers and for failures
                // (4xx are the client's, as the conventions say).
                span.set_status(Status::error(failure.unwrap_or_default().to_string()));
            }
            span.end();
        }
        if let Some(i) = self
            .telemetry
            .inner
            .as_ref()
            .and_then(|i| i.instruments.as_ref())
        {
            let mut attributes = vec![self.method.clone(), self.scheme.clone()];
            if status != 0 {
                attributes.push(KeyValue::new(
                    "http.response.status_code",
                    i64::from(status),
                ));
            }
            if let Some(kind) = error_type {
                attributes.push(KeyValue::new("error.type", kind));
            }
            i.duration.record(took.as_secs_f64(), &attributes);
            i.body_in.record(bytes_in, &attributes);
            i.body_out.record(bytes_out, &attributes);
        }
    }
}

impl Drop for RequestTrace {
    fn drop(&mut self) {
        if let Some(i) = self
            .telemetry
            .inner
            .as_ref()
            .and_then(|i| i.instruments.as_ref())
        {
            i.active
                .add(-1, &[self.method.clone(), self.scheme.clone()]);
        }
        if !self.ended && self.tracing {
            // The connection went before the response was over.
            let span = self.cx.span();
            span.set_attribute(KeyValue::new("error.type", "connection_closed"));
            span.set_status(Status::error(
                "the connection closed before the response was over",
            ));
            span.end();
        }
    }
}

/// The error a failed handler left on stderr (`…: the handler failed:
/// TypeError: no item\n    at explode (app.ts:2:34)…`), as an exception
/// event's attributes.
fn handler_error(stderr: &[u8]) -> Option<Vec<KeyValue>> {
    let text = String::from_utf8_lossy(stderr);
    let marker = jsw_wire::names::HANDLER_FAILED;
    let at = text.find(marker)? + marker.len();
    let rest = &text[at..];
    // The error's header, then its `    at …` lines.
    let mut lines = rest.lines();
    let header = lines.next()?.trim_end();
    let frames: Vec<&str> = lines.take_while(|l| l.starts_with("    at ")).collect();
    let (kind, message) = match header.split_once(": ") {
        Some((kind, message))
            if !kind.is_empty() && kind.chars().all(|c| c.is_alphanumeric() || c == '_') =>
        {
            (kind.to_string(), message.to_string())
        }
        _ => ("Error".to_string(), header.to_string()),
    };
    let mut stack = header.to_string();
    for frame in frames {
        stack.push('\n');
        stack.push_str(frame);
    }
    Some(vec![
        KeyValue::new("exception.type", kind),
        KeyValue::new("exception.message", message),
        KeyValue::new("exception.stacktrace", stack),
    ])
}

/// `error.type`: the kind of limit or failure (the access log's note starts
/// with it: `timeout: …`, `memory: …`), else the 5xx status.
fn error_type(status: u16, failure: Option<&str>) -> Option<String> {
    const KINDS: &[&str] = &["timeout", "memory", "fuel", "cpu"];
    if let Some(note) = failure {
        if let Some((kind, _)) = note.split_once(':')
            && KINDS.contains(&kind)
        {
            return Some(kind.to_string());
        }
        if note.starts_with("response cut off") {
            return Some("response_cut_off".into());
        }
        if status >= 500 || status == 0 {
            return Some(if status == 0 {
                "_OTHER".into()
            } else {
                status.to_string()
            });
        }
        return None;
    }
    (status >= 500).then(|| status.to_string())
}

fn version(v: http::Version) -> &'static str {
    match v {
        http::Version::HTTP_09 => "0.9",
        http::Version::HTTP_10 => "1.0",
        http::Version::HTTP_2 => "2",
        http::Version::HTTP_3 => "3",
        _ => "1.1",
    }
}

/// `host:port` (or `[v6]:port`) as a Host header writes it.
fn split_host(host: &str) -> (&str, Option<u16>) {
    if let Some(rest) = host.strip_prefix('[')
        && let Some((name, after)) = rest.split_once(']')
    {
        return (name, after.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match host.rsplit_once(':') {
        Some((name, port)) => match port.parse() {
            Ok(port) => (name, Some(port)),
            Err(_) => (host, None),
        },
        None => (host, None),
    }
}

impl Outgoing {
    /// Starts the CLIENT span of an outbound request and writes its context
    /// into the request's headers, so that the server it calls continues the trace.
    pub fn start(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        headers: &mut http::HeaderMap,
    ) -> ClientSpan {
        let method_name = known_method(method.as_str());
        let mut attributes = vec![
            KeyValue::new("http.request.method", method_name),
            KeyValue::new("url.full", redacted(uri)),
        ];
        if let Some(host) = uri.host() {
            attributes.push(KeyValue::new("server.address", host.to_string()));
        }
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            _ => Some(80),
        });
        if let Some(port) = port {
            attributes.push(KeyValue::new("server.port", i64::from(port)));
        }
        let name = if method_name == "_OTHER" {
            "HTTP"
        } else {
            method_name
        };
        // The program's active span, when it sent its context along (its
        // own OpenTelemetry spans, guest.rs), is the parent; else the request.
        let sent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
        let sent_trace = sent.span().span_context().trace_id();
        let parent = if sent.span().span_context().is_valid()
            && sent_trace == self.cx.span().span_context().trace_id()
        {
            &sent
        } else {
            &self.cx
        };
        let span = self
            .tracer
            .span_builder(name)
            .with_kind(SpanKind::Client)
            .with_attributes(attributes)
            .start_with_context(&self.tracer, parent);
        let cx = self
            .cx
            .with_remote_span_context(span.span_context().clone());
        TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(headers));
        // No trace state is no header, not an empty one.
        if headers.get("tracestate").is_some_and(|v| v.is_empty()) {
            headers.remove("tracestate");
        }
        ClientSpan(span)
    }
}

/// A URL without its credentials (the conventions forbid them in `url.full`).
fn redacted(uri: &http::Uri) -> String {
    let text = uri.to_string();
    match (uri.authority(), uri.scheme_str()) {
        (Some(authority), Some(scheme)) if authority.as_str().contains('@') => {
            let host = authority.as_str().rsplit_once('@').map_or("", |(_, h)| h);
            let rest = uri.path_and_query().map_or("", |p| p.as_str());
            format!("{scheme}://REDACTED:REDACTED@{host}{rest}")
        }
        _ => text,
    }
}

impl ClientSpan {
    /// The answer arrived.
    pub fn response(mut self, status: u16) {
        self.0.set_attribute(KeyValue::new(
            "http.response.status_code",
            i64::from(status),
        ));
        if status >= 400 {
            self.0
                .set_attribute(KeyValue::new("error.type", status.to_string()));
            self.0.set_status(Status::error(format!("status {status}")));
        }
        self.0.end();
    }

    /// No answer: refused, unreachable, failed.
    pub fn failed(mut self, kind: &str, message: String) {
        self.0
            .set_attribute(KeyValue::new("error.type", kind.to_string()));
        self.0.set_status(Status::error(message));
        self.0.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine writes the marker where the host looks for it.
    #[test]
    fn the_engine_writes_the_handler_failed_marker() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/src/http/http.js");
        let source = std::fs::read_to_string(path).unwrap();
        assert!(source.contains(&format!(
            "${{method}} ${{url}}{}`, error",
            jsw_wire::names::HANDLER_FAILED.trim_end()
        )));
    }

    #[test]
    fn a_failed_handler_is_an_exception_event() {
        let stderr = b"before\nGET http://x/a: the handler failed: TypeError: no item /a\n    at explode (app.ts:2:34)\n    at fetch (app.ts:7:21)\nafter\n";
        let event = handler_error(stderr).unwrap();
        let get = |k: &str| {
            event
                .iter()
                .find(|kv| kv.key.as_str() == k)
                .unwrap()
                .value
                .to_string()
        };
        assert_eq!(get("exception.type"), "TypeError");
        assert_eq!(get("exception.message"), "no item /a");
        assert_eq!(
            get("exception.stacktrace"),
            "TypeError: no item /a\n    at explode (app.ts:2:34)\n    at fetch (app.ts:7:21)"
        );
        assert!(handler_error(b"nothing failed\n").is_none());
    }
}

//! One request: a fresh instance of the current version, bounded by the
//! per-request limits, answered by the component or, when it fails, by the
//! server with the status that says why.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::BodyExt;
use wasmtime::{Store, Trap};
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::body::{Entry, Outcome, Watched};
use super::conn::{Activity, BodyLimit, BodyState, Limited};
use super::{Limits, Server, outbound::Outbound};
use crate::store::{ComponentState, MemoryLimit};
use crate::telemetry::console::{Console, LogSink, Stream};
use crate::telemetry::{Peers, RequestTrace};

/// The store data of one request: outbound requests go through the server's
/// allow-list.
pub type RequestState = ComponentState<Outbound>;

pub type Response = hyper::Response<HyperOutgoingBody>;

/// What a request's instance is given: outbound requests, its output,
/// its bindings, and (recorded or replayed) its clocks and random sources.
pub struct Given {
    pub outbound: Outbound,
    pub output: Option<crate::store::Output>,
    pub bindings: Arc<crate::bindings::host::Host>,
    pub tape: Option<(Arc<crate::replay::request::Tape>, u128)>,
}

/// A fresh store for one request, its limits set.
pub fn new_store(
    engine: &wasmtime::Engine,
    limits: &Limits,
    given: Given,
    memory_hit: Arc<AtomicBool>,
    cpu_hit: Arc<AtomicBool>,
) -> wasmtime::Result<Store<RequestState>> {
    let mut store = Store::new(
        engine,
        RequestState::with_output(
            given.outbound,
            MemoryLimit::reporting_to(Some(limits.max_memory), memory_hit),
            given.output,
            given.bindings,
            given.tape.as_ref().map(|(t, seed)| (t, *seed)),
        ),
    );
    store.limiter(|s| &mut s.memory);
    // The epoch ticks every EPOCH_TICK. At each tick a running instance yields
    // to the other requests of its thread (a handler that computes for a
    // second must not stall every other request of the worker for that
    // second), and past the timeout it is interrupted. The callback runs only
    // while the instance computes, once a tick: counted, the ticks are its CPU
    // time (to a tick), which --cpu-limit bounds apart from the wall clock.
    let deadline = Instant::now() + limits.timeout;
    let cpu_ticks = limits
        .cpu
        .map(|cpu| (cpu.as_micros() / super::EPOCH_TICK.as_micros()).max(1) as u64);
    let mut ticks = 0u64;
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        ticks += 1;
        if cpu_ticks.is_some_and(|limit| ticks > limit) {
            cpu_hit.store(true, Ordering::Relaxed);
            return Ok(wasmtime::UpdateDeadline::Interrupt);
        }
        if Instant::now() >= deadline {
            Ok(wasmtime::UpdateDeadline::Interrupt)
        } else {
            Ok(wasmtime::UpdateDeadline::Yield(1))
        }
    });
    if let Some(fuel) = limits.fuel {
        store.set_fuel(fuel)?;
    }
    Ok(store)
}

/// Where a request's response comes back from its instance.
pub type Answer = tokio::sync::oneshot::Receiver<Result<Response, ErrorCode>>;

/// Hands `request` to the store's wasi:http, with the out-parameter the
/// handler answers through.
pub fn hand_over<B>(
    store: &mut Store<RequestState>,
    request: hyper::Request<B>,
) -> wasmtime::Result<(
    wasmtime::component::Resource<wasmtime_wasi_http::p2::types::HostIncomingRequest>,
    wasmtime::component::Resource<wasmtime_wasi_http::p2::types::HostResponseOutparam>,
    Answer,
)>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<wasmtime_wasi_http::Error>,
{
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let req = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, request)?;
    let out = store.data_mut().http().new_response_outparam(sender)?;
    Ok((req, out, receiver))
}

/// The instance's stdout and stderr when its console lines are exported as
/// logs (or kept on a tape).
pub(crate) fn console_output(sink: LogSink) -> crate::store::Output {
    (
        Box::new(Console::new(Stream::Stdout, sink.clone())),
        Box::new(Console::new(Stream::Stderr, sink)),
    )
}

/// Serves one request; never fails (a failure is a 5xx response and a log line).
/// The access-log line is written when the response is over (see [`body`]).
pub async fn handle(
    server: Arc<Server>,
    request: hyper::Request<hyper::body::Incoming>,
    activity: Arc<Activity>,
    peers: Peers,
) -> Result<Response, std::convert::Infallible> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let trace = RequestTrace::begin(&server.telemetry, &parts, &peers);
    let request = hyper::Request::from_parts(parts, body);
    let method = request.method().to_string();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let head = method == "HEAD";
    let mut entry = Entry {
        log: server.log,
        method,
        target,
        status: 0,
        started,
        trace,
        body: None,
        sent: 0,
        record: None,
    };
    // A body declared larger than --max-body is refused before an instance starts.
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let max_body = server.client_limits.max_body;
    if let Some(length) = declared.filter(|&n| n > max_body) {
        entry.status = 413;
        entry.write(Some(&format!(
            "the request body is {length} bytes, more than --max-body ({max_body})"
        )));
        activity.idle();
        return Ok(closing(plain(413, "Payload Too Large\n")));
    }
    let body_state = Arc::new(BodyState::default());
    entry.body = Some(body_state.clone());
    // --record: the request's values are kept from here on (replay/request.rs).
    let tape = server
        .recorder
        .as_ref()
        .and_then(|r| Some((r.clone(), r.begin()?)));
    let request = request.map(|body| {
        Limited::new(body, &server.client_limits, body_state.clone())
            .taped(tape.as_ref().map(|(_, t)| t.clone()))
    });
    entry.record = tape;
    let answered = answer(&server, request, &entry).await;
    // A body stopped by a limit is answered for by the server, whatever the
    // handler made of the failed read (unless its response is already out).
    if let Some(hit) = body_state.hit() {
        let (status, body, reason) = match hit {
            BodyLimit::TooLarge => (
                413,
                "Payload Too Large\n",
                format!("the request body was larger than --max-body ({max_body})"),
            ),
            BodyLimit::TooSlow => (
                408,
                "Request Timeout\n",
                format!(
                    "the request body did not arrive within {} (--body-timeout)",
                    human(server.client_limits.body_timeout)
                ),
            ),
        };
        entry.status = status;
        entry.write(Some(&reason));
        activity.idle();
        return Ok(closing(plain(status, body)));
    }
    match answered {
        Ok((response, outcome)) => {
            let (parts, inner) = response.into_parts();
            entry.status = parts.status.as_u16();
            if let Some((_, tape)) = &entry.record {
                tape.response_head(entry.status, &parts.headers);
            }
            let declared = parts
                .headers
                .get(hyper::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let bodyless = head || entry.status == 204 || entry.status == 304;
            let body = Watched::new(inner, outcome, declared, bodyless, entry, activity);
            Ok(hyper::Response::from_parts(parts, body.boxed_unsync()))
        }
        Err(failure) => {
            entry.status = failure.status;
            entry.write(Some(&failure.reason));
            activity.idle();
            Ok(plain(failure.status, &failure.body))
        }
    }
}

/// Why the server, not the component, answered.
struct Failure {
    status: u16,
    /// For the log.
    reason: String,
    /// For the client.
    body: String,
}

impl Failure {
    fn internal(reason: impl Into<String>) -> Failure {
        Failure {
            status: 500,
            reason: reason.into(),
            body: "Internal Server Error\n".into(),
        }
    }
}

async fn answer(
    server: &Arc<Server>,
    mut request: hyper::Request<Limited>,
    entry: &Entry,
) -> Result<(Response, Arc<Outcome>), Failure> {
    // Waits here while --concurrency requests are in flight.
    let permit = server
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Failure::internal("the server is shutting down"))?;
    let app = server.apps.current();
    let limits: Limits = server.limits.clone();
    let memory_hit = Arc::new(AtomicBool::new(false));
    let cpu_hit = Arc::new(AtomicBool::new(false));
    let trace = entry.trace.as_ref();
    // The spans inside the request's, and the instance's figures when it is over.
    let spans = trace.map(|t| (t.child("instantiate"), t.child("handler")));
    // The host's word to the engine goes in headers only jsw serve sets (a
    // client's own are dropped): the handler span, parent of the program's
    // own spans (telemetry/guest.rs); console levels; a profile.
    let headers = request.headers_mut();
    for name in jsw_wire::names::HOST_HEADERS {
        headers.remove(*name);
    }
    let tape = entry.record.as_ref().map(|(_, tape)| tape.clone());
    // What the record keeps: the request as the program gets it (without the
    // host's own headers, added next), and what the instance is given.
    let mut bindings = app.bindings.clone();
    let seed: u128 = if tape.is_some() {
        use wasmtime_wasi::Rng as _;
        let mut random = wasmtime_wasi::thread_rng();
        (u128::from(random.next_u64()) << 64) | u128::from(random.next_u64())
    } else {
        0
    };
    if let Some(tape) = &tape {
        tape.request_head(&entry.method, &entry.target, headers);
        tape.bindings(&bindings.environment(), &bindings.config);
        tape.run_info(crate::replay::request::RunInfo {
            module: app.module.clone(),
            wasm: app.wasm.clone(),
            limits: crate::replay::request::RequestLimits {
                max_memory: limits.max_memory as u64,
                timeout_ms: limits.timeout.as_millis() as u64,
                fuel: limits.fuel,
            },
            seed,
            buckets: bindings.buckets.keys().cloned().collect(),
        });
        if !bindings.buckets.is_empty() {
            bindings = Arc::new(crate::replay::kv::taped_host(&bindings, tape, false));
        }
    }
    let headers = request.headers_mut();
    let guest_parent = spans
        .as_ref()
        .and_then(|(_, handler)| handler.as_ref()?.traceparent())
        .and_then(|p| http::HeaderValue::from_str(&p).ok());
    if let Some(parent) = guest_parent {
        headers.insert(jsw_wire::names::GUEST_TRACEPARENT, parent);
    }
    if trace.is_some_and(|t| t.logs_exported()) {
        headers.insert(
            jsw_wire::names::LOG_LEVELS_HEADER,
            http::HeaderValue::from_static("1"),
        );
    }
    if let Some((how, merged)) = &server.profile {
        headers.insert(
            jsw_wire::names::CPU_PROFILE_HEADER,
            http::HeaderValue::from(how.interval_us),
        );
        merged.lock().unwrap_or_else(|e| e.into_inner()).ask();
    }
    // `--inspect`: this request's instance talks to the debugger (one
    // request at a time: --concurrency 1).
    let debugging = server.debugger.clone();
    if let Some(session) = &debugging {
        let attached = session.inspector.begin_instance(session.wait);
        let how = if attached && session.wait {
            "wait"
        } else {
            "run"
        };
        headers.insert(
            jsw_wire::names::DEBUG_HEADER,
            http::HeaderValue::from_static(how),
        );
    }
    // The instance's output goes through the server when it is traced,
    // logged or profiled (telemetry/console.rs).
    let mut sink = trace.and_then(|t| t.log_sink());
    if let Some((_, merged)) = &server.profile {
        // The instance's monotonic clock starts about now (its WASI context
        // is made next): where its profile's times count from.
        sink = Some(
            sink.unwrap_or_default()
                .profiles(merged.clone(), std::time::Instant::now()),
        );
    }
    if let Some(tape) = &tape {
        sink = Some(sink.unwrap_or_default().taped(tape.clone()));
    }
    let mut store = new_store(
        &server.engine,
        &limits,
        Given {
            outbound: Outbound::new(server.allow_hosts.clone(), trace.and_then(|t| t.outgoing()))
                .taped(tape.clone()),
            output: sink.map(console_output),
            bindings,
            tape: tape.map(|t| (t, seed)),
        },
        memory_hit.clone(),
        cpu_hit.clone(),
    )
    .map_err(|e| Failure::internal(format!("setting fuel: {e}")))?;
    let (req, out, receiver) = hand_over(&mut store, request)
        .map_err(|e| Failure::internal(format!("preparing the request: {e}")))?;
    let timeout = limits.timeout;
    let outcome = Arc::new(Outcome::default());
    let task_outcome = outcome.clone();
    let (log, method, target) = (entry.log, entry.method.clone(), entry.target.clone());
    let recorder = trace.map(|t| (t.recorder(), store.get_fuel().ok()));
    let taped = entry.record.as_ref().map(|(_, tape)| tape.clone());
    if let Some(tape) = &taped {
        tape.instance_started();
    }
    let task = tokio::task::spawn(async move {
        let _permit = permit;
        let (mut start_span, mut handler_span) = spans.unwrap_or((None, None));
        let mut start = Duration::ZERO;
        let run = async {
            let begun = Instant::now();
            let proxy = app.pre.instantiate_async(&mut store).await;
            start = begun.elapsed();
            if let Some(span) = start_span.take() {
                span.end();
            }
            let proxy = proxy?;
            let handled = proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out)
                .await;
            if let Some(span) = handler_span.take() {
                span.end();
            }
            handled
        };
        let result = match tokio::time::timeout(timeout, run).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) if cpu_hit.load(Ordering::Relaxed) => Err(cpu_exceeded(&limits)),
            Ok(Err(e)) => Err(classify(&e, timeout, memory_hit.load(Ordering::Relaxed))),
            // Waiting in the host (a timer, a slow client) past the deadline.
            Err(_) => Err(timed_out(timeout)),
        };
        // Recorded before the store goes: dropping it ends the response body,
        // which must then be seen as cut, not complete (see body.rs).
        if let Err(failure) = &result
            && !task_outcome.fail(&failure.reason)
        {
            log.error(&format!(
                "{method} {target}: after the response was sent: {}",
                failure.reason
            ));
        }
        if let Some((recorder, fuel_at_start)) = recorder {
            let fuel = fuel_at_start.and_then(|f| Some(f.saturating_sub(store.get_fuel().ok()?)));
            recorder.record(start, store.data().memory.peak(), fuel);
        }
        drop(store);
        if let Some(tape) = taped {
            tape.instance_over();
        }
        if let Some(session) = debugging {
            session.inspector.end_instance();
        }
        result
    });
    match receiver.await {
        Ok(Ok(response)) => Ok((response, outcome)),
        Ok(Err(code)) => Err(Failure::internal(match code {
            // The engine's own reason (a handler that never answered, process.exit()).
            ErrorCode::InternalError(Some(reason)) => reason,
            other => format!("the handler answered with an error: {other:?}"),
        })),
        // The component ended (or was stopped) without a response: find out why.
        Err(_) => Err(match task.await {
            Ok(Ok(())) => Failure::internal("the component returned without a response"),
            Ok(Err(failure)) => failure,
            Err(e) => Failure::internal(format!("the request's task failed: {e}")),
        }),
    }
}

fn cpu_exceeded(limits: &Limits) -> Failure {
    Failure::internal(format!(
        "cpu: the handler computed for more than {} (--cpu-limit)",
        human(limits.cpu.unwrap_or_default())
    ))
}

fn timed_out(timeout: Duration) -> Failure {
    Failure {
        status: 504,
        reason: format!(
            "timeout: still running after {} (--timeout)",
            human(timeout)
        ),
        body: "Gateway Timeout\n".into(),
    }
}

pub(crate) fn human(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Names the limit (or the trap) that ended an instance.
fn classify(error: &wasmtime::Error, timeout: Duration, memory_hit: bool) -> Failure {
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => timed_out(timeout),
        Some(Trap::OutOfFuel) => Failure::internal("fuel: the handler used all its fuel (--fuel)"),
        _ if memory_hit => Failure::internal(
            "memory: the handler needed more than --max-memory and its instance stopped",
        ),
        // The engine traps on purpose when it must end a request abnormally
        // (a response body it cannot finish), after saying why on stderr.
        Some(Trap::UnreachableCodeReached) => Failure::internal(
            "the instance stopped with a trap (`unreachable`); its output above says why",
        ),
        Some(trap) => Failure::internal(format!("the component trapped: {trap}")),
        _ => Failure::internal(format!("the component failed: {}", first_line(error))),
    }
}

fn first_line(error: &wasmtime::Error) -> String {
    format!("{error:#}")
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A response after which the connection closes (its request body was not
/// read to its end, so the next request's start is unknown).
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    response
}

/// A short plain-text response from the server itself.
fn plain(status: u16, body: &str) -> Response {
    let body = http_body_util::Full::new(Bytes::from(body.to_string()))
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut response = hyper::Response::new(body);
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

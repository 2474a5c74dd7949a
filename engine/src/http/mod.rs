//! HTTP mode (cargo feature `http`): the engine as the core of a `wasi:http/proxy`
//! component. `jsw compile` pre-initializes it like a command (the program's top
//! level runs at build time and `http.js` finds its fetch handler), then wraps
//! the snapshot into a component with the proxy adapter.
//!
//! Every request is a fresh instance of the snapshot: `handle` starts the run
//! (clock, randomness) as `_start` does for a command, asks `http.js` to call the
//! handler, and drives the event loop until the response has been sent and
//! nothing is left to run. The request and response bodies are the host's streams,
//! read and written as the JS side pulls and pushes chunks.

mod outbound;
pub mod pending;

use std::cell::{Cell, RefCell};

use rquickjs::{Ctx, Function, Object, Persistent, TypedArray, Value};
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, IncomingRequest, Method, OutgoingBody, OutgoingResponse,
    ResponseOutparam, Scheme,
};
use wasip2::io::streams::{InputStream, OutputStream, StreamError};

/// Size of one read from the request body.
const READ_CHUNK: u64 = 64 * 1024;
/// `blocking-write-and-flush` takes at most this many bytes a call.
const WRITE_CHUNK: usize = 4096;

/// The request body being read. Fields drop in order: the stream is a child of the body.
struct Incoming {
    stream: InputStream,
    _body: IncomingBody,
}

/// The response body being written.
struct Outgoing {
    stream: OutputStream,
    body: OutgoingBody,
}

thread_local! {
    static OUTPARAM: RefCell<Option<ResponseOutparam>> = const { RefCell::new(None) };
    static INCOMING: RefCell<Option<Incoming>> = const { RefCell::new(None) };
    static OUTGOING: RefCell<Option<Outgoing>> = const { RefCell::new(None) };
    /// http.js's per-request entry, held from build time (no lookup by name per request).
    static DISPATCH: RefCell<Option<Persistent<Function<'static>>>> = const { RefCell::new(None) };
    /// "METHOD path" of the request, for the engine's own lines on stderr.
    static REQUEST: RefCell<String> = const { RefCell::new(String::new()) };
    /// The handler called process.exit().
    static EXITED: Cell<bool> = const { Cell::new(false) };
    /// http.js said why the response body stopped (so the engine need not).
    static CUT_REPORTED: Cell<bool> = const { Cell::new(false) };
}

struct Proxy;

impl wasip2::exports::http::incoming_handler::Guest for Proxy {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        OUTPARAM.set(Some(response_out));
        // `jsw serve --cpu-prof` asks for this request's profile.
        let asked = request
            .headers()
            .get(jsw_wire::names::CPU_PROFILE_HEADER)
            .first()
            .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<u32>().ok());
        if let Some(interval_us) = asked {
            crate::profile::configure_request(interval_us);
        }
        // `jsw serve --inspect`, `jsw replay --inspect`: debug this request.
        #[cfg(feature = "debugger")]
        if let Some(how) = request.headers().get(jsw_wire::names::DEBUG_HEADER).first() {
            crate::debugger::configure(how.ends_with(b"wait"), !how.starts_with(b"replay"));
        }
        crate::mode::http::serve(|ctx| dispatch(ctx, request));
        crate::io::flush();
        // Nothing is left to run and the handler never answered: its promise
        // can never settle (or the engine failed, and said so on stderr).
        if let Some(out) = OUTPARAM.take() {
            let reason = if EXITED.get() {
                "the handler called process.exit()"
            } else {
                "the handler's promise never settled: nothing was left to run (no timer, no pending I/O)"
            };
            if !EXITED.get() {
                let line = REQUEST.with_borrow(|r| format!("{r}: {reason}\n"));
                crate::io::write(2, line.as_bytes());
            }
            crate::io::flush();
            ResponseOutparam::set(out, Err(ErrorCode::InternalError(Some(reason.into()))));
        }
        INCOMING.take();
        // A body left unfinished (its stream failed, a limit, or it stopped
        // producing with nothing left to run) must not reach the client as a
        // complete response. wasi:http 0.2 has no call to abort an outgoing
        // body, and hosts end a dropped one as if finished; a trap is what
        // every host reports as a failed request, so the instance traps.
        if OUTGOING.take().is_some() {
            if !CUT_REPORTED.get() {
                let line = REQUEST.with_borrow(|r| {
                    format!(
                        "{r}: the response body stopped before its end: nothing was left to run\n"
                    )
                });
                crate::io::write(2, line.as_bytes());
            }
            crate::io::flush();
            core::arch::wasm32::unreachable();
        }
    }
}

wasip2::http::proxy::export!(Proxy);

/// Installs the natives and the handler side. Called at init, before the program runs.
pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    let http = Object::new(ctx.clone())?;
    http.set("readBody", Function::new(ctx.clone(), read_body)?)?;
    http.set("respond", Function::new(ctx.clone(), respond)?)?;
    http.set("respondWhole", Function::new(ctx.clone(), respond_whole)?)?;
    http.set("respondHead", Function::new(ctx.clone(), respond_head)?)?;
    http.set("requestReady", Function::new(ctx.clone(), request_ready)?)?;
    http.set(
        "headReady",
        Function::new(ctx.clone(), outbound::head_ready)?,
    )?;
    http.set("head", Function::new(ctx.clone(), outbound::head)?)?;
    http.set(
        "bodyReady",
        Function::new(ctx.clone(), outbound::body_ready)?,
    )?;
    http.set(
        "cutReported",
        Function::new(ctx.clone(), || CUT_REPORTED.set(true))?,
    )?;
    // process.exit() in a handler ends this request, not the server.
    jsw.set("exit", Function::new(ctx.clone(), exit)?)?;
    http.set("write", Function::new(ctx.clone(), write)?)?;
    http.set("finish", Function::new(ctx.clone(), finish)?)?;
    http.set("send", Function::new(ctx.clone(), outbound::send)?)?;
    http.set("readResponse", Function::new(ctx.clone(), outbound::read)?)?;
    http.set(
        "closeResponse",
        Function::new(ctx.clone(), outbound::close)?,
    )?;
    http.set(
        "available",
        Function::new(ctx.clone(), || !crate::phase::is_build())?,
    )?;
    jsw.set("http", http.clone())?;
    crate::globals::eval_part(ctx, jsw, "http", include_str!("http.js"))?;
    DISPATCH.set(Some(Persistent::save(
        ctx,
        http.get::<_, Function>("dispatch")?,
    )));
    Ok(())
}

/// Whether the handler called process.exit() (the request is over).
pub fn exited() -> bool {
    EXITED.get()
}

/// Build time: whether the program's top level left a fetch handler.
pub fn resolve<'js>(ctx: &Ctx<'js>, namespace: Value<'js>) -> rquickjs::Result<bool> {
    http_object(ctx)?
        .get::<_, Function>("resolve")?
        .call((namespace,))
}

/// Build time: the warm-up the program's `warmup` export asks for, as a
/// promise; None without one.
pub fn warm_up<'js>(
    ctx: &Ctx<'js>,
    namespace: Value<'js>,
) -> rquickjs::Result<Option<rquickjs::Promise<'js>>> {
    let value: Value = http_object(ctx)?
        .get::<_, Function>("warmUp")?
        .call((namespace,))?;
    Ok(value.into_promise())
}

fn http_object<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
    crate::globals::internals(ctx)
        .ok_or(rquickjs::Error::Unknown)?
        .get("http")
}

/// Hands the request to http.js. It returns a promise that settles once the
/// response is sent, or undefined when the response went out already.
fn dispatch<'js>(ctx: &Ctx<'js>, request: IncomingRequest) -> rquickjs::Result<Value<'js>> {
    let method = match request.method() {
        Method::Get => "GET".to_string(),
        Method::Head => "HEAD".into(),
        Method::Post => "POST".into(),
        Method::Put => "PUT".into(),
        Method::Delete => "DELETE".into(),
        Method::Connect => "CONNECT".into(),
        Method::Options => "OPTIONS".into(),
        Method::Trace => "TRACE".into(),
        Method::Patch => "PATCH".into(),
        Method::Other(other) => other,
    };
    let scheme = match request.scheme() {
        Some(Scheme::Https) => "https".to_string(),
        Some(Scheme::Other(other)) => other,
        Some(Scheme::Http) | None => "http".into(),
    };
    let authority = request
        .authority()
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let path = request.path_with_query().unwrap_or_else(|| "/".into());
    let url = format!("{scheme}://{authority}{path}");
    REQUEST.set(format!("{method} {path}"));
    let mut has_host = false;
    let mut headers: Vec<Vec<String>> = request
        .headers()
        .entries()
        .into_iter()
        .inspect(|(name, _)| has_host |= name.eq_ignore_ascii_case("host"))
        .map(|(name, value)| vec![name, latin1(&value)])
        .collect();
    // Hosts pass the request's Host as its authority and leave it out of the
    // fields (wasi:http forbids it there); handlers read it as a header, as
    // they do in Node, Workers and Deno.
    if !has_host && let Some(authority) = request.authority().filter(|a| !a.is_empty()) {
        headers.insert(0, vec!["host".into(), authority]);
    }
    // The host's headers are not the program's: the context of the host's
    // handler span, for the program's own OpenTelemetry spans
    // (globals/otel.js), whether console lines are to say their level
    // (globals/console.js), and the profiling request (read in `handle`).
    let mut guest_parent = None;
    let mut log_levels = false;
    headers.retain(|h| {
        let name = h[0].to_ascii_lowercase();
        if !jsw_wire::names::HOST_HEADERS.contains(&name.as_str()) {
            return true;
        }
        if name == jsw_wire::names::GUEST_TRACEPARENT {
            guest_parent = Some(h[1].clone());
        }
        log_levels |= name == jsw_wire::names::LOG_LEVELS_HEADER;
        false
    });
    if let Some(internals) = crate::globals::internals(ctx) {
        internals.set("requestTraceparent", guest_parent)?;
        internals.set("logLevels", log_levels)?;
    }
    let has_body = method != "GET" && method != "HEAD";
    if has_body
        && let Ok(body) = request.consume()
        && let Ok(stream) = body.stream()
    {
        INCOMING.set(Some(Incoming {
            stream,
            _body: body,
        }));
    }
    DISPATCH
        .with_borrow(|d| d.clone())
        .ok_or(rquickjs::Error::Unknown)?
        .restore(ctx)?
        .call((method, url, headers, has_body))
}

/// Header values are bytes; JS holds them as byte strings (one char per byte).
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

pub(crate) fn js_error(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    match rquickjs::Exception::from_message(ctx.clone(), message) {
        Ok(e) => ctx.throw(e.into_value()),
        Err(e) => e,
    }
}

/// What the request body has now: bytes (empty when none have arrived yet:
/// await `requestReady`), or undefined at its end.
fn read_body<'js>(ctx: Ctx<'js>) -> rquickjs::Result<Option<TypedArray<'js, u8>>> {
    let chunk = INCOMING.with_borrow(|incoming| match incoming {
        Some(incoming) => match incoming.stream.read(READ_CHUNK) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(StreamError::Closed) => Ok(None),
            Err(StreamError::LastOperationFailed(e)) => Err(format!(
                "reading the request body failed: {}",
                e.to_debug_string()
            )),
        },
        None => Ok(None),
    });
    match chunk {
        Ok(Some(bytes)) => TypedArray::new(ctx, bytes).map(Some),
        Ok(None) => {
            pending::forget(pending::Key::Request);
            INCOMING.take();
            Ok(None)
        }
        Err(message) => Err(js_error(&ctx, &message)),
    }
}

/// A promise that settles when the request body has bytes to read (or ended).
fn request_ready<'js>(ctx: Ctx<'js>) -> rquickjs::Result<Value<'js>> {
    let pollable = INCOMING.with_borrow(|i| i.as_ref().map(|i| i.stream.subscribe()));
    match pollable {
        Some(p) => pending::add(&ctx, pending::Key::Request, p).map(|p| p.into_value()),
        None => Ok(Value::new_undefined(ctx)),
    }
}

/// `process.exit()` from a handler: the request ends here (answered 500 when
/// it was not answered yet; a response being streamed is cut), the server
/// goes on. The error thrown is uncatchable, so no handler code runs after it.
/// At build time the top level exits as a command's does.
fn exit(ctx: Ctx<'_>, code: i32) -> rquickjs::Result<()> {
    if crate::phase::is_build() {
        crate::io::flush();
        std::process::exit(crate::host::exit_status(code));
    }
    EXITED.set(true);
    let line = REQUEST.with_borrow(|r| {
        format!("{r}: the handler called process.exit({code}); this request ends here (the server goes on)\n")
    });
    crate::io::write(2, line.as_bytes());
    CUT_REPORTED.set(true);
    let error = rquickjs::Exception::from_message(ctx.clone(), "process.exit() ended the request")?;
    // SAFETY: `error` is a live Error object of this context.
    unsafe { rquickjs::qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), error.as_raw()) };
    Err(ctx.throw(error.into_value()))
}

/// The response's header fields. One host call for the whole list; when the
/// host refuses it, header by header, so that only the refused ones are dropped.
fn fields(headers: &[Vec<String>]) -> Fields {
    let pairs: Vec<(String, Vec<u8>)> = headers
        .iter()
        .filter_map(|pair| match pair.as_slice() {
            [name, value] => Some((
                name.clone(),
                value.chars().map(|c| c as u32 as u8).collect(),
            )),
            _ => None,
        })
        .collect();
    if let Ok(fields) = Fields::from_list(&pairs) {
        return fields;
    }
    let fields = Fields::new();
    for (name, value) in &pairs {
        if let Err(e) = fields.append(name, value) {
            // Hop-by-hop headers (connection, transfer-encoding, ...) belong to the
            // host's HTTP layer, which refuses them; the response goes out without.
            crate::io::write(
                2,
                format!("jsw: response header `{name}` was dropped: the host refuses it ({e:?})\n")
                    .as_bytes(),
            );
        }
    }
    fields
}

/// Takes the outparam and makes the response head; the outparam is put back
/// when the status is refused, so the handler's error can still be answered.
fn response_head(
    ctx: &Ctx<'_>,
    status: u16,
    headers: &[Vec<String>],
) -> rquickjs::Result<(ResponseOutparam, OutgoingResponse)> {
    let Some(out) = OUTPARAM.take() else {
        return Err(js_error(ctx, "the response was already sent"));
    };
    let response = OutgoingResponse::new(fields(headers));
    if response.set_status_code(status).is_err() {
        OUTPARAM.set(Some(out));
        return Err(js_error(ctx, &format!("invalid status code {status}")));
    }
    Ok((out, response))
}

/// Sends the status line and headers; the body follows through `write`.
fn respond(ctx: Ctx<'_>, status: u16, headers: Vec<Vec<String>>) -> rquickjs::Result<()> {
    let (out, response) = response_head(&ctx, status, &headers)?;
    let body = response
        .body()
        .map_err(|()| js_error(&ctx, "the response body was already taken"))?;
    let stream = body
        .write()
        .map_err(|()| js_error(&ctx, "the response body stream was already taken"))?;
    ResponseOutparam::set(out, Ok(response));
    OUTGOING.set(Some(Outgoing { stream, body }));
    Ok(())
}

/// Sends a response that has no body on the wire (to HEAD, 204, 304): its
/// body is never opened, so its `content-length` may say what GET would send.
fn respond_head(ctx: Ctx<'_>, status: u16, headers: Vec<Vec<String>>) -> rquickjs::Result<()> {
    let (out, response) = response_head(&ctx, status, &headers)?;
    ResponseOutparam::set(out, Ok(response));
    Ok(())
}

/// Sends a whole response whose body is known: status, headers, bytes, end.
fn respond_whole<'js>(
    ctx: Ctx<'js>,
    status: u16,
    headers: Vec<Vec<String>>,
    bytes: Option<TypedArray<'js, u8>>,
) -> rquickjs::Result<()> {
    respond(ctx.clone(), status, headers)?;
    if let Some(bytes) = bytes
        && !write(ctx.clone(), bytes)?
    {
        // The client went away: nobody is left to tell.
        OUTGOING.take();
        return Ok(());
    }
    finish(ctx)
}

/// What went wrong writing or finishing a response body, in the user's terms.
fn body_error(e: &wasip2::io::error::Error, doing: &str) -> String {
    match wasip2::http::types::http_error_code(e) {
        Some(ErrorCode::HttpResponseBodySize(Some(n))) => format!(
            "{doing} failed: the body does not match the response's content-length header ({n} bytes written)"
        ),
        _ => format!("{doing} failed: {}", e.to_debug_string()),
    }
}

/// Writes one chunk of the response body: false when the client went away.
fn write(ctx: Ctx<'_>, chunk: TypedArray<'_, u8>) -> rquickjs::Result<bool> {
    let bytes = crate::globals::bytes_of(&chunk);
    let failed = OUTGOING.with_borrow(|outgoing| {
        let Some(outgoing) = outgoing else {
            return Some(Err("the response body is closed".to_string()));
        };
        for part in bytes.chunks(WRITE_CHUNK) {
            if let Err(e) = outgoing.stream.blocking_write_and_flush(part) {
                return Some(match e {
                    StreamError::Closed => Ok(()),
                    StreamError::LastOperationFailed(e) => {
                        Err(body_error(&e, "writing the response"))
                    }
                });
            }
        }
        None
    });
    match failed {
        None => Ok(true),
        Some(Ok(())) => Ok(false),
        Some(Err(message)) => Err(js_error(&ctx, &message)),
    }
}

/// Ends the response body.
fn finish(ctx: Ctx<'_>) -> rquickjs::Result<()> {
    let Some(Outgoing { stream, body }) = OUTGOING.take() else {
        return Err(js_error(&ctx, "the response body is closed"));
    };
    drop(stream);
    OutgoingBody::finish(body, None).map_err(|e| {
        let message = match e {
            ErrorCode::HttpResponseBodySize(Some(n)) => format!(
                "finishing the response failed: the body does not match the response's content-length header ({n} bytes written)"
            ),
            other => format!("finishing the response failed: {other:?}"),
        };
        js_error(&ctx, &message)
    })
}

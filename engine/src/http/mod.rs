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

use std::cell::RefCell;

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
}

struct Proxy;

impl wasip2::exports::http::incoming_handler::Guest for Proxy {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        OUTPARAM.set(Some(response_out));
        crate::serve(|ctx| dispatch(ctx, request));
        crate::io::flush();
        // The engine failed before the program could answer: answer for it.
        if let Some(out) = OUTPARAM.take() {
            ResponseOutparam::set(
                out,
                Err(ErrorCode::InternalError(Some(
                    "the jsw engine failed before the handler answered (see the server's stderr)"
                        .into(),
                ))),
            );
        }
        // A body not finished (its stream failed) is dropped unfinished, which
        // the host passes on to the client as a cut-off response.
        OUTGOING.take();
        INCOMING.take();
    }
}

wasip2::http::proxy::export!(Proxy);

/// The request header by which `jsw serve` says that it keeps an instance's
/// memory resident between requests and resets it with PAGEMAP_SCAN (see
/// [`touch_heap`]). It is taken out of the request before the handler sees it.
const RESIDENT_HINT: &str = "jsw-resident-pool";

/// Installs the natives and the handler side. Called at init, before the program runs.
pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    let http = Object::new(ctx.clone())?;
    http.set("readBody", Function::new(ctx.clone(), read_body)?)?;
    http.set("respond", Function::new(ctx.clone(), respond)?)?;
    http.set("respondWhole", Function::new(ctx.clone(), respond_whole)?)?;
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

/// Build time: whether the program's top level left a fetch handler.
pub fn resolve<'js>(ctx: &Ctx<'js>, namespace: Value<'js>) -> rquickjs::Result<bool> {
    http_object(ctx)?
        .get::<_, Function>("resolve")?
        .call((namespace,))
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
    let mut resident = false;
    let headers: Vec<Vec<String>> = request
        .headers()
        .entries()
        .into_iter()
        .filter(|(name, _)| {
            let hint = name.eq_ignore_ascii_case(RESIDENT_HINT);
            resident |= hint;
            !hint
        })
        .map(|(name, value)| vec![name, latin1(&value)])
        .collect();
    if resident {
        crate::heap::touch_used_heap();
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

/// Reads the next non-empty chunk of an incoming body stream: None at its end.
pub(crate) fn next_chunk(stream: &InputStream, what: &str) -> Result<Option<Vec<u8>>, String> {
    loop {
        match stream.blocking_read(READ_CHUNK) {
            Ok(bytes) if bytes.is_empty() => continue,
            Ok(bytes) => return Ok(Some(bytes)),
            Err(StreamError::Closed) => return Ok(None),
            Err(StreamError::LastOperationFailed(e)) => {
                return Err(format!(
                    "reading the {what} failed: {}",
                    e.to_debug_string()
                ));
            }
        }
    }
}

/// The next chunk of the request body, or undefined at its end.
fn read_body<'js>(ctx: Ctx<'js>) -> rquickjs::Result<Option<TypedArray<'js, u8>>> {
    let chunk = INCOMING.with_borrow(|incoming| match incoming {
        Some(incoming) => next_chunk(&incoming.stream, "request body"),
        None => Ok(None),
    });
    match chunk {
        Ok(Some(bytes)) => TypedArray::new(ctx, bytes).map(Some),
        Ok(None) => {
            INCOMING.take();
            Ok(None)
        }
        Err(message) => Err(js_error(&ctx, &message)),
    }
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

/// Sends the status line and headers; the body follows through `write`.
fn respond(ctx: Ctx<'_>, status: u16, headers: Vec<Vec<String>>) -> rquickjs::Result<()> {
    let Some(out) = OUTPARAM.take() else {
        return Err(js_error(&ctx, "the response was already sent"));
    };
    let response = OutgoingResponse::new(fields(&headers));
    if response.set_status_code(status).is_err() {
        OUTPARAM.set(Some(out));
        return Err(js_error(&ctx, &format!("invalid status code {status}")));
    }
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

/// Sends a whole response whose body is known: status, headers, bytes, end.
fn respond_whole<'js>(
    ctx: Ctx<'js>,
    status: u16,
    headers: Vec<Vec<String>>,
    bytes: Option<TypedArray<'js, u8>>,
) -> rquickjs::Result<()> {
    respond(ctx.clone(), status, headers)?;
    if let Some(bytes) = bytes {
        write(ctx.clone(), bytes)?;
    }
    finish(ctx)
}

/// Writes one chunk of the response body.
fn write(ctx: Ctx<'_>, chunk: TypedArray<'_, u8>) -> rquickjs::Result<()> {
    let bytes = crate::globals::bytes_of(&chunk);
    let failed = OUTGOING.with_borrow(|outgoing| {
        let Some(outgoing) = outgoing else {
            return Some("the response body is closed".to_string());
        };
        for part in bytes.chunks(WRITE_CHUNK) {
            if let Err(e) = outgoing.stream.blocking_write_and_flush(part) {
                return Some(match e {
                    StreamError::Closed => "the client went away".to_string(),
                    StreamError::LastOperationFailed(e) => {
                        format!("writing the response failed: {}", e.to_debug_string())
                    }
                });
            }
        }
        None
    });
    match failed {
        Some(message) => Err(js_error(&ctx, &message)),
        None => Ok(()),
    }
}

/// Ends the response body.
fn finish(ctx: Ctx<'_>) -> rquickjs::Result<()> {
    let Some(Outgoing { stream, body }) = OUTGOING.take() else {
        return Err(js_error(&ctx, "the response body is closed"));
    };
    drop(stream);
    OutgoingBody::finish(body, None)
        .map_err(|e| js_error(&ctx, &format!("finishing the response failed: {e:?}")))
}

//! Outbound `fetch()` from a handler: `wasi:http/outgoing-handler`. The host
//! decides what may be reached (`jsw serve --allow-host`). The request body is
//! sent whole; the response head and body chunks are awaited (pending.rs), so
//! timers run meanwhile and an aborted signal ends the wait.

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::{Ctx, TypedArray};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, FutureIncomingResponse, IncomingBody, Method, OutgoingBody, OutgoingRequest,
    Scheme,
};
use wasip2::io::streams::{InputStream, StreamError};

use super::pending::{self, Key};
use super::{READ_CHUNK, WRITE_CHUNK, js_error, latin1};

/// A response body being read. Fields drop in order: the stream first.
struct Body {
    stream: InputStream,
    _body: IncomingBody,
}

/// A request sent, its response not in yet (and where it went, for errors).
struct InFlight {
    future: FutureIncomingResponse,
    authority: String,
}

thread_local! {
    static IN_FLIGHT: RefCell<HashMap<u32, InFlight>> = RefCell::new(HashMap::new());
    static BODIES: RefCell<HashMap<u32, Body>> = RefCell::new(HashMap::new());
    static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

fn method(name: &str) -> Method {
    match name {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "CONNECT" => Method::Connect,
        "OPTIONS" => Method::Options,
        "TRACE" => Method::Trace,
        "PATCH" => Method::Patch,
        other => Method::Other(other.to_string()),
    }
}

fn describe(code: &ErrorCode, authority: &str) -> String {
    match code {
        ErrorCode::HttpRequestDenied => format!(
            "jsw: the host denied the request to {authority} (jsw serve reaches only the hosts given with --allow-host)"
        ),
        ErrorCode::ConnectionRefused => format!("connect ECONNREFUSED {authority}"),
        ErrorCode::DnsError(_) => format!("getaddrinfo ENOTFOUND {authority}"),
        other => format!("{other:?} ({authority})"),
    }
}

/// Sends a request; returns its id. The response comes through [`head`].
#[allow(clippy::too_many_arguments)]
pub fn send<'js>(
    ctx: Ctx<'js>,
    method_name: String,
    scheme: String,
    authority: String,
    path: String,
    headers: Vec<Vec<String>>,
    body: Option<TypedArray<'js, u8>>,
) -> rquickjs::Result<u32> {
    let fields = Fields::new();
    for pair in &headers {
        if let [name, value] = pair.as_slice() {
            let bytes: Vec<u8> = value.chars().map(|c| c as u32 as u8).collect();
            // Headers the host owns (host, connection, ...) are set by the host.
            let _ = fields.append(name, &bytes);
        }
    }
    let request = OutgoingRequest::new(fields);
    let scheme = match scheme.as_str() {
        "https" => Scheme::Https,
        "http" => Scheme::Http,
        other => Scheme::Other(other.to_string()),
    };
    let set = request
        .set_method(&method(&method_name))
        .and_then(|()| request.set_scheme(Some(&scheme)))
        .and_then(|()| request.set_authority(Some(&authority)))
        .and_then(|()| request.set_path_with_query(Some(&path)));
    if set.is_err() {
        return Err(js_error(
            &ctx,
            &format!("invalid request to {authority}{path}"),
        ));
    }
    let outgoing = request
        .body()
        .map_err(|()| js_error(&ctx, "the request body was already taken"))?;
    let future = outgoing_handler::handle(request, None)
        .map_err(|code| js_error(&ctx, &describe(&code, &authority)))?;
    if let Some(body) = body {
        let bytes = crate::globals::bytes_of(&body);
        let stream = outgoing
            .write()
            .map_err(|()| js_error(&ctx, "the request body stream was already taken"))?;
        for part in bytes.chunks(WRITE_CHUNK) {
            if stream.blocking_write_and_flush(part).is_err() {
                break;
            }
        }
        drop(stream);
    }
    OutgoingBody::finish(outgoing, None)
        .map_err(|code| js_error(&ctx, &describe(&code, &authority)))?;
    let id = NEXT.get();
    NEXT.set(id + 1);
    IN_FLIGHT.with_borrow_mut(|m| m.insert(id, InFlight { future, authority }));
    Ok(id)
}

/// A promise that settles when request `id`'s response head is in (or failed).
pub fn head_ready<'js>(ctx: Ctx<'js>, id: u32) -> rquickjs::Result<rquickjs::Value<'js>> {
    let pollable = IN_FLIGHT.with_borrow(|m| m.get(&id).map(|f| f.future.subscribe()));
    match pollable {
        Some(p) => pending::add(&ctx, Key::Head(id), p).map(|p| p.into_value()),
        None => Ok(rquickjs::Value::new_undefined(ctx)),
    }
}

/// Request `id`'s response head: [status, headers] once it is in (its body is
/// then read with [`read`] under the same id), undefined while it is not.
pub fn head<'js>(ctx: Ctx<'js>, id: u32) -> rquickjs::Result<Option<rquickjs::Array<'js>>> {
    let outcome = IN_FLIGHT.with_borrow(|m| {
        let f = m.get(&id)?;
        Some((f.future.get(), f.authority.clone()))
    });
    let Some((outcome, authority)) = outcome else {
        return Err(js_error(&ctx, "the response was lost"));
    };
    let response = match outcome {
        None => return Ok(None),
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => {
            close(id);
            return Err(js_error(&ctx, &describe(&code, &authority)));
        }
        Some(Err(())) => {
            close(id);
            return Err(js_error(&ctx, "the response was lost"));
        }
    };
    pending::forget(Key::Head(id));
    IN_FLIGHT.with_borrow_mut(|m| m.remove(&id));
    let status = response.status();
    let headers: Vec<Vec<String>> = response
        .headers()
        .entries()
        .into_iter()
        .map(|(n, v)| vec![n, latin1(&v)])
        .collect();
    if let Ok(body) = response.consume()
        && let Ok(stream) = body.stream()
    {
        BODIES.with_borrow_mut(|b| {
            b.insert(
                id,
                Body {
                    stream,
                    _body: body,
                },
            )
        });
    }
    let head = rquickjs::Array::new(ctx)?;
    head.set(0, status)?;
    head.set(1, headers)?;
    Ok(Some(head))
}

/// A promise that settles when response body `id` has bytes to read (or ended).
pub fn body_ready<'js>(ctx: Ctx<'js>, id: u32) -> rquickjs::Result<rquickjs::Value<'js>> {
    let pollable = BODIES.with_borrow(|m| m.get(&id).map(|b| b.stream.subscribe()));
    match pollable {
        Some(p) => pending::add(&ctx, Key::Body(id), p).map(|p| p.into_value()),
        None => Ok(rquickjs::Value::new_undefined(ctx)),
    }
}

/// What response body `id` has now: bytes (empty when none have arrived
/// yet: await [`body_ready`]), or undefined at its end.
pub fn read<'js>(ctx: Ctx<'js>, id: u32) -> rquickjs::Result<Option<TypedArray<'js, u8>>> {
    let chunk = BODIES.with_borrow(|bodies| match bodies.get(&id) {
        Some(body) => match body.stream.read(READ_CHUNK) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(StreamError::Closed) => Ok(None),
            Err(StreamError::LastOperationFailed(e)) => Err(format!(
                "reading the response body failed: {}",
                e.to_debug_string()
            )),
        },
        None => Ok(None),
    });
    match chunk {
        Ok(Some(bytes)) => TypedArray::new(ctx, bytes).map(Some),
        Ok(None) => {
            close(id);
            Ok(None)
        }
        Err(message) => {
            close(id);
            Err(js_error(&ctx, &message))
        }
    }
}

/// Drops request `id`: its response (awaited, or its body read to its end or
/// cancelled). Waits on it go first: they are its children.
pub fn close(id: u32) {
    pending::forget(Key::Head(id));
    pending::forget(Key::Body(id));
    BODIES.with_borrow_mut(|b| b.remove(&id));
    IN_FLIGHT.with_borrow_mut(|m| m.remove(&id));
}

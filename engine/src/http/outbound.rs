//! Outbound `fetch()` from a handler: `wasi:http/outgoing-handler`. The host
//! decides what may be reached (`jsw serve --allow-host`). The request body is
//! sent whole; the response body is read chunk by chunk as JS pulls it. Waiting
//! for the response head blocks the instance (timers fire after it).

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::{Ctx, TypedArray};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme,
};
use wasip2::io::streams::InputStream;

use super::{WRITE_CHUNK, js_error, latin1};

/// A response body being read. Fields drop in order: the stream first.
struct Body {
    stream: InputStream,
    _body: IncomingBody,
}

thread_local! {
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

/// Sends a request; returns [status, headers, body id] once the response head is in.
#[allow(clippy::too_many_arguments)]
pub fn send<'js>(
    ctx: Ctx<'js>,
    method_name: String,
    scheme: String,
    authority: String,
    path: String,
    headers: Vec<Vec<String>>,
    body: Option<TypedArray<'js, u8>>,
) -> rquickjs::Result<rquickjs::Array<'js>> {
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
    future.subscribe().block();
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Err(js_error(&ctx, &describe(&code, &authority))),
        _ => return Err(js_error(&ctx, "the response was lost")),
    };
    let status = response.status();
    let headers: Vec<Vec<String>> = response
        .headers()
        .entries()
        .into_iter()
        .map(|(n, v)| vec![n, latin1(&v)])
        .collect();
    let id = NEXT.get();
    NEXT.set(id + 1);
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
    head.set(2, id)?;
    Ok(head)
}

/// The next chunk of response body `id`, or undefined at its end.
pub fn read<'js>(ctx: Ctx<'js>, id: u32) -> rquickjs::Result<Option<TypedArray<'js, u8>>> {
    let chunk = BODIES.with_borrow(|bodies| match bodies.get(&id) {
        Some(body) => super::next_chunk(&body.stream, "response body"),
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

/// Drops response body `id` (read to its end, or cancelled).
pub fn close(id: u32) {
    BODIES.with_borrow_mut(|b| b.remove(&id));
}

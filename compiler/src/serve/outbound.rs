//! Outbound requests from handlers (`fetch()` inside the component): denied
//! unless the host is allowed with `--allow-host`, so that a sandboxed handler
//! reaches only what the operator chose.

use std::sync::Arc;

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use crate::replay::request::{BodyEnd, FetchAnswer, Tape};
use crate::telemetry::Outgoing;

pub struct Outbound {
    allow: Arc<Vec<String>>,
    /// The request's trace, which each outbound request continues.
    trace: Option<Outgoing>,
    /// The request's record or replay (replay/request.rs).
    tape: Option<Arc<Tape>>,
}

impl Outbound {
    pub fn new(allow: Arc<Vec<String>>, trace: Option<Outgoing>) -> Outbound {
        Outbound {
            allow,
            trace,
            tape: None,
        }
    }

    /// The same, recording the answers on `tape` (or answering from it).
    pub fn taped(mut self, tape: Option<Arc<Tape>>) -> Outbound {
        self.tape = tape;
        self
    }
}

/// `example.com` allows that host on any port, `example.com:8080` that port
/// only, `*.example.com` every subdomain.
pub fn allowed(allow: &[String], host: &str, port: Option<u16>) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    allow.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        let (name, entry_port) = match entry.rsplit_once(':') {
            Some((name, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => {
                (name.to_string(), p.parse::<u16>().ok())
            }
            _ => (entry.clone(), None),
        };
        let port_ok = entry_port.is_none() || entry_port == port;
        let name_ok = match name.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => name == host,
        };
        port_ok && name_ok
    })
}

type Sent = Box<
    dyn Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<WasiBody>,
                Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for Outbound {
    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Sent {
        drop(fut);
        if let Some(tape) = self.tape.clone().filter(|t| t.is_replaying()) {
            return replayed(&tape, &request);
        }
        let uri = request.uri();
        let host = uri.host().unwrap_or_default();
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            _ => Some(80),
        });
        let allowed = allowed(&self.allow, host, port);
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let span = self
            .trace
            .as_ref()
            .map(|t| t.start(&method, &uri, request.headers_mut()));
        if !allowed {
            if let Some(span) = span {
                span.failed("denied", format!("{uri}: not allowed by --allow-host"));
            }
            if let Some(tape) = &self.tape {
                tape.record_fetch(
                    method.as_str(),
                    &uri.to_string(),
                    FetchAnswer::Error {
                        code: "HttpRequestDenied".into(),
                    },
                );
            }
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        // The request takes its place on the tape now, when it is made; its
        // answer fills it in (a request still unanswered when the instance
        // is stopped stays `pending`).
        let taped = self.tape.clone().map(|tape| {
            let index = tape.record_fetch(method.as_str(), &uri.to_string(), FetchAnswer::Pending);
            (tape, index)
        });
        Box::new(async move {
            let sent: Answer = wasmtime_wasi_http::default_send_request(request, options)
                .await
                .map(|(response, io)| {
                    (
                        response.map(BodyExt::boxed_unsync),
                        Box::new(io) as Box<dyn Future<Output = _> + Send>,
                    )
                });
            let sent = match taped {
                Some((tape, index)) => recorded(&tape, index, sent),
                None => sent,
            };
            let (response, io) = match sent {
                Ok(answer) => {
                    if let Some(span) = span {
                        span.response(answer.0.status().as_u16());
                    }
                    answer
                }
                Err(e) => {
                    if let Some(span) = span {
                        span.failed("_OTHER", format!("{e}"));
                    }
                    return Err(e);
                }
            };
            Ok((response, io))
        })
    }
}

type Answer = wasmtime_wasi_http::Result<(
    http::Response<WasiBody>,
    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
)>;

/// Keeps an outbound request's answer on the tape, at the place `index`
/// the request took when it was made; the body is kept as the instance reads it.
fn recorded(tape: &Arc<Tape>, index: usize, sent: Answer) -> Answer {
    match sent {
        Ok((response, io)) => {
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        crate::replay::Bytes(v.as_bytes().to_vec()),
                    )
                })
                .collect();
            tape.fetch_answer(
                index,
                FetchAnswer::Response {
                    status: response.status().as_u16(),
                    headers,
                    body: Default::default(),
                    end: BodyEnd::Open,
                },
            );
            let tape = tape.clone();
            let response =
                response.map(move |inner| TapedBody { inner, tape, index }.boxed_unsync());
            Ok((response, io))
        }
        Err(e) => {
            tape.fetch_answer(
                index,
                FetchAnswer::Error {
                    code: error_name(&e),
                },
            );
            Err(e)
        }
    }
}

/// An outbound response body that keeps what the instance reads on a tape.
struct TapedBody {
    inner: WasiBody,
    tape: Arc<Tape>,
    index: usize,
}

impl hyper::body::Body for TapedBody {
    type Data = bytes::Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<bytes::Bytes>, Error>>> {
        use std::task::Poll;
        let polled = std::pin::Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.tape.fetch_body(self.index, data);
                }
            }
            Poll::Ready(Some(Err(e))) => {
                self.tape.fetch_end(self.index, BodyEnd::Cut(e.to_string()))
            }
            Poll::Ready(None) => self.tape.fetch_end(self.index, BodyEnd::Complete),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// A replayed outbound response body: the bytes the instance read, then
/// what came after them (the end, a failure, or nothing ever).
pub(crate) struct ReplayedBody {
    pub data: Option<bytes::Bytes>,
    pub end: BodyEnd,
}

impl hyper::body::Body for ReplayedBody {
    type Data = bytes::Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<bytes::Bytes>, Error>>> {
        use std::task::Poll;
        if let Some(data) = self.data.take().filter(|d| !d.is_empty()) {
            return Poll::Ready(Some(Ok(hyper::body::Frame::data(data))));
        }
        match &self.end {
            BodyEnd::Complete => Poll::Ready(None),
            BodyEnd::Cut(why) => Poll::Ready(Some(Err(Error::InternalError(Some(why.clone()))))),
            // Never woken: in the recorded run nothing more came either.
            BodyEnd::Open => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.end == BodyEnd::Complete
    }
}

/// A replayed outbound request: the recorded answer, from no network.
fn replayed(tape: &Arc<Tape>, request: &http::Request<WasiBody>) -> Sent {
    let answer = tape.replay_fetch(request.method().as_str(), &request.uri().to_string());
    Box::new(async move {
        match answer {
            Some(FetchAnswer::Response {
                status,
                headers,
                body,
                end,
            }) => {
                let mut response = http::Response::new(
                    ReplayedBody {
                        data: Some(bytes::Bytes::from(body.0)),
                        end,
                    }
                    .boxed_unsync(),
                );
                *response.status_mut() =
                    http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
                for (name, value) in headers {
                    if let (Ok(name), Ok(value)) = (
                        http::HeaderName::from_bytes(name.as_bytes()),
                        http::HeaderValue::from_bytes(&value.0),
                    ) {
                        response.headers_mut().append(name, value);
                    }
                }
                let io: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send> =
                    Box::new(async { Ok(()) });
                Ok((response, io))
            }
            Some(FetchAnswer::Error { code }) => Err(error_code(&code)),
            // The recorded run was stopped while it waited for this answer.
            Some(FetchAnswer::Pending) => std::future::pending().await,
            None => Err(Error::InternalError(Some(
                "jsw replay: this request diverged from the record".into(),
            ))),
        }
    })
}

/// An outbound failure's name in a record.
fn error_name(e: &Error) -> String {
    match e {
        Error::InternalError(Some(message)) => format!("internal-error: {message}"),
        Error::Connect(io) => format!("connect: {:?}", io.kind()),
        Error::DnsError { rcode, .. } => {
            format!("dns-error: {}", rcode.clone().unwrap_or_default())
        }
        Error::Hyper(_) | Error::Tls(_) | Error::InvalidDnsNameError(_) => {
            format!("internal-error: {e}")
        }
        other => format!("{other:?}"),
    }
}

/// The failure a record names, for the replayed instance.
fn error_code(name: &str) -> Error {
    match name {
        "DnsTimeout" => Error::DnsTimeout,
        "DestinationNotFound" => Error::DestinationNotFound,
        "DestinationUnavailable" => Error::DestinationUnavailable,
        "ConnectionRefused" => Error::ConnectionRefused,
        "ConnectionTerminated" => Error::ConnectionTerminated,
        "ConnectionTimeout" => Error::ConnectionTimeout,
        "ConnectionReadTimeout" => Error::ConnectionReadTimeout,
        "ConnectionWriteTimeout" => Error::ConnectionWriteTimeout,
        "HttpRequestDenied" => Error::HttpRequestDenied,
        "HttpRequestUriInvalid" => Error::HttpRequestUriInvalid,
        "HttpResponseTimeout" => Error::HttpResponseTimeout,
        "connect: ConnectionRefused" => {
            Error::Connect(std::io::ErrorKind::ConnectionRefused.into())
        }
        other if other.starts_with("dns-error: ") => Error::DnsError {
            rcode: Some(other["dns-error: ".len()..].to_string()).filter(|r| !r.is_empty()),
            info_code: None,
        },
        other => Error::InternalError(Some(
            other
                .strip_prefix("internal-error: ")
                .unwrap_or(other)
                .to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn allow_list() {
        let list = vec![
            "example.com".to_string(),
            "*.test.org".into(),
            "local:8080".into(),
        ];
        assert!(allowed(&list, "example.com", Some(443)));
        assert!(allowed(&list, "EXAMPLE.com.", Some(80)));
        assert!(!allowed(&list, "evil-example.com", Some(80)));
        assert!(allowed(&list, "a.test.org", Some(80)));
        assert!(!allowed(&list, "test.org", Some(80)));
        assert!(allowed(&list, "local", Some(8080)));
        assert!(!allowed(&list, "local", Some(8081)));
        assert!(!allowed(&[], "example.com", Some(80)));
    }
}

//! Outbound requests from handlers (`fetch()` inside the component): denied
//! unless the host is allowed with `--allow-host`, so that a sandboxed handler
//! reaches only what the operator chose.

use std::sync::Arc;

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use crate::telemetry::Outgoing;

pub struct Outbound {
    allow: Arc<Vec<String>>,
    /// The request's trace, which each outbound request continues.
    trace: Option<Outgoing>,
}

impl Outbound {
    pub fn new(allow: Arc<Vec<String>>, trace: Option<Outgoing>) -> Outbound {
        Outbound { allow, trace }
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
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        Box::new(async move {
            let sent = wasmtime_wasi_http::default_send_request(request, options).await;
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
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
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

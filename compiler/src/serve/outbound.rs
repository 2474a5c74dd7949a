//! Outbound requests from handlers (`fetch()` inside the component): denied
//! unless the host is allowed with `--allow-host`, so that a sandboxed handler
//! reaches only what the operator chose.

use std::sync::Arc;

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

pub struct Outbound {
    allow: Arc<Vec<String>>,
}

impl Outbound {
    pub fn new(allow: Arc<Vec<String>>) -> Outbound {
        Outbound { allow }
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
        request: http::Request<WasiBody>,
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
        if !allowed(&self.allow, host, port) {
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        Box::new(async move {
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
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

//! `jsw serve --metrics ADDR`: the server's metrics in the Prometheus text
//! format (version 0.0.4) at `/metrics`, for teams that scrape. The figures
//! are the OpenTelemetry instruments' (read on each scrape), named as the
//! OpenTelemetry-to-Prometheus conventions name them: dots become
//! underscores, the unit becomes a suffix (`_seconds`, `_bytes`), counters end
//! in `_total`.

use std::fmt::Write as _;
use std::sync::{Arc, Weak};
use std::time::Duration;

use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, ManualReader, Pipeline, Temporality};

/// The reader a scrape collects through.
pub struct Reader(ManualReader);

impl Reader {
    pub fn new() -> Reader {
        // Cumulative: a scrape reads totals since the start, as Prometheus expects.
        Reader(
            ManualReader::builder()
                .with_temporality(Temporality::Cumulative)
                .build(),
        )
    }

    /// The current metrics as Prometheus text.
    pub fn text(&self) -> String {
        let mut metrics = ResourceMetrics::default();
        if self.0.collect(&mut metrics).is_err() {
            return String::new();
        }
        format(&metrics)
    }
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

/// The reader as the meter provider holds it, shared with the scrape handler.
#[derive(Debug)]
pub struct Shared(pub Arc<Reader>);

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("prometheus::Reader")
    }
}

impl MetricReader for Shared {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.0.register_pipeline(pipeline)
    }

    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.0.collect(rm)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.0.shutdown_with_timeout(timeout)
    }

    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.0.temporality(kind)
    }
}

/// A metric's Prometheus name: `http.server.request.duration` in seconds is
/// `http_server_request_duration_seconds`.
fn name(metric: &str, unit: &str) -> String {
    let mut out: String = metric
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let suffix = match unit {
        "s" => "_seconds",
        "By" => "_bytes",
        "ms" => "_milliseconds",
        _ => "",
    };
    if !out.ends_with(suffix) {
        out.push_str(suffix);
    }
    out
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('"', "\\\"")
}

fn labels<'a>(
    attributes: impl Iterator<Item = &'a KeyValue>,
    extra: Option<(&str, String)>,
) -> String {
    let mut pairs: Vec<(String, String)> = attributes
        .map(|kv| {
            let key: String = kv
                .key
                .as_str()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let value = match &kv.value {
                Value::String(s) => s.to_string(),
                other => other.to_string(),
            };
            (key, value)
        })
        .collect();
    pairs.sort();
    if let Some((k, v)) = extra {
        pairs.push((k.to_string(), v));
    }
    if pairs.is_empty() {
        return String::new();
    }
    let inner = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect::<Vec<_>>()
        .join(",");
    format!("{{{inner}}}")
}

fn number(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else {
        format!("{v}")
    }
}

/// Writes every metric of `metrics` in the text format.
pub fn format(metrics: &ResourceMetrics) -> String {
    let mut out = String::new();
    for scope in metrics.scope_metrics() {
        for metric in scope.metrics() {
            let base = name(metric.name(), metric.unit());
            let help = metric
                .description()
                .replace('\\', "\\\\")
                .replace('\n', "\\n");
            match metric.data() {
                AggregatedMetrics::F64(data) => write_data(&mut out, &base, &help, data, |v| *v),
                AggregatedMetrics::U64(data) => {
                    write_data(&mut out, &base, &help, data, |v| *v as f64)
                }
                AggregatedMetrics::I64(data) => {
                    write_data(&mut out, &base, &help, data, |v| *v as f64)
                }
            }
        }
    }
    out
}

fn write_data<T>(
    out: &mut String,
    base: &str,
    help: &str,
    data: &MetricData<T>,
    f: impl Fn(&T) -> f64,
) where
    T: Copy,
{
    match data {
        MetricData::Histogram(h) => {
            let _ = writeln!(out, "# HELP {base} {help}\n# TYPE {base} histogram");
            for point in h.data_points() {
                let mut cumulative = 0u64;
                let bounds: Vec<f64> = point.bounds().collect();
                for (i, count) in point.bucket_counts().enumerate() {
                    cumulative += count;
                    let le = bounds.get(i).copied().unwrap_or(f64::INFINITY);
                    let _ = writeln!(
                        out,
                        "{base}_bucket{} {cumulative}",
                        labels(point.attributes(), Some(("le", number(le))))
                    );
                }
                let l = labels(point.attributes(), None);
                let _ = writeln!(out, "{base}_sum{l} {}", number(f(&point.sum())));
                let _ = writeln!(out, "{base}_count{l} {}", point.count());
            }
        }
        MetricData::Sum(s) => {
            let (kind, full) = if s.is_monotonic() {
                ("counter", format!("{base}_total"))
            } else {
                ("gauge", base.to_string())
            };
            let _ = writeln!(out, "# HELP {full} {help}\n# TYPE {full} {kind}");
            for point in s.data_points() {
                let _ = writeln!(
                    out,
                    "{full}{} {}",
                    labels(point.attributes(), None),
                    number(f(&point.value()))
                );
            }
        }
        MetricData::Gauge(g) => {
            let _ = writeln!(out, "# HELP {base} {help}\n# TYPE {base} gauge");
            for point in g.data_points() {
                let _ = writeln!(
                    out,
                    "{base}{} {}",
                    labels(point.attributes(), None),
                    number(f(&point.value()))
                );
            }
        }
        MetricData::ExponentialHistogram(_) => {}
    }
}

/// Answers `GET /metrics` on `listener` with what `text` produces (each
/// scrape calls it once), until the process ends.
pub async fn serve<F, Fut>(listener: tokio::net::TcpListener, text: F)
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = String> + Send + 'static,
{
    use http_body_util::{BodyExt as _, Full};
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let text = text.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let text = text.clone();
                    async move {
                        let (status, body, kind) = if request.uri().path() == "/metrics" {
                            (
                                200,
                                text().await,
                                "text/plain; version=0.0.4; charset=utf-8",
                            )
                        } else {
                            (
                                404,
                                "Not Found: metrics are at /metrics\n".to_string(),
                                "text/plain; charset=utf-8",
                            )
                        };
                        let mut response =
                            hyper::Response::new(Full::new(bytes::Bytes::from(body)).boxed());
                        *response.status_mut() =
                            hyper::StatusCode::from_u16(status).unwrap_or_default();
                        response.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static(kind),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    }
                },
            );
            let io = wasmtime_wasi_http::io::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

/// One text from several processes' (the workers of `jsw serve --workers N`):
/// samples of the same series are added up, which is what a counter, a
/// histogram's buckets, sums and counts, and the active-requests gauge mean
/// across processes of one service.
pub fn merge(texts: &[String]) -> String {
    let mut order: Vec<String> = Vec::new();
    let mut values: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for text in texts {
        for line in text.lines() {
            if line.starts_with('#') {
                if !order.iter().any(|l| l == line) {
                    order.push(line.to_string());
                }
                continue;
            }
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            match values.get_mut(series) {
                Some(total) => *total += value,
                None => {
                    values.insert(series.to_string(), value);
                    order.push(series.to_string());
                }
            }
        }
    }
    let mut out = String::new();
    for line in order {
        match values.get(&line) {
            Some(value) => {
                let _ = writeln!(out, "{line} {}", number(*value));
            }
            None => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{merge, name};

    #[test]
    fn workers_add_up() {
        let a = "# TYPE x_total counter\nx_total{a=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\n".to_string();
        let b = "# TYPE x_total counter\nx_total{a=\"1\"} 5\nx_total{a=\"2\"} 1\nh_bucket{le=\"+Inf\"} 4\n".to_string();
        assert_eq!(
            merge(&[a, b]),
            "# TYPE x_total counter\nx_total{a=\"1\"} 7\nh_bucket{le=\"+Inf\"} 7\nx_total{a=\"2\"} 1\n"
        );
    }

    #[test]
    fn names_follow_the_prometheus_conventions() {
        assert_eq!(
            name("http.server.request.duration", "s"),
            "http_server_request_duration_seconds"
        );
        assert_eq!(
            name("jsw.instance.memory", "By"),
            "jsw_instance_memory_bytes"
        );
        assert_eq!(
            name("http.server.active_requests", "{request}"),
            "http_server_active_requests"
        );
    }
}

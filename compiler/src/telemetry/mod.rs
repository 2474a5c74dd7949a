//! OpenTelemetry for `jsw serve`: a SERVER span per request (with children for
//! the instance's start and the handler, and a CLIENT span per outbound
//! `fetch()`), W3C trace context in and out, the HTTP server metrics and jsw's
//! own per-request figures, exported by OTLP over HTTP (protobuf), and the same
//! metrics as Prometheus text for `--metrics`.
//!
//! Configured as every OpenTelemetry SDK is: `OTEL_EXPORTER_OTLP_ENDPOINT` (and
//! the per-signal `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT`),
//! `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_TRACES_SAMPLER(_ARG)`, `OTEL_METRIC_EXPORT_INTERVAL`;
//! `OTEL_{TRACES,METRICS}_EXPORTER=none` turns one signal off. `--otlp URL` is a
//! shortcut for the endpoint. With none of them, telemetry is off and a request
//! pays one branch for it.

mod carrier;
pub mod console;
mod export;
pub mod guest;
pub mod prometheus;
mod request;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use opentelemetry::KeyValue;
use opentelemetry::logs::LoggerProvider as _;
use opentelemetry::metrics::{Histogram, MeterProvider as _, UpDownCounter};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{SdkLogger, SdkLoggerProvider};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};

pub use carrier::{HeaderExtractor, HeaderInjector};
pub use request::{ClientSpan, Outgoing, Peers, RequestTrace};

/// What to export, decided from the environment and the command line.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--otlp URL`: the collector's base URL (the signal paths are added).
    pub otlp: Option<String>,
    /// `--metrics ADDR`: keep the metrics for Prometheus to scrape.
    pub prometheus: bool,
    /// The service name when `OTEL_SERVICE_NAME` does not give one.
    pub service: String,
}

/// The telemetry of one server process. Cheap to share; `off()` does nothing.
#[derive(Clone, Default)]
pub struct Telemetry {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    tracer: Option<SdkTracer>,
    tracers: Option<SdkTracerProvider>,
    meters: Option<SdkMeterProvider>,
    loggers: Option<SdkLoggerProvider>,
    logger: Option<SdkLogger>,
    instruments: Option<Instruments>,
    prometheus: Option<Arc<prometheus::Reader>>,
}

/// The metric instruments every request records into.
struct Instruments {
    duration: Histogram<f64>,
    active: UpDownCounter<i64>,
    instantiate: Histogram<f64>,
    memory: Histogram<u64>,
    fuel: Histogram<u64>,
    body_in: Histogram<u64>,
    body_out: Histogram<u64>,
}

/// Whether an OTLP signal is to be exported: an endpoint is set for it (by
/// `--otlp` or the environment) and its `OTEL_<SIGNAL>_EXPORTER` is not `none`.
fn wanted(settings: &Settings, signal: &str) -> bool {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if env(&format!("OTEL_{signal}_EXPORTER")).is_some_and(|v| v.trim() == "none") {
        return false;
    }
    settings.otlp.is_some()
        || env("OTEL_EXPORTER_OTLP_ENDPOINT").is_some()
        || env(&format!("OTEL_EXPORTER_OTLP_{signal}_ENDPOINT")).is_some()
}

/// `--otlp URL` + `/v1/<signal>`, as the SDKs derive signal endpoints from
/// `OTEL_EXPORTER_OTLP_ENDPOINT`.
fn endpoint(base: &str, signal: &str) -> String {
    format!("{}/v1/{signal}", base.trim_end_matches('/'))
}

impl Telemetry {
    /// Nothing exported, nothing measured.
    pub fn off() -> Telemetry {
        Telemetry::default()
    }

    /// Starts the exporters `settings` and the environment ask for.
    pub fn start(settings: &Settings) -> Result<Telemetry> {
        let traces = wanted(settings, "TRACES");
        let metrics = wanted(settings, "METRICS");
        let logs = wanted(settings, "LOGS");
        if !traces && !metrics && !logs && !settings.prometheus {
            return Ok(Telemetry::off());
        }
        check_environment()?;
        let resource = resource(&settings.service);
        let tracers = if traces {
            let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_http();
            if let Some(base) = &settings.otlp {
                exporter = exporter.with_endpoint(endpoint(base, "traces"));
            }
            let exporter = exporter
                .build()
                .context("setting up the OTLP trace exporter")?;
            Some(
                SdkTracerProvider::builder()
                    .with_batch_exporter(export::Reporting::new(exporter, "traces"))
                    // The program's own spans keep the ids it gave them.
                    .with_id_generator(guest::Ids::default())
                    .with_resource(resource.clone())
                    .build(),
            )
        } else {
            None
        };
        let prometheus = settings
            .prometheus
            .then(|| Arc::new(prometheus::Reader::new()));
        let meters = if metrics || prometheus.is_some() {
            let mut builder = SdkMeterProvider::builder().with_resource(resource.clone());
            if metrics {
                let mut exporter = opentelemetry_otlp::MetricExporter::builder().with_http();
                if let Some(base) = &settings.otlp {
                    exporter = exporter.with_endpoint(endpoint(base, "metrics"));
                }
                let exporter = exporter
                    .build()
                    .context("setting up the OTLP metric exporter")?;
                builder =
                    builder.with_periodic_exporter(export::Reporting::new(exporter, "metrics"));
            }
            if let Some(reader) = &prometheus {
                builder = builder.with_reader(prometheus::Shared(reader.clone()));
            }
            Some(builder.build())
        } else {
            None
        };
        let loggers = if logs {
            let mut exporter = opentelemetry_otlp::LogExporter::builder().with_http();
            if let Some(base) = &settings.otlp {
                exporter = exporter.with_endpoint(endpoint(base, "logs"));
            }
            let exporter = exporter
                .build()
                .context("setting up the OTLP log exporter")?;
            Some(
                SdkLoggerProvider::builder()
                    .with_batch_exporter(export::Reporting::new(exporter, "logs"))
                    .with_resource(resource)
                    .build(),
            )
        } else {
            None
        };
        let logger = loggers.as_ref().map(|p| p.logger("jsw"));
        let instruments = meters.as_ref().map(instruments);
        let tracer = tracers.as_ref().map(|p| p.tracer("jsw"));
        Ok(Telemetry {
            inner: Some(Arc::new(Inner {
                tracer,
                tracers,
                meters,
                loggers,
                logger,
                instruments,
                prometheus,
            })),
        })
    }

    /// Whether anything is exported or measured.
    pub fn is_on(&self) -> bool {
        self.inner.is_some()
    }

    /// The Prometheus text of the current metrics (for `--metrics`).
    pub fn prometheus_text(&self) -> Option<String> {
        self.inner.as_ref()?.prometheus.as_ref().map(|r| r.text())
    }

    /// Sends what is buffered and stops the exporters (at the end of a
    /// drain), the three signals at once and for 5 s at the most: a collector
    /// that does not answer must not hold the server's exit. Returns false
    /// when something could not be sent in that time.
    pub fn shutdown(&self) -> bool {
        let Some(inner) = &self.inner else {
            return true;
        };
        const LIMIT: Duration = Duration::from_secs(5);
        let (done, finished) = std::sync::mpsc::channel();
        let mut waiting = 0;
        let mut spawn = |stop: Box<dyn FnOnce() -> bool + Send>| {
            let done = done.clone();
            waiting += 1;
            std::thread::spawn(move || {
                let _ = done.send(stop());
            });
        };
        if let Some(p) = inner.tracers.clone() {
            spawn(Box::new(move || p.shutdown_with_timeout(LIMIT).is_ok()));
        }
        if let Some(p) = inner.meters.clone() {
            spawn(Box::new(move || p.shutdown_with_timeout(LIMIT).is_ok()));
        }
        if let Some(p) = inner.loggers.clone() {
            spawn(Box::new(move || p.shutdown_with_timeout(LIMIT).is_ok()));
        }
        let deadline = std::time::Instant::now() + LIMIT + Duration::from_millis(500);
        let mut sent = true;
        for _ in 0..waiting {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match finished.recv_timeout(left) {
                Ok(ok) => sent &= ok,
                Err(_) => return false,
            }
        }
        sent
    }
}

/// A collector URL must be `http://` with a host: a typo should fail at start,
/// not drop every span in silence. `https://` is refused too: jsw's exporter
/// has no TLS, and a remote collector is reached through a local one.
pub fn parse_url(url: &str) -> std::result::Result<String, String> {
    if url.starts_with("https://") {
        return Err(format!(
            "`{url}`: jsw sends OTLP over plain http:// only; run a collector on this machine or in the cluster (http://localhost:4318) and let it forward over TLS"
        ));
    }
    let ok = url
        .strip_prefix("http://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if !ok {
        return Err(format!(
            "`{url}`: expected the collector's http:// URL, e.g. http://localhost:4318"
        ));
    }
    Ok(url.to_string())
}

/// The OTLP endpoints the environment names, checked as `--otlp` is.
pub fn check_environment() -> Result<()> {
    for name in [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ] {
        if let Ok(value) = std::env::var(name)
            && !value.trim().is_empty()
        {
            parse_url(value.trim()).map_err(|e| anyhow::anyhow!("{name}={e}"))?;
        }
    }
    Ok(())
}

/// The service: `OTEL_SERVICE_NAME` or `service.name` in
/// `OTEL_RESOURCE_ATTRIBUTES` when set, else the program's name; plus what
/// the SDK detects (telemetry.sdk.*, the other resource attributes).
fn resource(service: &str) -> Resource {
    let named = std::env::var("OTEL_SERVICE_NAME").is_ok_and(|v| !v.is_empty())
        || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|v| {
            v.split(',')
                .any(|kv| kv.trim().starts_with("service.name="))
        });
    let builder = Resource::builder();
    let builder = if named {
        builder
    } else {
        builder.with_service_name(service.to_string())
    };
    builder
        .with_attribute(KeyValue::new("process.runtime.name", "jsw"))
        .with_attribute(KeyValue::new(
            "process.runtime.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build()
}

fn instruments(meters: &SdkMeterProvider) -> Instruments {
    let meter = meters.meter("jsw");
    // The buckets the HTTP semantic conventions advise for durations in seconds.
    let seconds = vec![
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];
    let bytes = vec![
        1024.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0, 67108864.0,
    ];
    Instruments {
        duration: meter
            .f64_histogram("http.server.request.duration")
            .with_unit("s")
            .with_description("Duration of HTTP server requests.")
            .with_boundaries(seconds.clone())
            .build(),
        active: meter
            .i64_up_down_counter("http.server.active_requests")
            .with_unit("{request}")
            .with_description("Number of active HTTP server requests.")
            .build(),
        instantiate: meter
            .f64_histogram("jsw.instance.start.duration")
            .with_unit("s")
            .with_description("Time to create a request's fresh instance from the snapshot.")
            .with_boundaries(vec![
                0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            ])
            .build(),
        memory: meter
            .u64_histogram("jsw.instance.memory")
            .with_unit("By")
            .with_description("Largest linear memory a request's instance asked for.")
            .with_boundaries(bytes.clone())
            .build(),
        fuel: meter
            .u64_histogram("jsw.instance.fuel")
            .with_unit("{instruction}")
            .with_description("Wasm instructions a request used (with --fuel).")
            .with_boundaries(vec![1e5, 1e6, 1e7, 1e8, 1e9, 1e10])
            .build(),
        body_in: meter
            .u64_histogram("http.server.request.body.size")
            .with_unit("By")
            .with_description("Size of HTTP server request bodies.")
            .with_boundaries(bytes.clone())
            .build(),
        body_out: meter
            .u64_histogram("http.server.response.body.size")
            .with_unit("By")
            .with_description("Size of HTTP server response bodies.")
            .with_boundaries(bytes)
            .build(),
    }
}

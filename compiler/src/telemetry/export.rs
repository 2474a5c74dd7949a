//! The OTLP exporters, wrapped so that a collector that stops taking data is
//! said on stderr while the server runs (the SDK itself would drop the batch
//! in silence): once when sending a signal starts failing, again at most
//! every minute while it keeps failing, and once when it works again.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// How often a failure that goes on is said again.
const REPEAT: Duration = Duration::from_secs(60);

/// An exporter that says when its exports fail.
pub struct Reporting<E> {
    inner: E,
    /// `traces`, `metrics` or `logs`.
    signal: &'static str,
    /// When the current run of failures was last said (None: exports work).
    failing: Mutex<Option<Instant>>,
}

impl<E> Reporting<E> {
    pub fn new(inner: E, signal: &'static str) -> Reporting<E> {
        Reporting {
            inner,
            signal,
            failing: Mutex::new(None),
        }
    }

    fn after(&self, result: OTelSdkResult) -> OTelSdkResult {
        let mut failing = self.failing.lock().unwrap_or_else(|e| e.into_inner());
        match (&result, *failing) {
            (Err(e), None) => {
                eprintln!(
                    "jsw serve: telemetry: sending {} to the collector failed ({e}); that batch is dropped, and the next ones are tried",
                    self.signal
                );
                *failing = Some(Instant::now());
            }
            (Err(e), Some(said)) if said.elapsed() >= REPEAT => {
                eprintln!(
                    "jsw serve: telemetry: sending {} to the collector still fails ({e}); batches are dropped",
                    self.signal
                );
                *failing = Some(Instant::now());
            }
            (Ok(()), Some(_)) => {
                eprintln!(
                    "jsw serve: telemetry: sending {} to the collector works again",
                    self.signal
                );
                *failing = None;
            }
            _ => {}
        }
        result
    }
}

impl<E: fmt::Debug> fmt::Debug for Reporting<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reporting")
            .field("inner", &self.inner)
            .field("signal", &self.signal)
            .finish()
    }
}

impl<E: SpanExporter> SpanExporter for Reporting<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let result = self.inner.export(batch).await;
        self.after(result)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: LogExporter> LogExporter for Reporting<E> {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let result = self.inner.export(batch).await;
        self.after(result)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn event_enabled(
        &self,
        level: opentelemetry::logs::Severity,
        target: &str,
        name: Option<&str>,
    ) -> bool {
        self.inner.event_enabled(level, target, name)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: PushMetricExporter> PushMetricExporter for Reporting<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let result = self.inner.export(metrics).await;
        self.after(result)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}

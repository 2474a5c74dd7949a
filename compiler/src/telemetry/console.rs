//! A request's stdout and stderr (the handler's `console` output): written to
//! the server's own stdout and stderr byte for byte, as before, and, when logs
//! are exported, each line also becomes an OTLP log record carrying the
//! request's trace and span ids. Severity is the console method's: the engine
//! marks each console line with its level when the server asks
//! (jsw_wire::names::LOG_LEVELS_HEADER) and the mark is taken off here; other
//! output (`process.stdout.write`, uncaught errors) is INFO on stdout and
//! ERROR on stderr; `log.iostream` says which stream.

use std::io::Write as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, Severity};
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry_sdk::logs::SdkLogger;
use opentelemetry_sdk::trace::SdkTracerProvider;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// Which of the process's streams.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Where one request's output goes besides the process's streams: log records
/// (when logs are exported) and, for the request's trace, what it wrote on
/// stderr (the first `ERRORS_KEPT` bytes), where a failed handler's error is.
#[derive(Clone, Default)]
pub struct LogSink {
    pub(super) logger: Option<SdkLogger>,
    /// Where the program's own spans go (when the request is traced): the
    /// lines that carry them are taken out of its stderr (guest.rs).
    pub(super) spans: Option<SdkTracerProvider>,
    /// Where the request's CPU profile goes (`jsw serve --cpu-prof`): its
    /// line is taken out of the instance's stderr too.
    pub(super) profiles: Option<(
        Arc<Mutex<crate::profile::merge::Merged>>,
        std::time::Instant,
    )>,
    pub(super) cx: opentelemetry::Context,
    pub(super) errors: Arc<Mutex<Vec<u8>>>,
    /// The request's record or replay, which keeps its output.
    pub(crate) tape: Option<Arc<crate::replay::request::Tape>>,
}

impl LogSink {
    /// The same, with the request's profile going into `merged`.
    /// The instance's clock started at `started`.
    pub fn profiles(
        mut self,
        merged: Arc<Mutex<crate::profile::merge::Merged>>,
        started: std::time::Instant,
    ) -> LogSink {
        self.profiles = Some((merged, started));
        self
    }

    /// The same, the program's output also kept on `tape`.
    pub fn taped(mut self, tape: Arc<crate::replay::request::Tape>) -> LogSink {
        self.tape = Some(tape);
        self
    }
}

/// How much of a request's stderr is kept for its trace.
pub(super) const ERRORS_KEPT: usize = 16 * 1024;

/// One of a request's output streams.
pub struct Console {
    stream: Stream,
    sink: LogSink,
    /// The line not finished yet (shared by every handle the guest opens).
    partial: Arc<Mutex<Vec<u8>>>,
}

impl Console {
    pub fn new(stream: Stream, sink: LogSink) -> Console {
        Console {
            stream,
            sink,
            partial: Arc::default(),
        }
    }

    fn handle(&self) -> Handle {
        Handle {
            stream: self.stream,
            sink: self.sink.clone(),
            partial: self.partial.clone(),
        }
    }
}

impl Drop for Console {
    /// The request is over: a last line without a newline is still a record
    /// (and, on a traced request's stderr, still output).
    fn drop(&mut self) {
        // Only output taken line by line is held back (see `write_all`).
        let rest = std::mem::take(&mut *self.partial.lock().unwrap_or_else(|e| e.into_inner()));
        if !rest.is_empty() {
            let _ = self.handle().line(&rest);
        }
    }
}

impl IsTerminal for Console {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Console {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.handle())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.handle())
    }
}

struct Handle {
    stream: Stream,
    sink: LogSink,
    partial: Arc<Mutex<Vec<u8>>>,
}

impl Handle {
    /// Output goes out line by line when lines become log records or carry
    /// the engine's spans or profile, which are taken out whole; else as it
    /// comes.
    fn by_line(&self) -> bool {
        // With logs exported, the engine marks each console line with its
        // level (jsw_wire::names::LOG_LEVELS_HEADER), on both streams.
        self.sink.logger.is_some()
            || (self.stream == Stream::Stderr
                && (self.sink.spans.is_some() || self.sink.profiles.is_some()))
    }

    /// One whole line of a traced request's stderr (its newline included).
    fn line(&self, line: &[u8]) -> std::io::Result<()> {
        if let (Some(spans), Some(json)) = (
            &self.sink.spans,
            line.strip_prefix(jsw_wire::names::GUEST_SPAN_LINE.as_bytes()),
        ) {
            if let Err(e) = super::guest::export(spans, json) {
                std::io::stderr().write_all(
                    format!("jsw serve: a span from the program was dropped: {e}\n").as_bytes(),
                )?;
            }
            return Ok(());
        }
        if let (Some((merged, started)), Some(json)) = (
            &self.sink.profiles,
            line.strip_prefix(jsw_wire::names::PROFILE_LINE.as_bytes()),
        ) {
            let added = merged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .add(json, *started);
            if let Err(e) = added {
                std::io::stderr().write_all(
                    format!("jsw serve: a request's CPU profile was dropped: {e:#}\n").as_bytes(),
                )?;
            }
            return Ok(());
        }
        // A console line's level, and the line without its mark.
        let mut mark = [0u8; 4];
        let mark = jsw_wire::names::LOG_LEVEL_MARK
            .encode_utf8(&mut mark)
            .as_bytes();
        let (level, line) = match line.strip_prefix(mark) {
            Some([level, rest @ ..]) if b"TDIWE".contains(level) => (Some(*level), rest),
            _ => (None, line),
        };
        self.pass(line)?;
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        emit(&self.sink, self.stream, text, level);
        Ok(())
    }

    fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        if self.by_line() {
            let mut partial = self.partial.lock().unwrap_or_else(|e| e.into_inner());
            partial.extend_from_slice(bytes);
            while let Some(end) = partial.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = partial.drain(..=end).collect();
                // The engine's line after output the program left without a
                // newline: the engine's goes on its own, the program's stays
                // unfinished, as it was written.
                if let Some(at) = engine_line_at(&line) {
                    let unfinished: Vec<u8> = line.drain(..at).collect();
                    partial.splice(0..0, unfinished);
                }
                self.line(&line)?;
            }
            return Ok(());
        }
        self.pass(bytes)
    }

    /// Output as the program wrote it, to the process's stream (and a
    /// request's stderr kept for its trace).
    fn pass(&self, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(tape) = &self.sink.tape {
            tape.console(self.stream == Stream::Stderr, bytes);
        }
        match self.stream {
            Stream::Stdout => std::io::stdout().write_all(bytes)?,
            Stream::Stderr => {
                std::io::stderr().write_all(bytes)?;
                let mut errors = self.sink.errors.lock().unwrap_or_else(|e| e.into_inner());
                let room = ERRORS_KEPT.saturating_sub(errors.len());
                errors.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
        }
        Ok(())
    }

    fn flush(&self) -> std::io::Result<()> {
        match self.stream {
            Stream::Stdout => std::io::stdout().flush(),
            Stream::Stderr => std::io::stderr().flush(),
        }
    }
}

/// Where one of the engine's span or profile lines starts inside a line
/// (past its start: after the program's unfinished output).
fn engine_line_at(line: &[u8]) -> Option<usize> {
    [
        jsw_wire::names::GUEST_SPAN_LINE,
        jsw_wire::names::PROFILE_LINE,
    ]
    .iter()
    .filter_map(|marker| {
        let marker = marker.as_bytes();
        line.windows(marker.len())
            .skip(1)
            .position(|w| w == marker)
            .map(|at| at + 1)
    })
    .min()
}

/// One log record for one line: the severity of the console method that
/// wrote it (`level`, the engine's mark), else of its stream.
fn emit(sink: &LogSink, stream: Stream, line: &[u8], level: Option<u8>) {
    let Some(logger) = &sink.logger else { return };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut record = logger.create_log_record();
    let iostream = match stream {
        Stream::Stdout => "stdout",
        Stream::Stderr => "stderr",
    };
    let (severity, text) = match (level, stream) {
        (Some(b'T'), _) => (Severity::Trace, "TRACE"),
        (Some(b'D'), _) => (Severity::Debug, "DEBUG"),
        (Some(b'I'), _) => (Severity::Info, "INFO"),
        (Some(b'W'), _) => (Severity::Warn, "WARN"),
        (Some(_), _) | (None, Stream::Stderr) => (Severity::Error, "ERROR"),
        (None, Stream::Stdout) => (Severity::Info, "INFO"),
    };
    record.set_severity_number(severity);
    record.set_severity_text(text);
    record.set_body(AnyValue::String(
        String::from_utf8_lossy(line).into_owned().into(),
    ));
    record.set_observed_timestamp(std::time::SystemTime::now());
    record.set_timestamp(std::time::SystemTime::now());
    record.add_attribute("log.iostream", iostream);
    let span = sink.cx.span();
    let context = span.span_context();
    if context.is_valid() {
        record.set_trace_context(
            context.trace_id(),
            context.span_id(),
            Some(context.trace_flags()),
        );
    }
    logger.emit(record);
}

impl OutputStream for Handle {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.write_all(&bytes)
            .map_err(|e| wasmtime_wasi::p2::StreamError::LastOperationFailed(e.into()))
    }

    fn flush(&mut self) -> StreamResult<()> {
        Handle::flush(self)
            .map_err(|e| wasmtime_wasi::p2::StreamError::LastOperationFailed(e.into()))
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(1 << 20)
    }
}

#[async_trait::async_trait]
impl Pollable for Handle {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for Handle {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.write_all(buf).map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Handle::flush(&self))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

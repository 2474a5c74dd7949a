//! The response body on its way to the client, and the request's access-log
//! line, written when the body is over.
//!
//! A response whose body was cut short must never look complete. wasmtime's
//! wasi:http ends a body normally (a chunked terminator, a clean close) when
//! the instance behind it goes away without finishing it: when a limit stops
//! the instance mid-stream, when the engine gives up on a failed stream, or
//! when the handler's stream never produces. [`Watched`] sits between that
//! body and hyper: at the body's end it asks how the instance ended
//! ([`Outcome`]) and whether the bytes match the declared `content-length`,
//! and turns a cut into an error, on which hyper aborts the connection (no
//! terminator; curl reports a partial transfer). The log line then names the
//! limit or the failure.
//!
//! The request's task records a failure *before* it drops the store (and with
//! it the body's sender), so the body's end is never seen before the failure.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use wasmtime_wasi_http::Error as HttpError;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::conn::{Activity, BodyState};
use super::log::Log;
use crate::telemetry::RequestTrace;

/// How the instance behind a response ended, shared by the request's task
/// (which records a failure) and the response body (which ends).
#[derive(Default)]
pub struct Outcome {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    failure: Option<String>,
    body_over: bool,
}

impl Outcome {
    /// Records that the instance failed. False when the body was over
    /// already: the failure came after a complete response.
    pub fn fail(&self, reason: &str) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.body_over {
            return false;
        }
        state.failure = Some(reason.to_string());
        true
    }

    /// The body reached its end: Err with the reason when it was cut.
    fn end(&self) -> Result<(), String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.body_over = true;
        match &state.failure {
            Some(reason) => Err(reason.clone()),
            None => Ok(()),
        }
    }
}

/// The access-log line of one request, written once.
pub struct Entry {
    pub log: Log,
    pub method: String,
    pub target: String,
    pub status: u16,
    pub started: Instant,
    /// The request's telemetry (None when off), ended with the line.
    pub trace: Option<RequestTrace>,
    /// The request body as read so far.
    pub body: Option<Arc<BodyState>>,
    /// Response body bytes sent.
    pub sent: u64,
    /// `--record`: the request's tape, kept (or not) when the response is over.
    pub record: Option<(
        Arc<crate::replay::request::Recorder>,
        Arc<crate::replay::request::Tape>,
    )>,
}

impl Entry {
    pub fn write(mut self, note: Option<&str>) {
        if let Some((recorder, tape)) = self.record.take() {
            // A client that went away is not the program's failure.
            let failure = note.filter(|n| !n.starts_with("the client went away"));
            let outcome = tape.outcome(self.status, failure);
            let (log, method, target, status) = (
                self.log,
                self.method.clone(),
                self.target.clone(),
                self.status,
            );
            let keeper = tape.clone();
            // Said by the process that kept it, a worker too: it is the
            // only word of where the record went.
            tape.when_over(move || match recorder.keep(&keeper, outcome) {
                Ok(Some(path)) => log.notice(&format!(
                    "recorded {method} {target} ({status}) in {}; replay it with `jsw replay {}`",
                    path.display(),
                    path.display()
                )),
                Ok(None) => {}
                Err(e) => log.error(&format!(
                    "{method} {target}: the record could not be kept: {e:#}"
                )),
            });
        }
        let trace_id = self.trace.as_ref().and_then(|t| t.trace_id());
        self.log.access(
            &self.method,
            &self.target,
            self.status,
            self.started.elapsed(),
            note,
            trace_id.as_deref(),
        );
        if let Some(trace) = self.trace {
            let received = self.body.as_ref().map_or(0, |b| b.received());
            trace.end(self.status, note, received, self.sent);
        }
    }
}

/// A response body that ends in an error when the response was cut.
pub struct Watched {
    inner: HyperOutgoingBody,
    outcome: Arc<Outcome>,
    /// The `content-length` the response declared.
    declared: Option<u64>,
    /// A response that has no body on the wire (to HEAD, 204, 304): hyper
    /// drops its body unread.
    bodyless: bool,
    sent: u64,
    /// The bytes that complete a declared length, held until the body ends.
    held: Option<Frame<Bytes>>,
    entry: Option<Entry>,
    /// The connection, which waits for its next request once this is over.
    activity: Arc<Activity>,
}

impl Watched {
    pub fn new(
        inner: HyperOutgoingBody,
        outcome: Arc<Outcome>,
        declared: Option<u64>,
        bodyless: bool,
        entry: Entry,
        activity: Arc<Activity>,
    ) -> Watched {
        Watched {
            inner,
            outcome,
            declared: if bodyless { None } else { declared },
            bodyless,
            sent: 0,
            held: None,
            entry: Some(entry),
            activity,
        }
    }

    /// The response is over: its access-log line and telemetry.
    fn finish(&mut self, note: Option<&str>) {
        if let Some(mut entry) = self.entry.take() {
            entry.sent = self.sent;
            entry.write(note);
        }
    }

    /// Ends the body with an error (hyper aborts the connection) and logs why.
    fn cut(&mut self, reason: String) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        self.finish(Some(&format!("response cut off: {reason}")));
        self.activity.reset_on_close();
        self.activity.idle();
        Poll::Ready(Some(Err(HttpError::InternalError(Some(reason)))))
    }
}

impl Body for Watched {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        if self.entry.is_none() {
            // Over (or cut) already.
            return Poll::Ready(None);
        }
        loop {
            match Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    let Some(data) = frame.data_ref() else {
                        return Poll::Ready(Some(Ok(frame)));
                    };
                    if data.is_empty() {
                        continue;
                    }
                    if let Some((_, tape)) = self.entry.as_ref().and_then(|e| e.record.as_ref()) {
                        tape.response_body(data);
                    }
                    self.sent += data.len() as u64;
                    let sent = self.sent;
                    match self.declared {
                        Some(declared) if sent > declared => {
                            return self.cut(format!(
                                "the body is longer than its content-length ({declared} bytes declared, more sent)"
                            ));
                        }
                        // hyper ends the response once the declared length is
                        // out, so the last bytes are held until the body is
                        // known to end there: a body that goes on is cut, not
                        // passed off as complete.
                        Some(declared) if sent == declared => {
                            self.held = Some(frame);
                            continue;
                        }
                        _ => return Poll::Ready(Some(Ok(frame))),
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    return match self.declared {
                        Some(declared) if declared != self.sent => {
                            let sent = self.sent;
                            self.cut(format!(
                                "the body does not match its content-length ({declared} bytes declared, {sent} sent)"
                            ))
                        }
                        _ => match self.outcome.end() {
                            Err(reason) => self.cut(reason),
                            Ok(()) => self.cut(format!(
                                "the handler did not finish the body ({e}); its output says why"
                            )),
                        },
                    };
                }
                Poll::Ready(None) => {
                    if let Err(reason) = self.outcome.end() {
                        return self.cut(reason);
                    }
                    if let Some(declared) = self.declared
                        && declared != self.sent
                    {
                        let sent = self.sent;
                        return self.cut(format!(
                            "the body is shorter than its content-length ({declared} bytes declared, {sent} sent)"
                        ));
                    }
                    self.finish(None);
                    self.activity.idle();
                    return Poll::Ready(self.held.take().map(Ok));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.entry.is_none() || (self.held.is_none() && self.inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.activity.idle();
        let Some(mut entry) = self.entry.take() else {
            return;
        };
        entry.sent = self.sent;
        // hyper drops a body it has no use for (HEAD, 204, 304, an empty
        // body) without reading it; anything else dropped before its end
        // means the connection is gone.
        if self.bodyless || self.inner.is_end_stream() || self.declared == Some(0) {
            entry.write(None);
        } else {
            entry.write(Some("the client went away before the response ended"));
        }
    }
}

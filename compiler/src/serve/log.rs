//! The server's lines on stderr: one per request, plus what happens to the
//! server itself.
//!
//! Every line is formatted first and written with one `write(2)`: with several
//! worker processes on one stderr pipe, a line written in pieces (as
//! `eprintln!` does, one write per formatted argument) interleaves with other
//! workers' lines mid-line. A write of at most `PIPE_BUF` (4 KiB) bytes to a
//! pipe is atomic, so whole lines stay whole.

use std::io::Write;
use std::time::Duration;

use crate::output::json_string as json;

#[derive(Clone, Copy)]
pub struct Log {
    pub quiet: bool,
    /// `--log-format json`: one JSON object per access-log line.
    pub json: bool,
    /// A worker process: its supervisor tells what happens to the server.
    pub worker: bool,
}

/// Writes `line` (which ends with a newline) to stderr in one call.
pub fn line(line: &str) {
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

impl Log {
    /// The access-log line of one request, written once it is over: `note`
    /// says what went wrong (always printed, even with --quiet).
    pub fn access(
        &self,
        method: &str,
        target: &str,
        status: u16,
        took: Duration,
        note: Option<&str>,
        trace_id: Option<&str>,
    ) {
        if self.quiet && note.is_none() {
            return;
        }
        let micros = took.as_micros();
        if self.json {
            let mut out = format!(
                "{{\"method\":{},\"target\":{},\"status\":{status},\"duration_us\":{micros}",
                json(method),
                json(target)
            );
            if let Some(note) = note {
                out.push_str(&format!(",\"error\":{}", json(note)));
            }
            if let Some(id) = trace_id {
                out.push_str(&format!(",\"trace_id\":{}", json(id)));
            }
            out.push_str("}\n");
            line(&out);
            return;
        }
        let trace = trace_id
            .map(|id| format!(" trace={id}"))
            .unwrap_or_default();
        line(&match note {
            Some(note) => format!("{method} {target} {status} {micros}µs{trace} ({note})\n"),
            None => format!("{method} {target} {status} {micros}µs{trace}\n"),
        });
    }

    pub fn info(&self, message: &str) {
        if !self.quiet && !self.worker {
            line(&format!("jsw serve: {message}\n"));
        }
    }

    /// A line every process says, workers too (unless --quiet).
    pub fn notice(&self, message: &str) {
        if !self.quiet {
            line(&format!("jsw serve: {message}\n"));
        }
    }

    pub fn error(&self, message: &str) {
        if self.json {
            line(&format!("{{\"error\":{}}}\n", json(message)));
            return;
        }
        line(&format!("jsw serve: error: {message}\n"));
    }
}

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

#[derive(Clone, Copy)]
pub struct Log {
    pub quiet: bool,
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
    ) {
        if self.quiet && note.is_none() {
            return;
        }
        let micros = took.as_micros();
        line(&match note {
            Some(note) => format!("{method} {target} {status} {micros}µs ({note})\n"),
            None => format!("{method} {target} {status} {micros}µs\n"),
        });
    }

    pub fn info(&self, message: &str) {
        if !self.quiet && !self.worker {
            line(&format!("jsw serve: {message}\n"));
        }
    }

    pub fn error(&self, message: &str) {
        line(&format!("jsw serve: error: {message}\n"));
    }
}

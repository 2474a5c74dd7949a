use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use jsw::replay::p1::Ending;
use jsw::replay::{Record, Run};

use super::flags::{InspectFlags, ProfileFlags};

/// Run a recorded run or request again, exactly (`jsw run --record FILE`,
/// `jsw serve --record DIR`).
///
/// The module starts from the same snapshot and every value the host gave
/// it comes from the record, so the replay prints the same output, console
/// lines and stack traces, and gives the same response or exit status. A
/// module that changed since is refused; a replay that asks the host for
/// something the recorded run did not (a diverging replay) stops and says
/// where. Exit status: the recorded run's (a request's replay: 0), 1 when the
/// replay cannot start, 3 when it diverged from the record.
#[derive(Args, Debug)]
pub struct ReplayCommand {
    /// The record file.
    pub record: PathBuf,

    /// The module the record was made with, when it is no longer where the
    /// record says (or beside the record, in `modules/`).
    #[arg(long, value_name = "PATH")]
    pub module: Option<PathBuf>,

    #[command(flatten)]
    pub profile: ProfileFlags,

    /// Replay under the debugger (`--inspect`, `--inspect-brk`): the same run,
    /// stopping at the same line every time.
    #[command(flatten)]
    pub inspect: InspectFlags,
}

/// `jsw replay`'s status when the replay left the record.
pub const DIVERGED: i32 = 3;

impl ReplayCommand {
    pub fn execute(self) -> Result<i32> {
        let record = Record::load(&self.record)?;
        let mut wasm = jsw::replay::find_module(&record, &self.record, self.module.as_deref())?;
        let profile = self.profile.options();
        let inspect = self.inspect.address()?;
        let session = match inspect {
            Some((address, wait)) => {
                if profile.is_some() {
                    anyhow::bail!(
                        "--cpu-prof and --inspect do not go together: a paused run's profile measures the pause"
                    );
                }
                wasm = jsw::replay::debug_module(&record, &self.record, self.module.as_deref())?;
                let program = PathBuf::from(&record.module.path);
                let program = self
                    .module
                    .as_deref()
                    .filter(|p| jsw::bundle::is_program_source(p))
                    .unwrap_or(&program);
                let mut session = jsw::debugger::Session::start(address, wait, program)?;
                // The replay's writes are compared with the record's, one by one.
                session.live = false;
                Some(session)
            }
            None => None,
        };
        match &record.run {
            Run::Command(run) => {
                eprintln!(
                    "jsw replay: `{}` as recorded at {} ({} host calls)",
                    run.args.join(" "),
                    jsw::replay::human_time(record.made_at),
                    run.calls.len()
                );
                if let Some(note) = record.masked_note() {
                    eprintln!("jsw replay: {note}");
                }
                if let Some((stdout, stderr)) = &run.build_output {
                    use std::io::Write as _;
                    let _ = std::io::stdout().write_all(&stdout.0);
                    let _ = std::io::stdout().flush();
                    let _ = std::io::stderr().write_all(&stderr.0);
                }
                let replayed = jsw::replay::p1::replay(run, &wasm, profile, session)?;
                if let Some(divergence) = replayed.divergence {
                    return Ok(diverged(&record, &divergence, "program"));
                }
                if replayed.ending != run.ending {
                    eprintln!(
                        "error: the replay ended differently from the recorded run: {} (recorded: {})",
                        replayed.ending, run.ending
                    );
                    return Ok(DIVERGED);
                }
                eprintln!(
                    "jsw replay: reproduced the recorded run: {} host calls, {}",
                    replayed.calls, run.ending
                );
                Ok(match &run.ending {
                    Ending::Exit(status) => *status,
                    Ending::Limit { message, status } => {
                        eprintln!("error: {message}");
                        *status
                    }
                    Ending::Failed(message) => {
                        eprintln!("error: {message}");
                        1
                    }
                })
            }
            Run::Request(request) => {
                if profile.is_some() {
                    anyhow::bail!(
                        "--cpu-prof replays records of `jsw run --record`; a request's profile comes \
                         from `jsw serve --cpu-prof`"
                    );
                }
                eprintln!(
                    "jsw replay: {} {} as recorded by jsw serve at {} ({} host values)",
                    request.request.method.escape_debug(),
                    request.request.uri.escape_debug(),
                    jsw::replay::human_time(record.made_at),
                    request.events.len()
                );
                if let Some(note) = record.masked_note() {
                    eprintln!("jsw replay: {note}");
                }
                let replayed = jsw::replay::http::replay(request, &wasm, session)?;
                // A diverged replay's response is not the request's: not shown.
                if let Some(divergence) = replayed.divergence {
                    return Ok(diverged(&record, &divergence, "handler"));
                }
                print_response(&replayed);
                let outcome = &replayed.outcome;
                if let Some(difference) = jsw::replay::request::compare(
                    request,
                    outcome,
                    &replayed.stdout,
                    &replayed.stderr,
                ) {
                    eprintln!("error: the replay did not reproduce the record: {difference}");
                    return Ok(DIVERGED);
                }
                let failure = request
                    .outcome
                    .failure
                    .as_deref()
                    .map(|f| format!(": {f}"))
                    .unwrap_or_default();
                eprintln!(
                    "jsw replay: reproduced the recorded request: status {}{failure}, {} body bytes, \
                     {} host values",
                    outcome.status,
                    outcome.body_length,
                    request.events.len()
                );
                Ok(0)
            }
        }
    }
}

/// Says where the replay left the record (and that masked values may be
/// why); `jsw replay`'s status for it.
fn diverged(record: &Record, divergence: &str, who: &str) -> i32 {
    eprintln!("error: {divergence}");
    if record.masked_note().is_some() {
        eprintln!(
            "  note: the replay saw masked values for {}: a {who} whose work depends on them \
             replays exactly only from a record made with --record-secrets",
            record.masked.join(", ")
        );
    }
    DIVERGED
}

/// The replayed response on stdout, as `curl -i` shows one.
fn print_response(replayed: &jsw::replay::http::Replayed) {
    use std::io::Write as _;
    let outcome = &replayed.outcome;
    let mut out = std::io::stdout().lock();
    let reason = http_reason(outcome.status);
    let _ = writeln!(out, "HTTP/1.1 {} {reason}", outcome.status);
    for (name, value) in &outcome.headers {
        let _ = writeln!(out, "{name}: {}", String::from_utf8_lossy(&value.0));
    }
    let _ = writeln!(out);
    // The body byte for byte (nothing added: it can be compared or saved).
    let _ = out.write_all(&replayed.body);
    let _ = out.flush();
}

fn http_reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

mod cli;
mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => usage_error(err),
    };
    if !matches!(
        cli.command,
        cli::Command::Serve(_) | cli::Command::Run(_) | cli::Command::Replay(_)
    ) {
        // As other Unix tools do: output into a closed pipe (`jsw bench ... |
        // head`) ends the process quietly. Rust ignores SIGPIPE, which turns
        // that into a panic in println!. The server keeps it ignored (a client
        // that goes away must not take it down), and so does `jsw run`, whose
        // program sees EPIPE and carries on, as under Node.
        #[cfg(unix)]
        // SAFETY: setting a signal's disposition to its default, before any
        // thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    match cli.execute() {
        Ok(status) => ExitCode::from(status.clamp(0, 255) as u8),
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "error: {err}");
            for cause in err.chain().skip(1) {
                let _ = write!(stderr, "\n  caused by: {cause}");
            }
            let _ = writeln!(stderr);
            ExitCode::from(1)
        }
    }
}

/// Prints a usage error as clap does, with a hint where users commonly go wrong,
/// and exits with clap's status (2; 0 for --help and --version).
fn usage_error(err: clap::Error) -> ! {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stray = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) if !arg.starts_with('-') => Some(arg.clone()),
        _ => None,
    };
    if err.kind() == ErrorKind::UnknownArgument
        && args.first().is_some_and(|a| a == "run")
        && let Some(arg) = stray
    {
        let rendered = err.render().to_string();
        let (head, rest) = rendered.split_once("\n\n").unwrap_or((&rendered, ""));
        eprintln!(
            "{head}\n\n  tip: arguments for the program go after `--`: jsw run MODULE -- {arg} ...\n\n{rest}"
        );
        std::process::exit(2);
    }
    err.exit()
}

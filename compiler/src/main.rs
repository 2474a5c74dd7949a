mod cli;
mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
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

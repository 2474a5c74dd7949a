//! The command line: one subcommand per file under `commands/`.

use clap::{Parser, Subcommand};

use crate::commands;

/// Compile TypeScript/JavaScript into pre-initialized WebAssembly (WASI) modules.
#[derive(Parser, Debug)]
#[command(name = "jsw", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Compile(commands::compile::CompileCommand),
    Run(commands::run::RunCommand),
    Bench(commands::bench::BenchCommand),
    // Boxed: its flags make it several times larger than the others.
    Serve(Box<commands::serve::ServeCommand>),
    Types(commands::types::TypesCommand),
    Replay(commands::replay::ReplayCommand),
}

impl Cli {
    pub fn execute(self) -> anyhow::Result<i32> {
        match self.command {
            Command::Compile(c) => c.execute(),
            Command::Run(c) => c.execute(),
            Command::Bench(c) => c.execute(),
            Command::Serve(c) => c.execute(),
            Command::Types(c) => c.execute(),
            Command::Replay(c) => c.execute(),
        }
    }
}

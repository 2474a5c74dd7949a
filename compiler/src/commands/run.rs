use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use jsw::runner::{self, RunOptions};

/// Run a WASI command module (jsw's or any other) with wasmtime.
///
/// stdin, stdout and stderr are connected; the module's exit status becomes jsw's.
/// Nothing else is granted unless asked for: no directories, no environment.
#[derive(Args, Debug)]
pub struct RunCommand {
    /// The module to run (.wasm).
    pub module: PathBuf,

    /// Give the module a host directory, at the same path or at GUEST
    /// (HOST::GUEST).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,

    /// Set an environment variable for the module.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,

    /// Arguments for the program (after `--`).
    #[arg(last = true)]
    pub args: Vec<String>,
}

impl RunCommand {
    pub fn execute(self) -> Result<i32> {
        let wasm = std::fs::read(&self.module)
            .with_context(|| format!("cannot read {}", self.module.display()))?;
        if !wasm.starts_with(b"\0asm") {
            anyhow::bail!(
                "{} is not a WebAssembly module (compile a program first: jsw compile app.ts)",
                self.module.display()
            );
        }
        let mut env = Vec::new();
        for pair in &self.env {
            let (k, v) = pair
                .split_once('=')
                .with_context(|| format!("--env {pair}: expected NAME=VALUE"))?;
            env.push((k.to_string(), v.to_string()));
        }
        let dirs = self
            .dirs
            .iter()
            .map(|d| match d.split_once("::") {
                Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
                None => (PathBuf::from(d), d.clone()),
            })
            .collect();
        let options = RunOptions {
            program_name: self
                .module
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            args: self.args,
            env,
            dirs,
        };
        runner::run(&wasm, &options).with_context(|| format!("running {}", self.module.display()))
    }
}

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use jsw::runner::{self, LimitExceeded, RunOptions};

use super::flags::{CacheFlags, CarryFlags, InspectFlags, LimitFlags, ProfileFlags};

/// Run a WASI command module (jsw's or any other), or a program source.
///
/// stdin, stdout and stderr are connected; the module's exit status becomes jsw's.
/// Nothing else is granted unless asked for: no directories, no environment.
/// Given a source file (.ts, .js, ...), jsw compiles it in memory first; what its
/// top level printed at build time is then printed before the run.
///
/// With --invoke, MODULE is a component (`jsw compile --wit`) and one of its
/// exports is called, as `wasmtime run --invoke` calls it; the results are
/// printed in WAVE.
#[derive(Args, Debug)]
pub struct RunCommand {
    /// The module (.wasm) or program source to run.
    pub module: PathBuf,

    /// Give the module a host directory, at the same path or at GUEST
    /// (HOST::GUEST).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,

    /// Set an environment variable for the module.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,

    /// Give the module all of jsw's own environment variables (before --env).
    #[arg(long)]
    pub inherit_env: bool,

    #[command(flatten)]
    pub limits: LimitFlags,

    #[command(flatten)]
    pub cache: CacheFlags,

    #[command(flatten)]
    pub carry: CarryFlags,

    /// Run a `.cwasm` written by `jsw compile --precompile`. It is machine code
    /// for this machine and this jsw's wasmtime: trust it as a native binary.
    #[arg(long)]
    pub allow_precompiled: bool,

    /// Arguments for the program (after `--`).
    /// Call this export of a component instead, written in WAVE (e.g.
    /// 'version()', 'add(1, 2)'); its results are printed one per line. Host
    /// functions of the world other than WASI's fail if the export calls them.
    #[arg(long, value_name = "CALL")]
    pub invoke: Option<String>,

    #[command(flatten)]
    pub profile: ProfileFlags,

    #[command(flatten)]
    pub inspect: InspectFlags,

    /// Record the run into FILE: every value the host gives the program
    /// (arguments, environment, clock readings, random bytes, stdin, the
    /// files it reads), for `jsw replay FILE` to run it again exactly.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// Keep the environment's values in the record (else each value is
    /// masked, and a replay sees `*`s).
    #[arg(long, requires = "record")]
    pub record_secrets: bool,

    /// Keep this variable's value in the record: it is no secret (repeatable;
    /// e.g. --record-keep NODE_ENV).
    #[arg(long, value_name = "NAME", requires = "record")]
    pub record_keep: Vec<String>,

    #[arg(last = true)]
    pub args: Vec<String>,
}

impl RunCommand {
    pub fn execute(self) -> Result<i32> {
        if let Some(call) = &self.invoke {
            if self.record.is_some() {
                anyhow::bail!(
                    "--record records a WASI command's run; --invoke calls a component's export, \
                     which jsw does not record"
                );
            }
            let wasm = std::fs::read(&self.module)
                .with_context(|| format!("cannot read {}", self.module.display()))?;
            if !jsw::component::is_component(&wasm) {
                anyhow::bail!(
                    "{} is not a component: --invoke calls the exports of a component built with `jsw compile --wit`",
                    self.module.display()
                );
            }
            for line in jsw::component::invoke::run(&wasm, call)? {
                println!("{line}");
            }
            return Ok(0);
        }
        let profile = self.profile.options();
        let is_source = jsw::bundle::is_program_source(&self.module);
        let inspect = self.inspect.address()?;
        if inspect.is_some() {
            check_inspect(&self, is_source, profile.is_some())?;
        }
        // Modules are read by the runner (or not at all, when their compiled code
        // is cached); sources are compiled here first.
        let mut build_output = None;
        let wasm = if !is_source {
            if !self.module.exists() {
                std::fs::read(&self.module)
                    .with_context(|| format!("cannot read {}", self.module.display()))?;
            }
            None
        } else {
            let options = jsw::Options {
                cache: self.cache.cache(),
                bundle: jsw::bundle::Options {
                    encodings: self.carry.encodings.clone(),
                    locales: self.carry.locales.clone(),
                    ..Default::default()
                },
                debug: inspect.is_some(),
                ..Default::default()
            };
            let compiled = match jsw::compile(&self.module, &options) {
                Ok(c) => c,
                Err(err) => {
                    if let Some(failed) = err.downcast_ref::<jsw::BuildFailed>() {
                        super::compile::show_build_output(&failed.output);
                    }
                    return Err(err);
                }
            };
            if compiled.kind != jsw::Kind::Command {
                let name = self.module.display().to_string();
                return Err(
                    runner::BadInput(jsw::component::not_a_command(&name, &compiled.wasm)).into(),
                );
            }
            // Run from source, the top level's output belongs to the program's.
            let _ = std::io::stdout().write_all(&compiled.output.stdout);
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().write_all(&compiled.output.stderr);
            build_output = Some(compiled.output);
            Some(compiled.wasm)
        };
        let mut env: Vec<(String, String)> = if self.inherit_env {
            std::env::vars().collect()
        } else {
            Vec::new()
        };
        for pair in &self.env {
            let (k, v) = pair
                .split_once('=')
                .with_context(|| format!("--env {pair}: expected NAME=VALUE"))?;
            env.retain(|(name, _)| name != k);
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
        if let Some(file) = &self.record {
            jsw::replay::check_record_path(file, &self.module)?;
        }
        let tape = self
            .record
            .as_ref()
            .map(|_| jsw::replay::p1::Tape::record(self.record_secrets, self.record_keep.clone()));
        let session = match inspect {
            Some((address, wait)) => {
                Some(jsw::debugger::Session::start(address, wait, &self.module)?)
            }
            None => None,
        };
        let started = jsw::replay::now();
        let options = RunOptions {
            program_name: self
                .module
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            args: self.args,
            env,
            dirs,
            max_memory: self.limits.max_memory,
            timeout: self.limits.timeout,
            fuel: self.limits.fuel,
            cache: self.cache.cache(),
            allow_precompiled: self.allow_precompiled,
            profile,
            tape: tape.clone(),
            inspect: session,
        };
        let result = match &wasm {
            Some(wasm) => runner::run(wasm, &options),
            None => runner::run_file(&self.module, &options),
        };
        if let (Some(file), Some(tape)) = (&self.record, tape) {
            let ending = jsw::replay::p1::ending_of(&result);
            let run = jsw::replay::p1::Recorded {
                module: &self.module,
                compiled: wasm.as_deref(),
                build_output: build_output
                    .as_ref()
                    .map(|o| (o.stdout.as_slice(), o.stderr.as_slice())),
                secrets: self.record_secrets,
                started,
                options: &options,
                tape,
                ending,
            };
            let calls = run.save(file)?;
            let kept = if wasm.is_some() {
                " (its module is kept in modules/ beside it)"
            } else {
                ""
            };
            eprintln!(
                "jsw: recorded the run in {}{kept} ({calls} host calls); replay it with `jsw replay {}`",
                file.display(),
                file.display()
            );
        }
        match result {
            Ok(status) => Ok(status),
            Err(err) => match err.downcast_ref::<LimitExceeded>() {
                Some(limit) => {
                    eprintln!("error: {limit}");
                    Ok(limit.status)
                }
                None if err.downcast_ref::<runner::BadInput>().is_some() => Err(err),
                None => Err(err.context(format!("running {}", self.module.display()))),
            },
        }
    }
}

/// What `--inspect` cannot go with, said before anything is built.
fn check_inspect(run: &RunCommand, is_source: bool, profiling: bool) -> Result<()> {
    if run.invoke.is_some() {
        anyhow::bail!("--inspect debugs a command's run; --invoke calls a component's export");
    }
    if !is_source {
        anyhow::bail!(
            "--inspect debugs a program from its source: jsw builds it with its debug engine, which \
             {} was not built with; give the program's source (e.g. `jsw run app.ts --inspect`)",
            run.module.display()
        );
    }
    if run.record.is_some() {
        anyhow::bail!(
            "--record and --inspect do not go together: record the run without the debugger, then \
             debug its replay (`jsw replay FILE --inspect`), which runs it exactly again"
        );
    }
    if run.limits.timeout.is_some() {
        anyhow::bail!(
            "--timeout bounds the run's wall-clock time, which a run paused in the debugger spends \
             waiting: leave --timeout out under --inspect"
        );
    }
    if profiling {
        anyhow::bail!(
            "--cpu-prof and --inspect do not go together: a paused run's profile measures the pause"
        );
    }
    Ok(())
}

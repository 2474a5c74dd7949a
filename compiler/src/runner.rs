//! Runs WASI preview 1 command modules (jsw's or any other tool's) with wasmtime,
//! granting nothing unless asked and enforcing the limits asked for.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use wasmtime::{Config, Engine, Linker, Store, Trap};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

use crate::WasmtimeResultExt;

/// What the module is given. Nothing is granted unless asked for.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `argv[0]` as the program sees it.
    pub program_name: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Host directory and the path the module sees it at.
    pub dirs: Vec<(PathBuf, String)>,
    /// Most bytes of linear memory the module may have.
    pub max_memory: Option<u64>,
    /// Wall-clock time the module may run.
    pub timeout: Option<Duration>,
    /// wasm instructions (fuel units) the module may execute.
    pub fuel: Option<u64>,
    /// Use the compiled-code cache.
    pub cache: bool,
    /// Accept a precompiled `.cwasm` (machine code, trusted like a native binary).
    pub allow_precompiled: bool,
    /// `--cpu-prof`: profile the run's JS and write a `.cpuprofile`.
    pub profile: Option<crate::profile::ProfileOptions>,
    /// Record the run's WASI calls, or replay them (`jsw run --record`,
    /// `jsw replay`; see replay/p1.rs).
    pub tape: Option<crate::replay::p1::Shared>,
    /// `--inspect`: the module was built with the debug engine, and talks to
    /// this debugger (see debugger/).
    pub inspect: Option<crate::debugger::Session>,
}

/// The file given to run is not something that can run.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// A limit the module ran into; the message names the limit.
#[derive(Debug)]
pub struct LimitExceeded {
    pub message: String,
    pub status: i32,
}

impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LimitExceeded {}

fn config(options: &RunOptions) -> Config {
    crate::wasmtime_config::EngineConfig::new()
        .epochs(options.timeout.is_some())
        .fuel(options.fuel.is_some())
        .shared_code(options.cache)
        .config()
}

/// Machine code of `wasm` for wasmtime's default settings (a `.cwasm`).
pub fn precompile(wasm: &[u8]) -> Result<Vec<u8>> {
    let engine =
        Engine::new(&config(&RunOptions::default())).context_wt("creating the wasmtime engine")?;
    engine
        .precompile_module(wasm)
        .context_wt("compiling the module")
}

struct State {
    wasi: WasiP1Ctx,
    limits: crate::store::MemoryLimit,
}

/// Runs `wasm` with the process's stdin/stdout/stderr and returns its exit status.
pub fn run(wasm: &[u8], options: &RunOptions) -> Result<i32> {
    crate::on_big_stack(|| {
        if crate::component::is_component(wasm) {
            return Err(BadInput(crate::component::not_a_command("this module", wasm)).into());
        }
        let engine = Engine::new(&config(options)).context_wt("creating the wasmtime engine")?;
        let module = crate::cache::module(&engine, wasm, options.cache)?;
        run_module(&engine, &module, options)
    })
}

/// Runs the module in the file `path`. With the cache on, an unchanged file that
/// ran before is not even read: its machine code is mapped straight from the cache.
pub fn run_file(path: &std::path::Path, options: &RunOptions) -> Result<i32> {
    crate::on_big_stack(|| {
        let engine = Engine::new(&config(options)).context_wt("creating the wasmtime engine")?;
        let cached = if options.cache {
            crate::cache::module_by_file(&engine, path)
        } else {
            None
        };
        let module = match cached {
            Some(m) => m,
            None => {
                let wasm = std::fs::read(path)
                    .map_err(|e| BadInput(format!("cannot read {}: {e}", path.display())))?;
                if wasm.starts_with(b"\x7fELF") {
                    return run_precompiled(&engine, path, options);
                }
                if !wasm.starts_with(b"\0asm") {
                    return Err(BadInput(format!(
                        "{} is not a WebAssembly module (compile a program first: jsw compile app.ts)",
                        path.display()
                    ))
                    .into());
                }
                if crate::component::is_component(&wasm) {
                    let name = path.display().to_string();
                    return Err(BadInput(crate::component::not_a_command(&name, &wasm)).into());
                }
                let m = crate::cache::module(&engine, &wasm, options.cache)?;
                if options.cache {
                    crate::cache::remember_file(&engine, path, &wasm);
                }
                m
            }
        };
        run_module(&engine, &module, options)
    })
}

/// Runs a `.cwasm` written by `jsw compile --precompile`. It is machine code, so
/// like wasmtime's `--allow-precompiled` it is only loaded when asked for.
fn run_precompiled(engine: &Engine, path: &std::path::Path, options: &RunOptions) -> Result<i32> {
    if !options.allow_precompiled {
        return Err(BadInput(format!(
            "{} is precompiled machine code (a .cwasm), not a WebAssembly module: run the .wasm it was \
             made from, or pass --allow-precompiled if you trust this file as you would a native binary",
            path.display()
        ))
        .into());
    }
    // SAFETY: the user vouched for the file (--allow-precompiled); wasmtime still
    // checks that it was compiled by this wasmtime version with these settings.
    let module = unsafe { wasmtime::Module::deserialize_file(engine, path) }.map_err(|e| {
        BadInput(format!(
            "cannot load {}: {e} (a .cwasm only loads in the jsw or wasmtime {} that compiled it, \
             with its default settings: --timeout and --fuel need the .wasm)",
            path.display(),
            WASMTIME_VERSION
        ))
    })?;
    run_module(engine, &module, options)
}

/// The wasmtime whose machine code `--precompile` writes.
pub const WASMTIME_VERSION: &str = "48.0.8";

fn run_module(engine: &Engine, module: &wasmtime::Module, options: &RunOptions) -> Result<i32> {
    let engine = engine.clone();
    if module.get_export("_start").is_none() {
        bail!(
            "the module has no `_start` export: it is not a WASI command (a reactor or library module cannot be run)"
        );
    }
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio();
    let mut argv = vec![options.program_name.clone()];
    argv.extend(options.args.iter().cloned());
    builder.args(&argv);
    builder.envs(&options.env);
    for (host, guest) in &options.dirs {
        builder
            .preopened_dir(host, guest, FsPerms::ReadWrite)
            .context_wt(format!(
                "cannot give the module access to {}",
                host.display()
            ))?;
    }
    let mut store = Store::new(
        &engine,
        State {
            wasi: builder.build_p1(),
            limits: crate::store::MemoryLimit::new(
                options
                    .max_memory
                    .map(|bytes| bytes.try_into().unwrap_or(usize::MAX)),
            ),
        },
    );
    store.limiter(|s| &mut s.limits);
    if let Some(fuel) = options.fuel {
        store.set_fuel(fuel).context_wt("setting fuel")?;
    }
    if let Some(timeout) = options.timeout {
        store.set_epoch_deadline(1);
        store.epoch_deadline_trap();
        let ticker = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            ticker.increment_epoch();
        });
    }
    // wasmtime-wasi runs each WASI call on a tokio runtime. Without one of ours
    // it starts its own, with a worker thread per core: on a 2-core machine two
    // thread starts and a cgroup probe (~0.3 ms of a 5 ms `jsw run`), and more
    // on bigger ones. One worker drives the timers and I/O a module waits on.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("starting the I/O runtime")?;
    let _runtime = BackgroundShutdown(Some(runtime));
    let _enter = _runtime.0.as_ref().map(|r| r.enter());
    let mut linker: Linker<State> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s| &mut s.wasi)?;
    crate::host::full_exit_status(&mut linker)?;
    if let Some(tape) = &options.tape {
        linker =
            crate::replay::p1::wrap(&engine, module, tape.clone(), |s: &mut State| &mut s.wasi)?;
    }
    if let Some(session) = &options.inspect {
        crate::debugger::add_to_linker(&mut linker, session.inspector.clone())?;
    }
    let instance = linker
        .instantiate(&mut store, module)
        .context_wt("instantiating the module")?;
    let profiler = match &options.profile {
        Some(profile) => Some(crate::profile::prepare(&mut store, &instance, profile)?),
        None => None,
    };
    let mut flags = options.profile.as_ref().map_or(0, |p| p.flags());
    if let Some(session) = &options.inspect {
        flags |= session.flags();
    }
    crate::host::configure_with(&mut store, &instance, flags)?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .context_wt("finding _start")?;
    let outcome = start.call(&mut store, ());
    if let Some(session) = &options.inspect {
        session.inspector.finish();
    }
    // However the run ended (an exit status, an error), its profile is written.
    if let (Some(profiler), Some(profile)) = (&profiler, &options.profile)
        && !matches!(&outcome, Err(e) if e.downcast_ref::<Trap>().is_some())
    {
        profiler.write(&mut store, &instance, profile)?;
    }
    let err = match outcome {
        Ok(()) => return Ok(0),
        Err(err) => err,
    };
    if let Some(&I32Exit(status)) = err.downcast_ref::<I32Exit>() {
        // The program saw `out of memory` as an error; if it then failed, say why.
        if status != 0 && store.data().limits.refused() {
            return Err(LimitExceeded {
                message: out_of_memory(options.max_memory),
                status,
            }
            .into());
        }
        return Ok(status);
    }
    let limit = match err.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => options.timeout.map(|t| LimitExceeded {
            message: format!("the module ran longer than --timeout {}", human_duration(t)),
            status: 124,
        }),
        Some(Trap::OutOfFuel) => options.fuel.map(|f| LimitExceeded {
            message: format!("the module executed more than --fuel {f} instructions"),
            status: 1,
        }),
        _ => None,
    };
    let limit = limit.or_else(|| {
        // Memory ran out where the program could not see it as an error (e.g.
        // an allocator that aborts), so the trap is the limit's doing.
        store.data().limits.refused().then(|| LimitExceeded {
            message: out_of_memory(options.max_memory),
            status: 1,
        })
    });
    match limit {
        Some(l) => Err(l.into()),
        None => Err(anyhow::Error::from(err).context("the module trapped")),
    }
}

/// Drops the runtime without waiting for its blocking tasks: a read from a
/// terminal that the module abandoned by exiting must not keep `jsw run` alive.
struct BackgroundShutdown(Option<tokio::runtime::Runtime>);

impl Drop for BackgroundShutdown {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

fn out_of_memory(max_memory: Option<u64>) -> String {
    match max_memory {
        Some(max) => format!(
            "the module needed more memory than --max-memory {}",
            human_bytes(max)
        ),
        None => "the module ran out of memory (wasm32 linear memory ends at 4GiB, or the host \
                 could not map more)"
            .to_string(),
    }
}

/// `12.5MiB` → (12.5, "MiB"); `what` names the kind of quantity in the error.
fn number_and_unit<'a>(s: &'a str, what: &str) -> Result<(f64, &'a str), String> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n = number.parse().map_err(|_| format!("`{s}` is not {what}"))?;
    Ok((n, unit.trim()))
}

/// `2s`, `500ms`, `1.5m`, `1h`, or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (n, unit) = number_and_unit(s, "a duration (e.g. 500ms, 2s, 1m)")?;
    let seconds = match unit {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1000.0,
        "us" | "µs" => n / 1e6,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{s}` (use ms, s, m or h)"
            ));
        }
    };
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err(format!("`{s}` is not a positive duration"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `64MiB`, `512KiB`, `1GiB`, `64MB`, `64M`, or plain bytes.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (n, unit) = number_and_unit(s, "a size (e.g. 64MiB)")?;
    let factor: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "kb" => 1e3,
        "m" | "mib" => 1024.0 * 1024.0,
        "mb" => 1e6,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "gb" => 1e9,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{s}` (use KiB, MiB or GiB)"
            ));
        }
    };
    let bytes = n * factor;
    if !(bytes >= 1.0 && bytes.is_finite()) {
        return Err(format!("`{s}` is not a positive size"));
    }
    Ok(bytes as u64)
}

fn human_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms}ms")
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

fn human_bytes(b: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if b.is_multiple_of(MIB) {
        format!("{}MiB", b / MIB)
    } else {
        format!("{b} bytes")
    }
}

//! Pre-initialization: run the engine's `wizer-initialize` with the program on its
//! stdin inside a sandbox that has no files, no environment and no arguments, then
//! let Wizer write the instance's memory and globals out as a new module.
//!
//! Clocks and randomness in the sandbox are fixed, so the same program always gives
//! the same bytes.

use std::fmt;
use std::time::Duration;

use anyhow::Result;

use crate::WasmtimeResultExt;
use wasmtime::{Instance, Linker, Store, StoreLimits, StoreLimitsBuilder, Trap};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, I32Exit, WasiCtxBuilder};
use wasmtime_wizer::{InstanceState, SnapshotVal, ValType, Wizer};

use crate::bundle::Bundle;
use crate::wasmtime_config::EngineConfig;
use jsw_wire::BuildExit;

/// The init function the engine exports.
const INIT_FUNC: &str = jsw_wire::names::INIT_EXPORT;
/// Build-time output beyond this is cut off (the program is then told stdout is full).
const OUTPUT_LIMIT: usize = 16 * 1024 * 1024;

/// How much of the program runs before the snapshot is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Evaluate the top level at build time when the entry exports a start function;
    /// otherwise compile everything and run the whole program at start.
    Snapshot,
    /// Keep only the program text: engine, globals and program all start at run time.
    /// For measuring what the snapshot saves.
    NoSnapshot,
}

/// What the program printed while it was being pre-initialized.
#[derive(Debug, Clone, Default)]
pub struct BuildOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// The top level failed (threw, exited or trapped) at build time.
#[derive(Debug)]
pub struct BuildFailed {
    pub output: BuildOutput,
    pub reason: String,
    /// The exit status, when the top level exited.
    pub status: Option<i32>,
}

impl fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for BuildFailed {}

impl BuildFailed {
    /// The top level ran, but the world's exports are missing or mistyped
    /// (stderr says which).
    pub fn is_world_mismatch(&self) -> bool {
        self.status == Some(BuildExit::WorldMismatch.status())
    }

    /// The top level ran, but left no fetch handler behind. (A program could
    /// exit with the same status itself; the engine's line tells them apart.)
    pub fn is_no_handler(&self) -> bool {
        self.status == Some(BuildExit::NoHandler.status())
            && self
                .output
                .stderr
                .ends_with(jsw_wire::exit::NO_HANDLER_LINE.as_bytes())
    }
}

pub struct Snapshot {
    pub wasm: Vec<u8>,
    pub output: BuildOutput,
}

/// The payload of a command (`mode`) or, with `http`, of a `wasi:http`
/// component: the bundle in the engine's terms (the `jsw-wire` crate).
pub fn encode_payload(bundle: &Bundle, mode: Mode, http: bool) -> Vec<u8> {
    payload(bundle, wire_mode(mode, http, bundle), Vec::new()).encode()
}

/// An HTTP handler's payload: the program, then the table of the host
/// imports its bindings use (compiler/src/bindings/guest.rs).
pub fn encode_http_payload(bundle: &Bundle, mode: Mode, table: &[u8]) -> Vec<u8> {
    payload(bundle, wire_mode(mode, true, bundle), table.to_vec()).encode()
}

/// A plugin's payload: the program, then the world's table.
pub fn encode_plugin_payload(bundle: &Bundle, table: &[u8]) -> Vec<u8> {
    payload(bundle, jsw_wire::Mode::Wit, table.to_vec()).encode()
}

/// The engine's mode for a build: how much of the program runs before the
/// snapshot follows from the user's `Mode` and from whether the entry exports
/// a function to start with.
fn wire_mode(mode: Mode, http: bool, bundle: &Bundle) -> jsw_wire::Mode {
    match (mode, &bundle.entry_export) {
        _ if http => jsw_wire::Mode::Http,
        (Mode::NoSnapshot, _) => jsw_wire::Mode::Deferred,
        (Mode::Snapshot, Some(_)) => jsw_wire::Mode::Snapshot,
        (Mode::Snapshot, None) => jsw_wire::Mode::Script,
    }
}

fn payload(bundle: &Bundle, mode: jsw_wire::Mode, wit: Vec<u8>) -> jsw_wire::Payload {
    jsw_wire::Payload {
        mode,
        entry: bundle.entry.clone(),
        entry_export: bundle.entry_export.clone(),
        modules: bundle
            .modules
            .iter()
            .map(|module| jsw_wire::Module {
                kind: module.kind,
                name: module.name.clone(),
                source: module.code.clone(),
                positions: jsw_wire::positions::pack(&module.positions),
                imports: module.imports.clone(),
                verbatim: module.verbatim,
            })
            .collect(),
        wit,
    }
}

/// Bounds on the build-time run of the top level.
#[derive(Debug, Clone, Copy)]
pub struct BuildLimits {
    /// Wall-clock time the top level may take.
    pub timeout: Duration,
    /// Linear memory the engine may grow to.
    pub max_memory: u64,
}

impl Default for BuildLimits {
    fn default() -> Self {
        BuildLimits {
            timeout: Duration::from_secs(60),
            max_memory: 1 << 30,
        }
    }
}

struct BuildState {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
}

/// Pre-initializes `engine_wasm` with `payload` and returns the snapshot module.
/// `entry` names the program in errors.
pub fn snapshot(
    engine_wasm: &[u8],
    payload: Vec<u8>,
    entry: &str,
    use_cache: bool,
    limits: BuildLimits,
) -> Result<Snapshot> {
    crate::on_big_stack(|| snapshot_here(engine_wasm, payload, entry, use_cache, limits))
}

fn snapshot_here(
    engine_wasm: &[u8],
    payload: Vec<u8>,
    entry: &str,
    use_cache: bool,
    limits: BuildLimits,
) -> Result<Snapshot> {
    // This instance runs once and is thrown away: compile it as fast as possible.
    let engine = EngineConfig::new().fast_compile().epochs(true).engine()?;

    let wizer = {
        let mut w = Wizer::new();
        w.init_func(INIT_FUNC);
        w
    };
    let (cx, instrumented) = wizer
        .instrument(engine_wasm)
        .context_wt("instrumenting the engine")?;
    // The instrumented engine is the same for every program: its machine code is
    // cached, which turns a ~1.5 s Cranelift job into a millisecond load.
    let module = crate::cache::module(&engine, &instrumented, use_cache)?;

    let stdout = MemoryOutputPipe::new(OUTPUT_LIMIT);
    let stderr = MemoryOutputPipe::new(OUTPUT_LIMIT);
    let fixed = || wasmtime_wasi::Deterministic::new(vec![0x4a, 0x53, 0x57, 0x21]);
    let wasi = WasiCtxBuilder::new()
        .stdin(MemoryInputPipe::new(payload))
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .wall_clock(FixedClock)
        .monotonic_clock(FixedClock)
        .secure_random(fixed())
        .insecure_random(fixed())
        .insecure_random_seed(0)
        .build_p1();
    // Memory that cannot grow makes QuickJS's allocations fail, which the program
    // sees as an "out of memory" error rather than the build dying.
    let store_limits = StoreLimitsBuilder::new()
        .memory_size(limits.max_memory.try_into().unwrap_or(usize::MAX))
        .build();
    let mut store = Store::new(
        &engine,
        BuildState {
            wasi,
            limits: store_limits,
        },
    );
    store.limiter(|s| &mut s.limits);
    store.set_epoch_deadline(1);
    store.epoch_deadline_trap();
    let done = std::sync::Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let watchdog = {
        let (engine, done) = (engine.clone(), done.clone());
        std::thread::spawn(move || {
            let (lock, cvar) = &*done;
            let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            let (finished, _) = cvar
                .wait_timeout_while(guard, limits.timeout, |d| !*d)
                .unwrap_or_else(|e| e.into_inner());
            if !*finished {
                engine.increment_epoch();
            }
        })
    };
    let mut linker: Linker<BuildState> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s| &mut s.wasi)?;
    // The HTTP engine imports wasi:http, which the top level cannot reach at
    // build time (the engine does not call it before a request arrives).
    linker
        .define_unknown_imports_as_traps(&module)
        .context_wt("linking the engine")?;
    let instance = linker
        .instantiate(&mut store, &module)
        .context_wt("instantiating the engine")?;
    let init = instance
        .get_typed_func::<(), ()>(&mut store, INIT_FUNC)
        .context_wt("finding the init function")?;
    let result = init.call(&mut store, ());
    {
        let (lock, cvar) = &*done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cvar.notify_all();
    }
    let _ = watchdog.join();

    let output = BuildOutput {
        stdout: stdout.contents().to_vec(),
        stderr: stderr.contents().to_vec(),
    };
    if let Err(err) = result {
        let reason = match (err.downcast_ref::<I32Exit>(), err.downcast_ref::<Trap>()) {
            (Some(I32Exit(status)), _) => {
                format!("the top level of {entry} failed at build time (exit status {status})")
            }
            (_, Some(Trap::Interrupt)) => format!(
                "the top level of {entry} did not finish within {}s at build time (an endless loop? work that belongs in main()?); \
                 raise the limit with --build-timeout",
                limits.timeout.as_secs_f64()
            ),
            _ => format!("the engine trapped at build time while running {entry}: {err:?}"),
        };
        let status = err.downcast_ref::<I32Exit>().map(|e| e.0);
        return Err(BuildFailed {
            output,
            reason,
            status,
        }
        .into());
    }

    let wasm = pollster::block_on(wizer.snapshot(
        &cx,
        &mut Instantiated {
            store: &mut store,
            instance,
        },
    ))
    .context_wt("writing the snapshot")?;
    Ok(Snapshot { wasm, output })
}

/// Wizer reads globals and memory through this.
struct Instantiated<'a> {
    store: &'a mut Store<BuildState>,
    instance: Instance,
}

impl InstanceState for Instantiated<'_> {
    async fn global_get(&mut self, name: &str, _type_hint: ValType) -> SnapshotVal {
        let global = self.instance.get_global(&mut *self.store, name);
        match global.map(|g| g.get(&mut *self.store)) {
            Some(wasmtime::Val::I32(x)) => SnapshotVal::I32(x),
            Some(wasmtime::Val::I64(x)) => SnapshotVal::I64(x),
            Some(wasmtime::Val::F32(x)) => SnapshotVal::F32(x),
            Some(wasmtime::Val::F64(x)) => SnapshotVal::F64(x),
            Some(wasmtime::Val::V128(x)) => SnapshotVal::V128(x.as_u128()),
            // The instrumented engine exports every global it has; wizer only asks for those.
            other => unreachable!("global {name} cannot be snapshotted: {other:?}"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        match self.instance.get_memory(&mut *self.store, name) {
            Some(memory) => contents(memory.data(&*self.store)),
            None => unreachable!("memory {name} is exported by the instrumented engine"),
        }
    }
}

/// Time stands still at build time: 1970-01-01T00:00:00Z on the wall clock and 0 on
/// the monotonic clock, so that nothing the build observes can differ between builds.
struct FixedClock;

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        0
    }
}

//! In-process start-up measurements of WASI command modules, done the way an
//! embedder that cares about latency would run them: the module compiled once,
//! `InstancePre` so that linking is resolved once, copy-on-write memory images, and
//! a fresh instance (fresh store) for every sample.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use wasmtime::{Engine, InstancePre, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

use crate::WasmtimeResultExt;
use crate::wasmtime_config::EngineConfig;

/// The smallest WASI command: an exported memory and an empty `_start`. Its
/// instantiate+run time is the floor no module can go below in this harness.
pub const EMPTY_MODULE: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page
    0x07, 0x13, 0x02, // export section, 2 exports
    0x06, b'_', b's', b't', b'a', b'r', b't', 0x00, 0x00, // "_start" func 0
    0x06, b'm', b'e', b'm', b'o', b'r', b'y', 0x02, 0x00, // "memory" memory 0
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section: empty body
];

#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Measured instances per module.
    pub iterations: usize,
    /// Unmeasured instances first (page cache, branch predictors, lazy init).
    pub warmup: usize,
    /// Use wasmtime's pooling allocator instead of on-demand allocation.
    pub pooling: bool,
    /// Given to every instance on stdin.
    pub stdin: Vec<u8>,
    /// HTTP components: the path (and query) of the `GET` each request sends.
    pub path: String,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            iterations: 200,
            warmup: 20,
            pooling: false,
            stdin: Vec::new(),
            path: "/".to_string(),
        }
    }
}

/// One module's figures.
#[derive(Debug, Clone)]
pub struct Report {
    pub name: String,
    pub size: usize,
    pub instantiate: Summary,
    pub run: Summary,
    /// Dropping the instance (unmapping, or resetting it for the pool).
    pub teardown: Summary,
    /// instantiate + run + teardown of one instance.
    pub total: Summary,
    /// Linear memory size when the run ended, in bytes.
    pub memory: u64,
    /// wasm instructions executed by one run (fuel units).
    pub fuel: u64,
    /// Page faults taken by one instance (median), where the OS counts them.
    pub faults: Option<u64>,
    /// A run split where the module tells (jsw modules): `_start` up to the
    /// engine's `main`, the program, and the exit after it.
    pub phases: Option<Phases>,
    /// Memory resident per live instance (bytes): what the OS counts for a batch
    /// of instances kept alive after their run, divided by their number.
    pub resident: Option<u64>,
    pub exit_status: i32,
}

#[derive(Debug, Clone, Copy)]
pub struct Phases {
    pub before_main: Summary,
    pub main: Summary,
    pub exit: Summary,
}

#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: Duration,
    pub p10: Duration,
    pub p90: Duration,
}

impl Summary {
    pub(crate) fn of(mut samples: Vec<Duration>) -> Summary {
        samples.sort_unstable();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Summary {
            median: at(0.5),
            p10: at(0.1),
            p90: at(0.9),
        }
    }
}

/// A module prepared for repeated instantiation.
struct Prepared {
    name: String,
    size: usize,
    pre: InstancePre<WasiP1Ctx>,
    instantiate: Vec<Duration>,
    run: Vec<Duration>,
    teardown: Vec<Duration>,
    total: Vec<Duration>,
    faults: Vec<u64>,
    phases: [Vec<Duration>; 3],
    memory: u64,
    exit_status: i32,
}

fn engine(pooling: bool, fuel: bool) -> Result<Engine> {
    let config = EngineConfig::new()
        .with(|config| {
            config.memory_init_cow(true);
            // proc_exit ends every run with a host error; capturing a backtrace
            // for it would be measured as start-up time.
            config.wasm_backtrace_max_frames(None);
        })
        .fuel(fuel);
    if pooling {
        config.pooling(pool()).engine()
    } else {
        config.engine()
    }
}

/// The pool `--pooling` measures with, kept as `jsw serve` keeps its own: an
/// instance's memory stays mapped when it goes back, and its private pages are
/// found with PAGEMAP_SCAN and copied back from the image, so the next
/// instance takes no faults.
pub(crate) fn pool() -> wasmtime::PoolingAllocationConfig {
    let mut pool = wasmtime::PoolingAllocationConfig::default();
    pool.pagemap_scan(wasmtime::Enabled::Auto)
        .linear_memory_keep_resident(16 << 20)
        .table_keep_resident(1 << 20);
    pool
}

fn prepare(engine: &Engine, name: &str, wasm: &[u8]) -> Result<InstancePre<WasiP1Ctx>> {
    let module = Module::new(engine, wasm).context_wt(format!("compiling {name}"))?;
    if module.get_export("_start").is_none() {
        bail!("{name} has no `_start` export: it is not a WASI command");
    }
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx)?;
    crate::host::full_exit_status(&mut linker)?;
    linker
        .instantiate_pre(&module)
        .context_wt(format!("linking {name}"))
}

/// The instant the bench's monotonic clock counts from: what a module reads from
/// WASI's monotonic clock is comparable with the host's `Instant`s.
fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

struct BenchClock;

impl wasmtime_wasi::HostMonotonicClock for BenchClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        base().elapsed().as_nanos() as u64
    }
}

fn wasi(stdin: &[u8]) -> WasiP1Ctx {
    WasiCtxBuilder::new()
        .monotonic_clock(BenchClock)
        .stdin(MemoryInputPipe::new(stdin.to_vec()))
        .stdout(MemoryOutputPipe::new(64 << 20))
        .stderr(MemoryOutputPipe::new(64 << 20))
        .args(&["bench"])
        .build_p1()
}

/// Minor page faults this thread has taken so far (Linux; None elsewhere).
pub(crate) fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // After "pid (comm)": state ppid pgrp session tty_nr tpgid flags minflt ...
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(7)?.parse().ok()
}

/// The median of counts, if there are any.
pub(crate) fn median(mut counts: Vec<u64>) -> Option<u64> {
    counts.sort_unstable();
    counts.get(counts.len() / 2).copied()
}

/// Resident memory of this process (Linux; None elsewhere).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// One run's figures.
struct Run {
    instantiate: Duration,
    run: Duration,
    memory: u64,
    status: i32,
    fuel: u64,
    faults: Option<u64>,
    /// Before `main`, `main`, exit, when the module recorded them.
    phases: Option<[Duration; 3]>,
    /// The instance, kept when asked (to count what live instances hold).
    store: Option<Store<WasiP1Ctx>>,
    /// Dropping the instance: unmapping its memory, or with the pooling
    /// allocator resetting it for the next one (zero when it is kept).
    teardown: Duration,
}

/// Instantiates and runs once.
fn once(pre: &InstancePre<WasiP1Ctx>, stdin: &[u8], fuel: bool, keep: bool) -> Result<Run> {
    let mut store = Store::new(pre.module().engine(), wasi(stdin));
    if fuel {
        store.set_fuel(u64::MAX).context_wt("setting fuel")?;
    }
    let faults_before = minor_faults();
    let t0 = Instant::now();
    let instance = pre.instantiate(&mut store).context_wt("instantiating")?;
    crate::host::configure_with(&mut store, &instance, crate::host::RECORD_PHASES)?;
    let t1 = Instant::now();
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .context_wt("finding _start")?;
    let status = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(&I32Exit(s)) => s,
            None => return Err(anyhow::Error::from(e).context("the module trapped")),
        },
    };
    let t2 = Instant::now();
    let faults = minor_faults()
        .zip(faults_before)
        .map(|(after, before)| after - before);
    let memory = instance
        .get_memory(&mut store, "memory")
        .map(|m| m.data_size(&store) as u64)
        .unwrap_or(0);
    let used = if fuel {
        u64::MAX - store.get_fuel().unwrap_or(u64::MAX)
    } else {
        0
    };
    let phases = phases_of(&mut store, &instance, t1, t2);
    let (store, teardown) = if keep {
        (Some(store), Duration::ZERO)
    } else {
        let t3 = Instant::now();
        drop(store);
        (None, t3.elapsed())
    };
    Ok(Run {
        instantiate: t1 - t0,
        run: t2 - t1,
        memory,
        status,
        fuel: used,
        faults,
        phases,
        store,
        teardown,
    })
}

/// The run split at the times the module noted (`jsw-phases`: when `main`
/// started, when the program was done), on the clock `base()` anchors.
fn phases_of(
    store: &mut Store<WasiP1Ctx>,
    instance: &wasmtime::Instance,
    start: Instant,
    end: Instant,
) -> Option<[Duration; 3]> {
    let address = instance
        .get_typed_func::<(), u32>(&mut *store, jsw_wire::names::PHASES_EXPORT)
        .ok()?
        .call(&mut *store, ())
        .ok()? as usize;
    let memory = instance.get_memory(&mut *store, "memory")?;
    let mut raw = [0u8; 16];
    memory.read(&*store, address, &mut raw).ok()?;
    let at = |i: usize| u64::from_le_bytes(raw[i * 8..i * 8 + 8].try_into().unwrap_or_default());
    let (main, done) = (at(0), at(1));
    let since = |t: Instant| t.duration_since(base()).as_nanos() as u64;
    if main == 0 || done < main || main < since(start) || since(end) < done {
        return None;
    }
    Some([
        Duration::from_nanos(main - since(start)),
        Duration::from_nanos(done - main),
        Duration::from_nanos(since(end) - done),
    ])
}

/// Live instances kept to count their resident memory.
pub const LIVE_INSTANCES: usize = 32;

/// Measures every module, interleaving them sample by sample so that a noisy
/// moment of the machine hits all of them alike.
pub fn bench(modules: &[(String, Vec<u8>)], options: &BenchOptions) -> Result<Vec<Report>> {
    crate::on_big_stack(|| bench_here(modules, options))
}

fn bench_here(modules: &[(String, Vec<u8>)], options: &BenchOptions) -> Result<Vec<Report>> {
    let timing = engine(options.pooling, false)?;
    let counting = engine(false, true)?;
    let mut prepared = Vec::new();
    for (name, wasm) in modules {
        prepared.push(Prepared {
            name: name.clone(),
            size: wasm.len(),
            pre: prepare(&timing, name, wasm)?,
            instantiate: Vec::with_capacity(options.iterations),
            run: Vec::with_capacity(options.iterations),
            teardown: Vec::with_capacity(options.iterations),
            total: Vec::with_capacity(options.iterations),
            faults: Vec::with_capacity(options.iterations),
            phases: Default::default(),
            memory: 0,
            exit_status: 0,
        });
    }
    for i in 0..options.warmup + options.iterations.max(1) {
        for p in &mut prepared {
            let Run {
                instantiate: inst,
                run,
                memory,
                status,
                faults,
                phases,
                teardown,
                ..
            } = once(&p.pre, &options.stdin, false, false)
                .with_context(|| format!("running {}", p.name))?;
            // A failing run measures the failure, not the program.
            if status != 0 {
                bail!(
                    "{} exited with status {status}: jsw bench measures runs that succeed \
                     (`jsw run` it to see why it fails)",
                    p.name
                );
            }
            if i >= options.warmup {
                p.instantiate.push(inst);
                p.run.push(run);
                p.teardown.push(teardown);
                p.total.push(inst + run + teardown);
                p.faults.extend(faults);
                if let Some(split) = phases {
                    for (list, d) in p.phases.iter_mut().zip(split) {
                        list.push(d);
                    }
                }
            }
            p.memory = p.memory.max(memory);
            p.exit_status = status;
        }
    }
    let mut reports = Vec::new();
    for ((name, wasm), p) in modules.iter().zip(prepared) {
        let counted = prepare(&counting, name, wasm)?;
        let fuel = once(&counted, &options.stdin, true, false)?.fuel;
        // What live instances hold: a batch kept after their runs, against the
        // process's resident memory before it.
        let before = resident_bytes();
        let mut live = Vec::with_capacity(LIVE_INSTANCES);
        for _ in 0..LIVE_INSTANCES {
            live.push(once(&p.pre, &options.stdin, false, true)?.store);
        }
        let resident = resident_bytes()
            .zip(before)
            .map(|(after, before)| after.saturating_sub(before) / LIVE_INSTANCES as u64);
        drop(live);
        let [before_main, main, exit] = p.phases;
        let phases = (!main.is_empty()).then(|| Phases {
            before_main: Summary::of(before_main),
            main: Summary::of(main),
            exit: Summary::of(exit),
        });
        reports.push(Report {
            name: p.name,
            size: p.size,
            instantiate: Summary::of(p.instantiate),
            run: Summary::of(p.run),
            teardown: Summary::of(p.teardown),
            total: Summary::of(p.total),
            memory: p.memory,
            fuel,
            faults: median(p.faults),
            phases,
            resident,
            exit_status: p.exit_status,
        });
    }
    Ok(reports)
}

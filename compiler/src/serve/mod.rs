//! `jsw serve`: an HTTP server that gives every request a fresh instance of a
//! wasi:http component (hyper in front, `wasmtime-wasi-http` behind, the shape of
//! the wasmtime CLI's `serve`).
//!
//! Instances come from a `ProxyPre` and the pooling allocator, so a request pays
//! for copy-on-write memory and the handler, not for start-up: the program's top
//! level ran when it was compiled. Nothing is shared between requests. Limits
//! (memory, time, fuel) apply per request, and exceeding one fails that request
//! only. The input is watched: a replaced component or an edited source is
//! swapped in without dropping a connection ([`app`]).

mod app;
pub mod bench;
mod body;
mod conn;
mod log;
pub(crate) mod outbound;
pub(crate) mod request;
mod workers;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use wasmtime::component::Linker;
use wasmtime::{Engine, PoolingAllocationConfig};

use crate::WasmtimeResultExt;
use crate::telemetry::{Telemetry, prometheus};
pub use app::Input;
pub use conn::{ClientLimits, default_max_connections};
use log::Log;
pub use outbound::allowed as host_allowed;

/// How often the epoch advances. A running instance yields to the other
/// requests of its thread at every tick, so this bounds how long a handler
/// that computes can keep them waiting (measured in the soak test: with 10 ms
/// ticks, normal requests beside a CPU-bound one had a p99 of 600 ms).
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(1);

/// Bytes of an instance's memory kept mapped between requests (see `engine`).
const KEEP_RESIDENT: usize = 16 << 20;

/// Per-request limits.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of linear memory an instance may grow to.
    pub max_memory: usize,
    /// Wall-clock time a request may take before it is answered 504.
    pub timeout: Duration,
    /// Fuel (roughly, wasm instructions) a request may use; None: unlimited.
    pub fuel: Option<u64>,
    /// CPU time a request's instance may compute for (to 1 ms), apart from
    /// the time it waits; None: only the wall clock (`timeout`) bounds it.
    pub cpu: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_memory: 128 << 20,
            timeout: Duration::from_secs(30),
            fuel: None,
            cpu: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    pub limits: Limits,
    /// Requests handled at once; more wait for a slot.
    pub concurrency: usize,
    /// No access log (errors are still printed).
    pub quiet: bool,
    /// Hosts outbound `fetch()` may reach.
    pub allow_hosts: Vec<String>,
    /// How a source input is compiled.
    pub compile: crate::Options,
    /// Watch the input and swap in new versions.
    pub watch: bool,
    /// Processes serving requests, each on one thread (see [`workers`]).
    pub workers: usize,
    /// What clients may do (timeouts, connections, body size).
    pub clients: ClientLimits,
    /// OpenTelemetry: `--otlp`, and the service name (see telemetry/).
    pub telemetry: crate::telemetry::Settings,
    /// `--metrics ADDR`: Prometheus text at `/metrics`.
    pub metrics: Option<SocketAddr>,
    /// `--log-format json`.
    pub log_json: bool,
    /// `--cpu-prof`: every request profiled, one profile per process.
    pub profile: Option<crate::profile::ProfileOptions>,
    /// `--env`, `--env-file`, `--config`, `--kv` (see bindings/).
    pub bindings: BindingOptions,
    /// `--record DIR`: requests kept for `jsw replay` (see replay/).
    pub record: Option<crate::replay::request::RecordOptions>,
    /// `--inspect`: every request's instance under the debugger (the
    /// component built with the debug engine; see debugger/).
    pub inspect: Option<crate::debugger::Session>,
}

/// What a handler reaches beside HTTP (see [`crate::bindings`]).
#[derive(Debug, Clone)]
pub struct BindingOptions {
    /// Environment variables, in order (the last of a name wins).
    pub env: Vec<(String, String)>,
    /// wasi:config values, in order (the last of a name wins).
    pub config: Vec<(String, String)>,
    /// Key-value bindings and where each keeps its data.
    pub kv: Vec<(String, crate::bindings::kv::Backend)>,
    /// Where the embedded store keeps its file.
    pub data_dir: std::path::PathBuf,
    /// Largest value a put may store.
    pub max_value: usize,
}

impl Default for BindingOptions {
    fn default() -> Self {
        BindingOptions {
            env: Vec::new(),
            config: Vec::new(),
            kv: Vec::new(),
            data_dir: ".jsw-data".into(),
            max_value: crate::bindings::kv::DEFAULT_MAX_VALUE,
        }
    }
}

impl BindingOptions {
    /// The environment variable that names the file (readable by this user
    /// alone) in which a supervisor hands a worker its bindings, as JSON.
    pub const WORKER_FILE: &str = "JSW_SERVE_BINDINGS_FILE";

    pub fn to_json(&self) -> String {
        let pairs = |list: &[(String, String)]| {
            list.iter()
                .map(|(k, v)| serde_json::json!([k, v]))
                .collect::<Vec<_>>()
        };
        let data_dir =
            std::path::absolute(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        serde_json::json!({
            "env": pairs(&self.env),
            "config": pairs(&self.config),
            "kv": self.kv.iter().map(|(name, backend)| match backend {
                crate::bindings::kv::Backend::Embedded => name.clone(),
                crate::bindings::kv::Backend::Redis { host, port, db } =>
                    format!("{name}=redis://{host}:{port}/{db}"),
            }).collect::<Vec<_>>(),
            "data_dir": data_dir.to_string_lossy(),
            "max_value": self.max_value,
        })
        .to_string()
    }

    pub fn from_json(text: &str) -> Result<BindingOptions> {
        let v: serde_json::Value =
            serde_json::from_str(text).context("reading the bindings a worker was given")?;
        let pairs = |key: &str| -> Vec<(String, String)> {
            v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string())))
                .collect()
        };
        let mut kv = Vec::new();
        for spec in v["kv"].as_array().into_iter().flatten() {
            kv.push(crate::bindings::kv::parse_binding(
                spec.as_str().unwrap_or_default(),
            )?);
        }
        Ok(BindingOptions {
            env: pairs("env"),
            config: pairs("config"),
            kv,
            data_dir: v["data_dir"].as_str().unwrap_or(".jsw-data").into(),
            max_value: v["max_value"]
                .as_u64()
                .map_or(crate::bindings::kv::DEFAULT_MAX_VALUE, |n| n as usize),
        })
    }

    /// Opens the stores (in this process) and gathers the values.
    pub fn open(&self) -> Result<Arc<crate::bindings::host::Host>> {
        Ok(Arc::new(crate::bindings::host::Host {
            env: self.env.clone(),
            config: self.config.clone(),
            buckets: Default::default(),
            stores: crate::bindings::kv::open_stores(&self.kv, &self.data_dir)?,
            max_value: self.max_value,
        }))
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            limits: Limits::default(),
            concurrency: 256,
            quiet: false,
            allow_hosts: Vec::new(),
            compile: crate::Options::default(),
            watch: true,
            workers: 1,
            clients: ClientLimits::default(),
            telemetry: crate::telemetry::Settings::default(),
            metrics: None,
            log_json: false,
            profile: None,
            bindings: BindingOptions::default(),
            record: None,
            inspect: None,
        }
    }
}

/// What every request reaches.
pub struct Server {
    engine: Engine,
    apps: Arc<app::Apps>,
    limits: Limits,
    permits: Arc<tokio::sync::Semaphore>,
    allow_hosts: Arc<Vec<String>>,
    log: Log,
    client_limits: ClientLimits,
    /// One per open connection (--max-connections).
    connections: Arc<tokio::sync::Semaphore>,
    telemetry: Telemetry,
    /// `--cpu-prof`: how, and the requests' profiles merged so far.
    profile: Option<(
        crate::profile::ProfileOptions,
        Arc<std::sync::Mutex<crate::profile::merge::Merged>>,
    )>,
    /// `--record`: which requests are kept, and where.
    recorder: Option<Arc<crate::replay::request::Recorder>>,
    /// `--inspect`: the debugger's session.
    debugger: Option<crate::debugger::Session>,
}

/// The address is taken: a one-line error for the CLI (exit status 1).
#[derive(Debug)]
pub struct AddrInUse(pub SocketAddr);

impl std::fmt::Display for AddrInUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot listen on {}: the address is in use (choose another with --addr)",
            self.0
        )
    }
}

impl std::error::Error for AddrInUse {}

/// The wasmtime engine for serving: async (requests wait on I/O without holding
/// a thread), pooled instances, epochs for timeouts, fuel when asked.
fn engine(options: &Options) -> Result<Engine> {
    let slots = options.concurrency.max(1) as u32;
    let mut pool = PoolingAllocationConfig::default();
    // One request is one component instance: the program's module, the
    // adapter's and the glue between them.
    pool.total_component_instances(slots)
        .total_core_instances(slots * 8)
        .total_memories(slots * 2)
        .total_tables(slots * 8)
        .max_memory_size(options.limits.max_memory)
        .max_core_instances_per_component(16)
        .max_memories_per_component(4)
        .max_tables_per_component(16)
        .total_stacks(slots)
        // A request dirties ~150 pages of the snapshot (QuickJS's heap and the
        // shadow stack). Returned to the pool, they are copied back from the image
        // and stay mapped (found with the PAGEMAP_SCAN ioctl where the kernel has
        // it), so the next request on the slot writes to them without a
        // copy-on-write fault, each of which costs a TLB shootdown across the
        // server's threads.
        .pagemap_scan(wasmtime::Enabled::Auto)
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(1 << 20);
    crate::wasmtime_config::EngineConfig::new()
        .epochs(true)
        .fuel(options.limits.fuel.is_some())
        .shared_code(options.compile.cache)
        .pooling(pool)
        .with(|config| {
            // Reserve only what an instance may use, so that the pool fits in memory.
            config.memory_reservation(options.limits.max_memory as u64);
            config.memory_reservation_for_growth(0);
        })
        .engine()
}

pub(crate) fn linker(engine: &Engine) -> Result<Linker<request::RequestState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).context_wt("linking WASI")?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
        .context_wt("linking wasi:http")?;
    crate::bindings::host::add_to_linker(&mut linker, request::RequestState::bindings_view)?;
    Ok(linker)
}

/// Serves `input` until SIGINT or SIGTERM, then drains in-flight requests.
/// `ready` is called with the bound address once the server accepts connections.
/// With more than one worker, this process supervises worker processes that
/// share its listening socket ([`workers`]).
pub fn serve(input: &Input, options: Options, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    // Each connection holds a file descriptor: the soft limit (often 1,024)
    // would refuse connections long before memory runs out.
    conn::raise_fd_limit();
    let worker = workers::inherited_listener()?;
    if worker.is_none() && options.workers > 1 {
        return workers::supervise(input, options, ready);
    }
    let engine = engine(&options)?;
    let mut linker = linker(&engine)?;
    if let Some(session) = &options.inspect {
        crate::debugger::add_to_component_linker(&mut linker, session.inspector.clone())?;
    }
    let log = Log {
        quiet: options.quiet,
        json: options.log_json,
        worker: worker.is_some(),
    };
    let telemetry = Telemetry::start(&crate::telemetry::Settings {
        prometheus: options.metrics.is_some(),
        ..options.telemetry.clone()
    })?;
    let profile = match &options.profile {
        Some(how) => {
            crate::profile::check_dir(how)?;
            Some((
                how.clone(),
                Arc::new(std::sync::Mutex::new(crate::profile::merge::Merged::new())),
            ))
        }
        None => None,
    };
    let bindings = options.bindings.open()?;
    let recorder = match &options.record {
        Some(record) => Some(Arc::new(crate::replay::request::Recorder::new(
            record.clone(),
        )?)),
        None => None,
    };
    let first =
        crate::on_big_stack(|| app::load(&engine, &linker, input, &options.compile, &bindings, 1))?;
    // A worker's supervisor said these already.
    if worker.is_none() {
        for note in &first.notes {
            log.notice(&format!("note: {note}"));
        }
    }
    let apps = Arc::new(app::Apps::new(first));
    // One thread runs every instance. Each request writes to ~40 pages of the
    // snapshot that are copy-on-write; with a second thread of this process
    // running on another core, every such fault also costs a TLB shootdown (an
    // IPI to that core), which measured slower on two threads (1,600 req/s)
    // than on one (2,200 req/s) for a hello handler on a 2-core machine. More
    // cores are used by more processes (--workers).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_stack_size(crate::WASM_STACK + (16 << 20))
        .build()
        .context("starting the server's runtime")?;
    let server = Arc::new(Server {
        engine: engine.clone(),
        apps: apps.clone(),
        limits: options.limits.clone(),
        permits: Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1))),
        allow_hosts: Arc::new(options.allow_hosts.clone()),
        log,
        client_limits: options.clients.clone(),
        connections: Arc::new(tokio::sync::Semaphore::new(
            options.clients.max_connections.max(1),
        )),
        telemetry: telemetry.clone(),
        profile: profile.clone(),
        recorder,
        debugger: options.inspect.clone(),
    });
    // The epoch clock for per-request deadlines.
    {
        let engine = engine.clone();
        std::thread::Builder::new()
            .name("jsw-serve-epoch".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .context("starting the epoch thread")?;
    }
    let is_worker = worker.is_some();
    runtime.block_on(async move {
        let listener = match worker {
            Some(listener) => TcpListener::from_std(listener)?,
            None => TcpListener::from_std(bind(options.addr)?)?,
        };
        let addr = listener.local_addr()?;
        if options.watch {
            let current = apps.current();
            let swap_to = apps.clone();
            let worker = log.worker;
            let watched_input = input.clone();
            app::watch(
                &current,
                engine,
                linker,
                input.clone(),
                options.compile.clone(),
                bindings.clone(),
                log,
                move |app| {
                    let digest = app.module.sha256.clone();
                    swap_to.swap(app);
                    // A worker tells its supervisor (see workers.rs).
                    if let (true, Input::Component(path)) = (worker, &watched_input) {
                        workers::acknowledge(path, &digest)?;
                    }
                    Ok(())
                },
            );
        }
        if let Some(metrics) = options.metrics {
            let listener = metrics_listener(metrics, is_worker)?;
            if is_worker {
                // The supervisor scrapes this worker there (see workers.rs).
                workers::announce_metrics(input, listener.local_addr()?)?;
            }
            let telemetry = telemetry.clone();
            tokio::spawn(prometheus::serve(listener, move || {
                let telemetry = telemetry.clone();
                async move { telemetry.prometheus_text().unwrap_or_default() }
            }));
        }
        ready(addr);
        let served = accept(listener, server).await;
        // Whatever the exporters hold goes out before the process does.
        let exporting = telemetry.is_on();
        let telemetry = telemetry.clone();
        let sent = tokio::task::spawn_blocking(move || telemetry.shutdown())
            .await
            .unwrap_or(false);
        if exporting && !sent {
            log.error("telemetry: the collector did not take the last spans, metrics and logs within 5 s; they are dropped");
        }
        if let Some((how, merged)) = &profile {
            let merged = merged.lock().unwrap_or_else(|e| e.into_inner());
            // A request a limit ended (a trap) leaves no profile behind.
            let lost = match merged.asked().saturating_sub(merged.requests()) {
                0 => String::new(),
                n => format!(
                    "; {n} more ended before their profile was taken (a limit or a trap ended them)"
                ),
            };
            if merged.requests() == 0 {
                log.notice(&format!(
                    "--cpu-prof: no request's profile was taken, so none was written{lost}"
                ));
            } else {
                match crate::profile::write_merged(&merged, how) {
                    Ok(path) => log.notice(&format!(
                        "--cpu-prof: the profile of {} request(s) is in {}{lost}",
                        merged.requests(),
                        path.display()
                    )),
                    Err(e) => log.error(&format!("--cpu-prof: {e:#}")),
                }
            }
        }
        served
    })
}

/// Where `/metrics` is answered: the address asked for, or, in a worker, a
/// loopback port of its own that its supervisor scrapes.
fn metrics_listener(addr: SocketAddr, worker: bool) -> Result<TcpListener> {
    let addr = if worker {
        SocketAddr::from(([127, 0, 0, 1], 0))
    } else {
        addr
    };
    Ok(TcpListener::from_std(bind_metrics(addr)?)?)
}

/// The `--metrics` socket, or the one-line error naming that flag.
pub(crate) fn bind_metrics(addr: SocketAddr) -> Result<std::net::TcpListener> {
    bind(addr).map_err(|e| match e.downcast_ref::<AddrInUse>() {
        Some(_) => anyhow::anyhow!(
            "cannot listen on {addr} for --metrics: the address is in use (choose another with --metrics)"
        ),
        None => e.context("--metrics"),
    })
}

/// `--addr`: `HOST:PORT` with a host name (`localhost:8080`, the first address
/// it resolves to) or an IP address (`[::1]:8080`), `:PORT` for every
/// interface (as Go reads it), or a bare `PORT` on the loopback interface.
pub fn parse_addr(text: &str) -> std::result::Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let text = text.trim();
    let port = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| format!("`{p}` is not a port number (0-65535)"))
    };
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Some(p) = text.strip_prefix(':') {
        return Ok(SocketAddr::from(([0, 0, 0, 0], port(p)?)));
    }
    let Some((host, p)) = text.rsplit_once(':') else {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port(text)?)));
    };
    let p = port(p)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, p)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve `{host}`: {e}"))?
        .next()
        .ok_or_else(|| format!("`{host}` resolves to no address"))
}

/// The listening socket, or the one-line error when the address is taken.
fn bind(addr: SocketAddr) -> Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::Error::new(AddrInUse(addr))
        } else {
            anyhow::Error::new(e).context(format!("cannot listen on {addr}"))
        }
    })?;
    listener
        .set_nonblocking(true)
        .context("configuring the listening socket")?;
    Ok(listener)
}

/// Accepts connections until a signal, then lets every connection finish the
/// request it is on and closes it.
async fn accept(listener: TcpListener, server: Arc<Server>) -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("handling SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("handling SIGTERM")?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    // A refusal is logged at most every 10 s (a flood would fill the log).
    let mut refused_logged: Option<std::time::Instant> = None;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: this connection is lost, not the server.
                Err(e) => {
                    server.log.error(&format!("accepting a connection: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(slot) = server.connections.clone().try_acquire_owned() else {
            // Past --max-connections: existing connections are unaffected.
            if refused_logged
                .is_none_or(|t: std::time::Instant| t.elapsed() >= Duration::from_secs(10))
            {
                refused_logged = Some(std::time::Instant::now());
                server.log.error(&format!(
                    "refusing connections with 503: {} are open (--max-connections)",
                    server.client_limits.max_connections
                ));
            }
            connections.spawn(conn::refuse(stream));
            continue;
        };
        let server = server.clone();
        let stop = stop_rx.clone();
        connections.spawn(async move {
            let _slot = slot;
            conn::serve(stream, peer, server, stop).await;
        });
        // Reap finished connections as we go.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let in_flight = connections.len();
    if in_flight > 0 {
        server.log.info(&format!(
            "stopping: finishing {in_flight} open connection(s)"
        ));
    }
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    server.log.info("stopped");
    Ok(())
}

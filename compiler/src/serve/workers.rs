//! Worker processes: `jsw serve --workers N` runs N processes that accept on
//! one listening socket, each serving requests on a single thread.
//!
//! Why processes and not threads: a request writes to copy-on-write pages of
//! the snapshot, and in a process whose threads run on several cores every such
//! page fault also interrupts the other cores to flush their TLBs. Separate
//! processes have separate address spaces, so each core serves at full speed.
//!
//! The supervisor (the process the user started) binds the socket, builds and
//! checks the application, and gives the workers a private copy of the
//! component. It watches the input itself: a new version that builds and loads
//! replaces the private copy (renamed into place), and every worker's own watcher
//! swaps it in and acknowledges it (a file named after its pid, holding the
//! digest of what it serves); the supervisor says "reloaded" once every worker
//! has. A worker that dies is replaced; SIGINT/SIGTERM are passed on, and the
//! supervisor exits once every worker has drained.
//!
//! Each worker has a listening socket of its own on the one address
//! (SO_REUSEPORT), so the kernel spreads connections over the workers; on one
//! shared socket, whichever worker woke first would accept them all. The
//! supervisor holds every socket, so connections waiting on a dead worker's
//! socket are served by its replacement, which inherits the same descriptor
//! (named in `JSW_SERVE_LISTEN_FD`).

use std::net::SocketAddr;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{Input, Log, Options, app};

/// Names the inherited listening socket in a worker's environment.
const LISTEN_FD: &str = "JSW_SERVE_LISTEN_FD";

/// In a worker: the listening socket its supervisor handed down.
pub fn inherited_listener() -> Result<Option<std::net::TcpListener>> {
    let Some(fd) = std::env::var_os(LISTEN_FD) else {
        return Ok(None);
    };
    let fd: RawFd = fd
        .to_str()
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("{LISTEN_FD} is not a file descriptor"))?;
    // SAFETY: the supervisor opened this descriptor for this process and nothing
    // else in it uses the number.
    let listener = unsafe { std::net::TcpListener::from_raw_fd(fd) };
    listener
        .set_nonblocking(true)
        .context("configuring the inherited listening socket")?;
    Ok(Some(listener))
}

/// Runs `options.workers` worker processes until SIGINT or SIGTERM.
pub fn supervise(input: &Input, options: Options, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let log = Log {
        quiet: options.quiet,
        json: options.log_json,
        worker: false,
    };
    let engine = super::engine(&Options {
        concurrency: 1,
        ..options.clone()
    })?;
    let linker = super::linker(&engine)?;
    // Built and checked here, so that a bad input is one error, not one per worker.
    let bindings = options.bindings.open()?;
    let first =
        crate::on_big_stack(|| app::load(&engine, &linker, input, &options.compile, &bindings, 1))?;
    for note in &first.notes {
        log.notice(&format!("note: {note}"));
    }
    let dir = tempfile::Builder::new()
        .prefix("jsw-serve-")
        .tempdir()
        .context("creating the workers' directory")?;
    let private = dir.path().join("app.wasm");
    publish(&private, &first.wasm)?;
    // The bindings (their values may be secrets) go to the workers in a file
    // only this user can read, not on their command lines or in their
    // environments, which other processes can see.
    let bindings_file = dir.path().join("bindings.json");
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&bindings_file)
            .and_then(|mut f| f.write_all(options.bindings.to_json().as_bytes()))
            .context("writing the workers' bindings")?;
    }
    let listeners = listeners(options.addr, options.workers)?;
    // Taken before any worker starts, so that a port in use is one error.
    let metrics = options.metrics.map(super::bind_metrics).transpose()?;
    let addr = listeners[0].local_addr()?;
    let live = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u32>::new()));
    if options.watch {
        let target = private.clone();
        let live = live.clone();
        app::watch(
            &first,
            engine,
            linker,
            input.clone(),
            options.compile.clone(),
            bindings.clone(),
            log,
            move |app| {
                publish(&target, &app.wasm)?;
                let pids = live.lock().unwrap_or_else(|e| e.into_inner()).clone();
                wait_for_acks(&target, &app.module.sha256, &pids)
            },
        );
    }
    drop(first);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the supervisor's runtime")?;
    // Records name the source the workers' component was built from (what
    // `jsw replay --inspect` builds again), not the private copy.
    let source = match input {
        Input::Program(p) => Some(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
        Input::Component(_) => None,
    };
    let spawn = |index: usize| {
        worker(
            &private,
            source.as_deref(),
            &bindings_file,
            addr,
            &options,
            listeners[index].as_raw_fd(),
            index,
        )
    };
    let mut children = Vec::new();
    for index in 0..options.workers {
        children.push(spawn(index)?);
    }
    let note_live = |children: &Vec<Child>| {
        *live.lock().unwrap_or_else(|e| e.into_inner()) = children.iter().map(Child::id).collect();
    };
    note_live(&children);
    ready(addr);
    log.info(&format!("{} worker processes", options.workers));
    let restarts = runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        if let Some(metrics) = metrics {
            // One /metrics for the service: every worker's, added up.
            let listener = tokio::net::TcpListener::from_std(metrics)?;
            let (dir, live) = (private.clone(), live.clone());
            tokio::spawn(crate::telemetry::prometheus::serve(listener, move || {
                let pids = live.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let dir = dir.clone();
                async move { scrape_workers(&dir, &pids).await }
            }));
        }
        let mut interrupt = signal(SignalKind::interrupt()).context("handling SIGINT")?;
        let mut terminate = signal(SignalKind::terminate()).context("handling SIGTERM")?;
        let mut restarts: Vec<Instant> = Vec::new();
        loop {
            tokio::select! {
                _ = interrupt.recv() => return Ok::<_, anyhow::Error>(restarts.len()),
                _ = terminate.recv() => return Ok(restarts.len()),
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
            for (index, child) in children.iter_mut().enumerate() {
                let Some(status) = child.try_wait().context("watching a worker")? else {
                    continue;
                };
                // Five deaths within a minute is not bad luck: stop rather than loop.
                restarts.retain(|t| t.elapsed() < Duration::from_secs(60));
                restarts.push(Instant::now());
                if restarts.len() > 5 {
                    bail!("worker processes keep exiting (the last with {status}); stopping");
                }
                log.error(&format!(
                    "worker {index} exited with {status}; starting another"
                ));
                *child = spawn(index)?;
            }
            note_live(&children);
        }
    });
    // Stopping (or failing): every worker finishes its requests first.
    for child in &children {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    }
    for child in &mut children {
        let _ = child.wait();
    }
    drop(dir);
    let _ = restarts?;
    log.info("stopped");
    Ok(())
}

/// One listening socket per worker on `addr`. The address is first taken
/// without SO_REUSEPORT, so that a port in use (even by another server that
/// shares it) is the usual one-line error, and port 0 becomes a real port.
fn listeners(addr: SocketAddr, count: usize) -> Result<Vec<std::net::TcpListener>> {
    use socket2::{Domain, Protocol, Socket, Type};
    let addr = super::bind(addr)?.local_addr()?;
    (0..count)
        .map(|_| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            socket.set_reuse_address(true)?;
            socket.set_reuse_port(true)?;
            socket.bind(&addr.into())?;
            socket.listen(1024)?;
            Ok(socket.into())
        })
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("cannot listen on {addr}"))
}

/// Where a worker acknowledges the version it serves.
fn ack_path(component: &Path, pid: u32) -> PathBuf {
    component.with_file_name(format!("ack-{pid}"))
}

/// In a worker, after a swap: tells the supervisor which version it serves
/// now, by its digest (`App::module`).
pub fn acknowledge(component: &Path, digest: &str) -> Result<()> {
    publish(&ack_path(component, std::process::id()), digest.as_bytes())
}

/// Waits until every worker serves `digest` (one that died meanwhile is not
/// waited for; its replacement starts with the new version).
fn wait_for_acks(component: &Path, digest: &str, pids: &[u32]) -> Result<()> {
    let start = Instant::now();
    for &pid in pids {
        let path = ack_path(component, pid);
        // SAFETY: kill(2) with signal 0 only asks whether the process exists.
        let alive = || unsafe { libc::kill(pid as libc::pid_t, 0) } == 0;
        while std::fs::read_to_string(&path).ok().as_deref() != Some(digest) && alive() {
            if start.elapsed() > Duration::from_secs(30) {
                bail!("worker {pid} did not take the new version within 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Ok(())
}

/// Writes the component where workers watch for it, whole or not at all.
fn publish(path: &Path, wasm: &[u8]) -> Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, wasm)
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("writing {}", path.display()))
}

/// Starts one worker: this executable serving the private component with the
/// same limits, one process, on the inherited socket.
fn worker(
    component: &PathBuf,
    source: Option<&Path>,
    bindings: &Path,
    addr: SocketAddr,
    options: &Options,
    fd: RawFd,
    index: usize,
) -> Result<Child> {
    let exe = std::env::current_exe().context("finding the jsw executable")?;
    let limits = &options.limits;
    let mut command = Command::new(exe);
    if let Some(source) = source {
        command.env(super::app::SOURCE_ENV, source);
    }
    command
        .arg("serve")
        .arg(component)
        .args(["--addr", &addr.to_string()])
        .args(["--workers", "1"])
        .args(["--max-memory", &limits.max_memory.to_string()])
        .args(["--timeout", &format!("{}ms", limits.timeout.as_millis())])
        .args(["--concurrency", &options.concurrency.to_string()])
        .args([
            "--header-timeout",
            &format!("{}ms", options.clients.header_timeout.as_millis()),
        ])
        .args([
            "--keepalive-timeout",
            &format!("{}ms", options.clients.keepalive_timeout.as_millis()),
        ])
        .args([
            "--body-timeout",
            &format!("{}ms", options.clients.body_timeout.as_millis()),
        ])
        .args([
            "--max-connections",
            &options.clients.max_connections.to_string(),
        ])
        .args(["--max-body", &options.clients.max_body.to_string()])
        .env(LISTEN_FD, fd.to_string())
        .env(super::BindingOptions::WORKER_FILE, bindings);
    if let Some(fuel) = limits.fuel {
        command.args(["--fuel", &fuel.to_string()]);
    }
    if let Some(cpu) = limits.cpu {
        command.args(["--cpu-limit", &format!("{}ms", cpu.as_millis().max(1))]);
    }
    for host in &options.allow_hosts {
        command.args(["--allow-host", host]);
    }
    if options.quiet {
        command.arg("--quiet");
    }
    if !options.watch {
        command.arg("--no-watch");
    }
    if !options.compile.cache {
        command.arg("--no-cache");
    }
    if let Some(url) = &options.telemetry.otlp {
        command.args(["--otlp", url]);
    }
    if options.metrics.is_some() {
        // The worker answers on a loopback port of its own (announce_metrics).
        command.args(["--metrics", "127.0.0.1:0"]);
    }
    if options.log_json {
        command.args(["--log-format", "json"]);
    }
    // Each worker records the requests it served, into the same directory.
    if let Some(record) = &options.record {
        command.arg("--record").arg(&record.dir);
        if record.errors {
            command.arg("--record-errors");
        }
        if let Some(rate) = record.sample {
            command.args(["--record-sample", &rate.to_string()]);
        }
        if record.secrets {
            command.arg("--record-secrets");
        }
        for name in &record.keep {
            command.args(["--record-keep", name]);
        }
    }
    // Each worker writes the profile of the requests it served.
    if let Some(profile) = &options.profile {
        command.arg("--cpu-prof-dir").arg(&profile.dir);
        command.args(["--cpu-prof-interval", &profile.interval_us.to_string()]);
    }
    // The workers export as one service, named after the user's input (their
    // own input is the private copy).
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        command.env("OTEL_SERVICE_NAME", &options.telemetry.service);
    }
    // SAFETY: between fork and exec only async-signal-safe calls: fcntl(2), prctl(2).
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(move || {
            // The socket is close-on-exec in this process; the worker keeps it.
            if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            // A supervisor that is killed outright takes its workers with it.
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    command
        .spawn()
        .with_context(|| format!("starting worker {index}"))
}

/// Where a worker says on which address it answers `/metrics`.
fn metrics_path(component: &Path, pid: u32) -> PathBuf {
    component.with_file_name(format!("metrics-{pid}"))
}

/// In a worker: tells the supervisor where to scrape it.
pub fn announce_metrics(input: &Input, addr: SocketAddr) -> Result<()> {
    if let Input::Component(component) = input {
        publish(
            &metrics_path(component, std::process::id()),
            addr.to_string().as_bytes(),
        )?;
    }
    Ok(())
}

/// Every live worker's metrics, added up (a worker not yet listening, or
/// gone, is left out of this scrape).
async fn scrape_workers(component: &Path, pids: &[u32]) -> String {
    let mut texts = Vec::new();
    for pid in pids {
        let Ok(addr) = std::fs::read_to_string(metrics_path(component, *pid)) else {
            continue;
        };
        if let Some(text) = scrape(addr.trim()).await {
            texts.push(text);
        }
    }
    crate::telemetry::prometheus::merge(&texts)
}

/// `GET /metrics` from one worker over loopback.
async fn scrape(addr: &str) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fetch = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        stream
            .write_all(b"GET /metrics HTTP/1.0\r\nHost: worker\r\n\r\n")
            .await
            .ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.ok()?;
        let text = String::from_utf8(response).ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        let status = head.split(' ').nth(1)?;
        (status == "200").then(|| body.to_string())
    };
    tokio::time::timeout(Duration::from_secs(5), fetch)
        .await
        .ok()?
}

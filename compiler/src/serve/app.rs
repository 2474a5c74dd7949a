//! The served application and its hot swap.
//!
//! An [`App`] is one version of the program, pre-instantiated (`ProxyPre`) so that
//! a request costs an instantiation from the snapshot and nothing more. [`Apps`]
//! holds the current version; requests take an `Arc` of it when they start, so a
//! swap sends new requests to the new version while in-flight ones finish on
//! the version they started with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use wasmtime::Engine;
use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use super::request::RequestState;
use crate::WasmtimeResultExt;
use crate::bindings::host::Host;

/// Set by a supervisor for its workers: the source their component was
/// compiled from (records name it).
pub const SOURCE_ENV: &str = "JSW_SERVE_SOURCE";

/// What `jsw serve` was given.
#[derive(Debug, Clone)]
pub enum Input {
    /// A compiled component (`app.wasm`).
    Component(PathBuf),
    /// A program's entry file, compiled in memory and recompiled when it changes.
    Program(PathBuf),
}

impl Input {
    /// A `.wasm` file is a module; anything else is a program to compile.
    pub fn of(path: &Path) -> Input {
        if path.extension().is_some_and(|e| e == "wasm") {
            Input::Component(path.to_path_buf())
        } else {
            Input::Program(path.to_path_buf())
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Input::Component(p) | Input::Program(p) => p,
        }
    }
}

/// One version of the application.
pub struct App {
    pub pre: ProxyPre<RequestState>,
    /// 1 for the first version, then one more per swap.
    pub version: u64,
    /// The files whose change makes a new version (the component, or every source).
    watched: Vec<PathBuf>,
    /// Its environment, configuration and buckets (by the identifiers its
    /// bindings open).
    pub bindings: Arc<Host>,
    /// What to tell the user about its bindings and the server's `--kv`.
    pub notes: Vec<String>,
    /// Its digest (what identifies the version between a supervisor and its
    /// workers, and what a record of its requests names) and its bytes
    /// (published to workers, kept beside records).
    pub module: crate::replay::ModuleRef,
    pub wasm: Arc<Vec<u8>>,
}

/// Loads (or compiles) the application once.
pub fn load(
    engine: &Engine,
    linker: &Linker<RequestState>,
    input: &Input,
    compile: &crate::Options,
    bindings: &Host,
    version: u64,
) -> Result<App> {
    let (wasm, watched) = match input {
        Input::Component(path) => {
            let wasm =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            (wasm, vec![path.clone()])
        }
        Input::Program(path) => {
            let options = crate::Options {
                target: crate::Target::Http,
                ..compile.clone()
            };
            // What the top level printed (and the error and stack it died
            // with) is shown as `jsw compile` shows it, at start and on reload.
            let compiled = crate::compile(path, &options).inspect_err(|e| {
                if let Some(failed) = e.downcast_ref::<crate::BuildFailed>() {
                    crate::output::show_build_output(&failed.output);
                }
            })?;
            crate::output::show_build_output(&compiled.output);
            (compiled.wasm, compiled.bundle.files.clone())
        }
    };
    let name = input.path().display();
    if !crate::component::is_component(&wasm) {
        if wasmparser::Parser::is_core_wasm(&wasm) {
            bail!(
                "{name} is a WASI command module, not an HTTP component: its program has no fetch handler \
                 (export one with `export default {{ fetch(request) {{ ... }} }}` and compile again, or run it with `jsw run`)"
            );
        }
        bail!("{name} is not a WebAssembly module or component");
    }
    if !crate::component::is_http_handler(&wasm) {
        bail!(
            "{name} is a component, but not an HTTP handler (it does not export {}): \
             call its exports with `jsw run --invoke 'name(args)' {name}`",
            crate::component::INCOMING_HANDLER
        );
    }
    let component = crate::cache::component(engine, &wasm, compile.cache)
        .with_context(|| format!("cannot load {name}"))?;
    let pre = linker
        .instantiate_pre(&component)
        .context_wt(format!("{name} needs imports jsw serve does not give"))?;
    let pre = ProxyPre::new(pre).context_wt(format!(
        "{name} is a component, but not a wasi:http/proxy: it does not export wasi:http/incoming-handler"
    ))?;
    let declared = crate::bindings::declared_in(&wasm);
    let mut notes = Vec::new();
    for name in declared
        .keys()
        .filter(|n| !bindings.stores.contains_key(*n))
    {
        notes.push(format!(
            "{name}: its binding `env.{name}` has no store here, so every call on it fails; give --kv {name} \
             (or --kv {name}=redis://HOST:PORT)"
        ));
    }
    if matches!(input, Input::Component(_)) {
        for name in bindings
            .stores
            .keys()
            .filter(|n| !declared.contains_key(*n))
        {
            notes.push(format!(
                "{name}: --kv {name} is given, but the component has no binding {name}, so `env.{name}` is \
                 undefined (compile it with --kv {name}); `open(\"{name}\")` of jsw:kv reaches it"
            ));
        }
    }
    let bindings = Arc::new(bindings.for_component(&declared));
    // A worker serves its supervisor's build of a source: the source is what
    // the module came from.
    let path = match (input, std::env::var_os(SOURCE_ENV)) {
        (Input::Component(_), Some(source)) => PathBuf::from(source),
        _ => std::fs::canonicalize(input.path()).unwrap_or_else(|_| input.path().to_path_buf()),
    };
    let module = crate::replay::ModuleRef {
        path: path.display().to_string(),
        sha256: crate::replay::sha256(&wasm),
    };
    Ok(App {
        pre,
        version,
        watched,
        bindings,
        notes,
        module,
        wasm: Arc::new(wasm),
    })
}

/// The current version, swapped as the input changes.
pub struct Apps {
    current: RwLock<Arc<App>>,
}

impl Apps {
    pub fn new(app: App) -> Apps {
        Apps {
            current: RwLock::new(Arc::new(app)),
        }
    }

    pub fn current(&self) -> Arc<App> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn swap(&self, app: App) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(app);
    }
}

/// What a file looked like: changes when it is written or replaced.
type Stamp = Option<(SystemTime, u64, u64)>;

fn stamp(path: &Path) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len(), meta.ino()))
}

/// Watches the input's files and hands a new version to `deliver` when they
/// change (the server swaps it in; a supervisor passes it to its workers). A
/// version that fails to build or load is reported and the old one keeps serving.
// The loader's parts (engine, linker, input, compile options, bindings) are
// those `load` takes, plus the version served and where it goes.
#[allow(clippy::too_many_arguments)]
pub fn watch(
    first: &App,
    engine: Engine,
    linker: Linker<RequestState>,
    input: Input,
    compile: crate::Options,
    bindings: Arc<Host>,
    log: super::Log,
    deliver: impl Fn(App) -> Result<()> + Send + 'static,
) {
    let mut watched = first.watched.clone();
    let mut version = first.version;
    std::thread::Builder::new()
        .name("jsw-serve-watch".into())
        .spawn(move || {
            let mut stamps: Vec<Stamp> = watched.iter().map(|p| stamp(p)).collect();
            loop {
                std::thread::sleep(Duration::from_millis(200));
                let now: Vec<Stamp> = watched.iter().map(|p| stamp(p)).collect();
                if now == stamps {
                    continue;
                }
                // A file being written in place may change again at once: wait for it to settle.
                std::thread::sleep(Duration::from_millis(50));
                stamps = watched.iter().map(|p| stamp(p)).collect();
                if stamps.iter().all(Option::is_none) {
                    continue;
                }
                // What the files looked like when this build read them. A change
                // made while it builds is newer than these stamps, so the next
                // look sees it and builds again: the version served always ends
                // up being what is on disk.
                let read: Vec<(PathBuf, Stamp)> =
                    watched.iter().cloned().zip(stamps.iter().cloned()).collect();
                let started = std::time::Instant::now();
                let loaded = load(&engine, &linker, &input, &compile, &bindings, version + 1)
                    .and_then(|app| {
                        let (v, w) = (app.version, app.watched.clone());
                        deliver(app).map(|()| (v, w))
                    });
                match loaded {
                    Ok((v, w)) => {
                        version = v;
                        watched = w;
                        // Files the new version newly depends on were read by
                        // this build just now: their current stamps stand.
                        stamps = watched
                            .iter()
                            .map(|p| match read.iter().find(|(q, _)| q == p) {
                                Some((_, before)) => *before,
                                None => stamp(p),
                            })
                            .collect();
                        log.info(&format!(
                            "reloaded {} (version {version}, {:.0} ms); new requests go to it",
                            input.path().display(),
                            started.elapsed().as_secs_f64() * 1e3
                        ));
                    }
                    Err(e) => log.error(&format!(
                        "{} changed but cannot be served; the previous version keeps serving: {e:#}",
                        input.path().display(),
                    )),
                }
            }
        })
        .expect("spawning the watcher thread");
}

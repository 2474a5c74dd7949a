//! jsw compiles TypeScript/JavaScript programs into WebAssembly whose engine,
//! and whose program's top level, were already run at build time: WASI preview 1
//! commands (a `main`), `wasi:http/proxy` components (a fetch handler) and
//! components of a WIT world (plugins).
//!
//! The pipeline: [`bundle`] (parse, strip types, link modules) → a payload in
//! the engine's terms (the `jsw-wire` crate, which the engine reads with) →
//! [`snapshot`] (pre-initialize the embedded QuickJS engine with Wizer) →
//! [`component`] (wrap HTTP handlers and plugins as components) → a `.wasm`
//! written atomically. [`runner`] runs commands, [`serve`] serves HTTP
//! components, [`bench`] measures both, all with wasmtime.

pub mod bench;
pub mod bindings;
pub mod bundle;
pub mod cache;
pub mod component;
pub mod debugger;
pub mod diagnostic;
pub mod host;
pub mod output;
pub mod profile;
pub mod replay;
pub mod runner;
pub mod serve;
pub mod snapshot;
pub mod store;
pub mod telemetry;
pub mod wasmtime_config;
pub mod wit;

use std::path::Path;

use anyhow::{Context, Result};

pub use snapshot::{BuildFailed, BuildOutput, Mode};

/// The QuickJS engine built for wasm32-wasip1, before pre-initialization.
pub const ENGINE_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine.wasm"));

/// The same engine built as the core of a `wasi:http/proxy` component (its
/// `http` feature): what HTTP handlers are snapshotted with.
pub const ENGINE_HTTP_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine-http.wasm"));

/// Both engines again with the natives of node:crypto, node:zlib and node:fs
/// (feature `node`): picked for programs that import those modules, so that
/// no other program carries their code (compiler/build.rs).
pub const ENGINE_NODE_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine-node.wasm"));
pub const ENGINE_HTTP_NODE_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-http-node.wasm"));

/// The engine as the core of a plugin component for a WIT world (feature
/// `wit`), without and with the node natives.
pub const ENGINE_WIT_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine-wit.wasm"));
pub const ENGINE_WIT_NODE_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-wit-node.wasm"));

/// The HTTP engines again with WIT imports (features `http,wit`): for
/// handlers with bindings, which call wasi:config and wasi:keyvalue (see
/// [`bindings`]), so that no other handler carries the code that lifts and
/// lowers their values.
pub const ENGINE_HTTP_WIT_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-http-wit.wasm"));
pub const ENGINE_HTTP_WIT_NODE_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-http-wit-node.wasm"));

/// The command engine with QuickJS's debugger hook and the protocol's agent
/// (feature `debugger`): what `--inspect` builds with; no other module
/// carries the hook.
pub const ENGINE_DEBUG_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine-debug.wasm"));
/// The HTTP engines with the debugger, without and with WIT imports.
pub const ENGINE_HTTP_DEBUG_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-http-debug.wasm"));
pub const ENGINE_HTTP_WIT_DEBUG_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-http-wit-debug.wasm"));

/// The engine a program is snapshotted with.
pub fn engine_for(http: bool, node: bool) -> &'static [u8] {
    match (http, node) {
        (false, false) => ENGINE_WASM,
        (false, true) => ENGINE_NODE_WASM,
        (true, false) => ENGINE_HTTP_WASM,
        (true, true) => ENGINE_HTTP_NODE_WASM,
    }
}

/// What kind of module to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// An HTTP component when the program has a fetch handler, else a command.
    #[default]
    Auto,
    /// A WASI preview 1 command module.
    Command,
    /// A `wasi:http/proxy` component (the program must have a fetch handler).
    Http,
}

/// What kind of module was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Command,
    Http,
    /// A component of a WIT world (`--wit`).
    Plugin,
}

/// Build a plugin: a component of this WIT world.
#[derive(Debug, Clone)]
pub struct PluginOptions {
    /// The WIT package (a folder of .wit files, or one file).
    pub wit: std::path::PathBuf,
    /// The world in it [default: the package's only world].
    pub world: Option<String>,
}

/// A compiled program.
pub struct Compiled {
    pub wasm: Vec<u8>,
    pub kind: Kind,
    pub bundle: bundle::Bundle,
    /// What the top level printed while it ran at build time.
    pub output: BuildOutput,
}

/// How to compile.
#[derive(Debug, Clone)]
pub struct Options {
    pub mode: Mode,
    pub bundle: bundle::Options,
    /// Use the compiled-code cache (see [`cache`]).
    pub cache: bool,
    /// Bounds on the top level's run at build time.
    pub limits: snapshot::BuildLimits,
    /// Another engine.wasm than the embedded one (for measuring engine builds).
    pub engine: Option<Vec<u8>>,
    pub target: Target,
    /// Build a component of a WIT world instead (`target` is then ignored).
    pub plugin: Option<PluginOptions>,
    /// An HTTP handler's key-value bindings, and whether it gets its
    /// environment regardless of what it reads (see [`bindings`]).
    pub bindings: bindings::Declared,
    /// Build a command with the debug engine ([`ENGINE_DEBUG_WASM`], for
    /// `--inspect`).
    pub debug: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Snapshot,
            bundle: Default::default(),
            cache: true,
            limits: Default::default(),
            engine: None,
            target: Target::Auto,
            plugin: None,
            bindings: Default::default(),
            debug: false,
        }
    }
}

/// Compiles the program whose entry file is `input`.
pub fn compile(input: &Path, options: &Options) -> Result<Compiled> {
    if let Some(plugin) = &options.plugin {
        return compile_plugin(input, options, plugin);
    }
    // An HTTP handler may import its bindings' interfaces and `jsw:kv`.
    let mut bundle_options = options.bundle.clone();
    bundle_options.wit_imports = bindings::guest::import_names()?;
    let mut bundle = bundle::bundle(input, &bundle_options)?;
    let http = match options.target {
        Target::Command => false,
        Target::Http => true,
        Target::Auto => bundle.handler_candidate,
    };
    if http {
        if options.mode == Mode::NoSnapshot {
            anyhow::bail!(
                "--no-snapshot builds commands only; HTTP components are always snapshotted"
            );
        }
        let program_modules = bundle.modules.len();
        let mut guest = bindings::guest::prepare(&mut bundle, &options.bindings, false)?;
        loop {
            // A handler without bindings has no table (and an engine without WIT).
            let table: &[u8] = if guest.uses_imports() {
                &guest.plan.table
            } else {
                &[]
            };
            let payload = snapshot::encode_http_payload(&bundle, options.mode, table);
            let engine = match (guest.uses_imports(), bundle.node_natives, options.debug) {
                (false, _, true) => ENGINE_HTTP_DEBUG_WASM,
                (true, _, true) => ENGINE_HTTP_WIT_DEBUG_WASM,
                (false, node, false) => engine_for(true, node),
                (true, false, false) => ENGINE_HTTP_WIT_WASM,
                (true, true, false) => ENGINE_HTTP_WIT_NODE_WASM,
            };
            match snapshot::snapshot(
                engine,
                payload,
                &bundle.entry,
                options.cache,
                options.limits,
            ) {
                Ok(mut snap) => {
                    let wants_env = bindings::guest::take_wants_env(&mut snap.output.stderr);
                    if wants_env && !guest.env {
                        // The handler takes `env`: build it again with its environment.
                        bundle.modules.truncate(program_modules);
                        guest = bindings::guest::prepare(&mut bundle, &options.bindings, true)?;
                        continue;
                    }
                    let linked = if guest.uses_imports() {
                        bindings::guest::link(&snap.wasm, &guest)
                    } else {
                        Ok(snap.wasm)
                    };
                    let core = linked
                        .and_then(|mut core| {
                            if options.debug {
                                debugger::embed_channel(&mut core)?;
                            }
                            Ok(core)
                        })
                        .and_then(|core| component::proxy(&core))
                        .with_context(|| {
                            format!("making a wasi:http component of {}", bundle.entry)
                        });
                    let mut wasm = core?;
                    bindings::guest::mark_bindings(&mut wasm, &guest.kv);
                    return Ok(Compiled {
                        wasm,
                        kind: Kind::Http,
                        bundle,
                        output: snap.output,
                    });
                }
                Err(e) => match e.downcast_ref::<BuildFailed>() {
                    Some(failed) if failed.is_no_handler() => {
                        if options.target == Target::Http {
                            anyhow::bail!(
                                "{} has no fetch handler, so it cannot be built with --target http: \
                                 export one (`export default {{ fetch(request) {{ return new Response(\"hi\") }} }}`) \
                                 or register one (`addEventListener(\"fetch\", (event) => event.respondWith(...))`)",
                                bundle.entry
                            );
                        }
                        // Not a handler after all (a default export without `fetch`): a command.
                        bundle.modules.truncate(program_modules);
                        break;
                    }
                    _ => return Err(e),
                },
            }
        }
    }
    // A CommonJS entry runs as `x.cjs?main`.
    let entry = bundle.entry.split('?').next().unwrap_or(&bundle.entry);
    if let Some(interface) = bundle.wit_used.iter().next() {
        anyhow::bail!(
            "{entry} imports \"{interface}\", which HTTP handlers have (a key-value store or the host's \
             configuration); it has no fetch handler, so it is built as a command, which has none"
        );
    }
    if !options.bindings.kv.is_empty() {
        anyhow::bail!(
            "{entry} has no fetch handler: --kv binds a key-value store to an HTTP handler's `env`, \
             and a command has none"
        );
    }
    let payload = snapshot::encode_payload(&bundle, options.mode, false);
    let snap = snapshot::snapshot(
        match (&options.engine, options.debug) {
            (Some(engine), _) => engine,
            (None, true) => ENGINE_DEBUG_WASM,
            (None, false) => engine_for(false, bundle.node_natives),
        },
        payload,
        &bundle.entry,
        options.cache,
        options.limits,
    )?;
    Ok(Compiled {
        wasm: snap.wasm,
        kind: Kind::Command,
        bundle,
        output: snap.output,
    })
}

/// A component of a WIT world: the world's imports become modules the program
/// imports, its top level runs at build time, and the functions the world
/// exports are checked to be there before the snapshot is wrapped.
fn compile_plugin(input: &Path, options: &Options, plugin: &PluginOptions) -> Result<Compiled> {
    if options.mode == Mode::NoSnapshot {
        anyhow::bail!("--no-snapshot builds commands only; plugins are always snapshotted");
    }
    let world = wit::load(&plugin.wit, plugin.world.as_deref())?;
    let mut bundle_options = options.bundle.clone();
    bundle_options.wit_imports = wit::plan::import_names(&world);
    bundle_options.plugin = true;
    let mut bundle = bundle::bundle(input, &bundle_options)?;
    let plan = wit::plan::plan(&world, &bundle.wit_used)?;
    for (name, code) in &plan.modules {
        bundle.modules.push(bundle::BundledModule {
            name: name.clone(),
            kind: bundle::ModuleKind::Esm,
            code: code.clone(),
            positions: Vec::new(),
            verbatim: None,
            imports: Vec::new(),
        });
    }
    let payload = snapshot::encode_plugin_payload(&bundle, &plan.table);
    let engine = options.engine.as_deref().unwrap_or(if bundle.node_natives {
        ENGINE_WIT_NODE_WASM
    } else {
        ENGINE_WIT_WASM
    });
    let snap = match snapshot::snapshot(
        engine,
        payload,
        &bundle.entry,
        options.cache,
        options.limits,
    ) {
        Ok(snap) => snap,
        Err(e) => {
            if let Some(failed) = e.downcast_ref::<BuildFailed>()
                && failed.is_world_mismatch()
            {
                anyhow::bail!(
                    "{} does not match the world {}:\n{}",
                    // A CommonJS entry runs as `x.cjs?main`.
                    bundle.entry.split('?').next().unwrap_or(&bundle.entry),
                    wit::world_name(&world),
                    String::from_utf8_lossy(&failed.output.stderr).trim_end()
                );
            }
            return Err(e);
        }
    };
    let wasm = component::plugin::plugin(&snap.wasm, &world, &plan).with_context(|| {
        format!(
            "making a component of {} for the world {}",
            bundle.entry,
            wit::world_name(&world)
        )
    })?;
    Ok(Compiled {
        wasm,
        kind: Kind::Plugin,
        bundle,
        output: snap.output,
    })
}

/// wasmtime has its own error type; this gives its results anyhow's context.
pub(crate) trait WasmtimeResultExt<T> {
    fn context_wt(self, context: impl std::fmt::Display + Send + Sync + 'static) -> Result<T>;
}

impl<T> WasmtimeResultExt<T> for wasmtime::Result<T> {
    fn context_wt(self, context: impl std::fmt::Display + Send + Sync + 'static) -> Result<T> {
        self.map_err(|e| anyhow::Error::from(e).context(context))
    }
}

/// Native stack for running wasm. QuickJS recurses on the host's stack for every
/// JS call (about 0.6 KiB a call); wasmtime's default of 512 KiB would stop JS at
/// ~800 nested calls with a trap. jsw's own hosts allow 256 MiB (virtual memory;
/// untouched pages cost nothing), so QuickJS's own limit (a catchable RangeError)
/// comes first.
pub const WASM_STACK: usize = 256 << 20;

/// Runs `f` on a thread whose stack can hold [`WASM_STACK`] of wasm frames.
pub(crate) fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("jsw-wasm".into())
            .stack_size(WASM_STACK + (16 << 20))
            .spawn_scoped(scope, f)
            .map(|h| h.join())
            .unwrap_or_else(|e| panic!("cannot start a thread for wasm: {e}"))
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

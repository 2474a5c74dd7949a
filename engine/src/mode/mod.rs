//! How a program starts, one module per mode over the one event loop
//! (event_loop.rs): `command` (a WASI command: `main` or the whole program),
//! `http` (a wasi:http handler: each request is a run) and `plugin` (a WIT
//! world's exports). This file boots the engine every mode shares: the
//! runtime, the globals, the program's modules, then the mode's own start.

pub mod command;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "wit")]
pub mod plugin;

use std::cell::RefCell;

use jsw_wire::BuildExit;
use rquickjs::{Context, Ctx, Function, Module, Persistent, Promise, Runtime};

use crate::event_loop::report;
use crate::payload::{Mode, ModuleKind, Payload};
use crate::{globals, io, modules, stack};

pub enum Start {
    /// Call this exported function (top level already evaluated in the snapshot).
    Call(Persistent<Function<'static>>),
    /// Evaluate the (already compiled) entry module.
    Import(String),
    /// An HTTP handler (found at build time): each request is a run.
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    Handler,
    /// A plugin (found at build time): the host calls the world's exports.
    #[cfg_attr(not(feature = "wit"), allow(dead_code))]
    Plugin,
}

pub struct Engine {
    pub rt: Runtime,
    pub ctx: Context,
    pub start: Start,
}

enum Boot {
    Ready(Engine),
    /// `--no-snapshot` builds: only the program text is kept.
    Deferred(Payload),
}

thread_local! {
    static BOOT: RefCell<Option<Boot>> = const { RefCell::new(None) };
}

/// Build time: boots the engine for the payload on stdin and keeps it for the
/// snapshot (or, for `--no-snapshot` builds, keeps the payload).
pub fn initialize() {
    let payload = crate::payload::read_stdin().unwrap_or_else(|e| crate::fatal(&e));
    let boot = match payload.mode {
        Mode::Deferred => Boot::Deferred(payload),
        Mode::Snapshot | Mode::Script | Mode::Http | Mode::Wit => {
            let engine = Engine::boot(&payload);
            // Garbage and half-filled buffers would otherwise be frozen into every run.
            engine.rt.run_gc();
            // The next collection when the heap has grown by half, as QuickJS
            // sets it after the collections it starts itself (an explicit one
            // leaves the threshold where the last automatic one put it, which
            // can be just above the heap: the run's first allocations would
            // then walk, and fault in, the whole snapshot heap).
            let size = engine.rt.memory_usage().malloc_size.max(0) as usize;
            engine.rt.set_gc_threshold(size + size / 2);
            drop(payload);
            Boot::Ready(engine)
        }
    };
    io::flush();
    BOOT.set(Some(boot));
}

/// Run time: the booted engine (booting it now for `--no-snapshot` builds),
/// taken once: a run, or a request, owns the instance.
pub fn take() -> Option<Engine> {
    BOOT.take().map(|boot| match boot {
        Boot::Ready(engine) => engine,
        Boot::Deferred(payload) => Engine::boot(&payload),
    })
}

/// The engine's context, once booted (plugin calls arrive after the snapshot
/// and leave the engine in place).
#[cfg_attr(not(feature = "wit"), allow(dead_code))]
pub fn context() -> Option<Context> {
    BOOT.with_borrow(|boot| match boot {
        Some(Boot::Ready(engine)) => Some(engine.ctx.clone()),
        _ => None,
    })
}

impl Engine {
    /// Creates the runtime and does every piece of work the mode allows before `_start`.
    fn boot(payload: &Payload) -> Engine {
        let rt = Runtime::new()
            .unwrap_or_else(|e| crate::fatal(&format!("cannot create the runtime: {e}")));
        rt.set_loader(modules::ProgramResolver, modules::ProgramLoader);
        rt.set_host_promise_rejection_tracker(Some(Box::new(|ctx, promise, reason, handled| {
            globals::track_rejection(&ctx, promise, reason, handled);
        })));
        let ctx = Context::full(&rt)
            .unwrap_or_else(|e| crate::fatal(&format!("cannot create the context: {e}")));
        // SAFETY: the runtime was just created and outlives the process.
        unsafe { stack::install(ctx.get_runtime_ptr()) };
        let start = ctx.with(|ctx| -> Result<Start, i32> {
            load(&ctx, payload)?;
            match payload.mode {
                Mode::Http => start_http(&ctx, payload),
                Mode::Wit => start_plugin(&ctx, payload),
                _ => command::start(&ctx, payload),
            }
        });
        match start {
            Ok(start) => Engine { rt, ctx, start },
            Err(status) => crate::exit(status),
        }
    }

    /// The run starts: its stack starts where `_start` (or the request's
    /// export) is, not where the build's was, and the globals that read the
    /// run's world (clock, environment, arguments) are set.
    pub fn enter<'js>(&self, ctx: &Ctx<'js>) -> rquickjs::Result<()> {
        // SAFETY: the runtime lives as long as the instance.
        unsafe { stack::refresh(self.ctx.get_runtime_ptr()) };
        globals::start(ctx)
    }
}

/// The globals, the parts the program carries, and every module of the
/// program registered and the entry compiled (with all it imports).
fn load(ctx: &Ctx<'_>, payload: &Payload) -> Result<(), i32> {
    globals::init(ctx, &payload.entry).map_err(|e| report(ctx, e))?;
    for part in payload
        .modules
        .iter()
        .filter(|m| m.kind == ModuleKind::Part)
    {
        globals::eval_internal_part(ctx, &part.name, &part.source).map_err(|e| report(ctx, e))?;
    }
    if payload
        .modules
        .iter()
        .any(|m| globals::commonjs::may_use_buffer(&m.source))
    {
        globals::commonjs::load_buffer(ctx.clone()).map_err(|e| report(ctx, e))?;
    }
    for module in payload
        .modules
        .iter()
        .filter(|m| m.kind != ModuleKind::Part)
    {
        globals::error::register(&module.name, &module.positions, module.verbatim);
        #[cfg(feature = "debugger")]
        crate::debugger::register(&module.name, &module.source);
        modules::register_imports(&module.name, &module.imports);
        if module.kind == ModuleKind::Script {
            modules::register_script(ctx, &module.name, &module.source)
                .map_err(|e| report(ctx, e))?;
        } else {
            modules::register(
                &module.name,
                &module.source,
                module.kind == ModuleKind::CommonJs,
            );
        }
    }
    // Compiling the entry compiles everything it imports, transitively.
    if let Some(entry) = payload.modules.iter().find(|m| m.name == payload.entry) {
        modules::take(&entry.name);
        modules::declare(ctx, &entry.name, &entry.source).map_err(|e| report(ctx, e))?;
    }
    Ok(())
}

#[cfg(feature = "http")]
fn start_http(ctx: &Ctx<'_>, payload: &Payload) -> Result<Start, i32> {
    http::start(ctx, payload)
}

#[cfg(not(feature = "http"))]
fn start_http(ctx: &Ctx<'_>, payload: &Payload) -> Result<Start, i32> {
    crate::event_loop::settle(ctx, import(ctx, &payload.entry))?;
    // The compiler then builds a command instead (or, with `--target http`, fails).
    io::write(2, jsw_wire::exit::NO_HANDLER_LINE.as_bytes());
    Err(BuildExit::NoHandler.status())
}

#[cfg(feature = "wit")]
fn start_plugin(ctx: &Ctx<'_>, payload: &Payload) -> Result<Start, i32> {
    plugin::start(ctx, payload)
}

#[cfg(not(feature = "wit"))]
fn start_plugin(_: &Ctx<'_>, _: &Payload) -> Result<Start, i32> {
    io::write(
        2,
        b"jsw: this engine was built without plugin support (feature `wit`)\n",
    );
    Err(BuildExit::Software.status())
}

pub fn import<'js>(ctx: &Ctx<'js>, entry: &str) -> rquickjs::Result<Promise<'js>> {
    Module::import(ctx, entry)
}

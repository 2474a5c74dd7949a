//! The jsw engine: QuickJS for wasm32-wasip1, pre-initialized by `jsw compile`.
//!
//! Two entry points share one state that lives in linear memory, so the snapshot
//! taken after the first carries it into every run of the second:
//! - `wizer-initialize` (build time, inside the snapshot sandbox) reads the program
//!   from stdin, creates the runtime, installs the globals, compiles the modules and,
//!   when the program exports an entry function, evaluates its top level.
//! - `_start` (run time) calls the entry function, or runs the whole program when it
//!   has none, drives the job queue and exits with the program's status.

mod event_loop;
mod globals;
mod heap;
mod host;
#[cfg(feature = "http")]
mod http;
mod io;
mod modules;
#[cfg(feature = "node")]
mod node;
mod payload;
mod phase;
mod stack;
mod text;
mod wasi;
#[cfg(feature = "wit")]
mod wit;

use std::cell::RefCell;

use event_loop::{report, run_loop, settle, uncaught};
use jsw_wire::BuildExit;
use payload::{Mode, ModuleKind, Payload};
use rquickjs::{Context, Ctx, Function, Module, Object, Persistent, Promise, Runtime, Value};

enum Start {
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

struct Engine {
    rt: Runtime,
    ctx: Context,
    start: Start,
}

enum Boot {
    Ready(Engine),
    /// `--no-snapshot` builds: only the program text is kept.
    Deferred(Payload),
}

thread_local! {
    static BOOT: RefCell<Option<Boot>> = const { RefCell::new(None) };
}

#[unsafe(export_name = "wizer-initialize")]
pub extern "C" fn wizer_initialize() {
    let payload = payload::read_stdin().unwrap_or_else(|e| fatal(&e));
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
    heap::zero_free_memory();
}

fn main() {
    host::mark(0);
    let boot = BOOT.take().unwrap_or_else(|| {
        fatal("this module holds no program: build it with `jsw compile app.ts -o app.wasm`")
    });
    let engine = match boot {
        Boot::Ready(engine) => engine,
        Boot::Deferred(payload) => Engine::boot(&payload),
    };
    let status = engine.run();
    host::mark(1);
    if status == 0 {
        // Returning from `_start` is a success exit without `proc_exit`, which
        // hosts implement as an error unwinding out of the instance; returning is
        // the plain path every host handles the same way.
        io::flush();
        return;
    }
    exit(status);
}

impl Engine {
    /// Creates the runtime and does every piece of work the mode allows before `_start`.
    fn boot(payload: &Payload) -> Engine {
        let rt =
            Runtime::new().unwrap_or_else(|e| fatal(&format!("cannot create the runtime: {e}")));
        rt.set_loader(modules::ProgramResolver, modules::ProgramLoader);
        rt.set_host_promise_rejection_tracker(Some(Box::new(|ctx, promise, reason, handled| {
            globals::track_rejection(&ctx, promise, reason, handled);
        })));
        let ctx = Context::full(&rt)
            .unwrap_or_else(|e| fatal(&format!("cannot create the context: {e}")));
        // SAFETY: the runtime was just created and outlives the process.
        unsafe { stack::install(ctx.get_runtime_ptr()) };
        let start = ctx.with(|ctx| -> Result<Start, i32> {
            globals::init(&ctx, &payload.entry).map_err(|e| report(&ctx, e))?;
            for part in payload
                .modules
                .iter()
                .filter(|m| m.kind == ModuleKind::Part)
            {
                globals::eval_internal_part(&ctx, &part.name, &part.source)
                    .map_err(|e| report(&ctx, e))?;
            }
            if payload
                .modules
                .iter()
                .any(|m| globals::commonjs::may_use_buffer(&m.source))
            {
                globals::commonjs::load_buffer(ctx.clone()).map_err(|e| report(&ctx, e))?;
            }
            for module in payload
                .modules
                .iter()
                .filter(|m| m.kind != ModuleKind::Part)
            {
                globals::error::register(&module.name, &module.positions, module.verbatim);
                modules::register_imports(&module.name, &module.imports);
                if module.kind == ModuleKind::Script {
                    modules::register_script(&ctx, &module.name, &module.source)
                        .map_err(|e| report(&ctx, e))?;
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
                modules::declare(&ctx, &entry.name, &entry.source).map_err(|e| report(&ctx, e))?;
            }
            if payload.mode == Mode::Http {
                let namespace = settle(&ctx, import(&ctx, &payload.entry))?;
                return match handler(&ctx, namespace.clone()) {
                    Ok(true) => warm_up(&ctx, namespace).map(|()| Start::Handler),
                    Ok(false) => {
                        // The compiler then builds a command instead (or,
                        // with `--target http`, fails).
                        io::write(2, jsw_wire::exit::NO_HANDLER_LINE.as_bytes());
                        Err(BuildExit::NoHandler.status())
                    }
                    Err(e) => Err(report(&ctx, e)),
                };
            }
            if payload.mode == Mode::Wit {
                plugin_table(&payload.wit)?;
                let namespace = settle(&ctx, import(&ctx, &payload.entry))?;
                return plugin(&ctx, &payload.entry, namespace).map(|()| Start::Plugin);
            }
            let Some(entry_export) = payload
                .entry_export
                .as_deref()
                .filter(|_| payload.mode != Mode::Script)
            else {
                return Ok(Start::Import(payload.entry.clone()));
            };
            let namespace: Object = settle(&ctx, import(&ctx, &payload.entry))
                .and_then(|v| v.into_object().ok_or(1))?;
            let export: Value = namespace.get(entry_export).map_err(|e| report(&ctx, e))?;
            let kind = ctx
                .eval::<Function, _>("(v) => v === null ? 'null' : typeof v")
                .and_then(|typeof_| typeof_.call::<_, String>((export.clone(),)))
                .unwrap_or_else(|_| "value".into());
            match export.into_function() {
                Some(f) => Ok(Start::Call(Persistent::save(&ctx, f))),
                None => {
                    let message = format!(
                        "jsw: {} exports `{}`, but it is {} {kind}, not a function\n",
                        payload.entry,
                        entry_export,
                        if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                            "an"
                        } else {
                            "a"
                        },
                    );
                    io::write(2, message.as_bytes());
                    Err(1)
                }
            }
        });
        match start {
            Ok(start) => Engine { rt, ctx, start },
            Err(status) => exit(status),
        }
    }

    /// Runs the program's run-time part and returns its exit status.
    fn run(self) -> i32 {
        // The process ends right after: freeing the runtime would only cost time
        // (and QuickJS asserts on objects still referenced from Rust).
        let engine = std::mem::ManuallyDrop::new(self);
        let start = match &engine.start {
            Start::Call(f) => Start::Call(f.clone()),
            Start::Import(entry) => Start::Import(entry.clone()),
            // Commands built from handlers do not exist: the compiler never makes one.
            Start::Handler => fatal("this module is an HTTP handler: serve it with `jsw serve`"),
            Start::Plugin => {
                fatal("this module is a plugin: its host calls the functions it exports")
            }
        };
        // The run's stack starts where `_start` is, not where the build's was.
        // SAFETY: the runtime lives as long as the process.
        unsafe { stack::refresh(engine.ctx.get_runtime_ptr()) };
        engine.ctx.with(|ctx| {
            if let Err(e) = globals::start(&ctx) {
                return report(&ctx, e);
            }
            let outcome = match start {
                Start::Call(f) => match f.restore(&ctx).and_then(|f| f.call::<_, Value>(())) {
                    Ok(v) => match v.into_promise() {
                        Some(p) => settle(&ctx, Ok(p)).map(drop),
                        None => Ok(()),
                    },
                    Err(e) => uncaught(&ctx, e),
                },
                Start::Import(entry) => settle(&ctx, import(&ctx, &entry)).map(drop),
                Start::Handler | Start::Plugin => Ok(()),
            };
            // Like Node, the program lives on while timers are pending.
            let failed = outcome.and_then(|()| run_loop(&ctx)).err();
            match globals::emit_exit(&ctx, failed) {
                Ok(status) => status,
                // An `exit` listener threw: reported, status 1 (as in Node).
                Err(e) => report(&ctx, e),
            }
        })
    }
}

#[cfg(feature = "wit")]
fn plugin_table(table: &[u8]) -> Result<(), i32> {
    wit::prepare(table)
}

#[cfg(feature = "wit")]
fn plugin<'js>(ctx: &Ctx<'js>, entry: &str, namespace: Value<'js>) -> Result<(), i32> {
    wit::resolve(ctx, entry, namespace)
}

#[cfg(not(feature = "wit"))]
fn plugin_table(_: &[u8]) -> Result<(), i32> {
    io::write(
        2,
        b"jsw: this engine was built without plugin support (feature `wit`)\n",
    );
    Err(BuildExit::Software.status())
}

#[cfg(not(feature = "wit"))]
fn plugin<'js>(_: &Ctx<'js>, _: &str, _: Value<'js>) -> Result<(), i32> {
    Err(BuildExit::Software.status())
}

/// The engine's context, once booted (plugin calls arrive after the snapshot).
#[cfg(feature = "wit")]
fn context() -> Option<Context> {
    BOOT.with_borrow(|boot| match boot {
        Some(Boot::Ready(engine)) => Some(engine.ctx.clone()),
        _ => None,
    })
}

#[cfg(feature = "http")]
fn handler<'js>(ctx: &Ctx<'js>, namespace: Value<'js>) -> rquickjs::Result<bool> {
    http::resolve(ctx, namespace)
}

#[cfg(not(feature = "http"))]
fn handler<'js>(_: &Ctx<'js>, _: Value<'js>) -> rquickjs::Result<bool> {
    Ok(false)
}

/// Build time, after the handler was found: the requests the program's
/// `warmup` export lists go through the handler (http.js), so that what
/// frameworks build on their first request (routers, compiled templates) is
/// in the snapshot. A warm-up that fails, is never answered, or leaves timers
/// behind fails the build.
#[cfg(feature = "http")]
fn warm_up<'js>(ctx: &Ctx<'js>, namespace: Value<'js>) -> Result<(), i32> {
    let timers = globals::pending_timers();
    let promise = match http::warm_up(ctx, namespace) {
        Ok(Some(promise)) => promise,
        Ok(None) => return Ok(()),
        Err(e) => return Err(report(ctx, e)),
    };
    settle(ctx, Ok(promise.clone()))?;
    if promise.state() == rquickjs::promise::PromiseState::Pending {
        io::write(
            2,
            b"jsw: the warm-up never finished: a warm-up request was not answered and nothing was left to run\n",
        );
        return Err(1);
    }
    let left = globals::pending_timers() - timers;
    if left > 0 {
        io::write(
            2,
            format!(
                "jsw: the warm-up left {left} timer(s) behind; they would run in every request's instance (clear them before answering)\n"
            )
            .as_bytes(),
        );
        return Err(1);
    }
    Ok(())
}

#[cfg(not(feature = "http"))]
fn warm_up<'js>(_: &Ctx<'js>, _: Value<'js>) -> Result<(), i32> {
    Ok(())
}

/// Serves one HTTP request in this (fresh) instance: the run starts as `_start`
/// starts a command, `dispatch` hands the request to the program, and the loop
/// runs until the response is out and nothing is pending.
#[cfg(feature = "http")]
fn serve(dispatch: impl for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<Value<'js>>) {
    let engine = match BOOT.take() {
        Some(Boot::Ready(engine)) => engine,
        Some(Boot::Deferred(payload)) => Engine::boot(&payload),
        None => {
            io::write(2, b"jsw: this component holds no program\n");
            return;
        }
    };
    // The instance ends with the request; freeing would only cost time.
    let engine = std::mem::ManuallyDrop::new(engine);
    // SAFETY: the runtime lives as long as the instance.
    unsafe { stack::refresh(engine.ctx.get_runtime_ptr()) };
    engine.ctx.with(|ctx| {
        if let Err(e) = globals::start(&ctx) {
            report(&ctx, e);
            return;
        }
        // A promise when the response is not out yet.
        let outcome = match dispatch(&ctx) {
            Ok(value) => match value.into_promise() {
                Some(promise) => settle(&ctx, Ok(promise)).map(drop),
                None => Ok(()),
            },
            Err(e) => uncaught(&ctx, e),
        };
        // Work the handler left behind (waitUntil, timers) runs before the instance goes.
        let _ = outcome.and_then(|()| run_loop(&ctx));
    });
}

fn import<'js>(ctx: &Ctx<'js>, entry: &str) -> rquickjs::Result<Promise<'js>> {
    Module::import(ctx, entry)
}

/// An error of the engine itself, not of the program.
fn fatal(message: &str) -> ! {
    io::write(2, format!("jsw: {message}\n").as_bytes());
    exit(BuildExit::Software.status())
}

fn exit(status: i32) -> ! {
    io::flush();
    std::process::exit(host::exit_status(status))
}

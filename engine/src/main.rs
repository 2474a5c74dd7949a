//! The jsw engine: QuickJS for wasm32-wasip1, pre-initialized by `jsw compile`.
//!
//! Two entry points share one state that lives in linear memory, so the snapshot
//! taken after the first carries it into every run of the second:
//! - `wizer-initialize` (build time, inside the snapshot sandbox) reads the program
//!   from stdin, creates the runtime, installs the globals, compiles the modules and,
//!   when the program exports an entry function, evaluates its top level.
//! - `_start` (run time) calls the entry function, or runs the whole program when it
//!   has none, drives the job queue and exits with the program's status.

mod globals;
mod io;
mod modules;
mod payload;

use std::cell::RefCell;

use payload::{Mode, Payload};
use rquickjs::{
    Context, Ctx, Function, Module, Object, Persistent, Promise, Runtime, Value,
    promise::PromiseState,
};

/// The C stack is 8 MiB (see .cargo/config.toml); leave QuickJS headroom below it
/// so that runaway recursion becomes a RangeError and never a corrupted heap.
const JS_STACK_LIMIT: usize = 6 * 1024 * 1024;

enum Start {
    /// Call this exported function (top level already evaluated in the snapshot).
    Call(Persistent<Function<'static>>),
    /// Evaluate the (already compiled) entry module.
    Import(String),
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
    let payload = Payload::read_stdin().unwrap_or_else(|e| fatal(&e));
    let boot = match payload.mode {
        Mode::Deferred => Boot::Deferred(payload),
        Mode::Snapshot | Mode::Script => {
            let engine = Engine::boot(&payload);
            // Garbage and half-filled buffers would otherwise be frozen into every run.
            engine.rt.run_gc();
            Boot::Ready(engine)
        }
    };
    io::flush();
    BOOT.set(Some(boot));
}

fn main() {
    let boot = BOOT.take().unwrap_or_else(|| {
        fatal("this module holds no program: build it with `jsw compile app.ts -o app.wasm`")
    });
    let engine = match boot {
        Boot::Ready(engine) => engine,
        Boot::Deferred(payload) => Engine::boot(&payload),
    };
    let status = engine.run();
    exit(status);
}

impl Engine {
    /// Creates the runtime and does every piece of work the mode allows before `_start`.
    fn boot(payload: &Payload) -> Engine {
        let rt = Runtime::new().unwrap_or_else(|e| fatal(&format!("cannot create the runtime: {e}")));
        rt.set_max_stack_size(JS_STACK_LIMIT);
        rt.set_loader(modules::ProgramResolver, modules::ProgramLoader);
        let ctx = Context::full(&rt).unwrap_or_else(|e| fatal(&format!("cannot create the context: {e}")));
        let start = ctx.with(|ctx| -> Result<Start, i32> {
            globals::init(&ctx).map_err(|e| report(&ctx, e))?;
            for module in &payload.modules {
                globals::error::register(&module.name, &module.positions);
                modules::register(&module.name, &module.source);
            }
            // Compiling the entry compiles everything it imports, transitively.
            if let Some(entry) = payload.modules.iter().find(|m| m.name == payload.entry) {
                modules::take(&entry.name);
                Module::declare(ctx.clone(), entry.name.as_str(), entry.source.as_str()).map_err(|e| report(&ctx, e))?;
            }
            if payload.mode == Mode::Script || payload.entry_export.is_empty() {
                return Ok(Start::Import(payload.entry.clone()));
            }
            let namespace: Object = settle(&ctx, import(&ctx, &payload.entry))
                .and_then(|v| v.into_object().ok_or(()).map_err(|_| 1))?;
            let export: Value = namespace.get(payload.entry_export.as_str()).map_err(|e| report(&ctx, e))?;
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
                        payload.entry_export,
                        if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" },
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
        };
        engine.ctx.with(|ctx| {
            let outcome = match start {
                Start::Call(f) => {
                    let called = f.restore(&ctx).and_then(|f| f.call::<_, Value>(()));
                    match called {
                        Ok(v) => match v.into_promise() {
                            Some(p) => settle(&ctx, Ok(p)).map(drop),
                            None => Ok(()),
                        },
                        Err(e) => Err(report(&ctx, e)),
                    }
                }
                Start::Import(entry) => settle(&ctx, import(&ctx, &entry)).map(drop),
            };
            match outcome {
                Ok(()) => globals::exit_code(&ctx),
                Err(status) => status,
            }
        })
    }
}

fn import<'js>(ctx: &Ctx<'js>, entry: &str) -> rquickjs::Result<Promise<'js>> {
    Module::import(ctx, entry)
}

/// Drives the job queue until the promise settles. A rejection is reported and
/// turned into exit status 1.
fn settle<'js>(ctx: &Ctx<'js>, promise: rquickjs::Result<Promise<'js>>) -> Result<Value<'js>, i32> {
    let promise = promise.map_err(|e| report(ctx, e))?;
    loop {
        match promise.state() {
            PromiseState::Resolved => {
                return promise.result::<Value>().unwrap_or(Ok(Value::new_undefined(ctx.clone())))
                    .map_err(|e| report(ctx, e));
            }
            PromiseState::Rejected => {
                let err = promise.result::<Value>().map(|r| r.map(drop)).unwrap_or(Ok(()));
                return Err(match err {
                    Err(e) => report(ctx, e),
                    Ok(()) => 1,
                });
            }
            PromiseState::Pending => {
                if !globals::run_one_task(ctx) {
                    // Nothing left that could ever settle it: like Node, end quietly.
                    return Ok(Value::new_undefined(ctx.clone()));
                }
            }
        }
    }
}

/// Prints an uncaught error (message and stack) on stderr and returns exit status 1.
fn report(ctx: &Ctx<'_>, error: rquickjs::Error) -> i32 {
    let value = match error {
        rquickjs::Error::Exception => ctx.catch(),
        other => {
            io::write(2, format!("error: {other}\n").as_bytes());
            return 1;
        }
    };
    globals::report_uncaught(ctx, value);
    1
}

/// An error of the engine itself, not of the program.
fn fatal(message: &str) -> ! {
    io::write(2, format!("jsw: {message}\n").as_bytes());
    exit(70)
}

fn exit(status: i32) -> ! {
    io::flush();
    std::process::exit(status)
}

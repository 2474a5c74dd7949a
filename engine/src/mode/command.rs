//! A WASI command: at build time the top level runs and the entry function
//! (`main`) is found; at run time `_start` calls it, or, for programs without
//! one, evaluates the whole program, then runs the loop until nothing is
//! pending, as Node does.

use rquickjs::{Ctx, Function, Object, Persistent, Value};

use super::{Engine, Start, import};
use crate::event_loop::{report, run_loop, settle, uncaught};
use crate::payload::{Mode, Payload};
use crate::{globals, io};

/// Build time: what `_start` will do.
pub fn start(ctx: &Ctx<'_>, payload: &Payload) -> Result<Start, i32> {
    let Some(entry_export) = payload
        .entry_export
        .as_deref()
        .filter(|_| payload.mode != Mode::Script)
    else {
        return Ok(Start::Import(payload.entry.clone()));
    };
    let namespace: Object =
        settle(ctx, import(ctx, &payload.entry)).and_then(|v| v.into_object().ok_or(1))?;
    let export: Value = namespace.get(entry_export).map_err(|e| report(ctx, e))?;
    let kind = ctx
        .eval::<Function, _>("(v) => v === null ? 'null' : typeof v")
        .and_then(|typeof_| typeof_.call::<_, String>((export.clone(),)))
        .unwrap_or_else(|_| "value".into());
    match export.into_function() {
        Some(f) => Ok(Start::Call(Persistent::save(ctx, f))),
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
}

/// Node's exit status for a top-level await that can never settle.
const UNSETTLED_TOP_LEVEL_AWAIT: i32 = 13;

/// Run time (`_start`): runs the program's run-time part and returns its exit status.
pub fn run(engine: Engine) -> i32 {
    // The process ends right after: freeing the runtime would only cost time
    // (and QuickJS asserts on objects still referenced from Rust).
    let engine = std::mem::ManuallyDrop::new(engine);
    let start = match &engine.start {
        Start::Call(f) => Start::Call(f.clone()),
        Start::Import(entry) => Start::Import(entry.clone()),
        // Commands built from handlers do not exist: the compiler never makes one.
        Start::Handler => crate::fatal("this module is an HTTP handler: serve it with `jsw serve`"),
        Start::Plugin => {
            crate::fatal("this module is a plugin: its host calls the functions it exports")
        }
    };
    crate::profile::start(&engine.rt, &engine.ctx);
    #[cfg(feature = "debugger")]
    crate::debugger::start(&engine.rt, &engine.ctx);
    engine.ctx.with(|ctx| {
        if let Err(e) = engine.enter(&ctx) {
            return report(&ctx, e);
        }
        #[cfg(feature = "debugger")]
        crate::debugger::before_first_line();
        // The program's evaluation, while its top level awaits.
        let mut evaluation = None;
        let outcome = match start {
            Start::Call(f) => match f.restore(&ctx).and_then(|f| f.call::<_, Value>(())) {
                Ok(v) => match v.into_promise() {
                    Some(p) => settle(&ctx, Ok(p)).map(drop),
                    None => Ok(()),
                },
                Err(e) => uncaught(&ctx, e),
            },
            Start::Import(entry) => {
                let imported = import(&ctx, &entry);
                evaluation = imported.as_ref().ok().cloned();
                settle(&ctx, imported).map(drop)
            }
            Start::Handler | Start::Plugin => Ok(()),
        };
        // Like Node, the program lives on while timers are pending.
        let failed = outcome.and_then(|()| run_loop(&ctx)).err();
        let status = match globals::emit_exit(&ctx, failed) {
            Ok(status) => status,
            // An `exit` listener threw: reported, status 1 (as in Node).
            Err(e) => report(&ctx, e),
        };
        // A top-level await that nothing is left to settle: Node's status 13
        // (its `exit` listeners still see 0).
        let unsettled =
            evaluation.is_some_and(|p| p.state() == rquickjs::promise::PromiseState::Pending);
        if status == 0 && unsettled {
            return UNSETTLED_TOP_LEVEL_AWAIT;
        }
        status
    })
}

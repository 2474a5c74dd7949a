//! A wasi:http handler: at build time the top level runs, the handler is found
//! and the program's warm-up requests go through it; each request then runs
//! in a fresh instance of that snapshot (http/ speaks wasi:http).

use jsw_wire::BuildExit;
use rquickjs::{Ctx, Value};

use super::{Start, import};
use crate::event_loop::{report, run_loop, settle, uncaught};
use crate::payload::Payload;
use crate::{globals, http, io};

/// Build time: the handler, found and warmed up.
pub fn start(ctx: &Ctx<'_>, payload: &Payload) -> Result<Start, i32> {
    // The host imports the handler uses (environment, config, key-value).
    if !payload.wit.is_empty() {
        #[cfg(feature = "wit")]
        crate::wit::load_imports(ctx, &payload.wit)?;
        #[cfg(not(feature = "wit"))]
        {
            io::write(
                2,
                b"jsw: this engine was built without WIT imports (feature `wit`)\n",
            );
            return Err(BuildExit::Software.status());
        }
    }
    let namespace = settle(ctx, import(ctx, &payload.entry))?;
    match http::resolve(ctx, namespace.clone()) {
        Ok(true) => warm_up(ctx, namespace).map(|()| Start::Handler),
        Ok(false) => {
            // The compiler then builds a command instead (or, with
            // `--target http`, fails).
            io::write(2, jsw_wire::exit::NO_HANDLER_LINE.as_bytes());
            Err(BuildExit::NoHandler.status())
        }
        Err(e) => Err(report(ctx, e)),
    }
}

/// Build time, after the handler was found: the requests the program's
/// `warmup` export lists go through the handler (http.js), so that what
/// frameworks build on their first request (routers, compiled templates) is
/// in the snapshot. A warm-up that fails, is never answered, or leaves timers
/// behind fails the build.
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

/// Serves one HTTP request in this (fresh) instance: the run starts as `_start`
/// starts a command, `dispatch` hands the request to the program, and the loop
/// runs until the response is out and nothing is pending.
pub fn serve(dispatch: impl for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<Value<'js>>) {
    let Some(engine) = super::take() else {
        io::write(2, b"jsw: this component holds no program\n");
        return;
    };
    // The instance ends with the request; freeing would only cost time.
    let engine = std::mem::ManuallyDrop::new(engine);
    crate::profile::start(&engine.rt, &engine.ctx);
    #[cfg(feature = "debugger")]
    crate::debugger::start(&engine.rt, &engine.ctx);
    engine.ctx.with(|ctx| {
        if let Err(e) = engine.enter(&ctx) {
            report(&ctx, e);
            return;
        }
        #[cfg(feature = "debugger")]
        crate::debugger::before_first_line();
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
    // The request's profile, when `jsw serve --cpu-prof` asked for one.
    crate::profile::finish();
}

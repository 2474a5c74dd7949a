//! The engine's event loop, the same in every mode: Node's order of work
//! (`process.nextTick` ticks, then promise jobs, then the next timer; pending
//! host I/O awaited with the next timer in HTTP mode), the settling of a
//! promise the host waits for, and what an error nothing caught does. The
//! queues themselves are the globals' (globals/mod.rs: `drain_jobs`,
//! `run_timer`); the modes' entry points (main.rs: commands and the build;
//! http/: a request; wit/: a plugin call) drive them through here.

use rquickjs::{Ctx, Promise, Value, promise::PromiseState};

use crate::{globals, io};

/// Runs the event loop until the promise settles. A rejection is an uncaught
/// error (exit status 1 unless an `uncaughtException` listener takes it); a
/// promise that can never settle (nothing left to run) ends quietly, as in Node.
pub fn settle<'js>(
    ctx: &Ctx<'js>,
    promise: rquickjs::Result<Promise<'js>>,
) -> Result<Value<'js>, i32> {
    let undefined = || Value::new_undefined(ctx.clone());
    let promise = match promise {
        Ok(p) => p,
        Err(e) => return uncaught(ctx, e).map(|()| undefined()),
    };
    loop {
        let drained = globals::drain_jobs(ctx);
        match promise.state() {
            PromiseState::Resolved => {
                if let Err(stop) = drained {
                    stopped(ctx, stop)?;
                }
                return match promise.result::<Value>() {
                    Some(Ok(v)) => Ok(v),
                    Some(Err(e)) => uncaught(ctx, e).map(|()| undefined()),
                    None => Ok(undefined()),
                };
            }
            PromiseState::Rejected => {
                // This rejection is the one to report, not as "unhandled".
                return match promise.result::<Value>() {
                    Some(Err(e)) => uncaught(ctx, e).map(|()| undefined()),
                    _ => Err(1),
                };
            }
            PromiseState::Pending => {
                if let Err(stop) = drained {
                    stopped(ctx, stop)?;
                    continue;
                }
                match globals::run_timer(ctx) {
                    Ok(true) => {}
                    Ok(false) => return Ok(undefined()),
                    Err(stop) => stopped(ctx, stop)?,
                }
            }
        }
    }
}

/// Runs ticks, promise jobs and timers until there is nothing left to do and
/// `beforeExit` listeners (if any) schedule nothing more.
pub fn run_loop(ctx: &Ctx<'_>) -> Result<(), i32> {
    loop {
        if turn(ctx)? {
            continue;
        }
        match globals::emit_before_exit(ctx) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                uncaught(ctx, e)?;
                continue;
            }
        }
        // The listeners ran: whatever they scheduled keeps the program alive.
        if !turn(ctx)? {
            return Ok(());
        }
    }
}

/// One turn of the loop: ticks and promise jobs, then the next timer. True when
/// anything ran (an error a listener took counts: the loop goes on).
fn turn(ctx: &Ctx<'_>) -> Result<bool, i32> {
    // A debugger's messages between tasks too (a program waiting on timers
    // runs too little JS for the interrupt handler to come by).
    #[cfg(feature = "debugger")]
    crate::debugger::poll();
    let drained = match globals::drain_jobs(ctx) {
        Ok(ran) => ran,
        Err(stop) => return stopped(ctx, stop).map(|()| true),
    };
    match globals::run_timer(ctx) {
        Ok(fired) => Ok(drained || fired),
        Err(stop) => stopped(ctx, stop).map(|()| true),
    }
}

/// An error that stopped the loop: Ok when a listener took it, else the status.
fn stopped<'js>(ctx: &Ctx<'js>, stop: globals::Stop<'js>) -> Result<(), i32> {
    #[cfg(feature = "http")]
    if crate::http::exited() {
        return Err(0);
    }
    match stop {
        globals::Stop::Thrown(e) => uncaught(ctx, e),
        globals::Stop::Unhandled(reason, promise) => {
            // Listeners ran in the rejection's async context; the loop goes on in none.
            let dispatched = globals::dispatch_unhandled(ctx, reason.clone(), promise);
            globals::async_context::reset(ctx);
            match dispatched {
                Ok(true) => Ok(()),
                Ok(false) => {
                    globals::report_unhandled(ctx, reason);
                    Err(1)
                }
                // The listener itself threw: fatal, status 7 as in Node.
                Err(e) => {
                    report(ctx, e);
                    Err(7)
                }
            }
        }
    }
}

/// An error nothing caught: `uncaughtException` listeners may take it (Ok);
/// otherwise it is printed and the run ends with status 1 (7 when a listener threw).
pub fn uncaught(ctx: &Ctx<'_>, error: rquickjs::Error) -> Result<(), i32> {
    // process.exit() in a handler throws an uncatchable error to end the
    // request: not an error of the program's, and nothing runs after it.
    #[cfg(feature = "http")]
    if crate::http::exited() {
        let _ = ctx.catch();
        return Err(0);
    }
    let value = match error {
        rquickjs::Error::Exception => ctx.catch(),
        other => return Err(report(ctx, other)),
    };
    // Listeners ran in the async context of the timer or nextTick callback
    // that threw (kept by timers.js and process.js; a promise job's is not
    // kept, as in Node 20); the loop goes on in none.
    let dispatched = globals::dispatch_uncaught(ctx, value.clone());
    globals::async_context::reset(ctx);
    match dispatched {
        Ok(true) => Ok(()),
        Ok(false) => {
            globals::report_uncaught(ctx, value);
            Err(1)
        }
        Err(e) => {
            report(ctx, e);
            Err(7)
        }
    }
}

/// Prints an uncaught error (message and stack) on stderr and returns exit status 1.
pub fn report(ctx: &Ctx<'_>, error: rquickjs::Error) -> i32 {
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

/// A plugin call: runs jobs and timers until the value the export returned
/// settles, when it is a promise (the host waits for the call's result).
/// `stuck` ends the call when the promise can never settle.
pub fn settle_call<'js>(
    ctx: &Ctx<'js>,
    value: Value<'js>,
    stuck: impl FnOnce() -> Result<Value<'js>, Value<'js>>,
) -> Result<Value<'js>, Value<'js>> {
    let Some(promise) = value.as_promise().cloned() else {
        return Ok(value);
    };
    loop {
        if globals::drain_jobs(ctx).is_err() {
            // The call's result says what failed; the rest runs in no
            // async context.
            globals::async_context::reset(ctx);
        }
        match promise.state() {
            PromiseState::Resolved => {
                return promise
                    .result::<Value>()
                    .unwrap_or(Ok(value))
                    .map_err(|_| ctx.catch());
            }
            PromiseState::Rejected => {
                return match promise.result::<Value>() {
                    Some(Err(rquickjs::Error::Exception)) => Err(ctx.catch()),
                    _ => Err(Value::new_undefined(ctx.clone())),
                };
            }
            PromiseState::Pending => match globals::run_timer(ctx) {
                Ok(true) => {}
                _ => return stuck(),
            },
        }
    }
}

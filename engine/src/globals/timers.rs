//! Timers and the event loop. The timer queue itself is JS (timers.js); this side
//! owns the clock and the waiting.
//!
//! Time for timers and `performance.now()` is milliseconds since the run started.
//! At build time the clock is virtual: when only timers are left, it jumps to the
//! next one instead of sleeping, so a top level that awaits a timer builds at once
//! and always the same way. Timers still pending when the build ends are carried
//! into the snapshot and fire at run time, their remaining delay counted from start.

use std::cell::Cell;

use rquickjs::{Ctx, Function, Object};

use crate::{phase, wasi};

thread_local! {
    /// Monotonic nanoseconds at the start of the run.
    static ORIGIN: Cell<u64> = const { Cell::new(0) };
    /// The build's virtual clock, in milliseconds.
    static VIRTUAL_MS: Cell<f64> = const { Cell::new(0.0) };
}

pub fn now_ms() -> f64 {
    if phase::is_build() {
        VIRTUAL_MS.get()
    } else {
        wasi::monotonic_ns().saturating_sub(ORIGIN.get()) as f64 / 1e6
    }
}

/// Called at `_start`, before any program code: the run's time begins now.
pub fn start() {
    ORIGIN.set(wasi::monotonic_ns());
}

/// The virtual time the build ended at, to rebase carried-over timers.
pub fn build_end_ms() -> f64 {
    VIRTUAL_MS.get()
}

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("now", Function::new(ctx.clone(), now_ms)?)?;
    jsw.set(
        "wallClockMs",
        Function::new(ctx.clone(), || wasi::realtime_ns() as f64 / 1e6)?,
    )?;
    super::eval_part(ctx, jsw, "timers", include_str!("timers.js"))
}

/// Waits for the next timer and fires it. Returns false when no timer is pending.
pub fn run_next(ctx: &Ctx<'_>) -> rquickjs::Result<bool> {
    let due = super::internal_fn(ctx, "nextTimerDelay")?;
    let io = super::io_pending();
    let delay: f64 = due.call((io,))?;
    // A handler awaiting I/O (an upstream's response, a request body) waits
    // for it and the next timer together; whichever is first runs.
    #[allow(unused_mut)]
    let mut waited = false;
    #[cfg(feature = "http")]
    if io {
        // Without a timer the wait ends only on I/O.
        if crate::http::pending::wait(ctx, (delay >= 0.0).then_some(delay))? || delay < 0.0 {
            return Ok(true);
        }
        waited = true;
    }
    if delay < 0.0 {
        return Ok(false);
    }
    if delay > 0.0 && !waited {
        if phase::is_build() {
            VIRTUAL_MS.set(VIRTUAL_MS.get() + delay);
        } else {
            crate::io::flush();
            // Under `--inspect`, the debugger's client is answered meanwhile.
            #[cfg(feature = "debugger")]
            let slept = crate::debugger::sleep(delay);
            #[cfg(not(feature = "debugger"))]
            let slept = false;
            if !slept {
                std::thread::sleep(std::time::Duration::from_secs_f64(delay / 1000.0));
            }
        }
    }
    let fire = super::internal_fn(ctx, "fireTimer")?;
    fire.call::<_, ()>(())?;
    Ok(true)
}

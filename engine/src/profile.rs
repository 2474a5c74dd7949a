//! `jsw run --cpu-prof` and `jsw serve --cpu-prof`: a sampling CPU profiler of
//! the program's JS.
//!
//! QuickJS calls its interrupt handler every few thousand operations (function
//! calls and loop iterations). When the host asked for a profile (a
//! `jsw-configure` flag, with the interval), the handler looks at the clock and,
//! once per interval, has globals/profile.js record the JS call stack. The
//! profile is kept in linear memory at the end of the run, where the host reads
//! it through the `jsw-profile` export; a request's (asked for by a request
//! header, as components export only their world) goes to stderr as one line.
//! Modules run without the flag install no handler and pay nothing.

use std::cell::Cell;
use std::ptr::NonNull;

use rquickjs::{Context, Function, qjs};

thread_local! {
    /// Sampling interval in ns; 0: not profiling.
    static INTERVAL: Cell<u64> = const { Cell::new(0) };
    /// The profile goes to stderr as one line (a request under `jsw serve
    /// --cpu-prof`), not to the `jsw-profile` export.
    static TO_STDERR: Cell<bool> = const { Cell::new(false) };
    static NEXT: Cell<u64> = const { Cell::new(0) };
    /// A sample is being taken (its JS must not sample itself).
    static BUSY: Cell<bool> = const { Cell::new(false) };
    /// The context, `jsw.profileSample` and `jsw.profileFinish`, once started.
    static SAMPLER: Cell<Option<(NonNull<qjs::JSContext>, qjs::JSValue, qjs::JSValue)>> = const { Cell::new(None) };
}

/// The finished profile: a little-endian u32 length, then the JSON.
static mut PROFILE: Vec<u8> = Vec::new();

/// Where the profile is, for the host to read after `_start` (0: none).
#[unsafe(export_name = "jsw-profile")]
pub extern "C" fn profile() -> u32 {
    // SAFETY: one thread; written once at the end of the run.
    let profile = unsafe { &*core::ptr::addr_of!(PROFILE) };
    if profile.is_empty() {
        0
    } else {
        profile.as_ptr() as u32
    }
}

/// From `jsw-configure`: profile, sampling every `interval_us` microseconds.
pub fn configure(interval_us: u32) {
    INTERVAL.set(u64::from(interval_us.max(10)) * 1000);
}

/// From a request's `jsw-cpu-profile` header (`jsw serve --cpu-prof`):
/// profile this request, and hand the profile over on stderr when it ends.
#[cfg(feature = "http")]
pub fn configure_request(interval_us: u32) {
    configure(interval_us);
    TO_STDERR.set(true);
}

/// At init (into the snapshot): the profiler's JS half, started by `start`.
pub fn init<'js>(ctx: &rquickjs::Ctx<'js>, jsw: &rquickjs::Object<'js>) -> rquickjs::Result<()> {
    jsw.set(
        "nowMicros",
        Function::new(ctx.clone(), || {
            (crate::wasi::instrument_monotonic_ns() / 1000) as f64
        })?,
    )?;
    crate::globals::eval_part(ctx, jsw, "profile", include_str!("globals/profile.js"))
}

/// At the start of a run: the sampler and the interrupt handler, when asked.
pub fn start(rt: &rquickjs::Runtime, context: &Context) {
    if INTERVAL.get() == 0 {
        return;
    }
    let sampler = context.with(|ctx| -> rquickjs::Result<(qjs::JSValue, qjs::JSValue)> {
        let jsw = crate::globals::internals(&ctx).ok_or(rquickjs::Error::Unknown)?;
        let begin: Function = jsw.get("profileStart")?;
        let pair: rquickjs::Array = begin.call(())?;
        let sample: Function = pair.get(0)?;
        let finish: Function = pair.get(1)?;
        let raw = ctx.as_raw().as_ptr();
        // SAFETY: the values are kept alive (duplicated) for the rest of the run.
        Ok(unsafe {
            (
                qjs::JS_DupValue(raw, sample.as_raw()),
                qjs::JS_DupValue(raw, finish.as_raw()),
            )
        })
    });
    let Ok((sampler, finisher)) = sampler else {
        crate::io::write(2, b"jsw: the profiler could not start\n");
        return;
    };
    SAMPLER.set(Some((context.as_raw(), sampler, finisher)));
    NEXT.set(crate::wasi::instrument_monotonic_ns() + INTERVAL.get());
    rt.set_interrupt_handler(Some(Box::new(|| {
        sample();
        false
    })));
}

fn sample() {
    let now = crate::wasi::instrument_monotonic_ns();
    if now < NEXT.get() || BUSY.get() {
        return;
    }
    let Some((ctx, sampler, _)) = SAMPLER.get() else {
        return;
    };
    BUSY.set(true);
    // SAFETY: called by QuickJS from inside the running program, on its
    // context; the sampler's value was duplicated at start and lives on.
    unsafe {
        let ctx = ctx.as_ptr();
        let result = qjs::JS_Call(ctx, sampler, qjs::JS_UNDEFINED, 0, core::ptr::null_mut());
        if qjs::JS_IsException(result) {
            // A failed sample is dropped; the program's own exception state is untouched.
            qjs::JS_FreeValue(ctx, qjs::JS_GetException(ctx));
        } else {
            qjs::JS_FreeValue(ctx, result);
        }
    }
    NEXT.set(crate::wasi::instrument_monotonic_ns() + INTERVAL.get());
    BUSY.set(false);
}

/// At the end of a run (however it ends: the program's end, `process.exit()`,
/// an uncaught error): the profile, serialized for the host.
pub fn finish() {
    let Some((ctx, _, finisher)) = SAMPLER.take() else {
        return;
    };
    // SAFETY: the context is alive until the process ends; the finisher was
    // duplicated at start. No sample runs any more (SAMPLER is empty).
    let json = unsafe {
        let ctx = ctx.as_ptr();
        let result = qjs::JS_Call(ctx, finisher, qjs::JS_UNDEFINED, 0, core::ptr::null_mut());
        if qjs::JS_IsException(result) {
            qjs::JS_FreeValue(ctx, qjs::JS_GetException(ctx));
            return;
        }
        let mut len = 0usize;
        let ptr = qjs::JS_ToCStringLen2(ctx, &mut len as *mut usize as _, result, false);
        let bytes = if ptr.is_null() {
            Vec::new()
        } else {
            let bytes = core::slice::from_raw_parts(ptr as *const u8, len).to_vec();
            qjs::JS_FreeCString(ctx, ptr);
            bytes
        };
        qjs::JS_FreeValue(ctx, result);
        bytes
    };
    if TO_STDERR.get() {
        let mut line = jsw_wire::names::PROFILE_LINE.as_bytes().to_vec();
        line.extend_from_slice(&json);
        line.push(b'\n');
        crate::io::write(2, &line);
        return;
    }
    let mut out = (json.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(&json);
    // SAFETY: one thread; the host reads it only after the run.
    unsafe { *core::ptr::addr_of_mut!(PROFILE) = out };
}

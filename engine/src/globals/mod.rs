//! The globals a jsw program sees. One file per API; each may pair Rust natives
//! with a JS part. JS parts are evaluated inside the snapshot, so they cost nothing
//! at start-up however large they are.
//!
//! Every JS part is a function expression `(jsw) => { ... }` that receives the
//! internal object shared by all parts (never reachable from the program), puts what
//! it defines for the others on it, and installs its globals.

mod abort;
pub mod async_context;
pub mod commonjs;
mod console;
mod dom_exception;
mod encoding;
pub mod error;
mod event_target;
mod fetch;
mod headers;
pub mod io;
mod json;
mod performance;
mod process;
pub mod random;
mod structured_clone;
pub mod timers;
mod url;

use std::cell::RefCell;

use rquickjs::{Ctx, Function, Object, Persistent, Value};

thread_local! {
    static ENTRY: RefCell<String> = const { RefCell::new(String::new()) };
    static INTERNALS: RefCell<Option<Persistent<Object<'static>>>> = const { RefCell::new(None) };
    /// The internal functions every run calls, found once at build time.
    static HOT: RefCell<Vec<(&'static str, Persistent<Function<'static>>)>> = const { RefCell::new(Vec::new()) };
    static START_HOOKS: RefCell<Vec<Persistent<Function<'static>>>> = const { RefCell::new(Vec::new()) };
}

/// Internal functions called on every run (and every request of an HTTP
/// handler). Looking one up by name at run time makes an atom of the name,
/// which writes to a page of the snapshot that the run would otherwise leave
/// alone; held here, they are found by the snapshot's own pointers.
const HOT_NAMES: &[&str] = &[
    "runTicks",
    "takeUnhandled",
    "emitExit",
    "emitBeforeExit",
    "nextTimerDelay",
    "fireTimer",
];

/// What the event loop would find to do, kept by the JS parts in an Int32Array
/// (`jsw.loopState`) that the loop reads directly: asking JS each time (are
/// there ticks? rejections? timers? listeners?) was most of what a run costs
/// after the program's own work. The array lives as long as the runtime, and its
/// bytes never move (it is never detached or resized).
const TICKS: usize = 0;
const REJECTIONS: usize = 1;
const TIMERS: usize = 2;
const BEFORE_EXIT: usize = 3;

thread_local! {
    static LOOP_STATE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether a run (not the build) awaits host I/O: an HTTP handler's
/// outbound response or request body (http/pending.rs).
pub fn io_pending() -> bool {
    #[cfg(feature = "http")]
    return !crate::phase::is_build() && crate::http::pending::waiting();
    #[cfg(not(feature = "http"))]
    false
}

/// Timers pending (ref'ed or not).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub fn pending_timers() -> i32 {
    loop_state(TIMERS)
}

fn loop_state(slot: usize) -> i32 {
    let base = LOOP_STATE.get();
    if base == 0 {
        // Not installed (a failed init): ask JS every time.
        return 1;
    }
    // SAFETY: `base` points to the 4 i32s of jsw.loopState, alive and unmoved
    // for as long as the runtime (see above).
    unsafe { std::ptr::read_volatile((base as *const i32).add(slot)) }
}

/// An internal function by name: from the build-time table when it is hot.
pub(crate) fn internal_fn<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Function<'js>> {
    let hot = HOT.with_borrow(|hot| hot.iter().find(|(n, _)| *n == name).map(|(_, f)| f.clone()));
    match hot {
        Some(f) => f.restore(ctx),
        None => internals(ctx)
            .ok_or(rquickjs::Error::Unknown)?
            .get::<_, Function>(name),
    }
}

pub fn init(ctx: &Ctx<'_>, entry: &str) -> rquickjs::Result<()> {
    ENTRY.set(entry.to_string());
    let jsw = Object::new(ctx.clone())?;
    jsw.set(
        "write",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'_>, fd: u32, text: Value<'_>| -> rquickjs::Result<()> {
                crate::io::write(fd, crate::text::to_utf8(&ctx, &text)?.as_bytes());
                Ok(())
            },
        )?,
    )?;
    jsw.set("promiseState", Function::new(ctx.clone(), promise_state)?)?;
    jsw.set("version", env!("CARGO_PKG_VERSION"))?;
    jsw.set("onStart", rquickjs::Array::new(ctx.clone())?)?;
    let state = rquickjs::TypedArray::<i32>::new(ctx.clone(), vec![0i32; 4])?;
    if let Some(raw) = state.as_raw() {
        LOOP_STATE.set(raw.as_ptr() as *const u8 as usize);
    }
    jsw.set("loopState", state)?;
    jsw.set(
        "buildEndMs",
        Function::new(ctx.clone(), timers::build_end_ms)?,
    )?;
    jsw.set(
        "entryName",
        Function::new(ctx.clone(), || ENTRY.with_borrow(|e| e.clone()))?,
    )?;
    async_context::init(ctx, &jsw)?;
    error::init(ctx, &jsw)?;
    dom_exception::init(ctx, &jsw)?;
    console::init(ctx, &jsw)?;
    process::init(ctx, &jsw)?;
    timers::init(ctx, &jsw)?;
    performance::init(ctx, &jsw)?;
    random::init(ctx, &jsw)?;
    encoding::init(ctx, &jsw)?;
    json::init(ctx, &jsw)?;
    io::init(ctx, &jsw)?;
    structured_clone::init(ctx, &jsw)?;
    url::init(ctx, &jsw)?;
    headers::init(ctx, &jsw)?;
    event_target::init(ctx, &jsw)?;
    abort::init(ctx, &jsw)?;
    fetch::init(ctx, &jsw)?;
    commonjs::init(ctx, &jsw)?;
    #[cfg(feature = "http")]
    crate::http::init(ctx, &jsw)?;
    eval_part(ctx, &jsw, "rejections", include_str!("rejections.js"))?;
    eval_part(ctx, &jsw, "materialize", include_str!("materialize.js"))?;
    crate::profile::init(ctx, &jsw)?;
    #[cfg(feature = "debugger")]
    crate::debugger::init(ctx, &jsw)?;
    let mut hot = Vec::new();
    for &name in HOT_NAMES {
        hot.push((name, Persistent::save(ctx, jsw.get::<_, Function>(name)?)));
    }
    HOT.set(hot);
    collect_start_hooks(ctx, &jsw)?;
    INTERNALS.set(Some(Persistent::save(ctx, jsw)));
    Ok(())
}

/// Keeps the functions parts registered in `jsw.onStart`, to run when the
/// module starts; again after each part the program brought.
fn collect_start_hooks<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    let hooks: rquickjs::Array = jsw.get("onStart")?;
    let mut start_hooks = Vec::new();
    for hook in hooks.iter::<Function>() {
        start_hooks.push(Persistent::save(ctx, hook?));
    }
    START_HOOKS.set(start_hooks);
    Ok(())
}

/// Evaluates one JS part and hands it the internal object.
pub(crate) fn eval_part<'js>(
    ctx: &Ctx<'js>,
    jsw: &Object<'js>,
    name: &str,
    source: &str,
) -> rquickjs::Result<()> {
    let part = compile_stripped(ctx, &format!("jsw:{name}"), source)?;
    part.call::<_, ()>((jsw.clone(),))
}

/// Evaluates one of the engine's parts that the compiler sent with the program
/// (a Node built-in the program imports; compiler/src/bundle/builtins.rs).
pub fn eval_internal_part(ctx: &Ctx<'_>, name: &str, source: &str) -> rquickjs::Result<()> {
    let jsw = internals(ctx).ok_or(rquickjs::Error::Unknown)?;
    eval_part(ctx, &jsw, name, source)?;
    collect_start_hooks(ctx, &jsw)
}

/// Evaluates a JS part compiled without its source text. QuickJS keeps the text
/// of every function for `toString`, nested functions again inside their outer
/// one's; for jsw's own parts that was most of the snapshot's heap, which every
/// instance maps and an HTTP request's reset copies. Line numbers stay (stack
/// traces); `toString` of a jsw function says `[native code]`, as built-ins do.
fn compile_stripped<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    source: &str,
) -> rquickjs::Result<Function<'js>> {
    use rquickjs::qjs;
    let raw = ctx.as_raw().as_ptr();
    let input = std::ffi::CString::new(source).map_err(|_| rquickjs::Error::Unknown)?;
    let file = std::ffi::CString::new(name).map_err(|_| rquickjs::Error::Unknown)?;
    // SAFETY: plain QuickJS calls on this context; every value is freed or
    // handed to rquickjs exactly once, and the written buffer is freed after
    // it is read back.
    unsafe {
        let flags = (qjs::JS_EVAL_TYPE_GLOBAL
            | qjs::JS_EVAL_FLAG_STRICT
            | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
        let compiled = qjs::JS_Eval(raw, input.as_ptr(), source.len() as _, file.as_ptr(), flags);
        if qjs::JS_IsException(compiled) {
            return Err(rquickjs::Error::Exception);
        }
        let mut size = 0;
        let bytes = qjs::JS_WriteObject(
            raw,
            &mut size,
            compiled,
            (qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE) as i32,
        );
        qjs::JS_FreeValue(raw, compiled);
        if bytes.is_null() {
            return Err(rquickjs::Error::Unknown);
        }
        let read = qjs::JS_ReadObject(raw, bytes, size, qjs::JS_READ_OBJ_BYTECODE as i32);
        qjs::js_free(raw, bytes.cast());
        if qjs::JS_IsException(read) {
            return Err(rquickjs::Error::Exception);
        }
        let value = qjs::JS_EvalFunction(raw, read);
        if qjs::JS_IsException(value) {
            return Err(rquickjs::Error::Exception);
        }
        Value::from_raw(ctx.clone(), value)
            .into_function()
            .ok_or(rquickjs::Error::Unknown)
    }
}

pub(crate) fn internals<'js>(ctx: &Ctx<'js>) -> Option<Object<'js>> {
    INTERNALS
        .with_borrow(|i| i.clone())
        .and_then(|p| p.restore(ctx).ok())
}

/// Prints an uncaught exception the way the console prints errors.
pub fn report_uncaught<'js>(ctx: &Ctx<'js>, error: Value<'js>) {
    if call_internal::<_, ()>(ctx, "reportUncaught", (error,)).is_err() {
        // The reporter itself failed (or the globals never got installed).
        let _ = ctx.catch();
        crate::io::write(2, b"Uncaught exception (it could not be printed)\n");
    }
}

/// Runs the program's part of `_start` bookkeeping: the run's clock starts,
/// randomness is reseeded, and the JS parts' start hooks run.
pub fn start(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    crate::phase::start_running();
    timers::start();
    random::reseed();
    let hooks = START_HOOKS.with_borrow(|hooks| hooks.clone());
    for hook in hooks {
        hook.restore(ctx)?.call::<_, ()>(())?;
    }
    Ok(())
}

/// Why the event loop stopped early.
pub enum Stop<'js> {
    /// A timer callback threw.
    Thrown(rquickjs::Error),
    /// A promise was rejected and nothing handled it: the reason and the promise.
    Unhandled(Value<'js>, Value<'js>),
}

/// Runs `process.nextTick` callbacks, then promise jobs, until neither is left
/// (Node's order), then reports a rejection nobody handled. True when anything ran.
pub fn drain_jobs<'js>(ctx: &Ctx<'js>) -> Result<bool, Stop<'js>> {
    let mut ran = false;
    loop {
        let ticked: bool = if loop_state(TICKS) != 0 {
            internal_fn(ctx, "runTicks")
                .and_then(|f| f.call(()))
                .map_err(Stop::Thrown)?
        } else {
            false
        };
        let mut jobs = false;
        while run_job(ctx).map_err(Stop::Thrown)? {
            jobs = true;
        }
        ran |= ticked || jobs;
        if !ticked && !jobs {
            break;
        }
    }
    if loop_state(REJECTIONS) == 0 {
        return Ok(ran);
    }
    let take = internal_fn(ctx, "takeUnhandled").map_err(Stop::Thrown)?;
    let found: Option<rquickjs::Array> = take.call(()).map_err(Stop::Thrown)?;
    match found {
        Some(a) => Err(Stop::Unhandled(
            a.get(0).map_err(Stop::Thrown)?,
            a.get(1).map_err(Stop::Thrown)?,
        )),
        None => Ok(ran),
    }
}

/// Runs one pending job. A job that throws (a `queueMicrotask` callback) is an
/// uncaught error, as in Node; rquickjs's own helper would swallow it.
fn run_job(ctx: &Ctx<'_>) -> rquickjs::Result<bool> {
    let mut job_ctx = std::ptr::null_mut();
    // SAFETY: the runtime is live; the program has one context, so an exception
    // the job left is pending on `ctx`.
    let res = unsafe {
        rquickjs::qjs::JS_ExecutePendingJob(
            rquickjs::qjs::JS_GetRuntime(ctx.as_raw().as_ptr()),
            &mut job_ctx,
        )
    };
    match res {
        0 => Ok(false),
        r if r > 0 => Ok(true),
        _ => Err(rquickjs::Error::Exception),
    }
}

/// Waits for and fires the next timer; false when nothing is left to wait for.
pub fn run_timer<'js>(ctx: &Ctx<'js>) -> Result<bool, Stop<'js>> {
    // Awaited I/O (HTTP mode) is waited for with the timers.
    if loop_state(TIMERS) == 0 && !io_pending() {
        return Ok(false);
    }
    timers::run_next(ctx).map_err(Stop::Thrown)
}

/// Tells the JS side about a promise rejected without a handler, or a handler
/// added later.
pub fn track_rejection<'js>(
    ctx: &Ctx<'js>,
    promise: Value<'js>,
    reason: Value<'js>,
    handled: bool,
) {
    let _ = call_internal::<_, ()>(ctx, "trackRejection", (promise, reason, handled));
}

/// Calls the internal function `name` with `args`.
fn call_internal<'js, A, R>(ctx: &Ctx<'js>, name: &str, args: A) -> rquickjs::Result<R>
where
    A: rquickjs::function::IntoArgs<'js>,
    R: rquickjs::FromJs<'js>,
{
    internal_fn(ctx, name)?.call(args)
}

/// Emits `exit` (`failed`: the status of a run ended by an uncaught error) and
/// returns the status the program ends with.
pub fn emit_exit(ctx: &Ctx<'_>, failed: Option<i32>) -> rquickjs::Result<i32> {
    async_context::reset(ctx);
    call_internal(ctx, "emitExit", (failed,))
}

/// Emits `beforeExit`; true when the program listens for it.
pub fn emit_before_exit(ctx: &Ctx<'_>) -> rquickjs::Result<bool> {
    async_context::reset(ctx);
    if loop_state(BEFORE_EXIT) == 0 {
        return Ok(false);
    }
    call_internal(ctx, "emitBeforeExit", ())
}

/// Offers an uncaught error to `uncaughtException` listeners; true when taken.
pub fn dispatch_uncaught<'js>(ctx: &Ctx<'js>, error: Value<'js>) -> rquickjs::Result<bool> {
    call_internal(ctx, "dispatchUncaught", (error, "uncaughtException"))
}

/// Offers an unhandled rejection to `unhandledRejection` (then
/// `uncaughtException`) listeners; true when taken.
pub fn dispatch_unhandled<'js>(
    ctx: &Ctx<'js>,
    reason: Value<'js>,
    promise: Value<'js>,
) -> rquickjs::Result<bool> {
    call_internal(ctx, "dispatchUnhandled", (reason, promise))
}

/// Prints a rejection nobody handled.
pub fn report_unhandled<'js>(ctx: &Ctx<'js>, reason: Value<'js>) {
    if call_internal::<_, ()>(ctx, "reportUnhandled", (reason,)).is_err() {
        let _ = ctx.catch();
        crate::io::write(
            2,
            b"Uncaught (in promise) (the reason could not be printed)\n",
        );
    }
}

/// `[state, value]` of a promise for the formatter: 0 pending, 1 fulfilled, 2 rejected.
fn promise_state<'js>(p: rquickjs::Promise<'js>) -> rquickjs::Result<rquickjs::Array<'js>> {
    use rquickjs::promise::PromiseState;
    let ctx = p.ctx().clone();
    let (state, value) = match p.state() {
        PromiseState::Pending => (0, Value::new_undefined(ctx.clone())),
        PromiseState::Resolved => {
            let value = p.result::<Value>().and_then(Result::ok);
            (
                1,
                value.unwrap_or_else(|| Value::new_undefined(ctx.clone())),
            )
        }
        PromiseState::Rejected => {
            // result() rethrows the reason; take it back off the context.
            let _ = p.result::<Value>();
            (2, ctx.catch())
        }
    };
    let out = rquickjs::Array::new(ctx)?;
    out.set(0, state)?;
    out.set(1, value)?;
    Ok(out)
}

/// The bytes of a Uint8Array, copied out.
pub(crate) fn bytes_of(array: &rquickjs::TypedArray<'_, u8>) -> Vec<u8> {
    // SAFETY: the slice is copied before any JS can run and detach or resize the buffer.
    unsafe { array.as_bytes() }
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

//! The globals a jsw program sees. One file per API; each may pair Rust natives
//! with a JS part. JS parts are evaluated inside the snapshot, so they cost nothing
//! at start-up however large they are.
//!
//! Every JS part is a function expression `(jsw) => { ... }` that receives the
//! internal object shared by all parts (never reachable from the program), puts what
//! it defines for the others on it, and installs its globals.

mod console;
pub mod error;

use std::cell::RefCell;

use rquickjs::{Ctx, Function, Object, Persistent, Value, prelude::*};

thread_local! {
    static INTERNALS: RefCell<Option<Persistent<Object<'static>>>> = const { RefCell::new(None) };
}

pub fn init(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let jsw = Object::new(ctx.clone())?;
    jsw.set(
        "write",
        Function::new(ctx.clone(), |fd: u32, text: Coerced<String>| {
            crate::io::write(fd, text.0.as_bytes());
        })?,
    )?;
    jsw.set("promiseState", Function::new(ctx.clone(), promise_state)?)?;
    error::init(ctx, &jsw)?;
    console::init(ctx, &jsw)?;
    INTERNALS.set(Some(Persistent::save(ctx, jsw)));
    Ok(())
}

/// Evaluates one JS part and hands it the internal object.
pub(crate) fn eval_part<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>, name: &str, source: &str) -> rquickjs::Result<()> {
    let mut options = rquickjs::context::EvalOptions::default();
    options.global = true;
    options.strict = true;
    options.filename = Some(format!("jsw:{name}"));
    let part: Function = ctx.eval_with_options(source, options)?;
    part.call::<_, ()>((jsw.clone(),))
}

fn internals<'js>(ctx: &Ctx<'js>) -> Option<Object<'js>> {
    INTERNALS.with_borrow(|i| i.clone()).and_then(|p| p.restore(ctx).ok())
}

/// Prints an uncaught exception the way the console prints errors.
pub fn report_uncaught<'js>(ctx: &Ctx<'js>, error: Value<'js>) {
    let reported = internals(ctx)
        .and_then(|jsw| jsw.get::<_, Function>("reportUncaught").ok())
        .map(|f| f.call::<_, ()>((error,)));
    if !matches!(reported, Some(Ok(()))) {
        // The reporter itself failed (or the globals never got installed).
        let _ = ctx.catch();
        crate::io::write(2, b"Uncaught exception (it could not be printed)\n");
    }
}

/// Runs one pending job; false when there is no work left.
pub fn run_one_task(ctx: &Ctx<'_>) -> bool {
    ctx.execute_pending_job()
}

/// The status the program asked to exit with once it finished normally.
pub fn exit_code(_ctx: &Ctx<'_>) -> i32 {
    0
}

/// `[state, value]` of a promise for the formatter: 0 pending, 1 fulfilled, 2 rejected.
fn promise_state<'js>(p: rquickjs::Promise<'js>) -> rquickjs::Result<rquickjs::Array<'js>> {
    use rquickjs::promise::PromiseState;
    let ctx = p.ctx().clone();
    let (state, value) = match p.state() {
        PromiseState::Pending => (0, Value::new_undefined(ctx.clone())),
        PromiseState::Resolved => {
            let value = p.result::<Value>().and_then(Result::ok);
            (1, value.unwrap_or_else(|| Value::new_undefined(ctx.clone())))
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

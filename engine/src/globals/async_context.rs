//! The async context: one value that follows a program's asynchronous flow.
//! QuickJS (with jsw's patch, vendor/README.md) keeps it in every promise
//! reaction from the moment `then` or `await` registers it, and in every job
//! from the moment it is queued, and makes it current again while that runs.
//! Timers, `process.nextTick` and async resources keep it the same way in JS.
//! node:async_hooks' AsyncLocalStorage stores its values in it (a frame: a Map
//! from each storage to its value), as Node's AsyncContextFrame does.

use rquickjs::{Ctx, Function, Object, Value, qjs};

unsafe extern "C" {
    // In vendor/rquickjs-sys/quickjs/quickjs.c (jsw's patch).
    fn JS_GetAsyncContext(ctx: *mut qjs::JSContext) -> qjs::JSValue;
    fn JS_SetAsyncContext(ctx: *mut qjs::JSContext, value: qjs::JSValue);
}

/// The frame current now (undefined while no storage has a value).
fn get<'js>(ctx: Ctx<'js>) -> Value<'js> {
    // SAFETY: the runtime is live, and JS_GetAsyncContext returns a new
    // reference, which the Value owns.
    unsafe {
        let raw = JS_GetAsyncContext(ctx.as_raw().as_ptr());
        Value::from_raw(ctx, raw)
    }
}

/// Makes `frame` current until the running job ends or it is set again.
fn set<'js>(ctx: Ctx<'js>, frame: Value<'js>) {
    // SAFETY: JS_SetAsyncContext takes a reference, so one is added for it;
    // `frame` drops its own.
    unsafe {
        let raw = qjs::JS_DupValue(ctx.as_raw().as_ptr(), frame.as_raw());
        JS_SetAsyncContext(ctx.as_raw().as_ptr(), raw);
    }
}

/// Back to no async context: between the loop's turns, once the error a
/// callback threw has been dispatched in the callback's, and before `exit`.
pub fn reset(ctx: &Ctx<'_>) {
    // SAFETY: the runtime is live; undefined holds no reference.
    unsafe { JS_SetAsyncContext(ctx.as_raw().as_ptr(), qjs::JS_UNDEFINED) };
}

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("asyncContext", Function::new(ctx.clone(), get)?)?;
    jsw.set("setAsyncContext", Function::new(ctx.clone(), set)?)?;
    super::eval_part(ctx, jsw, "async_context", include_str!("async_context.js"))
}

//! `JSON.parse` and `JSON.stringify`, bounded: QuickJS recurses through nested
//! JSON on the native wasm stack while using almost no shadow stack, so its own
//! check would let deep nesting trap the whole instance on a host with a small
//! stack. The originals run under a limit sized for them (`stack::for_json`), and
//! deep nesting is a RangeError, as in Node.

use rquickjs::function::{Rest, This};
use rquickjs::{Ctx, Function, Object, Value};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set(
        "jsonBounded",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             f: Function<'js>,
             args: Rest<Value<'js>>|
             -> rquickjs::Result<Value<'js>> {
                let rt = unsafe { rquickjs::qjs::JS_GetRuntime(ctx.as_raw().as_ptr()) };
                // JSON's functions ignore `this`.
                let this = Value::new_undefined(ctx);
                // SAFETY: the runtime is live for the whole call.
                unsafe { crate::stack::for_json(rt, || f.call((This(this), Rest(args.0)))) }
            },
        )?,
    )?;
    jsw.set(
        "jsonNeedsBound",
        Function::new(ctx.clone(), crate::stack::json_needs_bound)?,
    )?;
    super::eval_part(ctx, jsw, "json", include_str!("json.js"))
}

//! V8-shaped `Error.prototype.stack`, so stack traces read like Node's.

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "error", include_str!("error.js"))
}

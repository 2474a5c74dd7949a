//! `AbortController` and `AbortSignal`, as globals (abort.js).

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "abort", include_str!("abort.js"))
}

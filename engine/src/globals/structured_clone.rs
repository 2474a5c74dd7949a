//! `structuredClone`, in JS: it only moves JS values around.

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(
        ctx,
        jsw,
        "structured_clone",
        include_str!("structured_clone.js"),
    )
}

//! `DOMException`, the error type of the web APIs.

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "dom_exception", include_str!("dom_exception.js"))
}

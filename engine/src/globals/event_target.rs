//! `Event`, `CustomEvent` and `EventTarget`, as globals (event_target.js).

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "event_target", include_str!("event_target.js"))
}

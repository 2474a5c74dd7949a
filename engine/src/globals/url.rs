//! `URL` and `URLSearchParams` (WHATWG), in JS: parsing URLs is string work the
//! engine does well, and the parser then lives in the snapshot for free.

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "url", include_str!("url.js"))
}

//! `Headers` (WHATWG Fetch): the header list of requests and responses, and a
//! global of its own as in Node. All of it is JS (headers.js).

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "headers", include_str!("headers.js"))
}

//! The Fetch standard's objects: `Blob`, `File`, `FormData`, `Request`,
//! `Response` and `fetch`. All of it is JS (fetch.js); the network, where a
//! host gives one, comes from the HTTP part (src/http/).

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "fetch", include_str!("fetch.js"))
}

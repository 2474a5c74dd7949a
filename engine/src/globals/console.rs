//! `console`: Node-compatible formatting (`util.inspect` rules) of values, written
//! in JS so that it runs at engine speed and lives in the snapshot.

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "console", include_str!("console.js"))
}

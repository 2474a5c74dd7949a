//! Web streams: `ReadableStream`, `WritableStream`, `TransformStream` and the
//! text streams. All of it is JS (streams.js).

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "streams", include_str!("streams.js"))
}

//! `performance`: `now()` and `timeOrigin`, measured from the start of the run.

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    super::eval_part(ctx, jsw, "performance", include_str!("performance.js"))
}

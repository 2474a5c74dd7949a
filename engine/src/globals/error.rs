//! V8-shaped `Error.prototype.stack`, in positions of the original sources.
//!
//! Modules reach the engine as generated JS (types stripped, reprinted); the compiler
//! sends along where each generated position came from, and stack frames are mapped
//! back through it, so a trace points at `app.ts:12:5` as the user wrote it.

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::{Ctx, Function, Object};

thread_local! {
    /// Module name → sorted `[gen line, gen col, src line, src col]` quadruples.
    static POSITIONS: RefCell<HashMap<String, Vec<[u32; 4]>>> = RefCell::new(HashMap::new());
}

pub fn register(module: &str, flat: &[u32]) {
    if flat.is_empty() {
        return;
    }
    let quads = flat
        .chunks_exact(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect();
    POSITIONS.with_borrow_mut(|p| p.insert(module.to_string(), quads));
}

/// Maps a 1-based generated line/column to the 1-based source line/column: the
/// nearest mapping at or before it on the same line, else the line's first.
fn map(module: &str, line: u32, column: u32) -> Option<(u32, u32)> {
    POSITIONS.with_borrow(|p| {
        let quads = p.get(module)?;
        let (gl, gc) = (line.checked_sub(1)?, column.saturating_sub(1));
        let after = quads.partition_point(|q| (q[0], q[1]) <= (gl, gc));
        let best = match after.checked_sub(1).map(|i| quads[i]) {
            Some(q) if q[0] == gl => q,
            _ => *quads.get(after).filter(|q| q[0] == gl)?,
        };
        Some((best[2] + 1, best[3] + 1))
    })
}

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set(
        "mapPosition",
        Function::new(ctx.clone(), |module: String, line: u32, column: u32| {
            map(&module, line, column).map(|(l, c)| vec![l, c])
        })?,
    )?;
    super::eval_part(ctx, jsw, "error", include_str!("error.js"))
}

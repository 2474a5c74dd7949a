//! V8-shaped `Error.prototype.stack`, in positions of the original sources.
//!
//! Modules reach the engine as generated JS (types stripped, reprinted); the compiler
//! sends along where each generated position came from, and stack frames are mapped
//! back through it, so a trace points at `app.ts:12:5` as the user wrote it.

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::{Ctx, Function, Object};

/// A module's table: packed as the compiler sent it until a trace needs it.
enum Table {
    Packed(Vec<u8>),
    Unpacked(Vec<[u32; 4]>),
}

/// How a module's positions relate to its source.
struct Positions {
    table: Table,
    /// For a module kept as written (after `n` header lines): every position is
    /// its own source position, `n` lines down, except the table's exact entries.
    verbatim: Option<u32>,
}

thread_local! {
    static POSITIONS: RefCell<HashMap<String, Positions>> = RefCell::new(HashMap::new());
}

pub fn register(module: &str, packed: &[u8], verbatim: Option<u32>) {
    if packed.is_empty() && verbatim.unwrap_or(0) == 0 {
        return;
    }
    let positions = Positions {
        table: Table::Packed(packed.to_vec()),
        verbatim,
    };
    POSITIONS.with_borrow_mut(|p| p.insert(module.to_string(), positions));
}

/// Maps a 1-based generated line/column to the 1-based source line/column: the
/// nearest mapping at or before it on the same line, else the line's first.
pub(crate) fn map(module: &str, line: u32, column: u32) -> Option<(u32, u32)> {
    POSITIONS.with_borrow_mut(|p| {
        let positions = p.get_mut(module)?;
        let table = &mut positions.table;
        if let Table::Packed(bytes) = table {
            *table = Table::Unpacked(jsw_wire::positions::unpack(bytes));
        }
        let Table::Unpacked(quads) = table else {
            return None;
        };
        let (gl, gc) = (line.checked_sub(1)?, column.saturating_sub(1));
        if let Some(shift) = positions.verbatim {
            let exact = quads.binary_search_by(|q| (q[0], q[1]).cmp(&(gl, gc)));
            return Some(match exact {
                Ok(i) => (quads[i][2] + 1, quads[i][3] + 1),
                Err(_) => (line.checked_sub(shift).filter(|&l| l > 0)?, column),
            });
        }
        let after = quads.partition_point(|q| (q[0], q[1]) <= (gl, gc));
        let best = match after.checked_sub(1).map(|i| quads[i]) {
            Some(q) if q[0] == gl => q,
            _ => *quads.get(after).filter(|q| q[0] == gl)?,
        };
        Some((best[2] + 1, best[3] + 1))
    })
}

/// Where a 1-based source line went: the 1-based generated positions that
/// map to it, first by generated position (the debugger's breakpoints).
#[cfg(feature = "debugger")]
pub fn generated(module: &str, line: u32) -> Vec<(u32, u32)> {
    POSITIONS.with_borrow_mut(|p| {
        let Some(positions) = p.get_mut(module) else {
            // No table: the module is its own source.
            return vec![(line, 1)];
        };
        let table = &mut positions.table;
        if let Table::Packed(bytes) = table {
            *table = Table::Unpacked(jsw_wire::positions::unpack(bytes));
        }
        let Table::Unpacked(quads) = table else {
            return Vec::new();
        };
        let Some(src) = line.checked_sub(1) else {
            return Vec::new();
        };
        let mut out: Vec<(u32, u32)> = quads
            .iter()
            .filter(|q| q[2] == src)
            .map(|q| (q[0] + 1, q[1] + 1))
            .collect();
        if let Some(shift) = positions.verbatim {
            // Kept as written: the line itself, `shift` lines down, unless
            // the table moved it.
            let moved = quads.iter().any(|q| q[0] + 1 == line + shift);
            if !moved {
                out.push((line + shift, 1));
            }
        }
        out.sort_unstable();
        out.dedup_by_key(|p| p.0);
        out
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

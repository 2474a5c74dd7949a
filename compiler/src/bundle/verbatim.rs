//! Files that need no transform reach the engine as written, so that
//! `Function.prototype.toString` returns their source text (dependency
//! injection reads parameter names from it; test runners and worker pools ship
//! functions by their text). Only plain JavaScript qualifies: TypeScript, JSX,
//! decorators and minification print new code, and a module that tree-shaking
//! changed is printed anew as well.
//!
//! Nothing in such a file is rewritten. An ES module's import specifiers go to
//! the engine as a table (specifier → module name) instead of being spliced into
//! the text, and stack positions are the file's own, except where the table says
//! otherwise.

use swc_core::common::{SourceMap, sync::Lrc};
use swc_core::ecma::ast::Module;
use swc_core::ecma::visit::VisitWith;

use super::transform::Constructions;

/// The position table of a file kept as written, after `header` lines the engine
/// adds: only the exceptions to "every position is its own", which are Node's
/// placement of `new X(…)` frames (see `transform::Constructions`).
pub fn positions(cm: &Lrc<SourceMap>, module: &Module, header: u32) -> Vec<u32> {
    let mut constructions = Constructions::default();
    module.visit_with(&mut constructions);
    let mut quads: Vec<[u32; 4]> = constructions
        .at_new
        .iter()
        .filter_map(|(callee, new)| {
            let from = cm.try_lookup_char_pos(*callee).ok()?;
            let to = cm.try_lookup_char_pos(*new).ok()?;
            Some([
                from.line.saturating_sub(1) as u32 + header,
                from.col.0 as u32,
                to.line.saturating_sub(1) as u32,
                to.col.0 as u32,
            ])
        })
        .collect();
    quads.sort_unstable();
    quads.dedup_by(|b, a| a[0] == b[0] && a[1] == b[1]);
    quads.into_iter().flatten().collect()
}

/// A CommonJS file's text as the body of its module function: a `#!` line is a
/// comment there (Node skips it the same way), of the same length so that
/// positions stay.
pub fn function_body(source: &str) -> String {
    match source.strip_prefix("#!") {
        Some(rest) => format!("//{rest}"),
        None => source.to_string(),
    }
}

//! Errors that point into a source file: `file:line:col`, the offending line and a
//! caret under the spot, the way compilers users know print them.

use std::fmt;
use std::path::Path;

use swc_core::common::{SourceFile, Span};

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub source_line: String,
}

impl Diagnostic {
    pub fn at(file: &SourceFile, span: Span, message: impl Into<String>) -> Diagnostic {
        let pos = span.lo.0.saturating_sub(file.start_pos.0) as usize;
        let src: &str = &file.src;
        let pos = floor_char_boundary(src, pos.min(src.len()));
        let line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
        let line = src[..line_start].matches('\n').count() + 1;
        let column = src[line_start..pos].chars().count() + 1;
        let name = match &*file.name {
            swc_core::common::FileName::Real(p) => display_path(p),
            other => other.to_string(),
        };
        Diagnostic {
            message: message.into(),
            file: name,
            line,
            column,
            source_line: src[line_start..line_end].trim_end_matches('\r').to_string(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A path as the user would type it: relative to the working directory when inside it.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gutter = self.line.to_string().len();
        let pad = " ".repeat(gutter);
        // Tabs would shift the caret: show them as single spaces.
        let shown = self.source_line.replace('\t', " ");
        let caret = " ".repeat(self.column.saturating_sub(1));
        write!(
            f,
            "{}\n{pad}--> {}:{}:{}\n{pad} |\n{} | {}\n{pad} | {caret}^",
            self.message, self.file, self.line, self.column, self.line, shown
        )
    }
}

impl std::error::Error for Diagnostic {}

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

impl Diagnostic {
    /// The uncaught error a program's top level printed at build time
    /// (`Uncaught Name: message` then `    at fn (file:line:col)` frames), located
    /// at its innermost frame in the program's own files; module names are
    /// relative to `root`, the folder of the program's entry.
    pub fn from_uncaught(stderr: &str, root: &Path) -> Option<Diagnostic> {
        let mut lines = stderr.lines().skip_while(|l| !l.starts_with("Uncaught "));
        let message = lines.next()?.trim_start_matches("Uncaught ").to_string();
        for line in lines {
            let Some(frame) = line.trim_start().strip_prefix("at ") else {
                continue;
            };
            let location = match frame.rsplit_once(" (") {
                Some((_, loc)) => loc.trim_end_matches(')'),
                None => frame,
            };
            let mut parts = location.rsplitn(3, ':');
            let (Some(column), Some(line), Some(file)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse::<usize>()) else {
                continue;
            };
            if file.starts_with('<') || file.starts_with("jsw:") || file.starts_with("node:") {
                continue;
            }
            let path = root.join(file);
            let source_line = std::fs::read_to_string(&path)
                .ok()
                .and_then(|s| s.lines().nth(line.saturating_sub(1)).map(str::to_string))
                .unwrap_or_default();
            return Some(Diagnostic {
                message,
                file: display_path(&path),
                line,
                column,
                source_line,
            });
        }
        None
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

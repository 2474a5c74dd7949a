//! The module graph: every file the entry reaches through imports and `require`s,
//! read, parsed, transformed and classified (ES module, CommonJS, JSON, script),
//! with where each of its specifiers leads.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;
use swc_core::common::{FileName, SourceFile, SourceMap, Span, sync::Lrc};
use swc_core::ecma::ast::Module;
use swc_core::ecma::visit::VisitWith;

use super::exports::cjs_export_names;
use super::resolve::{self, Kind, Resolved, Resolver};
use super::specifiers::{Requires, Sources};
use super::tsconfig::TsConfig;
use super::{Options, builtins, entry, transform};
use crate::diagnostic::Diagnostic;

/// What an import or require refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Node(usize),
    Builtin(String),
    /// A `require` that could not be resolved at build time: it throws when run,
    /// as in Node (packages often probe for optional dependencies this way).
    Missing(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Esm,
    Cjs,
    Json,
    /// A classic script: neither module syntax nor CommonJS.
    Script,
}

pub(super) struct Node {
    pub(super) path: PathBuf,
    pub(super) format: Format,
    pub(super) file: Lrc<SourceFile>,
    /// ESM: the module; CJS: the statements of the function body.
    pub(super) ast: Option<Module>,
    pub(super) json: Option<String>,
    /// ESM: import/export sources and literal dynamic imports, in visiting order.
    pub(super) imports: Vec<Target>,
    /// CJS: literal `require()` specifiers and where they lead.
    pub(super) requires: Vec<(String, Target)>,
    /// CJS: names assigned to `exports.x` / `module.exports = { x }`.
    pub(super) cjs_exports: BTreeSet<String>,
    /// CJS: `module.exports` is visibly a function.
    cjs_default_fn: bool,
    /// ESM: what it exports, as the source shows (for finding the entry function).
    exports: Option<entry::Exports>,
    /// ESM: where each import/export specifier led.
    specifiers: HashMap<String, Target>,
    /// ESM: names taken from other modules (specifier, name, where).
    named_imports: Vec<(String, String, Span)>,
    /// What free variables are tagged with (for tree-shaking).
    pub(super) unresolved: Option<swc_core::common::Mark>,
    /// Plain JavaScript that no transform changed: it may reach the engine as
    /// written (verbatim.rs).
    pub(super) plain: bool,
}

pub(super) struct Graph<'a> {
    pub(super) cm: Lrc<SourceMap>,
    pub(super) nodes: Vec<Node>,
    pub(super) index: HashMap<PathBuf, usize>,
    pub(super) resolver: Resolver<'a>,
    pub(super) tsconfig: Option<&'a TsConfig>,
    pub(super) options: &'a Options,
}

impl Graph<'_> {
    pub(super) fn add(
        &mut self,
        path: &Path,
        importer: Option<(&SourceFile, Span)>,
    ) -> Result<usize> {
        if let Some(&i) = self.index.get(path) {
            return Ok(i);
        }
        let bytes = std::fs::read(path).map_err(|e| match importer {
            Some((file, span)) => {
                Diagnostic::at(file, span, format!("cannot read {}: {e}", path.display())).into()
            }
            None => anyhow::anyhow!("cannot read {}: {e}", path.display()),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        let file = self
            .cm
            .new_source_file(FileName::Real(path.to_path_buf()).into(), text);
        let index = self.nodes.len();
        self.index.insert(path.to_path_buf(), index);

        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "json" {
            let value: serde_json::Value = serde_json::from_str(&file.src).map_err(|e| {
                let offset = line_col_offset(&file.src, e.line(), e.column());
                let span = Span::new(
                    file.start_pos + swc_core::common::BytePos(offset as u32),
                    file.start_pos + swc_core::common::BytePos(offset as u32),
                );
                Diagnostic::at(&file, span, format!("invalid JSON: {e}"))
            })?;
            self.nodes.push(Node {
                json: Some(value.to_string()),
                ..Node::empty(path, Format::Json, file, false)
            });
            return Ok(index);
        }

        let in_node_modules = path.components().any(|c| c.as_os_str() == "node_modules");
        let settings =
            transform::Settings::for_file(path, if in_node_modules { None } else { self.tsconfig });
        let parsed = transform::parse(&file, path, &settings)?;
        // The kind of a file, by the rules in the README ("What kind of file is
        // what"), the same for the entry and for every file it reaches.
        let format = match (ext, parsed.is_module) {
            ("cjs" | "cts", _) => Format::Cjs,
            ("mjs" | "mts", _) => Format::Esm,
            (_, true) => Format::Esm,
            _ if resolve::package_type_is_module(path) => Format::Esm,
            _ if parsed.uses_commonjs => Format::Cjs,
            // Reached by an import or require, a file without module syntax runs as
            // Node runs it: in a module function of its own.
            _ if importer.is_some() => Format::Cjs,
            _ => Format::Script,
        };
        let plain =
            !settings.typescript && !settings.jsx && !parsed.decorators && !self.options.minify;
        let exports = (format == Format::Esm).then(|| entry::Exports::of(&parsed.module));
        let named_imports = if format == Format::Esm {
            entry::named_imports(&parsed.module)
        } else {
            Vec::new()
        };
        let (module, unresolved) = transform::transform(
            &self.cm,
            parsed,
            &settings,
            (self.options.minify && format == Format::Esm).then_some(transform::Minify {
                mangle_names: self.options.mangle_names,
            }),
        );

        let mut node = Node {
            exports,
            named_imports,
            unresolved: Some(unresolved),
            ..Node::empty(path, format, file.clone(), plain)
        };
        // Reserve the slot: imports below may refer back to this module (cycles).
        self.nodes
            .push(Node::empty(path, format, file.clone(), plain));

        match format {
            Format::Esm => {
                let mut found = Sources::default();
                module.visit_with(&mut found);
                for (specifier, span, dynamic) in found.list {
                    let target = match self.resolver.resolve(path, &specifier, Kind::Import) {
                        Ok(r) => self.target(r, &file, span)?,
                        Err(msg) if dynamic => {
                            eprintln!("warning: {}", Diagnostic::at(&file, span, msg));
                            Target::Missing(specifier.clone())
                        }
                        Err(msg) => return Err(Diagnostic::at(&file, span, msg).into()),
                    };
                    node.specifiers.insert(specifier, target.clone());
                    node.imports.push(target);
                }
            }
            Format::Script => {}
            Format::Cjs => {
                let mut found = Requires::default();
                module.visit_with(&mut found);
                node.cjs_exports = cjs_export_names(&module);
                node.cjs_default_fn = entry::cjs_exports_function(&module);
                let mut seen = BTreeSet::new();
                for (specifier, span) in found.list {
                    if !seen.insert(specifier.clone()) {
                        continue;
                    }
                    let target = match self.resolver.resolve(path, &specifier, Kind::Require) {
                        Ok(r) => self.target(r, &file, span)?,
                        // As in Node, an optional dependency that is not installed
                        // only fails when the require runs.
                        Err(_) if in_node_modules => Target::Missing(specifier.clone()),
                        Err(msg) => return Err(Diagnostic::at(&file, span, msg).into()),
                    };
                    node.requires.push((specifier, target));
                }
            }
            Format::Json => unreachable!("handled above"),
        }
        node.ast = Some(module);
        self.nodes[index] = node;
        Ok(index)
    }

    fn target(&mut self, resolved: Resolved, file: &SourceFile, span: Span) -> Result<Target> {
        Ok(match resolved {
            Resolved::Builtin(name) => Target::Builtin(name),
            Resolved::File(path) => Target::Node(self.add(&path, Some((file, span)))?),
        })
    }

    /// The WIT interfaces any module imports.
    pub(super) fn wit_used(&self) -> BTreeSet<String> {
        let wit = &self.options.wit_imports;
        self.nodes
            .iter()
            .flat_map(|n| n.imports.iter().chain(n.requires.iter().map(|r| &r.1)))
            .filter_map(|t| match t {
                Target::Builtin(b) if wit.contains_key(b) => Some(b.clone()),
                _ => None,
            })
            .collect()
    }

    /// An import of a name the target module certainly does not export fails to
    /// link when the program starts; say so now, at the import.
    pub(super) fn check_imports(&self) -> Result<()> {
        for node in &self.nodes {
            for (specifier, name, span) in &node.named_imports {
                if let Some(Target::Builtin(b)) = node.specifiers.get(specifier)
                    && let Some(names) = self.options.wit_imports.get(b)
                    && !names.contains(name)
                {
                    return Err(Diagnostic::at(
                        &node.file,
                        *span,
                        format!(
                            "the WIT interface '{specifier}' has no function '{name}' (it has: {})",
                            names.iter().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .into());
                }
                if let Some(Target::Node(j)) = node.specifiers.get(specifier)
                    && entry::exists(self, *j, name) == Some(false)
                {
                    return Err(Diagnostic::at(
                        &node.file,
                        *span,
                        format!(
                            "the module '{specifier}' does not provide an export named '{name}'"
                        ),
                    )
                    .into());
                }
            }
            // Built-ins: names jsw's module lacks fail as Node fails to link them.
            // Checked on the transformed module, where TypeScript's type-only
            // imports (`import { PathLike } from "fs"`) are gone.
            if let Some(module) = &node.ast {
                for (specifier, name, span) in entry::named_imports(module) {
                    if let Some(Target::Builtin(b)) = node.specifiers.get(&specifier)
                        && let Some(message) = builtins::missing_export(b, &specifier, &name)
                    {
                        return Err(Diagnostic::at(&node.file, span, message).into());
                    }
                }
            }
        }
        Ok(())
    }
}

impl Node {
    /// A module of the graph with nothing found in it yet.
    fn empty(path: &Path, format: Format, file: Lrc<SourceFile>, plain: bool) -> Node {
        Node {
            path: path.to_path_buf(),
            format,
            file,
            ast: None,
            json: None,
            imports: Vec::new(),
            requires: Vec::new(),
            cjs_exports: BTreeSet::new(),
            cjs_default_fn: false,
            exports: None,
            specifiers: HashMap::new(),
            named_imports: Vec::new(),
            unresolved: None,
            plain,
        }
    }
}

impl entry::Graph for Graph<'_> {
    fn esm_exports(&self, i: usize) -> Option<&entry::Exports> {
        self.nodes[i].exports.as_ref()
    }

    fn cjs_exports(&self, i: usize) -> Option<(bool, &BTreeSet<String>)> {
        let node = &self.nodes[i];
        match node.format {
            Format::Esm => None,
            Format::Cjs => Some((node.cjs_default_fn, &node.cjs_exports)),
            Format::Json | Format::Script => Some((false, &node.cjs_exports)),
        }
    }

    fn target(&self, i: usize, specifier: &str) -> Option<usize> {
        match self.nodes[i].specifiers.get(specifier) {
            Some(Target::Node(j)) => Some(*j),
            _ => None,
        }
    }
}

fn line_col_offset(src: &str, line: usize, column: usize) -> usize {
    let start: usize = src
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(src.len())
}

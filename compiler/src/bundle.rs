//! From source files to the modules the engine loads: parse (TS/TSX/JS), strip
//! types, follow relative imports and give every module a stable name.
//!
//! Modules stay ES modules: QuickJS links them itself, so import cycles and live
//! bindings keep their ESM semantics. Import specifiers are rewritten to the names
//! the modules are registered under, so no resolution happens at run time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use swc_core::common::{
    FileName, GLOBALS, Globals, Mark, SourceFile, SourceMap, Span, Spanned, sync::Lrc,
};
use swc_core::ecma::ast::{
    Decl, DefaultDecl, EsVersion, Expr, ImportDecl, Module, ModuleDecl, ModuleExportName,
    ModuleItem, NamedExport, Pat, Program, Str,
};
use swc_core::ecma::codegen::{Emitter, text_writer::JsWriter};
use swc_core::ecma::parser::{EsSyntax, Syntax, TsSyntax, parse_file_as_module};
use swc_core::ecma::transforms::base::{fixer::fixer, hygiene::hygiene, resolver};
use swc_core::ecma::transforms::typescript;
use swc_core::ecma::visit::{VisitMut, VisitMutWith};

use crate::diagnostic::Diagnostic;

/// Extensions tried, in order, for an import written without one (as TypeScript does).
const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

/// One module as the engine registers it.
#[derive(Debug, Clone)]
pub struct BundledModule {
    /// The name stack traces show: the path relative to the program's root folder.
    pub name: String,
    pub code: String,
    /// Where generated code came from, for stack traces in original positions:
    /// flattened `[generated line, generated column, source line, source column]`
    /// quadruples (0-based), sorted by generated position.
    pub positions: Vec<u32>,
}

/// The whole program, ready for the engine.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub modules: Vec<BundledModule>,
    /// Name of the entry module.
    pub entry: String,
    /// The exported function that runs at start (`main` or `default`), when the entry
    /// module has one; its top level then runs at build time.
    pub entry_export: Option<String>,
}

impl Bundle {
    /// Bytes of JS handed to the engine.
    pub fn size(&self) -> usize {
        self.modules.iter().map(|m| m.code.len()).sum()
    }
}

/// Bundles the program whose entry file is `entry`.
pub fn bundle(entry: &Path) -> Result<Bundle> {
    let entry =
        std::fs::canonicalize(entry).with_context(|| format!("cannot read {}", entry.display()))?;
    if entry.is_dir() {
        bail!(
            "{} is a directory: give the program's entry file, e.g. {}/app.ts",
            entry.display(),
            entry.display()
        );
    }
    let cm: Lrc<SourceMap> = Default::default();
    GLOBALS.set(&Globals::new(), || {
        let mut graph = Graph {
            cm: cm.clone(),
            modules: Vec::new(),
            index: HashMap::new(),
        };
        graph.add(&entry, None)?;
        let root = common_root(graph.modules.iter().map(|m| m.path.as_path()));
        let names: Vec<String> = graph
            .modules
            .iter()
            .map(|m| module_name(&root, &m.path))
            .collect();
        let entry_export = graph.modules[0].entry_export.clone();
        let mut modules = Vec::with_capacity(graph.modules.len());
        for (i, module) in graph.modules.iter_mut().enumerate() {
            let targets: Vec<String> = module
                .deps
                .iter()
                .map(|d| match d {
                    Dep::Module(i) => names[*i].clone(),
                    Dep::Builtin(name) => name.clone(),
                })
                .collect();
            module.ast.visit_mut_with(&mut Rewrite {
                targets: &targets,
                next: 0,
            });
            let (code, positions) = emit(&cm, &module.ast, &module.path)
                .with_context(|| format!("cannot generate code for {}", module.path.display()))?;
            modules.push(BundledModule {
                name: names[i].clone(),
                code,
                positions,
            });
        }
        Ok(Bundle {
            entry: names[0].clone(),
            entry_export,
            modules,
        })
    })
}

/// Built-in modules the engine provides.
const BUILTINS: &[&str] = &["jsw:io"];

/// What an import refers to.
enum Dep {
    /// Index of a module in the graph.
    Module(usize),
    /// A module built into the engine (`jsw:io`).
    Builtin(String),
}

struct Parsed {
    path: PathBuf,
    ast: Module,
    /// Each import/export source, in source order.
    deps: Vec<Dep>,
    entry_export: Option<String>,
}

struct Graph {
    cm: Lrc<SourceMap>,
    modules: Vec<Parsed>,
    index: HashMap<PathBuf, usize>,
}

impl Graph {
    fn add(&mut self, path: &Path, importer: Option<(&SourceFile, Span)>) -> Result<usize> {
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
        let mut ast = parse(&file, path)?;
        let entry_export = entry_export(&ast);

        let unresolved = Mark::new();
        let top_level = Mark::new();
        let mut program = Program::Module(ast);
        program.mutate(resolver(unresolved, top_level, is_typescript(path)));
        program.mutate(typescript::typescript(
            typescript::Config {
                no_empty_export: true,
                ..Default::default()
            },
            unresolved,
            top_level,
        ));
        program.mutate(hygiene());
        program.mutate(fixer(None));
        ast = match program {
            Program::Module(m) => m,
            Program::Script(_) => unreachable!("parsed as a module"),
        };

        let index = self.modules.len();
        self.index.insert(path.to_path_buf(), index);
        let sources = import_sources(&ast);
        self.modules.push(Parsed {
            path: path.to_path_buf(),
            ast,
            deps: Vec::new(),
            entry_export,
        });
        let mut deps = Vec::with_capacity(sources.len());
        for (specifier, span) in sources {
            if specifier.starts_with("jsw:") {
                if !BUILTINS.contains(&specifier.as_str()) {
                    let known = BUILTINS.join(", ");
                    return Err(Diagnostic::at(
                        &file,
                        span,
                        format!(
                            "there is no built-in module \"{specifier}\" (jsw provides: {known})"
                        ),
                    )
                    .into());
                }
                deps.push(Dep::Builtin(specifier));
                continue;
            }
            let target =
                resolve(path, &specifier).map_err(|msg| Diagnostic::at(&file, span, msg))?;
            deps.push(Dep::Module(self.add(&target, Some((&file, span)))?));
        }
        self.modules[index].deps = deps;
        Ok(index)
    }
}

fn is_typescript(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "tsx" | "mts" | "cts")
    )
}

fn parse(file: &SourceFile, path: &Path) -> Result<Module> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let syntax = if is_typescript(path) {
        Syntax::Typescript(TsSyntax {
            tsx: ext == "tsx",
            decorators: true,
            ..Default::default()
        })
    } else {
        Syntax::Es(EsSyntax {
            jsx: ext == "jsx",
            decorators: true,
            ..Default::default()
        })
    };
    let mut recovered = Vec::new();
    let module = parse_file_as_module(file, syntax, EsVersion::latest(), None, &mut recovered)
        .map_err(|e| Diagnostic::at(file, e.span(), e.kind().msg().into_owned()))?;
    if let Some(e) = recovered.into_iter().next() {
        return Err(Diagnostic::at(file, e.span(), e.kind().msg().into_owned()).into());
    }
    Ok(module)
}

/// The specifiers of `import`/`export ... from` declarations, in source order.
fn import_sources(module: &Module) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for item in &module.body {
        if let ModuleItem::ModuleDecl(decl) = item
            && let Some(src) = source_of(decl)
        {
            out.push((src.value.to_string_lossy().into_owned(), src.span));
        }
    }
    out
}

fn source_of(decl: &ModuleDecl) -> Option<&Str> {
    match decl {
        ModuleDecl::Import(ImportDecl { src, .. }) => Some(src),
        ModuleDecl::ExportAll(e) => Some(&e.src),
        ModuleDecl::ExportNamed(NamedExport { src: Some(src), .. }) => Some(src),
        _ => None,
    }
}

/// Rewrites import sources, in the same order `import_sources` found them.
struct Rewrite<'a> {
    targets: &'a [String],
    next: usize,
}

impl VisitMut for Rewrite<'_> {
    fn visit_mut_module_decl(&mut self, decl: &mut ModuleDecl) {
        let src = match decl {
            ModuleDecl::Import(ImportDecl { src, .. }) => Some(src),
            ModuleDecl::ExportAll(e) => Some(&mut e.src),
            ModuleDecl::ExportNamed(NamedExport { src: Some(src), .. }) => Some(src),
            _ => None,
        };
        if let Some(src) = src {
            let target = &self.targets[self.next];
            self.next += 1;
            **src = Str {
                span: src.span,
                value: target.as_str().into(),
                raw: None,
            };
        }
    }
}

fn resolve(importer: &Path, specifier: &str) -> std::result::Result<PathBuf, String> {
    if !(specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/'))
    {
        return Err(format!(
            "cannot resolve \"{specifier}\": only relative imports (./file) are supported by this version"
        ));
    }
    let base = importer.parent().unwrap_or(Path::new("/")).join(specifier);
    let mut tried = Vec::new();
    let mut candidates = vec![base.clone()];
    // TypeScript lets `./util.js` name `./util.ts`.
    if let Some(stem) = specifier.strip_suffix(".js") {
        for ext in ["ts", "tsx"] {
            candidates.push(
                importer
                    .parent()
                    .unwrap_or(Path::new("/"))
                    .join(format!("{stem}.{ext}")),
            );
        }
    }
    for ext in EXTENSIONS {
        candidates.push(PathBuf::from(format!("{}.{ext}", base.display())));
    }
    for ext in EXTENSIONS {
        candidates.push(base.join(format!("index.{ext}")));
    }
    for candidate in candidates {
        if candidate.is_file() {
            return std::fs::canonicalize(&candidate)
                .map_err(|e| format!("cannot read {}: {e}", candidate.display()));
        }
        tried.push(candidate.display().to_string());
    }
    Err(format!(
        "cannot resolve \"{specifier}\": no such file (tried {})",
        tried.join(", ")
    ))
}

fn common_root<'a>(mut paths: impl Iterator<Item = &'a Path>) -> PathBuf {
    let first = paths
        .next()
        .and_then(Path::parent)
        .unwrap_or(Path::new("/"))
        .to_path_buf();
    paths.fold(first, |root, path| {
        let mut root = root.as_path();
        while !path.starts_with(root) {
            root = root.parent().unwrap_or(Path::new("/"));
        }
        root.to_path_buf()
    })
}

/// Module names are root-relative paths; they never start with "." so that the
/// engine takes them verbatim instead of resolving them.
fn module_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// The function the entry module exports for start-up: `main`, else a default
/// export that is visibly a function.
fn entry_export(module: &Module) -> Option<String> {
    let mut default_fn = false;
    let mut functions: Vec<String> = Vec::new();
    for item in &module.body {
        if let ModuleItem::Stmt(swc_core::ecma::ast::Stmt::Decl(Decl::Fn(f))) = item {
            functions.push(f.ident.sym.to_string());
        }
    }
    for item in &module.body {
        let ModuleItem::ModuleDecl(decl) = item else {
            continue;
        };
        match decl {
            ModuleDecl::ExportDecl(e) => match &e.decl {
                Decl::Fn(f) if &*f.ident.sym == "main" => return Some("main".into()),
                Decl::Var(v) => {
                    for d in &v.decls {
                        if let Pat::Ident(id) = &d.name
                            && &*id.id.sym == "main"
                        {
                            return Some("main".into());
                        }
                    }
                }
                _ => {}
            },
            ModuleDecl::ExportNamed(NamedExport {
                specifiers,
                src: None,
                ..
            }) => {
                for s in specifiers {
                    if let swc_core::ecma::ast::ExportSpecifier::Named(n) = s {
                        let exported = n.exported.as_ref().unwrap_or(&n.orig);
                        if let ModuleExportName::Ident(id) = exported {
                            if &*id.sym == "main" {
                                return Some("main".into());
                            }
                            if &*id.sym == "default"
                                && let ModuleExportName::Ident(orig) = &n.orig
                                && functions.iter().any(|f| *f == *orig.sym)
                            {
                                default_fn = true;
                            }
                        }
                    }
                }
            }
            ModuleDecl::ExportDefaultDecl(d) => {
                if matches!(d.decl, DefaultDecl::Fn(_)) {
                    default_fn = true;
                }
            }
            ModuleDecl::ExportDefaultExpr(e) => match &*e.expr {
                Expr::Arrow(_) | Expr::Fn(_) => default_fn = true,
                Expr::Ident(id) if functions.iter().any(|f| *f == *id.sym) => default_fn = true,
                _ => {}
            },
            _ => {}
        }
    }
    default_fn.then(|| "default".to_string())
}

fn emit(cm: &Lrc<SourceMap>, module: &Module, path: &Path) -> Result<(String, Vec<u32>)> {
    let mut buf = Vec::new();
    let mut mappings = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: swc_core::ecma::codegen::Config::default().with_target(EsVersion::latest()),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm.clone(), "\n", &mut buf, Some(&mut mappings)),
        };
        emitter.emit_module(module)?;
    }
    let mut quads: Vec<[u32; 4]> = Vec::with_capacity(mappings.len());
    for (pos, generated) in mappings {
        if pos.is_dummy() || pos.is_reserved_for_comments() {
            continue;
        }
        let Ok(loc) = cm.try_lookup_char_pos(pos) else {
            continue;
        };
        if !matches!(&*loc.file.name, FileName::Real(p) if p == path) {
            continue;
        }
        quads.push([
            generated.line,
            generated.col,
            loc.line.saturating_sub(1) as u32,
            loc.col.0 as u32,
        ]);
    }
    quads.sort_unstable();
    quads.dedup_by(|b, a| a[0] == b[0] && a[1] == b[1]);
    Ok((
        String::from_utf8(buf)?,
        quads.into_iter().flatten().collect(),
    ))
}

//! Which function of the entry module runs at start: `main`, else a default export
//! that is a function. Found statically, before anything is evaluated (whether the
//! top level runs at build time depends on it), and followed through re-exports and
//! imports: `export { main } from "./real"`, `export * from "./real"`,
//! `import run from "./run"; export default run`, into CommonJS modules too. A
//! `main` that exists is never skipped; whether it is really a function is checked
//! by the engine once the top level has run.

use std::collections::{BTreeSet, HashMap};

use swc_core::ecma::ast::{
    Decl, DefaultDecl, ExportSpecifier, Expr, ImportSpecifier, Module, ModuleDecl, ModuleItem,
    NamedExport, Pat, Stmt,
};

use super::exports::module_export_name;

/// What an exported name is bound to, as far as the source shows.
#[derive(Debug, Clone)]
enum Binding {
    /// A function declaration or a function/arrow expression.
    Function,
    /// Anything else that exists (a variable, a class, a namespace object).
    Value,
    /// The export `name` of the module imported with `specifier`.
    Import { specifier: String, name: String },
}

/// The exports of one ES module, read from its syntax.
#[derive(Debug, Clone, Default)]
pub(super) struct Exports {
    names: HashMap<String, Binding>,
    /// Specifiers of `export * from` (which never re-export `default`).
    stars: Vec<String>,
    /// Exports this reading cannot list (destructuring, TS namespaces): whether a
    /// name is missing is then not known.
    opaque: bool,
}

/// What an export resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    Function,
    Value,
}

impl Exports {
    pub(super) fn of(module: &Module) -> Exports {
        // Top-level bindings: functions, and imports (local name → source, name).
        let mut functions = BTreeSet::new();
        let mut imports: HashMap<String, Binding> = HashMap::new();
        for item in &module.body {
            match item {
                ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) => {
                    functions.insert(f.ident.sym.to_string());
                }
                ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => {
                    for d in &v.decls {
                        if let (Pat::Ident(id), Some(init)) = (&d.name, &d.init)
                            && is_function_expr(init)
                        {
                            functions.insert(id.id.sym.to_string());
                        }
                    }
                }
                ModuleItem::ModuleDecl(ModuleDecl::Import(i)) if !i.type_only => {
                    let specifier = i.src.value.to_string_lossy().into_owned();
                    for s in &i.specifiers {
                        let (local, binding) = match s {
                            ImportSpecifier::Named(n) if !n.is_type_only => (
                                n.local.sym.to_string(),
                                Binding::Import {
                                    specifier: specifier.clone(),
                                    name: n
                                        .imported
                                        .as_ref()
                                        .map(module_export_name)
                                        .unwrap_or_else(|| n.local.sym.to_string()),
                                },
                            ),
                            ImportSpecifier::Default(d) => (
                                d.local.sym.to_string(),
                                Binding::Import {
                                    specifier: specifier.clone(),
                                    name: "default".into(),
                                },
                            ),
                            ImportSpecifier::Namespace(ns) => {
                                (ns.local.sym.to_string(), Binding::Value)
                            }
                            ImportSpecifier::Named(_) => continue,
                        };
                        imports.insert(local, binding);
                    }
                }
                _ => {}
            }
        }
        let local = |name: &str| -> Binding {
            if let Some(b) = imports.get(name) {
                b.clone()
            } else if functions.contains(name) {
                Binding::Function
            } else {
                Binding::Value
            }
        };

        let mut out = Exports::default();
        for item in &module.body {
            let ModuleItem::ModuleDecl(decl) = item else {
                continue;
            };
            match decl {
                ModuleDecl::ExportDecl(e) => match &e.decl {
                    Decl::Fn(f) => {
                        out.names.insert(f.ident.sym.to_string(), Binding::Function);
                    }
                    Decl::Class(c) => {
                        out.names.insert(c.ident.sym.to_string(), Binding::Value);
                    }
                    Decl::Var(v) => {
                        for d in &v.decls {
                            if let Pat::Ident(id) = &d.name {
                                let binding = match &d.init {
                                    Some(init) if is_function_expr(init) => Binding::Function,
                                    _ => Binding::Value,
                                };
                                out.names.insert(id.id.sym.to_string(), binding);
                            } else {
                                // Destructuring: which names it binds is not worth
                                // working out here; existence checks give up.
                                out.opaque = true;
                            }
                        }
                    }
                    // Types exist as exports too (importers may name them
                    // without `type`); enums and namespaces are values.
                    Decl::TsInterface(t) => {
                        out.names.insert(t.id.sym.to_string(), Binding::Value);
                    }
                    Decl::TsTypeAlias(t) => {
                        out.names.insert(t.id.sym.to_string(), Binding::Value);
                    }
                    Decl::TsEnum(t) => {
                        out.names.insert(t.id.sym.to_string(), Binding::Value);
                    }
                    Decl::TsModule(_) | Decl::Using(_) => out.opaque = true,
                },
                ModuleDecl::ExportNamed(NamedExport {
                    specifiers,
                    src,
                    type_only,
                    ..
                }) => {
                    for s in specifiers {
                        match s {
                            ExportSpecifier::Named(n) if *type_only || n.is_type_only => {
                                let name = n.exported.as_ref().unwrap_or(&n.orig);
                                out.names.insert(module_export_name(name), Binding::Value);
                            }
                            ExportSpecifier::Named(n) => {
                                let orig = module_export_name(&n.orig);
                                let exported = n
                                    .exported
                                    .as_ref()
                                    .map(module_export_name)
                                    .unwrap_or_else(|| orig.clone());
                                let binding = match src {
                                    Some(src) => Binding::Import {
                                        specifier: src.value.to_string_lossy().into_owned(),
                                        name: orig,
                                    },
                                    None => local(&orig),
                                };
                                out.names.insert(exported, binding);
                            }
                            ExportSpecifier::Namespace(ns) => {
                                out.names
                                    .insert(module_export_name(&ns.name), Binding::Value);
                            }
                            _ => {}
                        }
                    }
                }
                ModuleDecl::ExportAll(all) => {
                    out.stars.push(all.src.value.to_string_lossy().into_owned());
                }
                ModuleDecl::ExportDefaultDecl(d) => match &d.decl {
                    DefaultDecl::Fn(_) => {
                        out.names.insert("default".into(), Binding::Function);
                    }
                    DefaultDecl::Class(_) => {
                        out.names.insert("default".into(), Binding::Value);
                    }
                    DefaultDecl::TsInterfaceDecl(_) => {
                        out.names.insert("default".into(), Binding::Value);
                    }
                },
                ModuleDecl::ExportDefaultExpr(e) => {
                    let binding = match unparen(&e.expr) {
                        expr if is_function_expr(expr) => Binding::Function,
                        Expr::Ident(id) => local(&id.sym),
                        _ => Binding::Value,
                    };
                    out.names.insert("default".into(), binding);
                }
                // `export =`, `export as namespace`, `export import` (TypeScript).
                ModuleDecl::TsExportAssignment(_) | ModuleDecl::TsNamespaceExport(_) => {
                    out.opaque = true;
                }
                ModuleDecl::TsImportEquals(e) if e.is_export => out.opaque = true,
                _ => {}
            }
        }
        out
    }
}

fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        Expr::TsAs(a) => unparen(&a.expr),
        Expr::TsSatisfies(s) => unparen(&s.expr),
        Expr::TsNonNull(n) => unparen(&n.expr),
        other => other,
    }
}

fn is_function_expr(e: &Expr) -> bool {
    matches!(unparen(e), Expr::Arrow(_) | Expr::Fn(_))
}

/// What the resolver needs to know about every module of the program.
pub(super) trait Graph {
    /// The syntactic exports of module `i` when it is an ES module.
    fn esm_exports(&self, i: usize) -> Option<&Exports>;
    /// For a CommonJS/JSON module: whether `module.exports` is visibly a function,
    /// and the names it visibly exports.
    fn cjs_exports(&self, i: usize) -> Option<(bool, &BTreeSet<String>)>;
    /// The module that `specifier`, imported by module `i`, resolved to (None for
    /// built-ins and modules that could not be resolved).
    fn target(&self, i: usize, specifier: &str) -> Option<usize>;
}

/// Resolves export `name` of module `i` through re-exports and imports.
pub(super) fn resolve(graph: &impl Graph, i: usize, name: &str) -> Option<Found> {
    resolve_in(graph, i, name, &mut BTreeSet::new())
}

fn resolve_in(
    graph: &impl Graph,
    i: usize,
    name: &str,
    seen: &mut BTreeSet<(usize, String)>,
) -> Option<Found> {
    // Cycles of re-exports resolve to nothing, as they fail to link in ES.
    if !seen.insert((i, name.to_string())) {
        return None;
    }
    if let Some((default_is_fn, names)) = graph.cjs_exports(i) {
        return match name {
            "default" if default_is_fn => Some(Found::Function),
            "default" => Some(Found::Value),
            _ => names.contains(name).then_some(Found::Value),
        };
    }
    let exports = graph.esm_exports(i)?;
    if let Some(binding) = exports.names.get(name) {
        return match binding {
            Binding::Function => Some(Found::Function),
            Binding::Value => Some(Found::Value),
            Binding::Import { specifier, name } => match graph.target(i, specifier) {
                Some(j) => resolve_in(graph, j, name, seen),
                // A built-in's export exists but is never the program's entry.
                None => Some(Found::Value),
            },
        };
    }
    if name == "default" {
        return None;
    }
    exports
        .stars
        .iter()
        .filter_map(|s| graph.target(i, s))
        .find_map(|j| resolve_in(graph, j, name, seen))
}

/// The entry function of module `i`: `main` if it exports one at all, else
/// `default` when that is a function.
pub(super) fn entry_export(graph: &impl Graph, i: usize) -> Option<String> {
    if resolve(graph, i, "main").is_some() {
        return Some("main".into());
    }
    (resolve(graph, i, "default") == Some(Found::Function)).then(|| "default".into())
}

/// Whether module `i` has a default export that is not visibly a function (an
/// object with a `fetch` method, say).
pub(super) fn default_is_value(graph: &impl Graph, i: usize) -> bool {
    resolve(graph, i, "default") == Some(Found::Value)
}

/// Whether code (as printed by the bundler) registers a "fetch" event listener.
pub(super) fn registers_fetch_listener(code: &str) -> bool {
    code.match_indices("addEventListener(").any(|(at, call)| {
        let rest = code[at + call.len()..].trim_start();
        rest.starts_with("\"fetch\"") || rest.starts_with("'fetch'")
    })
}

/// Whether a CommonJS module visibly assigns a function to `module.exports`.
pub(super) fn cjs_exports_function(module: &Module) -> bool {
    use swc_core::ecma::ast::{AssignTarget, MemberProp, SimpleAssignTarget};
    let mut functions = BTreeSet::new();
    for item in &module.body {
        if let ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) = item {
            functions.insert(f.ident.sym.to_string());
        }
    }
    module.body.iter().any(|item| {
        let ModuleItem::Stmt(Stmt::Expr(stmt)) = item else {
            return false;
        };
        let Expr::Assign(a) = &*stmt.expr else {
            return false;
        };
        let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &a.left else {
            return false;
        };
        let is_module_exports = matches!(&*m.obj, Expr::Ident(o) if &*o.sym == "module")
            && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "exports");
        is_module_exports
            && match unparen(&a.right) {
                e if is_function_expr(e) => true,
                Expr::Ident(id) => functions.contains(&*id.sym),
                _ => false,
            }
    })
}

/// Whether module `i` exports `name`: Some(false) only when that is certain (an ES
/// module whose exports, and whose `export *` sources', are all known).
pub(super) fn exists(graph: &impl Graph, i: usize, name: &str) -> Option<bool> {
    exists_in(graph, i, name, &mut BTreeSet::new())
}

fn exists_in(graph: &impl Graph, i: usize, name: &str, seen: &mut BTreeSet<usize>) -> Option<bool> {
    if !seen.insert(i) {
        return Some(false);
    }
    if let Some((_, names)) = graph.cjs_exports(i) {
        // CommonJS exports are only seen where they are visible.
        return (name == "default" || names.contains(name)).then_some(true);
    }
    let exports = graph.esm_exports(i)?;
    if exports.names.contains_key(name) {
        return Some(true);
    }
    let mut unknown = exports.opaque;
    if name != "default" {
        for star in &exports.stars {
            match graph
                .target(i, star)
                .map(|j| exists_in(graph, j, name, seen))
            {
                Some(Some(true)) => return Some(true),
                Some(Some(false)) => {}
                _ => unknown = true,
            }
        }
    }
    if unknown { None } else { Some(false) }
}

/// The names a module takes from others, by specifier: `import { a }`, `import b`,
/// `export { c } from` (type-only ones left out), with where each is written.
pub(super) fn named_imports(module: &Module) -> Vec<(String, String, swc_core::common::Span)> {
    let mut out = Vec::new();
    for item in &module.body {
        let ModuleItem::ModuleDecl(decl) = item else {
            continue;
        };
        match decl {
            ModuleDecl::Import(i) if !i.type_only => {
                let specifier = i.src.value.to_string_lossy().into_owned();
                for s in &i.specifiers {
                    match s {
                        ImportSpecifier::Named(n) if !n.is_type_only => {
                            let name = n
                                .imported
                                .as_ref()
                                .map(module_export_name)
                                .unwrap_or_else(|| n.local.sym.to_string());
                            out.push((specifier.clone(), name, n.span));
                        }
                        ImportSpecifier::Default(d) => {
                            out.push((specifier.clone(), "default".into(), d.span));
                        }
                        _ => {}
                    }
                }
            }
            ModuleDecl::ExportNamed(NamedExport {
                specifiers,
                src: Some(src),
                type_only: false,
                ..
            }) => {
                let specifier = src.value.to_string_lossy().into_owned();
                for s in specifiers {
                    if let ExportSpecifier::Named(n) = s
                        && !n.is_type_only
                    {
                        out.push((specifier.clone(), module_export_name(&n.orig), n.span));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

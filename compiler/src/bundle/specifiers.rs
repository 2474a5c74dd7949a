//! A module's specifiers: the import/export sources and literal dynamic
//! `import()`s of an ES module, the literal `require()`s of a CommonJS one, the
//! names each import takes, and the rewriting of sources to module names.

use std::collections::BTreeSet;

use swc_core::common::Span;
use swc_core::ecma::ast::{
    CallExpr, Callee, ExportSpecifier, Expr, ImportSpecifier, Lit, ModuleDecl, ModuleExportName,
    NamedExport, Str,
};
use swc_core::ecma::visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use super::exports::module_export_name;

/// Import/export sources and literal dynamic `import()`s, in visiting order.
#[derive(Default)]
pub(super) struct Sources {
    pub(super) list: Vec<(String, Span, bool)>,
}

impl Visit for Sources {
    fn visit_module_decl(&mut self, decl: &ModuleDecl) {
        if let Some(src) = source_of(decl) {
            self.list
                .push((src.value.to_string_lossy().into_owned(), src.span, false));
        }
        decl.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Import(_) = call.callee
            && let Some(s) = literal_arg(call)
        {
            self.list.push((s, call.span, true));
        }
        call.visit_children_with(self);
    }
}

fn literal_arg(call: &CallExpr) -> Option<String> {
    let arg = call.args.first()?;
    if arg.spread.is_some() || call.args.len() > 2 {
        return None;
    }
    match &*arg.expr {
        Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
        Expr::Tpl(t) if t.exprs.is_empty() && t.quasis.len() == 1 => t.quasis[0]
            .cooked
            .as_ref()
            .map(|c| c.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// Literal `require("x")` calls of the free `require`.
#[derive(Default)]
pub(super) struct Requires {
    pub(super) list: Vec<(String, Span)>,
}

impl Visit for Requires {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee
            && let Expr::Ident(id) = &**callee
            && &*id.sym == "require"
            && call.args.len() == 1
            && let Some(s) = literal_arg(call)
        {
            self.list.push((s, call.span));
        }
        call.visit_children_with(self);
    }
}

fn source_of(decl: &ModuleDecl) -> Option<&Str> {
    match decl {
        ModuleDecl::Import(i) => Some(&i.src),
        ModuleDecl::ExportAll(e) => Some(&e.src),
        ModuleDecl::ExportNamed(NamedExport { src: Some(src), .. }) => Some(src),
        _ => None,
    }
}

/// Per import source (same order as `Sources`): the names taken from it, or None
/// for "possibly all of them".
#[derive(Default)]
pub(super) struct Uses {
    pub(super) list: Vec<Option<BTreeSet<String>>>,
}

impl Visit for Uses {
    fn visit_module_decl(&mut self, decl: &ModuleDecl) {
        match decl {
            ModuleDecl::Import(i) => {
                let mut names = BTreeSet::new();
                let mut all = false;
                for s in &i.specifiers {
                    match s {
                        ImportSpecifier::Named(n) => {
                            names.insert(match &n.imported {
                                Some(ModuleExportName::Ident(id)) => id.sym.to_string(),
                                Some(ModuleExportName::Str(s)) => {
                                    s.value.to_string_lossy().into_owned()
                                }
                                None => n.local.sym.to_string(),
                            });
                        }
                        ImportSpecifier::Default(_) => {
                            names.insert("default".into());
                        }
                        ImportSpecifier::Namespace(_) => all = true,
                    }
                }
                self.list.push((!all).then_some(names));
            }
            ModuleDecl::ExportNamed(NamedExport {
                specifiers,
                src: Some(_),
                ..
            }) => {
                let mut names = BTreeSet::new();
                let mut all = false;
                for s in specifiers {
                    match s {
                        // What is taken from the source is the original name.
                        ExportSpecifier::Named(n) => {
                            names.insert(module_export_name(&n.orig));
                        }
                        ExportSpecifier::Default(_) => {
                            names.insert("default".into());
                        }
                        ExportSpecifier::Namespace(_) => all = true,
                    }
                }
                self.list.push((!all).then_some(names));
            }
            ModuleDecl::ExportAll(_) => self.list.push(None),
            _ => {}
        }
        decl.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Import(_) = call.callee
            && literal_arg(call).is_some()
        {
            self.list.push(None);
        }
        call.visit_children_with(self);
    }
}

/// Rewrites sources in the same order `Sources` found them.
pub(super) struct Rewrite<'a> {
    pub(super) targets: &'a [String],
    pub(super) next: usize,
}

impl Rewrite<'_> {
    fn take(&mut self) -> Option<&str> {
        let t = self.targets.get(self.next)?;
        self.next += 1;
        Some(t)
    }
}

impl VisitMut for Rewrite<'_> {
    fn visit_mut_module_decl(&mut self, decl: &mut ModuleDecl) {
        let src = match decl {
            ModuleDecl::Import(i) => Some(&mut i.src),
            ModuleDecl::ExportAll(e) => Some(&mut e.src),
            ModuleDecl::ExportNamed(NamedExport { src: Some(src), .. }) => Some(src),
            _ => None,
        };
        if let Some(src) = src
            && let Some(target) = self.take()
        {
            **src = Str {
                span: src.span,
                value: target.into(),
                raw: None,
            };
        }
        decl.visit_mut_children_with(self);
    }

    fn visit_mut_call_expr(&mut self, call: &mut CallExpr) {
        if let Callee::Import(_) = call.callee
            && literal_arg(call).is_some()
            && let Some(target) = self.take()
        {
            let target = target.to_string();
            let span = call.args[0].expr.span_lo();
            *call.args[0].expr = Expr::Lit(Lit::Str(Str {
                span: Span::new(span, span),
                value: target.into(),
                raw: None,
            }));
        }
        call.visit_mut_children_with(self);
    }
}

trait SpanLo {
    fn span_lo(&self) -> swc_core::common::BytePos;
}

impl SpanLo for Expr {
    fn span_lo(&self) -> swc_core::common::BytePos {
        use swc_core::common::Spanned;
        self.span().lo
    }
}

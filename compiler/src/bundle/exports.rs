//! Export names as the syntax shows them: an ES module's export names and
//! specifiers, and the names a CommonJS module visibly assigns to its exports.

use std::collections::BTreeSet;

use swc_core::ecma::ast::{
    Callee, ExportSpecifier, Expr, Lit, Module, ModuleExportName, ModuleItem,
};

pub(super) fn module_export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::Ident(id) => id.sym.to_string(),
        ModuleExportName::Str(s) => s.value.to_string_lossy().into_owned(),
    }
}

/// The name an export specifier exports under.
pub(super) fn exported_name(s: &ExportSpecifier) -> String {
    match s {
        ExportSpecifier::Named(n) => module_export_name(n.exported.as_ref().unwrap_or(&n.orig)),
        ExportSpecifier::Default(d) => d.exported.sym.to_string(),
        ExportSpecifier::Namespace(ns) => module_export_name(&ns.name),
    }
}

/// Names a CommonJS module visibly exports: `exports.x = `, `module.exports.x = `,
/// `Object.defineProperty(exports, "x", ...)`, `module.exports = { x, y }`.
pub(super) fn cjs_export_names(module: &Module) -> BTreeSet<String> {
    use swc_core::ecma::ast::{
        AssignTarget, MemberProp, ObjectLit, Prop, PropName, PropOrSpread, SimpleAssignTarget, Stmt,
    };
    let mut names = BTreeSet::new();
    let is_exports = |e: &Expr| match e {
        Expr::Ident(i) => &*i.sym == "exports",
        Expr::Member(m) => {
            matches!(&*m.obj, Expr::Ident(i) if &*i.sym == "module")
                && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "exports")
        }
        _ => false,
    };
    let is_module_exports = |e: &Expr| match e {
        Expr::Member(m) => {
            matches!(&*m.obj, Expr::Ident(i) if &*i.sym == "module")
                && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "exports")
        }
        _ => false,
    };
    let object_keys = |o: &ObjectLit, names: &mut BTreeSet<String>| {
        for p in &o.props {
            if let PropOrSpread::Prop(p) = p {
                let key = match &**p {
                    Prop::Shorthand(i) => Some(i.sym.to_string()),
                    Prop::KeyValue(kv) => prop_name(&kv.key),
                    Prop::Method(m) => prop_name(&m.key),
                    Prop::Getter(g) => prop_name(&g.key),
                    _ => None,
                };
                names.extend(key);
            }
        }
    };
    fn prop_name(k: &PropName) -> Option<String> {
        match k {
            PropName::Ident(i) => Some(i.sym.to_string()),
            PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        }
    }
    for item in &module.body {
        let ModuleItem::Stmt(Stmt::Expr(stmt)) = item else {
            continue;
        };
        let mut expr = &*stmt.expr;
        // `a = exports.x = ...` chains and `exports.x = exports.y = void 0`.
        loop {
            match expr {
                Expr::Assign(a) => {
                    if let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &a.left
                        && is_exports(&m.obj)
                        && let MemberProp::Ident(p) = &m.prop
                    {
                        names.insert(p.sym.to_string());
                    }
                    if let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &a.left
                        && is_module_exports(&Expr::Member(m.clone()))
                        && let Expr::Object(o) = &*a.right
                    {
                        object_keys(o, &mut names);
                    }
                    expr = &a.right;
                }
                Expr::Call(c) => {
                    if let Callee::Expr(callee) = &c.callee
                        && let Expr::Member(m) = &**callee
                        && matches!(&*m.obj, Expr::Ident(i) if &*i.sym == "Object")
                        && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "defineProperty")
                        && c.args.len() >= 2
                        && is_exports(&c.args[0].expr)
                        && let Expr::Lit(Lit::Str(s)) = &*c.args[1].expr
                    {
                        names.insert(s.value.to_string_lossy().into_owned());
                    }
                    break;
                }
                _ => break,
            }
        }
    }
    names.remove("__esModule");
    names
}

//! Tree-shaking: which exports of each ES module anything asks for, turning the
//! rest into plain declarations (for dead-code removal), dropping imports of
//! side-effect-free modules that take nothing, and then the modules nothing
//! reaches any more.

use std::collections::{BTreeSet, HashMap};

use swc_core::ecma::ast::{Decl, Module, ModuleDecl, ModuleItem, Pat};
use swc_core::ecma::visit::VisitWith;

use super::BundledModule;
use super::exports::exported_name;
use super::graph::{Format, Graph, Target};
use super::specifiers::Uses;

impl Graph<'_> {
    /// For each ES module, the exports anything asks for; None when all of them
    /// may be (the entry, namespace imports, `export *`, dynamic `import()`).
    pub(super) fn used_exports(&self) -> Vec<Option<BTreeSet<String>>> {
        let mut used: Vec<Option<BTreeSet<String>>> =
            self.nodes.iter().map(|_| Some(BTreeSet::new())).collect();
        used[0] = None;
        for node in &self.nodes {
            if node.format != Format::Esm {
                // `require()` of an ES module sees its whole namespace.
                for (_, t) in &node.requires {
                    if let Target::Node(j) = t {
                        used[*j] = None;
                    }
                }
                continue;
            }
            let Some(module) = &node.ast else { continue };
            let mut uses = Uses::default();
            module.visit_with(&mut uses);
            for (k, names) in uses.list.into_iter().enumerate() {
                let Some(Target::Node(j)) = node.imports.get(k) else {
                    continue;
                };
                match (names, &mut used[*j]) {
                    (None, slot) => *slot = None,
                    (Some(names), Some(set)) => set.extend(names),
                    (Some(_), None) => {}
                }
            }
        }
        used
    }
}

/// Turns exports nobody imports into plain declarations (so dead-code removal may
/// drop them). Re-exports stay: they may pull in other modules' effects.
pub(super) fn unexport(module: &mut Module, used: &BTreeSet<String>, pure: &BTreeSet<String>) {
    use swc_core::ecma::ast::Stmt;
    let keep = |name: &str| used.contains(name);
    let mut body = Vec::with_capacity(module.body.len());
    for item in std::mem::take(&mut module.body) {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => {
                let names: Vec<String> = match &e.decl {
                    Decl::Fn(f) => vec![f.ident.sym.to_string()],
                    Decl::Class(c) => vec![c.ident.sym.to_string()],
                    Decl::Var(v) => v
                        .decls
                        .iter()
                        .flat_map(|d| match &d.name {
                            Pat::Ident(id) => vec![id.id.sym.to_string()],
                            // Destructuring: keep it exported, it is rare and subtle.
                            _ => vec!["default".to_string(), String::new()],
                        })
                        .collect(),
                    _ => vec![String::new()],
                };
                if names.iter().any(|n| n.is_empty() || keep(n)) {
                    body.push(ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)));
                } else {
                    body.push(ModuleItem::Stmt(Stmt::Decl(e.decl)));
                }
            }
            // Local exports, and re-exports from side-effect-free modules, keep only
            // the names asked for; a re-export left with none is not needed at all.
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(mut n))
                if n.src
                    .as_ref()
                    .is_none_or(|src| pure.contains(&*src.value.to_string_lossy())) =>
            {
                n.specifiers.retain(|s| keep(&exported_name(s)));
                if !n.specifiers.is_empty() {
                    body.push(ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(n)));
                }
            }
            other => body.push(other),
        }
    }
    module.body = body;
}

/// Removes `import "x"` (nothing imported) of side-effect-free modules; tree-shaking
/// leaves these behind when it drops every name an import took.
pub(super) fn drop_pure_imports(module: &mut Module, pure: &BTreeSet<String>) {
    module.body.retain(|item| match item {
        ModuleItem::ModuleDecl(ModuleDecl::Import(i)) => {
            !(i.specifiers.is_empty() && pure.contains(&*i.src.value.to_string_lossy()))
        }
        _ => true,
    });
}

/// Drops modules nothing reaches from the entry any more (after tree-shaking
/// removed the imports of them).
pub(super) fn prune_unreachable(
    modules: &mut Vec<BundledModule>,
    entry: &str,
    edges: &HashMap<String, Vec<String>>,
) -> BTreeSet<String> {
    let by_name: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.as_str(), i))
        .collect();
    let mut reached = vec![false; modules.len()];
    let mut builtins = BTreeSet::new();
    let mut stack = vec![entry.to_string()];
    while let Some(name) = stack.pop() {
        let Some(&i) = by_name.get(name.as_str()) else {
            if name.starts_with("node:") {
                builtins.insert(name);
            }
            continue;
        };
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        stack.extend(edges.get(&modules[i].name).into_iter().flatten().cloned());
    }
    let mut i = 0;
    modules.retain(|_| {
        i += 1;
        reached[i - 1]
    });
    builtins
}

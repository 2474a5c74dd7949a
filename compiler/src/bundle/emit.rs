//! From the graph to the modules the engine registers: specifiers rewritten to
//! module names, ES modules tree-shaken and generated (or kept as written),
//! CommonJS and JSON wrapped in module functions, the facades ES modules import
//! CommonJS and built-ins through, and a one-line ES module running a CommonJS
//! entry.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use swc_core::common::{FileName, SourceFile};
use swc_core::ecma::ast::Module;
use swc_core::ecma::visit::{VisitMutWith, VisitWith};

use super::builtins::{self, builtin_exports};
use super::facades::facade_code;
use super::graph::{Format, Graph, Node, Target};
use super::shake::{drop_pure_imports, prune_unreachable, unexport};
use super::specifiers::{Rewrite, Sources, Uses};
use super::{Bundle, BundledModule, ModuleKind, entry, resolve, transform, verbatim};
use jsw_wire::names::{ESM_FACADE_SUFFIX, MAIN_SUFFIX, MISSING_PREFIX};

impl Graph<'_> {
    pub(super) fn emit(self) -> Result<Bundle> {
        self.check_imports()?;
        let root = common_root(self.nodes.iter().map(|n| n.path.as_path()));
        let names: Vec<String> = self
            .nodes
            .iter()
            .map(|n| module_name(&root, &n.path))
            .collect();

        // What ES modules import from each CommonJS/JSON module or Node built-in.
        let mut facades: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
        let facade_of = |t: &Target, nodes: &[Node]| -> Option<String> {
            match t {
                Target::Node(i) if nodes[*i].format != Format::Esm => {
                    Some(format!("{}{ESM_FACADE_SUFFIX}", names[*i]))
                }
                Target::Builtin(b) if b.starts_with("node:") => {
                    Some(format!("{b}{ESM_FACADE_SUFFIX}"))
                }
                _ => None,
            }
        };
        let used = self.used_exports();
        // Modules whose package declares them free of side effects: an import of
        // them that takes nothing can go.
        let pure: BTreeSet<String> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| resolve::side_effect_free(&n.path))
            .map(|(i, _)| names[i].clone())
            .collect();
        let mut modules = Vec::new();
        // Which modules each emitted module refers to, for dropping unreachable ones.
        let mut edges: HashMap<String, Vec<String>> = HashMap::new();
        for i in 0..self.nodes.len() {
            let node = &self.nodes[i];
            match node.format {
                Format::Esm => {
                    let targets: Vec<String> = node
                        .imports
                        .iter()
                        .map(|t| {
                            facade_of(t, &self.nodes).unwrap_or_else(|| match t {
                                Target::Node(j) => names[*j].clone(),
                                Target::Builtin(b) => b.clone(),
                                Target::Missing(s) => format!("{MISSING_PREFIX}{s}"),
                            })
                        })
                        .collect();
                    let mut module = node.ast.clone().unwrap_or_else(empty_module);
                    // Record the names each facade must export.
                    let mut uses = Uses::default();
                    module.visit_with(&mut uses);
                    for (k, names) in uses.list.into_iter().enumerate() {
                        if let Some(f) = node.imports.get(k).and_then(|t| facade_of(t, &self.nodes))
                        {
                            facades
                                .entry(f)
                                .or_default()
                                .extend(names.unwrap_or_default());
                        }
                    }
                    let mut written = Sources::default();
                    module.visit_with(&mut written);
                    module.visit_mut_with(&mut Rewrite {
                        targets: &targets,
                        next: 0,
                    });
                    let pristine = node.plain.then(|| module.clone());
                    // Tree-shaking: exports no importer asks for stop being exports,
                    // and top-level code nothing uses (and that has no effects) goes.
                    if let (Some(used), Some(unresolved)) = (&used[i], node.unresolved) {
                        unexport(&mut module, used, &pure);
                        module = transform::shake(module, unresolved);
                    }
                    drop_pure_imports(&mut module, &pure);
                    let mut sources = Sources::default();
                    module.visit_with(&mut sources);
                    edges.insert(
                        names[i].clone(),
                        sources.list.into_iter().map(|(s, _, _)| s).collect(),
                    );
                    if pristine.is_some_and(|p| p == module) {
                        let imports = written
                            .list
                            .into_iter()
                            .map(|(s, _, _)| s)
                            .zip(targets)
                            .collect();
                        modules.push(BundledModule {
                            name: names[i].clone(),
                            kind: ModuleKind::Esm,
                            code: node.file.src.to_string(),
                            positions: verbatim::positions(&self.cm, &module, 0),
                            verbatim: Some(0),
                            imports,
                        });
                        continue;
                    }
                    let (code, positions) = self.generate(&module, &node.file, false)?;
                    modules.push(BundledModule {
                        name: names[i].clone(),
                        kind: ModuleKind::Esm,
                        code,
                        positions,
                        verbatim: None,
                        imports: Vec::new(),
                    });
                }
                Format::Cjs => {
                    let map = node
                        .requires
                        .iter()
                        .map(|(spec, t)| {
                            let target = match t {
                                Target::Node(j) => serde_json::Value::String(names[*j].clone()),
                                Target::Builtin(b) => serde_json::Value::String(b.clone()),
                                Target::Missing(_) => serde_json::Value::Null,
                            };
                            (spec.clone(), target)
                        })
                        .collect::<serde_json::Map<_, _>>();
                    edges.insert(
                        names[i].clone(),
                        map.values()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect(),
                    );
                    let module = node.ast.clone().unwrap_or_else(empty_module);
                    let (body, positions, verbatim) = if node.plain {
                        let body = verbatim::function_body(&node.file.src);
                        (body, verbatim::positions(&self.cm, &module, 1), Some(1))
                    } else {
                        let (body, positions) = self.generate(&module, &node.file, true)?;
                        (body, shift_lines(positions, 1), None)
                    };
                    // One header line, so source lines shift by exactly one.
                    let code = format!(
                        "[{}, function (exports, require, module, __filename, __dirname) {{\n{body}\n}}]",
                        serde_json::Value::Object(map)
                    );
                    modules.push(BundledModule {
                        name: names[i].clone(),
                        kind: ModuleKind::CommonJs,
                        code,
                        positions,
                        verbatim,
                        imports: Vec::new(),
                    });
                }
                Format::Script => {
                    let module = node.ast.clone().unwrap_or_else(empty_module);
                    let (code, positions, verbatim) = if node.plain {
                        let positions = verbatim::positions(&self.cm, &module, 0);
                        (node.file.src.to_string(), positions, Some(0))
                    } else {
                        let (code, positions) = self.generate(&module, &node.file, true)?;
                        (code, positions, None)
                    };
                    modules.push(BundledModule {
                        name: names[i].clone(),
                        kind: ModuleKind::Script,
                        code,
                        positions,
                        verbatim,
                        imports: Vec::new(),
                    });
                }
                Format::Json => {
                    let code = format!(
                        "[{{}}, function (exports, require, module) {{\nmodule.exports = {};\n}}]",
                        node.json.as_deref().unwrap_or("null")
                    );
                    modules.push(BundledModule {
                        name: names[i].clone(),
                        kind: ModuleKind::CommonJs,
                        code,
                        positions: Vec::new(),
                        verbatim: None,
                        imports: Vec::new(),
                    });
                }
            }
        }

        // Facades: `default` is module.exports; named exports are what importers
        // asked for plus what the CommonJS code visibly assigns.
        for (facade, mut wanted) in facades {
            let target = facade.trim_end_matches(ESM_FACADE_SUFFIX).to_string();
            edges.insert(facade.clone(), vec![target.clone()]);
            if let Some(i) = names.iter().position(|n| *n == target) {
                wanted.extend(self.nodes[i].cjs_exports.iter().cloned());
            } else if let Some(list) = builtin_exports(&target) {
                wanted.extend(list.iter().map(|s| s.to_string()));
            }
            modules.push(BundledModule {
                name: facade,
                kind: ModuleKind::Esm,
                code: facade_code(&target, &wanted),
                positions: Vec::new(),
                verbatim: None,
                imports: Vec::new(),
            });
        }

        let (entry, entry_export) = match self.nodes[0].format {
            Format::Esm => (names[0].clone(), entry::entry_export(&self, 0)),
            // A CommonJS entry is run through a one-line ES module.
            _ => {
                let name = format!("{}{MAIN_SUFFIX}", names[0]);
                edges.insert(name.clone(), vec![names[0].clone()]);
                modules.push(BundledModule {
                    name: name.clone(),
                    kind: ModuleKind::Esm,
                    code: format!(
                        "import {{ require }} from \"jsw:cjs\";\n{}require({});\n",
                        // A plugin's host calls what the entry exports.
                        if self.options.plugin {
                            "export default "
                        } else {
                            ""
                        },
                        serde_json::Value::String(names[0].clone())
                    ),
                    positions: Vec::new(),
                    verbatim: None,
                    imports: Vec::new(),
                });
                (name, None)
            }
        };
        let reached = prune_unreachable(&mut modules, &entry, &edges);
        let node_natives = builtins::needs_natives(&reached, &modules);
        let parts = builtins::parts(&reached, &modules, self.options);
        modules.extend(parts);
        let handler_candidate = entry_export.is_none()
            && ((self.nodes[0].format == Format::Esm && entry::default_is_value(&self, 0))
                || modules
                    .iter()
                    .any(|m| entry::registers_fetch_listener(&m.code)));
        if self.options.no_source_positions {
            for m in &mut modules {
                m.positions.clear();
            }
        }
        Ok(Bundle {
            modules,
            entry,
            entry_export,
            handler_candidate,
            files: self.nodes.iter().map(|n| n.path.clone()).collect(),
            node_natives,
            wit_used: BTreeSet::new(),
        })
    }

    fn generate(
        &self,
        module: &Module,
        file: &SourceFile,
        script: bool,
    ) -> Result<(String, Vec<u32>)> {
        let path = match &*file.name {
            FileName::Real(p) => p.clone(),
            _ => PathBuf::new(),
        };
        transform::emit(&self.cm, module, &path, self.options.minify, script)
            .with_context(|| format!("cannot generate code for {}", path.display()))
    }
}

fn empty_module() -> Module {
    Module {
        span: Default::default(),
        body: Vec::new(),
        shebang: None,
    }
}

fn shift_lines(mut positions: Vec<u32>, by: u32) -> Vec<u32> {
    for q in positions.chunks_exact_mut(4) {
        q[0] += by;
    }
    positions
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

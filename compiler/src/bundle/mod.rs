//! From source files to the modules the engine loads: parse (TS/TSX/JS/JSX/JSON),
//! transform (types, decorators, JSX), follow every import and `require` through
//! relative paths, tsconfig `paths` and `node_modules`, and give every module a
//! stable name.
//!
//! ES modules stay ES modules: QuickJS links them itself, so import cycles and live
//! bindings keep their semantics. CommonJS files become function-wrapped scripts
//! the engine's `require` runs on first use, as Node does; an ES module importing
//! one gets a small generated facade (`default` = `module.exports`, plus named
//! exports), again as in Node. Specifiers are rewritten to module names at build
//! time, so nothing is resolved at run time.

mod builtins;
mod entry;
mod resolve;
mod transform;
pub mod tsconfig;
mod verbatim;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use swc_core::common::{FileName, GLOBALS, Globals, SourceFile, SourceMap, Span, sync::Lrc};
use swc_core::ecma::ast::{
    CallExpr, Callee, Decl, ExportSpecifier, Expr, ImportSpecifier, Lit, Module, ModuleDecl,
    ModuleExportName, ModuleItem, NamedExport, Pat, Str,
};
use swc_core::ecma::visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::diagnostic::Diagnostic;
use builtins::builtin_exports;
use resolve::{Kind, Resolver};
pub use resolve::{NODE_BUILTINS, Resolved};
use tsconfig::TsConfig;

/// How a module reaches the engine (the payload's module kinds).
pub use jsw_wire::ModuleKind;
use jsw_wire::names::{ESM_FACADE_SUFFIX, MAIN_SUFFIX, MISSING_PREFIX};

/// One module as the engine registers it.
#[derive(Debug, Clone)]
pub struct BundledModule {
    /// The name stack traces show: the path relative to the program's root folder.
    pub name: String,
    pub kind: ModuleKind,
    pub code: String,
    /// Where generated code came from, for stack traces in original positions:
    /// flattened `[generated line, generated column, source line, source column]`
    /// quadruples (0-based), sorted by generated position.
    pub positions: Vec<u32>,
    /// The code is the file as written after this many header lines; `positions`
    /// then holds only the exceptions (verbatim.rs).
    pub verbatim: Option<u32>,
    /// For an ES module kept as written: what its specifiers name.
    pub imports: Vec<(String, String)>,
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
    /// The program may be an HTTP handler: no entry function, and a default export
    /// that is not a function, or a "fetch" listener registered somewhere. The
    /// build then looks for the handler after running the top level.
    pub handler_candidate: bool,
    /// Every source file the program was built from (what `jsw serve` watches).
    pub files: Vec<PathBuf>,
    /// The program needs the engine with node:crypto/zlib/fs natives (builtins.rs).
    pub node_natives: bool,
    /// The WIT interfaces the program imports (plugins).
    pub wit_used: BTreeSet<String>,
}

impl Bundle {
    /// Bytes of JS handed to the engine.
    pub fn size(&self) -> usize {
        self.modules.iter().map(|m| m.code.len()).sum()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Compress and mangle the generated code.
    pub minify: bool,
    /// With `minify`, also shorten function and class names (which inspect
    /// output and stack traces show).
    pub mangle_names: bool,
    /// Leave out the tables that map stack frames back to original sources.
    pub no_source_positions: bool,
    /// Plugins: the WIT interfaces the program may import, by specifier, with
    /// the names each provides (the engine supplies their modules).
    pub wit_imports: std::collections::BTreeMap<String, BTreeSet<String>>,
    /// Plugins: a CommonJS entry's `module.exports` are its exports.
    pub plugin: bool,
}

/// What an import or require refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Node(usize),
    Builtin(String),
    /// A `require` that could not be resolved at build time: it throws when run,
    /// as in Node (packages often probe for optional dependencies this way).
    Missing(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Esm,
    Cjs,
    Json,
    /// A classic script: neither module syntax nor CommonJS.
    Script,
}

struct Node {
    path: PathBuf,
    format: Format,
    file: Lrc<SourceFile>,
    /// ESM: the module; CJS: the statements of the function body.
    ast: Option<Module>,
    json: Option<String>,
    /// ESM: import/export sources and literal dynamic imports, in visiting order.
    imports: Vec<Target>,
    /// CJS: literal `require()` specifiers and where they lead.
    requires: Vec<(String, Target)>,
    /// CJS: names assigned to `exports.x` / `module.exports = { x }`.
    cjs_exports: BTreeSet<String>,
    /// CJS: `module.exports` is visibly a function.
    cjs_default_fn: bool,
    /// ESM: what it exports, as the source shows (for finding the entry function).
    exports: Option<entry::Exports>,
    /// ESM: where each import/export specifier led.
    specifiers: HashMap<String, Target>,
    /// ESM: names taken from other modules (specifier, name, where).
    named_imports: Vec<(String, String, Span)>,
    /// What free variables are tagged with (for tree-shaking).
    unresolved: Option<swc_core::common::Mark>,
    /// Plain JavaScript that no transform changed: it may reach the engine as
    /// written (verbatim.rs).
    plain: bool,
}

/// Bundles the program whose entry file is `entry`.
pub fn bundle(entry: &Path, options: &Options) -> Result<Bundle> {
    let entry =
        std::fs::canonicalize(entry).with_context(|| format!("cannot read {}", entry.display()))?;
    if entry.is_dir() {
        bail!(
            "{} is a directory: give the program's entry file, e.g. {}/app.ts",
            entry.display(),
            entry.display()
        );
    }
    let tsconfig = TsConfig::find(entry.parent().unwrap_or(Path::new("/")))?;
    let cm: Lrc<SourceMap> = Default::default();
    GLOBALS.set(&Globals::new(), || {
        let mut graph = Graph {
            cm: cm.clone(),
            nodes: Vec::new(),
            index: HashMap::new(),
            resolver: Resolver {
                tsconfig: tsconfig.as_ref(),
                wit: &options.wit_imports,
                plugin: options.plugin,
            },
            tsconfig: tsconfig.as_ref(),
            options,
        };
        graph.add(&entry, None)?;
        let wit_used = graph.wit_used();
        let mut bundle = graph.emit()?;
        bundle.wit_used = wit_used;
        Ok(bundle)
    })
}

struct Graph<'a> {
    cm: Lrc<SourceMap>,
    nodes: Vec<Node>,
    index: HashMap<PathBuf, usize>,
    resolver: Resolver<'a>,
    tsconfig: Option<&'a TsConfig>,
    options: &'a Options,
}

impl Graph<'_> {
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
    fn wit_used(&self) -> BTreeSet<String> {
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
    fn check_imports(&self) -> Result<()> {
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

    fn emit(self) -> Result<Bundle> {
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
        let parts = builtins::parts(&reached, &modules);
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

    /// For each ES module, the exports anything asks for; None when all of them
    /// may be (the entry, namespace imports, `export *`, dynamic `import()`).
    fn used_exports(&self) -> Vec<Option<BTreeSet<String>>> {
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

fn line_col_offset(src: &str, line: usize, column: usize) -> usize {
    let start: usize = src
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(src.len())
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_ascii_alphanumeric())
        && !RESERVED.contains(&s)
}

const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "await",
    "arguments",
    "eval",
];

fn facade_code(target: &str, names: &BTreeSet<String>) -> String {
    let quoted = serde_json::Value::String(target.to_string());
    let mut code = format!(
        "import {{ require }} from \"jsw:cjs\";\nconst m = require({quoted});\nexport default m;\n"
    );
    let mut n = 0;
    for name in names {
        if name == "default" {
            continue;
        }
        let key = serde_json::Value::String(name.clone());
        if is_identifier(name) {
            code.push_str(&format!("export const {name} = m[{key}];\n"));
        } else {
            code.push_str(&format!(
                "const e{n} = m[{key}];\nexport {{ e{n} as {key} }};\n"
            ));
            n += 1;
        }
    }
    code
}

/// Import/export sources and literal dynamic `import()`s, in visiting order.
#[derive(Default)]
struct Sources {
    list: Vec<(String, Span, bool)>,
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
struct Requires {
    list: Vec<(String, Span)>,
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
struct Uses {
    list: Vec<Option<BTreeSet<String>>>,
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

/// Turns exports nobody imports into plain declarations (so dead-code removal may
/// drop them). Re-exports stay: they may pull in other modules' effects.
fn unexport(module: &mut Module, used: &BTreeSet<String>, pure: &BTreeSet<String>) {
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

fn module_export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::Ident(id) => id.sym.to_string(),
        ModuleExportName::Str(s) => s.value.to_string_lossy().into_owned(),
    }
}

/// The name an export specifier exports under.
fn exported_name(s: &ExportSpecifier) -> String {
    match s {
        ExportSpecifier::Named(n) => module_export_name(n.exported.as_ref().unwrap_or(&n.orig)),
        ExportSpecifier::Default(d) => d.exported.sym.to_string(),
        ExportSpecifier::Namespace(ns) => module_export_name(&ns.name),
    }
}

/// Removes `import "x"` (nothing imported) of side-effect-free modules; tree-shaking
/// leaves these behind when it drops every name an import took.
fn drop_pure_imports(module: &mut Module, pure: &BTreeSet<String>) {
    module.body.retain(|item| match item {
        ModuleItem::ModuleDecl(ModuleDecl::Import(i)) => {
            !(i.specifiers.is_empty() && pure.contains(&*i.src.value.to_string_lossy()))
        }
        _ => true,
    });
}

/// Drops modules nothing reaches from the entry any more (after tree-shaking
/// removed the imports of them).
fn prune_unreachable(
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

/// Rewrites sources in the same order `Sources` found them.
struct Rewrite<'a> {
    targets: &'a [String],
    next: usize,
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

/// Names a CommonJS module visibly exports: `exports.x = `, `module.exports.x = `,
/// `Object.defineProperty(exports, "x", ...)`, `module.exports = { x, y }`.
fn cjs_export_names(module: &Module) -> BTreeSet<String> {
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

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
//!
//! The pieces:
//! - graph.rs: the module graph: reading, parsing and classifying every file the
//!   entry reaches, and where each specifier leads;
//! - resolve.rs: where a specifier leads (relative paths, tsconfig `paths`,
//!   `node_modules`, Node built-ins); tsconfig.rs: the tsconfig settings used;
//! - transform.rs: parsing, the transforms, minifying and code generation;
//! - specifiers.rs: finding a module's imports and `require`s, the names each
//!   import takes, and rewriting them to module names;
//! - exports.rs: export names as the syntax shows them (CommonJS included);
//! - entry.rs: the entry function, and whether an imported name exists;
//! - emit.rs: from the graph to the modules the engine registers;
//! - shake.rs: tree-shaking (unused exports, imports, modules);
//! - facades.rs: the ES modules CommonJS modules and built-ins are imported through;
//! - builtins.rs: what Node's built-ins export, and which engine parts a program
//!   carries;
//! - verbatim.rs: files that reach the engine as written.

mod builtins;
mod emit;
mod entry;
mod exports;
mod facades;
mod graph;
mod resolve;
mod shake;
mod specifiers;
mod transform;
pub mod tsconfig;
mod verbatim;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use swc_core::common::{GLOBALS, Globals, SourceMap, sync::Lrc};

pub use builtins::{check_encoding_label, check_locale};
use graph::Graph;
use resolve::Resolver;
pub use resolve::{Resolved, is_program_source};
use tsconfig::TsConfig;

/// How a module reaches the engine (the payload's module kinds).
pub use jsw_wire::ModuleKind;

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
    /// Encodings (labels) the program's TextDecoder must decode beyond those
    /// its code names (`--encoding`).
    pub encodings: Vec<String>,
    /// Locales whose Intl data the program carries beyond those its code
    /// names (`--locale`).
    pub locales: Vec<String>,
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

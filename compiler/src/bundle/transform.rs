//! One file's way through swc: parse, then decorators, TypeScript and JSX
//! transforms, optional minification, and code generation with the position table
//! that maps generated code back to the source.

use std::path::Path;

use anyhow::Result;
use swc_core::common::comments::SingleThreadedComments;
use swc_core::common::errors::{EmitterWriter, HANDLER, Handler};
use swc_core::common::{FileName, Mark, SourceFile, SourceMap, Spanned, sync::Lrc};
use swc_core::ecma::ast::{EsVersion, Ident, Module, ModuleItem, Program};
use swc_core::ecma::codegen::{Emitter, text_writer::JsWriter};
use swc_core::ecma::parser::{
    EsSyntax, Syntax, TsSyntax, parse_file_as_module, parse_file_as_program,
};
use swc_core::ecma::transforms::base::helpers::{HELPERS, Helpers, inject_helpers};
use swc_core::ecma::transforms::base::{fixer::fixer, hygiene::hygiene, resolver};
use swc_core::ecma::transforms::proposal::{decorator_2022_03::decorator_2022_03, decorators};
use swc_core::ecma::transforms::react::{self, Runtime};
use swc_core::ecma::transforms::typescript;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::tsconfig::TsConfig;
use crate::diagnostic::Diagnostic;

/// How one file is compiled.
pub struct Settings {
    pub typescript: bool,
    pub jsx: bool,
    legacy_decorators: bool,
    use_define_for_class_fields: bool,
    jsx_runtime: Runtime,
    jsx_import_source: Option<String>,
    jsx_factory: Option<String>,
    jsx_fragment_factory: Option<String>,
}

impl Settings {
    /// tsconfig applies to the program's own files, not to packages.
    pub fn for_file(path: &Path, tsconfig: Option<&TsConfig>) -> Settings {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let jsx_mode = tsconfig.and_then(|t| t.jsx.as_deref());
        let factory = tsconfig.and_then(|t| t.jsx_factory.clone());
        Settings {
            typescript: matches!(ext, "ts" | "tsx" | "mts" | "cts"),
            jsx: matches!(ext, "tsx" | "jsx"),
            legacy_decorators: tsconfig.is_some_and(|t| t.experimental_decorators),
            use_define_for_class_fields: tsconfig
                .and_then(|t| t.use_define_for_class_fields)
                .unwrap_or(true),
            // "react" (or a jsxFactory) is the classic runtime; everything else,
            // and no tsconfig at all, the automatic one.
            jsx_runtime: if jsx_mode == Some("react") || (jsx_mode.is_none() && factory.is_some()) {
                Runtime::Classic
            } else {
                Runtime::Automatic
            },
            jsx_import_source: tsconfig.and_then(|t| t.jsx_import_source.clone()),
            jsx_factory: factory,
            jsx_fragment_factory: tsconfig.and_then(|t| t.jsx_fragment_factory.clone()),
        }
    }
}

pub struct Parsed {
    pub module: Module,
    /// The file has `import`/`export` syntax.
    pub is_module: bool,
    /// The file refers to a `require`, `module` or `exports` it does not declare.
    pub uses_commonjs: bool,
    /// The file has decorators (which are transformed).
    pub decorators: bool,
    /// A `@jsx` pragma without `@jsxRuntime`: the classic runtime, as users of
    /// `/** @jsx h */` mean.
    classic_pragma: bool,
    comments: SingleThreadedComments,
}

pub fn parse(file: &SourceFile, path: &Path, s: &Settings) -> Result<Parsed> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let syntax = if s.typescript {
        Syntax::Typescript(TsSyntax {
            tsx: s.jsx,
            decorators: true,
            ..Default::default()
        })
    } else {
        Syntax::Es(EsSyntax {
            jsx: s.jsx,
            decorators: true,
            import_attributes: true,
            ..Default::default()
        })
    };
    let comments = SingleThreadedComments::default();
    let mut recovered = Vec::new();
    let (module, is_module) = if matches!(ext, "mjs" | "mts") {
        let m = parse_file_as_module(
            file,
            syntax,
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        );
        (
            m.map_err(|e| Diagnostic::at(file, e.span(), e.kind().msg().into_owned()))?,
            true,
        )
    } else {
        let p = parse_file_as_program(
            file,
            syntax,
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        )
        .map_err(|e| Diagnostic::at(file, e.span(), e.kind().msg().into_owned()))?;
        match p {
            Program::Module(m) => (m, true),
            Program::Script(s) => (
                Module {
                    span: s.span,
                    body: s.body.into_iter().map(ModuleItem::Stmt).collect(),
                    shebang: s.shebang,
                },
                false,
            ),
        }
    };
    if let Some(e) = recovered.into_iter().next() {
        return Err(Diagnostic::at(file, e.span(), e.kind().msg().into_owned()).into());
    }
    let mut free = FreeNames::default();
    module.visit_with(&mut free);
    let src: &str = &file.src;
    let classic_pragma =
        src.contains("@jsx ") && !src.contains("@jsxRuntime") && !src.contains("@jsxImportSource");
    // A file that declares none of the three names uses them free wherever it
    // mentions them; otherwise the resolver tells which mentions are its own.
    let uses_commonjs = !is_module
        && free.commonjs
        && (!free.declares_commonjs || refers_to_commonjs(&module, s.typescript));
    Ok(Parsed {
        module,
        is_module,
        uses_commonjs,
        decorators: free.decorators,
        classic_pragma,
        comments,
    })
}

/// Whether a file mentions CommonJS's names at all, whether it declares any of
/// them anywhere (only then does telling its own from the free ones take a
/// scope analysis), and whether it has decorators.
#[derive(Default)]
struct FreeNames {
    commonjs: bool,
    declares_commonjs: bool,
    decorators: bool,
}

const COMMONJS_NAMES: [&str; 3] = ["require", "module", "exports"];

impl FreeNames {
    fn declared(&mut self, id: &Ident) {
        if COMMONJS_NAMES.contains(&&*id.sym) {
            self.declares_commonjs = true;
        }
    }
}

impl Visit for FreeNames {
    fn visit_ident(&mut self, id: &Ident) {
        if COMMONJS_NAMES.contains(&&*id.sym) {
            self.commonjs = true;
        }
    }
    fn visit_binding_ident(&mut self, id: &swc_core::ecma::ast::BindingIdent) {
        self.declared(&id.id);
        id.visit_children_with(self);
    }
    fn visit_fn_decl(&mut self, f: &swc_core::ecma::ast::FnDecl) {
        self.declared(&f.ident);
        f.visit_children_with(self);
    }
    fn visit_fn_expr(&mut self, f: &swc_core::ecma::ast::FnExpr) {
        if let Some(id) = &f.ident {
            self.declared(id);
        }
        f.visit_children_with(self);
    }
    fn visit_class_decl(&mut self, c: &swc_core::ecma::ast::ClassDecl) {
        self.declared(&c.ident);
        c.visit_children_with(self);
    }
    fn visit_class_expr(&mut self, c: &swc_core::ecma::ast::ClassExpr) {
        if let Some(id) = &c.ident {
            self.declared(id);
        }
        c.visit_children_with(self);
    }
    fn visit_decorator(&mut self, _: &swc_core::ecma::ast::Decorator) {
        self.decorators = true;
    }
}

/// Whether a file refers to a `require`, `module` or `exports` it does not declare
/// itself (a script with its own `var module`, or a function parameter named
/// `exports`, is not CommonJS by that alone).
fn refers_to_commonjs(module: &Module, typescript: bool) -> bool {
    struct Free {
        unresolved: swc_core::common::SyntaxContext,
        found: bool,
    }
    impl Visit for Free {
        fn visit_ident(&mut self, id: &Ident) {
            if id.ctxt == self.unresolved && COMMONJS_NAMES.contains(&&*id.sym) {
                self.found = true;
            }
        }
    }
    let unresolved = Mark::new();
    let mut program = Program::Module(module.clone());
    program.mutate(resolver(unresolved, Mark::new(), typescript));
    let mut free = Free {
        unresolved: swc_core::common::SyntaxContext::empty().apply_mark(unresolved),
        found: false,
    };
    program.visit_with(&mut free);
    free.found
}

/// How to minify.
#[derive(Debug, Clone, Copy)]
pub struct Minify {
    /// Also shorten function and class names.
    pub mangle_names: bool,
}

/// Returns the module and its unresolved mark (what free variables are tagged with).
pub fn transform(
    cm: &Lrc<SourceMap>,
    parsed: Parsed,
    s: &Settings,
    minify: Option<Minify>,
) -> (Module, Mark) {
    // Passes report through swc's global handler and take their runtime helpers
    // (for decorators, ...) from its helper registry; helpers are inlined into the
    // module that needs them.
    let handler = Handler::with_emitter(
        true,
        false,
        Box::new(EmitterWriter::new(
            Box::new(std::io::sink()),
            None,
            false,
            false,
        )),
    );
    HANDLER.set(&handler, || {
        HELPERS.set(&Helpers::new(false), || {
            transform_inner(cm, parsed, s, minify)
        })
    })
}

fn transform_inner(
    cm: &Lrc<SourceMap>,
    parsed: Parsed,
    s: &Settings,
    minify: Option<Minify>,
) -> (Module, Mark) {
    let Parsed {
        module,
        comments,
        classic_pragma,
        decorators: has_decorators,
        ..
    } = parsed;
    let unresolved = Mark::new();
    let top_level = Mark::new();
    let mut program = Program::Module(module);
    program.mutate(resolver(unresolved, top_level, s.typescript));
    if has_decorators {
        if s.legacy_decorators {
            program.mutate(decorators(decorators::Config {
                legacy: true,
                emit_metadata: false,
                use_define_for_class_fields: s.use_define_for_class_fields,
            }));
        } else {
            program.mutate(decorator_2022_03());
        }
    }
    if s.typescript {
        program.mutate(typescript::typescript(
            typescript::Config {
                no_empty_export: true,
                ..Default::default()
            },
            unresolved,
            top_level,
        ));
    }
    if s.jsx {
        let options = react::Options {
            runtime: Some(if classic_pragma {
                Runtime::Classic
            } else {
                s.jsx_runtime
            }),
            import_source: s.jsx_import_source.as_deref().map(Into::into),
            pragma: s.jsx_factory.clone().map(Into::into),
            pragma_frag: s.jsx_fragment_factory.clone().map(Into::into),
            ..Default::default()
        };
        program.mutate(react::react(
            cm.clone(),
            Some(comments.clone()),
            options,
            top_level,
            unresolved,
        ));
    }
    if let Some(Minify { mangle_names }) = minify {
        // Function and class names show in inspect output and stack traces
        // (`Point { x: 1 }`, `at parse (...)`): kept unless asked otherwise.
        let names = swc_core::ecma::minifier::option::MangleOptions {
            keep_class_names: !mangle_names,
            keep_fn_names: !mangle_names,
            ..Default::default()
        };
        let compress = swc_core::ecma::minifier::option::CompressOptions {
            keep_classnames: !mangle_names,
            keep_fnames: !mangle_names,
            ..Default::default()
        };
        program = swc_core::ecma::minifier::optimize(
            program,
            cm.clone(),
            None,
            None,
            &swc_core::ecma::minifier::option::MinifyOptions {
                compress: Some(compress),
                mangle: Some(names),
                ..Default::default()
            },
            &swc_core::ecma::minifier::option::ExtraOptions {
                unresolved_mark: unresolved,
                top_level_mark: top_level,
                mangle_name_cache: None,
            },
        );
    }
    program.mutate(inject_helpers(unresolved));
    program.mutate(hygiene());
    program.mutate(fixer(None));
    let module = match program {
        Program::Module(m) => m,
        Program::Script(s) => Module {
            span: s.span,
            body: s.body.into_iter().map(ModuleItem::Stmt).collect(),
            shebang: None,
        },
    };
    (module, unresolved)
}

/// Removes top-level code nothing uses (after unused exports were un-exported).
pub fn shake(module: Module, unresolved: Mark) -> Module {
    use swc_core::ecma::transforms::optimization::simplify::dce;
    let mut program = Program::Module(module);
    program.mutate(dce::dce(dce::Config::default(), unresolved));
    match program {
        Program::Module(m) => m,
        Program::Script(_) => unreachable!("stays a module"),
    }
}

/// Generates code; for CommonJS (`script`) only the statements, which become the
/// body of the module function.
/// QuickJS places the frame of `new X(…)` at `X` when no argument records a
/// position of its own (literals only), where Node places it at `new`: the
/// position table maps such a callee to its `new`. (An error in evaluating `X`
/// itself, rare for a constructor, then points at `new` too.)
#[derive(Default)]
pub(super) struct Constructions {
    pub(super) at_new:
        std::collections::HashMap<swc_core::common::BytePos, swc_core::common::BytePos>,
}

impl Visit for Constructions {
    fn visit_new_expr(&mut self, new: &swc_core::ecma::ast::NewExpr) {
        use swc_core::ecma::ast::{Expr, Lit};
        let quiet = new.args.iter().flatten().all(|arg| {
            arg.spread.is_none()
                && match &*arg.expr {
                    Expr::Lit(
                        Lit::Str(_) | Lit::Num(_) | Lit::Bool(_) | Lit::Null(_) | Lit::BigInt(_),
                    ) => true,
                    Expr::Tpl(t) => t.exprs.is_empty(),
                    _ => false,
                }
        });
        if quiet && !new.span.is_dummy() {
            self.at_new.insert(new.callee.span().lo, new.span.lo);
        }
        new.visit_children_with(self);
    }
}

pub fn emit(
    cm: &Lrc<SourceMap>,
    module: &Module,
    path: &Path,
    minify: bool,
    script: bool,
) -> Result<(String, Vec<u32>)> {
    let mut buf = Vec::new();
    let mut mappings = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: swc_core::ecma::codegen::Config::default()
                .with_target(EsVersion::latest())
                .with_minify(minify),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm.clone(), "\n", &mut buf, Some(&mut mappings)),
        };
        if script {
            let script = swc_core::ecma::ast::Script {
                span: module.span,
                body: module
                    .body
                    .iter()
                    .filter_map(|i| i.as_stmt().cloned())
                    .collect(),
                shebang: None,
            };
            emitter.emit_script(&script)?;
        } else {
            emitter.emit_module(module)?;
        }
    }
    let mut constructions = Constructions::default();
    module.visit_with(&mut constructions);
    let mut quads: Vec<[u32; 4]> = Vec::with_capacity(mappings.len());
    for (pos, generated) in mappings {
        if pos.is_dummy() || pos.is_reserved_for_comments() {
            continue;
        }
        let pos = constructions.at_new.get(&pos).copied().unwrap_or(pos);
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

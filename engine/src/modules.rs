//! Serves the program's modules to QuickJS by name.
//!
//! The compiler already resolved every import and rewrote it to the name the target
//! is registered under, so resolving is the identity. Modules are compiled when first
//! imported (which is what makes import cycles work: QuickJS registers a module
//! before it resolves that module's own imports). A module's source is dropped once
//! compiled, so the snapshot does not carry the program twice.

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Module, Result};

thread_local! {
    static SOURCES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// CommonJS modules: compiled when first required.
    static COMMONJS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

pub fn register(name: &str, source: &str, commonjs: bool) {
    let map = if commonjs { &COMMONJS } else { &SOURCES };
    map.with_borrow_mut(|s| s.insert(name.to_string(), source.to_string()));
}

/// Evaluates a CommonJS module's script (sloppy mode, as Node runs it), which
/// yields `[requireMap, factory]`; None when no such module exists.
pub fn compile_commonjs<'js>(ctx: &Ctx<'js>, name: &str) -> Result<Option<rquickjs::Value<'js>>> {
    let Some(source) = COMMONJS.with_borrow_mut(|s| s.remove(name)) else {
        return Ok(None);
    };
    let mut options = rquickjs::context::EvalOptions::default();
    options.global = true;
    options.strict = false;
    options.filename = Some(name.to_string());
    ctx.eval_with_options(source, options).map(Some)
}

pub struct ProgramResolver;

impl Resolver for ProgramResolver {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _: Option<ImportAttributes<'js>>,
    ) -> Result<String> {
        if !name.starts_with('.') {
            return Ok(name.to_string());
        }
        // Only a computed `import()` can still be relative here.
        let mut parts: Vec<&str> = base.split('/').collect();
        parts.pop();
        for part in name.split('/') {
            match part {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        Ok(parts.join("/"))
    }
}

pub struct ProgramLoader;

impl Loader for ProgramLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        if name == "jsw:io" {
            return Module::declare_def::<crate::globals::io::IoModule, _>(ctx.clone(), name);
        }
        if name == "jsw:cjs" {
            return Module::declare_def::<crate::globals::commonjs::CommonJsModule, _>(
                ctx.clone(),
                name,
            );
        }
        let source = SOURCES.with_borrow_mut(|s| s.remove(name));
        match source {
            Some(source) => declare(ctx, name, &source),
            None => Err(Error::new_loading_message(
                name,
                "it is not part of the program: jsw bundles modules at build time and follows \
                 only import() of a string literal; to include it, import it with a literal \
                 somewhere in the program, e.g. `const load = { a: () => import(\"./a.js\") }`",
            )),
        }
    }
}

/// Compiles an ES module and fills in its `import.meta`.
pub fn declare<'js>(ctx: &Ctx<'js>, name: &str, source: &str) -> Result<Module<'js, Declared>> {
    let module = Module::declare(ctx.clone(), name, source)?;
    if let Some(jsw) = crate::globals::internals(ctx) {
        let fill: rquickjs::Function = jsw.get("fillImportMeta")?;
        fill.call::<_, ()>((module.meta()?, name))?;
    }
    Ok(module)
}

/// Forgets a module's source (it is being compiled by other means).
pub fn take(name: &str) {
    SOURCES.with_borrow_mut(|s| s.remove(name));
}

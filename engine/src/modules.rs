//! Serves the program's modules to QuickJS by name.
//!
//! The compiler already resolved every import: it either rewrote it to the name the
//! target is registered under, or (for a module kept as written) sent the
//! specifier-to-name table along, so resolving is a lookup. Modules are compiled when first
//! imported (which is what makes import cycles work: QuickJS registers a module
//! before it resolves that module's own imports). A module's source is dropped once
//! compiled, so the snapshot does not carry the program twice.

use std::cell::RefCell;
use std::collections::HashMap;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Function, Module, Persistent, Result, Value, qjs};

thread_local! {
    static SOURCES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// CommonJS modules: compiled when first required.
    static COMMONJS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// Classic scripts, compiled when registered (at build time): the compiled
    /// global code, run once when first required.
    static SCRIPTS: RefCell<HashMap<String, Persistent<Value<'static>>>> = RefCell::new(HashMap::new());
    /// For modules the compiler left as written: what each import specifier of a
    /// module names, by importing module.
    static IMPORTS: RefCell<HashMap<String, HashMap<String, String>>> = RefCell::new(HashMap::new());
}

/// Records the module names an unrewritten module's specifiers stand for
/// (`imports` holds `specifier \0 name \0` pairs).
pub fn register_imports(module: &str, imports: &[(String, String)]) {
    let map: HashMap<String, String> = imports.iter().cloned().collect();
    if !map.is_empty() {
        IMPORTS.with_borrow_mut(|i| i.insert(module.to_string(), map));
    }
}

/// Compiles a classic script as global code (sloppy unless it says "use strict",
/// its top-level `var` and function declarations becoming properties of
/// `globalThis`, `this` being `globalThis`), without running it.
pub fn register_script<'js>(ctx: &Ctx<'js>, name: &str, source: &str) -> Result<()> {
    // QuickJS reads up to `len` but wants a NUL after it.
    let mut text = Vec::with_capacity(source.len() + 1);
    text.extend_from_slice(source.as_bytes());
    text.push(0);
    let mut file = name.as_bytes().to_vec();
    file.retain(|&b| b != 0);
    file.push(0);
    // SAFETY: both buffers are NUL-terminated and outlive the call; the result is
    // an owned value handed to `Value::from_raw`.
    let compiled = unsafe {
        let raw = qjs::JS_Eval(
            ctx.as_raw().as_ptr(),
            text.as_ptr().cast(),
            source.len() as _,
            file.as_ptr().cast(),
            (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32,
        );
        Value::from_raw(ctx.clone(), raw)
    };
    if compiled.is_exception() {
        return Err(Error::Exception);
    }
    let saved = Persistent::save(ctx, compiled);
    SCRIPTS.with_borrow_mut(|s| s.insert(name.to_string(), saved));
    Ok(())
}

/// Runs a compiled script's global code (see `register_script`).
fn run_script<'js>(ctx: &Ctx<'js>, compiled: Value<'js>) -> Result<()> {
    // SAFETY: JS_EvalFunction takes ownership of the value it is given, so it gets
    // a counted copy; its result is owned.
    let result = unsafe {
        let raw = qjs::JS_EvalFunction(
            ctx.as_raw().as_ptr(),
            qjs::JS_DupValue(ctx.as_raw().as_ptr(), compiled.as_raw()),
        );
        Value::from_raw(ctx.clone(), raw)
    };
    if result.is_exception() {
        return Err(Error::Exception);
    }
    Ok(())
}

pub fn register(name: &str, source: &str, commonjs: bool) {
    let map = if commonjs { &COMMONJS } else { &SOURCES };
    map.with_borrow_mut(|s| s.insert(name.to_string(), source.to_string()));
}

/// Evaluates a CommonJS module's script (sloppy mode, as Node runs it), which
/// yields `[requireMap, factory]`; None when no such module exists.
pub fn compile_commonjs<'js>(ctx: &Ctx<'js>, name: &str) -> Result<Option<rquickjs::Value<'js>>> {
    let Some(source) = COMMONJS.with_borrow_mut(|s| s.remove(name)) else {
        // A script required (or imported) by name: `[{}, run]`, so that the
        // CommonJS registry runs it once, as it runs a module's factory.
        let Some(saved) = SCRIPTS.with_borrow_mut(|s| s.remove(name)) else {
            return Ok(None);
        };
        let compiled = saved.restore(ctx)?;
        let run = Function::new(ctx.clone(), move |ctx: Ctx<'js>| {
            run_script(&ctx, compiled.clone())
        })?;
        let pair = rquickjs::Array::new(ctx.clone())?;
        pair.set(0, rquickjs::Object::new(ctx.clone())?)?;
        pair.set(1, run)?;
        return Ok(Some(pair.into_value()));
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
        if let Some(target) =
            IMPORTS.with_borrow(|i| i.get(base).and_then(|m| m.get(name)).cloned())
        {
            return Ok(target);
        }
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
        #[cfg(feature = "wit")]
        if name == "jsw:wit" {
            return Module::declare_def::<crate::wit::WitModule, _>(ctx.clone(), name);
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

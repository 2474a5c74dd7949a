//! CommonJS: `require`, `module`, `exports` as Node runs them, and the `jsw:cjs`
//! module through which ES modules (and facades the compiler generates) reach
//! CommonJS code. The registry itself is JS (commonjs.js); Rust compiles a module's
//! script the first time it is required. Node's built-in modules that jsw
//! implements live in engine/src/node/ and are registered here.

use rquickjs::module::{Declarations, Exports, ModuleDef};
use rquickjs::{Ctx, Exception, Function, Object, Value};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set(
        "compileCommonJs",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, name: String| -> rquickjs::Result<Option<Value<'js>>> {
                crate::modules::compile_commonjs(&ctx, &name)
            },
        )?,
    )?;
    // For commonjs.js: the built-ins a program has only if it imports them.
    let on_demand = jsw_wire::builtins::BUILTINS
        .iter()
        .filter(|b| b.on_demand())
        .map(|b| b.name)
        .collect::<Vec<_>>();
    jsw.set("onDemandBuiltins", on_demand)?;
    // Every specifier naming a Node built-in (`fs`, `node:fs`, `node:test`):
    // a computed require of one loads it as Node would, or says why it cannot.
    let specifiers = jsw_wire::builtins::BUILTINS
        .iter()
        .filter(|b| b.is_module() && b.name.starts_with("node:"))
        .flat_map(|b| {
            let bare = (!b.prefix_only).then(|| &b.name["node:".len()..]);
            std::iter::once(b.name).chain(bare)
        })
        .collect::<Vec<_>>();
    jsw.set("builtinSpecifiers", specifiers)?;
    super::eval_part(ctx, jsw, "commonjs", include_str!("commonjs.js"))?;
    jsw.set("vendored", Object::new(ctx.clone())?)?;
    #[cfg(feature = "node")]
    crate::node::init(ctx, jsw)?;
    jsw.set("loadBuffer", Function::new(ctx.clone(), load_buffer)?)?;
    // node:os's memory figures: the module's own linear memory.
    jsw.set(
        "memoryBytes",
        Function::new(ctx.clone(), || {
            (core::arch::wasm32::memory_size(0) * 65536) as f64
        })?,
    )?;
    // Every engine's own built-ins (jsw_wire::builtins::RESIDENT, in order).
    for part in jsw_wire::builtins::RESIDENT {
        super::eval_part(ctx, jsw, part, resident_source(part))?;
    }
    Ok(())
}

/// The source of a resident part. A part the registry names and this match
/// lacks fails every build at once, when the engine starts.
fn resident_source(part: &str) -> &'static str {
    match part {
        "node/path" => include_str!("../node/path.js"),
        "node/events" => include_str!("../node/events.js"),
        "node/util" => include_str!("../node/util.js"),
        "node/assert" => include_str!("../node/assert.js"),
        "node/misc" => include_str!("../node/misc.js"),
        "node/buffer-lazy" => include_str!("../node/buffer-lazy.js"),
        "node/os" => include_str!("../node/os.js"),
        "node/diagnostics_channel" => include_str!("../node/diagnostics_channel.js"),
        "node/string_decoder" => include_str!("../node/string_decoder.js"),
        _ => panic!("the resident part {part} is not embedded in the engine"),
    }
}

/// Whether a program's source may use Buffer (`Buffer`, or the `buffer` module).
/// Such a program gets Buffer loaded before its top level runs, so that it is
/// in the snapshot; any other program has it loaded on first use only.
pub fn may_use_buffer(source: &str) -> bool {
    // `Buffer` as a word of its own: `isBuffer`, `ArrayBuffer` and
    // `unescapeBuffer` (names a built-in's import code lists) do not count.
    let word = |i: usize| {
        !source[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
    };
    source.match_indices("Buffer").any(|(i, _)| word(i))
        || source.contains("buffer\"")
        || source.contains("buffer'")
}

thread_local! {
    static BUFFER_LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Evaluates the `buffer` package and node/buffer.js, once: the global
/// `Buffer` and `node:buffer` (see node/buffer-lazy.js).
pub fn load_buffer(ctx: Ctx<'_>) -> rquickjs::Result<()> {
    if BUFFER_LOADED.get() {
        return Ok(());
    }
    BUFFER_LOADED.set(true);
    let jsw = super::internals(&ctx).ok_or(rquickjs::Error::Unknown)?;
    // Pinned npm packages the engine embeds unmodified (engine/src/node/vendor/,
    // refreshed by scripts/update-vendor.sh): each runs once as a CommonJS module
    // whose `require` reaches the ones before it.
    for (name, source) in VENDORED {
        let wrapped = format!(
            "(jsw) => {{ const module = {{ exports: {{}} }}; (function (exports, require, module) {{\n{source}\n}})(module.exports, (name) => jsw.vendored[name], module); jsw.vendored[{name:?}] = module.exports; }}"
        );
        super::eval_part(&ctx, &jsw, &format!("vendor/{name}"), &wrapped)?;
    }
    super::eval_part(&ctx, &jsw, "node/buffer", include_str!("../node/buffer.js"))
}

const VENDORED: &[(&str, &str)] = &[
    ("base64-js", include_str!("../node/vendor/base64-js.js")),
    ("ieee754", include_str!("../node/vendor/ieee754.js")),
    ("buffer", include_str!("../node/vendor/buffer.js")),
];

/// `import { require } from "jsw:cjs"`.
pub struct CommonJsModule;

impl ModuleDef for CommonJsModule {
    fn declare<'js>(decl: &Declarations<'js>) -> rquickjs::Result<()> {
        decl.declare("require")?;
        Ok(())
    }

    fn evaluate<'js>(ctx: &Ctx<'js>, exports: &Exports<'js>) -> rquickjs::Result<()> {
        let jsw = super::internals(ctx)
            .ok_or_else(|| Exception::throw_message(ctx, "jsw internals missing"))?;
        exports.export("require", jsw.get::<_, Value>("requireAbsolute")?)?;
        Ok(())
    }
}

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
    super::eval_part(ctx, jsw, "commonjs", include_str!("commonjs.js"))?;
    for (name, source) in [
        ("node/path", include_str!("../node/path.js")),
        ("node/events", include_str!("../node/events.js")),
        ("node/util", include_str!("../node/util.js")),
        ("node/assert", include_str!("../node/assert.js")),
        ("node/misc", include_str!("../node/misc.js")),
    ] {
        super::eval_part(ctx, jsw, name, source)?;
    }
    Ok(())
}

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

//! Reading stdin: the `jsw:io` built-in module and Javy's `Javy.IO` for programs
//! written for Javy. stdin exists only at run time; at build time the top level is
//! told to move the read into `main`.

use std::io::Read;

use rquickjs::module::{Declarations, Exports, ModuleDef};
use rquickjs::{Ctx, Exception, Function, Object, TypedArray, Value};

use crate::phase;

fn refuse_at_build(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    if phase::is_build() {
        return Err(Exception::throw_message(
            ctx,
            "stdin cannot be read at build time: the top level of a program that exports `main` runs while \
             it is compiled. Read stdin inside main() instead.",
        ));
    }
    Ok(())
}

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set(
        "readStdin",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>| -> rquickjs::Result<TypedArray<'js, u8>> {
                refuse_at_build(&ctx)?;
                crate::io::flush();
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf).map_err(|e| {
                    Exception::throw_message(&ctx, &format!("cannot read stdin: {e}"))
                })?;
                TypedArray::new(ctx, buf)
            },
        )?,
    )?;
    jsw.set(
        "readStdinChunk",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, max: usize| -> rquickjs::Result<TypedArray<'js, u8>> {
                refuse_at_build(&ctx)?;
                crate::io::flush();
                let mut buf = vec![0u8; max.min(1 << 20)];
                let n = loop {
                    match std::io::stdin().read(&mut buf) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        other => break other,
                    }
                }
                .map_err(|e| Exception::throw_message(&ctx, &format!("cannot read stdin: {e}")))?;
                buf.truncate(n);
                TypedArray::new(ctx, buf)
            },
        )?,
    )?;
    super::eval_part(ctx, jsw, "io", include_str!("io.js"))
}

/// `import { readAll, readText, write } from "jsw:io"`: the functions io.js put on
/// the internal object under `ioModule`.
pub struct IoModule;

const EXPORTS: &[&str] = &[
    "readAll",
    "readAllSync",
    "readText",
    "readTextSync",
    "write",
];

impl ModuleDef for IoModule {
    fn declare<'js>(decl: &Declarations<'js>) -> rquickjs::Result<()> {
        for name in EXPORTS {
            decl.declare(*name)?;
        }
        Ok(())
    }

    fn evaluate<'js>(ctx: &Ctx<'js>, exports: &Exports<'js>) -> rquickjs::Result<()> {
        let module: Object = super::internals(ctx)
            .ok_or_else(|| Exception::throw_message(ctx, "jsw internals missing"))?
            .get("ioModule")?;
        for name in EXPORTS {
            exports.export(*name, module.get::<_, Value>(*name)?)?;
        }
        Ok(())
    }
}

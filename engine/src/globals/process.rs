//! `process`: argv, env, exit, exitCode, stdout/stderr writes, and the rest of the
//! Node-shaped surface packages look for. argv and env are read from WASI when the
//! module runs; during the build they are empty (the build sandbox has none).

use rquickjs::{Ctx, Function, Object, TypedArray};

use crate::{io, phase, wasi};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("isBuild", Function::new(ctx.clone(), phase::is_build)?)?;
    jsw.set(
        "args",
        Function::new(ctx.clone(), || {
            if phase::is_build() {
                Vec::new()
            } else {
                wasi::args()
            }
        })?,
    )?;
    jsw.set(
        "environ",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>| -> rquickjs::Result<Object<'js>> {
                let env = Object::new(ctx)?;
                if !phase::is_build() {
                    for (k, v) in wasi::environ() {
                        env.set(k, v)?;
                    }
                }
                Ok(env)
            },
        )?,
    )?;
    jsw.set("exit", Function::new(ctx.clone(), exit_now)?)?;
    jsw.set(
        "writeBytes",
        Function::new(ctx.clone(), |fd: u32, bytes: TypedArray<'js, u8>| {
            io::write(fd, &super::bytes_of(&bytes));
        })?,
    )?;
    // process.memoryUsage(): [bytes QuickJS has allocated, linear memory size].
    jsw.set(
        "memoryUsage",
        Function::new(ctx.clone(), |ctx: Ctx<'js>| -> Vec<f64> {
            let mut usage = std::mem::MaybeUninit::<rquickjs::qjs::JSMemoryUsage>::zeroed();
            // SAFETY: the runtime of a live context; QuickJS fills the struct.
            let usage = unsafe {
                let rt = rquickjs::qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
                rquickjs::qjs::JS_ComputeMemoryUsage(rt, usage.as_mut_ptr());
                usage.assume_init()
            };
            let memory = (core::arch::wasm32::memory_size(0) * 65536) as f64;
            vec![usage.malloc_size as f64, memory]
        })?,
    )?;
    // Whether a descriptor is a terminal (a character device, as WASI sees it).
    jsw.set("isatty", Function::new(ctx.clone(), wasi::is_terminal)?)?;
    super::eval_part(ctx, jsw, "process", include_str!("process.js"))
}

fn exit_now(code: i32) {
    crate::exit(code)
}

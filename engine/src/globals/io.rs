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
    // process.stdin waits here for input and for the program's next timer
    // together: true when stdin has input (or its end, or an error) for a read.
    jsw.set(
        "waitStdin",
        Function::new(ctx.clone(), |timeout_ms: f64| -> bool {
            if phase::is_build() || timeout_ms < 0.0 {
                // Nothing else to wait for: the read itself waits (or, at build
                // time, says that stdin cannot be read).
                return true;
            }
            crate::io::flush();
            wait_stdin(timeout_ms)
        })?,
    )?;
    super::eval_part(ctx, jsw, "io", include_str!("io.js"))
}

#[cfg(not(feature = "http"))]
#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    #[link_name = "poll_oneoff"]
    fn wasi_poll_oneoff(subs: *const u64, events: *mut u64, n: usize, nevents: *mut usize) -> u16;
}

/// Waits up to `timeout_ms` for stdin to be readable. A host whose poll_oneoff
/// cannot watch stdin answers true: the read then blocks, as it did before.
#[cfg(not(feature = "http"))]
fn wait_stdin(timeout_ms: f64) -> bool {
    const STDIN: u64 = 1;
    // Two WASI subscriptions of 48 bytes: userdata (u64), the tag (u8 at 8),
    // then the tag's fields from byte 16. fd_read (tag 1): the descriptor;
    // clock (tag 0): clock id (u32), timeout, precision (u64s), flags (u16).
    let mut subs = [0u64; 12];
    subs[0] = STDIN;
    subs[1] = 1;
    subs[2] = 0;
    subs[6] = 2;
    subs[7] = 0;
    subs[8] = 1; // monotonic
    subs[9] = (timeout_ms * 1e6) as u64;
    // Two events of 32 bytes: userdata (u64), error (u16 at 8), type (u8 at 10), ...
    let mut events = [0u64; 8];
    let mut count = 0usize;
    // SAFETY: buffers of the sizes and alignment WASI expects for 2 entries.
    let errno = unsafe { wasi_poll_oneoff(subs.as_ptr(), events.as_mut_ptr(), 2, &mut count) };
    errno != 0 || (0..count.min(2)).any(|i| events[i * 4] == STDIN)
}

/// An HTTP component's stdin is the host's business: the read just blocks.
#[cfg(feature = "http")]
fn wait_stdin(_timeout_ms: f64) -> bool {
    true
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
